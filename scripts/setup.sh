#!/usr/bin/env bash
# Installs what outflux needs on a fresh Debian/Ubuntu machine: a JDK 17+, Maven, Debian's
# InfluxDB 1.x (influxd for the demo and the integration tests; not started as a service), and
# with --tests Debian's chromium (headless, for the fleet page's browser test).
# Usage: scripts/setup.sh [--tests]
set -euo pipefail

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

missing=()
command -v influxd >/dev/null 2>&1 || missing+=(influxdb influxdb-client)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)   # the TLS tests make their own certificates
if [[ ${1:-} == --tests ]]; then
  [[ -x /usr/lib/chromium/chromium ]] || missing+=(chromium)  # FleetPageIT drives the fleet page in headless chromium
fi

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
fi
# The Debian package may start influxd as a service on 8086; outflux's tests and demo run their own
# instances on free loopback ports, so a running service does no harm.
influxd version >&2
java -version 2>&1 | head -1 >&2
