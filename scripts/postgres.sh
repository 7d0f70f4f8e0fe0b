#!/usr/bin/env bash
# A private PostgreSQL cluster for ./worldweb run and ./worldweb test.
#   scripts/postgres.sh start DIR [DATABASE]   init (once) and start the cluster in DIR, create DATABASE
#                                              (default worldweb); prints its connection string on stdout
#   scripts/postgres.sh stop DIR               stop it (fast shutdown)
#   scripts/postgres.sh running DIR            exit status 0 when the cluster in DIR runs
# initdb refuses root, so as root the cluster runs as the 'postgres' user; it listens on 127.0.0.1 only,
# on a free port kept in DIR/port, with its socket in DIR/socket (only the cluster's owner may enter it).
# Every connection needs the password generated at init and kept in DIR/pgpass (0600, .pgpass format).
# Installs Debian's postgresql if missing.
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

new_password() { head -c 18 /dev/urandom | base64 | tr '+/' '-_'; }

# psql and createdb as the cluster's owner, over TCP with the password file (never on a command line).
as_client() { as_owner env PGPASSFILE="$dir/pgpass" "$@"; }

start() {
  local dir db bin port
  dir=$(realpath -m "$1"); db="${2:-worldweb}"
  bin=$(pg_bin)
  mkdir -p "$dir/socket"
  chmod 700 "$dir/socket"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$dir"
    # The postgres user must be able to pass through every folder above DIR; only those it cannot get o+x.
    local up="$dir"
    while [ "$up" != "/" ]; do
      up=$(dirname "$up")
      su postgres -s /bin/sh -c "test -x $(printf '%q' "$up")" 2>/dev/null || chmod o+x "$up"
    done
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    say "initialising a cluster in $dir/data (password in $dir/pgpass)"
    write_password
    as_owner sh -c "umask 077; cut -d: -f5 '$dir/pgpass' > '$dir/pwfile'"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$dir/pwfile"
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
  if [ ! -f "$dir/pgpass" ]; then
    # A cluster made before passwords trusted every local connection: give it a password and require it.
    say "setting a password on the cluster in $dir (it trusted every local connection)"
    write_password
    as_owner "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c "ALTER ROLE postgres PASSWORD '$(cut -d: -f5 "$dir/pgpass")'" >/dev/null
    printf '%s\n' "local all all scram-sha-256" "host all all 127.0.0.1/32 scram-sha-256" "host all all ::1/128 scram-sha-256" \
      | as_owner sh -c "cat > '$dir/data/pg_hba.conf'"
    as_owner "$bin/pg_ctl" -D "$dir/data" reload >/dev/null
  fi
  if ! as_client "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname='$db'" postgres | grep -q 1; then
    as_client "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
  fi
  echo "Host=127.0.0.1;Port=$port;Database=$db;Username=postgres;Password=$(cut -d: -f5 "$dir/pgpass")"
}

write_password() {
  (umask 077; echo "*:*:*:postgres:$(new_password)" > "$dir/pgpass")
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir/pgpass"; fi
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

running() {
  local dir
  dir=$(realpath -m "$1")
  [ -f "$dir/data/PG_VERSION" ] && as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  running) shift; running "$@" ;;
  *) echo "usage: $0 start DIR [DATABASE] | stop DIR | running DIR" >&2; exit 2 ;;
esac
