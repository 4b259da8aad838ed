#!/usr/bin/env bats
# Volumes (docker's local driver): hull volume create/ls/inspect/rm/prune,
# -v NAME:/path, anonymous volumes (-v /path, the image's VOLUME) with the
# image's content copied up, --mount type=bind|volume|tmpfs, relative binds,
# :z/:Z, rm -v and run --rm, tmpfs and bind volumes, and bad input that
# leaves nothing behind.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup_busybox
}

teardown() {
    diag_on_failure
    engine_teardown
}

# An image with /data/hello (owned by 1000:1000, mode 0750) and VOLUME /data.
import_volume_image() {
    local dir=$TEST_DIR/volroot
    mkdir -p "$dir"
    tar -xf "$IMAGES/rootfs.tar" -C "$dir"
    mkdir -p "$dir/data"
    echo from-image >"$dir/data/hello"
    chown -R 1000:1000 "$dir/data"
    chmod 0750 "$dir/data"
    tar -cf "$TEST_DIR/vol.tar" -C "$dir" .
    hull import --change 'VOLUME ["/data"]' --change 'CMD ["sh"]' "$TEST_DIR/vol.tar" volimg >/dev/null
}

volume_count() {
    hull volume ls -q | wc -l
}

container_count() {
    find "$STORE/containers" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l
}

@test "volume create/ls/inspect/rm: docker's commands and shapes" {
    [ "$(hull volume create v1)" = v1 ]
    [ "$(hull volume create v1)" = v1 ] # again: not an error
    [ "$(hull volume create --name v2 --label team=a)" = v2 ]
    anon=$(hull volume create)
    [ ${#anon} -eq 64 ]
    run hull volume ls
    [ "${lines[0]}" = "DRIVER   VOLUME NAME" ] || [[ "${lines[0]}" == DRIVER*"VOLUME NAME" ]]
    [ "$(volume_count)" -eq 3 ]
    [ "$(hull volume ls -q --filter label=team=a)" = v2 ]
    [ "$(hull volume ls -q -f name=v1)" = v1 ]
    run hull volume inspect v1
    [ "$status" -eq 0 ]
    [ "$(jq -r '.[0].Name' <<<"$output")" = v1 ]
    [ "$(jq -r '.[0].Driver' <<<"$output")" = local ]
    [ "$(jq -r '.[0].Scope' <<<"$output")" = local ]
    [ "$(jq -r '.[0].Mountpoint' <<<"$output")" = "$STORE/volumes/v1/_data" ]
    [ -d "$STORE/volumes/v1/_data" ]
    [ "$(hull volume ls --format json | jq -rs 'map(.Name) | join(",")')" = "$anon,v1,v2" ]
    run hull volume rm v1 v2
    [ "$status" -eq 0 ]
    [ "$output" = "$(printf 'v1\nv2')" ]
    [ "$(volume_count)" -eq 1 ]
    run hull volume rm nosuch
    [ "$status" -eq 1 ]
    [[ "$output" == *"no such volume: nosuch"* ]]
    run hull volume rm -f nosuch
    [ "$status" -eq 0 ]
    fails_with 'invalid volume name "a!b"' hull volume create 'a!b'
    fails_with 'type "ext4" is not implemented' hull volume create -o type=ext4 -o device=/dev/sda1 bad
    [ "$(volume_count)" -eq 1 ]
}

@test "-v NAME:/path: made on first use, data kept across containers, :ro, in use cannot be removed" {
    hull run --rm -v data:/data busybox sh -c 'echo kept >/data/f'
    [ "$(hull volume ls -q)" = data ]
    [ "$(hull run --rm -v data:/d:ro busybox cat /d/f)" = kept ]
    run hull run --rm -v data:/d:ro busybox touch /d/x
    [ "$status" -ne 0 ]
    [[ "$output" == *"Read-only file system"* ]]
    # :z and :Z are accepted (no SELinux: nothing to relabel)
    [ "$(hull run --rm -v data:/d:z busybox cat /d/f)" = kept ]
    [ "$(hull run --rm -v data:/d:ro,Z busybox cat /d/f)" = kept ]
    # a stopped container still uses it (docker)
    hull run --name user -v data:/d busybox true
    run hull volume rm data
    [ "$status" -eq 1 ]
    [[ "$output" == *"remove data: volume is in use - ["*"]"* ]]
    [ "$(hull inspect user | jq -r '.[0].Mounts[0] | "\(.Type) \(.Name) \(.Destination) \(.RW)"')" = "volume data /d true" ]
    [ "$(hull inspect user | jq -r '.[0].HostConfig.Binds[0]')" = data:/d ]
    hull rm user
    hull volume rm data
    [ ! -e "$STORE/volumes/data" ]
}

@test "the image's VOLUME: an anonymous volume with the image's content; rm -v and run --rm remove it, rm keeps it" {
    import_volume_image
    hull run --name a volimg sh -c 'cat /data/hello; echo added >/data/added'
    [ "$(volume_count)" -eq 1 ]
    vol=$(hull inspect a | jq -r '.[0].Mounts[0].Name')
    [ "$(cat "$STORE/volumes/$vol/_data/hello")" = from-image ]
    [ "$(stat -c '%u:%g %a' "$STORE/volumes/$vol/_data")" = "1000:1000 750" ]
    [ "$(cat "$STORE/volumes/$vol/_data/added")" = added ]
    [ "$(hull volume inspect "$vol" | jq -r '.[0].Labels | has("com.docker.volume.anonymous")')" = true ]
    hull rm -v a
    [ "$(volume_count)" -eq 0 ]
    hull run --name b volimg true
    hull rm b
    [ "$(volume_count)" -eq 1 ] # plain rm keeps it, as docker
    hull volume prune -f
    [ "$(volume_count)" -eq 0 ]
    hull run --rm volimg true
    [ "$(volume_count)" -eq 0 ]
    hull run -d --rm --name d volimg sleep 1000 >/dev/null
    [ "$(volume_count)" -eq 1 ]
    hull stop -t 0 d >/dev/null
    wait_until '[ "$(hull volume ls -q | wc -l)" -eq 0 ]'
    # a named volume is copied into when empty; nocopy keeps it empty; a -v /data anonymous one too
    [ "$(hull run --rm -v named:/data volimg cat /data/hello)" = from-image ]
    [ -z "$(hull run --rm -v empty:/data:nocopy volimg ls /data)" ]
    [ "$(hull run --rm -v /data volimg cat /data/hello)" = from-image ]
    # a mount over the VOLUME's path replaces the anonymous volume
    [ "$(hull run --rm --tmpfs /data volimg ls /data)" = "" ]
    [ "$(volume_count)" -eq 2 ] # named, empty
    hull volume prune -f >/dev/null
    [ "$(volume_count)" -eq 2 ] # prune takes anonymous volumes only
    run hull volume prune -a -f
    [[ "$output" == *"Deleted Volumes:"* ]]
    [[ "$output" == *"Total reclaimed space:"* ]]
    [ "$(volume_count)" -eq 0 ]
}

@test "a run that fails to start removes the anonymous volumes it made" {
    import_volume_image
    run -127 hull run volimg /no/such/program
    [ "$(volume_count)" -eq 0 ]
    [ "$(container_count)" -eq 0 ]
}

@test "--mount type=bind|volume|tmpfs, relative binds, -v makes a missing host path and --mount refuses it" {
    mkdir "$TEST_DIR/host"
    echo on-host >"$TEST_DIR/host/f"
    [ "$(hull run --rm --mount type=bind,source="$TEST_DIR/host",target=/h,readonly busybox cat /h/f)" = on-host ]
    run hull run --rm --mount type=bind,src="$TEST_DIR/host",dst=/h,ro busybox touch /h/x
    [ "$status" -ne 0 ]
    hull run --rm --mount source=mvol,target=/m busybox sh -c 'echo v >/m/v'
    [ "$(hull run --rm --mount type=volume,src=mvol,dst=/m busybox cat /m/v)" = v ]
    [ "$(hull run --rm --mount type=tmpfs,target=/t,tmpfs-size=1m busybox sh -c 'grep " /t " /proc/mounts | cut -d" " -f3')" = tmpfs ]
    hull run --name m --mount type=volume,src=mvol,dst=/m,readonly busybox true
    [ "$(hull inspect m | jq -r '.[0].HostConfig.Mounts[0] | "\(.Type) \(.Source) \(.Target) \(.ReadOnly)"')" = "volume mvol /m true" ]
    hull rm m
    # relative to our directory, as docker's CLI resolves it
    (cd "$TEST_DIR" && hull run --rm -v ./host:/h busybox cat /h/f) | grep -qx on-host
    (cd "$TEST_DIR/host" && hull run --rm -v ../host/.:/h busybox cat /h/f) | grep -qx on-host
    # -v makes a missing host directory (docker); --mount refuses (docker), one line, exit 125, nothing made
    hull run --rm -v "$TEST_DIR/made/here:/x" busybox sh -c 'echo new >/x/n'
    [ "$(cat "$TEST_DIR/made/here/n")" = new ]
    run hull run --mount type=bind,source="$TEST_DIR/missing",target=/x busybox true
    [ "$status" -eq 125 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"bind source path does not exist: $TEST_DIR/missing"* ]]
    [ ! -e "$TEST_DIR/missing" ]
    [ "$(container_count)" -eq 0 ]
}

@test "bad -v / --mount input: one line, exit 125, no container, no volume, no directory" {
    local bad
    for bad in "-v a!b:/x" "-v x:/x" "-v $TEST_DIR/nd:relative" "-v /foo:ro" "-v $TEST_DIR/nd:/x:rx" \
        "--mount type=nfs,target=/x" "--mount target=/x,colour=red" "--mount source=ok1" \
        "--mount type=volume,source=$TEST_DIR/nd,target=/x" "-v vv:/x -v $TEST_DIR/nd:/x"; do
        run hull run $bad busybox true
        echo "$bad -> $status: $output"
        [ "$status" -eq 125 ]
        [ "${#lines[@]}" -eq 1 ]
        [[ "${lines[0]}" == "hull: error: "* ]]
    done
    [ "$(volume_count)" -eq 0 ]
    [ "$(container_count)" -eq 0 ]
    [ ! -e "$TEST_DIR/nd" ]
}

@test "volume create -o: a tmpfs volume shared by containers, a bind volume of a host directory" {
    hull volume create -o type=tmpfs -o device=tmpfs -o o=size=2m,mode=1777 tv >/dev/null
    hull run -d --name w -v tv:/t busybox sh -c 'echo shared >/t/s; sleep 1000' >/dev/null
    wait_until '[ "$(hull run --rm -v tv:/t busybox cat /t/s 2>/dev/null)" = shared ]'
    [ "$(hull run --rm -v tv:/t busybox sh -c 'grep " /t " /proc/mounts | cut -d" " -f3')" = tmpfs ]
    grep -q " $STORE/volumes/tv/_data tmpfs " /proc/self/mounts
    hull rm -f w >/dev/null
    hull volume rm tv
    ! grep -q " $STORE/volumes/tv/_data " /proc/self/mounts
    mkdir "$TEST_DIR/src"
    echo bound >"$TEST_DIR/src/b"
    hull volume create -o type=none -o o=bind -o device="$TEST_DIR/src" bv >/dev/null
    [ "$(hull run --rm -v bv:/b busybox cat /b/b)" = bound ]
    hull run --rm -v bv:/b busybox sh -c 'echo back >/b/c'
    [ "$(cat "$TEST_DIR/src/c")" = back ]
    hull volume rm bv
    [ "$(cat "$TEST_DIR/src/b")" = bound ] # the host's directory is not the volume's to delete
}

@test "system df counts volumes" {
    hull run --rm -v dfv:/d busybox sh -c 'head -c 100000 /dev/zero >/d/z'
    run hull system df --format json
    row=$(grep '"Local Volumes"' <<<"$output")
    [ "$(jq -r .TotalCount <<<"$row")" = 1 ]
    [ "$(jq -r .Active <<<"$row")" = 0 ]
    [ "$(jq -r .Size <<<"$row")" = 100kB ]
}

@test "-v ...:z/:Z: without SELinux one notice line on stderr, once per run; with SELinux refused" {
    mkdir -p "$TEST_DIR/src"
    echo here >"$TEST_DIR/src/f"
    if [ "$(stat -f -c %T /sys/fs/selinux 2>/dev/null)" = selinux ]; then
        run -125 hull run --rm -v "$TEST_DIR/src:/s:z" busybox cat /s/f
        [[ $output == *'SELinux relabeling (z) is not implemented'* ]]
        skip "SELinux is in force: z/Z are refused (tested)"
    fi
    run -0 --separate-stderr hull run --rm -v "$TEST_DIR/src:/s:z" -v "$TEST_DIR/src:/t:ro,Z" busybox cat /s/f /t/f
    [ "$output" = "$(printf 'here\nhere')" ]
    [ "$stderr" = "hull: notice: -v $TEST_DIR/src:/s:z: SELinux is not in force on this host, there is nothing to relabel (z/Z ignored)" ]
    # no notice without z/Z
    run -0 --separate-stderr hull run --rm -v "$TEST_DIR/src:/s" busybox cat /s/f
    [ -z "$stderr" ]
    # a bad flag after it: the error alone, one line
    run -125 hull run --rm -v "$TEST_DIR/src:/s:z" --memory 12x busybox true
    [ "${#lines[@]}" -eq 1 ]
    [[ $output == *'--memory'* ]]
}
