"""The demo year of meetings: realistic, with gaps, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from branchwork.demo import DEMO_PASSWORD
from meetings.models import AttendanceRecord, Decision, Meeting, MeetingType

pytestmark = pytest.mark.django_db


def test_demo_meetings_have_gaps_and_a_second_run_creates_nothing(client):
    call_command("seed_demo", stdout=StringIO())
    meetings = Meeting.objects.count()
    assert meetings > 150
    assert Meeting.objects.filter(meeting_type=MeetingType.LECTURE).exclude(lecturer="").exists()
    assert Decision.objects.exclude(category="").count() >= 4
    assert AttendanceRecord.objects.filter(status="leave").exclude(reason="").exists()
    records = AttendanceRecord.objects.count()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert Meeting.objects.count() == meetings and AttendanceRecord.objects.count() == records
    assert "0 objects created" in out.getvalue()

    client.login(username="orgadmin", password=DEMO_PASSWORD)
    page = client.get(reverse("meeting-compliance")).content.decode()
    assert '<li class="pstat pstat-overdue"' in page and "第三党支部" in page
    client.login(username="teacher1", password=DEMO_PASSWORD)
    page = client.get(reverse("dashboard")).content.decode()
    assert "我的近期会议" in page
