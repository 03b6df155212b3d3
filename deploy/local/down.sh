#!/usr/bin/env bash
# Stops what `up` started: the apps (by their pid files), then — unless --apps-only — the
# infrastructure that infra.sh started itself (never a PostgreSQL or Redis that was already running).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TTHC_CACHE_DIR="${TTHC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tthc-monitor}"
TTHC_RUN_DIR="${TTHC_RUN_DIR:-$TTHC_CACHE_DIR/run}"
export TTHC_CACHE_DIR TTHC_RUN_DIR
APPS_DIR="$TTHC_RUN_DIR/apps"

stop_pid_file() {
  local file=$1 pid
  pid=$(cat "$file" 2>/dev/null || true)
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -qa "dist/apps" "/proc/$pid/cmdline" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    printf 'down: stopped %s (pid %s)\n' "$(basename "$file" .pid)" "$pid" >&2
  fi
  rm -f "$file"
}

# The feed first, so nothing is left half-produced; then the pipeline from the top.
for app in simulator api ingest aggregator notifier; do
  [[ -f "$APPS_DIR/$app.pid" ]] && stop_pid_file "$APPS_DIR/$app.pid"
done

[[ "${1:-}" == "--apps-only" ]] || bash "$ROOT/deploy/local/infra.sh" down
