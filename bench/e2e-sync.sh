#!/usr/bin/env bash
# End-to-end backlog sync benchmark (not a test): N Telegraf-like lines (default 1,000,000, ~180 B
# each) already in the spool, synced by a client JVM through a server JVM into a fresh database of a
# private influxd 1.x with the product's default settings, compared in the same run with the best of
# a sweep of direct writes of the same lines into the same influxd (5,000 and 10,000 lines per POST,
# 4 and 8 concurrent, gzip off and on). Prints every rate, the ratio (target >= 95%), CPU seconds per
# million lines and peak RSS of client, server and influxd, per run and the median of BENCH_RUNS (3).
# Usage: bench/e2e-sync.sh [LINES]     (run it under flock /tmp/outflux-heavy.lock)
# Knobs (environment): BENCH_CLIENT / BENCH_SERVER JSON merged into the configs, e.g.
#   BENCH_CLIENT='{"sync":{"maxInFlight":4}}'; BENCH_IN_FLIGHT, BENCH_BATCH_LINES, BENCH_WRITES;
#   BENCH_RUNS; BENCH_JFR=DIR (a JFR recording of each JVM per run; summarise with bench/jfr-hot.sh);
#   BENCH_SWEEP=quick (only 4 concurrent POSTs of 5,000 lines, no gzip);
#   BENCH_WARM_LINES (default: LINES) synced by the same JVMs first, so the measured lines (appended to
#   the spool after them) see warm JVMs; 0 measures fresh JVMs;
#   BENCH_LAYOUT=shared|pinned|both (default both): pinned puts influxd on half the cores and the
#   direct writer, client and server on the other half (taskset), so outflux's CPU is not influxd's
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_build
bench_load before
bench_java io.outflux.bench.E2eSyncBenchmark "$@"
bench_load after
