"""QR check-in: rotating short-lived tokens, one meeting each, only one's own attendance."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import AttendanceRecord
from tests.meetings.factories import AttendanceFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def meeting(world):
    m = MeetingFactory(organisation=world.branch_a1, status="planned", minutes="")
    for name in ("member_a", "teacher_a"):
        AttendanceFactory(meeting=m, member=getattr(world, name).member, status="pending")
    return m


def scan_url(meeting, token=None) -> str:
    return reverse("meeting-scan", args=[meeting.pk, token or services.checkin_token(meeting)])


def test_check_in_screen_shows_an_svg_qr_that_rotates(world, login, meeting):
    client = login(world, "secretary_a")
    page = text(client.get(reverse("meeting-checkin", args=[meeting.pk])))
    assert "<svg" in page and 'hx-trigger="every 30s"' in page
    assert "应到 2 人，已签到 0 人" in page
    partial = text(client.get(reverse("meeting-checkin-qr", args=[meeting.pk])))
    assert partial.lstrip().startswith("<div") and "<svg" in partial and "<html" not in partial


def test_scanning_marks_the_signed_in_member_present(world, login, meeting):
    client = login(world, "member_a")
    url = scan_url(meeting)
    assert "确认签到" in text(client.get(url))
    page = text(client.post(url))
    assert "签到成功" in page
    mine = AttendanceRecord.objects.get(meeting=meeting, member=world.member_a.member)
    assert mine.status == "present" and mine.checked_in_at is not None
    other = AttendanceRecord.objects.get(meeting=meeting, member=world.teacher_a.member)
    assert other.status == "pending"  # nobody can check someone else in
    assert client.post(url).status_code == 200  # scanning twice is harmless


@pytest.mark.django_db(transaction=True)
def test_check_in_outside_a_test_transaction(world, login, meeting):
    """As on a real server, with no test transaction around the request: the row lock
    of check_in needs its own transaction."""
    response = login(world, "member_a").post(scan_url(meeting))
    assert response.status_code == 200 and "签到成功" in text(response)


def test_anonymous_scan_goes_to_login_and_comes_back(world, client, meeting):
    url = scan_url(meeting)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_expired_token_is_refused_with_a_clear_message(world, login, meeting, monkeypatch):
    token = services.checkin_token(meeting)
    later = time.time() + services.CHECKIN_TOKEN_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    client = login(world, "member_a")
    response = client.get(scan_url(meeting, token))
    assert response.status_code == 400 and "二维码已过期" in text(response)
    # The confirm button has a grace period; beyond it the POST is refused too.
    assert client.post(scan_url(meeting, token)).status_code == 200
    much_later = later + services.CHECKIN_CONFIRM_GRACE_SECONDS
    monkeypatch.setattr(time, "time", lambda: much_later)
    AttendanceRecord.objects.filter(meeting=meeting).update(status="pending")
    response = client.post(scan_url(meeting, token))
    assert response.status_code == 400 and "二维码已过期" in text(response)
    assert not AttendanceRecord.objects.filter(meeting=meeting, status="present").exists()


def test_a_token_for_one_meeting_never_works_for_another(world, login, meeting):
    other = MeetingFactory(organisation=world.branch_a1, status="planned", minutes="")
    AttendanceFactory(meeting=other, member=world.member_a.member, status="pending")
    token = services.checkin_token(meeting)
    client = login(world, "member_a")
    response = client.post(reverse("meeting-scan", args=[other.pk, token]))
    assert response.status_code == 400 and "不是本次会议的签到码" in text(response)
    assert AttendanceRecord.objects.get(meeting=other).status == "pending"
    tampered = token.replace(str(meeting.pk), str(other.pk), 1)
    assert client.post(reverse("meeting-scan", args=[other.pk, tampered])).status_code == 400


def test_someone_not_on_the_list_cannot_check_in(world, login, meeting):
    client = login(world, "secretary_a")
    # Opening the scanned link already says so, without a button to press.
    page = client.get(scan_url(meeting))
    assert page.status_code == 400 and "不在本次会议的参会名单中" in text(page)
    assert 'type="submit"' not in text(page).split("<main", 1)[1]
    response = client.post(scan_url(meeting))
    assert response.status_code == 400 and "不在本次会议的参会名单中" in text(response)
    assert login(world, "secretary_b").post(scan_url(meeting)).status_code == 404
