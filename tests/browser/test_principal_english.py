"""Journey 3: the principal, at a desktop in English, reads the school dashboard (counts,
never students' names) and has a real Celery worker generate the school annual report,
watching its progress, then downloads the PDF. The worker starts only after the page
shows the report waiting, so "Ready" can only arrive by the page's own polling."""

from __future__ import annotations

import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from branchwork.models import ReportFile
from tests.assistance.factories import PairingFactory, StudentFactory, VisitFactory
from tests.browser.support import (
    check_accessibility,
    check_focus_visible,
    chromium,
    log_in,
    new_page,
    screenshot,
)
from tests.conftest import start_celery, stop_process, wait_for

STUDENTS = ("李小明", "王小红")


@pytest.mark.celery
def test_principal_generates_the_school_report_in_english(
    transactional_db, world, live_static, live_server, tmp_path
):
    for name in STUDENTS:
        student = StudentFactory(school=world.school_a, name=name)
        VisitFactory(pairing=PairingFactory(mentor=world.teacher_a.member, student=student))
    year = timezone.localdate().year
    base = live_server.url
    worker = None
    try:
        with chromium(lang="en-US") as browser:
            page = new_page(browser, locale="en-US")
            log_in(page, base, "principal_a")
            # zh-hans first, whatever the browser says; the header's switch turns English on.
            expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
            page.locator(".site-header").get_by_role("button", name="English").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
            expect(page.locator("h1")).to_have_text("Dashboard")
            # Wait for the panels (they may arrive after the page), then read every word.
            expect(page.locator("main")).to_contain_text("Active pairings")
            expect(page.locator("main")).to_contain_text("Members by stage")
            active = page.locator("dt", has_text="Active pairings").locator(
                "xpath=following-sibling::dd[1]"
            )
            expect(active).to_have_text(str(len(STUDENTS)))  # counts, not names
            body = page.locator("body").inner_text()
            leaked = [name for name in STUDENTS if name in body]
            assert leaked == [], f"students' names on the principal's dashboard: {leaked}"
            check_accessibility(page)
            check_focus_visible(page)
            screenshot(page, "principal-dashboard-en")

            page.get_by_role("navigation").get_by_role("link", name="Reports").click()
            school_form = page.locator("form").filter(has=page.get_by_label("School"))
            school_form.get_by_label("School").select_option(label=world.school_a.name)
            school_form.get_by_label("Year").select_option(str(year))
            check_accessibility(page)
            screenshot(page, "principal-reports-en")
            school_form.get_by_role("button", name="Generate PDF").click()

            # No worker runs yet, so the page must first show the report waiting; it can
            # only reach "Ready" by updating itself after the worker starts below.
            progress = page.locator("#report-progress")
            expect(progress).to_contain_text("Waiting for a worker")
            expect(page.locator("h1")).to_contain_text(world.school_a.name)
            check_accessibility(page)
            screenshot(page, "principal-report-progress-en")
            # htmx replaces the progress block in place: a marker set on the window now
            # survives only if the page is never reloaded while it waits.
            page.evaluate("window.__stillThisPage = true")
            worker = start_celery(tmp_path, "worker", "--pool=solo", "--without-heartbeat")
            assert wait_for(lambda: "ready." in worker.output(), 60), worker.output()
            download_link = progress.get_by_role("link", name="Download PDF")
            expect(download_link).to_be_visible(timeout=120_000)
            assert page.evaluate("window.__stillThisPage === true")
            expect(progress).to_contain_text("Ready")
            screenshot(page, "principal-report-done-en")
            with page.expect_download() as download_info:
                download_link.click()
            download = download_info.value
            pdf = tmp_path / "school-report.pdf"
            download.save_as(pdf)
    finally:
        if worker is not None:
            stop_process(worker.process)

    report = ReportFile.objects.get()
    assert (report.state, report.kind, report.organisation_id) == (
        "done",
        "school",
        world.school_a.pk,
    ), worker.output()[-3000:]
    assert download.suggested_filename.endswith(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert world.school_a.name in text  # 甲校党委, in Chinese in an English session
    assert [name for name in STUDENTS if name in text] == []
