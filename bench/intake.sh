#!/usr/bin/env bash
# Alarm intake benchmark (issue #12; see docs/intake.md and docs/benchmarks.md):
#
#   bash bench/intake.sh [--suffix NAME] [--clients 32] [--duration 20] [--warmup 15] [--batch 1] [--systems 50] [--keys 20] [--no-baseline]
#
# Runs the real API in-process against its own database `incidents_intakebench` (dropped and re-created) and its own
# RabbitMQ vhost `incidents_intakebench` (`--suffix NAME`: `incidents_intakebench_NAME`, so two runs never meet), creates a generic integration, and drives it closed loop: N clients post
# trigger events (one alert each by default) over systems x keys, every alert its own occurrence. Then, as the same-run
# baseline, the same clients post desk reports (POST /api/v1/incidents) for the same time; the ratio compares the two.
# Target: >= 1,000 alerts/s accepted with p99 < 100 ms on 2 cores. The commit is recorded in the binary at build time.
# Closed loop: a stall pauses the clients too (stalls are hidden). Each phase is also counted (round trips, transactions,
# rows written per table, CPU ms per alert; 11 s pauses let PostgreSQL flush its statistics). Exit code 0 whatever the figures.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(dirname "$BENCH_DIR")"
case "${1:-}" in -h | --help) sed -n '2,13p' "$0"; exit 0 ;; esac
DATABASE=incidents_intakebench
ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --suffix)
            [[ "${2:-}" =~ ^[a-z0-9_]+$ ]] || { echo "--suffix takes lower-case letters, digits and _" >&2; exit 64; }
            DATABASE="incidents_intakebench_$2"; shift 2 ;;
        *) ARGS+=("$1"); shift ;;
    esac
done
export INCIDENTS_INTAKEBENCH_DATABASE="$DATABASE"

bash "$REPO/infra/services.sh" up >&2
eval "$(bash "$REPO/infra/services.sh" env)"
# Its own RabbitMQ vhost, never the development one "/" (issue #16); its own database is created by the program.
bash "$REPO/infra/rabbitmq.sh" vhost "$DATABASE" >&2
export ConnectionStrings__RabbitMq="amqp://guest:guest@127.0.0.1:5672/$DATABASE"
dotnet build "$BENCH_DIR/Incidents.IntakeBench" -c Release -nologo -v quiet >&2
BIN="$BENCH_DIR/Incidents.IntakeBench/bin/Release/net10.0/Incidents.IntakeBench.dll"

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), checked out $(git -C "$REPO" rev-parse --short HEAD)"
dotnet "$BIN" "${ARGS[@]}" 2>/dev/null | grep -a -E '^(Incidents.IntakeBench|intake|baseline|accounted|counted|RESULT|caveat|error)'
