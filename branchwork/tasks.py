"""Kernel tasks: thin wrappers around services (ids in, never model instances)."""

from celery import shared_task

from branchwork import services


@shared_task(name="branchwork.heartbeat")
def heartbeat(name: str = "worker") -> int:
    """Periodic proof that beat, the broker and a worker reach the database."""
    return services.record_heartbeat(name=name).count
