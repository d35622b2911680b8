"""The summary table at the top of RESULTS.md, from the rows each benchmark recorded
during one whole run (`make bench`; benchmarks/common.py `record`)."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from common import machine, write_section

ORDER = ["bench_pages", "bench_compliance", "bench_reports", "bench_member_import",
         "bench_reminders"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--started", type=float, required=True)
    parser.add_argument("--load-start", type=float, required=True)
    parser.add_argument("--command", required=True)
    args = parser.parse_args()
    folder = Path(os.environ["BENCH_RESULTS_DIR"])
    found = {path.stem: json.loads(path.read_text()) for path in folder.glob("*.json")}
    names = [n for n in ORDER if n in found] + sorted(set(found) - set(ORDER))
    lines = [
        "| what | size | median | p95 | memory | target | measured | result | load avg |",
        "|---|---|---:|---:|---:|---|---|---|---:|",
    ]
    missed = 0
    for name in names:
        for row in found[name]:
            missed += not row["result"].startswith("pass")
            lines.append(
                f"| {row['what']} | {row['size']} | {row['median']} | {row['p95']} "
                f"| {row['memory']} | {row['target']} | {row['measured']} "
                f"| {row['result']} | {row['load']:.1f} |"
            )
    minutes = (time.time() - args.started) / 60
    body = "\n".join(lines) + (
        f"\n\n{sum(len(r) for r in found.values())} measurements, {missed} missed; the "
        f"whole run took {minutes:.1f} minutes (target < 20). Load average (1 min) "
        f"{args.load_start:.1f} at the start and {os.getloadavg()[0]:.1f} at the end; "
        f"machine: {machine()}. The machine is shared with other engineers' test runs, so "
        "each row notes the load average when it was measured. Details and reasons for "
        "every missed target: the sections below and docs/performance.md."
    )
    write_section("summary", "Summary of the last full run", body, command=args.command)


if __name__ == "__main__":
    main()
