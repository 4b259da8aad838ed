/* hull: small helpers every part of the library uses: cleanup attributes so
 * every early return is leak-free, and file helpers that report through
 * struct hull_error. */
#ifndef HULL_UTILS_H
#define HULL_UTILS_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "error_internal.h"
#include "hull/util.h"

/* hull's own entries in a state root (/run/hull, $XDG_RUNTIME_DIR/hull,
 * --root) begin with '@': the root is also the runtime's namespace of
 * container ids, and no id may hold '@' (container_id_validate, runc's rule),
 * so `delete --force engine` or a container named seccomp-cache can never
 * reach the engine's state or the seccomp cache. */
#define HULL_PRIVATE_PREFIX "@"

/* Opens (creating dir and file) DIR/.lock and takes an exclusive flock on it. */
int lock_file_in_dir(const char *dir, int *fd, struct hull_error **err);

int read_file_at(int dirfd, const char *path, char **out, size_t *len_out, struct hull_error **err);
int write_file(const char *path, const char *data, size_t len, struct hull_error **err);
int write_file_at(int dirfd, const char *path, const char *data, size_t len, struct hull_error **err);
/* Writes to path.tmp-PID, fsyncs, then renames, so readers never see a half
 * file and a crash leaves the old or the new content. */
int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode, struct hull_error **err);
/* Creates path, which must not exist, and writes data: for a file in a
 * directory nobody reads yet (a container's, before its record names it),
 * where a temporary name and a rename would only cost an inode more (a
 * new file is ~0.2 ms on ext4, a rename over one ~0.2 ms: docs/performance.md).
 * On failure the partial file is removed. */
int write_file_new(const char *path, const char *data, size_t len, mode_t mode, struct hull_error **err);
/* The NAME.tmp-PID files of those writes in dir whose writer is dead (killed
 * between create and rename): calls found (optional) for each and, with
 * remove, unlinks it.  A live pid (or one reused since) keeps its file.
 * Returns how many there were. */
size_t stale_tmp_files(const char *dir, bool remove, void (*found)(const char *path, void *data), void *data);

int mkdir_p(const char *path, mode_t mode, struct hull_error **err);
/* A private directory (0700) under /run/hull and the like: its missing
 * parents are made 0711, as runc's /run/runc, so that a state root sharing them
 * stays reachable (a user namespace's init opens its exec.fifo below it).
 * An existing directory is fine; its mode is not changed. */
int mkdir_private(const char *path, struct hull_error **err);
/* Recursively removes a directory tree (does not cross mount points). */
int rm_rf(const char *path, struct hull_error **err);

ssize_t read_all(int fd, void *buf, size_t len);
ssize_t write_all(int fd, const void *buf, size_t len);

/* Start time of a process (field 22 of /proc/PID/stat), used to detect pid reuse. 0 if gone. */
unsigned long long process_start_time(pid_t pid);

/* Current time as an RFC 3339 string with nanoseconds, as runc writes `created`. */
char *rfc3339_now(void);

/* True when this process runs in a user namespace other than the initial one
 * (its uid_map is not the identity "0 0 4294967295"), e.g. under rootless podman. */
bool running_in_user_namespace(void);

/* True when the kernel has no fs_context of FSTYPE's own (overlay before
 * Linux 6.5): fsconfig(FSCONFIG_SET_*) then takes any key, even one this
 * kernel does not know ("lowerdir+"), and only FSCONFIG_CMD_CREATE parses
 * them, failing with a bare EINVAL.  Told by a key no kernel knows. */
bool fs_context_is_legacy(const char *fstype);

#endif
