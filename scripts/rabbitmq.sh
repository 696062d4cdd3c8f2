#!/usr/bin/env bash
# Private, throwaway RabbitMQ brokers for tests and dev (no systemd, no Docker).
#
#   rabbitmq.sh start [--dir DIR] [--port PORT] [--management]
#   rabbitmq.sh stop DIR [--keep]
#   rabbitmq.sh kill DIR
#   rabbitmq.sh vhost DIR NAME      (a virtual host with full rights for guest)
#
# start prints only KEY=VALUE lines on stdout: RABBITMQ_DIR, RABBITMQ_PORT, RABBITMQ_NODE,
# RABBITMQ_PID, RABBITMQ_URL (and RABBITMQ_MANAGEMENT_PORT with --management).
# `start --dir DIR` on the DIR of a stopped or killed broker restarts it on the same port
# and node name, so its durable queues and persistent messages come back.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$SCRIPT_DIR/lib.sh"
lib_init

# The upstream scripts, not /usr/sbin/rabbitmq*: Debian's wrappers switch to the rabbitmq
# user and its cookie in /var/lib/rabbitmq, and then cannot run or reach a private node.
readonly RABBIT_BIN=/usr/lib/rabbitmq/bin
# The distribution (Erlang inter-node/CLI) port is fixed at PORT-10000 instead of being
# chosen by Erlang at random, so two brokers can never race for it. Below PORT, not above:
# PORT is picked below the kernel's ephemeral range (lib.sh, base_port_max), and PORT+20000
# landed inside it, where a test's outgoing connections (thousands in TIME_WAIT) took the
# distribution port three starts in a row in CI (dist_port_already_used). Tests pick ports
# with the same offset (FreePort.RabbitMqDistributionOffset).
readonly DIST_OFFSET=-10000
# epmd (Erlang's port mapper, TCP 4369) is one daemon shared by every node on the machine:
# the first broker started spawns it and it outlives that broker. This marker records an
# epmd that one of our brokers spawned, so the last `stop` can remove it.
readonly EPMD_MARKER=/tmp/federation-epmd.pid
readonly EPMD_LOCK=/tmp/federation-epmd.lock

usage() {
    cat >&2 <<'EOF'
usage: rabbitmq.sh start [--dir DIR] [--port PORT] [--management]
       rabbitmq.sh stop DIR [--keep]
       rabbitmq.sh kill DIR
       rabbitmq.sh vhost DIR NAME
EOF
    exit 2
}

# ctl DIR NODE ARGS...: the CLI with the broker's HOME, so it reads the same
# $HOME/.erlang.cookie that the node created; with another HOME it is refused
# ("authentication failed"/"unable to connect"). The CLI is itself an Erlang node and
# spawns epmd when none runs (it often wins that race against the starting broker), hence
# ERL_EPMD_ADDRESS here too: epmd must listen on loopback only, whoever spawns it.
ctl() {
    local dir=$1 node=$2
    shift 2
    set_clean_env "$dir"
    "${CLEAN_ENV[@]}" "$RABBIT_BIN/rabbitmqctl" -n "$node" "$@"
}

# set_clean_env DIR: CLEAN_ENV becomes an `env -i ...` prefix giving a command only the
# environment a private node needs. RabbitMQ's scripts honour dozens of RABBITMQ_* / ERL_*
# and even unprefixed variables (NODENAME, SERVER_ERL_ARGS, ...): a caller's environment
# (a test that exports RABBITMQ_URL, a dev's shell) must not leak into the broker or CLI.
# UTF-8 locale: the Elixir-based CLI warns without one. RABBITMQ_CTL_ERL_ARGS: each CLI
# call is an Erlang node whose distribution listener (35672..35682) should not face the
# network either.
set_clean_env() {
    CLEAN_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8
        HOME="$1" RABBITMQ_CONF_ENV_FILE="$1/rabbitmq-env.conf" ERL_EPMD_ADDRESS=127.0.0.1
        RABBITMQ_CTL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}')
}

# live_epmd: pid of the running epmd, if any (a killed one may linger as a zombie).
live_epmd() {
    local p
    for p in $(pgrep -x epmd || true); do
        if pid_alive "$p"; then
            printf '%s\n' "$p"
            return 0
        fi
    done
}

epmd_bin() {
    local e
    e=$(command -v epmd 2>/dev/null || true)
    [[ -n $e ]] || e=$(compgen -G '/usr/lib/erlang/erts-*/bin/epmd' | head -n 1 || true)
    printf '%s\n' "$e"
}

write_config() {
    local dir=$1 mgmt_port=$2
    # RabbitMQ 3.10 new-style config. Logs go to DIR/log only (not also to the console
    # file); info level keeps startup diagnosable, and the cost is negligible.
    {
        echo 'log.console = false'
        echo 'log.file.level = info'
        if [[ -n $mgmt_port ]]; then
            echo "management.tcp.port = $mgmt_port"
            echo 'management.tcp.ip = 127.0.0.1'
        fi
    } >"$dir/rabbitmq.conf"
    if [[ -n $mgmt_port ]]; then
        echo '[rabbitmq_management].' >"$dir/enabled_plugins"
    else
        echo '[].' >"$dir/enabled_plugins"
    fi
    # An empty env file of our own, so /etc/rabbitmq/rabbitmq-env.conf (the system
    # broker's settings) cannot leak into the private node.
    echo '# private broker: settings come from the environment' >"$dir/rabbitmq-env.conf"
}

# launch DIR PORT MGMT_PORT: start the node in the background and wait until it is ready.
# Sets LAUNCH_PID (the wrapper's pid) and returns non-zero if it did not come up.
launch() {
    local dir=$1 port=$2 mgmt_port=$3
    local node="fed$port@localhost" dist_port=$((port + DIST_OFFSET))
    mkdir -p "$dir/mnesia" "$dir/log"
    write_config "$dir" "$mgmt_port"
    printf '%s\n' "$port" >"$dir/port"
    printf '%s\n' "$node" >"$dir/node"
    if [[ -n $mgmt_port ]]; then
        printf '%s\n' "$mgmt_port" >"$dir/management_port"
    else
        rm -f "$dir/management_port"
    fi

    # Shared lock from launch until the node has registered with epmd: `stop` takes it
    # exclusively before removing epmd, so it never pulls epmd from under a starting node.
    exec 8>"$EPMD_LOCK"
    flock -s 8
    local epmd_before
    epmd_before=$(live_epmd)

    # Loopback only, like AMQP: Erlang would otherwise listen for distribution (PORT-10000)
    # on all interfaces.
    : >"$dir/rabbitmq.out"
    set_clean_env "$dir"
    LAUNCH_PID=$(detach "$dir/rabbitmq.out" "${CLEAN_ENV[@]}" \
        RABBITMQ_NODENAME="$node" \
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
        RABBITMQ_NODE_PORT="$port" \
        RABBITMQ_DIST_PORT="$dist_port" \
        RABBITMQ_MNESIA_BASE="$dir/mnesia" \
        RABBITMQ_LOG_BASE="$dir/log" \
        RABBITMQ_CONFIG_FILE="$dir/rabbitmq" \
        RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}' \
        "$RABBIT_BIN/rabbitmq-server")
    printf '%s\n' "$LAUNCH_PID" >"$dir/pid"
    log "started $node (pid $LAUNCH_PID, port $port, dist port $dist_port) in $dir"

    # ping answers as soon as the Erlang node is up, before the broker app runs;
    # await_startup fails until the node is reachable. Hence both, in this order.
    local rc=0
    wait_until 60 0.25 "$LAUNCH_PID" ctl "$dir" "$node" -q ping || rc=$?
    if ((rc == 0)); then
        if [[ -z $epmd_before ]]; then
            local epmd_now
            epmd_now=$(live_epmd)
            [[ -z $epmd_now ]] || printf '%s\n' "$epmd_now" >"$EPMD_MARKER"
        fi
        flock -u 8
        ctl "$dir" "$node" await_startup --timeout 120 >>"$dir/rabbitmq.out" 2>&1 || rc=$?
    fi
    exec 8>&-
    return "$rc"
}

cmd_start() {
    local dir='' port='' management=0
    while [[ $# -gt 0 ]]; do
        case $1 in
            --dir) require_value "$@"; dir=$2; shift 2 ;;
            --port) require_value "$@"; port=$2; shift 2 ;;
            --management) management=1; shift ;;
            *) usage ;;
        esac
    done
    [[ -z $port ]] || is_port_number "$port" || die "bad port: $port"
    ((port == 0 || port + DIST_OFFSET >= 1024)) || die "port must be >= $((1024 - DIST_OFFSET)) (dist port is PORT$DIST_OFFSET)"

    install_if_missing "$RABBIT_BIN/rabbitmq-server" rabbitmq-server

    local fresh=0
    [[ -n $dir ]] || fresh=1
    dir=$(make_state_dir federation-rabbitmq "$dir")
    if ((fresh)); then FED_CREATED_DIR=$dir; fi

    local running
    mapfile -t running < <(broker_pids "$dir")
    [[ ${#running[@]} -eq 0 ]] || die "a broker from $dir is still running (pids ${running[*]}); stop or kill it first"

    # Restart: the mnesia (durable state) directory is named after the node, and the node
    # name after the port, so reusing the old port is what brings durable data back.
    local old_port picked=0
    old_port=$(read_state "$dir/port" || true)
    if [[ -z $port && -n $old_port ]]; then
        port=$old_port
        log "reusing port $port from $dir/port (restart)"
    elif [[ -n $port && -n $old_port && $port != "$old_port" ]]; then
        log "warning: --port $port differs from $old_port in $dir: the node name changes and the old durable state will not be used"
    fi
    if [[ -z $port ]]; then
        port=$(pick_free_port 0 "$DIST_OFFSET")
        picked=1
    fi
    check_ports_free "$port" "$((port + DIST_OFFSET))"

    local mgmt_port=''
    if ((management)); then
        mgmt_port=$(read_state "$dir/management_port" || true)
        if [[ -z $mgmt_port ]] || port_busy "$mgmt_port"; then
            mgmt_port=$(pick_free_port 0)
        fi
    fi

    # The broker binds its ports seconds after our check. If one was taken meanwhile
    # (EADDRINUSE: a connection's ephemeral port, a racing process), try again: with
    # fresh ports when we picked them, else after a pause on the same ports.
    local t0 attempt rc node
    t0=$(now_ms)
    for attempt in 1 2 3; do
        node="fed$port@localhost"
        rc=0
        launch "$dir" "$port" "$mgmt_port" || rc=$?
        ((rc != 0)) || break
        kill_broker "$dir" || true
        # eaddrinuse: the AMQP port; dist_port_already_used: the distribution port (Erlang words it differently).
        if ((attempt < 3)) && grep -qsE 'eaddrinuse|dist_port_already_used' "$dir/rabbitmq.out" "$dir/log/$node.log"; then
            log "a port was taken while $node started; retrying"
            if ((picked)); then
                # Nothing durable yet in a node we just created: start over clean.
                rm -rf "$dir/mnesia" "$dir/log"
                port=$(pick_free_port 0 "$DIST_OFFSET")
                [[ -z $mgmt_port ]] || mgmt_port=$(pick_free_port 0)
            else
                sleep 1
            fi
            continue
        fi
        log "broker $node failed to start (rc $rc)"
        tail_log_to_stderr "$dir/rabbitmq.out" "$dir/log/$node.log"
        maybe_stop_epmd
        exit 1
    done

    # The recorded pid is the /bin/sh rabbitmq-server wrapper (it does not exec); the
    # broker itself is its beam.smp child. Record that too: `kill` must be sure it dies.
    local beam
    beam=$(pgrep -P "$LAUNCH_PID" -x beam.smp | head -n 1 || true)
    [[ -n $beam ]] || beam=$LAUNCH_PID
    printf '%s\n' "$beam" >"$dir/beam.pid"
    log "ready in $(($(now_ms) - t0)) ms"

    emit RABBITMQ_DIR "$dir"
    emit RABBITMQ_PORT "$port"
    emit RABBITMQ_NODE "$node"
    emit RABBITMQ_PID "$beam"
    emit RABBITMQ_URL "amqp://guest:guest@127.0.0.1:$port/"
    [[ -z $mgmt_port ]] || emit RABBITMQ_MANAGEMENT_PORT "$mgmt_port"
}

# runs_node PID NODE: PID is a process of NODE's broker. Checked through the environment
# (RabbitMQ 3.10 does not put the node name on beam's command line), which also keeps a
# recycled PID from an old pid file from being taken for the broker.
runs_node() {
    tr '\0' '\n' 2>/dev/null <"/proc/$1/environ" | grep -Fqx "RABBITMQ_NODENAME=$2"
}

# broker_pids DIR: all OS processes of the broker recorded in DIR: the wrapper's tree,
# plus any beam.smp of that node, should the wrapper already be gone.
broker_pids() {
    local dir=$1 pid node p
    pid=$(read_state "$dir/pid" || true)
    node=$(read_state "$dir/node" || true)
    [[ -n $node ]] || return 0
    {
        if [[ -n $pid ]] && runs_node "$pid" "$node"; then
            process_tree "$pid"
        fi
        for p in $(pgrep -x beam.smp || true); do
            if runs_node "$p" "$node"; then
                process_tree "$p"
            fi
        done
    } | awk '!seen[$0]++'
}

# Remove the shared epmd only if one of our brokers spawned it and no node at all (ours
# or anybody's) is registered any more: `epmd -kill` itself refuses while nodes are
# registered. Skipped (not waited for) while another broker is starting.
maybe_stop_epmd() {
    local marker current epmd
    marker=$(read_state "$EPMD_MARKER" || true)
    [[ -n $marker ]] || return 0
    current=$(live_epmd)
    if [[ $current != "$marker" ]]; then
        rm -f "$EPMD_MARKER"
        return 0
    fi
    epmd=$(epmd_bin)
    [[ -n $epmd ]] || return 0
    (
        flock -x -n 9 || exit 0
        if "$epmd" -kill >/dev/null 2>&1; then
            rm -f "$EPMD_MARKER"
            log "stopped epmd (pid $marker): no nodes left"
        fi
    ) 9>"$EPMD_LOCK"
}

check_state_dir() {
    local dir=$1
    [[ -d $dir ]] || die "no such dir: $dir"
    # Guard for the rm -rf in stop: only ever delete a dir this script set up.
    [[ -e $dir/node || -e $dir/port ]] || die "$dir does not look like a rabbitmq.sh state dir"
}

cmd_stop() {
    local dir keep
    parse_stop_args "$@"
    dir=$STOP_DIR keep=$STOP_KEEP
    check_state_dir "$dir"

    local node pids
    node=$(read_state "$dir/node" || true)
    mapfile -t pids < <(broker_pids "$dir")
    if [[ ${#pids[@]} -gt 0 ]] && ((!keep)); then
        # The dir and its data are deleted next, so a clean shutdown would buy nothing and
        # costs 2.5 s (7.5 s with the management plugin, which waits 5 s on the way out).
        kill_pids KILL 10 "${pids[@]}" || die "could not stop pids ${pids[*]}"
        log "stopped $node (SIGKILL: its data is being discarded)"
    elif [[ ${#pids[@]} -gt 0 ]]; then
        # Keeping the data: a clean shutdown (flushes queues to disk); bounded, since a
        # wedged node must not hang the test run; then escalate.
        set_clean_env "$dir"
        timeout 20 "${CLEAN_ENV[@]}" "$RABBIT_BIN/rabbitmqctl" -n "$node" -q shutdown \
            >/dev/null 2>&1 || true
        if ! wait_for_exit 10 "${pids[@]}"; then
            log "broker did not stop cleanly: SIGTERM"
            if ! kill_pids TERM 10 "${pids[@]}"; then
                log "SIGKILL"
                kill_pids KILL 5 "${pids[@]}" || die "could not stop pids ${pids[*]}"
            fi
        fi
        log "stopped $node"
    else
        log "$node was not running"
    fi
    maybe_stop_epmd
    if ((keep)); then
        log "kept $dir"
    else
        rm -rf "$dir"
    fi
}

# kill_broker DIR: SIGKILL every process of DIR's broker at once (wrapper, beam.smp,
# erl_child_setup, inet_gethost...), as a crash would; epmd is not one of them and stays
# up, as it would after a crash. Returns 1 if there was none.
kill_broker() {
    local pids
    mapfile -t pids < <(broker_pids "$1")
    [[ ${#pids[@]} -gt 0 ]] || return 1
    kill_pids KILL 10 "${pids[@]}" || die "pids survived SIGKILL: ${pids[*]}"
    log "killed $(read_state "$1/node" || echo broker) (pids ${pids[*]})"
}

cmd_kill() {
    [[ $# -eq 1 ]] || usage
    check_state_dir "$1"
    kill_broker "$1" || die "no broker process found for $1"
}

# vhost DIR NAME: a virtual host with full rights for guest, so that tests sharing one
# broker get their own queues and exchanges.
cmd_vhost() {
    [[ $# -eq 2 ]] || usage
    check_state_dir "$1"
    local node
    node=$(read_state "$1/node") || die "no node recorded in $1"
    ctl "$1" "$node" -q add_vhost "$2" >&2
    ctl "$1" "$node" -q set_permissions -p "$2" guest '.*' '.*' '.*' >&2
    emit RABBITMQ_VHOST "$2"
}

case ${1:-} in
    start) shift; cmd_start "$@" ;;
    vhost) shift; cmd_vhost "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    kill) shift; cmd_kill "$@" ;;
    *) usage ;;
esac
