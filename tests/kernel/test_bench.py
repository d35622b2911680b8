"""`manage.py seed_bench` (volumes, determinism, increments) and the query budgets of the
nine pages the load benchmark drives (issue 9): the same number of queries whether the
database holds one school or two, and at most 15."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assistance.models import Pairing, Student, Visit
from branchwork.models import Organisation
from meetings.models import AttendanceRecord, Meeting
from members.models import Member
from pledges.models import Fulfilment, Pledge

SCALE = 0.1  # 30 members, 320 meetings, 40 pairings… per school
QUERY_BUDGET = 15
PAGES = [
    "secretary dashboard",
    "teacher dashboard",
    "principal dashboard",
    "roster",
    "meeting list",
    "meeting detail",
    "compliance dashboard",
    "pairing ledger",
    "pledge wall",
]


def seed(tmp_path, schools: int, prefix: str = "bench") -> dict:
    out = tmp_path / f"{prefix}.json"
    call_command(
        "seed_bench", schools=schools, scale=SCALE, prefix=prefix, pages_json=out, stdout=StringIO()
    )
    return json.loads(out.read_text())


def fingerprint(prefix: str) -> dict:
    """What a school holds, without ids or names that carry the prefix."""
    school = Organisation.objects.get(slug=f"{prefix}-s0")
    members = Member.objects.filter(organisation__school=school)
    meetings = Meeting.objects.filter(organisation__school=school)
    pledges = Pledge.objects.filter(organisation__school=school)
    return {
        "members": list(
            members.order_by("id").values_list("name", "stage", "admission_date", "birth_date")
        ),
        "meetings": list(meetings.order_by("id").values_list("meeting_type", "starts_at")),
        "attendance": list(
            AttendanceRecord.objects.filter(meeting__in=meetings)
            .order_by("id")
            .values_list("status", "member__name")
        ),
        "students": list(Student.objects.filter(school=school).order_by("id").values_list("name")),
        "visits": list(
            Visit.objects.filter(pairing__branch__school=school)
            .order_by("id")
            .values_list("date", "kind", "duration_minutes")
        ),
        "pledges": list(pledges.order_by("id").values_list("year", "status", "target_amount")),
        "entries": list(
            Fulfilment.objects.filter(pledge__in=pledges)
            .order_by("id")
            .values_list("date", "amount", "status")
        ),
    }


def test_seed_bench_volumes_are_the_issues_at_scale(db, tmp_path):
    manifest = seed(tmp_path, 1)
    school = Organisation.objects.get(slug="bench-s0")
    assert Organisation.objects.filter(school=school, kind="branch").count() == 10
    assert Organisation.objects.filter(school=school, kind="group").count() == 20
    assert Member.objects.filter(organisation__school=school).count() == 30
    # 30 meetings per branch over five years plus two planned ones.
    meetings = Meeting.objects.filter(organisation__school=school)
    assert meetings.count() == 10 * (30 + 2)
    assert meetings.filter(status="planned").count() == 20
    first, last = meetings.order_by("starts_at")[0], meetings.order_by("-starts_at")[0]
    assert (last.starts_at - first.starts_at).days > 4 * 365
    # Every meeting has its party members' attendance.
    assert AttendanceRecord.objects.filter(meeting__in=meetings).count() > 2 * meetings.count()
    assert not meetings.filter(attendance__isnull=True).exists()
    assert Student.objects.filter(school=school).count() == 60
    assert Pairing.objects.filter(branch__school=school, status="active").count() == 30
    assert Pairing.objects.filter(branch__school=school, status="closed").count() == 10
    assert Visit.objects.filter(pairing__branch__school=school).count() == 1000
    pledges = Pledge.objects.filter(organisation__school=school)
    assert (
        pledges.count()
        == 7
        * Member.objects.filter(
            organisation__school=school, stage__in=["full", "probationary"]
        ).count()
    )
    assert Fulfilment.objects.filter(pledge__in=pledges).count() > pledges.count()
    # The personas log in with the printed password; the manifest names the nine pages.
    logins = manifest["0"]["logins"]
    user = get_user_model().objects.get(username=logins["teacher"])
    assert user.check_password(manifest["0"]["password"])
    assert {page["label"] for page in manifest["0"]["pages"]} == set(PAGES)


def test_seed_bench_branch_members_sets_the_size_of_every_branch(db, tmp_path):
    # The report benchmark's branch of 50 members (issue 8); small here.
    call_command("seed_bench", schools=1, scale=SCALE, branch_members=7, stdout=StringIO())
    school = Organisation.objects.get(slug="bench-s0")
    sizes = {
        branch.pk: Member.objects.filter(organisation=branch).count()
        for branch in Organisation.objects.filter(school=school, kind="branch")
    }
    assert len(sizes) == 10 and set(sizes.values()) == {7}
    # Meetings do not grow with the members: the same 30 + 2 per branch as at SCALE.
    assert Meeting.objects.filter(organisation__school=school).count() == 10 * (30 + 2)
    with pytest.raises(CommandError, match="--branch-members"):
        call_command("seed_bench", schools=2, branch_members=1, stdout=StringIO())
    assert not Organisation.objects.filter(slug="bench-s1").exists()


def test_seed_bench_is_deterministic_and_incremental(db, tmp_path):
    seed(tmp_path, 1, prefix="one")
    seed(tmp_path, 1, prefix="two")
    assert fingerprint("one") == fingerprint("two")
    before = Member.objects.count()
    seed(tmp_path, 1, prefix="one")  # already there: nothing is added
    assert Member.objects.count() == before
    seed(tmp_path, 2, prefix="one")  # the second school only
    assert Organisation.objects.filter(slug__startswith="one-s", kind="committee").count() == 2
    assert fingerprint("one") == fingerprint("two")


@pytest.mark.parametrize("label", PAGES)
def test_query_budget_does_not_depend_on_other_schools(label, db, tmp_path, client):
    manifest = seed(tmp_path, 1)["0"]
    page = next(p for p in manifest["pages"] if p["label"] == label)
    user = get_user_model().objects.get(username=manifest["logins"][page["persona"]])
    client.force_login(user)

    def count() -> int:
        client.get(page["path"])  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page["path"])
        assert response.status_code == 200
        return len(ctx.captured_queries)

    alone = count()
    seed(tmp_path, 2)  # a second school with the same volumes
    with_another = count()
    assert alone == with_another, f"{alone} queries with one school, {with_another} with two"
    assert with_another <= QUERY_BUDGET, f"{label}: {with_another} queries"


@pytest.mark.parametrize("panel", ["members-by-stage", "assistance-overview"])
def test_lazy_dashboard_panels_have_a_budget_too(panel, db, tmp_path, client):
    """The panels the dashboard leaves to htmx: in the page as a placeholder, each within
    the budget on its own URL, also independent of other schools."""
    manifest = seed(tmp_path, 1)["0"]
    client.force_login(get_user_model().objects.get(username=manifest["logins"]["secretary"]))
    url = f"/dashboard/panel/?name={panel}"
    assert f'hx-get="{url}"' in client.get("/").content.decode()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    alone = count()
    seed(tmp_path, 2)
    assert count() == alone <= QUERY_BUDGET


def test_lazy_panel_url_serves_lazy_panels_only(world, login):
    client = login(world, "teacher_a")
    assert client.get("/dashboard/panel/?name=assistance-overview").status_code == 200
    assert client.get("/dashboard/panel/?name=no-such-panel").status_code == 404
    # A panel rendered in the page itself is not served on its own.
    assert client.get("/dashboard/panel/?name=assistance-my-pairings").status_code == 404


def test_teachers_record_visit_link_is_in_the_first_response(db, tmp_path, client):
    """Two taps on a phone (tests/assistance/test_browser.py): the mentoring panel is never
    left to htmx."""
    manifest = seed(tmp_path, 1)["0"]
    client.force_login(get_user_model().objects.get(username=manifest["logins"]["teacher"]))
    page = client.get("/").content.decode()
    assert page.count('class="button primary record-visit"') == 2  # her two pairings
