#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for the tests, under build/pg-test, reachable only through a
# unix socket in that folder (no TCP port, so it cannot clash with anything on the machine).
#
#   scripts/pg-test-cluster.sh start   create (first time) and start; prints the URL
#   scripts/pg-test-cluster.sh stop    stop it (the data stays for the next start)
#   scripts/pg-test-cluster.sh url     print the URL of the running server
#   scripts/pg-test-cluster.sh env     start if needed and print `export DICTRA_TEST_POSTGRES_URL=...`
#   scripts/pg-test-cluster.sh destroy stop and delete build/pg-test
#
# Idempotent: start on a running server and stop on a stopped one succeed and change nothing.
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user
# (created by the postgresql package), which owns the data directory. Durability settings are off:
# this server holds nothing worth an fsync.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base_dir=${DICTRA_PG_TEST_DIR:-$repo_root/build/pg-test}
data_dir=$base_dir/data
socket_dir=$base_dir/run
log_file=$base_dir/postgres.log
port=54329
superuser=dictra
database=dictra_test

pg_bin=${DICTRA_PG_BIN:-}
if [[ -z "$pg_bin" ]]; then
  for candidate in /usr/lib/postgresql/*/bin; do
    [[ -x "$candidate/initdb" ]] && pg_bin=$candidate
  done
fi
[[ -n "$pg_bin" && -x "$pg_bin/initdb" ]] || { echo "pg-test-cluster: no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }

url="postgresql://$superuser@/$database?host=$socket_dir&port=$port"

# Runs a command as the user that owns the cluster.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

is_running() {
  [[ -f "$data_dir/PG_VERSION" ]] && as_owner "$pg_bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1
}

create() {
  [[ -f "$data_dir/PG_VERSION" ]] && return 0
  mkdir -p "$base_dir"
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || { echo "pg-test-cluster: running as root needs the 'postgres' user" >&2; exit 1; }
    # The server user must reach the folder: every parent needs o+x (true for /work/main/build).
    chown postgres: "$base_dir"
    if ! runuser -u postgres -- test -w "$base_dir"; then
      echo "pg-test-cluster: user postgres cannot write $base_dir (check the parents' permissions)" >&2
      exit 1
    fi
  fi
  rm -rf "$data_dir"
  as_owner mkdir -p "$data_dir" "$socket_dir"
  as_owner "$pg_bin/initdb" -D "$data_dir" -U "$superuser" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$base_dir/initdb.log" 2>&1 || { cat "$base_dir/initdb.log" >&2; exit 1; }
  as_owner tee -a "$data_dir/postgresql.conf" >/dev/null <<CONF
# pg-test-cluster.sh: unix socket only, nothing durable.
listen_addresses = ''
unix_socket_directories = '$socket_dir'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
}

start() {
  create
  if ! is_running; then
    as_owner "$pg_bin/pg_ctl" -D "$data_dir" -l "$log_file" -w -t 60 start >/dev/null \
      || { echo "pg-test-cluster: start failed; see $log_file" >&2; tail -20 "$log_file" >&2 || true; exit 1; }
  fi
  if ! as_owner "$pg_bin/psql" -h "$socket_dir" -p "$port" -U "$superuser" -d postgres -Atqc \
      "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
    as_owner "$pg_bin/createdb" -h "$socket_dir" -p "$port" -U "$superuser" "$database"
  fi
}

stop() {
  if is_running; then
    as_owner "$pg_bin/pg_ctl" -D "$data_dir" -m fast -w stop >/dev/null
  fi
}

case "${1:-}" in
  start) start; echo "$url" ;;
  stop) stop ;;
  url)
    is_running || { echo "pg-test-cluster: not running (run: $0 start)" >&2; exit 1; }
    echo "$url" ;;
  env) start; echo "export DICTRA_TEST_POSTGRES_URL='$url'" ;;
  destroy) stop; rm -rf "$base_dir" ;;
  *) echo "usage: $0 start|stop|url|env|destroy" >&2; exit 2 ;;
esac
