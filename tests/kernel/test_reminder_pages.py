"""The inbox, preferences, outbox and robots pages; the unread badge."""

from __future__ import annotations

import pytest
from django.urls import reverse

from branchwork import reminders
from branchwork.models import Delivery, Notification, NotificationPreference, RobotWebhook
from tests.kernel.test_reminders import rule  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_inbox_shows_only_my_reminders_and_marks_them_read(world, rule, login):  # noqa: F811
    reminders.sweep()
    client = login(world, "teacher_a")
    page = client.get(reverse("dashboard")).content.decode()
    assert 'class="badge"' in page
    page = client.get(reverse("inbox")).content.decode()
    assert "明天召开支委会" in page
    mine = Notification.objects.get(recipient=world.teacher_a)
    other = Notification.objects.get(recipient=world.secretary_a)
    # Someone else's notification is a 404, and stays unread.
    assert client.post(reverse("inbox-read"), {"pk": other.pk}).status_code == 404
    response = client.post(reverse("inbox-read"), {"pk": mine.pk, "open": "1"})
    assert response["Location"] == "/members/"
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None
    assert 'class="badge"' not in client.get(reverse("dashboard")).content.decode()


def test_preferences_grid_saves_muted_channels(world, rule, login):  # noqa: F811
    client = login(world, "secretary_a")
    assert "测试提醒" in client.get(reverse("notification-preferences")).content.decode()
    client.post(
        reverse("notification-preferences"),
        {"on": ["test.notice:in_app"], "quiet_start": "21:30", "quiet_end": "06:45"},
    )
    preference = NotificationPreference.objects.get(user=world.secretary_a)
    assert "test.notice:email" in preference.muted
    assert "test.notice:in_app" not in preference.muted
    assert preference.quiet_start.hour == 21


def test_bad_quiet_hours_are_refused(world, login):
    client = login(world, "secretary_a")
    response = client.post(
        reverse("notification-preferences"), {"quiet_start": "25:99", "quiet_end": "x"}
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert NotificationPreference.objects.get(user=world.secretary_a).quiet_start.hour == 22


def test_outbox_lists_the_schools_deliveries_and_retries_a_failed_one(world, rule, login):  # noqa: F811
    reminders.sweep()
    Delivery.objects.update(status="failed", last_error="HTTP 500")
    client = login(world, "admin_a")
    page = client.get(reverse("outbox"), {"status": "failed"}).content.decode()
    assert "明天召开支委会" in page and "HTTP 500" in page
    delivery = Delivery.objects.first()
    client.post(reverse("outbox-retry", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 0
    # Another school's admin-equivalent sees nothing of it and cannot retry it.
    other = login(world, "secretary_b")
    assert other.get(reverse("outbox")).status_code == 403


def test_robot_form_validates_the_dingtalk_secret(world, login):
    client = login(world, "admin_a")
    response = client.post(
        reverse("robots"),
        {"organisation": world.school_a.pk, "channel": "dingtalk", "name": "党委群",
         "url": "https://oapi.dingtalk.com/robot/send?access_token=x", "secret": "nope",
         "enabled": "on"},
    )  # fmt: skip
    assert response.status_code == 200 and not RobotWebhook.objects.exists()
    response = client.post(
        reverse("robots"),
        {"organisation": world.school_b.pk, "channel": "wecom", "name": "别校",
         "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", "enabled": "on"},
    )  # fmt: skip
    assert response.status_code == 200 and not RobotWebhook.objects.exists()
