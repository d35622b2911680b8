"""factory-boy factories for the assistance app's models."""

from __future__ import annotations

import datetime

import factory

from assistance.models import Assessment, Pairing, Progress, Reason, Student, Visit, VisitKind
from tests.factories import MemberFactory


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    name = factory.Sequence(lambda n: f"学生{n:03d}")
    gender = "F"
    grade = 4
    class_number = 2
    school_year = "2025-2026"
    guardian_name = factory.Sequence(lambda n: f"家长{n:03d}")
    guardian_phone = factory.Sequence(lambda n: f"1380000{n:04d}")
    family_notes = "父母在外务工"


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    mentor = factory.SubFactory(MemberFactory)
    student = factory.SubFactory(
        StudentFactory, school=factory.SelfAttribute("..mentor.organisation.school")
    )
    branch = factory.SelfAttribute("mentor.organisation")
    started_on = datetime.date(2025, 9, 1)
    reason = Reason.LEARNING
    subjects = "语文,数学"
    goals = "数学及格"
    plan = "每周辅导两次"


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    pairing = factory.SubFactory(PairingFactory)
    date = datetime.date(2025, 10, 8)
    kind = VisitKind.TUTORING
    duration_minutes = 30
    content = "辅导应用题"


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    pairing = factory.SubFactory(PairingFactory)
    term = factory.Sequence(lambda n: f"第{n}次考试")
    assessed_on = datetime.date(2025, 11, 10)
    results = {"语文": 70, "数学": 55}
    progress = Progress.BETTER
    assessment = "有进步"
