#!/bin/bash
# make-busybox-image.sh OUTDIR: busybox images in every format `hull` reads,
# built offline from Debian's busybox-static (tests/make-rootfs.sh):
#
#   OUTDIR/rootfs.tar          a root filesystem tarball            (hull import)
#   OUTDIR/busybox-oci.tar     an oci-archive made by umoci with two images:
#                                busybox        one layer, Cmd ["sh"]
#                                busybox-extra  busybox's layer + a layer that adds
#                                               /extra and deletes /etc/group (a whiteout)
#   OUTDIR/busybox-docker.tar  a docker-archive (manifest.json + config + layer
#                                tar) written by hand, as `docker save` lays it out;
#                                RepoTags busybox:docker
#   OUTDIR/busybox-podman.tar  a real `podman save` docker-archive, only when podman
#                                is installed (RepoTags localhost/busybox:podman)
#
# Needs: busybox-static, umoci, jq, sha256sum; optional podman.
set -euo pipefail
out=$(realpath -m "$1")
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
work=$(mktemp -d "$out/.work.XXXXXX")
podman_dir=
trap 'rm -rf "$work" ${podman_dir:+"$podman_dir"}' EXIT

# (a) the rootfs tarball
"$here/../make-rootfs.sh" "$work/rootfs" >/dev/null
# fixed mtimes and sorted names keep the tarball (and so every digest) reproducible
tar --sort=name --mtime=@0 --numeric-owner -C "$work/rootfs" -cf "$out/rootfs.tar" .

# (b) an OCI image layout via umoci, archived as an oci-archive
command -v umoci >/dev/null || { echo "make-busybox-image: umoci not found: apt-get install umoci" >&2; exit 1; }
layout=$work/oci
umoci init --layout "$layout"
umoci new --image "$layout:busybox"
umoci unpack --image "$layout:busybox" "$work/bundle" >/dev/null
cp -a "$work/rootfs/." "$work/bundle/rootfs/"
umoci repack --image "$layout:busybox" "$work/bundle" >/dev/null
umoci config --image "$layout:busybox" --config.cmd sh --config.env PATH=/bin:/sbin:/usr/bin:/usr/sbin
rm -rf "$work/bundle"
umoci unpack --image "$layout:busybox" "$work/bundle2" >/dev/null
umoci tag --image "$layout:busybox" busybox-extra
echo "extra layer" >"$work/bundle2/rootfs/extra"
rm "$work/bundle2/rootfs/etc/group"
umoci repack --image "$layout:busybox-extra" "$work/bundle2" >/dev/null
rm -rf "$work/bundle2"
umoci gc --layout "$layout"
tar -C "$layout" -cf "$out/busybox-oci.tar" .

# (c) a docker-archive by hand: <diff>/layer.tar, <config digest>.json, manifest.json
d=$work/docker
mkdir -p "$d"
diff_id=$(sha256sum "$out/rootfs.tar" | cut -d' ' -f1)
mkdir "$d/$diff_id"
cp "$out/rootfs.tar" "$d/$diff_id/layer.tar"
jq -cn --arg diff "sha256:$diff_id" '{
    architecture: "amd64", os: "linux", created: "2024-01-01T00:00:00Z",
    config: {Cmd: ["sh"], Env: ["PATH=/bin:/sbin:/usr/bin:/usr/sbin"]},
    rootfs: {type: "layers", diff_ids: [$diff]},
    history: [{created: "2024-01-01T00:00:00Z", created_by: "make-busybox-image.sh"}]
}' | tr -d '\n' >"$d/config.json"
config_id=$(sha256sum "$d/config.json" | cut -d' ' -f1)
mv "$d/config.json" "$d/$config_id.json"
jq -cn --arg c "$config_id.json" --arg l "$diff_id/layer.tar" \
    '[{Config: $c, RepoTags: ["busybox:docker"], Layers: [$l]}]' >"$d/manifest.json"
tar -C "$d" -cf "$out/busybox-docker.tar" manifest.json "$config_id.json" "$diff_id"

# (d) a real docker-archive from podman, when podman is there
if command -v podman >/dev/null; then
    # podman refuses a --runroot longer than 50 characters: a short private dir
    podman_dir=$(mktemp -d /tmp/hull-podman.XXXXXX)
    p=(podman --root "$podman_dir/root" --runroot "$podman_dir/run" --storage-driver vfs)
    if "${p[@]}" import --change 'CMD ["sh"]' "$out/rootfs.tar" localhost/busybox:podman >"$work/podman.log" 2>&1 &&
        "${p[@]}" save -o "$out/busybox-podman.tar" localhost/busybox:podman >>"$work/podman.log" 2>&1; then
        :
    else
        echo "make-busybox-image: podman is installed but could not import/save; skipping busybox-podman.tar:" >&2
        tail -3 "$work/podman.log" >&2
        rm -f "$out/busybox-podman.tar"
    fi
fi
ls "$out"
