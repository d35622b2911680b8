"""The reminder engine: exactly-once outbox rows, claims, retries, channels, preferences."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connections
from django.utils import timezone

from branchwork import channels, reminders
from branchwork.models import (
    Channel,
    Delivery,
    Notification,
    NotificationPreference,
    RobotWebhook,
)
from branchwork.registry import REMINDER_RULES, ReminderRule
from tests.conftest import start_celery, stop_process, wait_for


@pytest.fixture
def rule(world, settings):
    """A test rule: one occasion for the members of branch A1 with logins, posted to robots."""
    # Tests run at any hour: no default quiet hours unless a test sets some.
    settings.REMINDER_QUIET_HOURS = ""
    users = (world.secretary_a.pk, world.teacher_a.pk)
    world.secretary_a.email = "secretary@example.org"
    world.secretary_a.save()

    def evaluate(today):
        return [
            reminders.Occasion(
                rule="test.notice", subject_key="meeting:1", occasion=today,
                organisation_id=world.branch_a1.pk, recipients=users,
                title="明天召开支委会", body="地点：三楼会议室", link="/members/",
            )
        ]  # fmt: skip

    entry = ReminderRule("test.notice", "测试提醒", evaluate, robots=True, order=0)
    # The engine is tested alone: the apps' own rules are tested in their folders.
    saved = list(REMINDER_RULES)
    REMINDER_RULES[:] = [entry]
    yield entry
    REMINDER_RULES[:] = saved


class Robot(BaseHTTPRequestHandler):
    """A local stand-in for a WeCom/DingTalk robot: answers from a script of statuses."""

    script: list[int] = []
    received: list[dict] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        Robot.received.append(
            {"path": self.path, "body": json.loads(self.rfile.read(length).decode())}
        )
        status = Robot.script.pop(0) if Robot.script else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(
            json.dumps({"errcode": 0 if status == 200 else 1, "errmsg": "ok"}).encode()
        )

    def log_message(self, *args):
        pass


@pytest.fixture
def robot_server():
    Robot.script, Robot.received = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_three_sweeps_create_each_reminder_once(world, rule, mailoutbox):
    for _ in range(3):
        reminders.sweep()
    assert Notification.objects.filter(rule="test.notice").count() == 2
    # E-mail only for the recipient who has an address; the teacher gets the inbox only.
    emails = Delivery.objects.filter(rule="test.notice", channel=Channel.EMAIL)
    assert [d.notification.recipient for d in emails] == [world.secretary_a]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_create_each_reminder_once(world, rule):
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            reminders.sweep()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Notification.objects.filter(rule="test.notice").count() == 2
    assert Delivery.objects.filter(rule="test.notice", channel=Channel.EMAIL).count() == 1


@pytest.mark.django_db
def test_email_is_sent_once_and_marked(world, rule, mailoutbox):
    reminders.sweep()
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert reminders.deliver(delivery.pk) == "sent"
    assert reminders.deliver(delivery.pk) == "not-claimed"  # already sent: never twice
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["secretary@example.org"] and "明天召开支委会" in message.subject
    assert "http://" in message.body and "/members/" in message.body


@pytest.mark.django_db
def test_a_worker_that_died_mid_send_is_picked_up_after_the_stale_timeout(
    world, rule, mailoutbox, settings
):
    reminders.sweep()
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    claimed = reminders.claim(delivery.pk)  # … and the worker is killed here
    assert claimed is not None and Delivery.objects.get(pk=delivery.pk).status == "sending"
    now = timezone.now()
    assert delivery.pk not in reminders.due_deliveries(now).values_list("pk", flat=True)
    later = now + datetime.timedelta(seconds=settings.REMINDER_STALE_SECONDS + 1)
    assert delivery.pk in reminders.due_deliveries(later).values_list("pk", flat=True)
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_at=now - datetime.timedelta(seconds=settings.REMINDER_STALE_SECONDS + 1)
    )
    assert reminders.deliver(delivery.pk) == "sent"
    assert Delivery.objects.get(pk=delivery.pk).attempts == 2
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_quiet_hours_defer_and_preferences_are_honoured(world, rule, mailoutbox):
    NotificationPreference.objects.create(
        user=world.secretary_a, quiet_start=datetime.time(0, 0), quiet_end=datetime.time(23, 59)
    )
    NotificationPreference.objects.create(user=world.teacher_a, muted=["test.notice:in_app"])
    reminders.sweep()
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert delivery.not_before > timezone.now()
    assert reminders.deliver(delivery.pk) == "not-claimed"  # deferred, not sent at night
    assert mailoutbox == []
    teacher_note = Notification.objects.get(recipient=world.teacher_a)
    assert teacher_note.read_at is not None  # muted in the app: kept, not shown as unread


@pytest.mark.django_db
def test_muted_email_creates_no_delivery(world, rule):
    NotificationPreference.objects.create(user=world.secretary_a, muted=["test.notice:email"])
    reminders.sweep()
    assert not Delivery.objects.filter(channel=Channel.EMAIL).exists()
    assert Notification.objects.filter(recipient=world.secretary_a).exists()


def test_quiet_until_wraps_midnight():
    preference = NotificationPreference(quiet_start=datetime.time(22), quiet_end=datetime.time(7))
    tz = timezone.get_current_timezone()
    night = datetime.datetime(2026, 11, 21, 23, 30, tzinfo=tz)
    morning = reminders._quiet_until(night, preference)
    assert timezone.localtime(morning).replace(tzinfo=None) == datetime.datetime(2026, 11, 22, 7)
    day = datetime.datetime(2026, 11, 21, 10, 0, tzinfo=tz)
    assert reminders._quiet_until(day, preference) == day


def test_wecom_and_dingtalk_payloads_follow_the_documented_formats():
    delivery = Delivery(title="党课提醒", body="本季度尚未召开党课", link="/meetings/")
    wecom = channels.wecom_payload(delivery)
    assert wecom["msgtype"] == "markdown"
    assert wecom["markdown"]["content"].startswith("### 党课提醒")
    assert "[查看详情](http://127.0.0.1:8000/meetings/)" in wecom["markdown"]["content"]
    ding = channels.dingtalk_payload(delivery)
    assert ding["msgtype"] == "markdown"
    assert ding["markdown"]["title"] == "党课提醒" and "本季度" in ding["markdown"]["text"]


def test_dingtalk_signature_matches_the_documented_algorithm():
    secret, timestamp = "SECabc123", 1700000000000
    # DingTalk's documentation: sign = urlEncode(base64(HmacSHA256(secret, timestamp+"\n"+secret)))
    expected = urllib.parse.quote_plus(
        base64.b64encode(
            hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
        ).decode()
    )
    url = channels.dingtalk_url(
        "https://oapi.dingtalk.com/robot/send?access_token=T", secret, now_ms=timestamp
    )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["timestamp"] == [str(timestamp)]
    assert urllib.parse.quote_plus(query["sign"][0]) == expected
    assert query["access_token"] == ["T"]


@pytest.mark.celery
def test_failing_webhook_is_retried_by_the_worker_then_sent(
    world, rule, robot_server, tmp_path, transactional_db
):
    RobotWebhook.objects.create(
        organisation=world.school_a, channel=Channel.DINGTALK, name="党委群",
        url=f"{robot_server}/robot/send?access_token=abc", secret="SECtest",
    )  # fmt: skip
    Robot.script = [500]  # the first attempt fails, the second succeeds
    worker = start_celery(
        tmp_path, "worker", "--pool=solo", "--without-heartbeat",
        env={"REMINDER_RETRY_BASE_SECONDS": "1"},
    )  # fmt: skip
    try:
        assert wait_for(lambda: "ready." in worker.output(), 60), worker.output()
        reminders.sweep()
        robot = Delivery.objects.get(channel=Channel.DINGTALK)

        def sent():
            robot.refresh_from_db()
            return robot.status == "sent"

        assert wait_for(sent, 60), worker.output()
    finally:
        stop_process(worker.process)
    assert robot.attempts == 2 and robot.last_error == ""
    assert len(Robot.received) == 2
    body = Robot.received[-1]["body"]
    assert body["msgtype"] == "markdown" and body["markdown"]["title"] == "明天召开支委会"
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(Robot.received[-1]["path"]).query)
    timestamp = int(query["timestamp"][0])
    assert (
        query["sign"][0]
        == base64.b64encode(
            hmac.new(b"SECtest", f"{timestamp}\nSECtest".encode(), hashlib.sha256).digest()
        ).decode()
    )


@pytest.mark.django_db
def test_giving_up_keeps_the_error_and_an_operator_can_retry(
    world, rule, robot_server, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_MAX_ATTEMPTS = 2
    RobotWebhook.objects.create(
        organisation=world.branch_a1, channel=Channel.WECOM, name="支部群",
        url=f"{robot_server}/cgi-bin/webhook/send?key=k",
    )  # fmt: skip
    Robot.script = [500, 500, 200]
    reminders.sweep()
    robot = Delivery.objects.get(channel=Channel.WECOM)
    assert reminders.deliver(robot.pk) == "pending"
    Delivery.objects.filter(pk=robot.pk).update(not_before=timezone.now())
    assert reminders.deliver(robot.pk) == "failed"
    robot.refresh_from_db()
    assert robot.last_error == "ChannelError: HTTP 500" and robot.attempts == 2
    reminders.retry(robot)
    assert reminders.deliver(robot.pk) == "sent"
    assert Robot.received[0]["body"]["msgtype"] == "markdown"


@pytest.mark.celery
def test_broker_down_when_queueing_loses_nothing(
    world, rule, tmp_path, transactional_db, django_capture_on_commit_callbacks, mailoutbox
):
    """Redis stops; the sweep still writes the outbox and returns; when Redis is back the
    next sweep queues the delivery and a real worker sends it."""
    import time

    from tests.conftest import redis_start, redis_stop

    redis_stop()
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            reminders.sweep()
        assert time.monotonic() - started < 15  # no hanging on a dead broker
        assert Delivery.objects.get(channel=Channel.EMAIL).status == "pending"
    finally:
        redis_start()
    mail_dir = tmp_path / "mail"
    worker = start_celery(tmp_path, "worker", "--pool=solo", "--without-heartbeat",
                          env={"EMAIL_URL": f"filemail:///{mail_dir}"})  # fmt: skip
    try:
        assert wait_for(lambda: "ready." in worker.output(), 60), worker.output()
        with django_capture_on_commit_callbacks(execute=True):
            reminders.sweep()
        delivery = Delivery.objects.get(channel=Channel.EMAIL)

        def sent():
            delivery.refresh_from_db()
            return delivery.status == "sent"

        assert wait_for(sent, 60), worker.output()
    finally:
        stop_process(worker.process)
    import email
    from email.header import decode_header, make_header

    [written] = list(mail_dir.iterdir())  # the file e-mail backend's one message
    message = email.message_from_bytes(written.read_bytes().split(b"-" * 79)[0])
    assert "明天召开支委会" in str(make_header(decode_header(message["Subject"])))
    assert message["To"] == "secretary@example.org"


@pytest.mark.django_db
def test_daily_digest_once_a_day_for_those_who_asked(world, rule, mailoutbox):
    NotificationPreference.objects.create(user=world.secretary_a, daily_digest=True)
    reminders.sweep()
    assert reminders.digest() == 1
    assert reminders.digest() == 0  # the second run the same day sends nothing
    digest = Notification.objects.get(rule=reminders.DIGEST_RULE)
    assert digest.recipient == world.secretary_a and "明天召开支委会" in digest.body
    delivery = Delivery.objects.get(notification=digest)
    assert reminders.deliver(delivery.pk) == "sent"
    assert "明天召开支委会" in mailoutbox[-1].body
    # The teacher did not ask for a digest.
    assert not Notification.objects.filter(
        rule=reminders.DIGEST_RULE, recipient=world.teacher_a
    ).exists()
