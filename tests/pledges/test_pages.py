"""What the pledge pages show to whom, the exports, and their query cost."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member, Stage
from pledges.models import Appraisal, EntryStatus, Grade, PledgeStatus
from tests.factories import MemberFactory
from tests.pledges.conftest import member_of
from tests.pledges.factories import (
    YEAR,
    CategoryFactory,
    FulfilmentFactory,
    LetterFactory,
    LetterItemFactory,
    PledgeFactory,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def approved(member, **fields):
    return PledgeFactory(member=member, status=PledgeStatus.APPROVED, **fields)


def test_wall_shows_approved_pledges_of_the_branch_by_name_never_ranked(world, login):
    school = world.school_a
    teaching = CategoryFactory(organisation=school, name="教学示范", position=1)
    zhang = MemberFactory(organisation=world.branch_a1, name="张老师")
    li = MemberFactory(organisation=world.branch_a1, name="李老师")
    # The member whose name sorts last has the most progress: she must still come last.
    first, last = sorted([zhang, li], key=lambda m: Member.objects.filter(name__lt=m.name).count())
    best = approved(last, category=teaching, target_text=f"{last.name[0]}的目标")
    FulfilmentFactory(pledge=best, amount=4, status=EntryStatus.ACCEPTED)
    approved(first, category=teaching, target_text=f"{first.name[0]}的目标")
    PledgeFactory(member=li, category=teaching, target_text="李的草稿")  # draft: not shown
    approved(MemberFactory(organisation=world.branch_a2, name="二支部老师"), target_text="A2目标")
    approved(MemberFactory(organisation=world.branch_b1, name="乙校老师"), target_text="乙校目标")

    for persona in ("teacher_a", "principal_a", "secretary_a2", "admin_a"):
        page = text(login(world, persona).get(reverse("pledge-wall", args=[world.branch_a1.pk])))
        assert "张的目标" in page and "李的目标" in page, persona
        assert "李的草稿" not in page and "A2目标" not in page and "乙校" not in page
        assert page.index(first.name) < page.index(last.name)  # by name, not by progress
        assert 'value="100"' in page  # the progress bar of the last one's pledge
        for ranking in ("排名", "排行", "名次", "Rank"):
            assert ranking not in page

    client = login(world, "secretary_b")
    assert client.get(reverse("pledge-wall", args=[world.branch_a1.pk])).status_code == 404
    assert client.get(reverse("pledge-wall-print", args=[world.branch_a1.pk])).status_code == 404
    page = text(client.get(reverse("pledge-wall", args=[world.branch_b1.pk])))
    assert "乙校目标" in page and "张的目标" not in page


def test_printable_wall_is_a4_without_navigation(world, login):
    approved(MemberFactory(organisation=world.branch_a1, name="张老师"), target_text="张的目标")
    page = text(
        login(world, "principal_a").get(reverse("pledge-wall-print", args=[world.branch_a1.pk]))
    )
    assert "张的目标" in page and "css/pledges-print" in page
    assert "main-nav" not in page and "<script" not in page


def test_wall_index_sends_a_member_to_her_own_branch(world, login):
    response = login(world, "teacher_a").get(reverse("pledge-wall-index"))
    assert response["Location"] == reverse("pledge-wall", args=[world.branch_a1.pk])
    page = text(login(world, "principal_a").get(reverse("pledge-wall-index")))
    assert "甲校第一党支部" in page and "甲校第二党支部" in page and "乙校" not in page


def test_my_pledges_and_the_member_dashboard_say_what_to_do_next(world, login):
    me = member_of(world.member_a)
    PledgeFactory(member=me, target_text="我的草稿")
    mine = approved(me, target_text="我的示范课")
    FulfilmentFactory(pledge=mine, status=EntryStatus.RETURNED, review_comment="补充照片")
    PledgeFactory(member=member_of(world.teacher_a), target_text="同事的承诺")
    client = login(world, "member_a")
    page = text(client.get(reverse("pledge-mine")))
    assert "我的草稿" in page and "我的示范课" in page and "同事的承诺" not in page
    assert "被退回的记录：1 条" in page
    page = text(client.get(reverse("dashboard")))
    assert "我的承诺" in page and "提交书记审批" in page and "修改被退回的记录" in page
    assert "待审批的承诺" not in page  # the secretary's panel is not hers


def test_secretary_dashboard_lists_what_awaits_her_and_nothing_of_other_branches(world, login):
    PledgeFactory(
        member=member_of(world.member_a), status=PledgeStatus.SUBMITTED, target_text="待批A1"
    )
    PledgeFactory(
        member=member_of(world.secretary_a2), status=PledgeStatus.SUBMITTED, target_text="待批A2"
    )
    entry_pledge = approved(member_of(world.teacher_a), target_text="待审记录A1")
    FulfilmentFactory(pledge=entry_pledge)
    page = text(login(world, "secretary_a").get(reverse("dashboard")))
    assert "待审批的承诺" in page and "待批A1" in page and "待审记录A1" in page
    assert "待批A2" not in page


def test_ledger_lists_the_branch_and_the_admin_chooses_a_branch(world, login):
    approved(member_of(world.member_a), target_text="一支部承诺")
    approved(member_of(world.secretary_a2), target_text="二支部承诺")
    page = text(login(world, "secretary_a").get(reverse("pledge-ledger")))
    assert "一支部承诺" in page and "二支部承诺" not in page
    assert (
        login(world, "secretary_a")
        .get(reverse("pledge-ledger"), {"branch": world.branch_a2.pk})
        .status_code
        == 404
    )
    page = text(
        login(world, "admin_a").get(reverse("pledge-ledger"), {"branch": world.branch_a2.pk})
    )
    assert "二支部承诺" in page and "一支部承诺" not in page


def test_ledger_export_is_an_xlsx_of_the_year(world, login):
    pledge = approved(member_of(world.member_a), target_text="=4 节示范课")
    FulfilmentFactory(pledge=pledge, amount=1, status=EntryStatus.ACCEPTED)
    PledgeFactory(member=member_of(world.member_a), year=YEAR - 1, target_text="去年的承诺")
    response = login(world, "secretary_a").get(reverse("pledge-ledger-export"), {"year": YEAR})
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "党员" and "量化目标" in rows[0]
    assert len(rows) == 2
    assert rows[1][3] == "'=4 节示范课"  # formula escaped
    assert rows[1][9] == 25


def test_appraisal_export_and_page(world, login):
    member = member_of(world.member_a)
    letter = LetterFactory(member=member)
    LetterItemFactory(letter=letter, max_score=Decimal("100"), score=Decimal("99.9"))
    Appraisal.objects.create(
        member=member, organisation=world.branch_a1, year=YEAR, review_grade=Grade.QUALIFIED
    )
    MemberFactory(organisation=world.branch_a1, stage=Stage.PROBATIONARY, name="预备党员乙")
    client = login(world, "secretary_a")
    page = text(client.get(reverse("appraisal-list")))
    assert "预备党员乙" in page and "预备党员：不评定等次" in page
    response = client.get(reverse("appraisal-export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[member.name][3] == 99.9 and by_name[member.name][5] == "合格"
    assert by_name[member.name][6] == "合格"
    assert by_name["预备党员乙"][5] == "预备党员：不评定等次"


def test_positive_list_is_edited_by_the_admin_only(world, login):
    client = login(world, "admin_a")
    page = text(client.get(reverse("category-list")))
    for name in ("教学示范", "结对帮扶", "志愿服务", "廉洁自律", "学习提升"):
        assert name in page
    response = client.post(reverse("category-list"), {"name": "", "position": "1"})
    assert "必填" in text(response)
    client.post(reverse("category-list"), {"name": "家校共育", "position": "6", "is_active": "on"})
    assert "家校共育" in text(client.get(reverse("category-list")))
    assert login(world, "secretary_a").get(reverse("category-list")).status_code == 403


def count_queries(client, url) -> int:
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_members(world, count):
    teaching = CategoryFactory(organisation=world.school_a, name="教学示范")
    helping = CategoryFactory(organisation=world.school_a, name="结对帮扶")
    for _ in range(count):
        member = MemberFactory(organisation=world.branch_a1)
        for category in (teaching, helping):
            pledge = approved(member, category=category)
            FulfilmentFactory(pledge=pledge, status=EntryStatus.ACCEPTED)
            FulfilmentFactory(pledge=pledge, status=EntryStatus.PENDING)
        PledgeFactory(member=member, status=PledgeStatus.SUBMITTED, category=teaching)
        LetterItemFactory(letter=LetterFactory(member=member), score=Decimal("40"))


@pytest.mark.parametrize(
    ("name", "persona", "args"),
    [
        ("pledge-wall", "teacher_a", True),
        ("pledge-wall-print", "principal_a", True),
        ("pledge-ledger", "secretary_a", False),
        ("appraisal-list", "secretary_a", False),
        ("letter-list", "secretary_a", False),
        ("dashboard", "secretary_a", False),
        ("dashboard", "member_a", False),
    ],
)
def test_query_count_does_not_grow_with_members(name, persona, args, world, login):
    client = login(world, persona)
    url = reverse(name, args=[world.branch_a1.pk] if args else [])
    mine = approved(member_of(world.member_a))
    FulfilmentFactory(pledge=mine, date=datetime.date(YEAR, 1, 2))
    add_members(world, 5)
    few = count_queries(client, url)
    add_members(world, 45)
    many = count_queries(client, url)
    assert few == many, f"{few} queries at 5 members, {many} at 50"
    # The dashboard carries every app's panels; its budget is the kernel's (test_pages.py).
    assert many <= (25 if name == "dashboard" else 16)
