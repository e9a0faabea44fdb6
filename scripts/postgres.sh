#!/usr/bin/env bash
# A throw-away PostgreSQL server for the database tests.
#
#   scripts/postgres.sh         install PostgreSQL from Debian's packages if missing,
#                               initialise a cluster under var/pg, start it on
#                               127.0.0.1:55432, create database claims_test, and
#                               print its URL (the only thing written to stdout):
#                               TEST_POSTGRES_URL=$(scripts/postgres.sh) pytest
#   scripts/postgres.sh stop    stop it
#
# PG_DIR, PG_PORT and PG_DATABASE choose another directory, port and database
# (the cluster mode, scripts/cluster.sh, runs two such servers).
# Idempotent: a second run reuses the cluster and the running server. The test
# data is disposable, so durability is switched off (fsync, synchronous_commit)
# for speed; PG_DURABLE=1 (the cluster mode: reports are real data) keeps
# PostgreSQL's defaults, every commit on disk. As root the server runs as the `postgres` user that Debian's package
# creates; as any other user it runs as that user.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PG_PORT:-55432}
DATABASE=${PG_DATABASE:-claims_test}
PG_DIR=${PG_DIR:-$PWD/var/pg}
DATA=$PG_DIR/data
SOCKETS=$PG_DIR/run
LOG=$PG_DIR/postgres.log
PASSWORD_FILE=$PG_DIR/password

say() { echo "postgres.sh: $*" >&2; }

server_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install_postgres() {
    if [ -n "$(server_bin)" ] && [ -x "$(server_bin)/initdb" ]; then
        return
    fi
    if [ "$(id -u)" -ne 0 ]; then
        say "PostgreSQL is not installed and installing it needs root: apt-get install postgresql"
        exit 1
    fi
    say "installing PostgreSQL from Debian's packages"
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
}

# Run a command as the user who owns the cluster.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

prepare_dirs() {
    mkdir -p "$PG_DIR"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$PG_DIR"
        if ! runuser -u postgres -- test -w "$PG_DIR"; then
            say "user postgres cannot reach $PG_DIR (a parent directory is private); set PG_DIR"
            exit 1
        fi
    fi
    as_owner mkdir -p "$SOCKETS"
    chmod 700 "$PG_DIR"
}

init_cluster() {
    [ -f "$DATA/PG_VERSION" ] && return
    say "initialising a cluster in $DATA"
    # Hex only, so the password needs no quoting inside a URL.
    as_owner sh -c "umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' > '$PASSWORD_FILE'"
    as_owner "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 --pwfile="$PASSWORD_FILE" >&2
}

start_server() {
    if as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        return
    fi
    say "starting PostgreSQL on 127.0.0.1:$PORT"
    local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${PG_DURABLE:-0}" = "1" ] && durability=""
    # The Unix socket lives in a private directory, so trust on it admits only the owner.
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$SOCKETS \
         $durability" >&2 || {
        say "the server did not start; see $LOG"
        exit 1
    }
}

create_database() {
    local exists
    exists=$(as_owner "$BIN/psql" -h "$SOCKETS" -p "$PORT" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")
    if [ "$exists" != "1" ]; then
        as_owner "$BIN/createdb" -h "$SOCKETS" -p "$PORT" -U postgres "$DATABASE"
    fi
}

stop_server() {
    BIN=$(server_bin)
    if [ -n "$BIN" ] && [ -f "$DATA/PG_VERSION" ] \
        && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
    else
        say "not running"
    fi
}

case "${1:-start}" in
    start)
        install_postgres
        BIN=$(server_bin)
        prepare_dirs
        init_cluster
        start_server
        create_database
        echo "postgresql+psycopg2://postgres:$(as_owner cat "$PASSWORD_FILE")@127.0.0.1:$PORT/$DATABASE"
        ;;
    stop)
        stop_server
        ;;
    *)
        echo "usage: $0 [start|stop]" >&2
        exit 2
        ;;
esac
