"""A real Celery task through a real redis-server to a real worker (and beat) process."""

from __future__ import annotations

import pytest

from branchwork.models import Heartbeat
from branchwork.tasks import heartbeat
from tests.conftest import start_celery, stop_process, wait_for

pytestmark = pytest.mark.celery


def test_task_sent_through_redis_runs_in_the_worker(celery_worker):
    assert not Heartbeat.objects.filter(name="from-test").exists()
    heartbeat.delay("from-test")
    ran = wait_for(lambda: Heartbeat.objects.filter(name="from-test").exists(), timeout=30)
    assert ran, celery_worker.output()
    assert Heartbeat.objects.get(name="from-test").count == 1
    assert "branchwork.heartbeat" in celery_worker.output()


def test_beat_schedules_the_heartbeat_that_the_worker_runs(celery_worker, tmp_path):
    beat = start_celery(
        tmp_path,
        "beat",
        f"--schedule={tmp_path / 'beat-schedule'}",
        env={"BRANCHWORK_HEARTBEAT_SECONDS": "1"},
    )
    try:
        ran = wait_for(
            lambda: Heartbeat.objects.filter(name="worker", count__gte=2).exists(), timeout=45
        )
        assert ran, f"beat:\n{beat.output()}\nworker:\n{celery_worker.output()}"
    finally:
        stop_process(beat.process)
