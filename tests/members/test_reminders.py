"""What the members app contributes to the reminder engine."""

from __future__ import annotations

import datetime

import pytest

from branchwork import reminders
from branchwork.models import Notification
from members import services
from members.models import Stage
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def sweep(day: datetime.date):
    return reminders.sweep(today=day)


def test_pipeline_deadline_goes_to_the_secretary_and_the_contacts(world):
    contact_user = world.teacher_a
    contact = contact_user.member
    applicant = MemberFactory(
        organisation=world.branch_a1, stage=Stage.APPLICANT, name="申请人甲",
        admission_date=None, full_membership_date=None,
        application_date=datetime.date(2026, 11, 1),
    )  # fmt: skip
    services.set_contacts(member=applicant, contacts=[contact])
    MemberFactory(
        organisation=world.branch_b1, stage=Stage.APPLICANT, name="乙校申请人",
        admission_date=None, full_membership_date=None,
        application_date=datetime.date(2026, 11, 1),
    )  # fmt: skip
    # The talk is due on 1 December; the reminder goes out within 7 days of it.
    assert sweep(datetime.date(2026, 11, 20)).notifications == 0
    sweep(datetime.date(2026, 11, 26))
    sweep(datetime.date(2026, 11, 27))
    notes = Notification.objects.filter(rule="members.pipeline_deadline")
    assert {n.recipient for n in notes.filter(subject_key__contains=str(applicant.pk))} == {
        world.secretary_a,
        contact_user,
    }
    assert notes.filter(subject_key__contains=str(applicant.pk)).count() == 2  # once each
    note = notes.get(recipient=world.secretary_a)
    assert "申请人甲" in note.title and note.occasion == datetime.date(2026, 12, 1)
    assert {n.recipient for n in notes if "乙校申请人" in n.title} == {world.secretary_b}


def test_political_birthday_to_the_member_and_the_monthly_list_to_the_secretary(world):
    member = world.member_a.member
    member.admission_date = datetime.date(2006, 12, 2)
    member.save()
    sweep(datetime.date(2026, 12, 1))
    listing = Notification.objects.get(rule="members.birthday_list", recipient=world.secretary_a)
    assert "member_a-成员" in listing.body and "20" in listing.body
    assert not Notification.objects.filter(rule="members.political_birthday").exists()
    sweep(datetime.date(2026, 12, 2))
    sweep(datetime.date(2026, 12, 2))
    greeting = Notification.objects.get(rule="members.political_birthday")
    assert greeting.recipient == world.member_a and "20" in greeting.title
    # The list went out once, on the first sweep of the month, to A1's secretary only.
    assert Notification.objects.filter(rule="members.birthday_list").count() == 1
