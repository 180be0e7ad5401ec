#!/usr/bin/env bash
# Fan-in benchmark (not a test): CLIENTS simulated sites in ONE light load JVM (one Vert.x, LOOPS event
# loops; each site speaks the version 2 wire protocol itself: batch POSTs with Outflux-Seq/Outflux-Span,
# or a stream; a third each interval 1 s, size 500 lines and streaming), each appending at RATE lines/s,
# into one server JVM and then two clustered ones (the clients' server lists alternate), all writing to
# one private influxd. For each rate of --rates: aggregate lines/s acknowledged against the best direct
# write of the same run, p50/p99 append-to-ack, CPU per M lines of server(s), influxd and the load
# generator, and the machine's load.
# Usage: bench/fan-in.sh [--clients 200] [--rates 250[,500,...]] [--seconds 30] [--warmup 10]
#                        [--nodes 1,2] [--loops 2] [--instances N (http.instances; default: the product default)]
#        (run it under flock /tmp/outflux-heavy.lock)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_build
bench_load before
BENCH_JAVA_OPTS="-Xmx1g ${BENCH_JAVA_OPTS:-}" bench_java io.outflux.bench.FanInBenchmark "$@"
bench_load after
