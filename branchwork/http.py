"""Small request helpers shared by every app's views."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict


def posted(request: HttpRequest) -> QueryDict | None:
    """Form data of a POST — even an empty one, which must be validated (and refused),
    not shown as a fresh form as `request.POST or None` would."""
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None
