"""Journey 1: a branch secretary at a desktop (1366×768, zh-hans) runs a 支委会 from plan to
paper: attendance with one 请假, minutes, a 三重一大 decision, a photo, the compliance
dashboard, the 三会一课台账 and the printable record."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from meetings.models import Attachment, Decision, Meeting, MeetingStatus
from tests.browser.support import (
    check_accessibility,
    check_focus_visible,
    check_no_english,
    chromium,
    log_in,
    new_page,
    orm,
    screenshot,
)

TITLE = "十一月支委会：研究发展对象推荐人选"
MINUTES = "会议由王书记主持，讨论了发展对象推荐人选，一致同意推荐两名同志。"
DECISION = "同意学校食堂改造项目预算报党委会审议"
LEAVE_REASON = "外出参加市级骨干教师培训"


def photo(path) -> None:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())


def committee_period(page, day: datetime.date):
    """The 支委会 row's cell for the month of `day` on the compliance dashboard."""
    row = page.locator("table.compliance tbody tr").filter(
        has=page.locator("th", has_text="支委会")
    )
    return row.locator(f'li[title^="{day:%Y-%m}-01 "]')


def test_secretary_runs_a_committee_meeting_from_plan_to_ledger(
    transactional_db, world, live_static, live_server, tmp_path
):
    base = live_server.url
    branch = world.branch_a1
    next_week = timezone.localtime() + datetime.timedelta(days=7)
    names = {"secretary_a", "member_a", "teacher_a"}
    attendees = {f"{name}-成员" for name in names}
    picture = tmp_path / "会场照片.jpg"
    photo(picture)

    with chromium() as browser:
        page = new_page(browser)
        log_in(page, base, "secretary_a")
        check_accessibility(page)
        check_no_english(page, allowed=names)
        check_focus_visible(page)
        screenshot(page, "secretary-dashboard")

        # Plan the meeting for next week; the branch's members are expected by default.
        page.get_by_role("navigation").get_by_role("link", name="会议", exact=True).click()
        page.get_by_role("link", name="安排会议").click()
        expect(page.locator("h1")).to_have_text("安排会议")
        check_accessibility(page)
        check_no_english(page, allowed=names)
        page.get_by_label("组织架构").select_option(label=branch.name)
        page.get_by_label("会议类型").select_option(label="支委会")
        page.get_by_label("标题").fill(TITLE)
        page.get_by_label("开始时间").fill(next_week.strftime("%Y-%m-%dT15:00"))
        page.get_by_label("地点").fill("行政楼三楼党员活动室")
        screenshot(page, "secretary-plan-meeting")
        page.locator("form.meeting-form").get_by_role("button", name="保存").click()
        expect(page.locator("h1")).to_contain_text(TITLE)
        expect(page.locator("h1 .status")).to_have_text("计划中")
        attendee_table = page.locator("table.roster")
        for name in attendees:
            expect(attendee_table).to_contain_text(name)
        meeting_url = page.url
        meeting_id = int(re.search(r"/meetings/(\d+)/", meeting_url).group(1))

        # A week passes. The server's clock cannot move, so the meeting's start moves to
        # a few minutes ago instead: the meeting has now taken place.
        held_at = timezone.now() - datetime.timedelta(minutes=5)
        orm(lambda: Meeting.objects.filter(pk=meeting_id).update(starts_at=held_at))
        held_day = timezone.localtime(held_at).date()

        page.goto(f"{base}/meetings/compliance/?org={branch.pk}")
        expect(committee_period(page, held_day)).to_be_visible()
        expect(committee_period(page, held_day)).not_to_have_class(re.compile(r"pstat-done"))

        # Attendance: one member on leave with a reason, the rest present.
        page.goto(meeting_url)
        page.locator("main p.actions").get_by_role("link", name="出勤", exact=True).click()
        expect(page.locator("h1")).to_have_text("出勤")
        page.get_by_label("出勤：member_a-成员").select_option(label="请假")
        page.get_by_label("原因：member_a-成员").fill(LEAVE_REASON)
        page.get_by_label("未登记的人员一律记为出席").check()
        check_accessibility(page)
        check_no_english(page, allowed=names)
        screenshot(page, "secretary-attendance")
        page.get_by_role("button", name="保存出勤").click()
        expect(page.locator("main .facts")).to_contain_text("请假 1 人")

        # Minutes, then a 三重一大 decision, then a photo of the meeting.
        page.get_by_role("link", name="编辑/填写纪要").click()
        page.get_by_label("会议纪要").fill(MINUTES)
        check_accessibility(page)
        page.locator("form.meeting-form").get_by_role("button", name="保存").click()
        expect(page.locator("main")).to_contain_text(MINUTES)

        decision_form = page.locator("form[action$='/decisions/']")
        decision_form.get_by_label("决定").fill(DECISION)
        decision_form.get_by_label("三重一大").select_option(label="重大项目安排")
        decision_form.get_by_role("button", name="添加决议事项").click()
        expect(page.locator("ul.decisions")).to_contain_text(DECISION)
        expect(page.locator("ul.decisions")).to_contain_text("重大项目安排")

        upload_form = page.locator("form[action$='/attachments/']")
        upload_form.get_by_label("类型").select_option(label="照片")
        upload_form.get_by_label("文件").set_input_files(picture)
        upload_form.get_by_role("button", name="上传").click()
        expect(page.locator("main")).to_contain_text("会场照片.jpg")

        page.get_by_role("button", name="标记为已召开").click()
        expect(page.locator("h1 .status")).to_have_text("已召开")
        check_accessibility(page)
        check_no_english(page, allowed=names | {"jpg"})
        screenshot(page, "secretary-meeting-held")

        # The compliance dashboard turns the month to done.
        page.get_by_role("navigation").get_by_role("link", name="三会一课落实情况").click()
        page.get_by_label("组织架构").select_option(label=branch.name)
        page.get_by_role("button", name="查看").click()
        expect(committee_period(page, held_day)).to_have_class(re.compile(r"pstat-done"))
        check_accessibility(page)
        check_no_english(page, allowed=names)
        screenshot(page, "secretary-compliance")

        # The 三会一课台账 as a spreadsheet.
        page.get_by_role("navigation").get_by_role("link", name="会议", exact=True).click()
        with page.expect_download() as download_info:
            page.get_by_role("link", name="下载台账（xlsx）").click()
        download = download_info.value
        ledger = tmp_path / "ledger.xlsx"
        download.save_as(ledger)

        # The printable record, for the paper archive.
        page.goto(meeting_url)
        page.get_by_role("link", name="打印会议记录").click()
        printed = page.locator("body")
        for expected in (TITLE, MINUTES, DECISION, LEAVE_REASON, "请假"):
            expect(printed).to_contain_text(expected)
        check_accessibility(page)
        check_no_english(page, allowed=names)
        screenshot(page, "secretary-minutes-print")

    assert download.suggested_filename.endswith(".xlsx")
    assert ledger.read_bytes()[:2] == b"PK"  # an OOXML zip, not an HTML error page
    sheet = openpyxl.load_workbook(ledger, read_only=True).active
    rows = [[str(cell) for cell in row if cell is not None] for row in sheet.values]
    ours = [row for row in rows if TITLE in row]
    assert len(ours) == 1, rows
    assert "支委会" in ours[0] and any("member_a-成员" in cell for cell in ours[0]), ours

    meeting = Meeting.objects.get(pk=meeting_id)
    assert meeting.status == MeetingStatus.HELD and MINUTES in meeting.minutes
    assert Decision.objects.get(meeting=meeting).category == "major_project"
    attachment = Attachment.objects.get(meeting=meeting)
    assert (attachment.kind, attachment.original_name) == ("photo", "会场照片.jpg")
