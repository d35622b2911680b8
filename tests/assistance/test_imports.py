"""Students and pairings from xlsx: every row checked first, errors by row and column in
Chinese, any error changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from assistance.models import Pairing, Student
from tests.assistance.factories import PairingFactory, StudentFactory
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("名单.xlsx", buffer.getvalue())


STUDENT_HEADER = ["姓名", "性别", "年级", "班级", "学年", "监护人", "监护人电话", "家庭情况"]


def upload(client, kind, file):
    from branchwork.models import Organisation

    school = Organisation.objects.get(slug="school-a")
    return client.post(
        reverse("student-import" if kind == "students" else "pairing-import"),
        {"file": file, "school": school.pk},
    )


def confirm(client, kind, response):
    batch = response.context["batch"]
    return client.post(reverse("assistance-import-confirm", args=[batch.pk]))


def test_student_import_previews_then_writes_everything(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(world, "secretary_a")
    file = xlsx(
        [
            STUDENT_HEADER,
            ["王小明", "男", "四年级", "2班", "2025-2026", "王奶奶", "13800000001", "留守"],
            ["李小红", "女", 5, 1, "2025-2026", "", "", ""],
        ]
    )
    response = upload(client, "students", file)
    page = response.content.decode()
    assert response.context["batch"].outcome["errors"] == []
    assert "预览" in page and "王小明" in page
    assert not Student.objects.exists()  # phase 1 writes nothing
    response = confirm(client, "students", response)
    assert response.status_code == 302
    student = Student.objects.get(name="王小明")
    assert (student.grade, student.class_number, student.gender) == (4, 2, "M")
    assert student.school == world.school_a
    assert Student.objects.count() == 2


def test_student_import_with_one_bad_row_changes_nothing(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    StudentFactory(school=world.school_a, name="已存在", grade=3, class_number=1)
    client = login(world, "secretary_a")
    file = xlsx(
        [
            STUDENT_HEADER,
            ["王小明", "男", 4, 2, "2025-2026", "", "", ""],
            ["李小红", "未知", "十三", 1, "2025-2026", "", "", ""],
            ["", "", 4, 1, "2025-2026", "", "", ""],
        ]
    )
    response = upload(client, "students", file)
    page = response.content.decode()
    assert "没有导入任何数据" in page or "未导入" in page
    errors = response.context["batch"].outcome["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {(3, "性别"), (3, "年级"), (4, "姓名")}
    assert "不能为空" in page
    assert Student.objects.count() == 1


def test_pairing_import_checks_the_limit_across_the_file(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    teacher = world.teacher_a.member
    PairingFactory(mentor=teacher, student__school=world.school_a)
    for name in ("甲", "乙"):
        StudentFactory(school=world.school_a, name=name, grade=4, class_number=2)
    header = ["学生姓名", "年级", "班级", "帮扶党员", "开始日期", "帮扶原因", "帮扶目标"]
    client = login(world, "secretary_a")
    rows = [
        header,
        ["甲", 4, 2, teacher.name, "2025年9月1日", "学习困难", "及格"],
        ["乙", 4, 2, teacher.name, "2025-09-01", "心理", "开朗"],
    ]
    response = upload(client, "pairings", xlsx(rows))
    errors = response.context["batch"].outcome["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(3, "帮扶党员")]
    assert "已达上限" in errors[0]["message"]
    assert Pairing.objects.count() == 1

    other = MemberFactory(organisation=world.branch_a1, name="另一位党员")
    rows[2][3] = other.name
    response = upload(client, "pairings", xlsx(rows))
    assert response.context["batch"].outcome["errors"] == []
    response = confirm(client, "pairings", response)
    assert response.status_code == 302
    assert Pairing.objects.active().filter(student__name__in=["甲", "乙"]).count() == 2
    assert Pairing.objects.get(student__name="乙").mentor == other


def test_pairing_import_refuses_unknown_students_and_other_branches_mentors(
    world, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    StudentFactory(school=world.school_a, name="甲", grade=4, class_number=2)
    header = ["学生姓名", "年级", "班级", "帮扶党员", "开始日期", "帮扶原因", "帮扶目标"]
    rows = [
        header,
        ["不存在", 4, 2, world.teacher_a.member.name, "2025-09-01", "学习困难", "g"],
        ["甲", 4, 2, world.secretary_a2.member.name, "2025-09-01", "学习困难", "g"],
        ["甲", 4, 2, world.teacher_a.member.name, "2025-13-01", "偷懒", "g"],
    ]
    response = upload(login(world, "secretary_a"), "pairings", xlsx(rows))
    errors = {(e["row"], e["column"]) for e in response.context["batch"].outcome["errors"]}
    assert errors == {(2, "学生姓名"), (3, "帮扶党员"), (4, "开始日期"), (4, "帮扶原因")}
    assert not Pairing.objects.exists()


def test_import_refuses_a_file_that_is_not_a_spreadsheet(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    file = SimpleUploadedFile("x.xlsx", b"hello")
    response = upload(login(world, "secretary_a"), "students", file)
    assert "不是电子表格" in response.content.decode() or "不是" in response.content.decode()
    assert not Student.objects.exists()
