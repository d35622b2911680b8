"""The members' part of the demo data: ~60 members of the demo school across the pipeline.

Names and dates come from a seeded random generator, so every run creates the same people;
each is looked up by (branch, name) first, so a second run creates nothing.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from members import services
from members.models import Education, Gender, Member, Post, Stage

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = [
    "建国",
    "丽华",
    "晓燕",
    "志强",
    "海燕",
    "春梅",
    "文静",
    "俊杰",
    "雪梅",
    "红霞",
    "德明",
    "秀英",
    "玉兰",
    "新华",
    "立新",
    "婷婷",
    "子涵",
    "思琪",
    "宇航",
    "佳怡",
    "明辉",
    "晓东",
    "慧芳",
    "国庆",
    "美玲",
    "永红",
    "伟",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "超",
    "霞",
    "平",
    "刚",
]
SUBJECTS = ["语文", "数学", "英语", "科学", "道德与法治", "音乐", "美术", "体育", "信息技术"]
TITLES = ["二级教师", "一级教师", "一级教师", "高级教师", "正高级教师"]

# Stage mix per branch of the demo school: (stage, how many).
STAGE_MIX = [
    (Stage.FULL, 13),
    (Stage.PROBATIONARY, 2),
    (Stage.TARGET, 1),
    (Stage.ACTIVIST, 2),
    (Stage.APPLICANT, 2),
]

# Logins that are members, linked to a named member of their branch.
LINKED = {
    "secretary": ("qsxx-b1", "王建华", "F", Stage.FULL),
    "teacher1": ("qsxx-b1", "张慧敏", "F", Stage.FULL),
    "teacher2": ("qsxx-b1", "刘思远", "M", Stage.PROBATIONARY),
    "other_secretary": ("qsez-b1", "赵明", "M", Stage.FULL),
}


def _dates_for(
    stage: Stage, rng: random.Random, today: datetime.date, slot: int = 0
) -> dict[str, Any]:
    """Key dates consistent with the pipeline's order; the first person of each stage in a
    branch (slot 0) gets dates that make something due this month."""

    def ago(days_min: int, days_max: int) -> datetime.date:
        return today - datetime.timedelta(days=rng.randint(days_min, days_max))

    dates: dict[str, Any] = {}
    if stage == Stage.APPLICANT:
        # slot 0: applied 3 weeks ago, no talk yet → the 1-month talk is due this month.
        dates["application_date"] = ago(18, 24) if slot == 0 else ago(40, 120)
        if slot != 0:
            dates["talk_date"] = dates["application_date"] + datetime.timedelta(days=20)
    elif stage == Stage.ACTIVIST:
        # slot 0: activist for ~6 months → the review is due; slot 1: ~1 year → eligible.
        dates["activist_date"] = (
            services.add_months(today, -6) + datetime.timedelta(days=rng.randint(1, 12))
            if slot == 0
            else services.add_months(today, -12) + datetime.timedelta(days=rng.randint(1, 12))
        )
        dates["application_date"] = dates["activist_date"] - datetime.timedelta(days=90)
        dates["talk_date"] = dates["application_date"] + datetime.timedelta(days=15)
    elif stage == Stage.TARGET:
        dates["target_date"] = ago(30, 200)
        dates["activist_date"] = dates["target_date"] - datetime.timedelta(days=400)
        dates["application_date"] = dates["activist_date"] - datetime.timedelta(days=120)
        dates["talk_date"] = dates["application_date"] + datetime.timedelta(days=15)
        dates["training_hours"] = 24 if slot == 0 else 16
    else:
        if stage == Stage.PROBATIONARY:
            # slot 0: admitted a year ago → the probation ends this month (转正 vote due).
            admission = (
                services.add_months(today, -12) + datetime.timedelta(days=rng.randint(1, 12))
                if slot == 0
                else ago(60, 300)
            )
        else:
            admission = ago(400, 9000)
        dates["admission_date"] = admission
        dates["target_date"] = admission - datetime.timedelta(days=200)
        dates["activist_date"] = dates["target_date"] - datetime.timedelta(days=400)
        dates["application_date"] = dates["activist_date"] - datetime.timedelta(days=100)
        dates["talk_date"] = dates["application_date"] + datetime.timedelta(days=20)
        dates["training_hours"] = 24
        if stage == Stage.FULL:
            dates["full_membership_date"] = admission + datetime.timedelta(days=366)
    return dates


def _ensure(ctx: Any, *, branch, name: str, posts=(), **fields: Any) -> tuple[Member, bool]:
    member = Member.objects.filter(organisation=branch, name=name).first()
    if member is not None:
        return member, False
    member = services.create_member(organisation=branch, name=name, by=None, posts=posts, **fields)
    ctx.created += 1
    return member, True


def seed_members(ctx: Any) -> None:
    rng = random.Random(20240701)
    today = ctx.today
    orgs = ctx.organisations
    used: set[str] = {name for _b, name, _g, _s in LINKED.values()}

    def new_name() -> str:
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if name not in used:
                used.add(name)
                return name

    plan = [
        ("qsxx-b1", ("qsxx-g1", "qsxx-g2")),
        ("qsxx-b2", ("qsxx-g3", "qsxx-g4")),
        ("qsxx-b3", ("qsxx-g5", "qsxx-g6")),
        ("qsez-b1", ("qsez-g1", "qsez-g2")),
    ]
    committee_posts = [Post.ORGANISATION, Post.PROPAGANDA, Post.DISCIPLINE]
    for branch_slug, group_slugs in plan:
        branch = orgs[branch_slug]
        mix = STAGE_MIX if branch_slug != "qsez-b1" else [(Stage.FULL, 6), (Stage.ACTIVIST, 2)]
        full_members: list[Member] = []
        pipeline: list[Member] = []
        for stage, count in mix:
            for slot in range(count):
                group_slug = group_slugs[slot % len(group_slugs)]
                posts: list[str] = []
                if stage == Stage.FULL and slot < len(committee_posts):
                    posts = [committee_posts[slot]]
                elif stage == Stage.FULL and slot < len(committee_posts) + len(group_slugs):
                    posts = [Post.GROUP_LEADER]
                member, created = _ensure(
                    ctx,
                    branch=branch,
                    name=new_name(),
                    group=orgs[group_slug],
                    gender=rng.choice([Gender.FEMALE, Gender.FEMALE, Gender.MALE]),
                    birth_date=today.replace(year=today.year - rng.randint(24, 56), day=1),
                    ethnicity=rng.choice(["汉族"] * 9 + ["土家族", "苗族"]),
                    education=rng.choice([Education.BACHELOR] * 3 + [Education.POSTGRADUATE]),
                    phone=f"139{rng.randint(10000000, 99999999)}",
                    stage=stage,
                    subject=rng.choice(SUBJECTS),
                    grade_taught=f"{rng.randint(1, 6)}年级",
                    professional_title=rng.choice(TITLES),
                    is_backbone_teacher=rng.random() < 0.3,
                    posts=posts,
                    **_dates_for(stage, rng, today, slot),
                )
                if stage == Stage.FULL:
                    full_members.append(member)
                elif stage in (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET) and created:
                    pipeline.append(member)
        for index, member in enumerate(pipeline):
            services.set_contacts(
                member=member,
                contacts=full_members[index % len(full_members) :][: 1 + index % 2],
            )

    for username, (branch_slug, name, gender, stage) in LINKED.items():
        member, _created = _ensure(
            ctx,
            branch=orgs[branch_slug],
            name=name,
            group=orgs[branch_slug.replace("-b1", "-g1")],
            gender=gender,
            stage=stage,
            subject="语文",
            grade_taught="三年级",
            professional_title="一级教师",
            posts=[Post.SECRETARY] if username.endswith("secretary") else [],
            **_dates_for(stage, random.Random(name), today, slot=1),
        )
        if member.user_id is None:
            member.user = ctx.users[username]
            member.save(update_fields=["user"])
