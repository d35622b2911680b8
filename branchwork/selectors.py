"""Kernel reads: organisation trees and role summaries within a user's scope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from branchwork.access import scope_for
from branchwork.models import Organisation, RoleAssignment


def my_organisations_panel(request: HttpRequest) -> dict[str, Any]:
    """The roles the user holds, each with its organisation (one query)."""
    assignments = (
        RoleAssignment.objects.filter(user=request.user)
        .select_related("organisation", "organisation__school")
        .order_by("organisation__path", "role")
    )
    return {"assignments": list(assignments)}


def organisations_for(user: Any) -> list[Organisation]:
    """The organisation tree the user can see, in tree order (one query)."""
    return list(
        Organisation.objects.visible_to(user, "branchwork.view_organisation").order_by("path")
    )


def organisation_detail(user: Any, organisation: Organisation) -> dict[str, Any]:
    """An organisation with its children and, for those allowed, who holds which role."""
    scope = scope_for(user)
    children = list(
        Organisation.objects.visible_to(user, "branchwork.view_organisation")
        .filter(parent=organisation)
        .order_by("position", "name")
    )
    roles: list[RoleAssignment] = []
    if scope.has_in("branchwork.view_roles", organisation):
        roles = list(
            RoleAssignment.objects.filter(organisation=organisation)
            .select_related("user")
            .order_by("role", "user__username")
        )
    ancestors = list(
        Organisation.objects.visible_to(user, "branchwork.view_organisation")
        .filter(path__in=_ancestor_paths(organisation.path))
        .order_by("path")
    )
    return {"children": children, "roles": roles, "ancestors": ancestors}


def _ancestor_paths(path: str) -> list[str]:
    parts = path.split(".")[:-1]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts) - 1)]
