/* hull-runtime: list, ps, spec, features. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "commands.h"
#include "container/container.h"
#include "spec/spec.h"
#include "util/utils.h"

static const char *json_get_str(struct json_object *o, const char *k)
{
    struct json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

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
    cleanup_strv char **ids = NULL;
    if (container_list_ids(g_opts.root, &ids, &err) < 0) {
        report_error(err);
        return 1;
    }
    if (quiet) {
        for (char **id = ids; *id; id++)
            printf("%s\n", *id);
        return 0;
    }
    struct json_object *arr = json_object_new_array();
    for (char **id = ids; *id; id++) {
        struct json_object *saved = NULL;
        enum container_status st;
        cleanup_error struct hull_error *e = NULL;
        if (container_state(g_opts.root, *id, &saved, &st, &e) < 0)
            continue; /* deleted meanwhile */
        json_object_array_add(arr, container_oci_state(saved, st));
        json_object_put(saved);
    }
    if (!strcmp(format, "json")) {
        printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    } else {
        printf("%-20s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
        for (size_t i = 0; i < json_object_array_length(arr); i++) {
            struct json_object *o = json_object_array_get_idx(arr, i), *pid;
            json_object_object_get_ex(o, "pid", &pid);
            printf("%-20s %-8d %-10s %-40s %-31s %s\n", json_get_str(o, "id"), json_object_get_int(pid),
                   json_get_str(o, "status"), json_get_str(o, "bundle"), json_get_str(o, "created"),
                   *json_get_str(o, "owner") ? json_get_str(o, "owner") : "root");
        }
    }
    json_object_put(arr);
    return 0;
}

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
    cleanup_free pid_t *pids = NULL;
    size_t n = 0;
    if (container_pids(g_opts.root, id, &pids, &n, &err) < 0) {
        report_error(err);
        return 1;
    }
    if (!strcmp(format, "json")) {
        printf("[");
        for (size_t i = 0; i < n; i++)
            printf("%s%d", i ? "," : "", pids[i]);
        printf("]\n");
        return 0;
    }
    if (argc - optind > 1 && strcmp(format, "table"))
        return usage_error("ps", "ps options need --format table");
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
        int extra = argc - optind - 1;
        char **args = xmalloc0((extra + 3) * sizeof(char *));
        args[0] = "ps";
        if (extra == 0)
            args[1] = "-ef";
        for (int i = 0; i < extra; i++)
            args[1 + i] = argv[optind + 1 + i];
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
            cleanup_free char *copy = xstrdup(line);
            char *save = NULL;
            int col = 0;
            for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save), col++)
                if (!strcmp(t, "PID"))
                    pid_col = col;
            header = false;
            if (pid_col < 0) {
                report_error_text("ps: the ps output has no PID column");
                break;
            }
            continue;
        }
        cleanup_free char *copy = xstrdup(line);
        char *save = NULL;
        int col = 0;
        char *t = strtok_r(copy, " \t\n", &save);
        while (t && col < pid_col) {
            t = strtok_r(NULL, " \t\n", &save);
            col++;
        }
        if (!t)
            continue;
        int pid = atoi(t);
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
    cleanup_free char *path = xasprintf("%s/config.json", bundle);
    if (access(path, F_OK) == 0) {
        report_error_text_fmt("spec: %s exists; remove it first", path);
        return 1;
    }
    cleanup_free char *json = spec_default_json(rootless);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        report_error_text_fmt("spec: create %s: %s", path, strerror(errno));
        return 1;
    }
    bool ok = write_all(fd, json, strlen(json)) >= 0 && write_all(fd, "\n", 1) >= 0;
    close(fd);
    if (!ok) {
        report_error_text_fmt("spec: write %s: %s", path, strerror(errno));
        return 1;
    }
    return 0;
}

static struct json_object *str_array(const char *const *v)
{
    struct json_object *a = json_object_new_array();
    for (; *v; v++)
        json_object_array_add(a, json_object_new_string(*v));
    return a;
}

int cmd_features(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--help") && strcmp(argv[1], "-h"))
        return usage_error("features", "unexpected argument \"%s\"", argv[1]);
    if (argc > 1) {
        printf("Usage: hull-runtime features\n");
        return 0;
    }
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "ociVersionMin", json_object_new_string("1.0.0"));
    json_object_object_add(o, "ociVersionMax", json_object_new_string("1.3.0"));
    static const char *hooks[] = {"prestart",  "createRuntime", "createContainer", "startContainer",
                                  "poststart", "poststop",      NULL};
    json_object_object_add(o, "hooks", str_array(hooks));
    cleanup_strv char **mount_options = spec_mount_option_names();
    json_object_object_add(o, "mountOptions", str_array((const char *const *)mount_options));

    struct json_object *lx = json_object_new_object();
    static const char *namespaces[] = {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL};
    json_object_object_add(lx, "namespaces", str_array(namespaces));
    struct json_object *caps = json_object_new_array();
    for (int i = 0; i <= CAP_LAST_CAP; i++) {
        char *name = cap_to_name(i);
        if (!name)
            continue;
        cleanup_free char *upper = xasprintf("%s", name);
        for (char *p = upper; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p -= 32;
        cap_free(name);
        json_object_array_add(caps, json_object_new_string(upper));
    }
    json_object_object_add(lx, "capabilities", caps);
    struct json_object *cg = json_object_new_object();
    json_object_object_add(cg, "v1", json_object_new_boolean(1));
    json_object_object_add(cg, "v2", json_object_new_boolean(1));
    json_object_object_add(cg, "systemd", json_object_new_boolean(0));
    json_object_object_add(cg, "systemdUser", json_object_new_boolean(0));
    json_object_object_add(cg, "rdma", json_object_new_boolean(1));
    json_object_object_add(lx, "cgroup", cg);
    struct json_object *sc = json_object_new_object();
    json_object_object_add(sc, "enabled", json_object_new_boolean(1));
    static const char *actions[] = {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO",        "SCMP_ACT_KILL",
                                    "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
                                    "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",        "SCMP_ACT_TRAP", NULL};
    json_object_object_add(sc, "actions", str_array(actions));
    static const char *ops[] = {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                                "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL};
    json_object_object_add(sc, "operators", str_array(ops));
    static const char *archs[] = {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",     "SCMP_ARCH_MIPS",    "SCMP_ARCH_MIPS64",
                                  "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
                                  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",  "SCMP_ARCH_PPC64LE",
                                  "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390",   "SCMP_ARCH_S390X",   "SCMP_ARCH_X32",
                                  "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64", NULL};
    json_object_object_add(sc, "archs", str_array(archs));
    static const char *flags[] = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};
    json_object_object_add(sc, "knownFlags", str_array(flags));
    json_object_object_add(sc, "supportedFlags", str_array(flags));
    json_object_object_add(lx, "seccomp", sc);
    struct json_object *aa = json_object_new_object();
    json_object_object_add(aa, "enabled", json_object_new_boolean(access("/sys/kernel/security/apparmor", F_OK) == 0));
    json_object_object_add(lx, "apparmor", aa);
    struct json_object *se = json_object_new_object();
    json_object_object_add(se, "enabled", json_object_new_boolean(access("/sys/fs/selinux/enforce", F_OK) == 0));
    json_object_object_add(lx, "selinux", se);
    struct json_object *rdt = json_object_new_object();
    json_object_object_add(rdt, "enabled", json_object_new_boolean(0));
    json_object_object_add(lx, "intelRdt", rdt);
    struct json_object *mp = json_object_new_object();
    static const char *mpol_modes[] = {"MPOL_DEFAULT",        "MPOL_BIND",  "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
                                       "MPOL_PREFERRED",      "MPOL_PREFERRED_MANY", "MPOL_LOCAL", NULL};
    static const char *mpol_flags[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL};
    json_object_object_add(mp, "modes", str_array(mpol_modes));
    json_object_object_add(mp, "flags", str_array(mpol_flags));
    json_object_object_add(lx, "memoryPolicy", mp);
    struct json_object *nd = json_object_new_object();
    json_object_object_add(nd, "enabled", json_object_new_boolean(1));
    json_object_object_add(lx, "netDevices", nd);
    struct json_object *me = json_object_new_object(), *idmap = json_object_new_object();
    json_object_object_add(idmap, "enabled", json_object_new_boolean(1));
    json_object_object_add(me, "idmap", idmap);
    json_object_object_add(lx, "mountExtensions", me);
    json_object_object_add(o, "linux", lx);
    /* hull reads no annotation of config.json: none can change what it does. */
    static const char *unsafe_annotations[] = {NULL};
    json_object_object_add(o, "potentiallyUnsafeConfigAnnotations", str_array(unsafe_annotations));
    struct json_object *ann = json_object_new_object();
    json_object_object_add(ann, "org.hull.version", json_object_new_string(HULL_VERSION));
    json_object_object_add(ann, "org.hull.cgroup.layout", json_object_new_string(cgroup_layout_name(cgroup_detect_layout())));
    json_object_object_add(o, "annotations", ann);
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return 0;
}

int cmd_unsupported(int argc, char **argv)
{
    (void)argc;
    report_error_text_fmt("%s is not supported by hull-runtime (no CRIU integration)", argv[0]);
    return 1;
}
