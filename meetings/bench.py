"""The meetings' part of the benchmark data: 5 years of 三会一课 per branch.

300 meetings per branch spread evenly over the last five years (types in turn: theme day,
committee, group, general meeting, lecture; a group meeting belongs to one of the
branch's two groups), each attended by the party members of its branch or group — about
3,000 meetings and 60,000 attendance rows per school — plus two planned meetings in the
next fortnight. Adds the meeting list, a meeting's page and the compliance dashboard as
benchmark pages.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from branchwork.bench import BenchContext, BenchPage, insert_rows, now_for
from meetings.models import AttendanceRecord, AttendanceStatus, Meeting, MeetingStatus, MeetingType
from meetings.services import ensure_default_rules

MEETINGS_PER_BRANCH = 300
DAYS = 5 * 365
TYPES = [
    MeetingType.THEME_DAY,
    MeetingType.COMMITTEE,
    MeetingType.GROUP,
    MeetingType.GENERAL,
    MeetingType.LECTURE,
]
STATUSES = [AttendanceStatus.PRESENT] * 17 + [
    AttendanceStatus.LEAVE,
    AttendanceStatus.LEAVE,
    AttendanceStatus.ABSENT,
]


def seed_meetings(ctx: BenchContext) -> None:
    today = ctx.today
    for bench in ctx.schools:
        rng = bench.rng
        ensure_default_rules(school=bench.school)
        per_branch = ctx.scaled(MEETINGS_PER_BRANCH)
        party = bench.data["party"]
        rows: list[Meeting] = []
        attendees: list[list] = []
        for b, branch in enumerate(bench.branches):
            branch_party = [m for m in party if m.organisation_id == branch.pk]
            for n in range(per_branch):
                meeting_type = TYPES[n % len(TYPES)]
                organisation = branch
                people = branch_party
                if meeting_type == MeetingType.GROUP:
                    organisation = bench.groups[b][n % len(bench.groups[b])]
                    people = [m for m in branch_party if m.group_id == organisation.pk]
                back = 1 + (n * DAYS) // per_branch + rng.randint(0, 3)
                day = today - datetime.timedelta(days=back)
                lecture = meeting_type == MeetingType.LECTURE
                rows.append(
                    Meeting(
                        organisation=organisation, meeting_type=meeting_type,
                        title=f"{organisation.name}{day:%Y年%m月}会议", starts_at=now_for(day),
                        ends_at=now_for(day, 16), place="党员活动室",
                        status=MeetingStatus.ARCHIVED if (today - day).days > 60
                        else MeetingStatus.HELD,
                        lecture_title="学习贯彻党的二十大精神" if lecture else "",
                        lecturer="支部书记" if lecture else "",
                        topics="一、学习传达上级文件精神\n二、研究支部近期工作",
                        minutes="<p>会议由支部书记主持，传达学习了有关文件精神。</p>",
                    )
                )  # fmt: skip
                attendees.append(people)
            for ahead in (3, 10):
                day = today + datetime.timedelta(days=ahead)
                rows.append(
                    Meeting(organisation=branch, meeting_type=MeetingType.THEME_DAY,
                            title=f"{branch.name}主题党日", starts_at=now_for(day),
                            place="党员活动室", status=MeetingStatus.PLANNED)
                )  # fmt: skip
                attendees.append(branch_party)
        meetings = Meeting.objects.bulk_create(rows, batch_size=2000)
        count = insert_rows(
            AttendanceRecord,
            ["meeting", "member", "status"],
            (
                (meeting.pk, member.pk,
                 AttendanceStatus.PENDING if meeting.status == MeetingStatus.PLANNED
                 else rng.choice(STATUSES))
                for meeting, people in zip(meetings, attendees, strict=True)
                for member in people
            ),
        )  # fmt: skip
        ctx.counts["meetings"] += len(meetings)
        ctx.counts["attendance rows"] += count
        # The first branch's most recent held meeting: the page a secretary opens most.
        recent = next(
            m for m in meetings
            if m.organisation_id == bench.branches[0].pk and m.status == MeetingStatus.HELD
        )  # fmt: skip
        bench.pages += [
            BenchPage("meeting list", "secretary", reverse("meeting-list")),
            BenchPage("meeting detail", "secretary", reverse("meeting-detail", args=[recent.pk])),
            BenchPage("compliance dashboard", "admin", reverse("meeting-compliance")),
        ]
