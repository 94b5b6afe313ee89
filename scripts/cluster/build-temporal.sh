#!/usr/bin/env bash
# `npm run cluster:install`: builds the real Temporal server, its SQL schema tool and the web UI server
# from the Go module proxy, once, at the versions pinned in scripts/cluster/versions.env, into
#   .tools/temporal-cluster-<server version>/
#     temporal-server      go.temporal.io/server/cmd/server
#     temporal-sql-tool    go.temporal.io/server/cmd/tools/sql
#     temporal-ui-server   github.com/temporalio/ui-server/v2/cmd/server (optional: a failed build is a warning)
#     schema/postgresql/   the PostgreSQL schemas shipped in the server module (for temporal-sql-tool)
# A later run finds them and exits at once. Concurrent runs wait on one lock (flock), so two terminals
# build once. The Go toolchain itself comes from the module proxy (GOTOOLCHAIN); `go` >= 1.21 must be
# on PATH. About 6.5 minutes for the server on 2 idle cores (measured: docs/operations.md).
#
# YJS_TEMPORAL_CLUSTER_DIR=/path names a folder holding these files already (then nothing is built).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=versions.env
source scripts/cluster/versions.env

dest="${YJS_TEMPORAL_CLUSTER_DIR:-$PWD/.tools/temporal-cluster-$TEMPORAL_SERVER_VERSION}"
server_built() { [[ -x "$dest/temporal-server" && -x "$dest/temporal-sql-tool" && -d "$dest/schema/postgresql/v12/temporal/versioned" ]]; }
# The UI is optional: built, or tried at this version and failed (a marker file says so).
ui_settled() { [[ -x "$dest/temporal-ui-server" || -e "$dest/.ui-server-$TEMPORAL_UI_SERVER_VERSION.failed" ]]; }

if server_built && ui_settled; then
  echo "Temporal server $TEMPORAL_SERVER_VERSION        $dest"
  exit 0
fi
if [[ -n "${YJS_TEMPORAL_CLUSTER_DIR:-}" ]]; then
  if server_built; then echo "Temporal server $TEMPORAL_SERVER_VERSION        $dest (no UI server there)"; exit 0; fi
  echo "YJS_TEMPORAL_CLUSTER_DIR=$dest lacks temporal-server, temporal-sql-tool or schema/postgresql: unset it to build into .tools/" >&2
  exit 1
fi
if ! command -v go >/dev/null; then
  echo "No go on PATH: the Temporal server is built from source with Go (apt-get install golang-go, or https://go.dev/dl/)." >&2
  exit 1
fi

mkdir -p .tools
exec 9>.tools/.temporal-cluster.lock
if ! flock -n 9; then
  echo "another build of the Temporal server is running (lock .tools/.temporal-cluster.lock); waiting for it"
  flock -w 3600 9
fi

started=$SECONDS
mkdir -p "$dest"
work=$(mktemp -d "$PWD/.tools/.temporal-cluster-build-XXXXXX")
trap 'rm -rf "$work"' EXIT
export GOTOOLCHAIN="$GO_TOOLCHAIN" GOFLAGS="${GOFLAGS:--buildvcs=false}" GOBIN="$work/bin"

if ! server_built; then
  echo "building Temporal server $TEMPORAL_SERVER_VERSION and its SQL tool with $GO_TOOLCHAIN (one time; minutes)…"
  nice -n 5 go install "go.temporal.io/server/cmd/server@v$TEMPORAL_SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@v$TEMPORAL_SERVER_VERSION"
  # The schemas ship in the module; copied out so the module cache may be cleaned.
  module_dir=$(go mod download -json "go.temporal.io/server@v$TEMPORAL_SERVER_VERSION" | node -e 'let s="";process.stdin.on("data",(c)=>s+=c).on("end",()=>console.log(JSON.parse(s).Dir))')
  rm -rf "$dest/schema"
  mkdir -p "$work/schema"
  cp -R "$module_dir/schema/postgresql" "$work/schema/"
  chmod -R u+w "$work/schema"
  mv "$work/schema" "$dest/schema"
  mv "$work/bin/sql" "$dest/temporal-sql-tool"
  mv "$work/bin/server" "$dest/temporal-server" # last: it marks the build complete
  echo "  server and SQL tool built in $((SECONDS - started)) s"
fi

if ! ui_settled; then
  ui_started=$SECONDS
  echo "building the Temporal UI server $TEMPORAL_UI_SERVER_VERSION…"
  if nice -n 5 go install "github.com/temporalio/ui-server/v2/cmd/server@v$TEMPORAL_UI_SERVER_VERSION"; then
    mv "$work/bin/server" "$dest/temporal-ui-server"
    echo "  UI server built in $((SECONDS - ui_started)) s"
  else
    touch "$dest/.ui-server-$TEMPORAL_UI_SERVER_VERSION.failed"
    echo "WARNING: the Temporal UI server $TEMPORAL_UI_SERVER_VERSION did not build (not tried again at this version); the cluster runs without its web UI" >&2
  fi
fi

echo "Temporal server $TEMPORAL_SERVER_VERSION        $dest (built in $((SECONDS - started)) s)"
