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

void freep(void *p);
void closep(int *fd);
void fclosep(FILE **f);
void closedirp(DIR **d);
void strv_freep(char ***v);

#define cleanup_free __attribute__((cleanup(freep)))
#define cleanup_close __attribute__((cleanup(closep)))
#define cleanup_file __attribute__((cleanup(fclosep)))
#define cleanup_dir __attribute__((cleanup(closedirp)))
#define cleanup_strv __attribute__((cleanup(strv_freep)))

/* Hand ownership on: returns the value and leaves the variable empty. */
#define steal_pointer(pp) ({ __typeof__(*(pp)) _v = *(pp); *(pp) = NULL; _v; })
#define steal_fd(fdp) ({ int _fd = *(fdp); *(fdp) = -1; _fd; })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* hull's own entries in a state root (/run/hull, $XDG_RUNTIME_DIR/hull,
 * --root) begin with '@': the root is also the runtime's namespace of
 * container ids, and no id may hold '@' (container_id_validate, runc's rule),
 * so `delete --force engine` or a container named seccomp-cache can never
 * reach the engine's state or the seccomp cache. */
#define HULL_PRIVATE_PREFIX "@"

/* Allocation that cannot fail: out of memory aborts (there is no sane way on
 * for a runtime half-way through setting a container up). */
void *xmalloc0(size_t size);
/* realloc, or abort; a size of 0 still returns a usable pointer. */
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void strv_free(char **v);
size_t strv_length(char *const *v);
/* Appends item (taking ownership) to the NULL-terminated vector *v (NULL: empty). */
void strv_add(char ***v, char *item);
/* A deep copy of a NULL-terminated vector; NULL stays NULL. */
char **strv_copy(char *const *v);
/* Opens (creating dir and file) DIR/.lock and takes an exclusive flock on it. */
int lock_file_in_dir(const char *dir, int *fd, struct hull_error **err);

/* Whole-file helpers. read_file NUL-terminates; *len_out (optional) excludes the NUL. */
int read_file(const char *path, char **out, size_t *len_out, struct hull_error **err);
int read_file_at(int dirfd, const char *path, char **out, size_t *len_out, struct hull_error **err);
int write_file(const char *path, const char *data, size_t len, struct hull_error **err);
int write_file_at(int dirfd, const char *path, const char *data, size_t len, struct hull_error **err);
/* Writes to path.tmp-PID, fsyncs, then renames, so readers never see a half
 * file and a crash leaves the old or the new content. */
int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode, struct hull_error **err);
/* The same without the fsync: for files about things that do not survive a
 * reboot anyway (a container's record, config and generated /etc files: its
 * processes, mounts and cgroups are gone after a crash).  An fsync on a busy
 * disk costs milliseconds, several times per `hull run`. */
int write_file_replace(const char *path, const char *data, size_t len, mode_t mode, struct hull_error **err);
/* The NAME.tmp-PID files of those writes in dir whose writer is dead (killed
 * between create and rename): calls found (optional) for each and, with
 * remove, unlinks it.  A live pid (or one reused since) keeps its file.
 * Returns how many there were. */
size_t stale_tmp_files(const char *dir, bool remove, void (*found)(const char *path, void *data), void *data);

int mkdir_p(const char *path, mode_t mode, struct hull_error **err);
/* Recursively removes a directory tree (does not cross mount points). */
int rm_rf(const char *path, struct hull_error **err);

ssize_t read_all(int fd, void *buf, size_t len);
ssize_t write_all(int fd, const void *buf, size_t len);

/* Parses a decimal integer; false when the string is not entirely a number in range. */
bool parse_int64(const char *s, int64_t *out);
bool parse_uint64(const char *s, uint64_t *out);

/* Start time of a process (field 22 of /proc/PID/stat), used to detect pid reuse. 0 if gone. */
unsigned long long process_start_time(pid_t pid);

/* Current time as an RFC 3339 string with nanoseconds, as runc writes `created`. */
char *rfc3339_now(void);

/* True when this process runs in a user namespace other than the initial one
 * (its uid_map is not the identity "0 0 4294967295"), e.g. under rootless podman. */
bool running_in_user_namespace(void);
/* Rootless, as runc decides it: not root, or "root" only inside a user
 * namespace (rootless podman runs the runtime so).  Such a process may create
 * no cgroup, device rule or /run directory of the host's. */
bool running_rootless(void);

#endif
