#!/usr/bin/env bash
# The browser tests drive Debian's chromium through Playwright. Install it when missing and we
# can (root on Debian/Ubuntu); otherwise say exactly how. Playwright's own browser download
# (`playwright install`) is never used.
set -euo pipefail
for candidate in "${ITB_EDU_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [[ -n "$candidate" && -x "$candidate" ]]; then
    exit 0
  fi
done
# shellcheck source=scripts/apt_install.sh
source "$(dirname "$0")/apt_install.sh"
if apt_install chromium "the browser tests"; then
  exit 0
fi
cat >&2 <<'MSG'
Chromium was not found. The browser tests need it:
  Debian/Ubuntu:  sudo apt-get install chromium
  elsewhere:      install Chromium and set ITB_EDU_CHROMIUM=/path/to/chromium
MSG
exit 1
