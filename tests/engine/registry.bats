#!/usr/bin/env bats
# hull pull and hull run --pull against a real registry (docker-registry, plain
# HTTP on 127.0.0.1, started by setup_file and stopped by pid): tags, digests,
# OCI and Docker schema 2 manifests, a multi-platform index, gzip, zstd and
# uncompressed layers, layer reuse, parallel and concurrent pulls, a corrupted
# blob, a registry killed mid-pull, registries.conf (search, rewrite, mirror,
# blocked), and every bad input as one clear line with nothing left behind.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers
load registry-helpers

setup_file() {
    command -v docker-registry >/dev/null && command -v skopeo >/dev/null || return 0
    mkdir -p "$WORK_BASE"
    REG_DIR=$(mktemp -d "$WORK_BASE/reg.XXXXXX")
    export REG_DIR
    REG=127.0.0.1:$(registry_start "$REG_DIR")
    export REG
    seed_registry "$REG"
}

teardown_file() {
    [ -n "${REG_DIR:-}" ] || return 0
    registry_stop "$REG_DIR"
    rm -rf "$REG_DIR"
}

setup() {
    registry_requirements
    engine_setup
    # Nothing from the host: no /etc/containers, no ~/.docker.
    export HULL_REGISTRIES_CONF=$TEST_DIR/registries.conf HULL_CERTS_DIR=$TEST_DIR/certs.d
    export REGISTRY_AUTH_FILE=$TEST_DIR/auth.json HOME=$TEST_DIR/home
    unset XDG_RUNTIME_DIR
}

teardown() {
    diag_on_failure
    local d
    for d in "$TEST_DIR"/srv.*; do [ -d "$d" ] && registry_stop "$d"; done
    engine_teardown
}

image_count() {
    find "$STORE/images" -name '*.json' 2>/dev/null | wc -l
}

digest_of() { # the manifest (or index) digest the registry has for a reference
    skopeo inspect --raw --tls-verify=false "docker://$1" | sha256sum | sed 's/^/sha256:/; s/ .*//'
}

@test "pull: by tag, docker's output, the image runs; the store keeps nothing staged" {
    run hull pull "$REG/library/busybox"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "latest: Pulling from library/busybox" ]
    [[ "$output" == *": Pull complete"* ]]
    [[ "$output" == *"Digest: $(digest_of "$REG/library/busybox:latest")"* ]]
    [[ "$output" == *"Status: Downloaded newer image for $REG/library/busybox:latest"* ]]
    [ "${lines[-1]}" = "$REG/library/busybox:latest" ]
    run hull images --format json
    [[ "$output" == *"$REG/library/busybox"* ]]
    run hull run --rm "$REG/library/busybox" echo hello
    [ "$status" -eq 0 ]
    [ "$output" = hello ]
    assert_no_staging
}

@test "pull: a second pull fetches nothing; -q prints only the reference" {
    hull pull -q "$REG/library/busybox" >/dev/null
    run hull pull "$REG/library/busybox:latest"
    [ "$status" -eq 0 ]
    [[ "$output" == *": Already exists"* ]]
    [[ "$output" != *"Pull complete"* ]]
    [[ "$output" == *"Status: Image is up to date for $REG/library/busybox:latest"* ]]
    run hull pull -q "$REG/library/busybox"
    [ "$status" -eq 0 ]
    [ "$output" = "$REG/library/busybox:latest" ]
}

@test "pull: by digest (verified), runnable by name@digest" {
    local digest
    digest=$(digest_of "$REG/library/busybox:latest")
    run hull pull -q "$REG/library/busybox@$digest"
    [ "$status" -eq 0 ]
    [ "$output" = "$REG/library/busybox@$digest" ]
    run hull run --rm "$REG/library/busybox@$digest" echo by-digest
    [ "$output" = by-digest ]
    # a digest the registry does not have
    fails_with "image $REG/library/busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000: not found in registry $REG" \
        hull pull "$REG/library/busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000"
    [ "$(image_count)" -eq 1 ]
}

@test "pull: a two-layer image with a whiteout; the shared base layer is not fetched again" {
    hull pull -q "$REG/library/busybox" >/dev/null
    run hull pull "$REG/extra"
    [ "$status" -eq 0 ]
    [ "$(grep -c 'Already exists' <<<"$output")" -eq 1 ]
    [ "$(grep -c 'Pull complete' <<<"$output")" -eq 1 ]
    run hull run --rm "$REG/extra" sh -c 'cat /extra; test ! -e /etc/group && echo group-deleted'
    [ "${lines[0]}" = "extra layer" ]
    [ "${lines[1]}" = group-deleted ]
    [ "$(find "$STORE/layers" -mindepth 1 -maxdepth 1 | wc -l)" -eq 2 ]
}

@test "pull: zstd layers, an uncompressed layer, a Docker schema 2 manifest" {
    run hull pull -q "$REG/zstd"
    [ "$status" -eq 0 ]
    run hull run --rm "$REG/zstd" cat /zstd
    [ "$output" = "zstd layer" ]
    run hull pull -q "$REG/plain"
    [ "$status" -eq 0 ]
    run hull run --rm "$REG/plain" echo plain
    [ "$output" = plain ]
    skopeo inspect --raw --tls-verify=false "docker://$REG/dock:v1" | grep -q 'application/vnd.docker.distribution.manifest.v2+json'
    run hull pull -q "$REG/dock:v1"
    [ "$status" -eq 0 ]
    run hull run --rm "$REG/dock:v1" echo docker
    [ "$output" = docker ]
}

@test "pull: a multi-platform index gives this machine's image, --platform another one" {
    local arch
    case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) skip "the test index has amd64 and arm64 only" ;; esac
    hull pull -q "$REG/multi" >/dev/null
    run hull run --rm "$REG/multi" cat /platform
    [ "$output" = "$arch" ]
    run hull pull --platform linux/arm64 "$REG/multi"
    [ "$status" -eq 0 ]
    [[ "$output" == *"Digest: $(digest_of "$REG/multi:latest")"* ]] # the index's digest, as docker prints
    run hull run --rm "$REG/multi" cat /platform
    [ "$output" = arm64 ]
    hull pull -q --platform linux/arm64/v8 "$REG/multi" >/dev/null
    fails_with "image $REG/multi:latest has no image for linux/s390x (it has: linux/amd64, linux/arm64/v8)" \
        hull pull --platform linux/s390x "$REG/multi"
    fails_with "has no image for linux/arm64/v7" hull pull --platform linux/arm64/v7 "$REG/multi"
    fails_with 'invalid --platform "linux": want OS/ARCH\[/VARIANT\]' hull pull --platform linux "$REG/multi"
    # a single-platform image that is not what --platform asks for
    fails_with "image $REG/plain:latest is linux/amd64, not the linux/arm64 asked for with --platform" \
        hull pull --platform linux/arm64 "$REG/plain"
}

@test "pull: --max-concurrent 1 and 8 both work; bad values are refused" {
    run hull pull -q --max-concurrent 1 "$REG/extra"
    [ "$status" -eq 0 ]
    hull rmi "$REG/extra" >/dev/null
    run hull pull -q --max-concurrent 8 "$REG/big"
    [ "$status" -eq 0 ]
    run hull run --rm "$REG/big" sh -c 'wc -c </big'
    [ "$output" -eq 8388608 ]
    run hull pull --max-concurrent 0 "$REG/extra"
    [ "$status" -eq 125 ]
    [[ "$output" == *'invalid --max-concurrent "0"'* ]]
}

@test "pull: the next layer starts as soon as one is unpacked, not at the fetch loop's next 1 s tick" {
    # The fetch loop freed a layer's slot after its unpacking thread ended but
    # then polled with a 1 s timeout before starting the next layer, with no
    # transfer left to wake it: --max-concurrent 1 took a second per layer
    # (4.2 s for bench/pull.sh's 100 MB).  Checked without timing: after a
    # worker thread exits, the main thread's next poll has a timeout of 0.
    command -v strace >/dev/null || skip "strace is not installed"
    strace -f -qq -e trace=poll,exit -o "$TEST_DIR/st" \
        "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" pull -q --max-concurrent 1 "$REG/big"
    run awk '
        $2 ~ /^poll\(/ && !main { main = $1 }
        main && $1 != main && $2 ~ /^exit\(/ { ended = 1; next }
        ended && $1 == main && $2 ~ /^poll\(/ { n = split($0, a, ", "); print a[n]; ended = 0 }
    ' "$TEST_DIR/st"
    echo "polls after a worker ended: $output"
    # two layers: one worker ends before the last layer starts
    [ "${#lines[@]}" -ge 1 ]
    [[ "${lines[0]}" == "0) ="* ]]
}

@test "pull: a terminal gets per-layer lines redrawn in place" {
    run script -qec "'$HULL_ENGINE' --root '$STORE' --runroot '$RUNROOT' pull '$REG/extra'" /dev/null
    [ "$status" -eq 0 ]
    [[ "$output" == *"Pull complete"* ]]
    [[ "$output" == *$'\033['*"A"* ]] # cursor up: the layer lines are redrawn
}

@test "pull: bad names, unknown repositories and tags, a registry that is down: one line, nothing stored" {
    fails_with 'invalid reference format "BAD//name"' hull pull BAD//name
    fails_with "image $REG/nope:latest: not found in registry $REG" hull pull "$REG/nope"
    fails_with "image $REG/library/busybox:nope: not found in registry $REG" hull pull "$REG/library/busybox:nope"
    # a port nothing listens on: a registry we start and stop
    local down port
    down=$(mktemp -d "$TEST_DIR/srv.XXXXXX")
    port=$(registry_start "$down")
    registry_stop "$down"
    fails_with "image 127.0.0.1:$port/x:latest: cannot reach registry 127.0.0.1:$port" hull pull "127.0.0.1:$port/x"
    run hull pull
    [ "$status" -eq 125 ]
    [ "$(image_count)" -eq 0 ]
    assert_no_staging
}

@test "pull: malformed manifests, schema 1 and unknown media types are refused clearly" {
    local srv port
    srv=$(mktemp -d "$TEST_DIR/srv.XXXXXX")
    port=$(server_start "$srv" bad)
    fails_with "image 127.0.0.1:$port/badjson:latest: registry 127.0.0.1:$port: .*manifest" hull pull "127.0.0.1:$port/badjson"
    fails_with "image 127.0.0.1:$port/schema1:latest uses the Docker schema 1 manifest format, which hull does not support" \
        hull pull "127.0.0.1:$port/schema1"
    fails_with "image 127.0.0.1:$port/weird:latest: unsupported manifest media type \"application/vnd.example.thing+json\"" \
        hull pull "127.0.0.1:$port/weird"
    fails_with "image 127.0.0.1:$port/noconfig:latest: manifest config" hull pull "127.0.0.1:$port/noconfig"
    [ "$(image_count)" -eq 0 ]
    assert_no_staging
}

# A private registry on a copy of the seeded storage, for tests that break it.
private_registry() {
    PRIV=$(mktemp -d "$TEST_DIR/srv.XXXXXX")
    cp -a "$REG_DIR/data" "$PRIV/data"
    PRIV_REG=127.0.0.1:$(registry_start "$PRIV")
}

@test "pull: a corrupted blob is refused (digest mismatch), the store is left as it was" {
    private_registry
    hull pull -q "$PRIV_REG/library/busybox" >/dev/null
    local layer blob
    layer=$(skopeo inspect --raw --tls-verify=false "docker://$PRIV_REG/big:latest" | jq -r '.layers[1].digest')
    blob=$(blob_path "$PRIV" "$layer")
    # same size, one byte changed in the middle
    printf 'X' | dd of="$blob" bs=1 seek=4000000 conv=notrunc status=none
    fails_with "cannot pull image $PRIV_REG/big:latest: layer 2 of image $PRIV_REG/big:latest: digest mismatch: expected $layer" \
        hull pull "$PRIV_REG/big"
    [ "$(image_count)" -eq 1 ]
    [ "$(find "$STORE/layers" -mindepth 1 -maxdepth 1 | wc -l)" -eq 1 ]
    assert_no_staging
    run hull run --rm "$PRIV_REG/library/busybox" echo intact
    [ "$output" = intact ]
}

@test "pull: a registry killed mid-pull fails the pull cleanly; the next pull works" {
    private_registry
    local port=${PRIV_REG#*:}
    # 1 MB/s per layer: the 8 MiB layer takes seconds, time enough to kill the registry
    HULL_PULL_MAX_RECV_SPEED=1000000 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" pull "$PRIV_REG/big" \
        >"$TEST_DIR/pull.out" 2>&1 3>&- &
    local pull=$!
    wait_until 30 sh -c "find '$STORE/tmp' -name big -size +100k 2>/dev/null | grep -q ."
    registry_stop "$PRIV"
    local rc=0
    wait "$pull" || rc=$?
    [ "$rc" -ne 0 ]
    [ "$(tail -1 "$TEST_DIR/pull.out" | grep -c "^hull: error: cannot pull image $PRIV_REG/big:latest: layer .*registry $PRIV_REG")" -eq 1 ]
    [ "$(image_count)" -eq 0 ]
    assert_no_staging
    registry_start "$PRIV" "127.0.0.1:$port" >/dev/null
    run hull pull -q "$PRIV_REG/big"
    [ "$status" -eq 0 ]
    run hull run --rm "$PRIV_REG/big" sh -c 'wc -c </big'
    [ "$output" -eq 8388608 ]
}

@test "pull: concurrent pulls of the same and of overlapping images into one store all succeed" {
    local a b rc_a=0 rc_b=0
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" pull -q "$REG/extra" >"$TEST_DIR/a.out" 2>&1 3>&- &
    a=$!
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" pull -q "$REG/library/busybox" >"$TEST_DIR/b.out" 2>&1 3>&- &
    b=$!
    # and the same image twice at once
    local d rc_d=0
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" pull -q "$REG/extra" >"$TEST_DIR/d.out" 2>&1 3>&- &
    d=$!
    wait "$a" || rc_a=$?
    wait "$b" || rc_b=$?
    wait "$d" || rc_d=$?
    [ "$rc_a" -eq 0 ] || { cat "$TEST_DIR/a.out"; false; }
    [ "$rc_b" -eq 0 ] || { cat "$TEST_DIR/b.out"; false; }
    [ "$rc_d" -eq 0 ] || { cat "$TEST_DIR/d.out"; false; }
    [ "$(image_count)" -eq 2 ]
    [ "$(find "$STORE/layers" -mindepth 1 -maxdepth 1 | wc -l)" -eq 2 ]
    assert_no_staging
    run hull run --rm "$REG/extra" cat /extra
    [ "$output" = "extra layer" ]
    run hull run --rm "$REG/library/busybox" echo ok
    [ "$output" = ok ]
}

@test "run --pull: missing pulls once (progress on stderr), always pulls, never does not" {
    run --separate-stderr hull run --rm "$REG/library/busybox" echo from-run
    [ "$status" -eq 0 ]
    [ "$output" = from-run ]
    [[ "$stderr" == *"Unable to find image '$REG/library/busybox' locally"* ]]
    [[ "$stderr" == *"Pull complete"* ]]
    run --separate-stderr hull run --rm "$REG/library/busybox" echo again
    [ "$output" = again ]
    [ -z "$stderr" ]
    run --separate-stderr hull run --rm --pull always "$REG/library/busybox" echo always
    [ "$output" = always ]
    [[ "$stderr" == *"Image is up to date"* ]]
    fails_with "no such image: $REG/extra" hull run --rm --pull never "$REG/extra" true
    run hull run --rm --pull sometimes "$REG/extra" true
    [ "$status" -eq 125 ]
    [[ "$output" == *'invalid --pull "sometimes"'* ]]
    run --separate-stderr hull run --rm "$REG/nope" true
    [ "$status" -eq 125 ]
    [ "${stderr_lines[0]}" = "Unable to find image '$REG/nope' locally" ]
    [ "${stderr_lines[1]}" = "hull: error: image $REG/nope:latest: not found in registry $REG (manifest unknown)" ]
    [ "${#stderr_lines[@]}" -eq 2 ]
    run hull ps -aq
    [ -z "$output" ]
}

@test "registries.conf: search registries, a rewritten location, a mirror, a blocked registry" {
    push "oci-archive:$(busybox_images)/busybox-oci.tar:busybox" "$REG/busybox:latest"
    cat >"$HULL_REGISTRIES_CONF" <<EOF
# search our registry for short names
unqualified-search-registries = ["$REG"]

[[registry]]
prefix = "example.invalid/team"
location = "$REG/library"

[[registry]]
location = "unreachable.invalid"
[[registry.mirror]]
location = "$REG"

[[registry]]
location = "blocked.invalid"
blocked = true
EOF
    run hull pull -q busybox
    [ "$status" -eq 0 ]
    [ "$output" = "$REG/busybox:latest" ]
    run hull pull -q example.invalid/team/busybox
    [ "$status" -eq 0 ]
    [ "$output" = "example.invalid/team/busybox:latest" ]
    run hull run --rm example.invalid/team/busybox echo rewritten
    [ "$output" = rewritten ]
    run hull pull -q unreachable.invalid/extra
    [ "$status" -eq 0 ]
    run hull run --rm unreachable.invalid/extra cat /extra
    [ "$output" = "extra layer" ]
    fails_with "registry blocked.invalid is blocked in $HULL_REGISTRIES_CONF" hull pull blocked.invalid/x
    echo 'unqualified-search-registries = [1.5]' >"$HULL_REGISTRIES_CONF"
    fails_with "$HULL_REGISTRIES_CONF line 1: unsupported value" hull pull busybox
}

@test "push: to another repository, then pulled back into a fresh store: same image id, digest as printed" {
    hull pull -q "$REG/extra" >/dev/null
    local id
    id=$(hull images --no-trunc -q "$REG/extra")
    run hull push "$REG/extra" "$REG/pushed/extra:v1"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "The push refers to repository [$REG/pushed/extra]" ]
    # pulled from this registry: its layers are mounted from there (registry-push.bats has the rest)
    [ "$(grep -c ': Mounted from extra$' <<<"$output")" -eq 2 ]
    local digest
    digest=$(sed -n 's/^v1: digest: \(sha256:[0-9a-f]*\) size: [0-9]*$/\1/p' <<<"$output")
    [ "$digest" = "$(digest_of "$REG/pushed/extra:v1")" ]
    # again: the registry has every blob
    run hull push "$REG/extra" "$REG/pushed/extra:v1"
    [ "$(grep -c 'Layer already exists' <<<"$output")" -eq 2 ]
    local other=$TEST_DIR/other
    run "$HULL_ENGINE" --root "$other" --runroot "$TEST_DIR/run2" pull -q "$REG/pushed/extra:v1"
    [ "$status" -eq 0 ]
    [ "$("$HULL_ENGINE" --root "$other" images --no-trunc -q "$REG/pushed/extra:v1")" = "$id" ]
    run "$HULL_ENGINE" --root "$other" --runroot "$TEST_DIR/run2" run --rm "$REG/pushed/extra:v1" cat /extra
    [ "$output" = "extra layer" ]
    # skopeo reads what we pushed, every blob verified
    skopeo copy --quiet --src-tls-verify=false "docker://$REG/pushed/extra:v1" "dir:$TEST_DIR/skopeo"
}

@test "push: bad input fails with one line and pushes nothing" {
    fails_with "no such image: nope" hull push nope "$REG/nope:1"
    hull pull -q "$REG/library/busybox" >/dev/null
    # by digest: only the digest of the image's own manifest
    fails_with "cannot push $REG/x@sha256:0000000000000000000000000000000000000000000000000000000000000000: the image's manifest is sha256:" \
        hull push "$REG/library/busybox" "$REG/x@sha256:0000000000000000000000000000000000000000000000000000000000000000"
    run skopeo inspect --raw --tls-verify=false "docker://$REG/x@sha256:0000000000000000000000000000000000000000000000000000000000000000"
    [ "$status" -ne 0 ]
    fails_with 'invalid reference format' hull push "$REG/library/busybox" "$REG/x@sha256:123"
    local down port
    down=$(mktemp -d "$TEST_DIR/srv.XXXXXX")
    port=$(registry_start "$down")
    registry_stop "$down"
    fails_with "cannot reach registry 127.0.0.1:$port" hull push "$REG/library/busybox" "127.0.0.1:$port/x:1"
    run hull push
    [ "$status" -eq 125 ]
    run skopeo inspect --raw --tls-verify=false "docker://$REG/nope:1"
    [ "$status" -ne 0 ]
}

@test "pull: a disk that fills up mid-unpack fails the pull cleanly; what was stored stays intact" {
    # the store on a private 6 MiB tmpfs, under this test's dir (unmounted by teardown)
    local small=$TEST_DIR/small
    mkdir -p "$small"
    mount -t tmpfs -o size=6m tmpfs "$small" || skip "cannot mount a tmpfs here"
    local h=("$HULL_ENGINE" --root "$small/root" --runroot "$RUNROOT")
    "${h[@]}" pull -q "$REG/library/busybox" >/dev/null
    run "${h[@]}" pull "$REG/big"
    [ "$status" -eq 1 ]
    [[ "${lines[-1]}" == "hull: error: cannot pull image $REG/big:latest: layer "?" of image $REG/big:latest: "*"No space left on device"* ]]
    [ -z "$(ls -A "$small/root/tmp")" ]
    [ "$("${h[@]}" images -q | wc -l)" -eq 1 ]
    run "${h[@]}" run --rm "$REG/library/busybox" echo still-fine
    [ "$output" = still-fine ]
    umount "$small"
}

@test "pull: a 503 and connections cut mid-blob are retried; layers resume with Range where they stopped" {
    local srv port
    srv=$(mktemp -d "$TEST_DIR/srv.XXXXXX")
    port=$(server_start "$srv" flaky "${REG#*:}" "$srv/ranges")
    # the proxy names the registry 127.0.0.1:$port: the image is the same
    run hull pull "127.0.0.1:$port/big"
    [ "$status" -eq 0 ]
    [[ "$output" == *"Retrying"* ]]
    # every cut blob was asked for again from where it stopped, not from 0
    [ "$(wc -l <"$srv/ranges")" -ge 1 ]
    ! grep -q "bytes=0-" "$srv/ranges"
    run hull run --rm "127.0.0.1:$port/big" sh -c 'wc -c </big'
    [ "$output" -eq 8388608 ]
    assert_no_staging
}

@test "pull --all-tags: every tag of a repository; a tag in the name or an unknown repository is refused" {
    local oci
    oci=$(busybox_images)/busybox-oci.tar
    push "oci-archive:$oci:busybox" "$REG/tagged:v1"
    push "oci-archive:$oci:busybox-extra" "$REG/tagged:v2"
    run hull pull -q --all-tags "$REG/tagged"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "$REG/tagged:v1" ]
    [ "${lines[1]}" = "$REG/tagged:v2" ]
    run hull run --rm "$REG/tagged:v2" cat /extra
    [ "$output" = "extra layer" ]
    fails_with "a tag or digest cannot be used with --all-tags" hull pull -a "$REG/tagged:v1"
    fails_with "tags of $REG/nope: not found in registry $REG" hull pull -a "$REG/nope"
}

@test "pull: one kept-alive connection for the whole pull; a plain registry on this machine gets no TLS attempt" {
    local srv port
    srv=$(mktemp -d "$TEST_DIR/srv.XXXXXX")
    port=$(server_start "$srv" tcpcount "${REG#*:}" "$srv/conns")
    # ping, manifest, config and both layers, one after the other: one connection
    run hull pull -q --max-concurrent 1 "127.0.0.1:$port/extra"
    [ "$status" -eq 0 ]
    run cat "$srv/conns"
    [ "$output" = plain ]
    # layers in parallel: one connection per transfer at once (3), reused after
    rm -f "$srv/conns"
    run hull pull -q "127.0.0.1:$port/big"
    [ "$status" -eq 0 ]
    ! grep -q tls "$srv/conns"
    [ "$(wc -l <"$srv/conns")" -le 3 ]
    run hull run --rm "127.0.0.1:$port/big" sh -c 'wc -c </big'
    [ "$output" -eq 8388608 ]
}
