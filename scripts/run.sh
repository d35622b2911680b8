#!/usr/bin/env bash
# Quick start: install, migrate, load demo data, then serve the app with a Celery worker
# and beat on http://127.0.0.1:8000. SQLite and a filesystem broker under var/: no
# database or Redis server needed. Ctrl-C stops all three processes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh

export DEBUG="${DEBUG:-true}"
mkdir -p var/celery/queue var/media
if command -v msgfmt >/dev/null 2>&1; then
  python manage.py compilemessages --ignore=.venv --ignore=.tools -v0
fi
python manage.py migrate --noinput -v0
python manage.py seed_demo
echo
echo "Branchwork is starting on http://127.0.0.1:8000  (web, worker, beat; Ctrl-C stops)"
exec honcho --procfile Procfile.dev start
