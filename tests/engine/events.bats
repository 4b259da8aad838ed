#!/usr/bin/env bats
# hull events: the journal engine commands append to (ROOT/events/events.log):
# container, image, volume events in order, --since/--until, --filter,
# --format, following new events (across a rotation), bad input.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup_busybox
    FOLLOWER=
}

teardown() {
    diag_on_failure
    if [ -n "$FOLLOWER" ]; then
        kill "$FOLLOWER" 2>/dev/null || true
        wait "$FOLLOWER" 2>/dev/null || true
    fi
    engine_teardown
}

now() { date +%s.%N; }

# events SINCE ARGS...: the past events from SINCE up to now, one line each.
events_since() {
    local since=$1
    shift
    timeout --kill-after=10 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" events --since "$since" --until "$(now)" "$@"
}

# follow FILE ARGS...: hull events ARGS in the background, output to FILE; FOLLOWER gets its pid.
follow() {
    local out=$1
    shift
    timeout --kill-after=10 120 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" events "$@" >"$out" 2>&1 3>&- &
    FOLLOWER=$!
}

@test "events: a container's life in order (create, start, die, kill, stop, destroy) with docker's attributes" {
    t0=$(now)
    run hull run --name once -l tier=front busybox sh -c 'exit 3'
    [ "$status" -eq 3 ]
    hull create --name later busybox sleep 1000 >/dev/null
    hull start later >/dev/null
    # sleep is PID 1 with no handler: SIGTERM does nothing, SIGKILL follows at once (-t 0)
    hull stop -t 0 later >/dev/null
    hull rm once later >/dev/null
    run events_since "$t0" --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}{{.Actor.Attributes.signal}}'
    [ "$status" -eq 0 ]
    want="container create once 
container start once 
container die once 3
container create later 
container start later 
container kill later 15
container kill later 9
container die later 137
container stop later 
container destroy once 
container destroy later "
    [ "$(sed 's/ $//' <<<"$output")" = "$(sed 's/ $//' <<<"$want")" ]
    run events_since "$t0" --filter container=once --format '{{.Actor.Attributes.image}} {{.Actor.Attributes.tier}} {{.From}} {{.Status}}'
    [ "${lines[0]}" = "busybox front busybox create" ]
}

@test "events: docker's default line, json, and Go templates on the message's fields" {
    t0=$(now)
    id=$(hull create --name fmt busybox true)
    run events_since "$t0"
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ ${lines[0]} =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}(Z|[+-][0-9]{2}:[0-9]{2})\ container\ create\ $id\ \(image=busybox,\ name=fmt\)$ ]]
    run events_since "$t0" --format json
    [ "$(jq -r '.Type + " " + .Action + " " + .Actor.ID + " " + .status + " " + .id + " " + .scope' <<<"$output")" = "container create $id create $id local" ]
    [ "$(jq -r '(.timeNano / 1000000000 | floor) == .time' <<<"$output")" = true ]
    run events_since "$t0" --format '{{.ID}} {{.Scope}} {{json .Actor.Attributes}}'
    [ "$output" = "$id local {\"image\":\"busybox\",\"name\":\"fmt\"}" ]
}

@test "events: images and volumes (tag, untag, delete, volume create/destroy); --filter by type, event, image" {
    t0=$(now)
    hull tag busybox other:1
    hull rmi other:1 >/dev/null
    hull volume create v1 >/dev/null
    hull run --rm -v /anon busybox true
    hull volume rm v1 >/dev/null
    run events_since "$t0" --filter type=image --format '{{.Action}} {{.Actor.Attributes.name}}'
    [ "${lines[0]}" = "tag other:1" ]
    [[ ${lines[1]} == "untag "*other:1 ]]
    [ "${#lines[@]}" -eq 2 ]
    run events_since "$t0" --filter type=volume --format '{{.Action}} {{.Actor.ID}}'
    [ "${lines[0]}" = "create v1" ]
    [[ ${lines[1]} =~ ^create\ [0-9a-f]{64}$ ]] # the anonymous volume
    [[ ${lines[2]} =~ ^destroy\ [0-9a-f]{64}$ ]] # --rm took it
    [ "${lines[3]}" = "destroy v1" ]
    [ "${#lines[@]}" -eq 4 ]
    run events_since "$t0" --filter type=container --filter event=start --filter event=destroy --format '{{.Action}}'
    [ "$(tr '\n' ' ' <<<"$output")" = "start destroy " ]
    run events_since "$t0" --filter image=busybox --filter type=container --format '{{.Action}}'
    [ "$(tr '\n' ' ' <<<"$output")" = "create start die destroy " ]
    # an image removed: delete
    hull import --change 'CMD ["true"]' "$IMAGES/rootfs.tar" gone >/dev/null
    run events_since "$t0" --filter event=import --format '{{.Type}} {{.Actor.Attributes.name}}'
    [ "$output" = "image gone" ]
    t1=$(now)
    hull rmi gone >/dev/null
    run events_since "$t1" --format '{{.Action}}'
    [ "$(tr '\n' ' ' <<<"$output")" = "untag delete " ]
}

@test "events: --since and --until bound the past; without --since only new events are shown" {
    hull volume create before >/dev/null
    t1=$(now)
    hull volume create between >/dev/null
    t2=$(now)
    hull volume create after >/dev/null
    run events_since "$t1" --format '{{.Actor.ID}}'
    [ "$(tr '\n' ' ' <<<"$output")" = "between after " ]
    run timeout 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" events --since "$t1" --until "$t2" --format '{{.Actor.ID}}'
    [ "$status" -eq 0 ]
    [ "$output" = between ]
    # a duration before now, an RFC 3339 time
    run events_since 10m --filter type=volume --format '{{.Actor.ID}}'
    [ "$(tr '\n' ' ' <<<"$output")" = "before between after " ]
    run events_since "$(date -u -d @"${t1%.*}" +%Y-%m-%dT%H:%M:%SZ)" --format '{{.Actor.ID}}'
    [[ $output == *between*after* ]]
    # --until only: new events until then, none of the past; it ends by itself
    until=$(($(date +%s) + 2))
    run timeout 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" events --until "$until"
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    [ "$(date +%s)" -ge "$until" ]
}

@test "events: a follower sees new events as they happen, and ends at --until" {
    follow "$TEST_DIR/followed" --filter container=live --format '{{.Action}}'
    # the follower has started reading once an event made after it is seen
    wait_until 30 "hull volume create probe-\$RANDOM >/dev/null; hull run --rm --name live busybox true; grep -q destroy '$TEST_DIR/followed'"
    grep -q '^create$' "$TEST_DIR/followed"
    grep -q '^die$' "$TEST_DIR/followed"
    kill "$FOLLOWER"
    wait "$FOLLOWER" || true
    FOLLOWER=
    # --since and a near --until: the past, then what happens, then the end
    t0=$(now)
    hull volume create first >/dev/null
    follow "$TEST_DIR/bounded" --since "$t0" --until "$(($(date +%s) + 4))" --format '{{.Actor.ID}}'
    wait_until 30 "grep -q first '$TEST_DIR/bounded'"
    hull volume create second >/dev/null
    wait_until 30 "grep -q second '$TEST_DIR/bounded'"
    wait_until 30 "! kill -0 $FOLLOWER 2>/dev/null"
    wait "$FOLLOWER"
    FOLLOWER=
}

@test "events: the journal is bounded (rotated at HULL_EVENTS_MAX_SIZE); a follower loses nothing across rotations" {
    export HULL_EVENTS_MAX_SIZE=1000
    t0=$(now)
    follow "$TEST_DIR/rotating" --since "$t0" --filter type=volume --format '{{.Actor.ID}}'
    # each event seen before the next: the follower is at most one event behind,
    # so it meets every rotation (about one per six events)
    for i in $(seq 1 30); do
        hull volume create "v$i" >/dev/null
        wait_until 30 "grep -q '^v$i\$' '$TEST_DIR/rotating'"
    done
    [ "$(tr '\n' ' ' <<<"$(cat "$TEST_DIR/rotating")")" = "$(seq -f 'v%g' 1 30 | tr '\n' ' ')" ]
    [ "$(stat -c %s "$STORE/events/events.log")" -le 1000 ]
    [ "$(stat -c %s "$STORE/events/events.log.1")" -le 1000 ]
    [ ! -e "$STORE/events/events.log.2" ]
    # the past that is kept: the newest events, up to twice the limit
    run events_since "$t0" --format '{{.Actor.ID}}'
    [ "${lines[-1]}" = v30 ]
    [ "${#lines[@]}" -lt 30 ]
}

@test "events: bad flags fail with one line (125)" {
    run hull events --filter colour=red
    [ "$status" -eq 125 ]
    fails_with 'unknown key "colour"' hull events --filter colour=red
    fails_with 'want KEY=VALUE' hull events --filter type
    fails_with 'container, image, network or volume' hull events --filter type=plugin
    fails_with 'invalid --since "yesterday"' hull events --since yesterday
    fails_with 'invalid --until "soon"' hull events --until soon
    run hull events --format '{{.Type'
    [ "$status" -eq 125 ]
    [[ $output == *"invalid --format"* ]]
    run hull events extra
    [ "$status" -eq 125 ]
}
