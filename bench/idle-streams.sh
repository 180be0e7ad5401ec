#!/usr/bin/env bash
# Idle streaming clients on one server node (not a test): a real influxd, an outflux server JVM from
# target/outflux.jar, and N WebSocket streams opened from a load-generator JVM, held idle; prints
# the server's RSS before and after. Target: 1,000 idle streams in under 512 MB.
# Usage: bench/idle-streams.sh [--clients 1000] [--hold 10] [--server-opts "-Xmx256m"]
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f target/outflux.jar ]] || mvn -B -o -q package -DskipTests >&2
mvn -B -o -q test-compile >&2
cp_file=target/bench-classpath.txt
if [[ ! -s $cp_file || pom.xml -nt $cp_file ]]; then
  mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
fi
exec "${JAVA:-java}" -Xmx512m -cp "target/classes:target/test-classes:$(cat "$cp_file")" \
  io.outflux.bench.IdleStreamsBenchmark "$@"
