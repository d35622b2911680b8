"""Beyond the journeys: every page in the main navigation, for a secretary at a desktop and a
teacher on a phone, passes the accessibility basics, shows no untranslated English and (on
the phone) is no wider than the screen."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from meetings import services as meeting_services
from meetings.models import MeetingType
from tests.assistance.factories import PairingFactory, StudentFactory, VisitFactory
from tests.browser.support import (
    PHONE,
    check_accessibility,
    check_no_english,
    chromium,
    log_in,
    new_page,
)
from tests.pledges.factories import PledgeFactory

PERSONAS = {"secretary_a", "member_a", "teacher_a", "secretary_a2", "admin_a"}


def test_every_page_of_the_main_navigation(transactional_db, world, live_static, live_server):
    student = StudentFactory(school=world.school_a, name="李小明")
    VisitFactory(pairing=PairingFactory(mentor=world.teacher_a.member, student=student))
    PledgeFactory(member=world.teacher_a.member)
    meeting_services.plan_meeting(
        organisation=world.branch_a1,
        meeting_type=MeetingType.GENERAL,
        title="支部党员大会",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        by=world.secretary_a,
    )
    base = live_server.url
    visited: dict[str, list[str]] = {}
    findings: list[str] = []

    with chromium() as browser:
        for username, phone in (("secretary_a", False), ("teacher_a", True)):
            page = new_page(browser, phone=phone)
            log_in(page, base, username)
            links = page.locator("nav.main-nav a")
            expect(links.first).to_be_visible()
            hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
            for href in hrefs:
                page.goto(base + href)
                try:  # every page's findings in one run, not only the first page's
                    check_accessibility(page)
                    check_no_english(page, allowed=PERSONAS)
                    if phone:
                        width = page.evaluate("document.documentElement.scrollWidth")
                        assert width <= PHONE["width"], f"{href} is {width}px wide on a phone"
                except AssertionError as finding:
                    findings.append(f"{username}: {finding}")
            visited[username] = hrefs
            page.context.close()

    assert findings == [], "\n".join(findings)
    assert len(visited["secretary_a"]) >= 10, visited
    assert "/meetings/" in visited["teacher_a"], visited
