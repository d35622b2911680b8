"""The Celery application: configuration from Django settings (namespace CELERY)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branchwork.settings")

app = Celery("branchwork")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def setup_periodic_tasks(sender: Celery, **kwargs) -> None:
    """The beat schedule, defined here and nowhere else."""
    from celery.schedules import crontab
    from django.conf import settings

    from branchwork.tasks import digest, heartbeat, pregenerate_reports, sweep

    sender.add_periodic_task(
        float(settings.BRANCHWORK_HEARTBEAT_SECONDS),
        heartbeat.s(),
        name="branchwork.heartbeat",
    )
    # The reminder sweep; it also re-queues deliveries whose retry time has come.
    sender.add_periodic_task(
        float(settings.REMINDER_SWEEP_MINUTES * 60), sweep.s(), name="branchwork.sweep"
    )
    sender.add_periodic_task(crontab(minute=30, hour=7), digest.s(), name="branchwork.digest")
    # 2–4 January at 03:00: last year's branch reports (idempotent: skips those that exist).
    sender.add_periodic_task(
        crontab(minute=0, hour=3, day_of_month="2-4", month_of_year=1),
        pregenerate_reports.s(),
        name="branchwork.pregenerate_reports",
    )
