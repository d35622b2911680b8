"""The one path from a Django template to a PDF: template → HTML → WeasyPrint.

Every report (annual reports, member records, meeting minutes) goes through
`render_pdf`. Fonts: the print stylesheet (static/css/report.css) names a CJK font
(Noto Sans/Serif CJK SC) in every font stack, page margin boxes included, so no glyph
falls back to a box. WeasyPrint subsets fonts with HarfBuzz when libharfbuzz-subset0 is
present; without it, it falls back to fontTools, which makes CJK PDFs many times slower —
we log a warning once when that happens.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)
_checked = False

REPORT_CSS = "css/report.css"


def harfbuzz_subsetting() -> bool:
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def _warn_once() -> None:
    global _checked
    if not _checked:
        _checked = True
        if not harfbuzz_subsetting():
            logger.warning(
                "libharfbuzz-subset0 is missing: WeasyPrint falls back to fontTools "
                "subsetting, which is much slower for Chinese fonts (apt-get install "
                "libharfbuzz-subset0)"
            )


@contextmanager
def fewer_collections(young: int = 50_000) -> Iterator[None]:
    """Run with the cyclic collector's youngest generation at `young` objects (default 700).

    WeasyPrint allocates hundreds of thousands of short-lived objects per report (boxes,
    computed styles, Pango wrappers). At the default threshold they set off collections
    that also walk the long-lived heap behind them (Django, the report's rows): in the
    benchmark process a fifth of a branch report's time (benchmarks/RESULTS.md). Nothing is
    disabled, collections only come less often; the old thresholds are restored after.
    `reports._render` also gathers a report's data under it. Nests.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(max(young, thresholds[0]), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def render_html(template: str, context: dict[str, Any], *, language: str | None = None) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string(template, context)


def render_pdf(
    template: str,
    context: dict[str, Any],
    *,
    language: str | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> bytes:
    """Render `template` with `context` to PDF bytes (in the given language)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    _warn_once()
    if progress:
        progress(60, "layout")
    html = render_html(template, context, language=language)
    with fewer_collections():
        fonts = FontConfiguration()
        stylesheet = finders.find(REPORT_CSS)
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
            stylesheets=[CSS(filename=stylesheet, font_config=fonts)], font_config=fonts
        )
        if progress:
            progress(85, "write")
        return document.write_pdf()
