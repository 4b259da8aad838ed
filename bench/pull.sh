#!/bin/bash
# bench/pull.sh: pulling an image from a registry on loopback, side by side in
# one run: `hull pull` against `podman pull`, `skopeo copy docker://... oci:DIR`
# and curl fetching the same blobs (3 at a time, to /dev/null: the floor), each
# into a fresh store, ROUNDS rounds interleaved (the best of each is kept: the
# machine is shared, and the best run is the one least disturbed).  Wall time
# and CPU time (user+sys of the process and its children; the registry's own
# CPU is not in it) are printed, and each tool's ratio to curl.  Not part of the
# test suite.
#
#   bench/pull.sh                  LAYER_MB=20 LAYERS=5 ROUNDS=3 by default
#   BIG_MB=1024 bench/pull.sh      one layer of BIG_MB MB instead: hull's peak RSS
#                                  against the layer's size (made on disk, streamed)
#   FILES=5000 bench/pull.sh       each layer's LAYER_MB split into FILES files (in
#                                  directories of 100): the cost per file of unpacking
#   HULL_ENGINE=...                the binary to time
#   HULL_BEFORE=...                another hull binary (say, main before a change),
#                                  timed side by side as "hull-before"
#   TOOLS="hull curl"              only these (hull curl skopeo podman; hull first:
#                                  curl is the reference of the ratios)
#
# The registry is Debian's docker-registry on 127.0.0.1 (a port the kernel
# picks, its own storage under a temp dir, stopped by pid).  Layers are random
# bytes (incompressible, like real binaries once gzip has done its best), gzip.
# podman and skopeo get private --root/--runroot dirs and a private blob-info
# cache dir; nothing of the host's stores is touched.  Work files go under
# $BENCH_TMP (default /var/tmp: the big image needs ~2x BIG_MB of disk).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck disable=SC1091 # bench/goal.sh is checked on its own
. "$ROOT/bench/goal.sh"
engine_binary pull
for t in docker-registry skopeo jq bc; do
    command -v $t >/dev/null || { echo "bench/pull: $t is not installed" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench/pull: /usr/bin/time (Debian package time) is not installed" >&2; exit 1; }
LAYER_MB=${LAYER_MB:-20}
FILES=${FILES:-}
LAYERS=${LAYERS:-5}
ROUNDS=${ROUNDS:-3}
BIG_MB=${BIG_MB:-}

work=$(mktemp -d "${BENCH_TMP:-/var/tmp}/hull-pbench.XXXXXX")
reg_pid=
cleanup() {
    # (each step may fail: set -e must not stop the cleanup half-way)
    if [ -n "$reg_pid" ]; then kill "$reg_pid" 2>/dev/null || true; wait "$reg_pid" 2>/dev/null || true; fi
    rm -rf "$work" || true
}
trap cleanup EXIT

# the registry
mkdir -p "$work/reg/data"
cat >"$work/reg/config.yml" <<EOC
version: 0.1
log: {level: info, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/reg/data}}
http: {addr: "127.0.0.1:0", secret: bench}
EOC
env -u REGISTRY_AUTH_FILE docker-registry serve "$work/reg/config.yml" >"$work/reg/log" 2>&1 &
reg_pid=$!
for _ in $(seq 200); do grep -q "listening on" "$work/reg/log" && break; sleep 0.05; done
port=$(grep -o 'listening on [^ ,"]*' "$work/reg/log" | head -1 | sed 's/.*://')
REG=127.0.0.1:$port

# the image: an OCI layout of LAYERS x LAYER_MB MB, or one layer of BIG_MB MB,
# each layer a tar of one file (or FILES files) of random bytes, written and hashed on disk
if [ -n "$BIG_MB" ]; then LAYERS=1 LAYER_MB=$BIG_MB; fi
mkdir -p "$work/img/blobs/sha256" "$work/gen"
layers_json=() diff_ids=()
for i in $(seq "$LAYERS"); do
    if [ -n "$FILES" ]; then
        mkdir "$work/gen/layer$i"
        head -c "$((LAYER_MB * 1024 * 1024))" /dev/urandom |
            (cd "$work/gen/layer$i" && split -a 6 -b "$((LAYER_MB * 1024 * 1024 / FILES))" - f && files=(f*) &&
                for ((k = 0; k < ${#files[@]}; k += 100)); do
                    mkdir "d$k" && mv -t "d$k" "${files[@]:k:100}"
                done)
    else
        head -c "$((LAYER_MB * 1024 * 1024))" /dev/urandom >"$work/gen/layer$i"
    fi
    tar -C "$work/gen" --owner=0 --group=0 --mtime=@0 -cf "$work/gen/layer$i.tar" "layer$i"
    rm -r "$work/gen/layer$i"
    diff_ids+=("sha256:$(sha256sum <"$work/gen/layer$i.tar" | cut -d' ' -f1)")
    gzip -1 -n -c "$work/gen/layer$i.tar" >"$work/gen/layer$i.tar.gz"
    rm "$work/gen/layer$i.tar"
    d=$(sha256sum <"$work/gen/layer$i.tar.gz" | cut -d' ' -f1)
    s=$(stat -c %s "$work/gen/layer$i.tar.gz")
    mv "$work/gen/layer$i.tar.gz" "$work/img/blobs/sha256/$d"
    layers_json+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$s}")
done
blob() { # blob FILE: into the layout; prints its descriptor's digest and size
    local d
    d=$(sha256sum <"$1" | cut -d' ' -f1)
    cp "$1" "$work/img/blobs/sha256/$d"
    echo "sha256:$d $(stat -c %s "$1")"
}
printf '%s\n' "${diff_ids[@]}" | jq -R . | jq -sc '{architecture:"amd64",os:"linux",config:{Cmd:["sh"]},rootfs:{type:"layers",diff_ids:.}}' >"$work/gen/config.json"
read -r cd cs < <(blob "$work/gen/config.json")
(IFS=,; echo "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$cd\",\"size\":$cs},\"layers\":[${layers_json[*]}]}") >"$work/gen/manifest.json"
read -r md ms < <(blob "$work/gen/manifest.json")
echo '{"imageLayoutVersion":"1.0.0"}' >"$work/img/oci-layout"
echo "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$md\",\"size\":$ms,\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}" >"$work/img/index.json"
skopeo copy --quiet --preserve-digests --dest-tls-verify=false "oci:$work/img:latest" "docker://$REG/bench:latest"
rm -rf "$work/img" "$work/gen"
size=$(du -sm "$work/reg/data" | cut -f1)
echo "image: $LAYERS layer(s) x $LAYER_MB MB (random bytes, gzip${FILES:+, $FILES files each}), $size MB in the registry at $REG"

# timed CMD...: runs it under /usr/bin/time; prints "wall cpu maxrss_kb"
# (the wall from bash's clock, to the millisecond: time's %e has 10 ms steps, as
# much as a change of hull's pull is worth; CPU time keeps time's resolution)
timed() {
    local t0=${EPOCHREALTIME/,/.} t1
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null
    t1=${EPOCHREALTIME/,/.}
    awk -v w="$(echo "$t1 - $t0" | bc)" '{printf "%.3f %.2f %s\n", w, $2 + $3, $4}' "$work/time"
}
manifest=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$REG/v2/bench/manifests/latest")
jq -r '.layers[].digest' <<<"$manifest" >"$work/digests"
fetch_curl() {
    xargs -P 3 -I{} curl -s -o /dev/null "http://$REG/v2/bench/blobs/{}" <"$work/digests"
}
run_hull() { rm -rf "$work/hull"; "$HULL" --root "$work/hull" --runroot "$work/hull-run" pull -q "$REG/bench"; }
run_hull_before() {
    rm -rf "$work/hullb"
    "$HULL_BEFORE" --root "$work/hullb" --runroot "$work/hullb-run" pull -q "$REG/bench"
}
# podman: vfs, no overlay mount permission needed, and unpacking is what we compare
run_podman() {
    rm -rf "$work/p"
    podman --root "$work/p/root" --runroot "$work/p/run" --storage-driver vfs pull -q --tls-verify=false \
        "$REG/bench:latest"
}
# skopeo into an OCI layout: no unpacking (download, verify, write)
run_skopeo() { rm -rf "$work/skopeo"; skopeo copy --quiet --src-tls-verify=false "docker://$REG/bench:latest" "oci:$work/skopeo:latest"; }
export -f run_hull run_hull_before run_podman run_skopeo fetch_curl
export HULL HULL_BEFORE="${HULL_BEFORE:-}" REG work

tools=(hull curl skopeo)
command -v podman >/dev/null && tools+=(podman)
[ -n "$BIG_MB" ] && tools=(hull curl)
if [ -n "${TOOLS:-}" ]; then read -r -a tools <<<"$TOOLS"; fi
[ -n "${HULL_BEFORE:-}" ] && tools=(hull hull-before "${tools[@]:1}")
declare -A wall cpu rss
for r in $(seq "$ROUNDS"); do
    for k in "${tools[@]}"; do
        case $k in
        hull) out=$(timed bash -c run_hull) ;;
        hull-before) out=$(timed bash -c run_hull_before) ;;
        curl) out=$(timed bash -c fetch_curl) ;;
        skopeo) out=$(timed bash -c run_skopeo) ;;
        podman) out=$(timed bash -c run_podman) ;;
        esac
        read -r w c m <<<"$out"
        echo "round $r: $k ${w}s wall, ${c}s cpu, $((m / 1024)) MB peak RSS" >&2
        if [ -z "${wall[$k]:-}" ] || [ "$(echo "$w < ${wall[$k]}" | bc)" = 1 ]; then wall[$k]=$w; fi
        if [ -z "${cpu[$k]:-}" ] || [ "$(echo "$c < ${cpu[$k]}" | bc)" = 1 ]; then cpu[$k]=$c; fi
        if [ -z "${rss[$k]:-}" ] || [ "$m" -gt "${rss[$k]}" ]; then rss[$k]=$m; fi
    done
done
rm -rf "$work/hull" "$work/hullb" "$work/p" "$work/skopeo"

printf '\n%-11s %9s %9s %12s %12s %10s\n' "" "wall s" "cpu s" "wall/curl" "cpu/curl" "peak RSS"
for k in "${tools[@]}"; do
    printf '%-11s %9.3f %9.2f %11.2fx %11.2fx %7d MB\n' "$k" "${wall[$k]}" "${cpu[$k]}" \
        "$(echo "${wall[$k]} / ${wall[curl]}" | bc -l)" "$(echo "${cpu[$k]} / ${cpu[curl]}" | bc -l)" \
        "$((${rss[$k]} / 1024))"
done
echo "(best of $ROUNDS rounds; hull, podman: download + decompress + verify + unpack; skopeo: download + verify +"
echo " write blobs; curl: download only, 3 at a time; peak RSS of the largest single process, the worst round)"
