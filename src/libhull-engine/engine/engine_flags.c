/* hull: parsers of `hull run` flags with docker's formats (see engine_flags.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine_flags.h"
#include "security/security.h"
#include "util/utils.h"

/* ---- sizes and CPUs: --memory, --cpus, --shm-size ... ---- */

/* Below this the kernel's own overhead makes a container fail to start; docker refuses it too. */
#define ENGINE_MIN_MEMORY (6 * 1024 * 1024)
#define ENGINE_CPU_PERIOD 100000

int engine_parse_size(const char *flag, const char *text, int64_t *bytes, struct hull_error **err)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno != 0 || v < 0 || !isfinite(v) || !isdigit((unsigned char)text[0]))
        return hull_error_set(err, 0, "invalid %s \"%s\": want a size such as 256m or 1g", flag, text);
    double mult = 1;
    if (*end) {
        switch (*end) {
        case 'b':
        case 'B':
            mult = 1;
            break;
        case 'k':
        case 'K':
            mult = 1024.0;
            break;
        case 'm':
        case 'M':
            mult = 1024.0 * 1024;
            break;
        case 'g':
        case 'G':
            mult = 1024.0 * 1024 * 1024;
            break;
        case 't':
        case 'T':
            mult = 1024.0 * 1024 * 1024 * 1024;
            break;
        default:
            return hull_error_set(err, 0, "invalid %s \"%s\": unknown unit \"%s\" (b, k, m, g, t)", flag, text, end);
        }
        /* docker also accepts "mb", "MiB"... the first letter decides. */
        const char *rest = end + 1;
        if (*rest && strcasecmp(rest, "b") && strcasecmp(rest, "ib"))
            return hull_error_set(err, 0, "invalid %s \"%s\": unknown unit \"%s\" (b, k, m, g, t)", flag, text, end);
    }
    double b = v * mult;
    if (b >= (double)INT64_MAX)
        return hull_error_set(err, 0, "invalid %s \"%s\": too large", flag, text);
    *bytes = (int64_t)b;
    return 0;
}

int engine_parse_memory(const char *text, int64_t *bytes, struct hull_error **err)
{
    if (engine_parse_size("--memory", text, bytes, err) < 0)
        return -1;
    if (*bytes < ENGINE_MIN_MEMORY)
        return hull_error_set(err, 0, "invalid --memory \"%s\": the minimum is 6m", text);
    return 0;
}

int engine_parse_cpus(const char *text, int64_t *quota, uint64_t *period, struct hull_error **err)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno != 0 || !isfinite(v) || v <= 0 || v > 1e6)
        return hull_error_set(err, 0, "invalid --cpus \"%s\": want a positive number of CPUs such as 0.5", text);
    *period = ENGINE_CPU_PERIOD;
    *quota = (int64_t)(v * ENGINE_CPU_PERIOD + 0.5);
    /* The kernel refuses a quota under 1ms. */
    if (*quota < 1000)
        return hull_error_set(err, 0, "invalid --cpus \"%s\": the minimum is 0.01", text);
    return 0;
}

/* ---- --env-file / --label-file ---- */

/* docker refuses files that are not UTF-8 (bufio + utf8.Valid per line). */
static bool utf8_valid(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        if (n == 0 || i + n > len)
            return false;
        for (size_t k = 1; k < n; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
        i += n;
    }
    return true;
}

int engine_parse_kv_file(const char *flag, const char *path, bool take_bare_from_env, char ***entries,
                         struct hull_error **err)
{
    cleanup_file FILE *f = fopen(path, "re");
    if (!f)
        return hull_error_set(err, errno, "invalid %s \"%s\"", flag, path);
    cleanup_free char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    for (unsigned lineno = 1; (len = getline(&line, &cap, f)) >= 0; lineno++) {
        /* bufio.ScanLines: the end of a line is "\n" with an optional "\r" before it. */
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (strlen(line) != (size_t)len)
            return hull_error_set(err, 0, "invalid %s \"%s\": line %u contains a NUL byte", flag, path, lineno);
        if (!utf8_valid((unsigned char *)line, (size_t)len))
            return hull_error_set(err, 0, "invalid %s \"%s\": line %u is not valid UTF-8", flag, path, lineno);
        char *p = line;
        if (lineno == 1 && !strncmp(p, "\xef\xbb\xbf", 3))
            p += 3; /* a UTF-8 byte order mark */
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p || *p == '#')
            continue;
        char *eq = strchr(p, '=');
        size_t name_len = eq ? (size_t)(eq - p) : strlen(p);
        if (name_len == 0)
            return hull_error_set(err, 0, "invalid %s \"%s\": no variable name on line %u \"%s\"", flag, path,
                                  lineno, p);
        if (strcspn(p, " \t") < name_len)
            return hull_error_set(err, 0, "invalid %s \"%s\": variable \"%.*s\" on line %u contains whitespace",
                                  flag, path, (int)name_len, p, lineno);
        if (eq) {
            strv_add(entries, xstrdup(p)); /* the value as it is: no trimming, no quotes */
        } else if (take_bare_from_env && getenv(p)) {
            strv_add(entries, xasprintf("%s=%s", p, getenv(p)));
        }
    }
    if (ferror(f))
        return hull_error_set(err, errno, "invalid %s \"%s\": read", flag, path);
    return 0;
}

/* ---- --tmpfs ---- */

/* Mount flags and the group they belong to: a later flag replaces an earlier
 * one of the same group (moby's MergeTmpfsOptions keys them by MS_* bit). */
static const struct {
    const char *name;
    int group;
} tmpfs_flags[] = {
    {"rw", 1},          {"ro", 1},           {"suid", 2},         {"nosuid", 2},     {"dev", 3},
    {"nodev", 3},       {"exec", 4},         {"noexec", 4},       {"sync", 5},       {"async", 5},
    {"dirsync", 6},     {"mand", 7},         {"nomand", 7},       {"atime", 8},      {"noatime", 8},
    {"diratime", 9},    {"nodiratime", 9},   {"relatime", 10},    {"norelatime", 10}, {"strictatime", 11},
    {"nostrictatime", 11}, {"private", 12},  {"rprivate", 12},    {"shared", 12},    {"rshared", 12},
    {"slave", 12},      {"rslave", 12},      {"unbindable", 12},  {"runbindable", 12}, {"inode32", 13},
    {"inode64", 13},    {"noswap", 14},
};

static int tmpfs_flag_group(const char *opt)
{
    for (size_t i = 0; i < ARRAY_SIZE(tmpfs_flags); i++)
        if (!strcmp(tmpfs_flags[i].name, opt))
            return tmpfs_flags[i].group;
    return 0;
}

static bool digits(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

/* The tmpfs(5) data options, checked here so a typo fails before anything is made. */
static bool tmpfs_data_valid(const char *key, const char *value)
{
    if (!strcmp(key, "size") || !strcmp(key, "nr_blocks") || !strcmp(key, "nr_inodes")) {
        size_t n = strspn(value, "0123456789");
        const char *suffixes = !strcmp(key, "size") ? "kKmMgGtTpPeE%" : "kKmMgGtTpPeE";
        return n > 0 && (value[n] == '\0' || (strchr(suffixes, value[n]) && value[n + 1] == '\0'));
    }
    if (!strcmp(key, "mode"))
        return *value && strspn(value, "01234567") == strlen(value) && strtoul(value, NULL, 8) <= 07777;
    if (!strcmp(key, "uid") || !strcmp(key, "gid"))
        return digits(value);
    if (!strcmp(key, "huge"))
        return !strcmp(value, "never") || !strcmp(value, "always") || !strcmp(value, "within_size") ||
               !strcmp(value, "advise") || !strcmp(value, "deny") || !strcmp(value, "force");
    if (!strcmp(key, "mpol"))
        return *value != '\0';
    return false;
}

/* Adds opt to the merged list, replacing an earlier option it overrides. */
static void tmpfs_merge(char ***opts, const char *opt)
{
    int group = tmpfs_flag_group(opt);
    size_t klen = strcspn(opt, "=");
    char **v = *opts;
    for (size_t i = 0; v && v[i]; i++) {
        bool same = group ? tmpfs_flag_group(v[i]) == group : (!strncmp(v[i], opt, klen) && v[i][klen] == '=');
        if (same) {
            free(v[i]);
            memmove(&v[i], &v[i + 1], (strv_length(v + i + 1) + 1) * sizeof *v);
            break;
        }
    }
    strv_add(opts, xstrdup(opt));
}

void engine_tmpfs_clear(struct engine_tmpfs *t)
{
    free(t->destination);
    free(t->options_text);
    strv_free(t->options);
    memset(t, 0, sizeof *t);
}

int engine_parse_tmpfs(const char *text, struct engine_tmpfs *out, struct hull_error **err)
{
    const char *colon = strchr(text, ':');
    cleanup_free char *dest = colon ? strndup(text, (size_t)(colon - text)) : xstrdup(text);
    const char *opts_text = colon ? colon + 1 : "";
    if (!dest)
        abort();
    if (dest[0] != '/')
        return hull_error_set(err, 0, "invalid --tmpfs \"%s\": the path \"%s\" must be absolute", text, dest);
    if (strspn(dest, "/") == strlen(dest))
        return hull_error_set(err, 0, "invalid --tmpfs \"%s\": cannot mount a tmpfs over /", text);
    cleanup_strv char **opts = NULL;
    static const char *const defaults[] = {"rw", "noexec", "nosuid", "nodev", "rprivate"};
    for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
        strv_add(&opts, xstrdup(defaults[i]));
    cleanup_free char *copy = xstrdup(opts_text);
    for (char *save = NULL, *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        if (!strcmp(o, "defaults"))
            continue;
        char *eq = strchr(o, '=');
        if (!eq) {
            if (!tmpfs_flag_group(o))
                return hull_error_set(err, 0, "invalid --tmpfs \"%s\": unknown option \"%s\"", text, o);
        } else {
            *eq = '\0';
            bool ok = tmpfs_data_valid(o, eq + 1);
            *eq = '=';
            if (!ok)
                return hull_error_set(err, 0,
                                      "invalid --tmpfs \"%s\": bad option \"%s\" (size=N[k|m|g|%%], mode=OCTAL, "
                                      "uid=N, gid=N, nr_inodes=N, huge=..., mpol=...)",
                                      text, o);
        }
        tmpfs_merge(&opts, o);
    }
    /* Trailing slashes would make "/run/" and "/run" two mounts on one path. */
    for (size_t n = strlen(dest); n > 1 && dest[n - 1] == '/'; n--)
        dest[n - 1] = '\0';
    out->destination = steal_pointer(&dest);
    out->options_text = xstrdup(opts_text);
    out->options = steal_pointer(&opts);
    return 0;
}

/* ---- --ulimit ---- */

/* go-units' names.  "rss" is what docker turns into RLIMIT_RSS ("RLIMIT_" +
 * the upper-cased name), which is what the kernel gets from docker. */
static const struct {
    const char *name, *rlimit;
} ulimit_names[] = {
    {"core", "RLIMIT_CORE"},       {"cpu", "RLIMIT_CPU"},           {"data", "RLIMIT_DATA"},
    {"fsize", "RLIMIT_FSIZE"},     {"locks", "RLIMIT_LOCKS"},       {"memlock", "RLIMIT_MEMLOCK"},
    {"msgqueue", "RLIMIT_MSGQUEUE"}, {"nice", "RLIMIT_NICE"},       {"nofile", "RLIMIT_NOFILE"},
    {"nproc", "RLIMIT_NPROC"},     {"rss", "RLIMIT_RSS"},           {"rtprio", "RLIMIT_RTPRIO"},
    {"rttime", "RLIMIT_RTTIME"},   {"sigpending", "RLIMIT_SIGPENDING"}, {"stack", "RLIMIT_STACK"},
};

void engine_ulimit_clear(struct engine_ulimit *u)
{
    free(u->name);
    memset(u, 0, sizeof *u);
}

static bool parse_limit(const char *s, int64_t *v)
{
    return parse_int64(s, v) && *v >= -1;
}

int engine_parse_ulimit(const char *text, struct engine_ulimit *out, struct hull_error **err)
{
    const char *eq = strchr(text, '=');
    if (!eq)
        return hull_error_set(err, 0, "invalid --ulimit \"%s\": want NAME=SOFT[:HARD]", text);
    cleanup_free char *name = strndup(text, (size_t)(eq - text));
    const char *rlimit = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(ulimit_names); i++)
        if (!strcmp(ulimit_names[i].name, name))
            rlimit = ulimit_names[i].rlimit;
    if (!rlimit)
        return hull_error_set(err, 0,
                              "invalid --ulimit \"%s\": unknown limit \"%s\" (core, cpu, data, fsize, locks, memlock, "
                              "msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack)",
                              text, name);
    cleanup_free char *values = xstrdup(eq + 1);
    char *colon = strchr(values, ':');
    if (colon)
        *colon++ = '\0';
    int64_t soft, hard;
    if (!parse_limit(values, &soft) || (colon && !parse_limit(colon, &hard)))
        return hull_error_set(err, 0, "invalid --ulimit \"%s\": limits are integers (or -1 for unlimited)", text);
    if (!colon)
        hard = soft;
    /* -1 is RLIM_INFINITY: larger than any number. */
    if ((uint64_t)soft > (uint64_t)hard)
        return hull_error_set(err, 0, "invalid --ulimit \"%s\": the soft limit must not exceed the hard limit",
                               text);
    out->name = steal_pointer(&name);
    out->rlimit = rlimit;
    out->soft = soft;
    out->hard = hard;
    return 0;
}

/* ---- memory, cpu ---- */

int engine_parse_memory_swap(const char *text, int64_t *bytes, struct hull_error **err)
{
    if (!strcmp(text, "-1")) {
        *bytes = -1;
        return 0;
    }
    return engine_parse_size("--memory-swap", text, bytes, err);
}

int engine_resolve_memory_swap(const char *swap_text, int64_t memory, int64_t *swap, bool host_limits_swap,
                               const char **warning, struct hull_error **err)
{
    *warning = NULL;
    if (*swap > 0 && memory == 0)
        return hull_error_set(err, 0, "invalid --memory-swap \"%s\": it needs --memory (memory-swap is memory+swap)",
                              swap_text);
    if (*swap > 0 && *swap < memory)
        return hull_error_set(err, 0,
                              "invalid --memory-swap \"%s\": it is memory+swap and must be at least --memory (%lld "
                              "bytes)",
                              swap_text, (long long)memory);
    if (!host_limits_swap) {
        if (*swap > 0)
            *warning = "WARNING: Your kernel does not support swap limit capabilities or the cgroup is not "
                       "mounted. Memory limited without swap.";
        *swap = 0;
        return 0;
    }
    /* moby (adaptContainerSettings): "By default, MemorySwap is set to twice the size of Memory." */
    if (*swap == 0 && memory > 0)
        *swap = memory > INT64_MAX / 2 ? -1 : memory * 2;
    return 0;
}

bool engine_host_limits_swap(void)
{
    /* cgroup v1 (or the v1 half of a hybrid host): the memsw files exist only
     * when the kernel accounts swap (CONFIG_MEMCG_SWAP, swapaccount=1). */
    if (access("/sys/fs/cgroup/memory", F_OK) == 0)
        return access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", F_OK) == 0;
    /* cgroup v2 always has memory.swap.max in non-root cgroups when the
     * memory controller is there. */
    cleanup_free char *controllers = NULL;
    return read_file("/sys/fs/cgroup/cgroup.controllers", &controllers, NULL, NULL) == 0 &&
           strstr(controllers, "memory");
}

/* The kernel's cpu.shares range (kernel/sched: MIN_SHARES .. MAX_SHARES). */
#define CPU_SHARES_MIN 2
#define CPU_SHARES_MAX 262144

int engine_parse_cpu_shares(const char *text, uint64_t *shares, const char **warning, struct hull_error **err)
{
    int64_t v;
    *warning = NULL;
    if (!parse_int64(text, &v))
        return hull_error_set(err, 0, "invalid --cpu-shares \"%s\": want an integer (the default weight is 1024)",
                              text);
    if (v == 0) {
        *shares = 0;
    } else if (v < CPU_SHARES_MIN) {
        *warning = "WARNING: --cpu-shares below the minimum: changed to 2";
        *shares = CPU_SHARES_MIN;
    } else if (v > CPU_SHARES_MAX) {
        *warning = "WARNING: --cpu-shares above the maximum: changed to 262144";
        *shares = CPU_SHARES_MAX;
    } else {
        *shares = (uint64_t)v;
    }
    return 0;
}

/* ---- --cpuset-cpus / --cpuset-mems ---- */

#define CPUSET_MAX 8192

/* "0-2,4" into a bitmap; false when malformed. */
static bool cpuset_bits(const char *text, unsigned char bits[CPUSET_MAX / 8])
{
    memset(bits, 0, CPUSET_MAX / 8);
    if (!*text)
        return false;
    cleanup_free char *copy = xstrdup(text);
    char *save = NULL;
    for (char *part = strtok_r(copy, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
        char *dash = strchr(part, '-');
        if (dash)
            *dash++ = '\0';
        uint64_t lo, hi;
        if (!digits(part) || !parse_uint64(part, &lo) || (dash && (!digits(dash) || !parse_uint64(dash, &hi))))
            return false;
        if (!dash)
            hi = lo;
        if (lo > hi || hi >= CPUSET_MAX)
            return false;
        for (uint64_t i = lo; i <= hi; i++)
            bits[i / 8] |= (unsigned char)(1u << (i % 8));
    }
    /* strtok_r skips empty fields: "0,,1" and ",0" are not lists. */
    return !strstr(text, ",,") && text[0] != ',' && text[strlen(text) - 1] != ',';
}

int engine_parse_cpuset(const char *flag, const char *text, const char *available, struct hull_error **err)
{
    unsigned char want[CPUSET_MAX / 8], have[CPUSET_MAX / 8];
    if (!cpuset_bits(text, want))
        return hull_error_set(err, 0, "invalid %s \"%s\": want a list such as 0-2,4", flag, text);
    if (!available || !cpuset_bits(available, have))
        return 0;
    for (size_t i = 0; i < CPUSET_MAX; i++)
        if ((want[i / 8] & (1u << (i % 8))) && !(have[i / 8] & (1u << (i % 8))))
            return hull_error_set(err, 0, "invalid %s \"%s\": %s %zu is not available (this host has %s)", flag,
                                  text, !strcmp(flag, "--cpuset-mems") ? "memory node" : "CPU", i, available);
    return 0;
}

static char *first_readable(const char *const *paths)
{
    for (; *paths; paths++) {
        char *text = NULL;
        if (read_file(*paths, &text, NULL, NULL) == 0) {
            text[strcspn(text, "\n")] = '\0';
            if (*text)
                return text;
        }
        free(text);
    }
    return NULL;
}

char *engine_host_cpus(void)
{
    /* What containers can be given is what the cpuset hierarchy's root has. */
    static const char *const paths[] = {"/sys/fs/cgroup/cpuset/cpuset.effective_cpus", "/sys/fs/cgroup/cpuset/cpuset.cpus",
                                        "/sys/fs/cgroup/cpuset.cpus.effective", "/sys/devices/system/cpu/online", NULL};
    return first_readable(paths);
}

char *engine_host_mems(void)
{
    static const char *const paths[] = {"/sys/fs/cgroup/cpuset/cpuset.effective_mems", "/sys/fs/cgroup/cpuset/cpuset.mems",
                                        "/sys/fs/cgroup/cpuset.mems.effective", "/sys/devices/system/node/online", NULL};
    return first_readable(paths);
}

/* ---- capabilities ---- */

int engine_normalize_capability(const char *flag, const char *text, char **out, struct hull_error **err)
{
    cleanup_free char *upper = xstrdup(text);
    for (char *p = upper; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    if (!strcmp(upper, "ALL")) {
        *out = steal_pointer(&upper);
        return 0;
    }
    cleanup_free char *name = strncmp(upper, "CAP_", 4) ? xasprintf("CAP_%s", upper) : xstrdup(upper);
    int value;
    /* moby accepts the capabilities the running kernel knows. */
    if (caps_parse_name(name, &value) < 0 || value >= (int)cap_max_bits())
        return hull_error_set(err, 0, "invalid %s \"%s\": unknown capability \"%s\"", flag, text, name);
    *out = steal_pointer(&name);
    return 0;
}

/* ---- --security-opt ---- */

/* Go's strconv.ParseBool, which docker uses for no-new-privileges=. */
static bool parse_go_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(s, yes[i]))
            return *out = true, true;
        if (!strcmp(s, no[i]))
            return *out = false, true;
    }
    return false;
}

int engine_parse_security_opt(const char *text, struct engine_run_config *rc, char **seccomp_text,
                              struct hull_error **err)
{
    if (!strcmp(text, "no-new-privileges")) {
        rc->no_new_privileges = true;
        return 0;
    }
    /* "key=value"; docker still takes the old "key:value" spelling. */
    size_t klen = strcspn(text, "=");
    if (!text[klen])
        klen = strcspn(text, ":");
    if (!text[klen])
        return hull_error_set(err, 0,
                              "invalid --security-opt \"%s\": want KEY=VALUE (seccomp, no-new-privileges, "
                              "systempaths, label, apparmor)",
                              text);
    cleanup_free char *key = strndup(text, klen);
    const char *value = text + klen + 1;
    if (!strcmp(key, "no-new-privileges")) {
        if (!parse_go_bool(value, &rc->no_new_privileges))
            return hull_error_set(err, 0, "invalid --security-opt \"%s\": want true or false", text);
        return 0;
    }
    if (!strcmp(key, "seccomp")) {
        free(*seccomp_text);
        *seccomp_text = NULL;
        rc->seccomp_unconfined = !strcmp(value, "unconfined");
        if (rc->seccomp_unconfined)
            return 0;
        if (!*value)
            return hull_error_set(err, 0, "invalid --security-opt \"%s\": want seccomp=FILE or seccomp=unconfined",
                                  text);
        if (read_file(value, seccomp_text, NULL, err) < 0)
            return hull_error_wrap(err, "invalid --security-opt \"%s\"", text);
        return 0;
    }
    if (!strcmp(key, "systempaths")) {
        if (strcmp(value, "unconfined"))
            return hull_error_set(err, 0, "invalid --security-opt \"%s\": only systempaths=unconfined exists", text);
        rc->systempaths_unconfined = true;
        return 0;
    }
    /* Without the LSM in force these change nothing, as with docker on such a
     * host; a request for a specific label or profile cannot be honoured and
     * is refused rather than silently dropped. */
    if (!strcmp(key, "label")) {
        if (!strcmp(value, "disable"))
            return 0;
        return hull_error_set(err, 0, "invalid --security-opt \"%s\": SELinux labels are not implemented%s", text,
                              lsm_selinux_enabled() ? "" : " (and SELinux is not enabled on this host)");
    }
    if (!strcmp(key, "apparmor")) {
        if (!strcmp(value, "unconfined"))
            return 0;
        return hull_error_set(err, 0, "invalid --security-opt \"%s\": AppArmor profiles are not implemented%s", text,
                              lsm_apparmor_enabled() ? "" : " (and AppArmor is not enabled on this host)");
    }
    return hull_error_set(err, 0,
                          "invalid --security-opt \"%s\": unknown option \"%s\" (seccomp, no-new-privileges, "
                          "systempaths, label, apparmor)",
                          text, key);
}
