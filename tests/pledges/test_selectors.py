"""The selectors other issues reuse (annual report, reminder engine) and the demo data."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from members.models import Stage
from pledges import selectors
from pledges.models import (
    Appraisal,
    EntryStatus,
    Fulfilment,
    Grade,
    Pledge,
    PledgeStatus,
    ResponsibilityLetter,
    ReviewRound,
)
from tests.factories import MemberFactory
from tests.pledges.factories import (
    YEAR,
    CategoryFactory,
    FulfilmentFactory,
    LetterFactory,
    LetterItemFactory,
    PledgeFactory,
)

pytestmark = pytest.mark.django_db


def test_fulfilment_rates_by_category(world):
    teaching = CategoryFactory(organisation=world.school_a, name="教学示范", position=1)
    helping = CategoryFactory(organisation=world.school_a, name="结对帮扶", position=2)
    member = MemberFactory(organisation=world.branch_a1)
    for status in ("fulfilled", "fulfilled", "partly_fulfilled", "not_fulfilled", "approved"):
        PledgeFactory(member=member, category=teaching, status=status)
    PledgeFactory(member=member, category=helping, status=PledgeStatus.APPROVED)
    PledgeFactory(member=member, category=helping, status=PledgeStatus.DRAFT)  # not counted
    PledgeFactory(member=member, category=teaching, status="fulfilled", year=YEAR - 1)
    PledgeFactory(
        member=MemberFactory(organisation=world.branch_a2), category=teaching, status="fulfilled"
    )
    rates = selectors.fulfilment_rates_by_category(branch=world.branch_a1, year=YEAR)
    assert [r.category.name for r in rates] == ["教学示范", "结对帮扶"]
    assert (rates[0].pledges, rates[0].fulfilled, rates[0].closed, rates[0].open) == (5, 2, 4, 1)
    assert rates[0].rate == 50
    assert (rates[1].pledges, rates[1].rate) == (1, None)


def test_grade_distribution(world):
    for score, grade in (("100", "excellent"), ("85", "qualified"), ("59.9", "qualified")):
        member = MemberFactory(organisation=world.branch_a1)
        LetterItemFactory(letter=LetterFactory(member=member), max_score=100, score=Decimal(score))
        Appraisal.objects.create(
            member=member, organisation=world.branch_a1, year=YEAR, review_grade=grade
        )
    MemberFactory(organisation=world.branch_a1, stage=Stage.PROBATIONARY)
    distribution = selectors.grade_distribution(branch=world.branch_a1, year=YEAR)
    assert distribution.by_score == {
        "excellent": 1,
        "qualified": 1,
        "basic": 0,
        "unqualified": 1,
    }
    assert distribution.by_review[Grade.QUALIFIED] == 2
    assert distribution.not_graded == 1
    assert distribution.appraised == 3 + 3 + 1  # the world's three A1 members, unscored


def test_school_wide_selectors_equal_the_branch_ones(world, django_assert_max_num_queries):
    """The school report reads every branch at once; the numbers are the per-branch ones,
    and the query count does not grow with the branches."""
    teaching = CategoryFactory(organisation=world.school_a, name="教学示范", position=1)
    helping = CategoryFactory(organisation=world.school_a, name="结对帮扶", position=2)
    for branch, statuses in (
        (world.branch_a1, ("fulfilled", "partly_fulfilled", "approved")),
        (world.branch_a2, ("not_fulfilled", "fulfilled")),
    ):
        member = MemberFactory(organisation=branch)
        for status in statuses:
            PledgeFactory(member=member, category=teaching, status=status)
        PledgeFactory(member=member, category=helping, status="fulfilled")
        LetterItemFactory(letter=LetterFactory(member=member), max_score=100, score=Decimal("100"))
        Appraisal.objects.create(
            member=member, organisation=branch, year=YEAR, review_grade=Grade.EXCELLENT
        )
    MemberFactory(organisation=world.branch_b1)  # another school: never counted
    with django_assert_max_num_queries(6):
        rates = selectors.fulfilment_rates_by_branch(organisation=world.school_a, year=YEAR)
        grades = selectors.grade_distribution(branch=world.school_a, year=YEAR)
    assert set(rates) == {world.branch_a1.pk, world.branch_a2.pk}
    branches = [
        selectors.grade_distribution(branch=branch, year=YEAR)
        for branch in (world.branch_a1, world.branch_a2)
    ]
    for branch in (world.branch_a1, world.branch_a2):
        assert rates[branch.pk] == selectors.fulfilment_rates_by_category(branch=branch, year=YEAR)
    for grade in Grade:
        assert grades.by_score[grade] == sum(b.by_score[grade] for b in branches)
        assert grades.by_review[grade] == sum(b.by_review[grade] for b in branches)
    assert [r.category.name for r in rates[world.branch_a2.pk]] == ["教学示范", "结对帮扶"]
    assert branches[0].by_score[Grade.EXCELLENT] == 1
    assert grades.appraised == sum(b.appraised for b in branches)  # not school B's member


def test_pledges_due_within_and_returned_entries(world):
    today = datetime.date(YEAR, 6, 1)
    member = MemberFactory(organisation=world.branch_a1)
    due_soon = PledgeFactory(
        member=member, status="approved", due_date=today + datetime.timedelta(days=7)
    )
    PledgeFactory(member=member, status="approved", due_date=today + datetime.timedelta(days=40))
    PledgeFactory(member=member, status="draft", due_date=today + datetime.timedelta(days=3))
    PledgeFactory(member=member, status="fulfilled", due_date=today + datetime.timedelta(days=3))
    PledgeFactory(member=member, status="approved", due_date=today - datetime.timedelta(days=1))
    assert list(selectors.pledges_due_within(days=14, today=today)) == [due_soon]
    assert (
        list(selectors.pledges_due_within(days=14, today=today, organisation=world.branch_a2)) == []
    )
    returned = FulfilmentFactory(pledge=due_soon, status=EntryStatus.RETURNED)
    FulfilmentFactory(pledge=due_soon, status=EntryStatus.ACCEPTED)
    assert list(selectors.returned_entries(organisation=world.school_a)) == [returned]
    assert list(selectors.returned_entries(organisation=world.school_b)) == []


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Pledge, Fulfilment, ResponsibilityLetter, Appraisal, ReviewRound)
    }


def test_demo_data_has_a_year_of_pledges_and_last_years_appraisal_and_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    this_year = datetime.date.today().year
    pledges = Pledge.objects.filter(organisation__slug__startswith="qsxx-")
    assert pledges.filter(year=this_year).count() >= 60
    assert set(pledges.filter(year=this_year).values_list("status", flat=True)) >= {
        "draft",
        "submitted",
        "returned",
        "approved",
    }
    statuses = set(Fulfilment.objects.values_list("status", flat=True))
    assert statuses == {"accepted", "pending", "returned"}
    last = pledges.filter(year=this_year - 1)
    assert not last.filter(status__in=["draft", "submitted", "returned", "approved"]).exists()
    for round_ in ReviewRound.objects.filter(year=this_year - 1):
        assert round_.excellent_count * 3 <= round_.graded_count
    assert not Appraisal.objects.filter(member__stage="probationary").exclude(review_grade="")
    secretary_branch = Pledge.objects.filter(member__user__username="teacher1")
    assert secretary_branch.exists()

    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == first
    assert "0 objects created" in out.getvalue()
