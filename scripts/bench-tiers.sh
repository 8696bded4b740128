#!/usr/bin/env bash
# Tier counts as of a day (GET /api/v1/capability/tiers/counts's query) with 50,000 extra people
# and 1,000,000 attendance records, on SQLite and (if reachable) PostgreSQL: p50/p99 over 200
# runs for several days, for the whole partnership and for one organisation, then the query
# plans. Builds the release server and the data generator (api/examples/bench_tiers.rs).
#   scripts/bench-tiers.sh [people, default 50000] [attendance, default 1000000] [runs, default 200]
# Needs sqlite3 and psql for the plans.
set -euo pipefail
cd "$(dirname "$0")/.."
people=${1:-50000}
attendance=${2:-1000000}
runs=${3:-200}
cargo build --release --quiet --bin qi --example bench_tiers

pg=postgres://postgres@127.0.0.1:5432
work=$(mktemp -d)
pg_db=""
cleanup() {
  rm -rf "$work"
  [ -z "$pg_db" ] || psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $pg_db" 2>/dev/null || true
}
trap cleanup EXIT

# The statement counts_at runs, for the plans (the day is the end of today).
sql="SELECT organisation_id, tier, COUNT(id) AS n FROM tier_periods WHERE valid_from < '%s' AND (valid_to IS NULL OR valid_to >= '%s') GROUP BY organisation_id, tier"

bench() {
  local label=$1 url=$2 at
  echo "# $label: demo partnership, $people people, $attendance attendance records ($(date -u +%F), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg))"
  QI_DATABASE_URL=$url QI_LOG=warn target/release/qi seed-demo
  QI_DATABASE_URL=$url target/release/examples/bench_tiers "$people" "$attendance" "$runs"
  echo "## $label plan"
  if [ "$label" = SQLite ]; then
    at=$(sqlite3 "$work/bench.db" "SELECT MAX(valid_from) FROM tier_periods")
    command -v sqlite3 >/dev/null && sqlite3 "$work/bench.db" "EXPLAIN QUERY PLAN $(printf "$sql" "$at" "$at")" | sed 's/^/    /'
  else
    at=$(date -u +%F)
    psql -X -q "$url" -c "EXPLAIN (ANALYZE, COSTS OFF) $(printf "$sql" "$at" "$at")" | sed 's/^/    /'
  fi
}

bench SQLite "sqlite://$work/bench.db?mode=rwc"
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_db="qi_bench_tiers_$$"
  psql "$pg/postgres" -qc "CREATE DATABASE $pg_db"
  bench PostgreSQL "$pg/$pg_db"
fi
