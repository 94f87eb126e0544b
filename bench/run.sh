#!/usr/bin/env bash
# THE benchmark command (see docs/benchmarks.md):
#
#   bash bench/run.sh [--scenario report|lifecycle] [--clients 16] [--duration 20] [--warmup 30] [--rate R]
#                     [--max-inflight 1024] [--long-incidents N] [--grow 190] [--port 5081] [--conn-extra "Npgsql=settings"]
#                     [--no-pgbench] [--max-wait 60]
#
# 1. backing services up (infra/services.sh up), RabbitMQ vhost `incidents_bench` (infra/rabbitmq.sh vhost)
# 2. Release build of the API and of the load generator (into bench/.artifacts, apart from src/*/obj); the commit is
#    recorded INTO the binaries at build time (API: SourceRevisionId, generator: [AssemblyMetadata("BuildCommit")])
# 3. API on 127.0.0.1:$PORT, Testing environment, fresh database `incidents_bench`, own vhost; time to /health/ready
# 4. load generator (bench/Incidents.Bench): report = POST /api/v1/incidents; lifecycle = 8 requests per incident on
#    short streams, then on streams pre-grown by --grow comments; closed loop (N clients) or open loop (--rate R
#    requests/s, latency from the scheduled start); API memory (VmRSS) idle and under load
# 5. API stopped (also on failure); report scenario, closed loop: two pgbench baselines at the same concurrency and
#    duration - the 1-row INSERT (bench/pgbench-insert.sh) and the same work per transaction as one report
#    (bench/pgbench-samework.sh, generated from the rows per report measured in step 4)
# 6. summary with our rate as a share of both baselines, verdicts against the targets, the machine's load, a row
#    appended to bench/results/history-<scenario>.md
# A benchmark, not a test: exit code 0 whatever the verdict; non-zero only when the harness itself fails.
# bench/lifecycle.sh = bench/run.sh --scenario lifecycle.
set -Eeuo pipefail
trap 'echo "bench: ERROR: line $LINENO: $BASH_COMMAND failed" >&2' ERR

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(dirname "$BENCH_DIR")"
SCENARIO=report
CLIENTS=16
DURATION=20
WARMUP=30 # on 2 busy cores tiered JIT keeps compiling for ~35 s of load; see docs/benchmarks.md
RATE=0    # requests/s, open loop; 0 = closed loop
MAX_INFLIGHT=1024
LONG_INCIDENTS= # lifecycle: incidents on pre-grown streams (generator default: 2 x clients)
GROW=190        # lifecycle: comments that pre-grow each of those streams
PORT=5081
PGBENCH=1
MAX_WAIT=60 # s to wait for a quiet machine before each phase
BENCH_SIGNING_KEY="bench-only-signing-key-$(date +%s)-not-a-secret-xxxxxxxx"
CONN_EXTRA= # experiments only: appended to the API's Marten connection string, e.g. "No Reset On Close=true"
TARGET_RATIO=20          # % of the 1-row pgbench tps (report scenario)
TARGET_RATIO_SAMEWORK=70 # % of the same-work pgbench tps (report scenario)
TARGET_P99=50            # ms, at 16 clients (report: the request; lifecycle: every step)
TARGET_IPS=150           # lifecycle: incidents/s
TARGET_LIFECYCLE_RPS=1200
TARGET_RSS_IDLE=200 # MB
TARGET_RSS_LOAD=400 # MB
TARGET_READY=2000   # ms from process start to /health/ready 200

while (($#)); do
  case "$1" in
    --scenario) SCENARIO=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --max-inflight) MAX_INFLIGHT=$2; shift 2 ;;
    --long-incidents) LONG_INCIDENTS=$2; shift 2 ;;
    --grow) GROW=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --conn-extra) CONN_EXTRA=$2; shift 2 ;;
    --no-pgbench) PGBENCH=; shift ;;
    --max-wait) MAX_WAIT=$2; shift 2 ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 64 ;;
  esac
done
[[ $SCENARIO == report || $SCENARIO == lifecycle ]] || { echo "--scenario must be report or lifecycle" >&2; exit 64; }
for v in CLIENTS DURATION WARMUP PORT RATE MAX_INFLIGHT GROW MAX_WAIT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "--${v,,} must be a number" >&2; exit 64; }
done
[[ -z $LONG_INCIDENTS || $LONG_INCIDENTS =~ ^[0-9]+$ ]] || { echo "--long-incidents must be a number" >&2; exit 64; }
((DURATION >= 5)) || { echo "--duration must be at least 5 s" >&2; exit 64; }

export PGHOST=127.0.0.1 PGPORT=${PGPORT:-5432} PGUSER=incidents PGPASSWORD=incidents
BENCH_DB=incidents_bench
BENCH_VHOST=incidents_bench # never the development vhost "/" (issue #16)
ARTIFACTS=$BENCH_DIR/.artifacts
RESULTS=$BENCH_DIR/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RESULTS"
API_LOG=$RESULTS/api-$STAMP.log
GEN_LOG=$RESULTS/generator-$STAMP.log
PG_LOG=$RESULTS/pgbench-$STAMP.log
SW_LOG=$RESULTS/pgbench-samework-$STAMP.log
SW_SCRIPT=$RESULTS/pgbench-samework-$STAMP.sql

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
loadavg() { cut -d' ' -f1 /proc/loadavg; }

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
    IFS= read -r line 2>/dev/null <"$t" || continue
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
    IFS= read -r line 2>/dev/null <"$f" || continue
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
# Waits (at most --max-wait s, 60) until the machine is quiet: < 20 % of one core busy. Leaves the last reading in QUIET.
wait_quiet() {
  local i
  QUIET=$(busy_now)
  for ((i = 0; i < MAX_WAIT / 2; i++)); do
    ((QUIET < 20)) && return 0
    ((i > 0)) || printf 'bench: machine busy (%s %% of a core), waiting up to %s s for it to calm down...\n' "$QUIET" "$MAX_WAIT" >&2
    sleep 1
    QUIET=$(busy_now)
  done
  ((QUIET < 20)) && return 0
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

# --- memory ----------------------------------------------------------------------------------------------------
rss_mb() { awk '/^VmRSS/ { printf "%d", ($2 + 1023) / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; } # rounded up
hwm_mb() { awk '/^VmHWM/ { printf "%d", ($2 + 1023) / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }
# RSS_FILE gets the API's VmRSS (MB) once a second from $1 s after now until the API or the generator ($2) exits.
rss_sampler() {
  local from=$1 gen=$2
  sleep "$from"
  while kill -0 "$API_PID" 2>/dev/null && kill -0 "$gen" 2>/dev/null; do
    rss_mb "$API_PID" >>"$RSS_FILE"
    echo >>"$RSS_FILE"
    sleep 1
  done
}

# Copies a few rows of every table the API writes into schema bench_samples (plain copies, no indexes): templates
# for the same-work baseline, whose outbox rows are all deleted again by the end of the run. Runs during the warm-up.
sample_rows() {
  local i left
  sleep "$1"
  for ((i = 0; i < 50; i++)); do
    left=$(psql_ -d "$BENCH_DB" -c "
      DO \$\$ DECLARE r record; BEGIN
        CREATE SCHEMA IF NOT EXISTS bench_samples;
        FOR r IN SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'incidents' AND relname NOT LIKE 'wolverine_node%' LOOP
          EXECUTE format('CREATE TABLE IF NOT EXISTS bench_samples.%I (LIKE incidents.%I)', r.relname, r.relname);
          EXECUTE format('INSERT INTO bench_samples.%1\$I SELECT * FROM incidents.%1\$I WHERE NOT EXISTS (SELECT FROM bench_samples.%1\$I) LIMIT 20', r.relname);
        END LOOP; END \$\$;
      SELECT count(*) FROM pg_stat_user_tables s WHERE s.schemaname = 'bench_samples' AND s.n_live_tup = 0
        AND EXISTS (SELECT FROM pg_stat_user_tables x WHERE x.schemaname = 'incidents' AND x.relname = s.relname AND x.n_tup_ins > 0)" 2>/dev/null) || left=1
    [ "$left" != 0 ] || return 0
    sleep 0.1
  done
}

# --- 1. services -----------------------------------------------------------------------------------------------
say "services (database $BENCH_DB, RabbitMQ vhost $BENCH_VHOST)"
if [ -f "$REPO/infra/services.sh" ]; then
  bash "$REPO/infra/services.sh" up >/dev/null || die "infra/services.sh up failed"
  bash "$REPO/infra/rabbitmq.sh" vhost "$BENCH_VHOST" || die "could not create the RabbitMQ vhost $BENCH_VHOST"
else
  port_open "$PGPORT" || die "PostgreSQL is not listening on 127.0.0.1:$PGPORT (and infra/services.sh is missing)"
  port_open 5672 || die "RabbitMQ is not listening on 127.0.0.1:5672 (and infra/services.sh is missing)"
  timeout 30 rabbitmqctl list_vhosts --quiet --no-table-headers name 2>/dev/null | grep -qxF "$BENCH_VHOST" ||
    die "RabbitMQ has no vhost $BENCH_VHOST: rabbitmqctl add_vhost $BENCH_VHOST; rabbitmqctl set_permissions -p $BENCH_VHOST guest '.*' '.*' '.*'"
fi
psql_ -d postgres -c 'select 1' >/dev/null || die "cannot log in to PostgreSQL as incidents/incidents on $PGHOST:$PGPORT"
command -v pgbench >/dev/null || [ -x /usr/bin/pgbench ] || die "pgbench not found"
port_open "$PORT" && die "port $PORT is already taken (another API instance?); use --port"

# --- 2. build --------------------------------------------------------------------------------------------------
# The commit goes INTO the binaries now, so the summary names what was built, not what is checked out afterwards.
BUILD_SHA=$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$REPO" --no-optional-locks status --porcelain -- src bench 2>/dev/null)" ] || BUILD_SHA="$BUILD_SHA.dirty"
say "building (Release, artifacts in bench/.artifacts, commit $BUILD_SHA)"
dotnet build -c Release --artifacts-path "$ARTIFACTS" -nologo -v q -clp:ErrorsOnly -p:SourceRevisionId="$BUILD_SHA" \
  "$REPO/src/Incidents.Api/Incidents.Api.csproj" >&2 || die "API build failed"
dotnet build -c Release --artifacts-path "$ARTIFACTS" -nologo -v q -clp:ErrorsOnly "$BENCH_DIR/Incidents.Bench/Incidents.Bench.csproj" >&2 ||
  die "generator build failed"
API_DIR=$ARTIFACTS/bin/Incidents.Api/release
GEN=$ARTIFACTS/bin/Incidents.Bench/release/Incidents.Bench
{ [ -x "$API_DIR/Incidents.Api" ] && [ -x "$GEN" ]; } || die "build outputs not found under $ARTIFACTS/bin"
# Read back from the API binary that will run: AssemblyInformationalVersion "1.0.0+<sha>[.dirty]".
API_REV=$(grep -a -o -m1 -E '\+[0-9a-f]{40}(\.dirty)?' "$API_DIR/Incidents.Api.dll" | head -1 || true)
API_REV=${API_REV#+}
[ -n "$API_REV" ] || API_REV=unknown
COMMIT=${API_REV:0:10}
[[ $API_REV != *.dirty ]] || COMMIT="$COMMIT+dirty"
[ "$API_REV" = "$BUILD_SHA" ] || printf 'bench: WARNING: the API binary says %s, HEAD at build time was %s\n' "$API_REV" "$BUILD_SHA" >&2

# --- 3. API on a fresh database ---------------------------------------------------------------------------------
say "fresh database $BENCH_DB, API on 127.0.0.1:$PORT (log: ${API_LOG#"$REPO"/})"
recreate_db "$BENCH_DB" || die "could not (re)create database $BENCH_DB"

API_PID=
BG_PID=
SIDE_PIDS=()
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
  local p
  [ -z "$BG_PID" ] || kill -TERM "$BG_PID" 2>/dev/null || true
  for p in "${SIDE_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  stop_api
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_quiet
START_US=$(now_us)
(
  cd "$API_DIR"
  # Testing: production settings (static Wolverine code, JSON logs) but development tokens, so the load generator can
  # sign its own; the per-user write limit is lifted, one user sends everything. Own database and RabbitMQ vhost.
  export ASPNETCORE_ENVIRONMENT=Testing \
    Auth__DevelopmentSigningKey="$BENCH_SIGNING_KEY" Auth__AllowDevelopmentKeyOutsideDevelopment=true \
    RateLimits__Writes__TokenLimit=100000000 RateLimits__Writes__TokensPerPeriod=100000000 \
    ASPNETCORE_URLS="http://127.0.0.1:$PORT" \
    ConnectionStrings__Marten="Host=127.0.0.1;Port=$PGPORT;Database=$BENCH_DB;Username=incidents;Password=incidents${CONN_EXTRA:+;$CONN_EXTRA}" \
    ConnectionStrings__RabbitMq="amqp://guest:guest@127.0.0.1:5672/$BENCH_VHOST" \
    Logging__LogLevel__Default=Warning
  exec ./Incidents.Api
) >"$API_LOG" 2>&1 &
API_PID=$!
ready=
for _ in $(seq 1 1200); do
  if [ "$(cat "/proc/$API_PID/comm" 2>/dev/null)" != Incidents.Api ]; then
    # A wrapper shell survived the exec (job control?): track the API itself so that stop_api really stops it.
    child=$(pgrep -P "$API_PID" -x Incidents.Api | head -1 || true)
    [ -z "$child" ] || API_PID=$child
  fi
  kill -0 "$API_PID" 2>/dev/null || { tail -n 40 "$API_LOG" >&2; die "the API exited during start-up"; }
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready" || true)" = 200 ]; then
    ready=1
    break
  fi
  sleep 0.05
done
[ -n "$ready" ] || { tail -n 40 "$API_LOG" >&2; die "/health/ready did not answer 200 within 60 s"; }
# From fork to the first 200 (polled every 50 ms, so up to ~60 ms late: never in our favour).
READY_MS=$((($(now_us) - START_US + 999) / 1000))
READY_BUSY=$QUIET
sleep 3
RSS_IDLE=$(rss_mb "$API_PID")

# --- 4. load ---------------------------------------------------------------------------------------------------
GEN_ARGS=(--url "http://127.0.0.1:$PORT" --clients "$CLIENTS" --duration "$DURATION" --warmup "$WARMUP" --scenario "$SCENARIO")
((RATE == 0)) || GEN_ARGS+=(--rate "$RATE" --max-inflight "$MAX_INFLIGHT")
[ "$SCENARIO" != lifecycle ] || GEN_ARGS+=(--grow "$GROW" ${LONG_INCIDENTS:+--long-incidents "$LONG_INCIDENTS"})
MODE="closed loop, $CLIENTS clients"
((RATE == 0)) || MODE="open loop, $RATE requests/s scheduled (at most $MAX_INFLIGHT in flight)"
say "load: $SCENARIO, $MODE, ${WARMUP} s warm-up + ${DURATION} s (log: ${GEN_LOG#"$REPO"/})"
wait_quiet
QUIET_API=$QUIET
LOAD_BEFORE=$(loadavg)
export INCIDENTS_BENCH_TOKEN INCIDENTS_BENCH_RESPONDER_TOKEN
# One token per role, as the README walkthrough: the desk (hotline) reports, assigns, dispatches, comments and closes;
# the engineer (responder, assigned by the desk) acknowledges, arrives, restores and resolves. dev-token.sh could put
# both roles in one token, but then the responder's "assigned to me" check would never run.
export INCIDENTS_BENCH_RESPONDER_ID=bench-eng INCIDENTS_BENCH_RESPONDER_NAME="Bench Engineer" INCIDENTS_BENCH_RESPONDER_TEAM="Bench team"
INCIDENTS_BENCH_TOKEN="$(INCIDENTS_DEV_SIGNING_KEY="$BENCH_SIGNING_KEY" bash "$REPO/scripts/dev-token.sh" hotline bench-desk "Load Generator")"
INCIDENTS_BENCH_RESPONDER_TOKEN="$(INCIDENTS_DEV_SIGNING_KEY="$BENCH_SIGNING_KEY" bash "$REPO/scripts/dev-token.sh" responder \
  "$INCIDENTS_BENCH_RESPONDER_ID" "$INCIDENTS_BENCH_RESPONDER_NAME" "$INCIDENTS_BENCH_RESPONDER_TEAM")"
RSS_FILE=$(mktemp /tmp/bench-rss.XXXXXX)
# Side jobs started with the generator: RSS samples inside the window, template rows during the warm-up.
start_side_jobs() {
  rss_sampler "$WARMUP" "$1" &
  SIDE_PIDS+=($!)
  if [ "$SCENARIO" = report ] && ((RATE == 0)) && [ -n "$PGBENCH" ]; then
    sample_rows "$((WARMUP > 3 ? WARMUP / 2 : 1))" &
    SIDE_PIDS+=($!)
  fi
}
# CPU sampled inside the measurement window (start-up of the generator and its last second left out).
run_sampled_with_side_jobs() {
  local from=$1 to=$2 pid before after t0
  shift 2
  t0=$(now_us)
  "$@" &
  pid=$!
  BG_PID=$pid
  start_side_jobs "$pid"
  sleep_until "$pid" $((t0 + from * 1000000))
  before=$(cpu_snapshot)
  sleep_until "$pid" $((t0 + to * 1000000))
  after=$(cpu_snapshot)
  CPU_SHARE=$(cpu_share "$before" "$after")
  LOAD_WINDOW=$(loadavg)
  wait "$pid"
  local rc=$?
  BG_PID=
  return $rc
}
run_sampled_with_side_jobs "$((WARMUP + 1))" "$((WARMUP + DURATION - 1))" "$GEN" "${GEN_ARGS[@]}" >"$GEN_LOG" 2>&1 ||
  { cat "$GEN_LOG" >&2; die "load generator failed"; }
for p in "${SIDE_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
SIDE_PIDS=()
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
GEN_COMMIT=$(field "$RESULT" commit)
RSS_LOAD=$(sort -n "$RSS_FILE" | tail -1)
RSS_SAMPLES=$(grep -c . "$RSS_FILE" || true)
rm -f "$RSS_FILE"
RSS_HWM=$(hwm_mb "$API_PID")
sleep 5
RSS_AFTER=$(rss_mb "$API_PID")

stop_api
# Per report (lifecycle: per incident), from the fresh database's own counters (includes warm-up; the stats are
# flushed when the API's connections close). xact = commits, ins/upd/del = rows.
PER_REPORT=$(psql_ -d "$BENCH_DB" -F' ' -c "
  SELECT round(d.xact_commit::numeric / r.n, 2), round(d.tup_inserted::numeric / r.n, 2),
         round(d.tup_updated::numeric / r.n, 2), round(d.tup_deleted::numeric / r.n, 2), r.n
  FROM pg_stat_database d, (SELECT greatest(count(*), 1) AS n FROM incidents.mt_streams) r
  WHERE d.datname = current_database()" 2>/dev/null || echo "? ? ? ? ?")
read -r PR_XACT PR_INS PR_UPD PR_DEL PR_N <<<"$PER_REPORT"
TABLES=$(psql_ -d "$BENCH_DB" -F' ' -c "
  SELECT relname || ':' || n_tup_ins || '/' || n_tup_upd || '/' || n_tup_del FROM pg_stat_user_tables
  WHERE schemaname = 'incidents' AND n_tup_ins + n_tup_upd + n_tup_del > 0 ORDER BY n_tup_ins + n_tup_upd + n_tup_del DESC" 2>/dev/null | tr '\n' ' ' || true)

# --- 5. pgbench baselines (report scenario, closed loop) ---------------------------------------------------------
TPS=
SW_TPS=
if [ "$SCENARIO" = report ] && ((RATE == 0)) && [ -n "$PGBENCH" ]; then
  # The same-work baseline first: it reads this run's counters and template rows from $BENCH_DB.
  say "pgbench, same work as one report per transaction: $CLIENTS clients, $DURATION s (log: ${SW_LOG#"$REPO"/})"
  wait_quiet
  QUIET_SW=$QUIET
  run_sampled 2 "$((DURATION - 1))" bash "$BENCH_DIR/pgbench-samework.sh" --db "$BENCH_DB" --clients "$CLIENTS" \
    --duration "$DURATION" --script-out "$SW_SCRIPT" >"$SW_LOG" 2>&1 || { cat "$SW_LOG" >&2; die "same-work pgbench failed"; }
  SW_CPU=$CPU_SHARE
  grep -E '^  [a-z_]+ +ins ' "$SW_LOG" >&2 || true
  SWB=$(grep '^PGBENCH_SAMEWORK ' "$SW_LOG" | tail -1) || die "no PGBENCH_SAMEWORK line"
  SW_TPS_RAW=$(field "$SWB" tps)
  SW_TPS=$(awk -v t="$SW_TPS_RAW" 'BEGIN { printf "%.1f", int(t * 10) / 10 }')
  SW_LAT=$(field "$SWB" latency_ms)
  SW_ROWS=$(field "$SWB" rows)
  SW_RETRIED=$(field "$SWB" retried)
  SW_FAILED=$(field "$SWB" failed)

  say "pgbench, 1-row INSERT: $CLIENTS clients, $DURATION s (log: ${PG_LOG#"$REPO"/})"
  wait_quiet
  QUIET_PG=$QUIET
  run_sampled 2 "$((DURATION - 1))" bash "$BENCH_DIR/pgbench-insert.sh" --clients "$CLIENTS" --duration "$DURATION" >"$PG_LOG" 2>&1 ||
    { cat "$PG_LOG" >&2; die "pgbench failed"; }
  PG_CPU=$CPU_SHARE
  PGB=$(grep '^PGBENCH ' "$PG_LOG" | tail -1) || die "no PGBENCH line"
  TPS_RAW=$(field "$PGB" tps)
  TPS=$(awk -v t="$TPS_RAW" 'BEGIN { printf "%.1f", int(t * 10) / 10 }')
  PG_LAT=$(field "$PGB" latency_ms)
  ROW=$(field "$PGB" row_bytes)
fi
LOAD_END=$(loadavg)

# --- 6. summary ------------------------------------------------------------------------------------------------
# Ratios rounded DOWN to 0.1 %, from the unrounded rates; latencies were rounded up by the generator.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", int(a / b * 1000) / 10; else printf "?" }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a != "?" && a + 0 >= b + 0) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a != "?" && a + 0 < b + 0) }'; }
FAILS=()
check() { # CONDITION-COMMAND... "failure text"
  local text=${*: -1}
  "${@:1:$#-1}" || FAILS+=("$text")
}
verdict() { # prints PASS or FAIL (reasons) for the checks so far; the caller empties FAILS (this runs in $(...))
  if ((${#FAILS[@]} == 0)); then echo PASS; else local IFS=';'; echo "FAIL (${FAILS[*]/#/ })" | sed 's/( /(/'; fi
}
P99_NOTE=
((CLIENTS == 16)) || ((RATE > 0)) || P99_NOTE=" (the p99 target is set at 16 clients; this run used $CLIENTS)"

if [ "$SCENARIO" = report ]; then
  if ((RATE == 0)) && [ -n "$PGBENCH" ]; then
    # From the baselines' unrounded rates (rounding a denominator down would round the ratio up).
    RATIO=$(ratio "$RPS" "$TPS_RAW")
    SW_RATIO=$(ratio "$RPS" "$SW_TPS_RAW")
    check ge "$RATIO" "$TARGET_RATIO" "ratio < $TARGET_RATIO % of 1-row pgbench"
    check ge "$SW_RATIO" "$TARGET_RATIO_SAMEWORK" "ratio < $TARGET_RATIO_SAMEWORK % of same-work pgbench"
  else
    RATIO=-
    SW_RATIO=-
  fi
  check lt "$P99" "$TARGET_P99" "p99 >= $TARGET_P99 ms"
  check test "${ERRORS:-0}" = 0 "$ERRORS errors"
  if ((RATE > 0)); then
    check test "$(field "$RESULT" dropped)" = 0 "$(field "$RESULT" dropped) dropped"
    check test "$(field "$RESULT" late)" = 0 "$(field "$RESULT" late) started late by the generator (result suspect)"
  fi
  VERDICT=$(verdict)
  FAILS=()
else
  IPS=$(field "$RESULT" incidents_per_s)
  WORST=$(field "$RESULT" worst_step)
  WORST_P99=$(field "$RESULT" worst_p99)
  LONG=$(grep '^RESULT_LONG ' "$GEN_LOG" | tail -1 || true)
  check ge "$IPS" "$TARGET_IPS" "< $TARGET_IPS incidents/s"
  check ge "$RPS" "$TARGET_LIFECYCLE_RPS" "< $TARGET_LIFECYCLE_RPS requests/s"
  check lt "$WORST_P99" "$TARGET_P99" "p99 of $WORST >= $TARGET_P99 ms"
  if [ -n "$LONG" ]; then
    check lt "$(field "$LONG" worst_p99)" "$TARGET_P99" "long streams: p99 of $(field "$LONG" worst_step) >= $TARGET_P99 ms"
    check test "$(field "$LONG" errors)" = 0 "long streams: $(field "$LONG" errors) errors"
  fi
  check test "${ERRORS:-0}" = 0 "$ERRORS errors"
  if ((RATE > 0)); then
    check test "$(field "$RESULT" dropped)" = 0 "$(field "$RESULT" dropped) dropped"
    check test "$(field "$RESULT" late)" = 0 "$(field "$RESULT" late) started late by the generator (result suspect)"
  fi
  VERDICT=$(verdict)
  FAILS=()
fi
check lt "$RSS_IDLE" "$TARGET_RSS_IDLE" "idle RSS >= $TARGET_RSS_IDLE MB"
check lt "${RSS_LOAD:-0}" "$TARGET_RSS_LOAD" "RSS under load >= $TARGET_RSS_LOAD MB"
check lt "$READY_MS" "$TARGET_READY" "ready after >= $TARGET_READY ms"
RES_VERDICT=$(verdict)

OTHER_API=$(sed -n 's/.*other=\(-\{0,1\}[0-9]*\).*/\1/p' <<<"$API_CPU")
OTHER_PG=$(sed -n 's/.*other=\(-\{0,1\}[0-9]*\).*/\1/p' <<<"${PG_CPU:-}")
OTHER_SW=$(sed -n 's/.*other=\(-\{0,1\}[0-9]*\).*/\1/p' <<<"${SW_CPU:-}")
NOISE=
if ((${OTHER_API:-0} > 30 || ${OTHER_PG:-0} > 30 || ${OTHER_SW:-0} > 30)); then
  NOISE="NOISY (other processes used ${OTHER_API:-0}/${OTHER_SW:--}/${OTHER_PG:--} % of a core in the API/same-work/1-row windows): rerun on a quiet machine"
  VERDICT="$VERDICT; NOISY"
fi
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
CONN_NOTE=
[ -z "$CONN_EXTRA" ] || CONN_NOTE=", connection string + \"$CONN_EXTRA\""
MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
MEM=$(awk '/^MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
MACHINE="$NCPU cores, ${MODEL:-unknown CPU}, $MEM"
DOTNET=$(dotnet --version 2>/dev/null || echo ?)
PGVER=$(psql_ -d postgres -c 'show server_version' 2>/dev/null | cut -d' ' -f1)
[ "${GEN_COMMIT:-}" = "${COMMIT%+dirty}" ] || [ "${GEN_COMMIT:-}" = "$COMMIT" ] || COMMIT_NOTE=" (generator built from $GEN_COMMIT)"
LOAD_NOTE="load average (1 min) $LOAD_BEFORE before the load, $LOAD_WINDOW at the end of the window, $LOAD_END at the end; $NCPU cores"

{
  echo
  echo "================================ benchmark summary ================================"
  echo "date        $DATE"
  echo "machine     $MACHINE; $LOAD_NOTE"
  echo "software    .NET SDK $DOTNET, PostgreSQL $PGVER"
  echo "commit      $COMMIT${COMMIT_NOTE:-}   (recorded in the binaries at build time)"
  echo "isolation   database $BENCH_DB, RabbitMQ vhost $BENCH_VHOST"
  if [ "$SCENARIO" = report ]; then
    echo "workload    POST /api/v1/incidents, $MODE, ${DURATION} s (+${WARMUP} s warm-up)$CONN_NOTE"
    echo "API         $RPS req/s   p50 $P50 ms   p95 $P95 ms   p99 $P99 ms   max $PMAX ms   errors $ERRORS"
    if ((RATE > 0)); then
      echo "schedule    $(field "$RESULT" scheduled) due, $(field "$RESULT" late) started late (> 10 ms), $(field "$RESULT" dropped) dropped, max $(field "$RESULT" behind_max) ms behind; latency from the scheduled start"
    fi
    if [ -n "$TPS" ]; then
      echo "pgbench     1-row:     $TPS tps (autocommitted INSERT of a ${ROW}-byte jsonb, avg latency $PG_LAT ms)"
      echo "            same work: $SW_TPS tps (one transaction = the $SW_ROWS row writes of one report, one pipeline of prepared statements; avg latency $SW_LAT ms; retried $SW_RETRIED, failed $SW_FAILED)"
      echo "ratio       $RATIO % of the 1-row pgbench, $SW_RATIO % of the same-work pgbench (rounded down)"
      echo "target      >= $TARGET_RATIO % of 1-row, >= $TARGET_RATIO_SAMEWORK % of same-work, p99 < $TARGET_P99 ms at 16 clients  ->  $VERDICT$P99_NOTE"
    else
      if [ -n "$PGBENCH" ]; then
        echo "pgbench     not run (open loop: a fixed rate is no throughput to compare with the baselines)"
      else
        echo "pgbench     not run (--no-pgbench)"
      fi
      echo "target      p99 < $TARGET_P99 ms, nothing dropped  ->  $VERDICT"
    fi
  else
    echo "workload    lifecycle (report, acknowledge, assign, dispatch, arrive, restore, resolve, close), $MODE, ${DURATION} s (+${WARMUP} s warm-up)$CONN_NOTE"
    echo "short       $IPS incidents/s, $RPS requests/s; all steps p50 $P50 p99 $P99 max $PMAX ms; worst step $WORST p99 $WORST_P99 ms; errors $ERRORS"
    if [ -n "$LONG" ]; then
      echo "long        $(field "$LONG" incidents) incidents grown by $(field "$LONG" grow) comments (mean $(field "$LONG" events) events before a step): 7 steps p50 $(field "$LONG" p50) p99 $(field "$LONG" p99) ms; worst $(field "$LONG" worst_step) p99 $(field "$LONG" worst_p99) ms; errors $(field "$LONG" errors)"
    fi
    echo "target      >= $TARGET_IPS incidents/s and >= $TARGET_LIFECYCLE_RPS requests/s, every step p99 < $TARGET_P99 ms (short and long streams)  ->  $VERDICT$P99_NOTE"
    echo "steps       (p50/p99 ms)  $(grep '^STEP ' "$GEN_LOG" | grep -v 'step=comment' | awk '{ split($3, s, "="); split($6, a, "="); split($8, b, "="); split($2, ph, "="); printf "%s:%s %s/%s  ", ph[2], s[2], a[2], b[2] }')"
  fi
  echo "memory      API VmRSS idle $RSS_IDLE MB (3 s after ready), under load max $RSS_LOAD MB ($RSS_SAMPLES samples, 1/s in the window; peak VmHWM $RSS_HWM MB), $RSS_AFTER MB 5 s after the load"
  echo "start-up    $READY_MS ms from process start to /health/ready 200 (machine busy before: $READY_BUSY % of a core)"
  echo "target      idle < $TARGET_RSS_IDLE MB, load < $TARGET_RSS_LOAD MB, ready < $TARGET_READY ms  ->  $RES_VERDICT"
  echo "per $([ "$SCENARIO" = report ] && echo report || echo incident)  $PR_XACT transactions (incl. read-only), $PR_INS rows inserted, $PR_UPD updated, $PR_DEL deleted  ($PR_N streams incl. warm-up)"
  echo "tables      ins/upd/del  $TABLES"
  echo "CPU, % of one core (machine = $((NCPU * 100))), inside the measurement windows:"
  echo "  API run      $API_CPU   (machine busy before: $QUIET_API)"
  [ -z "${SW_CPU:-}" ] || echo "  same work    $SW_CPU   (machine busy before: $QUIET_SW)"
  [ -z "${PG_CPU:-}" ] || echo "  1-row insert $PG_CPU   (machine busy before: $QUIET_PG)"
  echo "  (api = Incidents.Api, pg = all postgres processes, rabbit = RabbitMQ, gen = load generator or pgbench,"
  echo "   other = everything else incl. kernel; a large \"other\" means something else ran and the figures are low)"
  [ -z "$NOISE" ] || echo "noise       $NOISE"
  echo "unseen      $( ((RATE > 0)) && echo "open loop: fixed arrivals, no bursts; latency from the scheduled start" || echo "closed loop: a stall pauses the clients too, so stalls are hidden (use --rate)"); loopback HTTP/1.1, one desk and one engineer user; no reads, no notification worker; the baselines write rows but skip reads, the KPI trigger's own CPU and the second (outbox-delete) commit"
  echo "logs        ${API_LOG#"$REPO"/}, ${GEN_LOG#"$REPO"/}${TPS:+, ${SW_LOG#"$REPO"/}, ${PG_LOG#"$REPO"/}, ${SW_SCRIPT#"$REPO"/}}"
  echo "===================================================================================="
} | tee "$RESULTS/summary-$STAMP.txt"

HISTORY=$RESULTS/history-$SCENARIO.md
if [ "$SCENARIO" = report ]; then
  if [ ! -f "$HISTORY" ]; then
    cat >"$HISTORY" <<'HDR'
| date (UTC) | commit | load avg | mode | s | req/s | p50 ms | p99 ms | errors | 1-row tps | same-work tps | ratio 1-row | ratio same-work | RSS idle/load MB | ready ms | verdict | CPU API run |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
HDR
  fi
  echo "| $DATE | $COMMIT${CONN_NOTE} | $LOAD_BEFORE/$LOAD_WINDOW | $MODE | $DURATION | $RPS | $P50 | $P99 | $ERRORS | ${TPS:--} | ${SW_TPS:--} | $RATIO % | $SW_RATIO % | $RSS_IDLE/$RSS_LOAD | $READY_MS | $VERDICT | ${API_CPU% } |" >>"$HISTORY"
else
  if [ ! -f "$HISTORY" ]; then
    cat >"$HISTORY" <<'HDR'
| date (UTC) | commit | load avg | mode | s | incidents/s | req/s | short: p99 all / worst step | long: events, p99 all / worst step | errors | RSS idle/load MB | ready ms | verdict |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
HDR
  fi
  echo "| $DATE | $COMMIT${CONN_NOTE} | $LOAD_BEFORE/$LOAD_WINDOW | $MODE | $DURATION | $IPS | $RPS | $P99 / $WORST $WORST_P99 | ${LONG:+$(field "$LONG" events), $(field "$LONG" p99) / $(field "$LONG" worst_step) $(field "$LONG" worst_p99)} | $ERRORS | $RSS_IDLE/$RSS_LOAD | $READY_MS | $VERDICT |" >>"$HISTORY"
fi
echo "(row appended to ${HISTORY#"$REPO"/}; summary in ${RESULTS#"$REPO"/}/summary-$STAMP.txt)"
