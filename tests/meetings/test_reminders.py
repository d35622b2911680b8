"""Meeting notices and compliance warnings through the reminder engine (issue 7)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from branchwork import reminders
from branchwork.models import Channel, Delivery, Notification
from tests.conftest import redis_start, redis_stop, start_celery, stop_process, wait_for


def tomorrow_at_three() -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(15), timezone.get_current_timezone())


def schedule(client, world, title="明日支委会"):
    return client.post(
        reverse("meeting-create"),
        {
            "organisation": world.branch_a1.pk,
            "meeting_type": "committee",
            "title": title,
            "starts_at": tomorrow_at_three().strftime("%Y-%m-%dT%H:%M"),
            "place": "三楼会议室",
        },
    )


def notices():
    return Notification.objects.filter(rule="meetings.notice")


@pytest.fixture
def with_emails(world, settings):
    settings.REMINDER_QUIET_HOURS = ""
    for name in ("secretary_a", "teacher_a", "member_a"):
        user = getattr(world, name)
        user.email = f"{name}@example.org"
        user.save()


@pytest.mark.django_db
def test_three_sweeps_one_notice_per_attendee_per_channel(world, login, with_emails):
    schedule(login(world, "secretary_a"), world)
    for _ in range(3):
        reminders.sweep()
    recipients = sorted(n.recipient.username for n in notices())
    assert recipients == ["member_a", "secretary_a", "teacher_a"]
    emails = Delivery.objects.filter(rule="meetings.notice", channel=Channel.EMAIL)
    assert emails.count() == 3
    assert "明日支委会" in notices().first().title


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_one_notice_per_attendee(world, login, with_emails):
    schedule(login(world, "secretary_a"), world)
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            reminders.sweep()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert notices().count() == 3
    assert Delivery.objects.filter(rule="meetings.notice", channel=Channel.EMAIL).count() == 3


@pytest.mark.celery
def test_redis_down_while_scheduling_a_meeting(world, login, with_emails, tmp_path,
                                               transactional_db):  # fmt: skip
    """The request succeeds with Redis stopped; once Redis is back the notice is sent."""
    client = login(world, "secretary_a")
    redis_stop()
    try:
        response = schedule(client, world)
        assert response.status_code == 302
        assert notices().count() == 0  # the sweep it asked for could not be queued
    finally:
        redis_start()
    mail_dir = tmp_path / "mail"
    worker = start_celery(tmp_path, "worker", "--pool=solo", "--without-heartbeat",
                          env={"EMAIL_URL": f"filemail:///{mail_dir}",
                               "REMINDER_QUIET_HOURS": ""})  # fmt: skip
    try:
        assert wait_for(lambda: "ready." in worker.output(), 60), worker.output()
        reminders.request_sweep()  # what beat does every 15 minutes (autocommit: queued now)

        def delivered():
            return Delivery.objects.filter(rule="meetings.notice", status="sent").count() == 3

        assert wait_for(delivered, 60), worker.output()[-3000:]
    finally:
        stop_process(worker.process)
    import email
    from email.header import decode_header, make_header

    subjects = []
    for path in mail_dir.iterdir():
        # The file backend may append several messages to one file, each ending in a rule.
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                message = email.message_from_bytes(chunk.lstrip(b"\n"))
                subjects.append(
                    (message["To"], str(make_header(decode_header(message["Subject"]))))
                )
    notices_sent = sorted(to for to, subject in subjects if "会议通知：明日支委会" in subject)
    assert notices_sent == ["member_a@example.org", "secretary_a@example.org",
                            "teacher_a@example.org"]  # fmt: skip
