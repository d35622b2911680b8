"""Month view and the personal iCalendar feed (secret URL, revocable)."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import MeetingType
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_feed_parses_back_and_carries_the_users_meetings(world, login, client):
    start = timezone.now() + datetime.timedelta(days=2)
    mine = MeetingFactory(
        organisation=world.branch_a1,
        meeting_type=MeetingType.LECTURE,
        title="十一月党课",
        lecture_title="廉洁从教",
        lecturer="王书记",
        starts_at=start,
        place="党员活动室",
        status="planned",
    )
    MeetingFactory(organisation=world.branch_b1, title="乙校会议", starts_at=start)
    token = services.issue_calendar_token(user=world.teacher_a)
    response = client.get(reverse("meeting-calendar-feed", args=[token.token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["党课：十一月党课"]
    event = events[0]
    assert event["uid"] == f"meeting-{mine.pk}@branchwork"
    assert abs(event.decoded("dtstart") - start) < datetime.timedelta(seconds=1)
    assert str(event["location"]) == "党员活动室" and "廉洁从教" in str(event["description"])


def test_revoked_and_regenerated_tokens(world, login, client):
    first = services.issue_calendar_token(user=world.teacher_a)
    url = reverse("meeting-calendar-feed", args=[first.token])
    assert client.get(url).status_code == 200
    second = services.issue_calendar_token(user=world.teacher_a)
    assert client.get(url).status_code == 404
    services.revoke_calendar_token(user=world.teacher_a)
    assert client.get(reverse("meeting-calendar-feed", args=[second.token])).status_code == 404


def test_subscription_page_creates_and_switches_off_the_link(world, login):
    client = login(world, "teacher_a")
    url = reverse("meeting-calendar-subscription")
    assert "生成我的日历链接" in client.get(url).content.decode()
    client.post(url, {"action": "regenerate"})
    page = client.get(url).content.decode()
    token = world.teacher_a.calendar_tokens.get(revoked_at__isnull=True).token
    assert token in page
    client.post(url, {"action": "revoke"})
    assert not world.teacher_a.calendar_tokens.filter(revoked_at__isnull=True).exists()


def test_a_deactivated_users_feed_is_404(world, client):
    token = services.issue_calendar_token(user=world.teacher_a)
    world.teacher_a.is_active = False
    world.teacher_a.save()
    assert client.get(reverse("meeting-calendar-feed", args=[token.token])).status_code == 404


def test_month_view_shows_the_days_meetings(world, login):
    day = timezone.localdate().replace(day=15)
    MeetingFactory(
        organisation=world.branch_a1,
        meeting_type=MeetingType.THEME_DAY,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 30))),
    )
    page = login(world, "teacher_a").get(reverse("meeting-calendar")).content.decode()
    assert "15:30 主题党日" in page
