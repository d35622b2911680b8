"""The meetings app's part of a personal data export: attendance and calendar links."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from branchwork.privacy import rows
from meetings.models import AttendanceRecord, CalendarToken


def collect(user: Any, member: Any) -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = {}
    if member is not None:
        data[_("Meeting attendance")] = rows(
            AttendanceRecord.objects.filter(member=member)
            .select_related("meeting")
            .order_by("meeting__starts_at"),
            exclude=["member"],
        )
    if user is not None:
        data[_("Calendar subscriptions")] = rows(
            CalendarToken.objects.filter(user=user), exclude=["user"]
        )
    return data
