#!/usr/bin/env bash
# The dashboard at scale (issue 15): the demo partnership with 100,000 bench projects (dated
# histories, scores), 20,000 outcome measures of 24 values, 50,000 more people and 1,000,000
# attendance records (api/examples/bench_projects.rs, bench_dashboard.rs, bench_tiers.rs), on
# SQLite and (if reachable) PostgreSQL. Then, against the release server, 200 distinct "as of"
# days for each of: the partnership's overview, one organisation's, a metric's 36-month series
# and the comparison table, one request after another (p50, p99, slowest); the first request
# (which reads the facts from the database) and one after a write (which reads them again) are
# reported apart.
#   scripts/bench-dashboard.sh [runs, default 200] [projects, default 100000]
# BUILD=0 skips the release build; STORES=sqlite or STORES=postgresql measures one store only;
# KEEP=1 keeps the databases (SQLite in /tmp/qi-bench-dashboard.db,
# PostgreSQL qi_bench_dashboard) and REUSE=1 uses them again instead of loading the data.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
projects=${2:-100000}
[ "${BUILD:-1}" = 0 ] ||
  cargo build --release --quiet --bin qi --example bench_projects --example bench_tiers --example bench_dashboard

port=18091
base="http://127.0.0.1:$port"
pg=postgres://postgres@127.0.0.1:5432
work=$(mktemp -d)
cleanup() {
  kill "${server:-0}" 2>/dev/null || true
  rm -rf "$work"
  if [ "${KEEP:-0}" != 1 ] && [ "${REUSE:-0}" != 1 ]; then
    rm -f /tmp/qi-bench-dashboard.db*
    psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS qi_bench_dashboard" 2>/dev/null || true
  fi
}
trap cleanup EXIT

bench() {
  local label=$1 url=$2
  echo "# $label: demo partnership, $projects projects, 20,000 outcome measures, 50,000 people, 1,000,000 attendance records ($(date -u '+%F %H:%M'), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg))"
  if [ "${REUSE:-0}" != 1 ]; then
    QI_DATABASE_URL=$url QI_LOG=warn target/release/qi seed-demo
    QI_DATABASE_URL=$url target/release/examples/bench_projects "$projects" 2>&1 | tail -1
    QI_DATABASE_URL=$url target/release/examples/bench_dashboard measures 20000
    # The tier bench adds the people and training, then times its own query a few times.
    QI_DATABASE_URL=$url target/release/examples/bench_tiers 50000 1000000 3 >/dev/null
  fi
  QI_BIND=127.0.0.1:$port QI_DATABASE_URL=$url QI_LOG=warn QI_WEB_DIR=/nonexistent \
    "${QI_BIN:-target/release/qi}" serve >>"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 300); do curl -fs "$base/api/ready" >/dev/null && break; sleep 0.2; done
  target/release/examples/bench_dashboard http "$base" "$runs"
  echo "server memory: $(grep -E '^VmRSS' /proc/$server/status | tr -s ' \t' ' ')"
  kill "$server"; wait "$server" 2>/dev/null || true
  grep -iE 'error|panic' "$work/server.log" | sort | uniq -c | sort -rn | head -5 || true
}

stores=${STORES:-sqlite postgresql}
[[ $stores != *sqlite* ]] || bench SQLite "sqlite:///tmp/qi-bench-dashboard.db?mode=rwc"
if [[ $stores == *postgresql* ]] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  [ "${REUSE:-0}" = 1 ] || psql "$pg/postgres" -qc "CREATE DATABASE qi_bench_dashboard"
  bench PostgreSQL "$pg/qi_bench_dashboard"
fi
