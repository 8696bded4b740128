#!/usr/bin/env bash
# Builds everything (installing what it needs) and serves QI Commons with the demo partnership
# at http://127.0.0.1:8080 (set QI_BIND to change). Sign in as admin@demo.qicommons.org with
# the password demo-admin-password.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/tools.sh
# The first-run profile (Cargo.toml): optimised, and quicker to build than --release.
cargo build --profile first-run --bin qi
exec target/first-run/qi serve --demo "$@"
