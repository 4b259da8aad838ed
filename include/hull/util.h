/* The small helpers of libhull that its front ends use too: cleanup
 * attributes (every early return leak-free), allocation that cannot fail,
 * NULL-terminated string vectors, number parsing, whole-file reads, the log.
 *
 * Public rather than copied into each front end: a second copy of
 * xmalloc0/strv_add in src/hull would be the duplication issue 12 removes,
 * and what a front end needs of them is the same as what the library needs.
 * Everything else of src/libhull/util stays internal (utils.h includes this
 * file and adds the rest). */
#ifndef HULL_PUBLIC_UTIL_H
#define HULL_PUBLIC_UTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"

/* ---- cleanup attributes, allocation, string vectors ---- */

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

/* ---- numbers, files, the host ---- */

/* Whole-file helpers. read_file NUL-terminates; *len_out (optional) excludes the NUL. */
int read_file(const char *path, char **out, size_t *len_out, struct hull_error **err);

/* Writes path whole through path.tmp-PID and a rename, so readers never see
 * a half file; without fsync (write_file_atomic has it, utils.h): for files about things that do not survive a
 * reboot anyway (a container's record, config and generated /etc files: its
 * processes, mounts and cgroups are gone after a crash).  An fsync on a busy
 * disk costs milliseconds, several times per `hull run`. */
int write_file_replace(const char *path, const char *data, size_t len, mode_t mode, struct hull_error **err);

/* Parses a decimal integer; false when the string is not entirely a number in range. */
bool parse_int64(const char *s, int64_t *out);
bool parse_uint64(const char *s, uint64_t *out);

/* Rootless, as runc decides it: not root, or "root" only inside a user
 * namespace (rootless podman runs the runtime so).  Such a process may create
 * no cgroup, device rule or /run directory of the host's. */
bool running_rootless(void);

/* ---- JSON members (util/json_get.h has the rest) ---- */

struct json_object;
/* A string, object or array member (borrowed), NULL when absent or of another type. */
const char *json_get_string(struct json_object *o, const char *key);
struct json_object *json_get_object(struct json_object *o, const char *key);
struct json_object *json_get_array(struct json_object *o, const char *key);

/* ---- the log (runc's two formats; log.h) ---- */

enum hull_log_level { HULL_LOG_DEBUG, HULL_LOG_INFO, HULL_LOG_WARN, HULL_LOG_ERROR };

/* path may be NULL (stderr). json selects the json-lines format. */
int hull_log_init(const char *path, bool json, bool debug);
/* One line to the log; a debug line only with --debug (or HULL_DEBUG in the
 * environment).  log.h's log_debug ... log_error are this. */
void hull_log(enum hull_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when messages also must go to stderr (no --log file given). */
bool hull_log_to_stderr(void);

#endif
