#!/usr/bin/env bash
# Make sure uv exists and .venv matches uv.lock exactly. Sourced by run.sh and test.sh.
# Works on a fresh Debian with only python3: installs python3-venv via apt when root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export UV_PYTHON_DOWNLOADS=never   # use the machine's Python; never download one
export UV_SYSTEM_CERTS="${UV_SYSTEM_CERTS:-1}"   # trust the system CA store, as pip and apt do
UV_VERSION="0.13.9"

python_bin() {
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "bootstrap: Python 3.11 or newer is required" >&2; return 1
}

PY="$(python_bin)"
if command -v uv >/dev/null 2>&1; then
  UV="$(command -v uv)"
elif [ -x .tools/bin/uv ]; then
  UV=.tools/bin/uv
else
  if ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      echo "bootstrap: installing python3-venv with apt"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    else
      echo "bootstrap: python3-venv is missing; install it (sudo apt-get install python3-venv)" >&2
      exit 1
    fi
  fi
  echo "bootstrap: installing uv $UV_VERSION into .tools/"
  "$PY" -m venv .tools
  .tools/bin/pip install -q "uv==$UV_VERSION"
  UV=.tools/bin/uv
fi

"$UV" sync --frozen --python "$PY" --quiet
export PATH="$PWD/.venv/bin:$PATH"
