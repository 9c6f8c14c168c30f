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
if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == "0" ]]; then
  echo "Installing Debian's chromium for the browser tests (apt-get install chromium)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests (sudo apt-get install chromium)..."
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
cat >&2 <<'MSG'
Chromium was not found. The browser tests need it:
  Debian/Ubuntu:  sudo apt-get install chromium
  elsewhere:      install Chromium and set ITB_EDU_CHROMIUM=/path/to/chromium
MSG
exit 1
