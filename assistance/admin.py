from django.contrib import admin

from assistance.models import AssistanceSettings, StudentAccess


@admin.register(AssistanceSettings)
class AssistanceSettingsAdmin(admin.ModelAdmin):
    """Per-school rules: pairing limit, visit and assessment intervals, retention.

    Students' files are deliberately not in the admin: they are read only through the
    scoped pages, where every read is logged.
    """

    list_display = [
        "organisation",
        "pairing_limit",
        "visit_interval_days",
        "assessment_interval_days",
        "retention_days",
    ]


@admin.register(StudentAccess)
class StudentAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "student_id", "page"]
    list_filter = ["page"]
    fields = readonly_fields = ["student_id", "user", "page", "at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
