#!/bin/bash
# The container's health, for Docker's HEALTHCHECK and compose's depends_on: service_healthy. The service's readiness
# over HTTP on loopback, with bash alone (the image has no curl): healthy when it answers 200.
exec 3<>"/dev/tcp/127.0.0.1/${HEALTH_PORT:-${PORT:-8080}}" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "${HEALTH_PATH:-/actuator/health/readiness}" >&3
IFS= read -r -t 5 status <&3 || exit 1
case "$status" in
  *" 200 "*) exit 0 ;;
  *) echo "not ready: $status"; exit 1 ;;
esac
