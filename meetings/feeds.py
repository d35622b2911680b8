"""The personal iCalendar feed: the user's visible meetings as VEVENTs."""

from __future__ import annotations

import datetime
import html
from typing import Any

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.richtext import plain_text
from meetings.selectors import feed_meetings

DEFAULT_LENGTH = datetime.timedelta(hours=1, minutes=30)


def calendar_feed(user: Any, *, today: datetime.date) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Branchwork//meetings//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Branch meetings"))
    cal.add("x-wr-timezone", timezone.get_current_timezone_name())
    stamp = timezone.now()
    for meeting in feed_meetings(user, today=today):
        event = icalendar.Event()
        event.add("uid", f"meeting-{meeting.pk}@branchwork")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH)
        event.add("summary", f"{meeting.get_meeting_type_display()}：{meeting.title}")
        if meeting.place:
            event.add("location", meeting.place)
        description = [meeting.organisation.name]
        if meeting.lecture_title:
            description.append(f"{meeting.lecture_title} · {meeting.lecturer}")
        topics = html.unescape(plain_text(meeting.topics))
        if topics:
            description.append(topics)
        event.add("description", "\n".join(description))
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
