from django.contrib import admin

from members.models import Member


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "group", "stage", "status"]
    list_filter = ["stage", "status", "organisation__school"]
    search_fields = ["name", "phone"]
    list_select_related = ["organisation", "group"]
    raw_id_fields = ["user", "organisation", "group"]
