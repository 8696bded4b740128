#!/usr/bin/env bash
# Starts the tests' SMTP server (smtpd.py, on aiosmtpd from PyPI): smtpd.sh PORT DIR.
# aiosmtpd, at the version pinned in requirements.txt, is installed into a virtual environment
# of its own the first time (QI_SMTPD_VENV names another place); tests starting at once wait
# for one another while it installs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pins=$(sha256sum "$here/requirements.txt" | cut -c1-12)
venv="${QI_SMTPD_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/qi/aiosmtpd-$pins}"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
  mkdir -p "$(dirname "$venv")"
  exec 9>"$venv.lock"
  flock 9
  if ! "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
    echo "smtpd: installing aiosmtpd into $venv (once)" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2 \
      || { rm -rf "$venv"; exit 1; }
  fi
  exec 9>&-
fi
exec "$venv/bin/python" "$here/smtpd.py" "$@"
