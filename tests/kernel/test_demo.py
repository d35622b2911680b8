"""`manage.py seed_demo`: the demo school of the README, idempotent, logins that work."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from branchwork.demo import DEMO_LOGINS, DEMO_PASSWORD
from branchwork.models import Organisation, RoleAssignment
from members.models import Member, Stage

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": get_user_model().objects.count(),
        "roles": RoleAssignment.objects.count(),
        "members": Member.objects.count(),
    }


def test_seed_demo_builds_the_school_and_a_second_run_changes_nothing():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    school = Organisation.objects.get(slug="qsxx")
    assert Organisation.objects.filter(school=school).branches().count() == 3
    assert Organisation.objects.filter(school=school).groups().count() == 6
    in_school = Member.objects.filter(organisation__school=school)
    assert 55 <= in_school.count() <= 70
    assert set(in_school.values_list("stage", flat=True)) == set(Stage.values)
    assert "secretary" in out.getvalue() and DEMO_PASSWORD in out.getvalue()

    snapshot = list(Member.objects.order_by("id").values())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == first
    assert list(Member.objects.order_by("id").values()) == snapshot
    assert "0 objects created" in out.getvalue()


def test_demo_logins_work_and_the_secretary_sees_a_chinese_dashboard(client):
    call_command("seed_demo", stdout=StringIO())
    for username, *_rest in DEMO_LOGINS:
        assert client.login(username=username, password=DEMO_PASSWORD), username
    client.login(username="secretary", password=DEMO_PASSWORD)
    page = client.get(reverse("dashboard")).content.decode()
    assert "工作台" in page and "第一党支部" in page and "王建华" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Dashboard" in client.get(reverse("dashboard")).content.decode()


def test_other_school_secretary_cannot_open_demo_school_objects(client):
    call_command("seed_demo", stdout=StringIO())
    client.login(username="other_secretary", password=DEMO_PASSWORD)
    school = Organisation.objects.get(slug="qsxx")
    member = Member.objects.filter(organisation__school=school).first()
    assert client.get(reverse("organisation-detail", args=[school.pk])).status_code == 404
    assert client.get(reverse("member-detail", args=[member.pk])).status_code == 404
