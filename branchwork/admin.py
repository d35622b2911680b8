"""Back-office admin for the installation's operators (superusers).

Django admin has no organisation scoping, so it is for operators only; everyday work
happens in the app's own pages, which go through `branchwork.access`.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from branchwork import services
from branchwork.models import Heartbeat, Organisation, RoleAssignment

admin.site.site_header = _("Branchwork back office")
admin.site.site_title = _("Branchwork")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "school", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    readonly_fields = ["path", "school"]
    list_select_related = ["school"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.create_organisation(
            name=obj.name, slug=obj.slug, kind=obj.kind, parent=obj.parent, position=obj.position
        )
        obj.pk, obj.path, obj.school = created.pk, created.path, created.school

    def get_readonly_fields(self, request, obj=None):
        # Moving a node would need its whole subtree's paths rewritten: not done here.
        return [*self.readonly_fields, "parent", "kind"] if obj else self.readonly_fields


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_seen", "count"]
