#!/usr/bin/env bash
# Fuzzes the server against its own API document with schemathesis: every operation, every
# check (`--checks all`), signed in as the demo partnership admin, on a fresh demo database on
# SQLite. With QI_FUZZ_AS=token, as an API token of the admin's organisation holding every
# scope (what a partner's system sends), over the operations a token may call. Any failure, or a reference in the document that does not resolve, fails the run.
# Needs the server built beforehand (cargo build --bin qi; QI_BIN names another binary).
# schemathesis, at the versions pinned in requirements.txt, is installed from PyPI into a
# virtual environment of its own the first time (QI_FUZZ_VENV names another place).
#   tests/fuzz/run.sh [EXAMPLES]    test cases an operation (default 30: about 2.5 minutes on an idle 2-core machine)
#   extra arguments go to `st run`: tests/fuzz/run.sh 30 --include-path-regex measures
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
examples="${1:-30}"
shift || true

qi="${QI_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/qi}"
[[ -x "$qi" ]] || { echo "fuzz: no server at $qi: build it first (cargo build --bin qi)" >&2; exit 1; }

# The virtual environment is named after the pins, so a change of pins makes a new one.
pins=$(sha256sum "$here/requirements.txt" | cut -c1-12)
venv="${QI_FUZZ_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/qi/schemathesis-$pins}"
if [[ ! -x "$venv/bin/st" ]]; then
  echo "fuzz: installing schemathesis into $venv (once)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    -r "$here/requirements.txt" || { rm -rf "$venv"; exit 1; }
fi

work=$(mktemp -d)
cleanup() {
  if [[ -n "${server:-}" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# cwd is the scratch folder so that neither a ./qi.toml nor a ./data folder of the repo is used.
(cd "$work" && exec env -u QI_CONFIG QI_BIND="127.0.0.1:$port" \
  QI_DATABASE_URL="sqlite://$work/qi.db?mode=rwc" QI_WEB_DIR=/nonexistent QI_LOG=warn \
  QI_PUBLIC_URL="$base" QI_AUTH__TOKEN_REQUESTS_PER_MINUTE=1000000 NO_COLOR=1 "$qi" serve --demo) >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 300); do
  curl -fs "$base/api/ready" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; echo "fuzz: the server stopped" >&2; exit 1; }
  sleep 0.2
done

token=$(curl -fsS "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@demo.qicommons.org","password":"demo-admin-password"}' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

if [[ "${QI_FUZZ_AS:-person}" == token ]]; then
  expires=$(date -u -d '+30 days' +%F)
  token=$(curl -fsS "$base/api/v1/api-tokens" -H 'content-type: application/json' \
    -H "Authorization: Bearer $token" \
    -d '{"name":"Fuzzing","scopes":["read_projects","read_measures","read_training","read_events","read_dashboard","write_measure_data"],"expires_on":"'"$expires"'"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])')
  # What a token may call (TokenScope::needed_for); anything else answers it 403.
  set -- --include-path-regex '^/api/v1/(projects|library|organisations|measures|courses|cohorts|capability|coaching-sessions|events|event-series|dashboard|changes|export)' "$@"
fi

start=$(date +%s)
status=0
# From the scratch folder, so schemathesis' own cache stays out of the repo; with a fixed seed
# and no stored examples, a run repeats.
(cd "$work" && "$venv/bin/st" --no-color --config-file "$here/schemathesis.toml" run "$base/api/openapi.json" \
  --checks all --max-examples "$examples" --seed 14 --generation-database none \
  -H "Authorization: Bearer $token" \
  --report junit --report-junit-path "$work/junit.xml" "$@") || status=$?
echo "fuzz: took $(( $(date +%s) - start )) s"

if [[ $status -ne 0 ]]; then
  # A 500's cause is an ERROR line that may be far from the log's end: show those first.
  echo "fuzz: the server's errors:" >&2
  grep -a 'ERROR' "$work/server.log" | tail -n 40 >&2 || true
  echo "fuzz: the end of the server's log:" >&2
  tail -n 50 "$work/server.log" >&2
fi
# One line in the form the test script adds up: operations that passed and failed.
python3 - "$work/junit.xml" "$status" <<'PY'
import sys, xml.etree.ElementTree as ET
cases = ET.parse(sys.argv[1]).getroot().iter("testcase")
failed = passed = skipped = 0
for case in cases:
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
    elif case.find("skipped") is not None:
        skipped += 1
    else:
        passed += 1
# A warning that fails the run (an unresolvable reference) fails no operation: count the run.
if sys.argv[2] != "0" and failed == 0:
    failed = 1
print(f"fuzz: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
