"""The members' part of the benchmark data: 300 members per school across the pipeline.

Names and key dates come from the demo's generators (members/demo.py). Party members
(full and probationary) are teachers with a login and the member role in their branch;
the teacher persona is the first full member of the first branch, the secretary persona
the second. Adds the roster as a benchmark page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from branchwork.bench import BenchContext, BenchPage, insert_rows
from branchwork.models import Role, RoleAssignment
from members.demo import GIVEN, SUBJECTS, SURNAMES, TITLES, _dates_for
from members.models import Education, Gender, Member, Post, Stage, StageChange

MEMBERS_PER_SCHOOL = 300
# Out of every 10 people of a branch: 6 full, 1 probationary, 1 target, 1 activist,
# 1 applicant.
STAGE_CYCLE = [Stage.FULL] * 6 + [Stage.PROBATIONARY, Stage.TARGET, Stage.ACTIVIST, Stage.APPLICANT]
PARTY = (Stage.FULL, Stage.PROBATIONARY)


def seed_members(ctx: BenchContext) -> None:
    user_model = get_user_model()
    today = ctx.today
    for bench in ctx.schools:
        rng = bench.rng
        per_branch = ctx.branch_members or ctx.scaled(MEMBERS_PER_SCHOOL) // len(bench.branches)
        per_branch = max(2, per_branch)
        members: list[Member] = []
        for b, branch in enumerate(bench.branches):
            for i in range(per_branch):
                stage = STAGE_CYCLE[i % len(STAGE_CYCLE)] if i >= 2 else Stage.FULL
                fields: dict[str, Any] = _dates_for(stage, rng, today, slot=i % 3)
                members.append(
                    Member(
                        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                        organisation=branch,
                        group=bench.groups[b][i % len(bench.groups[b])],
                        gender=rng.choice([Gender.FEMALE, Gender.FEMALE, Gender.MALE]),
                        birth_date=today.replace(year=today.year - rng.randint(24, 58), day=1),
                        ethnicity="汉族",
                        education=rng.choice([Education.BACHELOR] * 3 + [Education.POSTGRADUATE]),
                        phone=f"139{rng.randint(10000000, 99999999)}",
                        stage=stage,
                        subject=rng.choice(SUBJECTS),
                        grade_taught=f"{rng.randint(1, 6)}年级",
                        professional_title=rng.choice(TITLES),
                        is_backbone_teacher=rng.random() < 0.3,
                        **fields,
                    )
                )
        # Logins for party members; the two personas take the first branch's first two.
        first_branch = [m for m in members if m.organisation_id == bench.branches[0].pk]
        first_branch[0].user = bench.users["teacher"]
        first_branch[1].user = bench.users["secretary"]
        new_users = []
        for n, member in enumerate(members):
            if member.stage in PARTY and member.user is None:
                user = user_model(username=f"{bench.prefix}-s{bench.index}-m{n}",
                                  first_name=member.name, password="!")  # fmt: skip
                new_users.append(user)
                member.user = user
        user_model.objects.bulk_create(new_users, batch_size=2000)
        for member in members:
            member.user_id = member.user.pk if member.user else None
        Member.objects.bulk_create(members, batch_size=2000)
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=m.user, organisation=m.organisation, role=Role.MEMBER)
                for m in members
                if m.user is not None and m.user is not bench.users["teacher"]
            ],
            batch_size=2000,
        )
        insert_rows(
            Member.posts.rel.related_model,
            ["member", "post"],
            [(first_branch[1].pk, Post.SECRETARY)],
        )
        insert_rows(
            StageChange,
            ["member", "kind", "from_stage", "to_stage", "date", "basis"],
            (
                (m.pk, StageChange.Kind.RECORDED, "", m.stage,
                 m.full_membership_date or m.admission_date or m.target_date or m.activist_date
                 or m.application_date or today, "基准数据")
                for m in members
            ),
        )  # fmt: skip
        bench.data["members"] = members
        bench.data["party"] = [m for m in members if m.stage in PARTY]
        bench.data["teacher"] = first_branch[0]
        ctx.counts["members"] += len(members)
        ctx.counts["users"] += len(new_users)
        bench.pages.append(BenchPage("roster", "secretary", reverse("member-list")))
