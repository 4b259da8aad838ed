/* hull: what `list`, `ps` and `spec` show, for include/hull/hull.h: the
 * containers under a root with their live status (typed for the table, the
 * OCI states for --format json), a container's pids, the default config. */
#include <stdlib.h>

#include "hull/hull.h"

#include "../util/utils.h"
#include "container.h"

/* The saved state and live status of every container under root, sorted by
 * id; one deleted meanwhile is skipped. */
struct listing {
    struct hull_state **states;
    enum container_status *status;
    size_t n;
};

static void listing_clear(struct listing *l)
{
    for (size_t i = 0; i < l->n; i++)
        hull_state_free(l->states[i]);
    free(l->states);
    free(l->status);
}

static int list_states(const char *root, struct listing *l, struct hull_error **err)
{
    *l = (struct listing){0};
    cleanup_strv char **ids = NULL;
    if (container_list_ids(root, &ids, err) < 0)
        return -1;
    size_t max = strv_length(ids) + 1;
    l->states = xmalloc0(max * sizeof *l->states);
    l->status = xmalloc0(max * sizeof *l->status);
    for (char **id = ids; *id; id++) {
        cleanup_error struct hull_error *e = NULL;
        if (container_state(root, *id, &l->states[l->n], &l->status[l->n], &e) == 0)
            l->n++;
    }
    return 0;
}

int hull_container_list_json(const char *root, char **json, struct hull_error **err)
{
    struct listing l;
    if (list_states(root, &l, err) < 0)
        return -1;
    *json = state_oci_json_list(l.states, l.status, l.n);
    listing_clear(&l);
    return 0;
}

int hull_container_list_info(const char *root, struct hull_container_info **out, size_t *n, struct hull_error **err)
{
    struct listing l;
    if (list_states(root, &l, err) < 0)
        return -1;
    *n = l.n;
    *out = xmalloc0((l.n ? l.n : 1) * sizeof **out);
    for (size_t i = 0; i < l.n; i++) {
        const struct hull_state *s = l.states[i];
        struct hull_container_info *c = &(*out)[i];
        c->id = xstrdup(s->id ?: "");
        c->status = xstrdup(container_status_name(l.status[i]));
        c->bundle = xstrdup(s->bundle ?: "");
        c->created = xstrdup(s->created ?: "");
        c->owner = xstrdup(s->owner ?: "");
        /* as the OCI state shows it: 0 once stopped */
        c->pid = l.status[i] == STATUS_STOPPED ? 0 : state_live_pid(s);
    }
    listing_clear(&l);
    return 0;
}

void hull_container_info_free(struct hull_container_info *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].id);
        free(v[i].status);
        free(v[i].bundle);
        free(v[i].created);
        free(v[i].owner);
    }
    free(v);
}

int hull_container_pids(const char *root, const char *id, pid_t **pids, size_t *n, struct hull_error **err)
{
    return container_pids(root, id, pids, n, err);
}

char *hull_spec_default_json(bool rootless)
{
    return spec_default_json(rootless);
}
