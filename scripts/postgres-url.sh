#!/usr/bin/env bash
# Prints a PostgreSQL URL the test suite can use, or nothing (with the reason on stderr).
# Order: STRATA_TEST_POSTGRES_URL; a server on 127.0.0.1:5432 (trust auth, database `test`);
# else (or with STRATA_TEST_PG_FRESH=1) a throwaway cluster made with initdb under var/pg-test (started here, stopped by the caller).
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -n "${STRATA_TEST_POSTGRES_URL:-}" ]; then echo "$STRATA_TEST_POSTGRES_URL"; exit 0; fi
if [ -z "${STRATA_TEST_PG_FRESH:-}" ] && command -v psql >/dev/null; then
  for user in "$(id -un)" postgres; do
    if psql "postgresql://$user@127.0.0.1:5432/test" -Atqc 'select 1' >/dev/null 2>&1; then
      echo "postgresql://$user@127.0.0.1:5432/test"; exit 0
    fi
  done
fi
INITDB=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1)
if [ -z "$INITDB" ]; then echo "no PostgreSQL server answers on 127.0.0.1:5432 and initdb is not installed" >&2; exit 0; fi
BIN=$(dirname "$(readlink -f "$INITDB")")
DIR=$(pwd)/var/pg-test
PORT=${STRATA_TEST_PG_PORT:-54329}
RUN_AS=()
if [ "$(id -u)" = 0 ]; then RUN_AS=(runuser -u postgres --); fi
rm -rf "$DIR" && mkdir -p "$DIR" && { [ "$(id -u)" != 0 ] || chown postgres "$DIR"; }
if ! "${RUN_AS[@]}" "$BIN/initdb" --auth=trust -U postgres -D "$DIR/data" >"$DIR/initdb.log" 2>&1; then
  echo "initdb failed (see $DIR/initdb.log)" >&2; exit 0
fi
if ! "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR" start >/dev/null 2>&1; then
  echo "the throwaway PostgreSQL cluster did not start (see $DIR/server.log)" >&2; exit 0
fi
"${RUN_AS[@]}" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "create database test" >/dev/null
echo "postgresql://postgres@127.0.0.1:$PORT/test"
