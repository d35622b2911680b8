#!/usr/bin/env bash
# The whole test suite against real services: installs what the tests need (apt when
# root), starts a throwaway PostgreSQL cluster and redis-server on free 127.0.0.1 ports
# in a temporary directory, runs pytest, and stops and removes them afterwards.
# Extra arguments go to pytest (e.g. scripts/test.sh -k celery -x).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/services.sh

echo "test: PostgreSQL on 127.0.0.1:$PG_PORT, redis-server on 127.0.0.1:$REDIS_PORT"
python manage.py compilemessages --ignore=.venv --ignore=.tools -v0
python manage.py collectstatic --noinput -v0   # production static storage (manifest)
set +e
python -m pytest "$@"
status=$?
set -e
exit $status
