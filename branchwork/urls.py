"""The only module that names every app (STYLE.md "Layers")."""

from django.contrib import admin
from django.urls import include, path

from branchwork import import_views, notify_views, report_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/panel/", views.dashboard_panel, name="dashboard-panel"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/logout/everywhere/", views.logout_everywhere, name="logout-everywhere"),
    path("accounts/lockouts/", views.lockouts, name="lockouts"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/password/done/", views.password_change_done, name="password_change_done"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("audit/<str:label>/<int:pk>/", views.audit_history, name="audit-history"),
    path("inbox/", notify_views.inbox, name="inbox"),
    path("inbox/read/", notify_views.inbox_read, name="inbox-read"),
    path("inbox/preferences/", notify_views.preferences, name="notification-preferences"),
    path("outbox/", notify_views.outbox, name="outbox"),
    path("outbox/<int:pk>/retry/", notify_views.outbox_retry, name="outbox-retry"),
    path("robots/", notify_views.robots, name="robots"),
    path("robots/<int:pk>/off/", notify_views.robot_delete, name="robot-off"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/generate/", report_views.report_generate, name="report-generate"),
    path("reports/<int:pk>/", report_views.report_status, name="report-status"),
    path("reports/<int:pk>/download/", report_views.report_download, name="report-download"),
    path(
        "reports/narrative/<int:pk>/<int:year>/",
        report_views.report_narrative,
        name="report-narrative",
    ),
    path("imports/<int:pk>/", import_views.import_status, name="import-status"),
    path("members/", include("members.urls")),
    path("meetings/", include("meetings.urls")),
    path("assistance/", include("assistance.urls")),
    path("pledges/", include("pledges.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "django.views.defaults.permission_denied"
