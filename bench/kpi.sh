#!/usr/bin/env bash
# KPI read benchmark (see docs/benchmarks.md, "KPI reads"):
#
#   bash bench/kpi.sh [--incidents 100000] [--year 2025] [--requests 200] [--warmup 20] [--full-requests 5] [--reuse]
#                     [--database incidents_kpibench_x]
#
# Seeds a year of incidents (100,000 by default, a realistic mix) into its own database `incidents_kpibench` through the
# real event store and inline projections, then times GET /api/v1/kpis (a year, a year by month, a month by day, one
# system's year, drills included), the CSV export and, for comparison, the complete in-memory computation
# (evidence=all), on the real API hosted in-process. --reuse keeps an already seeded database with the same count;
# --database names another (starting with incidents_kpibench), so that two builds can be compared each on its own seed.
# Brings PostgreSQL and RabbitMQ up itself (infra/services.sh up). A benchmark, not a test: exit code 0 whatever the
# figures.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(dirname "$BENCH_DIR")"
case "${1:-}" in -h | --help) sed -n '2,13p' "$0"; exit 0 ;; esac

if [[ -f "$REPO/infra/services.sh" ]]; then
  bash "$REPO/infra/services.sh" up >&2
  eval "$(bash "$REPO/infra/services.sh" env)"
  # Its own RabbitMQ vhost, never the development one "/" (issue #16); its own database is created by the program.
  bash "$REPO/infra/rabbitmq.sh" vhost incidents_kpibench >&2
  export ConnectionStrings__RabbitMq="amqp://guest:guest@127.0.0.1:5672/incidents_kpibench"
fi
dotnet build "$BENCH_DIR/Incidents.KpiBench" -c Release -nologo -v quiet >&2
BIN="$BENCH_DIR/Incidents.KpiBench/bin/Release/net10.0/Incidents.KpiBench.dll"

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), commit $(git -C "$REPO" rev-parse --short HEAD)"
dotnet "$BIN" "$@" 2>/dev/null | grep -a -E '^(seeded|data|scenario|year|month|RESULT)'
