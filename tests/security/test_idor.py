"""IDOR sweep: every URL that names an object (an id or a token) is requested, GET and
POST, by people of another branch and of another school — including the other school's
organisation admin, the strongest outsider — and must answer 404 (or 403 where the role
lacks the page altogether) and change nothing: every table and every stored file is
compared before and after.

The URLs come from the URLconf (`tests.urlwalk.walk`), and their objects from the access
matrix's builders (objects of school A, branch A1), so a new object URL is swept as soon
as it has its matrix entry, which tests/test_access_matrix.py demands.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from branchwork import services
from branchwork.models import ReportFile, Role
from tests.conftest import PASSWORD
from tests.matrix import PERSONAS
from tests.test_access_matrix import MATRIX
from tests.urlwalk import walk

pytestmark = pytest.mark.django_db

# Tables that change on any request and say nothing about the objects: sessions, the
# login lockout's own bookkeeping.
VOLATILE = ("django_session", "axes_")

OBJECT_URLS = sorted({r.name for r in walk() if "<" in r.route})


def snapshot() -> dict[str, object]:
    state: dict[str, object] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table.startswith(VOLATILE):
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            state[table] = sorted(map(repr, cursor.fetchall()))
    media = Path(settings.MEDIA_ROOT)
    state["files"] = sorted(
        (str(p.relative_to(media)), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in media.rglob("*")
        if p.is_file()
    ) if media.exists() else []  # fmt: skip
    return state


def changed(before: dict, after: dict) -> list[str]:
    return [key for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]


@pytest.fixture
def outsiders(world, client):
    """Logged-in clients of the secretary of branch A2 (same school), the secretary of a
    school B branch, and the organisation admin of school B."""
    admin_b = services.create_user(username="admin_b", password=PASSWORD, first_name="admin_b")
    services.grant_role(user=admin_b, organisation=world.school_b, role=Role.ADMIN)
    world.users["admin_b"] = admin_b
    clients = {}
    for name in ("secretary_a2", "secretary_b", "admin_b"):
        c = Client()
        assert c.login(request=RequestFactory().post("/"), username=name, password=PASSWORD)
        clients[name] = c
    return clients


def test_every_object_url_is_swept():
    assert len(OBJECT_URLS) >= 40
    assert all(MATRIX[name].args is not None for name in OBJECT_URLS), [
        n for n in OBJECT_URLS if MATRIX[n].args is None
    ]


def _done_report(world):
    """A generated report of branch A1, so that the download really has a file to leak."""
    report = ReportFile.objects.create(
        kind="branch", subject_id=world.branch_a1.pk, organisation=world.branch_a1, year=2025,
        title="甲校第一党支部2025年度工作报告", state=ReportFile.State.DONE,
    )  # fmt: skip
    report.file.save("r.pdf", ContentFile(b"%PDF-1.4\nsecret\n%%EOF\n"), save=True)
    return [report.pk]


ARGS_OVERRIDES = {"report-download": _done_report}


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_outsiders_get_404_and_change_nothing(name, world, outsiders):
    entry = MATRIX[name]
    args = ARGS_OVERRIDES.get(name, entry.args)(world)
    url = reverse(name, args=args) + entry.query

    # Where the admin of school A is refused (403: not an admin's page at all), the admin
    # of school B is refused the same way; anywhere else she must not learn the object
    # exists. The other two outsiders: what the matrix says (404, or 403 by role).
    def allowed(persona: str, method: str) -> set[int]:
        table = (
            entry.post_expected if method == "POST" and entry.post is not None else entry.expected
        )
        if name == "meeting-calendar-feed":
            return {404}
        if persona == "admin_b":
            mirror = table["admin_a"]
            # 405: a POST-only view refuses the method before it looks at the object.
            return {mirror} if mirror in (403, 405) else {404}
        # Some pages are the whole school's by design (the pledge wall): the matrix says so.
        return {table[persona]}

    before = snapshot()
    failures = []
    for persona, client in outsiders.items():
        for method in ("GET", "POST"):
            data = entry.post if entry.post is not None else {}
            response = client.get(url) if method == "GET" else client.post(url, data)
            if response.streaming:
                body = b"".join(response.streaming_content)
                failures.append(f"{persona} {method}: a file was served ({len(body)} bytes)")
            status = response.status_code
            ok = status in allowed(persona, method) | ({405} if method == "POST" else set())
            if not ok or (persona != "secretary_a2" and status not in (403, 404, 405)):
                failures.append(f"{persona} {method}: {status}")
    assert failures == []
    assert changed(before, snapshot()) == []


# Reading a student's file is logged, whatever the method: a POST that reads adds a read.
READS_LOGGED = "assistance_studentaccess"


@pytest.mark.parametrize("name", sorted(n for n, e in MATRIX.items() if e.post is None))
def test_a_post_to_a_read_only_view_changes_nothing(name, world):
    """GET and POST for every URL: where the matrix lists no POST (the view only reads),
    a POST by each of the nine personas gets the GET's answer or 405 and writes nothing."""
    entry = MATRIX[name]
    url = reverse(name, args=entry.args(world) if entry.args else []) + entry.query
    clients = {persona: Client() for persona in PERSONAS}
    for persona, client in clients.items():
        if persona != "anonymous":
            client.login(request=RequestFactory().post("/"), username=persona, password=PASSWORD)
    failures = []
    before = snapshot()
    for persona, client in clients.items():
        response = client.post(url, {"pk": "1", "action": "regenerate", "name": "x"})
        if response.streaming:
            b"".join(response.streaming_content)
        if response.status_code not in (entry.expected[persona], 405):
            failures.append(f"{persona}: {response.status_code}")
    assert failures == []
    assert [t for t in changed(before, snapshot()) if t != READS_LOGGED] == []


def test_ids_inside_posted_forms_are_scoped_too(world, outsiders):
    """Ids that travel in the form body rather than the URL: a reminder to mark read, a
    report's subject, the student and mentor of a new pairing, a meeting's branch."""
    import datetime

    from branchwork.models import Notification
    from tests.assistance.factories import StudentFactory

    notice = Notification.objects.create(
        rule="x", subject_key="k", occasion=datetime.date(2026, 1, 1), recipient=world.member_a,
        organisation=world.branch_a1, title="甲校的提醒",
    )  # fmt: skip
    student = StudentFactory(school=world.school_a)
    a_member = world.secretary_a.member
    before = snapshot()
    for persona in ("secretary_b", "admin_b"):
        client = outsiders[persona]
        assert client.post(reverse("inbox-read"), {"pk": notice.pk}).status_code == 404
        for kind, subject in (("branch", world.branch_a1.pk), ("school", world.school_a.pk),
                              ("member", a_member.pk)):  # fmt: skip
            response = client.post(
                reverse("report-generate"), {"kind": kind, "subject": subject, "year": 2025}
            )
            assert response.status_code in (302, 404)
            assert response.status_code == 404 or response["Location"] == reverse("reports")
        response = client.post(
            reverse("pairing-create"),
            {"student": student.pk, "mentor": world.teacher_a.member.pk,
             "started_on": "2026-01-05", "reason": "learning", "goals": "提高"},
        )  # fmt: skip
        assert response.status_code in (200, 403)
        response = client.post(
            reverse("meeting-create"),
            {"organisation": world.branch_a1.pk, "meeting_type": "committee",
             "title": "越权会议", "starts_at": "2030-05-06T15:00"},
        )  # fmt: skip
        assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.read_at is None
    assert changed(before, snapshot()) == []
