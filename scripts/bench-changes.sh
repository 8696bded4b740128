#!/usr/bin/env bash
# The changes feed under load (issue 18): API tokens of every organisation reading pages of
# 1,000 changes from random cursors, back to back, while project scores change five times a
# second (api/examples/load_changes.rs says what it asks and how it times), on the release
# server over loopback, with the demo partnership and 100,000 bench projects
# (api/examples/bench_projects.rs, whose rows are in the feed), on SQLite and (if reachable)
# PostgreSQL.
#   scripts/bench-changes.sh [seconds, default 20] [projects, default 100000]
# STORES=sqlite or STORES=postgresql: one store only. CONNECTIONS=8: readers. WRITES=5: score
# changes a second. Honours CARGO_TARGET_DIR. Other work on the machine changes the figures: the
# load average is in the report.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
projects=${2:-100000}
cargo build --release --quiet --bin qi --example bench_projects --example load_changes
bin="${CARGO_TARGET_DIR:-target}/release"

port=18091
base="http://127.0.0.1:$port"
pg=postgres://postgres@127.0.0.1:5432
work=$(mktemp -d)
pg_db=""
cleanup() {
  kill "${server:-0}" 2>/dev/null || true
  rm -rf "$work"
  [ -z "$pg_db" ] || psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $pg_db" 2>/dev/null || true
}
trap cleanup EXIT

bench() {
  local label=$1 url=$2
  echo "# $label ($(date -u '+%F %H:%M UTC'), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg))"
  QI_DATABASE_URL=$url QI_LOG=warn "$bin/qi" seed-demo
  QI_DATABASE_URL=$url "$bin/examples/bench_projects" "$projects" 2>&1 | tail -1
  # A fresh server process: its first read of the feed is the least cached one.
  QI_BIND=127.0.0.1:$port QI_DATABASE_URL=$url QI_LOG=warn QI_WEB_DIR=/nonexistent \
    QI_AUTH__TOKEN_REQUESTS_PER_MINUTE=1000000 "$bin/qi" serve >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -fs "$base/api/ready" >/dev/null && break; sleep 0.2; done
  "$bin/examples/load_changes" --base "$base" --seconds "$seconds" --label "$label" \
    --connections "${CONNECTIONS:-8}" --writes "${WRITES:-5}"
  kill "$server"; wait "$server" 2>/dev/null || true
}

stores=${STORES:-sqlite postgresql}
[[ " $stores " != *" sqlite "* ]] || bench SQLite "sqlite://$work/bench.db?mode=rwc"
if [[ " $stores " == *" postgresql "* ]] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_db="qi_bench_changes_$$"
  psql "$pg/postgres" -qc "CREATE DATABASE $pg_db"
  bench PostgreSQL "$pg/$pg_db"
fi
