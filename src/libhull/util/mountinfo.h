/* hull: /proc/PID/mountinfo, read by one parser (proc(5), "/proc/pid/mountinfo"):
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   id parent major:minor root mountpoint options [optional...] - fstype source super-options
 *
 * Used for the cgroup hierarchies (cgroup/hierarchy.c), the host's /proc and
 * /sys that --no-pivot hides (mount/no_pivot.c) and the isolation report
 * (engine/isolation_fs.c). */
#ifndef HULL_UTIL_MOUNTINFO_H
#define HULL_UTIL_MOUNTINFO_H

#include <stdbool.h>

#include "error_internal.h"

/* One line's fields.  They point into the line, which the parser splits and
 * unescapes in place (the kernel writes space, tab, newline and backslash as
 * \ooo in paths); valid as long as the line is. */
struct mountinfo_entry {
    const char *devno;         /* "major:minor" */
    const char *root;          /* the part of the filesystem mounted here ("/" or a bind's subpath) */
    const char *mountpoint;    /* where, as the reading process sees it */
    const char *options;       /* per-mount options ("rw,nosuid,...") */
    const char *fstype;
    const char *source;
    const char *super_options; /* filesystem options; "" when the line has none */
};

/* Parses one line in place; false when it lacks the fields (then *e is unspecified). */
bool mountinfo_parse_line(char *line, struct mountinfo_entry *e);

/* A copy of s with the \ooo escapes undone: paths inside super options
 * (overlay's lowerdir=...) are escaped too, and left so by the parser. */
char *mountinfo_unescape(const char *s);

/* Calls fn for each entry of the file at path (a line that does not parse is
 * skipped) until fn returns true. */
int mountinfo_foreach(const char *path, bool (*fn)(const struct mountinfo_entry *e, void *data), void *data,
                      struct hull_error **err);

#endif
