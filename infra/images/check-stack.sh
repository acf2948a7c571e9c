#!/usr/bin/env bash
# The compose stack, checked end to end from locally built images: build them (build.sh), bring the stack
# up on a fresh data directory, run the specification's CI/CD script against it (a stand-in Prowler image
# writes a real sample report), check that Prometheus scrapes the three services and loaded the alert
# rules, stop each service with SIGTERM (each must be gone within 10 s), and bring the stack down.
#
#   infra/images/check-stack.sh        (as root; needs docker, docker-compose, debootstrap, mvn, java, curl, jq)
#
# For CI machines and scratch engines only: its worker removes containers of other installations at start-up. It
# refuses to run where Nubicustos containers already run. The stand-ins it builds never carry a real tool's name
# (nubicustos-standin/..., labelled io.nubicustos.standin): the stack runs them through a catalog overlay.
set -euo pipefail
unset API_KEY  # the specification's script calls the API without a key
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
project=nubicustos-check
export NUBICUSTOS_DATA
NUBICUSTOS_DATA=$(mktemp -d /tmp/nubicustos-stack.XXXXXX)
compose() { docker-compose -p "$project" -f "$repo/compose.yaml" --project-directory "$repo" "$@"; }
docker_root=$(docker info --format '{{.DockerRootDir}}' 2>/dev/null || echo /var/lib/docker)
disk() { echo "stack: disk $(df -h --output=avail,size "$docker_root" | tail -n 1 | awk '{print $1 " free of " $2}') under $docker_root"; }
fail() {
  echo "stack: $*" >&2
  disk >&2
  compose ps >&2 || true
  compose logs --tail=60 >&2 || true
  exit 1
}
cleanup() {
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  docker network rm nubicustos_security-net >/dev/null 2>&1 || true  # the worker creates it for the tools
  rm -rf "$NUBICUSTOS_DATA"
}
trap cleanup EXIT

if [ -n "$(docker ps -q --filter label=io.nubicustos.managed)" ]; then
  echo "stack: Nubicustos tool containers run on this Docker engine; the check would disturb them. Not running." >&2
  exit 1
fi
# a Prometheus of this machine (Debian's package starts one on :9090) must not be in the way
export NUBICUSTOS_PROMETHEUS_PORT=${NUBICUSTOS_PROMETHEUS_PORT:-19090}

disk
"$here/build.sh"
# the tools' images cannot be pulled here: stand-ins under names of their own, writing real reports, run through
# the stand-in catalog overlay
STANDIN_SLEEP=2 "$repo/infra/dev/standin-images.sh" "$repo/../shared/samples" >/dev/null

mkdir -p "$NUBICUSTOS_DATA/reports" "$NUBICUSTOS_DATA/credentials/aws" "$NUBICUSTOS_DATA/credentials/kube" "$NUBICUSTOS_DATA/catalog"
cp "$repo/infra/dev/standin-catalog.yaml" "$NUBICUSTOS_DATA/catalog/standin-catalog.yaml"
export NUBICUSTOS_CATALOG_OVERLAY=/app/catalog/standin-catalog.yaml NUBICUSTOS_ALLOW_STANDINS=true
# the stack's passwords, generated as infra/images/secrets.sh does, but kept in this run's data directory
NUBICUSTOS_ENV_FILE="$NUBICUSTOS_DATA/.env" "$here/secrets.sh" >/dev/null
set -a; . "$NUBICUSTOS_DATA/.env"; set +a
printf '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n' > "$NUBICUSTOS_DATA/credentials/aws/credentials"
disk
# the graph file must merge with the stack (its Neo4j image cannot be pulled here, so the graph is not run)
NEO4J_PASSWORD=check-only docker-compose -p "$project" -f "$repo/compose.yaml" -f "$repo/compose.graph.yaml" --project-directory "$repo" \
  config -q || fail "compose.graph.yaml does not merge with compose.yaml"
echo "stack: up"
compose up -d >"$NUBICUSTOS_DATA/compose-up.log" 2>&1 || { cat "$NUBICUSTOS_DATA/compose-up.log" >&2; fail "docker-compose up failed"; }
for _ in $(seq 1 90); do
  curl -sf localhost:8000/readyz >/dev/null 2>&1 && break
  sleep 2
done
curl -sf localhost:8000/readyz >/dev/null || fail "the API did not become ready in 3 minutes"
# the API knows the profiles from the worker's heartbeat (it mounts no credentials): wait for one that names them
for _ in $(seq 1 60); do
  [ "$(curl -sf localhost:8000/api/workers | jq '.workers | length' 2>/dev/null)" -gt 0 ] 2>/dev/null && break
  sleep 2
done
disk  # with the stack up: what its containers took is the difference from the line before

# every container has a health check and reports healthy (compose started the services only once Kafka and PostgreSQL were)
unhealthy=
for _ in $(seq 1 60); do
  unhealthy=$(for c in $(compose ps -q); do
    docker inspect --format '{{.Name}} {{if .State.Health}}{{.State.Health.Status}}{{else}}no-healthcheck{{end}}' "$c"
  done | grep -v ' healthy$' || true)
  [ -z "$unhealthy" ] && break
  sleep 2
done
[ -z "$unhealthy" ] || fail "containers not healthy: $unhealthy"
# the processor needs no root and runs without it; the services' images say what they are (OCI labels)
uid=$(docker exec "$(compose ps -q report-processor)" id -u)
[ "$uid" = 65534 ] || fail "the report processor runs as uid $uid, not nobody (65534)"
for name in api-gateway scan-worker report-processor; do
  label=$(docker image inspect --format '{{index .Config.Labels "org.opencontainers.image.version"}}' "nubicustos/$name:latest")
  [ -n "$label" ] || fail "nubicustos/$name has no org.opencontainers.image.version label"
done
echo "stack: every container healthy; the report processor runs as uid $uid; the images carry OCI labels"

echo "stack: the specification's CI/CD script"
output=$(timeout 300 bash "$here/spec-ci-cd.sh" 2>&1) || fail "the CI/CD script failed: $output"
echo "$output"
echo "$output" | grep -q ': completed, critical=0' || fail "the CI/CD script did not see a completed scan: $output"

# Prometheus scrapes every 15 s; its first round may not have come yet
for _ in $(seq 1 30); do
  up=$(curl -s -G "localhost:$NUBICUSTOS_PROMETHEUS_PORT/api/v1/query" --data-urlencode 'query=sum(up{job=~"nubicustos-.*"})' \
    | jq -r '.data.result[0].value[1] // 0' 2>/dev/null || echo 0)
  [ "$up" = 3 ] && break
  sleep 2
done
[ "$up" = 3 ] || fail "Prometheus sees $up of the 3 services up"
rules=$(curl -s "localhost:$NUBICUSTOS_PROMETHEUS_PORT/api/v1/rules" | jq '[.data.groups[].rules[]] | length' 2>/dev/null || echo 0)
[ "$rules" -gt 0 ] || fail "Prometheus loaded no alert rules"
echo "stack: Prometheus scrapes 3 of 3 services and has $rules alert rules"

for service in api-gateway scan-worker report-processor kafka postgres; do
  start=$(date +%s%N)
  compose stop -t 30 "$service" >/dev/null 2>&1 || fail "docker-compose stop $service failed"
  millis=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "stack: $service stopped ${millis} ms after SIGTERM"
  [ "$millis" -le 10000 ] || fail "$service took ${millis} ms to stop (at most 10 s)"
done
echo "stack: passed"
