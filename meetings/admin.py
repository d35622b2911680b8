from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import Attachment, AttendanceRecord, Decision, Meeting, MeetingRule


class AttendanceInline(admin.TabularInline):
    model = AttendanceRecord
    extra = 0
    raw_id_fields = ["member"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "meeting_type", "organisation", "starts_at", "status"]
    list_filter = ["meeting_type", "status"]
    search_fields = ["title"]
    raw_id_fields = ["host", "recorder", "organisation"]
    inlines = [AttendanceInline]


@admin.register(MeetingRule)
class MeetingRuleAdmin(admin.ModelAdmin):
    list_display = ["organisation", "meeting_type", "frequency", "times", "quorum"]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "category", "text"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["meeting", "kind", "original_name", "uploaded_at"]
