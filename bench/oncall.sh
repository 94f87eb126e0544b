#!/usr/bin/env bash
# Who-is-on-duty benchmark (issue #11, docs/oncall.md):
#
#   bash bench/oncall.sh [--rosters 50] [--instants 1000]
#
# 50 rosters (a daily or weekly rotation, a 12-hour weekend layer, the holiday layer; three effective-dated changes;
# 20 overrides each) asked at 1,000 instants across 2026 through the domain's pure resolution (OnDuty). Prints p50/p95/p99
# per answer (one roster at one instant) prepared, cold (built from the roster, as GET /api/v1/on-call does) and as-of,
# and per instant for all rosters; then a RESULT line with the commit stamped into the binary at build time.
# In-process and pure: no database, no broker (nothing shared with other runs). Target: p95 < 5 ms per answer.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
case "${1:-}" in -h | --help) sed -n '2,11p' "$0"; exit 0 ;; esac
dotnet build "$BENCH_DIR/Incidents.OnCallBench" -c Release -nologo -v quiet >&2
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
dotnet "$BENCH_DIR/Incidents.OnCallBench/bin/Release/net10.0/Incidents.OnCallBench.dll" "$@"
