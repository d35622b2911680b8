"""Frequency rules per period, statuses, quorum, attendance rates: the compliance selector."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import Frequency, MeetingType, Quorum
from meetings.periods import PeriodStatus, TermDates, periods_for, status_of
from meetings.selectors import compliance, quorum_met
from tests.factories import MemberFactory
from tests.meetings.factories import AttendanceFactory, MeetingFactory, at

pytestmark = pytest.mark.django_db
D = datetime.date


def test_periods_cover_months_quarters_terms_and_the_year():
    months = periods_for(Frequency.MONTHLY, 2026, TermDates())
    assert len(months) == 12 and months[1].end == D(2026, 2, 28)
    quarters = periods_for(Frequency.QUARTERLY, 2026, TermDates())
    assert [(q.start, q.end) for q in quarters][1] == (D(2026, 4, 1), D(2026, 6, 30))
    spring, autumn = periods_for(Frequency.TERM, 2026, TermDates())
    assert (spring.start, spring.end) == (D(2026, 2, 1), D(2026, 8, 31))
    assert (autumn.start, autumn.end) == (D(2026, 9, 1), D(2027, 1, 31))
    shifted = periods_for(Frequency.TERM, 2026, TermDates(3, 8))
    assert shifted[0].end == D(2026, 7, 31) and shifted[1].end == D(2027, 2, 28)
    assert periods_for(Frequency.YEARLY, 2026, TermDates())[0].days == 365
    assert periods_for(Frequency.NONE, 2026, TermDates()) == []


def test_status_done_due_soon_overdue_upcoming():
    q4 = periods_for(Frequency.QUARTERLY, 2026, TermDates())[3]
    assert status_of(q4, held=1, required=1, today=D(2026, 10, 1)) == PeriodStatus.DONE
    assert status_of(q4, held=0, required=1, today=D(2026, 9, 1)) == PeriodStatus.UPCOMING
    assert status_of(q4, held=0, required=1, today=D(2026, 10, 5)) == PeriodStatus.OPEN
    assert status_of(q4, held=0, required=1, today=D(2026, 12, 20)) == PeriodStatus.DUE_SOON
    assert status_of(q4, held=1, required=2, today=D(2027, 1, 2)) == PeriodStatus.OVERDUE


def test_quorum_rules():
    assert quorum_met(Quorum.MAJORITY, expected=5, present=3) is True
    assert quorum_met(Quorum.MAJORITY, expected=6, present=3) is False
    assert quorum_met(Quorum.TWO_THIRDS, expected=9, present=6) is True
    assert quorum_met(Quorum.TWO_THIRDS, expected=9, present=5) is False
    assert quorum_met(Quorum.NONE, expected=9, present=0) is None


def _type(report, branch, meeting_type):
    return next(t for t in report.branch(branch.id).types if t.rule.meeting_type == meeting_type)


def test_quarterly_lecture_held_vs_required_with_statuses(world):
    MeetingFactory(
        organisation=world.branch_a1,
        meeting_type=MeetingType.LECTURE,
        lecture_title="廉洁从教",
        lecturer="王书记",
        starts_at=at(D(2026, 2, 10)),
    )
    MeetingFactory(  # planned: reported beside, not counted as held
        organisation=world.branch_a1,
        meeting_type=MeetingType.LECTURE,
        lecture_title="二十大精神",
        status="planned",
        starts_at=at(D(2026, 5, 30)),
    )
    report = compliance(organisation=world.school_a, year=2026, today=D(2026, 5, 20))
    lectures = _type(report, world.branch_a1, MeetingType.LECTURE)
    assert [(p.held, p.required, p.status) for p in lectures.periods] == [
        (1, 1, PeriodStatus.DONE),
        (0, 1, PeriodStatus.OPEN),
        (0, 1, PeriodStatus.UPCOMING),
        (0, 1, PeriodStatus.UPCOMING),
    ]
    assert lectures.periods[1].planned == 1
    other = _type(report, world.branch_a2, MeetingType.LECTURE)
    assert other.periods[0].status == PeriodStatus.OVERDUE
    assert [m.lecturer for m in report.lectures] == ["王书记"]
    assert {s.organisation for s in report.shortfalls(PeriodStatus.OVERDUE)} == {
        world.branch_a1,
        world.branch_a2,
    }


def test_rules_are_the_schools_and_twice_a_term_counts_per_term(world):
    services.ensure_default_rules(school=world.school_a)
    services.update_rules(
        school=world.school_a,
        rules={MeetingType.LECTURE: {"frequency": Frequency.TERM, "times": 2, "quorum": "none"}},
        spring_starts_month=2,
        autumn_starts_month=9,
    )
    for day in (D(2026, 3, 1), D(2026, 8, 30), D(2026, 12, 1), D(2027, 1, 20)):
        MeetingFactory(
            organisation=world.branch_a1,
            meeting_type=MeetingType.LECTURE,
            lecture_title="党课",
            starts_at=at(day),
        )
    report = compliance(organisation=world.branch_a1, year=2026, today=D(2026, 6, 1))
    lectures = _type(report, world.branch_a1, MeetingType.LECTURE)
    assert [(p.period.key, p.held, p.required) for p in lectures.periods] == [
        ("2026-spring", 2, 2),
        ("2026-autumn", 2, 2),  # the autumn term runs into January 2027
    ]
    # School B keeps the defaults: its branch must hold a 党课 each quarter.
    report_b = compliance(organisation=world.school_b, year=2026, today=D(2026, 6, 1))
    assert len(_type(report_b, world.branch_b1, MeetingType.LECTURE).periods) == 4


def test_group_meetings_count_for_their_branch_once_per_group(world):
    MeetingFactory(
        organisation=world.group_a1, meeting_type=MeetingType.GROUP, starts_at=at(D(2026, 3, 5))
    )
    report = compliance(organisation=world.school_a, year=2026, today=D(2026, 12, 31))
    groups = _type(report, world.branch_a1, MeetingType.GROUP)
    assert groups.periods[2].held == 1 and groups.periods[2].required == 1
    # Branch A2 has no party group, so no 党小组会 is required of it.
    assert MeetingType.GROUP not in [
        t.rule.meeting_type for t in report.branch(world.branch_a2.id).types
    ]


def test_attendance_rates_and_quorum_warning(world):
    members = MemberFactory.create_batch(6, organisation=world.branch_a1)
    meeting = MeetingFactory(
        organisation=world.branch_a1,
        meeting_type=MeetingType.COMMITTEE,
        starts_at=at(D(2026, 4, 2)),
    )
    for i, member in enumerate(members):
        status = "present" if i < 3 else ("leave" if i == 3 else "absent")
        AttendanceFactory(
            meeting=meeting, member=member, status=status, reason="病假" if i == 3 else ""
        )
    AttendanceFactory(meeting=meeting, guest_name="列席校长", status="present")
    report = compliance(
        organisation=world.branch_a1, year=2026, today=D(2026, 12, 31), with_members=True
    )
    facts = report.meetings[0]
    assert (facts.expected, facts.present, facts.leave, facts.absent) == (6, 3, 1, 2)
    assert facts.quorum_met is False  # 3 of 6 is not more than half
    assert facts.attendance_rate == 0.5
    assert report.branch(world.branch_a1.id).attendance_rate == 0.5
    assert sorted(m.present for m in report.members) == [0, 0, 0, 1, 1, 1]


def test_compliance_page_query_count_does_not_grow(world, login):
    client = login(world, "admin_a")
    url = reverse("meeting-compliance") + "?year=2026"
    members = MemberFactory.create_batch(4, organisation=world.branch_a1)

    def make(n: int) -> None:
        for i in range(n):
            m = MeetingFactory(
                organisation=world.branch_a1,
                meeting_type=MeetingType.THEME_DAY,
                starts_at=at(D(2026, 1 + i % 12, 1 + i % 27)),
            )
            for member in members:
                AttendanceFactory(meeting=m, member=member)

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    make(5)
    few = count()
    make(45)
    many = count()
    assert few == many, f"{few} queries at 5 meetings, {many} at 50"
    assert many <= 14


def test_principal_sees_numbers_not_names(world, login):
    member = MemberFactory(organisation=world.branch_a1, name="缺席的党员")
    m = MeetingFactory(
        organisation=world.branch_a1,
        meeting_type=MeetingType.LECTURE,
        lecture_title="新时代教育家精神",
        lecturer="陈校长",
        starts_at=at(D(2026, 3, 3)),
        title="三月党课",
    )
    AttendanceFactory(meeting=m, member=member, status="absent")
    page = login(world, "principal_a").get(reverse("meeting-compliance") + "?year=2026")
    text = page.content.decode()
    assert "新时代教育家精神" in text and "陈校长" in text and "甲校第二党支部" in text
    assert "缺席的党员" not in text
    assert reverse("meeting-detail", args=[m.pk]) not in text
    text = (
        login(world, "secretary_a")
        .get(reverse("meeting-compliance") + "?year=2026")
        .content.decode()
    )
    assert "缺席的党员" in text and "甲校第二党支部" not in text
