#!/usr/bin/env bash
# The room tests run the live room's store on a real PostgreSQL server that they start
# themselves in a temporary folder (tests/support/postgres.py): they need the server programs
# (initdb, postgres), not a running service. Install Debian's postgresql when they are missing
# and we can (root, or sudo, on Debian/Ubuntu); otherwise say exactly how.
set -euo pipefail
has_server() {
  [[ -n "$1" && -x "$1/initdb" && -x "$1/postgres" ]]
}
candidates=("${ITB_EDU_PG_BINDIR:-}")
if command -v pg_config >/dev/null 2>&1; then
  candidates+=("$(pg_config --bindir 2>/dev/null || true)")
fi
shopt -s nullglob
candidates+=(/usr/lib/postgresql/*/bin)
shopt -u nullglob
if command -v initdb >/dev/null 2>&1; then
  candidates+=("$(dirname "$(command -v initdb)")")
fi
for candidate in "${candidates[@]}"; do
  if has_server "$candidate"; then
    exit 0
  fi
done
# shellcheck source=scripts/apt_install.sh
source "$(dirname "$0")/apt_install.sh"
if apt_install postgresql "the room tests"; then
  exit 0
fi
cat >&2 <<'MSG'
PostgreSQL's server programs (initdb, postgres) were not found. The room tests need them:
  Debian/Ubuntu:  sudo apt-get install postgresql
  elsewhere:      install PostgreSQL and set ITB_EDU_PG_BINDIR to the folder holding initdb
MSG
exit 1
