"""`manage.py restore ARCHIVE`: into an empty database and an empty MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from branchwork import backup


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and MEDIA_ROOT, then verify it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options) -> None:
        if not archive.is_file():
            raise CommandError(f"{archive} does not exist")
        try:
            manifest = backup.restore(archive)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"restored {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['files'])} files; every count and file checked"
        )
