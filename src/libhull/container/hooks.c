#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/utils.h"

extern char **environ;

static int pidfd_open_compat(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int run_one_hook(const struct hull_hook *hook, const char *state_json, struct hull_error **err)
{
    int in[2];
    if (pipe2(in, O_CLOEXEC) < 0)
        return hull_error_set(err, errno, "pipe");
    pid_t pid = fork();
    if (pid < 0) {
        close(in[0]);
        close(in[1]);
        return hull_error_set(err, errno, "fork hook %s", hook->path);
    }
    if (pid == 0) {
        dup2(in[0], 0);
        /* The hook must not inherit our stdout: it would keep a client's pipe
         * (e.g. conmon's) open.  Its stdout/stderr go to our stderr. */
        dup2(2, 1);
        sigset_t all;
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        char *default_argv[] = {hook->path, NULL};
        char *empty_env[] = {NULL};
        execve(hook->path, hook->args ? hook->args : default_argv, hook->env ? hook->env : empty_env);
        _exit(127);
    }
    close(in[0]);
    /* The hook may not read stdin at all: ignore EPIPE. */
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    write_all(in[1], state_json, strlen(state_json));
    close(in[1]);
    signal(SIGPIPE, old);

    cleanup_close int pfd = pidfd_open_compat(pid);
    if (hook->has_timeout && pfd >= 0) {
        struct pollfd p = {.fd = pfd, .events = POLLIN};
        int r;
        do
            r = poll(&p, 1, hook->timeout * 1000);
        while (r < 0 && errno == EINTR);
        if (r == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return hull_error_set(err, 0, "hook %s timed out after %d seconds", hook->path, hook->timeout);
        }
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return hull_error_set(err, errno, "wait for hook %s", hook->path);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return hull_error_set(err, 0, "hook %s could not be executed (exit status 127)", hook->path);
    if (WIFEXITED(status))
        return hull_error_set(err, 0, "hook %s exited with status %d", hook->path, WEXITSTATUS(status));
    return hull_error_set(err, 0, "hook %s killed by signal %d", hook->path, WTERMSIG(status));
}

char *hook_state_rewrite(const char *state_json, const char *status, pid_t pid)
{
    struct json_object *o = json_tokener_parse(state_json);
    if (!o)
        return xstrdup(state_json);
    json_object_object_add(o, "status", json_object_new_string(status));
    if (pid > 0)
        json_object_object_add(o, "pid", json_object_new_int(pid));
    else
        json_object_object_del(o, "pid");
    char *text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return text;
}

int hooks_run(const struct hull_hook_list *list, const char *which, const char *state_json, struct hull_error **err)
{
    for (size_t i = 0; i < list->n; i++) {
        log_debug("%s hook #%zu: %s", which, i, list->hooks[i].path);
        if (run_one_hook(&list->hooks[i], state_json, err) < 0)
            return hull_error_wrap(err, "%s hook #%zu", which, i);
    }
    return 0;
}

void hooks_run_warn(const struct hull_hook_list *list, const char *which, const char *state_json)
{
    for (size_t i = 0; i < list->n; i++) {
        log_debug("%s hook #%zu: %s", which, i, list->hooks[i].path);
        cleanup_error struct hull_error *err = NULL;
        if (run_one_hook(&list->hooks[i], state_json, &err) < 0) {
            cleanup_free char *text = hull_error_text(err);
            log_warn("%s hook #%zu: %s", which, i, text);
        }
    }
}
