#!/usr/bin/env bash
# Runs every test: unit tests (Surefire) and integration tests against real influxd processes
# (Failsafe). Installs what is missing first. Usage: scripts/test.sh [extra maven args]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
exec mvn -B -Dstyle.color=never verify "$@"
