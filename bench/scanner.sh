#!/usr/bin/env bash
# JMH benchmark of the line-protocol scanner: splitting + validating Telegraf-like lines.
# Prints the throughput in MB/s (target: >= 300 MB/s on one core).
# Usage: bench/scanner.sh [extra JMH options]
#   JMH_ARGS overrides the defaults, e.g. JMH_ARGS="-f 1 -wi 2 -i 3 -w 2s -r 3s" for a quick run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_build
out=target/bench-scanner.txt
bench_load before
bench_java org.openjdk.jmh.Main LineScannerBenchmark ${JMH_ARGS:--f 1 -wi 3 -i 5 -t 1} "$@" | tee "$out"
bench_load after

# The aux counter "bytes" is reported in ops/s, i.e. bytes per second.
awk '$1 ~ /scanChunk:bytes$/ { printf "scanner throughput: %.0f MB/s (± %.0f) on one thread\n", $(NF-3) / 1e6, $(NF-1) / 1e6 }
     $1 ~ /scanChunk:lines$/ { printf "                    %.2f M lines/s\n", $(NF-3) / 1e6 }' "$out"
