"""Walk every URL pattern of the project (shared by the permission tests)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# Django's admin checks is_staff/superuser on every view itself (AdminSite.admin_view);
# it is the operators' back office and is covered by its own test below.
EXEMPT_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    callback: Any


def walk(patterns=None, prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in EXEMPT_NAMESPACES:
                continue
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(name or "", prefix + str(entry.pattern), entry.callback)
