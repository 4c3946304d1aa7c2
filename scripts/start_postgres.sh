#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the export tests, on 127.0.0.1 only, and print its URL.
# Installs nothing: it needs PostgreSQL's server programs (Debian: apt-get install postgresql).
# Usage: export VNPLAN_TEST_POSTGRES_URL="$(bash scripts/start_postgres.sh)"
# Settings: VNPLAN_PG_DIR (data folder, default /tmp/vnplan-pg), VNPLAN_PG_PORT (default 54329).
# Running it again reuses the running server. Stop it with: pg_ctl -D "$VNPLAN_PG_DIR/data" stop
set -euo pipefail
PGDIR=${VNPLAN_PG_DIR:-/tmp/vnplan-pg}
PORT=${VNPLAN_PG_PORT:-54329}
USER_NAME=vnplan
PASSWORD=vnplan-test-secret
DB=vnplan_test

bindir=""
if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
  bindir=$(pg_config --bindir)
fi
if [ -z "$bindir" ]; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "start_postgres: PostgreSQL server programs not found (install postgresql)" >&2
  exit 1
fi

# The server refuses to run as root: run it as the postgres user then.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

mkdir -p "$PGDIR"
if [ "$(id -u)" = 0 ]; then chown postgres: "$PGDIR"; fi
if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
  pwfile=$(mktemp)
  echo "$PASSWORD" >"$pwfile"
  chmod 644 "$pwfile"
  as_owner "$bindir/initdb" -D "$PGDIR/data" -U "$USER_NAME" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PGDIR/initdb.log" 2>&1 \
    || { cat "$PGDIR/initdb.log" >&2; rm -f "$pwfile"; exit 1; }
  rm -f "$pwfile"
fi
if ! as_owner "$bindir/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
  as_owner "$bindir/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDIR" start >&2
fi
if ! as_owner "$bindir/psql" -h "$PGDIR" -p "$PORT" -U "$USER_NAME" -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  as_owner "$bindir/createdb" -h "$PGDIR" -p "$PORT" -U "$USER_NAME" "$DB"
fi
echo "postgresql://$USER_NAME:$PASSWORD@127.0.0.1:$PORT/$DB"
