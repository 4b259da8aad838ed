#!/usr/bin/env python3
"""ns_mounts.py PID: every mount of PID's mount namespace, one "MAJOR:MINOR"
line per mount (the superblock's device), reachable from a root or not.

/proc/PID/mountinfo only shows what PID's root reaches; with --no-pivot the
host's tree sits below the moved rootfs, out of reach but still there.
listmount(2)/statmount(2) with a mount namespace id (Linux 6.11+) list it all.
Exits 77 when the kernel cannot."""
import ctypes
import fcntl
import os
import struct
import sys

SYS_statmount, SYS_listmount = 457, 458  # the same on every architecture (asm-generic)
NS_GET_MNTNS_ID = 0x8008B705  # _IOR(0xb7, 0x5, __u64)
LSMT_ROOT = 0xFFFFFFFFFFFFFFFF
STATMOUNT_SB_BASIC = 0x1

libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(f"/proc/{sys.argv[1]}/ns/mnt", os.O_RDONLY)
try:
    ns_id = struct.unpack("=Q", fcntl.ioctl(fd, NS_GET_MNTNS_ID, b"\0" * 8))[0]
except OSError as e:
    print(f"NS_GET_MNTNS_ID: {e}", file=sys.stderr)
    sys.exit(77)


def req(mnt_id, param):
    # struct mnt_id_req, version 1: size, spare, mnt_id, param, mnt_ns_id
    return ctypes.create_string_buffer(struct.pack("=IIQQQ", 32, 0, mnt_id, param, ns_id))


ids = (ctypes.c_uint64 * 65536)()
n = libc.syscall(SYS_listmount, req(LSMT_ROOT, 0), ids, len(ids), 0)
if n < 0:
    err = ctypes.get_errno()
    print(f"listmount: {os.strerror(err)}", file=sys.stderr)
    sys.exit(77 if err in (38, 22) else 1)  # ENOSYS, EINVAL: kernel too old
for mnt_id in ids[:n]:
    buf = ctypes.create_string_buffer(4096)
    if libc.syscall(SYS_statmount, req(mnt_id, STATMOUNT_SB_BASIC), buf, len(buf), 0) < 0:
        continue  # gone meanwhile
    # struct statmount: size, mnt_opts, mask, sb_dev_major, sb_dev_minor, ...
    _, _, _, major, minor = struct.unpack_from("=IIQII", buf)
    print(f"{major}:{minor}")
