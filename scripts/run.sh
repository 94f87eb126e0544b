#!/usr/bin/env bash
# Runs the whole system on this machine: PostgreSQL and RabbitMQ up, schema applied, the API started in the
# background, URLs printed.   bash scripts/run.sh          start (idempotent)
#                             bash scripts/run.sh stop     stop the API (services keep running; infra/services.sh down stops them)
#                             bash scripts/run.sh status
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT/.run"
API_PORT="${API_PORT:-5080}"
API_URL="http://127.0.0.1:${API_PORT}"
mkdir -p "$RUN_DIR"

DISPATCH_PORT="${DISPATCH_PORT:-5090}"
DISPATCH_URL="http://127.0.0.1:${DISPATCH_PORT}"
worker_pid() { [[ -f "$RUN_DIR/dispatch.pid" ]] && kill -0 "$(cat "$RUN_DIR/dispatch.pid")" 2>/dev/null && cat "$RUN_DIR/dispatch.pid"; }

# The notification worker (src/Incidents.Dispatch, docs/dispatch.md).
stop_worker() {
  if pid="$(worker_pid)"; then
    echo "Stopping the notification worker (pid $pid)..." >&2
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN_DIR/dispatch.pid"
}

api_pid() { [[ -f "$RUN_DIR/api.pid" ]] && kill -0 "$(cat "$RUN_DIR/api.pid")" 2>/dev/null && cat "$RUN_DIR/api.pid"; }

stop_api() {
  if pid="$(api_pid)"; then
    echo "Stopping the API (pid $pid)..." >&2
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN_DIR/api.pid"
}

wait_ready() {
  for _ in $(seq 1 120); do
    if curl -fsS "$API_URL/health/ready" >/dev/null 2>&1; then return 0; fi
    if ! api_pid >/dev/null; then echo "The API exited during start-up; last log lines:" >&2; tail -n 40 "$RUN_DIR/api.log" >&2; return 1; fi
    sleep 0.5
  done
  echo "The API did not become ready within 60 s; last log lines:" >&2
  tail -n 40 "$RUN_DIR/api.log" >&2
  return 1
}

case "${1:-start}" in
  stop) stop_worker; stop_api; exit 0 ;;
  status)
    bash "$ROOT/infra/services.sh" status || true
    if pid="$(api_pid)"; then echo "API: running (pid $pid) at $API_URL"; else echo "API: stopped"; fi
    if pid="$(worker_pid)"; then echo "Notification worker: running (pid $pid) at $DISPATCH_URL"; else echo "Notification worker: stopped"; fi
    exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not found on PATH)." >&2; exit 1; }
command -v curl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null; }

bash "$ROOT/infra/services.sh" up >&2
eval "$(bash "$ROOT/infra/services.sh" env)"

# INCIDENTS_BROKER_USERS=1: the API and the worker each use their own broker user with least rights (infra/rabbitmq.sh
# users, docs/security.md "Broker users") instead of guest. Passwords: INCIDENTS_BROKER_API_PASSWORD /
# INCIDENTS_BROKER_WORKER_PASSWORD, else the development ones (loopback broker only).
API_BROKER="$ConnectionStrings__RabbitMq"
WORKER_BROKER="$ConnectionStrings__RabbitMq"
if [[ "${INCIDENTS_BROKER_USERS:-0}" == 1 ]]; then
  bash "$ROOT/infra/rabbitmq.sh" users / >&2
  API_BROKER="amqp://incidents-api:${INCIDENTS_BROKER_API_PASSWORD:-incidents-api-dev}@127.0.0.1:5672/"
  WORKER_BROKER="amqp://incidents-worker:${INCIDENTS_BROKER_WORKER_PASSWORD:-incidents-worker-dev}@127.0.0.1:5672/"
fi

if api_pid >/dev/null; then
  echo "The API is already running (pid $(api_pid)); restarting it with the current code." >&2
  stop_api
fi

echo "Building the API (Release)..." >&2
dotnet build "$ROOT/src/Incidents.Api/Incidents.Api.csproj" -c Release -nologo -v quiet >&2

echo "Starting the API on $API_URL (schema is applied at start-up)..." >&2
(
  cd "$ROOT/src/Incidents.Api"
  # Development: tokens signed with the development key (scripts/dev-token.sh). Production refuses to start without an
  # OpenID Connect provider (Auth__Authority, Auth__Audience); see docs/security.md.
  ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" \
  ASPNETCORE_URLS="$API_URL" \
  ConnectionStrings__RabbitMq="$API_BROKER" \
  nohup dotnet "bin/Release/net10.0/Incidents.Api.dll" >"$RUN_DIR/api.log" 2>&1 &
  echo $! >"$RUN_DIR/api.pid"
)
wait_ready

stop_worker
echo "Starting the notification worker on $DISPATCH_URL..." >&2
dotnet build "$ROOT/src/Incidents.Dispatch/Incidents.Dispatch.csproj" -c Release -nologo -v quiet >&2
(
  cd "$ROOT/src/Incidents.Dispatch"
  ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" \
  ASPNETCORE_URLS="$DISPATCH_URL" \
  ConnectionStrings__RabbitMq="$WORKER_BROKER" \
  ConnectionStrings__Dispatch="${ConnectionStrings__Marten:-Host=127.0.0.1;Port=5432;Database=incidents;Username=incidents;Password=incidents}" \
  nohup dotnet "bin/Release/net10.0/Incidents.Dispatch.dll" >"$RUN_DIR/dispatch.log" 2>&1 &
  echo $! >"$RUN_DIR/dispatch.pid"
)
for _ in $(seq 1 60); do curl -fsS "$DISPATCH_URL/health/live" >/dev/null 2>&1 && break; sleep 0.5; done
if pid="$(worker_pid)"; then echo "Notification worker: running (pid $pid)" >&2; else echo "Notification worker failed to start; see $RUN_DIR/dispatch.log" >&2; fi

cat <<EOT

Incidents is running.
  API             $API_URL/api/v1/incidents
  API reference   $API_URL/docs
  OpenAPI         $API_URL/openapi/v1.json
  Health          $API_URL/health/live   $API_URL/health/ready
  RabbitMQ UI     http://127.0.0.1:15672   (guest / guest, loopback only)
  PostgreSQL      127.0.0.1:${PGPORT:-5432}  database incidents (incidents / incidents, loopback only)
  API log         $RUN_DIR/api.log
  Notifications   $DISPATCH_URL/health/live   poison messages (admin token): $DISPATCH_URL/dispatch/errors   log: $RUN_DIR/dispatch.log
  Token           TOKEN=\$(bash scripts/dev-token.sh hotline desk-01 "Li Na")   (roles: docs/security.md)
Stop the API with: bash scripts/run.sh stop    (and the servers with: bash infra/services.sh down)
EOT
