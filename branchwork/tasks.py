"""Kernel tasks: thin wrappers around services (ids in, never model instances)."""

from celery import shared_task

from branchwork import reminders, services


@shared_task(name="branchwork.heartbeat")
def heartbeat(name: str = "worker") -> int:
    """Periodic proof that beat, the broker and a worker reach the database."""
    return services.record_heartbeat(name=name).count


@shared_task(name="branchwork.sweep")
def sweep() -> dict:
    """Evaluate every reminder rule and queue what is due (beat, every 15 minutes)."""
    from branchwork import reports

    result = reminders.sweep()
    # Reports whose worker died mid-render are queued again on the same beat.
    stale_reports = reports.requeue_stale()
    return {
        "notifications": result.notifications, "queued": result.queued,
        "stale_reports": stale_reports,
    }  # fmt: skip


@shared_task(name="branchwork.digest")
def digest() -> int:
    """Each morning: one e-mail per person who chose the daily digest."""
    return reminders.digest()


@shared_task(name="branchwork.deliver")
def deliver(delivery_id: int) -> str:
    return reminders.deliver(delivery_id)


@shared_task(name="branchwork.generate_report")
def generate_report(report_id: int) -> str:
    from branchwork import reports

    return reports.generate(report_id)


@shared_task(name="branchwork.run_import")
def run_import(batch_id: int, commit: bool) -> str:
    from branchwork import import_flow

    return import_flow.work(batch_id, commit)


@shared_task(name="branchwork.pregenerate_reports")
def pregenerate_reports() -> int:
    """January: last year's branch reports, ready before anyone asks."""
    from branchwork import reports

    return reports.pregenerate_last_year()
