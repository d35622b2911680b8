"""PDF report rendering at seed_bench sizes (issues 8 and 9).

Data: one `manage.py seed_bench --branch-members 50` school (10 branches of 50 members,
500 in all; 5 years of meetings, students, pairings, visits, pledges). Measures, in this
process, the median wall time and the peak Python memory (tracemalloc) of: the branch
annual report of one branch (50 members, a year of meetings, pairings and pledges), the
school report (10 branches), and WeasyPrint alone on a plain-text Chinese document with the
same number of pages — the floor our report is compared to. The report and the plain
document run alternately, so that a change in the machine's load touches both alike.
Targets (issue 8): branch < 1.5 s, school < 5 s, ratio to the plain document < 2.

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
RUNS = 7

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from branchwork import reports  # noqa: E402
from branchwork.models import Organisation  # noqa: E402
from branchwork.pdf import (  # noqa: E402
    REPORT_CSS,
    fewer_collections,
    harfbuzz_subsetting,
    render_html,
    render_pdf,
)


def alternately(first, second, runs: int) -> tuple[float, float]:
    """Median times of `runs` runs of `first` and of `second`, taken in turns."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, into in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            fn()
            into.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def peak_memory(fn) -> float:
    """Peak Python memory of one run, in MB (tracemalloc slows Python down, so it never runs
    while timing)."""
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024


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
        with fewer_collections():  # as reports._render does
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
    call_command("seed_bench", schools=1, branch_members=50)  # this benchmark's own database
    school = Organisation.objects.get(slug="bench-s0")
    branch = Organisation.objects.get(slug="bench-s0-b0")
    assert branch.members.count() == 50, "a branch of 50 members (issue 8)"
    year = timezone.localdate().year
    reports.render_now("branch", branch.pk, year)  # warm-up: fonts and stylesheets load once
    rows, summary, notes = [], [], []
    for label, kind, subject, runs, target in (
        ("Branch annual report (50 members)", "branch", branch, RUNS, 1.5),
        ("School report (10 branches, 500 members)", "school", school, 5, 5.0),
    ):

        def report(k=kind, s=subject):
            return reports.render_now(k, s.pk, year)

        pdf = report()
        pages = reports.page_count(pdf)
        body = plain_document(pages)

        def plain(b=body):
            return render_pdf("reports/plain.html", {"title": "plain", "body": b})

        seconds, plain_seconds = alternately(report, plain, runs)
        peak = peak_memory(report)
        plain_pdf = plain()
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
