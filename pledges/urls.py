from django.urls import path

from pledges import views

urlpatterns = [
    path("", views.pledge_mine, name="pledge-mine"),
    path("new/", views.pledge_create, name="pledge-create"),
    path("<int:pk>/", views.pledge_detail, name="pledge-detail"),
    path("<int:pk>/edit/", views.pledge_edit, name="pledge-edit"),
    path("<int:pk>/submit/", views.pledge_submit, name="pledge-submit"),
    path("<int:pk>/decide/", views.pledge_decide, name="pledge-decide"),
    path("<int:pk>/amend/", views.pledge_amend, name="pledge-amend"),
    path("<int:pk>/close/", views.pledge_close, name="pledge-close"),
    path("<int:pk>/entries/new/", views.fulfilment_create, name="fulfilment-create"),
    path("entries/<int:pk>/edit/", views.fulfilment_edit, name="fulfilment-edit"),
    path("entries/<int:pk>/review/", views.fulfilment_review, name="fulfilment-review"),
    path("entries/<int:pk>/evidence/", views.fulfilment_evidence, name="fulfilment-evidence"),
    path("ledger/", views.pledge_ledger, name="pledge-ledger"),
    path("ledger/export/", views.pledge_ledger_export, name="pledge-ledger-export"),
    path("wall/", views.pledge_wall_index, name="pledge-wall-index"),
    path("wall/<int:pk>/", views.pledge_wall, name="pledge-wall"),
    path("wall/<int:pk>/print/", views.pledge_wall_print, name="pledge-wall-print"),
    path("categories/", views.category_list, name="category-list"),
    path("categories/<int:pk>/", views.category_edit, name="category-edit"),
    path("letters/", views.letter_list, name="letter-list"),
    path("letters/<int:pk>/", views.letter_detail, name="letter-detail"),
    path("appraisal/", views.appraisal_list, name="appraisal-list"),
    path("appraisal/bands/", views.bands_edit, name="bands-edit"),
    path("appraisal/export/", views.appraisal_export, name="appraisal-export"),
    path("appraisal/member/<int:pk>/", views.appraisal_member, name="appraisal-member"),
]
