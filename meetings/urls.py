from django.urls import path

from meetings import views

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("new/", views.meeting_create, name="meeting-create"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("<int:pk>/status/", views.meeting_status, name="meeting-status"),
    path("<int:pk>/attendance/", views.meeting_attendance, name="meeting-attendance"),
    path("<int:pk>/check-in/", views.meeting_checkin, name="meeting-checkin"),
    path("<int:pk>/check-in/qr/", views.meeting_checkin_qr, name="meeting-checkin-qr"),
    path("<int:pk>/scan/<str:token>/", views.meeting_scan, name="meeting-scan"),
    path("<int:pk>/decisions/", views.decision_add, name="meeting-decision-add"),
    path("decisions/<int:pk>/delete/", views.decision_delete, name="meeting-decision-delete"),
    path("<int:pk>/attachments/", views.attachment_add, name="meeting-attachment-add"),
    path("attachments/<int:pk>/", views.attachment_download, name="meeting-attachment"),
    path("<int:pk>/print/", views.meeting_print, name="meeting-print"),
    path("decisions/", views.decision_register, name="meeting-decisions"),
    path("compliance/", views.compliance, name="meeting-compliance"),
    path("ledger.xlsx", views.ledger_export, name="meeting-ledger"),
    path("calendar/", views.calendar_month, name="meeting-calendar"),
    path(
        "calendar/subscription/",
        views.calendar_subscription,
        name="meeting-calendar-subscription",
    ),
    path("calendar/<str:token>.ics", views.calendar_feed_view, name="meeting-calendar-feed"),
    path("rules/", views.rules, name="meeting-rules"),
]
