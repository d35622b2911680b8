"""The members pages as each persona uses them, with their query costs."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members.models import Member, Post, Stage, Status
from members.services import set_posts
from tests.factories import MemberFactory
from tests.members.test_import import messy_rows, xlsx

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_roster_filters(world, login):
    a = MemberFactory(organisation=world.branch_a1, name="骨干甲", is_backbone_teacher=True)
    MemberFactory(organisation=world.branch_a1, name="普通乙")
    MemberFactory(organisation=world.branch_a1, name="积极丙", stage=Stage.ACTIVIST,
                  admission_date=None, full_membership_date=None)  # fmt: skip
    set_posts(member=a, posts=[Post.PROPAGANDA])
    client = login(world, "secretary_a")
    url = reverse("member-list")
    assert "骨干甲" in text(client.get(url, {"backbone": "1"}))
    assert "普通乙" not in text(client.get(url, {"backbone": "1"}))
    page = text(client.get(url, {"stage": "activist"}))
    assert "积极丙" in page and "骨干甲" not in page
    page = text(client.get(url, {"post": "propaganda"}))
    assert "骨干甲" in page and "普通乙" not in page
    assert "普通乙" in text(client.get(url, {"branch": str(world.branch_a1.pk), "stage": "bogus"}))


def test_archived_members_leave_the_roster_but_not_the_database(world, login):
    MemberFactory(organisation=world.branch_a1, name="已转出", status=Status.TRANSFERRED_OUT)
    client = login(world, "secretary_a")
    assert "已转出" not in text(client.get(reverse("member-list")))
    assert "已转出" in text(client.get(reverse("member-list"), {"status": "transferred_out"}))


def test_profile_masks_the_id_card_except_for_secretary_and_admin(world, login):
    member = MemberFactory(organisation=world.branch_a1, id_card="500103198503020021")
    url = reverse("member-detail", args=[member.pk])
    assert "500103198503020021" in text(login(world, "secretary_a").get(url))
    assert "500103198503020021" in text(login(world, "admin_a").get(url))
    page = text(login(world, "teacher_a").get(url))
    assert "500103198503020021" not in page and "5001**********0021" in page
    assert "编辑" not in page  # no edit button for teachers


def test_secretary_creates_advances_and_sees_the_timeline(world, login):
    client = login(world, "secretary_a")
    today = timezone.localdate()
    response = client.post(
        reverse("member-create"),
        {"name": "新申请人", "organisation": world.branch_a1.pk, "stage": "applicant",
         "application_date": (today - datetime.timedelta(days=40)).isoformat(),
         "training_hours": 0},
    )  # fmt: skip
    member = Member.objects.get(name="新申请人")
    assert response.status_code == 302 and response["Location"].endswith(f"/{member.pk}/")
    response = client.post(
        reverse("member-advance", args=[member.pk]),
        {"date": today.isoformat(), "basis": "支委会研究确定"},
    )
    assert response.status_code == 302
    page = text(client.get(reverse("member-detail", args=[member.pk])))
    assert "支委会研究确定" in page and "入党积极分子" in page


def test_a_refused_move_is_shown_on_the_form_and_changes_nothing(world, login):
    recently = timezone.localdate() - datetime.timedelta(days=30)
    member = MemberFactory(
        organisation=world.branch_a1, stage=Stage.ACTIVIST, admission_date=None,
        full_membership_date=None, activist_date=recently,
    )  # fmt: skip
    response = login(world, "secretary_a").post(
        reverse("member-advance", args=[member.pk]),
        {"date": timezone.localdate().isoformat(), "basis": "支部大会"},
    )
    assert response.status_code == 200
    assert "至少培养 12 个月" in text(response)
    assert Member.objects.get(pk=member.pk).stage == Stage.ACTIVIST


def test_create_form_offers_only_the_users_branches(world, login):
    page = text(login(world, "secretary_a").get(reverse("member-create")))
    assert world.branch_a1.name in page and world.branch_a2.name not in page
    response = login(world, "secretary_a").post(
        reverse("member-create"),
        {"name": "越权", "organisation": world.branch_a2.pk, "stage": "applicant",
         "training_hours": 0},
    )  # fmt: skip
    assert response.status_code == 200 and not Member.objects.filter(name="越权").exists()


def test_web_import_previews_then_confirms(world, login):
    client = login(world, "admin_a")
    upload = SimpleUploadedFile("名册.xlsx", xlsx(messy_rows(world)))
    response = client.post(reverse("member-import"), {"file": upload, "school": world.school_a.pk})
    page = text(response)
    assert "新增" in page and "确认导入" in page
    assert not Member.objects.filter(name="李明").exists()
    batch = response.context["batch"]
    response = client.post(reverse("member-import-confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert Member.objects.filter(name="李明").exists()
    # Confirming twice does nothing more.
    client.post(reverse("member-import-confirm", args=[batch.pk]))
    assert Member.objects.filter(name="李明").count() == 1
    # Another user cannot confirm someone else's upload.
    other = login(world, "secretary_a")
    assert other.post(reverse("member-import-confirm", args=[batch.pk])).status_code == 404


def test_web_import_with_errors_lists_them_by_row_and_column(world, login):
    rows = messy_rows(world)
    rows[2][2] = "1992年13月1日"
    upload = SimpleUploadedFile("名册.xlsx", xlsx(rows))
    page = text(
        login(world, "admin_a").post(
            reverse("member-import"), {"file": upload, "school": world.school_a.pk}
        )
    )
    assert "未导入任何数据" in page and "出生日期" in page and "确认导入" not in page


def test_export_xlsx_for_secretary(world, login):
    MemberFactory(organisation=world.branch_a1, name="导出者", phone="13911112222")
    MemberFactory(organisation=world.branch_a2, name="别的支部")
    response = login(world, "secretary_a").get(reverse("member-export"))
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    values = [c.value for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()
              for c in row]  # fmt: skip
    assert "导出者" in values and "13911112222" in values and "别的支部" not in values


@pytest.mark.parametrize(
    ("name", "persona"),
    [("member-list", "secretary_a"), ("member-list", "teacher_a"),
     ("member-pipeline", "secretary_a"), ("member-pipeline", "admin_a")],
)  # fmt: skip
def test_query_count_does_not_grow_with_rows(name, persona, world, login):
    client = login(world, persona)
    url = reverse(name)

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for stage in (Stage.FULL, Stage.ACTIVIST, Stage.APPLICANT, Stage.PROBATIONARY):
            batch = MemberFactory.create_batch(
                n, organisation=world.branch_a1, group=world.group_a1, stage=stage,
                application_date=datetime.date(2026, 1, 1), activist_date=datetime.date(2026, 2, 1),
            )  # fmt: skip
            for member in batch:
                set_posts(member=member, posts=[Post.GROUP_LEADER])

    add(5)
    few = count()
    add(45)
    many = count()
    assert few == many, f"{few} queries at 5 rows per stage, {many} at 50"
    assert many <= 12
