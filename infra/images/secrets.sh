#!/usr/bin/env bash
# Writes the compose stack's passwords into .env beside compose.yaml (docker-compose reads it), generated at random:
# the bootstrap superuser's, the migration owner's, the runtime role's, the dashboards' read-only role's and Grafana's admin. A password already in
# .env (or given in the environment) is kept; the file is readable by its owner only. The stack refuses to start
# without them: there is no default password.
#
#   infra/images/secrets.sh            # then: NUBICUSTOS_DATA=$PWD/data docker-compose -p nubicustos up -d
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
env_file=${NUBICUSTOS_ENV_FILE:-$repo/.env}
umask 077
touch "$env_file"
chmod 600 "$env_file"
for name in POSTGRES_PASSWORD DATABASE_PASSWORD DATABASE_MIGRATION_PASSWORD DATABASE_READER_PASSWORD GRAFANA_ADMIN_PASSWORD; do
  if grep -q "^$name=" "$env_file"; then
    continue
  fi
  value=${!name:-}
  if [ -z "$value" ]; then
    value=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  fi
  printf '%s=%s\n' "$name" "$value" >> "$env_file"
  echo "secrets: $name written to $env_file"
done
