#!/usr/bin/env bash
# Load test of the stateless analysis API on loopback: POST /api/v1/analysis/spc and
# /api/v1/analysis/run-chart with a 60-point monthly series (one gap, a rebase) under wrk with
# 64 connections. Nothing is stored, so the database plays no part.
#   scripts/bench-analysis.sh [seconds per run, default 15]
# Needs wrk (apt-get install wrk). Builds the release server. For the engine alone (1,000 to
# 1,000,000 points) see `cargo bench -p qi-shared --bench spc`.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
cargo build --release --quiet --bin qi

port=18082
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

# 60 months from January 2020: steady around 40, then better (a rebase) from month 37.
points=""
for i in $(seq 0 59); do
  year=$((2020 + i / 12)); month=$((i % 12 + 1))
  if [ "$i" = 20 ]; then value=null; elif [ "$i" -lt 36 ]; then value=$((38 + (i * 7) % 5)); else value=$((46 + (i * 5) % 4)); fi
  points+=$(printf '{"date":"%d-%02d-01","value":%s},' "$year" "$month" "$value")
done
points="[${points%,}]"
echo "{\"points\":$points,\"improvement_direction\":\"increase\",\"target\":45,\"rebase_dates\":[\"2023-01-01\"]}" >"$work/spc.json"
echo "{\"points\":$points,\"freeze_after\":\"2022-12-01\"}" >"$work/run-chart.json"

QI_BIND=127.0.0.1:$port QI_DATABASE_URL="sqlite://$work/bench.db?mode=rwc" QI_LOG=warn \
  QI_WEB_DIR=/nonexistent target/release/qi serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/api/ready" >/dev/null && break; sleep 0.2; done
for kind in spc run-chart; do
  curl -fs "http://127.0.0.1:$port/api/v1/analysis/$kind" -H 'content-type: application/json' \
    --data-binary "@$work/$kind.json" >/dev/null
  cat >"$work/$kind.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/$kind.json"); wrk.body = f:read("*a"); f:close()
LUA
  echo "## POST /api/v1/analysis/$kind, 60 points ($(date -u +%F), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg))"
  wrk -t2 -c64 -d"${duration}s" --latency -s "$work/$kind.lua" "http://127.0.0.1:$port/api/v1/analysis/$kind" |
    grep -E 'Requests/sec|99%|50%|Non-2xx|Socket errors' | sed 's/^ */  /'
done
