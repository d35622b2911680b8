"""What every browser journey uses: Debian's Chromium, database access from a side thread,
accessibility checks, a check for untranslated English, and screenshots on request.

Playwright's sync API keeps an asyncio loop running in the test's thread while a browser is
open, and Django refuses ORM calls from a thread with a running loop. Journeys therefore
read and write the database before the browser starts, after it closes, or through `orm()`,
which runs the call in a short-lived thread of its own (its own connection, closed after).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from django.db import connections

from tests.conftest import PASSWORD, ROOT

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}
# Expect's auto-waiting limit: generous for a loaded 2-core machine, never a fixed sleep.
TIMEOUT_MS = 15_000

T = TypeVar("T")


def orm(call: Callable[[], T]) -> T:
    """Run a database call while a browser is open (see the module docstring)."""

    def run() -> T:
        try:
            return call()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@contextlib.contextmanager
def chromium(*, lang: str = "zh-CN") -> Iterator[Any]:
    """A headless Debian Chromium (Playwright cannot download its own browsers here).

    `lang` is the browser's own language: the text of native widgets such as the file
    picker's button (Debian's chromium-l10n); the page's language is the app's choice."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
            # On Linux Chromium takes its own language from LANGUAGE, not from --lang.
            env={**os.environ, "LANGUAGE": lang.replace("-", "_")},
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any, *, phone: bool = False, locale: str = "zh-CN") -> Any:
    options: dict[str, Any] = {"locale": locale, "accept_downloads": True}
    if phone:
        options.update(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    else:
        options.update(viewport=DESKTOP)
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def log_in(page: Any, base: str, username: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile(r"^(用户名|User name)$")).fill(username)
    page.get_by_label(re.compile(r"^(密码|Password)$")).fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(f"{base}/")


# --------------------------------------------------------------------- accessibility

# Every visible form control must have an accessible name from a label: <label for>, a
# wrapping <label>, aria-label or aria-labelledby (a placeholder is not a label).
_UNLABELLED_JS = """() => {
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
      && getComputedStyle(el).visibility !== "hidden";
  const controls = document.querySelectorAll(
      "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea");
  return Array.from(controls).filter(visible).filter((el) => {
    if (el.getAttribute("aria-label")) return false;
    const by = el.getAttribute("aria-labelledby");
    if (by && by.split(/\\s+/).some((id) => document.getElementById(id))) return false;
    return !(el.labels && el.labels.length);
  }).map((el) => el.outerHTML.slice(0, 160));
}"""

# WCAG 2.0/2.1 A and AA rules; serious and critical findings fail the journey.
_AXE_RUN_JS = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
}"""


def check_accessibility(page: Any) -> None:
    """A <title>, exactly one <h1>, a label on every field, no serious axe-core finding."""
    from playwright.sync_api import expect

    expect(page.locator("h1")).to_have_count(1)
    # Dashboard panels load after the page (hx-trigger="load"); check what the user ends
    # up with, not the "Loading…" placeholders.
    expect(page.locator('[hx-trigger="load"]')).to_have_count(0)
    assert page.title().strip(" ·"), f"{page.url} has no <title>"
    unlabelled = page.evaluate(_UNLABELLED_JS)
    assert unlabelled == [], f"{page.url}: fields without a label: {unlabelled}"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the page's Content-Security-Policy does
        # not apply, so the check works under a strict CSP without loosening it.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    violations = page.evaluate(_AXE_RUN_JS)
    assert violations == [], f"{page.url}: axe-core: {violations}"


_FOCUS_STYLE_JS = """(el) => {
  const s = getComputedStyle(el);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join("|");
}"""


def check_focus_visible(page: Any) -> None:
    """Tab from the top of the page to the first link or button in <main>: it must look
    different from when it is not focused (an outline or a shadow)."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(60):
        page.keyboard.press("Tab")
        inside = page.evaluate(
            "() => { const a = document.activeElement;"
            " return !!a && !!a.closest('main') && /^(A|BUTTON)$/.test(a.tagName); }"
        )
        if inside:
            break
    else:
        raise AssertionError(f"{page.url}: Tab never reached a link or button in <main>")
    focused = page.evaluate_handle("document.activeElement")
    with_focus = page.evaluate(_FOCUS_STYLE_JS, focused)
    page.evaluate("(el) => el.blur()", focused)
    without_focus = page.evaluate(_FOCUS_STYLE_JS, focused)
    assert with_focus != without_focus, f"{page.url}: keyboard focus is not visible"


# --------------------------------------------------------------------- language

# Words that are English in both languages: product and format names, units.
_ALLOWED_LATIN = {
    "QR",
    "PDF",
    "xlsx",
    "csv",
    "Excel",
    "English",
    "iCal",
    "WeCom",
    "DingTalk",
    "SVG",
}


def check_no_english(page: Any, *, allowed: set[str] = frozenset()) -> None:
    """A zh-hans page shows no untranslated English words (names in `allowed` aside)."""
    text = page.locator("body").inner_text()
    for name in allowed | _ALLOWED_LATIN:
        text = text.replace(name, " ")
    words = sorted(set(re.findall(r"[A-Za-z]{3,}", text)))
    assert words == [], f"{page.url}: English on a zh-hans page: {words}"


# --------------------------------------------------------------------- screenshots


def screenshot(page: Any, name: str) -> None:
    """Save docs/screenshots/NAME.png when BRANCHWORK_SCREENSHOTS=1 (scripts/screenshots.sh).

    The visible viewport only, reduced to a 256-colour palette: small files for the README
    that stay sharp (interfaces have few colours)."""
    if os.environ.get("BRANCHWORK_SCREENSHOTS") != "1":
        return
    from PIL import Image

    png = page.screenshot(animations="disabled", caret="hide")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image.save(SCREENSHOTS / f"{name}.png", optimize=True)
