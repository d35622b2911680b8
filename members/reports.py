"""What the members app contributes to the reports (registered in apps.py)."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from branchwork.models import Organisation
from branchwork.reports import Compared, sections
from members.models import Member, Stage, StageChange, Status, Transfer
from members.selectors import due_items


def _members_below(organisation: Organisation):
    return Member.objects.filter(organisation__path__startswith=organisation.path)


def basic_facts(organisation: Organisation, year: int) -> dict[str, Any]:
    """Members by stage (now), groups, and the year's changes; for a school also each
    branch's members (full and probationary) for the branch comparison."""
    members = _members_below(organisation)
    by_branch = list(
        members.active()
        .values("organisation_id")
        .annotate(**{stage.value: Count("id", filter=Q(stage=stage.value)) for stage in Stage})
    )
    totals = [sum(row[s.value] for row in by_branch) for s in Stage]
    changes = dict(
        StageChange.objects.filter(
            member__organisation__path__startswith=organisation.path,
            kind=StageChange.Kind.ADVANCE, date__year=year,
        ).values_list("to_stage").annotate(n=Count("id"))
    )  # fmt: skip
    transfers = dict(
        Transfer.objects.filter(
            Q(from_organisation__path__startswith=organisation.path)
            | Q(to_organisation__path__startswith=organisation.path),
            date__year=year,
        )
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    archived = dict(
        members.filter(archived_on__year=year, status__in=[Status.DECEASED, Status.REMOVED])
        .values_list("status").annotate(n=Count("id"))
    )  # fmt: skip
    party = {row["organisation_id"]: row[Stage.PROBATIONARY] + row[Stage.FULL] for row in by_branch}
    compare = [Compared(pgettext("comparison column", "Party members"), party, sum(party.values()))]
    return {
        "stages": list(Stage),
        "name": organisation.name,
        "totals": totals,
        "grand_total": sum(totals),
        "compare": compare if organisation.is_school else [],
        "groups": Organisation.objects.filter(
            path__startswith=organisation.path, kind=Organisation.Kind.GROUP
        ).count(),
        "changes": [
            (_("New activists"), changes.get(Stage.ACTIVIST, 0)),
            (_("New development targets"), changes.get(Stage.TARGET, 0)),
            (_("Admitted as probationary members"), changes.get(Stage.PROBATIONARY, 0)),
            (_("Full membership (转正)"), changes.get(Stage.FULL, 0)),
            (_("Transferred in"), transfers.get(Transfer.Kind.IN, 0)),
            (_("Transferred out"), transfers.get(Transfer.Kind.OUT, 0)),
            (_("Moved between branches"), transfers.get(Transfer.Kind.WITHIN, 0)),
            (_("Deceased"), archived.get(Status.DECEASED, 0)),
            (_("Removed"), archived.get(Status.REMOVED, 0)),
        ],
    }


def pipeline(organisation: Organisation, year: int) -> dict[str, Any]:
    """A branch: the people in the pipeline now, with their key dates (adults: names are
    fine). A school: the principal's view — the year's steps, how many are in the pipeline
    now and how many of their steps are overdue, school-wide and (for the branch
    comparison) per branch; the names are in each branch's report."""
    if organisation.is_school:
        return _school_pipeline(organisation, year)
    people = list(
        _members_below(organisation)
        .active()
        .exclude(stage=Stage.FULL)
        .select_related("organisation")
        .order_by("stage", "organisation__path", "name")
    )
    order = Stage.order()
    people.sort(key=lambda m: (order.index(m.stage), m.organisation.path, m.name))
    return {"people": people, "is_school": False}


FLOW = (Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY, Stage.FULL)


def _school_pipeline(school: Organisation, year: int) -> dict[str, Any]:
    steps = dict(
        StageChange.objects.filter(
            member__organisation__path__startswith=school.path,
            kind=StageChange.Kind.ADVANCE, date__year=year, to_stage__in=FLOW,
        ).values_list("to_stage").annotate(n=Count("id"))
    )  # fmt: skip
    in_pipeline = dict(
        _members_below(school).active().exclude(stage=Stage.FULL)
        .values_list("organisation_id").annotate(n=Count("id"))
    )  # fmt: skip
    today = timezone.localdate()
    overdue = Counter(
        item.branch_id
        for item in due_items(organisation=school, start=today, end=today, overdue_only=True)
    )
    labels = {
        Stage.ACTIVIST: _("New activists"),
        Stage.TARGET: _("New development targets"),
        Stage.PROBATIONARY: _("Admitted as probationary members"),
        Stage.FULL: _("Full membership (转正)"),
    }
    in_total, overdue_total = sum(in_pipeline.values()), sum(overdue.values())
    return {
        "is_school": True,
        "today": today,
        "steps": [(labels[stage], steps.get(stage, 0)) for stage in FLOW],
        "now": [
            (pgettext("pipeline column", "In the pipeline"), in_total),
            (pgettext("pipeline column", "Steps overdue"), overdue_total),
        ],
        "compare": [
            Compared(pgettext("comparison column", "In the pipeline"), in_pipeline, in_total),
            Compared(
                pgettext("comparison column", "Pipeline steps overdue"), overdue, overdue_total
            ),
        ],
    }


def member_facts(member: Member, year: int) -> dict[str, Any]:
    return {
        "member": member,
        "changes": list(member.stage_changes.filter(date__year=year)),
        "transfers": list(member.transfers.filter(date__year=year)),
    }


def member_record(subject_id: int, year: int, progress=None, head_only: bool = False):
    """The 党员年度档案 report kind: (organisation, title, template, context, user id)."""
    member = Member.objects.select_related("organisation", "group").filter(pk=subject_id).first()
    if member is None:
        raise Http404
    title = _("Annual record of %(name)s, %(year)s") % {"name": member.name, "year": year}
    if head_only:
        return member.organisation, title, "", {}, member.user_id
    context = {
        "member": member,
        "organisation": member.organisation,
        "school": member.organisation.school,
        "year": year,
        "title": title,
        "generated_on": datetime.date.today(),
        "sections": sections("member", member, year, progress),
    }
    return member.organisation, title, "reports/member_record.html", context, member.user_id
