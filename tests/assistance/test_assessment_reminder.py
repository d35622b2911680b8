"""The assessment-due reminder: to the mentor only, a week ahead, once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from branchwork import reminders
from branchwork.models import Notification
from tests.assistance.factories import PairingFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_assessment_due_reminds_the_mentor_once(world):
    today = timezone.localdate()
    student = StudentFactory(school=world.school_a, name="王小红")
    # Started 115 days ago, no assessment yet: the 120-day assessment is due in 5 days.
    PairingFactory(mentor=world.teacher_a.member, student=student,
                   started_on=today - datetime.timedelta(days=115))  # fmt: skip
    reminders.sweep()
    reminders.sweep()
    [note] = Notification.objects.filter(rule="assistance.assessment_due")
    assert note.recipient == world.teacher_a and "王小红" in note.title
    assert note.occasion == today + datetime.timedelta(days=5)
