"""factory-boy factories for test data that is not the subject of the test."""

from __future__ import annotations

import datetime

import factory

from members.models import Gender, Member, Stage


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"党员{n:03d}")
    gender = Gender.FEMALE
    stage = Stage.FULL
    admission_date = datetime.date(2015, 7, 1)
    full_membership_date = datetime.date(2016, 7, 1)
    phone = factory.Sequence(lambda n: f"1390000{n:04d}")
    subject = "数学"
