"""The assistance part of the benchmark data: 600 students, 400 pairings (300 in progress,
100 closed) and 10,000 visits per school.

Mentors are party members with a login, at most two active pairings each (the default
limit); the teacher persona mentors two students. Visits are spread over each pairing's
life. Adds the secretary's pairing ledger as a benchmark page.
"""

from __future__ import annotations

import datetime
import itertools

from django.urls import reverse

from assistance.demo import CONTENT, GIVEN, GOALS, NEXT, STATES, SURNAMES, _school_year
from assistance.models import Outcome, Pairing, PairingStatus, Student, Visit, VisitKind
from branchwork.bench import BenchContext, BenchPage, insert_rows

STUDENTS, ACTIVE, CLOSED, VISITS = 600, 300, 100, 10_000


def seed_assistance(ctx: BenchContext) -> None:
    today = ctx.today
    year = _school_year(today)
    for bench in ctx.schools:
        rng = bench.rng
        students = Student.objects.bulk_create(
            [
                Student(
                    school=bench.school, name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    gender=rng.choice("FM"), grade=rng.randint(1, 6),
                    class_number=rng.randint(1, 8), school_year=year,
                    guardian_name=rng.choice(SURNAMES) + "女士",
                    guardian_phone=f"138{rng.randint(10000000, 99999999)}",
                    family_notes="父母在外务工，由祖辈照顾。" if rng.random() < 0.3 else "",
                )
                for _ in range(ctx.scaled(STUDENTS))
            ],
            batch_size=2000,
        )  # fmt: skip
        teacher = bench.data["teacher"]
        mentors = [m for m in bench.data["party"] if m.user_id and m is not teacher]
        # Two slots per mentor, the teacher persona's first; every mentor once before twice.
        slots = [teacher, teacher, *mentors, *mentors]
        active, closed = ctx.scaled(ACTIVE), ctx.scaled(CLOSED)
        pairings = []
        for n, (student, mentor) in enumerate(zip(students, itertools.cycle(slots))):
            if n >= active + closed:
                break
            reason = rng.choice(list(GOALS))
            goals, plan = GOALS[reason]
            started = today - datetime.timedelta(days=rng.randint(60, 700))
            is_closed = n >= active
            pairings.append(
                Pairing(
                    mentor=mentor, student=student, branch_id=mentor.organisation_id,
                    started_on=started, reason=reason, subjects="语文,数学",
                    goals=goals, plan=plan,
                    status=PairingStatus.CLOSED if is_closed else PairingStatus.ACTIVE,
                    closed_on=started + datetime.timedelta(days=50) if is_closed else None,
                    outcome=rng.choice([Outcome.IMPROVED, Outcome.STABLE]) if is_closed else "",
                    summary="学习习惯明显改善。" if is_closed else "",
                )
            )  # fmt: skip
        pairings = Pairing.objects.bulk_create(pairings, batch_size=2000)
        per_pairing = max(1, ctx.scaled(VISITS) // len(pairings))
        count = insert_rows(
            Visit,
            ["pairing", "date", "kind", "duration_minutes", "content", "student_state",
             "next_step", "recorded_by"],
            _visits(pairings, per_pairing, rng, today),
        )  # fmt: skip
        ctx.counts["students"] += len(students)
        ctx.counts["pairings"] += len(pairings)
        ctx.counts["visits"] += count
        bench.pages.append(BenchPage("pairing ledger", "secretary", reverse("assistance-ledger")))


def _visits(pairings, per_pairing: int, rng, today: datetime.date):
    kinds = [VisitKind.TUTORING, VisitKind.TALK, VisitKind.HOME_VISIT, VisitKind.CALL]
    for pairing in pairings:
        end = pairing.closed_on or today
        span = max(1, (end - pairing.started_on).days)
        user = pairing.mentor.user_id
        for v in range(per_pairing):
            kind = kinds[v % len(kinds)]
            date = pairing.started_on + datetime.timedelta(days=(v * span) // per_pairing)
            yield (pairing.pk, date, kind, rng.choice([30, 45, 60]), CONTENT[kind],
                   rng.choice(STATES), rng.choice(NEXT), user)  # fmt: skip
