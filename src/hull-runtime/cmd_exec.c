/* hull-runtime exec: runc's flags, the process from --process FILE or from the
 * container's own config with the flags' overrides (hull_container_exec does
 * the work).  Exit status is the process's; 255 when the runtime itself fails. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "commands.h"
#include "hull/hull.h"

#define EXEC_RUNTIME_ERROR 255

/* A growing NULL-terminated vector of the flags' strings (not copied: argv's). */
struct strs {
    const char **v;
    size_t n;
};

static void strs_add(struct strs *s, const char *item)
{
    s->v = realloc(s->v, (s->n + 2) * sizeof *s->v);
    if (!s->v)
        abort();
    s->v[s->n++] = item;
    s->v[s->n] = NULL;
}

static bool parse_id_number(const char *text, long long *out)
{
    char *end;
    errno = 0;
    *out = strtoll(text, &end, 10);
    return !errno && end != text && !*end && *out >= 0;
}

/* --user UID[:GID], --additional-gids and --cap, checked and converted for
 * struct hull_exec_opts; the flags' names are in the messages. */
static int parse_exec_values(struct hull_exec_opts *o, const char *user, const struct strs *gids,
                             const struct strs *caps, struct strs *cap_names, gid_t **gid_values)
{
    if (o->cwd && o->cwd[0] != '/')
        return usage_error("exec", "--cwd \"%s\" must be an absolute path", o->cwd), -1;
    if (user) {
        char copy[64];
        snprintf(copy, sizeof copy, "%s", user);
        char *colon = strchr(copy, ':');
        if (colon)
            *colon++ = '\0';
        long long uid, gid = 0;
        if (strlen(user) >= sizeof copy || !parse_id_number(copy, &uid) || (colon && !parse_id_number(colon, &gid)))
            return usage_error("exec", "--user \"%s\" must be UID[:GID] (numbers)", user), -1;
        o->set_uid = true;
        o->uid = (uid_t)uid;
        o->set_gid = colon != NULL;
        o->gid = (gid_t)gid;
    }
    *gid_values = gids->n ? calloc(gids->n, sizeof(gid_t)) : NULL;
    for (size_t i = 0; i < gids->n; i++) {
        long long gid;
        if (!parse_id_number(gids->v[i], &gid))
            return usage_error("exec", "--additional-gids \"%s\" is not a number", gids->v[i]), -1;
        (*gid_values)[i] = (gid_t)gid;
    }
    o->additional_gids = *gid_values;
    o->n_additional_gids = gids->n;
    for (size_t i = 0; i < caps->n; i++) {
        const char *cp = caps->v[i];
        char *name = NULL;
        if (asprintf(&name, "%s%s", strncasecmp(cp, "CAP_", 4) ? "CAP_" : "", cp) < 0)
            abort();
        for (char *q = name; *q; q++)
            if (*q >= 'a' && *q <= 'z')
                *q -= 32;
        strs_add(cap_names, name);
        cap_value_t v;
        if (cap_from_name(name, &v) < 0)
            return usage_error("exec", "--cap \"%s\" is not a capability", cp), -1;
    }
    return 0;
}

/* What exec's flags say: the strings are argv's; the vectors, cap_names'
 * strings and gid_values are ours (exec_flags_free). */
struct exec_flags {
    struct hull_exec_opts o;
    const char *user;
    struct strs envs, caps, gids, cgroup_subs, args, cap_names;
    gid_t *gid_values;
};

static void exec_flags_free(struct exec_flags *f)
{
    free(f->envs.v);
    free(f->caps.v);
    free(f->gids.v);
    free(f->cgroup_subs.v);
    free(f->args.v);
    for (size_t i = 0; i < f->cap_names.n; i++)
        free((char *)f->cap_names.v[i]);
    free(f->cap_names.v);
    free(f->gid_values);
}

enum {
    OPT_PROCESS = 1000, OPT_PID_FILE, OPT_CONSOLE, OPT_CWD, OPT_CAP, OPT_NNP, OPT_APPARMOR, OPT_LABEL,
    OPT_PRESERVE, OPT_CGROUP, OPT_IGNORE_PAUSED,
};

/* One flag (getopt's c) into f.  Returns -1 to go on, or the exit code
 * (--help; a bad value is a runtime error, 255, as runc's). */
static int exec_flag(struct exec_flags *f, int c, char **argv)
{
    switch (c) {
    case 'p': f->o.process_file = optarg; break;
    case 'd': f->o.detach = true; break;
    case OPT_PID_FILE: f->o.pid_file = optarg; break;
    case OPT_CONSOLE: f->o.console_socket = optarg; break;
    case 't': f->o.tty = true; break;
    case OPT_CWD: f->o.cwd = optarg; break;
    case 'e': strs_add(&f->envs, optarg); break;
    case 'u': f->user = optarg; break;
    case 'g': strs_add(&f->gids, optarg); break;
    case OPT_CAP: strs_add(&f->caps, optarg); break;
    case OPT_NNP: f->o.no_new_privs = true; break;
    case OPT_APPARMOR: f->o.apparmor = optarg; break;
    case OPT_LABEL: f->o.process_label = optarg; break;
    case OPT_PRESERVE: {
        long long n;
        if (!parse_id_number(optarg, &n) || n > 65536)
            return usage_error("exec", "invalid --preserve-fds \"%s\"", optarg), EXEC_RUNTIME_ERROR;
        f->o.preserve_fds = (int)n;
        break;
    }
    case OPT_CGROUP:
        /* runc: join existing sub-cgroup(s) of the container, [CONTROLLER:]PATH, repeatable. */
        if (*optarg)
            strs_add(&f->cgroup_subs, optarg);
        break;
    case OPT_IGNORE_PAUSED: f->o.ignore_paused = true; break;
    case 'h':
        printf("Usage: hull-runtime exec [command options] <container-id> <command> [command options]\n");
        return 0;
    default: return usage_error("exec", "unknown option \"%s\"", argv[optind - 1]), EXEC_RUNTIME_ERROR;
    }
    return -1;
}

/* The flags before the container id.  Returns -1 to go on, or the exit code. */
static int parse_exec_flags(int argc, char **argv, struct exec_flags *f)
{
    static const struct option longopts[] = {
        {"process", required_argument, NULL, 'p'},   {"detach", no_argument, NULL, 'd'},
        {"pid-file", required_argument, NULL, OPT_PID_FILE}, {"console-socket", required_argument, NULL, OPT_CONSOLE},
        {"tty", no_argument, NULL, 't'},             {"cwd", required_argument, NULL, OPT_CWD},
        {"env", required_argument, NULL, 'e'},       {"user", required_argument, NULL, 'u'},
        {"additional-gids", required_argument, NULL, 'g'}, {"cap", required_argument, NULL, OPT_CAP},
        {"no-new-privs", no_argument, NULL, OPT_NNP}, {"apparmor", required_argument, NULL, OPT_APPARMOR},
        {"process-label", required_argument, NULL, OPT_LABEL}, {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
        {"cgroup", required_argument, NULL, OPT_CGROUP}, {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0},
    };
    opterr = 0;
    int c, r = -1;
    while (r < 0 && (c = getopt_long_only(argc, argv, "+p:dte:u:g:h", longopts, NULL)) != -1)
        r = exec_flag(f, c, argv);
    return r;
}

/* The id, the command and the checked values after the flags, then the
 * exec itself: its exit code is the process's. */
static int exec_process(int argc, char **argv, struct exec_flags *f)
{
    if (optind >= argc)
        return usage_error("exec", "missing container id"), EXEC_RUNTIME_ERROR;
    f->o.id = argv[optind++];
    if (parse_exec_values(&f->o, f->user, &f->gids, &f->caps, &f->cap_names, &f->gid_values) < 0)
        return EXEC_RUNTIME_ERROR;
    for (int i = optind; i < argc; i++)
        strs_add(&f->args, argv[i]);
    f->o.args = (char *const *)f->args.v;
    f->o.env = (char *const *)f->envs.v;
    f->o.cgroup_subs = (char *const *)f->cgroup_subs.v;
    f->o.caps = (char *const *)f->cap_names.v;
    if (!f->o.process_file && !f->args.n)
        return usage_error("exec", "missing the command to run (or --process FILE)"), EXEC_RUNTIME_ERROR;
    cleanup_error struct hull_error *err = NULL;
    int code = 0;
    if (hull_container_exec(&f->o, &code, &err) < 0) {
        report_error(err);
        return EXEC_RUNTIME_ERROR;
    }
    return code;
}

int cmd_exec(int argc, char **argv)
{
    struct exec_flags f = {.o = {.root = g_opts.root}};
    int ret = parse_exec_flags(argc, argv, &f);
    if (ret < 0)
        ret = exec_process(argc, argv, &f);
    exec_flags_free(&f);
    return ret;
}
