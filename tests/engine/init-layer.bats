#!/usr/bin/env bats
# An image's init layer (src/libhull-engine/image/init_layer.h, docs/images.md):
# the mount points every container gets (/etc/hosts, /etc/hostname,
# /etc/resolv.conf, /proc, /dev, /sys) where the image lacks them, made once
# per image by its first container, so that a run makes none of them (nor a
# copy-up of /etc) in its own upper dir.  It must change nothing a container
# sees, and go with its image.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

# overlayfs usable on the store's filesystem: without it a container's rootfs
# is a copy and there is no init layer (the runtime makes the mount points in
# each container, as tests/engine/run.bats covers).  Probed in a mount
# namespace of its own, which takes the mount with it.
overlay_usable() {
    local d=$TEST_DIR/overlay-probe rc=0
    mkdir -p "$d/l" "$d/u" "$d/w" "$d/m"
    unshare -m --propagation private mount -t overlay overlay -o "lowerdir=$d/l,upperdir=$d/u,workdir=$d/w" "$d/m" \
        2>/dev/null || rc=$?
    rm -rf "$d"
    return "$rc"
}

setup() {
    engine_setup_busybox
    overlay_usable || skip "overlayfs is not usable on the store's filesystem here: no init layer to test"
}

teardown() {
    diag_on_failure
    engine_teardown
}

# image_from NAME SCRIPT: the busybox rootfs, changed by SCRIPT (run in it),
# imported as NAME (CMD sh).
image_from() {
    local dir=$TEST_DIR/rootfs-$1
    mkdir -p "$dir"
    tar -C "$dir" -xf "$IMAGES/rootfs.tar"
    (cd "$dir" && sh -ec "$2")
    tar -C "$dir" -cf "$dir.tar" .
    hull import --change 'CMD ["sh"]' "$dir.tar" "$1" >/dev/null
}

init_of() {
    local id
    id=$(hull images --no-trunc -q "$1")
    echo "$STORE/init/${id#sha256:}"
}

# What is under DIR, one "PATH TYPE" a line (find's %y: d, f, l ...), sorted.
tree_of() {
    (cd "$1" && find . -mindepth 1 -printf '%P %y\n' | LC_ALL=C sort)
}

@test "init layer: made by the first run; the container's upper dir stays empty and it sees its /etc files" {
    [ ! -e "$(init_of busybox)" ]
    hull run --name c1 --hostname box busybox sh -c 'cat /etc/hostname; cat /etc/hosts; cat /etc/resolv.conf; grep -c ^root: /etc/passwd' >"$TEST_DIR/out"
    [ "$(sed -n 1p "$TEST_DIR/out")" = box ]
    grep -qx '127.0.0.1	localhost' "$TEST_DIR/out"
    grep -qx '127.0.0.1	box c1' "$TEST_DIR/out"
    grep -q '^nameserver ' "$TEST_DIR/out"
    [ "$(tail -1 "$TEST_DIR/out")" = 1 ] # the image's /etc is still there below
    local id init
    id=$(hull inspect c1 | jq -r '.[0].Id')
    init=$(init_of busybox)
    # no copy-up of /etc, no mount point: nothing in the container's layer
    [ -z "$(ls -A "$STORE/containers/$id/upper")" ]
    # busybox has /proc, /dev and /sys: only the three /etc files, empty
    [ "$(tree_of "$init")" = "$(printf '%s\n' 'etc d' 'etc/hostname f' 'etc/hosts f' 'etc/resolv.conf f')" ]
    [ -z "$(find "$init" -type f -size +0)" ]
    # /etc as the image has it (it is the copy-up the runtime made in each container before)
    local base
    base=$(hull image inspect busybox | jq -r '.[0].RootFS.Layers[0]')
    [ "$(stat -c '%a %u %g' "$init/etc")" = "$(stat -c '%a %u %g' "$STORE/layers/${base#sha256:}/diff/etc")" ]
    # made once: the next container uses the same one, and a started-again one too
    local inode
    inode=$(stat -c %i "$init")
    hull run --rm busybox true
    [ "$(stat -c %i "$init")" = "$inode" ]
    umount "$STORE/containers/$id/rootfs"
    run hull start -a c1
    [ "$(sed -n 1p <<<"$output")" = box ]
    [ -z "$(ls -A "$STORE/containers/$id/upper")" ]
    # diff and commit compare with the image's own layers: the init layer is not a change
    run hull diff c1
    [ "$status" -eq 0 ] && [ -z "$output" ]
    hull commit c1 committed:1 >/dev/null
    local layer
    layer=$(hull image inspect committed:1 | jq -r '.[0].RootFS.Layers[-1]')
    [ -z "$(ls -A "$STORE/layers/${layer#sha256:}/diff")" ]
    # no staging left by it
    [ -z "$(ls -A "$STORE/tmp")" ]
    hull rm c1 >/dev/null
}

@test "init layer: what the image has is never shadowed, and what it lacks (or has behind a symlink) is made" {
    # its own /etc/hosts: hidden by hull's bind mount as before, still the image's below it
    image_from ownhosts 'echo "192.0.2.1 from-image" >etc/hosts'
    hull run --name own ownhosts sh -c 'cat /etc/hosts' >"$TEST_DIR/out"
    grep -qx '127.0.0.1	localhost' "$TEST_DIR/out"
    ! grep -q from-image "$TEST_DIR/out"
    [ "$(tree_of "$(init_of ownhosts)")" = "$(printf '%s\n' 'etc d' 'etc/hostname f' 'etc/resolv.conf f')" ]
    hull export -o "$TEST_DIR/own.tar" own
    [ "$(tar -xOf "$TEST_DIR/own.tar" etc/hosts)" = "192.0.2.1 from-image" ]
    # no /etc, /proc, /dev or /sys at all (a FROM scratch image): the init layer has them
    image_from bare 'rm -rf etc proc dev sys'
    run hull run --name bare bare sh -c 'cat /etc/hostname; test -e /proc/self/status && test -d /sys/kernel && test -c /dev/null && echo mounted'
    [ "$status" -eq 0 ]
    [ "${lines[1]}" = mounted ]
    [ "$(tree_of "$(init_of bare)")" = "$(printf '%s\n' 'dev d' 'etc d' 'etc/hostname f' 'etc/hosts f' 'etc/resolv.conf f' 'proc d' 'sys d')" ]
    local id
    id=$(hull inspect bare | jq -r '.[0].Id')
    [ -z "$(ls -A "$STORE/containers/$id/upper")" ]
    # /etc a symlink: followed inside the image, as the runtime does; /etc stays a symlink
    image_from linked 'mkdir -p usr && mv etc usr/etc && ln -s usr/etc etc'
    run hull run --rm linked sh -c 'readlink /etc; grep -c localhost /etc/hosts'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = usr/etc ]
    [ "${lines[1]}" -ge 1 ]
    [ "$(tree_of "$(init_of linked)")" = "$(printf '%s\n' 'usr d' 'usr/etc d' 'usr/etc/hostname f' 'usr/etc/hosts f' 'usr/etc/resolv.conf f')" ]
    hull rm own bare >/dev/null
}

@test "init layer: rmi and image prune remove it; system check reports one whose image is gone" {
    hull run --rm busybox true
    local init
    init=$(init_of busybox)
    [ -d "$init" ]
    # in use: rmi -f only untags, the container keeps its layers and init layer
    hull run --name user busybox true
    hull rmi -f busybox >/dev/null
    [ -d "$init" ]
    hull rm user >/dev/null
    run hull image prune -a -f
    [ "$status" -eq 0 ]
    [ ! -e "$init" ]
    [ -z "$(ls -A "$STORE/init")" ]
    [ -z "$(ls -A "$STORE/tmp")" ]
    hull import --change 'CMD ["sh"]' "$IMAGES/rootfs.tar" busybox >/dev/null
    hull run --rm busybox true
    init=$(init_of busybox)
    [ -d "$init" ]
    hull rmi busybox >/dev/null
    [ ! -e "$init" ]
    [ -z "$(ls -A "$STORE/tmp")" ]
    # one left by a hull that knew nothing of init layers
    mkdir -p "$STORE/init/$(printf '%064d' 0)/etc"
    run hull system check
    [ "$status" -eq 1 ]
    [[ "$output" == *"init "*"$STORE/init/$(printf '%064d' 0)"*"image that is gone"* ]]
    run hull system check --repair
    [ "$status" -eq 0 ]
    [ -z "$(ls -A "$STORE/init")" ]
}
