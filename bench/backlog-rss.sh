#!/usr/bin/env bash
# Client memory under a large backlog: writes SIZE_MB (default 2048) of Telegraf-like lines to a
# spool, then syncs it through a real outflux server into a real central influxd (each a separate
# process) and prints the client's RSS (max over the run; target: < 256 MB whatever the backlog),
# the throughput and the spool's disk use after compaction.
# Usage: bench/backlog-rss.sh [SIZE_MB]    (CLIENT_JAVA_OPTS sets the client JVM options, default
# CLIENT_JAVA_OPTS in conf/outflux.defaults, which bin/outflux and the systemd units use)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_build
# the shipped client flags (one place: conf/outflux.defaults), unless CLIENT_JAVA_OPTS is given
wanted="${CLIENT_JAVA_OPTS:-}"
# shellcheck disable=SC1091
. conf/outflux.defaults
CLIENT_JAVA_OPTS="${wanted:-$CLIENT_JAVA_OPTS}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" # as bin/outflux exports it; the client JVM inherits it
bench_load before
"${JAVA:-java}" -Dbench.clientJavaOpts="$CLIENT_JAVA_OPTS" -cp "$(bench_classpath)" io.outflux.bench.BacklogRss "${1:-2048}" target/outflux.jar
bench_load after
