#!/usr/bin/env bash
# Runs the whole test suite: starts PostgreSQL and RabbitMQ when they are not running, builds, runs every test
# project (unit tests and integration tests against the real servers, on their own database and RabbitMQ vhost), lints
# the OpenAPI document the API served to the tests with Spectral (ruleset spectral:oas, .spectral.yaml; any error fails
# the run) and prints "N passed, N failed, N skipped". INCIDENTS_TEST_DATABASE and INCIDENTS_TEST_VHOST name another
# database/vhost.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not found on PATH)." >&2; exit 1; }

started=$(date +%s)
bash infra/services.sh up >&2
# The console's browser tests drive Debian's chromium (docs/console.md); installed once, instant afterwards.
bash infra/chromium.sh up >&2
eval "$(bash infra/services.sh env)"

# The tests' own RabbitMQ vhost (issue #16): a development system started by scripts/run.sh (vhost "/") never hears the
# tests' messages, and they never hear its. The database is the tests' own already (incidents_tests, see TestServices).
TEST_VHOST="${INCIDENTS_TEST_VHOST:-incidents_tests}"
bash infra/rabbitmq.sh vhost "$TEST_VHOST"
[[ $ConnectionStrings__RabbitMq =~ ^(amqps?://[^/]+) ]] || { echo "Unexpected RabbitMQ URI: $ConnectionStrings__RabbitMq" >&2; exit 1; }
export ConnectionStrings__RabbitMq="${BASH_REMATCH[1]}/${TEST_VHOST}" INCIDENTS_TEST_VHOST="$TEST_VHOST"

dotnet build Incidents.sln -c Release -nologo -v quiet

# The OpenAPI document as the test host serves it (OperationsTests writes it); never lint a stale copy.
openapi="artifacts/openapi.json"
rm -f "$openapi"

log="$(mktemp)"
set +e
dotnet test Incidents.sln -c Release --no-build -nologo --logger "console;verbosity=minimal" 2>&1 | tee "$log" |
  grep -avE '^\{"EventId"|^Searching |for commands$|PublicKeyToken=null' || true
status=${PIPESTATUS[0]}
set -e

read -r passed failed skipped < <(grep -E "(Passed|Failed)!  - Failed:" "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' |
  awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
rm -f "$log"

lint=0
if [[ ! -f "$openapi" ]]; then
  echo "No $openapi: the test that writes the OpenAPI document did not run." >&2
  lint=1
else
  if ! command -v spectral >/dev/null; then
    if ! command -v npm >/dev/null; then
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
    fi
    npm install -g --no-fund --no-audit @stoplight/spectral-cli@6 >&2
  fi
  echo "Spectral (spectral:oas) on $openapi:"
  spectral lint "$openapi" --ruleset .spectral.yaml --fail-severity error || lint=1
fi

echo "Test run took $(( $(date +%s) - started )) s."
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [[ $lint -ne 0 ]]; then echo "The OpenAPI document has Spectral errors (or was not written)." >&2; fi
if [[ $status -ne 0 || $failed -ne 0 || $passed -eq 0 || $lint -ne 0 ]]; then exit 1; fi
