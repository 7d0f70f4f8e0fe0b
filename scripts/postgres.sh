#!/usr/bin/env bash
# A private PostgreSQL cluster for ./worldweb run and ./worldweb test.
#   scripts/postgres.sh start DIR [DATABASE]   init (once) and start the cluster in DIR, create DATABASE
#                                              (default worldweb); prints its connection string on stdout
#   scripts/postgres.sh stop DIR               stop it (fast shutdown)
# initdb refuses root, so as root the cluster runs as the 'postgres' user; it listens on 127.0.0.1 only,
# on a free port kept in DIR/port, with its socket in DIR/socket. Installs Debian's postgresql if missing.
set -euo pipefail

say() { printf '\033[1m[postgres]\033[0m %s\n' "$*" >&2; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$dir" ]; then
    say "installing Debian's postgresql"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  echo "$dir"
}

as_owner() {  # runs a command as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  for p in $(seq 55432 55532); do
    port_free "$p" && { echo "$p"; return; }
  done
  say "no free port in 55432-55532"; exit 1
}

start() {
  local dir db bin port
  dir=$(realpath -m "$1"); db="${2:-worldweb}"
  bin=$(pg_bin)
  mkdir -p "$dir/socket"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$dir"
    # every folder above DIR must let the postgres user through
    local up="$dir"
    while [ "$up" != "/" ]; do up=$(dirname "$up"); chmod o+x "$up" 2>/dev/null || true; done
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    say "initialising a cluster in $dir/data"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  port=$(cat "$dir/port" 2>/dev/null || true)
  if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    # A restarted cluster keeps its port when it can, so that servers already pointed at it find it again.
    if [ -z "$port" ] || ! port_free "$port"; then port=$(free_port); fi
    echo "$port" > "$dir/port"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c fsync=on" start >/dev/null
    say "started on 127.0.0.1:$port (log $dir/postgres.log)"
  fi
  if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname='$db'" postgres | grep -q 1; then
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
  fi
  echo "Host=127.0.0.1;Port=$port;Database=$db;Username=postgres"
}

stop() {
  local dir bin
  dir=$(realpath -m "$1")
  [ -f "$dir/data/PG_VERSION" ] || return 0
  bin=$(pg_bin)
  if as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    say "stopped the cluster in $dir"
  fi
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start DIR [DATABASE] | stop DIR" >&2; exit 2 ;;
esac
