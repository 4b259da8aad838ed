/* hull: from image config + run flags to an OCI config (see engine_spec.h).
 *
 * The config is a struct hull_spec from the first line to the last: the
 * runtime's default (spec_default), the image's process members
 * (image_config.h), then the flags.  JSON appears once, at the end, when
 * spec_to_json() writes what was built (issue 12: JSON only at the edges). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_spec.h"
#include "engine_network.h"
#include "engine_security.h"
#include "image_config.h"
#include "user.h"
#include "spec/spec.h"
#include "util/utils.h"

/* ---- process ---- */

/* KEY=VALUE entries, later ones replacing earlier ones with the same KEY. */
static void env_set(char ***env, const char *entry)
{
    size_t klen = strcspn(entry, "=");
    for (char **e = *env; e != NULL && *e != NULL; e++) {
        if (!strncmp(*e, entry, klen) && ((*e)[klen] == '=' || (*e)[klen] == '\0')) {
            free(*e);
            *e = xstrdup(entry);
            return;
        }
    }
    strv_add(env, xstrdup(entry));
}

static bool env_has(char *const *env, const char *key)
{
    size_t klen = strlen(key);
    for (; env != NULL && *env != NULL; env++)
        if (!strncmp(*env, key, klen) && (*env)[klen] == '=')
            return true;
    return false;
}

static char **process_env(const struct engine_image_config *img, const struct engine_run_config *rc,
                          const char *hostname)
{
    char **env = xmalloc0(sizeof *env);
    for (char **e = img->env; e != NULL && *e != NULL; e++)
        env_set(&env, *e);
    if (!env_has(env, "PATH"))
        env_set(&env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    cleanup_free char *h = xasprintf("HOSTNAME=%s", hostname);
    env_set(&env, h);
    for (char **e = rc->env; e != NULL && *e != NULL; e++) {
        if (strchr(*e, '=')) {
            env_set(&env, *e);
        } else if (getenv(*e)) {
            /* docker: "-e NAME" passes our value through, and drops it when unset. */
            cleanup_free char *kv = xasprintf("%s=%s", *e, getenv(*e));
            env_set(&env, kv);
        }
    }
    if (rc->tty && !env_has(env, "TERM"))
        env_set(&env, "TERM=xterm");
    return env;
}

static void strv_append_all(char ***to, char *const *from)
{
    for (; from != NULL && *from != NULL; from++)
        strv_add(to, xstrdup(*from));
}

/* docker's ENTRYPOINT/CMD rules: a new entrypoint drops the image's Cmd;
 * arguments after IMAGE replace Cmd.  --init: hull-init runs the command as
 * its child. */
static int process_args(const struct engine_image_config *img, const struct engine_run_config *rc, char ***out,
                        struct hull_error **err)
{
    cleanup_strv char **args = NULL;
    if (rc->init_path) {
        strv_add(&args, xstrdup(ENGINE_INIT_PATH));
        strv_add(&args, xstrdup("--"));
    }
    size_t before = strv_length(args);
    if (rc->entrypoint) {
        if (*rc->entrypoint)
            strv_add(&args, xstrdup(rc->entrypoint));
    } else {
        strv_append_all(&args, img->entrypoint);
    }
    if (rc->cmd && rc->cmd[0])
        strv_append_all(&args, rc->cmd);
    else if (!rc->entrypoint)
        strv_append_all(&args, img->cmd);
    if (strv_length(args) == before)
        return hull_error_set(err, 0, "no command specified: the image has no Entrypoint or Cmd");
    *out = steal_pointer(&args);
    return 0;
}

/* -u / the image's User, looked up in the image's own /etc/passwd and
 * /etc/group (user.h: docker's rules, supplementary groups included). */
static int resolve_user(const char *spec_user, const char *rootfs, struct hull_user *user, struct hull_error **err)
{
    struct engine_user u = {0};
    if (engine_user_resolve(rootfs, spec_user, &u, err) < 0)
        return -1;
    user->uid = u.uid;
    user->gid = u.gid;
    if (u.n_groups > 0) {
        free(user->additional_gids);
        user->additional_gids = steal_pointer(&u.groups);
        user->n_additional_gids = u.n_groups;
    }
    engine_user_clear(&u);
    return 0;
}

static void set_rlimits(struct hull_process *p, const struct engine_run_config *rc)
{
    for (size_t i = 0; i < p->n_rlimits; i++)
        free(p->rlimits[i].type);
    free(p->rlimits);
    p->rlimits = xmalloc0((rc->n_ulimits ? rc->n_ulimits : 1) * sizeof *p->rlimits);
    p->n_rlimits = 0;
    for (size_t i = 0; i < rc->n_ulimits; i++) {
        const struct engine_ulimit *u = &rc->ulimits[i];
        /* docker keeps one entry per name, the last given. */
        bool later = false;
        for (size_t k = i + 1; k < rc->n_ulimits; k++)
            later |= !strcmp(rc->ulimits[k].rlimit, u->rlimit);
        if (later)
            continue;
        struct hull_rlimit *rl = &p->rlimits[p->n_rlimits++];
        rl->type = xstrdup(u->rlimit);
        rl->resource = spec_rlimit_resource(u->rlimit);
        rl->hard = u->hard < 0 ? UINT64_MAX : (uint64_t)u->hard;
        rl->soft = u->soft < 0 ? UINT64_MAX : (uint64_t)u->soft;
    }
}

static int set_process(struct hull_process *p, const struct engine_image_config *img,
                       const struct engine_run_config *rc, const char *hostname, const char *rootfs,
                       struct hull_error **err)
{
    strv_free(p->args);
    p->args = NULL;
    if (process_args(img, rc, &p->args, err) < 0)
        return -1;
    strv_free(p->env);
    p->env = process_env(img, rc, hostname);
    p->terminal = rc->tty;
    const char *cwd = rc->workdir ? rc->workdir : img->working_dir;
    if (cwd && *cwd && cwd[0] != '/')
        return hull_error_set(err, 0, "invalid working directory \"%s\": must be absolute", cwd);
    free(p->cwd);
    p->cwd = xstrdup(cwd && *cwd ? cwd : "/");
    const char *u = rc->user ? rc->user : img->user;
    if (u && *u && resolve_user(u, rootfs, &p->user, err) < 0)
        return -1;
    set_rlimits(p, rc);
    return 0;
}

/* ---- security ---- */

static void set_capabilities(struct hull_process *p, char *const *caps)
{
    struct hull_capabilities *c = p->capabilities;
    if (c != NULL) {
        strv_free(c->bounding);
        strv_free(c->effective);
        strv_free(c->inheritable);
        strv_free(c->permitted);
        strv_free(c->ambient);
        free(c);
    }
    c = p->capabilities = xmalloc0(sizeof *c);
    /* Not ambient: docker gives a non-root user no capabilities at all. */
    c->bounding = strv_copy(caps);
    c->effective = strv_copy(caps);
    c->permitted = strv_copy(caps);
}

static int set_security(struct hull_spec *spec, const struct engine_run_config *rc, struct hull_error **err)
{
    cleanup_strv char **caps = engine_capabilities(rc);
    struct hull_seccomp *seccomp = NULL;
    if (engine_seccomp(rc, caps, &seccomp, err) < 0)
        return -1;
    set_capabilities(spec->process, caps);
    /* docker does not set no_new_privs unless asked (setuid binaries work). */
    spec->process->no_new_privileges = rc->no_new_privileges;
    spec_seccomp_free(spec->linux_.seccomp);
    spec->linux_.seccomp = seccomp;
    if (rc->privileged || rc->systempaths_unconfined) {
        /* moby: neither keeps /proc/kcore & co. masked or /proc/sys read-only. */
        strv_free(spec->linux_.masked_paths);
        strv_free(spec->linux_.readonly_paths);
        spec->linux_.masked_paths = xmalloc0(sizeof(char *));
        spec->linux_.readonly_paths = xmalloc0(sizeof(char *));
    }
    return 0;
}

/* ---- linux ---- */

/* The default config has a network namespace of its own (--network none,
 * and bridge networks: the engine plumbs it between create and start);
 * --network host drops it, container:NAME joins that container's.  hull run
 * always gives the container its own cgroup namespace (docker's --cgroupns
 * private); runc's template, which the default follows, has one only on a
 * cgroup v2 host. */
static void set_namespaces(struct hull_linux *l, const struct engine_run_config *rc)
{
    const char *join = rc->net ? rc->net->netns_path : NULL;
    struct hull_namespace *net = &l->namespaces[HULL_NS_NET];
    if ((rc->host_network || join) && net->present) {
        free(net->path);
        net->path = join ? xstrdup(join) : NULL;
        net->present = join != NULL;
    }
    l->namespaces[HULL_NS_CGROUP].present = true;
}

static void set_resources(struct hull_resources *res, const struct engine_run_config *rc)
{
    if (rc->memory > 0 || rc->memory_swap != 0) {
        struct hull_memory *m = &res->memory;
        if (rc->memory > 0)
            m->limit = (struct hull_opt_i64){true, rc->memory};
        if (rc->memory_swap != 0)
            m->swap = (struct hull_opt_i64){true, rc->memory_swap};
        res->has_memory = true;
    }
    if (rc->cpu_quota > 0 || rc->cpu_shares > 0 || rc->cpuset_cpus || rc->cpuset_mems) {
        struct hull_cpu *c = &res->cpu;
        if (rc->cpu_quota > 0) {
            c->quota = (struct hull_opt_i64){true, rc->cpu_quota};
            c->period = (struct hull_opt_u64){true, rc->cpu_period};
        }
        if (rc->cpu_shares > 0)
            c->shares = (struct hull_opt_u64){true, rc->cpu_shares};
        if (rc->cpuset_cpus) {
            free(c->cpus);
            c->cpus = xstrdup(rc->cpuset_cpus);
        }
        if (rc->cpuset_mems) {
            free(c->mems);
            c->mems = xstrdup(rc->cpuset_mems);
        }
        res->has_cpu = true;
    }
    if (rc->pids_limit > 0) {
        res->has_pids = true;
        res->pids_limit = rc->pids_limit;
    }
    if (rc->privileged) {
        /* moby: a privileged container may use every device. */
        for (size_t i = 0; i < res->n_devices; i++)
            free(res->devices[i].access);
        free(res->devices);
        res->devices = xmalloc0(sizeof *res->devices);
        res->devices[0] = (struct hull_device_rule){.allow = true, .type = 'a', .major = -1, .minor = -1,
                                                    .access = xstrdup("rwm")};
        res->n_devices = 1;
    }
}

static int set_linux(struct hull_spec *spec, const struct engine_run_config *rc, struct hull_error **err)
{
    struct hull_linux *l = &spec->linux_;
    set_namespaces(l, rc);
    if (rc->cgroups_path) {
        free(l->cgroups_path);
        l->cgroups_path = xstrdup(rc->cgroups_path);
    }
    l->has_resources = true;
    set_resources(&l->resources, rc);
    engine_spec_add_devices(l, rc->devices, rc->n_devices, rc->device_rules, rc->n_device_rules);
    spec_hooks_append(&spec->hooks, &rc->cdi_hooks);
    return 0;
}

/* ---- mounts ---- */

struct mount_list {
    struct hull_mount *v;
    size_t n;
};

static void mount_list_add(struct mount_list *list, struct hull_mount m)
{
    list->v = xrealloc(list->v, (list->n + 1) * sizeof *list->v);
    list->v[list->n++] = m;
}

static void mount_list_clear(struct mount_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        spec_mount_clear(&list->v[i]);
    free(list->v);
    list->v = NULL;
    list->n = 0;
}

static struct hull_mount mount_new(const char *destination, const char *type, const char *source,
                                   char *const *options)
{
    return (struct hull_mount){.destination = xstrdup(destination), .type = xstrdup(type),
                               .source = xstrdup(source), .options = strv_copy(options)};
}

/* Path components of a destination: moby mounts in this order (parents first). */
static size_t path_depth(const char *p)
{
    size_t n = 0;
    for (const char *c = p; *c; c++)
        if (*c == '/' && c[1] && c[1] != '/')
            n++;
    return n;
}

static bool destination_taken(const struct mount_list *mounts, const char *dest)
{
    for (size_t i = 0; i < mounts->n; i++)
        if (!strcmp(mounts->v[i].destination, dest))
            return true;
    return false;
}

/* Removes "ro" from a default mount's options (--privileged: /sys and its cgroups writable). */
static void clear_read_only(struct hull_mount *m)
{
    char **kept = NULL;
    for (char **o = m->options; o != NULL && *o != NULL; o++)
        if (strcmp(*o, "ro"))
            strv_add(&kept, xstrdup(*o));
    strv_add(&kept, xstrdup("rw"));
    strv_free(m->options);
    m->options = kept;
}

/* -v, --mount and --tmpfs, in the order given. */
static void user_mounts(const struct engine_run_config *rc, struct mount_list *user)
{
    for (size_t i = 0; i < rc->n_binds; i++) {
        const struct engine_bind *b = &rc->binds[i];
        /* moby (25+): a read-only volume is read-only all the way down ("rro"),
         * not just its top mount, which is all plain "ro" does. */
        char *opts[] = {"rbind", b->propagation ? b->propagation : "rprivate", b->read_only ? "ro" : "rw",
                        b->read_only ? "rro" : NULL, NULL};
        mount_list_add(user, mount_new(b->destination, "bind", b->source, opts));
    }
    for (size_t i = 0; i < rc->n_tmpfs; i++)
        mount_list_add(user, mount_new(rc->tmpfs[i].destination, "tmpfs", "tmpfs", rc->tmpfs[i].options));
}

/* The default mounts (proc, dev, sys ...), then -v, --tmpfs, the generated
 * /etc files and --init's binary.  Like moby: a user's mount replaces a
 * default one on the same path, a user's mount on /etc/hosts & co. wins over
 * the generated file, and the added mounts are ordered by depth so a mount
 * on /a is made before one on /a/b. */
static int set_mounts(struct hull_spec *spec, const struct engine_run_config *rc, struct hull_error **err)
{
    struct mount_list user = {0}, added = {0}, mounts = {0};
    user_mounts(rc, &user);
    const struct {
        const char *path, *destination;
    } generated[] = {
        {rc->hostname_path, "/etc/hostname"},
        {rc->hosts_path, "/etc/hosts"},
        {rc->resolv_conf_path, "/etc/resolv.conf"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(generated); i++) {
        if (!generated[i].path || destination_taken(&user, generated[i].destination))
            continue;
        /* moby: writable unless the root filesystem is read-only. */
        char *opts[] = {"rbind", "rprivate", rc->read_only ? "ro" : "rw", NULL};
        mount_list_add(&added, mount_new(generated[i].destination, "bind", generated[i].path, opts));
    }
    for (size_t i = 0; i < user.n; i++)
        mount_list_add(&added, mount_new(user.v[i].destination, user.v[i].type, user.v[i].source, user.v[i].options));
    if (rc->init_path) {
        char *opts[] = {"bind", "ro", "nosuid", "nodev", NULL};
        mount_list_add(&added, mount_new(ENGINE_INIT_PATH, "bind", rc->init_path, opts));
    }

    for (size_t i = 0; i < spec->n_mounts; i++) {
        struct hull_mount *m = &spec->mounts[i];
        if (destination_taken(&user, m->destination)) {
            spec_mount_clear(m);
            continue;
        }
        if (rc->privileged && (!strcmp(m->destination, "/sys") || !strcmp(m->destination, "/sys/fs/cgroup")))
            clear_read_only(m);
        mount_list_add(&mounts, *m);
    }
    free(spec->mounts);
    /* Stable order by depth: equal depths keep the order above. */
    size_t max_depth = 0;
    for (size_t i = 0; i < added.n; i++) {
        size_t d = path_depth(added.v[i].destination);
        max_depth = d > max_depth ? d : max_depth;
    }
    for (size_t depth = 0; depth <= max_depth; depth++)
        for (size_t i = 0; i < added.n; i++)
            if (path_depth(added.v[i].destination) == depth)
                mount_list_add(&mounts, added.v[i]);
    free(added.v);
    mount_list_clear(&user);
    spec->mounts = mounts.v;
    spec->n_mounts = mounts.n;
    /* The derived values (flags, propagation ...) the runtime's parser would
     * compute, with its checks: the struct is the config that runs. */
    for (size_t i = 0; i < spec->n_mounts; i++) {
        char field[32];
        snprintf(field, sizeof field, "mounts[%zu]", i);
        if (spec_mount_derive(&spec->mounts[i], field, err) < 0)
            return -1;
    }
    return 0;
}

/* ---- the whole config ---- */

static int build(struct hull_spec *spec, const struct engine_image_config *img, const struct engine_run_config *rc,
                 const char *hostname, const char *rootfs, struct hull_error **err)
{
    if (spec->process == NULL)
        return hull_error_set(err, 0, "the default config has no process");
    if (set_process(spec->process, img, rc, hostname, rootfs, err) < 0 || set_security(spec, rc, err) < 0)
        return -1;
    free(spec->hostname);
    spec->hostname = xstrdup(hostname);
    if (rc->domainname && *rc->domainname) {
        free(spec->domainname);
        spec->domainname = xstrdup(rc->domainname);
    }
    free(spec->root_path);
    spec->root_path = xstrdup("rootfs");
    spec->root_readonly = rc->read_only;
    if (set_linux(spec, rc, err) < 0 || set_mounts(spec, rc, err) < 0)
        return -1;
    /* The parser's range checks, which the flags' own checks should make
     * redundant: the runtime creates from this struct without parsing it. */
    return spec_check_resources(&spec->linux_.resources, "linux.resources", err);
}

int engine_spec_make(const char *image_config_json, const struct engine_run_config *rc, const char *hostname,
                     const char *rootfs, struct hull_spec **out, struct hull_error **err)
{
    struct engine_image_config img;
    if (engine_image_config_parse(image_config_json, &img, err) < 0)
        return -1;
    cleanup_spec struct hull_spec *spec = NULL;
    int r = spec_default(false, &spec, err);
    if (r == 0)
        r = build(spec, &img, rc, hostname, rootfs, err);
    engine_image_config_clear(&img);
    if (r < 0)
        return -1;
    spec->raw_json = spec_to_json(spec);
    *out = steal_pointer(&spec);
    return 0;
}

int engine_spec_build(const char *image_config_json, const struct engine_run_config *rc, const char *hostname,
                      const char *rootfs, char **json_out, struct hull_error **err)
{
    cleanup_spec struct hull_spec *spec = NULL;
    if (engine_spec_make(image_config_json, rc, hostname, rootfs, &spec, err) < 0)
        return -1;
    *json_out = steal_pointer(&spec->raw_json);
    return 0;
}
