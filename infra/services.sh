#!/usr/bin/env bash
# Dev/test backing services: PostgreSQL + RabbitMQ (no Docker needed).
#   infra/services.sh up      start both (idempotent; also installs the CJK fonts printed reports need,
#                             infra/fonts.sh), then print the env lines
#   infra/services.sh down    stop both
#   infra/services.sh status  show both (exit 1 if one is down)
#   infra/services.sh env     print ONLY the export lines:
#                             eval "$(infra/services.sh env)"
# Progress messages go to stderr; stdout carries only the export lines.
set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"

print_env() {
    local pg_port=${PGPORT:-5432}
    echo "export ConnectionStrings__Marten=\"Host=127.0.0.1;Port=$pg_port;Database=incidents;Username=incidents;Password=incidents\""
    echo "export ConnectionStrings__RabbitMq=\"amqp://guest:guest@127.0.0.1:5672/\""
}

case "${1:-}" in
    up)
        bash "$INFRA_DIR/postgres.sh" up >&2
        bash "$INFRA_DIR/rabbitmq.sh" up >&2
        # Fonts for the printed reports (best effort, never fails the start).
        bash "$INFRA_DIR/fonts.sh" up >&2 || true
        print_env
        ;;
    down)
        rc=0
        bash "$INFRA_DIR/rabbitmq.sh" down >&2 || rc=1
        bash "$INFRA_DIR/postgres.sh" down >&2 || rc=1
        exit $rc
        ;;
    status)
        rc=0
        bash "$INFRA_DIR/postgres.sh" status || rc=1
        bash "$INFRA_DIR/rabbitmq.sh" status || rc=1
        exit $rc
        ;;
    env)
        print_env
        ;;
    *)
        echo "usage: $0 up|down|status|env" >&2
        exit 2
        ;;
esac
