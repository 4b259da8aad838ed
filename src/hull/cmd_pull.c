/* hull pull, hull login, hull logout: talking to registries (src/libhull-engine/registry). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

enum { OPT_PLATFORM = 1000, OPT_TLS_VERIFY, OPT_MAX_CONCURRENT, OPT_AUTHFILE, OPT_PASSWORD_STDIN };

static int pull_all_tags(struct registry_pull_opts *opts, bool quiet);

static const struct option pull_longopts[] = {
    {"all-tags", no_argument, NULL, 'a'},
    {"quiet", no_argument, NULL, 'q'},
    {"platform", required_argument, NULL, OPT_PLATFORM},
    {"tls-verify", no_argument, NULL, OPT_TLS_VERIFY}, /* --tls-verify=false */
    {"max-concurrent", required_argument, NULL, OPT_MAX_CONCURRENT},
    {"authfile", required_argument, NULL, OPT_AUTHFILE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset pull_flagset = {"aqh", pull_longopts};

static const struct option push_longopts[] = {
    {"quiet", no_argument, NULL, 'q'},
    {"tls-verify", no_argument, NULL, OPT_TLS_VERIFY},
    {"max-concurrent", required_argument, NULL, OPT_MAX_CONCURRENT},
    {"authfile", required_argument, NULL, OPT_AUTHFILE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset push_flagset = {"qh", push_longopts};

static const struct option login_longopts[] = {
    {"username", required_argument, NULL, 'u'},
    {"password", required_argument, NULL, 'p'},
    {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
    {"tls-verify", no_argument, NULL, OPT_TLS_VERIFY},
    {"authfile", required_argument, NULL, OPT_AUTHFILE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset login_flagset = {"u:p:h", login_longopts};

static const struct option logout_longopts[] = {
    {"authfile", required_argument, NULL, OPT_AUTHFILE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset logout_flagset = {"h", logout_longopts};

/* What docker prints once an image is in: nothing more than its name with -q. */
static void print_pulled(const struct registry_pull_result *result, FILE *out, bool quiet)
{
    if (!quiet) {
        fprintf(out, "Digest: %s\n", result->digest);
        fprintf(out, "Status: %s for %s\n", result->downloaded ? "Downloaded newer image" : "Image is up to date",
                result->stored_name ? result->stored_name : result->full_name);
    }
    fprintf(out, "%s\n", result->full_name);
    fflush(out);
}

int engine_pull(const struct registry_pull_opts *opts, FILE *out, bool quiet, char **stored_out)
{
    cleanup_error struct hull_error *err = NULL;
    struct registry_pull_progress *display = engine_pull_display_new(out, quiet);
    struct registry_pull_result result;
    int r = engine_image_pull(g_engine.root, opts, display, &result, &err);
    engine_pull_display_done(display);
    if (r < 0)
        return engine_error(err);
    print_pulled(&result, out, quiet);
    if (stored_out) /* a pull by digest has no tag: the id names it surely */
        *stored_out = xstrdup(result.stored_name ? result.stored_name : result.id);
    registry_pull_result_clear(&result);
    return 0;
}

int cmd_pull(int argc, char **argv)
{
    struct registry_pull_opts opts = {0};
    bool quiet = false, all_tags = false;
    int c;
    while ((c = engine_next_flag("pull", argc, argv, &pull_flagset)) != -1) {
        switch (c) {
        case 'a':
            all_tags = engine_flag_bool();
            break;
        case 'q':
            quiet = engine_flag_bool();
            break;
        case OPT_PLATFORM:
            opts.platform = optarg;
            break;
        case OPT_TLS_VERIFY:
            opts.tls_verify_off = !engine_flag_bool();
            break;
        case OPT_MAX_CONCURRENT: {
            uint64_t n;
            if (!parse_uint64(optarg, &n) || n < 1 || n > 64)
                return engine_usage_error("pull", "invalid --max-concurrent \"%s\": want 1 to 64", optarg);
            opts.max_concurrent = (unsigned)n;
            break;
        }
        case OPT_AUTHFILE:
            opts.authfile = optarg;
            break;
        case 'h':
            printf("Usage:  hull pull [OPTIONS] NAME[:TAG|@DIGEST]\n\n"
                   "Download an image from a registry (see docs/registries.md)\n\n"
                   "Options:\n"
                   "  -a, --all-tags             every tag of the repository (NAME without a tag)\n"
                   "      --authfile FILE        credentials file (default: see docs/registries.md)\n"
                   "      --max-concurrent N     layers downloaded at once (default %d)\n"
                   "      --platform OS/ARCH[/VARIANT]  the image for that platform from a multi-platform image\n"
                   "                             (default: this machine's)\n"
                   "  -q, --quiet                print only the image reference\n"
                   "      --tls-verify=false     do not verify the registry's TLS certificate; allow plain HTTP\n",
                   REGISTRY_DEFAULT_MAX_CONCURRENT);
            return 0;
        default:
            return 125;
        }
    }
    if (optind + 1 != argc)
        return engine_usage_error("pull", "\"hull pull\" requires exactly 1 argument: NAME[:TAG|@DIGEST]");
    opts.reference = argv[optind];
    if (all_tags)
        return pull_all_tags(&opts, quiet);
    return engine_pull(&opts, stdout, quiet, NULL);
}

struct all_tags_display {
    struct registry_pull_progress *display;
    bool quiet;
};

/* Each image of pull -a ends its progress lines as a single pull does. */
static void on_tag_pulled(const struct registry_pull_result *result, void *data)
{
    struct all_tags_display *a = data;
    engine_pull_display_reset(a->display);
    print_pulled(result, stdout, a->quiet);
}

static int pull_all_tags(struct registry_pull_opts *opts, bool quiet)
{
    cleanup_error struct hull_error *err = NULL;
    struct all_tags_display a = {engine_pull_display_new(stdout, quiet), quiet};
    int r = engine_image_pull_all_tags(g_engine.root, opts, a.display, on_tag_pulled, &a, &err);
    engine_pull_display_done(a.display);
    return r < 0 ? engine_error(err) : 0;
}

int cmd_push(int argc, char **argv)
{
    struct registry_push_opts opts = {0};
    bool quiet = false;
    int c;
    while ((c = engine_next_flag("push", argc, argv, &push_flagset)) != -1) {
        switch (c) {
        case 'q':
            quiet = engine_flag_bool();
            break;
        case OPT_TLS_VERIFY:
            opts.tls_verify_off = !engine_flag_bool();
            break;
        case OPT_AUTHFILE:
            opts.authfile = optarg;
            break;
        case OPT_MAX_CONCURRENT: {
            uint64_t n;
            if (!parse_uint64(optarg, &n) || n < 1 || n > REGISTRY_MAX_CONCURRENT_LIMIT)
                return engine_usage_error("push", "invalid --max-concurrent \"%s\": want 1 to %d", optarg,
                                          REGISTRY_MAX_CONCURRENT_LIMIT);
            opts.max_concurrent = (unsigned)n;
            break;
        }
        case 'h':
            printf("Usage:  hull push [OPTIONS] IMAGE [DESTINATION]\n\n"
                   "Upload an image to a registry (to DESTINATION, NAME[:TAG], when given;\n"
                   "NAME@DIGEST pushes the image's own manifest by its digest)\n\n"
                   "Options:\n"
                   "      --authfile FILE      credentials file\n"
                   "      --max-concurrent N   layers uploaded at once (default %d)\n"
                   "  -q, --quiet              no progress\n"
                   "      --tls-verify=false   do not verify the registry's TLS certificate; allow plain HTTP\n",
                   REGISTRY_DEFAULT_PUSH_CONCURRENT);
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind < 1 || argc - optind > 2)
        return engine_usage_error("push", "\"hull push\" requires IMAGE and at most one DESTINATION");
    opts.source = argv[optind];
    opts.destination = argc - optind == 2 ? argv[optind + 1] : NULL;
    cleanup_error struct hull_error *err = NULL;
    struct registry_pull_progress *display = engine_pull_display_new(stdout, quiet);
    struct registry_push_result result;
    int r = engine_image_push(g_engine.root, &opts, display, &result, &err);
    engine_pull_display_done(display);
    if (r < 0)
        return engine_error(err);
    const char *tag = strrchr(result.full_name, ':');
    if (!quiet && strchr(result.full_name, '@')) /* by digest: no tag to name */
        printf("digest: %s size: %llu\n", result.digest, (unsigned long long)result.size);
    else if (!quiet)
        printf("%s: digest: %s size: %llu\n", tag ? tag + 1 : "latest", result.digest,
               (unsigned long long)result.size);
    else
        printf("%s\n", result.full_name);
    registry_push_result_clear(&result);
    return 0;
}

/* "https://host:5000/v2/" -> "host:5000"; docker's default is Docker Hub. */
static char *login_host(const char *arg)
{
    if (!arg)
        return xstrdup("docker.io");
    const char *p = arg;
    if (!strncmp(p, "https://", 8))
        p += 8;
    else if (!strncmp(p, "http://", 7))
        p += 7;
    char *h = strndup(p, strcspn(p, "/"));
    if (!h)
        abort();
    if (!strcmp(h, "index.docker.io") || !strcmp(h, "registry-1.docker.io")) {
        free(h);
        h = xstrdup("docker.io");
    }
    return h;
}

/* One line from stdin without the newline; echo off when it is a terminal and secret. */
static char *read_line(const char *prompt, bool secret)
{
    bool tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    if (tty && prompt) {
        fprintf(stderr, "%s", prompt);
        fflush(stderr);
    }
    bool echo_off = tty && secret && tcgetattr(STDIN_FILENO, &old) == 0;
    if (echo_off) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (echo_off) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fprintf(stderr, "\n");
    }
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

int cmd_login(int argc, char **argv)
{
    cleanup_free char *username = NULL, *password = NULL;
    bool password_stdin = false, tls_off = false;
    const char *authfile = NULL;
    int c;
    while ((c = engine_next_flag("login", argc, argv, &login_flagset)) != -1) {
        switch (c) {
        case 'u':
            free(username);
            username = xstrdup(optarg);
            break;
        case 'p':
            free(password);
            password = xstrdup(optarg);
            /* Hide it from ps(1) as far as we can: argv is what /proc/PID/cmdline shows. */
            explicit_bzero(optarg, strlen(optarg));
            fprintf(stderr, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
            break;
        case OPT_PASSWORD_STDIN:
            password_stdin = engine_flag_bool();
            break;
        case OPT_TLS_VERIFY:
            tls_off = !engine_flag_bool();
            break;
        case OPT_AUTHFILE:
            authfile = optarg;
            break;
        case 'h':
            printf("Usage:  hull login [OPTIONS] [SERVER]\n\n"
                   "Log in to a registry (default: Docker Hub). Credentials are checked, then stored\n"
                   "in auth.json (see docs/registries.md).\n\n"
                   "Options:\n"
                   "      --authfile FILE     credentials file to write\n"
                   "  -p, --password PASS     password (prefer --password-stdin)\n"
                   "      --password-stdin    read the password from STDIN\n"
                   "      --tls-verify=false  do not verify the registry's TLS certificate\n"
                   "  -u, --username USER     username\n");
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind > 1)
        return engine_usage_error("login", "\"hull login\" takes at most 1 argument: SERVER");
    if (password && password_stdin)
        return engine_usage_error("login", "--password and --password-stdin are mutually exclusive");
    if (password_stdin && !username)
        return engine_usage_error("login", "--password-stdin needs --username");
    cleanup_free char *host = login_host(optind < argc ? argv[optind] : NULL);
    if (!username && !(username = read_line("Username: ", false)))
        return engine_error_fmt("login to %s: no username given", host);
    if (!password && !(password = read_line(password_stdin ? NULL : "Password: ", true)))
        return engine_error_fmt("login to %s: no password given", host);
    cleanup_error struct hull_error *err = NULL;
    int r = registry_login(host, username, password, authfile, tls_off, &err);
    explicit_bzero(password, strlen(password));
    if (r < 0)
        return engine_error(err);
    printf("Login Succeeded\n");
    return 0;
}

int cmd_logout(int argc, char **argv)
{
    const char *authfile = NULL;
    int c;
    while ((c = engine_next_flag("logout", argc, argv, &logout_flagset)) != -1) {
        switch (c) {
        case OPT_AUTHFILE:
            authfile = optarg;
            break;
        case 'h':
            printf("Usage:  hull logout [OPTIONS] [SERVER]\n\n"
                   "Remove the stored credentials of a registry (default: Docker Hub)\n\n"
                   "Options:\n"
                   "      --authfile FILE   credentials file\n");
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind > 1)
        return engine_usage_error("logout", "\"hull logout\" takes at most 1 argument: SERVER");
    cleanup_free char *host = login_host(optind < argc ? argv[optind] : NULL);
    cleanup_error struct hull_error *err = NULL;
    bool removed;
    if (registry_logout(host, authfile, &removed, &err) < 0)
        return engine_error(err);
    if (!removed)
        return engine_error_fmt("not logged in to %s", host);
    printf("Removing login credentials for %s\n", host);
    return 0;
}

int engine_image_ensure(const char *cmd, const char *policy, const char *reference, char **use_ref)
{
    *use_ref = NULL;
    cleanup_error struct hull_error *err = NULL;
    enum engine_pull_need need;
    if (engine_image_pull_wanted(g_engine.root, policy, reference, &need, &err) < 0)
        return engine_usage_error(cmd, "%s", err->msg);
    if (need == ENGINE_PULL_NO)
        return 0;
    if (need == ENGINE_PULL_MISSING)
        fprintf(stderr, "Unable to find image '%s' locally\n", reference);
    struct registry_pull_opts opts = {.reference = reference};
    /* stdout belongs to the container: the pull talks on stderr, as docker's does. */
    return engine_pull(&opts, stderr, false, use_ref);
}
