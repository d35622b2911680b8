"""PDF report rendering at seed_bench sizes (issues 8 and 9).

Data: the first `manage.py seed_bench` school (10 branches, 300 members, 5 years of
meetings, students, pairings, visits, pledges). Measures, in this process, the median
wall time and the peak Python memory (tracemalloc) of: the branch annual report of one
branch (30 members, a year of meetings, pairings and pledges), the school report (10
branches), and WeasyPrint alone on a plain-text Chinese document with the same number of
pages — the floor our report is compared to. Targets: branch < 1.5 s, school < 5 s, ratio
to the plain document < 2.

    benchmarks/run.sh bench_reports
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import load_average, peak_rss_mb, record, setup_django, write_section

setup_django()
RUNS = 5

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from branchwork import reports  # noqa: E402
from branchwork.models import Organisation  # noqa: E402
from branchwork.pdf import REPORT_CSS, harfbuzz_subsetting, render_html, render_pdf  # noqa: E402


def timed(fn, runs: int) -> tuple[float, float, object]:
    """Median time of `runs` plain runs, then one more run under tracemalloc for the peak
    (tracemalloc slows Python down, so it never runs while timing)."""
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 1024 / 1024, result


def plain_document(pages: int) -> bytes:
    """WeasyPrint alone: paragraphs of Chinese text, grown until the page count matches."""
    sentence = "学校党组织认真落实“三会一课”制度，党员教师结对帮扶学困生，承诺践诺，年度评议。"
    paragraphs = 10
    while True:
        body = "".join(f"<p>{sentence * 4}</p>" for _ in range(paragraphs))
        pdf = render_pdf("reports/plain.html", {"title": "plain", "body": body})
        if reports.page_count(pdf) >= pages:
            return body
        paragraphs += 10


def breakdown(kind: str, subject_id: int, year: int, runs: int = 3) -> str:
    """Where a report's time goes: gathering data, the template, WeasyPrint's layout, and
    writing the PDF (font subsetting), each a median of `runs`."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    steps: dict[str, list[float]] = {"data": [], "template": [], "layout": [], "write": []}
    for _ in range(runs):
        start = time.perf_counter()
        built = reports.build(kind, subject_id, year)
        steps["data"].append(time.perf_counter() - start)
        start = time.perf_counter()
        html = render_html(built.template, built.context)
        steps["template"].append(time.perf_counter() - start)
        start = time.perf_counter()
        fonts = FontConfiguration()
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
            stylesheets=[CSS(filename=finders.find(REPORT_CSS), font_config=fonts)],
            font_config=fonts,
        )
        steps["layout"].append(time.perf_counter() - start)
        start = time.perf_counter()
        document.write_pdf()
        steps["write"].append(time.perf_counter() - start)
    return ", ".join(f"{name} {statistics.median(t):.2f} s" for name, t in steps.items())


def main() -> None:
    call_command("seed_bench", schools=1)  # school 0 unless a suite run made it already
    school = Organisation.objects.get(slug="bench-s0")
    branch = Organisation.objects.get(slug="bench-s0-b0")
    year = timezone.localdate().year
    reports.render_now("branch", branch.pk, year)  # warm-up: fonts and stylesheets load once
    rows, summary, notes = [], [], []
    for label, kind, subject, runs, target in (
        ("Branch annual report (30 members)", "branch", branch, RUNS, 1.5),
        ("School report (10 branches, 300 members)", "school", school, 3, 5.0),
    ):
        seconds, peak, pdf = timed(
            lambda k=kind, s=subject: reports.render_now(k, s.pk, year), runs
        )
        pages = reports.page_count(pdf)
        body = plain_document(pages)
        plain_seconds, _p, plain_pdf = timed(
            lambda b=body: render_pdf("reports/plain.html", {"title": "plain", "body": b}), runs
        )
        ratio = seconds / plain_seconds
        notes.append(f"- {label}: {breakdown(kind, subject.pk, year)}; "
                     f"plain document {plain_seconds:.2f} s.")  # fmt: skip
        ok = seconds < target and ratio < 2
        rows.append(
            f"| {label} | {pages} | {seconds:.2f} s | < {target} s | {peak:.0f} MB "
            f"| {plain_seconds:.2f} s ({reports.page_count(plain_pdf)} pages) | {ratio:.2f} "
            f"| {'pass' if ok else 'MISSED'} |"
        )
        summary.append({
            "what": f"PDF: {label}", "size": f"{pages} pages", "median": f"{seconds:.2f} s",
            "p95": "", "memory": f"{peak:.0f} MB (Python heap)",
            "target": f"< {target} s, < 2× plain PDF", "measured": f"{ratio:.2f}× plain PDF",
            "result": "pass" if ok else "MISSED", "load": load_average(),
        })  # fmt: skip
    body = "\n".join(
        [
            "| report | pages | median render (build + PDF) | target | peak Python memory "
            "| plain-text PDF, same pages | ratio (target < 2) | result |",
            "|---|---:|---:|---|---:|---:|---:|---|",
            *rows,
        ]
    ) + (
        f"\n\nHarfBuzz subsetting: {'yes' if harfbuzz_subsetting() else 'NO (fontTools fallback)'}"
        f"; peak RSS of the benchmark process {peak_rss_mb():.0f} MB.\n\n"
        "Where the time goes (median of 3; layout is WeasyPrint's, write is mostly font "
        "subsetting):\n\n" + "\n".join(notes) + "\n\n"
        "The ratio counts gathering the year's data (compliance over the meetings; member, "
        "assistance and pledge counts, per branch for the school report) and laying out "
        "tables and SVG charts, which the plain-text floor does not do."
    )
    print(body)
    write_section("bench_reports", "PDF reports (issues 8 and 9)", body,
                  command="benchmarks/run.sh bench_reports")  # fmt: skip
    record("bench_reports", summary)


if __name__ == "__main__":
    main()
