"""Context processor: the navigation a user sees, by what their roles allow."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from branchwork.access import scope_for
from branchwork.registry import NAVIGATION


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "unread_count": 0}
    scope = scope_for(user)
    current = request.path
    items = [
        {"label": item.label, "url": reverse(item.url_name), "active": False}
        for item in NAVIGATION
        if item.capability is None or scope.has(item.capability)
    ]
    # The longest URL that the current path starts with is the active section.
    matches = [
        i
        for i in items
        if current == i["url"] or (i["url"] != "/" and current.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    from branchwork.models import Notification

    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
    return {"nav_items": items, "unread_count": unread}
