#!/usr/bin/env bash
# Private, throwaway PostgreSQL 15 clusters for tests and dev (no systemd, no Docker).
#
#   postgres.sh start [--dir DIR] [--port PORT] [--no-fsync]
#   postgres.sh stop DIR [--keep]
#   postgres.sh restart DIR
#   postgres.sh kill DIR
#
# start and restart print only KEY=VALUE lines on stdout: POSTGRES_DIR, POSTGRES_PORT,
# POSTGRES_PID, POSTGRES_CONNECTION (Npgsql format). `start --dir DIR` on the DIR of a
# stopped or killed cluster restarts it on the same port with the same data.
# Runs as root: the server itself runs as the postgres user (it refuses to run as root).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$SCRIPT_DIR/lib.sh"
lib_init

# Explicit version path: Debian's pg_ctlcluster wrappers want /etc/postgresql clusters.
readonly PG_BIN=/usr/lib/postgresql/15/bin

usage() {
    cat >&2 <<'EOF'
usage: postgres.sh start [--dir DIR] [--port PORT] [--no-fsync]
       postgres.sh stop DIR [--keep]
       postgres.sh restart DIR
       postgres.sh kill DIR
EOF
    exit 2
}

as_postgres() {
    # 3>&- : the postmaster that pg_ctl leaves behind must not inherit the caller's stdout.
    runuser -u postgres -- "$@" 3>&-
}

# postmaster_pid DIR: the live postmaster of DIR's cluster, if any. The pid file can be
# stale after a kill, so the pid must also be alive and be a postgres process.
postmaster_pid() {
    local pid
    pid=$(read_state "$1/data/postmaster.pid" 2>/dev/null || true)
    [[ -n $pid ]] && pid_alive "$pid" && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == postgres ]] || return 0
    printf '%s\n' "$pid"
}

check_state_dir() {
    local dir=$1
    [[ -d $dir ]] || die "no such dir: $dir"
    # Guard for the rm -rf in stop: only ever delete a dir this script set up.
    [[ -e $dir/port || -d $dir/data ]] || die "$dir does not look like a postgres.sh state dir"
}

cmd_start() {
    local dir='' port='' no_fsync=0
    while [[ $# -gt 0 ]]; do
        case $1 in
            --dir) require_value "$@"; dir=$2; shift 2 ;;
            --port) require_value "$@"; port=$2; shift 2 ;;
            --no-fsync) no_fsync=1; shift ;;
            *) usage ;;
        esac
    done
    [[ -z $port ]] || is_port_number "$port" || die "bad port: $port"

    install_if_missing "$PG_BIN/initdb" postgresql

    local fresh=0
    [[ -n $dir ]] || fresh=1
    dir=$(make_state_dir federation-postgres "$dir")
    if ((fresh)); then FED_CREATED_DIR=$dir; fi
    chown postgres:postgres "$dir"
    chmod 700 "$dir"
    # mktemp under a private TMPDIR (e.g. one under /root) would be unreachable for the
    # postgres user; say so plainly instead of letting initdb fail obscurely.
    as_postgres test -w "$dir" || die "user postgres cannot write $dir (is a parent dir closed to it? set TMPDIR or --dir)"

    local running
    running=$(postmaster_pid "$dir")
    [[ -z $running ]] || die "a server for $dir is already running (pid $running); stop or kill it first"
    # After a kill, the old postmaster may still be an unreaped zombie; PostgreSQL would
    # take it for a live server ("lock file postmaster.pid already exists").
    local stale
    stale=$(read_state "$dir/data/postmaster.pid" 2>/dev/null || true)
    if [[ -n $stale ]] && kill -0 "$stale" 2>/dev/null && ! pid_alive "$stale"; then
        wait_for_reaped 30 "$stale" || log "warning: old postmaster $stale still not reaped"
    fi

    local old_port
    old_port=$(read_state "$dir/port" || true)
    if [[ -z $port && -n $old_port ]]; then
        port=$old_port
        log "reusing port $port from $dir/port (restart)"
    fi
    [[ -n $port ]] || port=$(pick_free_port 0)
    check_ports_free "$port"
    # pg_ctl hands -o to a shell: keep DIR to characters that need no quoting there.
    [[ $dir =~ ^[A-Za-z0-9_./+-]+$ ]] || die "unsupported characters in dir: $dir"
    # The Unix socket lives in DIR (-k: there is no /var/run/postgresql here); its path
    # must fit in sun_path (107 bytes).
    local sock="$dir/.s.PGSQL.$port"
    ((${#sock} + 5 <= 107)) || die "socket path too long: $sock.lock (use a shorter --dir or TMPDIR)"

    local t0
    t0=$(now_ms)
    if [[ ! -e $dir/data/PG_VERSION ]]; then
        # --no-sync: initdb's own fsyncs cost seconds and a crash during initdb is not a
        # case worth testing; the running server keeps fsync on unless --no-fsync.
        as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
            --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
            { tail_log_to_stderr "$dir/initdb.log"; die "initdb failed"; }
        log "initdb done in $(($(now_ms) - t0)) ms"
    else
        log "reusing data in $dir/data (restart)"
    fi
    printf '%s\n' "$port" >"$dir/port"
    if ((no_fsync)); then : >"$dir/no_fsync"; else rm -f "$dir/no_fsync"; fi

    # fsync stays on by default: fault tests kill the server and expect committed rows back.
    # track_commit_timestamp: the benchmark ends an event's latency when its consumer's transaction committed
    # (pg_xact_commit_timestamp), not when the consumer stamped it before committing.
    # The WAL as a long-running, write-heavy server has it (the benchmark measures on a cluster initdb made minutes before):
    # - max_wal_size: checkpoints come from checkpoint_timeout, as PostgreSQL advises, not from the WAL filling up. At
    #   the benchmark's write rate the default 1 GB started one every minute or so, and the full-page images written
    #   after each start slowed every commit for a moment (70 ms commits: a slow moment in F½). WAL only takes the space
    #   written between checkpoints.
    # - wal_init_zero=off: a young cluster has no old WAL files to recycle, so each new 16 MB file was zero-filled first,
    #   every 2 s or so under load, and the commits waiting on that flush took 50-60 ms (in pairs, both databases).
    # - shared_buffers: a quarter of the memory (at most 2 GB, as PostgreSQL advises for a dedicated server), not the
    #   128 MB default. With 128 MB the benchmark's tables outgrew the buffer pool within a minute; every new page then
    #   pushed a dirty one out to the kernel's page cache, which the kernel wrote out in bursts of about 100 MB every few
    #   seconds, and each burst held up the WAL flushes of all commits at that moment for 80-100 ms. (With 2 GB the bursts
    #   are smaller and held commits 46-50 ms: PostgreSQL 15 still writes each new page of a growing table through the
    #   page cache.)
    local memory_kb shared_buffers_mb
    memory_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
    shared_buffers_mb=$((memory_kb / 4 / 1024))
    ((shared_buffers_mb <= 2048)) || shared_buffers_mb=2048
    ((shared_buffers_mb >= 128)) || shared_buffers_mb=128
    local opts="-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=300 -c track_commit_timestamp=on -c max_wal_size=8GB -c wal_init_zero=off -c shared_buffers=${shared_buffers_mb}MB"
    ((no_fsync == 0)) || opts+=" -c fsync=off -c synchronous_commit=off"
    if ! as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 -o "$opts" start >&2; then
        log "postgres failed to start on port $port"
        tail_log_to_stderr "$dir/log"
        as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
        exit 1
    fi
    local pid
    pid=$(postmaster_pid "$dir")
    [[ -n $pid ]] || die "postgres started but $dir/data/postmaster.pid names no live postmaster"
    log "ready on port $port in $(($(now_ms) - t0)) ms (pid $pid, fsync $( ((no_fsync)) && echo off || echo on))"

    emit POSTGRES_DIR "$dir"
    emit POSTGRES_PORT "$port"
    emit POSTGRES_PID "$pid"
    emit POSTGRES_CONNECTION "Host=127.0.0.1;Port=$port;Username=postgres;Password=postgres"
}

# stop_server DIR: fast shutdown (rolls back open transactions, checkpoints); SIGKILL the
# tree if it does not go in time, so a test run never hangs on a wedged server.
stop_server() {
    local dir=$1 pid pids
    pid=$(postmaster_pid "$dir")
    if [[ -z $pid ]]; then
        log "no server running for $dir"
        return 0
    fi
    mapfile -t pids < <(process_tree "$pid")
    if as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >&2; then
        wait_for_exit 10 "${pids[@]}" || true
    else
        log "pg_ctl stop failed: SIGKILL"
        kill_pids KILL 10 "${pids[@]}" || die "could not stop pids ${pids[*]}"
    fi
}

cmd_stop() {
    local dir keep
    parse_stop_args "$@"
    dir=$STOP_DIR keep=$STOP_KEEP
    check_state_dir "$dir"
    stop_server "$dir"
    if ((keep)); then
        log "kept $dir"
    else
        rm -rf "$dir"
    fi
}

cmd_restart() {
    [[ $# -eq 1 ]] || usage
    local dir=$1
    check_state_dir "$dir"
    stop_server "$dir"
    local args=(--dir "$dir")
    [[ ! -e $dir/no_fsync ]] || args+=(--no-fsync)
    cmd_start "${args[@]}"
}

cmd_kill() {
    [[ $# -eq 1 ]] || usage
    local dir=$1 pid pids
    check_state_dir "$dir"
    pid=$(postmaster_pid "$dir")
    [[ -n $pid ]] || die "no running postmaster for $dir"
    # The postmaster and its children together, as a crash of the whole server would.
    # Orphaned idle backends would exit on their own once they notice the postmaster is
    # gone, but one busy in a long statement keeps the old shared memory attached, and a
    # restart then fails ("pre-existing shared memory block is still in use").
    # postmaster.pid stays behind on purpose: the next start sees it is stale and runs
    # crash recovery.
    mapfile -t pids < <(process_tree "$pid")
    kill_pids KILL 10 "${pids[@]}" || die "pids survived SIGKILL: ${pids[*]}"
    log "killed postmaster $pid and its children (pids ${pids[*]})"
}

case ${1:-} in
    start) shift; cmd_start "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    restart) shift; cmd_restart "$@" ;;
    kill) shift; cmd_kill "$@" ;;
    *) usage ;;
esac
