#!/usr/bin/env bash
# Load test of the project register on loopback, with 100,000 projects: list, filter, search and
# the project page under wrk with 64 connections, signed in as the demo partnership admin (sees
# everything) and as the demo member (the visibility rules apply), on SQLite and (if reachable)
# PostgreSQL.
#   scripts/bench-projects.sh [seconds per run, default 15] [projects, default 100000]
# The list requests run twice: with the per-node page cache (QI_LIST_CACHE_SECONDS=5, the
# default) and without it (0). UNCACHED=0 leaves out the runs without the cache; STORES=sqlite
# or STORES=postgresql only that store. (Which projects a list shows comes from the register's
# index in memory, `api/src/cache/register.rs`; the database reads only the page's rows.)
# Needs wrk (apt-get install wrk). Builds the release server and
# the data generator (api/examples/bench_projects.rs). Takes about 2 minutes to load the data
# and 8 wrk runs per store. QI_DB_MAX_CONNECTIONS passes through to the server.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15}
projects=${2:-100000}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
cargo build --release --quiet --bin qi --example bench_projects

port=18081
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

lists=(
  "status=active&theme=falls&per_page=25"
  "q=falls&per_page=25"
  "per_page=25"
)
people=(
  "admin@demo.qicommons.org:demo-admin-password"
  "member@demo.qicommons.org:demo-password"
)

login() {
  curl -fs "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$2\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}

run_wrk() {
  local token=$1 path=$2
  wrk -t2 -c64 -d"${duration}s" --latency -H "Authorization: Bearer $token" "$base$path" |
    grep -E 'Requests/sec|  50%|  99%|Non-2xx|Socket errors' | sed 's/^ */  /'
}

# Runs the requests against a server started with this page cache time-to-live (0: none).
measure() {
  local label=$1 url=$2 cache=$3 who token project query
  QI_BIND=127.0.0.1:$port QI_DATABASE_URL=$url QI_LOG=warn QI_WEB_DIR=/nonexistent \
    QI_LIST_CACHE_SECONDS=$cache target/release/qi serve >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -fs "$base/api/ready" >/dev/null && break; sleep 0.2; done
  for who in "${people[@]}"; do
    token=$(login "${who%%:*}" "${who#*:}")
    # A project this person may see: the most recently updated.
    project=$(curl -fs "$base/api/v1/projects?per_page=1" -H "Authorization: Bearer $token" |
      sed 's/^{"items":\[{"id":\([0-9]*\).*/\1/')
    for query in "${lists[@]}"; do
      echo "## $label list cache ${cache}s ${who%%@*} GET /api/v1/projects?$query ($(curl -fs "$base/api/v1/projects?$query" \
        -H "Authorization: Bearer $token" | sed 's/.*"total":\([0-9]*\).*/\1/') match)"
      run_wrk "$token" "/api/v1/projects?$query"
    done
    if [ "$cache" != 0 ]; then # the project page has no cache
      echo "## $label ${who%%@*} GET /api/v1/projects/$project"
      run_wrk "$token" "/api/v1/projects/$project"
    fi
  done
  kill "$server"; wait "$server" 2>/dev/null || true
}

bench() {
  local label=$1 url=$2
  echo "# $label: demo partnership and $projects projects ($(date -u +%F), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg))"
  QI_DATABASE_URL=$url QI_LOG=warn target/release/qi seed-demo
  QI_DATABASE_URL=$url target/release/examples/bench_projects "$projects" 2>&1 | tail -1
  # Every request asked again and again (pages from the cache while nothing changes), then
  # every page read from the database (what the queries cost).
  measure "$label" "$url" 5
  [ "${UNCACHED:-1}" = 0 ] || measure "$label" "$url" 0
}

stores=${STORES:-sqlite postgresql}
[[ " $stores " != *" sqlite "* ]] || bench SQLite "sqlite://$work/bench.db?mode=rwc"
if [[ " $stores " == *" postgresql "* ]] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_db="qi_bench_projects_$$"
  psql "$pg/postgres" -qc "CREATE DATABASE $pg_db"
  bench PostgreSQL "$pg/$pg_db"
fi
