#!/usr/bin/env bash
# Mail under load (issue 16), against the release server and a real SMTP server (the tests'
# aiosmtpd, tests/mail/smtpd.sh, on loopback), on the demo partnership in a fresh database:
#  1. deliver: COUNT invitations queued through the API (POST /people, 8 at once), and the
#     time from the first queued to the last received: messages a second a node delivers;
#     once a poll interval (POLLS, QI_MAIL__POLL_MILLIS), and on PostgreSQL once a node count
#     (NODES: two nodes on one database, invitations sent to each in turn);
#  2. outbox: the outbox topped up to each of SIZES messages by SQL (copies of the demo's own
#     messages, so as the server writes them: 90 % sent, 6 % failed, 4 % waiting to be tried
#     again in 2099), then 8 readers asking for GET /admin/outbox with random filters, pages and
#     searches (and now and then the summary) while invitations are written at WRITES a second
#     and delivered;
#  3. resets: RESETS password-reset requests, one at a time, half for active people's addresses
#     and half for addresses with no account, in a random order (the limits raised for it);
#     QI_BIN_BEFORE=path runs them again with another build (say, the commit before "answer
#     202 before the account is looked up"), on a database of its own seeded by that build.
#   scripts/bench-mail.sh
# STORES="sqlite" (default), "sqlite postgresql" or "postgresql" (127.0.0.1:5432, user postgres;
# a database of its own, dropped after). PHASES="deliver outbox resets" (default).
# COUNT=1000 POLLS="1000 50" NODES="1 2" (PostgreSQL only; SQLite is one node)
# SIZES="10000 100000" WRITES=5 RUN_SECONDS=20 (outbox, measured after 3 s) RESETS=2000.
# QI_BIN=path: the server to measure (default $CARGO_TARGET_DIR/release/qi); BUILD=0: no build.
# Other settings are the server's defaults (QI_MAIL__BATCH 20 messages a round, and so on).
# The load comes from api/examples/load_mail.rs, which says what it asks and how it times.
# Other work on the machine changes the figures: the load average is in every row.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
[ "${BUILD:-1}" = 0 ] || cargo build --release --quiet --bin qi --example load_mail
qi=${QI_BIN:-$target/release/qi}
load=$target/release/examples/load_mail

port=${PORT:-18096}
smtp_port=${SMTP_PORT:-18026}
pg=postgres://postgres@127.0.0.1:5432
work=$(mktemp -d)
pg_db=""
servers=()
smtpd=""
cleanup() {
  for pid in "${servers[@]}" $smtpd; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
  [ -z "$pg_db" ] || psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $pg_db" 2>/dev/null || true
  [ -z "$pg_db" ] || psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS ${pg_db}_before" 2>/dev/null || true
}
trap cleanup EXIT

for p in "$port" "$((port + 1))"; do
  if curl -fs "http://127.0.0.1:$p/api/health" >/dev/null 2>&1; then
    echo "something already answers on port $p: PORT=another scripts/bench-mail.sh" >&2
    exit 1
  fi
done

# A fresh SMTP server (an empty messages.jsonl) for each run.
start_smtpd() {
  stop_smtpd
  rm -rf "$work/smtp"; mkdir -p "$work/smtp"
  tests/mail/smtpd.sh "$smtp_port" "$work/smtp" >"$work/smtpd.log" 2>&1 &
  smtpd=$!
  for _ in $(seq 600); do grep -q ready "$work/smtpd.log" && return; sleep 0.2; done
  echo "the SMTP server did not start:" >&2; cat "$work/smtpd.log" >&2; exit 1
}
stop_smtpd() {
  [ -z "$smtpd" ] || { kill "$smtpd" 2>/dev/null || true; wait "$smtpd" 2>/dev/null || true; }
  smtpd=""
}

# start_servers URL NODES [VAR=value...]: NODES servers on one database, ports $port and up,
# sending through the test SMTP server, with one data directory (so one signing key).
start_servers() {
  local url=$1 nodes=$2; shift 2
  mkdir -p "$work/data"
  for n in $(seq 0 $((nodes - 1))); do
    env QI_BIND=127.0.0.1:$((port + n)) QI_DATABASE_URL="$url" QI_DATA_DIR="$work/data" \
      QI_LOG=warn QI_WEB_DIR=/nonexistent QI_ACCESS_TOKEN_MINUTES=120 \
      QI_SMTP_URL="smtp://127.0.0.1:$smtp_port" "$@" "${bin:-$qi}" serve >>"$work/server.log" 2>&1 &
    servers+=($!)
    for _ in $(seq 150); do
      curl -fs "http://127.0.0.1:$((port + n))/api/ready" >/dev/null && continue 2
      sleep 0.2
    done
    echo "the server did not start:" >&2; tail -20 "$work/server.log" >&2; exit 1
  done
}
stop_servers() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  servers=()
  # Any 5xx the server logged (its cause), so a report of errors comes with them.
  grep -E 'ERROR|panicked' "$work/server.log" | sort | uniq -c | sort -rn | head -5 || true
  : >"$work/server.log"
}
bases() { # the first N servers' addresses, comma-separated
  local list=()
  for n in $(seq 0 $(($1 - 1))); do list+=("http://127.0.0.1:$((port + n))"); done
  (IFS=,; echo "${list[*]}")
}
sql() { # run SQL on the store
  case $1 in
    sqlite://*) local file=${1#sqlite://}; sqlite3 "${file%%\?*}" "$2" ;;
    *) psql "$1" -qAt -c "$2" ;;
  esac
}

# Tops the outbox up to $2 messages: copies of the demo's own messages (cycled), with their
# own addresses and Message-IDs. Most sent, some failed, some waiting for a retry in 2099.
seed_outbox() {
  local url=$1 size=$2 have later
  have=$(sql "$url" "SELECT count(*) FROM mail_outbox")
  [ "$have" -lt "$size" ] || return 0
  case $url in sqlite://*) later="'2099-01-01 00:00:00+00:00'" ;; *) later="TIMESTAMPTZ '2099-01-01'" ;; esac
  sql "$url" "WITH RECURSIVE n(i) AS (SELECT $have UNION ALL SELECT i + 1 FROM n WHERE i < $size - 1),
      t AS (SELECT *, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS c FROM mail_outbox WHERE id <= (SELECT min(id) + 199 FROM mail_outbox))
    INSERT INTO mail_outbox (person_id, kind, to_address, subject, text_body, html_body, message_id,
      status, attempts, next_attempt_at, locked_until, last_error, created_at, sent_at, calendar)
    SELECT t.person_id, t.kind, 'seed' || n.i || '.' || t.to_address, t.subject, t.text_body, t.html_body,
      '<seed-' || n.i || '@bench.example.org>',
      CASE WHEN n.i % 50 < 3 THEN 'failed' WHEN n.i % 25 = 3 THEN 'queued' ELSE 'sent' END,
      CASE WHEN n.i % 50 < 3 THEN 1 WHEN n.i % 25 = 3 THEN 2 ELSE 0 END,
      CASE WHEN n.i % 25 = 3 THEN $later ELSE t.created_at END, NULL,
      CASE WHEN n.i % 50 < 3 THEN 'refused by the mail server: 550 5.1.1 mailbox unavailable'
           WHEN n.i % 25 = 3 THEN 'refused for now by the mail server: 451 4.3.0 try again later' END,
      t.created_at, CASE WHEN n.i % 50 >= 3 AND n.i % 25 <> 3 THEN t.created_at END, t.calendar
    FROM n JOIN t ON t.k = n.i % t.c"
  case $url in sqlite://*) sql "$url" "ANALYZE" ;; *) sql "$url" "ANALYZE mail_outbox" ;; esac
}

header() {
  echo "# $1 ($(date -u '+%F %H:%M'), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg))"
}

run_store() {
  local label=$1 url=$2 nodes_here phases=${PHASES:-deliver outbox resets}
  header "$label: loading the demo partnership"
  QI_DATABASE_URL=$url QI_LOG=warn "$qi" seed-demo >/dev/null
  if [[ " $phases " == *" deliver "* ]]; then
    nodes_here=1
    [[ $label == SQLite ]] || nodes_here=${NODES:-1 2}
    for nodes in $nodes_here; do
      for poll in ${POLLS:-1000 50}; do
        header "$label, deliver: ${COUNT:-1000} invitations, $nodes node(s), QI_MAIL__POLL_MILLIS=$poll"
        start_smtpd
        start_servers "$url" "$nodes" QI_MAIL__POLL_MILLIS="$poll"
        "$load" --mode deliver --base "$(bases "$nodes")" --count "${COUNT:-1000}" \
          --smtp-file "$work/smtp/messages.jsonl" --label "$label, $nodes node(s), poll $poll ms"
        stop_servers
        echo
      done
    done
  fi
  if [[ " $phases " == *" outbox "* ]]; then
    for size in ${SIZES:-10000 100000}; do
      header "$label, outbox: topping up to $size messages"
      seed_outbox "$url" "$size"
      start_smtpd
      start_servers "$url" 1
      "$load" --mode outbox --base "$(bases 1)" --writes "${WRITES:-5}" --seconds "${RUN_SECONDS:-20}" \
        --smtp-file "$work/smtp/messages.jsonl" --label "$label, $(sql "$url" "SELECT count(*) FROM mail_outbox") messages"
      stop_servers
      echo
    done
  fi
  if [[ " $phases " == *" resets "* ]]; then
    header "$label, resets: ${RESETS:-2000} requests, one at a time"
    start_smtpd
    start_servers "$url" 1 QI_AUTH__RESETS_PER_ACCOUNT=1000000 QI_AUTH__RESETS_PER_ADDRESS=1000000
    "$load" --mode resets --base "$(bases 1)" --count "${RESETS:-2000}" --connections 1 --label "$label, this build"
    stop_servers
    if [ -n "${QI_BIN_BEFORE:-}" ]; then
      local before_url=$url
      case $url in
        sqlite://*) before_url="sqlite://$work/before.db?mode=rwc" ;;
        *) before_url="$pg/${pg_db}_before"; psql "$pg/postgres" -qc "CREATE DATABASE ${pg_db}_before" ;;
      esac
      header "$label, resets with $QI_BIN_BEFORE (its own demo database)"
      QI_DATABASE_URL=$before_url QI_LOG=warn "$QI_BIN_BEFORE" seed-demo >/dev/null
      bin=$QI_BIN_BEFORE start_servers "$before_url" 1 QI_AUTH__RESETS_PER_ACCOUNT=1000000 QI_AUTH__RESETS_PER_ADDRESS=1000000
      "$load" --mode resets --base "$(bases 1)" --count "${RESETS:-2000}" --connections 1 --label "$label, before"
      stop_servers
      [[ $url == sqlite://* ]] || psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS ${pg_db}_before"
    fi
    stop_smtpd
    echo
  fi
}

stores=${STORES:-sqlite}
if [[ " $stores " == *" sqlite "* ]]; then
  run_store SQLite "sqlite://$work/mail.db?mode=rwc"
fi
if [[ " $stores " == *" postgresql "* ]]; then
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    pg_db="qi_bench_mail_$$"
    psql "$pg/postgres" -qc "CREATE DATABASE $pg_db"
    run_store PostgreSQL "$pg/$pg_db"
  else
    echo "# PostgreSQL: not reachable at 127.0.0.1:5432, left out" >&2
  fi
fi
