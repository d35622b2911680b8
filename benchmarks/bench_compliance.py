"""Compliance dashboard on the first seed_bench school (issue 4's target, issue 9's data).

10 branches, 300 members, 5 years of meetings: ~3,000 meetings and ~57,000 attendance
rows (`manage.py seed_bench --schools 1`; more schools may exist, the page must not care).
Measures the `meetings.selectors.compliance` selector alone and the whole
`/meetings/compliance/` request as the school's admin (school view and one branch with
per-member attendance), in this process: one warm-up, then 30 timed runs each; median,
p95 and queries. Target (issue 4): the school page < 150 ms.

    benchmarks/run.sh bench_compliance
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from common import count_queries, load_average, record, setup_django, write_section

setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from branchwork.models import Organisation  # noqa: E402
from meetings.selectors import compliance  # noqa: E402

RUNS = 30
TARGET_MS = 150


def seed_first_school() -> dict:
    """School 0 of seed_bench (created unless it exists), with its logins."""
    pages = Path(tempfile.mkdtemp()) / "pages.json"
    call_command("seed_bench", schools=1, pages_json=pages)
    if pages.exists() and "0" in json.loads(pages.read_text()):
        return json.loads(pages.read_text())["0"]
    return {"logins": {"admin": "bench-s0-admin"}}  # already there: the names are fixed


def measure(fn) -> tuple[float, float, int]:
    fn()  # warm caches and connections
    with count_queries() as counter:  # the test client resets connection.queries
        fn()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], counter.count


def main() -> None:
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = seed_first_school()
    school = Organisation.objects.get(slug="bench-s0")
    branch = Organisation.objects.get(slug="bench-s0-b0")
    today = timezone.localdate()
    client = Client()
    client.force_login(get_user_model().objects.get(username=manifest["logins"]["admin"]))

    def get(url: str):
        def run() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return run

    cases = [
        ("compliance(school, this year)", None,
         lambda: compliance(organisation=school, year=today.year, today=today)),
        ("compliance(..., with_members=True)", None,
         lambda: compliance(organisation=school, year=today.year, today=today, with_members=True)),
        ("GET /meetings/compliance/ (admin, school)", TARGET_MS, get("/meetings/compliance/")),
        ("GET /meetings/compliance/?org=<branch> (admin, one branch)", None,
         get(f"/meetings/compliance/?org={branch.pk}")),
    ]  # fmt: skip
    lines = ["| what | median ms | p95 ms | queries | target | result |",
             "|---|---:|---:|---:|---|---|"]  # fmt: skip
    summary = []
    for label, target, fn in cases:
        median, p95, queries = measure(fn)
        verdict = "" if target is None else ("pass" if median < target else "MISSED")
        lines.append(
            f"| {label.replace('<', '&lt;')} | {median:.1f} | {p95:.1f} | {queries} "
            f"| {f'< {target} ms' if target else ''} | {verdict} |"
        )
        if target:
            summary.append({
                "what": "compliance page, school view (admin), in-process", "size": "1 school",
                "median": f"{median:.0f} ms", "p95": f"{p95:.0f} ms", "memory": "",
                "target": f"median < {target} ms", "measured": f"{queries} queries",
                "result": verdict, "load": load_average(),
            })  # fmt: skip
    body = "\n".join(lines) + (
        "\n\nData: the first `seed_bench` school (10 branches, 300 members, 5 years: "
        "~3,000 meetings, ~57,000 attendance rows). Server time in this process around the "
        "selector or the test client's request (session, auth, selector, template), one "
        "warm-up then 30 runs. The query count does not depend on the number of meetings "
        "(tests/meetings/test_compliance.py) nor on other schools (tests/kernel/test_bench.py)."
    )
    print(body)
    write_section("bench_compliance", "Compliance dashboard (issues 4 and 9)", body,
                  command="benchmarks/run.sh bench_compliance")  # fmt: skip
    record("bench_compliance", summary)


if __name__ == "__main__":
    main()
