from django.urls import path

from members import views

urlpatterns = [
    path("", views.member_list, name="member-list"),
    path("export/", views.member_export, name="member-export"),
    path("new/", views.member_create, name="member-create"),
    path("pipeline/", views.member_pipeline, name="member-pipeline"),
    path("import/", views.member_import, name="member-import"),
    path("import/<int:pk>/confirm/", views.member_import_confirm, name="member-import-confirm"),
    path("rules/", views.pipeline_rules, name="pipeline-rules"),
    path("my-data/", views.my_personal_data, name="my-personal-data"),
    path("<int:pk>/", views.member_detail, name="member-detail"),
    path("<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("<int:pk>/advance/", views.member_advance, name="member-advance"),
    path("<int:pk>/extend/", views.member_extend, name="member-extend"),
    path("<int:pk>/record/", views.member_record, name="member-record"),
    path("<int:pk>/contacts/", views.member_contacts, name="member-contacts"),
    path("<int:pk>/transfer/", views.member_transfer, name="member-transfer"),
    path("<int:pk>/archive/", views.member_archive, name="member-archive"),
    path("<int:pk>/personal-data/", views.member_personal_data, name="member-personal-data"),
]
