#!/usr/bin/env bash
# The "same work" yardstick: what this machine's PostgreSQL does per second when each transaction makes the writes ONE
# report really made, and nothing else (no API, no JSON in C#, no broker, no reads).
#
#   bash bench/pgbench-samework.sh [--db incidents_bench] [--clients 16] [--duration 20] [--script-out FILE]
#
# Needs a benchmark database right after a measured run (bench/run.sh calls it so, after stopping the API): it reads
# that database's own counters (pg_stat_user_tables of schema `incidents`: rows inserted/updated/deleted per table)
# and divides them by the reports made (rows in incidents.mt_streams). bench/pgbench-samework.sql then builds, in a
# scratch schema `samework` of the same database, a copy of each table with the same columns and indexes and a pgbench
# script that, in one transaction sent as one pipeline of prepared statements, inserts, updates and deletes those
# numbers of rows (realistic widths: template rows copied from the real tables; documents parsed per execution; hot
# rows updated where the run updated; own rows deleted where it deleted). The schema is dropped afterwards.
#
# Prints pgbench's output, the per-table profile, then one machine-readable line:
#   PGBENCH_SAMEWORK tps=812.3 latency_ms=19.7 clients=16 duration=20 rows=12.6 retried=0 failed=0
# Connection: PGHOST/PGPORT/PGUSER/PGPASSWORD (defaults 127.0.0.1:5432 incidents/incidents).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
DB=incidents_bench
CLIENTS=16
DURATION=20
SCRIPT_OUT=
while (($#)); do
  case "$1" in
    --db) DB=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --script-out) SCRIPT_OUT=$2; shift 2 ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done
[[ $DB =~ ^incidents_[a-z0-9_]*bench[a-z0-9_]*$ ]] || { echo "--db must be a benchmark database (incidents_*bench*), not $DB" >&2; exit 64; }

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-incidents} PGPASSWORD=${PGPASSWORD:-incidents}
PGBENCH=$(command -v pgbench || echo /usr/bin/pgbench)
[ -x "$PGBENCH" ] || { echo "pgbench not found (apt-get install postgresql-client)" >&2; exit 1; }
psql_() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
cleanup() { psql_ -d "$DB" -c "DROP SCHEMA IF EXISTS samework CASCADE" >/dev/null 2>&1 || true; }
trap cleanup EXIT

REPORTS=$(psql_ -d "$DB" -c "SELECT count(*) FROM incidents.mt_streams")
((REPORTS > 0)) || { echo "no reports in $DB: run the API benchmark first" >&2; exit 1; }
psql_ -d "$DB" -v src=incidents -v reports="$REPORTS" -f "$BENCH_DIR/pgbench-samework.sql" >/dev/null
SCRIPT=$(mktemp /tmp/pgbench-samework.XXXXXX.sql)
trap 'rm -f "$SCRIPT"; cleanup' EXIT
psql_ -d "$DB" -c "SELECT line FROM samework.script ORDER BY n" >"$SCRIPT"
[ -z "$SCRIPT_OUT" ] || cp "$SCRIPT" "$SCRIPT_OUT"
# Freshly filled tables: let the planner know them (as autovacuum would have for the real ones).
psql_ -d "$DB" -c "DO \$\$ DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'samework' LOOP EXECUTE format('ANALYZE samework.%I', r.tablename); END LOOP; END \$\$"

echo "per report (from $REPORTS reports), as generated:"
psql_ -d "$DB" -F $'\t' -c "
  SELECT format('  %-30s ins %5s  upd %5s  del %5s  indexes %s (real %s)  row bytes %s (real avg %s)%s%s', relname,
    round(ins, 2), round(upd, 2), round(del, 2), indexes_scratch, indexes_real, coalesce(row_bytes_template::text, '-'),
    coalesce(row_bytes_real::text, '-'),
    CASE WHEN hot_rows IS NOT NULL THEN format('  hot rows %s, %s %% of updates HOT', hot_rows, round(100 * coalesce(hot_share, 0))) ELSE '' END,
    CASE WHEN note IS NOT NULL THEN '  NOTE ' || note ELSE '' END)
  FROM samework.profile ORDER BY ins + upd + del DESC"
ROWS=$(psql_ -d "$DB" -c "SELECT round(sum(ins + upd + del), 2) FROM samework.profile")

# -M prepared: statements parsed and planned once per connection, as the API's (Npgsql auto-prepare) are.
# --max-tries: hot-row updates can deadlock between clients (rows locked in different orders); pgbench retries those.
out=$("$PGBENCH" -n -M prepared --max-tries=10 -c "$CLIENTS" -j 2 -T "$DURATION" -f "$SCRIPT" "$DB" 2>&1) || {
  echo "$out" >&2
  echo "pgbench (same work) failed" >&2
  exit 1
}
echo "$out"
tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time).*/\1/p' <<<"$out")
lat=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' <<<"$out")
retried=$(sed -n 's/^number of transactions retried: \([0-9]*\).*/\1/p' <<<"$out")
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
[ -n "$tps" ] || { echo "could not parse tps from pgbench output" >&2; exit 1; }
echo "PGBENCH_SAMEWORK tps=$tps latency_ms=${lat:-?} clients=$CLIENTS duration=$DURATION rows=$ROWS retried=${retried:-0} failed=${failed:-0}"
