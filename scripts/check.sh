#!/usr/bin/env bash
# The whole test suite: lint, format, types, then the tests on SQLite and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/browser-deps.sh
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"; ruff check . && ruff format --check .
echo "== mypy"; mypy stratacrm tests bench
echo "== tests on SQLite"
STRATA_DATABASE_URL= pytest "$@"

echo "== tests on PostgreSQL"
PG_URL=$(bash scripts/postgres-url.sh)
if [ -z "$PG_URL" ]; then
  echo "PostgreSQL tests SKIPPED: no server could be reached or started."
  [ -z "${CI:-}" ] || { echo "CI must run the PostgreSQL tests." >&2; exit 1; }
  exit 0
fi
trap '[ -d var/pg-test/data ] && { runuser -u postgres -- pg_ctl -D var/pg-test/data stop -m fast >/dev/null 2>&1 || pg_ctl -D var/pg-test/data stop -m fast >/dev/null 2>&1 || true; }' EXIT
echo "using $PG_URL"
STRATA_DATABASE_URL="$PG_URL" STRATA_TEST_DB_NAME=test_strata_suite pytest "$@"
