#!/usr/bin/env bash
# `qi pull` at scale (issue 18): the demo partnership plus 100,000 projects
# (api/examples/bench_projects.rs, as scripts/bench-export.sh seeds them), served by the release
# server on loopback from SQLite, pulled by the release `qi pull` with an API token of the demo
# partnership admin's organisation (read_projects, read_measures) into a fresh SQLite file and
# a fresh PostgreSQL database (if one is reachable), each timed; then a second pull into each
# (the feed only, nothing new) to time a run with nothing to do.
#   scripts/bench-pull.sh [projects, default 100000]
# Honours CARGO_TARGET_DIR. The target is under a minute for 100,000 projects.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
cargo build --release --quiet --bin qi --example bench_projects
bin="${CARGO_TARGET_DIR:-target}/release"

port=18084
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

source_url="sqlite://$work/source.db?mode=rwc"
echo "# qi pull of the demo partnership + $count projects, release build ($(date -u '+%F %H:%M UTC'), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg))"
QI_DATABASE_URL=$source_url QI_LOG=warn "$bin/qi" seed-demo
QI_DATABASE_URL=$source_url "$bin/examples/bench_projects" "$count" 2>&1 | tail -1

QI_BIND=127.0.0.1:$port QI_DATABASE_URL=$source_url QI_LOG=warn QI_WEB_DIR=/nonexistent \
  "$bin/qi" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "$base/api/ready" >/dev/null && break; sleep 0.2; done
session=$(curl -fs "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@demo.qicommons.org","password":"demo-admin-password"}' |
  sed 's/.*"access_token":"\([^"]*\)".*/\1/')
expires=$(date -u -d '+30 days' +%F)
curl -fs "$base/api/v1/api-tokens" -H "Authorization: Bearer $session" \
  -H 'content-type: application/json' \
  -d "{\"name\":\"Bench warehouse\",\"scopes\":[\"read_projects\",\"read_measures\",\"read_training\",\"read_events\"],\"expires_on\":\"$expires\"}" |
  sed 's/.*"secret":"\([^"]*\)".*/\1/' >"$work/token"
chmod 600 "$work/token"
readable=$(curl -fs "$base/api/v1/export/projects" -H "Authorization: Bearer $(cat "$work/token")" | grep -c '')
echo "the token reads $readable projects"

pull() {
  local label=$1 into=$2 run
  for run in first again; do
    /usr/bin/time -f "%e s wall, %M KiB peak RSS" -o "$work/time" \
      "$bin/qi" pull --from "$base" --token-file "$work/token" --into "$into" 2>"$work/pull.log"
    echo "  $label, $run: $(tail -1 "$work/pull.log"); $(cat "$work/time"); load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
}

pull SQLite "sqlite://$work/copy.db?mode=rwc"
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_db="qi_bench_pull_$$"
  psql "$pg/postgres" -qc "CREATE DATABASE $pg_db"
  pull PostgreSQL "$pg/$pg_db"
fi
