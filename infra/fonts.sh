#!/usr/bin/env bash
# CJK fonts for printed documents (monthly and acceptance reports are zh-CN first; without a CJK font Chinese prints as
# empty boxes). Installs Debian's fonts-noto-cjk where documents are rendered or tested. Best effort: a machine without
# apt-get or root only gets a warning, never a failure.
#   infra/fonts.sh up       install fonts-noto-cjk if missing
#   infra/fonts.sh status   exit 0 if a Noto CJK font is installed
set -euo pipefail
LOG_TAG=fonts
# shellcheck source=infra/_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

installed() { dpkg -s fonts-noto-cjk >/dev/null 2>&1 || { command -v fc-list >/dev/null && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; }; }

case "${1:-up}" in
    up)
        if installed; then
            exit 0
        fi
        if ! is_root || ! command -v apt-get >/dev/null; then
            log "WARNING: fonts-noto-cjk is not installed and cannot be installed here (needs root and apt-get); printed Chinese may show as boxes"
            exit 0
        fi
        ( apt_install fonts-noto-cjk ) || log "WARNING: installing fonts-noto-cjk failed; printed Chinese may show as boxes"
        ;;
    status)
        installed
        ;;
    *)
        echo "usage: $0 up|status" >&2
        exit 2
        ;;
esac
