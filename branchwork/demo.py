"""The kernel's part of the demo data: a bureau, two schools, their branches and logins.

Modelled on seeds/004 (one 党委, three 支部, six 党小组). Every write is a get-or-create
on a natural key, so `manage.py seed_demo` can run any number of times.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from branchwork import services
from branchwork.models import Organisation, Role

DEMO_PASSWORD = "branchwork-demo"

# (username, display name, role, organisation slug, what the login is for)
DEMO_LOGINS = [
    ("orgadmin", "林晓红", Role.ADMIN, "qsxx", "组织管理员（学校党委）"),
    ("secretary", "王建华", Role.SECRETARY, "qsxx-b1", "第一党支部书记"),
    ("teacher1", "张慧敏", Role.MEMBER, "qsxx-b1", "第一党支部党员教师"),
    ("teacher2", "刘思远", Role.MEMBER, "qsxx-b1", "第一党支部党员教师"),
    ("principal", "陈国强", Role.VIEWER, "qsxx", "校长（只读）"),
    ("other_secretary", "赵明", Role.SECRETARY, "qsez-b1", "另一所学校的支部书记"),
]

ORGANISATIONS = [
    # slug, name, kind, parent slug
    ("qs-bureau", "青山县教育体育局", Organisation.Kind.BUREAU, None),
    ("qsxx", "青山县实验小学党委", Organisation.Kind.COMMITTEE, "qs-bureau"),
    ("qsxx-b1", "第一党支部", Organisation.Kind.BRANCH, "qsxx"),
    ("qsxx-b2", "第二党支部", Organisation.Kind.BRANCH, "qsxx"),
    ("qsxx-b3", "第三党支部", Organisation.Kind.BRANCH, "qsxx"),
    ("qsxx-g1", "第一党小组", Organisation.Kind.GROUP, "qsxx-b1"),
    ("qsxx-g2", "第二党小组", Organisation.Kind.GROUP, "qsxx-b1"),
    ("qsxx-g3", "第三党小组", Organisation.Kind.GROUP, "qsxx-b2"),
    ("qsxx-g4", "第四党小组", Organisation.Kind.GROUP, "qsxx-b2"),
    ("qsxx-g5", "第五党小组", Organisation.Kind.GROUP, "qsxx-b3"),
    ("qsxx-g6", "第六党小组", Organisation.Kind.GROUP, "qsxx-b3"),
    ("qsez", "青山县第二中学党总支", Organisation.Kind.GENERAL_BRANCH, "qs-bureau"),
    ("qsez-b1", "第一党支部", Organisation.Kind.BRANCH, "qsez"),
    ("qsez-g1", "第一党小组", Organisation.Kind.GROUP, "qsez-b1"),
    ("qsez-g2", "第二党小组", Organisation.Kind.GROUP, "qsez-b1"),
]


def seed_organisations(ctx: Any) -> None:
    ctx.organisations = {}
    for position, (slug, name, kind, parent_slug) in enumerate(ORGANISATIONS):
        existing = Organisation.objects.filter(slug=slug).first()
        if existing is None:
            existing = services.create_organisation(
                name=name,
                slug=slug,
                kind=kind,
                parent=ctx.organisations.get(parent_slug),
                position=position,
            )
            ctx.created += 1
        ctx.organisations[slug] = existing

    user_model = get_user_model()
    ctx.users = {}
    for username, display_name, role, org_slug, _purpose in DEMO_LOGINS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = services.create_user(
                username=username, password=DEMO_PASSWORD, first_name=display_name,
                email=f"{username}@demo.branchwork.invalid",
            )  # fmt: skip
            ctx.created += 1
        services.grant_role(user=user, organisation=ctx.organisations[org_slug], role=role)
        ctx.users[username] = user

    if not user_model.objects.filter(username="sysadmin").exists():
        admin = services.create_user(
            username="sysadmin", password=DEMO_PASSWORD, first_name="系统管理员", is_staff=True
        )
        admin.is_superuser = True
        admin.save(update_fields=["is_superuser"])
        ctx.created += 1
