#!/usr/bin/env bash
# Search and the finder of similar work at scale, with writes going on (issue 19): the demo
# partnership and 100,000 bench projects, 40 people of different organisations signed in,
# asking random searches (1 to 3 words of 74, sometimes a status, theme or organisation, pages
# 1 to 3), "has this been done before?" for random drafts, and the similar work of random
# projects, while a writer changes scores and edits projects' problems (If-Match) at 0 and then
# 2 a second. Targets: a search's p99 under 50 ms, the similar work's under 100 ms.
# On SQLite and (if reachable) PostgreSQL at 127.0.0.1:5432 (user postgres, trust).
#   scripts/bench-search.sh [seconds per write rate, default 20] [projects, default 100000]
# STORES=sqlite or STORES=postgresql: only that store. WRITES=0,2 (default): the write rates.
# READ_RATE=30 (default): first, 30 reads a second as random people, on time whatever the
# answers (an open loop: the latency people see at that traffic; the targets' figures);
# READ_RATE=0: none. CONNECTIONS=32 (default): then readers back to back (the most the server
# serves, and the time a request waits behind 31 others); CONNECTIONS=0: none.
# Cold start: the index is in memory, with no cache of answers, so there is nothing to turn off;
# but a node reads the whole register into it when it starts (in the background, once it
# answers). So the script signs the admin in, starts the server again, and times the first
# search, a second one, the first similar-to-a-draft and the first similar-to-a-project sent
# the moment it is ready (they wait for that read), with the read's own time from the log.
# REUSE=1: keep the loaded databases (/tmp/qi-bench-search.db, PostgreSQL qi_bench_search, and
# the signing key they know, in /tmp/qi-bench-search.data) and use them again next time instead
# of loading them afresh (earlier runs' edits stay in them).
# QI_BIN=path: the server binary (default $CARGO_TARGET_DIR/release/qi, else target/release/qi);
# BUILD=0: no build. The load comes from api/examples/load_search.rs, which says what it asks.
# Builds the release server, the data generator and the load tool (long on two cores the first
# time). Other work on the machine changes the figures: the load average is in every row.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
projects=${2:-100000}
target=${CARGO_TARGET_DIR:-target}
[ "${BUILD:-1}" = 0 ] ||
  cargo build --release --quiet --bin qi --example bench_projects --example load_search
qi=${QI_BIN:-$target/release/qi}
examples=$target/release/examples

port=18091
base="http://127.0.0.1:$port"
pg=postgres://postgres@127.0.0.1:5432
admin_email=admin@demo.qicommons.org
admin_password=demo-admin-password
work=$(mktemp -d)
# The signing key's folder: a database remembers the key it was last used with, so a reused one
# needs the same key again.
data=$work/data
[ "${REUSE:-0}" != 1 ] || data=/tmp/qi-bench-search.data
pg_db=""
cleanup() {
  kill "${server:-0}" 2>/dev/null || true
  rm -rf "$work"
  [ -z "$pg_db" ] || [ "${REUSE:-0}" = 1 ] ||
    psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $pg_db" 2>/dev/null || true
}
trap cleanup EXIT

start_server() {
  local url=$1
  # The data folder keeps the signing key, so a token outlives a restart (the cold start).
  # The register's index logs its reads (how long the whole register took at start).
  QI_BIND=127.0.0.1:$port QI_DATABASE_URL=$url QI_DATA_DIR=$data \
    QI_LOG=warn,qi_api::cache::register=debug QI_WEB_DIR=/nonexistent \
    QI_ACCESS_TOKEN_MINUTES=120 "$qi" serve >>"$work/server.log" 2>&1 &
  server=$!
  started=$(date +%s%N)
  # Asked often: the cold start's first search is sent the moment the server answers.
  for _ in $(seq 1500); do
    curl -fs "$base/api/ready" >/dev/null 2>&1 && return
    sleep 0.02
  done
  echo "the server did not start:" >&2; tail -20 "$work/server.log" >&2; exit 1
}

stop_server() {
  kill "$server"; wait "$server" 2>/dev/null || true
  # Any 5xx the server logged (its cause), so a report of errors comes with them; the 404s and
  # 412s the load means to cause are left out, and the time stamps, so that like lines count.
  sed 's/\x1b\[[0-9;]*m//g; s/^[^ ]* *//' "$work/server.log" | grep -iE 'error|panic' |
    grep -vE 'NotFound|PreconditionFailed' | sort | uniq -c | sort -rn | head -5 || true
  : >"$work/server.log"
}

# Milliseconds a request took, or its failure.
timed() {
  local out
  out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' "$@") || { echo "failed"; return; }
  awk -v s="${out% *}" -v t="${out#* }" 'BEGIN { printf "%.1f ms (%s)", t * 1000, s }'
}

cold() {
  local label=$1 url=$2 token ready finder
  local draft='{"title":"Fewer patients found on the floor on our elderly care ward","problem":"","aim":"Reduce falls with harm by 30% by March 2027 through a daily safety huddle"}'
  start_server "$url"
  token=$(curl -fsS -H 'content-type: application/json' \
    -d "{\"email\":\"$admin_email\",\"password\":\"$admin_password\"}" \
    "$base/api/v1/auth/login" | jq -r .access_token)
  local auth=(-H "authorization: Bearer $token")
  # The finder for a draft: /search/similar on later servers, /projects/similar on the first.
  finder=/api/v1/search/similar
  [ "$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" -H 'content-type: application/json' \
    -d "$draft" "$base$finder")" = 200 ] || finder=/api/v1/projects/similar
  stop_server
  start_server "$url"
  ready=$(( ($(date +%s%N) - started) / 1000000 ))
  # As the admin: every project is visible, the largest set to rank.
  local first second similar related
  first=$(timed "${auth[@]}" "$base/api/v1/search?q=falls+ward")
  second=$(timed "${auth[@]}" "$base/api/v1/search?q=sepsis+antibiotics&status=active")
  similar=$(timed "${auth[@]}" -H 'content-type: application/json' -d "$draft" "$base$finder")
  related=$(timed "${auth[@]}" "$base/api/v1/projects/$((projects / 2))/similar")
  local index
  index=$(sed 's/\x1b\[[0-9;]*m//g' "$work/server.log" | grep -m1 'since=None' | grep -oE 'rows=[0-9]+|took=[0-9.]+[a-zµ]+' | tr '\n' ' ' || true)
  echo
  echo "| $label, cold start | figure |"
  echo "| --- | ---: |"
  echo "| process start → ready | $ready ms |"
  echo "| the register's index read at start (server log) | ${index:-not logged} |"
  echo "| first search (\`falls ward\`), sent at ready | $first |"
  echo "| second search (\`sepsis antibiotics\`, active) | $second |"
  echo "| first similar to a draft | $similar |"
  echo "| first similar to a project | $related |"
  echo
  # The same server, its index read, serves the load.
}

bench() {
  local label=$1 url=$2
  local fresh=${3:-1}
  echo "# $label: demo partnership and $projects projects ($(date -u '+%F %H:%M'), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg))"
  if [ "$fresh" = 1 ]; then
    QI_DATABASE_URL=$url QI_LOG=warn "$qi" seed-demo
    QI_DATABASE_URL=$url "$examples/bench_projects" "$projects" 2>&1 | tail -1
  fi
  cold "$label" "$url"
  if [ "${READ_RATE:-30}" != 0 ]; then
    "$examples/load_search" --base "$base" --label "$label," --read-rate "${READ_RATE:-30}" \
      --writes "${WRITES:-0,2}" --seconds "$seconds" --server-pid "$server"
    echo
  fi
  if [ "${CONNECTIONS:-32}" != 0 ]; then
    "$examples/load_search" --base "$base" --label "$label," --connections "${CONNECTIONS:-32}" \
      --writes "${WRITES:-0,2}" --seconds "$seconds" --server-pid "$server"
    echo
  fi
  stop_server
}

stores=${STORES:-sqlite postgresql}
if [[ " $stores " == *" sqlite "* ]]; then
  if [ "${REUSE:-0}" = 1 ]; then
    fresh=1; [ ! -s /tmp/qi-bench-search.db ] || fresh=0
    bench SQLite "sqlite:///tmp/qi-bench-search.db?mode=rwc" "$fresh"
  else
    bench SQLite "sqlite://$work/bench.db?mode=rwc"
  fi
fi
if [[ " $stores " == *" postgresql "* ]] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  # CI's PostgreSQL runs without autovacuum; a deployment's has it (see bench-mix.sh).
  if [ "$(psql "$pg/postgres" -tAc 'SHOW autovacuum')" != on ]; then
    echo "# warning: autovacuum is off on this PostgreSQL, unlike a deployment's; for figures a deployment" \
      "would see: psql $pg/postgres -c 'ALTER SYSTEM SET autovacuum = on' -c 'SELECT pg_reload_conf()'" >&2
  fi
  if [ "${REUSE:-0}" = 1 ]; then
    pg_db=qi_bench_search
    if psql "$pg/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$pg_db'" | grep -q 1; then
      bench PostgreSQL "$pg/$pg_db" 0
    else
      psql "$pg/postgres" -qc "CREATE DATABASE $pg_db"
      bench PostgreSQL "$pg/$pg_db"
    fi
  else
    pg_db="qi_bench_search_$$"
    psql "$pg/postgres" -qc "CREATE DATABASE $pg_db"
    bench PostgreSQL "$pg/$pg_db"
  fi
elif [[ " $stores " == *" postgresql "* ]]; then
  echo "# PostgreSQL at 127.0.0.1:5432 is not reachable: skipped" >&2
fi
