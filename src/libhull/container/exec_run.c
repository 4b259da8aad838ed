/* hull: `exec` from the front end's point of view (hull_container_exec in
 * include/hull/hull.h): the container's config.json read from its state dir,
 * the process chosen (a process file, or the config's with the caller's
 * command and overrides), checked, the container's seccomp filter prepared,
 * then container_exec and, in the foreground, the terminal proxy and the wait
 * -- what `hull-runtime exec` used to do itself. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hull/hull.h"

#include "../security/security.h"
#include "../terminal/terminal.h"
#include "../util/utils.h"
#include "container.h"
#include "exec.h"
#include "foreground.h"

/* The container's own config: its process is the base, its seccomp applies. */
static int load_config(const char *root, const char *id, struct hull_spec **spec, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/%s/config.json", root, id);
    cleanup_free char *text = NULL;
    if (container_id_validate(id, err) < 0)
        return -1;
    if (read_file(path, &text, NULL, err) < 0) {
        if (*err && (*err)->errnum == ENOENT) {
            hull_error_freep(err);
            return hull_error_set(err, 0, "container \"%s\" does not exist", id);
        }
        return -1;
    }
    return spec_parse(text, spec, err);
}

/* An env entry KEY=V replaces an existing KEY. */
static void env_set(char ***env, const char *kv)
{
    const char *eq = strchr(kv, '=');
    size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
    for (char **e = *env; e && *e; e++) {
        if (!strncmp(*e, kv, klen) && (*e)[klen] == '=') {
            free(*e);
            *e = xstrdup(kv);
            return;
        }
    }
    strv_add(env, xstrdup(kv));
}

static void replace_string(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value);
}

static void apply_overrides(struct hull_process *proc, const struct hull_exec_opts *o)
{
    for (char *const *e = o->env; e && *e; e++)
        env_set(&proc->env, *e);
    if (o->cwd)
        replace_string(&proc->cwd, o->cwd);
    if (o->set_uid)
        proc->user.uid = o->uid;
    if (o->set_gid)
        proc->user.gid = o->gid;
    if (o->n_additional_gids) {
        size_t n = proc->user.n_additional_gids + o->n_additional_gids;
        proc->user.additional_gids = xrealloc(proc->user.additional_gids, n * sizeof(gid_t));
        memcpy(proc->user.additional_gids + proc->user.n_additional_gids, o->additional_gids,
               o->n_additional_gids * sizeof(gid_t));
        proc->user.n_additional_gids = n;
    }
    if (o->caps && o->caps[0]) {
        if (!proc->capabilities)
            proc->capabilities = xmalloc0(sizeof *proc->capabilities);
        struct hull_capabilities *hc = proc->capabilities;
        for (char *const *cp = o->caps; *cp; cp++) {
            char ***sets[] = {&hc->bounding, &hc->effective, &hc->permitted, &hc->inheritable, &hc->ambient};
            for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
                strv_add(sets[i], xstrdup(*cp));
        }
    }
    if (o->no_new_privs)
        proc->no_new_privileges = true;
    if (o->apparmor)
        replace_string(&proc->apparmor_profile, o->apparmor);
    if (o->process_label)
        replace_string(&proc->selinux_label, o->process_label);
}

/* The process to run: the process file's, or the config's with o->args. */
static int choose_process(const struct hull_exec_opts *o, struct hull_spec *spec, struct hull_process **from_file,
                          struct hull_process **proc, struct hull_error **err)
{
    if (o->process_file) {
        cleanup_free char *text = NULL;
        if (read_file(o->process_file, &text, NULL, err) < 0 || spec_parse_process(text, from_file, err) < 0)
            return hull_error_wrap(err, "--process %s", o->process_file);
        *proc = *from_file;
        return 0;
    }
    if (!o->args || !o->args[0])
        return hull_error_set(err, 0, "missing the command to run (or a process file)");
    *proc = spec->process;
    if (!*proc)
        return hull_error_set(err, 0, "container \"%s\" has no process in its config", o->id);
    strv_free((*proc)->args);
    (*proc)->args = NULL;
    for (char *const *a = o->args; *a; a++)
        strv_add(&(*proc)->args, xstrdup(*a));
    (*proc)->terminal = o->tty;
    (*proc)->has_console_size = false;
    return 0;
}

static int run_process(const struct hull_exec_opts *o, struct hull_spec *spec, struct hull_process *proc,
                       int *exit_code, struct hull_error **err)
{
    if (security_validate_process(proc, err) < 0)
        return -1;
    if (proc->terminal && !o->console_socket && o->detach)
        return hull_error_set(err, 0, "exec --tty --detach needs --console-socket");
    struct seccomp_prepared *seccomp = NULL;
    if (spec->linux_.seccomp && seccomp_prepare(spec->linux_.seccomp, &seccomp, err) < 0)
        return -1;
    int master = -1;
    struct container_exec_opts eo = {
        .root = o->root,
        .id = o->id,
        .process = proc,
        .seccomp = seccomp,
        .linux_ = &spec->linux_,
        .console_socket = o->console_socket,
        .pid_file = o->pid_file,
        .detach = o->detach,
        .ignore_paused = o->ignore_paused,
        .preserve_fds = o->preserve_fds,
        .cgroup_subs = o->cgroup_subs,
        .console_master_out = o->detach ? NULL : &master,
    };
    /* Blocked before the process exists, so none sent meanwhile is lost. */
    sigset_t fwd;
    if (!o->detach)
        foreground_block_signals(&fwd, NULL);
    pid_t pid;
    int r = container_exec(&eo, &pid, err);
    if (seccomp)
        seccomp_prepared_free(seccomp);
    if (r < 0)
        return -1;
    /* while the process runs (exe_protect_release) */
    exe_protect_release();
    *exit_code = 0;
    if (o->detach)
        return 0;
    *exit_code = foreground_wait_terminal(pid, &fwd, master);
    return 0;
}

int hull_container_exec(const struct hull_exec_opts *o, int *exit_code, struct hull_error **err)
{
    cleanup_spec struct hull_spec *spec = NULL;
    if (load_config(o->root, o->id, &spec, err) < 0)
        return -1;
    struct hull_process *from_file = NULL, *proc = NULL;
    int r = choose_process(o, spec, &from_file, &proc, err);
    if (r == 0) {
        apply_overrides(proc, o);
        r = run_process(o, spec, proc, exit_code, err);
    }
    if (from_file)
        spec_process_free(from_file);
    return r;
}
