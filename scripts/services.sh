#!/usr/bin/env bash
# Sourced by scripts/test.sh and benchmarks/run.sh: installs the system packages the
# tests need (apt, when root), syncs .venv, starts a throwaway PostgreSQL cluster and a
# redis-server on free 127.0.0.1 ports in a temporary directory, exports the settings
# that point at them, and stops and deletes both when the calling shell exits.
# Extra apt packages can be asked for with BRANCHWORK_EXTRA_APT="pkg1 pkg2".
# --- System packages -----------------------------------------------------------------
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
missing=()
[ -n "$(pg_bindir)" ] || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
# PDF reports: Pango (WeasyPrint), fast CJK subsetting, a CJK font, poppler to read PDFs
# back; browser tests: Debian's chromium (playwright cannot download browsers here).
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
for pkg in ${BRANCHWORK_EXTRA_APT:-}; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test: installing ${missing[*]} with apt"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test: missing system packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
fi

source scripts/bootstrap.sh

# --- Throwaway PostgreSQL and Redis --------------------------------------------------
PG_BIN="$(pg_bindir)"
WORK="$(mktemp -d /tmp/branchwork-test.XXXXXX)"
free_port() { python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PG_PORT="$(free_port)"
REDIS_PORT="$(free_port)"

as_pg=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent postgres
  as_pg=(runuser -u postgres --)
fi
mkdir -p "$WORK/pg" "$WORK/sock"
chmod 755 "$WORK"
[ ${#as_pg[@]} -eq 0 ] || chown postgres "$WORK/pg" "$WORK/sock"

cleanup() {
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"${as_pg[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -U branchwork --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -w -l "$WORK/sock/pg.log" \
  -o "-p $PG_PORT -k $WORK/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U branchwork branchwork
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
  --dir "$WORK" --daemonize yes --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"

export DATABASE_URL="postgres://branchwork@127.0.0.1:$PG_PORT/branchwork"
export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/1"
export BRANCHWORK_TEST_PG_BIN="$PG_BIN" BRANCHWORK_TEST_PG_DATA="$WORK/pg"
export BRANCHWORK_TEST_REDIS_PORT="$REDIS_PORT"
export DEBUG=false
export SECRET_KEY="test-only-secret-key-0123456789abcdef-not-for-production"
export ALLOWED_HOSTS="testserver,127.0.0.1,localhost"
export EMAIL_URL="consolemail://"
export MEDIA_ROOT="$WORK/media"
export STATIC_ROOT="$WORK/static"


