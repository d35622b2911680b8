"""`manage.py render_report {branch,school,member,minutes} --id ID --year YYYY --out FILE.pdf`"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from branchwork import reports


class Command(BaseCommand):
    help = "Render a report synchronously to a PDF file (for scripts and archives)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=["branch", "school", "member", "minutes"])
        parser.add_argument(
            "--id", type=int, required=True, help="branch, school, member or meeting id"
        )
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args, kind: str, id: int, year: int, out: Path, **options) -> None:
        started = time.perf_counter()
        try:
            pdf = reports.render_now(kind, id, year)
        except Http404:
            raise CommandError(f"No {kind} with id {id}") from None
        out.write_bytes(pdf)
        self.stdout.write(
            f"{out}: {reports.page_count(pdf)} pages, {len(pdf) // 1024} KiB, "
            f"{time.perf_counter() - started:.2f} s"
        )
