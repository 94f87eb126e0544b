#!/usr/bin/env bash
# Chromium for the console's browser tests (tests/Incidents.ConsoleTests, Playwright for .NET). Playwright's own browser
# download is not reachable from these machines, so the tests drive Debian's `chromium` package instead
# (INCIDENTS_CHROMIUM names another executable). Idempotent and fast when it is there already.
#   infra/chromium.sh up       install chromium if missing (root and apt-get; otherwise a warning, the tests then say why)
#   infra/chromium.sh status   exit 0 if a chromium executable is there; print its path
set -euo pipefail
LOG_TAG=chromium
# shellcheck source=infra/_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

executable() {
    local candidate
    for candidate in "${INCIDENTS_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
    done
    return 1
}

case "${1:-up}" in
    up)
        if executable >/dev/null; then
            exit 0
        fi
        if ! is_root || ! command -v apt-get >/dev/null; then
            log "WARNING: chromium is not installed and cannot be installed here (needs root and apt-get); the console tests will fail"
            exit 0
        fi
        # apt_install refreshes the package lists first (a fresh machine may have none).
        ( apt_install chromium ) || log "WARNING: installing chromium failed; the console tests will fail"
        executable >/dev/null && log "chromium: $(executable)"
        ;;
    status)
        executable
        ;;
    *)
        echo "usage: $0 up|status" >&2
        exit 2
        ;;
esac
