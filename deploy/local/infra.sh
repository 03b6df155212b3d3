#!/usr/bin/env bash
# Local infrastructure without Docker: PostgreSQL, Redis and Kafka on 127.0.0.1.
# Reuses whatever already runs; stops on `down` only what `up` started itself.
#
# Usage: infra.sh up|down|status
#
# A service is external (neither started nor stopped here) when its variable is set:
#   DATABASE_URL  PostgreSQL
#   REDIS_URL     Redis
#   KAFKA_BROKERS Kafka
# Ports: PG_PORT (5432), REDIS_PORT (6379); Kafka's are read by kafka.sh.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_SH="$SCRIPT_DIR/kafka.sh"

TTHC_CACHE_DIR="${TTHC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tthc-monitor}"
TTHC_RUN_DIR="${TTHC_RUN_DIR:-$TTHC_CACHE_DIR/run}"
# kafka.sh derives the same directories from these.
export TTHC_CACHE_DIR TTHC_RUN_DIR

HOST=127.0.0.1
PG_PORT="${PG_PORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"

# One service name per line: what `up` started and `down` may therefore stop.
STATE_FILE="$TTHC_RUN_DIR/infra.started"
REDIS_PID_FILE="$TTHC_RUN_DIR/redis.pid"
REDIS_LOG="$TTHC_RUN_DIR/redis.log"

log() { printf 'infra.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

port_open() {
  # shellcheck disable=SC2016 # expanded by the inner bash, on purpose
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

mark_started() {
  mkdir -p "$TTHC_RUN_DIR"
  grep -qx "$1" "$STATE_FILE" 2>/dev/null || echo "$1" >>"$STATE_FILE"
}

was_started() { grep -qx "$1" "$STATE_FILE" 2>/dev/null; }

unmark_started() {
  [[ -f "$STATE_FILE" ]] || return 0
  local rest
  rest="$(grep -vx "$1" "$STATE_FILE" || true)"
  if [[ -n "$rest" ]]; then
    printf '%s\n' "$rest" >"$STATE_FILE"
  else
    rm -f "$STATE_FILE"
  fi
}

# ---------------------------------------------------------------- PostgreSQL

pg_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$HOST" -p "$PG_PORT"
  else
    # No client tools installed: an open port is the best available signal.
    port_open "$HOST" "$PG_PORT"
  fi
}

pg_up() {
  if [[ -n "${DATABASE_URL:-}" ]]; then
    log "postgresql: external (DATABASE_URL is set); not managed here"
    return 0
  fi
  if pg_ready; then
    log "postgresql: reusing the one ready on $HOST:$PG_PORT"
    return 0
  fi
  if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]]; then
    local version
    # The cluster Debian's postgresql package created (e.g. 15/main).
    version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V | head -n 1)"
    if [[ -n "$version" ]]; then
      log "postgresql: not ready; starting cluster $version/main"
      # --skip-systemctl-redirect: containers and CI machines have no systemd.
      if pg_ctlcluster --skip-systemctl-redirect "$version" main start; then
        local deadline=$((SECONDS + 30))
        while ((SECONDS < deadline)); do
          if pg_ready; then
            mark_started postgresql
            log "postgresql: ready on $HOST:$PG_PORT"
            return 0
          fi
          sleep 1
        done
      else
        log "postgresql: pg_ctlcluster start failed"
      fi
    fi
  fi
  die "PostgreSQL is not accepting connections on $HOST:$PG_PORT.
  Install and start it, e.g. on Debian/Ubuntu:
    apt-get install -y postgresql
    pg_ctlcluster --skip-systemctl-redirect <version> main start
  (local connections as user postgres; trust auth for 127.0.0.1 suits a dev/CI machine),
  or point DATABASE_URL at an existing server."
}

# ---------------------------------------------------------------- Redis

redis_ready() {
  if command -v redis-cli >/dev/null 2>&1; then
    [[ "$(redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]
  else
    # Speak RESP by hand when redis-cli is missing.
    # shellcheck disable=SC2016 # expanded by the inner bash, on purpose
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"; printf "PING\r\n" >&3; read -r line <&3; [[ "$line" == "+PONG"* ]]' \
      _ "$HOST" "$REDIS_PORT" 2>/dev/null
  fi
}

redis_up() {
  if [[ -n "${REDIS_URL:-}" ]]; then
    log "redis: external (REDIS_URL is set); not managed here"
    return 0
  fi
  if redis_ready; then
    log "redis: reusing the one answering on $HOST:$REDIS_PORT"
    return 0
  fi
  command -v redis-server >/dev/null 2>&1 \
    || die "Redis is not answering on $HOST:$REDIS_PORT and redis-server is missing.
  Install it (apt-get install -y redis-server) or point REDIS_URL at an existing server."
  mkdir -p "$TTHC_RUN_DIR"
  log "redis: starting redis-server on $HOST:$REDIS_PORT (no persistence)"
  # A throwaway cache: no RDB snapshots, no AOF. The pid file lets `down` stop exactly this one.
  redis-server --daemonize yes --bind "$HOST" --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$TTHC_RUN_DIR" --pidfile "$REDIS_PID_FILE" --logfile "$REDIS_LOG" </dev/null
  mark_started redis
  local deadline=$((SECONDS + 15))
  while ((SECONDS < deadline)); do
    if redis_ready; then
      log "redis: ready on $HOST:$REDIS_PORT"
      return 0
    fi
    sleep 0.5
  done
  [[ ! -f "$REDIS_LOG" ]] || tail -n 20 "$REDIS_LOG" >&2
  die "redis-server did not answer PING on $HOST:$REDIS_PORT within 15s"
}

redis_down() {
  if ! was_started redis; then
    return 0
  fi
  local pid=""
  [[ ! -f "$REDIS_PID_FILE" ]] || pid="$(tr -dc '0-9' <"$REDIS_PID_FILE")"
  # Only the process our pid file names, and only if it still is a redis-server.
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'redis-server'; then
    log "redis: stopping the redis-server we started (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while ((SECONDS < deadline)) && kill -0 "$pid" 2>/dev/null; do
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  else
    log "redis: the redis-server we started is already gone"
  fi
  rm -f "$REDIS_PID_FILE"
  unmark_started redis
}

# ---------------------------------------------------------------- Kafka

kafka_up() {
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    log "kafka: external (KAFKA_BROKERS=$KAFKA_BROKERS); not managed here"
    return 0
  fi
  # Remember whether it already ran, so `down` leaves a broker it did not start.
  local was_running=0
  if bash "$KAFKA_SH" status >/dev/null 2>&1; then
    was_running=1
  fi
  # kafka.sh prints KAFKA_BROKERS=... on stdout; pass it through.
  bash "$KAFKA_SH" start
  ((was_running)) || mark_started kafka
}

kafka_down() {
  if ! was_started kafka; then
    return 0
  fi
  bash "$KAFKA_SH" stop
  unmark_started kafka
}

# ---------------------------------------------------------------- commands

cmd_up() {
  mkdir -p "$TTHC_RUN_DIR"
  # One up/down at a time; kafka.sh and redis-server must not inherit the lock (7>&-).
  exec 7>"$TTHC_RUN_DIR/infra.lock"
  flock 7
  pg_up
  redis_up 7>&-
  kafka_up 7>&-
  log "up: started by this script: $( [[ -s "$STATE_FILE" ]] && tr '\n' ' ' <"$STATE_FILE" || echo none)"
}

cmd_down() {
  mkdir -p "$TTHC_RUN_DIR"
  exec 7>"$TTHC_RUN_DIR/infra.lock"
  flock 7
  # PostgreSQL is a system service even when `up` had to start it: never stopped here.
  kafka_down 7>&-
  redis_down
  if was_started postgresql; then
    log "postgresql: left running (system service)"
    unmark_started postgresql
  fi
  log "down: done"
}

ours_note() {
  if was_started "$1"; then
    printf ' (started by infra.sh)'
  fi
}

cmd_status() {
  local rc=0
  if [[ -n "${DATABASE_URL:-}" ]]; then
    echo "postgresql: external (DATABASE_URL)"
  elif pg_ready; then
    echo "postgresql: ready on $HOST:$PG_PORT"
  else
    echo "postgresql: not ready on $HOST:$PG_PORT"
    rc=3
  fi
  if [[ -n "${REDIS_URL:-}" ]]; then
    echo "redis: external (REDIS_URL)"
  elif redis_ready; then
    echo "redis: ready on $HOST:$REDIS_PORT$(ours_note redis)"
  else
    echo "redis: not answering on $HOST:$REDIS_PORT"
    rc=3
  fi
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    echo "kafka: external ($KAFKA_BROKERS)"
  else
    local kafka_status
    if kafka_status="$(bash "$KAFKA_SH" status)"; then
      echo "kafka: $kafka_status$(ours_note kafka)"
    else
      echo "kafka: $kafka_status"
      rc=3
    fi
  fi
  return "$rc"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    echo "usage: infra.sh up|down|status" >&2
    exit 2
    ;;
esac
