#!/usr/bin/env bash
# Builds every image the compose stack runs, into the local Docker engine, from Debian packages and Maven
# Central only (no image registry is needed):
#
#   nubicustos/jre:17                 Debian 12 (debootstrap, minbase) + openjdk-17-jre-headless
#   nubicustos/postgres-base:15       Debian 12 + postgresql-15
#   nubicustos/prometheus-base:12     Debian 12 + prometheus
#   nubicustos/kafka:<version>        Apache Kafka's broker jars from Maven Central, KRaft, one node
#   nubicustos/postgres:15            Debian's PostgreSQL 15, configured by POSTGRES_USER/PASSWORD/DB
#   nubicustos/prometheus:12          Debian's Prometheus
#   nubicustos/{api-gateway,scan-worker,report-processor}:0.1.0-SNAPSHOT   the Spring Boot jar, on nubicustos/jre:17
#
#   infra/images/build.sh            (as root: debootstrap and chroot; needs docker, debootstrap, mvn, java 17+)
#
# Every image adds at most one file-system layer to its base, and no two images share a base they do not
# need: engines on the vfs storage driver (ours in CI) keep a whole copy of the file system per layer and
# per container, so layers, not bytes, decide the disk a stack takes (the running stack took 15 GB there with
# Jib's five layers per service and a shared base; 7.5 GB now).
#
# SERVICE_BASE=eclipse-temurin:17-jre builds the service images on a public JRE base instead (a machine that
# can pull it; its several layers are copied once each on a vfs engine). A base image that exists already is kept; REBUILD_BASE=1 builds it again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d /tmp/nubicustos-images.XXXXXX)
trap 'umount "$work"/*/proc 2>/dev/null || true; rm -rf "$work"' EXIT

log() { echo "images: $*"; }
for tool in docker mvn java; do
  command -v "$tool" >/dev/null || { echo "images: $tool is missing" >&2; exit 1; }
done
have() { docker image inspect "$1" >/dev/null 2>&1; }

# rootfs NAME PACKAGES... : a copy of the minimal Debian root with the packages installed, imported as an image
minbase=
rootfs_image() {
  local tag=$1; shift
  if have "$tag" && [ -z "${REBUILD_BASE:-}" ]; then
    log "$tag is there"
    return
  fi
  if [ -z "$minbase" ]; then
    command -v debootstrap >/dev/null || { echo "images: debootstrap is missing (apt-get install -y debootstrap)" >&2; exit 1; }
    log "debootstrap bookworm (minbase) from $mirror"
    debootstrap --variant=minbase bookworm "$work/minbase" "$mirror" >"$work/debootstrap.log" 2>&1 \
      || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
    minbase=$work/minbase
  fi
  local root=$work/$(echo "$tag" | tr '/:' '__')
  cp -a "$minbase" "$root"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount -t proc proc "$root/proc"
  # why: a package's postinst must not start its daemon (PostgreSQL, Prometheus) in this machine's namespaces
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  log "installing $* into $tag"
  chroot "$root" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $* >/dev/null \
    && apt-get clean && rm -rf /var/lib/apt/lists/*" 2>&1 | grep -v 'Can not write log' || true
  chroot "$root" /bin/sh -c "dpkg -s $* >/dev/null" || { echo "images: installing $* failed" >&2; exit 1; }
  umount "$root/proc"
  rm -f "$root/usr/sbin/policy-rc.d"
  # documentation and message translations are not read in a container (and would be copied once per layer and
  # per container)
  rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*
  : > "$root/etc/resolv.conf"
  tar -C "$root" -c . | docker import - "$tag" >/dev/null
  log "built $tag"
}

# the image ID a tag names now, or nothing
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

# forget ID: removes an image a rebuild replaced, once no tag names it and no container uses it (an operator's own
# tag, such as a rollback, keeps it); each rebuild would otherwise keep a whole copy on a vfs engine
forget() {
  local id=$1
  [ -n "$id" ] || return 0
  [ "$(docker image inspect --format '{{len .RepoTags}}' "$id" 2>/dev/null || echo 1)" = 0 ] || return 0
  docker rmi "$id" >/dev/null 2>&1 || true
}

# dockerfile TAG ALSO DIR [BUILD_ARGS...]: COPY-only Dockerfiles, built without a network (none is needed), also
# tagged ALSO unless it is -; the image the build replaced is forgotten once neither tag names it
dockerfile() {
  local tag=$1 also=$2 dir=$3; shift 3
  local previous
  previous=$(image_id "$tag")
  DOCKER_BUILDKIT=0 docker build -q --network none "$@" -t "$tag" "$dir" >/dev/null 2>"$work/build.log" \
    || { cat "$work/build.log" >&2; exit 1; }
  [ "$also" = - ] || docker tag "$tag" "$also"
  forget "$previous"
  log "built $tag"
}

# mvn_value EXPRESSION [MVN_ARGS...]: a value of the build's model, as Maven evaluates it
mvn_value() {
  local expression=$1; shift
  (cd "$repo" && mvn -B -q -Dstyle.color=never help:evaluate -Dexpression="$expression" -DforceStdout "$@" \
    | sed 's/\x1b\[[0-9;]*m//g' | tr -cd '0-9A-Za-z.-')
}

rootfs_image nubicustos/jre:17 openjdk-17-jre-headless ca-certificates
rootfs_image nubicustos/postgres-base:15 postgresql-15
rootfs_image nubicustos/prometheus-base:12 prometheus

# the broker is the Kafka version the services are built against (Spring Boot's kafka.version)
kafka_version=$(mvn_value kafka.version -pl infra/standalone)
[ -n "$kafka_version" ] || { echo "images: could not read kafka.version from the build" >&2; exit 1; }
log "Kafka $kafka_version from Maven Central"
cp -a "$here/kafka" "$work/kafka"
mvn -B -q -Dstyle.color=never -f "$here/kafka/pom.xml" -Dkafka.version="$kafka_version" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$work/kafka/libs"
dockerfile "nubicustos/kafka:$kafka_version" nubicustos/kafka:latest "$work/kafka"
dockerfile nubicustos/postgres:15 - "$here/postgres"
dockerfile nubicustos/prometheus:12 - "$here/prometheus"

log "the services (base ${SERVICE_BASE:-nubicustos/jre:17})"
(cd "$repo" && mvn -B -q -Dstyle.color=never -DskipTests -pl api-gateway,scan-worker,report-processor -am package)
version=$(mvn_value project.version -N)
[[ $version =~ ^[0-9][0-9A-Za-z.-]*$ ]] || { echo "images: could not read the project's version (got '$version')" >&2; exit 1; }
revision=$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)
# name|port|user: the processor runs as nobody (65534) in the reports group (47990, the worker's ReportDirectories: the
# report directories and log files are readable by that group only), the others as root (the Dockerfile says why)
for service in "api-gateway|8000|root" "scan-worker|8001|root" "report-processor|8002|65534:47990"; do
  IFS='|' read -r name port run_as <<<"$service"
  mkdir -p "$work/$name"
  cp "$here/service/Dockerfile" "$work/$name/"
  # Spring Boot's own extraction: the application jar and its libraries side by side, started with java -jar
  # (faster than the nested jar, and one directory that goes into the image's one layer)
  java -Djarmode=tools -jar "$repo/$name/target/$name-$version-exec.jar" extract \
    --destination "$work/$name/app" --application-filename app.jar >/dev/null
  cp "$here/service/healthcheck.sh" "$work/$name/app/healthcheck.sh"
  dockerfile "nubicustos/$name:$version" "nubicustos/$name:latest" "$work/$name" \
    --build-arg "BASE=${SERVICE_BASE:-nubicustos/jre:17}" --build-arg "PORT=$port" --build-arg "SERVICE=$name" \
    --build-arg "VERSION=$version" --build-arg "REVISION=$revision" --build-arg "RUN_AS=$run_as"
done
log "done: $(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^nubicustos/' | sort | tr '\n' ' ')"
