"""Journey 4: the secretary of another school types the first school's addresses into her
browser and gets "not found" for every one; lists and the compliance page show her own
school only."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from branchwork.models import ReportFile
from meetings.models import AttendanceRecord
from tests.assistance.factories import PairingFactory, StudentFactory, VisitFactory
from tests.browser.support import (
    check_accessibility,
    check_no_english,
    chromium,
    log_in,
    new_page,
    screenshot,
)
from tests.meetings.factories import DecisionFactory, MeetingFactory
from tests.pledges.factories import PledgeFactory

SECRET_TITLE = "甲校支委会：研究干部任用"


def school_a_addresses(world) -> list[str]:
    meeting = MeetingFactory(organisation=world.branch_a1, title=SECRET_TITLE)
    AttendanceRecord.objects.create(meeting=meeting, member=world.member_a.member)
    decision = DecisionFactory(meeting=meeting)
    student = StudentFactory(school=world.school_a, name="李小明")
    pairing = PairingFactory(mentor=world.teacher_a.member, student=student)
    VisitFactory(pairing=pairing)
    pledge = PledgeFactory(member=world.member_a.member)
    report = ReportFile.objects.create(
        kind="branch",
        subject_id=world.branch_a1.pk,
        organisation=world.branch_a1,
        year=timezone.localdate().year,
        title="甲校第一党支部年度工作报告",
        state=ReportFile.State.DONE,
        progress=100,
    )
    report.file.save("a1.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    member = world.member_a.member
    return [
        f"/organisations/{world.school_a.pk}/",
        f"/members/{member.pk}/",
        f"/members/{member.pk}/edit/",
        f"/members/{member.pk}/record/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/edit/",
        f"/meetings/{meeting.pk}/attendance/",
        f"/meetings/{meeting.pk}/check-in/",
        f"/meetings/{meeting.pk}/print/",
        f"/meetings/decisions/{decision.pk}/delete/",
        f"/assistance/students/{student.pk}/",
        f"/assistance/pairings/{pairing.pk}/",
        f"/assistance/pairings/{pairing.pk}/visit/",
        f"/pledges/{pledge.pk}/",
        f"/pledges/wall/{world.branch_a1.pk}/",
        f"/reports/{report.pk}/",
        f"/reports/{report.pk}/download/",
        f"/reports/narrative/{world.branch_a1.pk}/{timezone.localdate().year}/",
    ]


def test_another_schools_secretary_cannot_reach_school_a_by_url(
    transactional_db, world, live_static, live_server, client
):
    addresses = school_a_addresses(world)
    # The addresses are right: school A's admin opens every one of them.
    client.force_login(world.admin_a)
    expected = {path: 302 if path.endswith("/delete/") else 200 for path in addresses}
    seen = {}
    for path in addresses:
        response = client.get(path)
        seen[path] = response.status_code
        response.close()  # the download's file
    assert seen == expected
    base = live_server.url

    with chromium() as browser:
        page = new_page(browser)
        log_in(page, base, "secretary_b")
        for number, path in enumerate(addresses):
            response = page.goto(base + path)
            assert response.status == 404, f"secretary_b got {response.status} for {path}"
            expect(page.locator("h1")).to_have_text("未找到")
            if number == 0:
                check_accessibility(page)
                check_no_english(page, allowed={"secretary_b"})
                screenshot(page, "isolation-not-found")
        # Her lists and dashboards show her own school only.
        for path in ("/meetings/", "/meetings/compliance/", f"/meetings/compliance/?org="
                     f"{world.school_a.pk}", "/members/", "/assistance/", "/reports/"):  # fmt: skip
            page.goto(base + path)
            body = page.locator("body")
            for foreign in (SECRET_TITLE, world.school_a.name, world.branch_a1.name, "李小明"):
                expect(body).not_to_contain_text(foreign)
