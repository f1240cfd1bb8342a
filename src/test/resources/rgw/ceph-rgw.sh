#!/usr/bin/env bash
#
# ceph-rgw.sh - a throw-away, single-node Ceph cluster with a RADOS Gateway,
# used as a real S3-compatible server by the integration tests.
#
#   ceph-rgw.sh start DIR RGW_PORT ACCESS_KEY SECRET_KEY [MON_PORT]
#   ceph-rgw.sh stop  DIR
#
# "start" builds and starts, entirely inside DIR (an empty folder made by the
# caller):
#   * one monitor (mon.a) bound to 127.0.0.1:MON_PORT (msgr2 only);
#     MON_PORT defaults to RGW_PORT+1,
#   * one OSD (osd.0) on "memstore", an in-memory object store that needs no
#     block device (all data lives in the OSD's RAM and is lost on stop),
#   * one radosgw (client.rgw) with the beast frontend on 127.0.0.1:RGW_PORT,
#   * an RGW user whose S3 credentials are exactly ACCESS_KEY / SECRET_KEY.
# It returns once RGW answers S3 requests, or exits non-zero with a one-line
# "ceph-rgw.sh: ERROR: ..." message plus the tail of the relevant log (and
# stops whatever it had started).
#
# No ceph-mgr is run: nothing here needs one (RGW, pool creation and PG
# peering are all handled by mon + OSD). "ceph -s" therefore shows
# "mgr: no daemons active" and no PG statistics; that is expected.
#
# S3 clients should use http://127.0.0.1:RGW_PORT with path-style addressing
# (no rgw_dns_name is set), any region name, and bucket names that follow
# the S3 rules (3-63 characters). As on AWS, multipart parts other than the
# last must be at least 5 MiB (rgw_multipart_min_part_size).
#
# Nothing outside DIR is read or written: the config, the (unused) keyring,
# the mon store, the OSD folder, logs, admin sockets and pid files are all in
# DIR, and every Ceph command is given "-c DIR/ceph.conf". cephx is off.
#
# The daemons run in the background (not as services) and their pids are
# written to DIR/pids, one per line, in start order (mon, osd, rgw).
# "stop" sends SIGTERM to them one at a time in reverse order, SIGKILL to any
# still alive after a bounded wait, and returns once they are all gone.
# Call "stop" before deleting DIR: it needs DIR/pids.
#
# Several instances may run at the same time in different DIRs, provided
# they are given different RGW and mon ports. The OSD picks its internal
# ports from Ceph's 6800-7300 range by itself, so keep RGW_PORT and MON_PORT
# out of that range.
#
# Tunables (environment):
#   CEPH_RGW_START_TIMEOUT   seconds "start" may take in total (default 120)
#   CEPH_RGW_STOP_TIMEOUT    seconds "stop" waits for each daemon after
#                            SIGTERM before sending SIGKILL (default 10)
#   CEPH_RGW_MEMSTORE_BYTES  capacity the in-memory OSD reports; writes fail
#                            once ~95% of it is used (default 4 GiB; memory
#                            is only used for data actually stored)
#   CEPH_RGW_UID             RGW user id to create (default "test")
#   CEPH_RGW_EXTRA_CONF      text appended to DIR/ceph.conf, e.g.
#                            $'[client.rgw]\nrgw_multipart_min_part_size = 1048576'

set -euo pipefail

readonly PROG=${0##*/}

usage() {
    cat >&2 <<EOF
usage: $PROG start DIR RGW_PORT ACCESS_KEY SECRET_KEY [MON_PORT]
       $PROG stop  DIR
EOF
    exit 2
}

# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

# Print the tail of a log file to stderr, if it exists and is not empty.
# Only timestamped lines are shown when there are any, which skips the
# RocksDB statistics tables in the mon log.
show_log() {
    local f=$1 n=${2:-20}
    [[ -s $f ]] || return 0
    echo "---- last lines of $f ----" >&2
    if grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$f"; then
        grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$f" | tail -n "$n" >&2
    else
        tail -n "$n" "$f" >&2
    fi
    echo "---- end of $f ----" >&2
}

# die MESSAGE [LOGFILE...]: one-line error and log tails, then exit 1 (the
# EXIT trap set by "start" stops whatever was started).
die() {
    local msg=$1 f
    shift
    echo "$PROG: ERROR: $msg" >&2
    for f in "$@"; do show_log "$f"; done
    exit 1
}

# EXIT trap of "start": unless the cluster came up, stop what was started.
cleanup_failed_start() {
    local rc=$?
    if ! ${READY:-false} && ${OWN_PIDS:-false} && [[ -s $DIR/pids ]]; then
        ((rc != 0)) || rc=1
        echo "$PROG: stopping the daemons started so far" >&2
        stop_daemons "$DIR" 5 >/dev/null 2>&1 || true
    fi
    exit "$rc"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

is_port() { [[ $1 =~ ^[0-9]+$ ]] && ((10#$1 >= 1 && 10#$1 <= 65535)); }

# True if something listens on (or is bound to) 127.0.0.1:PORT or *:PORT.
port_in_use() {
    local port=$1
    if command -v ss >/dev/null 2>&1; then
        [[ -n $(ss -Htan "sport = :$port" 2>/dev/null | awk '$1 != "TIME-WAIT"') ]]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
    fi
}

# True if PID is a live (non-zombie) process started by this script for DIR.
# The "-c DIR/ceph.conf" on its command line guards against pid reuse.
is_our_daemon() {
    local pid=$1 dir=$2 state
    [[ -r /proc/$pid/stat ]] || return 1
    state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) || return 1
    [[ $state != Z && $state != X ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-c $dir/ceph.conf "
}

# wait_gone DIR DEADLINE PID...: wait until none of PIDs is alive, or until
# SECONDS reaches DEADLINE; leaves the pids still alive in the array LEFT.
wait_gone() {
    local dir=$1 deadline=$2 pid
    shift 2
    while :; do
        LEFT=()
        for pid in "$@"; do
            if is_our_daemon "$pid" "$dir"; then LEFT+=("$pid"); fi
        done
        ((${#LEFT[@]} == 0 || SECONDS >= deadline)) && return 0
        sleep 0.1
    done
}

# stop_daemons DIR TIMEOUT: stop the daemons one at a time in reverse start
# order (rgw, osd, mon): SIGTERM, then SIGKILL if still alive after TIMEOUT
# seconds. The order matters: a radosgw whose OSD is already gone hangs in
# its shutdown, and an OSD whose mon is gone waits for it before exiting.
stop_daemons() {
    local dir=$1 timeout=$2 pid pids=() i
    [[ -f $dir/pids ]] || return 0
    for pid in $(<"$dir/pids"); do
        [[ $pid =~ ^[0-9]+$ ]] && pids+=("$pid")
    done
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        pid=${pids[i]}
        is_our_daemon "$pid" "$dir" || continue
        kill -TERM "$pid" 2>/dev/null || true
        wait_gone "$dir" $((SECONDS + timeout)) "$pid"
        ((${#LEFT[@]} == 0)) && continue
        echo "$PROG: sending SIGKILL to $pid ($(cat "/proc/$pid/comm" 2>/dev/null)), still alive ${timeout}s after SIGTERM" >&2
        kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$dir" $((SECONDS + 5)) "$pid"
        if ((${#LEFT[@]} > 0)); then
            echo "$PROG: ERROR: pid $pid did not exit after SIGKILL" >&2
            return 1
        fi
    done
    rm -f "$dir/pids"
}

# launch NAME CMD...: run a daemon in the foreground mode (-f) in the
# background, stdin/stdout/stderr detached from the caller, record its pid.
launch() {
    local name=$1 pid
    shift
    "$@" </dev/null >>"$DIR/log/$name.stdout" 2>&1 &
    pid=$!
    echo "$pid" >>"$DIR/pids"
    eval "PID_${name//./_}=$pid"
}

# True if daemon NAME logged that it could not bind its port.
bind_failed() {
    grep -qsE 'unable to bind|failed to bind|Address already in use' \
        "$DIR/log/$1.log" "$DIR/log/$1.stdout"
}

# Fail fast, with the reason, if a daemon we launched has died (or, for the
# mon, is about to die because its port is taken).
check_alive() {
    local name=$1 pid_var="PID_${1//./_}" log=$DIR/log/$1.log
    if [[ $name == mon.a ]] && bind_failed "$name"; then
        die "mon could not bind 127.0.0.1:$MON_PORT (port in use?); pass a free MON_PORT" "$log"
    fi
    kill -0 "${!pid_var}" 2>/dev/null && return 0
    if [[ $name == client.rgw ]] && bind_failed "$name"; then
        die "radosgw could not bind 127.0.0.1:$RGW_PORT (port in use?)" "$DIR/log/$name.stdout" "$log"
    fi
    die "$name exited during startup" "$DIR/log/$name.stdout" "$log"
}

# Seconds left before DEADLINE, at least 1 and at most $1 (if given).
budget() {
    local t=$((DEADLINE - SECONDS))
    ((t >= 1)) || t=1
    [[ -z ${1:-} ]] || ((t <= $1)) || t=$1
    echo "$t"
}

# Run the ceph CLI against our cluster; one attempt takes at most 5 s.
ceph_cli() {
    local t
    t=$(budget 5)
    timeout "$t" ceph -c "$CONF" --connect-timeout "$t" "$@"
}

# --------------------------------------------------------------------------
# start
# --------------------------------------------------------------------------

do_start() {
    (($# == 4 || $# == 5)) || usage
    local dir=$1 rgw_port=$2 access_key=$3 secret_key=$4 mon_port=${5:-}
    local uid=${CEPH_RGW_UID:-test}
    local memstore_bytes=${CEPH_RGW_MEMSTORE_BYTES:-4294967296}
    local t0 bin fsid osd_uuid osd_id code

    t0=$(now)
    DEADLINE=$((SECONDS + ${CEPH_RGW_START_TIMEOUT:-120}))

    [[ -d $dir ]] || { echo "$PROG: ERROR: $dir is not a directory" >&2; exit 1; }
    DIR=$(cd "$dir" && pwd -P)
    CONF=$DIR/ceph.conf
    export CEPH_CONF=$CONF          # belt and braces: never /etc/ceph
    is_port "$rgw_port" || die "RGW_PORT '$rgw_port' is not a port number"
    rgw_port=$((10#$rgw_port))
    [[ -n $mon_port ]] || mon_port=$((rgw_port + 1))
    is_port "$mon_port" || die "MON_PORT '$mon_port' is not a port number"
    [[ $rgw_port != "$mon_port" ]] || die "RGW_PORT and MON_PORT must differ"
    [[ -n $access_key && -n $secret_key ]] || die "ACCESS_KEY and SECRET_KEY must not be empty"
    [[ ! -e $CONF && ! -e $DIR/pids ]] ||
        die "$DIR already holds a cluster (ceph.conf or pids exists); use an empty folder"
    for bin in ceph ceph-mon ceph-osd radosgw radosgw-admin monmaptool curl timeout; do
        command -v "$bin" >/dev/null 2>&1 ||
            die "'$bin' not found (apt-get install ceph-mon ceph-osd radosgw curl)"
    done
    # UNIX socket paths are limited to 107 bytes: without room for them,
    # run without admin sockets (they are only a debugging aid).
    local asok=""
    ((${#DIR} + 32 < 107)) && asok="$DIR/run/\$name.asok"

    RGW_PORT=$rgw_port MON_PORT=$mon_port
    port_in_use "$mon_port" && die "mon port 127.0.0.1:$mon_port is already in use (pass a free MON_PORT)"
    port_in_use "$rgw_port" && die "RGW port 127.0.0.1:$rgw_port is already in use"

    mkdir -p "$DIR/mon/a" "$DIR/osd/0" "$DIR/rgw" "$DIR/run" "$DIR/log" "$DIR/crash"
    : >"$DIR/pids"
    OWN_PIDS=true READY=false       # from here on, a failure stops what we started
    trap cleanup_failed_start EXIT
    trap 'die "interrupted by a signal"' INT TERM HUP
    fsid=$(cat /proc/sys/kernel/random/uuid)

    # ---- configuration -----------------------------------------------------
    cat >"$CONF" <<EOF
# Generated by $PROG for a throw-away test cluster. Everything lives in $DIR.
[global]
fsid = $fsid
mon_host = v2:127.0.0.1:$mon_port
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
# msgr2 only: one port per daemon, no legacy v1 listener.
ms_bind_msgr1 = false
ms_bind_msgr2 = true
# Fail fast (one attempt) if a port is taken rather than retrying 3 x 5 s.
ms_bind_retry_count = 1
ms_bind_retry_delay = 1

# No cephx: this cluster only listens on loopback and lives for one test run.
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
auth_allow_insecure_global_id_reclaim = true

# Keep every file inside $DIR.
run_dir = $DIR/run
crash_dir = $DIR/crash
keyring = $DIR/keyring
log_file = $DIR/log/\$name.log
mon_cluster_log_file = $DIR/log/cluster.log
pid_file =
admin_socket = $asok
log_to_stderr = false
err_to_stderr = true
log_max_recent = 500

# One OSD: replicas of size 1, place them on OSDs rather than hosts.
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
mon_allow_pool_delete = true
osd_crush_chooseleaf_type = 0
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_max_pg_per_osd = 1000
mon_warn_on_pool_no_redundancy = false
mon_warn_on_pool_pg_num_not_power_of_two = false

[mon]
mon_data = $DIR/mon/\$id
# The host disk may be fuller than the default 5%/30% limits allow.
mon_data_avail_crit = 0
mon_data_avail_warn = 0
mon_initial_members = a
# Single mon: commit quickly instead of batching proposals for a second.
paxos_propose_interval = 0.05
paxos_min_wait = 0.01

[osd]
osd_data = $DIR/osd/\$id
osd_objectstore = memstore
memstore_device_bytes = $memstore_bytes
osd_crush_initial_weight = 1
osd_crush_update_on_start = true
# Small footprint: few op threads. (memstore keeps exactly the stored data
# in RAM; osd_memory_target and the caches it tunes are BlueStore's.)
osd_op_num_shards = 2
osd_op_num_threads_per_shard = 1
# Stop at once on SIGTERM; nothing has to be persisted.
osd_fast_shutdown = true
osd_mon_shutdown_timeout = 2

[client]
# Re-check the osdmap every second rather than every 5 s when a request
# waits for an OSD (only matters right after pools are created).
objecter_tick_interval = 1

[client.rgw]
rgw_data = $DIR/rgw
# radosgw defaults to cephx and a "secure" mon session; with auth off that
# would be refused (EACCES), so allow the plain crc mode.
ms_mon_client_mode = crc
# tcp_nodelay: without it every reply with a body (a GET, a listing) waits ~40 ms for the
# client's delayed ACK (Nagle): 50 ms a LIST instead of 6.
rgw_frontends = beast endpoint=127.0.0.1:$rgw_port tcp_nodelay=1
rgw_thread_pool_size = 32
rgw_dynamic_resharding = false
rgw_enable_usage_log = false
# Reclaim space of deleted objects / aborted uploads quickly (memory!).
rgw_gc_obj_min_wait = 60
rgw_gc_processor_period = 60
EOF
    if [[ -n ${CEPH_RGW_EXTRA_CONF:-} ]]; then
        printf '\n# From CEPH_RGW_EXTRA_CONF:\n%s\n' "$CEPH_RGW_EXTRA_CONF" >>"$CONF"
    fi

    # ---- monitor -------------------------------------------------------------
    monmaptool --create --clobber --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" \
        "$DIR/monmap" >"$DIR/log/monmaptool.out" 2>&1 ||
        die "monmaptool failed" "$DIR/log/monmaptool.out"
    ceph-mon -c "$CONF" -i a --mkfs --monmap "$DIR/monmap" \
        >"$DIR/log/mon-mkfs.out" 2>&1 ||
        die "ceph-mon --mkfs failed" "$DIR/log/mon-mkfs.out" "$DIR/log/mon.a.log"
    launch mon.a ceph-mon -c "$CONF" -i a -f

    # Wait for the mon to listen before asking it anything: the ceph CLI
    # would otherwise sit in its connect timeout if the mon died at once.
    while check_alive mon.a && ! port_in_use "$mon_port"; do
        ((SECONDS < DEADLINE)) || die "mon did not listen on 127.0.0.1:$mon_port within the start timeout" \
            "$DIR/log/mon.a.log"
        sleep 0.05
    done
    sleep 0.1                       # a failed bind is logged right away
    check_alive mon.a

    # ---- OSD -------------------------------------------------------------------
    # "osd new" is idempotent for a given uuid, so simply retry it until the
    # mon answers; the first success also proves the mon is up.
    osd_uuid=$(cat /proc/sys/kernel/random/uuid)
    while :; do
        check_alive mon.a
        if osd_id=$(ceph_cli osd new "$osd_uuid" 2>>"$DIR/log/ceph-cli.err"); then
            break
        fi
        ((SECONDS < DEADLINE)) || die "mon did not answer within the start timeout" \
            "$DIR/log/mon.a.log" "$DIR/log/ceph-cli.err"
        sleep 0.2
    done
    [[ $osd_id == 0 ]] || die "unexpected OSD id '$osd_id' (expected 0)"
    ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" \
        >"$DIR/log/osd-mkfs.out" 2>&1 ||
        die "ceph-osd --mkfs failed" "$DIR/log/osd-mkfs.out" "$DIR/log/osd.0.log"
    launch osd.0 ceph-osd -c "$CONF" -i 0 -f

    # Wait until the OSD is up and in the osdmap. A client whose request
    # finds no OSD for its placement group only retries at its next objecter
    # tick, so starting RGW before that point costs it ~5 s.
    until grep -qs 'state: booting -> active' "$DIR/log/osd.0.log"; do
        check_alive osd.0
        ((SECONDS < DEADLINE)) || die "OSD did not come up within the start timeout" \
            "$DIR/log/osd.0.log" "$DIR/log/osd.0.stdout"
        sleep 0.05
    done

    # ---- RGW -------------------------------------------------------------------
    # RGW creates its pools itself and waits until their placement groups are
    # active.
    launch client.rgw radosgw -c "$CONF" -n client.rgw -f

    local url="http://127.0.0.1:$rgw_port/"
    while :; do
        check_alive mon.a
        check_alive osd.0
        check_alive client.rgw
        code=$(curl -s -m 5 -o "$DIR/log/rgw-probe.out" -w '%{http_code}' "$url" 2>/dev/null) || true
        if [[ $code == 200 ]] && grep -q 'ListAllMyBucketsResult' "$DIR/log/rgw-probe.out"; then
            break
        fi
        ((SECONDS < DEADLINE)) || die "RGW did not answer S3 requests on $url within the start timeout" \
            "$DIR/log/client.rgw.log" "$DIR/log/osd.0.log"
        sleep 0.2
    done

    # ---- S3 user -----------------------------------------------------------------
    timeout "$(budget)" radosgw-admin -c "$CONF" -n client.admin user create \
        --uid "$uid" --display-name "loomftp integration tests" \
        --access-key "$access_key" --secret-key "$secret_key" \
        >"$DIR/log/user-create.out" 2>&1 ||
        die "radosgw-admin user create failed" "$DIR/log/user-create.out"

    # Prove the credentials work end to end: a SigV4-signed ListBuckets
    # (curl >= 7.75 signs requests itself; RGW wants x-amz-content-sha256).
    if curl --help all 2>/dev/null | grep -q -- '--aws-sigv4' && [[ $access_key != *:* ]]; then
        code=$(curl -s -m 10 -o "$DIR/log/rgw-auth-probe.out" -w '%{http_code}' \
            --aws-sigv4 "aws:amz:us-east-1:s3" --user "$access_key:$secret_key" \
            -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$url" 2>/dev/null) || true
        if [[ $code != 200 ]] || ! grep -q 'ListAllMyBucketsResult' "$DIR/log/rgw-auth-probe.out"; then
            die "a signed S3 request with the new user's keys failed (HTTP $code)" \
                "$DIR/log/rgw-auth-probe.out" "$DIR/log/client.rgw.log"
        fi
    fi
    check_alive mon.a
    check_alive osd.0
    check_alive client.rgw

    READY=true
    echo "$PROG: RGW ready on $url (mon 127.0.0.1:$mon_port, pids $(paste -sd' ' "$DIR/pids"), $(elapsed "$t0") s)"
}

# --------------------------------------------------------------------------
# stop
# --------------------------------------------------------------------------

do_stop() {
    (($# == 1)) || usage
    [[ -d $1 ]] || { echo "$PROG: ERROR: $1 is not a directory" >&2; exit 1; }
    local dir
    dir=$(cd "$1" && pwd -P)
    stop_daemons "$dir" "${CEPH_RGW_STOP_TIMEOUT:-10}"
}

case ${1:-} in
start) shift; do_start "$@" ;;
stop) shift; do_stop "$@" ;;
*) usage ;;
esac
