"""The assistance part of the demo data: students of the demo school, pairings for most of
its full and probationary members (teacher1 and teacher2 included), a term of visits and
two rounds of assessments.

Deterministic (random.Random with a fixed seed) and idempotent: students are looked up by
(school, name), pairings by (student, mentor), visits by (pairing, date, kind),
assessments by (pairing, term); a second run creates nothing.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from assistance.models import (
    Assessment,
    Pairing,
    Progress,
    Reason,
    Student,
    StudentGender,
    Visit,
    VisitKind,
)
from members.models import Member, Stage

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "小雨",
    "子轩",
    "梓涵",
    "浩然",
    "欣怡",
    "宇轩",
    "雨桐",
    "俊熙",
    "诗涵",
    "一诺",
    "明轩",
    "可馨",
    "思源",
    "佳琪",
    "天佑",
    "语嫣",
    "博文",
    "若曦",
    "家豪",
    "紫萱",
]
GOALS = {
    Reason.LEARNING: ("数学计算基础薄弱，期末数学达到及格线", "每周两次课后辅导，错题本每周检查"),
    Reason.PSYCHOLOGICAL: ("缓解考试焦虑，愿意在课堂上发言", "每两周谈心一次，与班主任共同鼓励"),
    Reason.FAMILY: ("留守儿童，建立稳定的学习习惯", "每月家访或电话联系祖辈，每周检查作业"),
    Reason.BEHAVIOUR: ("减少课堂违纪，按时完成作业", "建立行为记录卡，每周与家长沟通"),
}
CONTENT = {
    VisitKind.TUTORING: "课后辅导数学应用题，讲解了画线段图的方法，完成练习8道，错3道。",
    VisitKind.TALK: "谈心半小时，孩子说最近和同桌关系好了，上课敢举手了。",
    VisitKind.HOME_VISIT: "到家中走访，与奶奶交流孩子作息，看了学习角，建议固定写作业时间。",
    VisitKind.CALL: "电话联系家长，反馈本周作业完成情况，家长表示会督促。",
}
STATES = ["情绪稳定，学习积极性提高", "有些疲惫，作业拖拉", "状态不错，主动提问"]
NEXT = ["下周继续辅导应用题", "与班主任沟通座位安排", "月底再做一次家访"]


def _term_start(today: datetime.date) -> datetime.date:
    """The current term's first day (about 1 September or 20 February)."""
    if today.month >= 9:
        return datetime.date(today.year, 9, 1)
    if today.month >= 3 or (today.month == 2 and today.day >= 20):
        return datetime.date(today.year, 2, 20)
    return datetime.date(today.year - 1, 9, 1)


def _school_year(today: datetime.date) -> str:
    start = today.year if today.month >= 9 else today.year - 1
    return f"{start}-{start + 1}"


def _save(ctx: Any, obj) -> None:
    obj.full_clean()
    obj.save()
    ctx.created += 1


def seed_assistance(ctx: Any) -> None:
    rng = random.Random(20250901)
    today = ctx.today
    school = ctx.organisations["qsxx"]
    year = _school_year(today)
    term_start = _term_start(today)
    # Pairings began a term earlier, so two rounds of assessments can exist.
    started = term_start - datetime.timedelta(days=120)

    mentors = list(
        Member.objects.filter(
            organisation__school=school,
            status="active",
            stage__in=[Stage.FULL, Stage.PROBATIONARY],
        ).order_by("organisation__path", "id")
    )
    linked = [m for m in mentors if m.user_id]
    others = [m for i, m in enumerate(m for m in mentors if not m.user_id) if i % 5 != 4]
    chosen = linked + others  # four in five members mentor someone: "most", not all
    names: list[str] = []
    while len(names) < len(chosen) + 8:  # a few students still wait for a mentor
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in names:
            names.append(name)

    students = []
    for name in names:
        student = Student.objects.filter(school=school, name=name).first()
        rng = random.Random(f"student-{name}")  # per object: a second run draws the same
        if student is None:
            student = Student(
                school=school,
                name=name,
                gender=rng.choice(StudentGender.values),
                grade=rng.randint(2, 6),
                class_number=rng.randint(1, 6),
                school_year=year,
                guardian_name=rng.choice(SURNAMES) + rng.choice(["爷爷", "奶奶", "妈妈", "爸爸"]),
                guardian_phone=f"138{rng.randint(10000000, 99999999)}",
                family_notes=rng.choice(
                    [
                        "父母在外务工，与祖辈同住。",
                        "单亲家庭，母亲工作忙。",
                        "家庭和睦，学习基础弱。",
                    ]
                ),
            )
            _save(ctx, student)
        students.append(student)

    for mentor, student in zip(chosen, students, strict=False):
        rng = random.Random(f"pairing-{student.name}-{mentor.name}")
        reason = rng.choice(list(GOALS))
        goals, plan = GOALS[reason]
        offset = datetime.timedelta(days=rng.randint(0, 15))  # drawn on every run
        pairing = Pairing.objects.filter(student=student, mentor=mentor).first()
        if pairing is None:
            pairing = Pairing(
                mentor=mentor,
                student=student,
                branch=mentor.organisation,
                started_on=started + offset,
                reason=reason,
                subjects="语文,数学" if reason == Reason.LEARNING else "语文,数学,英语",
                goals=goals,
                plan=plan,
            )
            _save(ctx, pairing)
        _seed_visits(ctx, rng, pairing, term_start, today)
        _seed_assessments(ctx, rng, pairing, pairing.started_on, term_start, today)


def _seed_visits(ctx, rng, pairing, term_start, today) -> None:
    # Most mentors visit every 2–3 weeks; a few are behind (so "overdue" shows in the demo).
    behind = rng.random() < 0.2
    # A term's worth of visits even when the demo is seeded early in a term.
    first_day = min(term_start, today - datetime.timedelta(days=100))
    day = first_day + datetime.timedelta(days=rng.randint(2, 10))
    last = today - datetime.timedelta(days=40 if behind else rng.randint(0, 10))
    while day <= last:
        kind = rng.choice(list(CONTENT))
        # Draw every value before the existence check, so both runs draw the same.
        minutes, state, step = rng.choice([20, 30, 40, 60]), rng.choice(STATES), rng.choice(NEXT)
        if not Visit.objects.filter(pairing=pairing, date=day, kind=kind).exists():
            _save(
                ctx,
                Visit(
                    pairing=pairing,
                    date=day,
                    kind=kind,
                    duration_minutes=minutes,
                    content=CONTENT[kind],
                    student_state=state,
                    next_step=step,
                    recorded_by=pairing.mentor.user,
                ),
            )
        day += datetime.timedelta(days=rng.randint(12, 21))


def _seed_assessments(ctx, rng, pairing, started, term_start, today) -> None:
    base = {s: rng.randint(45, 70) for s in pairing.subject_list()}
    rounds = [
        ("上学期期末", started + datetime.timedelta(days=100), 0),
        ("本学期期中", min(today, term_start + datetime.timedelta(days=60)), 1),
    ]
    for term, date, step in rounds:
        scores = {s: float(min(100, v + step * rng.randint(-3, 12))) for s, v in base.items()}
        if not Assessment.objects.filter(pairing=pairing, term=term).exists():
            _save(
                ctx,
                Assessment(
                    pairing=pairing,
                    term=term,
                    assessed_on=date,
                    results=scores,
                    progress=Progress.BETTER if step else Progress.SAME,
                    assessment="学习态度明显端正，基础题正确率提高。"
                    if step
                    else "基础较弱，需持续辅导。",
                ),
            )
