#!/usr/bin/env bash
# Compresses the built web app's wasm, JavaScript and CSS ahead of time, next to each file
# (name.br at brotli's best, name.gz): the server sends those to browsers that accept them
# (api/src/web_app.rs), far smaller than what compressing on the fly can afford.
# Run by `trunk build --release` (a post-build hook in Trunkfile.toml and Trunkfile.entry.toml)
# on its staging folder, or by hand on a folder: scripts/compress-web.sh web/dist
set -euo pipefail

# trunk runs it for `trunk serve` and debug builds too: those are for development, left as they are.
if [[ "${TRUNK_PROFILE:-release}" != release ]]; then
  exit 0
fi
dir="${1:-${TRUNK_STAGING_DIR:?give the folder to compress}}"
if ! command -v brotli >/dev/null; then
  echo "compress-web.sh: no brotli command (Debian's brotli package): gzip only, and a heavier first load" >&2
fi
for asset in "$dir"/*.wasm "$dir"/*.js "$dir"/*.css; do
  [[ -f "$asset" ]] || continue
  gzip -9 -k -f "$asset"
  if command -v brotli >/dev/null; then brotli -q 11 -k -f "$asset"; fi
done
