#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries (initdb, pg_ctl, postgres) are on this machine, for the
# tests that run the database suite against a real server (test/helpers/postgres.ts starts a
# throw-away one as the `postgres` user). Debian's `postgresql` package; idempotent: when the
# binaries are there it only looks and exits at once. Called by `npm test` and, with retries for the
# network, by .ci/run before it.
#
# As root: `apt-get install -y postgresql` (with one `apt-get update` first when the package lists
# are missing or the install fails). Not root: says what to install. Exit 0 when the binaries are
# there (or YJS_SKIP_POSTGRES=1), 1 when they cannot be had.
set -euo pipefail

find_bindir() {
  # PGBINDIR (e.g. /usr/lib/postgresql/16/bin) wins; else Debian's layout, highest version first; else PATH.
  if [[ -n "${PGBINDIR:-}" && -x "${PGBINDIR}/initdb" && -x "${PGBINDIR}/pg_ctl" ]]; then echo "$PGBINDIR"; return 0; fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then echo "$dir"; return 0; fi
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

if bindir=$(find_bindir); then
  echo "PostgreSQL server binaries  $bindir ($("$bindir/postgres" --version))"
  exit 0
fi

if [[ "${YJS_SKIP_POSTGRES:-}" == 1 ]]; then
  echo "PostgreSQL server binaries  not installed; YJS_SKIP_POSTGRES=1: the database tests run on PGlite only"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "PostgreSQL's server binaries (initdb, pg_ctl) are not installed, and only root can install them:" >&2
  echo "  sudo apt-get install -y postgresql     (Debian, Ubuntu), or set PGBINDIR to a folder that has them," >&2
  echo "  or YJS_SKIP_POSTGRES=1 to run the database tests on PGlite only" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# The tests start their own throw-away servers: the package need not make (and start) a `main` cluster
# on port 5432. postgresql-common reads this file when it is installed; an existing one is left alone.
if [[ ! -e /etc/postgresql-common/createcluster.conf ]]; then
  mkdir -p /etc/postgresql-common
  echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf
fi

install() { apt-get install -y --no-install-recommends postgresql; }
started=$SECONDS
if ! { [[ -n "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e '^lock$' -e '^partial$' || true)" ]] && install; }; then
  echo "apt-get update (package lists missing or stale)"
  apt-get update
  install
fi

if bindir=$(find_bindir); then
  echo "PostgreSQL server binaries  $bindir ($("$bindir/postgres" --version)), installed in $((SECONDS - started)) s"
  exit 0
fi
echo "apt-get installed postgresql, but no initdb/pg_ctl was found under /usr/lib/postgresql/*/bin" >&2
exit 1
