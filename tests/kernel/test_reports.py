"""The PDF reports, checked as a reader would: poppler's pdftotext and pdffonts."""

from __future__ import annotations

import re
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assistance.models import Student
from assistance.reports import year_in_numbers
from branchwork import reports
from branchwork.models import Organisation, ReportFile
from meetings.models import Meeting, MeetingStatus
from meetings.selectors import compliance
from members.models import Member, Stage
from members.reports import basic_facts
from members.selectors import due_items
from tests.conftest import start_celery, stop_process, wait_for

YEAR = timezone.localdate().year


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_fonts(pdf: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return [line.split() for line in lines if line.strip()]


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())
    return {
        "school": Organisation.objects.get(slug="qsxx"),
        "branch": Organisation.objects.get(slug="qsxx-b1"),
    }


def assert_fonts_embedded_cjk(pdf, tmp_path):
    fonts = pdf_fonts(pdf, tmp_path)
    assert fonts
    for columns in fonts:
        name, emb = columns[0], columns[-5]
        assert emb == "yes", columns
        assert "CJK" in name, columns


def test_branch_and_school_reports_read_right(demo, tmp_path):
    students = list(Student.objects.values_list("name", flat=True))
    assert students, "the demo has students"
    for kind, organisation in (("branch", demo["branch"]), ("school", demo["school"])):
        pdf = reports.render_now(kind, organisation.pk, YEAR)
        text = pdf_text(pdf, tmp_path)
        heading = "支部年度工作报告" if kind == "branch" else "年度党建工作报告"
        for expected in (heading, "目录", "党员队伍基本情况", "“三会一课”及其他会议",
                         "“三重一大”决策事项", "党员结对帮扶", "承诺践诺与年度评议",
                         "发展党员工作", "存在的问题", organisation.name):  # fmt: skip
            assert expected in text, (kind, expected)
        pages = reports.page_count(pdf)
        assert pages >= 5
        assert f"第 2 页 共 {pages} 页" in text and f"第 {pages} 页 共 {pages} 页" in text
        assert_fonts_embedded_cjk(pdf, tmp_path)
        # Minors' names never appear in branch or school reports.
        leaked = [name for name in students if name in text]
        assert leaked == [], (kind, leaked)
        # The numbers printed are the selectors' numbers.
        members = (
            Member.objects.active().filter(organisation__path__startswith=organisation.path).count()
        )
        assert re.search(rf"{organisation.name}\s+(\d+\s+){{5}}{members}\b", text), kind
        held = len([
            m for m in compliance(organisation=organisation, year=YEAR,
                                  today=timezone.localdate()).meetings
            if m.status != MeetingStatus.PLANNED
        ])  # fmt: skip
        assert f"本年度共召开会议 {held} 次" in text, (kind, held)
        # The year's facts, one sentence per list (reports/_facts.html); a sentence may
        # wrap, so compare without white space.
        flat = re.sub(r"\s+", "", text)
        assistance = year_in_numbers(organisation, YEAR)
        assert f"本年走访与辅导次数{assistance['visits']}；" in flat, kind
        assert f"累计时长（小时）{assistance['hours']}。" in flat, kind
        changes = basic_facts(organisation, YEAR)["changes"]
        assert "；".join(f"{label}{count}" for label, count in changes) + "。" in flat, kind


def test_school_report_compares_the_branches_in_one_table(demo, tmp_path):
    """The principal's report: one row per branch with each chapter's figures, the school
    as a whole at the foot; the pipeline chapter counts school-wide and names nobody (the
    names are in each branch's report). The branch report has no comparison."""
    school, branch = demo["school"], demo["branch"]
    today = timezone.localdate()
    active = Member.objects.active()
    pipeline = active.exclude(stage=Stage.FULL)
    overdue = [
        item for item in due_items(organisation=school, start=today, end=today,
                                   include_overdue=True)
        if item.overdue
    ]  # fmt: skip
    in_school = pipeline.filter(organisation__path__startswith=school.path)
    assert in_school.exists() and overdue
    meetings = compliance(organisation=school, year=YEAR, today=today)
    text = pdf_text(reports.render_now("school", school.pk, YEAR), tmp_path)
    table = text[text.rindex("各支部对照") : text.rindex("工作总结、存在问题和下一步打算")]

    def row(label, *values):
        return re.search(r"\s+".join([re.escape(label), *map(str, values)]) + r"\b", table)

    held = len(meetings.branch(branch.pk).held_meetings)
    party = active.filter(organisation=branch, stage__in=[Stage.PROBATIONARY, Stage.FULL])
    in_branch = pipeline.filter(organisation=branch).count()
    overdue_branch = len([item for item in overdue if item.branch_id == branch.pk])
    assert row(branch.name, party.count(), held), table
    assert re.search(rf"{branch.name}.*\s{in_branch}\s+{overdue_branch}\n", table), table
    held_school = len([m for m in meetings.meetings if m.status != MeetingStatus.PLANNED])
    assert row("全校", active.filter(organisation__path__startswith=school.path,
                                   stage__in=[Stage.PROBATIONARY, Stage.FULL]).count(),
               held_school), table  # fmt: skip
    assert re.search(rf"全校.*\s{in_school.count()}\s+{len(overdue)}\n", table), table
    chapter = text[text.rindex("发展党员工作") : text.rindex("各支部对照")]
    flat = re.sub(r"\s+", "", chapter)
    assert f"在培养中{in_school.count()}；逾期事项{len(overdue)}。" in flat, chapter
    assert not [m.name for m in in_school if m.name in text]
    branch_text = pdf_text(reports.render_now("branch", branch.pk, YEAR), tmp_path)
    assert "各支部对照" not in branch_text
    names = list(pipeline.filter(organisation=branch).values_list("name", flat=True))
    assert names and all(name in branch_text for name in names)


def test_comparison_counts_a_branch_without_rows_as_zero_and_leaves_its_rate_blank(world):
    counted = reports.Compared("n", {world.branch_a1.pk: 3}, 3)
    rated = reports.Compared("r", {world.branch_a1.pk: 90}, 90, percent=True)
    table = reports.comparison(world.school_a, [{"compare": [counted]}, {"compare": [rated]}], 7)
    assert table["number"] == 7 and table["columns"] == [counted, rated]
    rows = {row["name"]: row["cells"] for row in table["rows"]}
    assert rows == {
        world.branch_a1.name: [(3, False), (90, True)],
        world.branch_a2.name: [(0, False), (None, True)],
    }  # another school's branches are not rows
    assert table["school"] == [(3, False), (90, True)]


def test_rendering_collects_less_often_then_restores_the_collector():
    import gc

    from branchwork.pdf import render_pdf

    before = gc.get_threshold()
    seen = {}

    def progress(percent, step):
        seen[step] = gc.get_threshold()

    context = {"title": "t", "running_title": "t", "body": "<p>正文</p>"}
    pdf = render_pdf("reports/plain.html", context, progress=progress)
    assert pdf.startswith(b"%PDF")
    assert seen["layout"] == before  # the template renders with the usual thresholds
    assert seen["write"][0] >= 50_000 and seen["write"][1:] == before[1:]
    assert gc.get_threshold() == before and gc.isenabled()


def test_member_record_and_minutes(demo, tmp_path):
    member = Member.objects.get(name="张慧敏")
    text = pdf_text(reports.render_now("member", member.pk, YEAR), tmp_path)
    assert "党员年度档案" in text and "张慧敏" in text and "参加组织生活情况" in text
    meeting = Meeting.objects.filter(status=MeetingStatus.HELD).first()
    pdf = reports.render_now("minutes", meeting.pk, YEAR)
    text = pdf_text(pdf, tmp_path)
    assert "会议记录" in text and meeting.title in text and "应到" in text
    assert_fonts_embedded_cjk(pdf, tmp_path)


@pytest.mark.celery
def test_generated_by_a_worker_with_progress_then_downloaded(
    world, tmp_path, login, transactional_db
):
    client = login(world, "secretary_a")
    worker = start_celery(tmp_path, "worker", "--pool=solo", "--without-heartbeat")
    try:
        assert wait_for(lambda: "ready." in worker.output(), 60), worker.output()
        response = client.post(
            reverse("report-generate"),
            {"kind": "branch", "subject": world.branch_a1.pk, "year": YEAR},
        )
        report = ReportFile.objects.get()
        assert response["Location"] == reverse("report-status", args=[report.pk])
        fragment = client.get(
            reverse("report-status", args=[report.pk]), HTTP_HX_REQUEST="true"
        ).content.decode()
        assert 'id="report-progress"' in fragment and "<html" not in fragment

        def done():
            report.refresh_from_db()
            return report.state in ("done", "failed")

        assert wait_for(done, 90), worker.output()[-3000:]
    finally:
        stop_process(worker.process)
    assert report.state == "done", report.error
    assert report.progress == 100 and report.pages >= 4
    page = client.get(reverse("report-status", args=[report.pk])).content.decode()
    assert reverse("report-download", args=[report.pk]) in page
    download = client.get(reverse("report-download", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # The principal may download it; a teacher of the branch and another school may not.
    by_principal = login(world, "principal_a").get(reverse("report-download", args=[report.pk]))
    assert by_principal.status_code == 200
    assert b"".join(by_principal.streaming_content).startswith(b"%PDF")
    assert (
        login(world, "teacher_a").get(reverse("report-download", args=[report.pk])).status_code
        == 404
    )
    assert (
        login(world, "secretary_b").get(reverse("report-download", args=[report.pk])).status_code
        == 404
    )


@pytest.mark.django_db
def test_regenerating_replaces_the_file_and_keeps_the_record(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = reports.request(kind="branch", subject_id=world.branch_a1.pk, year=YEAR,
                            user=world.secretary_a)  # fmt: skip
    assert reports.generate(first.pk) == "done"
    assert reports.generate(first.pk) == "not-claimed"  # a retried task renders nothing
    first.refresh_from_db()
    old_path = first.file.path
    second = reports.request(kind="branch", subject_id=world.branch_a1.pk, year=YEAR,
                             user=world.admin_a)  # fmt: skip
    reports.generate(second.pk)
    first.refresh_from_db()
    assert first.replaced and not first.file and first.created_by == world.secretary_a
    assert not (tmp_path / old_path).exists()
    assert ReportFile.objects.get(pk=second.pk).state == "done"


@pytest.mark.django_db
def test_who_may_ask_for_which_report(world):
    from django.http import Http404

    own = world.teacher_a.member
    other = world.member_a.member
    assert reports.request(kind="member", subject_id=own.pk, year=YEAR, user=world.teacher_a)
    with pytest.raises(Http404):
        reports.request(kind="member", subject_id=other.pk, year=YEAR, user=world.teacher_a)
    with pytest.raises(Http404):
        reports.request(kind="school", subject_id=world.school_a.pk, year=YEAR,
                        user=world.secretary_a)  # fmt: skip
    assert reports.request(kind="school", subject_id=world.school_a.pk, year=YEAR,
                           user=world.principal_a)  # fmt: skip
    with pytest.raises(Http404):
        reports.request(kind="branch", subject_id=world.branch_a1.pk, year=YEAR,
                        user=world.secretary_b)  # fmt: skip


@pytest.mark.django_db
def test_pregeneration_in_january_is_idempotent(world):
    import datetime

    january = datetime.date(YEAR + 1, 1, 2)
    assert reports.pregenerate_last_year(today=january) == 3  # A1, A2, B1
    assert reports.pregenerate_last_year(today=january) == 0
    assert set(ReportFile.objects.values_list("year", flat=True)) == {YEAR}
