"""`manage.py import_members FILE --organisation SLUG [--dry-run]`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from branchwork.imports import FileRefused
from branchwork.models import Organisation
from members import services


class Command(BaseCommand):
    help = (
        "Import members from an .xlsx or .csv file with Chinese headers (姓名, 所在支部, "
        "人员类别, …). Every row is validated first; any error imports nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--organisation", required=True, help="slug of the school's top organisation"
        )
        parser.add_argument("--dry-run", action="store_true", help="validate only")

    def handle(self, *args, file: Path, organisation: str, dry_run: bool, **options) -> None:
        school = Organisation.objects.schools().filter(slug=organisation).first()
        if school is None:
            raise CommandError(f"No school organisation with slug {organisation!r}")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            result = services.import_members(
                data=file.read_bytes(),
                filename=file.name,
                school=school,
                user=None,
                commit=not dry_run,
            )
        except FileRefused as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for error in result.errors:
            column = f" [{error.column}]" if error.column else ""
            self.stderr.write(f"第 {error.row} 行{column}: {error.message}")
        summary = (
            f"{result.rows} rows: {result.created} new, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )
        if result.errors:
            raise CommandError(f"{len(result.errors)} errors; nothing was imported ({summary})")
        self.stdout.write(("Dry run, nothing written: " if dry_run else "Imported: ") + summary)
