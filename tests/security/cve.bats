#!/usr/bin/env bats
# Known container break-outs, replayed against a COPY of the runtime under
# test (the copy is the target; the real binary is never at risk).

load ../lib/common
load security_helpers

setup() {
    setup_bundle
}

teardown() {
    diag_on_failure
    teardown_bundle
}

# Copies the shared libraries of $1 (and the dynamic loader) into the rootfs,
# so the runtime binary can run inside the container.
copy_libraries_into_rootfs() {
    local lib
    for lib in $(ldd "$1" | grep -o '/[^ ]*'); do
        mkdir -p "$BUNDLE/rootfs$(dirname "$lib")"
        cp -L "$lib" "$BUNDLE/rootfs$lib"
    done
}

@test "CVE-2019-5736: the container cannot overwrite the runtime binary through /proc/self/exe" {
    local target=$TEST_DIR/runtime-under-attack
    cp "$HULL_RUNTIME" "$target"
    cp "$target" "$TEST_DIR/runtime-original"
    ldd "$target" >/dev/null 2>&1 || skip "the runtime is statically linked: no library to preload (different attack)"
    copy_libraries_into_rootfs "$target"
    gcc -shared -fPIC -O2 -o "$BUNDLE/rootfs/exe-overwrite.so" "$HULL_SRC/tests/security/helpers/exe-overwrite.c"
    # The container's program IS /proc/self/exe: resolved while the container
    # process still runs the runtime, the kernel executes the runtime's binary.
    update_config '.process.args = ["/proc/self/exe"] | .process.env += ["LD_PRELOAD=/exe-overwrite.so"]'
    local id
    id=$(new_id)
    HULL_RUNTIME=$target runtime create --bundle "$BUNDLE" "$id"
    HULL_RUNTIME=$target runtime start "$id"
    # create and start have exited: nothing of the runtime runs on the host now
    local i
    wait_until '[ "$(HULL_RUNTIME=$target container_status "$id" 2>/dev/null)" = stopped ]'
    echo "attack log:"; cat "$BUNDLE/rootfs/exe-overwrite.log" || true
    # the attack ran (the preloaded library was loaded into the runtime binary)...
    grep -q '^exe: ' "$BUNDLE/rootfs/exe-overwrite.log"
    # ...and the binary on the host is untouched
    cmp "$target" "$TEST_DIR/runtime-original"
    ! grep -qx written "$BUNDLE/rootfs/exe-overwrite.log"
}

@test "CVE-2019-5736: the created container's init runs the runtime from a copy nobody can write, and not a memfd copy when an overlay can be made" {
    local id pid exe_fs
    id=$(new_id)
    runtime create --bundle "$BUNDLE" "$id"
    pid=$(runtime state "$id" | jq -r .pid)
    # until start, the init still runs the runtime's binary: the host's root
    # (let alone the container) cannot open it for writing.  "Text file busy"
    # does not count: it ends when the runtime exits, which is what the
    # attack waits for.
    run sh -c "exec 3>>/proc/$pid/exe"
    exe_fs=$(stat -L -f -c %T "/proc/$pid/exe")
    runtime delete --force "$id"
    echo "exe of the init is on: $exe_fs"
    [ "$status" -ne 0 ]
    # root with overlayfs "lowerdir+" (Linux >= 6.8): the zero-copy way
    # (docs/security.md, "Layer 7"): read-only at the superblock.  Elsewhere
    # the sealed memfd copy (tmpfs), whose write seal only shows once the
    # runtime no longer executes it.
    if [ "$(id -u)" = 0 ] && grep -qw overlay /proc/filesystems &&
        [ "$(printf '%s\n' "$(uname -r | cut -d. -f1,2)" 6.8 | sort -V | head -n1)" = 6.8 ]; then
        [ "$exe_fs" = overlayfs ]
        [[ $output == *"Read-only file system"* ]]
    else
        [[ $exe_fs == tmpfs || $exe_fs == overlayfs ]]
    fi
}

@test "CVE-2019-5736: the overlay the runtime re-executed through is held until the program runs, and reaches neither the program nor its environment" {
    # Its mount fd crosses the re-exec (closing it waits for an RCU grace
    # period, so a foreground run lets go of it while the program runs).
    update_config '.process.args = ["sh", "-c", "ls -l /proc/self/fd/; tr \"\\0\" \"\\n\" </proc/self/environ; sleep 100"]'
    id=$(new_id)
    runtime run --bundle "$BUNDLE" "$id" >"$TEST_DIR/out" 2>&1 &
    local rt=$!
    wait_status "$id" running
    wait_until 'grep -q "^sleep\|HOME=\|PATH=" "$TEST_DIR/out"'
    cat "$TEST_DIR/out"
    ! grep -q _HULL_CLONED_BINARY "$TEST_DIR/out"
    # the program has its stdio and ls's own directory fd, nothing else
    [ -z "$(grep -E ' [0-9]+ -> ' "$TEST_DIR/out" | grep -vE ' [012] -> ')" ]
    # the foreground runtime holds no overlayfs fd any more (its own exe is one)
    local fd held=
    for fd in /proc/$rt/fd/*; do
        [ "$(stat -L -f -c %T "$fd" 2>/dev/null)" != overlayfs ] || held+=" $fd"
    done
    runtime kill "$id" KILL
    wait "$rt" || true
    [ -z "$held" ] || { echo "still held:$held"; false; }
    # nor with --preserve-fds wide enough to cover its number
    update_config '.process.args = ["ls", "-l", "/proc/self/fd/"]'
    run runtime run --preserve-fds 20 --bundle "$BUNDLE" "$(new_id)"
    echo "$output"
    [ "$status" -eq 0 ]
    # (the test's own open fds go in; the overlay's root would read "/")
    ! grep -E ' [0-9]+ -> /$' <<<"$output"
    # a marker that names no overlay is ignored: the fd stays open
    run sh -c '_HULL_CLONED_BINARY=0 "$0" --root "$1" run --bundle "$2" "$3" </dev/null' "$HULL_RUNTIME" "$TEST_ROOT" "$BUNDLE" "$(new_id)x"
    echo "$output"
    [[ $output == *"still writable"* || $status -eq 0 ]]
}

@test "CVE-2024-21626: process.cwd through a leaked /proc/self/fd/N does not lead outside the root" {
    local fd
    for fd in 3 4 5 6 7 8 9 10; do
        update_config ".process.cwd = \"/proc/self/fd/$fd\"
            | .process.args = [\"sh\", \"-c\", \"cd ../../../../../../../..; stat -c %d:%i . /\"]"
        run runtime run --bundle "$BUNDLE" "$(new_id)"
        # Either the runtime refuses the cwd, or walking up from it ends at the container's root.
        if [ "$status" -eq 0 ]; then
            echo "fd $fd: $output"
            [ "${#lines[@]}" -eq 2 ]
            [ "${lines[0]}" = "${lines[1]}" ]
        fi
    done
}
