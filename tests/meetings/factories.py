"""factory-boy factories for the meetings app."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from meetings.models import AttendanceRecord, AttendanceStatus, Decision, Meeting, MeetingType

TZ = timezone.get_fixed_timezone(8 * 60)


def at(day: datetime.date, hour: int = 15) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    meeting_type = MeetingType.THEME_DAY
    title = factory.Sequence(lambda n: f"主题党日{n:03d}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    place = "党员活动室"
    status = "held"
    minutes = "<p>会议纪要</p>"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttendanceRecord

    meeting = factory.SubFactory(MeetingFactory)
    status = AttendanceStatus.PRESENT


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = "同意实施操场改造项目"
    category = "major_project"
