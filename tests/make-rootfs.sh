#!/bin/bash
# make-rootfs.sh DIR: a minimal root filesystem from Debian's busybox-static
# (no download): /bin/busybox, a symlink per applet, and the directories a
# container expects.
set -euo pipefail
dir=$1
bb=/bin/busybox   # Debian's busybox-static installs a static binary here
[ -x "$bb" ] || { echo "make-rootfs: busybox not found: apt-get install busybox-static" >&2; exit 1; }
mkdir -p "$(dirname "$dir")"
tmp=$(mktemp -d "$(dirname "$dir")/.rootfs.XXXXXX")
chmod 755 "$tmp"
mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,var,run,home}
cp "$bb" "$tmp/bin/busybox"
for applet in $("$bb" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$tmp/bin/$applet"
done
chmod 1777 "$tmp/tmp"
echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>"$tmp/etc/passwd"
echo 'root:x:0:' >"$tmp/etc/group"
echo 'nogroup:x:65534:' >>"$tmp/etc/group"
rm -rf "$dir"
mv "$tmp" "$dir"
echo "$dir"
