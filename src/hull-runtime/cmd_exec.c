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

int cmd_exec(int argc, char **argv)
{
    enum {
        OPT_PROCESS = 1000, OPT_PID_FILE, OPT_CONSOLE, OPT_CWD, OPT_CAP, OPT_NNP, OPT_APPARMOR, OPT_LABEL,
        OPT_PRESERVE, OPT_CGROUP, OPT_IGNORE_PAUSED,
    };
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
    const char *user = NULL;
    struct hull_exec_opts o = {.root = g_opts.root};
    struct strs envs = {0}, caps = {0}, gids = {0}, cgroup_subs = {0}, args = {0}, cap_names = {0};
    gid_t *gid_values = NULL;
    cleanup_error struct hull_error *err = NULL;
    int ret = EXEC_RUNTIME_ERROR, code = 0;
    int c;
    opterr = 0;
    while ((c = getopt_long_only(argc, argv, "+p:dte:u:g:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            o.process_file = optarg;
            break;
        case 'd':
            o.detach = true;
            break;
        case OPT_PID_FILE:
            o.pid_file = optarg;
            break;
        case OPT_CONSOLE:
            o.console_socket = optarg;
            break;
        case 't':
            o.tty = true;
            break;
        case OPT_CWD:
            o.cwd = optarg;
            break;
        case 'e':
            strs_add(&envs, optarg);
            break;
        case 'u':
            user = optarg;
            break;
        case 'g':
            strs_add(&gids, optarg);
            break;
        case OPT_CAP:
            strs_add(&caps, optarg);
            break;
        case OPT_NNP:
            o.no_new_privs = true;
            break;
        case OPT_APPARMOR:
            o.apparmor = optarg;
            break;
        case OPT_LABEL:
            o.process_label = optarg;
            break;
        case OPT_PRESERVE: {
            long long n;
            if (!parse_id_number(optarg, &n) || n > 65536) {
                usage_error("exec", "invalid --preserve-fds \"%s\"", optarg);
                goto out;
            }
            o.preserve_fds = (int)n;
            break;
        }
        case OPT_CGROUP:
            /* runc: join existing sub-cgroup(s) of the container, [CONTROLLER:]PATH, repeatable. */
            if (*optarg)
                strs_add(&cgroup_subs, optarg);
            break;
        case OPT_IGNORE_PAUSED:
            o.ignore_paused = true;
            break;
        case 'h':
            printf("Usage: hull-runtime exec [command options] <container-id> <command> [command options]\n");
            ret = 0;
            goto out;
        default:
            usage_error("exec", "unknown option \"%s\"", argv[optind - 1]);
            goto out;
        }
    }
    if (optind >= argc) {
        usage_error("exec", "missing container id");
        goto out;
    }
    o.id = argv[optind++];
    if (parse_exec_values(&o, user, &gids, &caps, &cap_names, &gid_values) < 0)
        goto out;
    for (int i = optind; i < argc; i++)
        strs_add(&args, argv[i]);
    o.args = (char *const *)args.v;
    o.env = (char *const *)envs.v;
    o.cgroup_subs = (char *const *)cgroup_subs.v;
    o.caps = (char *const *)cap_names.v;
    if (!o.process_file && !args.n) {
        usage_error("exec", "missing the command to run (or --process FILE)");
        goto out;
    }
    if (hull_container_exec(&o, &code, &err) < 0) {
        report_error(err);
        goto out;
    }
    ret = code;
out:
    free(envs.v);
    free(caps.v);
    free(gids.v);
    free(cgroup_subs.v);
    free(args.v);
    for (size_t i = 0; i < cap_names.n; i++)
        free((char *)cap_names.v[i]);
    free(cap_names.v);
    free(gid_values);
    return ret;
}
