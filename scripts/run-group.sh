#!/usr/bin/env bash
# run-group.sh — the default local group behind `make run`: a primary on
# 6379, replicas on 6380 and 6381, and sentinels on 26379-26381 watching it
# as "mymaster" (quorum 2).  Everything binds 127.0.0.1, lives in ./run/,
# and stops on Ctrl-C or SIGTERM.  RUN_SINGLE=1 starts the primary alone.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-bin}
RUN_DIR=${RUN_DIR:-run}
PRIMARY_PORT=6379
REPLICA_PORTS=(6380 6381)
SENTINEL_PORTS=(26379 26380 26381)
pids=()

stop_all() {
    trap - INT TERM EXIT
    echo "stopping the group..."
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all INT TERM EXIT

start_server() {
    local port=$1
    shift
    mkdir -p "$RUN_DIR/$port"
    "$BIN/vigil-server" conf/vigil.conf --port "$port" --bind 127.0.0.1 --dir "$RUN_DIR/$port" \
        --logfile "$PWD/$RUN_DIR/$port.log" --pidfile "" "$@" &
    pids+=($!)
}

start_sentinel() {
    local port=$1 conf="$RUN_DIR/sentinel-$1.conf"
    # The sentinel rewrites its file with what it learns: start from the sample each time.
    sed -e "s/^port .*/port $port/" -e "s|^dir .*|dir $PWD/$RUN_DIR|" \
        -e "s|^logfile .*|logfile \"$PWD/$RUN_DIR/sentinel-$port.log\"|" conf/sentinel.conf > "$conf"
    echo "bind 127.0.0.1" >> "$conf"
    "$BIN/vigil-sentinel" "$conf" &
    pids+=($!)
}

wait_for_port() {
    for _ in $(seq 100); do
        redis-cli -p "$1" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "port $1 did not answer; see $RUN_DIR/" >&2
    return 1
}

mkdir -p "$RUN_DIR"
start_server "$PRIMARY_PORT"
wait_for_port "$PRIMARY_PORT"
if [ "${RUN_SINGLE:-0}" != 1 ]; then
    for port in "${REPLICA_PORTS[@]}"; do
        start_server "$port" --replicaof 127.0.0.1 "$PRIMARY_PORT"
    done
    for port in "${SENTINEL_PORTS[@]}"; do start_sentinel "$port"; done
    for port in "${REPLICA_PORTS[@]}" "${SENTINEL_PORTS[@]}"; do wait_for_port "$port"; done
fi
echo "primary 127.0.0.1:$PRIMARY_PORT"
[ "${RUN_SINGLE:-0}" = 1 ] || {
    echo "replicas ${REPLICA_PORTS[*]}, sentinels ${SENTINEL_PORTS[*]} (master name mymaster)"
    echo "try: redis-cli -p 26379 sentinel get-master-addr-by-name mymaster"
}
echo "logs in $RUN_DIR/; Ctrl-C stops everything"
wait -n "${pids[@]}"
