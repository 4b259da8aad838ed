#!/usr/bin/env bats
# hull's image commands: import, load (oci-archive from umoci, OCI layout dir,
# docker-archive by hand and from podman), images/rmi/tag/inspect, --format
# json, shared layers, and every way an archive can be bad.
# Each test gets its own --root/--runroot under tests/.work.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup
}

teardown() {
    diag_on_failure
    engine_teardown
}

layer_count() {
    find "$STORE/layers" -mindepth 1 -maxdepth 1 -type d | wc -l
}

image_count() {
    find "$STORE/images" -name '*.json' 2>/dev/null | wc -l
}

# The store holds nothing: no image, no layer, no tag, no staging leftovers.
assert_store_empty() {
    [ "$(image_count)" -eq 0 ] || { echo "images left: $(ls "$STORE/images")" >&2; return 1; }
    [ "$(layer_count)" -eq 0 ] || { echo "layers left: $(ls "$STORE/layers")" >&2; return 1; }
    [ -z "$(ls -A "$STORE/tmp" 2>/dev/null)" ] || { echo "staging left: $(ls -A "$STORE/tmp")" >&2; return 1; }
    [ -z "$(ls -A "$STORE/blobs/sha256" 2>/dev/null)" ] || { echo "blobs left" >&2; return 1; }
    run hull images -q
    [ -z "$output" ]
}

@test "import: a rootfs tarball becomes a one-layer image whose diff_id is the tar's sha256" {
    run hull import "$IMAGES/rootfs.tar" busybox:imported
    [ "$status" -eq 0 ]
    [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
    id=$output
    run hull images
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" =~ ^REPOSITORY\ +TAG\ +IMAGE\ ID\ +CREATED\ +SIZE$ ]]
    [[ "${lines[1]}" =~ ^busybox\ +imported\ +${id:7:12}\ +.*ago\ +[0-9.]+MB$ ]]
    diff_id=sha256:$(sha256sum "$IMAGES/rootfs.tar" | cut -d' ' -f1)
    run hull image inspect busybox:imported
    [ "$(jq -r '.[0].RootFS.Layers[0]' <<<"$output")" = "$diff_id" ]
    [ "$(jq -r '.[0].Id' <<<"$output")" = "$id" ]
    layer=$(jq -r '.[0].Hull.Layers[0].Path' <<<"$output")
    # the unpacked layer is the tarball's tree: same files, modes, symlinks
    [ -x "$layer/bin/busybox" ]
    [ "$(readlink "$layer/bin/sh")" = busybox ]
    [ "$(stat -c %a "$layer/tmp")" = 1777 ]
    diff -r --no-dereference "$(busybox_rootfs)" "$layer"
}

@test "import: from stdin, gzip and zstd tarballs share the same layer; --change sets the config" {
    run sh -c "gzip -c '$IMAGES/rootfs.tar' | '$HULL_ENGINE' --root '$STORE' import --change 'CMD [\"sh\"]' --change 'ENV A=1 B=\"two words\"' -"
    [ "$status" -eq 0 ]
    gz_id=$output
    zstd -q -c "$IMAGES/rootfs.tar" >"$TEST_DIR/rootfs.tar.zst"
    run hull import --change 'WORKDIR /tmp' "$TEST_DIR/rootfs.tar.zst" bb:zstd
    [ "$status" -eq 0 ]
    run hull image inspect "$gz_id"
    [ "$(jq -c '.[0].Config.Cmd' <<<"$output")" = '["sh"]' ]
    [ "$(jq -c '.[0].Config.Env' <<<"$output")" = '["A=1","B=two words"]' ]
    [[ "$(jq -r '.[0].Hull.Layers[0].MediaType' <<<"$output")" == *tar+gzip ]]
    [ "$(jq -r '.[0].RepoTags | length' <<<"$output")" = 0 ]
    run hull image inspect bb:zstd
    [ "$(jq -r '.[0].Config.WorkingDir' <<<"$output")" = /tmp ]
    [[ "$(jq -r '.[0].Hull.Layers[0].MediaType' <<<"$output")" == *tar+zstd ]]
    # two images, one unpacked layer
    [ "$(layer_count)" -eq 1 ]
    run hull images
    [[ "$output" == *"<none>"*"<none>"* ]]
}

@test "import: an unknown --change instruction is refused before anything is read" {
    run --separate-stderr hull import --change 'RUN rm -rf /' "$IMAGES/rootfs.tar"
    [ "$status" -ne 0 ]
    [[ "$stderr" == *"RUN is not one of"* ]]
    assert_store_empty
}

@test "load: an oci-archive from umoci with two images that share their base layer" {
    run hull load -i "$IMAGES/busybox-oci.tar"
    [ "$status" -eq 0 ]
    [[ "$output" == *"Loaded image: busybox:latest"* ]]
    [[ "$output" == *"Loaded image: busybox-extra:latest"* ]]
    run hull image inspect busybox busybox-extra
    [ "$status" -eq 0 ]
    [ "$(jq -r '.[0].RootFS.Layers | length' <<<"$output")" = 1 ]
    [ "$(jq -r '.[1].RootFS.Layers | length' <<<"$output")" = 2 ]
    [ "$(jq -r '.[0].RootFS.Layers[0]' <<<"$output")" = "$(jq -r '.[1].RootFS.Layers[0]' <<<"$output")" ]
    [ "$(jq -c '.[0].Config.Cmd' <<<"$output")" = '["sh"]' ]
    # three layer references, two layers on disk: the base is unpacked once
    [ "$(layer_count)" -eq 2 ]
    top=$(jq -r '.[1].Hull.Layers[1].Path' <<<"$output")
    [ "$(cat "$top/extra")" = "extra layer" ]
    # umoci's ".wh.group" became an overlay whiteout
    [ "$(stat -c '%F %t:%T' "$top/etc/group")" = "character special file 0:0" ]
    [ ! -e "$top/etc/.wh.group" ]
}

@test "load: an OCI layout directory and a compressed oci-archive from stdin" {
    mkdir "$TEST_DIR/layout"
    tar -C "$TEST_DIR/layout" -xf "$IMAGES/busybox-oci.tar"
    run hull load -i "$TEST_DIR/layout"
    [ "$status" -eq 0 ]
    [[ "$output" == *"Loaded image: busybox:latest"* ]]
    run hull rmi busybox busybox-extra
    [ "$status" -eq 0 ]
    assert_store_empty
    run sh -c "gzip -c '$IMAGES/busybox-oci.tar' | '$HULL_ENGINE' --root '$STORE' load"
    [ "$status" -eq 0 ]
    [[ "$output" == *"Loaded image: busybox-extra:latest"* ]]
}

@test "load: a docker-archive written by hand (manifest.json + config + layer tar)" {
    run hull load -i "$IMAGES/busybox-docker.tar"
    [ "$status" -eq 0 ]
    [ "$output" = "Loaded image: busybox:docker" ]
    run hull image inspect busybox:docker
    [ "$(jq -r '.[0].Created' <<<"$output")" = "2024-01-01T00:00:00Z" ]
    [ "$(jq -r '.[0].Id' <<<"$output")" = "sha256:$(tar -xOf "$IMAGES/busybox-docker.tar" --wildcards '*.json' --exclude manifest.json | sha256sum | cut -d' ' -f1)" ]
    [ "$(jq -r '.[0].RootFS.Layers[0]' <<<"$output")" = "sha256:$(sha256sum "$IMAGES/rootfs.tar" | cut -d' ' -f1)" ]
}

@test "load: a real podman docker-archive shares the layer of the same tarball, unpacked once" {
    [ -f "$IMAGES/busybox-podman.tar" ] || skip "podman is not installed (busybox-podman.tar was not made)"
    run hull import "$IMAGES/rootfs.tar" first
    [ "$status" -eq 0 ]
    layer=$(ls "$STORE/layers")
    inode_before=$(stat -c %i "$STORE/layers/$layer/diff/bin/busybox")
    run hull load -i "$IMAGES/busybox-podman.tar"
    [ "$status" -eq 0 ]
    [ "$output" = "Loaded image: localhost/busybox:podman" ]
    run hull load -i "$IMAGES/busybox-docker.tar"
    [ "$status" -eq 0 ]
    [ "$(layer_count)" -eq 1 ]
    # not unpacked again: the very same inode
    [ "$(stat -c %i "$STORE/layers/$layer/diff/bin/busybox")" = "$inode_before" ]
    run hull images --format json
    [ "$(jq length <<<"$output")" -eq 3 ]
}

@test "load: a multi-image docker-archive" {
    d=$TEST_DIR/multi
    mkdir "$d"
    tar -C "$d" -xf "$IMAGES/busybox-docker.tar"
    cfg=$(jq -r '.[0].Config' "$d/manifest.json")
    jq -c '.config.Cmd = ["echo", "second"]' "$d/$cfg" | tr -d '\n' >"$d/second.json"
    jq --arg c second.json '. + [.[0] | .Config = $c | .RepoTags = ["second:v1", "second:v2"]]' \
        "$d/manifest.json" >"$d/m" && mv "$d/m" "$d/manifest.json"
    tar -C "$d" -cf "$TEST_DIR/multi.tar" .
    run hull load -i "$TEST_DIR/multi.tar"
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 3 ]
    [[ "$output" == *"Loaded image: second:v2"* ]]
    [ "$(image_count)" -eq 2 ]
    [ "$(layer_count)" -eq 1 ]
    run hull image inspect second:v1
    [ "$(jq -c '.[0].Config.Cmd' <<<"$output")" = '["echo","second"]' ]
}

@test "images: --format json and Go templates, -q, --no-trunc and a repository filter" {
    hull load -i "$IMAGES/busybox-oci.tar" >/dev/null
    hull import "$IMAGES/rootfs.tar" other:1 >/dev/null
    run hull images --format json
    [ "$status" -eq 0 ]
    [ "$(jq length <<<"$output")" -eq 3 ]
    [ "$(jq -r '[.[].RepoTags[]] | sort | join(",")' <<<"$output")" = "busybox-extra:latest,busybox:latest,other:1" ]
    [ "$(jq -r '.[] | select(.RepoTags[0] == "busybox-extra:latest") | .Layers' <<<"$output")" = 2 ]
    jq -e 'all(.[]; (.Id | test("^sha256:[0-9a-f]{64}$")) and .Size > 1000000 and .Created > 0)' <<<"$output"
    run hull images -q
    [ "${#lines[@]}" -eq 3 ]
    [[ "${lines[0]}" =~ ^[0-9a-f]{12}$ ]]
    run hull images --no-trunc -q other
    [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
    run hull images busybox
    [ "${#lines[@]}" -eq 2 ]
    [[ "${lines[1]}" == busybox\ * ]]
    # anything else is a Go template on docker's fields, once per row
    # (so "yaml" prints "yaml" per image, as docker does)
    run hull images --format '{{.Repository}}:{{.Tag}} {{len .ID}}' busybox
    [ "$output" = "busybox:latest 12" ]
    run hull images --format 'table {{.Repository}}\t{{.Size}}' other
    [[ "${lines[0]}" == "REPOSITORY"*"SIZE" ]]
    [[ "${lines[1]}" == other*MB ]]
    run hull images --format yaml other
    [ "$output" = yaml ]
    run hull images --format '{{.Nope}}'
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *'no field "Nope"'* ]]
}

@test "tag: a second name for the same image; bad names and unknown images are refused" {
    hull import "$IMAGES/rootfs.tar" src:1 >/dev/null
    run hull tag src:1 registry.example.com:5000/team/dst:v2
    [ "$status" -eq 0 ]
    run hull image inspect registry.example.com:5000/team/dst:v2
    [ "$status" -eq 0 ]
    [ "$(jq -r '.[0].RepoTags | join(",")' <<<"$output")" = "registry.example.com:5000/team/dst:v2,src:1" ]
    run hull images registry.example.com:5000/team/dst
    [[ "${lines[1]}" =~ ^registry.example.com:5000/team/dst\ +v2 ]]
    run --separate-stderr hull tag src:1 Bad:Name
    [ "$status" -ne 0 ]
    [[ "$stderr" == *"invalid reference format"* ]]
    run --separate-stderr hull tag nope:1 x:1
    [ "$status" -ne 0 ]
    [ "$stderr" = "hull: error: no such image: nope:1" ]
    # tagging by id prefix works, as in docker
    id=$(hull images -q src)
    run hull tag "${id:0:6}" byid
    [ "$status" -eq 0 ]
    run hull images -q byid:latest
    [ "$output" = "$id" ]
}

@test "rmi: untags while other tags remain, deletes the image and its unshared layers with the last" {
    hull load -i "$IMAGES/busybox-oci.tar" >/dev/null
    hull tag busybox:latest busybox:second
    run hull rmi busybox:second
    [ "$status" -eq 0 ]
    [ "$output" = "Untagged: busybox:second" ]
    [ "$(image_count)" -eq 2 ]
    # busybox-extra goes: its own top layer with it, the shared base stays for busybox
    run hull rmi busybox-extra
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" = "Untagged: busybox-extra:latest" ]]
    [[ "${lines[1]}" =~ ^Deleted:\ sha256:[0-9a-f]{64}$ ]]
    [ "$(image_count)" -eq 1 ]
    [ "$(layer_count)" -eq 1 ]
    run hull image inspect busybox
    [ -d "$(jq -r '.[0].Hull.Layers[0].Path' <<<"$output")" ]
    run hull rmi busybox
    [ "$status" -eq 0 ]
    assert_store_empty
}

@test "rmi: an id with several tags needs -f; errors for unknown images do not stop the others" {
    hull import "$IMAGES/rootfs.tar" a:1 >/dev/null
    hull tag a:1 b:1
    id=$(hull images -q a)
    run --separate-stderr hull rmi "$id"
    [ "$status" -ne 0 ]
    [[ "$stderr" == *"must be forced"* ]]
    [ "$(image_count)" -eq 1 ]
    run --separate-stderr hull rmi -f nope "$id"
    [ "$status" -eq 1 ]
    [ "$stderr" = "hull: error: no such image: nope" ]
    [[ "$output" == *"Untagged: a:1"*"Untagged: b:1"*"Deleted: sha256:"* ]]
    assert_store_empty
}

@test "image inspect: docker-shaped JSON with config, layers, digests and size" {
    hull load -i "$IMAGES/busybox-oci.tar" >/dev/null
    run hull image inspect busybox-extra
    [ "$status" -eq 0 ]
    jq -e '.[0] | (.Id | startswith("sha256:")) and .Os == "linux" and .Architecture != ""
        and (.RepoTags == ["busybox-extra:latest"]) and (.RepoDigests[0] | startswith("busybox-extra@sha256:"))
        and .Size > 1000000 and .RootFS.Type == "layers" and (.RootFS.Layers | length) == 2
        and (.Hull.Layers | length) == 2 and (.Hull.Layers[0].Digest | startswith("sha256:"))
        and .Hull.Layers[0].BlobSize > 0 and (.GraphDriver.Data.LowerDir | split(":") | length) == 2
        and (.Config.Env | index("PATH=/bin:/sbin:/usr/bin:/usr/sbin")) != null' <<<"$output"
    # the manifest digest is what the OCI index says
    mkdir "$TEST_DIR/l" && tar -C "$TEST_DIR/l" -xf "$IMAGES/busybox-oci.tar"
    want=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "busybox-extra") | .digest' "$TEST_DIR/l/index.json")
    [ "$(jq -r '.[0].Hull.Manifest' <<<"$output")" = "$want" ]
    # the same through `hull image ls`-style aliases and name@digest
    run hull image inspect "busybox-extra@$want"
    [ "$status" -eq 0 ]
    run --separate-stderr hull image inspect busybox nope
    [ "$status" -eq 1 ]
    [ "$(jq length <<<"$output")" -eq 1 ]
    [ "$stderr" = "hull: error: no such image: nope" ]
}

@test "bad input: garbage, empty, truncated, missing and non-image archives fail with one clear line and store nothing" {
    echo "this is not an archive" >"$TEST_DIR/garbage"
    : >"$TEST_DIR/empty"
    head -c 1000000 "$IMAGES/busybox-docker.tar" >"$TEST_DIR/truncated.tar"
    tar -C "$TEST_DIR" -cf "$TEST_DIR/notimage.tar" garbage
    mkdir "$TEST_DIR/emptydir"
    fails_with "not an image archive" hull load -i "$TEST_DIR/garbage"
    fails_with "not an image archive\\|empty" hull load -i "$TEST_DIR/empty"
    fails_with "Truncated" hull load -i "$TEST_DIR/truncated.tar"
    fails_with "neither an OCI image layout" hull load -i "$TEST_DIR/notimage.tar"
    fails_with "neither an OCI image layout" hull load -i "$TEST_DIR/emptydir"
    fails_with "open .*does-not-exist: No such file or directory" hull load -i "$TEST_DIR/does-not-exist"
    fails_with "not a tar archive" hull import "$TEST_DIR/garbage"
    fails_with "Truncated" hull import "$TEST_DIR/truncated.tar" x
    fails_with "is a directory" hull import "$TEST_DIR/emptydir"
    fails_with "invalid reference format" hull import "$IMAGES/rootfs.tar" 'UPPER:case'
    fails_with "no such image: nope" hull rmi nope
    fails_with "no such image: nope" hull image inspect nope
    fails_with "unknown command" hull frobnicate
    fails_with "unknown flag: --frobnicate" hull images --frobnicate
    assert_store_empty
}

@test "corrupted blob: a flipped byte in a layer is a digest mismatch and nothing is stored" {
    mkdir "$TEST_DIR/l"
    tar -C "$TEST_DIR/l" -xf "$IMAGES/busybox-oci.tar"
    blob=$(ls -S "$TEST_DIR/l/blobs/sha256" | head -1) # the biggest blob is the base layer
    printf 'X' | dd of="$TEST_DIR/l/blobs/sha256/$blob" bs=1 seek=5000 conv=notrunc 2>/dev/null
    run --separate-stderr hull load -i "$TEST_DIR/l"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"digest mismatch: expected sha256:$blob"* ]]
    assert_store_empty
    # the same layer already in the store does not excuse a corrupted copy
    hull load -i "$IMAGES/busybox-docker.tar" >/dev/null
    run --separate-stderr hull load -i "$TEST_DIR/l"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"digest mismatch"* ]]
    [ "$(image_count)" -eq 1 ]
}

@test "corrupted blob: a changed config, a truncated layer, a wrong diff_id are all refused" {
    mkdir "$TEST_DIR/l"
    tar -C "$TEST_DIR/l" -xf "$IMAGES/busybox-oci.tar"
    manifest=$(jq -r '.manifests[0].digest' "$TEST_DIR/l/index.json")
    mfile=$TEST_DIR/l/blobs/sha256/${manifest#sha256:}
    config=$(jq -r '.config.digest' "$mfile")
    layer=$(jq -r '.layers[0].digest' "$mfile")
    cp -r "$TEST_DIR/l" "$TEST_DIR/c"
    sed -i 's/"os":"linux"/"os":"LINUX"/' "$TEST_DIR/c/blobs/sha256/${config#sha256:}"
    run --separate-stderr hull load -i "$TEST_DIR/c"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"config $config: digest mismatch"* ]]
    cp -r "$TEST_DIR/l" "$TEST_DIR/t"
    truncate -s 1000 "$TEST_DIR/t/blobs/sha256/${layer#sha256:}"
    run --separate-stderr hull load -i "$TEST_DIR/t"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"layer 1"* ]]
    assert_store_empty
    # docker-archive: a layer tar that is not the one the config names
    mkdir "$TEST_DIR/d"
    tar -C "$TEST_DIR/d" -xf "$IMAGES/busybox-docker.tar"
    l=$(jq -r '.[0].Layers[0]' "$TEST_DIR/d/manifest.json")
    tar -C "$TEST_DIR" -cf "$TEST_DIR/d/$l" c/oci-layout
    run --separate-stderr hull load -i "$TEST_DIR/d"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"diff_id mismatch"* ]]
    assert_store_empty
}

@test "containment: ../, absolute names and symlinked parents in a tarball stay inside the layer" {
    python3 - "$TEST_DIR" <<'EOF'
import io, sys, tarfile
def archive(path, build):
    t = tarfile.open(path, "w")
    def add(name, data=b"pwned"):
        i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
    def link(name, target, kind=tarfile.SYMTYPE):
        i = tarfile.TarInfo(name); i.type = kind; i.linkname = target; t.addfile(i)
    def mkdir(name):
        i = tarfile.TarInfo(name); i.type = tarfile.DIRTYPE; i.mode = 0o755; t.addfile(i)
    build(add, link, mkdir)
    t.close()
d = sys.argv[1]
archive(d + "/evil.tar", lambda add, link, mkdir: (
    add("../../../../../hull-escape-dotdot"),
    add("/hull-escape-absolute"),
    link("up", "../../../../../../../.."),
    add("up/hull-escape-relative-link"),
    mkdir("etc"),
    link("etclink", "/etc"),
    add("etclink/hull-escape-absolute-link")))
archive(d + "/hardlink.tar", lambda add, link, mkdir: (
    add("mine", b"mine"),
    link("hard", "../../../../../../etc/hostname", tarfile.LNKTYPE)))
archive(d + "/dangling.tar", lambda add, link, mkdir: (
    link("dangle", "/hull-no-such-dir"),
    add("dangle/hull-escape-dangling")))
EOF
    run hull import "$TEST_DIR/evil.tar" evil
    [ "$status" -eq 0 ]
    layer=$(hull image inspect evil | jq -r '.[0].Hull.Layers[0].Path')
    [ -f "$layer/hull-escape-dotdot" ]
    [ -f "$layer/hull-escape-absolute" ]
    [ -f "$layer/hull-escape-relative-link" ]
    # etclink -> /etc means the layer's own /etc
    [ -f "$layer/etc/hull-escape-absolute-link" ]
    [ "$(readlink "$layer/etclink")" = /etc ]
    [ ! -e /etc/hull-escape-absolute-link ]
    for f in hull-escape-dotdot hull-escape-absolute hull-escape-relative-link; do
        [ ! -e "/$f" ] && [ ! -e "$HULL_SRC/$f" ] && [ ! -e "$TEST_DIR/$f" ] && [ ! -e "$STORE/$f" ] \
            && [ ! -e "$STORE/layers/$f" ] && [ ! -e "$(dirname "$layer")/$f" ]
    done
    hull rmi evil >/dev/null
    # a hard link to a host file is refused (the layer has no etc/hostname), nothing stored
    fails_with "hard link" hull import "$TEST_DIR/hardlink.tar" hard
    assert_store_empty
    # a symlink to a directory that does not exist cannot lead anywhere either
    run hull import "$TEST_DIR/dangling.tar" dangling
    [ ! -e /hull-no-such-dir ]
    if [ "$status" -eq 0 ]; then
        layer=$(hull image inspect dangling | jq -r '.[0].Hull.Layers[0].Path')
        [ -f "$layer/hull-no-such-dir/hull-escape-dangling" ]
    else
        assert_store_empty
    fi
}

@test "an interrupted load leaves no half image, and the next load works" {
    # a bigger archive so the kill lands mid-load
    d=$TEST_DIR/big
    mkdir -p "$d/rootfs"
    cp -a "$(busybox_rootfs)/." "$d/rootfs/"
    head -c 60000000 /dev/urandom >"$d/rootfs/random.bin"
    tar -C "$d/rootfs" -cf "$d/layer.tar" .
    diff_id=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
    mkdir "$d/a" && mv "$d/layer.tar" "$d/a/$diff_id.tar"
    jq -cn --arg d "sha256:$diff_id" '{os:"linux",architecture:"amd64",rootfs:{type:"layers",diff_ids:[$d]}}' \
        | tr -d '\n' >"$d/a/config.json"
    jq -cn --arg l "$diff_id.tar" '[{Config:"config.json",RepoTags:["big:1"],Layers:[$l]}]' >"$d/a/manifest.json"
    tar -C "$d/a" -cf "$d/big.tar" .
    for delay in 0.2 0.5 1; do
        "$HULL_ENGINE" --root "$STORE" load -i "$d/big.tar" >/dev/null 2>&1 &
        pid=$!
        sleep "$delay"
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        # either no image at all, or the complete one: never a record without its layer
        run hull images -q
        if [ -n "$output" ]; then
            run hull image inspect big:1
            [ -f "$(jq -r '.[0].Hull.Layers[0].Path' <<<"$output")/random.bin" ]
            hull rmi big:1 >/dev/null
        fi
        [ "$(image_count)" -eq 0 ]
    done
    run hull load -i "$d/big.tar"
    [ "$status" -eq 0 ]
    [ "$output" = "Loaded image: big:1" ]
    # the staging of the killed loads is gone
    [ -z "$(ls -A "$STORE/tmp")" ]
    cmp "$d/rootfs/random.bin" "$(hull image inspect big:1 | jq -r '.[0].Hull.Layers[0].Path')/random.bin"
}

@test "progress: drawn on a terminal, silent when stderr is not one" {
    hull load -i "$IMAGES/busybox-oci.tar" 2>"$TEST_DIR/err" >/dev/null
    [ ! -s "$TEST_DIR/err" ]
    hull rmi busybox busybox-extra >/dev/null
    script -qec "'$HULL_ENGINE' --root '$STORE' load -i '$IMAGES/busybox-oci.tar'" /dev/null >"$TEST_DIR/tty"
    grep -q "Loading: " "$TEST_DIR/tty"
    grep -q "Loaded image: busybox:latest" "$TEST_DIR/tty"
    script -qec "'$HULL_ENGINE' --root '$STORE' load -q -i '$IMAGES/busybox-oci.tar'" /dev/null >"$TEST_DIR/tty2"
    ! grep -q "Loading: " "$TEST_DIR/tty2"
}

@test "image subcommands: ls, rm, tag, import, load, inspect are aliases" {
    run hull image import "$IMAGES/rootfs.tar" alias:1
    [ "$status" -eq 0 ]
    run hull image tag alias:1 alias:2
    [ "$status" -eq 0 ]
    run hull image ls -q alias
    [ "${#lines[@]}" -eq 1 ]
    run hull image rm alias:1 alias:2
    [ "$status" -eq 0 ]
    run hull image load -i "$IMAGES/busybox-docker.tar"
    [ "$status" -eq 0 ]
    run hull image list --format json
    [ "$(jq -r '.[0].RepoTags[0]' <<<"$output")" = busybox:docker ]
    run hull image frob
    [ "$status" -ne 0 ]
}
