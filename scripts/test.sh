#!/usr/bin/env bash
# Runs the whole test suite: starts PostgreSQL and RabbitMQ when they are not running, builds, runs every test
# project (unit tests and integration tests against the real servers) and prints "N passed, N failed, N skipped".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not found on PATH)." >&2; exit 1; }

started=$(date +%s)
bash infra/services.sh up >&2
eval "$(bash infra/services.sh env)"

dotnet build Incidents.sln -c Release -nologo -v quiet

log="$(mktemp)"
set +e
dotnet test Incidents.sln -c Release --no-build -nologo --logger "console;verbosity=minimal" 2>&1 | tee "$log" |
  grep -avE '^\{"EventId"|^Searching |for commands$|PublicKeyToken=null' || true
status=${PIPESTATUS[0]}
set -e

read -r passed failed skipped < <(grep -E "(Passed|Failed)!  - Failed:" "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' |
  awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
rm -f "$log"
echo "Test run took $(( $(date +%s) - started )) s."
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [[ $status -ne 0 || $failed -ne 0 || $passed -eq 0 ]]; then exit 1; fi
