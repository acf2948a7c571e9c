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
exec setpriv --reuid=postgres --regid=postgres --init-groups "$bin/postgres" -D "$PGDATA"
