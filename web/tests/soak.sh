#!/usr/bin/env bash
# The crash test, soaked: kills `riff serve` many more times than the suite
# does. Usage: web/tests/soak.sh [ROUNDS] [RUNS]
#   ROUNDS  kills per run (default 200)
#   RUNS    runs, each with a new random seed (default 1)
# Set RIFF_CRASH_SEED to replay a run that failed (its seed is printed).
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=${1:-200}
runs=${2:-1}
for run in $(seq "$runs"); do
    echo "== soak run $run of $runs: $rounds kills"
    RIFF_CRASH_ROUNDS=$rounds cargo test -p riff-web --test crash -- \
        --exact riff_killed_at_random_moments_mid_sync_loses_no_sale_lists_nothing_twice_and_ends_everything_sold \
        --nocapture
done
