/* hull: volumes, docker's "local" driver.
 *
 * A volume is a directory ROOT/volumes/NAME/ holding
 *   volume.json   what `hull volume inspect` shows (docker's shape: Name,
 *                 Driver "local", Mountpoint, CreatedAt, Labels, Options, Scope)
 *   _data/        the data (docker's layout), bind-mounted into containers.
 * Options are the local driver's: type, device and o, as for mount(8):
 *   type=tmpfs device=tmpfs o=size=64m,uid=1000   a tmpfs mounted on _data
 *                                                 when a container first uses it
 *   type=none device=/srv/x o=bind                the host directory /srv/x
 * (other filesystem types are refused: they need mount helpers and devices
 * hull does not manage).  An anonymous volume (the image's VOLUME, `-v /path`)
 * has a random 64-hex name and the label com.docker.volume.anonymous, as
 * docker 23+ marks it; `rm -v`, `run --rm` and `volume prune` remove those.
 *
 * Who uses a volume is the engine's business (container records); this file
 * only keeps the volumes themselves.  Callers serialize with the records
 * lock (engine_records_lock). */
#ifndef HULL_ENGINE_VOLUME_H
#define HULL_ENGINE_VOLUME_H

#include <stdbool.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

struct json_object;

#define VOLUME_ANONYMOUS_LABEL "com.docker.volume.anonymous"

/* Creates volume name (NULL: anonymous, a random name) with the driver
 * options opts ("KEY=VALUE", NULL-terminated or NULL) and labels ("K=V").
 * An existing volume of that name is not an error when opts are empty or the
 * same (docker's create is idempotent): *created tells.  *name_out (optional)
 * gets the name. */
int volume_create(const char *root, const char *name, char *const *opts, char *const *labels, bool anonymous,
                  char **name_out, bool *created, struct hull_error **err);

bool volume_exists(const char *root, const char *name);
/* Names of every volume, sorted, NULL-terminated. */
int volume_list(const char *root, char ***names, struct hull_error **err);

void volume_freep(struct volume **v);
#define cleanup_volume __attribute__((cleanup(volume_freep)))
/* The value of label key, or NULL. */
const char *volume_label(const struct volume *v, const char *key);
/* volume.json read; "no such volume: NAME" when it does not exist. */
int volume_read(const char *root, const char *name, struct volume **out, struct hull_error **err);
/* What `hull volume inspect` shows (docker's shape; volume.json's own text,
 * volume_json.c). */
struct json_object *volume_to_json(const struct volume *v);

/* docker's rule for local volume names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
bool volume_name_valid(const char *name);

bool volume_is_anonymous(const char *root, const char *name);
/* ROOT/volumes/NAME/_data (owned). */
char *volume_mountpoint(const char *root, const char *name);

/* What a container bind-mounts for this volume: _data (a tmpfs volume is
 * mounted there first, if it is not yet), or a bind volume's device. */
int volume_mount_source(const char *root, const char *name, char **source, struct hull_error **err);

/* Removes the volume and its data (unmounting a tmpfs volume first). */
int volume_remove(const char *root, const char *name, struct hull_error **err);

/* Bytes used under _data (0 for a bind volume: the data is not ours). */
unsigned long long volume_size(const char *root, const char *name);

/* volume_json.c: volume.json's one serializer and deserializer (-1: not a
 * JSON object); volume_to_json (hull-engine.h) is the object in the file. */
int volume_from_json(struct json_object *j, struct volume **out);
char *volume_to_text(const struct volume *v);
int volume_parse(const char *text, struct volume **out);

#endif
