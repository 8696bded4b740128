#!/usr/bin/env bash
# Installs what building QI Commons needs, if missing: the wasm target, trunk and the
# wasm-bindgen-cli that matches Cargo.lock. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# Build tools, not shipped code: their own release profiles (trunk's is fat LTO with one codegen
# unit) cost most of a first run on two cores, for speed nobody notices in a build tool.
fast_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false \
    cargo install "$@"
}

if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
  say "installing trunk 0.21 (takes a few minutes, once)"
  # Without update_check: it asks crates.io for new versions, which this project never wants.
  fast_install trunk --locked --version '~0.21' --no-default-features --features rustls
fi

# wasm-bindgen-cli must be exactly the wasm-bindgen version the app is built with.
wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wbg}\$"; then
  say "installing wasm-bindgen-cli ${wbg} (takes a couple of minutes, once)"
  # Not --locked: its lock file names a webpki-roots release that the registry here lacks.
  fast_install wasm-bindgen-cli --version "${wbg}"
fi

# brotli at its best makes the app a quarter smaller than on-the-fly compression can.
if ! command -v brotli >/dev/null && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  say "installing brotli (to compress the web app ahead of time)"
  apt-get install -y -qq brotli >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq brotli >/dev/null; } || true
fi

say "building the web app"
# Also compresses it and builds the small app of the pages before signing in into web/dist/entry
# (scripts/compress-web.sh and scripts/build-entry.sh, hooks in Trunkfile.toml).
trunk build --release --config Trunkfile.toml
