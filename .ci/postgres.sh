#!/usr/bin/env bash
# Install Debian's PostgreSQL, start a throw-away server on 127.0.0.1 and print the URL the
# postgres-marked store tests use (INTERDICT_TEST_DATABASE_URL) on stdout. .ci/run runs it and exports that.
# Without apt or without root it says so and leaves the variable unset: the postgres tests are then
# skipped with that reason instead of CI failing on a machine that cannot install a server.
set -uo pipefail

PG_PORT="${PG_PORT:-55432}"
PG_DIR="${PG_DIR:-/tmp/interdict-ci-pg}"

pg_note() { echo "[postgres.sh] $*" >&2; }

pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

pg_setup() {
  if ! pg_bindir >/dev/null; then
    if ! command -v apt-get >/dev/null 2>&1; then
      pg_note "apt-get is not available: PostgreSQL store tests will be SKIPPED."
      return 0
    fi
    if [ "$(id -u)" != "0" ]; then
      pg_note "not root, cannot apt-get install postgresql: PostgreSQL store tests will be SKIPPED."
      return 0
    fi
    pg_note "installing postgresql with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }; then
      pg_note "apt-get install postgresql failed: PostgreSQL store tests will be SKIPPED."
      return 0
    fi
  fi
  local bin
  bin="$(pg_bindir)" || { pg_note "no initdb found after install: tests SKIPPED."; return 0; }
  local run_as=()
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    run_as=(runuser -u postgres --)
  fi
  if [ -f "$PG_DIR/data/postmaster.pid" ] && "${run_as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    pg_note "server already running in $PG_DIR"
  else
    rm -rf "$PG_DIR"
    mkdir -p "$PG_DIR"
    [ "$(id -u)" = "0" ] && chown postgres "$PG_DIR"
    "${run_as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync -E UTF8 >"$PG_DIR/initdb.log" 2>&1 \
      || { pg_note "initdb failed (see $PG_DIR/initdb.log): tests SKIPPED."; return 0; }
    "${run_as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
      -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c max_connections=200" start >/dev/null \
      || { pg_note "server did not start (see $PG_DIR/server.log): tests SKIPPED."; return 0; }
  fi
  "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='interdict_test'" | grep -q 1 \
    || "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres interdict_test
  export INTERDICT_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/interdict_test"
  pg_note "PostgreSQL ready: INTERDICT_TEST_DATABASE_URL=$INTERDICT_TEST_DATABASE_URL"
}

pg_setup
# When executed rather than sourced, print the URL for the caller.
if [ "${BASH_SOURCE[0]}" = "$0" ] && [ -n "${INTERDICT_TEST_DATABASE_URL:-}" ]; then
  echo "$INTERDICT_TEST_DATABASE_URL"
fi
