#!/bin/sh
# First start: initdb with the given superuser and password (scram-sha-256 over TCP), then the database.
# Every start: PostgreSQL in the foreground as user postgres. SIGINT (the image's stop signal) is a fast
# shutdown: committed data is safe and it takes a second.
set -e
bin=/usr/lib/postgresql/15/bin
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
# why: the names go into SQL and initdb's arguments; plain identifiers only
for name in "$user" "$db"; do
  case "$name" in
    ''|[!A-Za-z_]*|*[!A-Za-z0-9_]*) echo "postgres: '$name' is not a plain name (letters, digits, _)" >&2; exit 1 ;;
  esac
done
mkdir -p "$PGDATA" /run/postgresql
chown -R postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pw=$(mktemp)
  trap 'rm -f "$pw"' EXIT
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pw"
  chown postgres "$pw"
  setpriv --reuid=postgres --regid=postgres --init-groups "$bin/initdb" -D "$PGDATA" -U "$user" --pwfile="$pw" \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pw"
  trap - EXIT
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$db" != "postgres" ]; then
    echo "CREATE DATABASE \"$db\" OWNER \"$user\";" | setpriv --reuid=postgres --regid=postgres --init-groups \
      "$bin/postgres" --single -D "$PGDATA" postgres >/dev/null
  fi
  echo "postgres: initialized $PGDATA for $user, database $db"
fi
# Every start, when the roles are named: a migration owner (owns the database, hence its public schema: Flyway runs
# as it) and a runtime role that reads and writes rows but can change no table. Idempotent; a database whose tables
# belong to another role (a stack from before the split) has them handed to the owner.
if [ -n "${NUBICUSTOS_MIGRATION_USER:-}" ] || [ -n "${NUBICUSTOS_RUNTIME_USER:-}" ]; then
  owner=${NUBICUSTOS_MIGRATION_USER:?set NUBICUSTOS_MIGRATION_USER with NUBICUSTOS_RUNTIME_USER}
  runtime=${NUBICUSTOS_RUNTIME_USER:?set NUBICUSTOS_RUNTIME_USER with NUBICUSTOS_MIGRATION_USER}
  : "${NUBICUSTOS_MIGRATION_PASSWORD:?set NUBICUSTOS_MIGRATION_PASSWORD}" "${NUBICUSTOS_RUNTIME_PASSWORD:?set NUBICUSTOS_RUNTIME_PASSWORD}"
  for name in "$owner" "$runtime"; do
    case "$name" in
      ''|[!A-Za-z_]*|*[!A-Za-z0-9_]*) echo "postgres: '$name' is not a plain name (letters, digits, _)" >&2; exit 1 ;;
    esac
  done
  for secret in "$POSTGRES_PASSWORD" "$NUBICUSTOS_MIGRATION_PASSWORD" "$NUBICUSTOS_RUNTIME_PASSWORD" "${NUBICUSTOS_READER_PASSWORD:-}"; do
    # why: single-user mode ends a statement at a semicolon and a blank line, whatever the quotes: no line breaks at all
    case "$secret" in *"
"*|*"$(printf '\r')"*) echo "postgres: a password holds a line break; use one without" >&2; exit 1 ;; esac
  done
  literal() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }
  # why: single-user mode reads the statements (and the passwords) from stdin, never from any process's arguments
  {
    printf 'DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %s) THEN CREATE ROLE "%s" LOGIN; END IF;\n' "'$owner'" "$owner"
    printf 'IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %s) THEN CREATE ROLE "%s" LOGIN; END IF; END$$;\n\n' "'$runtime'" "$runtime"
    # why: a stack made before the split kept its first superuser password (once nubicustos); .env's is the one now
    printf 'ALTER ROLE "%s" PASSWORD %s;\n\n' "$user" "$(literal "$POSTGRES_PASSWORD")"
    printf 'ALTER ROLE "%s" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %s;\n\n' "$owner" "$(literal "$NUBICUSTOS_MIGRATION_PASSWORD")"
    printf 'ALTER ROLE "%s" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %s;\n\n' "$runtime" "$(literal "$NUBICUSTOS_RUNTIME_PASSWORD")"
    printf 'ALTER DATABASE "%s" OWNER TO "%s";\n\n' "$db" "$owner"
    printf 'REVOKE CREATE ON SCHEMA public FROM PUBLIC;\n\n'
    printf 'GRANT CONNECT, TEMPORARY ON DATABASE "%s" TO "%s";\n\n' "$db" "$runtime"
    printf 'GRANT USAGE ON SCHEMA public TO "%s";\n\n' "$runtime"
    cat <<SQL
DO \$\$DECLARE r record; BEGIN
  FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> '$owner'
             AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I', CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                   WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, r.name, '$owner');
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '$owner'
  LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', r.name, '$owner');
  END LOOP;
END\$\$;

SQL
    printf 'ALTER DEFAULT PRIVILEGES FOR ROLE "%s" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "%s";\n\n' "$owner" "$runtime"
    printf 'ALTER DEFAULT PRIVILEGES FOR ROLE "%s" IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "%s";\n\n' "$owner" "$runtime"
    printf 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "%s";\n\n' "$runtime"
    printf 'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "%s";\n\n' "$runtime"
    # the dashboards' read-only role, when the stack names its password: it may connect; which tables it reads is the
    # migration V27's (scans, steps, findings: never keys, webhook secrets or the audit log)
    if [ -n "${NUBICUSTOS_READER_PASSWORD:-}" ]; then
      printf 'DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %s) THEN CREATE ROLE nubicustos_reader LOGIN; END IF; END$$;\n\n' \
        "'nubicustos_reader'"
      printf 'ALTER ROLE nubicustos_reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %s;\n\n' "$(literal "$NUBICUSTOS_READER_PASSWORD")"
      printf 'GRANT CONNECT ON DATABASE "%s" TO nubicustos_reader;\n\n' "$db"
      printf 'GRANT USAGE ON SCHEMA public TO nubicustos_reader;\n\n'
      printf 'DO $$BEGIN IF to_regclass(%s) IS NOT NULL THEN GRANT SELECT ON scans, scan_steps, findings TO nubicustos_reader; END IF; END$$;\n\n' \
        "'public.findings'"
    fi
  } | setpriv --reuid=postgres --regid=postgres --init-groups "$bin/postgres" --single -j -D "$PGDATA" "$db" >/tmp/roles.log 2>&1 \
    || { grep -iv password /tmp/roles.log >&2; rm -f /tmp/roles.log; echo "postgres: could not set up the roles $owner and $runtime" >&2; exit 1; }
  if grep -q "ERROR" /tmp/roles.log; then grep "ERROR" /tmp/roles.log | grep -iv password >&2; echo "postgres: setting up the roles failed" >&2; rm -f /tmp/roles.log; exit 1; fi
  rm -f /tmp/roles.log
  echo "postgres: $owner owns $db (migrations), $runtime reads and writes its rows"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$bin/postgres" -D "$PGDATA"
