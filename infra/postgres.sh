#!/usr/bin/env bash
# Local PostgreSQL for dev/tests, run from the OS binaries (no Docker).
#   infra/postgres.sh up|down|status
# Data: <repo>/.data/postgres, log: <repo>/.data/postgres.log
# Listens on 127.0.0.1:${PGPORT:-5432}; unix socket in /tmp.
# Role/database `incidents` (password `incidents`: dev-only, loopback-only): the owner, which applies the schema.
# Role `incidents_app` (password `incidents_app`, same terms): the runtime role of Production, DML only
# (infra/runtime-role.sql; docs/security.md "Database roles").
set -euo pipefail

LOG_TAG=postgres
# shellcheck source=infra/_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

PG_PORT=${PGPORT:-5432}
PG_HOST=127.0.0.1
PG_SOCKET_DIR=/tmp
PG_ROLE=incidents
PG_PASSWORD=incidents
PG_DB=incidents
PG_APP_ROLE=incidents_app
PG_APP_PASSWORD=incidents_app
PG_SCHEMA=incidents
# initdb/pg_ctl refuse to run as root, so root runs them as `postgres`.
if is_root; then PG_OS_USER=postgres; else PG_OS_USER=$(id -un); fi

# Sets DATA_ROOT, PGDATA_DIR, PG_LOG ($1 = "create" on `up`).
set_paths() {
    resolve_data_root postgres "$PG_OS_USER" "${1:-}"
    PGDATA_DIR=$DATA_ROOT/postgres
    PG_LOG=$DATA_ROOT/postgres.log
}

# Sets PG_BIN: the version matching an existing data dir, else the newest.
find_pg_bin() {
    local want="" dir
    [ -f "$PGDATA_DIR/PG_VERSION" ] && want=$(cat "$PGDATA_DIR/PG_VERSION")
    if [ -n "$want" ] && [ -x "/usr/lib/postgresql/$want/bin/pg_ctl" ]; then
        PG_BIN=/usr/lib/postgresql/$want/bin; return 0
    fi
    # shellcheck disable=SC2012 # plain version dirs; sort -V picks the newest
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
        PG_BIN=$dir; return 0
    fi
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        PG_BIN=$(dirname "$(readlink -f "$(command -v pg_ctl)")"); return 0
    fi
    return 1
}

install_postgres() {
    # Keep Debian's postgresql-common from creating its own "main" cluster on
    # 5432 (it would start on every boot and collide with ours).
    mkdir -p /etc/postgresql-common/createcluster.d
    echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/incidents-dev.conf
    apt_install postgresql
}

pg_ctl_() { run_as "$PG_OS_USER" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" "$@"; }
ours_running() { [ -f "$PGDATA_DIR/PG_VERSION" ] && pg_ctl_ status >/dev/null 2>&1; }
pg_ready() { "$PG_BIN/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -t 2; }

# Can the app credentials log in on host:port? (used to reuse a foreign server)
app_login_ok() {
    PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=3 "$PG_BIN/psql" -X -q -At \
        -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ROLE" -d "$PG_DB" -c 'select 1' >/dev/null 2>&1
}

# Superuser psql over the unix socket (trust auth for local connections); SQL on stdin.
psql_super() {
    run_as "$PG_OS_USER" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
        -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres
}

init_cluster() {
    log "initdb $PGDATA_DIR ($("$PG_BIN/initdb" --version))"
    mkdir -p "$PGDATA_DIR"
    chown "$PG_OS_USER": "$PGDATA_DIR"
    chmod 700 "$PGDATA_DIR"
    run_as "$PG_OS_USER" "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres \
        --encoding=UTF8 --locale=C \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
}

# Our settings live in incidents-dev.conf (rewritten on every start, so a
# changed PGPORT is picked up) and are included from postgresql.conf.
write_config() {
    cat >"$PGDATA_DIR/incidents-dev.conf" <<EOF
# Written by infra/postgres.sh on every start; edit the script, not this file.
listen_addresses = '$PG_HOST'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
max_connections = 300
shared_buffers = 256MB
fsync = on                  # keep ON: benchmarks must be honest
synchronous_commit = on
password_encryption = 'scram-sha-256'
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    chown "$PG_OS_USER": "$PGDATA_DIR/incidents-dev.conf"
    grep -q "^include_if_exists = 'incidents-dev.conf'" "$PGDATA_DIR/postgresql.conf" ||
        echo "include_if_exists = 'incidents-dev.conf'" >>"$PGDATA_DIR/postgresql.conf"
}

start_server() {
    touch "$PG_LOG"
    chown "$PG_OS_USER": "$PG_LOG"
    log "starting PostgreSQL on $PG_HOST:$PG_PORT (log: $PG_LOG)"
    pg_ctl_ -l "$PG_LOG" -W -s start
    # Poll pg_isready (max 60 s); bail out early if the postmaster died.
    local start=$SECONDS
    until pg_ready; do
        if ((SECONDS - start >= 60)) ||
            { ((SECONDS - start >= 5)) && [ ! -f "$PGDATA_DIR/postmaster.pid" ]; }; then
            log "PostgreSQL did not become ready; last log lines:"
            tail -n 40 "$PG_LOG" >&2 || true
            exit 1
        fi
        sleep 0.5
    done
    log "ready after $((SECONDS - start)) s"
}

# Idempotently create role + database.
ensure_role_and_db() {
    psql_super <<SQL
-- CREATEROLE: the tests create runtime roles of their own (RuntimeRoleTests); a development server only.
SELECT format('CREATE ROLE %I LOGIN CREATEDB CREATEROLE PASSWORD %L', '$PG_ROLE', '$PG_PASSWORD')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE') \gexec
ALTER ROLE $PG_ROLE WITH LOGIN CREATEDB CREATEROLE PASSWORD '$PG_PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I', '$PG_DB', '$PG_ROLE')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_DB') \gexec
ALTER DATABASE $PG_DB OWNER TO $PG_ROLE;
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', '$PG_APP_ROLE', '$PG_APP_PASSWORD')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_APP_ROLE') \gexec
ALTER ROLE $PG_APP_ROLE WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$PG_APP_PASSWORD';
SQL
    # The runtime role's grants, in the database, as the owner (so default privileges name what the owner creates).
    sed -e "s/__OWNER__/$PG_ROLE/g" -e "s/__APP__/$PG_APP_ROLE/g" -e "s/__SCHEMA__/$PG_SCHEMA/g" -e "s/__DATABASE__/$PG_DB/g" \
        "$(dirname "${BASH_SOURCE[0]}")/runtime-role.sql" |
        run_as "$PG_OS_USER" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d "$PG_DB" \
            -c "SET ROLE $PG_ROLE" -f -
}

cmd_up() {
    if ! find_pg_bin_early; then install_postgres; fi
    is_root && ensure_os_user "$PG_OS_USER" /var/lib/postgresql
    set_paths create
    find_pg_bin || die "no PostgreSQL server binaries found (initdb/pg_ctl)"

    if ours_running; then
        local running_port
        running_port=$(sed -n 4p "$PGDATA_DIR/postmaster.pid")
        [ "$running_port" = "$PG_PORT" ] ||
            die "our server (data $PGDATA_DIR) already runs on port $running_port, not $PG_PORT; run '$0 down' first"
        pg_ready || die "our server runs but is not ready on port $PG_PORT; see $PG_LOG"
        ensure_role_and_db
        log "already running (data $PGDATA_DIR) - reusing"
        return 0
    fi
    if port_open "$PG_HOST" "$PG_PORT"; then
        app_login_ok || die "port $PG_PORT is taken by something that does not accept $PG_ROLE/$PG_PASSWORD; stop it (e.g. pg_ctlcluster <ver> main stop) or use PGPORT=<other port>"
        log "a server already listens on $PG_HOST:$PG_PORT and accepts $PG_ROLE - reusing it (not managed by this script)"
        return 0
    fi

    [ -f "$PGDATA_DIR/PG_VERSION" ] || init_cluster
    write_config
    start_server
    ensure_role_and_db
    app_login_ok || die "server is up but $PG_ROLE cannot log in over TCP; see $PG_LOG"
    log "PostgreSQL $(cat "$PGDATA_DIR/PG_VERSION") up: postgresql://$PG_ROLE:$PG_PASSWORD@$PG_HOST:$PG_PORT/$PG_DB"
}

# Binaries present at all? (before paths are known; decides whether to apt-get)
find_pg_bin_early() { PGDATA_DIR=/nonexistent find_pg_bin; }

cmd_down() {
    set_paths
    if ! find_pg_bin; then log "PostgreSQL not installed - nothing to stop"; return 0; fi
    if ours_running; then
        log "stopping (data $PGDATA_DIR)"
        pg_ctl_ -m fast -w -t 60 -s stop
        log "stopped"
    elif port_open "$PG_HOST" "$PG_PORT"; then
        log "port $PG_PORT is served by a PostgreSQL not started by this script - leaving it alone"
    else
        log "not running"
    fi
}

cmd_status() {
    set_paths
    if ! find_pg_bin; then echo "postgres: not installed"; return 1; fi
    if ours_running; then
        echo "postgres: running (managed) on $PG_HOST:$(sed -n 4p "$PGDATA_DIR/postmaster.pid"), pid $(head -1 "$PGDATA_DIR/postmaster.pid"), data $PGDATA_DIR, log $PG_LOG"
    elif pg_ready; then
        echo "postgres: a server not managed by this script is ready on $PG_HOST:$PG_PORT"
    else
        echo "postgres: not running (data $PGDATA_DIR)"
        return 1
    fi
}

case "${1:-}" in
    up | down) lock_and_reexec postgres "$0" "$@" ;;
esac
case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
