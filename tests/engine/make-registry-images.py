#!/usr/bin/env python3
"""make-registry-images.py ROOTFS_TAR OUTDIR: OCI image layouts for the registry
tests, written by hand so every byte is known (skopeo then copies them into a
test registry):

  OUTDIR/multi   one index, tag "latest": linux/amd64 and linux/arm64/v8 images,
                 each the busybox layer plus a layer with /platform naming it
  OUTDIR/plain   tag "latest": the busybox layer uncompressed (media type ...tar)
  OUTDIR/zstd    tag "latest": busybox plus a layer adding /zstd, both zstd-compressed
  OUTDIR/big     tag "latest": busybox plus a 8 MiB layer of random bytes (/big),
                 for tests that must catch a pull while it runs
"""
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile


def add_blob(layout, data):
    digest = hashlib.sha256(data).hexdigest()
    d = os.path.join(layout, "blobs", "sha256")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def tar_of(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, content in files:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mtime = 0
            info.mode = 0o644
            t.addfile(info, io.BytesIO(content))
    return buf.getvalue()


def gz(data):
    return gzip.compress(data, mtime=0)


def zstd(data):
    return subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE, check=True).stdout


def image(layout, layers, arch, variant=None, suffix="+gzip"):
    """layers: [(uncompressed tar, compressed or None)]; returns the manifest descriptor."""
    descs, diff_ids = [], []
    for raw, packed in layers:
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
        d = add_blob(layout, packed if packed is not None else raw)
        d["mediaType"] = "application/vnd.oci.image.layer.v1.tar" + (suffix if packed is not None else "")
        descs.append(d)
    config = {"architecture": arch, "os": "linux", "created": "2024-01-01T00:00:00Z",
              "config": {"Cmd": ["sh"], "Env": ["PATH=/bin:/sbin:/usr/bin:/usr/sbin"]},
              "rootfs": {"type": "layers", "diff_ids": diff_ids}}
    if variant:
        config["variant"] = variant
    c = add_blob(layout, json.dumps(config, sort_keys=True).encode())
    c["mediaType"] = "application/vnd.oci.image.config.v1+json"
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": c, "layers": descs}
    m = add_blob(layout, json.dumps(manifest, sort_keys=True).encode())
    m["mediaType"] = manifest["mediaType"]
    platform = {"architecture": arch, "os": "linux"}
    if variant:
        platform["variant"] = variant
    m["platform"] = platform
    return m


def write_layout(layout, desc):
    desc = dict(desc)
    desc["annotations"] = {"org.opencontainers.image.ref.name": "latest"}
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [desc]}, f)


def main():
    rootfs, out = sys.argv[1], sys.argv[2]
    with open(rootfs, "rb") as f:
        base = f.read()
    base_layer = (base, gz(base))

    layout = os.path.join(out, "multi")
    entries = []
    for arch, variant in (("amd64", None), ("arm64", "v8")):
        plat = tar_of([("platform", (arch + "\n").encode())])
        entries.append(image(layout, [base_layer, (plat, gz(plat))], arch, variant))
    for e in entries:
        e.pop("annotations", None)
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries}
    i = add_blob(layout, json.dumps(index, sort_keys=True).encode())
    i["mediaType"] = index["mediaType"]
    write_layout(layout, i)

    layout = os.path.join(out, "plain")
    write_layout(layout, {k: v for k, v in image(layout, [(base, None)], "amd64").items() if k != "platform"})

    layout = os.path.join(out, "zstd")
    extra = tar_of([("zstd", b"zstd layer\n")])
    write_layout(layout, {k: v for k, v in image(layout, [(base, zstd(base)), (extra, zstd(extra))], "amd64",
                                                 suffix="+zstd").items() if k != "platform"})

    layout = os.path.join(out, "big")
    big = tar_of([("big", os.urandom(8 * 1024 * 1024))])
    write_layout(layout, {k: v for k, v in image(layout, [base_layer, (big, gz(big))], "amd64").items()
                          if k != "platform"})


if __name__ == "__main__":
    main()
