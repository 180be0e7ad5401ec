#!/usr/bin/env bash
# kill -9 benchmark (not a unit of the suite): KillNineIT at full size. A client JVM syncs 1,000,000
# Telegraf-like lines (the spool rotated every 20,000 lines) through an in-process server into a
# private influxd, and is killed with SIGKILL 20 times at random moments of its progress. Prints the
# lines the server wrote against the unique lines (target: at most 0.1% more), the resent lines it
# acknowledged without writing, the time and the load; fails above the target or on any point missing.
# Usage: bench/kill-nine.sh [LINES [KILLS]]     (run it under flock /tmp/outflux-heavy.lock)
# Knobs (environment): BENCH_SEED (the kill moments' seed, default: the clock), BENCH_RULE (the
# client's sync.rule: interval, HTTP POSTs, the default; or streaming, a WebSocket)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_need
bench_load before
mvn -B -o verify -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=KillNineIT \
  -Dkillnine.lines="${1:-1000000}" -Dkillnine.kills="${2:-20}" -Dkillnine.rule="${BENCH_RULE:-interval}" \
  ${BENCH_SEED:+-Dkillnine.seed=$BENCH_SEED} \
  | grep -E 'kill -9 x|Tests run:|FAIL|BUILD'
bench_load after
