"""Reachability checks for /healthz: database, cache and Celery broker."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import connection


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=5)
    if cache.get(key) != "ok":
        raise RuntimeError("value written to the cache could not be read back")
    cache.delete(key)


def check_broker() -> None:
    from django.conf import settings

    from branchwork.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}
# Without the database nothing works; without Redis (cache, broker) pages still work and
# queued work waits in the outbox for the next sweep: the service is degraded, not down,
# and should stay in the load balancer.
ESSENTIAL = {"database"}


def run_checks() -> tuple[str, dict[str, str]]:
    """("ok" | "degraded" | "unavailable", each check's result)."""
    results: dict[str, str] = {}
    status = "ok"
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure of a dependency is reported, not raised
            status = (
                "unavailable" if name in ESSENTIAL else ("degraded" if status == "ok" else status)
            )
            results[name] = f"error: {type(exc).__name__}: {exc}"[:300]
        else:
            results[name] = "ok"
    return status, results
