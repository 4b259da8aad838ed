#!/usr/bin/env python3
"""Writes the seed corpora of fuzz-image-archive and fuzz-image-manifest:
the smallest valid images (one layer with one file) as an OCI layout tar, a
gzipped OCI tar and a docker-archive, and the documents inside them.  Run from
tests/fuzz/ when the formats the loader reads change; the output is committed."""
import gzip, hashlib, io, json, os, tarfile

def tar_of(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in files:
            ti = tarfile.TarInfo(name)
            ti.size, ti.mode, ti.mtime = len(data), 0o644, 0
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()

def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()

def js(o):
    return json.dumps(o, separators=(",", ":")).encode()

layer = tar_of([("hello", b"hi\n")])
config = js({"architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
             "config": {"Cmd": ["sh"], "Env": ["PATH=/bin"], "Labels": {"a": "b"}},
             "rootfs": {"type": "layers", "diff_ids": [sha(layer)]},
             "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "fuzz seed"}]})
manifest = js({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
               "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(config), "size": len(config)},
               "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": sha(layer), "size": len(layer)}]})
index = js({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": sha(manifest), "size": len(manifest),
            "annotations": {"io.containerd.image.name": "docker.io/library/seed:1", "org.opencontainers.image.ref.name": "1"}}]})
blob = lambda b: ("blobs/sha256/" + hashlib.sha256(b).hexdigest(), b)
oci = tar_of([("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", index),
              blob(manifest), blob(config), blob(layer)])
docker_manifest = js([{"Config": hashlib.sha256(config).hexdigest() + ".json", "RepoTags": ["seed:1", "seed:latest"],
                       "Layers": ["layer0/layer.tar"]}])
docker = tar_of([("manifest.json", docker_manifest), (hashlib.sha256(config).hexdigest() + ".json", config),
                 ("layer0/layer.tar", layer), ("repositories", js({"seed": {"1": "x"}}))])

os.makedirs("corpus/image-archive", exist_ok=True)
os.makedirs("corpus/image-manifest", exist_ok=True)
open("corpus/image-archive/oci.tar", "wb").write(oci)
open("corpus/image-archive/oci.tar.gz", "wb").write(gzip.compress(oci, mtime=0))
open("corpus/image-archive/docker.tar", "wb").write(docker)
# fuzz-image-manifest: the first byte picks the document (see fuzz_image_manifest.c)
empty_config = js({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []},
                   "config": {"Cmd": ["sh"], "Entrypoint": ["/bin/x"], "ExposedPorts": {"80/tcp": {}},
                              "Volumes": {"/data": {}}, "StopSignal": "SIGTERM", "User": "1:1", "WorkingDir": "/w"}})
empty_manifest = js({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                     "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(empty_config),
                                "size": len(empty_config)}, "layers": []})
nested = js({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": sha(b"{}"), "size": 2},
                           {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(manifest),
                            "size": len(manifest), "platform": {"os": "linux", "architecture": "amd64"},
                            "annotations": {"org.opencontainers.image.ref.name": "v1"}}]})
docs = {"0-index": b"\0" + index, "0-nested": b"\0" + nested, "1-manifest": b"\1" + manifest,
        "1-empty": b"\1" + empty_manifest, "2-config": b"\2" + empty_config, "2-layers": b"\2" + config,
        "3-docker-manifest": b"\3" + js([{"Config": "c.json", "RepoTags": ["a:b", "localhost:5000/x/y:z"], "Layers": []}]),
        "4-docker-config": b"\4" + empty_config}
for name, data in docs.items():
    open("corpus/image-manifest/" + name, "wb").write(data)
