"""Reads of members: the roster and counts, always through the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from branchwork.models import Organisation
from members.models import Member, Stage, Status


def roster(user: Any, *, query: str = "", branch_id: int | None = None) -> QuerySet[Member]:
    members = (
        Member.objects.visible_to(user, "members.view")
        .active()
        .select_related("organisation", "group")
    )
    if query:
        members = members.filter(Q(name__icontains=query) | Q(subject__icontains=query))
    if branch_id:
        members = members.filter(organisation_id=branch_id)
    return members.order_by("organisation__path", "name", "id")


def stage_counts_panel(request: HttpRequest) -> dict[str, Any]:
    """Active members per branch and stage, without names (viewers see this too)."""
    rows = (
        Member.objects.visible_to(request.user, "members.view_counts")
        .active()
        .values("organisation_id")
        .annotate(
            total=Count("id"),
            **{stage.value: Count("id", filter=Q(stage=stage.value)) for stage in Stage},
        )
    )
    by_branch = {row["organisation_id"]: row for row in rows}
    branches = Organisation.objects.filter(id__in=by_branch).order_by("path")
    table = [
        {
            "branch": branch,
            "counts": [by_branch[branch.id][stage.value] for stage in Stage],
            "total": by_branch[branch.id]["total"],
        }
        for branch in branches
    ]
    totals = [sum(row["counts"][i] for row in table) for i in range(len(Stage))]
    return {
        "stages": list(Stage),
        "stage_rows": table,
        "stage_totals": totals,
        "stage_grand_total": sum(totals),
        "inactive_statuses": [s for s in Status if s != Status.ACTIVE],
    }
