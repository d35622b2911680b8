"""Every URL pattern's view declares who may use it; anonymous users go to login."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from branchwork.access import declared_access
from tests.urlwalk import walk


def test_every_view_declares_its_access():
    undeclared = [route.route for route in walk() if declared_access(route.callback) is None]
    assert undeclared == [], f"views without @requires(...): {undeclared}"


def test_every_view_has_a_name():
    assert [route.route for route in walk() if not route.name] == []


def test_unknown_capability_fails_at_declaration():
    from django.core.exceptions import ImproperlyConfigured

    from branchwork.access import requires

    with pytest.raises(ImproperlyConfigured, match=r"members\.veiw"):
        requires("members.veiw")


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_by_every_non_public_view(client):
    checked = 0
    for route in walk():
        access = declared_access(route.callback)
        if access.public:
            continue
        converters = re.findall(r"<(?:(\w+):)?\w+>", route.route)
        args = [1 if match == "int" else "x" for match in converters]
        url = reverse(route.name, args=args)
        response = client.get(url)
        assert response.status_code == 302, route.route
        assert response["Location"].startswith(reverse("login") + "?next="), route.route
        checked += 1
    assert checked >= 5


@pytest.mark.django_db
def test_admin_is_for_staff_only(client, world, login):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    login(world, "admin_a")  # organisation admin is not an installation operator
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
