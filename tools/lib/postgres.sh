# tools/lib/postgres.sh — start and stop a private PostgreSQL cluster on a Unix socket.
# Copyright 2026 The Tollgate Authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by tools/with-services (throwaway cluster) and the demo (kept cluster).
# PostgreSQL refuses to run as root, so as root the server programs run as the
# `postgres` system user in a directory that user owns.

tg_pg_bindir() {
  local dir
  dir=$(pg_config --bindir 2>/dev/null || true)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  fi
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "PostgreSQL server programs not found: install the 'postgresql' package" >&2
    return 1
  fi
  echo "$dir"
}

# Runs a server program as the cluster's owner.
tg_pg_run() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# tg_pg_start DIR [extra postgres -c settings...]
# DIR holds data/ and the socket; it is created (and initdb'd) when new. Exports PGHOST,
# PGUSER, PGDATABASE and PGPORT for libpq.
tg_pg_start() {
  local dir=$1; shift
  local bindir opts
  bindir=$(tg_pg_bindir) || return 1
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    chmod 0755 "$dir"
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    tg_pg_run "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  fi
  opts="-c listen_addresses='' -k $dir -c max_connections=200"
  for setting in "$@"; do
    opts="$opts -c $setting"
  done
  tg_pg_run "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$opts" start \
    >/dev/null || { cat "$dir/server.log" >&2; return 1; }
  export PGHOST=$dir PGUSER=postgres PGDATABASE=postgres PGPORT=5432
}

# tg_pg_stop DIR
tg_pg_stop() {
  local dir=$1 bindir
  bindir=$(tg_pg_bindir) || return 1
  [ -f "$dir/data/postmaster.pid" ] || return 0
  tg_pg_run "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}
