#!/usr/bin/env bash
# Dispatch benchmark (issue #16, docs/benchmarks.md):
#
#   bash bench/dispatch.sh [--notices 10000] [--suffix NAME] [--worker-from DIR]
#
#   --suffix NAME       vhost and database incidents_dispatch_bench_NAME instead of incidents_dispatch_bench (parallel runs)
#   --worker-from DIR   build and run the worker of another checkout (e.g. `git worktree add /tmp/base main`): a baseline
#                       measured by the same harness, on the same load, back to back
#
# Runs the real notification worker (src/Incidents.Dispatch, Release) and a real SMTP server (bench/Incidents.SmtpSink),
# each as its own process, on their own RabbitMQ vhost `incidents_dispatch_bench` and database `incidents_dispatch_bench`
# (never the development "/" and `incidents`), publishes notices as the API does and reads the worker's receipts:
#   burst  N bulk notices queued at once      -> notices/s, p50/p99 event-to-delivery lag
#   paced  200 notices/s for 10 s             -> p50/p99 lag when the worker keeps up
#   page   a new outage behind N queued bulk   -> its page's event-to-delivery time (target < 5 s)
# The commit is recorded in the benchmark binary at build time. A benchmark, not a test: exit code 0 whatever the figures.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(dirname "$BENCH_DIR")"
NOTICES=10000
SUFFIX=""
WORKER_REPO="$REPO"
while (($#)); do
  case "$1" in
    --notices) NOTICES=$2; shift 2 ;;
    --suffix) [[ $2 =~ ^[a-z0-9_]+$ ]] || { echo "--suffix: lower-case letters, digits, _" >&2; exit 64; }; SUFFIX="_$2"; shift 2 ;;
    --worker-from) WORKER_REPO="$(cd "$2" && pwd -P)"; shift 2 ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done

bash "$REPO/infra/services.sh" up >&2
eval "$(bash "$REPO/infra/services.sh" env)"
NAME="incidents_dispatch_bench$SUFFIX"
bash "$REPO/infra/rabbitmq.sh" vhost "$NAME" >&2
export ConnectionStrings__RabbitMq="amqp://guest:guest@127.0.0.1:5672/$NAME"

dotnet build "$WORKER_REPO/src/Incidents.Dispatch" -c Release -nologo -v quiet >&2
for project in bench/Incidents.SmtpSink bench/Incidents.DispatchBench; do
  dotnet build "$REPO/$project" -c Release -nologo -v quiet >&2
done
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "worker from $WORKER_REPO ($(git -C "$WORKER_REPO" rev-parse --short=10 HEAD 2>/dev/null || echo 'not a git checkout')), vhost and database $NAME"
dotnet "$BENCH_DIR/Incidents.DispatchBench/bin/Release/net10.0/Incidents.DispatchBench.dll" --notices "$NOTICES" --database "$NAME" \
  --worker "$WORKER_REPO/src/Incidents.Dispatch/bin/Release/net10.0/Incidents.Dispatch.dll" \
  --sink "$BENCH_DIR/Incidents.SmtpSink/bin/Release/net10.0/Incidents.SmtpSink.dll" 2>&1 |
  grep -a -E '^(commit|worker|burst|counted|paced|page|RESULT|WARNING|Unhandled|   at )' || true
