"""The members app's part of a personal data export: profile, posts, pipeline, transfers,
and the change history of the profile."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from branchwork.privacy import rows
from members.models import StageChange, Transfer


def collect(user: Any, member: Any) -> dict[str, list[dict[str, Any]]]:
    if member is None:
        return {}
    history = member.history.select_related("history_user").order_by("history_date")
    return {
        _("Profile"): rows([member]),
        _("Party posts"): rows(member.posts.all(), exclude=["member"]),
        _("Development pipeline"): rows(
            StageChange.objects.filter(member=member).order_by("date", "id"), exclude=["member"]
        ),
        _("Transfers"): rows(
            Transfer.objects.filter(member=member).order_by("date", "id"), exclude=["member"]
        ),
        _("Changes to the profile"): [
            {
                _("When"): timezone.localtime(h.history_date).isoformat(timespec="seconds"),
                _("Who"): str(h.history_user or _("system")),
                _("What"): h.history_change_reason or "",
            }
            for h in history
        ],
    }
