"""Importing real, messy spreadsheets: two phases, all or nothing, idempotent."""

from __future__ import annotations

import datetime
import io
import subprocess
import sys

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from members import services
from members.models import Member, MemberPost, Stage, StageChange
from members.resources import RosterExporter
from tests.conftest import ROOT, _test_database_url
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "性别", "出生日期", "所在支部", "党小组", "人员类别", "申请入党时间",
          "确定积极分子时间", "入党时间", "转正时间", "职称", "任教学科", "联系电话", "党内职务",
          "骨干教师"]  # fmt: skip


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def messy_rows(world):
    a1, g1 = world.branch_a1.name, world.group_a1.name
    return [
        # Every date form a real sheet holds, full-width and trailing spaces, stage words.
        ["王\u3000芳 ", "女", "1985-03-02", a1, g1, "正式党员", None, None, "2009-07-01",
         "2010/7/1", "一级教师", "语文", "13900000001", "组织委员", "是"],
        ["李明", " 男", "1990/4/5", a1 + " ", "", "预备党员", "2019.07.01", "2020年7月1日",
         datetime.datetime(2026, 1, 10), None, "二级教师", "数学", "13900000002", "", "否"],
        ["赵 丽", "女", datetime.date(1992, 12, 1), a1, None, "入党积极分子", "2025年1月5日",
         "2025.03.01", None, None, None, "英语", None, None, None],
        ["孙强", "男", 33000, a1, g1, "申请人", "２０２６-０９-０１", None, None, None, None,
         "体育", None, None, None],
    ]  # fmt: skip


def run(world, data, *, commit=True, filename="名册.xlsx", user=None):
    return services.import_members(
        data=data, filename=filename, school=world.school_a,
        user=user or world.admin_a, commit=commit,
    )  # fmt: skip


def test_messy_spreadsheet_imports_every_date_form(world):
    result = run(world, xlsx(messy_rows(world)))
    assert result.errors == [] and result.committed
    assert (result.created, result.updated) == (4, 0)
    wang = Member.objects.get(name="王 芳")
    assert wang.birth_date == datetime.date(1985, 3, 2)
    assert wang.admission_date == datetime.date(2009, 7, 1)
    assert wang.full_membership_date == datetime.date(2010, 7, 1)
    assert wang.group == world.group_a1 and wang.stage == Stage.FULL
    assert list(wang.posts.values_list("post", flat=True)) == ["organisation"]
    assert wang.is_backbone_teacher is True
    li = Member.objects.get(name="李明")
    assert li.organisation == world.branch_a1 and li.gender == "M"
    assert li.application_date == datetime.date(2019, 7, 1)
    assert li.activist_date == datetime.date(2020, 7, 1)
    assert li.admission_date == datetime.date(2026, 1, 10)  # an Excel date cell
    assert Member.objects.get(name="赵 丽").birth_date == datetime.date(1992, 12, 1)
    sun = Member.objects.get(name="孙强")
    assert sun.birth_date == datetime.date(1990, 5, 7)  # Excel serial 33000
    assert sun.application_date == datetime.date(2026, 9, 1)  # full-width digits
    assert sun.stage == Stage.APPLICANT
    # History and timeline rows for rows written by the import.
    record = wang.history.get()
    assert record.history_user == world.admin_a
    assert record.history_change_reason == "表格导入"
    assert StageChange.objects.filter(member__in=[wang, li, sun]).count() == 3


def test_one_bad_row_changes_nothing_and_every_error_is_reported(world):
    rows = messy_rows(world)
    rows.append(["坏日期", "女", "1990-13-45", world.branch_a1.name, None, "正式党员", None,
                 None, "2010-07-01", None, None, None, None, None, None])  # fmt: skip
    rows.append(["无此支部", "男", "1980-01-01", "第九支部", None, "党员", None, None,
                 "2001-07-01", None, None, None, None, None, None])  # fmt: skip
    rows.append(["错类别", "男", "1980-01-01", world.branch_a1.name, None, "群众", None,
                 None, None, None, None, None, None, None, None])  # fmt: skip
    before = Member.objects.count()
    with translation.override("zh-hans"):
        result = run(world, xlsx(rows))
    assert not result.committed
    assert Member.objects.count() == before
    errors = {(e.row, e.column): e.message for e in result.errors}
    assert set(errors) == {(6, "出生日期"), (7, "所在支部"), (8, "人员类别")}
    assert "不是日期" in errors[(6, "出生日期")]
    assert "第九支部" in errors[(7, "所在支部")]
    assert "群众" in errors[(8, "人员类别")]


def test_reimporting_the_same_file_updates_instead_of_duplicating(world):
    data = xlsx(messy_rows(world))
    run(world, data)
    before = Member.objects.count()
    history_before = Member.history.count()
    again = run(world, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert Member.objects.count() == before
    assert Member.history.count() == history_before
    # A changed cell updates the person it matches.
    rows = messy_rows(world)
    rows[0][11] = "道德与法治"
    changed = run(world, xlsx(rows))
    assert (changed.created, changed.updated) == (0, 1)
    assert Member.objects.get(name="王 芳").subject == "道德与法治"
    assert Member.objects.count() == before


def test_import_may_not_move_or_promote_existing_members(world):
    run(world, xlsx(messy_rows(world)))
    rows = messy_rows(world)
    rows[1][5] = "正式党员"  # 李明 is probationary: 转正 goes through the pipeline's rules
    with translation.override("zh-hans"):
        result = run(world, xlsx(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "人员类别")]
    assert Member.objects.get(name="李明").stage == Stage.PROBATIONARY


def test_secretary_imports_only_into_her_branch(world):
    rows = [["外支部人", "女", "1985-03-02", world.branch_a2.name, None, "正式党员", None, None,
             "2009-07-01", None, None, None, None, None, None]]  # fmt: skip
    result = run(world, xlsx(rows), user=world.secretary_a)
    assert len(result.errors) == 1 and not result.committed


def test_duplicate_rows_within_a_file_are_errors(world):
    rows = messy_rows(world)
    rows.append(list(rows[0]))
    result = run(world, xlsx(rows))
    assert [(e.row, e.column) for e in result.errors] == [(6, "姓名")]


def test_csv_in_gbk_with_synonym_headers(world):
    header = "名字,支部,政治面貌,入党日期,出生年月\n"
    text = header + f"陈红,{world.branch_a1.name},正式党员,2001年7月1日,1978/2/3\n"
    result = run(world, text.encode("gb18030"), filename="roster.csv")
    assert result.errors == [] and result.created == 1
    assert Member.objects.get(name="陈红").admission_date == datetime.date(2001, 7, 1)


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.xlsx", "空"),
        (b"%PDF-1.4 not a sheet", "a.pdf", "不是电子表格"),
        (b"PK\x03\x04broken zip", "a.xlsx", "无法读取"),
        ("姓名,所在支部\n".encode(), "a.csv", "人员类别"),
        ("姓名,所在支部,人员类别\n".encode(), "a.csv", "没有数据"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_clearly(world, data, filename, message):
    from branchwork.imports import FileRefused

    before = Member.objects.count()
    with translation.override("zh-hans"):
        try:
            result = run(world, data, filename=filename)
        except FileRefused as exc:
            text = " ".join(exc.messages)
        else:
            text = " ".join(e.message for e in result.errors)
            assert not result.committed
    assert message in text
    assert Member.objects.count() == before


def test_row_limit(world, monkeypatch):
    from members.resources import MemberImporter

    monkeypatch.setattr(MemberImporter, "max_rows", 3)
    with translation.override("zh-hans"):
        result = run(world, xlsx(messy_rows(world)))
    assert not result.committed and "超过 3 行" in result.errors[0].message


def test_export_escapes_formulas_and_reimports(world):
    MemberFactory(organisation=world.branch_a1, name="=HYPERLINK(\"http://evil\")",
                  subject="+SUM(1)", birth_date=datetime.date(1980, 1, 1))  # fmt: skip
    exporter = RosterExporter(
        Member.objects.filter(organisation=world.branch_a1).order_by("name"),
        with_private=True, day=datetime.date(2026, 11, 21),
    )  # fmt: skip
    sheet = load_workbook(io.BytesIO(exporter.render("xlsx"))).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://evil")' in values and "'+SUM(1)" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+")) for v in values)
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["姓名", "性别", "出生日期"] and "所在支部" in header
    # The export is a valid import file: re-importing it changes nothing.
    before = Member.objects.count()
    result = run(world, exporter.render("xlsx"))
    assert result.errors == [] and result.created == 0 and Member.objects.count() == before


def test_export_without_private_columns_for_committee_members(world):
    exporter = RosterExporter(Member.objects.all(), with_private=False, day=datetime.date.today())
    assert "联系电话" not in exporter.header() and "出生日期" not in exporter.header()


@pytest.mark.django_db(transaction=True)
def test_management_command_dry_run_and_errors(world, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(messy_rows(world)))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([["某人", "女", "1985-03-02", "不存在支部", None, "正式党员", None, None,
                          "2009-07-01", None, None, None, None, None, None]]))  # fmt: skip

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", "import_members", *args],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
            env={**__import__("os").environ, "DATABASE_URL": _test_database_url()},
        )  # fmt: skip

    before = Member.objects.count()
    dry = manage(str(good), "--organisation", "school-a", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "4 new" in dry.stdout and Member.objects.count() == before
    failed = manage(str(bad), "--organisation", "school-a")
    assert failed.returncode != 0 and "第 2 行 [所在支部]" in failed.stderr
    assert Member.objects.count() == before
    real = manage(str(good), "--organisation", "school-a")
    assert real.returncode == 0, real.stderr
    assert Member.objects.count() == before + 4
    assert MemberPost.objects.filter(member__name="王 芳").exists()
