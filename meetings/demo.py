"""The meetings' part of the demo data: a year of 三会一课 for the demo school's branches.

Topics and lectures are modelled on seeds/002 and seeds/003. Gaps are deliberate (the
third branch skipped a 党课 and some theme days, the second some committee meetings) so
the compliance dashboard shows overdue items. Each meeting is looked up by (organisation,
type, start) first and the generator is seeded, so a second run creates nothing.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from meetings.models import (
    AttendanceRecord,
    AttendanceStatus,
    Decision,
    DecisionCategory,
    Meeting,
    MeetingStatus,
    MeetingType,
)
from meetings.richtext import clean_html
from meetings.services import ensure_default_rules
from members.models import Member, Status

THEME_DAYS = [
    "重温入党誓词，过好政治生日",
    "学习贯彻党的二十大精神专题研讨",
    "“亮身份、亮标准、亮承诺”党员示范岗活动",
    "走进红色教育基地，传承红色基因",
    "党员志愿服务进社区",
    "“万师访万家”家访活动总结交流",
    "清明祭英烈主题党日",
    "廉洁从教承诺签名活动",
    "七一建党节主题党日",
    "党员教师示范课观摩",
    "“双培养”工作推进会",
    "学习身边榜样，争做四有好老师",
]
COMMITTEE_TOPICS = [
    "研究本月党建工作安排",
    "讨论发展对象推荐人选",
    "研究党员结对帮扶学困生工作",
    "研究主题党日活动方案",
    "讨论支部年度工作计划",
    "研究入党积极分子培养考察情况",
]
GENERAL_TOPICS = [
    "传达学习上级党组织会议精神",
    "讨论接收预备党员",
    "通报支部季度工作和党费收缴情况",
    "讨论预备党员转正",
]
GROUP_TOPICS = ["集中学习《中国共产党章程》", "交流学习强国学习体会", "讨论教学帮扶进展"]
LECTURES = [
    ("深入学习贯彻党的二十大精神", "王建华"),
    ("廉洁从教，守住师德底线", "林晓红"),
    ("新时代教育家精神的内涵与实践", "陈国强"),
    ("党组织领导的校长负责制解读", "林晓红"),
    ("从红岩精神中汲取奋进力量", "王建华"),
]
LEAVE_REASONS = ["外出参加培训", "病假", "带学生参加比赛", "事假", "参加教研活动"]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def _month_day(first: datetime.date, day: int) -> datetime.date:
    return first.replace(day=day)


def _months_back(today: datetime.date, count: int) -> list[datetime.date]:
    """First days of the last `count` months, oldest first, the current month included."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))


def seed_meetings(ctx: Any) -> None:
    rng = random.Random(20240901)
    today = ctx.today
    orgs = ctx.organisations
    for school_slug in ("qsxx", "qsez"):
        ensure_default_rules(school=orgs[school_slug])
    existing = set(Meeting.objects.values_list("organisation_id", "meeting_type", "starts_at"))
    people = {}
    for member in Member.objects.filter(status=Status.ACTIVE).order_by("name", "id"):
        people.setdefault(member.organisation_id, []).append(member)
    secretary = ctx.users["secretary"]
    for branch_people in people.values():
        # The branch's secretary (a demo login) hosts; the others by name.
        branch_people.sort(key=lambda m: (m.user_id != secretary.pk, m.name))

    def add(
        organisation,
        meeting_type: str,
        start: datetime.datetime,
        title: str,
        attendees: list[Member],
        **extra: Any,
    ) -> Meeting | None:
        if (organisation.id, meeting_type, start) in existing:
            return None
        local_day = start.date()
        past = start < timezone.now()
        status = MeetingStatus.PLANNED
        if past:
            status = MeetingStatus.ARCHIVED if (today - local_day).days > 60 else MeetingStatus.HELD
        branch_people = people.get(
            organisation.id if organisation.kind == "branch" else organisation.parent_id, []
        ) or list(attendees)
        topics = extra.pop("topics", "") or title + "\n\n" + rng.choice(COMMITTEE_TOPICS)
        meeting = Meeting(
            organisation=organisation,
            meeting_type=meeting_type,
            title=title,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1, minutes=30),
            place=rng.choice(["党员活动室", "学校会议室", "图书馆报告厅", "三楼会议室"]),
            host=branch_people[0] if branch_people else None,
            recorder=branch_people[1] if len(branch_people) > 1 else None,
            topics=clean_html(topics),
            minutes=clean_html(
                f"会议由{branch_people[0].name if branch_people else '书记'}主持。\n"
                f"一、{title}。\n二、与会党员结合教育教学工作交流发言。\n三、书记作总结，"
                "对下一阶段工作提出要求。"
            )
            if past
            else "",
            resolutions=clean_html("会议形成一致意见，按计划推进落实。") if past else "",
            status=status,
            created_by=secretary,
            **extra,
        )
        meeting.full_clean()
        meeting.save()
        existing.add((organisation.id, meeting_type, start))
        ctx.created += 1
        rows = []
        for member in attendees:
            state, reason = AttendanceStatus.PENDING, ""
            if past:
                roll = rng.random()
                if roll < 0.08:
                    state, reason = AttendanceStatus.LEAVE, rng.choice(LEAVE_REASONS)
                elif roll < 0.10:
                    state = AttendanceStatus.ABSENT
                else:
                    state = AttendanceStatus.PRESENT
            rows.append(
                AttendanceRecord(meeting=meeting, member=member, status=state, reason=reason)
            )
        bulk_create_with_history(rows, AttendanceRecord)
        return meeting

    months = _months_back(today, 12)
    branch_plan = [
        # slug, groups, months without a theme day, months without a committee meeting,
        # quarters (index into the year's last four) without a 党课
        ("qsxx-b1", ("qsxx-g1", "qsxx-g2"), set(), set(), set()),
        ("qsxx-b2", ("qsxx-g3", "qsxx-g4"), {4}, {2, 9}, set()),
        ("qsxx-b3", ("qsxx-g5", "qsxx-g6"), {3, 7, 10}, {5}, {1}),
        ("qsez-b1", ("qsez-g1", "qsez-g2"), {6}, set(), set()),
    ]
    for slug, group_slugs, no_theme, no_committee, no_lecture in branch_plan:
        branch = orgs[slug]
        everyone = people.get(branch.id, [])
        committee = everyone[:5]
        for index, first in enumerate(months):
            if index not in no_theme:
                add(
                    branch,
                    MeetingType.THEME_DAY,
                    _at(_month_day(first, 10 + index % 5), 15, 30),
                    THEME_DAYS[(first.month - 1) % len(THEME_DAYS)],
                    everyone,
                )
            if index not in no_committee:
                add(
                    branch,
                    MeetingType.COMMITTEE,
                    _at(_month_day(first, 3 + index % 4), 16),
                    COMMITTEE_TOPICS[index % len(COMMITTEE_TOPICS)],
                    committee,
                )
            for g, group_slug in enumerate(group_slugs):
                if slug == "qsxx-b3" and g == 1 and index % 3 == 0:
                    continue  # the sixth party group misses every third month
                group = orgs[group_slug]
                add(
                    group,
                    MeetingType.GROUP,
                    _at(_month_day(first, 18 + g), 16, 30),
                    GROUP_TOPICS[(index + g) % len(GROUP_TOPICS)],
                    [m for m in everyone if m.group_id == group.id],
                )
            if first.month in (1, 4, 7, 10):
                quarter = (first.month - 1) // 3
                add(
                    branch,
                    MeetingType.GENERAL,
                    _at(_month_day(first, 24), 15),
                    GENERAL_TOPICS[quarter],
                    everyone,
                )
            if first.month in (2, 5, 8, 11) and (first.month // 3) not in no_lecture:
                title, lecturer = LECTURES[(first.month // 3 + len(slug)) % len(LECTURES)]
                add(
                    branch,
                    MeetingType.LECTURE,
                    _at(_month_day(first, 26), 15),
                    title,
                    everyone,
                    lecture_title=title,
                    lecturer=lecturer,
                )
            if first.month == 1:
                add(
                    branch,
                    MeetingType.LIFE,
                    _at(_month_day(first, 12), 14),
                    "年度组织生活会暨民主评议党员",
                    everyone,
                )
                add(
                    branch,
                    MeetingType.APPRAISAL,
                    _at(_month_day(first, 12), 16),
                    "民主评议党员",
                    everyone,
                )
        # Planned: next week's committee meeting and theme day.
        add(
            branch,
            MeetingType.COMMITTEE,
            _at(today + datetime.timedelta(days=5), 16),
            "研究下月主题党日和党课安排",
            committee,
        )
        add(
            branch,
            MeetingType.THEME_DAY,
            _at(today + datetime.timedelta(days=9), 15, 30),
            "学习贯彻全会精神主题党日",
            everyone,
        )

    school = orgs["qsxx"]
    leaders = [people[orgs[s].id][0] for s in ("qsxx-b1", "qsxx-b2", "qsxx-b3")]
    joint = add(
        school,
        MeetingType.JOINT,
        _at(months[-3].replace(day=15), 14),
        "党政联席会议：研究校园改造与中层干部调整",
        leaders,
        topics="一、教学楼抗震加固及操场改造项目\n二、教务处副主任人选\n"
        "三、学校三年发展规划\n四、多媒体教学设备采购",
    )
    if joint is not None:
        for text, category in [
            ("同意实施教学楼抗震加固及操场改造项目，预算三百二十万元，按规定公开招标。",
             DecisionCategory.MAJOR_PROJECT),
            ("同意张慧敏同志任教务处副主任，按程序公示。", DecisionCategory.KEY_APPOINTMENT),
            ("通过《学校三年发展规划（2025—2027）》。", DecisionCategory.MAJOR_DECISION),
            ("同意采购多媒体教学设备，金额四十八万元。", DecisionCategory.LARGE_SUM),
            ("下学期继续开展党员结对帮扶学困生工作。", ""),
        ]:  # fmt: skip
            Decision.objects.create(meeting=joint, text=text, category=category)
