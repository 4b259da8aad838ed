#!/usr/bin/env bats
# Kubernetes' path to the runtime: containerd's CRI plugin and its runc shim
# (BinaryName) driving hull-runtime, with a test client playing kubelet.
#
# A private containerd 1.6 (own config, root, state, socket) runs inside a
# network and mount namespace this file creates: the CNI bridge, veths, routes
# and pod network namespaces live there, /run and /var/lib/cni are tmpfs there,
# and nothing of the host's network is touched.  Its CRI plugin has two
# handlers, `hull` (BinaryName = $HULL_RUNTIME) and `runc` (Debian's runc), and
# every scenario runs on both: the runc runs show the test is honest.
#
# The client is tests/clients/cri/cri.py, a minimal CRI v1 client over stubs
# generated here from our own tests/clients/cri/runtime_v1.proto.  The pod
# sandbox image is a static pause program (tests/clients/cri/pause.c) built
# here, the containers use the busybox test image; both are imported with
# `ctr -n k8s.io images import`.  CNI is Debian's containernetworking-plugins
# (bridge + host-local + loopback, and portmap for hostPort when iptables is
# there: its rules are the node namespace's), with its config and bin dir in
# the test's directory.  Pods get kubelet's cgroupfs-driver cgroup parents
# (/kubepods/burstable/pod<uid>) below a cgroup of this file's own.

load helpers
bats_require_minimum_version 1.5.0

IMAGE=localhost/busybox:busybox
PAUSE_IMAGE=localhost/hull-pause:pause
POD_SUBNET=10.88.7

# cri_requirements: sets CRI_SKIP to the reason this file cannot run here.
cri_requirements() {
    CRI_SKIP=
    local cmd
    [ "$(id -u)" = 0 ] || { CRI_SKIP="containerd's CRI plugin needs root"; return 1; }
    for cmd in containerd ctr containerd-shim-runc-v2 umoci cc unshare nsenter ip jq; do
        command -v "$cmd" >/dev/null || { CRI_SKIP="$cmd is not installed (make deps)"; return 1; }
    done
    command -v runc >/dev/null || { CRI_SKIP="runc is not installed (the runc handler is the honest twin)"; return 1; }
    # Debian's python3-grpcio lives in /usr/bin/python3's path, not in a
    # python3 that a version manager put first on PATH
    CRI_PY=
    for cmd in /usr/bin/python3 python3; do
        if "$cmd" -c 'import grpc, grpc_tools.protoc' 2>/dev/null; then CRI_PY=$cmd; break; fi
    done
    [ -n "$CRI_PY" ] || { CRI_SKIP="python3-grpcio and python3-grpc-tools are not installed"; return 1; }
    CNI_BIN=
    for cmd in /usr/lib/cni /opt/cni/bin; do
        if [ -x "$cmd/bridge" ] && [ -x "$cmd/host-local" ] && [ -x "$cmd/loopback" ]; then CNI_BIN=$cmd; break; fi
    done
    [ -n "$CNI_BIN" ] || { CRI_SKIP="CNI bridge/host-local/loopback plugins not found (apt-get install containernetworking-plugins)"; return 1; }
    return 0
}

setup_file() {
    cri_requirements || { export CRI_SKIP; return 0; }
    mkdir -p "$WORK_BASE"
    CRI_DIR=$(mktemp -d "$WORK_BASE/cri.XXXXXX")
    # every pod's cgroup parent is below this one, so teardown finds them all
    CRI_CGROUP=hull-cri-$$
    CRI_STUBS=$CRI_DIR/stubs
    export CRI_DIR CRI_CGROUP CRI_STUBS CRI_PY CRI_SKIP

    mkdir -p "$CRI_STUBS" "$CRI_DIR/cni-bin" "$CRI_DIR/net.d" "$CRI_DIR/pods"
    "$CRI_PY" -m grpc_tools.protoc -I "$HULL_SRC/tests/clients/cri" --python_out="$CRI_STUBS" \
        --grpc_python_out="$CRI_STUBS" runtime_v1.proto

    # only the three plugins this file uses, in a bin dir of its own
    ln -s "$CNI_BIN/bridge" "$CNI_BIN/host-local" "$CNI_BIN/loopback" "$CRI_DIR/cni-bin/"
    # hostPort mappings: portmap writes iptables rules, in the node namespace
    local portmap=
    if [ -x "$CNI_BIN/portmap" ] && command -v iptables >/dev/null; then
        ln -s "$CNI_BIN/portmap" "$CRI_DIR/cni-bin/"
        portmap=', {"type": "portmap", "capabilities": {"portMappings": true}}'
    fi
    cat >"$CRI_DIR/net.d/10-hull-cri.conflist" <<CONF
{
  "cniVersion": "0.4.0",
  "name": "hull-cri",
  "plugins": [{
    "type": "bridge", "bridge": "cri0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
    "ipam": {
      "type": "host-local", "dataDir": "$CRI_DIR/cni-ipam",
      "ranges": [[{"subnet": "$POD_SUBNET.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]
    }
  }$portmap]
}
CONF

    # The sandbox's oomScoreAdj is -998 and kubelet gives guaranteed pods
    # negative scores: lowering a score needs CAP_SYS_RESOURCE.  Where the
    # machine (a container CI runner) lacks it, containerd's own switch for
    # unprivileged nodes keeps the scores at or above its own.
    local restrict_oom=false
    (( (0x$(awk '/^CapBnd/ { print $2 }' /proc/self/status) >> 24) & 1 )) || restrict_oom=true

    cat >"$CRI_DIR/config.toml" <<CONF
version = 2
root = "$CRI_DIR/root"
state = "$CRI_DIR/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
    "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper",
    "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$CRI_DIR/containerd.sock"
[ttrpc]
  address = "$CRI_DIR/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$CRI_DIR/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  disable_apparmor = true
  restrict_oom_score_adj = $restrict_oom
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CRI_DIR/cni-bin"
    conf_dir = "$CRI_DIR/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    snapshotter = "overlayfs"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        Root = "$CRI_DIR/rt-runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hull]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hull.options]
        BinaryName = "$HULL_RUNTIME"
        Root = "$CRI_DIR/rt-hull"
    # kubelet's systemd cgroup driver on this handler: hull has none
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hull-systemd]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hull-systemd.options]
        BinaryName = "$HULL_RUNTIME"
        Root = "$CRI_DIR/rt-hull-systemd"
        SystemdCgroup = true
CONF

    # containerd in a new network and mount namespace (unshare execs sh, sh
    # execs containerd: $! is containerd).  /run (shim sockets, runc's
    # defaults) and /var/lib/cni (libcni's result cache) are tmpfs in there.
    unshare -m -n --propagation private sh -c '
        mount -t tmpfs -o mode=755 hull-cri-run /run || exit 1
        if [ -d /var/lib/cni ]; then mount -t tmpfs hull-cri-cni /var/lib/cni || exit 1
        else mount -t tmpfs hull-cri-varlib /var/lib || exit 1; fi
        ip link set lo up || exit 1
        exec containerd --config "$1"' sh "$CRI_DIR/config.toml" \
        </dev/null >"$CRI_DIR/containerd.log" 2>&1 3>&- &
    echo $! >"$CRI_DIR/containerd.pid"
    wait_until 'c version >/dev/null 2>&1' || { cat "$CRI_DIR/containerd.log" >&2; return 1; }
    if [ "$(c plugins ls 2>/dev/null | awk '$1 == "io.containerd.grpc.v1" && $2 == "cri" { print $4 }')" != ok ]; then
        CRI_SKIP="containerd's CRI plugin did not load: $(grep -m1 -i 'cri' "$CRI_DIR/containerd.log")"
        export CRI_SKIP
        return 0
    fi

    # the sandbox image: our static pause, as an oci-archive tagged "pause"
    cc -static -O2 -o "$CRI_DIR/pause" "$HULL_SRC/tests/clients/cri/pause.c"
    umoci init --layout "$CRI_DIR/pause-oci" >/dev/null
    umoci new --image "$CRI_DIR/pause-oci:pause" >/dev/null
    umoci unpack --image "$CRI_DIR/pause-oci:pause" "$CRI_DIR/pause-bundle" >/dev/null
    cp "$CRI_DIR/pause" "$CRI_DIR/pause-bundle/rootfs/pause"
    umoci repack --image "$CRI_DIR/pause-oci:pause" "$CRI_DIR/pause-bundle" >/dev/null
    umoci config --image "$CRI_DIR/pause-oci:pause" --config.entrypoint /pause >/dev/null
    tar -C "$CRI_DIR/pause-oci" -cf "$CRI_DIR/pause-oci.tar" .
    rm -rf "$CRI_DIR/pause-bundle" "$CRI_DIR/pause-oci"
    c images import --base-name localhost/hull-pause "$CRI_DIR/pause-oci.tar" >/dev/null
    c images import --base-name localhost/busybox "$(busybox_images)/busybox-oci.tar" >/dev/null

    # the CRI plugin is ready for pods when its network is (the CNI config loaded)
    wait_until 'cri status | jq -e ".status.conditions[] | select(.type == \"NetworkReady\") | .status" >/dev/null' ||
        { cri status >&2; return 1; }
}

teardown_file() {
    [ -n "${CRI_DIR:-}" ] || return 0
    local pid
    [ -z "$CRI_SKIP" ] && remove_all_pods
    pid=$(cat "$CRI_DIR/containerd.pid" 2>/dev/null) || pid=
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        wait_until '! { kill -0 "$pid" 2>/dev/null; }' || true
        kill -9 "$pid" 2>/dev/null || true
    fi
    # shims whose containers could not be removed: their command line names our socket
    for pid in $(pgrep -f -- "-address $CRI_DIR/containerd.sock" || true); do
        kill -9 "$pid" 2>/dev/null || true
    done
    # container processes a killed shim left: all are in our cgroup subtree
    for pid in $(cat /sys/fs/cgroup/pids/"$CRI_CGROUP"/cgroup.procs /sys/fs/cgroup/pids/"$CRI_CGROUP"/*/cgroup.procs \
        $(find /sys/fs/cgroup/pids/"$CRI_CGROUP" /sys/fs/cgroup/"$CRI_CGROUP" -name cgroup.procs 2>/dev/null) \
        2>/dev/null | sort -u); do
        kill -9 "$pid" 2>/dev/null || true
    done
    remove_cgroup_tree "$CRI_CGROUP"
    # the overlay, netns and tmpfs mounts lived in containerd's mount namespace,
    # which ended with the last process in it
    rm -rf "$CRI_DIR"
}

setup() {
    [ -z "${CRI_SKIP:-}" ] || skip "$CRI_SKIP"
    [ -n "${CRI_DIR:-}" ] || skip "setup_file did not run"
}

teardown() {
    diag_on_failure
    [ -n "${CRI_DIR:-}" ] && [ -z "${CRI_SKIP:-}" ] || return 0
    if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
        echo "diag: containerd's last lines:"
        tail -n 15 "$CRI_DIR/containerd.log" | sed 's/^/diag:   | /'
    fi
    remove_all_pods
}

# c ARGS...: ctr on the private containerd, in the CRI plugin's namespace.
c() {
    timeout --kill-after=10 120 ctr --address "$CRI_DIR/containerd.sock" --namespace k8s.io "$@"
}

# cri ARGS...: the CRI client (tests/clients/cri/cri.py) on the private containerd.
cri() {
    timeout --kill-after=10 150 "$CRI_PY" "$HULL_SRC/tests/clients/cri/cri.py" "$CRI_DIR/containerd.sock" "$@"
}

# in_node CMD...: CMD in containerd's network and mount namespaces (the "node").
in_node() {
    nsenter -t "$(cat "$CRI_DIR/containerd.pid")" -n -m -- "$@"
}

remove_all_pods() {
    local id
    for id in $(cri pods 2>/dev/null); do
        cri stopp "$id" >/dev/null 2>&1 || true
        cri rmp "$id" >/dev/null 2>&1 || true
    done
}

# runtime_of HANDLER: the binary the handler runs.
runtime_of() {
    if [ "$1" = hull ]; then echo "$HULL_RUNTIME"; else command -v runc; fi
}

# --- kubelet's configs -------------------------------------------------------

# make_pod NAME [JQ-FILTER]: writes the PodSandboxConfig kubelet would send for
# a pod NAME in namespace default (edited by JQ-FILTER), prints its path.
# kubelet makes the log directory and the pod's /etc/hosts; so does this.
make_pod() {
    local name=$1 filter=${2:-.} uid
    uid=$(cat /proc/sys/kernel/random/uuid)
    local logdir=$CRI_DIR/pods/default_${name}_$uid
    mkdir -p "$logdir"
    printf '127.0.0.1\tlocalhost\n%s.1\t%s\n' "$POD_SUBNET" "$name" >"$logdir/etc-hosts"
    jq -n --arg name "$name" --arg uid "$uid" --arg logdir "$logdir" \
        --arg parent "/$CRI_CGROUP/kubepods/burstable/pod$uid" '{
        metadata: {name: $name, uid: $uid, namespace: "default", attempt: 0},
        hostname: $name,
        log_directory: $logdir,
        dns_config: {servers: ["10.96.0.10"],
                     searches: ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"],
                     options: ["ndots:5"]},
        labels: {"io.kubernetes.pod.name": $name, "io.kubernetes.pod.namespace": "default",
                 "io.kubernetes.pod.uid": $uid},
        annotations: {"kubernetes.io/config.source": "api", "kubernetes.io/config.seen": "2026-01-01T00:00:00Z"},
        linux: {cgroup_parent: $parent, sysctls: {},
                security_context: {namespace_options: {network: "POD", pid: "CONTAINER", ipc: "POD"},
                                   seccomp: {profile_type: "RuntimeDefault"}}}
    } | '"$filter" >"$logdir/pod.json"
    echo "$logdir/pod.json"
}

# make_ctr POD_JSON NAME SCRIPT [JQ-FILTER]: the ContainerConfig kubelet would
# send for a busybox container running `sh -c SCRIPT`, prints its path.
make_ctr() {
    local pod=$1 name=$2 script=$3 filter=${4:-.}
    local logdir
    logdir=$(dirname "$pod")
    : >"$logdir/termination-log-$name"
    jq -n --arg name "$name" --arg script "$script" --arg image "$IMAGE" --slurpfile pod "$pod" \
        --arg hosts "$logdir/etc-hosts" --arg term "$logdir/termination-log-$name" '{
        metadata: {name: $name, attempt: 0},
        image: {image: $image},
        command: ["sh", "-c", $script],
        working_dir: "/",
        envs: [{key: "KUBERNETES_SERVICE_HOST", value: "10.96.0.1"}, {key: "KUBERNETES_SERVICE_PORT", value: "443"}],
        mounts: [{container_path: "/etc/hosts", host_path: $hosts},
                 {container_path: "/dev/termination-log", host_path: $term}],
        labels: {"io.kubernetes.container.name": $name,
                 "io.kubernetes.pod.name": $pod[0].metadata.name,
                 "io.kubernetes.pod.namespace": "default",
                 "io.kubernetes.pod.uid": $pod[0].metadata.uid},
        annotations: {"io.kubernetes.container.restartCount": "0",
                      "io.kubernetes.container.terminationMessagePath": "/dev/termination-log",
                      "io.kubernetes.container.terminationMessagePolicy": "File"},
        log_path: ($name + "/0.log"),
        linux: {
            resources: {cpu_period: 100000, cpu_quota: 0, cpu_shares: 2, memory_limit_in_bytes: 0,
                        oom_score_adj: 1000},
            security_context: {
                namespace_options: {network: "POD", pid: "CONTAINER", ipc: "POD"},
                run_as_user: {value: 0},
                seccomp: {profile_type: "RuntimeDefault"},
                masked_paths: ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                               "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                               "/proc/scsi", "/sys/firmware"],
                readonly_paths: ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                 "/proc/sysrq-trigger"]}}
    } | '"$filter" >"$logdir/ctr-$name.json"
    echo "$logdir/ctr-$name.json"
}

# pod_up HANDLER POD_JSON CTR_JSON...: kubelet's SyncPod; sets POD (sandbox id),
# POD_IP and CID_<name> for each container.
pod_up() {
    local handler=$1 pod=$2 out name
    shift 2
    out=$(cri up "$pod" "$handler" "$@") || return 1
    POD=$(jq -r .pod <<<"$out")
    POD_IP=$(jq -r .ip <<<"$out")
    for name in $(jq -r '.containers | keys[]' <<<"$out"); do
        printf -v "CID_$name" '%s' "$(jq -r ".containers[\"$name\"]" <<<"$out")"
    done
}

# runtime_states HANDLER: the container state directories in the handler's
# runtime root (hull also keeps its compiled seccomp filters there, in
# @seccomp-cache: hull's own entries begin with @, which no id can hold).
runtime_states() {
    ls "$CRI_DIR/rt-$1/k8s.io" | grep -v "^@" || true
}

ctr_pid() { cri inspect "$1" | jq -r '.info.info | fromjson | .pid'; }
pod_pid() { cri inspectp "$1" | jq -r '.info.info | fromjson | .pid'; }
ctr_state() { cri inspect "$1" | jq -r .status.state; }

# cgroup_file CONTROLLER-DIR FILE-V1 FILE-V2 CGROUP-PATH: the path of a
# controller file on cgroup v1 or the unified hierarchy.
cgroup_file() {
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo "/sys/fs/cgroup$4/$3"
    else echo "/sys/fs/cgroup/$1$4/$2"; fi
}

# memory_cgroup PATH: the directory of cgroup PATH in the memory hierarchy (v1) or the unified one.
memory_cgroup() {
    dirname "$(cgroup_file memory memory.limit_in_bytes memory.max "$1")"
}

# --- scenarios: each runs with HANDLER hull and runc ---------------------------

sandbox_and_two_containers() {
    local handler=$1 pod pause_pid pid ns
    pod=$(make_pod web)
    pod_up "$handler" "$pod" \
        "$(make_ctr "$pod" server 'mkdir -p /tmp/www && echo served-by-server >/tmp/www/index.html && echo hello-from-server && echo to-stderr >&2 && exec httpd -f -p 127.0.0.1:8080 -h /tmp/www')" \
        "$(make_ctr "$pod" client 'exec sleep 100000')"
    echo "pod $POD ip $POD_IP server $CID_server client $CID_client"
    [[ "$POD_IP" == "$POD_SUBNET".* ]]
    run cri inspectp "$POD"
    [ "$(jq -r .status.state <<<"$output")" = SANDBOX_READY ]
    [ "$(jq -r .status.runtime_handler <<<"$output")" = "$handler" ]
    pause_pid=$(pod_pid "$POD")
    [ "$(tr '\0' ' ' </proc/"$pause_pid"/cmdline)" = "/pause " ]
    # the sandbox has its own net, ipc and uts namespaces (not the node's)
    for ns in net ipc uts; do
        [ "$(readlink /proc/"$pause_pid"/ns/$ns)" != "$(readlink /proc/"$(cat "$CRI_DIR/containerd.pid")"/ns/$ns)" ]
    done
    # both containers joined them by path; each has its own pid namespace
    for pid in $(ctr_pid "$CID_server") $(ctr_pid "$CID_client"); do
        for ns in net ipc uts; do
            [ "$(readlink /proc/"$pid"/ns/$ns)" = "$(readlink /proc/"$pause_pid"/ns/$ns)" ]
        done
        [ "$(readlink /proc/"$pid"/ns/pid)" != "$(readlink /proc/"$pause_pid"/ns/pid)" ]
    done
    # the runtime under the handler knows both containers
    run "$(runtime_of "$handler")" --root "$CRI_DIR/rt-$handler/k8s.io" state "$CID_server"
    [ "$status" -eq 0 ]
    [ "$(jq -r .status <<<"$output")" = running ]
    # hostname, the pod IP on eth0, kubelet's DNS config
    run cri exec "$CID_client" 10 hostname
    [ "$output" = web ]
    run cri exec "$CID_client" 10 ip -4 -o addr show eth0
    [[ "$output" == *" $POD_IP/24 "* ]]
    run cri exec "$CID_client" 10 cat /etc/resolv.conf
    [[ "$output" == *"nameserver 10.96.0.10"* ]]
    [[ "$output" == *"search default.svc.cluster.local svc.cluster.local cluster.local"* ]]
    [[ "$output" == *"options ndots:5"* ]]
    # the client reaches the server on localhost (once it listens)
    wait_until 'cri exec "$CID_client" 10 wget -qO- http://127.0.0.1:8080/ 2>/dev/null | grep -q served-by-server'
    # the node routes the pod IP through the CNI bridge, which exists only in
    # the node's network namespace
    [[ "$(in_node ip route get "$POD_IP")" == *" dev cri0 "* ]]
    ! ip link show cri0 2>/dev/null
}

@test "cri (hull): RunPodSandbox (own net/ipc/uts, pod IP, hostname, DNS), two containers share the pod's namespaces and talk on localhost" {
    sandbox_and_two_containers hull
}

@test "cri (runc): RunPodSandbox (own net/ipc/uts, pod IP, hostname, DNS), two containers share the pod's namespaces and talk on localhost" {
    sandbox_and_two_containers runc
}

exec_sync_and_logs() {
    local handler=$1 pod log started
    pod=$(make_pod logs)
    pod_up "$handler" "$pod" "$(make_ctr "$pod" logger \
        'echo hello-from-logger; echo to-stderr >&2; i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.2; done')"
    # ExecSync: stdout and stderr apart, the command's exit code
    run --separate-stderr cri exec "$CID_logger" 10 sh -c 'echo out; echo err >&2; exit 7'
    [ "$status" -eq 7 ]
    [ "$output" = out ]
    [ "$stderr" = err ]
    # ExecSync's timeout: the call fails after it and the command is gone
    started=$SECONDS
    run --separate-stderr cri exec "$CID_logger" 1 sleep 4242
    [ "$status" -ne 0 ]
    [[ "$stderr" == *"timeout"* ]]
    [ $((SECONDS - started)) -lt 30 ]
    wait_until '! cri exec "$CID_logger" 10 ps | grep -q "sleep 4242"'

    # the log at kubelet's path, in the CRI format: RFC3339Nano time, stream,
    # F(ull line) or P(artial), the line
    log=$(dirname "$pod")/logger/0.log
    wait_until 'grep -q "stdout F tick 1$" "$log"'
    grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}) stdout F hello-from-logger$' "$log"
    grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[^ ]+ stderr F to-stderr$' "$log"
    # kubelet's log rotation: rename, ReopenContainerLog, the new file fills
    mv "$log" "$log.1"
    run cri reopenlog "$CID_logger"
    [ "$status" -eq 0 ]
    wait_until '[ -f "$log" ] && grep -q "stdout F tick" "$log"'
}

@test "cri (hull): ExecSync returns stdout, stderr and the exit code and honours its timeout; logs in the CRI format at kubelet's path; ReopenContainerLog" {
    exec_sync_and_logs hull
}

@test "cri (runc): ExecSync returns stdout, stderr and the exit code and honours its timeout; logs in the CRI format at kubelet's path; ReopenContainerLog" {
    exec_sync_and_logs runc
}

security_context() {
    local handler=$1 pod pid
    pod=$(make_pod secure)
    pod_up "$handler" "$pod" "$(make_ctr "$pod" locked 'exec sleep 100000' '
        .linux.security_context += {run_as_user: {value: 1000}, run_as_group: {value: 3000},
            supplemental_groups: [4000], readonly_rootfs: true, no_new_privs: true,
            capabilities: {drop_capabilities: ["ALL"], add_capabilities: ["NET_BIND_SERVICE"]}}')"
    pid=$(ctr_pid "$CID_locked")
    grep -qE '^Uid:\s+1000\s+1000\s+1000\s+1000$' /proc/"$pid"/status
    grep -qE '^Gid:\s+3000\s+3000\s+3000\s+3000$' /proc/"$pid"/status
    grep -qE '^Groups:.*\b4000\b' /proc/"$pid"/status
    # only NET_BIND_SERVICE (bit 10) is left in the bounding set; a non-root
    # process has no effective capabilities
    grep -qE '^CapBnd:\s+0000000000000400$' /proc/"$pid"/status
    grep -qE '^CapEff:\s+0000000000000000$' /proc/"$pid"/status
    grep -qE '^NoNewPrivs:\s+1$' /proc/"$pid"/status
    # seccomp RuntimeDefault: a filter is installed
    grep -qE '^Seccomp:\s+2$' /proc/"$pid"/status
    # read-only root filesystem
    run cri exec "$CID_locked" 10 touch /written
    [ "$status" -ne 0 ]
    [[ "$output" == *"Read-only file system"* ]]
    run cri exec "$CID_locked" 10 id -u
    [ "$output" = 1000 ]
    # kubelet's masked and read-only paths (those this kernel has)
    local masked
    for masked in /proc/kcore /proc/keys /proc/timer_list; do
        [ -e "$masked" ] || continue
        grep -q " $masked " /proc/"$pid"/mountinfo
        run cri exec "$CID_locked" 10 wc -c "$masked"
        [ "$output" = "0 $masked" ]
    done
    grep -E ' /proc/sys ' /proc/"$pid"/mountinfo | grep -qE ' ro[, ]'
}

@test "cri (hull): security context: runAsUser/Group, supplementalGroups, readOnlyRootFilesystem, capabilities drop ALL add one, noNewPrivs, seccomp RuntimeDefault, masked/readonly paths" {
    security_context hull
}

@test "cri (runc): security context: runAsUser/Group, supplementalGroups, readOnlyRootFilesystem, capabilities drop ALL add one, noNewPrivs, seccomp RuntimeDefault, masked/readonly paths" {
    security_context runc
}

resources_and_stats() {
    local handler=$1 pod parent pid cg upd stats
    pod=$(make_pod sized)
    parent=$(jq -r .linux.cgroup_parent "$pod")
    # kubelet makes the pod's cgroup first, with the pod's limit
    mkdir -p "$(dirname "$(cgroup_file memory memory.limit_in_bytes memory.max "$parent")")"
    echo 268435456 >"$(cgroup_file memory memory.limit_in_bytes memory.max "$parent")"
    pod_up "$handler" "$pod" "$(make_ctr "$pod" sized 'exec sleep 100000' '
        .linux.resources += {memory_limit_in_bytes: 67108864, cpu_quota: 50000, cpu_shares: 512}')"
    pid=$(ctr_pid "$CID_sized")
    # the container's cgroup is <pod cgroup parent>/<container id>
    cg=$parent/$CID_sized
    grep -qE ":memory:$cg\$|^0::$cg\$" /proc/"$pid"/cgroup
    [ "$(cat "$(cgroup_file memory memory.limit_in_bytes memory.max "$cg")")" = 67108864 ]
    if [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
        [ "$(cat /sys/fs/cgroup/cpu"$cg"/cpu.cfs_quota_us)" = 50000 ]
        [ "$(cat /sys/fs/cgroup/cpu"$cg"/cpu.shares)" = 512 ]
    fi
    # UpdateContainerResources, live
    upd=$(dirname "$pod")/update.json
    echo '{"cpu_period": 100000, "cpu_quota": 20000, "cpu_shares": 256, "memory_limit_in_bytes": 100663296}' >"$upd"
    run cri update "$CID_sized" "$upd"
    [ "$status" -eq 0 ]
    [ "$(cat "$(cgroup_file memory memory.limit_in_bytes memory.max "$cg")")" = 100663296 ]
    if [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
        [ "$(cat /sys/fs/cgroup/cpu"$cg"/cpu.cfs_quota_us)" = 20000 ]
        [ "$(cat /sys/fs/cgroup/cpu"$cg"/cpu.shares)" = 256 ]
    fi
    [ -d /proc/"$pid" ]
    # an update the kernel refuses (a limit below what the container uses)
    # fails the call with the runtime's reason and changes nothing
    echo '{"memory_limit_in_bytes": 4096}' >"$upd"
    run --separate-stderr cri update "$CID_sized" "$upd"
    [ "$status" -eq 3 ]
    [[ "$stderr" == "rpc error: code = UNKNOWN desc = "*"4096"* ]]
    if [ "$handler" = hull ] && is_hull; then
        [[ "$stderr" == *"hull-runtime: linux.resources.memory.limit: write \"4096\" to /sys/fs/cgroup/"*"$CID_sized"/memory.* ]]
    fi
    [ "$(cat "$(cgroup_file memory memory.limit_in_bytes memory.max "$cg")")" = 100663296 ]
    [ "$(ctr_state "$CID_sized")" = CONTAINER_RUNNING ]
    # ContainerStats and ListContainerStats read the container's cgroup
    run cri stats "$CID_sized"
    [ "$status" -eq 0 ]
    [ "$(jq -r .stats.attributes.id <<<"$output")" = "$CID_sized" ]
    [ "$(jq -r '.stats.memory.working_set_bytes.value // 0' <<<"$output")" -gt 0 ]
    run cri statsall
    [ "$status" -eq 0 ]
    jq -e --arg id "$CID_sized" '.stats[] | select(.attributes.id == $id)' <<<"$output" >/dev/null
}

@test "cri (hull): memory and CPU limits in the container's cgroup under the pod's cgroup parent, UpdateContainerResources live, ContainerStats" {
    resources_and_stats hull
}

@test "cri (runc): memory and CPU limits in the container's cgroup under the pod's cgroup parent, UpdateContainerResources live, ContainerStats" {
    resources_and_stats runc
}

stop_and_remove_leave_nothing() {
    local handler=$1 pod pids=() ids=() netns ip id pid started
    pod=$(make_pod gone)
    pod_up "$handler" "$pod" \
        "$(make_ctr "$pod" polite 'trap "exit 0" TERM; while :; do sleep 0.1; done')" \
        "$(make_ctr "$pod" stubborn 'trap "" TERM; while :; do sleep 0.1; done')"
    ip=$POD_IP
    ids=("$POD" "$CID_polite" "$CID_stubborn")
    pids=("$(pod_pid "$POD")" "$(ctr_pid "$CID_polite")" "$(ctr_pid "$CID_stubborn")")
    netns=$(cri inspectp "$POD" | jq -r '.info.info | fromjson | .runtimeSpec.linux.namespaces[] | select(.type == "network") | .path')
    [ -n "$netns" ]
    in_node grep -q " $netns " /proc/self/mountinfo
    for id in "${ids[@]}"; do
        [ -d "$CRI_DIR/rt-$handler/k8s.io/$id" ]
    done
    [ -f "$CRI_DIR/cni-ipam/hull-cri/$ip" ]

    # kubelet's KillPod with a 2 s grace period, then its garbage collection:
    # the container that ignores SIGTERM is killed when the grace runs out
    started=$SECONDS
    run cri down "$POD" 2
    [ "$status" -eq 0 ]
    [ $((SECONDS - started)) -ge 1 ]
    for pid in "${pids[@]}"; do
        wait_gone "$pid"
    done
    [ -z "$(cri pods)" ]
    [ -z "$(cri ps)" ]
    for id in "${ids[@]}"; do
        no_cgroup_named "$id"
        [ ! -e "$CRI_DIR/rt-$handler/k8s.io/$id" ]
        ! in_node grep -q "$id" /proc/self/mountinfo
        ! pgrep -f -- "-id $id " >/dev/null
    done
    ! in_node grep -q " $netns " /proc/self/mountinfo
    [ ! -e "$CRI_DIR/cni-ipam/hull-cri/$ip" ]
}

@test "cri (hull): StopContainer with grace, StopPodSandbox, RemoveContainer, RemovePodSandbox leave nothing (processes, cgroups, mounts, netns, IP, runtime state, shim)" {
    stop_and_remove_leave_nothing hull
}

@test "cri (runc): StopContainer with grace, StopPodSandbox, RemoveContainer, RemovePodSandbox leave nothing (processes, cgroups, mounts, netns, IP, runtime state, shim)" {
    stop_and_remove_leave_nothing runc
}

oom_killed() {
    local handler=$1 pod
    pod=$(make_pod hungry)
    pod_up "$handler" "$pod" "$(make_ctr "$pod" hog 'x=aaaaaaaaaaaaaaaa; while :; do x=$x$x; done' '
        .linux.resources += {memory_limit_in_bytes: 33554432}')"
    wait_until '[ "$(ctr_state "$CID_hog")" = CONTAINER_EXITED ]'
    run cri inspect "$CID_hog"
    [ "$(jq -r .status.reason <<<"$output")" = OOMKilled ]
    [ "$(jq -r .status.exit_code <<<"$output")" = 137 ]
}

@test "cri (hull): a container over its memory limit is OOM killed and ContainerStatus says OOMKilled, exit code 137" {
    oom_killed hull
}

@test "cri (runc): a container over its memory limit is OOM killed and ContainerStatus says OOMKilled, exit code 137" {
    oom_killed runc
}

share_process_namespace() {
    local handler=$1 pod pause_pid pid
    # shareProcessNamespace: true makes kubelet ask for the pod's PID namespace
    pod=$(make_pod shared '.linux.security_context.namespace_options.pid = "POD"')
    pod_up "$handler" "$pod" \
        "$(make_ctr "$pod" first 'exec sleep 4343' '.linux.security_context.namespace_options.pid = "POD"')" \
        "$(make_ctr "$pod" second 'exec sleep 100000' '.linux.security_context.namespace_options.pid = "POD"')"
    pause_pid=$(pod_pid "$POD")
    for pid in $(ctr_pid "$CID_first") $(ctr_pid "$CID_second"); do
        [ "$(readlink /proc/"$pid"/ns/pid)" = "$(readlink /proc/"$pause_pid"/ns/pid)" ]
    done
    # the pause process is PID 1 of the pod, the other container's process is seen
    run cri exec "$CID_second" 10 cat /proc/1/cmdline
    [ "$output" = /pause ]
    run cri exec "$CID_second" 10 ps
    [[ "$output" == *"sleep 4343"* ]]
}

@test "cri (hull): shareProcessNamespace: the containers join the sandbox's PID namespace and see each other, pause is PID 1" {
    share_process_namespace hull
}

@test "cri (runc): shareProcessNamespace: the containers join the sandbox's PID namespace and see each other, pause is PID 1" {
    share_process_namespace runc
}

bad_seccomp_profile() {
    local handler=$1 pod ctr
    pod=$(make_pod refused)
    pod_up "$handler" "$pod"
    ctr=$(make_ctr "$pod" confined 'exec sleep 100000' \
        '.linux.security_context.seccomp = {profile_type: "Localhost", localhost_ref: "/nonexistent/hull-profile.json"}')
    run --separate-stderr cri create "$POD" "$ctr" "$pod"
    [ "$status" -eq 3 ]
    [[ "$stderr" == "rpc error: code = UNKNOWN desc = "*"/nonexistent/hull-profile.json"*"no such file or directory"* ]]
    # nothing of the container: only the sandbox is known to containerd and the runtime
    [ -z "$(cri ps "$POD")" ]
    [ "$(runtime_states "$handler")" = "$POD" ]
    [ "$(find "$(memory_cgroup "$(jq -r .linux.cgroup_parent "$pod")")" -mindepth 1 -type d | wc -l)" = 1 ]
}

@test "cri (hull): an unknown seccomp Localhost profile fails CreateContainer with containerd's error and leaves nothing" {
    bad_seccomp_profile hull
}

@test "cri (runc): an unknown seccomp Localhost profile fails CreateContainer with containerd's error and leaves nothing" {
    bad_seccomp_profile runc
}

# seccomp Localhost: kubelet passes the node's profile file; the runtime must
# load exactly that filter for the container (and its execs)
localhost_seccomp_profile() {
    local handler=$1 pod profile=$CRI_DIR/deny-mkdir.json
    printf '%s\n' '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"],
        "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}' >"$profile"
    pod=$(make_pod profiled)
    pod_up "$handler" "$pod" "$(make_ctr "$pod" confined 'exec sleep 100000' \
        ".linux.security_context.seccomp = {profile_type: \"Localhost\", localhost_ref: \"$profile\"}")"
    run cri exec "$CID_confined" 10 sh -c 'mkdir /tmp/denied 2>&1; echo rc=$?; grep ^Seccomp: /proc/self/status'
    [[ "$output" == *"Operation not permitted"*"rc=1"* ]]
    [[ "$output" == *"Seccomp:"*2* ]]
    # everything else is allowed
    run cri exec "$CID_confined" 10 sh -c 'touch /tmp/allowed && echo ok'
    [ "$output" = ok ]
}

@test "cri (hull): a seccomp Localhost profile is the container's filter (its denied syscall fails with its errno)" {
    localhost_seccomp_profile hull
}

@test "cri (runc): a seccomp Localhost profile is the container's filter (its denied syscall fails with its errno)" {
    localhost_seccomp_profile runc
}

# A sysctl outside the pod's namespaces (kubelet refuses these for safe
# pods; an unsafe-sysctls allow-list lets them through): the runtime must
# refuse the sandbox, containerd passes its message up.
bad_sysctl() {
    local handler=$1 pod
    pod=$(make_pod sysctl '.linux.sysctls = {"kernel.panic": "10"}')
    run --separate-stderr cri runp "$pod" "$handler"
    [ "$status" -eq 3 ]
    [[ "$stderr" == "rpc error: code = UNKNOWN desc = "*"OCI runtime create failed"*"kernel.panic"* ]]
    # hull's own line, word for word through the shim and containerd
    if [ "$handler" = hull ] && is_hull; then
        [[ "$stderr" == *"OCI runtime create failed: linux.sysctl: \"kernel.panic\" is not namespaced; refusing to change the host's value: unknown" ]]
    fi
    [ -z "$(cri pods)" ]
    [ -z "$(runtime_states "$handler")" ]
    [ -z "$(ls "$CRI_DIR/cni-ipam/hull-cri" 2>/dev/null | grep "^$POD_SUBNET")" ]
    ! in_node grep -q "/netns/" /proc/self/mountinfo
    [ "$(find "$(memory_cgroup "$(jq -r .linux.cgroup_parent "$pod")")" -mindepth 1 -type d 2>/dev/null | wc -l)" = 0 ]
    [ "$(sysctl -n kernel.panic)" != 10 ]
}

@test "cri (hull): a sysctl outside the pod's namespaces fails RunPodSandbox with the runtime's error and leaves nothing" {
    bad_sysctl hull
}

@test "cri (runc): a sysctl outside the pod's namespaces fails RunPodSandbox with the runtime's error and leaves nothing" {
    bad_sysctl runc
}

@test "cri: one containerd, the same pod on the runc and the hull handler (RuntimeClass), each in its runtime's state" {
    local pod_h pod_r hull_pod runc_pod
    pod_h=$(make_pod twin)
    pod_up hull "$pod_h" "$(make_ctr "$pod_h" app 'exec sleep 100000')"
    hull_pod=$POD
    local hull_ctr=$CID_app
    pod_r=$(make_pod twin)
    pod_up runc "$pod_r" "$(make_ctr "$pod_r" app 'exec sleep 100000')"
    runc_pod=$POD
    [ "$(cri inspectp "$hull_pod" | jq -r .status.runtime_handler)" = hull ]
    [ "$(cri inspectp "$runc_pod" | jq -r .status.runtime_handler)" = runc ]
    [ -d "$CRI_DIR/rt-hull/k8s.io/$hull_ctr" ]
    [ ! -e "$CRI_DIR/rt-runc/k8s.io/$hull_ctr" ]
    [ -d "$CRI_DIR/rt-runc/k8s.io/$CID_app" ]
    [ ! -e "$CRI_DIR/rt-hull/k8s.io/$CID_app" ]
    run "$HULL_RUNTIME" --root "$CRI_DIR/rt-hull/k8s.io" list -q
    [[ "$output" == *"$hull_ctr"* ]]
    [[ "$output" != *"$CID_app"* ]]
}

@test "cri (hull): a node on the systemd cgroup driver is refused clearly (hull has none) and nothing is left" {
    is_hull || skip "runc has a systemd cgroup driver; it needs a running systemd, which this test does not provide"
    local pod
    # kubelet's systemd driver names the pod's cgroup parent as a slice
    pod=$(make_pod sliced '.linux.cgroup_parent = "kubepods-burstable-pod\(.metadata.uid | gsub("-"; "_")).slice"')
    run --separate-stderr cri runp "$pod" hull-systemd
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"OCI runtime create failed: --systemd-cgroup is not supported: this hull-runtime has no systemd cgroup driver (use the default cgroupfs driver): unknown" ]]
    [ -z "$(cri pods)" ]
    [ -z "$(ls "$CRI_DIR/rt-hull-systemd/k8s.io" 2>/dev/null)" ]
    [ -z "$(ls "$CRI_DIR/cni-ipam/hull-cri" 2>/dev/null | grep "^$POD_SUBNET")" ]
    ! in_node grep -q "/netns/" /proc/self/mountinfo
}

namespaced_sysctls_unconfined_unmasked() {
    local handler=$1 pod pid masked
    pod=$(make_pod tuned '.linux.sysctls = {"net.ipv4.ip_unprivileged_port_start": "80", "kernel.shm_rmid_forced": "1"}')
    # seccomp Unconfined, and procMount: Unmasked (kubelet then sends no masked
    # or read-only paths)
    pod_up "$handler" "$pod" "$(make_ctr "$pod" loose 'exec sleep 100000' '
        .linux.security_context += {seccomp: {profile_type: "Unconfined"}, masked_paths: [], readonly_paths: []}')"
    # the pod's sysctls are set in its namespaces, the node's are untouched
    run cri exec "$CID_loose" 10 cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shm_rmid_forced
    [ "$output" = "80
1" ]
    [ "$(in_node cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" != 80 ]
    [ "$(cat /proc/sys/kernel/shm_rmid_forced)" = "$(in_node cat /proc/sys/kernel/shm_rmid_forced)" ]
    pid=$(ctr_pid "$CID_loose")
    grep -qE '^Seccomp:\s+0$' /proc/"$pid"/status
    for masked in /proc/kcore /proc/keys /proc/timer_list; do
        ! grep -q " $masked " /proc/"$pid"/mountinfo
    done
    ! grep -E ' /proc/sys ' /proc/"$pid"/mountinfo | grep -qE ' ro[, ]'
}

@test "cri (hull): namespaced pod sysctls are set in the pod only; seccomp Unconfined; procMount Unmasked (no masked or read-only paths)" {
    namespaced_sysctls_unconfined_unmasked hull
}

@test "cri (runc): namespaced pod sysctls are set in the pod only; seccomp Unconfined; procMount Unmasked (no masked or read-only paths)" {
    namespaced_sysctls_unconfined_unmasked runc
}

host_network_privileged() {
    local handler=$1 pod pid node_pid
    node_pid=$(cat "$CRI_DIR/containerd.pid")
    # hostNetwork: true and a privileged container (the pod says so too);
    # kubelet sends no hostname for a pod on the node's network (and the
    # runtimes refuse one without a UTS namespace of the pod's own)
    pod=$(make_pod node-level '.linux.security_context += {privileged: true}
        | .linux.security_context.namespace_options.network = "NODE" | del(.hostname)')
    pod_up "$handler" "$pod" "$(make_ctr "$pod" admin 'exec sleep 100000' '
        .linux.security_context += {privileged: true, masked_paths: [], readonly_paths: []}
        | .linux.security_context.namespace_options.network = "NODE"')"
    pid=$(ctr_pid "$CID_admin")
    # the node's network namespace (here: the one containerd runs in)
    [ "$(readlink /proc/"$pid"/ns/net)" = "$(readlink /proc/"$node_pid"/ns/net)" ]
    [ "$(readlink /proc/"$(pod_pid "$POD")"/ns/net)" = "$(readlink /proc/"$node_pid"/ns/net)" ]
    # every capability the node has, no seccomp filter, /sys writable
    [ "$(awk '/^CapEff/ { print $2 }' /proc/"$pid"/status)" = "$(awk '/^CapBnd/ { print $2 }' /proc/"$node_pid"/status)" ]
    grep -qE '^Seccomp:\s+0$' /proc/"$pid"/status
    grep -E ' /sys ' /proc/"$pid"/mountinfo | grep -qE ' rw[, ]'
    # the node's devices
    run cri exec "$CID_admin" 10 sh -c 'ls /dev | wc -l'
    [ "$output" -gt 10 ]
}

@test "cri (hull): hostNetwork pod with a privileged container: the node's netns, all the node's capabilities, no seccomp, /sys writable, host devices" {
    host_network_privileged hull
}

@test "cri (runc): hostNetwork pod with a privileged container: the node's netns, all the node's capabilities, no seccomp, /sys writable, host devices" {
    host_network_privileged runc
}

restart_in_sandbox() {
    local handler=$1 pod ctr again first pause_pid
    pod=$(make_pod crashy)
    pod_up "$handler" "$pod" "$(make_ctr "$pod" app 'echo attempt zero; exit 3')"
    first=$CID_app
    wait_until '[ "$(ctr_state "$first")" = CONTAINER_EXITED ]'
    run cri inspect "$first"
    [ "$(jq -r .status.exit_code <<<"$output")" = 3 ]
    [ "$(jq -r .status.reason <<<"$output")" = Error ]
    # kubelet's restart: the same container, attempt 1, in the same sandbox
    # (which keeps running), logging to <name>/1.log
    again=$(make_ctr "$pod" app 'echo attempt one; exec sleep 100000' \
        '.metadata.attempt = 1 | .log_path = "app/1.log" | .annotations["io.kubernetes.container.restartCount"] = "1"')
    run cri create "$POD" "$again" "$pod"
    [ "$status" -eq 0 ]
    CID_app=$output
    run cri start "$CID_app"
    [ "$status" -eq 0 ]
    pause_pid=$(pod_pid "$POD")
    [ "$(readlink /proc/"$(ctr_pid "$CID_app")"/ns/net)" = "$(readlink /proc/"$pause_pid"/ns/net)" ]
    wait_until 'grep -q "stdout F attempt one$" "$(dirname "$pod")/app/1.log"'
    grep -q "stdout F attempt zero$" "$(dirname "$pod")/app/0.log"
    # kubelet's garbage collection of the dead attempt
    run cri rm "$first"
    [ "$status" -eq 0 ]
    [ "$(cri ps "$POD")" = "$CID_app" ]
    [ ! -e "$CRI_DIR/rt-$handler/k8s.io/$first" ]
    no_cgroup_named "$first"
    # StopContainer without a grace period: SIGKILL (sleep, as PID 1, ignores SIGTERM)
    run cri stop "$CID_app" 0
    [ "$status" -eq 0 ]
    [ "$(ctr_state "$CID_app")" = CONTAINER_EXITED ]
    [ "$(cri inspect "$CID_app" | jq -r .status.exit_code)" = 137 ]
}

@test "cri (hull): a container that exits is reported (exit code, reason Error) and restarted as attempt 1 in the same sandbox, its log at 1.log; the dead attempt is removed" {
    restart_in_sandbox hull
}

@test "cri (runc): a container that exits is reported (exit code, reason Error) and restarted as attempt 1 in the same sandbox, its log at 1.log; the dead attempt is removed" {
    restart_in_sandbox runc
}

# in_node_cri ARGS...: the CRI client inside the node's namespaces, where
# containerd's streaming server listens on 127.0.0.1.
in_node_cri() {
    timeout --kill-after=10 150 nsenter -t "$(cat "$CRI_DIR/containerd.pid")" -n -m -- \
        env CRI_STUBS="$CRI_STUBS" "$CRI_PY" "$HULL_SRC/tests/clients/cri/cri.py" "$CRI_DIR/containerd.sock" "$@"
}

streaming_exec_attach() {
    local handler=$1 pod
    pod=$(make_pod streamed)
    pod_up "$handler" "$pod" "$(make_ctr "$pod" talker \
        'i=0; while :; do echo talking $i; i=$((i+1)); sleep 0.2; done')" \
        "$(make_ctr "$pod" server 'mkdir -p /tmp/www && echo served-by-server >/tmp/www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /tmp/www')"
    # kubectl exec's path: Exec returns a URL on the streaming server, the
    # session runs the command in the container
    run --separate-stderr in_node_cri stream-exec "$CID_talker" sh -c 'echo "in $(hostname)"; echo err >&2; exit 5'
    [ "$status" -eq 5 ]
    [ "$output" = "in streamed" ]
    [ "$stderr" = err ]
    run --separate-stderr in_node_cri stream-exec "$CID_talker" true
    [ "$status" -eq 0 ]
    # kubectl attach's path: the container's own stdout, live
    run in_node_cri attach "$CID_talker" "talking"
    [ "$status" -eq 0 ]
    [[ "$output" == *"talking "* ]]
    # kubectl port-forward's path: containerd connects to 127.0.0.1:PORT in
    # the pod's network namespace
    wait_until 'cri exec "$CID_server" 10 wget -qO- http://127.0.0.1:8080/ 2>/dev/null | grep -q served-by-server'
    run in_node_cri port-forward "$POD" 8080 'GET / HTTP/1.0\r\n\r\n' served-by-server
    [ "$status" -eq 0 ]
    [[ "$output" == "HTTP/1."?" 200 OK"*"served-by-server"* ]]
}

@test "cri (hull): Exec, Attach and PortForward through containerd's streaming server on 127.0.0.1 (WebSocket)" {
    streaming_exec_attach hull
}

@test "cri (runc): Exec, Attach and PortForward through containerd's streaming server on 127.0.0.1 (WebSocket)" {
    streaming_exec_attach runc
}

host_port() {
    local handler=$1 pod
    [ -e "$CRI_DIR/cni-bin/portmap" ] || skip "no CNI portmap plugin or no iptables: hostPort is not set up"
    pod=$(make_pod ported '.port_mappings = [{protocol: "TCP", container_port: 8080, host_port: 18080}]')
    pod_up "$handler" "$pod" "$(make_ctr "$pod" server \
        'mkdir -p /tmp/www && echo served-on-host-port >/tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www')"
    # the node's address on the bridge, port 18080, reaches the pod's 8080
    wait_until 'in_node curl -s --max-time 5 http://$POD_SUBNET.1:18080/ | grep -q served-on-host-port'
    # the rules are the node namespace's, not the host's
    in_node iptables -t nat -S | grep -q -- "--dport 18080"
    ! iptables -t nat -S 2>/dev/null | grep -q -- "--dport 18080"
    run cri down "$POD" 0
    [ "$status" -eq 0 ]
    ! in_node iptables -t nat -S | grep -q -- "--dport 18080"
}

@test "cri (hull): hostPort: a pod's port mapping (CNI portmap) reaches the container from the node, and is gone with the pod" {
    host_port hull
}

@test "cri (runc): hostPort: a pod's port mapping (CNI portmap) reaches the container from the node, and is gone with the pod" {
    host_port runc
}

host_pid_ipc() {
    local handler=$1 pod pid node_pid
    node_pid=$(cat "$CRI_DIR/containerd.pid")
    # hostPID and hostIPC: the node's PID and IPC namespaces
    pod=$(make_pod node-ns '.linux.security_context.namespace_options += {pid: "NODE", ipc: "NODE"}')
    pod_up "$handler" "$pod" "$(make_ctr "$pod" watcher 'exec sleep 100000' '
        .linux.security_context.namespace_options += {pid: "NODE", ipc: "NODE"}')"
    pid=$(ctr_pid "$CID_watcher")
    [ "$(readlink /proc/"$pid"/ns/pid)" = "$(readlink /proc/"$node_pid"/ns/pid)" ]
    [ "$(readlink /proc/"$pid"/ns/ipc)" = "$(readlink /proc/"$node_pid"/ns/ipc)" ]
    # still the pod's own network and UTS namespaces
    [ "$(readlink /proc/"$pid"/ns/net)" != "$(readlink /proc/"$node_pid"/ns/net)" ]
    [ "$(readlink /proc/"$pid"/ns/uts)" != "$(readlink /proc/"$node_pid"/ns/uts)" ]
    # the node's processes are visible: containerd's pid is there
    run cri exec "$CID_watcher" 10 cat /proc/"$node_pid"/comm
    [ "$output" = containerd ]
}

@test "cri (hull): hostPID and hostIPC: the container is in the node's PID and IPC namespaces and sees the node's processes" {
    host_pid_ipc hull
}

@test "cri (runc): hostPID and hostIPC: the container is in the node's PID and IPC namespaces and sees the node's processes" {
    host_pid_ipc runc
}
