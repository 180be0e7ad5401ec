#!/usr/bin/env bash
# Runs the whole suite (.ci/run) N times, each from a fresh clone of the current HEAD, and prints per
# test how often it failed, and each run's time. Exits non-zero if any run failed.
# Keeps each run's log and its Surefire/Failsafe reports in a directory it names at the end.
#
# Usage: scripts/soak.sh [--busy] [--out DIR] N
#   --busy     run one CPU-bound process (sha256sum /dev/zero) beside the suite, as on a busy machine
#   --out DIR  where to keep the runs (default: a new /tmp/outflux-soak-* directory)
# Integration tests must not run in parallel with other heavy work: flock /tmp/outflux-heavy.lock scripts/soak.sh 5
set -euo pipefail

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

busy=false
out=""
runs=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --busy) busy=true; shift ;;
    --out) [[ $# -ge 2 ]] || usage; out="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) [[ -z "$runs" && "$1" =~ ^[1-9][0-9]*$ ]] || usage; runs="$1"; shift ;;
  esac
done
[[ -n "$runs" ]] || usage

repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
head=$(git -C "$repo" rev-parse HEAD)
if [[ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]]; then
  echo "soak: uncommitted changes are not in the clones; testing HEAD $head" >&2
fi
out=${out:-$(mktemp -d /tmp/outflux-soak-XXXXXX)}
mkdir -p "$out"

busy_pid=""
clone=""
cleanup() {
  if [[ -n "$busy_pid" ]]; then
    kill "$busy_pid" 2>/dev/null || true
    wait "$busy_pid" 2>/dev/null || true
  fi
  if [[ -n "$clone" ]]; then
    rm -rf "$clone"
  fi
}
trap cleanup EXIT
trap 'echo "soak: interrupted" >&2; exit 130' INT TERM

if $busy; then
  sha256sum /dev/zero > /dev/null &
  busy_pid=$!
  echo "soak: CPU-bound process $busy_pid (sha256sum /dev/zero) runs beside the suite" >&2
fi

failed_runs=0
summary=()
for ((i = 1; i <= runs; i++)); do
  dir="$out/run-$i"
  mkdir -p "$dir"
  clone=$(mktemp -d /tmp/outflux-soak-clone-XXXXXX)
  git clone -q --no-checkout "$repo" "$clone/outflux"
  git -C "$clone/outflux" checkout -q --detach "$head"
  echo "soak: run $i of $runs ($(uptime | sed 's/.*load/load/'))" >&2
  started=$(date +%s)
  status=0
  (cd "$clone/outflux" && .ci/run) > "$dir/run.log" 2>&1 || status=$?
  seconds=$(( $(date +%s) - started ))
  for reports in surefire-reports failsafe-reports; do
    if [[ -d "$clone/outflux/target/$reports" ]]; then
      cp -r "$clone/outflux/target/$reports" "$dir/"
    fi
  done
  rm -rf "$clone"
  clone=""
  verdict="passed"
  if [[ $status -ne 0 ]]; then
    verdict="FAILED (exit $status)"
    failed_runs=$((failed_runs + 1))
  fi
  line=$(printf 'run %d: %s in %dm %02ds' "$i" "$verdict" $((seconds / 60)) $((seconds % 60)))
  summary+=("$line")
  echo "soak: $line" >&2
done

echo
echo "soak of $head, $runs run(s)$($busy && echo ', with a CPU-bound process beside it'):"
printf '  %s\n' "${summary[@]}"
java "$repo/scripts/SoakReport.java" "$out"
echo "logs and reports: $out"
[[ $failed_runs -eq 0 ]]
