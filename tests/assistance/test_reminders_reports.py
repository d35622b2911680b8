"""Assistance in the reminder engine (overdue visits) and in the annual reports."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string

from assistance import reports
from branchwork import reminders
from branchwork.models import Notification
from branchwork.reports import build
from tests.assistance.factories import AssessmentFactory, PairingFactory, VisitFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 12, 1)


def test_overdue_visit_reminds_the_mentor_once_per_gap(world):
    late = PairingFactory(mentor=world.teacher_a.member, student__school=world.school_a)
    VisitFactory(pairing=late, date=datetime.date(2025, 10, 1))
    fine = PairingFactory(mentor=world.member_a.member, student__school=world.school_a)
    VisitFactory(pairing=fine, date=datetime.date(2025, 11, 20))

    reminders.sweep(today=TODAY)
    reminders.sweep(today=TODAY + datetime.timedelta(days=1))
    sent = Notification.objects.filter(rule="assistance.visit_overdue")
    assert [(n.recipient_id, n.occasion) for n in sent] == [
        (world.teacher_a.pk, datetime.date(2025, 10, 31))
    ]
    assert late.student.name in sent.get().title


def test_report_section_has_counts_and_no_names(world):
    pairing = PairingFactory(
        mentor=world.teacher_a.member,
        student__school=world.school_a,
        student__name="保密学生",
        started_on=datetime.date(2025, 3, 1),
    )
    VisitFactory.create_batch(2, pairing=pairing, date=datetime.date(2025, 4, 1))
    VisitFactory(pairing=pairing, date=datetime.date(2025, 5, 1), kind="home_visit")
    AssessmentFactory(pairing=pairing, assessed_on=datetime.date(2025, 6, 1))
    data = reports.year_in_numbers(world.branch_a1, 2025)
    assert data["visits"] == 3 and data["totals"]["opened"] == 1 and data["hours"] == 1.5
    built = build("school", world.school_a.pk, 2025)
    section = next(s for s in built.context["sections"] if s["name"] == "assistance")
    html = render_to_string(section["template"], {"section": section})
    assert "<svg" in html and "家访" in html
    assert "保密学生" not in html and world.teacher_a.member.name not in html
