/* hull-runtime: list, ps, spec, features. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "hull/hull.h"

int cmd_list(int argc, char **argv)
{
    static const struct option longopts[] = {{"quiet", no_argument, NULL, 'q'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    bool quiet = false;
    const char *format = "table";
    int c;
    opterr = 0;
    cli_reorder_args(argc, argv, "+qf:h", longopts);
    while ((c = getopt_long_only(argc, argv, "+qf:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'q':
            quiet = true;
            break;
        case 'f':
            format = optarg;
            break;
        case 'h':
            printf("Usage: hull-runtime list [-q] [--format table|json]\n");
            return 0;
        default:
            return usage_error("list", "unknown option \"%s\"", argv[optind - 1]);
        }
    }
    if (strcmp(format, "table") && strcmp(format, "json"))
        return usage_error("list", "invalid --format \"%s\": must be table or json", format);
    if (optind != argc)
        return usage_error("list", "unexpected argument \"%s\"", argv[optind]);
    cleanup_error struct hull_error *err = NULL;
    if (quiet) {
        char **ids = NULL;
        if (hull_container_list(g_opts.root, &ids, &err) < 0) {
            report_error(err);
            return 1;
        }
        for (char **id = ids; *id; id++)
            printf("%s\n", *id);
        hull_strv_free(ids);
        return 0;
    }
    if (!strcmp(format, "json")) {
        char *json = NULL;
        if (hull_container_list_json(g_opts.root, &json, &err) < 0) {
            report_error(err);
            return 1;
        }
        printf("%s\n", json);
        free(json);
        return 0;
    }
    struct hull_container_info *v = NULL;
    size_t n = 0;
    if (hull_container_list_info(g_opts.root, &v, &n, &err) < 0) {
        report_error(err);
        return 1;
    }
    printf("%-20s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
    for (size_t i = 0; i < n; i++)
        printf("%-20s %-8d %-10s %-40s %-31s %s\n", v[i].id, (int)v[i].pid, v[i].status, v[i].bundle, v[i].created,
               *v[i].owner ? v[i].owner : "root");
    hull_container_info_free(v, n);
    return 0;
}

static int ps_table(int extra, char **ps_args, const pid_t *pids, size_t n);

/* `ps` in table form is `ps -ef` (or the ps arguments given after the id)
 * filtered to the container's processes, exactly as runc does it. */
int cmd_ps(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *format = "table";
    int c;
    opterr = 0;
    while ((c = getopt_long_only(argc, argv, "+f:h", longopts, NULL)) != -1) {
        if (c == 'f') {
            format = optarg;
        } else if (c == 'h') {
            printf("Usage: hull-runtime ps [--format table|json] <container-id> [ps options]\n");
            return 0;
        } else {
            return usage_error("ps", "unknown option \"%s\"", argv[optind - 1]);
        }
    }
    if (strcmp(format, "table") && strcmp(format, "json"))
        return usage_error("ps", "invalid --format \"%s\": must be table or json", format);
    if (optind >= argc)
        return usage_error("ps", "missing container id");
    const char *id = argv[optind];
    cleanup_error struct hull_error *err = NULL;
    pid_t *pids = NULL;
    size_t n = 0;
    if (hull_container_pids(g_opts.root, id, &pids, &n, &err) < 0) {
        report_error(err);
        return 1;
    }
    int ret = 0;
    if (!strcmp(format, "json")) {
        printf("[");
        for (size_t i = 0; i < n; i++)
            printf("%s%d", i ? "," : "", pids[i]);
        printf("]\n");
    } else {
        ret = ps_table(argc - optind - 1, argv + optind + 1, pids, n);
    }
    free(pids);
    return ret;
}

/* The index of the PID column of ps's header line, or -1. */
static int pid_column(const char *header)
{
    int col = 0;
    for (const char *p = header; *p;) {
        p += strspn(p, " \t\n");
        size_t len = strcspn(p, " \t\n");
        if (len == 3 && !strncmp(p, "PID", 3))
            return col;
        if (len)
            col++;
        p += len;
    }
    return -1;
}

/* The number in column col of a ps line, or -1. */
static int column_value(const char *line, int col)
{
    for (const char *p = line; *p;) {
        p += strspn(p, " \t\n");
        size_t len = strcspn(p, " \t\n");
        if (!len)
            break;
        if (col-- == 0)
            return atoi(p);
        p += len;
    }
    return -1;
}

/* `ps -ef` (or ps with the given arguments), only the lines of pids. */
static int ps_table(int extra, char **ps_args, const pid_t *pids, size_t n)
{
    int fds[2];
    if (pipe(fds) < 0) {
        report_error_text("pipe failed");
        return 1;
    }
    pid_t child = fork();
    if (child == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        char **args = calloc((size_t)extra + 3, sizeof(char *));
        if (!args)
            _exit(127);
        args[0] = "ps";
        if (extra == 0)
            args[1] = "-ef";
        for (int i = 0; i < extra; i++)
            args[1 + i] = ps_args[i];
        execvp("ps", args);
        _exit(127);
    }
    close(fds[1]);
    FILE *in = fdopen(fds[0], "r");
    char *line = NULL;
    size_t cap = 0;
    int pid_col = -1;
    bool header = true;
    while (getline(&line, &cap, in) > 0) {
        if (header) {
            fputs(line, stdout);
            /* find the PID column */
            pid_col = pid_column(line);
            header = false;
            if (pid_col < 0) {
                report_error_text("ps: the ps output has no PID column");
                break;
            }
            continue;
        }
        int pid = column_value(line, pid_col);
        for (size_t i = 0; i < n; i++)
            if (pids[i] == pid)
                fputs(line, stdout);
    }
    free(line);
    fclose(in);
    int status;
    waitpid(child, &status, 0);
    return 0;
}

int cmd_spec(int argc, char **argv)
{
    enum { OPT_ROOTLESS = 1000 };
    static const struct option longopts[] = {{"bundle", required_argument, NULL, 'b'},
                                             {"rootless", no_argument, NULL, OPT_ROOTLESS},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *bundle = ".";
    bool rootless = false;
    int c;
    opterr = 0;
    cli_reorder_args(argc, argv, "+b:h", longopts);
    while ((c = getopt_long_only(argc, argv, "+b:h", longopts, NULL)) != -1) {
        if (c == 'b') {
            bundle = optarg;
        } else if (c == OPT_ROOTLESS) {
            rootless = true;
        } else if (c == 'h') {
            printf("Usage: hull-runtime spec [--bundle DIR] [--rootless]\n");
            return 0;
        } else {
            return usage_error("spec", "unknown option \"%s\"", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return usage_error("spec", "unexpected argument \"%s\"", argv[optind]);
    char path[4096];
    if (snprintf(path, sizeof path, "%s/config.json", bundle) >= (int)sizeof path) {
        report_error_text_fmt("spec: the bundle path is too long");
        return 1;
    }
    if (access(path, F_OK) == 0) {
        report_error_text_fmt("spec: %s exists; remove it first", path);
        return 1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        report_error_text_fmt("spec: create %s: %s", path, strerror(errno));
        return 1;
    }
    char *json = hull_spec_default_json(rootless);
    FILE *f = fdopen(fd, "w");
    bool ok = f && fprintf(f, "%s\n", json) >= 0;
    ok = (f ? fclose(f) == 0 : (close(fd), false)) && ok;
    free(json);
    if (!ok) {
        report_error_text_fmt("spec: write %s: %s", path, strerror(errno));
        return 1;
    }
    return 0;
}

int cmd_features(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--help") && strcmp(argv[1], "-h"))
        return usage_error("features", "unexpected argument \"%s\"", argv[1]);
    if (argc > 1) {
        printf("Usage: hull-runtime features\n");
        return 0;
    }
    char *json = hull_features_json();
    printf("%s\n", json);
    free(json);
    return 0;
}

int cmd_unsupported(int argc, char **argv)
{
    (void)argc;
    report_error_text_fmt("%s is not supported by hull-runtime (no CRIU integration)", argv[0]);
    return 1;
}
