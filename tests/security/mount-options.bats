#!/usr/bin/env bats
# Issue 11: no mount option is accepted and then ignored. `rro` is applied
# (mount_setattr AT_RECURSIVE), plain `ro` on an rbind is the top mount only
# (runc), and every option the parser accepts (`hull-runtime features`) is
# shown to have its effect, read back from /proc/self/mountinfo inside the
# container, or to be refused with an error naming it.
#
# The source trees are mounted in a private mount namespace (unshare) that the
# runtime then runs in: the host's mount table is never touched.

load ../lib/common
load security_helpers

setup() {
    setup_bundle
    P=$TEST_DIR/plain   # rw,relatime tmpfs with a submount "sub"; rshared
    F=$TEST_DIR/flagged # ro,nosuid,nodev,noexec,noatime,nodiratime,nosymfollow, and so is its "sub"
    mkdir -p "$P" "$F"
}
teardown() { diag_on_failure; teardown_bundle; }

# run_in_private_ns [EXTRA_SETUP]: `runtime run` inside a new mount namespace
# where $P and $F are mounted; leaves bats' $status/$output.
run_in_private_ns() {
    local flags=nosuid,nodev,noexec,noatime,nodiratime,nosymfollow
    flush_mounts
    id=$(new_id)
    run_quiet unshare --mount --propagation private sh -euc '
        mount -t tmpfs -o size=1m tmpfs "$1"; mkdir "$1/sub"; mount -t tmpfs -o size=1m tmpfs "$1/sub"
        mount --make-rshared "$1"
        mount -t tmpfs -o "size=1m,$3" tmpfs "$2"; mkdir "$2/sub"; mount -t tmpfs -o "size=1m,$3" tmpfs "$2/sub"
        mount -o "remount,bind,ro,$3" "$2/sub"; mount -o "remount,bind,ro,$3" "$2"
        shift 3
        exec "$@"' sh "$P" "$F" "$flags" "$HULL_RUNTIME" --root "$TEST_ROOT" run --bundle "$BUNDLE" "$id"
}

# add_mount DEST TYPE SOURCE OPTION...: queues a mount entry (plain words
# only: no quoting needed); flush_mounts adds the queue to config.json with
# one jq (a jq per mount made the table test slow under load).
add_mount() {
    local dest=$1 type=$2 source=$3 opts="" o
    shift 3
    for o in "$@"; do opts+="${opts:+,}\"$o\""; done
    printf '{"destination": "%s", "type": "%s", "source": "%s", "options": [%s]}\n' \
        "$dest" "$type" "$source" "$opts" >>"$TEST_DIR/mounts.jsonl"
}
flush_mounts() {
    [ -s "$TEST_DIR/mounts.jsonl" ] || return 0
    update_config --slurpfile m "$TEST_DIR/mounts.jsonl" '.mounts += $m'
    rm -f "$TEST_DIR/mounts.jsonl"
}

# mi FIELD MOUNTPOINT: from the container's mountinfo in $output: "opts" (per
# mount), "opt" (optional fields, space-joined), "super", or "present".
mi() {
    printf '%s\n' "$output" | awk -v want="$1" -v mp="$2" '
        $5 == mp && NF > 8 {
            i = 7; opt = ""
            while ($i != "-") { opt = opt (opt == "" ? "" : " ") $i; i++ }
            if (want == "opts") print $6
            else if (want == "opt") print opt
            else if (want == "super") print $(i + 3)
            else print "yes"
        }' | tail -n1
}

has_opt() { [[ ",$1," == *",$2,"* ]]; }

@test "rbind,rro: the mount and its submounts are read-only" {
    add_mount /mnt bind "$P" rbind rro
    update_config '.process.args = ["sh", "-c", "touch /mnt/a; touch /mnt/sub/b; cat /proc/self/mountinfo"]'
    run_in_private_ns
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(grep -c 'Read-only file system' <<<"$output")" -eq 2 ]
    has_opt "$(mi opts /mnt)" ro
    has_opt "$(mi opts /mnt/sub)" ro
}

@test "rbind,ro: only the top mount is read-only, as with runc (rro is the recursive form)" {
    add_mount /mnt bind "$P" rbind ro
    update_config '.process.args = ["sh", "-c", "touch /mnt/a; touch /mnt/sub/b && echo sub-writable; cat /proc/self/mountinfo"]'
    run_in_private_ns
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(grep -c 'Read-only file system' <<<"$output")" -eq 1 ]
    [[ "$output" == *sub-writable* ]]
    has_opt "$(mi opts /mnt)" ro
    has_opt "$(mi opts /mnt/sub)" rw
}

# The table: every option the parser accepts, how it is mounted and what
# mountinfo must show. KIND: P/F = rbind of $P/$F, T = a new tmpfs.
# CHECK is a bash expression over $top/$sub (per-mount options), $topx/$subx
# (optional fields), $super (super options of top) and $ls (listing of it).
CASES=(
    "defaults    P  has_opt \$top rw && has_opt \$top relatime"
    "ro          P  has_opt \$top ro && has_opt \$sub rw"
    "rw          F  has_opt \$top rw && has_opt \$sub ro"
    "nosuid      P  has_opt \$top nosuid && ! has_opt \$sub nosuid"
    "suid        F  ! has_opt \$top nosuid && has_opt \$sub nosuid"
    "nodev       P  has_opt \$top nodev && ! has_opt \$sub nodev"
    "dev         F  ! has_opt \$top nodev && has_opt \$sub nodev"
    "noexec      P  has_opt \$top noexec && ! has_opt \$sub noexec"
    "exec        F  ! has_opt \$top noexec && has_opt \$sub noexec"
    "noatime     P  has_opt \$top noatime && has_opt \$sub relatime"
    "atime       F  has_opt \$top relatime && has_opt \$sub noatime"
    "nodiratime  P  has_opt \$top nodiratime && ! has_opt \$sub nodiratime"
    "diratime    F  ! has_opt \$top nodiratime && has_opt \$sub nodiratime"
    "relatime    F  has_opt \$top relatime && has_opt \$sub noatime"
    "norelatime  F  has_opt \$top relatime && has_opt \$sub noatime"
    "strictatime P  ! has_opt \$top relatime && ! has_opt \$top noatime && has_opt \$sub relatime"
    "nostrictatime F has_opt \$top relatime && has_opt \$sub noatime"
    "nosymfollow P  has_opt \$top nosymfollow && ! has_opt \$sub nosymfollow"
    "symfollow   F  ! has_opt \$top nosymfollow && has_opt \$sub nosymfollow"
    "sync        T  has_opt \$super sync"
    "async       T  ! has_opt \$super sync"
    "dirsync     T  has_opt \$super dirsync"
    "lazytime    T  has_opt \$super lazytime"
    "nolazytime  T  ! has_opt \$super lazytime"
    "bind        B  [ -z \"\$sub\" ]"
    "rbind       P  [ -n \"\$sub\" ]"
    "shared      P  [[ \$topx == *shared:* && \$subx != *shared:* ]]"
    "rshared     P  [[ \$topx == *shared:* && \$subx == *shared:* ]]"
    "private     P  [[ \$topx != *master:* && \$subx == *master:* ]]"
    "rprivate    P  [[ \$topx != *master:* && \$subx != *master:* ]]"
    "unbindable  P  [[ \$topx == *unbindable* && \$subx != *unbindable* ]]"
    "runbindable P  [[ \$topx == *unbindable* && \$subx == *unbindable* ]]"
    "tmpcopyup   C  [[ \$ls == *from-image* ]]"
    "rro         P  has_opt \$top ro && has_opt \$sub ro"
    "rrw         F  has_opt \$top rw && has_opt \$sub rw"
    "rnosuid     P  has_opt \$top nosuid && has_opt \$sub nosuid"
    "rsuid       F  ! has_opt \$top nosuid && ! has_opt \$sub nosuid"
    "rnodev      P  has_opt \$top nodev && has_opt \$sub nodev"
    "rdev        F  ! has_opt \$top nodev && ! has_opt \$sub nodev"
    "rnoexec     P  has_opt \$top noexec && has_opt \$sub noexec"
    "rexec       F  ! has_opt \$top noexec && ! has_opt \$sub noexec"
    "rnodiratime P  has_opt \$top nodiratime && has_opt \$sub nodiratime"
    "rdiratime   F  ! has_opt \$top nodiratime && ! has_opt \$sub nodiratime"
    "rnosymfollow P has_opt \$top nosymfollow && has_opt \$sub nosymfollow"
    "rsymfollow  F  ! has_opt \$top nosymfollow && ! has_opt \$sub nosymfollow"
    "rrelatime   F  has_opt \$top relatime && has_opt \$sub relatime"
    "rnorelatime P  ! has_opt \$top relatime && ! has_opt \$sub relatime && ! has_opt \$sub noatime"
    "rnoatime    P  has_opt \$top noatime && has_opt \$sub noatime"
    "ratime      F  has_opt \$top relatime && has_opt \$sub relatime"
    "rstrictatime P ! has_opt \$top relatime && ! has_opt \$sub relatime"
    "rnostrictatime F has_opt \$top relatime && has_opt \$sub relatime"
    "idmap       I  has_opt \$top idmapped && ! has_opt \$sub idmapped"
    "ridmap      I  has_opt \$top idmapped && has_opt \$sub idmapped"
)
# Options the propagation of the default root (rslave) hides: checked under
# rootfsPropagation "shared", where a bind of $P is a peer (shared:N).
SHARED_ROOT_CASES=(
    "slave       P  [[ \$topx == *master:* && \$topx != *shared:* && \$subx == *shared:* ]]"
    "rslave      P  [[ \$topx == *master:* && \$topx != *shared:* && \$subx != *shared:* ]]"
)
# Known and refused (each would do nothing): OPTION KIND MESSAGE-PART
REFUSED=(
    "mand T mandatory locking"
    "nomand T mandatory locking"
    "remount T nothing to remount"
    "idmap P idmap needs the mount's uidMappings and gidMappings"
    "ridmap P idmap needs the mount's uidMappings and gidMappings"
    "rr0 P \"rr0\" is not a mount option"
    "sync P change the whole filesystem"
    "lazytime P change the whole filesystem"
    "iversion T iversion"
    "silent T silent"
)

# add_case OPTION KIND: the mount of one table row at /m/OPTION.
add_case() {
    local opt=$1 kind=$2
    case $kind in
    P) add_mount "/m/$opt" bind "$P" rbind "$opt" ;;
    F) add_mount "/m/$opt" bind "$F" rbind "$opt" ;;
    B) add_mount "/m/$opt" bind "$P" "$opt" ;;
    I) # idmapped: the mount's own mappings (tmpfs takes idmapped mounts since Linux 6.3)
        printf '{"destination": "/m/%s", "type": "bind", "source": "%s", "options": ["rbind", "%s"], %s}\n' "$opt" "$P" "$opt" \
            '"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]' \
            >>"$TEST_DIR/mounts.jsonl"
        ;;
    T)
        case $opt in
        async) add_mount "/m/$opt" tmpfs tmpfs sync async ;; # later wins
        nolazytime) add_mount "/m/$opt" tmpfs tmpfs lazytime nolazytime ;;
        *) add_mount "/m/$opt" tmpfs tmpfs "$opt" ;;
        esac
        ;;
    C)
        mkdir -p "$BUNDLE/rootfs/m/$opt"
        echo x >"$BUNDLE/rootfs/m/$opt/from-image"
        add_mount "/m/$opt" tmpfs tmpfs "$opt"
        ;;
    esac
}

# check_cases ROW...: every row's CHECK against $output; prints the failures.
check_cases() {
    local row opt kind check top sub topx subx super ls bad=0 line
    # mountinfo, parsed once: MP -> "per-mount options|optional fields|super options"
    declare -A mnt=()
    while IFS='|' read -r mp line; do mnt[$mp]=$line; done < <(printf '%s\n' "$output" | awk '
        NF > 8 && $1 ~ /^[0-9]+$/ {
            i = 7; opt = ""
            while ($i != "-") { opt = opt (opt == "" ? "" : " ") $i; i++ }
            print $5 "|" $6 "|" opt "|" $(i + 3)
        }')
    for row in "$@"; do
        read -r opt kind check <<<"$row"
        IFS='|' read -r top topx super <<<"${mnt[/m/$opt]:-}"
        IFS='|' read -r sub subx _ <<<"${mnt[/m/$opt/sub]:-}"
        ls=$(printf '%s\n' "$output" | sed -n "s|^ls /m/$opt: ||p")
        if [ -z "$top" ] || ! eval "$check"; then
            echo "option $opt: top=[$top] sub=[$sub] topx=[$topx] subx=[$subx] super=[$super] ls=[$ls]; wanted: $check"
            bad=1
        fi
    done
    return $bad
}

list_cmd() {
    local row opt cmd="cat /proc/self/mountinfo"
    for row in "$@"; do
        read -r opt _ <<<"$row"
        cmd="$cmd; echo \"ls /m/$opt: \$(ls /m/$opt | tr '\\n' ' ')\""
    done
    update_config ".process.args = [\"sh\", \"-c\", $(printf '%s' "$cmd" | jq -Rs .)]"
}

@test "every mount option hull accepts is in this test's table, and no refused one is accepted" {
    is_hull || skip "lists hull's own parser table (hull-runtime features)"
    local known=" " row opt missing=()
    for row in "${CASES[@]}" "${SHARED_ROOT_CASES[@]}"; do
        read -r opt _ <<<"$row"
        known+="$opt "
    done
    local accepted
    accepted=" $(runtime features | jq -r '.mountOptions | join(" ")') "
    for opt in $accepted; do
        [[ $known == *" $opt "* ]] || missing+=("$opt")
    done
    echo "accepted by the parser but not checked here: ${missing[*]}"
    [ ${#missing[@]} -eq 0 ]
    # refused everywhere (sync and lazytime are refused on binds only, accepted elsewhere)
    for row in "${REFUSED[@]}"; do
        opt=${row%% *}
        [[ $known == *" $opt "* ]] && continue
        [[ $accepted != *" $opt "* ]] || { echo "refused option $opt is listed as accepted"; false; }
    done
}

@test "each accepted mount option has its effect in mountinfo" {
    is_hull || skip "runc ignores some of these options (that is the bug)"
    local row opt kind
    for row in "${CASES[@]}"; do
        read -r opt kind _ <<<"$row"
        add_case "$opt" "$kind"
    done
    list_cmd "${CASES[@]}"
    run_in_private_ns
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    check_cases "${CASES[@]}"
}

@test "slave and rslave have their effect (under rootfsPropagation shared)" {
    is_hull || skip "runc ignores some of these options (that is the bug)"
    local row opt kind
    for row in "${SHARED_ROOT_CASES[@]}"; do
        read -r opt kind _ <<<"$row"
        add_case "$opt" "$kind"
    done
    update_config '.linux.rootfsPropagation = "shared"'
    list_cmd "${SHARED_ROOT_CASES[@]}"
    run_in_private_ns
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    check_cases "${SHARED_ROOT_CASES[@]}"
}

@test "an option hull cannot apply is refused, naming it, and nothing is left behind" {
    is_hull || skip "runc accepts and drops these"
    local row opt kind msg cfg
    cp "$BUNDLE/config.json" "$TEST_DIR/base.json"
    for row in "${REFUSED[@]}"; do
        read -r opt kind msg <<<"$row"
        cp "$TEST_DIR/base.json" "$BUNDLE/config.json"
        rm -f "$TEST_DIR/mounts.jsonl"
        add_case "$opt" "$kind"
        run_in_private_ns
        echo "$opt: status $status: $output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"$msg"* ]]
        assert_no_leftovers "$id"
    done
}

@test "proc, sysfs and cgroup mounts refuse options hull would not apply" {
    is_hull || skip "runc accepts and drops these"
    cp "$BUNDLE/config.json" "$TEST_DIR/base.json"
    update_config '(.mounts[] | select(.type == "proc")).options = ["exec"]'
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" == *'hull mounts proc nosuid,nodev,noexec'* ]]
    cp "$TEST_DIR/base.json" "$BUNDLE/config.json"
    update_config '(.mounts[] | select(.type == "cgroup")).options += ["nsdelegate"]'
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" == *'a cgroup mount takes only'* ]]
}
