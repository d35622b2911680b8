"""Journey 2: a teacher on her phone (375×812) records a home visit through a dropped
connection, then checks in to a meeting from its QR code link."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from assistance.models import Visit
from meetings import services as meeting_services
from meetings.models import AttendanceRecord, AttendanceStatus, MeetingType
from tests.assistance.factories import PairingFactory, StudentFactory, VisitFactory
from tests.browser.support import (
    PHONE,
    check_accessibility,
    check_focus_visible,
    check_no_english,
    chromium,
    log_in,
    new_page,
    screenshot,
)

NOTE = "村里家访：奶奶说孩子每天写作业到九点。"


def fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


def test_teacher_records_a_home_visit_offline_then_checks_in_by_qr(
    transactional_db, world, live_static, live_server
):
    student = StudentFactory(school=world.school_a, name="李小明", guardian_phone="13811112222")
    pairing = PairingFactory(mentor=world.teacher_a.member, student=student)
    VisitFactory(pairing=pairing, content="家访：奶奶说孩子晚上看电视到十点")
    meeting = meeting_services.plan_meeting(
        organisation=world.branch_a1,
        meeting_type=MeetingType.THEME_DAY,
        title="十一月主题党日",
        starts_at=timezone.now() - datetime.timedelta(minutes=10),
        place="三楼会议室",
        by=world.secretary_a,
    )
    names = {"teacher_a", "secretary_a", "member_a"}
    base = live_server.url

    with chromium() as browser:
        page = new_page(browser, phone=True)
        log_in(page, base, "teacher_a")
        expect(page.locator(".my-pairings")).to_contain_text("李小明")
        fits_the_phone(page)
        check_accessibility(page)
        check_no_english(page, allowed=names)
        check_focus_visible(page)
        screenshot(page, "teacher-phone-dashboard")

        page.locator(".my-pairings a.record-visit").click()  # tap 1 (tap 2 is "save")
        form = page.locator("form[data-draft-key]")
        expect(form).to_be_visible()
        form_url = page.url
        fits_the_phone(page)
        check_accessibility(page)
        check_no_english(page, allowed=names)
        page.get_by_label("类型").select_option("home_visit")
        page.get_by_label("时长（分钟）").fill("45")
        page.get_by_label("走访内容").fill(NOTE)

        page.context.set_offline(True)
        form.get_by_role("button", name="保存").click()
        status = page.locator(".draft-status.error")
        expect(status).to_contain_text("没有网络")
        expect(page.get_by_label("走访内容")).to_have_value(NOTE)
        screenshot(page, "teacher-phone-visit-offline")

        page.context.set_offline(False)
        page.reload()  # even a reload keeps the note (a localStorage draft)
        expect(page.get_by_label("走访内容")).to_have_value(NOTE)
        form.get_by_role("button", name="保存").click()
        expect(page).to_have_url(re.compile(r".*/pairings/\d+/\?saved=visit$"))
        expect(page.locator("main")).to_contain_text(NOTE)
        fits_the_phone(page)
        screenshot(page, "teacher-phone-visit-saved")

        page.goto(form_url)
        expect(page.get_by_label("走访内容")).to_have_value("")  # the draft is gone once saved

        # The QR code on the secretary's screen is a link; the phone's camera opens it. Its
        # token lives two minutes: made now (signing only, no database), as the screen does.
        token = meeting_services.checkin_token(meeting)
        page.goto(f"{base}/meetings/{meeting.pk}/scan/{token}/")
        expect(page.locator("h1")).to_have_text("签到")
        fits_the_phone(page)
        check_accessibility(page)
        check_no_english(page, allowed=names)
        page.get_by_role("button", name="确认签到").click()
        expect(page.locator("main .message")).to_contain_text("签到成功")
        screenshot(page, "teacher-phone-checked-in")

    visit = Visit.objects.get(content=NOTE)
    assert (visit.pairing_id, visit.kind, visit.duration_minutes) == (pairing.pk, "home_visit", 45)
    assert visit.recorded_by == world.teacher_a
    record = AttendanceRecord.objects.get(meeting=meeting, member=world.teacher_a.member)
    assert record.status == AttendanceStatus.PRESENT and record.checked_in_at is not None
