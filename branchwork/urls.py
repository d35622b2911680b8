"""The only module that names every app (STYLE.md "Layers")."""

from django.contrib import admin
from django.urls import include, path

from branchwork import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/password/done/", views.password_change_done, name="password_change_done"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("members/", include("members.urls")),
    path("pledges/", include("pledges.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "django.views.defaults.permission_denied"
