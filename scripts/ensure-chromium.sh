#!/usr/bin/env bash
# Makes sure the browser tests (test/browser/, playwright-core) have a browser: Debian's `chromium`,
# and a CJK font (`fonts-noto-cjk`) so that the screenshots show Chinese rather than boxes. Called by
# `npm test` and, with retries for the network, by .ci/run before it. Idempotent: when both are there
# it only looks and exits at once.
#
# As root: `apt-get install -y chromium fonts-noto-cjk` (with one `apt-get update` first when the
# package lists are missing or the install fails). Not root: says what to install. Exit 0 when both
# are there (or YJS_SKIP_BROWSER=1: the browser tests are then skipped), 1 when they cannot be had.
set -euo pipefail

find_chromium() {
  local candidate
  for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then echo "$candidate"; return 0; fi
  done
  return 1
}
has_cjk_font() { fc-list :lang=zh family 2>/dev/null | grep -qi 'noto'; }

if chromium=$(find_chromium) && has_cjk_font; then
  echo "Chromium for the browser tests  $chromium ($("$chromium" --version 2>/dev/null | head -1)), CJK font: $(fc-list :lang=zh family | grep -i -m1 noto)"
  exit 0
fi

if [[ "${YJS_SKIP_BROWSER:-}" == 1 ]]; then
  echo "Chromium or a CJK font is missing; YJS_SKIP_BROWSER=1: the browser tests are skipped"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "The browser tests need Debian's chromium and fonts-noto-cjk, and only root can install them:" >&2
  echo "  sudo apt-get install -y chromium fonts-noto-cjk     (Debian), or set CHROMIUM_PATH to a Chromium," >&2
  echo "  or YJS_SKIP_BROWSER=1 to skip the browser tests" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
install() { apt-get install -y --no-install-recommends chromium fonts-noto-cjk fontconfig; }
started=$SECONDS
if ! { [[ -n "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e '^lock$' -e '^partial$' || true)" ]] && install; }; then
  echo "apt-get update (package lists missing or stale)"
  apt-get update
  install
fi

if chromium=$(find_chromium) && has_cjk_font; then
  echo "Chromium for the browser tests  $chromium, with fonts-noto-cjk, installed in $((SECONDS - started)) s"
  exit 0
fi
echo "apt-get installed chromium and fonts-noto-cjk, but no chromium binary or Noto CJK font was found" >&2
exit 1
