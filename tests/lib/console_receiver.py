#!/usr/bin/env python3
"""console_receiver.py SOCKET OUTFILE [INPUT]: plays the client's side of runc's
--console-socket protocol (what conmon and containerd do): accepts one
connection, receives the pty master over SCM_RIGHTS, optionally types INPUT
into it, and copies everything the container writes to OUTFILE until hangup.
It also records the terminal size it sees in OUTFILE.size."""
import array
import fcntl
import os
import socket
import struct
import sys
import termios

path, outfile = sys.argv[1], sys.argv[2]
typed = sys.argv[3] if len(sys.argv) > 3 else None
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(path + ".ready", "w").close()
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(1024, socket.CMSG_LEN(fds.itemsize))
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
master = fds[0]
rows, cols = struct.unpack("hh", fcntl.ioctl(master, termios.TIOCGWINSZ, b"\0" * 4))
with open(outfile + ".size", "w") as f:
    f.write("%d %d\n" % (rows, cols))
with open(outfile + ".path", "w") as f:
    f.write(msg.decode(errors="replace"))
if typed:
    os.write(master, typed.encode() + b"\n")
with open(outfile, "wb") as out:
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        out.write(data)
        out.flush()
