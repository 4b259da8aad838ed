/* hull: a cache of compiled seccomp programs.
 *
 * Why: libseccomp needs 20-40 ms (cold, in a fresh runtime process) to turn
 * Docker-sized profiles (~360 syscalls) into BPF, a third of a whole `run`;
 * reading the cached program takes well under a millisecond.  crun caches for
 * the same reason.  Numbers in docs/security.md.
 *
 * Key: every input that shapes the BPF (default action and errno,
 * architectures, rules), plus the libseccomp version and the kernel release
 * (libseccomp adapts its output to the kernel's API level), serialized
 * unambiguously (length-prefixed).  The file name is a 64-bit FNV-1a hash of
 * the key, and the file stores the key itself: a hit requires the stored key
 * to be byte-for-byte equal, so a hash collision (FNV is not collision-proof)
 * can only cause a miss, never the wrong filter.
 *
 * Where: STATE_ROOT/seccomp-cache, STATE_ROOT being the caller's state
 * directory (hull --runroot, hull-runtime --root; /run/hull by default, on
 * tmpfs: gone at reboot, like a kernel update), only if that directory belongs to us and nobody else can
 * write it; files are written to a temporary name and renamed, so concurrent
 * runtimes never read half a program.  HULL_SECCOMP_CACHE=off disables it,
 * HULL_SECCOMP_CACHE=DIR moves it. */
#include "seccomp_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/utils.h"

#define CACHE_MAGIC "hull-seccomp-bpf-1\n"
#define CACHE_DEFAULT_DIR "/run/hull/" HULL_PRIVATE_PREFIX "seccomp-cache"
#define CACHE_MAX_ENTRIES 512

static char *cache_dir_override;
static bool cache_dir_overridden;
static char *cache_default_dir; /* STATE_ROOT/@seccomp-cache */

void seccomp_cache_set_state_root(const char *root)
{
    free(cache_default_dir);
    cache_default_dir = root ? xasprintf("%s/" HULL_PRIVATE_PREFIX "seccomp-cache", root) : NULL;
}

void seccomp_cache_set_dir(const char *dir)
{
    free(cache_dir_override);
    cache_dir_override = dir ? xstrdup(dir) : NULL;
    cache_dir_overridden = true;
}

static const char *cache_dir(void)
{
    if (cache_dir_overridden)
        return cache_dir_override;
    const char *env = getenv("HULL_SECCOMP_CACHE");
    if (env && (strcmp(env, "off") == 0 || strcmp(env, "0") == 0 || *env == '\0'))
        return NULL;
    if (env && env[0] == '/')
        return env;
    return cache_default_dir ? cache_default_dir : CACHE_DEFAULT_DIR;
}

struct keybuf {
    char *data;
    size_t len, cap;
};

static void key_put(struct keybuf *k, const char *tag, const char *s)
{
    if (!s)
        s = "";
    char head[64];
    int hl = snprintf(head, sizeof(head), "%s%zu:", tag, strlen(s));
    size_t need = k->len + (size_t)hl + strlen(s) + 1;
    if (need > k->cap) {
        k->cap = need * 2;
        char *n = xrealloc(k->data, k->cap);
        k->data = n;
    }
    memcpy(k->data + k->len, head, (size_t)hl);
    k->len += (size_t)hl;
    memcpy(k->data + k->len, s, strlen(s));
    k->len += strlen(s);
    k->data[k->len] = '\0';
}

static void key_put_u64(struct keybuf *k, const char *tag, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
    key_put(k, tag, buf);
}

char *seccomp_cache_key(const struct hull_seccomp *s, size_t *len)
{
    struct keybuf k = {0};
    const struct scmp_version *v = seccomp_version();
    struct utsname u;
    uname(&u);
    key_put(&k, "format", "2"); /* 2: programs carry the ENOSYS stub */
    key_put_u64(&k, "libseccomp", (uint64_t)v->major << 32 | v->minor << 16 | v->micro);
    key_put_u64(&k, "api", seccomp_api_get());
    key_put(&k, "kernel", u.release);
    key_put(&k, "machine", u.machine);
    key_put(&k, "default", s->default_action);
    key_put_u64(&k, "errno", s->has_default_errno_ret ? s->default_errno_ret + 1 : 0);
    for (size_t i = 0; s->architectures && s->architectures[i]; i++)
        key_put(&k, "arch", s->architectures[i]);
    for (size_t i = 0; i < s->n_syscalls; i++) {
        const struct hull_seccomp_rule *r = &s->syscalls[i];
        key_put(&k, "rule", r->action);
        key_put_u64(&k, "errno", r->has_errno_ret ? (uint64_t)r->errno_ret + 1 : 0);
        for (size_t n = 0; r->names && r->names[n]; n++)
            key_put(&k, "name", r->names[n]);
        for (size_t a = 0; a < r->n_args; a++) {
            key_put_u64(&k, "index", r->args[a].index);
            key_put_u64(&k, "value", r->args[a].value);
            key_put_u64(&k, "value2", r->args[a].value_two);
            key_put(&k, "op", r->args[a].op);
        }
    }
    *len = k.len;
    return k.data;
}

static uint64_t fnv1a64(const char *data, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)data[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* The directory is usable only if it is ours and closed to everyone else:
 * a program someone else could write would be loaded as our filter. */
static int open_cache_dir(bool create)
{
    const char *dir = cache_dir();
    if (!dir)
        return -1;
    if (create) {
        struct hull_error *err = NULL;
        if (mkdir_private(dir, &err) < 0) {
            hull_error_free(err);
            return -1;
        }
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 0022)) {
        log_debug("seccomp cache: %s is not private to uid %u, not using it", dir, (unsigned)geteuid());
        close(fd);
        return -1;
    }
    return fd;
}

static char *entry_name(const char *key, size_t key_len)
{
    return xasprintf("%016llx.bpf", (unsigned long long)fnv1a64(key, key_len));
}

int seccomp_cache_lookup(const char *key, size_t key_len, struct sock_filter **insns, size_t *n_insns)
{
    cleanup_close int dfd = open_cache_dir(false);
    if (dfd < 0)
        return -1;
    cleanup_free char *name = entry_name(key, key_len);
    cleanup_free char *data = NULL;
    size_t len = 0;
    struct hull_error *err = NULL;
    if (read_file_at(dfd, name, &data, &len, &err) < 0) {
        hull_error_free(err);
        return -1;
    }
    /* magic, key length (u64), key, then the program */
    size_t off = strlen(CACHE_MAGIC);
    uint64_t stored_len;
    if (len < off + sizeof(stored_len) || memcmp(data, CACHE_MAGIC, off) != 0)
        return -1;
    memcpy(&stored_len, data + off, sizeof(stored_len));
    off += sizeof(stored_len);
    if (stored_len != key_len || len - off < key_len || memcmp(data + off, key, key_len) != 0)
        return -1; /* another profile with the same hash, or a stale format */
    off += key_len;
    size_t prog = len - off;
    if (prog == 0 || prog % sizeof(struct sock_filter) != 0 || prog / sizeof(struct sock_filter) > BPF_MAXINSNS)
        return -1;
    *insns = xmalloc0(prog);
    memcpy(*insns, data + off, prog);
    *n_insns = prog / sizeof(struct sock_filter);
    return 0;
}

static size_t count_entries(int dfd)
{
    int fd = dup(dfd);
    if (fd < 0)
        return SIZE_MAX;
    cleanup_dir DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return SIZE_MAX;
    }
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    return n;
}

void seccomp_cache_store(const char *key, size_t key_len, const struct sock_filter *insns, size_t n_insns)
{
    cleanup_close int dfd = open_cache_dir(true);
    if (dfd < 0)
        return;
    /* No eviction: a host uses a handful of profiles.  A full cache just stops growing. */
    if (count_entries(dfd) >= CACHE_MAX_ENTRIES)
        return;
    cleanup_free char *name = entry_name(key, key_len);
    cleanup_free char *tmp = xasprintf(".%s.%d", name, getpid());
    cleanup_close int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    uint64_t kl = key_len;
    bool ok = write_all(fd, CACHE_MAGIC, strlen(CACHE_MAGIC)) == (ssize_t)strlen(CACHE_MAGIC) &&
              write_all(fd, &kl, sizeof(kl)) == (ssize_t)sizeof(kl) && write_all(fd, key, key_len) == (ssize_t)key_len &&
              write_all(fd, insns, n_insns * sizeof(*insns)) == (ssize_t)(n_insns * sizeof(*insns));
    if (!ok || renameat(dfd, tmp, dfd, name) < 0) {
        unlinkat(dfd, tmp, 0);
        return;
    }
    log_debug("seccomp cache: stored %s (%zu instructions)", name, n_insns);
}
