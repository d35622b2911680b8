"""The pledges' part of the demo data.

For every active full or probationary member of the demo school: this year's pledges in
every state with fulfilment entries (accepted, awaiting review, returned), signed letters;
last year's pledges closed, letters scored and the 民主评议 finished. Everything is
looked up by its natural key first and drawn from a seeded random generator, so a second
`manage.py seed_demo` creates nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from members.models import Member, Stage, Status
from pledges.models import (
    Appraisal,
    Category,
    EntryStatus,
    Fulfilment,
    Grade,
    LetterItem,
    Pledge,
    PledgeStatus,
    ResponsibilityLetter,
    ReviewRound,
)
from pledges.services import DEFAULT_LETTER_ITEMS, ensure_default_categories

# (pledge text, target amount, unit, target) per category of the default positive list.
PLEDGES = {
    "教学示范": [
        ("上好示范课，带动青年教师提高课堂教学水平", 4, "节", "4 节示范课"),
        ("开放课堂，每学期上一节校级公开课", 2, "节", "2 节公开课"),
    ],
    "结对帮扶": [
        ("结对帮扶两名学困生，每月至少辅导两次", 20, "次", "20 次辅导"),
        ("师徒结对，指导一名青年教师听评课", 8, "次", "8 次听评课"),
    ],
    "志愿服务": [
        ("参加“万师访万家”家访活动", 10, "户", "家访 10 户"),
        ("参加社区志愿服务和交通文明岗", 6, "次", "6 次志愿服务"),
    ],
    "廉洁自律": [
        ("不收受家长礼品礼金，不从事有偿补课，每学期签订承诺书", 2, "份", "2 份承诺书"),
    ],
    "学习提升": [
        ("读完两本教育专著并写读书笔记", 2, "篇", "2 篇读书笔记"),
        ("参加支部集中理论学习并撰写心得", 10, "次", "10 次学习"),
    ],
}
ENTRY_TEXTS = [
    "按计划完成，材料已整理归档。",
    "在教研组内开展，听课教师反馈良好。",
    "利用课后服务时间完成。",
    "与家长沟通，记录了学生近况。",
    "已撰写心得体会并在支部会上交流。",
]
RETURN_COMMENTS = ["请补充现场照片或签到表。", "进度数量与记录内容不符，请核实。"]
SELF_ASSESSMENTS = [
    "本年度认真履行党员承诺，积极参加三会一课，教学上发挥示范作用，今后在帮扶学困生方面继续加强。",
    "能够遵守师德规范和廉洁要求，完成了教学任务，理论学习还需更系统。",
]
BRANCHES = ("qsxx-b1", "qsxx-b2", "qsxx-b3")


def _ensure(ctx: Any, model: type[models.Model], lookup: dict, **fields: Any) -> Any:
    existing = model.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    instance = model(**lookup, **fields)
    instance.full_clean(exclude=["evidence"] if model is Fulfilment else None)
    instance.save()
    ctx.created += 1
    return instance


def _at(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 16))


def _day_in(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def seed_pledges(ctx: Any) -> None:
    rng = random.Random(20250301)
    today = ctx.today
    school = ctx.organisations["qsxx"]
    before = Category.objects.count()
    ensure_default_categories(school=school)
    ensure_default_categories(school=ctx.organisations["qsez"])
    ctx.created += Category.objects.count() - before
    categories = {c.name: c for c in Category.objects.filter(organisation=school)}
    secretary = ctx.users["secretary"]

    for slug in BRANCHES:
        branch = ctx.organisations[slug]
        members = list(
            Member.objects.filter(
                organisation=branch,
                status=Status.ACTIVE,
                stage__in=(Stage.FULL, Stage.PROBATIONARY),
            ).order_by("name", "id")
        )
        for member in members:
            chosen = rng.sample(sorted(categories), 2)
            _seed_year(ctx, rng, member, branch, categories, chosen, today.year, today, secretary)
            _seed_year(
                ctx, rng, member, branch, categories, chosen, today.year - 1, today, secretary
            )
            _seed_letters(ctx, rng, member, branch, today.year - 1, scored=True)
            _seed_letters(ctx, rng, member, branch, today.year, scored=False)
        _seed_appraisal(ctx, rng, branch, members, today.year - 1, secretary)


def _seed_year(ctx, rng, member, branch, categories, chosen, year, today, secretary) -> None:
    last_year = year < today.year
    year_end = datetime.date(year, 12, 31)
    for index, name in enumerate(chosen):
        text, amount, unit, target = rng.choice(PLEDGES[name])
        if last_year:
            status = rng.choice(
                [PledgeStatus.FULFILLED] * 3
                + [PledgeStatus.PARTLY_FULFILLED, PledgeStatus.NOT_FULFILLED]
            )
        elif member.user_id is not None and index == 1:
            # The demo logins show the secretary something to approve and a return.
            status = (
                PledgeStatus.SUBMITTED
                if member.stage == Stage.PROBATIONARY
                else (PledgeStatus.RETURNED)
            )
        else:
            status = rng.choice([PledgeStatus.APPROVED] * 8 + [PledgeStatus.DRAFT])
        # Some open pledges fall due within the next weeks (the reminder engine sends these).
        due = year_end
        if not last_year and rng.random() < 0.25:
            due = min(year_end, today + datetime.timedelta(days=rng.randint(5, 40)))
        approved = status not in (PledgeStatus.DRAFT, PledgeStatus.SUBMITTED, PledgeStatus.RETURNED)
        pledge = _ensure(
            ctx,
            Pledge,
            {"member": member, "year": year, "category": categories[name]},
            organisation=branch,
            text=text,
            target_amount=Decimal(amount),
            target_unit=unit,
            target_text=target,
            due_date=due,
            status=status,
            return_comment="目标请写得更具体，可量化。" if status == PledgeStatus.RETURNED else "",
            approved_by=secretary if approved else None,
            approved_at=timezone.make_aware(datetime.datetime(year, 1, 20, 10))
            if approved
            else None,
            closed_at=timezone.make_aware(datetime.datetime(year, 12, 28, 16))
            if last_year
            else None,
            closing_comment="按期兑现承诺。" if status == PledgeStatus.FULFILLED else "",
        )
        if approved:
            _seed_entries(ctx, rng, pledge, year, today, last_year, secretary)


def _seed_entries(ctx, rng, pledge, year, today, last_year, secretary) -> None:
    start = datetime.date(year, 1, 25)
    end = datetime.date(year, 12, 20) if last_year else today
    share = {
        PledgeStatus.FULFILLED: 1.0,
        PledgeStatus.PARTLY_FULFILLED: 0.6,
        PledgeStatus.NOT_FULFILLED: 0.2,
    }.get(pledge.status, rng.choice([0.25, 0.5, 0.75]))
    count = max(1, min(4, int(pledge.target_amount)))
    per_entry = (pledge.target_amount * Decimal(str(share)) / count).quantize(Decimal("0.1"))
    if end < start or per_entry <= 0:
        return
    dates = sorted({_day_in(rng, start, end) for _ in range(count)})
    for number, date in enumerate(dates):
        status = EntryStatus.ACCEPTED
        if not last_year and number == len(dates) - 1:
            status = rng.choice([EntryStatus.PENDING, EntryStatus.PENDING, EntryStatus.RETURNED])
        reviewed = status != EntryStatus.PENDING
        _ensure(
            ctx,
            Fulfilment,
            {"pledge": pledge, "date": date},
            description=rng.choice(ENTRY_TEXTS),
            amount=per_entry,
            status=status,
            review_comment=rng.choice(RETURN_COMMENTS) if status == EntryStatus.RETURNED else "",
            reviewed_by=secretary if reviewed else None,
            reviewed_at=timezone.make_aware(datetime.datetime.combine(date, datetime.time(17)))
            if reviewed
            else None,
        )


def _seed_letters(ctx, rng, member, branch, year, *, scored: bool) -> None:
    for kind, items in DEFAULT_LETTER_ITEMS.items():
        letter = _ensure(
            ctx,
            ResponsibilityLetter,
            {"member": member, "year": year, "kind": kind},
            organisation=branch,
            signed_on=datetime.date(year, 1, rng.randint(5, 15)),
        )
        for position, (text, max_score) in enumerate(items, start=1):
            score = None
            if scored:
                low = 0.0 if "加分" in text else 0.7
                raw = max_score * Decimal(str(rng.uniform(low, 1.0)))
                score = (raw * 2).quantize(Decimal("1")) / 2
            _ensure(
                ctx,
                LetterItem,
                {"letter": letter, "position": position},
                text=text,
                max_score=max_score,
                score=score,
            )


def _seed_appraisal(ctx, rng, branch, members, year, secretary) -> None:
    """Last year's 民主评议: at most a third excellent, probationary members not graded."""
    graded = [m for m in members if m.stage == Stage.FULL]
    excellent_quota = len(graded) // 3
    for index, member in enumerate(members):
        grade = ""
        if member.stage == Stage.FULL:
            grade = Grade.EXCELLENT if index < excellent_quota else Grade.QUALIFIED
            if index == len(members) - 1 and len(graded) > 6:
                grade = Grade.BASIC
        _ensure(
            ctx,
            Appraisal,
            {"member": member, "year": year},
            organisation=branch,
            self_assessment=rng.choice(SELF_ASSESSMENTS),
            secretary_comment="该同志履职尽责，能够发挥党员先锋模范作用。",
            review_grade=grade,
        )
    _ensure(
        ctx,
        ReviewRound,
        {"organisation": branch, "year": year},
        recorded_by=secretary,
        recorded_at=timezone.make_aware(datetime.datetime(year, 12, 30, 15)),
        excellent_count=excellent_quota,
        graded_count=len(graded),
        over_limit_acknowledged=False,
    )
