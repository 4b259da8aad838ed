#!/bin/bash
# bench/pull.sh: pulling a ~100 MB, 5-layer image from a registry on loopback:
# `hull pull` against `podman pull`, `skopeo copy docker://... oci:DIR` and curl
# fetching the same blobs (3 at a time, to /dev/null: the floor), one run each,
# each into a fresh store; plus hull's peak RSS.  Not part of the test suite.
#
#   bench/pull.sh          (LAYER_MB=20 LAYERS=5 by default; HULL_ENGINE=... to pick a binary)
#
# The registry is Debian's docker-registry on 127.0.0.1 (a port the kernel
# picks, its own storage under a temp dir, stopped by pid).  The image is made
# by tests/engine/make-registry-images.py's helpers: layers of random bytes
# (incompressible, like real binaries once gzip has done its best), gzip.
# podman and skopeo get private --root/--runroot dirs and a private
# blob-info cache dir; nothing of the host's stores is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
HULL=${HULL_ENGINE:-$ROOT/$BUILD/hull}
[ -x "$HULL" ] || HULL=$ROOT/$BUILD/src/engine/hull
[ -x "$HULL" ] || { echo "bench/pull: build the engine first (make build)" >&2; exit 1; }
command -v docker-registry >/dev/null || { echo "bench/pull: docker-registry is not installed" >&2; exit 1; }
command -v skopeo >/dev/null || { echo "bench/pull: skopeo is not installed" >&2; exit 1; }
LAYER_MB=${LAYER_MB:-20}
LAYERS=${LAYERS:-5}

work=$(mktemp -d /tmp/hull-pbench.XXXXXX)
reg_pid=
cleanup() {
    # (each step may fail: set -e must not stop the cleanup half-way)
    if [ -n "$reg_pid" ]; then kill "$reg_pid" 2>/dev/null || true; wait "$reg_pid" 2>/dev/null || true; fi
    rm -rf "$work" || true
}
trap cleanup EXIT

# the registry
mkdir -p "$work/reg/data"
cat >"$work/reg/config.yml" <<EOF
version: 0.1
log: {level: info, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/reg/data}}
http: {addr: "127.0.0.1:0", secret: bench}
EOF
env -u REGISTRY_AUTH_FILE docker-registry serve "$work/reg/config.yml" >"$work/reg/log" 2>&1 &
reg_pid=$!
for _ in $(seq 200); do grep -q "listening on" "$work/reg/log" && break; sleep 0.05; done
port=$(grep -o 'listening on [^ ,"]*' "$work/reg/log" | head -1 | sed 's/.*://')
REG=127.0.0.1:$port

# the image: LAYERS layers of LAYER_MB MB of random bytes
/usr/bin/python3 - "$work/img" "$LAYERS" "$LAYER_MB" <<'EOF'
import importlib.util, os, sys
spec = importlib.util.spec_from_file_location("m", "tests/engine/make-registry-images.py")
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
out, n, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
layers = []
for i in range(n):
    t = m.tar_of([("layer%d" % i, os.urandom(mb * 1024 * 1024))])
    layers.append((t, m.gz(t)))
d = m.image(out, layers, "amd64")
d.pop("platform")
m.write_layout(out, d)
EOF
skopeo copy --quiet --preserve-digests --dest-tls-verify=false "oci:$work/img:latest" "docker://$REG/bench:latest"
size=$(du -sm "$work/reg/data" | cut -f1)
echo "image: $LAYERS layers x $LAYER_MB MB (random bytes, gzip), $size MB in the registry at $REG"

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }
declare -A t

# hull
start=$(now)
/usr/bin/time -f "%M" -o "$work/hull.rss" "$HULL" --root "$work/hull" --runroot "$work/hull-run" pull -q "$REG/bench" >/dev/null
t[hull]=$(elapsed "$start")

# podman (vfs: no overlay mount permission needed, and unpacking is what we compare)
if command -v podman >/dev/null; then
    start=$(now)
    podman --root "$work/p/root" --runroot "$work/p/run" --storage-driver vfs pull -q --tls-verify=false \
        "$REG/bench:latest" >/dev/null
    t[podman]=$(elapsed "$start")
fi

# skopeo into an OCI layout (no unpacking: download, verify, write)
start=$(now)
skopeo copy --quiet --src-tls-verify=false "docker://$REG/bench:latest" "oci:$work/skopeo:latest"
t[skopeo]=$(elapsed "$start")

# curl: the layer blobs, 3 at a time, to /dev/null
manifest=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$REG/v2/bench/manifests/latest")
start=$(now)
jq -r '.layers[].digest' <<<"$manifest" |
    xargs -P 3 -I{} curl -s -o /dev/null "http://$REG/v2/bench/blobs/{}"
t[curl]=$(elapsed "$start")

printf '\n%-28s %8s %10s\n' "" seconds "vs hull"
for k in hull podman skopeo curl; do
    [ -n "${t[$k]:-}" ] || continue
    printf '%-28s %8.2f %9.2fx\n' "$k" "${t[$k]}" "$(echo "${t[$k]} / ${t[hull]}" | bc -l)"
done
echo "hull pull peak RSS: $(($(cat "$work/hull.rss") / 1024)) MB"
echo "(hull, podman: download + decompress + unpack; skopeo: download + verify + write blobs; curl: download only)"
