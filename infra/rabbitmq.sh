#!/usr/bin/env bash
# Local RabbitMQ for dev/tests, from the Debian package (no Docker).
#   infra/rabbitmq.sh up|down|status
#   infra/rabbitmq.sh vhost NAME [USER]   create virtual host NAME if missing, give USER (default guest) all rights
#   infra/rabbitmq.sh users [VHOST]       the API's and the worker's own users on VHOST (default /), least rights each
# AMQP on 127.0.0.1:5672, management UI on http://127.0.0.1:15672 (guest/guest,
# which RabbitMQ only accepts from loopback - dev only).
# Data (mnesia) and logs: <repo>/.data/rabbitmq/{mnesia,log}.
set -euo pipefail

LOG_TAG=rabbitmq
# shellcheck source=infra/_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

RMQ_HOST=127.0.0.1
RMQ_PORT=5672
RMQ_MGMT_PORT=15672
RMQ_OS_USER=rabbitmq
ENABLED_PLUGINS_FILE=/etc/rabbitmq/enabled_plugins

# Keep every Erlang listener (AMQP, epmd, node distribution) on loopback.
# These reach the server through the Debian wrapper (`su rabbitmq`, env kept).
export RABBITMQ_NODE_IP_ADDRESS=$RMQ_HOST
export ERL_EPMD_ADDRESS=$RMQ_HOST
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"

set_paths() {
    resolve_data_root rabbitmq "$RMQ_OS_USER" "${1:-}"
    RMQ_DIR=$DATA_ROOT/rabbitmq
    export RABBITMQ_CONFIG_FILE=$RMQ_DIR/rabbitmq.conf
    export RABBITMQ_MNESIA_BASE=$RMQ_DIR/mnesia
    export RABBITMQ_LOG_BASE=$RMQ_DIR/log
}

installed() { command -v rabbitmq-server >/dev/null && command -v rabbitmqctl >/dev/null; }

# rabbitmqctl with a hard timeout (the CLI can hang if the node is half-up).
rmqctl() { local t=$1; shift; timeout "$t" rabbitmqctl "$@" </dev/null; }

write_config() {
    mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
    cat >"$RABBITMQ_CONFIG_FILE" <<EOF
# Written by infra/rabbitmq.sh on every start; edit the script, not this file.
# AMQP listener address comes from RABBITMQ_NODE_IP_ADDRESS=$RMQ_HOST.
management.tcp.ip   = $RMQ_HOST
management.tcp.port = $RMQ_MGMT_PORT
# guest/guest is only allowed from loopback (the default; kept explicit).
loopback_users.guest = true
EOF
    chown -R "$RMQ_OS_USER": "$RMQ_DIR"
    chmod 644 "$RABBITMQ_CONFIG_FILE"
}

enable_management_offline() {
    grep -qs 'rabbitmq_management' "$ENABLED_PLUGINS_FILE" && return 0
    log "enabling rabbitmq_management plugin (offline)"
    rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
}

print_log_tail() {
    log "last log lines ($RMQ_DIR):"
    tail -n 30 "$RMQ_DIR/startup.log" "$RABBITMQ_LOG_BASE"/*.log >&2 2>/dev/null || true
}

cmd_up() {
    if port_open "$RMQ_HOST" "$RMQ_PORT"; then
        log "port $RMQ_PORT already accepts connections - reusing the running broker"
        if ! port_open "$RMQ_HOST" "$RMQ_MGMT_PORT" && installed; then
            log "management UI not listening; trying to enable it online"
            timeout 60 rabbitmq-plugins enable rabbitmq_management >/dev/null 2>&1 ||
                log "WARNING: could not enable rabbitmq_management (broker not managed by this script?)"
        fi
        return 0
    fi

    is_root || die "run as root (the Debian rabbitmq scripts switch to the 'rabbitmq' user themselves)"
    installed || apt_install rabbitmq-server
    ensure_os_user "$RMQ_OS_USER" /var/lib/rabbitmq
    set_paths create
    write_config
    enable_management_offline

    log "starting rabbitmq-server -detached (first boot takes a while)"
    local start=$SECONDS
    # Detach fully: the daemon must not hold our stdout/stderr (callers may pipe us).
    rabbitmq-server -detached </dev/null >>"$RMQ_DIR/startup.log" 2>&1

    # Poll the AMQP port first; `rabbitmqctl await_startup` right after
    # -detached can fail because the node is not registered yet.
    if ! wait_port "$RMQ_HOST" "$RMQ_PORT" 90; then
        log "RabbitMQ did not open port $RMQ_PORT within 90 s"
        print_log_tail
        exit 1
    fi
    if ! rmqctl 70 await_startup --timeout 60 >/dev/null 2>&1; then
        log "rabbitmqctl await_startup failed"
        print_log_tail
        exit 1
    fi
    wait_port "$RMQ_HOST" "$RMQ_MGMT_PORT" 30 ||
        log "WARNING: management UI not listening on $RMQ_MGMT_PORT"
    log "ready after $((SECONDS - start)) s: amqp://guest:guest@$RMQ_HOST:$RMQ_PORT/ , UI http://$RMQ_HOST:$RMQ_MGMT_PORT/"
}

cmd_down() {
    if ! installed; then log "RabbitMQ not installed - nothing to stop"; return 0; fi
    set_paths
    if ! port_open "$RMQ_HOST" "$RMQ_PORT"; then
        # Could still be a half-booted node; a failed stop here is fine.
        if rmqctl 30 stop >/dev/null 2>&1; then
            log "stopped a node that was not serving AMQP"
        else
            log "not running"
        fi
        return 0
    fi
    log "stopping (graceful, takes a few seconds)"
    rmqctl 60 stop >/dev/null ||
        die "rabbitmqctl stop failed (broker not managed by this script, e.g. a Docker container?)"
    # `stop` returns once the node accepted the request; wait for the port to close.
    local deadline=$((SECONDS + 30))
    while port_open "$RMQ_HOST" "$RMQ_PORT"; do
        ((SECONDS < deadline)) || die "port $RMQ_PORT still open 30 s after stop"
        sleep 0.5
    done
    log "stopped"
}

cmd_status() {
    set_paths
    local rc=0
    if port_open "$RMQ_HOST" "$RMQ_PORT"; then
        echo "rabbitmq: AMQP listening on $RMQ_HOST:$RMQ_PORT"
    else
        echo "rabbitmq: not running (no listener on $RMQ_HOST:$RMQ_PORT)"
        rc=1
    fi
    if port_open "$RMQ_HOST" "$RMQ_MGMT_PORT"; then
        echo "rabbitmq: management UI on http://$RMQ_HOST:$RMQ_MGMT_PORT/"
    fi
    [ -d "$RMQ_DIR" ] && echo "rabbitmq: data/logs in $RMQ_DIR"
    return $rc
}

# vhost NAME [USER]: an isolated virtual host (benchmarks, tests) next to the development one, "/". Idempotent; safe to
# call concurrently (a lost add_vhost race is fine as long as the vhost exists afterwards). The broker must be up.
has_vhost() { rmqctl 30 list_vhosts --quiet --no-table-headers name 2>/dev/null | grep -qxF "$1"; }
cmd_vhost() {
    local name=${1:-} user=${2:-guest}
    [[ $name =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$ ]] ||
        die "usage: $0 vhost NAME [USER]  (NAME: letters, digits, . _ -; never the development vhost /)"
    installed || die "rabbitmqctl not found"
    port_open "$RMQ_HOST" "$RMQ_PORT" || die "RabbitMQ is not running ($0 up)"
    if ! has_vhost "$name"; then
        rmqctl 30 add_vhost "$name" >/dev/null 2>&1 || has_vhost "$name" || die "rabbitmqctl add_vhost $name failed"
        log "created vhost $name"
    fi
    rmqctl 30 set_permissions -p "$name" "$user" '.*' '.*' '.*' >/dev/null ||
        die "rabbitmqctl set_permissions -p $name $user failed"
}

# users [VHOST]: one broker user per service (issue #14, docs/security.md "Broker users"), so a leaked worker password
# cannot announce incidents or pages, and the API cannot forge receipts. Names are those of src/Incidents.Contracts
# (Messaging.cs); the test run's own names (incidents.receipts.<db>, incidents.dispatch.<db>) match the same patterns.
#   API    configure/write its exchanges (incidents.events, .pages, .assurance) and its receipts queue; read that queue
#          and bind it to the receipts exchange; Wolverine's own objects (wolverine-dead-letter-queue, wolverine.response.<node>).
#   worker configure/read its queues (incidents.dispatch*, with MassTransit's _error/_skipped and same-named exchanges)
#          and bind them to the API's two exchanges (configure and read there, never write); write only to its own
#          exchanges and to the receipts exchange (Incidents.Contracts:NotificationAttempted). MassTransit's temporary
#          bus endpoint (<host>_<app>_bus_<id>) is its own too.
# Passwords: INCIDENTS_BROKER_API_PASSWORD / INCIDENTS_BROKER_WORKER_PASSWORD; the defaults are development passwords
# for this loopback broker only (never use them on a broker other machines reach).
BROKER_API_USER=${INCIDENTS_BROKER_API_USER:-incidents-api}
BROKER_WORKER_USER=${INCIDENTS_BROKER_WORKER_USER:-incidents-worker}
BROKER_API_CONFIGURE='^(incidents\.(events|pages|assurance|duty)|incidents\.anchors(\..*)?|incidents\.receipts(\..*)?|Incidents\.Contracts:NotificationAttempted|wolverine[.-].*)$'
BROKER_API_WRITE='^(incidents\.(events|pages|assurance|duty)|incidents\.anchors(\..*)?|incidents\.receipts(\..*)?|wolverine[.-].*)$'
BROKER_API_READ='^(incidents\.anchors(\..*)?|incidents\.receipts(\..*)?|Incidents\.Contracts:NotificationAttempted|wolverine[.-].*)$'
BROKER_WORKER_CONFIGURE='^(incidents\.dispatch.*|incidents\.(events|pages|duty)|Incidents\.Contracts:NotificationAttempted|.*_bus_.*)$'
BROKER_WORKER_WRITE='^(incidents\.dispatch.*|Incidents\.Contracts:NotificationAttempted|.*_bus_.*)$'
BROKER_WORKER_READ='^(incidents\.dispatch.*|incidents\.(events|pages|duty)|.*_bus_.*)$'
ensure_user() {
    local user=$1 password=$2
    if rmqctl 30 list_users --quiet --no-table-headers 2>/dev/null | cut -f1 | grep -qxF "$user"; then
        rmqctl 30 change_password "$user" "$password" >/dev/null || die "rabbitmqctl change_password $user failed"
    else
        rmqctl 30 add_user "$user" "$password" >/dev/null 2>&1 ||
            rmqctl 30 change_password "$user" "$password" >/dev/null || die "rabbitmqctl add_user $user failed"
    fi
}
cmd_users() {
    local vhost=${1:-/}
    installed || die "rabbitmqctl not found"
    port_open "$RMQ_HOST" "$RMQ_PORT" || die "RabbitMQ is not running ($0 up)"
    [[ $vhost == / ]] || has_vhost "$vhost" || die "no vhost $vhost ($0 vhost $vhost)"
    ensure_user "$BROKER_API_USER" "${INCIDENTS_BROKER_API_PASSWORD:-incidents-api-dev}"
    ensure_user "$BROKER_WORKER_USER" "${INCIDENTS_BROKER_WORKER_PASSWORD:-incidents-worker-dev}"
    rmqctl 30 set_permissions -p "$vhost" "$BROKER_API_USER" "$BROKER_API_CONFIGURE" "$BROKER_API_WRITE" "$BROKER_API_READ" >/dev/null ||
        die "rabbitmqctl set_permissions $BROKER_API_USER failed"
    rmqctl 30 set_permissions -p "$vhost" "$BROKER_WORKER_USER" "$BROKER_WORKER_CONFIGURE" "$BROKER_WORKER_WRITE" "$BROKER_WORKER_READ" >/dev/null ||
        die "rabbitmqctl set_permissions $BROKER_WORKER_USER failed"
    log "users $BROKER_API_USER and $BROKER_WORKER_USER on vhost $vhost"
}

case "${1:-}" in
    up | down) lock_and_reexec rabbitmq "$0" "$@" ;;
esac
case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    vhost) shift; cmd_vhost "$@" ;;
    users) shift; cmd_users "$@" ;;
    *) echo "usage: $0 up|down|status|vhost NAME [USER]|users [VHOST]" >&2; exit 2 ;;
esac
