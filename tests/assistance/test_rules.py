"""The rules of pairings, visits and assessments, through the services."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from assistance import services
from assistance.models import (
    AssistanceSettings,
    Outcome,
    Pairing,
    PairingStatus,
    Reason,
    StudentStatus,
    Visit,
)
from members.models import Stage
from tests.assistance.factories import PairingFactory, StudentFactory
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 9, 1)


def open_for(mentor, student, **extra):
    return services.open_pairing(
        mentor=mentor,
        student=student,
        started_on=DAY,
        reason=Reason.LEARNING,
        goals="数学及格",
        **extra,
    )


def test_pairing_limit_defaults_to_two_and_is_configurable(world):
    teacher = world.teacher_a.member
    students = StudentFactory.create_batch(4, school=world.school_a)
    open_for(teacher, students[0])
    open_for(teacher, students[1])
    with pytest.raises(ValidationError) as error:
        open_for(teacher, students[2])
    assert "最多" in str(error.value.message_dict["mentor"]) or "2" in str(
        error.value.message_dict["mentor"]
    )
    assert Pairing.objects.filter(mentor=teacher).count() == 2

    AssistanceSettings.objects.create(organisation=world.school_a, pairing_limit=3)
    open_for(teacher, students[2])
    assert Pairing.objects.active().filter(mentor=teacher).count() == 3


def test_the_limit_message_is_chinese(world):
    teacher = world.teacher_a.member
    for student in StudentFactory.create_batch(2, school=world.school_a):
        open_for(teacher, student)
    with pytest.raises(ValidationError) as error:
        open_for(teacher, StudentFactory(school=world.school_a))
    assert "已经结对帮扶" in " ".join(error.value.message_dict["mentor"])


def test_one_active_pairing_per_student_and_repairing_keeps_history(world):
    student = StudentFactory(school=world.school_a)
    first = open_for(world.teacher_a.member, student)
    with pytest.raises(ValidationError):
        open_for(world.member_a.member, student)
    services.close_pairing(pairing=first, closed_on=DAY, outcome=Outcome.STABLE, summary="换老师")
    second = open_for(world.member_a.member, student)
    assert list(student.pairings.order_by("id")) == [first, second]
    first.refresh_from_db()
    assert first.status == PairingStatus.CLOSED and first.outcome == Outcome.STABLE


def test_the_database_refuses_two_active_pairings_of_a_student(world):
    pairing = PairingFactory(mentor=world.teacher_a.member, student__school=world.school_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        PairingFactory(mentor=world.member_a.member, student=pairing.student)


def test_mentor_must_be_a_party_member_of_the_same_school(world):
    applicant = MemberFactory(organisation=world.branch_a1, stage=Stage.APPLICANT)
    with pytest.raises(ValidationError):
        open_for(applicant, StudentFactory(school=world.school_a))
    with pytest.raises(ValidationError):
        open_for(world.teacher_a.member, StudentFactory(school=world.school_b))
    assert not Pairing.objects.exists()


def test_pairing_carries_the_mentors_branch(world):
    pairing = open_for(world.secretary_a2.member, StudentFactory(school=world.school_a))
    assert pairing.branch == world.branch_a2


def test_closing_records_outcome_and_summary_once(world):
    pairing = PairingFactory(mentor=world.teacher_a.member, student__school=world.school_a)
    with pytest.raises(ValidationError):
        services.close_pairing(pairing=pairing, closed_on=DAY, outcome="", summary="x")
    with pytest.raises(ValidationError):
        services.close_pairing(pairing=pairing, closed_on=DAY, outcome="improved", summary=" ")
    services.close_pairing(
        pairing=pairing, closed_on=DAY, outcome=Outcome.IMPROVED, summary="数学及格了"
    )
    pairing.refresh_from_db()
    assert (pairing.status, pairing.outcome, pairing.summary, pairing.closed_on) == (
        "closed",
        "improved",
        "数学及格了",
        DAY,
    )
    with pytest.raises(ValidationError):
        services.close_pairing(
            pairing=pairing, closed_on=DAY, outcome=Outcome.STABLE, summary="again"
        )
    pairing.refresh_from_db()
    assert pairing.outcome == Outcome.IMPROVED


def test_a_student_who_leaves_closes_her_pairing_as_student_left(world):
    pairing = PairingFactory(mentor=world.teacher_a.member, student__school=world.school_a)
    student = pairing.student
    student.status = StudentStatus.LEFT
    with pytest.raises(ValidationError):
        services.save_student(student=student, by=None)  # no date given
    student.left_on = datetime.date(2025, 12, 1)
    services.save_student(student=student, by=None)
    pairing.refresh_from_db()
    assert pairing.outcome == Outcome.STUDENT_LEFT and pairing.status == "closed"


def png_upload(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_visit_with_photo_is_checked_by_content(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pairing = PairingFactory(mentor=world.teacher_a.member, student__school=world.school_a)
    visit = services.record_visit(
        pairing=pairing,
        date=datetime.date(2025, 10, 1),
        kind="home_visit",
        duration_minutes=45,
        content="家访",
        photo=png_upload("家访.png"),
    )
    assert visit.photo_name == "家访.png" and visit.photo_content_type == "image/png"
    assert "家访" not in visit.photo.name
    fake = SimpleUploadedFile("x.jpg", b"<html>not an image</html>")
    with pytest.raises(ValidationError):
        services.record_visit(
            pairing=pairing,
            date=datetime.date(2025, 10, 2),
            kind="talk",
            duration_minutes=10,
            content="谈心",
            photo=fake,
        )
    assert Visit.objects.count() == 1


def test_visits_on_closed_pairings_or_in_the_future_are_refused(world):
    pairing = PairingFactory(mentor=world.teacher_a.member, student__school=world.school_a)
    with pytest.raises(ValidationError):
        services.record_visit(
            pairing=pairing,
            date=datetime.date.today() + datetime.timedelta(days=2),
            kind="talk",
            duration_minutes=10,
            content="x",
        )
    with pytest.raises(ValidationError):
        services.record_visit(
            pairing=pairing,
            date=datetime.date(2025, 8, 1),
            kind="talk",
            duration_minutes=10,
            content="before the start",
        )
    services.close_pairing(pairing=pairing, closed_on=DAY, outcome="stable", summary="s")
    with pytest.raises(ValidationError):
        services.record_visit(
            pairing=pairing, date=DAY, kind="talk", duration_minutes=10, content="x"
        )
    assert not Visit.objects.exists()


def test_assessment_scores_are_numbers_and_one_per_term(world):
    pairing = PairingFactory(mentor=world.teacher_a.member, student__school=world.school_a)
    services.record_assessment(
        pairing=pairing,
        term="期中",
        assessed_on=DAY,
        results={"语文": 80.0, "数学": None},
        progress="better",
        assessment="好",
    )
    assert pairing.assessments.get().results == {"语文": 80.0}
    with pytest.raises(ValidationError):
        services.record_assessment(
            pairing=pairing,
            term="期中",
            assessed_on=DAY,
            results={},
            progress="same",
            assessment="again",
        )
    with pytest.raises(ValueError):
        services.parse_score("九十")
    with pytest.raises(ValueError):
        services.parse_score("NaN")
