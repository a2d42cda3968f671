#!/usr/bin/env bash
# Creates .venv and installs Strata with its pinned dependencies; re-runs only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${STRATA_PYTHON:-}
if [ -z "$PY" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PY=$candidate; break
    fi
  done
fi
[ -n "$PY" ] || { echo "Strata needs Python 3.11 (set STRATA_PYTHON to its path)." >&2; exit 1; }
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ -f "$stamp" ]; then exit 0; fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
rm -f .venv/.installed-*
touch "$stamp"
