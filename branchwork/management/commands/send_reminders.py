"""`manage.py send_reminders [--dry-run] [--date YYYY-MM-DD]`: the beat's sweep by hand."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from branchwork import reminders


class Command(BaseCommand):
    help = "Evaluate every reminder rule, write the outbox and queue what is due."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="show, write nothing")
        parser.add_argument("--date", help="evaluate as if today were YYYY-MM-DD")

    def handle(self, *args, dry_run: bool, date: str | None, **options) -> None:
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from None
        result = reminders.sweep(today=today, dry_run=dry_run)
        verb = "would create" if dry_run else "created"
        self.stdout.write(
            f"{result.occasions} occasions; {verb} {result.notifications} notifications"
            + ("" if dry_run else f", {result.deliveries} deliveries; queued {result.queued}")
        )
        for rule, count in sorted(result.by_rule.items()):
            self.stdout.write(f"  {rule}: {count}")
        if dry_run:
            for occasion in result.planned[:50]:
                self.stdout.write(
                    f"  {occasion.occasion} {occasion.rule} → {len(occasion.recipients)} "
                    f"recipient(s): {occasion.title}"
                )
