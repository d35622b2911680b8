"""factory-boy factories for the pledges app (members come from tests.factories)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from pledges.models import (
    Category,
    Fulfilment,
    LetterItem,
    LetterKind,
    Pledge,
    PledgeStatus,
    ResponsibilityLetter,
)
from tests.factories import MemberFactory

YEAR = datetime.date.today().year


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("organisation", "name")

    name = factory.Sequence(lambda n: f"类别{n}")
    position = factory.Sequence(lambda n: n)


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    member = factory.SubFactory(MemberFactory)
    organisation = factory.SelfAttribute("member.organisation")
    category = factory.SubFactory(
        CategoryFactory, organisation=factory.SelfAttribute("..organisation.school")
    )
    year = YEAR
    text = "上好示范课，带动青年教师"
    target_amount = Decimal("4")
    target_unit = "节"
    target_text = "4 节示范课"
    due_date = datetime.date(YEAR, 12, 31)
    status = PledgeStatus.DRAFT


class FulfilmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fulfilment

    pledge = factory.SubFactory(PledgeFactory, status=PledgeStatus.APPROVED)
    date = factory.LazyFunction(datetime.date.today)
    description = "上了一节示范课"
    amount = Decimal("1")


class LetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponsibilityLetter

    member = factory.SubFactory(MemberFactory)
    organisation = factory.SelfAttribute("member.organisation")
    year = YEAR
    kind = LetterKind.TARGETS


class LetterItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LetterItem

    letter = factory.SubFactory(LetterFactory)
    text = factory.Sequence(lambda n: f"考核项目{n}")
    max_score = Decimal("50")
    position = factory.Sequence(lambda n: n)
