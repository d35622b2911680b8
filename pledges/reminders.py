"""What the pledges app contributes to the reminder engine (registered in apps.py)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branchwork.reminders import Occasion
from pledges.selectors import pledges_due_within, returned_entries

DUE_LEAD_DAYS = 14


def pledges_due(today: datetime.date) -> list[Occasion]:
    """To the member: an approved pledge's due date is two weeks away (once per pledge)."""
    return [
        Occasion(
            rule="pledges.due",
            subject_key=f"pledge:{pledge.pk}",
            occasion=pledge.due_date,
            organisation_id=pledge.organisation_id,
            recipients=(pledge.member.user_id,),
            title=_("Your pledge “%(target)s” is due on %(date)s")
            % {"target": pledge.target_text, "date": pledge.due_date.isoformat()},
            link=reverse("pledge-detail", args=[pledge.pk]),
        )
        for pledge in pledges_due_within(days=DUE_LEAD_DAYS, today=today)
        if pledge.member.user_id and pledge.member.user.is_active
    ]


def entries_returned(today: datetime.date) -> list[Occasion]:
    """To the member: the secretary returned a fulfilment entry for changes (once per
    return: the occasion is the day it was returned)."""
    return [
        Occasion(
            rule="pledges.returned",
            subject_key=f"fulfilment:{entry.pk}",
            occasion=timezone.localdate(entry.reviewed_at) if entry.reviewed_at else today,
            organisation_id=entry.pledge.organisation_id,
            recipients=(entry.pledge.member.user_id,),
            title=_("A fulfilment entry was returned for changes: %(target)s")
            % {"target": entry.pledge.target_text},
            body=entry.review_comment,
            link=reverse("pledge-detail", args=[entry.pledge_id]),
        )
        for entry in returned_entries()
        if entry.pledge.member.user_id and entry.pledge.member.user.is_active
    ]
