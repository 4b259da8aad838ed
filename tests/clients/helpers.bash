# Helpers for the real-client tests (podman + conmon, containerd + ctr): each
# test file gets a private client instance (own config, storage, state, socket)
# under tests/.work, pointed at the runtime under test ($HULL_RUNTIME), so the
# same tests run against hull-runtime and, with HULL_RUNTIME=$(command -v runc),
# against runc.

load ../lib/common

# Clients exec the runtime from other working directories: make the path absolute.
HULL_RUNTIME=$(realpath -m "$HULL_RUNTIME")

# client_image_dir: a directory holding rootfs.tar (busybox, tests/make-rootfs.sh)
# and busybox-oci.tar (an oci-archive made by umoci, tag "busybox"), built once
# and shared by every client test.
client_image_dir() {
    local dir=$WORK_BASE/client-images
    if [ ! -s "$dir/busybox-oci.tar" ] || [ ! -s "$dir/rootfs.tar" ]; then
        mkdir -p "$WORK_BASE"
        local tmp
        tmp=$(mktemp -d "$WORK_BASE/.client-images.XXXXXX")
        "$HULL_SRC/tests/make-rootfs.sh" "$tmp/rootfs" >/dev/null
        # fixed mtimes and sorted names keep the tarball reproducible
        tar --sort=name --mtime=@0 --numeric-owner -C "$tmp/rootfs" -cf "$tmp/rootfs.tar" .
        umoci init --layout "$tmp/oci" >/dev/null
        umoci new --image "$tmp/oci:busybox" >/dev/null
        umoci unpack --image "$tmp/oci:busybox" "$tmp/bundle" >/dev/null
        cp -a "$tmp/rootfs/." "$tmp/bundle/rootfs/"
        umoci repack --image "$tmp/oci:busybox" "$tmp/bundle" >/dev/null
        umoci config --image "$tmp/oci:busybox" --config.cmd sh \
            --config.env PATH=/bin:/sbin:/usr/bin:/usr/sbin >/dev/null
        umoci gc --layout "$tmp/oci" >/dev/null
        tar -C "$tmp/oci" -cf "$tmp/busybox-oci.tar" .
        mkdir -p "$dir"
        mv "$tmp/rootfs.tar" "$tmp/busybox-oci.tar" "$dir/"
        rm -rf "$tmp"
    fi
    echo "$dir"
}

# remove_cgroup_tree NAME: removes /sys/fs/cgroup/<every hierarchy>/NAME and
# everything below it, deepest first (only empty cgroups can be removed).
remove_cgroup_tree() {
    local name=$1 d
    [ -n "$name" ] || return 0
    for d in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do
        [ -d "$d" ] || continue
        find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done
}

# unmount_below DIR: lazily unmounts everything a client left mounted below DIR.
unmount_below() {
    grep -o " $1[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do
        umount -l "$m" 2>/dev/null || true
    done
}

# no_cgroup_named NAME: true when no cgroup directory of that name exists.
no_cgroup_named() {
    ! find /sys/fs/cgroup/ -maxdepth 6 -type d -name "*$1*" 2>/dev/null | grep -q .
}
