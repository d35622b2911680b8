"""Context processor: the navigation a user sees, by what their roles allow."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from branchwork.access import scope_for
from branchwork.registry import NAVIGATION


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_roles": []}
    scope = scope_for(user)
    current = request.path
    items = []
    for item in NAVIGATION:
        if item.capability is not None and not scope.has(item.capability):
            continue
        url = reverse(item.url_name)
        active = current == url if url == "/" else current.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return {"nav_items": items}
