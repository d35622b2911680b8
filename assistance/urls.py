from django.urls import path

from assistance import views

urlpatterns = [
    path("", views.home, name="assistance-home"),
    path("ledger/", views.ledger, name="assistance-ledger"),
    path("ledger/export/", views.ledger_export, name="assistance-ledger-export"),
    path("students/", views.student_list, name="student-list"),
    path("students/new/", views.student_create, name="student-create"),
    path("students/<int:pk>/", views.student_detail, name="student-detail"),
    path("students/<int:pk>/edit/", views.student_edit, name="student-edit"),
    path("pairings/new/", views.pairing_create, name="pairing-create"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing-detail"),
    path("pairings/<int:pk>/close/", views.pairing_close, name="pairing-close"),
    path("pairings/<int:pk>/visit/", views.visit_create, name="visit-create"),
    path("pairings/<int:pk>/assessment/", views.assessment_create, name="assessment-create"),
    path("visits/<int:pk>/photo/", views.visit_photo, name="visit-photo"),
    path("import/students/", views.import_upload, {"kind": "students"}, name="student-import"),
    path("import/pairings/", views.import_upload, {"kind": "pairings"}, name="pairing-import"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="assistance-import-confirm"),
    path("access-log/", views.access_log, name="student-access-log"),
]
