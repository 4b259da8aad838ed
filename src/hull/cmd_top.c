/* hull top CONTAINER [ps OPTIONS]: the container's processes, the way docker
 * shows them: the host's ps runs with the options (default -ef, hence
 * docker's columns UID PID PPID C STIME TTY TIME CMD), and only the rows
 * whose PID is in the container's cgroup are kept.  Pids are the host's. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"
#include "cli.h"

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

/* docker's parsePSOutput: the header names the columns; the last column
 * (the command) takes the rest of the line, blanks included. */
static int print_container_rows(char *ps_output, const pid_t *pids, size_t n_pids, struct hull_error **err)
{
    char *save = NULL;
    char *header = strtok_r(ps_output, "\n", &save);
    if (!header)
        return hull_error_set(err, 0, "ps printed nothing");
    cleanup_free char *header_copy = xstrdup(header);
    cleanup_free char **titles = NULL;
    size_t n_titles = split_blanks(header_copy, &titles);
    size_t pid_col = n_titles;
    for (size_t i = 0; i < n_titles; i++)
        if (!strcmp(titles[i], "PID"))
            pid_col = i;
    if (pid_col == n_titles)
        return hull_error_set(err, 0, "couldn't find PID field in ps output");
    struct table *t = table_new(n_titles, (const char *const *)titles);
    const char **cells = xmalloc0(n_titles * sizeof *cells);
    for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        cleanup_free char **fields = NULL;
        size_t n = split_blanks(line, &fields);
        int64_t pid;
        if (n <= pid_col || !parse_int64(fields[pid_col], &pid) || !has_pid(pids, n_pids, (pid_t)pid))
            continue;
        cleanup_free char *rest = NULL;
        for (size_t i = 0; i < n_titles; i++)
            cells[i] = i < n ? fields[i] : "";
        if (n > n_titles) {
            /* strtok_r put NULs between the command's words: join them again. */
            size_t len = 0;
            for (size_t i = n_titles - 1; i < n; i++)
                len += strlen(fields[i]) + 1;
            rest = xmalloc0(len);
            for (size_t i = n_titles - 1; i < n; i++) {
                if (i > n_titles - 1)
                    strcat(rest, " ");
                strcat(rest, fields[i]);
            }
            cells[n_titles - 1] = rest;
        }
        table_add(t, cells);
    }
    free(cells);
    table_print(t);
    table_free(t);
    return 0;
}

static const struct option top_longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset top_flagset = {"+h", top_longopts};

int cmd_top(int argc, char **argv)
{
    int c;
    while ((c = engine_next_flag("top", argc, argv, &top_flagset)) != -1) {
        if (c == 'h') {
            printf("Usage:  hull top CONTAINER [ps OPTIONS]\n\n"
                   "The running processes of a container (ps -ef unless ps options are given)\n");
            return 0;
        }
        return 125;
    }
    if (optind >= argc)
        return engine_usage_error("top", "requires at least 1 argument");
    cleanup_free char *id = NULL;
    struct engine_record *rec = engine_find_record(argv[optind], &id);
    if (!rec)
        return 1;
    const char *status = rec->state.status;
    bool live = !strcmp(status, "running") || !strcmp(status, "paused");
    engine_record_free(rec);
    if (!live)
        return engine_error_fmt("container %.12s is not running", id);
    cleanup_error struct hull_error *err = NULL;
    cleanup_free char *rtroot = engine_runtime_root(g_engine.runroot);
    cleanup_free pid_t *pids = NULL;
    size_t n_pids = 0;
    if (hull_container_pids(rtroot, id, &pids, &n_pids, &err) < 0)
        return engine_error(err);
    int n_opts = argc - optind - 1;
    char **args = xmalloc0((size_t)(n_opts + 3) * sizeof *args);
    args[0] = "ps";
    if (n_opts == 0)
        args[1] = "-ef";
    for (int i = 0; i < n_opts; i++)
        args[1 + i] = argv[optind + 1 + i];
    cleanup_free char *output = NULL;
    int r = run_ps(args, &output, &err);
    free(args);
    if (r < 0 || print_container_rows(output, pids, n_pids, &err) < 0)
        return engine_error(err);
    return 0;
}
