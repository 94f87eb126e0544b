#!/usr/bin/env bash
# SLA clock benchmark (see docs/benchmarks.md):
#
#   bash bench/sla.sh [--incidents 10000]
#
# Runs the real API configuration in-process (static Wolverine code, durable scheduled checks in PostgreSQL, RabbitMQ
# outbox) against a fresh database `incidents_sla_bench`, seeds N incidents through the same decider and outbox path as
# the report endpoint, and measures how late the acknowledge breaches are recorded:
#   (a) N running clocks whose deadlines are spread over 60 s  -> lateness p50 / p99 / max (target p99 < 1 s)
#   (b) a storm: N deadlines in the same instant               -> time until the last breach is recorded (target < 10 s)
#   (c) the storm again with escalation chains on               -> also how late level 2 is raised for every incident
# A benchmark, not a test: exit code 0 whatever the figures.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(dirname "$BENCH_DIR")"
INCIDENTS=10000
while (($#)); do
  case "$1" in
    --incidents) INCIDENTS=$2; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done

bash "$REPO/infra/services.sh" up >&2
eval "$(bash "$REPO/infra/services.sh" env)"
# Its own RabbitMQ vhost, never the development one "/" (issue #16); its own database is created by the program.
bash "$REPO/infra/rabbitmq.sh" vhost incidents_sla_bench >&2
export ConnectionStrings__RabbitMq="amqp://guest:guest@127.0.0.1:5672/incidents_sla_bench"
dotnet build "$BENCH_DIR/Incidents.SlaBench" -c Release -nologo -v quiet >&2
BIN="$BENCH_DIR/Incidents.SlaBench/bin/Release/net10.0/Incidents.SlaBench.dll"

run() { dotnet "$BIN" "$@" 2>/dev/null | grep -a -E '^(seeded|scenario|incidents|breaches|breach|warning|first|escalations|RESULT|WARNING)'; }

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), commit $(git -C "$REPO" rev-parse --short HEAD)"
run --incidents "$INCIDENTS" --spread 60 --target 90 --label "running clocks, deadlines spread over 60 s"
run --incidents "$INCIDENTS" --spread 0 --target 90 --label "storm, all deadlines in the same instant"
run --incidents "$INCIDENTS" --spread 0 --target 90 --escalation --label "storm with escalation: every breach also raises level 2"
