#!/usr/bin/env bash
# Soak (issue 14): 10 minutes of the mixed load of scripts/bench-mix.sh at 20 writes a second,
# with the default list cache; a row of read latencies a minute (p99 at the end against the
# start), every error, and the server's resident memory at the start and end.
#   scripts/soak.sh [seconds, default 600]     STORES=sqlite or postgresql: one store only.
set -euo pipefail
cd "$(dirname "$0")/.."
SOAK=1 SOAK_SECONDS=${1:-600} exec scripts/bench-mix.sh
