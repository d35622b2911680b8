"""Faults, with the real services: PostgreSQL restarted under a request burst, Redis
stopped, a worker killed mid-task, the disk full while an upload is written."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import connections
from django.urls import reverse

from branchwork import reports
from branchwork.models import ReportFile
from meetings.models import Attachment, Meeting
from tests.conftest import (
    _test_database_url,
    redis_start,
    redis_stop,
    spawn,
    start_celery,
    stop_process,
    wait_for,
)
from tests.meetings.access import meeting

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = os.environ.get("BRANCHWORK_TEST_PG_BIN")
PG_DATA = os.environ.get("BRANCHWORK_TEST_PG_DATA")


# --- PostgreSQL restarted during a request burst ---------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Burst:
    """Requests /healthz (a query through the app's persistent, health-checked database
    connection) from four threads without pause, recording (time, status)."""

    def __init__(self, url: str) -> None:
        self.url, self.results, self.running = url, [], True
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(4)]

    def run(self) -> None:
        while self.running:
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError:
                status = 0
            self.results.append((time.monotonic(), status))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        for thread in self.threads:
            thread.join(10)

    def since(self, moment: float) -> list[int]:
        return [status for at, status in self.results if at >= moment]


def _pg(*args: str) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    return subprocess.run(
        [*prefix, f"{PG_BIN}/pg_ctl", "-D", PG_DATA, *args], capture_output=True, text=True
    )


@pytest.mark.skipif(not PG_DATA, reason="needs scripts/test.sh's throwaway PostgreSQL cluster")
def test_the_app_recovers_from_a_postgresql_restart_without_being_restarted(
    django_db_setup, django_db_blocker, tmp_path
):
    with django_db_blocker.unblock():
        database_url = _test_database_url()
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    process = spawn(
        [sys.executable, "-m", "gunicorn", "branchwork.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--timeout", "30"],
        log=log,
        env={**os.environ, "DATABASE_URL": database_url, "DATABASE_CONN_MAX_AGE": "600"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/healthz"
    try:

        def up() -> bool:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False

        assert wait_for(up, 30), log.read_text()
        with Burst(url) as burst:
            time.sleep(1.5)
            # 1. Every connection of the app is killed (as a failover or an admin would).
            killed_at = time.monotonic()
            dsn = database_url.replace("postgres://", "postgresql://")
            with psycopg.connect(dsn, autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            time.sleep(2.5)
            # 2. The server itself is restarted.
            restart_at = time.monotonic()
            restarted = _pg("restart", "-m", "fast", "-w", "-l", f"{PG_DATA}/restart.log")
            assert restarted.returncode == 0, restarted.stderr
            back_at = time.monotonic()
            time.sleep(2.5)
            during_outage = burst.since(killed_at)
        after = [s for at, s in burst.results if at >= back_at + 0.5]
        # A request in flight at the moment its connection is killed fails (one per worker
        # at most); the next request of that worker reconnects.
        in_flight = [s for at, s in burst.results if killed_at <= at < killed_at + 1.0]
        after_kill = [s for at, s in burst.results if killed_at + 1.0 <= at < restart_at]
        assert len(after) >= 20 and set(after) == {200}, sorted(set(after))
        # Terminated connections are noticed by the health check: no error after that.
        assert len([s for s in in_flight if s != 200]) <= 2, in_flight
        assert len(after_kill) >= 10 and set(after_kill) == {200}, sorted(set(after_kill))
        # During the restart itself the database is away: 503 from /healthz, never a hang.
        assert set(during_outage) <= {200, 503}
        # Same two workers throughout: recovered without any process being restarted.
        assert log.read_text().count("Booting worker") == 2, log.read_text()
    finally:
        stop_process(process)
        with django_db_blocker.unblock():
            connections.close_all()  # the suite's own connections died with the restart


# --- Redis down -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_pages_work_and_health_says_degraded(world, login):
    client = login(world, "secretary_a")
    redis_stop()
    try:
        for name in ("dashboard", "member-list", "meeting-list", "inbox", "reports"):
            assert client.get(reverse(name)).status_code == 200, name
        # Scheduling a meeting queues a reminder sweep; with no broker it still succeeds.
        response = client.post(
            reverse("meeting-create"),
            {"organisation": world.branch_a1.pk, "meeting_type": "committee",
             "title": "支委会（Redis 停机）", "starts_at": "2030-05-06T15:00", "place": "会议室"},
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Meeting.objects.filter(title="支委会（Redis 停机）").exists()
        health = client.get("/healthz")
        assert health.status_code == 200
        body = health.json()
        assert body["status"] == "degraded"
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["cache"].startswith("error:")
        assert body["checks"]["broker"].startswith("error:")
    finally:
        redis_start()
    assert client.get("/healthz").json()["status"] == "ok"


# --- A worker killed mid-task ----------------------------------------------------------


@pytest.mark.celery
def test_a_report_survives_its_worker_being_killed(world, login, tmp_path, settings,
                                                  transactional_db):  # fmt: skip
    client = login(world, "secretary_a")
    worker = start_celery(tmp_path, "worker", "--pool=solo", "--without-heartbeat")
    try:
        assert wait_for(lambda: "ready." in worker.output(), 60), worker.output()
        client.post(
            reverse("report-generate"),
            {"kind": "branch", "subject": world.branch_a1.pk, "year": 2025},
        )
        report = ReportFile.objects.get()

        def running() -> bool:
            report.refresh_from_db()
            return report.state == ReportFile.State.RUNNING

        assert wait_for(running, 60, interval=0.01), worker.output()[-2000:]
        os.killpg(worker.process.pid, signal.SIGKILL)  # mid-render: no clean-up at all
        worker.process.wait(10)
    finally:
        stop_process(worker.process)
    report.refresh_from_db()
    assert report.state == ReportFile.State.RUNNING and not report.file
    first_claim = report.claimed_at

    # Not stale yet: the sweep leaves it alone (a slow render must not be doubled).
    assert reports.requeue_stale() == 0
    settings.REPORT_STALE_SECONDS = 1
    time.sleep(1.1)
    worker = start_celery(tmp_path, "worker", "--pool=solo", "--without-heartbeat",
                          env={"REPORT_STALE_SECONDS": "1"})  # fmt: skip
    try:
        assert wait_for(lambda: "ready." in worker.output(), 60), worker.output()
        assert reports.requeue_stale() == 1  # what the beat's sweep does

        def done() -> bool:
            report.refresh_from_db()
            return report.state in (ReportFile.State.DONE, ReportFile.State.FAILED)

        assert wait_for(done, 120), worker.output()[-3000:]
    finally:
        stop_process(worker.process)
    assert report.state == ReportFile.State.DONE, report.error
    assert report.claimed_at > first_claim and report.pages >= 1
    with report.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


# --- Disk full while an upload is written ------------------------------------------------


@pytest.mark.skipif(os.getuid() != 0, reason="mounting a 1 MB tmpfs as MEDIA_ROOT needs root")
@pytest.mark.django_db
def test_disk_full_during_an_upload_is_a_clear_error_and_leaves_nothing(world, login, settings):
    mount = Path(tempfile.mkdtemp(prefix="branchwork-full-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        settings.MEDIA_ROOT = str(mount)
        meeting_id = meeting(world)[0]
        client = login(world, "secretary_a")
        pdf = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024) + b"\n%%EOF\n"  # 2 MB > 1 MB disk
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(
            reverse("meeting-attachment-add", args=[meeting_id]),
            {"kind": "notice", "file": SimpleUploadedFile("通知.pdf", pdf, "application/pdf")},
            follow=True,
        )
        text = response.content.decode()
        assert response.status_code == 200
        assert "存储空间已满" in text  # the translated message, on the meeting's page
        assert Attachment.objects.count() == 0
        assert [p for p in mount.rglob("*") if p.is_file()] == []  # no half-written file
        # A small file still fits: the failure was the disk, not the feature.
        small = SimpleUploadedFile("小.pdf", b"%PDF-1.4\nsmall\n%%EOF\n", "application/pdf")
        client.post(reverse("meeting-attachment-add", args=[meeting_id]),
                    {"kind": "notice", "file": small})  # fmt: skip
        assert Attachment.objects.count() == 1
    finally:
        subprocess.run(["umount", str(mount)], check=True)
        mount.rmdir()
