#!/bin/sh
# Sets up (or updates) Temporal's two PostgreSQL databases with the admin tools' temporal-sql-tool,
# the official images' way. Safe to run on every start: `create-database` accepts an existing
# database, `setup-schema -v 0.0` keeps a newer version, and `update-schema` applies only the
# versions past the current one, so a new TEMPORAL_VERSION upgrades the schema before the server starts.
set -eu
: "${POSTGRES_HOST:?}" "${POSTGRES_PORT:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}" "${TEMPORAL_DB:?}" "${TEMPORAL_VISIBILITY_DB:?}"
SCHEMA=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_HOST" -p "$POSTGRES_PORT" -u "$POSTGRES_USER" "$@"
}

setup_database() { # name, versioned schema dir
  echo "setup-schema: database $1"
  sql_tool --db "$1" create-database
  sql_tool --db "$1" setup-schema -v 0.0
  sql_tool --db "$1" update-schema -d "$2"
}

setup_database "$TEMPORAL_DB" "$SCHEMA/temporal/versioned"
setup_database "$TEMPORAL_VISIBILITY_DB" "$SCHEMA/visibility/versioned"
echo "setup-schema: done"
