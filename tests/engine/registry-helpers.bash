# Helpers for the registry tests: real registries (Debian's docker-registry,
# distribution v2.8) and small python servers, started privately on 127.0.0.1
# with ports the kernel picks, each with its own config and storage dir, and
# stopped by pid.  Nothing here touches /etc: registries.conf, certs.d and the
# credentials file come from HULL_REGISTRIES_CONF, HULL_CERTS_DIR and
# REGISTRY_AUTH_FILE, pointed into the test's dirs.

PY=/usr/bin/python3 # Debian's, with python3-jwt and python3-cryptography

# registry_requirements: skips the test when a tool is missing.
registry_requirements() {
    command -v docker-registry >/dev/null || skip "docker-registry not installed (apt-get install docker-registry)"
    command -v skopeo >/dev/null || skip "skopeo not installed"
    [ -x "$PY" ] || skip "$PY missing"
}

# registry_start DIR [ADDR] [EXTRA_YAML_FILE]: a registry storing under DIR/data,
# listening on ADDR (default 127.0.0.1:0, a free port); EXTRA_YAML_FILE is
# appended to its config (auth:, http.tls lines).  Sets DIR/port; prints the port.
registry_start() {
    local dir=$1 addr=${2:-127.0.0.1:0} extra=${3:-}
    mkdir -p "$dir/data"
    {
        echo "version: 0.1"
        # REGISTRY_TEST_ACCESSLOG=1: one line per request in DIR/log ("PATCH /v2/... 202"),
        # for the tests that check which requests a push made
        if [ -n "${REGISTRY_TEST_ACCESSLOG:-}" ]; then
            echo "log: {level: info, accesslog: {disabled: false}}"
        else
            echo "log: {level: info, accesslog: {disabled: true}}"
        fi
        echo "storage: {filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}}"
        echo "http:"
        echo "  addr: $addr"
        echo "  secret: hull-test-secret"
        [ -n "$extra" ] && cat "$extra"
    } >"$dir/config.yml"
    rm -f "$dir/port" "$dir/log"
    # 3>&-: bats waits for every holder of its fd 3 before it ends a test.
    # env -u: the registry reads REGISTRY_* variables as config overrides, and
    # REGISTRY_AUTH_FILE (ours, for hull) would be its "auth.file".
    env -u REGISTRY_AUTH_FILE docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 3>&- &
    echo $! >"$dir/pid"
    # The registry logs "listening on 127.0.0.1:PORT" once its socket is bound.
    wait_until 20 grep -q "listening on" "$dir/log" || { cat "$dir/log" >&2; return 1; }
    grep -o 'listening on [^ ,"]*' "$dir/log" | head -1 | sed 's/.*://' >"$dir/port"
    cat "$dir/port"
}

# pid_gone PID: the process has exited (a zombie not yet reaped counts as gone).
pid_gone() {
    [ ! -e "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}

# registry_stop DIR: kills the server started in DIR (by its pid) and waits for it to exit.
registry_stop() {
    local dir=$1 pid
    [ -f "$dir/pid" ] || return 0
    pid=$(cat "$dir/pid")
    kill "$pid" 2>/dev/null
    wait_until 20 pid_gone "$pid" || kill -9 "$pid" 2>/dev/null
    rm -f "$dir/pid"
}

# server_start DIR MODE ARGS...: tests/engine/registry-server.py in the background; prints its port.
server_start() {
    local dir=$1
    shift
    mkdir -p "$dir"
    rm -f "$dir/port"
    "$PY" "$HULL_SRC/tests/engine/registry-server.py" "$1" "$dir/port" "${@:2}" >"$dir/log" 2>&1 3>&- &
    echo $! >"$dir/pid"
    wait_until 20 test -s "$dir/port" || { cat "$dir/log" >&2; return 1; }
    cat "$dir/port"
}

# push SRC DEST [SKOPEO_ARGS...]: skopeo copy SRC docker://DEST (plain HTTP or unverified TLS).
push() {
    local src=$1 dest=$2
    shift 2
    skopeo copy --quiet --dest-tls-verify=false "$@" "$src" "docker://$dest" >/dev/null
}

# The images every registry test file pushes: busybox (oci-archive from umoci),
# busybox-extra (two layers, a whiteout) and the hand-made layouts of
# make-registry-images.py (multi-platform, uncompressed, zstd, big).
registry_images() {
    local dir=$WORK_BASE/registry-images
    if [ ! -d "$dir/big" ]; then
        local tmp
        tmp=$(mktemp -d "$WORK_BASE/.regimages.XXXXXX")
        "$PY" "$HULL_SRC/tests/engine/make-registry-images.py" "$(busybox_images)/rootfs.tar" "$tmp"
        rm -rf "$dir"
        mv "$tmp" "$dir"
    fi
    echo "$dir"
}

# seed_registry HOST:PORT [SKOPEO_ARGS...]: pushes the test images.
seed_registry() {
    local reg=$1 images oci
    shift
    images=$(registry_images)
    oci=$(busybox_images)/busybox-oci.tar
    push "oci-archive:$oci:busybox" "$reg/library/busybox:latest" "$@"
    push "oci-archive:$oci:busybox-extra" "$reg/extra:latest" "$@"
    push "docker-archive:$(busybox_images)/busybox-docker.tar" "$reg/dock:v1" --format v2s2 "$@"
    local i
    for i in multi plain zstd big; do
        push "oci:$images/$i:latest" "$reg/$i:latest" --all --preserve-digests "$@"
    done
}

# blob_path REGDIR DIGEST: where the registry keeps a blob.
blob_path() {
    local hex=${2#sha256:}
    echo "$1/data/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
}

# The store has no staging leftovers.
assert_no_staging() {
    [ -z "$(ls -A "$STORE/tmp" 2>/dev/null)" ] || { echo "staging left: $(ls -A "$STORE/tmp")" >&2; return 1; }
}
