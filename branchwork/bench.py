"""Benchmark data (`manage.py seed_bench`): production-like volumes, seeded and fast.

Per school at scale 1 (issue 9): 10 branches, 20 party groups, 300 members across the
pipeline, 5 years of meetings (~3,000 meetings, ~60,000 attendance rows), 600 students,
400 pairings, 10,000 visits, 1,500 pledges with fulfilment entries. Every app adds its
part through `register_bench_seeder` (the kernel never imports a domain app); seeders get a
`BenchContext` with the schools to create and share what later seeders need through
`BenchSchool.data`.

Deterministic: each school draws from its own `random.Random(f"{seed}-{index}")` and
dates are counted back from `today`, so the same command on the same day writes the same
rows (ids aside). Incremental: `--schools 20` after `--schools 1` adds schools 2–20 and
leaves the first one as it was, so one database can be measured at 1 and then at 20
schools.

Fast: big tables go in with PostgreSQL's COPY (executemany elsewhere), the rest with
`bulk_create` in large batches. Both bypass signals and django-simple-history, on
purpose: benchmark data has no change history, and the history tables would double the
write volume without being read by any page measured.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from branchwork import services
from branchwork.models import Organisation, Role, RoleAssignment

BENCH_PASSWORD = "bench-password-2026"
PERSONAS = ("secretary", "teacher", "principal", "admin")
BRANCHES = 10
GROUPS_PER_BRANCH = 2


@dataclass
class BenchPage:
    """A page the load benchmark requests and the query-budget test counts."""

    label: str
    persona: str
    path: str


@dataclass
class BenchSchool:
    index: int
    prefix: str
    rng: random.Random
    school: Organisation
    branches: list[Organisation]
    groups: list[list[Organisation]]  # per branch
    users: dict[str, Any]  # persona → user
    data: dict[str, Any] = field(default_factory=dict)  # shared between seeders
    pages: list[BenchPage] = field(default_factory=list)

    def username(self, persona: str) -> str:
        return f"{self.prefix}-s{self.index}-{persona}"


@dataclass
class BenchContext:
    today: datetime.date
    scale: float
    schools: list[BenchSchool]
    counts: Counter = field(default_factory=Counter)
    branch_members: int | None = None  # members per branch; None: 300 per school / branches

    def scaled(self, n: int) -> int:
        """`n` at this scale, never below 1."""
        return max(1, round(n * self.scale))


def now_for(day: datetime.date, hour: int = 15) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), timezone.get_current_timezone())


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert plain tuples (values of `fields`, in order) without model instances.

    The model's other columns get their field default (an empty string for blank text;
    `now` for auto_now(_add) timestamps), computed once for the whole call, so models with
    per-row callable defaults must list those fields. PostgreSQL: one COPY; elsewhere:
    executemany in chunks. No signals, no history (see the module docstring)."""
    opts = model._meta
    given = [opts.get_field(name) for name in fields]
    names = {f.name for f in given}
    now = timezone.now()
    rest = []
    for f in opts.concrete_fields:
        if f.primary_key or f.name in names:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            rest.append((f, now))
        else:
            rest.append((f, f.get_default()))
    columns = [f.column for f in given] + [f.column for f, _v in rest]
    extra = tuple(value for _f, value in rest)
    quote = connection.ops.quote_name
    column_sql = ", ".join(quote(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {quote(opts.db_table)} ({column_sql}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row + extra)
                    count += 1
            return count
        every = given + [f for f, _v in rest]
        sql = (
            f"INSERT INTO {quote(opts.db_table)} ({column_sql}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        chunk: list[list] = []
        for row in rows:
            values = row + extra
            chunk.append(
                [f.get_db_prep_save(v, connection) for f, v in zip(every, values, strict=True)]
            )
            if len(chunk) == 5000:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def existing_schools(prefix: str) -> set[int]:
    slugs = Organisation.objects.filter(slug__regex=rf"^{prefix}-s[0-9]+$").values_list(
        "slug", flat=True
    )
    return {int(slug.rsplit("-s", 1)[1]) for slug in slugs}


def seed_organisations(ctx: BenchContext) -> None:
    """The kernel's part: the tree, persona logins and a secretary per branch; the three
    dashboards as pages. `ctx.schools` arrive as bare stubs (index, prefix, rng)."""
    user_model = get_user_model()
    password = make_password(BENCH_PASSWORD)  # hashed once: the slow hasher runs one time
    for bench in ctx.schools:
        p = f"{bench.prefix}-s{bench.index}"
        bench.school = services.create_organisation(
            name=f"基准第{bench.index + 1}学校党委", slug=p, kind=Organisation.Kind.COMMITTEE
        )
        bench.branches, bench.groups = [], []
        for b in range(BRANCHES):
            branch = services.create_organisation(
                name=f"第{b + 1}党支部", slug=f"{p}-b{b}", kind="branch",
                parent=bench.school, position=b,
            )  # fmt: skip
            bench.branches.append(branch)
            bench.groups.append(
                [
                    services.create_organisation(
                        name=f"第{b + 1}支部第{g + 1}党小组",
                        slug=f"{p}-b{b}-g{g}",
                        kind="group",
                        parent=branch,
                        position=g,
                    )
                    for g in range(GROUPS_PER_BRANCH)
                ]
            )
        ctx.counts["organisations"] += 1 + BRANCHES * (1 + GROUPS_PER_BRANCH)
        users = [
            user_model(username=bench.username(persona), password=password, first_name=persona)
            for persona in PERSONAS
        ] + [
            user_model(username=f"{p}-b{b}-secretary", password=password, first_name="书记")
            for b in range(1, BRANCHES)
        ]
        user_model.objects.bulk_create(users)
        ctx.counts["users"] += len(users)
        bench.users = dict(zip(PERSONAS, users, strict=False))
        roles = [
            RoleAssignment(user=bench.users["secretary"], organisation=bench.branches[0],
                           role=Role.SECRETARY),
            RoleAssignment(user=bench.users["teacher"], organisation=bench.branches[0],
                           role=Role.MEMBER),
            RoleAssignment(user=bench.users["principal"], organisation=bench.school,
                           role=Role.VIEWER),
            RoleAssignment(user=bench.users["admin"], organisation=bench.school, role=Role.ADMIN),
        ] + [
            RoleAssignment(user=user, organisation=branch, role=Role.SECRETARY)
            for user, branch in zip(users[len(PERSONAS) :], bench.branches[1:], strict=True)
        ]  # fmt: skip
        RoleAssignment.objects.bulk_create(roles)
        dashboard = reverse("dashboard")
        bench.pages += [
            BenchPage("secretary dashboard", "secretary", dashboard),
            BenchPage("teacher dashboard", "teacher", dashboard),
            BenchPage("principal dashboard", "principal", dashboard),
        ]


def new_contexts(
    *, schools: int, prefix: str, seed: int, scale: float, today, branch_members: int | None = None
) -> BenchContext:
    """The context for the schools of `0..schools-1` that do not exist yet."""
    have = existing_schools(prefix)
    stubs = [
        BenchSchool(
            index=i,
            prefix=prefix,
            rng=random.Random(f"{seed}-{i}"),
            school=None,  # type: ignore[arg-type]  # filled in by seed_organisations
            branches=[],
            groups=[],
            users={},
        )
        for i in range(schools)
        if i not in have
    ]
    return BenchContext(today=today, scale=scale, schools=stubs, branch_members=branch_members)
