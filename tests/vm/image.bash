# Builds and caches the test VM's kernel and initramfs (sourced by vm-run.sh).
#
# Kernel: Debian's own linux-image-6.1.0-N-amd64 package, fetched with
# `apt-get download` and unpacked with `dpkg-deb -x` into the cache; nothing
# is installed on the host. Initramfs: busybox-static, tests/vm/guest-init as
# /init and the handful of modules needed before the 9p shares are mounted.
#
# vm_prepare_image sets:
#   VM_KERNEL          path of the kernel (the ELF vmlinux, else the bzImage)
#   VM_INITRD          path of the initramfs (cpio, gzip)
#   VM_KERNEL_RELEASE  uname -r of the guest
#   VM_MODULES_DIR     the guest's /lib/modules/$VM_KERNEL_RELEASE on the host
#
# Environment:
#   HULL_VM_CACHE       cache directory (default: tests/.work/vm of the checkout)
#   HULL_VM_KERNEL_PKG  kernel package to use (default: the newest
#                       linux-image-6.1.0-N-amd64-unsigned apt knows about)

VM_SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_CACHE=${HULL_VM_CACHE:-$(cd "$VM_SRC_DIR/../.." && pwd)/tests/.work/vm}

# Modules the guest needs before /lib/modules is reachable: virtio-mmio is how
# microvm attaches devices, 9p carries every share, virtio_console the
# command's stdout/stderr. The Debian config builds all of them as modules.
VM_BOOT_MODULES="virtio_mmio virtio_console 9pnet_virtio 9p"

# Subtrees of the module tree no test can need (hardware drivers); dropping
# them shrinks the cache from ~390 MB to ~110 MB and speeds up depmod.
VM_PRUNED_MODULE_DIRS="sound drivers/gpu drivers/media drivers/net/wireless drivers/net/ethernet
    drivers/infiniband drivers/staging drivers/scsi drivers/usb drivers/iio drivers/hid
    drivers/input drivers/bluetooth drivers/isdn drivers/comedi drivers/mtd drivers/target"

vm_log() { echo "vm: $*" >&2; }

# Prints the newest linux-image-6.1.0-N-amd64-unsigned package apt knows.
vm_newest_kernel_pkg() {
    apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' 2>/dev/null |
        awk '{print $1}' | sort -V | tail -n 1
}

# Downloads and unpacks the kernel into $VM_CACHE/kernel/<release> unless
# present. Sets VM_KERNEL_RELEASE.
vm_fetch_kernel() {
    local current=$VM_CACHE/kernel/current
    if [ -z "${HULL_VM_KERNEL_PKG:-}" ] && [ -L "$current" ] && [ -e "$current/.complete" ]; then
        VM_KERNEL_RELEASE=$(readlink "$current")
        return 0
    fi
    local pkg=${HULL_VM_KERNEL_PKG:-}
    if [ -z "$pkg" ]; then
        pkg=$(vm_newest_kernel_pkg)
        if [ -z "$pkg" ]; then
            vm_log "apt knows no linux-image-6.1.0-*-amd64 package; running apt-get update"
            apt-get update -qq >&2 || { vm_log "apt-get update failed"; return 1; }
            pkg=$(vm_newest_kernel_pkg)
        fi
        [ -n "$pkg" ] || { vm_log "no linux-image-6.1.0-*-amd64-unsigned package in apt's lists"; return 1; }
    fi
    local release=${pkg#linux-image-}
    release=${release%-unsigned}
    VM_KERNEL_RELEASE=$release
    local dest=$VM_CACHE/kernel/$release
    if [ ! -e "$dest/.complete" ]; then
        vm_log "fetching $pkg (once; cached in $dest)"
        local tmp
        tmp=$(mktemp -d "$VM_CACHE/kernel/fetch.XXXXXX") || return 1
        # apt's download sandbox user (_apt) cannot write to a root-owned mktemp dir
        if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2); then
            vm_log "apt-get download $pkg failed"
            rm -rf "$tmp"
            return 1
        fi
        dpkg-deb -x "$tmp"/*.deb "$tmp/root" || { rm -rf "$tmp"; return 1; }
        local mods=$tmp/root/lib/modules/$release d
        [ -d "$mods" ] || mods=$tmp/root/usr/lib/modules/$release
        [ -d "$mods" ] || { vm_log "$pkg has no modules for $release"; rm -rf "$tmp"; return 1; }
        for d in $VM_PRUNED_MODULE_DIRS; do rm -rf "${mods:?}/kernel/$d"; done
        # The package ships no modules.dep (the host's depmod makes it at
        # install time); busybox's depmod writes modules.dep and modules.alias
        # in the text format the guest's busybox modprobe reads.
        busybox depmod -b "$tmp/root" "$release" || { vm_log "depmod failed"; rm -rf "$tmp"; return 1; }
        rm -rf "$dest"
        mkdir -p "$dest"
        mv "$tmp/root/boot/vmlinuz-$release" "$dest/vmlinuz"
        mv "$tmp/root/boot/config-$release" "$dest/config"
        mv "$mods" "$dest/modules"
        vm_extract_vmlinux "$dest/vmlinuz" "$dest/vmlinux" ||
            vm_log "cannot extract vmlinux from the bzImage; booting the slower bzImage"
        rm -rf "$tmp"
        : >"$dest/.complete"
    fi
    ln -sfn "$release" "$current"
}

# vm_extract_vmlinux BZIMAGE OUT: writes the uncompressed ELF kernel inside a
# bzImage. qemu boots an ELF kernel through its PVH entry point (CONFIG_PVH),
# which skips the real-mode setup and the in-guest decompression: 2 s less per
# boot under emulation, where xz decompression is slow.
vm_extract_vmlinux() {
    local magic tool off
    for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
        tool=${magic%%:*}
        command -v "$tool" >/dev/null || continue
        off=$(LC_ALL=C grep -obUaP "${magic#*:}" "$1" | head -n 1 | cut -d: -f1)
        [ -n "$off" ] || continue
        # the payload is followed by other data: keep what decompressed, ignore the rest
        tail -c +$((off + 1)) "$1" | "$tool" -dcq 2>/dev/null >"$2.tmp"
        if [ "$(head -c 4 "$2.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
            mv "$2.tmp" "$2"
            return 0
        fi
    done
    rm -f "$2.tmp"
    return 1
}

# vm_module_order MODULES_DIR NAME...: prints the .ko paths (relative to
# MODULES_DIR) to insmod, dependencies first, each once.
vm_module_order() {
    local dir=$1; shift
    awk -v want="$*" '
        function base(p) { sub(/.*\//, "", p); sub(/\.ko(\.[a-z]+)?$/, "", p); gsub(/-/, "_", p); return p }
        { key = $1; sub(/:$/, "", key); path[base(key)] = key; deps[base(key)] = "" 
          for (i = 2; i <= NF; i++) deps[base(key)] = deps[base(key)] " " base($i) }
        function visit(m,   n, d, i) {
            if (m in seen) return
            seen[m] = 1
            if (!(m in path)) { print "missing module " m > "/dev/stderr"; failed = 1; return }
            n = split(deps[m], d, " ")
            for (i = 1; i <= n; i++) visit(d[i])
            print path[m]
        }
        END { n = split(want, w, " "); for (i = 1; i <= n; i++) visit(w[i]); exit failed }
    ' "$dir/modules.dep"
}

# Builds the initramfs for the current kernel unless an identical one is cached.
# Sets VM_INITRD.
vm_build_initramfs() {
    local mods=$VM_CACHE/kernel/$VM_KERNEL_RELEASE/modules
    local busybox
    busybox=$(command -v busybox) || { vm_log "busybox not found (Debian: busybox-static)"; return 1; }
    # The initramfs has no libc: the busybox must be the static one.
    if ldd "$busybox" >/dev/null 2>&1; then
        vm_log "$busybox is dynamically linked; install busybox-static"
        return 1
    fi
    local order
    order=$(vm_module_order "$mods" $VM_BOOT_MODULES) || return 1
    local key
    key=$({ echo "$VM_KERNEL_RELEASE"; echo "$order"; cat "$VM_SRC_DIR/guest-init" "$busybox"; } |
        sha256sum | cut -c1-16)
    VM_INITRD=$VM_CACHE/initramfs-$key.cpio.gz
    [ -s "$VM_INITRD" ] && return 0

    local tmp
    tmp=$(mktemp -d "$VM_CACHE/initramfs.XXXXXX") || return 1
    mkdir -p "$tmp/.vm/bin" "$tmp/.vm/modules" "$tmp/proc" "$tmp/sys" "$tmp/dev"
    cp "$busybox" "$tmp/.vm/bin/busybox"
    cp "$VM_SRC_DIR/guest-init" "$tmp/init"
    chmod 0755 "$tmp/init"
    local ko name
    : >"$tmp/.vm/modules/order"
    for ko in $order; do
        name=${ko##*/}
        case "$ko" in
        # busybox's insmod cannot decompress; do it here
        *.ko.xz) xz -dc "$mods/$ko" >"$tmp/.vm/modules/${name%.xz}"; name=${name%.xz} ;;
        *.ko.zst) zstd -qdc "$mods/$ko" >"$tmp/.vm/modules/${name%.zst}"; name=${name%.zst} ;;
        *.ko.gz) gzip -dc "$mods/$ko" >"$tmp/.vm/modules/${name%.gz}"; name=${name%.gz} ;;
        *) cp "$mods/$ko" "$tmp/.vm/modules/$name" ;;
        esac
        echo "$name" >>"$tmp/.vm/modules/order"
    done
    local cpio=(cpio --quiet -o -H newc)
    command -v cpio >/dev/null || cpio=(busybox cpio -o -H newc)
    if ! (cd "$tmp" && find . -mindepth 1 | LC_ALL=C sort | "${cpio[@]}" | gzip -1 >"$VM_INITRD.tmp"); then
        vm_log "building the initramfs failed"
        rm -rf "$tmp" "$VM_INITRD.tmp"
        return 1
    fi
    mv "$VM_INITRD.tmp" "$VM_INITRD"
    rm -rf "$tmp"
    # drop stale initramfses (older guest-init versions)
    find "$VM_CACHE" -maxdepth 1 -name 'initramfs-*.cpio.gz' ! -path "$VM_INITRD" -delete
}

vm_prepare_image() {
    mkdir -p "$VM_CACHE/kernel" || return 1
    # one builder at a time; concurrent runs wait and then reuse the cache
    exec {vm_lock_fd}>"$VM_CACHE/.lock"
    flock "$vm_lock_fd"
    local rc=0
    vm_fetch_kernel && vm_build_initramfs || rc=1
    flock -u "$vm_lock_fd"
    exec {vm_lock_fd}>&-
    [ $rc = 0 ] || return 1
    VM_KERNEL=$VM_CACHE/kernel/$VM_KERNEL_RELEASE/vmlinux
    [ -e "$VM_KERNEL" ] || VM_KERNEL=${VM_KERNEL%/vmlinux}/vmlinuz
    VM_MODULES_DIR=$VM_CACHE/kernel/$VM_KERNEL_RELEASE/modules
}
