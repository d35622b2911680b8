"""What the meetings app contributes to the reports (registered in apps.py)."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from branchwork.charts import bar_chart
from branchwork.models import Organisation
from branchwork.reports import Compared
from meetings.models import (
    AttendanceRecord,
    AttendanceStatus,
    Decision,
    Meeting,
    MeetingStatus,
    MeetingType,
)
from meetings.selectors import attendance_counts, compliance


def _as_of(year: int) -> datetime.date:
    return min(timezone.localdate(), datetime.date(year, 12, 31))


def meetings_section(organisation: Organisation, year: int) -> dict[str, Any]:
    """三会一课 held vs required per type (and per branch), attendance, monthly chart,
    党课 topics and lecturers, theme days — all from the compliance selector."""
    report = compliance(organisation=organisation, year=year, today=_as_of(year))
    totals: dict[str, dict[str, Any]] = {}
    for branch in report.branches:
        for entry in branch.types:
            row = totals.setdefault(
                entry.rule.meeting_type,
                {"label": MeetingType(entry.rule.meeting_type).label, "required": 0, "held": 0,
                 "overdue": 0},
            )  # fmt: skip
            row["required"] += entry.required
            row["held"] += entry.held
            row["overdue"] += entry.overdue
    held = [m for m in report.meetings if m.status != MeetingStatus.PLANNED]
    by_type_attendance = defaultdict(lambda: [0, 0])
    for m in held:
        by_type_attendance[m.meeting_type][0] += m.present
        by_type_attendance[m.meeting_type][1] += m.expected
    for meeting_type, row in totals.items():
        present, expected = by_type_attendance.get(meeting_type, (0, 0))
        row["attendance"] = round(present * 100 / expected) if expected else None
    per_month = Counter(m.day.month for m in held)
    chart = bar_chart(
        labels=[f"{month}" for month in range(1, 13)],
        values=[per_month.get(month, 0) for month in range(1, 13)],
        title=_("Meetings held per month, %(year)s") % {"year": year},
        width=520,
        height=200,
    )
    return {
        "types": list(totals.values()),
        "compare": _compare(report, held) if organisation.is_school else [],
        "held_total": len(held),
        "attendance": _percent(report.attendance_rate),
        "chart": chart,
        "lectures": report.lectures,
        "theme_days": [m for m in held if m.meeting_type == MeetingType.THEME_DAY],
        # The school report lists them per branch as running text: a table row per 党课 of
        # every branch would make the principal's report long and slow to lay out.
        "by_branch": [
            {
                "name": b.organisation.name,
                "lectures": _listing(
                    _lecture_entry(m) for m in report.lectures if m.branch_id == b.organisation.id
                ),
                "theme_days": _listing(
                    f"{m.day.month}/{m.day.day} {m.title}"
                    for m in held
                    if m.meeting_type == MeetingType.THEME_DAY and m.branch_id == b.organisation.id
                ),
            }
            for b in report.branches
        ]
        if organisation.is_school
        else [],
    }


def _percent(rate: float | None) -> int | None:
    return round(rate * 100) if rate is not None else None


def _compare(report: Any, held: list) -> list[Compared]:
    """The meetings columns of the school report's branch comparison."""
    branches = report.branches
    return [
        Compared(pgettext("comparison column", "Meetings held"),
                 {b.organisation.id: len(b.held_meetings) for b in branches}, len(held)),
        Compared(pgettext("comparison column", "Meeting periods overdue"),
                 {b.organisation.id: b.overdue for b in branches},
                 sum(b.overdue for b in branches)),
        Compared(pgettext("comparison column", "Attendance"),
                 {b.organisation.id: _percent(b.attendance_rate) for b in branches},
                 _percent(report.attendance_rate), percent=True),
    ]  # fmt: skip


def _lecture_entry(m: Any) -> str:
    text = f"{m.day.month}/{m.day.day} {m.lecture_title or m.title}"
    if m.lecturer:
        text += pgettext("report listing", " (%(lecturer)s)") % {"lecturer": m.lecturer}
    return text


def _listing(entries: Any) -> dict[str, Any]:
    entries = list(entries)
    return {"count": len(entries), "text": pgettext("list separator", "; ").join(entries)}


def decisions_section(organisation: Organisation, year: int) -> dict[str, Any]:
    """The 三重一大 decisions register of the year."""
    decisions = (
        Decision.objects.filter(
            meeting__organisation__path__startswith=organisation.path,
            meeting__starts_at__year=year,
        )
        .select_related("meeting", "meeting__organisation")
        .order_by("meeting__starts_at", "id")
    )
    return {"decisions": list(decisions)}


def member_attendance(member: Any, year: int) -> dict[str, Any]:
    records = list(
        AttendanceRecord.objects.filter(member=member, meeting__starts_at__year=year)
        .exclude(meeting__status=MeetingStatus.PLANNED)
        .select_related("meeting")
        .order_by("meeting__starts_at")
    )
    counts = Counter(r.status for r in records)
    return {
        "expected": len(records),
        "present": counts[AttendanceStatus.PRESENT],
        "leave": counts[AttendanceStatus.LEAVE],
        "absent": counts[AttendanceStatus.ABSENT],
        "lectures": [r.meeting for r in records if r.meeting.meeting_type == MeetingType.LECTURE
                     and r.status == AttendanceStatus.PRESENT],
        "records": records,
    }  # fmt: skip


def minutes(subject_id: int, year: int, progress=None, head_only: bool = False):
    """The 会议记录 PDF of one meeting: (organisation, title, template, context, None)."""
    meeting = (
        Meeting.objects.select_related("organisation", "organisation__school", "host", "recorder")
        .filter(pk=subject_id)
        .first()
    )
    if meeting is None:
        raise Http404
    local = timezone.localtime(meeting.starts_at)
    title = _("Minutes: %(title)s (%(date)s)") % {
        "title": meeting.title,
        "date": f"{local:%Y-%m-%d}",
    }
    if head_only:
        return meeting.organisation, title, "", {}, None
    records = list(meeting.attendance.select_related("member").order_by("member__name", "id"))
    context = {
        "meeting": meeting,
        "title": title,
        "running_title": f"{meeting.organisation.name} · {meeting.get_meeting_type_display()}",
        "starts": local,
        "records": records,
        "counts": attendance_counts(meeting, records),
        "not_present": [r for r in records if r.status != AttendanceStatus.PRESENT],
        "decisions": list(meeting.decisions.all()),
    }
    return meeting.organisation, title, "reports/minutes.html", context, None
