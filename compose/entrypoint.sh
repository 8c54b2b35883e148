#!/bin/bash
# compose/entrypoint.sh — starts one node of the compose group from its environment.
#
# VIGIL_ROLE picks the node: `primary` or `replica` (a data node: DATA_SERVER, vigil-server or
# Debian's redis-server) or `sentinel` (SENTINEL_SERVER, vigil-sentinel or redis-sentinel).
# The config is written to /data on the first start only: after that the file belongs to the
# daemon (sentinels and CONFIG REWRITE rewrite it), so a restarted node comes back with what
# it last knew — an old primary still believes it is primary, and the sentinels demote it.
# Extra arguments are passed to the daemon after the config file.
set -euo pipefail

role=${VIGIL_ROLE:?VIGIL_ROLE must be primary, replica or sentinel}
data_server=${DATA_SERVER:-vigil-server}
sentinel_server=${SENTINEL_SERVER:-vigil-sentinel}
# The address the others reach this node at: the compose file pins one per node.
announce_ip=${ANNOUNCE_IP:-$(hostname -i | cut -d' ' -f1)}
master_name=${MASTER_NAME:-mymaster}
port=${PORT:-6379}
sentinel_port=${SENTINEL_PORT:-26379}

die() {
    echo "vigil-entrypoint: $*" >&2
    exit 1
}

write_data_conf() {
    cat <<CONF
# Written by vigil-entrypoint on first start; the server may rewrite it since.
port $port
bind 0.0.0.0
protected-mode no
daemonize no
logfile ""
dir /data
replica-announce-ip $announce_ip
replica-announce-port $port
CONF
    if [ "$role" = replica ]; then
        echo "replicaof ${PRIMARY_IP:?PRIMARY_IP must be set for a replica} ${PRIMARY_PORT:-$port}"
    fi
}

write_sentinel_conf() {
    cat <<CONF
# Written by vigil-entrypoint on first start; the sentinel rewrites it since.
port $sentinel_port
daemonize no
logfile ""
dir /data
sentinel announce-ip $announce_ip
sentinel announce-port $sentinel_port
sentinel monitor $master_name ${PRIMARY_IP:?PRIMARY_IP must be set for a sentinel} ${PRIMARY_PORT:-$port} ${QUORUM:-2}
sentinel down-after-milliseconds $master_name ${DOWN_AFTER_MS:-5000}
sentinel failover-timeout $master_name ${FAILOVER_TIMEOUT_MS:-30000}
sentinel parallel-syncs $master_name 1
CONF
}

case "$role" in
primary | replica)
    conf=/data/node.conf
    [ -s "$conf" ] || write_data_conf >"$conf"
    case "$data_server" in
    redis-server | vigil-server) exec "$data_server" "$conf" "$@" ;;
    *) die "DATA_SERVER must be redis-server or vigil-server, not '$data_server'" ;;
    esac
    ;;
sentinel)
    conf=/data/sentinel.conf
    [ -s "$conf" ] || write_sentinel_conf >"$conf"
    case "$sentinel_server" in
    vigil-sentinel | redis-sentinel) exec "$sentinel_server" "$conf" "$@" ;;
    *) die "SENTINEL_SERVER must be vigil-sentinel or redis-sentinel, not '$sentinel_server'" ;;
    esac
    ;;
*) die "VIGIL_ROLE must be primary, replica or sentinel, not '$role'" ;;
esac
