#!/usr/bin/env bash
# Slow-link benchmark (not a test): a backlog synced by a client JVM with the product's defaults
# through a throttling TCP proxy on loopback (the same rate both ways) to a server JVM and a private
# influxd. Prints the useful line-protocol throughput against the link's rate, at 100 KB/s and
# 1 MB/s, gzip off and on (target: at least 85% of the link with gzip off), and the points stored.
# Usage: bench/slow-link.sh          (run it under flock /tmp/outflux-heavy.lock)
# Knobs (environment): BENCH_RATES (bytes/s, default "100000,1000000"); BENCH_SECONDS (backlog
#   sized for about this long at the link's rate, default 60)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_build
bench_load before
bench_java io.outflux.bench.SlowLinkBenchmark "$@"
bench_load after
