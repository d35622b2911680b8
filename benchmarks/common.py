"""Shared pieces of the benchmark scripts: Django set-up, query counting, RESULTS.md."""

from __future__ import annotations

import datetime
import json
import os
import platform
import re
import resource
import statistics
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branchwork.settings")
    import django

    django.setup()


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def count_queries():
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median(values: list[float]) -> float:
    return statistics.median(values)


def load_average() -> float:
    """The machine's 1-minute load average: the box is shared, so every number says it."""
    return os.getloadavg()[0]


def machine() -> str:
    cpus = os.cpu_count()
    return (
        f"{platform.system()} {platform.machine()}, {cpus} cores, "
        f"Python {platform.python_version()}, load average {load_average():.1f} at the end"
    )


def record(name: str, rows: list[dict]) -> None:
    """Hand this benchmark's rows to the summary table (benchmarks/summary.py) of a whole
    run: each row has what, size, median, p95, memory, target, measured, result, load."""
    folder = os.environ.get("BENCH_RESULTS_DIR")
    if folder:
        Path(folder, f"{name}.json").write_text(json.dumps(rows, ensure_ascii=False))


def write_section(name: str, title: str, body: str, *, command: str) -> None:
    """Replace this benchmark's section of RESULTS.md (between its markers)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    measured = f"_Measured {stamp} on {machine()}; command: `{command}`._"
    section = f"{start}\n## {title}\n\n{measured}\n\n{body.strip()}\n{end}"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    text = (
        pattern.sub(lambda _m: section, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + section + "\n"
    )
    RESULTS.write_text(text)
