#!/usr/bin/env bats
# hull push against a real registry (docker-registry, plain HTTP on 127.0.0.1,
# started by setup_file with its access log on, stopped by pid): layers the
# registry has are not sent again (HEAD), layers it has in another repository
# are mounted (POST ?mount=&from=, checked in the registry's own log: no upload
# of them), big layers go up in chunks (PATCH with Content-Range, then PUT), a
# registry that refuses chunks gets one PUT, byte progress on a terminal, and
# a push killed mid-upload leaves nothing behind and is simply run again.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers
load registry-helpers

setup_file() {
    command -v docker-registry >/dev/null && command -v skopeo >/dev/null || return 0
    mkdir -p "$WORK_BASE"
    REG_DIR=$(mktemp -d "$WORK_BASE/reg.XXXXXX")
    export REG_DIR
    REG=127.0.0.1:$(REGISTRY_TEST_ACCESSLOG=1 registry_start "$REG_DIR")
    export REG
    local images oci
    images=$(registry_images)
    oci=$(busybox_images)/busybox-oci.tar
    push "oci-archive:$oci:busybox-extra" "$REG/extra:latest"
    # big: busybox plus an 8 MiB layer of random bytes, as a local archive (not from a registry)
    skopeo copy --quiet "oci:$images/big:latest" "oci-archive:$REG_DIR/big.tar:big:latest"
}

teardown_file() {
    [ -n "${REG_DIR:-}" ] || return 0
    registry_stop "$REG_DIR"
    rm -rf "$REG_DIR"
}

setup() {
    registry_requirements
    engine_setup
    export HULL_REGISTRIES_CONF=$TEST_DIR/registries.conf HULL_CERTS_DIR=$TEST_DIR/certs.d
    export REGISTRY_AUTH_FILE=$TEST_DIR/auth.json HOME=$TEST_DIR/home
    unset XDG_RUNTIME_DIR
    # the registry's log lines of this test only: from this offset on
    LOG_FROM=$(($(wc -c <"$REG_DIR/log") + 1))
}

teardown() {
    diag_on_failure
    [ -n "${PUSH_PID:-}" ] && kill -9 "$PUSH_PID" 2>/dev/null
    local d
    for d in "$TEST_DIR"/srv.*; do [ -d "$d" ] && registry_stop "$d"; done
    engine_teardown
}

# reg_log: the registry's access log lines since this test started ("METHOD URI STATUS").
reg_log() {
    tail -c "+$LOG_FROM" "$REG_DIR/log" | sed -n 's/.*"\([A-Z]*\) \([^ ]*\) HTTP\/[0-9.]*" \([0-9]*\) .*/\1 \2 \3/p'
}

# load_big: the 2-layer image with an 8 MiB layer into the store as big:1; prints its id.
load_big() {
    hull load -q -i "$REG_DIR/big.tar" >/dev/null
    local id
    id=$(hull images --no-trunc -q | head -1)
    hull tag "$id" big:1
    echo "$id"
}

pull_back() { # pull_back REF: into a fresh store; prints the image id
    local other=$TEST_DIR/other
    rm -rf "$other"
    "$HULL_ENGINE" --root "$other" --runroot "$TEST_DIR/run2" pull -q "$1" >/dev/null
    "$HULL_ENGINE" --root "$other" images --no-trunc -q "$1"
}

@test "push: layers pulled from this registry are mounted into another repository, not uploaded again" {
    hull pull -q "$REG/extra" >/dev/null
    local id
    id=$(hull images --no-trunc -q "$REG/extra")
    run hull push "$REG/extra" "$REG/team/copy:v1"
    [ "$status" -eq 0 ]
    [ "$(grep -c ': Mounted from extra$' <<<"$output")" -eq 2 ]
    run -0 reg_log
    # two mounts answered 201 ...
    [ "$(grep -c '^POST /v2/team/copy/blobs/uploads/?.*mount=sha256:.*201$' <<<"$output")" -eq 2 ]
    # ... and the only blob uploaded is the config (one POST, one PUT, no PATCH)
    [ "$(grep -c '^PUT /v2/team/copy/blobs/uploads/' <<<"$output")" -eq 1 ]
    ! grep -q '^PATCH ' <<<"$output"
    # the mounted layers keep their digests: the manifest lists the ones of extra
    local want got
    want=$(skopeo inspect --raw --tls-verify=false "docker://$REG/extra:latest" | jq -c '[.layers[].digest]')
    got=$(skopeo inspect --raw --tls-verify=false "docker://$REG/team/copy:v1" | jq -c '[.layers[].digest]')
    [ "$want" = "$got" ]
    [ "$(pull_back "$REG/team/copy:v1")" = "$id" ]
    # pushed there once, the next push finds them with HEAD
    run hull push "$REG/extra" "$REG/team/copy:v2"
    [ "$(grep -c 'Layer already exists' <<<"$output")" -eq 2 ]
}

@test "push: a layer pushed once is mounted when the image goes to another repository" {
    local id
    id=$(load_big)
    run hull push big:1 "$REG/a/big:1"
    [ "$status" -eq 0 ]
    [ "$(grep -c ': Pushed$' <<<"$output")" -eq 2 ]
    LOG_FROM=$(($(wc -c <"$REG_DIR/log") + 1))
    run hull push big:1 "$REG/b/big:1"
    [ "$status" -eq 0 ]
    [ "$(grep -c ': Mounted from a/big$' <<<"$output")" -eq 2 ]
    run -0 reg_log
    [ "$(grep -c '^POST /v2/b/big/blobs/uploads/?.*from=a%2Fbig.*201$\|^POST /v2/b/big/blobs/uploads/?.*from=a/big.*201$' <<<"$output")" -eq 2 ]
    ! grep -q '^PATCH ' <<<"$output"
    [ "$(pull_back "$REG/b/big:1")" = "$id" ]
}

@test "push: a big layer goes up in chunks (PATCH with Content-Range), then one PUT; it pulls back intact" {
    local id
    id=$(load_big)
    # 1 MiB chunks: the 8 MiB layer is 9 PATCHes; busybox's layer is smaller than a chunk: one PUT
    HULL_PUSH_CHUNK_SIZE=1048576 run hull push big:1 "$REG/chunked:1"
    [ "$status" -eq 0 ]
    run -0 reg_log
    [ "$(grep -c '^PATCH /v2/chunked/blobs/uploads/.* 202$' <<<"$output")" -ge 8 ]
    [ "$(grep -c '^PUT /v2/chunked/blobs/uploads/.*digest=sha256.* 201$' <<<"$output")" -eq 3 ]
    [ "$(pull_back "$REG/chunked:1")" = "$id" ]
    run "$HULL_ENGINE" --root "$TEST_DIR/other" --runroot "$TEST_DIR/run2" run --rm "$REG/chunked:1" sh -c 'wc -c </big'
    [ "$output" -eq 8388608 ]
    fails_with 'invalid HULL_PUSH_CHUNK_SIZE "0"' env HULL_PUSH_CHUNK_SIZE=0 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" push big:1 "$REG/chunked:2"
}

@test "push: a registry that refuses chunked uploads gets each blob in one PUT" {
    local id srv port
    id=$(load_big)
    srv=$(mktemp -d "$TEST_DIR/srv.XXXXXX")
    port=$(server_start "$srv" nochunk "${REG#*:}" "$srv/requests")
    HULL_PUSH_CHUNK_SIZE=1048576 run hull push big:1 "127.0.0.1:$port/nochunk:1"
    [ "$status" -eq 0 ]
    [ "$(grep -c ': Pushed$' <<<"$output")" -eq 2 ]
    # one refused PATCH, then the whole blob in a PUT
    [ "$(grep -c '^PATCH .* 405$' "$srv/requests")" -eq 1 ]
    [ "$(grep -c '^PUT /v2/nochunk/blobs/uploads/.*digest=.* 201$' "$srv/requests")" -eq 3 ]
    [ "$(pull_back "$REG/nochunk:1")" = "$id" ]
}

@test "push: byte progress redrawn on a terminal; one line per state in a log; nothing with -q" {
    load_big >/dev/null
    # 2 MiB/s: the 8 MiB layer takes about 4 s, so byte counts are redrawn
    # (at most every 100 ms) whatever the machine's speed; unthrottled on an
    # idle machine it went from "0B/8.39MB" straight to "Pushed"
    run script -qec "HULL_PUSH_MAX_SEND_SPEED=2097152 HULL_PUSH_CHUNK_SIZE=1048576 '$HULL_ENGINE' --root '$STORE' --runroot '$RUNROOT' push big:1 '$REG/tty:1'" /dev/null
    [ "$status" -eq 0 ]
    [[ "$output" == *"Pushing "*"MB/"*"MB"* ]]
    [[ "$output" == *$'\033['*"A"* ]] # cursor up: the layer lines are redrawn
    # forget where the layers went, or this push would only mount them
    rm "$STORE"/layers/*/sources
    run hull push big:1 "$REG/log:1"
    [ "$status" -eq 0 ]
    [ "$(grep -c ': Pushing$' <<<"$output")" -eq 2 ]
    ! grep -q 'MB/' <<<"$output"
    [ "$(grep -c ': Preparing$' <<<"$output")" -eq 2 ]
    rm "$STORE"/layers/*/sources
    run hull push -q big:1 "$REG/quiet:1"
    [ "$status" -eq 0 ]
    [ "$output" = "$REG/quiet:1" ]
}

@test "push: killed mid-upload, it leaves nothing behind; run again, it completes" {
    local id
    id=$(load_big)
    # the store before, but for the sources hints (the busybox layer's is
    # written once it is in the registry, before the big layer goes up)
    local before
    before=$(find "$STORE" ! -name sources ! -name upload | sort)
    # 256 KiB/s and 1 MiB chunks: the 8 MiB layer takes half a minute
    HULL_PUSH_MAX_SEND_SPEED=262144 HULL_PUSH_CHUNK_SIZE=1048576 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" \
        push big:1 "$REG/killed:1" >"$TEST_DIR/push.out" 2>&1 3>&- &
    PUSH_PID=$!
    # a first chunk is in: the upload is under way
    wait_until 60 "reg_log | grep -q '^PATCH /v2/killed/blobs/uploads/.* 202$'"
    kill -9 "$PUSH_PID"
    wait_until "! kill -0 $PUSH_PID 2>/dev/null"
    PUSH_PID=
    # the registry has no manifest, the store is as it was (the temporary file went with the process)
    run skopeo inspect --raw --tls-verify=false "docker://$REG/killed:1"
    [ "$status" -ne 0 ]
    [ "$(find "$STORE" ! -name sources ! -name upload | sort)" = "$before" ]
    assert_no_staging
    run hull push big:1 "$REG/killed:1"
    [ "$status" -eq 0 ]
    [[ "${lines[-1]}" == "1: digest: sha256:"* ]]
    [ "$(pull_back "$REG/killed:1")" = "$id" ]
}

@test "push: layers go up in parallel (--max-concurrent, default 5); with 1, one after the other" {
    load_big >/dev/null
    # 64 KiB/s: each layer's upload takes seconds; two upload sessions open
    # while no blob is in yet can only be two layers going up at once
    HULL_PUSH_MAX_SEND_SPEED=65536 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" \
        push big:1 "$REG/par:1" >"$TEST_DIR/push.out" 2>&1 3>&- &
    PUSH_PID=$!
    wait_until 60 "[ \$(reg_log | grep -c '^POST /v2/par/blobs/uploads/ 202$') -ge 2 ]"
    run -0 reg_log
    ! grep -q '^PUT /v2/par/blobs/uploads/' <<<"$output"
    kill -9 "$PUSH_PID"
    wait_until "! kill -0 $PUSH_PID 2>/dev/null"
    PUSH_PID=
    # one at a time: each session is finished (PUT) before the next opens
    LOG_FROM=$(($(wc -c <"$REG_DIR/log") + 1))
    run hull push --max-concurrent 1 big:1 "$REG/seq:1"
    [ "$status" -eq 0 ]
    run -0 reg_log
    [ "$(grep -o '^\(POST\|PUT\) /v2/seq/blobs/uploads/' <<<"$output" | cut -d' ' -f1 | tr '\n' ' ')" = "POST PUT POST PUT POST PUT " ]
    fails_with 'invalid --max-concurrent "0"' hull push --max-concurrent 0 big:1 "$REG/seq:2"
    fails_with 'invalid --max-concurrent "65"' hull push --max-concurrent 65 big:1 "$REG/seq:2"
}

@test "push by digest: the image's own manifest, PUT by its digest; blobs mounted, existing or re-created exactly" {
    local d id
    d=$(skopeo inspect --raw --tls-verify=false "docker://$REG/extra:latest" | sha256sum | sed 's/^/sha256:/; s/ .*//')
    hull pull -q "$REG/extra@$d" >/dev/null
    id=$(hull images --no-trunc -q | head -1)
    run hull push "$REG/extra@$d" "$REG/bydigest@$d"
    [ "$status" -eq 0 ]
    [ "${lines[-1]}" = "digest: $d size: $(skopeo inspect --raw --tls-verify=false "docker://$REG/extra@$d" | wc -c)" ]
    [ "$(grep -c ': Mounted from extra$' <<<"$output")" -eq 2 ]
    run -0 reg_log
    grep -q "^PUT /v2/bydigest/manifests/$d 201$" <<<"$output"
    ! grep -q '^PUT /v2/bydigest/manifests/[a-z]' <<<"$output" # no tag
    [ "$(skopeo inspect --raw --tls-verify=false "docker://$REG/bydigest@$d" | sha256sum | cut -d' ' -f1)" = "${d#sha256:}" ]
    pull_back "$REG/bydigest@$d" >/dev/null
    [ "$("$HULL_ENGINE" --root "$TEST_DIR/other" images --no-trunc -q)" = "$id" ]
    # NAME@DIGEST alone: to that repository, where every blob is
    run hull push "$REG/extra@$d"
    [ "$status" -eq 0 ]
    [ "$(grep -c 'Layer already exists' <<<"$output")" -eq 2 ]

    # another registry: these layers (gzipped by skopeo) cannot be re-created byte for byte
    local srv reg2
    srv=$(mktemp -d "$TEST_DIR/srv.XXXXXX")
    reg2=127.0.0.1:$(registry_start "$srv")
    fails_with "push of $reg2/extra@$d: layer [12] (sha256:[0-9a-f]*) is not in registry $reg2 and hull cannot re-create its exact bytes" \
        hull push "$REG/extra@$d" "$reg2/extra@$d"
    run skopeo inspect --raw --tls-verify=false "docker://$reg2/extra@$d"
    [ "$status" -ne 0 ]
    # layers hull compressed itself are: pushed by tag, pulled back by digest, pushed by digest elsewhere
    # (a store of its own: in this one the busybox layer is known to be in $REG/extra, and would be mounted)
    local own="$HULL_ENGINE --root $TEST_DIR/own --runroot $TEST_DIR/run3"
    $own load -q -i "$REG_DIR/big.tar" >/dev/null
    run $own push "$($own images --no-trunc -q | head -1)" "$REG/hullmade:1"
    [ "$status" -eq 0 ]
    local m
    m=$(sed -n 's/^1: digest: \(sha256:[0-9a-f]*\) size: [0-9]*$/\1/p' <<<"$output")
    local other=$TEST_DIR/other
    "$HULL_ENGINE" --root "$other" --runroot "$TEST_DIR/run2" pull -q "$REG/hullmade@$m" >/dev/null
    run "$HULL_ENGINE" --root "$other" --runroot "$TEST_DIR/run2" push "$REG/hullmade@$m" "$reg2/hullmade@$m"
    [ "$status" -eq 0 ]
    [ "$(grep -c ': Pushed$' <<<"$output")" -eq 2 ]
    [ "$(skopeo inspect --raw --tls-verify=false "docker://$reg2/hullmade@$m" | sha256sum | cut -d' ' -f1)" = "${m#sha256:}" ]
    # an image with no registry manifest, and an unknown digest
    local before bb
    before=$(hull images --no-trunc -q | sort)
    hull load -q -i "$(busybox_images)/busybox-docker.tar" >/dev/null
    bb=$(comm -13 <(echo "$before") <(hull images --no-trunc -q | sort) | head -1)
    [ -n "$bb" ]
    fails_with "cannot push $REG/nomanifest@$bb: the image came with no registry manifest" \
        hull push "$bb" "$REG/nomanifest@$bb"
    fails_with "no such image: $REG/extra@sha256:0000000000000000000000000000000000000000000000000000000000000000" \
        hull push "$REG/extra@sha256:0000000000000000000000000000000000000000000000000000000000000000"
}

@test "push: killed between two chunks, the next push resumes the upload session where the registry has it" {
    local id srv port
    id=$(load_big)
    srv=$(mktemp -d "$TEST_DIR/srv.XXXXXX")
    # the proxy holds the 2nd PATCH forever: the first 2 MiB chunk is in, the push hangs on the next
    port=$(server_start "$srv" holdpatch "${REG#*:}" "$srv/requests" 2)
    HULL_PUSH_CHUNK_SIZE=2097152 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" \
        push --max-concurrent 1 big:1 "127.0.0.1:$port/resume:1" >"$TEST_DIR/push.out" 2>&1 3>&- &
    PUSH_PID=$!
    wait_until 60 grep -q '^HOLD ' "$srv/requests"
    kill -9 "$PUSH_PID"
    wait_until "! kill -0 $PUSH_PID 2>/dev/null"
    PUSH_PID=
    # the session is kept in the store, next to the layer
    run -0 cat "$STORE"/layers/*/upload
    [[ "$output" == "127.0.0.1:$port"$'\t'"resume"$'\t'"sha256:"* ]]
    : >"$srv/requests"
    HULL_PUSH_CHUNK_SIZE=2097152 run hull push --max-concurrent 1 big:1 "127.0.0.1:$port/resume:1"
    [ "$status" -eq 0 ]
    run -0 cat "$srv/requests"
    # asked where the session stands, then went on from the second chunk: byte 0 was not sent again
    grep -q '^GET /v2/resume/blobs/uploads/.* 204$' <<<"$output"
    [ "$(grep '^RANGE ' <<<"$output" | head -1)" = "RANGE 2097152-4194303" ]
    ! grep -q '^RANGE 0-' <<<"$output"
    [ -z "$(ls "$STORE"/layers/*/upload 2>/dev/null)" ]
    [ "$(pull_back "$REG/resume:1")" = "$id" ]
}

@test "push: bad settings are refused before anything is sent" {
    load_big >/dev/null
    fails_with 'invalid HULL_PUSH_MAX_SEND_SPEED "fast"' env HULL_PUSH_MAX_SEND_SPEED=fast "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" push big:1 "$REG/bad:1"
    fails_with 'invalid HULL_PUSH_CHUNK_SIZE "1x"' env HULL_PUSH_CHUNK_SIZE=1x "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" push big:1 "$REG/bad:1"
    run skopeo inspect --raw --tls-verify=false "docker://$REG/bad:1"
    [ "$status" -ne 0 ]
}
