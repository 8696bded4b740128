#!/usr/bin/env bash
# Memory of the release server under a burst of wrong-password sign-ins (issue 14, item 5):
# 256 sign-ins, 64 at a time, from one address. Reports the server's resident memory before,
# after and at its peak (VmHWM), the answers' statuses and the time taken, for:
#   - throttling off, hashing limit 64: as the server was before the limit (64 hashes at once);
#   - throttling off, hashing limit as configured (one per core): the limit alone;
#   - the defaults, all 256 at one account: throttling and the limit together.
#   scripts/bench-sign-in.sh            (the release build)
#   PROFILE=dev scripts/bench-sign-in.sh (the debug build; argon2 is optimised in it too)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${PROFILE:-release}
cargo build --profile "$profile" --quiet --bin qi
qi="${CARGO_TARGET_DIR:-target}/$([ "$profile" = dev ] && echo debug || echo "$profile")/qi"

# A free port: another server may be running on this machine.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
mib() { echo $(( $1 / 1024 )); }

run() {
  local label=$1 emails=$2; shift 2
  env "$@" QI_BIND=127.0.0.1:$port QI_DATABASE_URL="sqlite://$work/$RANDOM.db?mode=rwc" \
    QI_DATA_DIR="$work" QI_LOG=error QI_WEB_DIR=/nonexistent \
    QI_BOOTSTRAP__ADMIN_EMAIL=admin@example.org QI_BOOTSTRAP__ADMIN_PASSWORD=bench-admin-password \
    "$qi" serve >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/api/ready" >/dev/null && break; sleep 0.2; done
  local before start end after peak
  before=$(kib "$server" VmRSS)
  start=$(date +%s.%N)
  seq 256 | xargs -P 64 -I{} sh -c "curl -s -o /dev/null -w '%{http_code}\n' \
    -H 'content-type: application/json' http://127.0.0.1:$port/api/v1/auth/login \
    -d '{\"email\":\"$emails\",\"password\":\"not-the-password\"}'" >"$work/codes"
  end=$(date +%s.%N)
  after=$(kib "$server" VmRSS)
  peak=$(kib "$server" VmHWM)
  printf '| %s | %s MiB | %s MiB | %s MiB | %s | %.1f s |\n' "$label" "$(mib "$before")" \
    "$(mib "$peak")" "$(mib "$after")" "$(sort "$work/codes" | uniq -c | awk '{printf "%s %s; ", $1, $2}')" \
    "$(echo "$end - $start" | bc)"
  kill "$server"; wait "$server" 2>/dev/null || true
}

off=(QI_AUTH__FAILURES_PER_ACCOUNT=1000000 QI_AUTH__FAILURES_PER_ADDRESS=1000000)
echo "| case | RSS before | peak RSS | RSS after | answers | time |"
echo "| --- | --- | --- | --- | --- | --- |"
run "no throttling, 64 hashes at once (as before)" 'guess{}@example.org' "${off[@]}" QI_AUTH__HASHING_CONCURRENCY=64
run "no throttling, hashing limit $(nproc) (one per core)" 'guess{}@example.org' "${off[@]}"
run "defaults, all at one account" 'admin@example.org'
