"""Backups: the database and every stored file in one archive, and back again.

`manage.py backup` writes `branchwork-backup-YYYYmmdd-HHMMSS.tar.gz` holding

- `manifest.json`: when, from which database vendor, the row count of every table and
  the path, size and SHA-256 of every file under MEDIA_ROOT;
- `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3`
  (SQLite: the online backup API, consistent while the app runs);
- `media/…`: uploads and generated reports.

`manage.py restore ARCHIVE` refuses a database that already has tables and a MEDIA_ROOT
that already holds files (restore into something new, then switch over); it loads the
database (`pg_restore --no-owner`), unpacks the files, and checks every row count and
file hash against the manifest, failing loudly on any difference.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection

FORMAT = 1


class BackupError(Exception):
    pass


def _pg_tool(name: str) -> str:
    directory = settings.PG_BIN_DIR
    return str(Path(directory) / name) if directory else name


def _pg_args_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(argv: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(argv, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{argv[0]} not found: install the PostgreSQL client tools or set PG_BIN_DIR"
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {result.stderr.strip()}")


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def media_files(root: Path) -> list[dict[str, object]]:
    files = []
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            files.append(
                {"path": path.relative_to(root).as_posix(), "size": path.stat().st_size,
                 "sha256": digest}
            )  # fmt: skip
    return files


def backup(directory: Path) -> tuple[Path, dict]:
    """Write one archive into `directory`; returns its path and the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    archive = directory / f"branchwork-backup-{stamp}.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if connection.vendor == "postgresql":
            dump = tmp_path / "database.dump"
            args, env = _pg_args_env()
            pg_dump = _pg_tool("pg_dump")
            _run([pg_dump, "--format=custom", "--no-owner", "--file", str(dump), *args], env)
        else:
            dump = tmp_path / "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            with target:
                connection.connection.backup(target)
            target.close()
        manifest = {
            "format": FORMAT,
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "vendor": connection.vendor,
            "database": dump.name,
            "tables": table_counts(),
            "files": media_files(media_root),
        }
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            for entry in manifest["files"]:
                tar.add(media_root / entry["path"], arcname=f"media/{entry['path']}")
        partial.rename(archive)  # a crash mid-way never leaves a complete-looking archive
    return archive, manifest


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"refusing a suspicious archive entry: {member.name!r}")
        members.append(member)
    return members


def restore(archive: Path) -> dict:
    """Load `archive` into the (empty) configured database and MEDIA_ROOT; verify."""
    media_root = Path(settings.MEDIA_ROOT)
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    if existing:
        raise BackupError(
            f"the database already has {len(existing)} tables: restore into a new, empty database"
        )
    if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(f"MEDIA_ROOT {media_root} already holds files: restore into an empty one")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
        tmp_path = Path(tmp)
        members = _safe_members(tar)  # plain files and folders only, inside the archive
        if hasattr(tarfile, "data_filter"):  # Python ≥ 3.11.4: the stdlib's own check too
            tar.extractall(tmp_path, members=members, filter="data")
        else:  # Debian 12's 3.11.2
            tar.extractall(tmp_path, members=members)
        manifest = json.loads((tmp_path / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"the backup is of a {manifest['vendor']} database, this is {connection.vendor}"
            )
        dump = tmp_path / manifest["database"]
        if connection.vendor == "postgresql":
            args, env = _pg_args_env()
            _run([_pg_tool("pg_restore"), "--no-owner", "--exit-on-error", *args, str(dump)], env)
        else:
            connection.ensure_connection()
            source = sqlite3.connect(dump)
            with source:
                source.backup(connection.connection)
            source.close()
        media_root.mkdir(parents=True, exist_ok=True)
        if (tmp_path / "media").is_dir():
            shutil.copytree(tmp_path / "media", media_root, dirs_exist_ok=True)
    connection.close()  # forget any cached state of the empty database
    problems = verify(manifest)
    if problems:
        raise BackupError("the restored data differs from the backup: " + "; ".join(problems))
    return manifest


def verify(manifest: dict) -> list[str]:
    problems = []
    counts = table_counts()
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"{table}: {counts.get(table)} rows, expected {expected}")
    found = {f["path"]: f for f in media_files(Path(settings.MEDIA_ROOT))}
    for entry in manifest["files"]:
        if found.get(entry["path"], {}).get("sha256") != entry["sha256"]:
            problems.append(f"file {entry['path']} missing or different")
    return problems
