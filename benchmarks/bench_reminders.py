"""The reminder sweep over many schools (issues 7 and 9).

Each school: 3 branches, 30 members with logins across the pipeline (dates that make
talks, reviews, eligibility, probation ends and political birthdays fall due), a
secretary per branch, 100 meetings in the year (3 of them tomorrow, with their expected
attendees). Sizes: 20 and 200 schools (200 ≈ 6,000 members, 20,000 meetings). For each
size: the first sweep (writes the outbox) and a second sweep over unchanged data (writes
nothing). Target: < 10 s per sweep at 200 schools, growing no faster than the data.

    benchmarks/run.sh bench_reminders
"""

from __future__ import annotations

import datetime
import random
import time

from common import count_queries, load_average, record, setup_django, write_section

setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from branchwork import reminders, services  # noqa: E402
from branchwork.models import Delivery, Notification, Organisation, Role, RoleAssignment  # noqa: E402
from meetings.models import AttendanceRecord, Meeting  # noqa: E402
from members.models import Member, Stage  # noqa: E402

BRANCHES, MEMBERS, MEETINGS = 3, 30, 100
User = get_user_model()


def add_schools(start: int, count: int, today: datetime.date) -> None:
    rng = random.Random(start)
    tz = timezone.get_current_timezone()
    members, users, roles, meetings, plan = [], [], [], [], []
    branches_by_school = []
    for s in range(start, start + count):
        school = services.create_organisation(
            name=f"学校{s}", slug=f"rem-s{s}", kind=Organisation.Kind.COMMITTEE
        )
        branches = [
            services.create_organisation(
                name=f"学校{s}第{b}支部", slug=f"rem-s{s}-b{b}", kind="branch", parent=school
            )
            for b in range(BRANCHES)
        ]
        branches_by_school.append(branches)
    for branches in branches_by_school:
        for branch in branches:
            for i in range(MEMBERS // BRANCHES):
                user = User(username=f"u{branch.pk}-{i}", first_name=f"党员{i}")
                user.set_unusable_password()
                users.append(user)
    User.objects.bulk_create(users, batch_size=2000)
    user_iter = iter(User.objects.filter(username__in=[u.username for u in users]).order_by("id"))
    stages = [Stage.FULL] * 6 + [Stage.PROBATIONARY, Stage.ACTIVIST, Stage.APPLICANT, Stage.TARGET]
    for branches in branches_by_school:
        for branch in branches:
            branch_members = []
            for i in range(MEMBERS // BRANCHES):
                user = next(user_iter)
                stage = stages[i % len(stages)]
                ago = datetime.timedelta(days=rng.randint(20, 400))
                member = Member(
                    name=f"党员{branch.pk}-{i}", organisation=branch, stage=stage, user=user,
                    application_date=today - ago - datetime.timedelta(days=600),
                    activist_date=today - ago - datetime.timedelta(days=300)
                    if stage != Stage.APPLICANT else None,
                    admission_date=today - ago if stage in (Stage.FULL, Stage.PROBATIONARY)
                    else None,
                )  # fmt: skip
                if stage == Stage.APPLICANT:
                    member.application_date = today - datetime.timedelta(days=rng.randint(1, 40))
                members.append(member)
                branch_members.append(member)
            roles.append(RoleAssignment(user=user, organisation=branch, role=Role.SECRETARY))
            for n in range(MEETINGS // BRANCHES):
                starts = datetime.datetime.combine(
                    today - datetime.timedelta(days=rng.randint(1, 300)), datetime.time(15), tz
                )
                status = "held"
                if n < 1:
                    starts = datetime.datetime.combine(
                        today + datetime.timedelta(days=1), datetime.time(15), tz
                    )
                    status = "planned"
                meetings.append(
                    Meeting(organisation=branch, meeting_type="committee", title=f"支委会{n}",
                            starts_at=starts, status=status)
                )  # fmt: skip
                plan.append(branch_members if status == "planned" else [])
    Member.objects.bulk_create(members, batch_size=2000)
    RoleAssignment.objects.bulk_create(roles, batch_size=2000)
    created = Meeting.objects.bulk_create(meetings, batch_size=2000)
    AttendanceRecord.objects.bulk_create(
        [AttendanceRecord(meeting=m, member=member, status="pending")
         for m, people in zip(created, plan, strict=True) for member in people],
        batch_size=5000,
    )  # fmt: skip


SUMMARY: list[dict] = []


def measure(schools: int) -> list[str]:
    Delivery.objects.all().delete()
    Notification.objects.all().delete()
    rows = []
    first = None
    for label in ("first sweep", "second sweep (unchanged data)"):
        started = time.perf_counter()
        with count_queries() as counter:
            result = reminders.sweep()
        seconds = time.perf_counter() - started
        ok = seconds < 10
        if first is None:
            first = seconds
            target, measured = "< 10 s", f"{result.notifications:,} notifications written"
        else:
            ok = ok and result.notifications == 0 and seconds < first
            target = "< 10 s, writes nothing, faster than the first"
            measured = f"{result.notifications} written, {seconds / first:.0%} of the first"
        SUMMARY.append({
            "what": f"reminder sweep, {label}", "size": f"{schools} schools",
            "median": f"{seconds:.2f} s", "p95": "", "memory": "", "target": target,
            "measured": f"{measured}; {counter.count} queries",
            "result": "pass" if ok else "MISSED", "load": load_average(),
        })  # fmt: skip
        rows.append(
            f"| {schools} | {Member.objects.count():,} | {Meeting.objects.count():,} | {label} "
            f"| {seconds:.2f} s | {counter.count} | {result.occasions:,} | "
            f"{result.notifications:,} | {'pass' if ok else 'MISSED'} |"
        )
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    today = timezone.localdate()
    rows = []
    add_schools(0, 20, today)
    rows += measure(20)
    add_schools(20, 180, today)
    rows += measure(200)
    body = "\n".join(
        [
            "| schools | members | meetings | run | time | queries | occasions evaluated "
            "| notifications written | < 10 s |",
            "|---:|---:|---:|---|---:|---:|---:|---:|---|",
            *rows,
        ]
    ) + (
        "\n\nThe second sweep evaluates the same rules but writes nothing: every reminder "
        "already exists (the unique key), so it only reads."
    )
    write_section("bench_reminders", "Reminder sweep (issues 7 and 9)", body,
                  command="benchmarks/run.sh bench_reminders")  # fmt: skip
    record("bench_reminders", SUMMARY)


if __name__ == "__main__":
    main()
