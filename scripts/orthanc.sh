#!/usr/bin/env bash
# Private Orthanc (DICOM server) instances for tests and dev, one per simulated hospital.
#
#   orthanc.sh start [--dir DIR] [--port PORT] [--name NAME]
#   orthanc.sh stop DIR [--keep]
#   orthanc.sh kill DIR
#
# start prints only KEY=VALUE lines on stdout: ORTHANC_DIR, ORTHANC_PORT, ORTHANC_PID,
# ORTHANC_URL. `start --dir DIR` on the DIR of a stopped or killed instance restarts it on
# the same port and name, with its stored instances.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$SCRIPT_DIR/lib.sh"
lib_init

# Installing Debian's orthanc package may start a system Orthanc service (HTTP 8042, DICOM
# 4242) from its postinst, on machines whose policy-rc.d allows it (this machine image's
# denies it). We leave such a service alone: our instances use their own ports and dirs.
readonly ORTHANC_BIN=/usr/sbin/Orthanc

usage() {
    cat >&2 <<'EOF'
usage: orthanc.sh start [--dir DIR] [--port PORT] [--name NAME]
       orthanc.sh stop DIR [--keep]
       orthanc.sh kill DIR
EOF
    exit 2
}

# orthanc_pid DIR: the live Orthanc of DIR, if any (the pid file may be stale or recycled).
orthanc_pid() {
    local pid
    pid=$(read_state "$1/pid" || true)
    [[ -n $pid ]] && pid_alive "$pid" && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == Orthanc ]] || return 0
    printf '%s\n' "$pid"
}

system_ready() {
    curl -fsS --max-time 2 "http://127.0.0.1:$1/system"
}

write_config() {
    local dir=$1 port=$2 name=$3
    # Everything off that is not needed: no DICOM listener (no port to collide), no auth,
    # no plugins (the package's default plugin folder would otherwise be scanned).
    # Debian's Orthanc 1.10.1 has no bind-address option: it listens on 0.0.0.0:PORT
    # whatever the config says (unknown keys are ignored silently; there is no
    # "HttpBindAddress"), and RemoteAccessAllowed=false is what refuses non-loopback
    # clients. "HttpBindAddresses" (a list) is the option Orthanc's mainline gained in
    # September 2025; set so that a newer Orthanc binds loopback only.
    local jname jstorage jindex
    # Assigned first, not inside the heredoc, so that a rejected value stops the script.
    jname=$(json_string "$name")
    jstorage=$(json_string "$dir/storage")
    jindex=$(json_string "$dir/index")
    cat >"$dir/orthanc.json" <<EOF
{
  "Name": $jname,
  "StorageDirectory": $jstorage,
  "IndexDirectory": $jindex,
  "HttpPort": $port,
  "HttpBindAddresses": ["127.0.0.1"],
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "DicomServerEnabled": false,
  "Plugins": []
}
EOF
}

check_state_dir() {
    local dir=$1
    [[ -d $dir ]] || die "no such dir: $dir"
    # Guard for the rm -rf in stop: only ever delete a dir this script set up.
    [[ -e $dir/orthanc.json || -e $dir/port ]] || die "$dir does not look like an orthanc.sh state dir"
}

cmd_start() {
    local dir='' port='' name=''
    while [[ $# -gt 0 ]]; do
        case $1 in
            --dir) require_value "$@"; dir=$2; shift 2 ;;
            --port) require_value "$@"; port=$2; shift 2 ;;
            --name) require_value "$@"; name=$2; shift 2 ;;
            *) usage ;;
        esac
    done
    [[ -z $port ]] || is_port_number "$port" || die "bad port: $port"

    install_if_missing "$ORTHANC_BIN" orthanc

    local fresh=0
    [[ -n $dir ]] || fresh=1
    dir=$(make_state_dir federation-orthanc "$dir")
    if ((fresh)); then FED_CREATED_DIR=$dir; fi

    local running
    running=$(orthanc_pid "$dir")
    [[ -z $running ]] || die "an Orthanc for $dir is already running (pid $running); stop or kill it first"

    local old_port
    old_port=$(read_state "$dir/port" || true)
    if [[ -z $port && -n $old_port ]]; then
        port=$old_port
        log "reusing port $port from $dir/port (restart)"
    fi
    [[ -n $port ]] || port=$(pick_free_port 0)
    check_ports_free "$port"
    [[ -n $name ]] || name=$(read_state "$dir/name" || true)
    [[ -n $name ]] || name="federation-orthanc-$port"

    mkdir -p "$dir/storage" "$dir/index"
    write_config "$dir" "$port" "$name"
    printf '%s\n' "$port" >"$dir/port"
    printf '%s\n' "$name" >"$dir/name"

    local t0 pid rc=0
    t0=$(now_ms)
    pid=$(detach "$dir/orthanc.log" "$ORTHANC_BIN" "$dir/orthanc.json")
    printf '%s\n' "$pid" >"$dir/pid"
    wait_until 30 0.1 "$pid" system_ready "$port" || rc=$?
    if ((rc != 0)); then
        log "Orthanc failed to start on port $port (rc $rc)"
        tail_log_to_stderr "$dir/orthanc.log"
        kill_tree KILL "$pid" || true
        exit 1
    fi
    log "ready on port $port in $(($(now_ms) - t0)) ms (pid $pid, name $name)"

    emit ORTHANC_DIR "$dir"
    emit ORTHANC_PORT "$port"
    emit ORTHANC_PID "$pid"
    emit ORTHANC_URL "http://127.0.0.1:$port"
}

cmd_stop() {
    local dir keep
    parse_stop_args "$@"
    dir=$STOP_DIR keep=$STOP_KEEP
    check_state_dir "$dir"

    local pid
    pid=$(orthanc_pid "$dir")
    if [[ -n $pid ]] && ((!keep)); then
        # The dir is deleted next: no point in the 1.5-2 s clean shutdown.
        kill_pids KILL 10 "$pid" || die "could not stop pid $pid"
        log "stopped Orthanc $pid (SIGKILL: its data is being discarded)"
    elif [[ -n $pid ]]; then
        # Keeping the data: SIGTERM is Orthanc's clean shutdown (finishes requests, closes
        # the SQLite index).
        if ! kill_pids TERM 15 "$pid"; then
            log "Orthanc $pid ignored SIGTERM: SIGKILL"
            kill_pids KILL 5 "$pid" || die "could not stop pid $pid"
        fi
        log "stopped Orthanc $pid"
    else
        log "no Orthanc running for $dir"
    fi
    if ((keep)); then
        log "kept $dir"
    else
        rm -rf "$dir"
    fi
}

cmd_kill() {
    [[ $# -eq 1 ]] || usage
    local dir=$1 pid
    check_state_dir "$dir"
    pid=$(orthanc_pid "$dir")
    [[ -n $pid ]] || die "no running Orthanc for $dir"
    kill_pids KILL 10 "$pid" || die "pid $pid survived SIGKILL"
    log "killed Orthanc $pid"
}

case ${1:-} in
    start) shift; cmd_start "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    kill) shift; cmd_kill "$@" ;;
    *) usage ;;
esac
