"""`manage.py anonymise_students`: erase the files of students who left or graduated more
than their school's retention period ago (AssistanceSettings.retention_days, default 365).

Rows stay, so the counts of pairings, visits and outcomes in ledgers and reports do not
change; names, guardians, family notes, visits' content and photos are erased. Safe to run
every night (a second run finds nothing to do).
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from assistance import services


class Command(BaseCommand):
    help = "Anonymise the files of students who left or graduated long enough ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only list who is due.")
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, help="Pretend today is YYYY-MM-DD."
        )

    def handle(self, *args, dry_run: bool = False, today=None, **options) -> None:
        due = services.anonymisable(today=today or timezone.localdate())
        for student in due:
            if not dry_run:
                services.anonymise_student(student=student)
        verb = "due" if dry_run else "anonymised"
        self.stdout.write(f"anonymise_students: {len(due)} {verb}")
