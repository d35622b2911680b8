"""The assistance app's part of a personal data export, for a teacher who mentors.

What she did is hers (when she mentored, how often and how she visited, which files she
opened and when); who the child is and what was written about the child is the child's,
and minors' data is not handed out in someone else's export. So: dates, kinds, durations
and states only — no student's name, no visit content, no reasons or goals.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from assistance.models import Pairing, StudentAccess, Visit
from branchwork.privacy import rows


def collect(user: Any, member: Any) -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = {}
    if member is not None:
        data[_("Mentoring (students not named)")] = rows(
            Pairing.objects.filter(mentor=member).order_by("started_on", "id"),
            only=["id", "started_on", "status", "closed_on"],
        )
        visits = Visit.objects.filter(pairing__mentor=member).order_by("date", "id")
        # The pairing by number only: its name would be the student's.
        data[_("Mentoring visits (content not included)")] = [
            {_("pairing number"): visit.pairing_id, **row}
            for visit, row in zip(
                visits, rows(visits, only=["date", "kind", "duration_minutes"]), strict=True
            )
        ]
    if user is not None:
        data[_("Students' files opened")] = rows(
            StudentAccess.objects.filter(user=user).order_by("at", "id"), only=["page", "at"]
        )
    return data
