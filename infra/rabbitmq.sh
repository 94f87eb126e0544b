#!/usr/bin/env bash
# Local RabbitMQ for dev/tests, from the Debian package (no Docker).
#   infra/rabbitmq.sh up|down|status
#   infra/rabbitmq.sh vhost NAME [USER]   create virtual host NAME if missing, give USER (default guest) all rights
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

case "${1:-}" in
    up | down) lock_and_reexec rabbitmq "$0" "$@" ;;
esac
case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    vhost) shift; cmd_vhost "$@" ;;
    *) echo "usage: $0 up|down|status|vhost NAME [USER]" >&2; exit 2 ;;
esac
