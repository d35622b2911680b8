"""`{% audit_link obj %}`: a link to the object's history, for organisation admins."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from branchwork.access import scope_for
from branchwork.audit import CAPABILITY

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_link(context, obj) -> str:
    request = context.get("request")
    if request is None or not scope_for(request.user).has(CAPABILITY):
        return ""
    url = reverse("audit-history", args=[obj._meta.label_lower, obj.pk])
    return format_html('<a class="audit-link" href="{}">{}</a>', url, _("Change history (audit)"))
