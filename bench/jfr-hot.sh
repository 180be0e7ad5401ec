#!/usr/bin/env bash
# Summarises a JFR recording (e.g. from BENCH_JFR=DIR bench/e2e-sync.sh): threads, hottest methods
# by own samples, and outflux methods by inclusive samples. Usage: bench/jfr-hot.sh FILE.jfr [TOP]
set -euo pipefail
file=$(realpath "$1")
shift
. "$(dirname "$0")/lib.sh"
bench_build
bench_java io.outflux.bench.JfrHot "$file" "$@"
