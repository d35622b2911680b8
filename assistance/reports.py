"""What the assistance app contributes to the branch and school annual reports.

Counts and outcomes only: these reports are read by viewers (the principal, the bureau),
so no student's name ever appears here (DOMAIN.md "Student assistance").
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from assistance.models import (
    Assessment,
    Outcome,
    Pairing,
    PairingStatus,
    Progress,
    Visit,
    VisitKind,
)
from branchwork import charts
from branchwork.models import Organisation


def year_in_numbers(organisation: Organisation, year: int) -> dict[str, Any]:
    pairings = Pairing.objects.filter(branch__path__startswith=organisation.path)
    totals = pairings.aggregate(
        active_now=Count("id", filter=Q(status=PairingStatus.ACTIVE)),
        opened=Count("id", filter=Q(started_on__year=year)),
        closed=Count("id", filter=Q(closed_on__year=year)),
        mentors=Count("mentor", distinct=True, filter=Q(status=PairingStatus.ACTIVE)),
    )
    outcomes = dict(
        pairings.filter(closed_on__year=year).values_list("outcome").annotate(n=Count("id"))
    )
    visits = Visit.objects.filter(pairing__in=pairings, date__year=year)
    per_kind = list(visits.values("kind").annotate(n=Count("id"), minutes=Sum("duration_minutes")))
    by_kind = {row["kind"]: row["n"] for row in per_kind}
    minutes = sum(row["minutes"] or 0 for row in per_kind)
    progress = dict(
        Assessment.objects.filter(pairing__in=pairings, assessed_on__year=year)
        .values_list("progress")
        .annotate(n=Count("id"))
    )
    outcome_rows = [(o.label, outcomes.get(o.value, 0)) for o in Outcome]
    visit_count = sum(by_kind.values())
    hours = round(minutes / 60, 1)
    return {
        "totals": totals,
        "summary": [
            (_("Active pairings"), totals["active_now"]),
            (_("Members mentoring a student"), totals["mentors"]),
            (_("Pairings opened this year"), totals["opened"]),
            (_("Pairings closed this year"), totals["closed"]),
            (_("Visits and sessions this year"), visit_count),
            (_("Hours spent"), hours),
        ],
        "outcomes": outcome_rows,
        "visit_kinds": [(k.label, by_kind.get(k.value, 0)) for k in VisitKind],
        "visits": visit_count,
        "hours": hours,
        "progress": [(p.label, progress.get(p.value, 0)) for p in Progress],
        "visit_chart": charts.bar_chart(
            labels=[str(k.label) for k in VisitKind],
            values=[by_kind.get(k.value, 0) for k in VisitKind],
            title=_("Visits by kind"),
        ),
    }
