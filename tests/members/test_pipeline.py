"""The development pipeline: every refusal of the rules, extensions, the timeline."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from members import services
from members.models import Member, PipelineRules, Stage, StageChange, Status
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def person(world, stage: str, **dates) -> Member:
    defaults = {"admission_date": None, "full_membership_date": None}
    return MemberFactory(organisation=world.branch_a1, stage=stage, **{**defaults, **dates})


def refused(match: str, **kwargs) -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.advance_stage(**kwargs)
    assert match in " ".join(error.value.messages), error.value.messages


def test_applicant_becomes_activist_and_the_timeline_records_it(world):
    member = person(world, Stage.APPLICANT, application_date=days_ago(100))
    change = services.advance_stage(
        member=member, to_stage=Stage.ACTIVIST, date=days_ago(10),
        basis="支委会 2026-11-11 确定", by=world.secretary_a,
    )  # fmt: skip
    member.refresh_from_db()
    assert member.stage == Stage.ACTIVIST and member.activist_date == days_ago(10)
    assert change.from_stage == Stage.APPLICANT and change.recorded_by == world.secretary_a
    assert member.history.first().history_change_reason == "阶段变更"


def test_skipping_a_stage_is_refused(world):
    member = person(world, Stage.APPLICANT, application_date=days_ago(400))
    refused(
        "不能跳过",
        member=member, to_stage=Stage.TARGET, date=TODAY, basis="x", by=world.secretary_a,
    )  # fmt: skip
    member.refresh_from_db()
    assert member.stage == Stage.APPLICANT
    assert not StageChange.objects.filter(member=member).exists()


def test_activist_for_less_than_a_year_cannot_become_target(world):
    activist_since = services.add_months(TODAY, -12) + datetime.timedelta(days=1)
    member = person(world, Stage.ACTIVIST, activist_date=activist_since)
    refused(
        "至少培养 12 个月",
        member=member, to_stage=Stage.TARGET, date=TODAY, basis="x", by=world.secretary_a,
    )  # fmt: skip
    # Exactly a year is enough.
    member.activist_date = services.add_months(TODAY, -12)
    member.save()
    services.advance_stage(
        member=member, to_stage=Stage.TARGET, date=TODAY, basis="支部大会", by=world.secretary_a
    )
    assert Member.objects.get(pk=member.pk).stage == Stage.TARGET


def test_rules_are_configurable_per_school(world):
    PipelineRules.objects.create(organisation=world.school_a, activist_min_months=6)
    member = person(world, Stage.ACTIVIST, activist_date=services.add_months(TODAY, -7))
    services.advance_stage(
        member=member, to_stage=Stage.TARGET, date=TODAY, basis="x", by=world.secretary_a
    )
    other = MemberFactory(
        organisation=world.branch_b1, stage=Stage.ACTIVIST, admission_date=None,
        full_membership_date=None, activist_date=services.add_months(TODAY, -7),
    )  # fmt: skip
    refused(
        "至少培养 12 个月",
        member=other, to_stage=Stage.TARGET, date=TODAY, basis="x", by=world.secretary_b,
    )  # fmt: skip


def test_target_needs_training_hours_before_admission(world):
    member = person(
        world, Stage.TARGET, activist_date=days_ago(800), target_date=days_ago(100),
        training_hours=16,
    )  # fmt: skip
    refused(
        "至少 24 学时",
        member=member, to_stage=Stage.PROBATIONARY, date=TODAY, basis="x", by=world.secretary_a,
    )  # fmt: skip


def test_probationary_cannot_become_full_before_the_year_ends(world):
    admitted = services.add_months(TODAY, -12) + datetime.timedelta(days=1)
    member = person(world, Stage.PROBATIONARY, admission_date=admitted)
    refused(
        "预备期至",
        member=member, to_stage=Stage.FULL, date=TODAY, basis="x", by=world.secretary_a,
    )  # fmt: skip
    member.admission_date = services.add_months(TODAY, -12)
    member.save()
    services.advance_stage(
        member=member, to_stage=Stage.FULL, date=TODAY, basis="支部大会表决", by=world.secretary_a
    )
    member.refresh_from_db()
    assert member.stage == Stage.FULL and member.full_membership_date == TODAY


def test_extension_of_probation(world):
    member = person(world, Stage.PROBATIONARY, admission_date=services.add_months(TODAY, -11))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.extend_probation(
            member=member, months=3, date=TODAY, basis="x", by=world.secretary_a
        )
    assert "6" in str(error.value) and "12" in str(error.value)
    services.extend_probation(
        member=member, months=6, date=TODAY, basis="支部大会决定延长", by=world.secretary_a
    )
    member.refresh_from_db()
    assert member.probation_extension_months == 6
    rules = services.rules_for(member.organisation)
    assert services.probation_end(member, rules) == services.add_months(member.admission_date, 18)
    with pytest.raises(ValidationError):
        services.extend_probation(member=member, months=6, date=TODAY, basis="y", by=None)
    # The extended year is not over yet: 转正 is refused.
    refused(
        "预备期至",
        member=member, to_stage=Stage.FULL,
        date=TODAY, basis="x", by=world.secretary_a,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"basis": "  "}, "依据"),
        ({"date": TODAY + datetime.timedelta(days=1)}, "将来"),
        ({"date": datetime.date(2000, 1, 1)}, "之前"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(world, change, message):
    member = person(world, Stage.APPLICANT, application_date=days_ago(50))
    kwargs = {
        "member": member, "to_stage": Stage.ACTIVIST, "date": TODAY, "basis": "支委会",
        "by": world.secretary_a, **change,
    }  # fmt: skip
    refused(message, **kwargs)
    assert Member.objects.get(pk=member.pk).stage == Stage.APPLICANT


def test_archived_and_full_members_do_not_move(world):
    member = person(world, Stage.APPLICANT, application_date=days_ago(50))
    services.archive_member(
        member=member, status=Status.DECEASED, date=TODAY, reason="病故", by=world.secretary_a
    )
    refused("已归档", member=member, to_stage=Stage.ACTIVIST, date=TODAY, basis="x", by=None)
    full = MemberFactory(organisation=world.branch_a1)
    refused("没有下一阶段", member=full, to_stage=Stage.FULL, date=TODAY, basis="x", by=None)


def test_key_dates_must_follow_the_pipeline_order(world):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.create_member(
            organisation=world.branch_a1, by=world.secretary_a, name="日期颠倒",
            stage=Stage.ACTIVIST, application_date=days_ago(10), activist_date=days_ago(100),
        )  # fmt: skip
    assert "activist_date" in error.value.message_dict
    assert not Member.objects.filter(name="日期颠倒").exists()


def test_contacts_one_or_two_party_members_of_the_school(world):
    applicant = person(world, Stage.APPLICANT, application_date=days_ago(30))
    a, b, c = MemberFactory.create_batch(3, organisation=world.branch_a1)
    services.set_contacts(member=applicant, contacts=[a, b])
    assert set(applicant.contacts.all()) == {a, b}
    with pytest.raises(ValidationError):
        services.set_contacts(member=applicant, contacts=[a, b, c])
    outsider = MemberFactory(organisation=world.branch_b1)
    with pytest.raises(ValidationError):
        services.set_contacts(member=applicant, contacts=[outsider])
    other_applicant = person(world, Stage.APPLICANT, application_date=days_ago(30))
    with pytest.raises(ValidationError):
        services.set_contacts(member=applicant, contacts=[other_applicant])
    assert set(applicant.contacts.all()) == {a, b}


def test_transfer_within_school_keeps_history(world):
    member = MemberFactory(organisation=world.branch_a1, group=world.group_a1)
    services.transfer_within(
        member=member, to_branch=world.branch_a2, to_group=None, date=TODAY,
        reason="工作调动", by=world.admin_a,
    )  # fmt: skip
    member.refresh_from_db()
    assert member.organisation == world.branch_a2 and member.group is None
    transfer = member.transfers.get()
    assert transfer.from_organisation == world.branch_a1
    assert member.history.filter(organisation=world.branch_a1).exists()
    with pytest.raises(ValidationError):
        services.transfer_within(
            member=member, to_branch=world.branch_b1, to_group=None, date=TODAY,
            reason="", by=world.admin_a,
        )  # fmt: skip


def test_transfer_out_archives_and_transfer_in_creates(world):
    member = MemberFactory(organisation=world.branch_a1)
    services.transfer_out(
        member=member, date=TODAY, destination="青山县第三中学党支部", reason="调动",
        by=world.secretary_a,
    )  # fmt: skip
    member.refresh_from_db()
    assert member.status == Status.TRANSFERRED_OUT
    assert member.transfer_destination == "青山县第三中学党支部"
    assert Member.objects.filter(pk=member.pk).exists()  # archived, not deleted
    newcomer = services.create_member(
        organisation=world.branch_a1, by=world.secretary_a, name="调入者", stage=Stage.FULL,
        admission_date=datetime.date(2010, 7, 1), transferred_in_from="外县某小学党支部",
    )  # fmt: skip
    assert newcomer.transfers.get().kind == "in"
