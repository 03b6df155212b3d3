#!/usr/bin/env bash
# Brings the whole system up on this machine, no Docker needed: PostgreSQL, Redis and a real
# Kafka broker (infra.sh), the database schema, unit catalogue and topics (provision), the four
# apps and the simulated Vĩnh Long feed, each as a background process with a log and a pid file.
# Stop everything with `npm run down`. Re-running `up` restarts the apps on the current build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TTHC_CACHE_DIR="${TTHC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tthc-monitor}"
TTHC_RUN_DIR="${TTHC_RUN_DIR:-$TTHC_CACHE_DIR/run}"
export TTHC_CACHE_DIR TTHC_RUN_DIR
APPS_DIR="$TTHC_RUN_DIR/apps"
mkdir -p "$APPS_DIR"

log() { printf 'up: %s\n' "$*" >&2; }

[[ -d node_modules ]] || { log "installing node modules (npm ci)"; npm ci --no-audit --no-fund; }

# Stop a previous `up` first: re-running is how a newcomer picks up a new build.
bash deploy/local/down.sh --apps-only

bash deploy/local/infra.sh up
export KAFKA_BROKERS="${KAFKA_BROKERS:-$(bash deploy/local/kafka.sh bootstrap)}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tthc}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export API_PORT="${API_PORT:-3000}"
# A developer's machine: the published local API keys (README) work here and nowhere else.
export TTHC_ENV="${TTHC_ENV:-local}"
export KAFKAJS_NO_PARTITIONER_WARNING=1

log "building"
npm run --silent build
log "provisioning database schema, unit catalogue and topics"
node dist/apps/cli/src/main.js provision >"$APPS_DIR/provision.log" 2>&1 || { cat "$APPS_DIR/provision.log" >&2; exit 1; }

start_app() {
  local name=$1; shift
  nohup "$@" >"$APPS_DIR/$name.log" 2>&1 &
  echo $! >"$APPS_DIR/$name.pid"
  log "started $name (pid $!, log $APPS_DIR/$name.log)"
}
# Each worker serves GET /health and /metrics (HEALTH_PORT); the api has /api/v1/health and /metrics on API_PORT.
HEALTH_PORT=3101 start_app ingest node dist/apps/ingest/src/main.js
HEALTH_PORT=3102 start_app aggregator node dist/apps/aggregator/src/main.js
HEALTH_PORT=3103 start_app notifier node dist/apps/notifier/src/main.js
start_app api node dist/apps/api/src/main.js

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$API_PORT/api/v1/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$API_PORT/api/v1/health" >/dev/null || { log "api did not become healthy; see $APPS_DIR/api.log"; exit 1; }

# The feed: 30 days of history first, then live at real time.
start_app simulator node dist/apps/simulator/src/main.js live --seed 86 --backfill-days 30

cat >&2 <<MSG

  Dashboard (IOC):  http://127.0.0.1:$API_PORT/#key=local-ioc-key
  API:              http://127.0.0.1:$API_PORT/api/v1/metrics/province   (header X-API-Key: local-ioc-key)
  Worker health:    http://127.0.0.1:3101/health (ingest), :3102 (aggregator), :3103 (notifier)
  Metrics:          http://127.0.0.1:$API_PORT/metrics and :3101/metrics, :3102/metrics, :3103/metrics
  Logs:             $APPS_DIR/*.log
  Stop everything:  npm run down

MSG
