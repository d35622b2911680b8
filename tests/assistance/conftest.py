"""Fixtures of the assistance tests: teacher_a mentors a student of school A."""

from __future__ import annotations

import pytest

from tests.assistance.factories import PairingFactory, StudentFactory, VisitFactory


@pytest.fixture
def mentoring(world):
    """teacher_a's active pairing with 小明 (branch A1), with one visit."""
    student = StudentFactory(school=world.school_a, name="李小明", guardian_phone="13811112222")
    pairing = PairingFactory(mentor=world.teacher_a.member, student=student)
    VisitFactory(pairing=pairing, content="家访：奶奶说孩子晚上看电视到十点")
    return pairing
