#!/usr/bin/env bash
# Comments, the bulletin, events and submissions under load, with writes going on (issue 17):
# the demo partnership in a fresh database, about 30 people of different organisations signed
# in, 16 readers asking back to back for random pages of projects' comment threads, the
# bulletin list and issues, the Atom feed, the events lists, calls' submissions and their
# notifications, while comments are written (new threads, replies, edits of one's own, some
# mentioning people) at 0 and then 5 a second; /api/health beside them.
#   scripts/bench-talk.sh [seconds per write rate, default 20]
# STORES="sqlite" (default) or "sqlite postgresql" or "postgresql": the stores to run (PostgreSQL
# at 127.0.0.1:5432, user postgres, if it answers; a database of its own, dropped after).
# WRITES=0,5 (default): the comment write rates. CONNECTIONS=16: readers back to back.
# PEOPLE=30: people signed in. QI_BIN=path: the server to measure (default
# $CARGO_TARGET_DIR/release/qi, else target/release/qi); BUILD=0: no build.
# There is no server-side cache of these lists (the Atom feed's Cache-Control is for clients),
# so there is one run a store, not a cached and an uncached one.
# The load comes from api/examples/load_talk.rs, which says what it asks and how it times.
# Other work on the machine changes the figures: the load average is in every row.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
target=${CARGO_TARGET_DIR:-target}
[ "${BUILD:-1}" = 0 ] || cargo build --release --quiet --bin qi --example load_talk
qi=${QI_BIN:-$target/release/qi}
load=$target/release/examples/load_talk

port=${PORT:-18095}
base="http://127.0.0.1:$port"
pg=postgres://postgres@127.0.0.1:5432
work=$(mktemp -d)
pg_db=""
server=""
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
  [ -z "$pg_db" ] || psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $pg_db" 2>/dev/null || true
}
trap cleanup EXIT

if curl -fs "$base/api/health" >/dev/null 2>&1; then
  echo "something already answers on port $port: PORT=another scripts/bench-talk.sh" >&2
  exit 1
fi

start_server() {
  local url=$1
  QI_BIND=127.0.0.1:$port QI_DATABASE_URL=$url QI_LOG=warn QI_WEB_DIR=/nonexistent \
    QI_ACCESS_TOKEN_MINUTES=120 "$qi" serve >>"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 150); do curl -fs "$base/api/ready" >/dev/null && return; sleep 0.2; done
  echo "the server did not start:" >&2; tail -20 "$work/server.log" >&2; exit 1
}

stop_server() {
  kill "$server"; wait "$server" 2>/dev/null || true
  server=""
  # Any 5xx the server logged (its cause), so a report of errors comes with them.
  grep -E 'ERROR|panicked' "$work/server.log" | sort | uniq -c | sort -rn | head -5 || true
  : >"$work/server.log"
}

bench() {
  local label=$1 url=$2
  echo "# $label: the demo partnership ($(date -u '+%F %H:%M'), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg))"
  QI_DATABASE_URL=$url QI_LOG=warn "$qi" seed-demo >/dev/null
  start_server "$url"
  echo
  "$load" --base "$base" --label "$label" --seconds "$seconds" \
    --connections "${CONNECTIONS:-16}" --people "${PEOPLE:-30}" --writes "${WRITES:-0,5}"
  stop_server
  echo
}

stores=${STORES:-sqlite}
if [[ " $stores " == *" sqlite "* ]]; then
  bench SQLite "sqlite://$work/talk.db?mode=rwc"
fi
if [[ " $stores " == *" postgresql "* ]]; then
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    pg_db="qi_bench_talk_$$"
    psql "$pg/postgres" -qc "CREATE DATABASE $pg_db"
    bench PostgreSQL "$pg/$pg_db"
  else
    echo "# PostgreSQL: not reachable at 127.0.0.1:5432, left out" >&2
  fi
fi
