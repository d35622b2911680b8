"""What the pledges app contributes to the reports (registered in apps.py)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from branchwork.models import Organisation
from pledges.models import Grade, Pledge, PledgeStatus
from pledges.selectors import (
    GradeDistribution,
    fulfilment_rates_by_branch,
    grade_distributions_by_branch,
)


def _branches(organisation: Organisation) -> list[Organisation]:
    if organisation.kind == Organisation.Kind.BRANCH:
        return [organisation]
    return list(
        Organisation.objects.branches().filter(path__startswith=organisation.path).order_by("path")
    )


def pledges_section(organisation: Organisation, year: int) -> dict[str, Any]:
    """Fulfilment by category of the positive list and the appraisal grades, summed over
    the branches (and per branch for the school report)."""
    by_category: dict[str, dict[str, Any]] = {}
    grades_by_score: dict[str, int] = defaultdict(int)
    grades_by_review: dict[str, int] = defaultdict(int)
    per_branch = []
    not_graded = 0
    rates_by_branch = fulfilment_rates_by_branch(organisation=organisation, year=year)
    distributions = grade_distributions_by_branch(organisation=organisation, year=year)
    nobody = GradeDistribution(
        by_score=dict.fromkeys(Grade.values, 0), by_review=dict.fromkeys(Grade.values, 0),
        appraised=0, not_graded=0,
    )  # fmt: skip
    for branch in _branches(organisation):
        rates = rates_by_branch.get(branch.pk, [])
        for rate in rates:
            row = by_category.setdefault(
                rate.category.name,
                {"name": rate.category.name, "pledges": 0, "fulfilled": 0, "partly": 0,
                 "not": 0, "open": 0},
            )  # fmt: skip
            row["pledges"] += rate.pledges
            row["fulfilled"] += rate.fulfilled
            row["partly"] += rate.partly_fulfilled
            row["not"] += rate.not_fulfilled
            row["open"] += rate.open
        distribution = distributions.get(branch.pk, nobody)
        for grade in Grade:
            grades_by_score[grade.value] += distribution.by_score[grade.value]
            grades_by_review[grade.value] += distribution.by_review[grade.value]
        not_graded += distribution.not_graded
        closed = sum(r.fulfilled + r.partly_fulfilled + r.not_fulfilled for r in rates)
        fulfilled = sum(r.fulfilled for r in rates)
        per_branch.append(
            {"name": branch.name, "pledges": sum(r.pledges for r in rates),
             "rate": round(fulfilled * 100 / closed) if closed else None}
        )  # fmt: skip
    for row in by_category.values():
        closed = row["fulfilled"] + row["partly"] + row["not"]
        row["rate"] = round(row["fulfilled"] * 100 / closed) if closed else None
    return {
        "categories": list(by_category.values()),
        "grades": [
            (grade.label, grades_by_score[grade.value], grades_by_review[grade.value])
            for grade in Grade
        ],
        "not_graded": not_graded,
        "branches": per_branch if organisation.is_school else [],
    }


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
