"""The 三会一课台账 (ledger) as a spreadsheet, through the shared Exporter."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from branchwork.exporters import Exporter
from meetings.models import AttendanceRecord, AttendanceStatus, Meeting
from meetings.richtext import plain_text


class LedgerExporter(Exporter):
    """One row per meeting of the year the user may change, with counts and absentees."""

    def __init__(self, *, user: Any, year: int) -> None:
        self.user = user
        self.year = year
        self.title = _("三会一课 ledger %(year)s") % {"year": year}

    def header(self) -> Sequence[str]:
        return [
            _("Date"),
            _("Organisation"),
            _("Meeting type"),
            _("Title"),
            _("Place"),
            _("Host"),
            _("Recorder"),
            _("Expected"),
            _("Present"),
            _("On leave"),
            _("Absent"),
            _("Absentees and reasons"),
            _("Invited guests"),
            _("Lecture title"),
            _("Lecturer"),
            _("Topics"),
            _("Status"),
        ]

    def meetings(self) -> Iterable[Meeting]:
        return (
            Meeting.objects.visible_to(self.user, "meetings.change")
            .filter(starts_at__year=self.year)
            .select_related("organisation", "host", "recorder")
            .prefetch_related(
                Prefetch(
                    "attendance",
                    queryset=AttendanceRecord.objects.select_related("member").order_by("id"),
                )
            )
            .order_by("organisation__path", "starts_at", "id")
        )

    def rows(self) -> Iterable[Sequence[Any]]:
        for meeting in self.meetings():
            records = list(meeting.attendance.all())
            members = [r for r in records if r.member_id]
            missing = [
                f"{r.member.name}（{r.get_status_display()}{'：' + r.reason if r.reason else ''}）"
                for r in members
                if r.status in (AttendanceStatus.LEAVE, AttendanceStatus.ABSENT)
            ]
            yield [
                timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
                meeting.organisation.name,
                meeting.get_meeting_type_display(),
                meeting.title,
                meeting.place,
                meeting.host.name if meeting.host else "",
                meeting.recorder.name if meeting.recorder else "",
                len(members),
                sum(1 for r in members if r.status == AttendanceStatus.PRESENT),
                sum(1 for r in members if r.status == AttendanceStatus.LEAVE),
                sum(1 for r in members if r.status == AttendanceStatus.ABSENT),
                "；".join(missing),
                "、".join(r.guest_name for r in records if not r.member_id),
                meeting.lecture_title,
                meeting.lecturer,
                html.unescape(plain_text(meeting.topics)),
                meeting.get_status_display(),
            ]
