"""What the meetings app contributes to the reminder engine (registered in apps.py)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branchwork.models import Organisation, Role
from branchwork.reminders import Occasion, users_with_roles
from meetings.models import AttendanceRecord, Meeting, MeetingStatus, MeetingType
from meetings.periods import PeriodStatus
from meetings.selectors import compliance


def meeting_notices(today: datetime.date) -> list[Occasion]:
    """会议通知: to every expected attendee with a login, `MEETING_NOTICE_DAYS` ahead."""
    lead = datetime.timedelta(days=settings.MEETING_NOTICE_DAYS)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=tz)
    meetings = {
        m.pk: m
        for m in Meeting.objects.filter(
            status=MeetingStatus.PLANNED, starts_at__gte=start, starts_at__lt=start + lead
            + datetime.timedelta(days=1),
        ).select_related("organisation")
    }  # fmt: skip
    attendees = defaultdict(set)
    for meeting_id, user_id in AttendanceRecord.objects.filter(
        meeting_id__in=meetings, member__user__is_active=True
    ).values_list("meeting_id", "member__user_id"):
        attendees[meeting_id].add(user_id)
    occasions = []
    for meeting in meetings.values():
        if not attendees.get(meeting.pk):
            continue
        local = timezone.localtime(meeting.starts_at)
        occasions.append(
            Occasion(
                rule="meetings.notice",
                subject_key=f"meeting:{meeting.pk}:{local:%Y%m%d%H%M}",
                occasion=local.date(),
                organisation_id=meeting.organisation_id,
                recipients=tuple(sorted(attendees[meeting.pk])),
                title=_("Meeting notice: %(title)s, %(when)s")
                % {"title": meeting.title, "when": f"{local:%m-%d %H:%M}"},
                body=_("%(type)s at %(place)s. Please attend on time; ask for leave if you "
                       "cannot.") % {"type": meeting.get_meeting_type_display(),
                                     "place": meeting.place or "—"},
                link=reverse("meeting-detail", args=[meeting.pk]),
            )
        )  # fmt: skip
    return occasions


def compliance_warnings(today: datetime.date) -> list[Occasion]:
    """To the branch secretary: a required meeting type not yet held, period ending soon."""
    occasions = []
    for school in Organisation.objects.schools():
        report = compliance(organisation=school, year=today.year, today=today)
        shortfalls = report.shortfalls(PeriodStatus.DUE_SOON)
        if not shortfalls:
            continue
        secretaries = users_with_roles({s.organisation.pk for s in shortfalls}, (Role.SECRETARY,))
        for shortfall in shortfalls:
            recipients = secretaries.get(shortfall.organisation.pk)
            if not recipients:
                continue
            period = shortfall.period
            occasions.append(
                Occasion(
                    rule="meetings.compliance",
                    subject_key=f"{shortfall.organisation.pk}:{shortfall.rule.meeting_type}:"
                    f"{period.period.key}",
                    occasion=period.period.end,
                    organisation_id=shortfall.organisation.pk,
                    recipients=tuple(sorted(recipients)),
                    title=_("%(branch)s: %(type)s still %(held)s of %(required)s for %(period)s")
                    % {"branch": shortfall.organisation.name,
                       "type": MeetingType(shortfall.rule.meeting_type).label,
                       "held": period.held, "required": period.required,
                       "period": period.period.label},
                    body=_("The period ends on %(date)s.")
                    % {"date": period.period.end.isoformat()},
                    link=reverse("meeting-compliance"),
                )
            )  # fmt: skip
    return occasions
