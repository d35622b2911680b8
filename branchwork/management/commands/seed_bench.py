"""`manage.py seed_bench --schools N`: production-like data for the benchmarks (issue 9)."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from branchwork.bench import BENCH_PASSWORD, BenchContext, new_contexts
from branchwork.registry import BENCH_SEEDERS


class Command(BaseCommand):
    help = (
        "Create benchmark schools 1..N that do not exist yet (each: 10 branches, 300 members, "
        "5 years of meetings, students, pairings, visits, pledges). Deterministic; bulk inserts "
        "without change history."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--schools", type=int, required=True, help="schools wanted in all")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiply per-school volumes (tests: 0.05)"
        )
        parser.add_argument(
            "--branch-members",
            type=int,
            help="members per branch (default: 300 per school at --scale, over its 10 branches)",
        )
        parser.add_argument("--seed", type=int, default=9, help="random seed")
        parser.add_argument("--prefix", default="bench", help="slug and login prefix")
        parser.add_argument(
            "--pages-json",
            type=Path,
            help="write the created schools' logins and benchmark pages to this file",
        )

    def handle(self, *args, schools: int, scale: float, seed: int, prefix: str, **options):
        branch_members = options.get("branch_members")
        if schools < 1 or scale <= 0 or (branch_members is not None and branch_members < 2):
            raise CommandError("--schools must be ≥ 1, --scale > 0 and --branch-members ≥ 2")
        started = time.perf_counter()
        context = new_contexts(
            schools=schools,
            prefix=prefix,
            seed=seed,
            scale=scale,
            today=timezone.localdate(),
            branch_members=branch_members,
        )
        pages: dict[str, dict] = {}
        totals = context.counts
        for bench in context.schools:
            # One school per transaction: memory stays flat whatever N is.
            one = BenchContext(today=context.today, scale=scale, schools=[bench],
                               branch_members=branch_members)  # fmt: skip
            with transaction.atomic():
                for seeder in BENCH_SEEDERS:
                    seeder.seed(one)
            totals.update(one.counts)
            pages[str(bench.index)] = {
                "school": bench.school.name,
                "password": BENCH_PASSWORD,
                "logins": {persona: user.username for persona, user in bench.users.items()},
                "pages": [asdict(page) for page in bench.pages],
            }
        if connection.vendor == "postgresql" and context.schools:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics, as a live database would have
        if options["pages_json"]:
            path = Path(options["pages_json"])
            known = json.loads(path.read_text()) if path.exists() else {}
            known.update(pages)
            path.write_text(json.dumps(known, ensure_ascii=False, indent=1))
        seconds = time.perf_counter() - started
        what = ", ".join(f"{n:,} {name}" for name, n in sorted(totals.items()))
        self.stdout.write(
            f"seed_bench: {len(context.schools)} new school(s) of {schools} "
            f"in {seconds:.1f} s" + (f": {what}" if what else " (nothing to do)")
        )
