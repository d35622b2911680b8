"""Compliance dashboard for a school with 10 branches and 5 years of meetings.

About 3,000 meetings and 60,000 attendance rows, built with bulk inserts. Measures the
`meetings.selectors.compliance` selector alone and the whole `/meetings/compliance/`
request (as the school's admin, with per-member attendance), median and p95 of repeated
runs, and the number of queries of each.

Run: benchmarks/run.sh bench_compliance
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branchwork.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from branchwork import services as kernel  # noqa: E402
from branchwork.models import Organisation, Role  # noqa: E402
from meetings.models import AttendanceRecord, Meeting, MeetingType  # noqa: E402
from meetings.selectors import compliance  # noqa: E402
from members.models import Member, Stage  # noqa: E402

BRANCHES = 10
GROUPS_PER_BRANCH = 2
MEMBERS_PER_BRANCH = 20
YEARS = 5
MEETINGS_PER_BRANCH_YEAR = 60  # 10 × 5 × 60 = 3,000 meetings; × 20 attendees = 60,000 rows
RUNS = 30


def build() -> tuple[Organisation, object]:
    rng = random.Random(7)
    tz = timezone.get_current_timezone()
    school = kernel.create_organisation(
        name="基准测试学校党委", slug="bench-school", kind=Organisation.Kind.COMMITTEE
    )
    this_year = timezone.localdate().year
    meeting_rows, plan = [], []
    types = [
        MeetingType.THEME_DAY,
        MeetingType.COMMITTEE,
        MeetingType.GROUP,
        MeetingType.GENERAL,
        MeetingType.LECTURE,
    ]
    for b in range(BRANCHES):
        branch = kernel.create_organisation(
            name=f"第{b + 1}党支部", slug=f"bench-b{b}", kind="branch", parent=school
        )
        groups = [
            kernel.create_organisation(
                name=f"第{b + 1}-{g + 1}党小组",
                slug=f"bench-b{b}-g{g}",
                kind="group",
                parent=branch,
            )
            for g in range(GROUPS_PER_BRANCH)
        ]
        members = Member.objects.bulk_create(
            [
                Member(
                    name=f"党员{b:02d}{i:02d}",
                    organisation=branch,
                    group=groups[i % GROUPS_PER_BRANCH],
                    stage=Stage.FULL,
                )
                for i in range(MEMBERS_PER_BRANCH)
            ]
        )
        for year in range(this_year - YEARS + 1, this_year + 1):
            for n in range(MEETINGS_PER_BRANCH_YEAR):
                meeting_type = types[n % len(types)]
                organisation = groups[n % 2] if meeting_type == MeetingType.GROUP else branch
                start = datetime.datetime(year, 1 + n % 12, 1 + rng.randrange(27), 15, tzinfo=tz)
                meeting_rows.append(
                    Meeting(
                        organisation=organisation,
                        meeting_type=meeting_type,
                        title=f"会议{n}",
                        starts_at=start,
                        status="archived" if year < this_year else "held",
                        lecture_title="党课题目" if meeting_type == MeetingType.LECTURE else "",
                        lecturer="书记" if meeting_type == MeetingType.LECTURE else "",
                    )
                )
                plan.append(members)
    meetings = Meeting.objects.bulk_create(meeting_rows, batch_size=1000)
    statuses = ["present"] * 17 + ["leave", "leave", "absent"]
    attendance = [
        AttendanceRecord(meeting=m, member=member, status=rng.choice(statuses))
        for m, members in zip(meetings, plan, strict=True)
        for member in members
    ]
    AttendanceRecord.objects.bulk_create(attendance, batch_size=5000)
    admin = kernel.create_user(username="bench-admin", password="bench-password-123")
    kernel.grant_role(user=admin, organisation=school, role=Role.ADMIN)
    return school, admin


def measure(label: str, fn) -> tuple[str, float, float, int]:
    fn()  # warm caches and connections
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    return label, statistics.median(times), p95, queries


def main() -> None:
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    school, admin = build()
    print(
        f"built {Meeting.objects.count()} meetings, {AttendanceRecord.objects.count()} "
        f"attendance rows in {time.perf_counter() - started:.1f} s"
    )
    today = timezone.localdate()
    client = Client()
    client.force_login(admin)

    def request() -> None:
        response = client.get("/meetings/compliance/")
        assert response.status_code == 200, response.status_code

    branch = Organisation.objects.get(slug="bench-b0")

    def branch_request() -> None:
        response = client.get(f"/meetings/compliance/?org={branch.pk}")
        assert response.status_code == 200, response.status_code
        assert "党员0000" in response.content.decode()  # per-member attendance is shown

    results = [
        measure(
            "compliance(school, this year)",
            lambda: compliance(organisation=school, year=today.year, today=today),
        ),
        measure(
            "compliance(..., with_members=True)",
            lambda: compliance(
                organisation=school, year=today.year, today=today, with_members=True
            ),
        ),
        measure("GET /meetings/compliance/ (admin, school)", request),
        measure("GET ...?org=<branch> (admin, one branch)", branch_request),
    ]
    print(f"\n{'what':40} {'median ms':>10} {'p95 ms':>10} {'queries':>8}")
    for label, median, p95, queries in results:
        print(f"{label:40} {median:10.1f} {p95:10.1f} {queries:8d}")


if __name__ == "__main__":
    main()
