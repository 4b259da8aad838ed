/* hull top: a container's processes, the way docker shows them.  The host's
 * ps runs with the caller's options (default -ef, hence docker's columns UID
 * PID PPID C STIME TTY TIME CMD), and only the rows whose PID is in the
 * container's cgroup are kept.  Pids are the host's. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/container.h"
#include "lifecycle.h"
#include "record.h"
#include "util/error_internal.h"
#include "util/utils.h"
#include "hull/hull-engine.h"

/* Runs ps with args; its stdout and stderr end up in *out. */
static int run_ps(char **args, char **out, struct hull_error **err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return hull_error_set(err, errno, "pipe");
    pid_t child = fork();
    if (child < 0) {
        close(p[0]);
        close(p[1]);
        return hull_error_set(err, errno, "fork ps");
    }
    if (child == 0) {
        dup2(p[1], STDOUT_FILENO);
        dup2(p[1], STDERR_FILENO);
        execvp("ps", args);
        fprintf(stderr, "cannot run ps: %s\n", strerror(errno));
        _exit(127);
    }
    close(p[1]);
    size_t len = 0, cap = 65536;
    char *buf = xmalloc0(cap);
    for (;;) {
        if (len + 1 == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t n = read(p[0], buf + len, cap - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    close(p[0]);
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        buf[strcspn(buf, "\n")] = '\0';
        hull_error_set(err, 0, "ps failed: %s", buf);
        free(buf);
        return -1;
    }
    *out = buf;
    return 0;
}

/* Splits line at runs of blanks; returns the number of fields. */
static size_t split_blanks(char *line, char ***fields)
{
    size_t n = 0;
    char **v = NULL;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        v = xrealloc(v, (n + 1) * sizeof *v);
        v[n++] = t;
    }
    *fields = v;
    return n;
}

static bool has_pid(const pid_t *pids, size_t n, pid_t pid)
{
    for (size_t i = 0; i < n; i++)
        if (pids[i] == pid)
            return true;
    return false;
}

/* One row of cells: the fields, "" for missing ones; the last column (the
 * command) takes the rest of the line, its words joined by one blank. */
static char **row_of(char **fields, size_t n, size_t n_titles)
{
    char **cells = xmalloc0(n_titles * sizeof *cells);
    for (size_t i = 0; i < n_titles; i++)
        cells[i] = xstrdup(i < n ? fields[i] : "");
    if (n > n_titles) {
        size_t len = 0;
        for (size_t i = n_titles - 1; i < n; i++)
            len += strlen(fields[i]) + 1;
        char *rest = xmalloc0(len);
        for (size_t i = n_titles - 1; i < n; i++) {
            if (i > n_titles - 1)
                strcat(rest, " ");
            strcat(rest, fields[i]);
        }
        free(cells[n_titles - 1]);
        cells[n_titles - 1] = rest;
    }
    return cells;
}

/* docker's parsePSOutput: the header names the columns; rows of other pids
 * are dropped. */
static int parse_ps_output(char *ps_output, const pid_t *pids, size_t n_pids, struct engine_top *out,
                           struct hull_error **err)
{
    char *save = NULL;
    char *header = strtok_r(ps_output, "\n", &save);
    if (!header)
        return hull_error_set(err, 0, "ps printed nothing");
    cleanup_free char **titles = NULL;
    size_t n_titles = split_blanks(header, &titles);
    size_t pid_col = n_titles;
    for (size_t i = 0; i < n_titles; i++)
        if (!strcmp(titles[i], "PID"))
            pid_col = i;
    if (pid_col == n_titles)
        return hull_error_set(err, 0, "couldn't find PID field in ps output");
    out->titles = xmalloc0((n_titles + 1) * sizeof *out->titles);
    for (size_t i = 0; i < n_titles; i++)
        out->titles[i] = xstrdup(titles[i]);
    out->n_titles = n_titles;
    for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        cleanup_free char **fields = NULL;
        size_t n = split_blanks(line, &fields);
        int64_t pid;
        if (n <= pid_col || !parse_int64(fields[pid_col], &pid) || !has_pid(pids, n_pids, (pid_t)pid))
            continue;
        out->rows = xrealloc(out->rows, (out->n_rows + 1) * sizeof *out->rows);
        out->rows[out->n_rows++] = row_of(fields, n, n_titles);
    }
    return 0;
}

int engine_container_top(const char *root, const char *runroot, const char *container, char *const *ps_args,
                         struct engine_top *out, struct hull_error **err)
{
    *out = (struct engine_top){0};
    cleanup_free char *id = NULL;
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_container_lookup(root, runroot, container, &rec, &id, err) < 0)
        return -1;
    const char *status = rec->state.status;
    if (strcmp(status, "running") && strcmp(status, "paused"))
        return hull_error_set(err, 0, "container %.12s is not running", id);
    cleanup_free char *rtroot = engine_runtime_root(runroot);
    cleanup_free pid_t *pids = NULL;
    size_t n_pids = 0;
    if (hull_container_pids(rtroot, id, &pids, &n_pids, err) < 0)
        return -1;
    size_t n_opts = ps_args ? strv_length(ps_args) : 0;
    cleanup_free char **args = xmalloc0((n_opts + 3) * sizeof *args);
    args[0] = "ps";
    if (n_opts == 0)
        args[1] = "-ef";
    for (size_t i = 0; i < n_opts; i++)
        args[1 + i] = ps_args[i];
    cleanup_free char *output = NULL;
    if (run_ps(args, &output, err) < 0 || parse_ps_output(output, pids, n_pids, out, err) < 0) {
        engine_top_clear(out);
        return -1;
    }
    return 0;
}

void engine_top_clear(struct engine_top *t)
{
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t i = 0; i < t->n_titles; i++)
            free(t->rows[r][i]);
        free(t->rows[r]);
    }
    free(t->rows);
    strv_free(t->titles);
    *t = (struct engine_top){0};
}
