"""The Content-Security-Policy in a real browser: no page of the tour triggers a
violation, htmx works (the check-in QR refreshes itself) and injects no style element.

Real Chromium through Playwright against the live server. Skipped only when
/usr/bin/chromium is not installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.meetings.factories import MeetingFactory
from tests.pledges.access import _pledge

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium for the browser test"
)

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


def test_pages_run_under_the_policy_without_violations(transactional_db, world, live_server,
                                                       settings):  # fmt: skip
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    meeting = MeetingFactory(organisation=world.branch_a1, status="planned", minutes="")
    pledge = _pledge("submitted")(world)[0]
    pages = [
        reverse("dashboard"), reverse("member-list"), reverse("member-pipeline"),
        reverse("meeting-list"), reverse("meeting-detail", args=[meeting.pk]),
        reverse("meeting-calendar"), reverse("meeting-compliance"), reverse("reports"),
        reverse("pledge-detail", args=[pledge]), reverse("pledge-wall", args=[world.branch_a1.pk]),
        reverse("pledge-wall-print", args=[world.branch_a1.pk]), reverse("assistance-home"),
        reverse("inbox"), reverse("password_change"),
    ]  # fmt: skip
    from tests.kernel.access import _report

    report = _report(world)  # queued: its status page polls every second through htmx
    status = reverse("report-status", args=[report.pk])
    pages.append(reverse("meeting-checkin", args=[meeting.pk]))
    from playwright.sync_api import sync_playwright

    base = live_server.url
    violations: dict[str, list[str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_context().new_page()
        page.add_init_script(WATCH)
        console = []
        page.on("console", lambda m: console.append(m.text))
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", "secretary_a")
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/")
        for path in pages:
            response = page.goto(f"{base}{path}")
            assert response.status == 200, path
            assert "script-src 'self'" in response.headers["content-security-policy"]
            found = page.evaluate("window.__csp")
            if found:
                violations[path] = found
            # htmx loaded from our static files and added no style element.
            if path != reverse("pledge-wall-print", args=[world.branch_a1.pk]):
                assert page.evaluate("typeof htmx") == "object", path
            assert page.evaluate("document.querySelectorAll('style').length") == 0, path

        # htmx at work under the policy: a queued report's progress polls and swaps itself.
        with page.expect_response(
            lambda r: r.url.endswith(status) and r.request.headers.get("hx-request") == "true",
            timeout=15_000,
        ) as polled:
            page.goto(f"{base}{status}")
        assert polled.value.status == 200
        page.wait_for_selector("#report-progress")
        found = page.evaluate("window.__csp")
        if found:
            violations[status] = found
        browser.close()
    assert violations == {}
    assert [m for m in console if "Content Security Policy" in m] == []
