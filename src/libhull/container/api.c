/* hull: the public interface of libhull (include/hull/hull.h) over the
 * container functions.  The option structs are the public, stable shape; the
 * run loop (signals, terminal proxy, foreground wait, delete) lives here so
 * that no front end repeats it. */
#include <signal.h>
#include <unistd.h>

#include "hull/hull.h"

#include "../terminal/terminal.h"
#include "../util/utils.h"
#include "container.h"
#include "foreground.h"

static struct container_create_opts create_opts(const struct hull_create_opts *o, int *console_master_out)
{
    return (struct container_create_opts){
        .root = o->root,
        .id = o->id,
        .bundle = o->bundle,
        .pid_file = o->pid_file,
        .console_socket = o->console_socket,
        .no_pivot = o->no_pivot,
        .no_new_keyring = o->no_new_keyring,
        .preserve_fds = o->preserve_fds,
        .rootless = o->rootless,
        .console_master_out = console_master_out,
    };
}

int hull_container_create(const struct hull_create_opts *opts, struct hull_error **err)
{
    struct container_create_opts o = create_opts(opts, NULL);
    return container_create(&o, NULL, err);
}

int hull_container_start(const char *root, const char *id, struct hull_error **err)
{
    return container_start(root, id, err);
}

int hull_container_run(const struct hull_run_opts *opts, int *exit_code, struct hull_error **err)
{
    int master = -1;
    struct container_create_opts o = create_opts(&opts->create, opts->detach ? NULL : &master);
    /* Blocked before the process exists, so none sent meanwhile is lost. */
    sigset_t fwd;
    if (!opts->detach)
        foreground_block_signals(&fwd, NULL);
    pid_t pid;
    if (container_create(&o, &pid, err) < 0)
        return -1;
    if (container_start(o.root, o.id, err) < 0) {
        cleanup_error struct hull_error *e2 = NULL;
        container_delete(o.root, o.id, true, &e2);
        return -1;
    }
    /* The init has exec'd (its copy of the overlay's fd with it): our close
     * is the last, and its grace period runs while the program does. */
    exe_protect_release();
    *exit_code = 0;
    if (opts->detach)
        return 0;
    *exit_code = foreground_wait_terminal(pid, &fwd, master);
    if (!opts->keep)
        container_delete(o.root, o.id, true, err);
    return 0;
}

int hull_container_state_json(const char *root, const char *id, char **json, struct hull_error **err)
{
    return container_state_json(root, id, json, err);
}

int hull_container_kill(const struct hull_kill_opts *opts, struct hull_error **err)
{
    return container_kill(opts->root, opts->id, opts->signal, opts->all, err);
}

int hull_container_delete(const struct hull_delete_opts *opts, struct hull_error **err)
{
    return container_delete(opts->root, opts->id, opts->force, err);
}

int hull_container_pause(const char *root, const char *id, struct hull_error **err)
{
    return container_pause(root, id, err);
}

int hull_container_resume(const char *root, const char *id, struct hull_error **err)
{
    return container_resume(root, id, err);
}

int hull_container_list(const char *root, char ***ids, struct hull_error **err)
{
    return container_list_ids(root, ids, err);
}

void hull_strv_free(char **v)
{
    strv_free(v);
}

int hull_signal_parse(const char *text)
{
    return signal_parse(text);
}
