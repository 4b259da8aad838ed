/* hull-runtime exec: runc's flags, the process from --process FILE or from the
 * container's own config with the flags' overrides.  Exit status is the
 * process's; 255 when the runtime itself fails. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "container/container.h"
#include "container/exec.h"
#include "container/foreground.h"
#include "security/security.h"
#include "terminal/terminal.h"
#include "util/utils.h"

#define EXEC_RUNTIME_ERROR 255

/* -e KEY=V replaces an existing KEY. */
static char **env_set(char **env, const char *kv)
{
    const char *eq = strchr(kv, '=');
    size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
    for (char **e = env; e && *e; e++) {
        if (!strncmp(*e, kv, klen) && (*e)[klen] == '=') {
            free(*e);
            *e = xstrdup(kv);
            return env;
        }
    }
    strv_add(&env, xstrdup(kv));
    return env;
}

static int exec_error(const struct hull_error *err)
{
    report_error(err);
    return EXEC_RUNTIME_ERROR;
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
    const char *process_file = NULL, *cwd = NULL, *user = NULL, *apparmor = NULL, *label = NULL;
    struct container_exec_opts o = {.root = g_opts.root};
    bool tty = false, nnp = false;
    cleanup_strv char **envs = NULL, **caps = NULL, **gids = NULL, **cgroup_subs = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long_only(argc, argv, "+p:dte:u:g:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            process_file = optarg;
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
            tty = true;
            break;
        case OPT_CWD:
            cwd = optarg;
            break;
        case 'e':
            strv_add(&envs, xstrdup(optarg));
            break;
        case 'u':
            user = optarg;
            break;
        case 'g':
            strv_add(&gids, xstrdup(optarg));
            break;
        case OPT_CAP:
            strv_add(&caps, xstrdup(optarg));
            break;
        case OPT_NNP:
            nnp = true;
            break;
        case OPT_APPARMOR:
            apparmor = optarg;
            break;
        case OPT_LABEL:
            label = optarg;
            break;
        case OPT_PRESERVE: {
            int64_t n;
            if (!parse_int64(optarg, &n) || n < 0 || n > 65536) {
                usage_error("exec", "invalid --preserve-fds \"%s\"", optarg);
                return EXEC_RUNTIME_ERROR;
            }
            o.preserve_fds = (int)n;
            break;
        }
        case OPT_CGROUP:
            /* runc: join existing sub-cgroup(s) of the container, [CONTROLLER:]PATH, repeatable. */
            if (*optarg)
                strv_add(&cgroup_subs, xstrdup(optarg));
            break;
        case OPT_IGNORE_PAUSED:
            o.ignore_paused = true;
            break;
        case 'h':
            printf("Usage: hull-runtime exec [command options] <container-id> <command> [command options]\n");
            return 0;
        default:
            usage_error("exec", "unknown option \"%s\"", argv[optind - 1]);
            return EXEC_RUNTIME_ERROR;
        }
    }
    if (optind >= argc) {
        usage_error("exec", "missing container id");
        return EXEC_RUNTIME_ERROR;
    }
    o.id = argv[optind++];
    cleanup_error struct hull_error *err = NULL;

    /* The container's own config: its process is the base, its seccomp applies. */
    cleanup_spec struct hull_spec *spec = NULL;
    {
        cleanup_free char *path = xasprintf("%s/%s/config.json", g_opts.root, o.id);
        cleanup_free char *text = NULL;
        if (container_id_validate(o.id, &err) < 0 || read_file(path, &text, NULL, &err) < 0) {
            if (err && err->errnum == ENOENT) {
                hull_error_freep(&err);
                hull_error_set(&err, 0, "container \"%s\" does not exist", o.id);
            }
            return exec_error(err);
        }
        if (spec_parse(text, &spec, &err) < 0)
            return exec_error(err);
    }
    struct hull_process *proc = NULL;
    struct hull_process *from_file = NULL;
    if (process_file) {
        cleanup_free char *text = NULL;
        if (read_file(process_file, &text, NULL, &err) < 0 || spec_parse_process(text, &from_file, &err) < 0) {
            hull_error_wrap(&err, "--process %s", process_file);
            return exec_error(err);
        }
        proc = from_file;
    } else {
        if (optind >= argc) {
            usage_error("exec", "missing the command to run (or --process FILE)");
            return EXEC_RUNTIME_ERROR;
        }
        proc = spec->process;
        if (!proc) {
            hull_error_set(&err, 0, "container \"%s\" has no process in its config", o.id);
            return exec_error(err);
        }
        strv_free(proc->args);
        proc->args = NULL;
        for (int i = optind; i < argc; i++)
            strv_add(&proc->args, xstrdup(argv[i]));
        proc->terminal = tty;
        proc->has_console_size = false;
    }
    for (char **e = envs; e && *e; e++)
        proc->env = env_set(proc->env, *e);
    if (cwd) {
        if (cwd[0] != '/') {
            usage_error("exec", "--cwd \"%s\" must be an absolute path", cwd);
            return EXEC_RUNTIME_ERROR;
        }
        free(proc->cwd);
        proc->cwd = xstrdup(cwd);
    }
    if (user) {
        cleanup_free char *copy = xstrdup(user);
        char *colon = strchr(copy, ':');
        if (colon)
            *colon++ = '\0';
        int64_t uid, gid;
        if (!parse_int64(copy, &uid) || uid < 0 || (colon && (!parse_int64(colon, &gid) || gid < 0))) {
            usage_error("exec", "--user \"%s\" must be UID[:GID] (numbers)", user);
            return EXEC_RUNTIME_ERROR;
        }
        proc->user.uid = (uid_t)uid;
        if (colon)
            proc->user.gid = (gid_t)gid;
    }
    for (char **g = gids; g && *g; g++) {
        int64_t gid;
        if (!parse_int64(*g, &gid) || gid < 0) {
            usage_error("exec", "--additional-gids \"%s\" is not a number", *g);
            return EXEC_RUNTIME_ERROR;
        }
        gid_t *ng = xrealloc(proc->user.additional_gids, (proc->user.n_additional_gids + 1) * sizeof(gid_t));
        ng[proc->user.n_additional_gids++] = (gid_t)gid;
        proc->user.additional_gids = ng;
    }
    if (caps) {
        if (!proc->capabilities)
            proc->capabilities = xmalloc0(sizeof *proc->capabilities);
        for (char **cp = caps; *cp; cp++) {
            cleanup_free char *name = strncasecmp(*cp, "CAP_", 4) ? xasprintf("CAP_%s", *cp) : xstrdup(*cp);
            for (char *q = name; *q; q++)
                if (*q >= 'a' && *q <= 'z')
                    *q -= 32;
            cap_value_t v;
            if (cap_from_name(name, &v) < 0) {
                usage_error("exec", "--cap \"%s\" is not a capability", *cp);
                return EXEC_RUNTIME_ERROR;
            }
            struct hull_capabilities *hc = proc->capabilities;
            strv_add(&hc->bounding, xstrdup(name));
            strv_add(&hc->effective, xstrdup(name));
            strv_add(&hc->permitted, xstrdup(name));
            strv_add(&hc->inheritable, xstrdup(name));
            strv_add(&hc->ambient, xstrdup(name));
        }
    }
    if (nnp)
        proc->no_new_privileges = true;
    if (apparmor) {
        free(proc->apparmor_profile);
        proc->apparmor_profile = xstrdup(apparmor);
    }
    if (label) {
        free(proc->selinux_label);
        proc->selinux_label = xstrdup(label);
    }
    if (security_validate_process(proc, &err) < 0)
        return exec_error(err);
    if (proc->terminal && !o.console_socket && o.detach) {
        hull_error_set(&err, 0, "exec --tty --detach needs --console-socket");
        return exec_error(err);
    }

    struct seccomp_prepared *seccomp = NULL;
    if (spec->linux_.seccomp && seccomp_prepare(spec->linux_.seccomp, &seccomp, &err) < 0)
        return exec_error(err);
    o.seccomp = seccomp;
    o.linux_ = &spec->linux_;
    o.process = proc;
    o.cgroup_subs = cgroup_subs;
    int master = -1;
    if (!o.detach)
        o.console_master_out = &master;

    sigset_t fwd;
    if (!o.detach)
        foreground_block_signals(&fwd, NULL);

    pid_t pid;
    int r = container_exec(&o, &pid, &err);
    if (seccomp)
        seccomp_prepared_free(seccomp);
    if (from_file)
        spec_process_free(from_file);
    if (r < 0)
        return exec_error(err);
    if (o.detach)
        return 0;

    if (master >= 0)
        terminal_proxy_start(master);
    int code = foreground_wait(pid, &fwd);
    if (master >= 0) {
        terminal_proxy_stop();
        close(master);
    }
    return code;
}
