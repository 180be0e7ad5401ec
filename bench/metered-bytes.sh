#!/usr/bin/env bash
# Bytes on the wire per line for one site's Telegraf-like lines (not a test): no encoding, gzip 1 and
# 6, zstd 1, and zstd 1 with a dictionary of 16, 32 and 64 KiB trained the way the client trains it (on the
# site's first 2 MiB of lines) and compressed through the client's own code; batches of 10 (a stream or a
# slow site), 100, 1,000 and 5,000 lines; prints bytes per line and the compressing thread's CPU per line.
# Usage: bench/metered-bytes.sh [LINES]     (run it under flock /tmp/outflux-heavy.lock)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_build
bench_load before
BENCH_JAVA_OPTS="-Xmx1g ${BENCH_JAVA_OPTS:-}" bench_java io.outflux.bench.MeteredBytesBenchmark "$@"
bench_load after
