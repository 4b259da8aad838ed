#include "utils.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void freep(void *p)
{
    free(*(void **)p);
}

void closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
    }
    *fd = -1;
}

void fclosep(FILE **f)
{
    if (*f)
        fclose(*f);
}

void closedirp(DIR **d)
{
    if (*d)
        closedir(*d);
}

void strv_free(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

void strv_freep(char ***v)
{
    strv_free(*v);
    *v = NULL;
}

size_t strv_length(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

void strv_add(char ***v, char *item)
{
    size_t n = strv_length(*v);
    char **grown = xrealloc(*v, (n + 2) * sizeof *grown);
    grown[n] = item;
    grown[n + 1] = NULL;
    *v = grown;
}

char **strv_copy(char *const *v)
{
    if (v == NULL)
        return NULL;
    size_t n = strv_length(v);
    char **copy = xmalloc0((n + 1) * sizeof *copy);
    for (size_t i = 0; i < n; i++)
        copy[i] = xstrdup(v[i]);
    return copy;
}

int lock_file_in_dir(const char *dir, int *fd, struct hull_error **err)
{
    if (mkdir_p(dir, 0700, err) < 0)
        return -1;
    cleanup_free char *path = xasprintf("%s/.lock", dir);
    int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (f < 0)
        return hull_error_set(err, errno, "open %s", path);
    if (flock(f, LOCK_EX) < 0) {
        int e = errno;
        close(f);
        return hull_error_set(err, e, "lock %s", path);
    }
    *fd = f;
    return 0;
}

void *xmalloc0(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p)
        abort();
    return p;
}

void *xrealloc(void *p, size_t size)
{
    void *grown = realloc(p, size ? size : 1);
    if (!grown)
        abort();
    return grown;
}

char *xstrdup(const char *s)
{
    if (!s)
        return NULL;
    char *r = strdup(s);
    if (!r)
        abort();
    return r;
}

char *xstrndup(const char *s, size_t n)
{
    char *d = strndup(s, n);
    if (!d)
        abort();
    return d;
}

char *xasprintf(const char *fmt, ...)
{
    char *r;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&r, fmt, ap) < 0)
        abort();
    va_end(ap);
    return r;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t r = read(fd, (char *)buf + done, len - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        done += r;
    }
    return done;
}

ssize_t write_all(int fd, const void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t r = write(fd, (const char *)buf + done, len - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        done += r;
    }
    return done;
}

int read_file_at(int dirfd, const char *path, char **out, size_t *len_out, struct hull_error **err)
{
    cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hull_error_set(err, errno, "open %s", path);
    size_t cap = 4096, len = 0;
    cleanup_free char *buf = xmalloc0(cap);
    for (;;) {
        if (len + 1 >= cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + len, cap - len - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return hull_error_set(err, errno, "read %s", path);
        if (r == 0)
            break;
        len += r;
    }
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    *out = steal_pointer(&buf);
    return 0;
}

int read_file(const char *path, char **out, size_t *len_out, struct hull_error **err)
{
    return read_file_at(AT_FDCWD, path, out, len_out, err);
}

int write_file_at(int dirfd, const char *path, const char *data, size_t len, struct hull_error **err)
{
    cleanup_close int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_TRUNC);
    if (fd < 0)
        return hull_error_set(err, errno, "open %s", path);
    if (write_all(fd, data, len) < 0)
        return hull_error_set(err, errno, "write %s", path);
    return 0;
}

int write_file(const char *path, const char *data, size_t len, struct hull_error **err)
{
    return write_file_at(AT_FDCWD, path, data, len, err);
}

static int replace_file(const char *path, const char *data, size_t len, mode_t mode, bool durable,
                        struct hull_error **err)
{
    cleanup_free char *tmp = xasprintf("%s.tmp-%d", path, getpid());
    cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return hull_error_set(err, errno, "create %s", tmp);
    if (write_all(fd, data, len) < 0 || (durable && fsync(fd) < 0)) {
        int saved = errno;
        unlink(tmp);
        return hull_error_set(err, saved, "write %s", tmp);
    }
    if (rename(tmp, path) < 0) {
        int saved = errno;
        unlink(tmp);
        return hull_error_set(err, saved, "rename %s to %s", tmp, path);
    }
    return 0;
}

int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode, struct hull_error **err)
{
    return replace_file(path, data, len, mode, true, err);
}

int write_file_replace(const char *path, const char *data, size_t len, mode_t mode, struct hull_error **err)
{
    return replace_file(path, data, len, mode, false, err);
}

int write_file_new(const char *path, const char *data, size_t len, mode_t mode, struct hull_error **err)
{
    cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return hull_error_set(err, errno, "create %s", path);
    if (write_all(fd, data, len) < 0) {
        int saved = errno;
        unlink(path);
        return hull_error_set(err, saved, "write %s", path);
    }
    return 0;
}

size_t stale_tmp_files(const char *dir, bool remove, void (*found)(const char *path, void *data), void *data)
{
    cleanup_dir DIR *d = opendir(dir);
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        const char *tag = strstr(e->d_name, ".tmp-");
        int64_t pid;
        if (!tag || tag == e->d_name || !parse_int64(tag + 5, &pid) || pid <= 0 || pid > INT32_MAX)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        cleanup_free char *path = xasprintf("%s/%s", dir, e->d_name);
        if (found)
            found(path, data);
        if (remove)
            unlinkat(dirfd(d), e->d_name, 0);
        n++;
    }
    return n;
}

/* The whole path first: it (or all but its last component) usually exists,
 * and walking down from / cost a `hull run` ~160 failing mkdirs.  Only on
 * ENOENT are the parents made, deepest existing one first. */
static int mkdir_p_at(char *path, mode_t mode, struct hull_error **err)
{
    if (mkdir(path, mode) == 0 || errno == EEXIST)
        return 0;
    if (errno != ENOENT)
        return hull_error_set(err, errno, "mkdir %s", path);
    char *slash = strrchr(path, '/');
    while (slash && slash > path && slash[-1] == '/')
        slash--;
    if (!slash || slash == path)
        return hull_error_set(err, ENOENT, "mkdir %s", path);
    *slash = '\0';
    int r = mkdir_p_at(path, mode, err);
    *slash = '/';
    if (r < 0)
        return -1;
    /* EEXIST: made meanwhile by someone else, as good */
    if (mkdir(path, mode) < 0 && errno != EEXIST)
        return hull_error_set(err, errno, "mkdir %s", path);
    return 0;
}

int mkdir_p(const char *path, mode_t mode, struct hull_error **err)
{
    cleanup_free char *copy = xstrdup(path);
    return mkdir_p_at(copy, mode, err);
}

int mkdir_private(const char *path, struct hull_error **err)
{
    cleanup_free char *parent = xstrdup(path);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        if (mkdir_p(parent, 0711, err) < 0)
            return -1;
    }
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return hull_error_set(err, errno, "mkdir %s", path);
    return 0;
}

static int rm_rf_at(int parent_fd, const char *name, dev_t dev, struct hull_error **err)
{
    struct stat st;
    if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : hull_error_set(err, errno, "stat %s", name);
    if (S_ISDIR(st.st_mode)) {
        if (st.st_dev != dev)
            return hull_error_set(err, EBUSY, "refusing to remove %s: it is a mount point", name);
        int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            return hull_error_set(err, errno, "open %s", name);
        cleanup_dir DIR *d = fdopendir(fd);
        if (!d) {
            close(fd);
            return hull_error_set(err, errno, "opendir %s", name);
        }
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            if (rm_rf_at(dirfd(d), de->d_name, dev, err) < 0)
                return hull_error_wrap(err, "remove %s", name);
        }
        if (unlinkat(parent_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
            return hull_error_set(err, errno, "rmdir %s", name);
        return 0;
    }
    if (unlinkat(parent_fd, name, 0) < 0 && errno != ENOENT)
        return hull_error_set(err, errno, "unlink %s", name);
    return 0;
}

int rm_rf(const char *path, struct hull_error **err)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : hull_error_set(err, errno, "stat %s", path);
    return rm_rf_at(AT_FDCWD, path, st.st_dev, err);
}

bool parse_int64(const char *s, int64_t *out)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

bool parse_uint64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

unsigned long long process_start_time(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    cleanup_free char *buf = NULL;
    if (read_file(path, &buf, NULL, NULL) < 0)
        return 0;
    /* The command name (field 2) may contain spaces and parentheses: skip to the last ')'. */
    char *p = strrchr(buf, ')');
    if (!p)
        return 0;
    p += 2; /* now at field 3 */
    for (int field = 3; field < 22 && p; field++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    return p ? strtoull(p, NULL, 10) : 0;
}

char *rfc3339_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return xasprintf("%s.%09ldZ", buf, ts.tv_nsec);
}

bool running_in_user_namespace(void)
{
    cleanup_free char *map = NULL;
    if (read_file("/proc/self/uid_map", &map, NULL, NULL) < 0)
        return false;
    unsigned long inside, outside, count;
    return sscanf(map, "%lu %lu %lu", &inside, &outside, &count) != 3 || inside != 0 || outside != 0 ||
           count != 4294967295UL || strchr(map, '\n') != strrchr(map, '\n');
}

bool running_rootless(void)
{
    return geteuid() != 0 || running_in_user_namespace();
}

bool fs_context_is_legacy(const char *fstype)
{
    cleanup_close int fsfd = fsopen(fstype, FSOPEN_CLOEXEC);
    return fsfd >= 0 && fsconfig(fsfd, FSCONFIG_SET_FLAG, "hull-no-such-option", NULL, 0) == 0;
}
