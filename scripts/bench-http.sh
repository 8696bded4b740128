#!/usr/bin/env bash
# Load test on loopback: requests per second and latency of GET /api/health and GET /api/v1/me
# under wrk with 64 connections, on SQLite and (if reachable) PostgreSQL.
#   scripts/bench-http.sh [seconds per run, default 15]
# Needs wrk (apt-get install wrk). Builds the release server; runs it with the demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
cargo build --release --quiet --bin qi

port=18080
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

bench() {
  local label=$1 url=$2
  QI_BIND=127.0.0.1:$port QI_DATABASE_URL=$url QI_LOG=warn QI_WEB_DIR=/nonexistent \
    target/release/qi serve --demo >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/api/ready" >/dev/null && break; sleep 0.2; done
  token=$(curl -fs "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"admin@demo.qicommons.org","password":"demo-admin-password"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  for path in /api/health /api/v1/me; do
    echo "## $label GET $path"
    wrk -t2 -c64 -d"${duration}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" |
      grep -E 'Requests/sec|99%|50%|Non-2xx|Socket errors' | sed 's/^ */  /'
  done
  kill "$server"; wait "$server" 2>/dev/null || true
}

bench "SQLite" "sqlite://$work/bench.db?mode=rwc"
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  db="qi_bench_$$"
  psql postgres://postgres@127.0.0.1:5432/postgres -qc "CREATE DATABASE $db"
  bench "PostgreSQL" "postgres://postgres@127.0.0.1:5432/$db"
  psql postgres://postgres@127.0.0.1:5432/postgres -qc "DROP DATABASE $db"
fi
