#!/usr/bin/env python3
"""reap_check.py RUNTIME ROOT BUNDLE ID MODE: drives one lifecycle of a
container from a caller that is not a child subreaper and checks that no
process of the container is left in the caller's process group or unreaped
among the caller's children (issue 10: "no zombie").

MODE: run | run-detached | create-start-kill-delete | exec-detached
Prints "ok" and exits 0, or prints what is wrong and exits 1."""
import ctypes
import json
import os
import subprocess
import sys
import time

PR_GET_CHILD_SUBREAPER = 37
DEADLINE = float(os.environ.get("HULL_WAIT_SECONDS", "60"))

runtime, root, bundle, cid, mode = sys.argv[1:6]
problems = []


def rt(*args, check=True):
    # stdio never a pipe we read: the container inherits it and may outlive the call
    with open(os.devnull, "rb") as null, open(os.path.join(root, ".reap_check.log"), "ab") as log:
        r = subprocess.run([runtime, "--root", root, *args], stdin=null, stdout=log, stderr=log)
    if check and r.returncode != 0:
        print(f"{' '.join(args)} exited {r.returncode}")
        sys.exit(1)
    return r.returncode


def stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    rest = text[text.rindex(")") + 2:].split()
    return {"state": rest[0], "ppid": int(rest[1]), "pgid": int(rest[2]), "sid": int(rest[3])}


def check_apart(pid, what):
    """A live process of the container must not be in our group or session."""
    s = stat(pid)
    if s is None:
        return
    if s["pgid"] == os.getpgid(0) or s["sid"] == os.getsid(0):
        problems.append(f"{what} (pid {pid}) is in the caller's process group {s['pgid']} / session {s['sid']}")


def leftovers():
    me, pgid = os.getpid(), os.getpgid(0)
    found = []
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == me:
            continue
        s = stat(p)
        if s is None:
            continue
        if s["pgid"] == pgid:
            found.append(f"pid {p} (state {s['state']}) is still in the caller's process group")
        elif s["ppid"] == me and s["state"] == "Z":
            found.append(f"pid {p} is an unreaped child of the caller")
    return found


libc = ctypes.CDLL(None, use_errno=True)
flag = ctypes.c_int(0)
if libc.prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(flag), 0, 0, 0) != 0 or flag.value != 0:
    print("the caller must not be a child subreaper")
    sys.exit(2)
# Our own process group, so "the caller's group" means this script and its children only.
if os.getpgid(0) != os.getpid():
    os.setpgid(0, 0)

def init_pid():
    out = subprocess.run([runtime, "--root", root, "state", cid], capture_output=True, text=True).stdout
    return json.loads(out)["pid"]

if mode == "run":
    rt("run", "--bundle", bundle, cid)
elif mode == "run-detached":
    rt("run", "--detach", "--bundle", bundle, cid)
    check_apart(init_pid(), "the init")
    rt("kill", cid, "KILL")
elif mode == "create-start-kill-delete":
    rt("create", "--bundle", bundle, cid)
    check_apart(init_pid(), "the created init")
    rt("start", cid)
    rt("kill", cid, "KILL")
elif mode == "exec-detached":
    rt("run", "--detach", "--bundle", bundle, cid)
    pidfile = os.path.join(root, "exec.pid")
    rt("exec", "--detach", "--pid-file", pidfile, cid, "sleep", "30")
    with open(pidfile) as f:
        exec_pid = int(f.read())
    check_apart(exec_pid, "the exec'd process")
    rt("kill", cid, "KILL")
else:
    print(f"unknown mode {mode}")
    sys.exit(2)

if mode != "run":
    end = time.monotonic() + DEADLINE
    while rt("delete", cid, check=False) != 0:
        if time.monotonic() > end:
            print("the container was never deletable")
            sys.exit(1)
        time.sleep(0.05)

# Processes of the container may take a moment to die; poll for the verdict.
end = time.monotonic() + DEADLINE
while True:
    rest = leftovers()
    if not rest or time.monotonic() > end:
        break
    time.sleep(0.05)
problems += rest
if problems:
    print("\n".join(problems))
    sys.exit(1)
print("ok")
