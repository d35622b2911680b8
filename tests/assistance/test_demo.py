"""The assistance part of `manage.py seed_demo`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from assistance.models import Assessment, Pairing, Student, Visit
from branchwork.demo import DEMO_PASSWORD
from members.models import Member

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Student.objects.count(),
        Pairing.objects.count(),
        Visit.objects.count(),
        Assessment.objects.count(),
    )


def test_demo_pairs_most_teachers_with_a_term_of_visits_and_two_assessments(client):
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    for username in ("teacher1", "teacher2"):
        assert Pairing.objects.active().filter(mentor__user__username=username).exists()
    mentors = Member.objects.filter(
        organisation__school__slug="qsxx", status="active", stage__in=["full", "probationary"]
    )
    paired = mentors.filter(pairings__status="active").distinct().count()
    assert paired > mentors.count() / 2
    for pairing in Pairing.objects.all():
        assert pairing.assessments.count() == 2
        assert pairing.visits.count() >= 2
    assert Student.objects.without_mentor().exists()  # the secretary has work to do

    call_command("seed_demo", stdout=StringIO())
    assert counts() == first

    client.login(username="teacher1", password=DEMO_PASSWORD)
    page = client.get(reverse("dashboard")).content.decode()
    assert "我的结对" in page and "记录走访" in page
    client.login(username="principal", password=DEMO_PASSWORD)
    page = client.get(reverse("assistance-ledger")).content.decode()
    assert not any(s.name in page for s in Student.objects.all())
