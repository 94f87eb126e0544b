#!/usr/bin/env bash
# THE benchmark command (see docs/benchmarks.md):
#
#   bash bench/run.sh [--clients 16] [--duration 20] [--warmup 30] [--port 5081] [--conn-extra "Npgsql=settings"]
#
# 1. backing services up (infra/services.sh up, or a port check when infra/ is absent)
# 2. Release build of the API and of the load generator (into bench/.artifacts, apart from src/*/obj)
# 3. API on 127.0.0.1:$PORT, Production, against a fresh database `incidents_bench`
# 4. load generator: N closed-loop clients POST /api/v1/incidents for warm-up + duration seconds
# 5. API stopped (also on failure), then pgbench at the same concurrency and duration: the machine's limit
# 6. summary with our rate as a share of pgbench's, verdict against the target, row appended to
#    bench/results/history.md
# A benchmark, not a test: exit code 0 whatever the verdict; non-zero only when the harness itself fails.
set -Eeuo pipefail
trap 'echo "bench: ERROR: line $LINENO: $BASH_COMMAND failed" >&2' ERR

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(dirname "$BENCH_DIR")"
CLIENTS=16
DURATION=20
WARMUP=30 # on 2 busy cores tiered JIT keeps compiling for ~35 s of load; see docs/benchmarks.md
PORT=5081
BENCH_SIGNING_KEY="bench-only-signing-key-$(date +%s)-not-a-secret-xxxxxxxx"
CONN_EXTRA= # experiments only: appended to the API's Marten connection string, e.g. "No Reset On Close=true"
TARGET_RATIO=20 # % of pgbench tps
TARGET_P99=50   # ms

while (($#)); do
  case "$1" in
    --clients) CLIENTS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --conn-extra) CONN_EXTRA=$2; shift 2 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 64 ;;
  esac
done
for v in CLIENTS DURATION WARMUP PORT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "--${v,,} must be a number" >&2; exit 64; }
done
((DURATION >= 5)) || { echo "--duration must be at least 5 s" >&2; exit 64; }

export PGHOST=127.0.0.1 PGPORT=${PGPORT:-5432} PGUSER=incidents PGPASSWORD=incidents
BENCH_DB=incidents_bench
ARTIFACTS=$BENCH_DIR/.artifacts
RESULTS=$BENCH_DIR/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RESULTS"
API_LOG=$RESULTS/api-$STAMP.log
GEN_LOG=$RESULTS/generator-$STAMP.log
PG_LOG=$RESULTS/pgbench-$STAMP.log

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }
port_open() { timeout 1 bash -c ": <>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
psql_() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
# Drop and create a scratch database. Retried: CREATE DATABASE fails while another session (a concurrent test run
# creating its own databases) touches the template.
recreate_db() {
  local i err
  for i in 1 2 3 4 5 6 7 8 9 10; do
    if err=$(psql_ -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" 2>&1); then return 0; fi
    sleep "$i"
  done
  echo "$err" >&2
  return 1
}

# --- CPU accounting --------------------------------------------------------------------------------------------
# Where did the cores go? Per-process CPU ticks (utime+stime, all threads) at the start and end of a measurement
# window, grouped by process name, plus the machine's busy/idle ticks from /proc/stat. Per-PID deltas, so processes
# that start or exit inside the window do not skew the groups; "other" is the machine's busy time minus the named
# groups (kernel, concurrent builds, short-lived processes...).
CLK_TCK=$(getconf CLK_TCK)
PG_BACKEND_RE='^postgres: [^ ]+ ([^ ]+) [0-9.:]+\(' # "postgres: user database host(port) state"
NCPU=$(nproc)
api_threads() { # PID -> "P tid jit|gc ticks" for the API's JIT and GC threads (a subset of "api")
  local t line comm rest kind
  for t in /proc/"$1"/task/[0-9]*/stat; do
    IFS= read -r line <"$t" 2>/dev/null || continue
    comm=${line#*(}
    comm=${comm%)*}
    case "$comm" in
      ".NET Tiered Com"*) kind=jit ;;
      ".NET Server GC"* | ".NET BGC"* | ".NET Background"*) kind=gc ;;
      *) continue ;;
    esac
    rest=${line##*) }
    # shellcheck disable=SC2086
    set -- $rest
    t=${t%/stat}
    echo "P t${t##*/} $kind $((${12} + ${13}))"
  done
}
cpu_snapshot() { # -> lines "P pid group ticks", then "M busy idle uptime_s"
  local f line comm rest group title
  for f in /proc/[0-9]*/stat; do
    IFS= read -r line <"$f" 2>/dev/null || continue
    comm=${line#*(}
    comm=${comm%)*}
    f=${f#/proc/}
    f=${f%/stat}
    case "$comm" in
      Incidents.Api) [ "$f" = "${API_PID:-}" ] || continue; group=api ;; # ours only, not a dev instance
      postgres)
        # Backends of other databases (a concurrent test run...) are not ours; shared processes are.
        title=
        IFS= read -r -d '' title <"/proc/$f/cmdline" 2>/dev/null || true
        if [[ $title =~ $PG_BACKEND_RE ]] && [[ ${BASH_REMATCH[1]} != incidents_bench* ]]; then continue; fi
        group=pg
        ;;
      beam.smp | erl_child_setup | inet_gethost | epmd) group=rabbit ;;
      Incidents.Bench | pgbench) group=gen ;;
      *) continue ;;
    esac
    rest=${line##*) }
    # shellcheck disable=SC2086 # split the fields on purpose: $12/$13 = utime/stime (fields 14/15 of stat)
    set -- $rest
    echo "P $f $group $((${12} + ${13}))"
    if [ "$group" = api ]; then api_threads "$f"; fi
  done
  local user nice system idle iowait irq softirq steal up _
  read -r _ user nice system idle iowait irq softirq steal _ </proc/stat
  read -r up _ </proc/uptime
  echo "M $((user + nice + system + irq + softirq + steal)) $((idle + iowait)) $up"
}
cpu_share() { # BEFORE AFTER -> "api=.. pg=.. rabbit=.. gen=.. other=.. idle=.." in % of one core
  awk -v tck="$CLK_TCK" '
    FNR == NR { if ($1 == "P") t0[$2] = $4; else { busy0 = $2; idle0 = $3; up0 = $4 }; next }
    $1 == "P" { g[$3] += $4 - (($2 in t0) ? t0[$2] : 0); next }
    { busy = $2 - busy0; idle = $3 - idle0; secs = $4 - up0 }
    END {
      if (secs <= 0) secs = 1
      pct = 100 / tck / secs
      printf "api=%.0f pg=%.0f rabbit=%.0f gen=%.0f other=%.0f idle=%.0f", g["api"] * pct, g["pg"] * pct,
        g["rabbit"] * pct, g["gen"] * pct, (busy - g["api"] - g["pg"] - g["rabbit"] - g["gen"]) * pct, idle * pct
      if (g["api"] > 0) printf "  (of api: jit=%.0f gc=%.0f)", g["jit"] * pct, g["gc"] * pct
      printf "\n"
    }' <(echo "$1") <(echo "$2")
}
# Machine-wide busy % of one core over one second (to spot concurrent builds/tests before measuring).
busy_now() {
  local a b
  a=$(cpu_snapshot | tail -1)
  sleep 1
  b=$(cpu_snapshot | tail -1)
  awk -v a="$a" -v b="$b" -v tck="$CLK_TCK" 'BEGIN { split(a, x, " "); split(b, y, " ")
    printf "%.0f", (y[2] - x[2]) / tck / (y[4] - x[4]) * 100 }'
}
# Waits (at most 60 s) until the machine is quiet: < 20 % of one core busy. Leaves the last reading in QUIET.
wait_quiet() {
  local i
  for ((i = 0; i < 30; i++)); do
    QUIET=$(busy_now)
    ((QUIET < 20)) && return 0
    ((i > 0)) || printf 'bench: machine busy (%s %% of a core), waiting up to 60 s for it to calm down...\n' "$QUIET" >&2
    sleep 1
  done
  printf 'bench: WARNING: machine still busy (%s %% of a core); measuring anyway, figures will be low\n' "$QUIET" >&2
}
now_us() { echo "${EPOCHREALTIME/./}"; }
sleep_until() { # PID DEADLINE_US: sleep until the deadline, but stop early when PID has exited
  local left
  while kill -0 "$1" 2>/dev/null; do
    left=$(($2 - $(now_us)))
    ((left > 0)) || return 0
    ((left < 250000)) || left=250000
    sleep "$(printf '0.%06d' "$left")"
  done
}
# Runs "$@" in the background and samples CPU between $1 s and $2 s after it started; leaves the share in CPU_SHARE.
run_sampled() {
  local from=$1 to=$2 pid before after t0
  shift 2
  t0=$(now_us)
  "$@" &
  pid=$!
  BG_PID=$pid
  sleep_until "$pid" $((t0 + from * 1000000))
  before=$(cpu_snapshot)
  sleep_until "$pid" $((t0 + to * 1000000))
  after=$(cpu_snapshot)
  CPU_SHARE=$(cpu_share "$before" "$after")
  wait "$pid"
  local rc=$?
  BG_PID=
  return $rc
}

# --- 1. services -----------------------------------------------------------------------------------------------
say "services"
if [ -f "$REPO/infra/services.sh" ]; then
  bash "$REPO/infra/services.sh" up >/dev/null || die "infra/services.sh up failed"
else
  port_open "$PGPORT" || die "PostgreSQL is not listening on 127.0.0.1:$PGPORT (and infra/services.sh is missing)"
  port_open 5672 || die "RabbitMQ is not listening on 127.0.0.1:5672 (and infra/services.sh is missing)"
fi
psql_ -d postgres -c 'select 1' >/dev/null || die "cannot log in to PostgreSQL as incidents/incidents on $PGHOST:$PGPORT"
command -v pgbench >/dev/null || [ -x /usr/bin/pgbench ] || die "pgbench not found"
port_open "$PORT" && die "port $PORT is already taken (another API instance?); use --port"

# --- 2. build --------------------------------------------------------------------------------------------------
say "building (Release, artifacts in bench/.artifacts)"
dotnet build -c Release --artifacts-path "$ARTIFACTS" -nologo -v q -clp:ErrorsOnly "$REPO/src/Incidents.Api/Incidents.Api.csproj" >&2 ||
  die "API build failed"
dotnet build -c Release --artifacts-path "$ARTIFACTS" -nologo -v q -clp:ErrorsOnly "$BENCH_DIR/Incidents.Bench/Incidents.Bench.csproj" >&2 ||
  die "generator build failed"
API_DIR=$ARTIFACTS/bin/Incidents.Api/release
GEN=$ARTIFACTS/bin/Incidents.Bench/release/Incidents.Bench
{ [ -x "$API_DIR/Incidents.Api" ] && [ -x "$GEN" ]; } || die "build outputs not found under $ARTIFACTS/bin"

# --- 3. API on a fresh database ---------------------------------------------------------------------------------
say "fresh database $BENCH_DB, API on 127.0.0.1:$PORT (log: ${API_LOG#"$REPO"/})"
recreate_db "$BENCH_DB" || die "could not (re)create database $BENCH_DB"

API_PID=
BG_PID=
stop_api() {
  [ -n "$API_PID" ] || return 0
  if kill -0 "$API_PID" 2>/dev/null; then
    kill -TERM "$API_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$API_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$API_PID" 2>/dev/null && kill -KILL "$API_PID" 2>/dev/null
  fi
  wait "$API_PID" 2>/dev/null || true
  API_PID=
}
cleanup() {
  [ -z "$BG_PID" ] || kill -TERM "$BG_PID" 2>/dev/null || true
  stop_api
}
trap cleanup EXIT
trap 'exit 130' INT TERM

(
  cd "$API_DIR"
  # Testing: production settings (static Wolverine code, JSON logs) but development tokens, so the load generator can
  # sign its own; the per-user write limit is lifted, one user sends everything.
  export ASPNETCORE_ENVIRONMENT=Testing \
    Auth__DevelopmentSigningKey="$BENCH_SIGNING_KEY" \
    RateLimits__Writes__TokenLimit=100000000 RateLimits__Writes__TokensPerPeriod=100000000 \
    ASPNETCORE_URLS="http://127.0.0.1:$PORT" \
    ConnectionStrings__Marten="Host=127.0.0.1;Port=$PGPORT;Database=$BENCH_DB;Username=incidents;Password=incidents${CONN_EXTRA:+;$CONN_EXTRA}" \
    ConnectionStrings__RabbitMq="amqp://guest:guest@127.0.0.1:5672/" \
    Logging__LogLevel__Default=Warning
  exec ./Incidents.Api
) >"$API_LOG" 2>&1 &
API_PID=$!
sleep 0.2
if [ "$(cat "/proc/$API_PID/comm" 2>/dev/null)" != Incidents.Api ]; then
  # A wrapper shell survived the exec (job control?): track the API itself so that stop_api really stops it.
  child=$(pgrep -P "$API_PID" -x Incidents.Api | head -1 || true)
  [ -z "$child" ] || API_PID=$child
fi

ready=
for _ in $(seq 1 120); do
  kill -0 "$API_PID" 2>/dev/null || { tail -n 40 "$API_LOG" >&2; die "the API exited during start-up"; }
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready" || true)" = 200 ]; then
    ready=1
    break
  fi
  sleep 0.5
done
[ -n "$ready" ] || { tail -n 40 "$API_LOG" >&2; die "/health/ready did not answer 200 within 60 s"; }

# --- 4. load ---------------------------------------------------------------------------------------------------
say "load: $CLIENTS clients, ${WARMUP} s warm-up + ${DURATION} s (log: ${GEN_LOG#"$REPO"/})"
wait_quiet
QUIET_API=$QUIET
# CPU sampled inside the measurement window (start-up of the generator and its last second left out).
INCIDENTS_BENCH_TOKEN="$(INCIDENTS_DEV_SIGNING_KEY="$BENCH_SIGNING_KEY" bash "$REPO/scripts/dev-token.sh" hotline bench-desk "Load Generator")"
export INCIDENTS_BENCH_TOKEN
run_sampled "$((WARMUP + 1))" "$((WARMUP + DURATION - 1))" \
  "$GEN" --url "http://127.0.0.1:$PORT" --clients "$CLIENTS" --duration "$DURATION" --warmup "$WARMUP" >"$GEN_LOG" 2>&1 ||
  { cat "$GEN_LOG" >&2; die "load generator failed"; }
API_CPU=$CPU_SHARE
cat "$GEN_LOG" >&2
RESULT=$(grep '^RESULT ' "$GEN_LOG" | tail -1) || die "no RESULT line from the generator"
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }
RPS=$(field "$RESULT" rps)
P50=$(field "$RESULT" p50)
P95=$(field "$RESULT" p95)
P99=$(field "$RESULT" p99)
PMAX=$(field "$RESULT" max)
ERRORS=$(field "$RESULT" errors)

stop_api
# Per report, from the fresh database's own counters (includes warm-up; the stats are flushed when the API's
# connections close). xact = commits, ins/upd/del = rows.
PER_REPORT=$(psql_ -d "$BENCH_DB" -F' ' -c "
  SELECT round(d.xact_commit::numeric / r.n, 2), round(d.tup_inserted::numeric / r.n, 2),
         round(d.tup_updated::numeric / r.n, 2), round(d.tup_deleted::numeric / r.n, 2), r.n
  FROM pg_stat_database d, (SELECT greatest(count(*), 1) AS n FROM incidents.mt_streams) r
  WHERE d.datname = current_database()" 2>/dev/null || echo "? ? ? ? ?")
read -r PR_XACT PR_INS PR_UPD PR_DEL PR_N <<<"$PER_REPORT"
TABLES=$(psql_ -d "$BENCH_DB" -F' ' -c "
  SELECT relname || ':' || n_tup_ins || '/' || n_tup_upd || '/' || n_tup_del FROM pg_stat_user_tables
  WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 ORDER BY n_tup_ins + n_tup_upd + n_tup_del DESC" 2>/dev/null | tr '\n' ' ' || true)

# --- 5. pgbench baseline ---------------------------------------------------------------------------------------
say "pgbench baseline: $CLIENTS clients, $DURATION s (log: ${PG_LOG#"$REPO"/})"
wait_quiet
QUIET_PG=$QUIET
run_sampled 2 "$((DURATION - 1))" bash "$BENCH_DIR/pgbench-insert.sh" --clients "$CLIENTS" --duration "$DURATION" >"$PG_LOG" 2>&1 ||
  { cat "$PG_LOG" >&2; die "pgbench failed"; }
PG_CPU=$CPU_SHARE
PGB=$(grep '^PGBENCH ' "$PG_LOG" | tail -1) || die "no PGBENCH line"
TPS=$(awk -v t="$(field "$PGB" tps)" 'BEGIN { printf "%.1f", t }')
PG_LAT=$(field "$PGB" latency_ms)
ROW=$(field "$PGB" row_bytes)

# --- 6. summary ------------------------------------------------------------------------------------------------
RATIO=$(awk -v a="$RPS" -v b="$TPS" 'BEGIN { printf "%.1f", (b > 0 ? a / b * 100 : 0) }')
VERDICT=$(awk -v r="$RATIO" -v p="$P99" -v tr="$TARGET_RATIO" -v tp="$TARGET_P99" 'BEGIN {
  ok_r = (r + 0 >= tr); ok_p = (p + 0 < tp)
  if (ok_r && ok_p) print "PASS"; else printf "FAIL (%s%s)", (ok_r ? "" : "ratio < " tr "%"), (ok_p ? "" : (ok_r ? "" : ", ") "p99 >= " tp " ms") }')
[ "${ERRORS:-0}" = 0 ] || VERDICT="$VERDICT, $ERRORS errors"
OTHER_API=$(sed -n 's/.*other=\(-\{0,1\}[0-9]*\).*/\1/p' <<<"$API_CPU")
OTHER_PG=$(sed -n 's/.*other=\(-\{0,1\}[0-9]*\).*/\1/p' <<<"$PG_CPU")
if ((${OTHER_API:-0} > 30 || ${OTHER_PG:-0} > 30)); then
  VERDICT="$VERDICT; NOISY (other processes used ${OTHER_API}/${OTHER_PG} % of a core): rerun on a quiet machine"
fi
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
CONN_NOTE=
[ -z "$CONN_EXTRA" ] || CONN_NOTE=", connection string + \"$CONN_EXTRA\""
MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
MEM=$(awk '/^MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
MACHINE="$NCPU cores, ${MODEL:-unknown CPU}, $MEM"
COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$REPO" --no-optional-locks status --porcelain -- src 2>/dev/null)" ] || COMMIT="$COMMIT+dirty(src)"
DOTNET=$(dotnet --version 2>/dev/null || echo ?)
PGVER=$(psql_ -d postgres -c 'show server_version' 2>/dev/null | cut -d' ' -f1)

cat <<EOF

================================ benchmark summary ================================
date        $DATE
machine     $MACHINE
software    .NET SDK $DOTNET, PostgreSQL $PGVER
commit      $COMMIT
workload    POST /api/v1/incidents, $CLIENTS clients, ${DURATION} s (+${WARMUP} s warm-up)$CONN_NOTE
API         $RPS req/s   p50 $P50 ms   p95 $P95 ms   p99 $P99 ms   max $PMAX ms   errors $ERRORS
pgbench     $TPS tps   (1-row INSERT of a ${ROW}-byte jsonb, same clients/duration, avg latency $PG_LAT ms)
ratio       $RATIO % of pgbench
target      >= $TARGET_RATIO % of pgbench and p99 < $TARGET_P99 ms  ->  $VERDICT
per report  $PR_XACT transactions (incl. read-only), $PR_INS rows inserted, $PR_UPD updated, $PR_DEL deleted  ($PR_N reports incl. warm-up)
tables      ins/upd/del  $TABLES
CPU, % of one core (machine = $((NCPU * 100))), inside the measurement windows:
  API run     $API_CPU   (machine busy before: $QUIET_API)
  pgbench run $PG_CPU   (machine busy before: $QUIET_PG)
  (api = Incidents.Api, pg = all postgres processes, rabbit = RabbitMQ, gen = load generator or pgbench,
   other = everything else incl. kernel; a large "other" means something else ran and the figures are low)
logs        ${API_LOG#"$REPO"/}, ${GEN_LOG#"$REPO"/}, ${PG_LOG#"$REPO"/}
====================================================================================
EOF

HISTORY=$RESULTS/history.md
if [ ! -f "$HISTORY" ]; then
  cat >"$HISTORY" <<'EOF'
| date (UTC) | commit | machine | clients | s | req/s | p50 ms | p95 ms | p99 ms | errors | pgbench tps | ratio | verdict | CPU API run (% of a core) |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
EOF
fi
echo "| $DATE | $COMMIT${CONN_NOTE} | $MACHINE | $CLIENTS | $DURATION | $RPS | $P50 | $P95 | $P99 | $ERRORS | $TPS | $RATIO % | $VERDICT | ${API_CPU% } |" >>"$HISTORY"
echo "(row appended to ${HISTORY#"$REPO"/})"
