"""Audit: every domain model keeps its history (or says why not), bulk writes included,
and the organisation admin reads an object's history — her school's objects only."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from branchwork import services as kernel
from branchwork.models import Role
from meetings import services as meeting_services
from meetings.models import AttendanceRecord
from members import services as member_services
from members.models import MemberPost, Status
from tests.conftest import PASSWORD
from tests.factories import MemberFactory
from tests.members.test_import import messy_rows, run, xlsx

pytestmark = pytest.mark.django_db

DOMAIN_APPS = {"branchwork", "members", "meetings", "assistance", "pledges"}

# Models without HistoricalRecords, each with the reason.
WITHOUT_HISTORY = {
    # Append-only records that are themselves the audit trail (who, when, what).
    "members.stagechange": "append-only pipeline log with who and when",
    "members.transfer": "append-only transfer log with who and when",
    "assistance.studentaccess": "the read log of students' files",
    # Minors' personal data: a history table would keep what retention must erase.
    "assistance.student": "personal data erased by retention",
    "assistance.pairing": "personal data erased by retention",
    "assistance.visit": "personal data erased by retention",
    "assistance.assessment": "personal data erased by retention",
    # Operational state, not records: rebuilt, retried or expiring by design.
    "branchwork.heartbeat": "worker liveness counter",
    "branchwork.importbatch": "an uploaded file waiting for confirmation",
    "branchwork.notification": "a reminder; the unique key is its record",
    "branchwork.delivery": "an outbox row with attempts and errors",
    "branchwork.robotwebhook": "a channel setting; switching off keeps the row",
    "branchwork.notificationpreference": "a person's own quiet hours",
    "branchwork.reportfile": "generated files; regenerating keeps the old row",
    "branchwork.reportnarrative": "the report's free text, saved with who and when",
    "meetings.calendartoken": "a secret; revoked tokens are kept with a date",
}


def test_every_domain_model_has_history_or_a_reason():
    missing, stale = [], []
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label not in DOMAIN_APPS or label.split(".")[1].startswith("historical"):
            continue
        has = hasattr(model, "history")
        if not has and label not in WITHOUT_HISTORY:
            missing.append(label)
        if has and label in WITHOUT_HISTORY:
            stale.append(label)
    assert missing == [], "add HistoricalRecords or a reason in WITHOUT_HISTORY"
    assert stale == []


def test_bulk_writes_keep_history(world):
    member = MemberFactory(organisation=world.branch_a1)
    member_services.set_posts(member=member, posts=["organisation", "publicity"])
    assert MemberPost.history.filter(member_id=member.pk, history_type="+").count() == 2
    meeting = meeting_services.plan_meeting(
        organisation=world.branch_a1, meeting_type="theme_day", title="主题党日",
        starts_at=timezone.now() + datetime.timedelta(days=3), by=world.secretary_a,
    )  # fmt: skip
    expected = AttendanceRecord.objects.filter(meeting=meeting).count()
    assert expected >= 3
    assert AttendanceRecord.history.filter(meeting_id=meeting.pk).count() == expected


def test_a_spreadsheet_import_keeps_history_of_members_and_posts(world):
    result = run(world, xlsx(messy_rows(world)))
    assert result.committed
    assert MemberPost.history.filter(history_type="+").count() >= 1
    record = MemberPost.history.first()
    assert record.history_user == world.admin_a


def _client(name: str) -> Client:
    client = Client()
    assert client.login(request=RequestFactory().post("/"), username=name, password=PASSWORD)
    return client


def test_the_admin_reads_who_changed_what(world):
    member = MemberFactory(organisation=world.branch_a1, name="张三", phone="13800000000")
    member_services.update_member(member=member, by=world.secretary_a, phone="13900000000")
    client = _client("admin_a")
    url = reverse("audit-history", args=["members.member", member.pk])
    text = client.get(url).content.decode()
    assert "13800000000" in text and "13900000000" in text
    assert "联系电话" in text or "phone" in text
    # The link is on the member's page for the admin, not for the secretary.
    detail = reverse("member-detail", args=[member.pk])
    assert url in client.get(detail).content.decode()
    assert url not in _client("secretary_a").get(detail).content.decode()


def test_the_history_names_the_person_who_changed_it(world):
    member = MemberFactory(organisation=world.branch_a1, name="李四")
    secretary = _client("secretary_a")
    response = secretary.post(
        reverse("member-archive", args=[member.pk]),
        {"status": Status.REMOVED, "date": "2026-01-05", "reason": "调离本校"},
    )
    assert response.status_code == 302
    text = (
        _client("admin_a")
        .get(reverse("audit-history", args=["members.member", member.pk]))
        .content.decode()
    )
    assert "secretary_a" in text


def test_another_schools_admin_and_unknown_kinds_get_404(world):
    member = MemberFactory(organisation=world.branch_a1)
    admin_b = kernel.create_user(username="admin_b", password=PASSWORD)
    kernel.grant_role(user=admin_b, organisation=world.school_b, role=Role.ADMIN)
    client = _client("admin_b")
    assert (
        client.get(reverse("audit-history", args=["members.member", member.pk])).status_code == 404
    )
    admin = _client("admin_a")
    assert admin.get(reverse("audit-history", args=["auth.user", 1])).status_code == 404
    # Students' files have no history on purpose: nothing to show, 404.
    assert admin.get(reverse("audit-history", args=["assistance.student", 1])).status_code == 404
