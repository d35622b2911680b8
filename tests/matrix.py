"""Building blocks of the access matrix: each app's `tests/<app>/access.py` defines
`MATRIX = {url name: Entry(...)}`; tests/test_access_matrix.py collects them all and
fails if any URL pattern has no entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = [
    "anonymous",
    "member_a",
    "teacher_a",
    "secretary_a",
    "secretary_a2",
    "admin_a",
    "principal_a",
    "secretary_b",
    "deactivated",
]
SIGNED_IN = [p for p in PERSONAS if p not in ("anonymous", "deactivated")]


def everyone(status_signed_in: int, status_out: int = 302) -> dict[str, int]:
    """The same status for every signed-in persona; anonymous/deactivated go to login."""
    return {p: (status_signed_in if p in SIGNED_IN else status_out) for p in PERSONAS}


def table(default: int = 200, **overrides: int) -> dict[str, int]:
    """`default` for signed-in personas, login redirect for the others, then overrides."""
    return {**everyone(default), **overrides}


@dataclass(frozen=True)
class Entry:
    """How to reach one URL and what each persona gets.

    `args` builds the URL's arguments from the world (creating objects in school A's
    branch A1 as needed); `query` is appended to the URL. GET is always tried; a `post`
    dict also tries a POST with that data (expected statuses in `post_expected`).
    """

    expected: dict[str, int]
    args: Callable[[Any], list[Any]] | None = None
    query: str = ""
    post: dict[str, Any] | None = None
    post_expected: dict[str, int] | None = field(default=None)
