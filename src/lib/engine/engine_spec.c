/* hull: from image config + run flags to an OCI config (see engine_spec.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <linux/openat2.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine_spec.h"
#include "engine_network.h"
#include "engine_security.h"
#include "user.h"
#include "spec/spec.h"
#include "util/utils.h"

static struct json_object *strv_to_array(char *const *v)
{
    struct json_object *a = json_object_new_array();
    for (; v && *v; v++)
        json_object_array_add(a, json_object_new_string(*v));
    return a;
}

/* The image config's "config" object member key, or NULL. */
static struct json_object *image_field(struct json_object *image_cfg, const char *key)
{
    struct json_object *config = NULL, *v = NULL;
    if (!json_object_object_get_ex(image_cfg, "config", &config) || !json_object_is_type(config, json_type_object))
        return NULL;
    if (!json_object_object_get_ex(config, key, &v) || json_object_is_type(v, json_type_null))
        return NULL;
    return v;
}

static const char *image_string(struct json_object *image_cfg, const char *key)
{
    struct json_object *v = image_field(image_cfg, key);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* -u / the image's User, looked up in the image's own /etc/passwd and
 * /etc/group (user.h: docker's rules, supplementary groups included). */
static int resolve_user(const char *spec_user, const char *rootfs, struct json_object *user, struct hull_error **err)
{
    struct engine_user u = {0};
    if (engine_user_resolve(rootfs, spec_user, &u, err) < 0)
        return -1;
    json_object_object_add(user, "uid", json_object_new_int64(u.uid));
    json_object_object_add(user, "gid", json_object_new_int64(u.gid));
    if (u.n_groups > 0) {
        struct json_object *groups = json_object_new_array();
        for (size_t i = 0; i < u.n_groups; i++)
            json_object_array_add(groups, json_object_new_int64(u.groups[i]));
        json_object_object_add(user, "additionalGids", groups);
    }
    engine_user_clear(&u);
    return 0;
}

/* KEY=VALUE entries, later ones replacing earlier ones with the same KEY. */
static void env_set(struct json_object *env, const char *entry)
{
    size_t klen = strcspn(entry, "=");
    for (size_t i = 0; i < json_object_array_length(env); i++) {
        const char *e = json_object_get_string(json_object_array_get_idx(env, i));
        if (!strncmp(e, entry, klen) && (e[klen] == '=' || e[klen] == '\0')) {
            json_object_array_put_idx(env, i, json_object_new_string(entry));
            return;
        }
    }
    json_object_array_add(env, json_object_new_string(entry));
}

static bool env_has(struct json_object *env, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i < json_object_array_length(env); i++) {
        const char *e = json_object_get_string(json_object_array_get_idx(env, i));
        if (!strncmp(e, key, klen) && e[klen] == '=')
            return true;
    }
    return false;
}

static struct json_object *process_env(struct json_object *image_cfg, const struct engine_run_config *rc,
                                       const char *hostname)
{
    struct json_object *env = json_object_new_array();
    struct json_object *img = image_field(image_cfg, "Env");
    for (size_t i = 0; img && json_object_is_type(img, json_type_array) && i < json_object_array_length(img); i++)
        env_set(env, json_object_get_string(json_object_array_get_idx(img, i)));
    if (!env_has(env, "PATH"))
        env_set(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    cleanup_free char *h = xasprintf("HOSTNAME=%s", hostname);
    env_set(env, h);
    for (char **e = rc->env; e && *e; e++) {
        if (strchr(*e, '=')) {
            env_set(env, *e);
        } else if (getenv(*e)) {
            /* docker: "-e NAME" passes our value through, and drops it when unset. */
            cleanup_free char *kv = xasprintf("%s=%s", *e, getenv(*e));
            env_set(env, kv);
        }
    }
    if (rc->tty && !env_has(env, "TERM"))
        env_set(env, "TERM=xterm");
    return env;
}

/* docker's ENTRYPOINT/CMD rules: a new entrypoint drops the image's Cmd;
 * arguments after IMAGE replace Cmd. */
static int process_args(struct json_object *image_cfg, const struct engine_run_config *rc, struct json_object **out,
                        struct hull_error **err)
{
    struct json_object *args = json_object_new_array();
    struct json_object *ep = image_field(image_cfg, "Entrypoint");
    struct json_object *cmd = image_field(image_cfg, "Cmd");
    if (rc->entrypoint) {
        if (*rc->entrypoint)
            json_object_array_add(args, json_object_new_string(rc->entrypoint));
    } else {
        for (size_t i = 0; ep && json_object_is_type(ep, json_type_array) && i < json_object_array_length(ep); i++)
            json_object_array_add(args, json_object_get(json_object_array_get_idx(ep, i)));
    }
    if (rc->cmd && rc->cmd[0]) {
        for (char **c = rc->cmd; *c; c++)
            json_object_array_add(args, json_object_new_string(*c));
    } else if (!rc->entrypoint) {
        for (size_t i = 0; cmd && json_object_is_type(cmd, json_type_array) && i < json_object_array_length(cmd); i++)
            json_object_array_add(args, json_object_get(json_object_array_get_idx(cmd, i)));
    }
    if (json_object_array_length(args) == 0) {
        json_object_put(args);
        return hull_error_set(err, 0, "no command specified: the image has no Entrypoint or Cmd");
    }
    *out = args;
    return 0;
}

static struct json_object *capabilities_object(char *const *caps)
{
    struct json_object *c = json_object_new_object();
    /* Not "ambient": docker gives a non-root user no capabilities at all. */
    const char *const sets[] = {"bounding", "effective", "permitted"};
    for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
        json_object_object_add(c, sets[i], strv_to_array(caps));
    return c;
}

static struct json_object *rlimits_array(const struct engine_run_config *rc)
{
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < rc->n_ulimits; i++) {
        const struct engine_ulimit *u = &rc->ulimits[i];
        /* docker keeps one entry per name, the last given. */
        bool later = false;
        for (size_t k = i + 1; k < rc->n_ulimits; k++)
            later |= !strcmp(rc->ulimits[k].rlimit, u->rlimit);
        if (later)
            continue;
        struct json_object *r = json_object_new_object();
        json_object_object_add(r, "type", json_object_new_string(u->rlimit));
        json_object_object_add(r, "hard", json_object_new_uint64(u->hard < 0 ? UINT64_MAX : (uint64_t)u->hard));
        json_object_object_add(r, "soft", json_object_new_uint64(u->soft < 0 ? UINT64_MAX : (uint64_t)u->soft));
        json_object_array_add(a, r);
    }
    return a;
}

/* The default config has a network namespace of its own (--network none,
 * and bridge networks: the engine plumbs it between create and start);
 * --network host drops it, container:NAME joins that container's. */
static void set_network(struct json_object *linux_, const struct engine_run_config *rc)
{
    const char *join = rc->net ? rc->net->netns_path : NULL;
    if (!rc->host_network && !join)
        return;
    struct json_object *nss = NULL;
    if (!json_object_object_get_ex(linux_, "namespaces", &nss))
        return;
    struct json_object *kept = json_object_new_array();
    for (size_t i = 0; i < json_object_array_length(nss); i++) {
        struct json_object *ns = json_object_array_get_idx(nss, i), *type = NULL;
        if (json_object_object_get_ex(ns, "type", &type) && !strcmp(json_object_get_string(type), "network")) {
            if (join) {
                struct json_object *j = json_object_new_object();
                json_object_object_add(j, "type", json_object_new_string("network"));
                json_object_object_add(j, "path", json_object_new_string(join));
                json_object_array_add(kept, j);
            }
            continue;
        }
        json_object_array_add(kept, json_object_get(ns));
    }
    json_object_object_add(linux_, "namespaces", kept);
}

/* hull run always gives the container its own cgroup namespace (docker's
 * --cgroupns private).  runc's template, which spec_default_json follows,
 * has one only on a cgroup v2 host. */
static void add_cgroup_namespace(struct json_object *linux_)
{
    struct json_object *nss = NULL;
    if (!json_object_object_get_ex(linux_, "namespaces", &nss))
        return;
    for (size_t i = 0; i < json_object_array_length(nss); i++) {
        struct json_object *type = NULL;
        if (json_object_object_get_ex(json_object_array_get_idx(nss, i), "type", &type) &&
            !strcmp(json_object_get_string(type), "cgroup"))
            return;
    }
    struct json_object *ns = json_object_new_object();
    json_object_object_add(ns, "type", json_object_new_string("cgroup"));
    json_object_array_add(nss, ns);
}

static struct json_object *object_member(struct json_object *parent, const char *key)
{
    struct json_object *o = NULL;
    if (!json_object_object_get_ex(parent, key, &o) || !json_object_is_type(o, json_type_object)) {
        o = json_object_new_object();
        json_object_object_add(parent, key, o);
    }
    return o;
}

static void set_resources(struct json_object *linux_, const struct engine_run_config *rc)
{
    struct json_object *res = object_member(linux_, "resources");
    if (rc->memory > 0 || rc->memory_swap != 0) {
        struct json_object *m = object_member(res, "memory");
        if (rc->memory > 0)
            json_object_object_add(m, "limit", json_object_new_int64(rc->memory));
        if (rc->memory_swap != 0)
            json_object_object_add(m, "swap", json_object_new_int64(rc->memory_swap));
    }
    if (rc->cpu_quota > 0 || rc->cpu_shares > 0 || rc->cpuset_cpus || rc->cpuset_mems) {
        struct json_object *c = object_member(res, "cpu");
        if (rc->cpu_quota > 0) {
            json_object_object_add(c, "quota", json_object_new_int64(rc->cpu_quota));
            json_object_object_add(c, "period", json_object_new_uint64(rc->cpu_period));
        }
        if (rc->cpu_shares > 0)
            json_object_object_add(c, "shares", json_object_new_uint64(rc->cpu_shares));
        if (rc->cpuset_cpus)
            json_object_object_add(c, "cpus", json_object_new_string(rc->cpuset_cpus));
        if (rc->cpuset_mems)
            json_object_object_add(c, "mems", json_object_new_string(rc->cpuset_mems));
    }
    if (rc->pids_limit > 0) {
        struct json_object *p = json_object_new_object();
        json_object_object_add(p, "limit", json_object_new_int64(rc->pids_limit));
        json_object_object_add(res, "pids", p);
    }
    if (rc->privileged) {
        /* moby: a privileged container may use every device. */
        struct json_object *all = json_object_new_object();
        json_object_object_add(all, "allow", json_object_new_boolean(true));
        json_object_object_add(all, "access", json_object_new_string("rwm"));
        struct json_object *devices = json_object_new_array();
        json_object_array_add(devices, all);
        json_object_object_add(res, "devices", devices);
    }
}

/* ---- mounts ---- */

static struct json_object *mount_object(const char *destination, const char *type, const char *source,
                                        char *const *options)
{
    struct json_object *m = json_object_new_object();
    json_object_object_add(m, "destination", json_object_new_string(destination));
    json_object_object_add(m, "type", json_object_new_string(type));
    json_object_object_add(m, "source", json_object_new_string(source));
    json_object_object_add(m, "options", strv_to_array(options));
    return m;
}

static const char *mount_destination(struct json_object *m)
{
    struct json_object *d = NULL;
    return json_object_object_get_ex(m, "destination", &d) ? json_object_get_string(d) : "";
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

static bool destination_taken(struct json_object *mounts, const char *dest)
{
    for (size_t i = 0; i < json_object_array_length(mounts); i++)
        if (!strcmp(mount_destination(json_object_array_get_idx(mounts, i)), dest))
            return true;
    return false;
}

/* Removes "ro" from a default mount's options (--privileged: /sys and its cgroups writable). */
static void clear_read_only(struct json_object *m)
{
    struct json_object *opts = NULL;
    if (!json_object_object_get_ex(m, "options", &opts))
        return;
    struct json_object *kept = json_object_new_array();
    for (size_t i = 0; i < json_object_array_length(opts); i++) {
        struct json_object *o = json_object_array_get_idx(opts, i);
        if (strcmp(json_object_get_string(o), "ro"))
            json_object_array_add(kept, json_object_get(o));
    }
    json_object_array_add(kept, json_object_new_string("rw"));
    json_object_object_add(m, "options", kept);
}

/* The default mounts (proc, dev, sys ...), then -v, --tmpfs, the generated
 * /etc files and --init's binary.  Like moby: a user's mount replaces a
 * default one on the same path, a user's mount on /etc/hosts & co. wins over
 * the generated file, and the added mounts are ordered by depth so a mount
 * on /a is made before one on /a/b. */
static void set_mounts(struct json_object *spec, const struct engine_run_config *rc)
{
    struct json_object *defaults = NULL;
    if (!json_object_object_get_ex(spec, "mounts", &defaults))
        return;
    struct json_object *user = json_object_new_array();
    for (size_t i = 0; i < rc->n_binds; i++) {
        const struct engine_bind *b = &rc->binds[i];
        /* moby (25+): a read-only volume is read-only all the way down ("rro"),
         * not just its top mount, which is all plain "ro" does. */
        char *opts[] = {"rbind", b->propagation ? b->propagation : "rprivate", b->read_only ? "ro" : "rw",
                        b->read_only ? "rro" : NULL, NULL};
        json_object_array_add(user, mount_object(b->destination, "bind", b->source, opts));
    }
    for (size_t i = 0; i < rc->n_tmpfs; i++)
        json_object_array_add(user, mount_object(rc->tmpfs[i].destination, "tmpfs", "tmpfs", rc->tmpfs[i].options));

    struct json_object *added = json_object_new_array();
    const struct {
        const char *path, *destination;
    } generated[] = {
        {rc->hostname_path, "/etc/hostname"},
        {rc->hosts_path, "/etc/hosts"},
        {rc->resolv_conf_path, "/etc/resolv.conf"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(generated); i++) {
        if (!generated[i].path || destination_taken(user, generated[i].destination))
            continue;
        /* moby: writable unless the root filesystem is read-only. */
        char *opts[] = {"rbind", "rprivate", rc->read_only ? "ro" : "rw", NULL};
        json_object_array_add(added, mount_object(generated[i].destination, "bind", generated[i].path, opts));
    }
    for (size_t i = 0; i < json_object_array_length(user); i++)
        json_object_array_add(added, json_object_get(json_object_array_get_idx(user, i)));
    if (rc->init_path) {
        char *opts[] = {"bind", "ro", "nosuid", "nodev", NULL};
        json_object_array_add(added, mount_object(ENGINE_INIT_PATH, "bind", rc->init_path, opts));
    }

    struct json_object *mounts = json_object_new_array();
    for (size_t i = 0; i < json_object_array_length(defaults); i++) {
        struct json_object *m = json_object_array_get_idx(defaults, i);
        const char *dest = mount_destination(m);
        if (destination_taken(user, dest))
            continue;
        if (rc->privileged && (!strcmp(dest, "/sys") || !strcmp(dest, "/sys/fs/cgroup")))
            clear_read_only(m);
        json_object_array_add(mounts, json_object_get(m));
    }
    /* Stable order by depth: equal depths keep the order above. */
    size_t max_depth = 0;
    for (size_t i = 0; i < json_object_array_length(added); i++) {
        size_t d = path_depth(mount_destination(json_object_array_get_idx(added, i)));
        max_depth = d > max_depth ? d : max_depth;
    }
    for (size_t depth = 0; depth <= max_depth; depth++)
        for (size_t i = 0; i < json_object_array_length(added); i++) {
            struct json_object *m = json_object_array_get_idx(added, i);
            if (path_depth(mount_destination(m)) == depth)
                json_object_array_add(mounts, json_object_get(m));
        }
    json_object_put(added);
    json_object_put(user);
    json_object_object_add(spec, "mounts", mounts);
}

/* --init: hull-init runs the command as its child. */
static void prepend_init(struct json_object *process, const struct engine_run_config *rc)
{
    if (!rc->init_path)
        return;
    struct json_object *args = NULL;
    json_object_object_get_ex(process, "args", &args);
    struct json_object *with_init = json_object_new_array();
    json_object_array_add(with_init, json_object_new_string(ENGINE_INIT_PATH));
    json_object_array_add(with_init, json_object_new_string("--"));
    for (size_t i = 0; args && i < json_object_array_length(args); i++)
        json_object_array_add(with_init, json_object_get(json_object_array_get_idx(args, i)));
    json_object_object_add(process, "args", with_init);
}

static int set_security(struct json_object *process, struct json_object *linux_, const struct engine_run_config *rc,
                        struct hull_error **err)
{
    cleanup_strv char **caps = engine_capabilities(rc);
    struct json_object *seccomp = NULL;
    if (engine_seccomp(rc, caps, &seccomp, err) < 0)
        return -1;
    json_object_object_add(process, "capabilities", capabilities_object(caps));
    /* docker does not set no_new_privs unless asked (setuid binaries work). */
    json_object_object_add(process, "noNewPrivileges", json_object_new_boolean(rc->no_new_privileges));
    if (seccomp)
        json_object_object_add(linux_, "seccomp", seccomp);
    if (rc->privileged || rc->systempaths_unconfined) {
        /* moby: neither keeps /proc/kcore & co. masked or /proc/sys read-only. */
        json_object_object_add(linux_, "maskedPaths", json_object_new_array());
        json_object_object_add(linux_, "readonlyPaths", json_object_new_array());
    }
    return 0;
}

int engine_spec_build(const char *image_config_json, const struct engine_run_config *rc, const char *hostname,
                      const char *rootfs, char **json_out, struct hull_error **err)
{
    struct json_object *image_cfg = json_tokener_parse(image_config_json);
    if (!image_cfg)
        return hull_error_set(err, 0, "image config is not valid JSON");
    cleanup_free char *def = spec_default_json(false);
    struct json_object *spec = json_tokener_parse(def);
    struct json_object *process = NULL, *linux_ = NULL, *root = NULL, *user = NULL, *args = NULL;
    int ret = -1;
    if (!spec || !json_object_object_get_ex(spec, "process", &process) ||
        !json_object_object_get_ex(spec, "linux", &linux_) || !json_object_object_get_ex(spec, "root", &root) ||
        !json_object_object_get_ex(process, "user", &user)) {
        hull_error_set(err, 0, "the default config lacks process, linux or root");
        goto out;
    }
    if (process_args(image_cfg, rc, &args, err) < 0)
        goto out;
    json_object_object_add(process, "args", args);
    prepend_init(process, rc);
    json_object_object_add(process, "env", process_env(image_cfg, rc, hostname));
    json_object_object_add(process, "terminal", json_object_new_boolean(rc->tty));
    const char *cwd = rc->workdir ? rc->workdir : image_string(image_cfg, "WorkingDir");
    if (cwd && *cwd && cwd[0] != '/') {
        hull_error_set(err, 0, "invalid working directory \"%s\": must be absolute", cwd);
        goto out;
    }
    json_object_object_add(process, "cwd", json_object_new_string(cwd && *cwd ? cwd : "/"));
    const char *u = rc->user ? rc->user : image_string(image_cfg, "User");
    if (u && *u && resolve_user(u, rootfs, user, err) < 0)
        goto out;
    if (set_security(process, linux_, rc, err) < 0)
        goto out;
    json_object_object_add(process, "rlimits", rlimits_array(rc));
    json_object_object_add(spec, "hostname", json_object_new_string(hostname));
    if (rc->domainname && *rc->domainname)
        json_object_object_add(spec, "domainname", json_object_new_string(rc->domainname));
    json_object_object_add(root, "path", json_object_new_string("rootfs"));
    json_object_object_add(root, "readonly", json_object_new_boolean(rc->read_only));
    set_network(linux_, rc);
    add_cgroup_namespace(linux_);
    if (rc->cgroups_path)
        json_object_object_add(linux_, "cgroupsPath", json_object_new_string(rc->cgroups_path));
    set_resources(linux_, rc);
    engine_spec_add_devices(linux_, rc->devices, rc->n_devices, rc->device_rules, rc->n_device_rules);
    if (rc->cdi_hooks)
        json_object_object_add(spec, "hooks", json_object_get(rc->cdi_hooks));
    set_mounts(spec, rc);
    *json_out = xstrdup(json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    ret = 0;
out:
    json_object_put(spec);
    json_object_put(image_cfg);
    return ret;
}
