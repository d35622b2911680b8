"""`manage.py backup` then `manage.py restore` into a second, empty database on the test
PostgreSQL server and an empty MEDIA_ROOT: every row of every table and every file is
found again."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from pledges.models import EntryStatus
from tests.assistance.access import _photo_visit
from tests.meetings.access import attachment, meeting
from tests.pledges.access import _entry, _letter

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


def rows(dsn: str) -> dict[str, list[str]]:
    with psycopg.connect(dsn) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [t for (t,) in cursor.fetchall()]
        found = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')
            found[table] = sorted(map(repr, cursor.fetchall()))
    return found


def files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def dsn(name: str) -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"


def test_backup_and_restore_into_an_empty_database(world, tmp_path):
    # Something of every app, files included.
    meeting(world)
    attachment(world)
    _photo_visit(world)
    _entry(EntryStatus.PENDING, evidence=True)(world)
    _letter(world)
    source_rows = rows(dsn(connection.settings_dict["NAME"]))
    source_files = files(Path(settings.MEDIA_ROOT))
    assert len(source_files) >= 3
    assert sum(len(r) for r in source_rows.values()) > 100

    out = io.StringIO()
    call_command("backup", dir=tmp_path / "backups", stdout=out)
    assert "files" in out.getvalue()
    (archive,) = (tmp_path / "backups").glob("branchwork-backup-*.tar.gz")

    target = f"restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{target}"')
    env = {
        **os.environ,
        "DATABASE_URL": dsn(target).replace("postgresql://", "postgres://"),
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
        "PG_BIN_DIR": os.environ.get("BRANCHWORK_TEST_PG_BIN", ""),
    }
    try:
        command = [sys.executable, "manage.py", "restore", str(archive)]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "every count and file checked" in result.stdout

        restored = rows(dsn(target))
        assert set(restored) == set(source_rows)
        assert [t for t in source_rows if restored[t] != source_rows[t]] == []
        assert files(tmp_path / "restored-media") == source_files

        # A second restore over the now-filled database is refused, and changes nothing.
        again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert again.returncode != 0
        assert "restore into a new, empty database" in again.stderr
        assert rows(dsn(target)) == restored
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_an_archive_with_a_path_escaping_media_is_refused(tmp_path, settings):
    from branchwork import backup

    settings.MEDIA_ROOT = str(tmp_path / "media")
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("../outside.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    # The test database has tables, so restore() would stop earlier: check the archive
    # entries directly, as restore() does before unpacking anything.
    with pytest.raises(backup.BackupError), tarfile.open(evil, "r:gz") as tar:
        backup._safe_members(tar)
    assert not (tmp_path / "outside.txt").exists()


def test_backup_and_restore_on_sqlite_as_in_the_quick_start(tmp_path):
    """The quick start's SQLite database: the same two commands, in separate processes."""

    def manage(*args: str, db: str, media: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / db}",
               "MEDIA_ROOT": str(tmp_path / media)}  # fmt: skip
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True)  # fmt: skip

    assert manage("migrate", "-v0", db="a.sqlite3", media="m1").returncode == 0
    make = (
        "from branchwork import services; from django.core.files.storage import default_storage;"
        "from django.core.files.base import ContentFile;"
        "services.create_user(username='林晓红', password='x' * 12);"
        "default_storage.save('reports/r.pdf', ContentFile(b'%PDF-1.4 demo %%EOF'))"
    )
    assert manage("shell", "-c", make, db="a.sqlite3", media="m1").returncode == 0
    result = manage("backup", "--dir", str(tmp_path / "b"), db="a.sqlite3", media="m1")
    assert result.returncode == 0, result.stderr
    (archive,) = (tmp_path / "b").glob("*.tar.gz")
    result = manage("restore", str(archive), db="b.sqlite3", media="m2")
    assert result.returncode == 0, result.stderr
    check = "from django.contrib.auth.models import User; print(User.objects.get().username)"
    assert (
        manage("shell", "-c", check, db="b.sqlite3", media="m2").stdout.splitlines()[-1] == "林晓红"
    )
    assert (tmp_path / "m2" / "reports" / "r.pdf").read_bytes() == b"%PDF-1.4 demo %%EOF"
