# shellcheck shell=bash
# Shared helpers for scripts/rabbitmq.sh, scripts/postgres.sh and scripts/orthanc.sh.
# Sourced, never run. The sourcing script must already have `set -euo pipefail`.
#
# Output contract (tests parse it): STDOUT carries only KEY=VALUE lines written by `emit`;
# everything else goes to stderr. `lib_init` enforces that by moving the caller's stdout to
# fd 3 and pointing fd 1 at stderr, so a stray `echo` or apt-get chatter cannot pollute the
# KEY=VALUE stream. Every detached child must therefore be started with `3>&-` (see
# `detach`), or it would keep the caller's stdout pipe open and a .NET test reading it to EOF
# would hang until the service dies.

# Global lock/reservation files live in /tmp, not $TMPDIR: they must be shared by every
# caller on the machine, whatever TMPDIR each test run uses.
readonly FED_APT_LOCK=/tmp/federation-apt.lock
readonly FED_PORT_LOCK=/tmp/federation-ports.lock
readonly FED_PORT_RESERVATIONS=/tmp/federation-ports
# A reserved port stays reserved this long: enough for a slow broker start to bind it.
readonly FED_PORT_RESERVATION_SECONDS=300
readonly FED_PORT_MIN=15000
readonly FED_PORT_MAX=44999
# Ports never chosen: every rabbitmqctl call is itself an Erlang node listening on the
# first free port of 35672..35682; 25672 is a system RabbitMQ's distribution port.
readonly FED_PORT_AVOID=(25672 35672-35682)

FED_SCRIPT_NAME=${FED_SCRIPT_NAME:-$(basename "$0")}

lib_init() {
    exec 3>&1 1>&2
    trap cleanup_on_failure EXIT
}

# A state dir that this run created with mktemp (set by the scripts). Removed again if
# the run fails, whatever the failure: the caller never learned its path, so nobody else
# would. Given dirs (--dir) are never removed on failure: they may hold state to keep.
FED_CREATED_DIR=''

cleanup_on_failure() {
    local rc=$?
    if ((rc != 0)) && [[ -n $FED_CREATED_DIR && -d $FED_CREATED_DIR ]]; then
        rm -rf "$FED_CREATED_DIR"
    fi
}

log() {
    printf '%s: %s\n' "$FED_SCRIPT_NAME" "$*" >&2
}

die() {
    log "error: $*"
    exit 1
}

# emit KEY VALUE: the only thing the scripts ever write to the caller's stdout.
emit() {
    printf '%s=%s\n' "$1" "$2" >&3
}

now_ms() {
    date +%s%3N
}

# require_value OPTION "$@": fail clearly when an option's argument is missing.
require_value() {
    [[ $# -ge 2 && -n $2 ]] || die "option $1 needs a value"
}

is_port_number() {
    [[ $1 =~ ^[0-9]+$ ]] && ((10#$1 >= 1 && 10#$1 <= 65535))
}

# install_if_missing PATH PACKAGE...: apt-get install PACKAGEs unless PATH exists.
# Several test fixtures may start at once on a fresh machine; dpkg would fail on its own
# lock, so installs are serialized on a flock and PATH is re-checked under it (the first
# caller installs, the others find it done).
install_if_missing() {
    local path=$1
    shift
    [[ -e $path ]] && return 0
    log "$path missing: installing $* (apt-get)"
    (
        flock 9
        if [[ ! -e $path ]]; then
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq
            apt-get install -y -qq "$@"
        else
            log "$path was installed meanwhile by a concurrent caller"
        fi
    ) 9>"$FED_APT_LOCK" 3>&-
    [[ -e $path ]] || die "$path still missing after installing $*"
}

# port_busy PORT: a TCP socket (v4 or v6) other than TIME-WAIT has this local port.
# All states, not only LISTEN: a connection using PORT as its local port also makes a
# later bind fail. TIME-WAIT is left out on purpose: RabbitMQ, PostgreSQL and Orthanc all
# bind with SO_REUSEADDR, which Linux lets past TIME-WAIT; a broker restarted right after
# a clean stop finds its distribution port in TIME-WAIT for a minute.
port_busy() {
    local out
    out=$(ss -Htan exclude time-wait "( sport = :$1 )" 2>/dev/null) || return 0
    [[ -n $out ]]
}

# port_reserved PORT: another of our scripts picked PORT moments ago and may not have
# bound it yet.
port_reserved() {
    local f="$FED_PORT_RESERVATIONS/$1" mtime
    [[ -e $f ]] || return 1
    mtime=$(stat -c %Y "$f" 2>/dev/null) || return 1
    (($(date +%s) - mtime < FED_PORT_RESERVATION_SECONDS))
}

port_avoided() {
    local r
    for r in "${FED_PORT_AVOID[@]}"; do
        if (($1 >= ${r%-*} && $1 <= ${r#*-})); then
            return 0
        fi
    done
    return 1
}

# base_port_max: the highest base port to pick. Capped below the kernel's ephemeral range
# (32768.. by default) when that leaves room: a port there can be taken at any moment as
# the local port of some outgoing connection (a CLI poll, a test client), and a service
# that binds seconds after we checked, like RabbitMQ's AMQP listener, then fails with
# EADDRINUSE. Seen once in six parallel starts before this cap.
base_port_max() {
    local low _
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=''
    if [[ -n $low ]] && ((low - 1 < FED_PORT_MAX && low - 1 >= FED_PORT_MIN + 1000)); then
        printf '%s\n' "$((low - 1))"
    else
        printf '%s\n' "$FED_PORT_MAX"
    fi
}

# pick_free_port OFFSET...: print a random port P in 15000..44999 (see base_port_max)
# such that P+OFFSET is free for each OFFSET (`0` for P alone; `0 -10000` adds RabbitMQ's
# distribution port). Random rather than sequential so parallel callers rarely even
# contend; the flock plus a short-lived reservation file closes the window between
# choosing a port and binding it.
pick_free_port() {
    local offsets=("$@") tries port candidate off ok max
    [[ ${#offsets[@]} -gt 0 ]] || die "pick_free_port: no offsets"
    max=$(base_port_max)
    mkdir -p "$FED_PORT_RESERVATIONS"
    (
        flock 9
        # Expired reservations would only pile up.
        find "$FED_PORT_RESERVATIONS" -type f -mmin +$((FED_PORT_RESERVATION_SECONDS / 60)) -delete 2>/dev/null || true
        for ((tries = 0; tries < 500; tries++)); do
            port=$(shuf -i "$FED_PORT_MIN-$max" -n 1)
            ok=1
            for off in "${offsets[@]}"; do
                candidate=$((port + off))
                if ((candidate > 65535)) || port_avoided "$candidate" ||
                    port_busy "$candidate" || port_reserved "$candidate"; then
                    ok=0
                    break
                fi
            done
            if ((ok)); then
                for off in "${offsets[@]}"; do
                    touch "$FED_PORT_RESERVATIONS/$((port + off))"
                done
                printf '%s\n' "$port"
                exit 0
            fi
        done
        exit 1
    ) 9>"$FED_PORT_LOCK" 3>&- || die "no free port found in $FED_PORT_MIN..$max"
}

# check_ports_free PORT...: fail early (with a readable message) instead of letting the
# service die on EADDRINUSE.
check_ports_free() {
    local p
    for p in "$@"; do
        ! port_listening "$p" || die "port $p is already in use: $(ss -Htlnp "( sport = :$p )" | head -n 3)"
    done
}

# port_listening PORT: something listens on PORT. The check before (re)binding a server: its
# old connections (FIN-WAIT, CLOSE-WAIT after a fast shutdown, TIME-WAIT) do not stop a bind
# with SO_REUSEADDR, which PostgreSQL, RabbitMQ and Orthanc all use; only a listener does.
port_listening() {
    local out
    out=$(ss -Htln "( sport = :$1 )" 2>/dev/null) || return 0
    [[ -n $out ]]
}

# make_state_dir PREFIX [DIR]: print the state dir, creating a fresh mktemp one if DIR is
# empty. A given DIR may already exist (a restart of a killed service reuses its state).
make_state_dir() {
    local prefix=$1 dir=${2:-}
    if [[ -z $dir ]]; then
        dir=$(mktemp -d "${TMPDIR:-/tmp}/$prefix.XXXXXXXX")
    else
        mkdir -p "$dir"
        dir=$(cd "$dir" && pwd -P)
    fi
    printf '%s\n' "$dir"
}

read_state() {
    local f=$1
    [[ -s $f ]] || return 1
    head -n 1 "$f"
}

# pid_alive PID: running and not a zombie. Killed services are re-parented to PID 1, which
# on these machines reaps only now and then; a zombie must already count as gone.
pid_alive() {
    local stat
    [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null || return 1
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# wait_until TIMEOUT_S INTERVAL_S PID CMD...: run CMD until it succeeds (0), TIMEOUT_S
# passes (1) or PID (if non-empty) dies (2). Watching PID turns "port in use" and similar
# startup crashes into an immediate failure instead of a full timeout.
wait_until() {
    local timeout=$1 interval=$2 pid=$3 deadline
    shift 3
    deadline=$(($(now_ms) + timeout * 1000))
    while true; do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        if [[ -n $pid ]] && ! pid_alive "$pid"; then
            return 2
        fi
        if (($(now_ms) >= deadline)); then
            return 1
        fi
        sleep "$interval"
    done
}

# wait_for_reaped TIMEOUT_S PID: wait until PID is gone even as a zombie. PID 1 on these
# machines reaps orphans only about every 2 s, and some checks (PostgreSQL's stale
# postmaster.pid test: kill(pid, 0)) take a zombie for a live process.
wait_for_reaped() {
    local deadline
    deadline=$(($(now_ms) + $1 * 1000))
    while kill -0 "$2" 2>/dev/null; do
        (($(now_ms) < deadline)) || return 1
        sleep 0.1
    done
}

# wait_for_exit TIMEOUT_S PID...: wait until all PIDs are gone; 1 if some survive.
wait_for_exit() {
    local timeout=$1 deadline p alive
    shift
    deadline=$(($(now_ms) + timeout * 1000))
    while true; do
        alive=0
        for p in "$@"; do
            if pid_alive "$p"; then
                alive=1
                break
            fi
        done
        ((alive)) || return 0
        (($(now_ms) < deadline)) || return 1
        sleep 0.1
    done
}

# process_tree PID: PID and all its descendants, one per line, parents first. Not the
# session: Erlang's erl_child_setup and its helpers call setsid() themselves.
process_tree() {
    local p=$1 c
    pid_alive "$p" || return 0
    printf '%s\n' "$p"
    for c in $(pgrep -P "$p" || true); do
        process_tree "$c"
    done
}

# kill_pids SIGNAL TIMEOUT_S PID...: signal PIDs and wait until they are gone.
kill_pids() {
    local sig=$1 timeout=$2
    shift 2
    [[ $# -gt 0 ]] || return 0
    kill "-$sig" "$@" 2>/dev/null || true
    wait_for_exit "$timeout" "$@"
}

# kill_tree SIGNAL PID: signal PID and its descendants together (collected first, so
# children re-parented by the parent's death are not missed), then wait for them.
kill_tree() {
    local pids
    mapfile -t pids < <(process_tree "$2")
    kill_pids "$1" 10 "${pids[@]}"
}

# detach LOGFILE CMD...: start CMD in the background in a new session (setsid: no
# controlling terminal, its own process group, so it is not killed with the caller's
# group and can be killed as a whole) with stdin from /dev/null, stdout/stderr to LOGFILE
# and the caller's stdout (fd 3) and the scripts' lock fds (8, 9) closed, so the service
# holds neither the caller's pipe nor a lock for its whole life. Prints the child's PID:
# a non-interactive bash starts background jobs without job control, so the child is not
# a group leader and setsid(1) calls setsid() in place instead of forking (same PID).
detach() {
    local logfile=$1
    shift
    setsid "$@" </dev/null >>"$logfile" 2>&1 3>&- 8>&- 9>&- &
    printf '%s\n' "$!"
}

# json_string VALUE: VALUE as a JSON string literal (enough for names and paths).
json_string() {
    local s=$1
    [[ $s != *[[:cntrl:]]* ]] || die "control characters are not allowed: $s"
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    printf '"%s"' "$s"
}

# tail_log_to_stderr FILE...: show why a service failed to start.
tail_log_to_stderr() {
    local f
    for f in "$@"; do
        [[ -s $f ]] || continue
        log "---- last 40 lines of $f ----"
        tail -n 40 "$f" >&2
    done
}

# parse_stop_args "$@": the arguments of every script's `stop DIR [--keep]`, into STOP_DIR and
# STOP_KEEP (1 to keep the state dir). Calls the script's own usage on anything else.
# shellcheck disable=SC2034 # STOP_DIR and STOP_KEEP are read by the sourcing script
parse_stop_args() {
    STOP_DIR='' STOP_KEEP=0
    while [[ $# -gt 0 ]]; do
        case $1 in
            --keep) STOP_KEEP=1; shift ;;
            -*) usage ;;
            *) [[ -z $STOP_DIR ]] || usage; STOP_DIR=$1; shift ;;
        esac
    done
    [[ -n $STOP_DIR ]] || usage
}
