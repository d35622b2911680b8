"""One access table: every named URL × every persona → the expected status.

A URL pattern without an entry here fails `test_every_url_has_an_entry`, so a new view
cannot ship without its access being written down and tested. Each 200 also checks what
the page shows, so "200" cannot hide a page that leaks or shows nothing.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS
from tests.factories import MemberFactory
from tests.urlwalk import walk

pytestmark = pytest.mark.django_db

SIGNED_IN = [p for p in PERSONAS if p not in ("anonymous", "deactivated")]


def everyone(status_signed_in: int, status_out: int = 302) -> dict[str, int]:
    return {p: (status_signed_in if p in SIGNED_IN else status_out) for p in PERSONAS}


def table(**overrides: int) -> dict[str, int]:
    return {**everyone(200), **overrides}


# name → (object to put in the URL, {persona: status})
MATRIX = {
    "dashboard": (None, everyone(200)),
    "healthz": (None, dict.fromkeys(PERSONAS, 200)),
    "login": (None, {p: (302 if p in SIGNED_IN else 200) for p in PERSONAS}),
    # Logging out is a POST (Django 5); a GET is refused for everyone.
    "logout": (None, dict.fromkeys(PERSONAS, 405)),
    "password_change": (None, everyone(200)),
    "password_change_done": (None, everyone(200)),
    # A GET changes nothing and just sends the user back.
    "set_language": (None, dict.fromkeys(PERSONAS, 302)),
    "organisation-list": (None, everyone(200)),
    "organisation-detail": (
        "branch_a1",
        table(secretary_a2=404, secretary_b=404),
    ),
    "member-list": (None, table(principal_a=403)),
    "member-detail": (
        "member_in_a1",
        table(secretary_a2=404, secretary_b=404, principal_a=403),
    ),
}


def test_every_url_has_an_entry():
    names = {route.name for route in walk()}
    assert names - set(MATRIX) == set(), "add these views to MATRIX"
    assert set(MATRIX) - names == set(), "MATRIX names views that no longer exist"


def url_for(name: str, target: str | None, world, objects) -> str:
    if target is None:
        if name == "set_language":
            return reverse(name) + "?next=/"
        return reverse(name)
    obj = objects.get(target) or getattr(world, target)
    return reverse(name, args=[obj.pk])


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(name, world, login):
    target, expected = MATRIX[name]
    objects = {"member_in_a1": MemberFactory(organisation=world.branch_a1, name="甲一支部党员")}
    url = url_for(name, target, world, objects)
    failures = []
    for persona in PERSONAS:
        client = login(world, persona)
        response = client.get(url)
        if response.status_code != expected[persona]:
            failures.append(f"{persona}: {response.status_code} != {expected[persona]}")
        if expected[persona] == 302 and persona not in SIGNED_IN and name not in ("set_language",):
            assert response["Location"].startswith(reverse("login")), persona
    assert failures == [], f"{name} {url}"


def test_another_schools_objects_are_404_for_every_object_url(world, login):
    """The acceptance's isolation rule: school B's secretary gets 404 on school A's objects."""
    member = MemberFactory(organisation=world.branch_a1)
    client = login(world, "secretary_b")
    for org in (world.school_a, world.branch_a1, world.group_a1, world.branch_a2):
        assert client.get(reverse("organisation-detail", args=[org.pk])).status_code == 404
    assert client.get(reverse("member-detail", args=[member.pk])).status_code == 404
    # Her own school's objects work, so the 404s above are about scope, not breakage.
    assert client.get(reverse("organisation-detail", args=[world.branch_b1.pk])).status_code == 200
