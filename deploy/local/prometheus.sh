#!/usr/bin/env bash
# Makes sure Debian's Prometheus is installed for the end-to-end test that scrapes the running
# apps with a real Prometheus (test/prometheus.e2e-spec.ts). The test runs its own instance with a
# temporary config and data directory on a free port; nothing here starts a server. (On a machine
# booted with systemd, the package's own service starts on :9090; `systemctl disable --now
# prometheus` stops it. CI machines and this project's machines have no systemd.)
#
#   bash deploy/local/prometheus.sh ensure   install the `prometheus` package if it is missing
#   bash deploy/local/prometheus.sh path     print the executable the test will run
#
# PROMETHEUS_PATH overrides the executable (any Prometheus 2.x build).
set -euo pipefail

executable="${PROMETHEUS_PATH:-/usr/bin/prometheus}"

case "${1:-ensure}" in
  path)
    echo "$executable"
    ;;
  ensure)
    if [[ -x "$executable" ]]; then
      exit 0
    fi
    if [[ -n "${PROMETHEUS_PATH:-}" ]]; then
      echo "prometheus.sh: PROMETHEUS_PATH=$PROMETHEUS_PATH is not an executable" >&2
      exit 1
    fi
    as_root=()
    if [[ "$(id -u)" -ne 0 ]]; then
      if ! command -v sudo >/dev/null 2>&1 || ! sudo -n true 2>/dev/null; then
        echo "prometheus.sh: /usr/bin/prometheus is missing; install it with: sudo apt-get install prometheus" >&2
        exit 1
      fi
      as_root=(sudo -n)
    fi
    echo "prometheus.sh: installing Debian's prometheus for the metrics test" >&2
    started=$(date +%s)
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends prometheus </dev/null >&2
    echo "prometheus.sh: prometheus installed in $(($(date +%s) - started))s" >&2
    ;;
  *)
    echo "usage: $0 ensure|path" >&2
    exit 2
    ;;
esac
