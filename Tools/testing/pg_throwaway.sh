#!/bin/sh
# A throwaway PostgreSQL server for the shared ledger's tests (Debian's postgresql; its programs are in
# /usr/lib/postgresql/<version>/bin, not on PATH). The server refuses to run as root, so as root it runs as the
# `postgres` user, with its own data folder under /tmp and its own port, on loopback only.
#   pg_throwaway.sh start DIR   initdb into DIR, start on a free port, create database `shotrunner`;
#                               prints the ledger URL (postgres://shotrunner@127.0.0.1:PORT/shotrunner?sslmode=disable)
#   pg_throwaway.sh stop DIR    stop it (immediate) and remove DIR
#   pg_throwaway.sh kill DIR    stop it at once (immediate shutdown), keeping DIR (a test restarts it)
#   pg_throwaway.sh restart DIR start it again on the port it had
# PG_SERVER_OPTIONS adds server options (make bench: -c shared_preload_libraries=pg_stat_statements, to count
# statements).
set -eu
action=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed: apt-get install postgresql (make test does)" >&2; exit 3; }
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
# The server outlives this script: it must not inherit a descriptor of the caller's (a test runner that watches a
# descriptor for its child's end would wait for the server instead). Python closes every one above 2 for it.
detached() {
    as_owner python3 -c 'import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:], close_fds=True))' "$@"
}
case "$action" in
start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U shotrunner --no-sync >/dev/null
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo "$port" > "$dir/port"
    [ "$(id -u)" = 0 ] && chown postgres "$dir/port"
    detached "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 ${PG_SERVER_OPTIONS:-}" start >/dev/null
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U shotrunner shotrunner
    echo "postgres://shotrunner@127.0.0.1:$port/shotrunner?sslmode=disable"
    ;;
restart)
    port=$(cat "$dir/port")
    detached "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 ${PG_SERVER_OPTIONS:-}" start >/dev/null
    ;;
kill)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: pg_throwaway.sh start|stop|kill|restart DIR" >&2
    exit 2
    ;;
esac
