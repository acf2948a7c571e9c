#!/usr/bin/env bash
# The benchmark's one entry point (never part of the tests): checks what it needs, builds, runs every row
# side by side with its raw reference, and prints the table. Options are passed to Maven, e.g.
#   BENCH_ROWS=fleet,outbox bench/run.sh -Dbench.jfr=target/jfr -Dbench.findings=200000
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hey >/dev/null || { echo "bench: installing hey"; apt-get install -y -qq hey >/dev/null; }
docker info >/dev/null 2>&1 || { echo "bench: no Docker engine answers (see .ci/run for how to start one)" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "bench: /bin/busybox is missing: apt-get install -y busybox-static" >&2; exit 1; }
mvn -B -q -DskipTests install
mkdir -p bench/target
# why: each row in a JVM of its own, so that no row measures what an earlier one left behind (threads, heap, a
# JIT busy with another system's code); BENCH_ROWS chooses rows, other options are passed to Maven
rows="${BENCH_ROWS:-fleet,outbox,intake,triage,ingest,scaleout}"
: > bench/target/bench.log
for row in ${rows//,/ }; do
  mvn -B -Pbench -pl bench -DskipTests verify -Dbench.rows="$row" "$@" >> bench/target/bench.log 2>&1 || { tail -50 bench/target/bench.log; exit 1; }
done
sed -n '/profile of this row/p;/=== /,/BUILD/p' bench/target/bench.log | grep -v '^\[INFO\]'
echo "(whole log: bench/target/bench.log)"
