#!/usr/bin/env bash
# Full-lifecycle benchmark (see docs/benchmarks.md, "Lifecycle"): bench/run.sh --scenario lifecycle, same options.
#
#   bash bench/lifecycle.sh [--clients 16] [--duration 20] [--warmup 30] [--rate R] [--long-incidents N] [--grow 190]
#
# Per incident 8 requests (report, acknowledge, assign, dispatch, arrive, restore, resolve, close) on short streams
# (~10 events), then the same steps on streams pre-grown by --grow comments (~200 events), side by side.
exec bash "$(dirname "${BASH_SOURCE[0]}")/run.sh" --scenario lifecycle "$@"
