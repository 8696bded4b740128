#!/usr/bin/env bash
# The register under a realistic mixed load, with writes going on (issue 14): the 100,000 bench
# projects, 40 people of different organisations signed in, readers asking for random list
# pages, project pages, /me and library pages back to back while a writer changes scores, edits
# projects (If-Match) and adds data points at 0, 2 and then 20 a second; /api/health beside them.
# On SQLite and (if reachable) PostgreSQL, each with the per-node list cache (the default,
# QI_LIST_CACHE_SECONDS=5) and without it (0).
#   scripts/bench-mix.sh [seconds per write rate, default 20] [projects, default 100000]
# STORES=sqlite or STORES=postgresql: only that store. CACHES="5 0" (default): the cache times
# to run. WRITES=0,2,20 (default): the write rates. CONNECTIONS=32: readers back to back (the
# most the server serves); READ_RATE=50: instead, 50 reads a second as random people, on time
# whatever the answers (the latency people see at that traffic).
# REUSE=1: keep the loaded databases (/tmp/qi-bench-mix.db, PostgreSQL qi_bench_mix) after the
# run and use them again next time instead of loading them afresh (the writes of earlier runs
# stay in them: a few thousand changes among 100,000 projects).
# SOAK=1: instead, one run of 10 minutes (SOAK_SECONDS=600) at 20 writes a second with the
# default cache, a row a minute, and the server's memory at the start and end (scripts/soak.sh).
# SPREAD=1: readers ask the spread and discovery reads instead (issue 19): a project's spread as
# of a day, pages of adoptions, the spread network (theme and period, or one project's path) and
# the dashboard's breakdown by type or quality dimension; the writes are the same.
# QI_BIN=path: the server binary to measure (default target/release/qi); BUILD=0: no build.
# The load comes from api/examples/load_mix.rs, which says what it asks and how it times.
# Builds the release server, the data generator and the load tool (long on two cores the first
# time). Other work on the machine changes the figures: the load average is in every row.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
projects=${2:-100000}
[ "${BUILD:-1}" = 0 ] || cargo build --release --quiet --bin qi --example bench_projects --example load_mix

port=18090
base="http://127.0.0.1:$port"
pg=postgres://postgres@127.0.0.1:5432
work=$(mktemp -d)
pg_db=""
cleanup() {
  kill "${server:-0}" 2>/dev/null || true
  rm -rf "$work"
  [ -z "$pg_db" ] || [ "${REUSE:-0}" = 1 ] ||
    psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $pg_db" 2>/dev/null || true
}
trap cleanup EXIT

start_server() {
  local url=$1 cache=$2
  # Tokens that outlive a soak; the server's own log only for warnings.
  QI_BIND=127.0.0.1:$port QI_DATABASE_URL=$url QI_LOG=warn QI_WEB_DIR=/nonexistent \
    QI_ACCESS_TOKEN_MINUTES=120 QI_LIST_CACHE_SECONDS=$cache \
    "${QI_BIN:-target/release/qi}" serve >>"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 150); do curl -fs "$base/api/ready" >/dev/null && return; sleep 0.2; done
  echo "the server did not start:" >&2; tail -20 "$work/server.log" >&2; exit 1
}

stop_server() {
  kill "$server"; wait "$server" 2>/dev/null || true
  # Any 5xx the server logged (its cause), so a report of errors comes with them.
  grep -iE 'error|panic' "$work/server.log" | sort | uniq -c | sort -rn | head -5 || true
  : >"$work/server.log"
}

bench() {
  local label=$1 url=$2 cache
  local fresh=${3:-1}
  echo "# $label: demo partnership and $projects projects ($(date -u '+%F %H:%M'), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg))"
  if [ "$fresh" = 1 ]; then
    QI_DATABASE_URL=$url QI_LOG=warn target/release/qi seed-demo
    QI_DATABASE_URL=$url target/release/examples/bench_projects "$projects" 2>&1 | tail -1
  fi
  if [ "${SOAK:-0}" = 1 ]; then
    start_server "$url" 5
    memory() { echo "server memory $1: $(grep -E '^(VmRSS|RssAnon|RssFile)' /proc/$server/status | tr -s ' \t' ' ' | tr '\n' ' ')"; }
    memory "before the load"
    target/release/examples/load_mix --base "$base" --label "$label soak" \
      --connections "${CONNECTIONS:-32}" --writes 20 --seconds "${SOAK_SECONDS:-600}" \
      --window 60 --health-seconds 0 ${READ_RATE:+--read-rate "$READ_RATE"} --server-pid "$server"
    memory "after the load"
    stop_server
    return
  fi
  for cache in ${CACHES:-5 0}; do
    start_server "$url" "$cache"
    echo
    target/release/examples/load_mix --base "$base" --label "$label, cache ${cache}s," \
      --connections "${CONNECTIONS:-32}" --writes "${WRITES:-0,2,20}" --seconds "$seconds" \
      ${READ_RATE:+--read-rate "$READ_RATE"} ${SPREAD:+--spread} --server-pid "$server"
    stop_server
  done
}

stores=${STORES:-sqlite postgresql}
if [[ " $stores " == *" sqlite "* ]]; then
  if [ "${REUSE:-0}" = 1 ]; then
    fresh=1; [ ! -s /tmp/qi-bench-mix.db ] || fresh=0
    bench SQLite "sqlite:///tmp/qi-bench-mix.db?mode=rwc" "$fresh"
  else
    bench SQLite "sqlite://$work/bench.db?mode=rwc"
  fi
fi
if [[ " $stores " == *" postgresql "* ]] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  # CI's PostgreSQL runs without autovacuum (conf.d/90-ci.conf); a deployment's has it. Without
  # it, dead rows pile up under the writes and the reads slow down minute by minute.
  if [ "$(psql "$pg/postgres" -tAc 'SHOW autovacuum')" != on ]; then
    echo "# warning: autovacuum is off on this PostgreSQL, unlike a deployment's; for figures a deployment" \
      "would see: psql $pg/postgres -c 'ALTER SYSTEM SET autovacuum = on' -c 'SELECT pg_reload_conf()'" >&2
  fi
  if [ "${REUSE:-0}" = 1 ]; then
    pg_db=qi_bench_mix
    if psql "$pg/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$pg_db'" | grep -q 1; then
      bench PostgreSQL "$pg/$pg_db" 0
    else
      psql "$pg/postgres" -qc "CREATE DATABASE $pg_db"
      bench PostgreSQL "$pg/$pg_db"
    fi
  else
    pg_db="qi_bench_mix_$$"
    psql "$pg/postgres" -qc "CREATE DATABASE $pg_db"
    bench PostgreSQL "$pg/$pg_db"
  fi
fi
