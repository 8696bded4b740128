#!/usr/bin/env bash
# Starts the tests' S3-compatible server (moto's server, from PyPI) on 127.0.0.1: s3.sh PORT.
# moto, at the version pinned in requirements.txt, is installed into a virtual environment of
# its own the first time (QI_S3_VENV names another place); tests starting at once wait for one
# another while it installs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pins=$(sha256sum "$here/requirements.txt" | cut -c1-12)
venv="${QI_S3_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/qi/moto-$pins}"
if [[ ! -x "$venv/bin/moto_server" ]]; then
  mkdir -p "$(dirname "$venv")"
  exec 9>"$venv.lock"
  flock 9
  if [[ ! -x "$venv/bin/moto_server" ]]; then
    echo "s3: installing moto into $venv (once)" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2 \
      || { rm -rf "$venv"; exit 1; }
  fi
  exec 9>&-
fi
exec "$venv/bin/moto_server" -H 127.0.0.1 -p "$1"
