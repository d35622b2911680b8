#!/usr/bin/env bash
# Regenerates the PNGs of the demo branch's annual report shown in the README
# (docs/screenshots/annual-report-0N.png): demo data in a throwaway SQLite database,
# `manage.py render_report`, then poppler's pdftoppm (apt-get install poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export DEBUG=true DATABASE_URL="sqlite:///$work/demo.sqlite3" MEDIA_ROOT="$work/media"
python manage.py migrate --noinput -v0
python manage.py seed_demo >/dev/null
branch="$(python manage.py shell -v0 -c "from branchwork.models import Organisation; print(Organisation.objects.get(slug='qsxx-b1').pk)")"
year="$(date +%Y)"
python manage.py render_report branch --id "$branch" --year "$year" --out "$work/report.pdf"
pdftoppm -png -r 60 -f 1 -l 4 "$work/report.pdf" docs/screenshots/annual-report
ls -l docs/screenshots/annual-report-0*.png
