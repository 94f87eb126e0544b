#!/usr/bin/env bash
# The machine's own write limit, as a yardstick for the API benchmark:
# pgbench, N clients, each running autocommitted single-row INSERTs of a ~1 KB jsonb document
# (bench/pgbench-insert.sql) into a scratch table in a scratch database, over TCP like the API.
#
#   bash bench/pgbench-insert.sh [--clients 16] [--duration 20]
#
# Prints pgbench's own output, then one machine-readable line:
#   PGBENCH tps=14529.1 latency_ms=1.101 clients=16 duration=20 row_bytes=1113
# Connection: PGHOST/PGPORT/PGUSER/PGPASSWORD (defaults 127.0.0.1:5432 incidents/incidents); the role needs CREATEDB.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
CLIENTS=16
DURATION=20
while (($#)); do
  case "$1" in
    --clients) CLIENTS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-incidents} PGPASSWORD=${PGPASSWORD:-incidents}
DB=incidents_bench_pg
PGBENCH=$(command -v pgbench || echo /usr/bin/pgbench)
[ -x "$PGBENCH" ] || { echo "pgbench not found (apt-get install postgresql-client)" >&2; exit 1; }

psql_() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

# Fresh every time: an empty table, nothing left over from the last run. Retried: CREATE DATABASE fails while
# another session (a concurrent test run creating its own databases) touches the template.
for i in 1 2 3 4 5 6 7 8 9 10; do
  if err=$(psql_ -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" 2>&1); then break; fi
  ((i < 10)) || { echo "$err" >&2; exit 1; }
  sleep "$i"
done
psql_ -d "$DB" -c "CREATE TABLE bench_rows (id bigserial PRIMARY KEY, data jsonb NOT NULL)"

# -j 2: pgbench's own threads (this machine has 2 cores); -n: no vacuum of pgbench's standard tables (there are none).
# Default (simple) query protocol, as `pgbench` is usually run; -M prepared is not possible with :vars in literals.
out=$("$PGBENCH" -n -c "$CLIENTS" -j 2 -T "$DURATION" -f "$BENCH_DIR/pgbench-insert.sql" "$DB" 2>&1) || {
  echo "$out" >&2
  echo "pgbench failed" >&2
  exit 1
}
echo "$out"

tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time).*/\1/p' <<<"$out")
lat=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' <<<"$out")
[ -n "$tps" ] || { echo "could not parse tps from pgbench output" >&2; exit 1; }
row=$(psql_ -d "$DB" -c "SELECT round(avg(pg_column_size(data))) FROM (SELECT data FROM bench_rows LIMIT 1000) s")
psql_ -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
echo "PGBENCH tps=$tps latency_ms=${lat:-?} clients=$CLIENTS duration=$DURATION row_bytes=$row"
