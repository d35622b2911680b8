"""Reads of the pledges app: ledgers, the wall, appraisal tables and what other apps reuse.

Reused by other issues (keep these signatures stable):
- `fulfilment_rates_by_category(branch=..., year=...)` and `grade_distribution(branch=...,
  year=...)`: the annual reports print them (`fulfilment_rates_by_branch` gives the rates
  of every branch of a school at once; `grade_distribution` also takes a school).
- `pledges_due_within(days=..., today=...)` and `returned_entries(...)`: the reminder
  engine sends them.
"""

from __future__ import annotations

import datetime
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from branchwork.access import scope_for
from branchwork.models import Organisation
from members.models import Member, Stage
from pledges.models import (
    PUBLIC_STATUSES,
    Appraisal,
    AppraisalBands,
    Category,
    EntryStatus,
    Fulfilment,
    Grade,
    LetterItem,
    Pledge,
    PledgeStatus,
    ResponsibilityLetter,
    ReviewRound,
)
from pledges.services import appraised_members, bands_for, in_and_below

ZERO = Decimal("0")


def with_progress(pledges: QuerySet[Pledge]) -> QuerySet[Pledge]:
    """Annotate what counts: accepted entries only; pending/returned are counted apart."""
    decimal = DecimalField(max_digits=10, decimal_places=1)
    return pledges.annotate(
        accepted_amount=Coalesce(
            Sum("entries__amount", filter=Q(entries__status=EntryStatus.ACCEPTED)),
            Value(ZERO),
            output_field=decimal,
        ),
        pending_entries=Count("entries", filter=Q(entries__status=EntryStatus.PENDING)),
        returned_entries=Count("entries", filter=Q(entries__status=EntryStatus.RETURNED)),
    )


def progress_percent(accepted: Decimal, target: Decimal) -> int:
    """Whole percent of the target reached, capped at 100."""
    if not target:
        return 0
    return min(100, int(accepted * 100 / target))


def _finish(pledges: QuerySet[Pledge]) -> list[Pledge]:
    rows = list(pledges)
    for pledge in rows:
        pledge.progress = progress_percent(pledge.accepted_amount, pledge.target_amount)
    return rows


def pledge_progress(pledge: Pledge) -> tuple[Decimal, int]:
    """(accepted amount, percent) of one pledge."""
    accepted = pledge.entries.filter(status=EntryStatus.ACCEPTED).aggregate(
        total=Coalesce(Sum("amount"), Value(ZERO))
    )["total"]
    return accepted, progress_percent(accepted, pledge.target_amount)


def current_year() -> int:
    return timezone.localdate().year


def own_member(user: Any) -> Member | None:
    return Member.objects.filter(user_id=user.pk).select_related("organisation").first()


def my_pledges(user: Any, *, year: int) -> list[Pledge]:
    pledges = Pledge.objects.visible_to(user, "pledges.own").filter(year=year)
    return _finish(with_progress(pledges.select_related("category")).order_by("due_date", "id"))


def categories_for(member: Member) -> QuerySet[Category]:
    return Category.objects.filter(organisation_id=member.organisation.school_id, is_active=True)


# --- managers' ledger ----------------------------------------------------------------


def managed_branches(user: Any, capability: str) -> QuerySet[Organisation]:
    """Branches where the user holds the capability (a secretary: hers; an admin: all)."""
    ids = scope_for(user).organisation_ids(capability)
    return Organisation.objects.filter(id__in=ids, kind=Organisation.Kind.BRANCH).order_by("path")


def ledger(branch: Organisation, *, year: int) -> list[Pledge]:
    """The branch's 承诺践诺台账 for a year: every pledge with its progress."""
    pledges = Pledge.objects.filter(organisation=branch, year=year).select_related(
        "member", "category"
    )
    return _finish(with_progress(pledges).order_by("member__name", "category__position", "id"))


def awaiting_secretary(user: Any) -> list[Pledge]:
    """Pledges of the user's branches awaiting approval or with entries awaiting review,
    each with `entries_to_review` (one query: the dashboard counts them)."""
    managed = Pledge.objects.visible_to(user, "pledges.manage")
    # Pending entries of the user's own pledges only, not "pk IN every pending entry of
    # every school", which grew with other schools' data (docs/performance.md).
    pending = Fulfilment.objects.filter(status=EntryStatus.PENDING, pledge__in=managed)
    return list(
        managed.filter(Q(status=PledgeStatus.SUBMITTED) | Q(pk__in=pending.values("pledge_id")))
        .annotate(entries_to_review=Count("entries", filter=Q(entries__status=EntryStatus.PENDING)))
        .select_related("member")
        .order_by("created_at", "id")[:50]
    )


# --- the wall (亮承诺) ----------------------------------------------------------------


def wall_branches(user: Any) -> QuerySet[Organisation]:
    """Every branch of the user's schools: the wall is open to the whole school."""
    ids = scope_for(user).organisation_ids("pledges.view_wall")
    schools = Organisation.objects.filter(id__in=ids).values("school_id")
    return Organisation.objects.filter(
        kind=Organisation.Kind.BRANCH, school_id__in=schools
    ).order_by("path")


@dataclass
class WallRow:
    member: Member
    pledges: list[Pledge] = field(default_factory=list)


def wall(branch: Organisation, *, year: int) -> list[WallRow]:
    """Each member's approved pledges with progress, by name and category: never ranked."""
    pledges = _finish(
        with_progress(
            Pledge.objects.filter(organisation=branch, year=year, status__in=PUBLIC_STATUSES)
        )
        .select_related("member", "category")
        .order_by("member__name", "member_id", "category__position", "id")
    )
    rows: OrderedDict[int, WallRow] = OrderedDict()
    for pledge in pledges:
        rows.setdefault(pledge.member_id, WallRow(pledge.member)).pledges.append(pledge)
    return list(rows.values())


# --- reused by the annual report -----------------------------------------------------


@dataclass(frozen=True)
class CategoryRate:
    category: Category
    pledges: int
    fulfilled: int
    partly_fulfilled: int
    not_fulfilled: int
    open: int

    @property
    def closed(self) -> int:
        return self.fulfilled + self.partly_fulfilled + self.not_fulfilled

    @property
    def rate(self) -> int | None:
        """Percent of closed pledges fulfilled in full (None before any is closed)."""
        return round(self.fulfilled * 100 / self.closed) if self.closed else None


def fulfilment_rates_by_category(*, branch: Organisation, year: int) -> list[CategoryRate]:
    """Per category of the positive list: approved pledges and how they were closed."""
    return fulfilment_rates_by_branch(organisation=branch, year=year).get(branch.pk, [])


def fulfilment_rates_by_branch(
    *, organisation: Organisation, year: int
) -> dict[int, list[CategoryRate]]:
    """`fulfilment_rates_by_category` for every branch in and below `organisation`, keyed
    by branch id: two queries however many branches (the school report)."""
    counts = (
        Pledge.objects.filter(
            organisation__path__startswith=organisation.path, year=year,
            status__in=PUBLIC_STATUSES,
        )
        .values("organisation_id", "category_id")
        .annotate(
            total=Count("id"),
            **{
                status.value: Count("id", filter=Q(status=status))
                for status in (
                    PledgeStatus.FULFILLED,
                    PledgeStatus.PARTLY_FULFILLED,
                    PledgeStatus.NOT_FULFILLED,
                    PledgeStatus.APPROVED,
                )
            },
        )
    )  # fmt: skip
    rows = list(counts)
    categories = Category.objects.filter(id__in={row["category_id"] for row in rows})
    position = {c.pk: (c.position, c.pk) for c in categories}
    by_pk = {c.pk: c for c in categories}
    result: dict[int, list[CategoryRate]] = {}
    for row in sorted(rows, key=lambda row: position[row["category_id"]]):
        result.setdefault(row["organisation_id"], []).append(
            CategoryRate(
                category=by_pk[row["category_id"]],
                pledges=row["total"],
                fulfilled=row[PledgeStatus.FULFILLED],
                partly_fulfilled=row[PledgeStatus.PARTLY_FULFILLED],
                not_fulfilled=row[PledgeStatus.NOT_FULFILLED],
                open=row[PledgeStatus.APPROVED],
            )
        )
    return result


# --- reused by the reminder engine ---------------------------------------------------


def pledges_due_within(
    *, days: int, today: datetime.date | None = None, organisation: Organisation | None = None
) -> QuerySet[Pledge]:
    """Approved, open pledges due in the next `days` days (today included)."""
    today = today or timezone.localdate()
    pledges = Pledge.objects.filter(
        status=PledgeStatus.APPROVED,
        due_date__gte=today,
        due_date__lte=today + datetime.timedelta(days=days),
    )
    if organisation is not None:
        pledges = pledges.filter(organisation__path__startswith=organisation.path)
    return pledges.select_related("member", "member__user", "organisation").order_by(
        "due_date", "id"
    )


def returned_entries(*, organisation: Organisation | None = None) -> QuerySet[Fulfilment]:
    """Entries the secretary returned that the member has not corrected yet."""
    entries = Fulfilment.objects.filter(
        status=EntryStatus.RETURNED, pledge__status=PledgeStatus.APPROVED
    )
    if organisation is not None:
        entries = entries.filter(pledge__organisation__path__startswith=organisation.path)
    return entries.select_related("pledge__member", "pledge__member__user").order_by(
        "reviewed_at", "id"
    )


# --- appraisal -----------------------------------------------------------------------


def grade_for(score: Decimal | None, bands: AppraisalBands) -> str | None:
    """The band a score falls in (lower bounds inclusive); None without a score."""
    if score is None:
        return None
    if score >= bands.excellent_from:
        return Grade.EXCELLENT
    if score >= bands.qualified_from:
        return Grade.QUALIFIED
    if score >= bands.basic_from:
        return Grade.BASIC
    return Grade.UNQUALIFIED


@dataclass
class AppraisalRow:
    member: Member
    appraisal: Appraisal | None
    letters: list[ResponsibilityLetter]
    score: Decimal | None
    max_score: Decimal
    scored_items: int
    items: int
    band_grade: str | None

    @property
    def is_probationary(self) -> bool:
        return self.member.stage == Stage.PROBATIONARY

    @property
    def band_grade_label(self) -> str:
        return str(Grade(self.band_grade).label) if self.band_grade else ""

    @property
    def review_grade(self) -> str:
        return self.appraisal.review_grade if self.appraisal else ""

    @property
    def review_grade_label(self) -> str:
        return str(self.appraisal.get_review_grade_display()) if self.appraisal else ""

    @property
    def signed(self) -> bool:
        return bool(self.letters) and all(letter.signed_on for letter in self.letters)


def appraisal_rows(branch: Organisation, *, year: int) -> list[AppraisalRow]:
    """Each appraised member: letters, score (sum of item scores), band grade, 民主评议.

    `branch` may also be a school: then every branch's members, in four queries."""
    bands = bands_for(branch.school)
    members = list(appraised_members(branch))
    below = in_and_below(branch)
    letters = (
        ResponsibilityLetter.objects.filter(below, year=year)
        .annotate(
            total=Sum("items__score"),
            maximum=Coalesce(Sum("items__max_score"), Value(ZERO)),
            scored=Count("items", filter=Q(items__score__isnull=False)),
            item_count=Count("items"),
        )
        .order_by("kind")
    )
    by_member: dict[int, list[ResponsibilityLetter]] = {}
    for letter in letters:
        by_member.setdefault(letter.member_id, []).append(letter)
    appraisals = {a.member_id: a for a in Appraisal.objects.filter(below, year=year)}
    rows = []
    for member in members:
        own = by_member.get(member.pk, [])
        items = sum(letter.item_count for letter in own)
        scored = sum(letter.scored for letter in own)
        score = sum((letter.total or ZERO for letter in own), ZERO) if scored else None
        rows.append(
            AppraisalRow(
                member=member,
                appraisal=appraisals.get(member.pk),
                letters=own,
                score=score,
                max_score=sum((letter.maximum for letter in own), ZERO),
                scored_items=scored,
                items=items,
                # Probationary members take part but are not graded (DOMAIN.md).
                band_grade=None
                if member.stage == Stage.PROBATIONARY
                else grade_for(score if scored == items else None, bands),
            )
        )
    return rows


@dataclass(frozen=True)
class GradeDistribution:
    by_score: dict[str, int]
    by_review: dict[str, int]
    appraised: int
    not_graded: int

    def rows(self) -> list[tuple[Any, int, int]]:
        return [(g.label, self.by_score[g.value], self.by_review[g.value]) for g in Grade]


def grade_distribution(*, branch: Organisation, year: int) -> GradeDistribution:
    """How many members fell in each grade, by letters' score and by 民主评议 (`branch`
    may be a school: then over all its branches)."""
    rows = appraisal_rows(branch, year=year)
    by_score = Counter(row.band_grade for row in rows if row.band_grade)
    by_review = Counter(row.review_grade for row in rows if row.review_grade)
    return GradeDistribution(
        by_score={g.value: by_score[g.value] for g in Grade},
        by_review={g.value: by_review[g.value] for g in Grade},
        appraised=len(rows),
        not_graded=sum(1 for row in rows if row.is_probationary),
    )


def review_round(branch: Organisation, *, year: int) -> ReviewRound | None:
    return (
        ReviewRound.objects.filter(organisation=branch, year=year)
        .select_related("recorded_by")
        .first()
    )


def letter_items(letter: ResponsibilityLetter) -> list[LetterItem]:
    return list(letter.items.all())


# --- dashboard panels ----------------------------------------------------------------


def my_pledges_panel(request: HttpRequest) -> dict[str, Any]:
    """The member's pledges this year and the next thing to do for each."""
    year = current_year()
    pledges = my_pledges(request.user, year=year)
    for pledge in pledges:
        pledge.next_step = _next_step(pledge)
    return {"pledges": pledges, "year": year}


def _next_step(pledge: Pledge) -> str:
    from django.utils.translation import gettext as _

    if pledge.status == PledgeStatus.DRAFT:
        return _("Submit it to the secretary")
    if pledge.status == PledgeStatus.RETURNED:
        return _("Revise it and submit again")
    if pledge.status == PledgeStatus.SUBMITTED:
        return _("Waiting for the secretary")
    if pledge.status == PledgeStatus.APPROVED:
        if pledge.returned_entries:
            return _("Correct the returned entries")
        if pledge.progress < 100:
            return _("Record what you did")
        return _("Target reached")
    return ""


def secretary_panel(request: HttpRequest) -> dict[str, Any]:
    pledges = awaiting_secretary(request.user)
    return {
        "pledges_awaiting": [p for p in pledges if p.status == PledgeStatus.SUBMITTED],
        "pledges_with_entries": [p for p in pledges if p.entries_to_review],
        "ledger_year": current_year(),
    }
