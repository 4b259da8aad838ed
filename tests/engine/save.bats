#!/usr/bin/env bats
# hull save: docker-archive and oci-archive out of the store, every layer given
# back byte for byte from its tar-split (the image keeps its id through save and
# load in hull, podman and skopeo), and every way it can fail leaving no file.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup
    hull load -q -i "$IMAGES/busybox-oci.tar" >/dev/null
}

teardown() {
    diag_on_failure
    engine_teardown
}

id_of() {
    hull images --no-trunc -q "$1" | head -1
}

@test "save: a docker-archive loads back with the same id; tags, shared layers once" {
    local id extra
    id=$(id_of busybox)
    extra=$(id_of busybox-extra)
    run hull save -o "$TEST_DIR/out.tar" busybox busybox-extra
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    tar -xOf "$TEST_DIR/out.tar" manifest.json >"$TEST_DIR/manifest.json"
    [ "$(jq -r '.[0].RepoTags[0]' "$TEST_DIR/manifest.json")" = busybox:latest ]
    [ "$(jq -r '.[1].RepoTags[0]' "$TEST_DIR/manifest.json")" = busybox-extra:latest ]
    [ "$(jq -r '.[0].Config' "$TEST_DIR/manifest.json")" = "${id#sha256:}.json" ]
    # the base layer is in both images and in the archive once
    [ "$(tar -tf "$TEST_DIR/out.tar" | grep -c layer.tar)" -eq 2 ]
    # every layer.tar is exactly the diff_id the config names
    local l
    for l in $(tar -tf "$TEST_DIR/out.tar" | grep layer.tar); do
        [ "$(tar -xOf "$TEST_DIR/out.tar" "$l" | sha256sum | cut -c1-64)" = "${l%%/*}" ]
    done
    local other=$TEST_DIR/other
    run "$HULL_ENGINE" --root "$other" load -i "$TEST_DIR/out.tar"
    [ "$status" -eq 0 ]
    [ "$("$HULL_ENGINE" --root "$other" images --no-trunc -q busybox)" = "$id" ]
    [ "$("$HULL_ENGINE" --root "$other" images --no-trunc -q busybox-extra)" = "$extra" ]
    # to stdout, by id: no name in the archive
    hull save "${id#sha256:}" >"$TEST_DIR/byid.tar"
    [ "$(tar -xOf "$TEST_DIR/byid.tar" manifest.json | jq '.[0].RepoTags | length')" -eq 0 ]
}

@test "save: an oci-archive loads back with the same id; skopeo reads it" {
    local id
    id=$(id_of busybox-extra)
    run hull save --format oci-archive -o "$TEST_DIR/oci.tar" busybox-extra
    [ "$status" -eq 0 ]
    tar -xOf "$TEST_DIR/oci.tar" index.json >"$TEST_DIR/index.json"
    [ "$(jq -r '.manifests[0].annotations["io.containerd.image.name"]' "$TEST_DIR/index.json")" = docker.io/library/busybox-extra:latest ]
    local other=$TEST_DIR/other
    "$HULL_ENGINE" --root "$other" load -q -i "$TEST_DIR/oci.tar" >/dev/null
    [ "$("$HULL_ENGINE" --root "$other" images --no-trunc -q busybox-extra)" = "$id" ]
    if command -v skopeo >/dev/null; then
        [ "$(skopeo inspect --raw "oci-archive:$TEST_DIR/oci.tar" | jq -r .config.digest)" = "$id" ]
        skopeo copy --quiet "oci-archive:$TEST_DIR/oci.tar" "dir:$TEST_DIR/skopeo-dir" # reads every blob, verifies digests
    fi
}

@test "save: podman load of hull's docker-archive gives the same image id" {
    command -v podman >/dev/null || skip "podman not installed"
    local id pod
    id=$(id_of busybox-extra)
    hull save -o "$TEST_DIR/out.tar" busybox-extra
    pod=$(mktemp -d /tmp/hull-podman.XXXXXX) # podman wants a short --runroot
    run podman --root "$pod/root" --runroot "$pod/run" --storage-driver vfs load -i "$TEST_DIR/out.tar"
    local loaded
    loaded=$(podman --root "$pod/root" --runroot "$pod/run" --storage-driver vfs images --no-trunc -q | head -1)
    podman --root "$pod/root" --runroot "$pod/run" --storage-driver vfs rmi -af >/dev/null 2>&1 || true
    rm -rf "$pod"
    [ "$loaded" = "$id" ]
}

@test "save: an imported image saves too" {
    hull import "$IMAGES/rootfs.tar" imported:1 >/dev/null
    run hull save -o "$TEST_DIR/imp.tar" imported:1
    [ "$status" -eq 0 ]
    "$HULL_ENGINE" --root "$TEST_DIR/other" load -q -i "$TEST_DIR/imp.tar" >/dev/null
    [ "$("$HULL_ENGINE" --root "$TEST_DIR/other" images --no-trunc -q imported:1)" = "$(id_of imported:1)" ]
}

@test "save: bad input and layers that cannot be given back leave no file" {
    fails_with "no such image: nope" hull save -o "$TEST_DIR/x.tar" busybox nope
    [ -z "$(ls "$TEST_DIR" | grep x.tar)" ]
    run hull save --format zip -o "$TEST_DIR/x.tar" busybox
    [ "$status" -eq 125 ]
    run hull save -o "$TEST_DIR/x.tar"
    [ "$status" -eq 125 ]
    fails_with "cannot create $TEST_DIR/nodir/x.tar" hull save -o "$TEST_DIR/nodir/x.tar" busybox
    # a file of the layer changed behind the store's back
    local layer
    layer=$(hull image inspect busybox-extra | jq -r '.[0].RootFS.Layers[1]')
    echo "EXTRA LAYER" >"$STORE/layers/${layer#sha256:}/diff/extra" # same size, other bytes
    fails_with "layer $layer cannot be given back as it came" hull save -o "$TEST_DIR/x.tar" busybox-extra
    echo "extra" >"$STORE/layers/${layer#sha256:}/diff/extra"
    fails_with "the layer's file extra is shorter than its tar entry" hull save -o "$TEST_DIR/x.tar" busybox-extra
    # a layer stored without its tar-split (an older hull)
    rm "$STORE/layers/${layer#sha256:}/tar-split"
    fails_with "layer $layer was stored before hull kept the tar of each layer" hull save -o "$TEST_DIR/x.tar" busybox-extra
    [ -z "$(ls "$TEST_DIR" | grep x.tar)" ]
    run script -qec "'$HULL_ENGINE' --root '$STORE' save busybox" /dev/null
    [ "$status" -ne 0 ]
    [[ "$output" == *"cowardly refusing to save to a terminal"* ]]
}
