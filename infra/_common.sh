# shellcheck shell=bash
# Shared helpers for infra/*.sh. Sourced, not executed.

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(dirname "$INFRA_DIR")"
# Used only when the service user cannot reach <repo>/.data (see resolve_data_root).
FALLBACK_DATA_ROOT=/var/lib/incidents-dev
# Daemons/admin tools live in sbin; CI shells do not always have it on PATH.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# All progress output goes to stderr so stdout stays clean for `services.sh env`.
log() { printf '[%s] %s\n' "${LOG_TAG:-infra}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# run_as USER CMD... : run CMD as USER (via runuser when we are root), from /
# so the target user never trips over an unreadable current directory.
run_as() {
    local user=$1; shift
    if is_root && [ "$user" != root ]; then
        (cd / && runuser -u "$user" -- "$@")
    else
        (cd / && "$@")
    fi
}

# port_open HOST PORT : true if a TCP connect succeeds within 1 s.
port_open() { timeout 1 bash -c ": <>/dev/tcp/$1/$2" 2>/dev/null; }

# wait_port HOST PORT SECONDS : poll until the port accepts connections.
wait_port() {
    local deadline=$((SECONDS + $3))
    until port_open "$1" "$2"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.5
    done
}

# apt_install PKG... : apt-get install, serialised with a lock so that parallel
# callers do not fight over the dpkg lock. A temporary policy-rc.d stops the
# packages from auto-starting their default services (Docker images already
# ship one; plain VMs do not) - we start our own, configured instances.
apt_install() {
    is_root || die "need root to apt-get install $*"
    command -v apt-get >/dev/null || die "apt-get not found; install $* manually"
    log "installing $* via apt-get (first run only)..."
    (
        flock -w 600 9 || true
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            trap 'rm -f /usr/sbin/policy-rc.d' EXIT
            printf '#!/bin/sh\n# temporary, from infra/_common.sh\nexit 101\n' >/usr/sbin/policy-rc.d
            chmod 755 /usr/sbin/policy-rc.d
        fi
        apt-get update -qq 9>&-
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 9>&-
    ) 9>/tmp/incidents-infra-apt.lock
}

# ensure_os_user NAME HOME : create a system user if it does not exist yet.
ensure_os_user() {
    getent passwd "$1" >/dev/null && return 0
    log "creating system user '$1'"
    if getent group "$1" >/dev/null; then
        useradd --system --gid "$1" --home-dir "$2" --no-create-home --shell /bin/bash "$1"
    else
        useradd --system --user-group --home-dir "$2" --no-create-home --shell /bin/bash "$1"
    fi
}

# make_reachable DIR USER : add o+x to every directory on DIR's path that USER
# cannot traverse (e.g. a repo under /root or a 0700 home). Fails if that is
# not enough (ACLs, root-squashed NFS, read-only mounts...).
make_reachable() {
    local dir=$1 user=$2 path="" comp
    local -a comps
    IFS=/ read -ra comps <<<"${dir#/}"
    for comp in "${comps[@]}"; do
        [ -n "$comp" ] || continue
        path="$path/$comp"
        run_as "$user" test -x "$path" && continue
        log "chmod o+x $path (so '$user' can reach its data dir)"
        chmod o+x "$path" 2>/dev/null || return 1
    done
    run_as "$user" test -x "$dir"
}

# resolve_data_root SERVICE USER [create] : sets DATA_ROOT.
# Prefers <repo>/.data; falls back to /var/lib/incidents-dev when USER cannot
# reach the repo. An existing data dir wins, so the choice is sticky.
resolve_data_root() {
    local svc=$1 user=$2 mode=${3:-}
    # INCIDENTS_DATA_ROOT: a server instance of its own (the fault tests start and stop one on another port).
    if [ -n "${INCIDENTS_DATA_ROOT:-}" ]; then
        DATA_ROOT=$INCIDENTS_DATA_ROOT
        if [ "$mode" = create ]; then
            mkdir -p "$DATA_ROOT"
            chmod 755 "$DATA_ROOT"
            if is_root; then make_reachable "$DATA_ROOT" "$user" || die "'$user' cannot reach $DATA_ROOT"; fi
        fi
        return 0
    fi
    if [ -d "$REPO_ROOT/.data/$svc" ]; then DATA_ROOT=$REPO_ROOT/.data; return 0; fi
    if [ -d "$FALLBACK_DATA_ROOT/$svc" ]; then DATA_ROOT=$FALLBACK_DATA_ROOT; return 0; fi
    DATA_ROOT=$REPO_ROOT/.data
    [ "$mode" = create ] || return 0
    mkdir -p "$DATA_ROOT"
    if is_root && ! make_reachable "$DATA_ROOT" "$user"; then
        DATA_ROOT=$FALLBACK_DATA_ROOT
        log "NOTE: '$user' cannot reach $REPO_ROOT/.data; using $DATA_ROOT instead"
        mkdir -p "$DATA_ROOT"
        chmod 755 "$DATA_ROOT"
    fi
}

# lock_and_reexec NAME SCRIPT ARGS... : re-run SCRIPT under flock(1) so that
# concurrent up/down calls for one service are serialised. `flock -o` keeps the
# lock fd out of the script's children, so daemons started by the script
# (postmaster, beam, epmd) never inherit and hold the lock.
lock_and_reexec() {
    local name=$1 script=$2; shift 2
    local var=INFRA_LOCK_HELD_$name rc=0
    [ -n "${!var:-}" ] && return 0
    command -v flock >/dev/null || return 0
    export "$var=1"
    flock -o -w 300 -E 75 "/tmp/incidents-infra-$name.lock" bash "$script" "$@" || rc=$?
    [ "$rc" -ne 75 ] || log "ERROR: timed out waiting for /tmp/incidents-infra-$name.lock"
    exit "$rc"
}
