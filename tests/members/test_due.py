"""Due dates derived from the rules: the selector the reminder engine will use."""

from __future__ import annotations

import datetime

import pytest

from members import services
from members.models import Stage
from members.selectors import DueKind, due_items
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 11, 1)
END = datetime.date(2026, 11, 30)


def make(world, stage, branch=None, **dates):
    return MemberFactory(
        organisation=branch or world.branch_a1,
        stage=stage,
        **{"admission_date": None, "full_membership_date": None, **dates},
    )


def kinds(items):
    return sorted((item.member_name, item.kind, item.date, item.overdue) for item in items)


def test_each_rule_produces_its_due_date(world):
    make(world, Stage.APPLICANT, name="申请人", application_date=datetime.date(2026, 10, 20))
    make(world, Stage.APPLICANT, name="已谈话", application_date=datetime.date(2026, 10, 20),
         talk_date=datetime.date(2026, 10, 25))  # fmt: skip
    make(world, Stage.ACTIVIST, name="积极分子", activist_date=datetime.date(2026, 5, 10))
    make(world, Stage.ACTIVIST, name="满一年", activist_date=datetime.date(2025, 11, 15),
         last_review_date=datetime.date(2026, 9, 1))  # fmt: skip
    make(world, Stage.PROBATIONARY, name="预备党员", admission_date=datetime.date(2025, 11, 28))
    make(world, Stage.FULL, name="老党员", admission_date=datetime.date(1996, 11, 3))
    items = due_items(organisation=world.school_a, start=START, end=END)
    assert kinds(items) == sorted(
        [
            ("申请人", DueKind.TALK, datetime.date(2026, 11, 19), False),
            ("积极分子", DueKind.REVIEW, datetime.date(2026, 11, 10), False),
            ("满一年", DueKind.ELIGIBLE_TARGET, datetime.date(2026, 11, 15), False),
            ("预备党员", DueKind.PROBATION_END, datetime.date(2026, 11, 28), False),
            ("预备党员", DueKind.POLITICAL_BIRTHDAY, datetime.date(2026, 11, 28), False),
            ("老党员", DueKind.POLITICAL_BIRTHDAY, datetime.date(2026, 11, 3), False),
        ]
    )
    birthday = next(i for i in items if i.member_name == "老党员")
    assert birthday.years == 30


def test_range_scope_and_overdue(world):
    make(world, Stage.APPLICANT, name="逾期未谈话", application_date=datetime.date(2026, 8, 1))
    make(world, Stage.APPLICANT, name="乙校申请人", branch=world.branch_b1,
         application_date=datetime.date(2026, 10, 20))  # fmt: skip
    make(world, Stage.APPLICANT, name="下月", application_date=datetime.date(2026, 11, 20))
    assert due_items(organisation=world.school_a, start=START, end=END) == []
    with_overdue = due_items(
        organisation=world.school_a, start=START, end=END, include_overdue=True
    )
    assert kinds(with_overdue) == [("逾期未谈话", DueKind.TALK, datetime.date(2026, 8, 31), True)]
    # Only what is overdue: not what falls due in the range, nor a full member's birthday.
    make(world, Stage.FULL, name="党员", admission_date=START.replace(year=2010))
    assert len(due_items(organisation=world.school_a, start=START, end=END)) == 1
    overdue = due_items(organisation=world.school_a, start=START, end=END, overdue_only=True)
    assert overdue == [item for item in with_overdue if item.overdue]
    # Branch scope: A2 sees nothing of A1.
    assert due_items(organisation=world.branch_a2, start=START, end=END, include_overdue=True) == []


def test_political_birthday_of_29_february_and_extension(world):
    make(world, Stage.FULL, name="闰日", admission_date=datetime.date(2004, 2, 29))
    items = due_items(
        organisation=world.school_a,
        start=datetime.date(2027, 2, 1),
        end=datetime.date(2027, 2, 28),
    )
    assert [(i.member_name, i.date) for i in items] == [("闰日", datetime.date(2027, 2, 28))]
    member = make(world, Stage.PROBATIONARY, name="延长", admission_date=datetime.date(2025, 11, 5))
    services.extend_probation(
        member=member, months=6, date=datetime.date(2026, 11, 1), basis="支部大会", by=None
    )
    items = due_items(organisation=world.school_a, start=START, end=END)
    assert all(i.kind != DueKind.PROBATION_END for i in items)
    items = due_items(
        organisation=world.school_a,
        start=datetime.date(2027, 5, 1),
        end=datetime.date(2027, 5, 31),
    )
    assert [(i.kind, i.date) for i in items] == [(DueKind.PROBATION_END, datetime.date(2027, 5, 5))]


def test_due_items_cost_two_queries_whatever_the_size(world, django_assert_num_queries):
    for i in range(40):
        make(world, Stage.ACTIVIST, activist_date=datetime.date(2026, 5, 1 + i % 28))
    with django_assert_num_queries(2):
        items = due_items(organisation=world.school_a, start=START, end=END)
    assert len(items) == 40
