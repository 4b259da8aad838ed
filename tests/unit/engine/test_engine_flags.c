/* engine_flags, engine_security, engine_etc: docker's formats and meanings of
 * the `hull run` flags beyond the basic ones, and what they make of the
 * generated config (parsed back with spec_parse, as the runtime would). */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../tap.h"
#include "engine/engine_etc.h"
#include "engine/engine_flags.h"
#include "engine/engine_security.h"
#include "engine/engine_spec.h"
#include "security/security.h"
#include "spec/spec.h"
#include "util/utils.h"

static char tmpdir[] = "/tmp/hull-test-engine-flags.XXXXXX";

/* Writes text to a file in tmpdir and returns its path (static buffer). */
static const char *file_with(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    write_file_atomic(path, text, strlen(text), 0600, NULL);
    return path;
}

static bool err_names(struct hull_error **err, const char *want)
{
    bool ok = *err && strstr((*err)->msg, want);
    if (!ok)
        printf("# error: %s (wanted \"%s\")\n", *err ? (*err)->msg : "(none)", want);
    hull_error_free(*err);
    *err = NULL;
    return ok;
}

static char *joined(char *const *v)
{
    size_t len = 1;
    for (char *const *p = v; p && *p; p++)
        len += strlen(*p) + 1;
    char *out = xmalloc0(len);
    for (char *const *p = v; p && *p; p++) {
        if (p != v)
            strcat(out, ",");
        strcat(out, *p);
    }
    return out;
}

static void test_kv_files(void)
{
    cleanup_error struct hull_error *err = NULL;
    setenv("HULL_TEST_FROM_ENV", "ours", 1);
    unsetenv("HULL_TEST_UNSET");
    const char *p = file_with("env", "\xef\xbb\xbf# comment\n\n   A=1\nB= spaced \r\nHULL_TEST_FROM_ENV\nHULL_TEST_UNSET\n"
                                     "C=x=y\n");
    cleanup_strv char **env = NULL;
    TAP_CHECK(engine_parse_kv_file("--env-file", p, true, &env, &err) == 0, "env file parses");
    cleanup_free char *all = joined(env);
    TAP_CHECK(!strcmp(all, "A=1,B= spaced ,HULL_TEST_FROM_ENV=ours,C=x=y"),
              "comments, BOM, blank lines skipped; value kept as is; bare KEY from our env, unset dropped (%s)", all);
    cleanup_strv char **labels = NULL;
    TAP_CHECK(engine_parse_kv_file("--label-file", p, false, &labels, &err) == 0 && strv_length(labels) == 3,
              "label file: bare keys skipped");
    p = file_with("bad1", "A B=1\n");
    TAP_CHECK(engine_parse_kv_file("--env-file", p, true, &env, &err) < 0 && err_names(&err, "whitespace"),
              "a name with a space is refused");
    p = file_with("bad2", "=1\n");
    TAP_CHECK(engine_parse_kv_file("--env-file", p, true, &env, &err) < 0 && err_names(&err, "no variable name"),
              "an empty name is refused");
    p = file_with("bad3", "A=\xff\xfe\n");
    TAP_CHECK(engine_parse_kv_file("--env-file", p, true, &env, &err) < 0 && err_names(&err, "UTF-8"),
              "invalid UTF-8 is refused");
    TAP_CHECK(engine_parse_kv_file("--env-file", "/does/not/exist", true, &env, &err) < 0 &&
                  err_names(&err, "--env-file \"/does/not/exist\""),
              "a missing file is named");
}

static bool tmpfs_is(const char *text, const char *dest, const char *opts)
{
    cleanup_error struct hull_error *err = NULL;
    struct engine_tmpfs t = {0};
    if (engine_parse_tmpfs(text, &t, &err) < 0) {
        printf("# %s: %s\n", text, err->msg);
        return false;
    }
    cleanup_free char *got = joined(t.options);
    bool ok = !strcmp(t.destination, dest) && !strcmp(got, opts);
    if (!ok)
        printf("# %s -> %s %s\n", text, t.destination, got);
    engine_tmpfs_clear(&t);
    return ok;
}

static bool tmpfs_fails(const char *text, const char *want)
{
    cleanup_error struct hull_error *err = NULL;
    struct engine_tmpfs t = {0};
    return engine_parse_tmpfs(text, &t, &err) < 0 && err_names(&err, want);
}

static void test_tmpfs(void)
{
    TAP_CHECK(tmpfs_is("/run", "/run", "rw,noexec,nosuid,nodev,rprivate"), "--tmpfs: docker's defaults");
    TAP_CHECK(tmpfs_is("/run/:size=64m,mode=1770", "/run", "rw,noexec,nosuid,nodev,rprivate,size=64m,mode=1770"),
              "--tmpfs: size and mode added, trailing slash dropped");
    TAP_CHECK(tmpfs_is("/x:exec,ro,size=1m,size=2m", "/x", "nosuid,nodev,rprivate,exec,ro,size=2m"),
              "--tmpfs: a later flag replaces its opposite, a later size the earlier");
    TAP_CHECK(tmpfs_fails("x", "must be absolute"), "--tmpfs relative path refused");
    TAP_CHECK(tmpfs_fails("/", "over /"), "--tmpfs / refused");
    TAP_CHECK(tmpfs_fails("/x:size=big", "size=big"), "--tmpfs bad size refused");
    TAP_CHECK(tmpfs_fails("/x:mode=999", "mode=999"), "--tmpfs bad mode refused");
    TAP_CHECK(tmpfs_fails("/x:whatever", "unknown option \"whatever\""), "--tmpfs unknown option refused");
    TAP_CHECK(tmpfs_fails("/x:bind", "unknown option"), "--tmpfs bind refused");
}

static void test_ulimits(void)
{
    cleanup_error struct hull_error *err = NULL;
    struct engine_ulimit u = {0};
    TAP_CHECK(engine_parse_ulimit("nofile=100:200", &u, &err) == 0 && !strcmp(u.rlimit, "RLIMIT_NOFILE") &&
                  u.soft == 100 && u.hard == 200,
              "--ulimit nofile=100:200");
    engine_ulimit_clear(&u);
    TAP_CHECK(engine_parse_ulimit("core=0", &u, &err) == 0 && u.soft == 0 && u.hard == 0, "hard defaults to soft");
    engine_ulimit_clear(&u);
    TAP_CHECK(engine_parse_ulimit("stack=8192:-1", &u, &err) == 0 && u.hard == -1, "-1 is unlimited");
    engine_ulimit_clear(&u);
    TAP_CHECK(engine_parse_ulimit("rss=1", &u, &err) == 0 && !strcmp(u.rlimit, "RLIMIT_RSS"),
              "rss -> RLIMIT_RSS, as docker passes it");
    engine_ulimit_clear(&u);
    TAP_CHECK(engine_parse_ulimit("nofiles=1", &u, &err) < 0 && err_names(&err, "unknown limit \"nofiles\""),
              "unknown name refused");
    TAP_CHECK(engine_parse_ulimit("nofile=10:5", &u, &err) < 0 && err_names(&err, "soft limit"), "soft > hard refused");
    TAP_CHECK(engine_parse_ulimit("nofile=-1:5", &u, &err) < 0 && err_names(&err, "soft limit"),
              "unlimited soft over a finite hard refused");
    TAP_CHECK(engine_parse_ulimit("nofile", &u, &err) < 0 && err_names(&err, "NAME=SOFT"), "no value refused");
    TAP_CHECK(engine_parse_ulimit("nofile=1k", &u, &err) < 0 && err_names(&err, "integers"), "non-number refused");
}

static void test_resources(void)
{
    cleanup_error struct hull_error *err = NULL;
    const char *warning = NULL;
    int64_t swap = 0;
    TAP_CHECK(engine_parse_memory_swap("-1", &swap, &err) == 0 && swap == -1, "--memory-swap -1");
    TAP_CHECK(engine_parse_memory_swap("1g", &swap, &err) == 0 && swap == 1LL << 30, "--memory-swap 1g");
    TAP_CHECK(engine_parse_memory_swap("-2", &swap, &err) < 0 && err_names(&err, "--memory-swap \"-2\""),
              "--memory-swap -2 refused");
    swap = 0;
    TAP_CHECK(engine_resolve_memory_swap(NULL, 64 << 20, &swap, true, &warning, &err) == 0 && swap == 128 << 20,
              "memory alone: memory+swap is twice memory (moby)");
    swap = 0;
    TAP_CHECK(engine_resolve_memory_swap(NULL, 0, &swap, true, &warning, &err) == 0 && swap == 0,
              "neither: nothing set");
    swap = 32 << 20;
    TAP_CHECK(engine_resolve_memory_swap("32m", 64 << 20, &swap, true, &warning, &err) < 0 &&
                  err_names(&err, "at least --memory"),
              "memory-swap below memory refused");
    swap = 32 << 20;
    TAP_CHECK(engine_resolve_memory_swap("32m", 0, &swap, true, &warning, &err) < 0 && err_names(&err, "needs --memory"),
              "memory-swap without memory refused");
    swap = -1;
    TAP_CHECK(engine_resolve_memory_swap("-1", 64 << 20, &swap, true, &warning, &err) == 0 && swap == -1,
              "memory-swap -1 kept");
    swap = 128 << 20;
    TAP_CHECK(engine_resolve_memory_swap("128m", 64 << 20, &swap, false, &warning, &err) == 0 && swap == 0 && warning,
              "no swap accounting: dropped with docker's warning");

    uint64_t shares;
    TAP_CHECK(engine_parse_cpu_shares("512", &shares, &warning, &err) == 0 && shares == 512 && !warning,
              "--cpu-shares 512");
    TAP_CHECK(engine_parse_cpu_shares("1", &shares, &warning, &err) == 0 && shares == 2 && warning,
              "--cpu-shares 1 clamped to 2 with a warning");
    TAP_CHECK(engine_parse_cpu_shares("1000000", &shares, &warning, &err) == 0 && shares == 262144 && warning,
              "--cpu-shares clamped to 262144");
    TAP_CHECK(engine_parse_cpu_shares("x", &shares, &warning, &err) < 0 && err_names(&err, "--cpu-shares \"x\""),
              "--cpu-shares x refused");

    TAP_CHECK(engine_parse_cpuset("--cpuset-cpus", "0-2,4", "0-7", &err) == 0, "cpuset 0-2,4 within 0-7");
    TAP_CHECK(engine_parse_cpuset("--cpuset-cpus", "0-3", "0-1", &err) < 0 && err_names(&err, "CPU 2 is not available"),
              "a CPU the host lacks is refused, named");
    TAP_CHECK(engine_parse_cpuset("--cpuset-mems", "1", "0", &err) < 0 && err_names(&err, "memory node 1"),
              "a memory node the host lacks is refused");
    const char *bad[] = {"", "a", "1-", "-1", "2-1", "0,,1", "1,", "0-99999"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        TAP_CHECK(engine_parse_cpuset("--cpuset-cpus", bad[i], NULL, &err) < 0 && err_names(&err, "want a list"),
                  "cpuset \"%s\" refused", bad[i]);
}

static void test_security_flags(void)
{
    cleanup_error struct hull_error *err = NULL;
    cleanup_free char *cap = NULL;
    TAP_CHECK(engine_normalize_capability("--cap-add", "net_admin", &cap, &err) == 0 && !strcmp(cap, "CAP_NET_ADMIN"),
              "net_admin -> CAP_NET_ADMIN");
    free(cap);
    cap = NULL;
    TAP_CHECK(engine_normalize_capability("--cap-add", "Cap_Sys_Time", &cap, &err) == 0 && !strcmp(cap, "CAP_SYS_TIME"),
              "case-insensitive, CAP_ optional");
    free(cap);
    cap = NULL;
    TAP_CHECK(engine_normalize_capability("--cap-drop", "all", &cap, &err) == 0 && !strcmp(cap, "ALL"), "all -> ALL");
    TAP_CHECK(engine_normalize_capability("--cap-add", "bogus", &cap, &err) < 0 &&
                  err_names(&err, "--cap-add \"bogus\": unknown capability \"CAP_BOGUS\""),
              "unknown capability refused, named");

    struct engine_run_config rc = {0};
    char *seccomp = NULL;
    TAP_CHECK(engine_parse_security_opt("no-new-privileges", &rc, &seccomp, &err) == 0 && rc.no_new_privileges,
              "no-new-privileges");
    TAP_CHECK(engine_parse_security_opt("no-new-privileges=false", &rc, &seccomp, &err) == 0 && !rc.no_new_privileges,
              "no-new-privileges=false");
    TAP_CHECK(engine_parse_security_opt("no-new-privileges:true", &rc, &seccomp, &err) == 0 && rc.no_new_privileges,
              "legacy no-new-privileges:true");
    TAP_CHECK(engine_parse_security_opt("seccomp=unconfined", &rc, &seccomp, &err) == 0 && rc.seccomp_unconfined,
              "seccomp=unconfined");
    const char *p = file_with("prof.json", "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
    cleanup_free char *opt = xasprintf("seccomp=%s", p);
    TAP_CHECK(engine_parse_security_opt(opt, &rc, &seccomp, &err) == 0 && !rc.seccomp_unconfined && seccomp &&
                  strstr(seccomp, "SCMP_ACT_ALLOW"),
              "seccomp=FILE reads the file");
    free(seccomp);
    seccomp = NULL;
    TAP_CHECK(engine_parse_security_opt("label=disable", &rc, &seccomp, &err) == 0, "label=disable: a no-op");
    TAP_CHECK(engine_parse_security_opt("apparmor=unconfined", &rc, &seccomp, &err) == 0, "apparmor=unconfined: a no-op");
    TAP_CHECK(engine_parse_security_opt("systempaths=unconfined", &rc, &seccomp, &err) == 0 &&
                  rc.systempaths_unconfined,
              "systempaths=unconfined");
    TAP_CHECK(engine_parse_security_opt("seccomp=/does/not/exist", &rc, &seccomp, &err) < 0 &&
                  err_names(&err, "/does/not/exist"),
              "missing seccomp file refused");
    TAP_CHECK(engine_parse_security_opt("no-new-privileges=maybe", &rc, &seccomp, &err) < 0 &&
                  err_names(&err, "true or false"),
              "no-new-privileges=maybe refused");
    TAP_CHECK(engine_parse_security_opt("apparmor=docker-default", &rc, &seccomp, &err) < 0 &&
                  err_names(&err, "apparmor=docker-default"),
              "an AppArmor profile is refused, not silently dropped");
    TAP_CHECK(engine_parse_security_opt("foo=bar", &rc, &seccomp, &err) < 0 && err_names(&err, "unknown option \"foo\""),
              "unknown option refused");
    TAP_CHECK(engine_parse_security_opt("bare", &rc, &seccomp, &err) < 0 && err_names(&err, "KEY=VALUE"),
              "no value refused");
}

static bool caps_are(const struct engine_run_config *rc, const char *want)
{
    cleanup_strv char **caps = engine_capabilities(rc);
    cleanup_free char *got = joined(caps);
    bool ok = !strcmp(got, want);
    if (!ok)
        printf("# caps: %s\n", got);
    return ok;
}

static size_t grantable_count(void)
{
    size_t n = 0;
    for (int c = 0; c < (int)cap_max_bits() && c < 64; c++)
        n += caps_host_can_grant(c);
    return n;
}

static void test_capabilities(void)
{
    const char *defaults = "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_SETGID,CAP_SETUID,CAP_SETPCAP,"
                           "CAP_NET_BIND_SERVICE,CAP_NET_RAW,CAP_SYS_CHROOT,CAP_MKNOD,CAP_AUDIT_WRITE,CAP_SETFCAP";
    struct engine_run_config rc = {0};
    TAP_CHECK(caps_are(&rc, defaults), "docker's 14 default capabilities");
    char *add[] = {"CAP_NET_ADMIN", "CAP_CHOWN", NULL}, *drop[] = {"CAP_CHOWN", "CAP_MKNOD", NULL};
    rc.cap_add = add;
    rc.cap_drop = drop;
    TAP_CHECK(caps_are(&rc, "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_SETGID,CAP_SETUID,"
                            "CAP_SETPCAP,CAP_NET_BIND_SERVICE,CAP_NET_ADMIN,CAP_NET_RAW,CAP_SYS_CHROOT,CAP_AUDIT_WRITE,"
                            "CAP_SETFCAP"),
              "drop, then add: CHOWN in both is kept, MKNOD dropped, NET_ADMIN added");
    char *drop_all[] = {"ALL", NULL}, *add_kill[] = {"CAP_KILL", NULL};
    rc.cap_add = add_kill;
    rc.cap_drop = drop_all;
    TAP_CHECK(caps_are(&rc, "CAP_KILL"), "--cap-drop ALL --cap-add KILL: only KILL");
    char *add_all[] = {"ALL", NULL}, *drop_raw[] = {"CAP_NET_RAW", NULL};
    rc.cap_add = add_all;
    rc.cap_drop = drop_raw;
    cleanup_strv char **caps = engine_capabilities(&rc);
    cleanup_free char *caps_text = joined(caps);
    TAP_CHECK(strv_length(caps) == grantable_count() - 1 && !strstr(caps_text, "CAP_NET_RAW,"),
              "--cap-add ALL --cap-drop NET_RAW: every grantable one but NET_RAW");
    struct engine_run_config priv = {.privileged = true};
    cleanup_strv char **pcaps = engine_capabilities(&priv);
    TAP_CHECK(strv_length(pcaps) == grantable_count(), "--privileged: every capability this host can grant (%zu)",
              strv_length(pcaps));
}

/* The names of the syscalls a profile allows without conditions. */
static bool plain_allowed(const struct hull_seccomp *oci, const char *name)
{
    for (size_t i = 0; i < oci->n_syscalls; i++) {
        const struct hull_seccomp_rule *r = &oci->syscalls[i];
        if (strcmp(r->action, "SCMP_ACT_ALLOW") || r->n_args > 0)
            continue;
        for (char **n = r->names; n && *n; n++)
            if (!strcmp(*n, name))
                return true;
    }
    return false;
}

static bool mentioned(const struct hull_seccomp *oci, const char *name)
{
    for (size_t i = 0; i < oci->n_syscalls; i++)
        for (char **n = oci->syscalls[i].names; n && *n; n++)
            if (!strcmp(*n, name))
                return true;
    return false;
}

static void test_seccomp(void)
{
    cleanup_error struct hull_error *err = NULL;
    struct engine_run_config rc = {0};
    cleanup_strv char **caps = engine_capabilities(&rc);
    struct hull_seccomp *oci = NULL;
    TAP_CHECK(engine_seccomp(&rc, caps, &oci, &err) == 0 && oci, "the built-in default profile");
    TAP_CHECK(!strcmp(oci->default_action, "SCMP_ACT_ERRNO"), "default: deny by default");
    TAP_CHECK(!plain_allowed(oci, "mount") && !plain_allowed(oci, "unshare") && !plain_allowed(oci, "clone") &&
                  mentioned(oci, "clone3"),
              "default: no mount/unshare, clone only with flag checks, clone3 ENOSYS");
    spec_seccomp_free(oci);

    char *add[] = {"CAP_SYS_ADMIN", "CAP_SYS_TIME", NULL};
    rc.cap_add = add;
    cleanup_strv char **admin = engine_capabilities(&rc);
    TAP_CHECK(engine_seccomp(&rc, admin, &oci, &err) == 0, "default profile with CAP_SYS_ADMIN");
    TAP_CHECK(plain_allowed(oci, "mount") && plain_allowed(oci, "unshare") && plain_allowed(oci, "setns") &&
                  plain_allowed(oci, "settimeofday"),
              "CAP_SYS_ADMIN/CAP_SYS_TIME bring their syscalls, as docker's profile does");
    TAP_CHECK(plain_allowed(oci, "clone") && plain_allowed(oci, "clone3"), "CAP_SYS_ADMIN lifts clone's restrictions");
    spec_seccomp_free(oci);

    struct engine_run_config priv = {.privileged = true};
    oci = (struct hull_seccomp *)1;
    TAP_CHECK(engine_seccomp(&priv, caps, &oci, &err) == 0 && oci == NULL, "--privileged: no seccomp");
    struct engine_run_config unconf = {.seccomp_unconfined = true};
    oci = (struct hull_seccomp *)1;
    TAP_CHECK(engine_seccomp(&unconf, caps, &oci, &err) == 0 && oci == NULL, "seccomp=unconfined: no seccomp");

    /* docker's format: archMap, name, includes/excludes. */
    struct engine_run_config user = {
        .seccomp_profile =
            "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\","
            "\"subArchitectures\":[\"SCMP_ARCH_X86\"]},{\"architecture\":\"SCMP_ARCH_AARCH64\",\"subArchitectures\":[]}],"
            "\"syscalls\":[{\"name\":\"mkdir\",\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13},"
            "{\"names\":[\"rmdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
            "{\"names\":[\"chdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
            "{\"names\":[\"fchdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"includes\":{\"minKernel\":\"99.0\"}}]}",
    };
    TAP_CHECK(engine_seccomp(&user, caps, &oci, &err) == 0 && oci, "docker-format profile converted");
    if (oci) {
#if defined(__x86_64__)
        TAP_CHECK(strv_length(oci->architectures) == 2 && !strcmp(oci->architectures[0], "SCMP_ARCH_X86_64") &&
                      !strcmp(oci->architectures[1], "SCMP_ARCH_X86"),
                  "archMap: the native architecture and its sub-architectures");
#endif
        /* The struct has no place for includes/excludes or "name": they were applied and dropped. */
        TAP_CHECK(mentioned(oci, "mkdir") && !mentioned(oci, "rmdir") && mentioned(oci, "chdir") &&
                      !mentioned(oci, "fchdir"),
                  "name -> names; includes/excludes by caps and minKernel applied and dropped");
        spec_seccomp_free(oci);
    }
    user.seccomp_profile = "{\"defaultAction\":\"SCMP_ACT_NOPE\"}";
    TAP_CHECK(engine_seccomp(&user, caps, &oci, &err) < 0 && err_names(&err, "SCMP_ACT_NOPE"),
              "an unknown action is refused before anything runs");
    user.seccomp_profile = "{not json";
    TAP_CHECK(engine_seccomp(&user, caps, &oci, &err) < 0 && err_names(&err, "not valid JSON"), "bad JSON refused");
    user.seccomp_profile = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86\"],"
                           "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\"}]}";
    TAP_CHECK(engine_seccomp(&user, caps, &oci, &err) < 0 && err_names(&err, "archMap"),
              "architectures and archMap together refused");
}

static void test_etc_files(void)
{
    cleanup_free char *hosts = engine_hosts_content("h1", "web");
    TAP_CHECK(strstr(hosts, "127.0.0.1\tlocalhost\n") && strstr(hosts, "ff02::2\tip6-allrouters\n") &&
                  strstr(hosts, "127.0.0.1\th1 web\n") && strstr(hosts, "::1\th1 web\n"),
              "hosts: docker's localhost lines, the host name and container name on loopback (no network)");
    cleanup_free char *same = engine_hosts_content("h1", "h1");
    TAP_CHECK(strstr(same, "127.0.0.1\th1\n"), "hosts: a name equal to the host name is not repeated");
    cleanup_free char *r = engine_resolv_conf_filter("# generated\nsearch example.com\nnameserver 127.0.0.53\n"
                                                     "nameserver 10.0.0.2\nnameserver ::1\noptions ndots:2\n");
    TAP_CHECK(!strcmp(r, "# generated\nsearch example.com\nnameserver 10.0.0.2\noptions ndots:2\n"),
              "resolv.conf: loopback nameservers dropped, the rest kept");
    cleanup_free char *fallback = engine_resolv_conf_filter("nameserver 127.0.0.1\nsearch lan\n");
    TAP_CHECK(strstr(fallback, "search lan\n") && strstr(fallback, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n"),
              "resolv.conf: docker's fallback servers when only loopback ones were there");

    struct engine_etc_files f = {0};
    cleanup_error struct hull_error *err = NULL;
    struct engine_run_config no_network_flags = {0};
    TAP_CHECK(engine_etc_files_write(tmpdir, "box", "name", &no_network_flags, &f, &err) == 0, "etc files written");
    cleanup_free char *hn = NULL, *h = NULL, *rc = NULL;
    TAP_CHECK(read_file(f.hostname, &hn, NULL, NULL) == 0 && !strcmp(hn, "box\n") &&
                  read_file(f.hosts, &h, NULL, NULL) == 0 && strstr(h, "box name") &&
                  read_file(f.resolv_conf, &rc, NULL, NULL) == 0 && strstr(rc, "nameserver"),
              "hostname, hosts and resolv.conf in the container directory");
    engine_etc_files_clear(&f);
}

static const char *IMAGE_CONFIG = "{\"config\":{\"Cmd\":[\"sh\"]}}";

static struct hull_spec *build(const struct engine_run_config *rc, struct json_object **json)
{
    cleanup_error struct hull_error *err = NULL;
    cleanup_free char *text = NULL;
    if (engine_spec_build(IMAGE_CONFIG, rc, "h", "/nonexistent-rootfs", &text, &err) < 0) {
        printf("# build: %s\n", err->msg);
        return NULL;
    }
    struct hull_spec *spec = NULL;
    if (spec_parse(text, &spec, &err) < 0) {
        printf("# parse: %s\n", err->msg);
        return NULL;
    }
    *json = json_tokener_parse(text);
    return spec;
}

static int mount_index(const struct hull_spec *s, const char *dest)
{
    for (size_t i = 0; i < s->n_mounts; i++)
        if (!strcmp(s->mounts[i].destination, dest))
            return (int)i;
    return -1;
}

static void test_spec(void)
{
    struct engine_tmpfs tmpfs[2] = {0};
    cleanup_error struct hull_error *err = NULL;
    engine_parse_tmpfs("/etc/x:size=1m", &tmpfs[0], &err);
    engine_parse_tmpfs("/dev/shm:size=2m", &tmpfs[1], &err);
    struct engine_bind binds[] = {{.source = "/tmp", .destination = "/etc"}};
    struct engine_ulimit ulimits[] = {{.name = "nofile", .rlimit = "RLIMIT_NOFILE", .soft = 10, .hard = 20},
                                      {.name = "core", .rlimit = "RLIMIT_CORE", .soft = -1, .hard = -1},
                                      {.name = "nofile", .rlimit = "RLIMIT_NOFILE", .soft = 30, .hard = 40}};
    struct engine_run_config rc = {
        .tmpfs = tmpfs,
        .n_tmpfs = 2,
        .binds = binds,
        .n_binds = 1,
        .ulimits = ulimits,
        .n_ulimits = 3,
        .memory = 64 << 20,
        .memory_swap = 128 << 20,
        .cpu_shares = 512,
        .cpuset_cpus = "0",
        .cpuset_mems = "0",
        .init_path = "/usr/libexec/hull/hull-init",
        .hostname_path = "/c/hostname",
        .hosts_path = "/c/hosts",
        .resolv_conf_path = "/c/resolv.conf",
        .no_new_privileges = true,
    };
    struct json_object *j = NULL;
    struct hull_spec *s = build(&rc, &j);
    TAP_CHECK(s != NULL, "all the flags -> a valid spec");
    if (!s)
        return;
    TAP_CHECK(strv_length(s->process->args) == 3 && !strcmp(s->process->args[0], ENGINE_INIT_PATH) &&
                  !strcmp(s->process->args[1], "--") && !strcmp(s->process->args[2], "sh"),
              "--init: /dev/init -- CMD");
    int init = mount_index(s, ENGINE_INIT_PATH);
    TAP_CHECK(init >= 0 && !strcmp(s->mounts[init].source, "/usr/libexec/hull/hull-init") &&
                  (s->mounts[init].flags & MS_RDONLY),
              "--init: hull-init bind-mounted read-only");
    int shm = mount_index(s, "/dev/shm"), etc = mount_index(s, "/etc"), etcx = mount_index(s, "/etc/x"),
        hosts = mount_index(s, "/etc/hosts");
    size_t n_shm = 0;
    for (size_t i = 0; i < s->n_mounts; i++)
        n_shm += !strcmp(s->mounts[i].destination, "/dev/shm");
    TAP_CHECK(n_shm == 1 && shm >= 0 && s->mounts[shm].data && strstr(s->mounts[shm].data, "size=2m"),
              "--tmpfs /dev/shm replaces the default /dev/shm");
    TAP_CHECK(etc >= 0 && etcx > etc && hosts > etc, "mounts ordered by depth: -v /etc before /etc/x and /etc/hosts");
    TAP_CHECK(hosts >= 0 && !strcmp(s->mounts[hosts].source, "/c/hosts") && mount_index(s, "/etc/resolv.conf") >= 0 &&
                  mount_index(s, "/etc/hostname") >= 0,
              "generated /etc files bind-mounted");
    TAP_CHECK(s->process->n_rlimits == 2, "--ulimit: one rlimit per name, the last given");
    bool nofile_last = false, core_inf = false;
    for (size_t i = 0; i < s->process->n_rlimits; i++) {
        nofile_last |= s->process->rlimits[i].resource == RLIMIT_NOFILE && s->process->rlimits[i].soft == 30;
        core_inf |= s->process->rlimits[i].resource == RLIMIT_CORE && s->process->rlimits[i].hard == UINT64_MAX;
    }
    TAP_CHECK(nofile_last && core_inf, "--ulimit values, -1 as unlimited");
    TAP_CHECK(s->process->no_new_privileges, "no-new-privileges");
    TAP_CHECK(s->linux_.seccomp != NULL, "the default seccomp profile is set");
    const char *res = json_object_to_json_string_ext(
        json_object_object_get(json_object_object_get(j, "linux"), "resources"), JSON_C_TO_STRING_PLAIN);
    TAP_CHECK(strstr(res, "\"swap\":134217728") && strstr(res, "\"shares\":512") && strstr(res, "\"cpus\":\"0\"") &&
                  strstr(res, "\"mems\":\"0\""),
              "memory.swap, cpu.shares, cpu.cpus, cpu.mems (%s)", res);
    TAP_CHECK(s->linux_.masked_paths && s->linux_.masked_paths[0], "masked paths by default");
    json_object_put(j);
    spec_free(s);

    /* A user mount on /etc/hosts wins over the generated file. */
    struct engine_bind hosts_bind[] = {{.source = "/tmp/h", .destination = "/etc/hosts"}};
    struct engine_run_config rc2 = {.binds = hosts_bind, .n_binds = 1, .hosts_path = "/c/hosts", .read_only = true};
    s = build(&rc2, &j);
    TAP_CHECK(s && mount_index(s, "/etc/hosts") >= 0 && !strcmp(s->mounts[mount_index(s, "/etc/hosts")].source, "/tmp/h"),
              "-v onto /etc/hosts replaces the generated one");
    json_object_put(j);
    spec_free(s);

    struct engine_run_config priv = {.privileged = true};
    s = build(&priv, &j);
    TAP_CHECK(s != NULL, "--privileged -> a valid spec");
    if (s) {
        int sys = mount_index(s, "/sys");
        TAP_CHECK(!s->linux_.seccomp && (!s->linux_.masked_paths || !s->linux_.masked_paths[0]) &&
                      (!s->linux_.readonly_paths || !s->linux_.readonly_paths[0]),
                  "--privileged: no seccomp, no masked or read-only paths");
        TAP_CHECK(sys >= 0 && !(s->mounts[sys].flags & MS_RDONLY), "--privileged: /sys read-write");
        /* {"allow": true, "access": "rwm"}: no type, major or minor is every device */
        const struct hull_resources *res = &s->linux_.resources;
        TAP_CHECK(res->n_devices == 1 && res->devices[0].allow && res->devices[0].type == 'a' &&
                      !res->devices[0].has_major && !res->devices[0].has_minor &&
                      !strcmp(res->devices[0].access, "rwm"),
                  "--privileged: every device");
        json_object_put(j);
        spec_free(s);
    }
    engine_tmpfs_clear(&tmpfs[0]);
    engine_tmpfs_clear(&tmpfs[1]);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_kv_files();
    test_tmpfs();
    test_ulimits();
    test_resources();
    test_security_flags();
    test_capabilities();
    test_seccomp();
    test_etc_files();
    test_spec();
    rm_rf(tmpdir, NULL);
    return TAP_DONE();
}
