#!/usr/bin/env bash
# Builds the small entry app (sign-in, first-run setup, accepting an invitation;
# Trunkfile.entry.toml) into the full build's folder, as web/dist/entry/. Run by
# `trunk build --release --config Trunkfile.toml` (a post-build hook there) on its staging
# folder, so one command builds both and the full build's clean-up never deletes the entry
# build. The server sends the entry build for those addresses when it is there
# (api/src/web_app.rs), the full app otherwise.
set -euo pipefail

# `trunk serve` and debug builds are for development: the full app has those pages too.
if [[ "${TRUNK_PROFILE:-release}" != release ]]; then
  exit 0
fi
dist="${TRUNK_STAGING_DIR:?run by trunk build, which names its staging folder}/entry"
exec trunk build --release --config Trunkfile.entry.toml --dist "$dist"
