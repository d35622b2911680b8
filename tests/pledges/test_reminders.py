"""Pledge reminders: due date approaching, fulfilment returned (to the member only)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from branchwork import reminders
from branchwork.models import Notification
from pledges.models import EntryStatus, PledgeStatus
from tests.pledges.factories import FulfilmentFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def test_due_soon_and_returned_entries_remind_the_member_once(world):
    today = timezone.localdate()
    member = world.member_a.member
    soon, later = today + datetime.timedelta(days=10), today + datetime.timedelta(days=60)
    PledgeFactory(member=member, status=PledgeStatus.APPROVED, due_date=soon,
                  target_text="家访 10 户")  # fmt: skip
    PledgeFactory(member=member, status=PledgeStatus.APPROVED, due_date=later,
                  target_text="远期承诺")  # fmt: skip
    FulfilmentFactory(
        pledge=PledgeFactory(member=member, status=PledgeStatus.APPROVED, target_text="示范课"),
        status=EntryStatus.RETURNED, review_comment="请补充照片", reviewed_at=timezone.now(),
    )  # fmt: skip
    reminders.sweep()
    reminders.sweep()
    due = Notification.objects.filter(rule="pledges.due")
    assert [(n.recipient, "家访 10 户" in n.title) for n in due] == [(world.member_a, True)]
    returned = Notification.objects.get(rule="pledges.returned")
    assert returned.recipient == world.member_a and returned.body == "请补充照片"
