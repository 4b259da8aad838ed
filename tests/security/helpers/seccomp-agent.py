#!/usr/bin/env python3
"""A minimal seccomp notify agent for the SCMP_ACT_NOTIFY test.

Listens on a unix socket (linux.seccomp.listenerPath), receives the container
process state and the seccomp fd (SCM_RIGHTS), writes the state to STATE_FILE,
then answers every notified syscall with errno ERRNO (writing the syscall
numbers it saw to STATE_FILE.syscalls).

usage: seccomp-agent.py SOCKET STATE_FILE ERRNO
"""
import array
import ctypes
import fcntl
import json
import os
import socket
import struct
import sys

# struct seccomp_notif: u64 id, u32 pid, u32 flags, struct seccomp_data (i32 nr,
# u32 arch, u64 ip, u64 args[6]) = 80 bytes; struct seccomp_notif_resp: u64 id,
# s64 val, s32 error, u32 flags = 24 bytes.
NOTIF_SIZE, RESP_SIZE = 80, 24
def _iowr(nr, size):
    return (3 << 30) | (size << 16) | (ord('!') << 8) | nr
SECCOMP_IOCTL_NOTIF_RECV = _iowr(0, NOTIF_SIZE)
SECCOMP_IOCTL_NOTIF_SEND = _iowr(1, RESP_SIZE)

def main():
    sock_path, state_file, answer = sys.argv[1], sys.argv[2], int(sys.argv[3])
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sock_path)
    srv.listen(1)
    open(state_file + ".ready", "w").close()
    conn, _ = srv.accept()
    fds = array.array("i")
    data = b""
    # Read until the payload is one complete JSON document (runc 1.1 keeps
    # the connection open, so end-of-file cannot be the signal).
    while True:
        msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
        for level, typ, cdata in anc:
            if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                fds.frombytes(cdata[: len(cdata) - (len(cdata) % fds.itemsize)])
        data += msg
        if not msg:
            break
        try:
            json.loads(data.decode())
            break
        except ValueError:
            continue
    # Whether the runtime closed the connection after the state (the spec's MUST).
    conn.settimeout(5)
    try:
        closed = conn.recv(1) == b""
    except socket.timeout:
        closed = False
    with open(state_file + ".closed", "w") as f:
        f.write("yes\n" if closed else "no\n")
    with open(state_file, "wb") as f:
        f.write(data)
    notify_fd = fds[0]
    seen = open(state_file + ".syscalls", "w")
    while True:
        buf = bytearray(NOTIF_SIZE)
        try:
            fcntl.ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, buf, True)
        except OSError:
            break  # the container is gone
        notif_id, pid, flags, nr = struct.unpack_from("=QIIi", buf)
        seen.write("%d\n" % nr)
        seen.flush()
        resp = bytearray(struct.pack("=QqiI", notif_id, 0, -answer, 0))
        try:
            fcntl.ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, resp, True)
        except OSError:
            pass

if __name__ == "__main__":
    main()
