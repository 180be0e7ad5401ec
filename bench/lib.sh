# Shared by the scripts under bench/ (source it; not run on its own).
#   bench_build        builds target/outflux.jar and the test classes when the sources are newer, and
#                      target/bench-classpath.txt (written by every Maven build: see pom.xml)
#   bench_classpath    prints the classpath of the benchmark mains (classes, test classes, dependencies)
#   bench_load LABEL   prints the machine's load (uptime) with a label, to read a result against
#   bench_java MAIN .. runs a benchmark main with the classpath above (JAVA, BENCH_JAVA_OPTS)
# Every benchmark should run under the shared lock of the machine's heavy jobs, e.g.
#   flock /tmp/outflux-heavy.lock bench/e2e-sync.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bench_need() {
  local missing=()
  for cmd in java mvn influxd curl; do command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd"); done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "bench: missing ${missing[*]}: run scripts/setup.sh first" >&2
    exit 2
  fi
}

bench_build() {
  bench_need
  local stale=0
  if [[ ! -f target/outflux.jar || ! -s target/bench-classpath.txt || pom.xml -nt target/outflux.jar ]]; then
    stale=1
  elif [[ -n $(find src -newer target/outflux.jar -type f -print -quit) ]]; then
    stale=1
  fi
  if [[ $stale == 1 ]]; then
    mkdir -p target
    # offline first (the local repository normally has everything after the first build); a fresh
    # local repository fetches the build plugins once
    mvn -B -o package -DskipTests >target/bench-build.log 2>&1 || mvn -B package -DskipTests >target/bench-build.log 2>&1 || {
      tail -30 target/bench-build.log >&2
      echo "bench: build failed (target/bench-build.log)" >&2
      exit 1
    }
  fi
}

bench_classpath() {
  printf '%s' "target/classes:target/test-classes:$(cat target/bench-classpath.txt)"
}

bench_load() {
  echo "load ${1:-now}: $(uptime | sed 's/.*load average/load average/')"
}

bench_java() {
  local main=$1
  shift
  "${JAVA:-java}" ${BENCH_JAVA_OPTS:-} -Doutflux.jar=target/outflux.jar -cp "$(bench_classpath)" "$main" "$@"
}
