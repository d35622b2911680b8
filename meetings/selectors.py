"""Reads of meetings: lists, one meeting, compliance, the ledger, calendar, decisions.

`compliance()` is the one computation of "held vs required" that the dashboard, the
reminder engine ("this quarter still lacks a 党课") and the annual report all use. It
runs a fixed handful of queries whatever the number of meetings and attendance rows.
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from branchwork.access import scope_for
from branchwork.models import Organisation
from meetings.models import (
    DEFAULT_RULES,
    AttendanceRecord,
    AttendanceStatus,
    Decision,
    Frequency,
    Meeting,
    MeetingRule,
    MeetingStatus,
    MeetingType,
    Quorum,
    SchoolTerms,
)
from meetings.periods import Period, PeriodStatus, TermDates, periods_for, status_of

# ---------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class RuleSpec:
    meeting_type: str
    frequency: str
    times: int
    quorum: str

    @property
    def label(self) -> str:
        return str(MeetingType(self.meeting_type).label)

    @property
    def frequency_label(self) -> str:
        return str(Frequency(self.frequency).label)


def school_id_of(organisation: Organisation) -> int:
    return organisation.id if organisation.is_school else organisation.school_id


def rules_for(school_id: int | None) -> dict[str, RuleSpec]:
    """Every type's rule for a school: its stored rows, DOMAIN.md defaults for the rest."""
    rules = {
        t: RuleSpec(t, frequency, times, quorum)
        for t, (frequency, times, quorum) in DEFAULT_RULES.items()
    }
    for row in MeetingRule.objects.filter(organisation_id=school_id).values(
        "meeting_type", "frequency", "times", "quorum"
    ):
        rules[row["meeting_type"]] = RuleSpec(**row)
    return rules


def terms_for(school_id: int | None) -> TermDates:
    row = (
        SchoolTerms.objects.filter(organisation_id=school_id)
        .values("spring_starts_month", "autumn_starts_month")
        .first()
    )
    return TermDates(**row) if row else TermDates()


def quorum_met(quorum: str, *, expected: int, present: int) -> bool | None:
    """None when the rule sets no quorum or nobody was expected."""
    if quorum == Quorum.NONE or expected == 0:
        return None
    if quorum == Quorum.MAJORITY:
        return present * 2 > expected
    return present * 3 >= expected * 2


def rate(present: int, expected: int) -> float | None:
    return present / expected if expected else None


# ------------------------------------------------------------------------ compliance


@dataclass
class PeriodCompliance:
    period: Period
    held: int
    planned: int
    required: int
    status: str

    @property
    def status_label(self) -> str:
        return str(PeriodStatus.LABELS[self.status])


@dataclass
class TypeCompliance:
    rule: RuleSpec
    periods: list[PeriodCompliance]

    @property
    def held(self) -> int:
        return sum(p.held for p in self.periods)

    @property
    def required(self) -> int:
        return sum(p.required for p in self.periods)

    def count(self, status: str) -> int:
        return sum(1 for p in self.periods if p.status == status)

    @property
    def overdue(self) -> int:
        return self.count(PeriodStatus.OVERDUE)

    @property
    def due_soon(self) -> int:
        return self.count(PeriodStatus.DUE_SOON)

    def current(self, today: datetime.date) -> PeriodCompliance | None:
        return next((p for p in self.periods if p.period.contains(today)), None)


@dataclass
class MeetingFacts:
    """One meeting with its computed counts (never typed in)."""

    id: int
    title: str
    meeting_type: str
    organisation_id: int
    branch_id: int | None
    day: datetime.date
    status: str
    expected: int
    present: int
    leave: int
    absent: int
    lecture_title: str
    lecturer: str
    quorum_met: bool | None

    @property
    def type_label(self) -> str:
        return str(MeetingType(self.meeting_type).label)

    @property
    def attendance_rate(self) -> float | None:
        return rate(self.present, self.expected)


@dataclass
class MemberAttendance:
    member_id: int
    name: str
    branch_id: int
    expected: int
    present: int
    leave: int

    @property
    def attendance_rate(self) -> float | None:
        return rate(self.present, self.expected)


@dataclass
class BranchCompliance:
    organisation: Organisation
    types: list[TypeCompliance]
    meetings: list[MeetingFacts] = field(default_factory=list)

    @property
    def held_meetings(self) -> list[MeetingFacts]:
        return [m for m in self.meetings if m.status != MeetingStatus.PLANNED]

    @property
    def attendance_rate(self) -> float | None:
        held = self.held_meetings
        return rate(sum(m.present for m in held), sum(m.expected for m in held))

    @property
    def overdue(self) -> int:
        return sum(t.overdue for t in self.types)

    @property
    def due_soon(self) -> int:
        return sum(t.due_soon for t in self.types)


@dataclass
class Shortfall:
    """A period whose requirement is not met (for reminders and warnings)."""

    organisation: Organisation
    rule: RuleSpec
    period: PeriodCompliance


@dataclass
class ComplianceReport:
    organisation: Organisation
    year: int
    today: datetime.date
    branches: list[BranchCompliance]
    meetings: list[MeetingFacts]
    members: list[MemberAttendance]

    @property
    def lectures(self) -> list[MeetingFacts]:
        """党课 held: topics and lecturers, for the dashboard and the annual report."""
        return [
            m
            for m in self.meetings
            if m.meeting_type == MeetingType.LECTURE and m.status != MeetingStatus.PLANNED
        ]

    @property
    def attendance_rate(self) -> float | None:
        held = [m for m in self.meetings if m.status != MeetingStatus.PLANNED]
        return rate(sum(m.present for m in held), sum(m.expected for m in held))

    def shortfalls(self, *statuses: str) -> list[Shortfall]:
        wanted = statuses or (PeriodStatus.OVERDUE, PeriodStatus.DUE_SOON)
        return [
            Shortfall(branch.organisation, t.rule, p)
            for branch in self.branches
            for t in branch.types
            for p in t.periods
            if p.status in wanted
        ]

    def branch(self, organisation_id: int) -> BranchCompliance | None:
        return next((b for b in self.branches if b.organisation.id == organisation_id), None)


def _local_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )


def compliance(
    *,
    organisation: Organisation,
    year: int,
    today: datetime.date,
    with_members: bool = False,
) -> ComplianceReport:
    """Held vs required per branch, meeting type and period of `year`, with attendance.

    `organisation` is a school (every branch below it) or one branch. Meetings of a
    branch's party groups count for the branch; 党小组会 are required once per group.
    A meeting counts as held once its minutes are recorded (held or archived); planned
    ones are reported beside. Queries: rules, terms, organisations, meetings with their
    attendance counts, and (with_members) one more for per-member attendance.
    """
    school_id = school_id_of(organisation)
    rules = rules_for(school_id)
    terms = terms_for(school_id)
    periods = {
        t: periods_for(rule.frequency, year, terms) for t, rule in rules.items() if rule.times
    }
    all_periods = [p for ps in periods.values() for p in ps] or periods_for(
        Frequency.YEARLY, year, terms
    )
    start = min(p.start for p in all_periods + periods_for(Frequency.YEARLY, year, terms))
    end = max(p.end for p in all_periods + periods_for(Frequency.YEARLY, year, terms))

    tree = list(
        Organisation.objects.filter(
            path__startswith=organisation.path,
            kind__in=[Organisation.Kind.BRANCH, Organisation.Kind.GROUP],
        ).order_by("path")
    )
    if organisation.kind == Organisation.Kind.GROUP:
        tree = [organisation]
    branches = [o for o in tree if o.kind == Organisation.Kind.BRANCH]
    branch_of: dict[int, int] = {b.id: b.id for b in branches}
    groups: dict[int, int] = defaultdict(int)
    for org in tree:
        if org.kind == Organisation.Kind.GROUP and org.parent_id in branch_of:
            branch_of[org.id] = org.parent_id
            groups[org.parent_id] += 1

    low, high = _local_bounds(start, end)
    member_rows = Q(attendance__member__isnull=False)
    rows = (
        Meeting.objects.filter(
            organisation__path__startswith=organisation.path,
            starts_at__gte=low,
            starts_at__lt=high,
        )
        .values(
            "id",
            "title",
            "meeting_type",
            "organisation_id",
            "starts_at",
            "status",
            "lecture_title",
            "lecturer",
        )
        .annotate(
            expected=Count("attendance", filter=member_rows),
            present=Count(
                "attendance",
                filter=member_rows & Q(attendance__status=AttendanceStatus.PRESENT),
            ),
            leave=Count(
                "attendance", filter=member_rows & Q(attendance__status=AttendanceStatus.LEAVE)
            ),
            absent=Count(
                "attendance", filter=member_rows & Q(attendance__status=AttendanceStatus.ABSENT)
            ),
        )
        .order_by("starts_at", "id")
    )
    meetings = [
        MeetingFacts(
            id=row["id"],
            title=row["title"],
            meeting_type=row["meeting_type"],
            organisation_id=row["organisation_id"],
            branch_id=branch_of.get(row["organisation_id"]),
            day=timezone.localtime(row["starts_at"]).date(),
            status=row["status"],
            expected=row["expected"],
            present=row["present"],
            leave=row["leave"],
            absent=row["absent"],
            lecture_title=row["lecture_title"],
            lecturer=row["lecturer"],
            quorum_met=quorum_met(
                rules[row["meeting_type"]].quorum, expected=row["expected"], present=row["present"]
            ),
        )
        for row in rows
    ]

    # (branch, type, period key) → how many meetings were held / are planned in it.
    held: Counter[tuple[int, str, str]] = Counter()
    planned: Counter[tuple[int, str, str]] = Counter()
    by_branch: dict[int, list[MeetingFacts]] = defaultdict(list)
    for m in meetings:
        if m.branch_id is None:
            continue
        target = planned if m.status == MeetingStatus.PLANNED else held
        for p in periods.get(m.meeting_type, ()):
            if p.start <= m.day <= p.end:
                target[(m.branch_id, m.meeting_type, p.key)] += 1
                break
        if m.day.year == year:
            by_branch[m.branch_id].append(m)

    report_branches = []
    for branch in branches:
        types = []
        for meeting_type, rule in rules.items():
            if not periods.get(meeting_type):
                continue
            per_period = rule.times * (
                groups[branch.id] if meeting_type == MeetingType.GROUP else 1
            )
            if per_period == 0:
                continue  # a branch without party groups holds no 党小组会
            types.append(
                TypeCompliance(
                    rule=rule,
                    periods=[
                        PeriodCompliance(
                            period=p,
                            held=(n := held[(branch.id, meeting_type, p.key)]),
                            planned=planned[(branch.id, meeting_type, p.key)],
                            required=per_period,
                            status=status_of(p, held=n, required=per_period, today=today),
                        )
                        for p in periods[meeting_type]
                    ],
                )
            )
        report_branches.append(BranchCompliance(branch, types, by_branch[branch.id]))

    members: list[MemberAttendance] = []
    if with_members:
        members = _member_attendance(organisation, low, high)
    in_year = [m for m in meetings if m.day.year == year]
    return ComplianceReport(organisation, year, today, report_branches, in_year, members)


def _member_attendance(
    organisation: Organisation, low: datetime.datetime, high: datetime.datetime
) -> list[MemberAttendance]:
    rows = (
        AttendanceRecord.objects.filter(
            meeting__organisation__path__startswith=organisation.path,
            meeting__starts_at__gte=low,
            meeting__starts_at__lt=high,
            member__isnull=False,
        )
        .exclude(meeting__status=MeetingStatus.PLANNED)
        .values("member_id", "member__name", "member__organisation_id")
        .annotate(
            expected=Count("id"),
            present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)),
            leave=Count("id", filter=Q(status=AttendanceStatus.LEAVE)),
        )
        .order_by("member__organisation_id", "member__name", "member_id")
    )
    return [
        MemberAttendance(
            member_id=r["member_id"],
            name=r["member__name"],
            branch_id=r["member__organisation_id"],
            expected=r["expected"],
            present=r["present"],
            leave=r["leave"],
        )
        for r in rows
    ]


def compliance_organisations(user: Any) -> QuerySet[Organisation]:
    """Schools and branches whose compliance the user may read."""
    return (
        Organisation.objects.visible_to(user, "meetings.compliance")
        .filter(kind__in=[*Organisation.SCHOOL_KINDS, Organisation.Kind.BRANCH])
        .order_by("path")
    )


# -------------------------------------------------------------------- lists, detail


def meeting_list(
    user: Any,
    *,
    meeting_type: str = "",
    organisation_id: int | None = None,
    year: int | None = None,
    status: str = "",
) -> QuerySet[Meeting]:
    meetings = Meeting.objects.visible_to(user, "meetings.view").select_related("organisation")
    if meeting_type:
        meetings = meetings.filter(meeting_type=meeting_type)
    if organisation_id:
        meetings = meetings.filter(organisation_id=organisation_id)
    if year:
        meetings = meetings.filter(starts_at__year=year)
    if status:
        meetings = meetings.filter(status=status)
    member_rows = Q(attendance__member__isnull=False)
    return meetings.annotate(
        expected_count=Count("attendance", filter=member_rows),
        present_count=Count(
            "attendance", filter=member_rows & Q(attendance__status=AttendanceStatus.PRESENT)
        ),
    ).order_by("-starts_at", "-id")


@dataclass
class AttendanceCounts:
    expected: int
    present: int
    leave: int
    absent: int
    pending: int
    guests: int
    quorum: str
    quorum_met: bool | None

    @property
    def attendance_rate(self) -> float | None:
        return rate(self.present, self.expected)

    @property
    def quorum_label(self) -> str:
        return str(Quorum(self.quorum).label)


def attendance_counts(meeting: Meeting, records: list[AttendanceRecord]) -> AttendanceCounts:
    """Counts from the attendance rows (members only; invited guests counted apart)."""
    members = [r for r in records if r.member_id]
    by_status = defaultdict(int)
    for record in members:
        by_status[record.status] += 1
    quorum = rules_for(meeting.organisation.school_id)[meeting.meeting_type].quorum
    expected = len(members)
    present = by_status[AttendanceStatus.PRESENT]
    return AttendanceCounts(
        expected=expected,
        present=present,
        leave=by_status[AttendanceStatus.LEAVE],
        absent=by_status[AttendanceStatus.ABSENT],
        pending=by_status[AttendanceStatus.PENDING],
        guests=len(records) - expected,
        quorum=quorum,
        quorum_met=quorum_met(quorum, expected=expected, present=present)
        if meeting.status != MeetingStatus.PLANNED or present
        else None,
    )


def meeting_with_related(queryset: QuerySet[Meeting], pk: int) -> QuerySet[Meeting]:
    return (
        queryset.filter(pk=pk)
        .select_related("organisation", "host", "recorder")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=AttendanceRecord.objects.select_related("member").order_by(
                    "member__name", "guest_name", "id"
                ),
            ),
            "decisions",
            "attachments",
        )
    )


def corrections(meeting: Meeting) -> list[Any]:
    """History entries that carry a reason: the corrections of an archived record."""
    return list(
        meeting.history.exclude(history_change_reason__isnull=True)
        .exclude(history_change_reason="")
        .select_related("history_user")
        .order_by("-history_date")
    )


def decisions_register(user: Any, *, year: int | None = None) -> QuerySet[Decision]:
    decisions = (
        Decision.objects.visible_to(user, "meetings.view")
        .exclude(category="")
        .select_related("meeting", "meeting__organisation")
    )
    if year:
        decisions = decisions.filter(meeting__starts_at__year=year)
    return decisions.order_by("-meeting__starts_at", "id")


# -------------------------------------------------------------------- calendar, feed


@dataclass
class CalendarDay:
    day: datetime.date | None
    meetings: list[Meeting]
    is_today: bool = False


def month_grid(
    user: Any, *, year: int, month: int, today: datetime.date
) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month with the user's visible meetings on each day."""
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    low, high = _local_bounds(first, last)
    by_day: dict[datetime.date, list[Meeting]] = defaultdict(list)
    for meeting in (
        Meeting.objects.visible_to(user, "meetings.view")
        .filter(starts_at__gte=low, starts_at__lt=high)
        .select_related("organisation")
        .order_by("starts_at")
    ):
        by_day[timezone.localtime(meeting.starts_at).date()].append(meeting)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                CalendarDay(d, by_day.get(d, []), d == today)
                if d.month == month
                else CalendarDay(None, [])
                for d in week
            ]
        )
    return weeks


def feed_meetings(user: Any, *, today: datetime.date) -> QuerySet[Meeting]:
    """What a personal calendar feed carries: a year back and everything ahead."""
    low, _high = _local_bounds(today - datetime.timedelta(days=365), today)
    return (
        Meeting.objects.visible_to(user, "meetings.view")
        .filter(starts_at__gte=low)
        .select_related("organisation")
        .order_by("starts_at")
    )


# ------------------------------------------------------------------- dashboard panels


def my_meetings_panel(request: HttpRequest) -> dict[str, Any]:
    """Members: my next meetings (with a check-in link on the day) and my attendance."""
    now = timezone.now()
    expected = AttendanceRecord.objects.filter(member__user=request.user, meeting=OuterRef("pk"))
    upcoming = (
        Meeting.objects.visible_to(request.user, "meetings.view")
        .filter(starts_at__gte=now - datetime.timedelta(hours=3))
        .exclude(status=MeetingStatus.ARCHIVED)
        .select_related("organisation")
        .annotate(expected=Exists(expected))  # one query with "am I expected?"
        .order_by("starts_at")[:5]
    )
    return {
        "upcoming": [{"meeting": m, "expected": m.expected} for m in upcoming],
    }


def secretary_panel(request: HttpRequest) -> dict[str, Any]:
    """This period's compliance at a glance: the secretary's branch, the school for its
    admin and for the principal (numbers only)."""
    today = timezone.localdate()
    organisation = compliance_organisations(request.user).first()
    if organisation is None:
        return {"organisation": None}
    report = compliance(organisation=organisation, year=today.year, today=today)
    current = []
    for branch in report.branches:
        for t in branch.types:
            period = t.current(today)
            if period is not None:
                current.append({"branch": branch.organisation, "rule": t.rule, "period": period})
    return {
        "organisation": organisation,
        "current": current,
        "overdue": report.shortfalls(PeriodStatus.OVERDUE),
        "multi_branch": len(report.branches) > 1,
        "can_plan": scope_for(request.user).has("meetings.change"),
    }


def can_change(user: Any, meeting: Meeting) -> bool:
    return scope_for(user).has_in("meetings.change", meeting.organisation)
