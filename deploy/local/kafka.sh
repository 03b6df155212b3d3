#!/usr/bin/env bash
# Local single-node Kafka (KRaft, broker+controller in one JVM) without Docker.
# The broker is resolved from Maven Central into a cache outside the repo and run
# straight from its jars. See shared/notes/kafka-without-docker.md for the facts.
#
# Usage: kafka.sh start|stop|status|wait|bootstrap|topics [TopicCommand args...]
#
# Environment:
#   KAFKA_VERSION          broker version (default 3.9.1)
#   KAFKA_PORT             client listener port (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port (default 9093)
#   KAFKA_HEAP             broker -Xmx (default 768m)
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to serve (default 90)
#   TTHC_CACHE_DIR         jar cache (default $XDG_CACHE_HOME/tthc-monitor or ~/.cache/tthc-monitor)
#   TTHC_RUN_DIR           data, config, logs and pid file (default $TTHC_CACHE_DIR/run)
set -euo pipefail

KAFKA_VERSION="${KAFKA_VERSION:-3.9.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${KAFKA_HEAP:-768m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_HOST=127.0.0.1

TTHC_CACHE_DIR="${TTHC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tthc-monitor}"
TTHC_RUN_DIR="${TTHC_RUN_DIR:-$TTHC_CACHE_DIR/run}"

DIST_DIR="$TTHC_CACHE_DIR/kafka-$KAFKA_VERSION"
LIB_DIR="$DIST_DIR/lib"
# Written only after Maven succeeded, so an interrupted download is redone.
LIB_MARKER="$DIST_DIR/.lib-complete"

DATA_DIR="$TTHC_RUN_DIR/kafka-data"
SERVER_PROPS="$TTHC_RUN_DIR/server.properties"
LOG4J_PROPS="$TTHC_RUN_DIR/log4j.properties"
TOOLS_LOG4J_PROPS="$TTHC_RUN_DIR/tools-log4j.properties"
KAFKA_LOG="$TTHC_RUN_DIR/kafka.log"
# stdout/stderr of the JVM: catches what happens before log4j is up (bad flags, OOM).
KAFKA_OUT="$TTHC_RUN_DIR/kafka.out"
PID_FILE="$TTHC_RUN_DIR/kafka.pid"

BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

require_cmd() {
  local cmd="$1" pkg="$2"
  command -v "$cmd" >/dev/null 2>&1 \
    || die "'$cmd' not found. On Debian/Ubuntu: apt-get install -y $pkg"
}

# True when something accepts TCP connections on host:port. Uses bash's /dev/tcp so
# no netcat is needed; `timeout` guards against a filtered port hanging the connect.
port_open() {
  # shellcheck disable=SC2016 # expanded by the inner bash, on purpose
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

read_pid() {
  local pid=""
  if [[ -f "$PID_FILE" ]]; then
    pid="$(tr -dc '0-9' <"$PID_FILE")"
  fi
  printf '%s' "$pid"
}

# Alive and really our broker: guards against a stale pid file whose pid was reused,
# and treats a zombie (no reaper in some containers) as dead.
is_our_broker() {
  local pid="$1"
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
  [[ "$state" != "Z" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'
}

# Short-lived tool JVMs: small heap and C1 only start noticeably faster.
TOOL_CMD=(java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
  "-Dlog4j.configuration=file:$TOOLS_LOG4J_PROPS" -cp "$LIB_DIR/*")
run_tool() { "${TOOL_CMD[@]}" "$@"; }
# Bounded in time: an AdminClient keeps retrying for up to a minute against a broker
# that accepts connections but cannot answer yet.
run_tool_timeout() {
  local secs="$1"
  shift
  timeout "$secs" "${TOOL_CMD[@]}" "$@"
}

ensure_tools_log4j() {
  mkdir -p "$TTHC_RUN_DIR"
  # Tools log only warnings, to stderr; without a config reload4j prints "no appenders" noise.
  cat >"$TOOLS_LOG4J_PROPS" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

lib_complete() {
  [[ -f "$LIB_MARKER" && -f "$LIB_DIR/kafka_2.13-$KAFKA_VERSION.jar" ]]
}

resolve_artifacts() {
  if lib_complete; then
    return 0
  fi
  require_cmd mvn maven
  mkdir -p "$DIST_DIR"
  # Serialise concurrent first runs (e.g. two shells) on the same cache.
  exec 8>"$DIST_DIR/.resolve.lock"
  flock 8
  if lib_complete; then
    exec 8>&-
    return 0
  fi
  log "resolving Kafka $KAFKA_VERSION jars from Maven Central into $LIB_DIR (first run only)"
  rm -rf "$LIB_DIR" "$LIB_MARKER"
  # Throwaway pom: its runtime dependency closure is the broker's whole classpath.
  # The plugin version is pinned so the result does not drift with Maven's defaults.
  cat >"$DIST_DIR/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.tthc-monitor</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>$KAFKA_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka-tools</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <!-- Logging binding: not in the broker's closure; without it the broker logs nothing. -->
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>1.7.36</version>
    </dependency>
  </dependencies>
  <build>
    <pluginManagement>
      <plugins>
        <plugin>
          <groupId>org.apache.maven.plugins</groupId>
          <artifactId>maven-dependency-plugin</artifactId>
          <version>3.8.1</version>
        </plugin>
      </plugins>
    </pluginManagement>
  </build>
</project>
EOF
  # Maven output goes to stderr so stdout stays machine-readable (KAFKA_BROKERS=...);
  # sed drops the stray ANSI resets Maven 3.8's jansi prints even in batch mode.
  if ! mvn -B -q -Dstyle.color=never -f "$DIST_DIR/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$LIB_DIR" </dev/null 2>&1 \
      | sed 's/\x1b\[[0-9;]*m//g' >&2; then
    die "Maven could not resolve Kafka $KAFKA_VERSION (is Maven Central reachable?)"
  fi
  [[ -f "$LIB_DIR/kafka_2.13-$KAFKA_VERSION.jar" ]] \
    || die "Maven finished but $LIB_DIR has no kafka_2.13-$KAFKA_VERSION.jar"
  touch "$LIB_MARKER"
  exec 8>&-
  log "resolved $(find "$LIB_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$LIB_DIR" | cut -f1))"
}

write_config() {
  mkdir -p "$DATA_DIR"
  # Regenerated on every start so port changes via env take effect.
  cat >"$SERVER_PROPS" <<EOF
# Generated by deploy/local/kafka.sh; edits are overwritten on the next start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR
# Single node: every internal topic must fit on one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
default.replication.factor=1
min.insync.replicas=1
# Tests join consumer groups often; the default 3 s delay only slows them down.
group.initial.rebalance.delay.ms=0
# Topics are created explicitly (provisioning), so a typo never creates a topic.
auto.create.topics.enable=false
num.partitions=6
# Keep the default time-based retention but never drop data by size.
log.retention.bytes=-1
EOF

  # INFO to a size-capped file in the run dir; the chattiest loggers only at WARN.
  cat >"$LOG4J_PROPS" <<EOF
log4j.rootLogger=INFO, kafkaAppender
log4j.appender.kafkaAppender=org.apache.log4j.RollingFileAppender
log4j.appender.kafkaAppender.File=$KAFKA_LOG
log4j.appender.kafkaAppender.MaxFileSize=50MB
log4j.appender.kafkaAppender.MaxBackupIndex=2
log4j.appender.kafkaAppender.layout=org.apache.log4j.PatternLayout
log4j.appender.kafkaAppender.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.network.RequestChannel\$=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.authorizer.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.storage.internals.log=WARN
log4j.logger.kafka.log.UnifiedLog=WARN
log4j.logger.org.apache.kafka.clients.NetworkClient=WARN
EOF
}

format_storage_if_needed() {
  # meta.properties exists once formatted; reformatting would wipe the cluster id.
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    return 0
  fi
  local cluster_id
  cluster_id="$(run_tool kafka.tools.StorageTool random-uuid | tail -n 1)"
  [[ -n "$cluster_id" ]] || die "StorageTool random-uuid printed nothing"
  log "formatting $DATA_DIR (cluster id $cluster_id)"
  run_tool kafka.tools.StorageTool format -t "$cluster_id" -c "$SERVER_PROPS" >&2
}

# Byte offset of kafka.log when this start launched the broker, so a failure shows this
# run's lines rather than the previous run's shutdown.
LOG_OFFSET=0

print_log_tail() {
  if [[ -f "$KAFKA_LOG" ]]; then
    local size
    size="$(stat -c %s "$KAFKA_LOG")"
    # After a log rotation the offset is meaningless; show the file's own tail.
    ((size >= LOG_OFFSET)) || LOG_OFFSET=0
    log "last 50 lines of $KAFKA_LOG (this run):"
    tail -c "+$((LOG_OFFSET + 1))" "$KAFKA_LOG" | tail -n 50 >&2
  fi
  if [[ -s "$KAFKA_OUT" ]]; then
    log "last 20 lines of $KAFKA_OUT:"
    tail -n 20 "$KAFKA_OUT" >&2
  fi
}

# Wait until the broker answers a metadata request, not merely until the port is open:
# the listener accepts connections a moment before the broker can serve requests.
# Fails early when the process we launched dies.
wait_ready() {
  local pid="${1:-}" timeout_s="$KAFKA_START_TIMEOUT"
  local deadline=$((SECONDS + timeout_s)) remaining
  while ((SECONDS < deadline)); do
    if [[ -n "$pid" ]] && ! is_our_broker "$pid"; then
      log "broker process $pid exited during startup"
      print_log_tail
      return 1
    fi
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      remaining=$((deadline - SECONDS))
      ((remaining >= 5)) || remaining=5
      if run_tool_timeout "$remaining" org.apache.kafka.tools.TopicCommand \
        --bootstrap-server "$BOOTSTRAP" --list >/dev/null 2>&1; then
        return 0
      fi
    fi
    sleep 1
  done
  log "broker did not serve on $BOOTSTRAP within ${timeout_s}s"
  print_log_tail
  return 1
}

cmd_start() {
  require_cmd java default-jre-headless
  mkdir -p "$TTHC_RUN_DIR"
  # One start/stop at a time per run dir. The broker must not inherit this fd (9>&- below),
  # or the lock would be held for as long as it runs.
  exec 9>"$TTHC_RUN_DIR/kafka.lock"
  flock 9

  local pid
  pid="$(read_pid)"
  if is_our_broker "$pid"; then
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      log "already running (pid $pid) on $BOOTSTRAP; reusing it"
      echo "KAFKA_BROKERS=$BOOTSTRAP"
      return 0
    fi
    log "broker pid $pid is still starting; waiting"
    resolve_artifacts
    ensure_tools_log4j
    wait_ready "$pid" || exit 1
    echo "KAFKA_BROKERS=$BOOTSTRAP"
    return 0
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    log "something already accepts connections on $BOOTSTRAP (not started by this script); reusing it"
    echo "KAFKA_BROKERS=$BOOTSTRAP"
    return 0
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then
    die "controller port $KAFKA_HOST:$KAFKA_CONTROLLER_PORT is taken by another process; set KAFKA_CONTROLLER_PORT"
  fi
  rm -f "$PID_FILE"

  resolve_artifacts
  ensure_tools_log4j
  write_config
  format_storage_if_needed

  local started=$SECONDS
  : >"$KAFKA_OUT"
  LOG_OFFSET=0
  [[ ! -f "$KAFKA_LOG" ]] || LOG_OFFSET="$(stat -c %s "$KAFKA_LOG")"
  # setsid + nohup: the broker outlives this shell and its terminal/CI step.
  # The inner bash writes its own pid and then execs java, so the pid file names the JVM.
  # shellcheck disable=SC2016 # expanded by the inner bash, on purpose
  setsid nohup bash -c 'echo "$$" >"$1"; shift; exec "$@"' _ "$PID_FILE" \
    java "-Xmx$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -cp "$LIB_DIR/*" "-Dlog4j.configuration=file:$LOG4J_PROPS" \
    kafka.Kafka "$SERVER_PROPS" \
    </dev/null >>"$KAFKA_OUT" 2>&1 9>&- 8>&- &

  # The pid file appears as soon as the inner bash runs.
  for _ in $(seq 1 50); do
    pid="$(read_pid)"
    [[ -z "$pid" ]] || break
    sleep 0.1
  done
  [[ -n "$pid" ]] || die "broker did not write $PID_FILE"
  log "started broker pid $pid; waiting up to ${KAFKA_START_TIMEOUT}s for $BOOTSTRAP (log: $KAFKA_LOG)"
  # Give exec a moment so the cmdline check in is_our_broker sees java, not bash.
  for _ in $(seq 1 20); do
    is_our_broker "$pid" && break
    sleep 0.1
  done
  if ! wait_ready "$pid"; then
    # Leave nothing half-started behind: the next start begins from a clean slate.
    stop_pid "$pid"
    exit 1
  fi
  log "broker ready in $((SECONDS - started))s"
  echo "KAFKA_BROKERS=$BOOTSTRAP"
}

# SIGTERM, up to 30 s for a clean shutdown (it flushes logs and writes the recovery
# checkpoints, so the next start is fast), then SIGKILL. Removes the pid file.
stop_pid() {
  local pid="$1"
  if is_our_broker "$pid"; then
    log "stopping broker pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while ((SECONDS < deadline)) && is_our_broker "$pid"; do
      sleep 0.5
    done
    if is_our_broker "$pid"; then
      log "broker did not stop within 30s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
    fi
    log "stopped"
  fi
  rm -f "$PID_FILE"
}

cmd_stop() {
  mkdir -p "$TTHC_RUN_DIR"
  exec 9>"$TTHC_RUN_DIR/kafka.lock"
  flock 9
  local pid
  pid="$(read_pid)"
  if [[ -z "$pid" ]]; then
    log "not running (no pid file)"
    return 0
  fi
  if ! is_our_broker "$pid"; then
    log "stale pid file (pid $pid is not a running broker); removing it"
    rm -f "$PID_FILE"
    return 0
  fi
  stop_pid "$pid"
}

cmd_status() {
  local pid
  pid="$(read_pid)"
  if is_our_broker "$pid"; then
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      echo "running (pid $pid) on $BOOTSTRAP"
    else
      echo "starting (pid $pid), $BOOTSTRAP not open yet"
    fi
    return 0
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    echo "reachable on $BOOTSTRAP (not started by this script)"
    return 0
  fi
  echo "not running"
  return 3
}

cmd_wait() {
  require_cmd java default-jre-headless
  resolve_artifacts
  ensure_tools_log4j
  local pid
  pid="$(read_pid)"
  is_our_broker "$pid" || pid=""
  wait_ready "$pid" || exit 1
  echo "KAFKA_BROKERS=$BOOTSTRAP"
}

# Convenience: TopicCommand against the local broker, e.g. `kafka.sh topics --list`.
cmd_topics() {
  require_cmd java default-jre-headless
  resolve_artifacts
  ensure_tools_log4j
  run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" "$@"
}

usage() {
  cat >&2 <<'EOF'
usage: kafka.sh start|stop|status|wait|bootstrap|topics [TopicCommand args...]
  start      resolve jars (first run), format storage (first run), start the broker, wait until it serves
  stop       stop the broker named by the pid file (SIGTERM, SIGKILL after 30 s)
  status     exit 0 if running or reachable, 3 otherwise
  wait       wait until the broker serves (KAFKA_START_TIMEOUT seconds)
  bootstrap  print the bootstrap address
  topics     run TopicCommand against the local broker
EOF
}

main() {
  local cmd="${1:-}"
  [[ $# -eq 0 ]] || shift
  case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    wait) cmd_wait ;;
    bootstrap) echo "$BOOTSTRAP" ;;
    topics) cmd_topics "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage
      exit 2
      ;;
  esac
}

main "$@"
