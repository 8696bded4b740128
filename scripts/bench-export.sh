#!/usr/bin/env bash
# Bulk export at scale (issue 18): GET /api/v1/export/projects as NDJSON and as CSV, with curl,
# signed in as the demo partnership admin (who may read every project), against the release
# server on loopback, at 10,000 and then 100,000 projects (api/examples/bench_projects.rs), on
# SQLite and (if reachable) PostgreSQL. For each: the time to the last byte, the size, and the
# server's peak resident memory (VmHWM in /proc/PID/status) before and after, so one sees
# whether memory grows with the collection (it should not: pages of 1,000 are streamed).
#   scripts/bench-export.sh [sizes, default "10000 100000"]
# STORES=sqlite or STORES=postgresql runs one store only; FORMATS="ndjson ndjson" exports twice. Builds the release server and the
# data generator (PROFILE=dev: the debug build, for memory only, not times). Each size gets a
# fresh server process, so its VmHWM is its own. Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-10000 100000}
profile=${PROFILE:-release}
cargo build --profile "$profile" --quiet --bin qi --example bench_projects
bin="${CARGO_TARGET_DIR:-target}/$([ "$profile" = dev ] && echo debug || echo "$profile")"

port=18083
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

hwm() { awk '/VmHWM/ {print $2 / 1024 " MiB"}' "/proc/$server/status"; }
# Now: the whole, and its anonymous part (the heap) apart from mapped files (SQLite maps its
# database file, up to 1 GiB, so reading every row adds the file's pages to RSS: page cache the
# kernel can drop, not memory the export holds).
rss() { awk '/VmRSS|RssAnon|RssFile/ {printf "%s %.1f MiB ", $1, $2 / 1024}' "/proc/$server/status"; }

# Exports with a fresh server: its peak memory after start and one request, then after each export.
measure() {
  local label=$1 url=$2 count=$3 token format
  QI_BIND=127.0.0.1:$port QI_DATABASE_URL=$url QI_LOG=warn QI_WEB_DIR=/nonexistent \
    "$bin/qi" serve >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -fs "$base/api/ready" >/dev/null && break; sleep 0.2; done
  token=$(curl -fs "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"admin@demo.qicommons.org","password":"demo-admin-password"}' |
    sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  curl -fs "$base/api/v1/export/projects?organisation_id=0" -H "Authorization: Bearer $token" >/dev/null
  # Each node builds the projects register's index in memory in the background after starting
  # (about 0.8 KiB a project): wait until the heap stops growing, so that what the exports add
  # is not mistaken for it (it was, until 7 December).
  local before=0 now
  for _ in $(seq 60); do
    now=$(awk '/RssAnon/ {print $2}' "/proc/$server/status")
    [ "$now" = "$before" ] && break
    before=$now
    sleep 1
  done
  echo "## $label, $count projects: server started and settled, peak RSS $(hwm); now $(rss)"
  for format in ${FORMATS:-ndjson csv}; do
    # -f: a failure part way (the connection closed before the last chunk) fails the run.
    curl -fsS -o "$work/export.$format" -w "%{time_total} s, %{size_download} bytes" \
      "$base/api/v1/export/projects?format=$format" -H "Authorization: Bearer $token" \
      >"$work/timing"
    echo "  $format: $(cat "$work/timing"), $(grep -c '' "$work/export.$format") lines; peak RSS $(hwm); now $(rss); load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
  kill "$server"; wait "$server" 2>/dev/null || true
}

bench() {
  local label=$1 url=$2 loaded=0 count
  echo "# $label, $profile build ($(date -u '+%F %H:%M UTC'), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg))"
  QI_DATABASE_URL=$url QI_LOG=warn "$bin/qi" seed-demo
  for count in $sizes; do
    QI_DATABASE_URL=$url "$bin/examples/bench_projects" "$((count - loaded))" 2>&1 | tail -1
    loaded=$count
    measure "$label" "$url" "$count"
  done
}

stores=${STORES:-sqlite postgresql}
[[ " $stores " != *" sqlite "* ]] || bench SQLite "sqlite://$work/bench.db?mode=rwc"
if [[ " $stores " == *" postgresql "* ]] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_db="qi_bench_export_$$"
  psql "$pg/postgres" -qc "CREATE DATABASE $pg_db"
  bench PostgreSQL "$pg/$pg_db"
fi
