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

if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
  say "installing trunk 0.21 (takes a few minutes, once)"
  cargo install trunk --locked --version '~0.21'
fi

# wasm-bindgen-cli must be exactly the wasm-bindgen version the app is built with.
wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wbg}\$"; then
  say "installing wasm-bindgen-cli ${wbg} (takes a couple of minutes, once)"
  cargo install wasm-bindgen-cli --version "${wbg}"
fi

say "building the web app"
trunk build --release --config Trunkfile.toml
