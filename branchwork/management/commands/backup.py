"""`manage.py backup [--dir DIR]`: database and stored files in one archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from branchwork import backup


class Command(BaseCommand):
    help = "Write the database and every stored file into one .tar.gz with a manifest."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", type=Path, default=Path("var/backups"))

    def handle(self, *args, dir: Path, **options) -> None:
        try:
            archive, manifest = backup.backup(dir)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{archive}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['files'])} files"
        )
