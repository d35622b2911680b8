"""One access table: every named URL × every persona → the expected status.

The entries live beside each app's tests (`tests/<app>/access.py`); this module collects
them. A URL pattern without an entry fails `test_every_url_has_an_entry`, so a new view
cannot ship without its access written down and tested. Pages' content per persona is
tested in each app's own tests.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.urls import reverse

from tests.matrix import PERSONAS, SIGNED_IN, Entry
from tests.urlwalk import walk

pytestmark = pytest.mark.django_db


def collect() -> dict[str, Entry]:
    matrix: dict[str, Entry] = {}
    here = Path(__file__).parent
    for info in pkgutil.iter_modules([str(here)]):
        if not info.ispkg or not (here / info.name / "access.py").is_file():
            continue
        module = importlib.import_module(f"tests.{info.name}.access")
        duplicated = set(matrix) & set(module.MATRIX)
        assert not duplicated, f"entries defined twice: {duplicated}"
        matrix.update(module.MATRIX)
    return matrix


MATRIX = collect()


def test_every_url_has_an_entry():
    names = {route.name for route in walk()}
    assert names - set(MATRIX) == set(), "add these views to tests/<app>/access.py"
    assert set(MATRIX) - names == set(), "entries name views that no longer exist"


def _check(world, login, name: str, method: str) -> list[str]:
    entry = MATRIX[name]
    url = reverse(name, args=entry.args(world) if entry.args else []) + entry.query
    expected = entry.expected if method == "GET" else entry.post_expected
    failures = []
    for persona in PERSONAS:
        client = login(world, persona)
        response = client.get(url) if method == "GET" else client.post(url, entry.post)
        if response.streaming:
            # Read a download to its end: the test client then closes the file it holds
            # (response.close() itself would also close the test's database connection).
            b"".join(response.streaming_content)
        if response.status_code != expected[persona]:
            failures.append(f"{persona}: {response.status_code} != {expected[persona]}")
        elif (
            response.status_code == 302
            and persona not in SIGNED_IN
            and name not in ("set_language",)
        ):
            location = response["Location"]
            if not location.startswith(reverse("login")):
                failures.append(f"{persona}: redirected to {location}, not to login")
    return failures


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_get(name, world, login):
    assert _check(world, login, name, "GET") == []


@pytest.mark.parametrize("name", sorted(n for n, e in MATRIX.items() if e.post is not None))
def test_post(name, world, login):
    assert _check(world, login, name, "POST") == []


def test_another_schools_objects_are_never_served(world, login):
    """School B's secretary gets 404 on every URL that names one of school A's objects
    (403 where her role lacks the page altogether, which says nothing about the object)."""
    client = login(world, "secretary_b")
    checked = 0
    for name, entry in MATRIX.items():
        if entry.args is None:
            continue
        url = reverse(name, args=entry.args(world)) + entry.query
        status = client.get(url).status_code
        assert status in (403, 404), f"{name}: {status}"
        if entry.post is not None:
            assert client.post(url, entry.post).status_code in (403, 404), name
        checked += 1
    assert checked >= 5
