"""A teacher records a visit from her phone (375 px), losing the connection on the way.

Real Chromium through Playwright against pytest-django's live server. Skipped only when
/usr/bin/chromium is not installed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistance.models import Visit
from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium for the phone test"
    ),
]


@pytest.fixture
def phone_world(transactional_db, world, mentoring, settings):
    # The live server serves /static/ from the source folders (finders), which do not know
    # the manifest's hashed names: plain storage here, so the page gets its CSS and JS.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return world, mentoring


def test_teacher_records_a_visit_from_the_dashboard_through_a_dropped_connection(
    phone_world, live_server
):
    from playwright.sync_api import sync_playwright

    world, pairing = phone_world
    note = "村里家访：奶奶说孩子每天写作业到九点。"
    base = live_server.url
    # Django refuses ORM calls from inside Playwright's event loop: read and write the
    # database only before the browser starts and after it has closed.
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(
            viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", "teacher_a")
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/")

        page.click(".my-pairings a.record-visit")  # tap 1 (tap 2 is "save")
        page.wait_for_selector("form[data-draft-key]")
        form_url = page.url
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.select_option("select[name=kind]", "home_visit")
        page.fill("input[name=duration_minutes]", "45")
        page.fill("textarea[name=content]", note)

        context.set_offline(True)
        page.click("form[data-draft-key] button[type=submit]")
        page.wait_for_selector(".draft-status.error")
        assert "没有网络" in page.inner_text(".draft-status")
        assert page.input_value("textarea[name=content]") == note

        context.set_offline(False)
        page.reload()  # even a reload keeps the note (localStorage draft)
        assert page.input_value("textarea[name=content]") == note
        page.click("form[data-draft-key] button[type=submit]")
        page.wait_for_url(re.compile(r".*/pairings/\d+/\?saved=visit$"))
        assert note in page.inner_text("main")

        page.goto(form_url)
        assert page.input_value("textarea[name=content]") == ""  # draft cleared after save
        browser.close()

    visit = Visit.objects.get(content=note)
    assert (visit.pairing_id, visit.kind, visit.duration_minutes) == (pairing.pk, "home_visit", 45)
    assert visit.recorded_by == world.teacher_a
