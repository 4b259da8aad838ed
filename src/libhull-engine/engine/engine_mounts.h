/* hull: a container's binds and volumes, docker's way.
 *
 * -v / --volume (docker/cli's volume spec on Linux, moby's parser):
 *   /ctr                     an anonymous volume at /ctr
 *   NAME:/ctr[:OPTS]         the volume NAME, created when missing
 *   /host:/ctr[:OPTS]        a bind of /host, made (a directory) when missing
 *   ./rel:/ctr, ../x:/ctr    a bind of a path relative to our directory
 *   OPTS: ro|rw, z|Z (SELinux relabel: nothing to do without SELinux),
 *   nocopy (volumes), shared|slave|private|rshared|rslave|rprivate (binds)
 * --mount type=bind|volume|tmpfs,source=...,target=...,readonly,... with
 *   docker's keys (src, dst/destination/target, ro/readonly, bind-propagation,
 *   volume-nocopy, volume-opt, volume-driver=local, tmpfs-size, tmpfs-mode);
 *   a bind source must exist (docker refuses there, unlike -v).
 * The image's VOLUMEs become anonymous volumes unless a mount covers them.
 * An empty volume gets a copy of what the image has at its path (docker's
 * copy-up; not with nocopy).  Parsing makes nothing; engine_mounts_prepare
 * makes what is needed, and engine_mounts_undo removes it again when the
 * container cannot be made. */
#ifndef HULL_ENGINE_MOUNTS_H
#define HULL_ENGINE_MOUNTS_H

#include <stdbool.h>

#include "util/error_internal.h"
#include "engine_spec.h"
#include "hull/hull-engine.h"

struct json_object;
struct engine_record;

/* Removes the anonymous volumes in rec's Mounts that no
 * container but except_id uses: `rm -v`, `run --rm`. */
void engine_remove_anonymous_volumes(const char *root, const struct engine_record *rec, const char *except_id);

/* What engine_mounts_prepare made: volumes created and host directories made
 * for -v (the topmost new one of each path). */
struct engine_mounts_made {
    char **volumes;
    char **dirs;
};

/* Under the records lock (a volume in use must not be removed meanwhile):
 * adds the image's VOLUMEs (rc->binds grows), makes missing -v host
 * directories and volumes, copies the image's content (rootfs: the prepared
 * root) into empty volumes, and sets every source. */
int engine_mounts_prepare(const char *root, struct engine_run_config *rc, const char *image_config_json,
                          const char *rootfs, struct engine_mounts_made *made, struct hull_error **err);
void engine_mounts_undo(const char *root, struct engine_mounts_made *made);
void engine_mounts_made_clear(struct engine_mounts_made *made);

void engine_bind_clear(struct engine_bind *b);

/* --volumes-from CONTAINER[:ro|:rw]: the volumes and binds of CONTAINER's
 * record (docker: not its tmpfs) are added to rc->binds (grown), read-only
 * with :ro, read-write with :rw, else as CONTAINER has them.  A destination
 * rc already mounts is left to that mount (docker: -v and --mount win).  The
 * volumes are CONTAINER's own: never created, copied into or removed here. */
int engine_volumes_from(const char *root, const char *text, struct engine_run_config *rc, struct hull_error **err);

/* The containers (ids, NULL-terminated) whose record mounts volume name:
 * a volume in use cannot be removed, even by a stopped container (docker). */
int engine_volume_users(const char *root, const char *name, char ***ids, struct hull_error **err);

#endif
