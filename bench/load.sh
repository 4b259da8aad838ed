#!/bin/bash
# bench/load.sh: `hull load` against `podman load` on the same ~100 MB image,
# side by side with hyperfine, then the ratios.  Not part of the test suite.
#
#   bench/load.sh            (RUNS=5 SIZE_MB=100 by default)
#
# The image: the busybox rootfs plus SIZE_MB of incompressible files (one big
# file and a few hundred small ones, so both throughput and per-file costs
# count), as
#   a docker-archive with an uncompressed layer (what `docker save` writes), and
#   an oci-archive with a gzip layer (what registries ship), when skopeo is installed.
# Every run starts from an empty store (hyperfine --prepare), so each one really
# unpacks the layer.  podman uses its default overlay driver and its own temp store.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck disable=SC1091 # bench/goal.sh is checked on its own
. "$ROOT/bench/goal.sh"
engine_binary load
command -v hyperfine >/dev/null || { echo "bench/load: hyperfine is not installed" >&2; exit 1; }
RUNS=${RUNS:-5}
SIZE_MB=${SIZE_MB:-100}

# podman refuses long --runroot paths: keep the work dir short
work=$(mktemp -d /tmp/hull-bench.XXXXXX)
cleanup() {
    grep -o " ${work}[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "# building a ${SIZE_MB} MB image in $work"
"$ROOT/tests/make-rootfs.sh" "$work/rootfs" >/dev/null
mkdir -p "$work/rootfs/data/small"
big_mb=$((SIZE_MB * 6 / 10))
head -c $((big_mb * 1000000)) /dev/urandom >"$work/rootfs/data/big.bin"
small_count=$(((SIZE_MB - big_mb) * 10)) # 100 kB each
for ((i = 0; i < small_count; i++)); do
    head -c 100000 /dev/urandom >"$work/rootfs/data/small/f$i"
done
tar -C "$work/rootfs" -cf "$work/layer.tar" .
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
mkdir "$work/docker"
mv "$work/layer.tar" "$work/docker/$diff_id.tar"
jq -cn --arg d "sha256:$diff_id" \
    '{os: "linux", architecture: "amd64", config: {Cmd: ["sh"]}, rootfs: {type: "layers", diff_ids: [$d]}}' |
    tr -d '\n' >"$work/docker/config.json"
config_id=$(sha256sum "$work/docker/config.json" | cut -d' ' -f1)
mv "$work/docker/config.json" "$work/docker/$config_id.json"
jq -cn --arg c "$config_id.json" --arg l "$diff_id.tar" \
    '[{Config: $c, RepoTags: ["bench:latest"], Layers: [$l]}]' >"$work/docker/manifest.json"
tar -C "$work/docker" -cf "$work/docker-archive.tar" .
rm -rf "$work/docker" "$work/rootfs"
archives=("$work/docker-archive.tar")
if command -v skopeo >/dev/null; then
    skopeo copy -q --dest-compress "docker-archive:$work/docker-archive.tar" "oci-archive:$work/oci-archive.tar:bench" \
        && archives+=("$work/oci-archive.tar")
fi
ls -l "${archives[@]}"

have_podman=false
command -v podman >/dev/null && have_podman=true
pod=(podman --root "$work/p/root" --runroot "$work/p/run")

for archive in "${archives[@]}"; do
    name=$(basename "$archive" .tar)
    echo
    echo "# $name"
    cmds=(--prepare "rm -rf $work/hull-root" "$HULL --root $work/hull-root load -q -i $archive")
    names=(-n "hull load ($name)")
    if $have_podman; then
        cmds+=(--prepare "${pod[*]} system reset -f >/dev/null 2>&1; rm -rf $work/p" "${pod[*]} load -q -i $archive")
        names+=(-n "podman load ($name)")
    fi
    hyperfine --style basic --runs "$RUNS" --export-json "$work/$name.json" "${names[@]}" "${cmds[@]}"
    if $have_podman; then
        jq -r --arg n "$name" '.results as $r | ($r[1].mean / $r[0].mean) as $ratio |
            "\($n): hull \($r[0].mean * 1000 | round) ms, podman \($r[1].mean * 1000 | round) ms: hull is \($ratio * 100 | round / 100)x " +
            (if $ratio >= 1 then "faster" else "slower" end)' "$work/$name.json" | tee -a "$work/ratios"
    fi
done
echo
if [ -f "$work/ratios" ]; then
    echo "# ratios (podman mean / hull mean)"
    cat "$work/ratios"
else
    echo "# podman is not installed: no ratio"
fi
