"""What the pledges app contributes to the reports (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import pgettext

from branchwork.models import Organisation
from branchwork.reports import Compared
from pledges.models import Pledge, PledgeStatus
from pledges.selectors import fulfilment_rates_by_branch, grade_distribution


def pledges_section(organisation: Organisation, year: int) -> dict[str, Any]:
    """Fulfilment by category of the positive list and the appraisal grades, summed over
    the branches (and per branch for the school report's branch comparison, where a
    branch without pledges shows 0 and no rate)."""
    by_category: dict[int, dict[str, Any]] = {}
    per_branch = []
    rates_by_branch = fulfilment_rates_by_branch(organisation=organisation, year=year)
    for branch_id, rates in rates_by_branch.items():
        for rate in rates:
            row = by_category.setdefault(
                rate.category.pk,
                {"name": rate.category.name, "position": (rate.category.position, rate.category.pk),
                 "pledges": 0, "fulfilled": 0, "partly": 0, "not": 0, "open": 0},
            )  # fmt: skip
            row["pledges"] += rate.pledges
            row["fulfilled"] += rate.fulfilled
            row["partly"] += rate.partly_fulfilled
            row["not"] += rate.not_fulfilled
            row["open"] += rate.open
        closed = sum(r.closed for r in rates)
        fulfilled = sum(r.fulfilled for r in rates)
        per_branch.append((branch_id, sum(r.pledges for r in rates), _rate(fulfilled, closed)))
    categories = sorted(by_category.values(), key=lambda row: row["position"])
    for row in categories:
        row["rate"] = _rate(row["fulfilled"], row["fulfilled"] + row["partly"] + row["not"])
    grades = grade_distribution(branch=organisation, year=year)
    return {
        "categories": categories,
        "grades": grades.rows(),
        "not_graded": grades.not_graded,
        "compare": _compare(per_branch, categories) if organisation.is_school else [],
    }


def _rate(fulfilled: int, closed: int) -> int | None:
    return round(fulfilled * 100 / closed) if closed else None


def _compare(per_branch: list[tuple], categories: list[dict[str, Any]]) -> list[Compared]:
    """The pledges columns of the school report's branch comparison."""
    closed = sum(row["fulfilled"] + row["partly"] + row["not"] for row in categories)
    return [
        Compared(pgettext("comparison column", "Pledges"),
                 {pk: pledges for pk, pledges, _unused in per_branch},
                 sum(row["pledges"] for row in categories)),
        Compared(pgettext("comparison column", "Fulfilment rate"),
                 {pk: rate for pk, _unused, rate in per_branch},
                 _rate(sum(row["fulfilled"] for row in categories), closed), percent=True),
    ]  # fmt: skip


def member_pledges(member: Any, year: int) -> dict[str, Any]:
    from pledges.selectors import with_progress

    pledges = list(
        with_progress(
            Pledge.objects.filter(member=member, year=year).exclude(status=PledgeStatus.DRAFT)
        ).select_related("category")
    )
    from pledges.selectors import appraisal_rows

    row = next(
        (r for r in appraisal_rows(member.organisation, year=year) if r.member.pk == member.pk),
        None,
    )
    return {"pledges": pledges, "appraisal": row}
