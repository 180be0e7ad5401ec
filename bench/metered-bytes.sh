#!/usr/bin/env bash
# Bytes on the wire per line for one site's Telegraf-like lines (not a test): no encoding, gzip 1 and
# 6, zstd 1, 3 and 9, zstd 1 and 3 with a dictionary trained on the site's earlier lines; batches of 10, 100,
# 1,000, 5,000 and 10,000 lines; prints bytes per line and the compressing thread's CPU per line.
# Usage: bench/metered-bytes.sh [LINES]     (run it under flock /tmp/outflux-heavy.lock)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_build
bench_load before
BENCH_JAVA_OPTS="-Xmx1g ${BENCH_JAVA_OPTS:-}" bench_java io.outflux.bench.MeteredBytesBenchmark "$@"
bench_load after
