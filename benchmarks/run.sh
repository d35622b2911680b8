#!/usr/bin/env bash
# Run benchmarks against throwaway PostgreSQL and Redis (the same services as the tests).
#   benchmarks/run.sh                 every benchmarks/bench_*.py
#   benchmarks/run.sh bench_imports   one of them
# Each benchmark is a Python script that sets up Django itself, creates the schema with
# `migrate`, measures, and prints/records its numbers (see benchmarks/RESULTS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
python manage.py migrate --noinput -v0
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for path in benchmarks/bench_*.py; do names+=("$(basename "$path" .py)"); done
fi
for name in "${names[@]}"; do
  echo "== $name"
  python "benchmarks/${name%.py}.py"
done
