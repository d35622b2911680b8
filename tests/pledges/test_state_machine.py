"""The pledge's state machine: who may move it where, and the lock after approval."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from pledges import services
from pledges.models import Pledge, PledgeStatus
from tests.factories import MemberFactory
from tests.pledges.conftest import member_of
from tests.pledges.factories import YEAR, CategoryFactory, PledgeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(world):
    return services.ensure_default_categories(school=world.school_a)[0]


def draft_of(world, name="member_a", **fields):
    return PledgeFactory(member=member_of(world.users[name]), **fields)


FIELDS = {
    "text": "上好示范课",
    "target_amount": Decimal("4"),
    "target_unit": "节",
    "target_text": "4 节示范课",
    "due_date": datetime.date(YEAR, 12, 31),
}


def test_member_drafts_submits_secretary_approves_and_closes(world, category):
    member = member_of(world.member_a)
    pledge = services.pledge_create(member=member, category=category, by=world.member_a, **FIELDS)
    assert pledge.status == PledgeStatus.DRAFT and pledge.organisation == world.branch_a1
    services.pledge_submit(pledge=pledge, by=world.member_a)
    services.pledge_approve(pledge=pledge, by=world.secretary_a)
    assert pledge.status == PledgeStatus.APPROVED and pledge.approved_by == world.secretary_a
    services.pledge_close(
        pledge=pledge, outcome=PledgeStatus.PARTLY_FULFILLED, by=world.secretary_a
    )
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.PARTLY_FULFILLED and pledge.closed_at


def test_returned_pledge_goes_back_to_the_member_with_the_comment(world):
    pledge = draft_of(world, status=PledgeStatus.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        services.pledge_return(pledge=pledge, comment=" ", by=world.secretary_a)
    assert "comment" in error.value.message_dict
    services.pledge_return(pledge=pledge, comment="目标请量化", by=world.secretary_a)
    assert pledge.status == PledgeStatus.RETURNED and pledge.return_comment == "目标请量化"
    assert pledge.is_editable
    services.pledge_submit(pledge=pledge, by=world.member_a)
    assert pledge.status == PledgeStatus.SUBMITTED


@pytest.mark.parametrize(
    ("action", "status", "actor"),
    [
        ("pledge_submit", PledgeStatus.DRAFT, "teacher_a"),  # not her pledge
        ("pledge_submit", PledgeStatus.DRAFT, "secretary_a"),  # the secretary does not submit
        ("pledge_approve", PledgeStatus.SUBMITTED, "member_a"),  # nor approve her own
        ("pledge_approve", PledgeStatus.SUBMITTED, "secretary_a2"),  # another branch
        ("pledge_approve", PledgeStatus.SUBMITTED, "admin_a"),  # the admin does not approve
        ("pledge_approve", PledgeStatus.SUBMITTED, "secretary_b"),
    ],
)
def test_who_may_move_a_pledge(world, action, status, actor):
    pledge = draft_of(world, status=status)
    with pytest.raises(PermissionDenied):
        getattr(services, action)(pledge=pledge, by=world.users[actor])
    pledge.refresh_from_db()
    assert pledge.status == status


@pytest.mark.parametrize(
    ("action", "status", "actor", "extra"),
    [
        ("pledge_approve", PledgeStatus.DRAFT, "secretary_a", {}),  # not submitted yet
        ("pledge_submit", PledgeStatus.APPROVED, "member_a", {}),
        ("pledge_close", PledgeStatus.SUBMITTED, "secretary_a", {"outcome": "fulfilled"}),
        ("pledge_return", PledgeStatus.APPROVED, "secretary_a", {"comment": "x"}),
        ("pledge_close", PledgeStatus.FULFILLED, "secretary_a", {"outcome": "fulfilled"}),
    ],
)
def test_moves_the_state_machine_does_not_allow_are_refused(world, action, status, actor, extra):
    pledge = draft_of(world, status=status)
    with pytest.raises(ValidationError):
        getattr(services, action)(pledge=pledge, by=world.users[actor], **extra)
    pledge.refresh_from_db()
    assert pledge.status == status


def test_an_approved_pledge_is_locked_for_the_member(world, login, category):
    pledge = draft_of(world, status=PledgeStatus.APPROVED, category=category)
    with pytest.raises(ValidationError):
        services.pledge_update(pledge=pledge, by=world.member_a, category=category, **FIELDS)
    client = login(world, "member_a")
    assert client.get(reverse("pledge-edit", args=[pledge.pk])).status_code == 404
    page = client.get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    assert reverse("pledge-edit", args=[pledge.pk]) not in page


def test_a_change_to_an_approved_pledge_needs_a_reason_and_is_kept_in_history(world, login):
    pledge = draft_of(world, status=PledgeStatus.APPROVED)
    client = login(world, "secretary_a")
    url = reverse("pledge-amend", args=[pledge.pk])
    data = {**FIELDS, "target_amount": "6", "target_text": "6 节示范课", "reason": ""}
    response = client.post(url, data)
    assert response.status_code == 200 and "必填" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.target_text == "4 节示范课"

    response = client.post(url, {**data, "reason": "学校增加了公开课任务"})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.target_text == "6 节示范课" and pledge.status == PledgeStatus.APPROVED
    latest = pledge.history.first()
    assert latest.history_change_reason == "学校增加了公开课任务"
    assert latest.history_user == world.secretary_a
    assert pledge.history.filter(target_text="4 节示范课").exists()
    page = client.get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    assert "学校增加了公开课任务" in page


def test_member_edits_only_her_own_draft(world, login, category):
    mine = draft_of(world, category=category)
    colleagues = draft_of(world, "teacher_a", category=category)
    client = login(world, "member_a")
    assert client.get(reverse("pledge-edit", args=[mine.pk])).status_code == 200
    assert client.get(reverse("pledge-edit", args=[colleagues.pk])).status_code == 404
    response = client.post(
        reverse("pledge-edit", args=[colleagues.pk]),
        {**FIELDS, "category": category.pk, "text": "改掉别人的承诺"},
    )
    assert response.status_code == 404
    colleagues.refresh_from_db()
    assert colleagues.text != "改掉别人的承诺"
    with pytest.raises(PermissionDenied):
        services.pledge_update(pledge=colleagues, by=world.member_a, category=category, **FIELDS)


def test_creating_through_the_page_and_bad_input(world, login):
    client = login(world, "member_a")
    page = client.get(reverse("pledge-create")).content.decode()
    assert "教学示范" in page and "学习提升" in page  # default positive list seeded
    category = services.ensure_default_categories(school=world.school_a)[1]
    bad = {**FIELDS, "category": category.pk, "target_amount": "0"}
    response = client.post(reverse("pledge-create"), bad)
    assert response.status_code == 200 and Pledge.objects.count() == 0
    assert "0.1" in response.content.decode()
    wrong_year = {**FIELDS, "category": category.pk, "due_date": "1999-12-31"}
    assert client.post(reverse("pledge-create"), wrong_year).status_code == 200
    good = {**FIELDS, "category": category.pk}
    response = client.post(reverse("pledge-create"), good)
    pledge = Pledge.objects.get()
    assert response["Location"] == reverse("pledge-detail", args=[pledge.pk])
    assert pledge.member == member_of(world.member_a) and pledge.category == category


def test_another_schools_category_is_refused(world, category):
    other = CategoryFactory(organisation=world.school_b, name="乙校类别")
    with pytest.raises(ValidationError) as error:
        services.pledge_create(
            member=member_of(world.member_a), category=other, by=world.member_a, **FIELDS
        )
    assert "category" in error.value.message_dict


def test_applicants_do_not_pledge(world, category):
    applicant = MemberFactory(organisation=world.branch_a1, stage="applicant", user=None)
    applicant.user = world.principal_a
    applicant.save()
    with pytest.raises(ValidationError):
        services.pledge_create(member=applicant, category=category, by=world.principal_a, **FIELDS)


def test_secretary_approves_through_the_page(world, login):
    pledge = draft_of(world, status=PledgeStatus.SUBMITTED)
    client = login(world, "secretary_a")
    page = client.get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    assert reverse("pledge-decide", args=[pledge.pk]) in page
    client.post(reverse("pledge-decide", args=[pledge.pk]), {"decision": "return"})
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.SUBMITTED  # a return needs a comment
    client.post(reverse("pledge-decide", args=[pledge.pk]), {"decision": "approve"})
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.APPROVED
