#!/usr/bin/env bash
# Alarm intake benchmark (issue #12; see docs/intake.md and docs/benchmarks.md):
#
#   bash bench/intake.sh [--clients 32] [--duration 20] [--warmup 5] [--batch 1] [--systems 50] [--keys 20] [--no-baseline]
#
# Runs the real API in-process against its own database `incidents_intakebench` (dropped and re-created) and its own
# RabbitMQ vhost `incidents_intakebench`, creates a generic integration, and drives it closed loop: N clients post
# trigger events (one alert each by default) over systems x keys, every alert its own occurrence. Then, as the same-run
# baseline, the same clients post desk reports (POST /api/v1/incidents) for the same time; the ratio compares the two.
# Target: >= 1,000 alerts/s accepted with p99 < 100 ms on 2 cores. The commit is recorded in the binary at build time.
# Closed loop: a stall pauses the clients too (stalls are hidden). A benchmark, not a test: exit code 0 whatever the figures.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(dirname "$BENCH_DIR")"
case "${1:-}" in -h | --help) sed -n '2,12p' "$0"; exit 0 ;; esac

bash "$REPO/infra/services.sh" up >&2
eval "$(bash "$REPO/infra/services.sh" env)"
# Its own RabbitMQ vhost, never the development one "/" (issue #16); its own database is created by the program.
bash "$REPO/infra/rabbitmq.sh" vhost incidents_intakebench >&2
export ConnectionStrings__RabbitMq="amqp://guest:guest@127.0.0.1:5672/incidents_intakebench"
dotnet build "$BENCH_DIR/Incidents.IntakeBench" -c Release -nologo -v quiet >&2
BIN="$BENCH_DIR/Incidents.IntakeBench/bin/Release/net10.0/Incidents.IntakeBench.dll"

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), checked out $(git -C "$REPO" rev-parse --short HEAD)"
dotnet "$BIN" "$@" 2>/dev/null | grep -a -E '^(Incidents.IntakeBench|intake|baseline|accounted|RESULT|caveat|error)'
