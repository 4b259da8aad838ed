/* hull run and hull create: the flags as given (struct engine_run_flags,
 * filled by the CLI's option switch, src/hull/cmd_run.c) checked all at
 * once before anything exists: resources, networks, env and labels,
 * mounts, devices, capabilities, the seccomp profile (built once, kept for
 * engine_container_run), healthcheck, logging, restart policy, stop signal,
 * --init.  The order of the checks is the order of their errors: a run with
 * two bad flags names the same one it always did.  Moved here from the CLI
 * (issue 12), with engine_network_prepare and engine_seccomp_prepare, which
 * only this file calls now. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_cdi.h"
#include "engine/engine_flags.h"
#include "engine/engine_mounts.h"
#include "engine/engine_network.h"
#include "engine/log_config.h"
#include "engine/engine_security.h"
#include "engine/engine_spec.h"
#include "spec/spec.h"
#include "util/utils.h"

void engine_run_flags_init(struct engine_run_flags *f, int argc)
{
    size_t room = (size_t)argc + 1;
    f->rc.binds = xmalloc0(room * sizeof *f->rc.binds);
    f->rc.tmpfs = xmalloc0(room * sizeof *f->rc.tmpfs);
    f->rc.ulimits = xmalloc0(room * sizeof *f->rc.ulimits);
    f->rc.devices = xmalloc0(room * sizeof *f->rc.devices);
    f->rc.device_rules = xmalloc0(room * sizeof *f->rc.device_rules);
    const char ***lists[] = {&f->env_flags,    &f->volumes_from,  &f->env_files,      &f->labels_given,
                             &f->label_files,  &f->tmpfs_flags,   &f->ulimit_flags,   &f->cap_add_flags,
                             &f->cap_drop_flags, &f->security_opts, &f->log_opts,     &f->device_flags,
                             &f->device_rule_flags};
    for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
        *lists[i] = xmalloc0(room * sizeof **lists[i]);
}

/* A warning for the caller to print (a static sentence; none: NULL). */
static void add_warning(struct engine_run_flags *f, const char *warning)
{
    if (warning && f->n_warnings < ARRAY_SIZE(f->warnings))
        f->warnings[f->n_warnings++] = warning;
}

/* --init's program (engine_helper_path: $HULL_INIT, next to hull, libexecdir). */
static int find_init(char **out, struct hull_error **err)
{
    cleanup_free char *found = NULL;
    if (engine_helper_path("hull-init", "HULL_INIT", &found, err) < 0)
        return hull_error_wrap(err, "--init");
    char real[PATH_MAX];
    if (!realpath(found, real))
        return hull_error_set(err, errno, "--init: %s", found);
    *out = xstrdup(real);
    return 0;
}

static int check_resources(struct engine_run_flags *f, struct hull_error **err)
{
    const char *warning = NULL;
    if (f->memory_text && engine_parse_memory(f->memory_text, &f->rc.memory, err) < 0)
        return -1;
    if (f->memory_swap_text) {
        if (engine_parse_memory_swap(f->memory_swap_text, &f->rc.memory_swap, err) < 0)
            return -1;
    }
    if (engine_resolve_memory_swap(f->memory_swap_text, f->rc.memory, &f->rc.memory_swap, engine_host_limits_swap(), &warning, err) < 0)
        return -1;
    add_warning(f, warning);
    if (f->cpus_text && engine_parse_cpus(f->cpus_text, &f->rc.cpu_quota, &f->rc.cpu_period, err) < 0)
        return -1;
    if (f->cpu_shares_text) {
        if (engine_parse_cpu_shares(f->cpu_shares_text, &f->rc.cpu_shares, &warning, err) < 0)
            return -1;
        add_warning(f, warning);
    }
    if (f->rc.cpuset_cpus) {
        cleanup_free char *host = engine_host_cpus();
        if (engine_parse_cpuset("--cpuset-cpus", f->rc.cpuset_cpus, host, err) < 0)
            return -1;
    }
    if (f->rc.cpuset_mems) {
        cleanup_free char *host = engine_host_mems();
        if (engine_parse_cpuset("--cpuset-mems", f->rc.cpuset_mems, host, err) < 0)
            return -1;
    }
    /* A normal user's limits need a delegated cgroup: say which flag at once. */
    const char *limit = f->memory_text          ? "--memory"
                        : f->memory_swap_text   ? "--memory-swap"
                        : f->cpus_text          ? "--cpus"
                        : f->cpu_shares_text    ? "--cpu-shares"
                        : f->rc.cpuset_cpus     ? "--cpuset-cpus"
                        : f->rc.cpuset_mems     ? "--cpuset-mems"
                        : f->rc.pids_limit > 0  ? "--pids-limit"
                                                : NULL;
    return engine_rootless_check_limits(limit, err);
}

/* --env-file entries first, then -e, as docker's ReadKVEnvStrings orders them. */
static int collect_env_and_labels(struct engine_run_flags *f, struct hull_error **err)
{
    for (size_t i = 0; i < f->n_env_files; i++)
        if (engine_parse_kv_file("--env-file", f->env_files[i], true, &f->env, err) < 0)
            return -1;
    size_t n = strv_length(f->env);
    f->env = realloc(f->env, (n + f->n_env_flags + 1) * sizeof *f->env);
    if (!f->env)
        abort();
    for (size_t i = 0; i < f->n_env_flags; i++)
        f->env[n++] = xstrdup(f->env_flags[i]);
    f->env[n] = NULL;
    f->rc.env = f->env;

    for (size_t i = 0; i < f->n_label_files; i++)
        if (engine_parse_kv_file("--label-file", f->label_files[i], false, &f->labels, err) < 0)
            return -1;
    n = strv_length(f->labels);
    f->labels = realloc(f->labels, (n + f->n_labels_given + 1) * sizeof *f->labels);
    if (!f->labels)
        abort();
    /* NULL-terminated at every step: on an error run_flags_clear frees what is there. */
    f->labels[n] = NULL;
    for (size_t i = 0; i < f->n_labels_given; i++) {
        if (f->labels_given[i][0] == '=' || !f->labels_given[i][0])
            return hull_error_set(err, 0, "invalid --label \"%s\": the key is empty", f->labels_given[i]);
        f->labels[n++] = xstrdup(f->labels_given[i]);
        f->labels[n] = NULL;
    }
    f->rc.labels = f->labels;
    return 0;
}

static int check_mounts_and_limits(const char *root, struct engine_run_flags *f, struct hull_error **err)
{
    for (size_t i = 0; i < f->n_tmpfs_flags; i++) {
        if (engine_parse_tmpfs(f->tmpfs_flags[i], &f->rc.tmpfs[f->rc.n_tmpfs], err) < 0)
            return -1;
        f->rc.n_tmpfs++;
    }
    /* docker: "Duplicate mount point", across -v, --mount and --tmpfs. */
    size_t n = f->rc.n_binds + f->rc.n_tmpfs;
    for (size_t i = 0; i < n; i++) {
        const char *d = i < f->rc.n_binds ? f->rc.binds[i].destination : f->rc.tmpfs[i - f->rc.n_binds].destination;
        for (size_t k = 0; k < i; k++) {
            const char *e = k < f->rc.n_binds ? f->rc.binds[k].destination : f->rc.tmpfs[k - f->rc.n_binds].destination;
            if (!strcmp(d, e))
                return hull_error_set(err, 0, "duplicate mount point %s (given to -v, --mount or --tmpfs twice)", d);
        }
    }
    /* After -v, --mount and --tmpfs: a destination they mount is theirs (docker). */
    for (size_t i = 0; i < f->n_volumes_from; i++)
        if (engine_volumes_from(root, f->volumes_from[i], &f->rc, err) < 0)
            return -1;
    for (size_t i = 0; i < f->n_ulimit_flags; i++) {
        if (engine_parse_ulimit(f->ulimit_flags[i], &f->rc.ulimits[f->rc.n_ulimits], err) < 0)
            return -1;
        f->rc.n_ulimits++;
    }
    for (size_t i = 0; i < f->n_device_flags; i++) {
        if (engine_cdi_is_name(f->device_flags[i]))
            continue;
        if (engine_parse_device(f->device_flags[i], &f->rc.devices[f->rc.n_devices], err) < 0)
            return -1;
        f->rc.n_devices++;
    }
    /* --gpus (the NVIDIA toolkit's CDI names) and CDI names of --device, in
     * one pass over the spec directories; last, since they grow the device
     * and bind arrays past their room */
    cleanup_strv char **cdi_names = NULL;
    size_t n_gpus = 0;
    if (f->gpus_text) {
        if (engine_gpus_to_cdi(f->gpus_text, &cdi_names, err) < 0)
            return -1;
        n_gpus = strv_length(cdi_names);
    }
    for (size_t i = 0; i < f->n_device_flags; i++)
        if (engine_cdi_is_name(f->device_flags[i]))
            strv_add(&cdi_names, xstrdup(f->device_flags[i]));
    if (cdi_names) {
        size_t failed = 0;
        if (engine_cdi_apply(cdi_names, &f->rc, &f->env, &failed, err) < 0)
            return failed < n_gpus ? hull_error_wrap(err, "--gpus %s", f->gpus_text) : -1;
        f->rc.env = f->env;
    }
    for (size_t i = 0; i < f->n_device_rule_flags; i++) {
        if (engine_parse_device_cgroup_rule(f->device_rule_flags[i], &f->rc.device_rules[f->rc.n_device_rules],
                                            err) < 0)
            return -1;
        f->rc.n_device_rules++;
    }
    if (f->n_device_rule_flags) {
        f->rc.device_rules_given = xmalloc0((f->n_device_rule_flags + 1) * sizeof(char *));
        for (size_t i = 0; i < f->n_device_rule_flags; i++)
            f->rc.device_rules_given[i] = xstrdup(f->device_rule_flags[i]);
    }
    return 0;
}

static int check_security(struct engine_run_flags *f, struct hull_error **err)
{
    f->cap_add = xmalloc0((f->n_cap_add + 1) * sizeof *f->cap_add);
    for (size_t i = 0; i < f->n_cap_add; i++)
        if (engine_normalize_capability("--cap-add", f->cap_add_flags[i], &f->cap_add[i], err) < 0)
            return -1;
    f->cap_drop = xmalloc0((f->n_cap_drop + 1) * sizeof *f->cap_drop);
    for (size_t i = 0; i < f->n_cap_drop; i++)
        if (engine_normalize_capability("--cap-drop", f->cap_drop_flags[i], &f->cap_drop[i], err) < 0)
            return -1;
    f->rc.cap_add = f->cap_add;
    f->rc.cap_drop = f->cap_drop;
    f->security_opt = xmalloc0((f->n_security_opts + 1) * sizeof *f->security_opt);
    for (size_t i = 0; i < f->n_security_opts; i++) {
        if (engine_parse_security_opt(f->security_opts[i], &f->rc, &f->seccomp_text, err) < 0)
            return -1;
        f->security_opt[i] = xstrdup(f->security_opts[i]);
    }
    f->rc.security_opt = f->security_opt;
    f->rc.seccomp_profile = f->seccomp_text;
    /* Built now, so a bad seccomp=FILE fails before anything exists. */
    return engine_seccomp_prepare(&f->rc, err);
}

int engine_run_flags_check(const char *root, const char *runroot, struct engine_run_flags *f, struct hull_error **err)
{
    if (f->name && engine_name_check(f->name, err) < 0)
        return -1;
    if (check_resources(f, err) < 0)
        return -1;
    if (engine_network_prepare(root, runroot, &f->net, &f->rc, err) < 0)
        return -1;
    if (f->rc.domainname && engine_parse_domainname(f->rc.domainname, err) < 0)
        return -1;
    if (f->rc.workdir && f->rc.workdir[0] != '/')
        return hull_error_set(err, 0, "invalid --workdir \"%s\": must be absolute", f->rc.workdir);
    if (collect_env_and_labels(f, err) < 0 || check_mounts_and_limits(root, f, err) < 0 || check_security(f, err) < 0)
        return -1;
    if (engine_health_flags_parse(&f->health, &f->rc.healthcheck, err) < 0)
        return -1;
    for (size_t i = 0; i < f->n_log_opts; i++)
        if (engine_log_opt_parse(f->log_opts[i], &f->rc.log, err) < 0)
            return -1;
    if (engine_log_config_check(&f->rc.log, err) < 0)
        return -1;
    if (f->restart_text && engine_restart_policy_parse(f->restart_text, &f->rc.restart, err) < 0)
        return -1;
    /* docker: a container removed when it exits cannot be restarted. */
    if (f->auto_remove && f->rc.restart.name != ENGINE_RESTART_NO)
        return hull_error_set(err, 0, "conflicting options: --restart \"%s\" and --rm (a container removed when it "
                              "exits cannot be restarted)", f->restart_text);
    if (f->rc.stop_signal && hull_signal_parse(f->rc.stop_signal) <= 0)
        return hull_error_set(err, 0, "invalid --stop-signal \"%s\": not a signal name or number", f->rc.stop_signal);
    if (f->init) {
        if (find_init(&f->init_path, err) < 0)
            return -1;
        f->rc.init_path = f->init_path;
    }
    return 0;
}

void engine_run_flags_clear(struct engine_run_flags *f)
{
    for (size_t i = 0; i < f->rc.n_binds; i++)
        engine_bind_clear(&f->rc.binds[i]);
    for (size_t i = 0; i < f->rc.n_tmpfs; i++)
        engine_tmpfs_clear(&f->rc.tmpfs[i]);
    for (size_t i = 0; i < f->rc.n_ulimits; i++)
        engine_ulimit_clear(&f->rc.ulimits[i]);
    for (size_t i = 0; i < f->rc.n_devices; i++)
        engine_device_clear(&f->rc.devices[i]);
    for (size_t i = 0; i < f->rc.n_device_rules; i++)
        free(f->rc.device_rules[i].access);
    free(f->rc.binds);
    free(f->rc.tmpfs);
    free(f->rc.ulimits);
    free(f->rc.devices);
    free(f->rc.device_rules);
    strv_free(f->rc.device_rules_given);
    spec_hooks_clear(&f->rc.cdi_hooks);
    const char ***given[] = {&f->env_flags,    &f->volumes_from,  &f->env_files,     &f->labels_given,
                             &f->label_files,  &f->tmpfs_flags,   &f->ulimit_flags,  &f->cap_add_flags,
                             &f->cap_drop_flags, &f->security_opts, &f->log_opts, &f->device_flags,
                             &f->device_rule_flags};
    for (size_t i = 0; i < ARRAY_SIZE(given); i++)
        free(*given[i]);
    strv_free(f->env);
    strv_free(f->labels);
    strv_free(f->cap_add);
    strv_free(f->cap_drop);
    strv_free(f->security_opt);
    free(f->seccomp_text);
    engine_seccomp_release(&f->rc);
    free(f->init_path);
    engine_net_flags_clear(&f->net);
    record_healthcheck_clear(&f->rc.healthcheck);
}
