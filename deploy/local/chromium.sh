#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser test (test/browser), which drives it
# with playwright-core. No browser download from the Playwright CDN: the machines this project
# runs on reach Debian's mirrors, not that CDN.
#
#   bash deploy/local/chromium.sh ensure   install the `chromium` package if it is missing
#   bash deploy/local/chromium.sh path     print the executable the tests will launch
#
# CHROMIUM_PATH overrides the executable (any Chromium/Chrome build).
set -euo pipefail

executable="${CHROMIUM_PATH:-/usr/bin/chromium}"

case "${1:-ensure}" in
  path)
    echo "$executable"
    ;;
  ensure)
    if [[ -x "$executable" ]]; then
      exit 0
    fi
    if [[ -n "${CHROMIUM_PATH:-}" ]]; then
      echo "chromium.sh: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2
      exit 1
    fi
    as_root=()
    if [[ "$(id -u)" -ne 0 ]]; then
      if ! command -v sudo >/dev/null 2>&1 || ! sudo -n true 2>/dev/null; then
        echo "chromium.sh: /usr/bin/chromium is missing; install it with: sudo apt-get install chromium" >&2
        exit 1
      fi
      as_root=(sudo -n)
    fi
    echo "chromium.sh: installing Debian's chromium for the browser test" >&2
    started=$(date +%s)
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends chromium </dev/null >&2
    echo "chromium.sh: chromium installed in $(($(date +%s) - started))s" >&2
    ;;
  *)
    echo "usage: $0 ensure|path" >&2
    exit 2
    ;;
esac
