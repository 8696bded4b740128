#!/usr/bin/env bash
# Runs the browser tests: installs the locked npm packages when they are missing or older than
# package-lock.json, then runs every *.test.js with node's test runner, two files at a time
# (each with its own server, database and browser; BROWSER_TEST_CONCURRENCY=1 for one at a time).
# Needs target/debug/qi (cargo build --bin qi) and web/dist (trunk build) built beforehand;
# QI_BIN and CHROMIUM_PATH name another server binary or browser.
# Extra arguments go to node, before the file: ./run.sh --test-name-pattern='wrong password'
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# The browser is Debian's chromium (playwright-core downloads none). A fresh machine may not have
# it: install it there when this script may (root with apt-get), or say what is missing.
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "run.sh: installing Debian's chromium for the browser tests" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
  else
    echo "run.sh: no browser at $chromium: install Debian's chromium package, or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi

# npm rewrites node_modules/.package-lock.json on every install, so its age is the install's.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

exec node --test --test-concurrency="${BROWSER_TEST_CONCURRENCY:-2}" "$@" app.test.js projects.test.js measures.test.js training.test.js capability.test.js dashboard.test.js board_pack.test.js mail.test.js events.test.js submissions.test.js comments.test.js bulletins.test.js api_tokens.test.js audit_log.test.js webhooks.test.js search.test.js spread.test.js project_types.test.js follow_ups.test.js programmes.test.js
