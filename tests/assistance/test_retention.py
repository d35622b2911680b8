"""Retention: departed students' files are anonymised after the period; counts stay."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from assistance import selectors
from assistance.models import AssistanceSettings, Pairing, Student, Visit
from tests.assistance.factories import AssessmentFactory, PairingFactory, VisitFactory

pytestmark = pytest.mark.django_db


def aggregates(user) -> dict:
    data = selectors.counts(user, today=datetime.date(2026, 3, 1))
    return {
        **data,
        "pairings": Pairing.objects.count(),
        "visits": Visit.objects.count(),
        "ledger": [
            (r.status.pairing.get_outcome_display(), r.status.visit_count)
            for r in selectors.ledger(user, today=datetime.date(2026, 3, 1))
        ],
    }


def test_anonymise_after_the_period_keeps_aggregates(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    gone = PairingFactory(
        mentor=world.teacher_a.member,
        student__school=world.school_a,
        student__name="离校学生",
        student__status="graduated",
        student__left_on=datetime.date(2024, 6, 30),
        status="closed",
        closed_on=datetime.date(2024, 6, 30),
        outcome="improved",
        summary="毕业前数学及格",
    )
    VisitFactory.create_batch(3, pairing=gone, content="家访内容")
    AssessmentFactory(pairing=gone, assessment="评语")
    recent = PairingFactory(
        mentor=world.member_a.member,
        student__school=world.school_a,
        student__name="刚离校",
        student__status="left",
        student__left_on=datetime.date(2025, 12, 1),
        status="closed",
        closed_on=datetime.date(2025, 12, 1),
        outcome="student_left",
        summary="转学",
    )
    VisitFactory(pairing=recent)
    staying = PairingFactory(mentor=world.secretary_a.member, student__school=world.school_a)
    VisitFactory(pairing=staying)
    before = aggregates(world.admin_a)

    out = StringIO()
    call_command("anonymise_students", "--today", "2026-03-01", stdout=out)
    assert "1 anonymised" in out.getvalue()

    student = Student.objects.get(pk=gone.student_id)
    assert student.name != "离校学生" and student.anonymised_at is not None
    assert student.guardian_name == student.guardian_phone == student.family_notes == ""
    assert not Visit.objects.filter(content="家访内容").exists()
    gone.refresh_from_db()
    assert gone.summary == "" and gone.outcome == "improved"
    assert Student.objects.get(pk=recent.student_id).name == "刚离校"  # within the period
    assert aggregates(world.admin_a) == before

    out = StringIO()
    call_command("anonymise_students", "--today", "2026-03-01", stdout=out)
    assert "0 anonymised" in out.getvalue()


def test_the_period_is_configurable_per_school(world):
    PairingFactory(
        mentor=world.teacher_a.member,
        student__school=world.school_a,
        student__status="left",
        student__left_on=datetime.date(2026, 1, 1),
        status="closed",
        outcome="student_left",
    )
    out = StringIO()
    call_command("anonymise_students", "--today", "2026-03-01", "--dry-run", stdout=out)
    assert "0 due" in out.getvalue()
    AssistanceSettings.objects.create(organisation=world.school_a, retention_days=30)
    out = StringIO()
    call_command("anonymise_students", "--today", "2026-03-01", stdout=out)
    assert "1 anonymised" in out.getvalue()
