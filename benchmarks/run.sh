#!/usr/bin/env bash
# Run benchmarks against throwaway PostgreSQL and Redis (the same services as the tests).
#   benchmarks/run.sh                 the whole suite (`make bench`): every benchmarks/bench_*.py,
#                                     then the summary table at the top of RESULTS.md
#   benchmarks/run.sh bench_pages     one of them (rewrites its own section only)
# Each benchmark gets a fresh database (created and migrated here), so no benchmark's data
# changes another's numbers; each records its numbers in its section of
# benchmarks/RESULTS.md (see benchmarks/common.py).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
load_start=$(cut -d' ' -f1 /proc/loadavg)
source scripts/services.sh
names=("$@")
whole=0
if [ ${#names[@]} -eq 0 ]; then
  whole=1
  for path in benchmarks/bench_*.py; do names+=("$(basename "$path" .py)"); done
  export BENCH_RESULTS_DIR="$WORK/results"
  mkdir -p "$BENCH_RESULTS_DIR"
fi
base_url="$DATABASE_URL"
for name in "${names[@]}"; do
  name="${name%.py}"
  echo "== $name ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U branchwork "$name"
  export DATABASE_URL="${base_url%/*}/$name"
  python manage.py migrate --noinput -v0
  python "benchmarks/$name.py"
done
if [ "$whole" = 1 ]; then
  python benchmarks/summary.py --started "$started" --load-start "$load_start" \
    --command "make bench (benchmarks/run.sh)"
fi
echo "benchmarks: done in $(( $(date +%s) - started )) s"
