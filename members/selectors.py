"""Reads of members: roster, pipeline board, due dates, counts — always through a scope."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branchwork.models import Organisation
from members.models import Member, MemberPost, PipelineRules, Stage, StageChange, Status
from members.services import add_months, earliest_target_date, probation_end, rules_for


@dataclass(frozen=True)
class RosterFilters:
    query: str = ""
    branch_id: int | None = None
    group_id: int | None = None
    stage: str = ""
    post: str = ""
    backbone: bool | None = None
    status: str = Status.ACTIVE


def roster(user: Any, filters: RosterFilters | None = None) -> QuerySet[Member]:
    """The members a user may list, filtered; posts prefetched (2 queries in all)."""
    filters = filters or RosterFilters()
    members = (
        Member.objects.visible_to(user, "members.view")
        .select_related("organisation", "group")
        .prefetch_related(Prefetch("posts", queryset=MemberPost.objects.order_by("post")))
    )
    if filters.status:
        members = members.filter(status=filters.status)
    if filters.query:
        members = members.filter(
            Q(name__icontains=filters.query) | Q(subject__icontains=filters.query)
        )
    if filters.branch_id:
        members = members.filter(organisation_id=filters.branch_id)
    if filters.group_id:
        members = members.filter(group_id=filters.group_id)
    if filters.stage:
        members = members.filter(stage=filters.stage)
    if filters.post:
        members = members.filter(posts__post=filters.post)
    if filters.backbone is not None:
        members = members.filter(is_backbone_teacher=filters.backbone)
    return members.order_by("organisation__path", "name", "id")


def branches_for(user: Any, capability: str = "members.view") -> list[Organisation]:
    return list(Organisation.objects.visible_to(user, capability).branches().order_by("path"))


def stage_counts_panel(request: HttpRequest) -> dict[str, Any]:
    """Active members per branch and stage, without names (viewers see this too)."""
    # One query: the branch's name and path come with the counts.
    rows = (
        Member.objects.visible_to(request.user, "members.view_counts")
        .active()
        .values("organisation_id", "organisation__name", "organisation__path")
        .annotate(
            total=Count("id"),
            **{stage.value: Count("id", filter=Q(stage=stage.value)) for stage in Stage},
        )
        .order_by("organisation__path")
    )
    table = [
        {
            "branch": {"id": row["organisation_id"], "name": row["organisation__name"]},
            "counts": [row[stage.value] for stage in Stage],
            "total": row["total"],
        }
        for row in rows
    ]
    totals = [sum(row["counts"][i] for row in table) for i in range(len(Stage))]
    return {
        "stages": list(Stage),
        "stage_rows": table,
        "stage_totals": totals,
        "stage_grand_total": sum(totals),
    }


# --- Due dates derived from the rules --------------------------------------------------


class DueKind:
    TALK = "talk"
    REVIEW = "review"
    ELIGIBLE_TARGET = "eligible_target"
    PROBATION_END = "probation_end"
    POLITICAL_BIRTHDAY = "political_birthday"

    LABELS = {
        TALK: _("Talk with the applicant (within a month of applying)"),
        REVIEW: _("Six-monthly activist review"),
        ELIGIBLE_TARGET: _("Can become a development target"),
        PROBATION_END: _("Probation ends: vote on full membership (转正)"),
        POLITICAL_BIRTHDAY: _("Political birthday"),
    }


@dataclass(frozen=True)
class DueItem:
    member_id: int
    member_name: str
    branch_id: int
    kind: str
    date: datetime.date
    overdue: bool = False
    years: int | None = None  # for political birthdays: how many years since admission

    @property
    def label(self) -> str:
        return str(DueKind.LABELS[self.kind])


def _anniversary(date: datetime.date, year: int) -> datetime.date:
    try:
        return date.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date.replace(year=year, day=28)


def due_for_member(
    member: Member,
    rules: PipelineRules,
    start: datetime.date,
    end: datetime.date,
    *,
    include_overdue: bool,
) -> list[DueItem]:
    """What the pipeline's timing rules make due for one member between start and end."""
    items: list[DueItem] = []

    def add(kind: str, date: datetime.date | None, *, can_be_overdue: bool, years=None):
        if date is None:
            return
        if start <= date <= end:
            items.append(
                DueItem(member.pk, member.name, member.organisation_id, kind, date, False, years)
            )
        elif include_overdue and can_be_overdue and date < start:
            items.append(DueItem(member.pk, member.name, member.organisation_id, kind, date, True))

    stage = member.stage
    if stage == Stage.APPLICANT and member.application_date and member.talk_date is None:
        talk_due = member.application_date + datetime.timedelta(days=rules.talk_within_days)
        add(DueKind.TALK, talk_due, can_be_overdue=True)
    if stage == Stage.ACTIVIST and member.activist_date:
        last = max(filter(None, [member.activist_date, member.last_review_date]))
        add(DueKind.REVIEW, add_months(last, rules.review_every_months), can_be_overdue=True)
        add(DueKind.ELIGIBLE_TARGET, earliest_target_date(member, rules), can_be_overdue=False)
    if stage == Stage.PROBATIONARY:
        add(DueKind.PROBATION_END, probation_end(member, rules), can_be_overdue=True)
    if stage in (Stage.PROBATIONARY, Stage.FULL) and member.admission_date:
        for year in range(start.year, end.year + 1):
            anniversary = _anniversary(member.admission_date, year)
            if anniversary > member.admission_date:
                add(
                    DueKind.POLITICAL_BIRTHDAY,
                    anniversary,
                    can_be_overdue=False,
                    years=year - member.admission_date.year,
                )
    return items


DUE_FIELDS = (
    "id", "name", "organisation_id", "stage", "application_date", "talk_date",
    "activist_date", "last_review_date", "admission_date", "probation_extension_months",
)  # fmt: skip


def due_items(
    *,
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    include_overdue: bool = False,
    overdue_only: bool = False,
) -> list[DueItem]:
    """Everything due for the active members in and below `organisation`, by date; with
    `overdue_only`, only the steps overdue before `start`.

    Used by the pipeline board and by the reminder engine: two queries whatever the
    number of members (the rules, then the members' date columns).
    """
    rules = rules_for(organisation)
    members = (
        Member.objects.active()
        .filter(organisation__path__startswith=organisation.path)
        .exclude(stage=Stage.FULL, admission_date__isnull=True)
        .only(*DUE_FIELDS)
    )
    if overdue_only:  # a full member's only date is her political birthday: never overdue
        members = members.exclude(stage=Stage.FULL)
    include_overdue = include_overdue or overdue_only
    items: list[DueItem] = []
    for member in members:
        items.extend(due_for_member(member, rules, start, end, include_overdue=include_overdue))
    if overdue_only:
        items = [item for item in items if item.overdue]
    items.sort(key=lambda item: (item.date, item.member_name))
    return items


def pipeline_board(user: Any, *, today: datetime.date | None = None, days: int = 60) -> dict:
    """Counts and names per stage, and what is due next (overdue first), in the user's scope."""
    today = today or timezone.localdate()
    members = list(
        Member.objects.visible_to(user, "members.view")
        .active()
        .exclude(stage=Stage.FULL)
        .select_related("organisation")
        .order_by("organisation__path", "name")
    )
    columns: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        columns[member.stage].append(member)
    full_count = (
        Member.objects.visible_to(user, "members.view").active().filter(stage=Stage.FULL).count()
    )
    rules_by_school: dict[int, PipelineRules] = {}
    due: list[DueItem] = []
    end = today + datetime.timedelta(days=days)
    school_ids = {m.organisation.school_id for m in members}
    stored = {
        r.organisation_id: r for r in PipelineRules.objects.filter(organisation_id__in=school_ids)
    }
    for member in members:
        school_id = member.organisation.school_id
        if school_id not in rules_by_school:
            rules_by_school[school_id] = stored.get(school_id) or PipelineRules(
                organisation_id=school_id
            )
        due.extend(
            item
            for item in due_for_member(
                member, rules_by_school[school_id], today, end, include_overdue=True
            )
            if item.kind != DueKind.POLITICAL_BIRTHDAY
        )
    due.sort(key=lambda item: (not item.overdue, item.date))
    return {
        "columns": [
            {"stage": stage, "members": columns.get(stage.value, [])}
            for stage in Stage
            if stage != Stage.FULL
        ],
        "full_count": full_count,
        "due": due,
        "due_until": end,
    }


def member_timeline(member: Member) -> list[dict[str, Any]]:
    """Stage changes and transfers in date order, for the profile page."""
    entries: list[dict[str, Any]] = []
    for change in member.stage_changes.select_related("recorded_by"):
        entries.append({"date": change.date, "kind": "stage", "change": change})
    for transfer in member.transfers.select_related(
        "from_organisation", "to_organisation", "recorded_by"
    ):
        entries.append({"date": transfer.date, "kind": "transfer", "transfer": transfer})
    entries.sort(key=lambda entry: entry["date"])
    return entries


def member_history(member: Member, limit: int = 30) -> list[dict[str, Any]]:
    """Who changed what and when (django-simple-history), newest first."""
    records = list(
        member.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    result = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            changes = [
                {
                    "field": Member._meta.get_field(change.field).verbose_name,
                    "old": change.old,
                    "new": change.new,
                }
                for change in delta.changes
                if change.field != "id_card"
            ]
        result.append({"record": newer, "changes": changes})
    return result[:limit]


def stage_change_counts(*, organisation: Organisation, year: int) -> dict[str, int]:
    """How many entered each stage during a year (the annual report's 'changes')."""
    rows = (
        StageChange.objects.filter(
            member__organisation__path__startswith=organisation.path,
            date__year=year,
            kind=StageChange.Kind.ADVANCE,
        )
        .values("to_stage")
        .annotate(n=Count("id"))
    )
    return {row["to_stage"]: row["n"] for row in rows}


def due_items_all_schools(
    *, start: datetime.date, end: datetime.date, include_overdue: bool = False
) -> list[DueItem]:
    """`due_items` for every school at once (the reminder sweep): two queries in all."""
    stored = {rules.organisation_id: rules for rules in PipelineRules.objects.all()}
    members = (
        Member.objects.active()
        .exclude(stage=Stage.FULL, admission_date__isnull=True)
        .annotate_school()
        .only(*DUE_FIELDS)
    )
    items: list[DueItem] = []
    defaults: dict[int, PipelineRules] = {}
    for member in members:
        school_id = member.school_id
        rules = stored.get(school_id) or defaults.setdefault(
            school_id, PipelineRules(organisation_id=school_id)
        )
        items.extend(due_for_member(member, rules, start, end, include_overdue=include_overdue))
    items.sort(key=lambda item: (item.date, item.member_name))
    return items
