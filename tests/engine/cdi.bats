#!/usr/bin/env bats
# hull run --device vendor.com/class=name: CDI specs (src/libhull-engine/engine/engine_cdi.h)
# read from a private spec directory (HULL_CDI_SPEC_DIRS), never the host's
# /etc/cdi: the device's and the spec's containerEdits -- device nodes with
# their cgroup rule, mounts, env, hooks.  Safe devices only: /dev/zero and
# /dev/loop-control (only opened).

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup_busybox
    export HULL_CDI_SPEC_DIRS=$TEST_DIR/cdi-etc:$TEST_DIR/cdi-run
    mkdir -p "$TEST_DIR/cdi-etc" "$TEST_DIR/cdi-run" "$TEST_DIR/libs"
    echo shared >"$TEST_DIR/libs/lib.txt"
    cat >"$TEST_DIR/cdi-etc/fake.json" <<JSON
{"cdiVersion": "0.6.0", "kind": "example.com/fake",
 "devices": [
  {"name": "gpu0", "containerEdits": {"deviceNodes": [{"path": "/dev/fake0", "hostPath": "/dev/zero", "uid": 1000, "gid": 1001}],
                                      "env": ["FAKE_VISIBLE=0"]}},
  {"name": "ro", "containerEdits": {"deviceNodes": [{"path": "/dev/fakero", "hostPath": "/dev/loop-control",
                                                     "permissions": "r"}]}},
  {"name": "none", "containerEdits": {"deviceNodes": [{"path": "/dev/fakenone", "hostPath": "/dev/loop-control",
                                                       "permissions": "none"}]}},
  {"name": "broken", "containerEdits": {"deviceNodes": [{"path": "/dev/b", "hostPath": "/dev/no-such-node"}]}}
 ],
 "containerEdits": {
  "mounts": [{"hostPath": "$TEST_DIR/libs", "containerPath": "/opt/fake", "options": ["ro", "nosuid", "bind"]}],
  "env": ["FAKE_SPEC=1"],
  "hooks": [{"hookName": "createRuntime", "path": "/bin/sh", "args": ["sh", "-c", "echo hooked >>$TEST_DIR/hook.out"]}]
 }}
JSON
}

teardown() {
    diag_on_failure
    engine_teardown
}

@test "cdi: a device's node (with its uid and gid), the spec's mount, env and hook" {
    run -0 hull run --rm --device example.com/fake=gpu0 busybox \
        sh -c 'stat -c "%t:%T" /dev/fake0; head -c 2 /dev/fake0 | od -An -tx1; echo $FAKE_VISIBLE $FAKE_SPEC; cat /opt/fake/lib.txt; stat -c %u:%g /dev/fake0'
    [ "${lines[0]}" = 1:5 ]
    [ "${lines[4]}" = 1000:1001 ]
    [ "$(echo ${lines[1]})" = "00 00" ]
    [ "${lines[2]}" = "0 1" ]
    [ "${lines[3]}" = shared ]
    [ "$(cat "$TEST_DIR/hook.out")" = hooked ]
    # the mount is read-only, as its options say
    run -1 hull run --rm --device example.com/fake=gpu0 busybox touch /opt/fake/x
    [[ $output == *"Read-only file system"* ]]
}

@test "cdi: permissions of a deviceNode make its cgroup rule; a later spec directory wins" {
    [ -c /dev/loop-control ] || skip "no /dev/loop-control on this host"
    run -0 hull run --rm --device example.com/fake=ro busybox sh -c 'exec 3</dev/fakero && echo r-ok; stat -c %u:%g /dev/fakero'
    [ "${lines[0]}" = r-ok ]
    [ "${lines[1]}" = 0:0 ] # no uid/gid in the spec: root's, as docker's --device
    run -1 hull run --rm --device example.com/fake=ro busybox sh -c 'exec 3>/dev/fakero'
    [[ $output == *"Operation not permitted"* ]]
    # "none": the node is there, no access at all
    run -1 hull run --rm --device example.com/fake=none busybox sh -c 'ls /dev/fakenone && exec 3</dev/fakenone'
    [[ $output == *"Operation not permitted"* ]]
    [ "${lines[0]}" = /dev/fakenone ]
    # the same kind and device in /var/run/cdi's place: that one is used
    cat >"$TEST_DIR/cdi-run/fake.json" <<JSON
{"cdiVersion": "0.6.0", "kind": "example.com/fake",
 "devices": [{"name": "gpu0", "containerEdits": {"env": ["FROM_RUN=yes"]}}]}
JSON
    run -0 hull run --rm --device example.com/fake=gpu0 busybox sh -c 'echo $FROM_RUN; ls /dev/fake0 2>&1 || true'
    [ "${lines[0]}" = yes ]
    [[ ${lines[1]} == *"No such file"* ]]
}

@test "cdi: an unknown kind or device, or a host node missing: one line naming it, exit 125, nothing created" {
    run -125 hull run --rm --device example.com/fake=nope busybox true
    [ "$output" = 'hull: error: invalid --device "example.com/fake=nope": no device "nope" in the CDI specs of example.com/fake' ]
    run -125 hull run --rm --device other.com/x=y busybox true
    [ "$output" = "hull: error: invalid --device \"other.com/x=y\": no CDI spec of kind other.com/x in $HULL_CDI_SPEC_DIRS" ]
    run -125 hull create --device example.com/fake=broken busybox true
    [ "$output" = 'hull: error: CDI device example.com/fake=broken: device node /dev/no-such-node: No such file or directory' ]
    # a broken spec file is skipped, not fatal for the others
    echo '{not json' >"$TEST_DIR/cdi-etc/broken.json"
    run -0 hull run --rm --device example.com/fake=gpu0 busybox true
    run -0 hull ps -aq
    [ -z "$output" ]
}

@test "cdi: --gpus all|N|device=... are the NVIDIA toolkit's CDI names (nvidia.com/gpu=...)" {
    cat >"$TEST_DIR/cdi-run/nvidia.json" <<JSON
{"cdiVersion": "0.6.0", "kind": "nvidia.com/gpu",
 "devices": [
  {"name": "0", "containerEdits": {"deviceNodes": [{"path": "/dev/nvidia0", "hostPath": "/dev/zero"}]}},
  {"name": "1", "containerEdits": {"deviceNodes": [{"path": "/dev/nvidia1", "hostPath": "/dev/zero"}]}},
  {"name": "all", "containerEdits": {"deviceNodes": [{"path": "/dev/nvidia0", "hostPath": "/dev/zero"},
                                                     {"path": "/dev/nvidia1", "hostPath": "/dev/zero"}]}}
 ],
 "containerEdits": {"env": ["NVIDIA_VISIBLE_DEVICES=void"]}}
JSON
    gpus() {
        hull run --rm --gpus "$1" busybox sh -c 'echo $(ls /dev | grep nvidia) $NVIDIA_VISIBLE_DEVICES'
    }
    [ "$(gpus all)" = "nvidia0 nvidia1 void" ]
    [ "$(gpus 1)" = "nvidia0 void" ]
    [ "$(gpus count=2)" = "nvidia0 nvidia1 void" ]
    [ "$(gpus '"device=1"')" = "nvidia1 void" ]
    [ "$(gpus '"device=0,1",capabilities=compute')" = "nvidia0 nvidia1 void" ]
    run -125 hull run --rm --gpus 3 busybox true
    [ "$output" = 'hull: error: --gpus 3: invalid --device "nvidia.com/gpu=2": no device "2" in the CDI specs of nvidia.com/gpu' ]
    run -125 hull run --rm --gpus count=x busybox true
    [[ $output == *'invalid --gpus "count=x"'* ]]
    run -125 hull run --rm --gpus driver=amd busybox true
    [[ $output == *'driver "amd"'* ]]
    run -125 hull run --rm --gpus 'count=1,device=0' busybox true
    [[ $output == *'cannot be given together'* ]]
    run -125 hull run --rm --gpus 'bogus=1' busybox true
    [[ $output == *'unknown field "bogus"'* ]]
    run -0 hull ps -aq
    [ -z "$output" ]
}

# The spec of setup() in YAML, with an anchor and a merge key, as
# nvidia-ctk and hand-written specs use them.
write_yaml_spec() {
    cat >"$1" <<YAML
---
cdiVersion: 0.6.0
kind: example.com/fake
devices:
- name: gpu0
  containerEdits: &gpu0
    deviceNodes:
    - path: /dev/fake0
      hostPath: /dev/zero
    env:
    - FAKE_VISIBLE=0
- name: gpu0-again
  containerEdits:
    <<: *gpu0
    env: [FAKE_VISIBLE=again]
containerEdits:
  mounts:
  - hostPath: $TEST_DIR/libs
    containerPath: /opt/fake
    options: [ro, nosuid, bind]
  env: [FAKE_SPEC=1]
  hooks:
  - hookName: createRuntime
    path: /bin/sh
    args: [sh, -c, "echo hooked >>$TEST_DIR/hook.out"]
YAML
}

@test "cdi: a YAML spec gives the same devices (anchors, aliases and merge keys are YAML's)" {
    rm "$TEST_DIR/cdi-etc/fake.json"
    write_yaml_spec "$TEST_DIR/cdi-etc/fake.yaml"
    run -0 hull run --rm --device example.com/fake=gpu0 busybox \
        sh -c 'stat -c "%t:%T" /dev/fake0; head -c 2 /dev/fake0 | od -An -tx1; echo $FAKE_VISIBLE $FAKE_SPEC; cat /opt/fake/lib.txt'
    [ "${lines[0]}" = 1:5 ]
    [ "$(echo ${lines[1]})" = "00 00" ]
    [ "${lines[2]}" = "0 1" ]
    [ "${lines[3]}" = shared ]
    [ "$(cat "$TEST_DIR/hook.out")" = hooked ]
    run -1 hull run --rm --device example.com/fake=gpu0 busybox touch /opt/fake/x
    [[ $output == *"Read-only file system"* ]]
    # the merged device: the node of the anchor, its own env; the spec's edits
    # once for two of its devices (one mount, one hook run)
    : >"$TEST_DIR/hook.out"
    run -0 hull run --rm --device example.com/fake=gpu0-again --device example.com/fake=gpu0 busybox \
        sh -c 'ls /dev/fake0; echo $FAKE_VISIBLE; grep -c /opt/fake /proc/mounts'
    [ "${lines[0]}" = /dev/fake0 ]
    [ "${lines[1]}" = 0 ]
    [ "${lines[2]}" = 1 ]
    [ "$(cat "$TEST_DIR/hook.out")" = hooked ]
    run -0 hull run --rm --device example.com/fake=gpu0-again busybox sh -c 'echo $FAKE_VISIBLE'
    [ "$output" = again ]
}

@test "cdi: a malformed YAML spec is skipped; a device of it fails in one line naming the file and line" {
    printf 'cdiVersion: 0.6.0\nkind: example.com/bad\ndevices:\n- name: x\n  containerEdits: {env: [A=1]\n' \
        >"$TEST_DIR/cdi-run/bad.yaml"
    run -125 hull run --rm --device example.com/bad=x busybox true
    [ "$output" = "hull: error: invalid --device \"example.com/bad=x\": no CDI spec of kind example.com/bad in $HULL_CDI_SPEC_DIRS (skipped $TEST_DIR/cdi-run/bad.yaml: line 6: did not find expected ',' or '}' while parsing a flow mapping)" ]
    # the other specs still count
    run -0 hull run --rm --device example.com/fake=gpu0 busybox sh -c 'echo $FAKE_VISIBLE'
    [ "$output" = 0 ]
    run -0 hull ps -aq
    [ -z "$output" ]
}

@test "cdi: a device name twice in a spec invalidates that spec; the same device in foo.json and foo.yaml of one directory is a conflict" {
    cat >"$TEST_DIR/cdi-run/twice.yaml" <<YAML
cdiVersion: 0.6.0
kind: example.com/twice
devices:
- name: a
  containerEdits: {env: [A=1]}
- name: b
  containerEdits: {env: [B=1]}
- name: a
  containerEdits: {env: [A=2]}
YAML
    # the reference library rejects the whole spec ("multiple device"), b too
    run -125 hull run --rm --device example.com/twice=b busybox true
    [ "$output" = "hull: error: invalid --device \"example.com/twice=b\": no CDI spec of kind example.com/twice in $HULL_CDI_SPEC_DIRS (skipped $TEST_DIR/cdi-run/twice.yaml: line 8: device \"a\" is defined twice in the spec)" ]
    # a duplicate key is refused the same way (strict reading)
    printf 'cdiVersion: 0.6.0\nkind: example.com/keys\nkind: example.com/keys\ndevices: []\n' >"$TEST_DIR/cdi-run/keys.yaml"
    run -125 hull run --rm --device example.com/keys=a busybox true
    [[ $output == *"(skipped $TEST_DIR/cdi-run/keys.yaml: line 3: \"kind\" is given twice (also on line 2))" ]]
    # gpu0 in fake.json and fake.yaml of the same directory: neither wins
    write_yaml_spec "$TEST_DIR/cdi-etc/fake.yaml"
    run -125 hull run --rm --device example.com/fake=gpu0 busybox true
    [ "$output" = "hull: error: invalid --device \"example.com/fake=gpu0\": CDI device example.com/fake=gpu0 is defined in both $TEST_DIR/cdi-etc/fake.json and $TEST_DIR/cdi-etc/fake.yaml (the same directory: neither is used)" ]
    # the devices only one of them defines are fine
    run -0 hull run --rm --device example.com/fake=gpu0-again busybox sh -c 'echo $FAKE_VISIBLE'
    [ "$output" = again ]
    # in a later directory, the YAML replaces the JSON's device
    mv "$TEST_DIR/cdi-etc/fake.yaml" "$TEST_DIR/cdi-run/fake.yaml"
    sed -i 's/FAKE_VISIBLE=0/FAKE_VISIBLE=from-yaml/' "$TEST_DIR/cdi-run/fake.yaml"
    run -0 hull run --rm --device example.com/fake=gpu0 busybox sh -c 'echo $FAKE_VISIBLE'
    [ "$output" = from-yaml ]
    run -0 hull ps -aq
    [ -z "$output" ]
}
