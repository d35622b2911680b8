"""Reads of the assistance app: the teacher's dashboard, the secretary's view, the ledger,
counts for viewers. Every read goes through the user's scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.models import (
    MANAGE,
    MENTOR,
    VIEW_FILE,
    Assessment,
    AssistanceSettings,
    Outcome,
    Pairing,
    PairingStatus,
    Student,
    StudentAccess,
)
from assistance.services import MENTOR_STAGES
from branchwork import charts
from branchwork.access import scope_for
from branchwork.models import Organisation
from members.models import Member

LEDGER = "assistance.ledger"
COUNTS = "assistance.view_counts"


def _rules(school_ids: set[int]) -> dict[int, AssistanceSettings]:
    """Settings per school in one query, defaults for schools without a row."""
    found = {
        s.organisation_id: s
        for s in AssistanceSettings.objects.filter(organisation_id__in=school_ids)
    }
    return {sid: found.get(sid) or AssistanceSettings(organisation_id=sid) for sid in school_ids}


@dataclass
class PairingStatusRow:
    """A pairing with what the dashboard and ledger say about it."""

    pairing: Pairing
    last_visit: datetime.date | None
    days_since: int | None
    overdue: bool
    next_assessment: datetime.date
    assessment_overdue: bool
    visit_count: int = 0


def _with_activity(pairings: QuerySet[Pairing]) -> QuerySet[Pairing]:
    return pairings.annotate(
        last_visit=Max("visits__date"),
        last_assessment=Max("assessments__assessed_on"),
        visit_count=Count("visits", distinct=True),
    )


def _with_rules(pairings: QuerySet[Pairing]) -> QuerySet[Pairing]:
    """The school's visit and assessment intervals as columns of the pairing query, so a
    dashboard panel needs no separate settings query."""

    def interval(name: str) -> Coalesce:
        school = OuterRef("branch__school_id")
        configured = AssistanceSettings.objects.filter(organisation_id=school)
        default = AssistanceSettings._meta.get_field(name).default
        return Coalesce(Subquery(configured.values(name)[:1]), Value(default))

    return pairings.annotate(
        rule_visit_interval=interval("visit_interval_days"),
        rule_assessment_interval=interval("assessment_interval_days"),
    )


def _status_rows(pairings: list[Pairing], today: datetime.date) -> list[PairingStatusRow]:
    if all(hasattr(p, "rule_visit_interval") for p in pairings):
        rules = {
            p.branch.school_id: AssistanceSettings(
                organisation_id=p.branch.school_id,
                visit_interval_days=p.rule_visit_interval,
                assessment_interval_days=p.rule_assessment_interval,
            )
            for p in pairings
        }
    else:
        rules = _rules({p.branch.school_id for p in pairings})
    rows = []
    for p in pairings:
        rule = rules[p.branch.school_id]
        since = (today - p.last_visit).days if p.last_visit else None
        base = p.last_visit or p.started_on
        overdue = p.is_active and (today - base).days > rule.visit_interval_days
        next_due = (p.last_assessment or p.started_on) + datetime.timedelta(
            days=rule.assessment_interval_days
        )
        rows.append(
            PairingStatusRow(
                pairing=p,
                last_visit=p.last_visit,
                days_since=since,
                overdue=overdue,
                next_assessment=next_due,
                assessment_overdue=p.is_active and next_due < today,
                visit_count=p.visit_count,
            )
        )
    return rows


def my_pairings(user: Any, *, today: datetime.date | None = None) -> list[PairingStatusRow]:
    """The teacher's own active pairings, the most overdue first."""
    today = today or timezone.localdate()
    pairings = Pairing.objects.visible_to(user, MENTOR).select_related("student", "branch")
    rows = _status_rows(
        list(_with_rules(_with_activity(pairings)).order_by("started_on", "id")), today
    )
    return sorted(rows, key=lambda r: (not r.overdue, r.last_visit or r.pairing.started_on))


def my_pairings_panel(request: HttpRequest) -> dict[str, Any]:
    return {"rows": my_pairings(request.user)}


def _month_start(today: datetime.date) -> datetime.date:
    return today.replace(day=1)


def counts(user: Any, *, today: datetime.date | None = None) -> dict[str, Any]:
    """Numbers without names (viewers see these): pairings, visits, outcomes."""
    today = today or timezone.localdate()
    month = Q(visits__date__gte=_month_start(today), visits__date__lte=today)
    # One query: pairings joined to their visits, so pairings are counted distinct.
    totals = Pairing.objects.visible_to(user, COUNTS).aggregate(
        active=Count("id", distinct=True, filter=Q(status=PairingStatus.ACTIVE)),
        closed=Count("id", distinct=True, filter=Q(status=PairingStatus.CLOSED)),
        **{o.value: Count("id", distinct=True, filter=Q(outcome=o.value)) for o in Outcome},
        visits_this_month=Count("visits", filter=month),
        visits_this_year=Count("visits", filter=Q(visits__date__year=today.year)),
    )
    return {
        "active": totals["active"],
        "closed": totals["closed"],
        "outcomes": [(o.label, totals[o.value]) for o in Outcome],
        "visits_this_month": totals["visits_this_month"],
        "visits_this_year": totals["visits_this_year"],
    }


def overview_panel(request: HttpRequest) -> dict[str, Any]:
    data = counts(request.user)
    data["show_ledger"] = scope_for(request.user).has(LEDGER)
    data["outcome_chart"] = charts.bar_chart(
        labels=[label for label, _n in data["outcomes"]],
        values=[n for _label, n in data["outcomes"]],
        title=_("Outcomes of closed pairings"),
        width=320,
        height=160,
    )
    return data


@dataclass
class LedgerRow:
    status: PairingStatusRow
    show_names: bool


def ledger(
    user: Any, *, today: datetime.date | None = None, branch_id: int | None = None
) -> list[LedgerRow]:
    """The assistance ledger (帮扶台账): every pairing in the user's scope, with names
    only where the user manages the pairing's branch (never for a viewer)."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    pairings = Pairing.objects.visible_to(user, LEDGER).select_related(
        "student", "mentor", "branch"
    )
    if branch_id:
        pairings = pairings.filter(branch_id=branch_id)
    pairings = _with_activity(pairings).order_by("branch__path", "status", "started_on", "id")
    return [
        LedgerRow(status=row, show_names=scope.has_in(MANAGE, row.pairing.branch))
        for row in _status_rows(list(pairings), today)
    ]


def secretary_overview(user: Any, *, today: datetime.date | None = None) -> dict[str, Any]:
    """For managers: members without a pairing, students without a mentor. Viewers get
    the same numbers without the lists."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    managed = scope.organisation_ids(MANAGE)
    active_mentors = Pairing.objects.active().values("mentor_id")
    free_members = (
        Member.objects.filter(organisation_id__in=managed, status="active", stage__in=MENTOR_STAGES)
        .exclude(id__in=active_mentors)
        .select_related("organisation")
        .order_by("organisation__path", "name")
    )
    free_students = (
        Student.objects.visible_to(user, VIEW_FILE)
        .filter(school_id__in=Organisation.objects.filter(id__in=managed).values("school_id"))
        .without_mentor()
    )
    reach = scope.organisation_ids(LEDGER)
    schools = Organisation.objects.filter(id__in=reach).values("school_id")
    unpaired_count = Student.objects.filter(school_id__in=schools).without_mentor().count()
    return {
        "free_members": list(free_members) if managed else [],
        "free_students": list(free_students) if managed else [],
        "unpaired_count": unpaired_count,
        "counts": counts(user, today=today),
    }


def pairing_page(pairing: Pairing) -> dict[str, Any]:
    """Visits, assessments and the trajectory chart of one pairing."""
    visits = list(pairing.visits.select_related("recorded_by"))
    assessments = list(Assessment.objects.filter(pairing=pairing).order_by("assessed_on", "id"))
    subjects = pairing.subject_list()
    for a in assessments:
        subjects += [s for s in a.results if s not in subjects]
    chart = charts.line_chart(
        x_labels=[a.term for a in assessments],
        series=[
            charts.Series(label=s, values=[a.results.get(s) for a in assessments]) for s in subjects
        ],
        title=_("Results by term"),
        y_min=0,
    )
    history = (
        Pairing.objects.filter(student_id=pairing.student_id)
        .exclude(pk=pairing.pk)
        .select_related("mentor")
        .order_by("started_on")
    )
    return {
        "visits": visits,
        "assessments": [
            {"row": a, "scores": [(s, a.results.get(s)) for s in subjects]} for a in assessments
        ],
        "subjects": subjects,
        "chart": chart,
        "has_results": any(a.results for a in assessments),
        "history": list(history),
    }


def access_log(user: Any, *, student_id: int | None = None) -> QuerySet[StudentAccess]:
    entries = StudentAccess.objects.visible_to(user, MANAGE).select_related("student", "user")
    if student_id:
        entries = entries.filter(student_id=student_id)
    return entries.order_by("-at", "-id")


def students(user: Any, *, query: str = "") -> QuerySet[Student]:
    rows = (
        Student.objects.visible_to(user, VIEW_FILE)
        .select_related("school")
        .prefetch_related(
            Prefetch(
                "pairings",
                queryset=Pairing.objects.active().select_related("mentor"),
                to_attr="active_pairings",
            )
        )
    )
    if query:
        rows = rows.filter(name__icontains=query)
    return rows.order_by("status", "grade", "class_number", "name", "id")
