#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cgroup/cgroup.h"
#include "../util/utils.h"

const char *container_status_name(enum container_status s)
{
    static const char *names[] = {"creating", "created", "running", "paused", "stopped"};
    return names[s];
}

int container_id_validate(const char *id, struct hull_error **err)
{
    if (id == NULL || *id == '\0')
        return hull_error_set(err, 0, "container id must not be empty");
    if (!strcmp(id, ".") || !strcmp(id, ".."))
        return hull_error_set(err, 0, "invalid container id \"%s\"", id);
    if (strlen(id) > 1024)
        return hull_error_set(err, 0, "invalid container id: longer than 1024 characters");
    for (const char *p = id; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '+' || c == '-' || c == '.';
        if (!ok)
            return hull_error_set(err, 0, "invalid container id \"%s\": only [A-Za-z0-9_+.-] are allowed", id);
    }
    return 0;
}

char *state_default_root(void)
{
    /* Not root, /run is not ours: runc uses $XDG_RUNTIME_DIR/runc, and so
     * does it as "root" of a user namespace unless $USER says root (rootless
     * podman runs the runtime in its user namespace, XDG_RUNTIME_DIR set). */
    const char *user = getenv("USER");
    bool rootless = geteuid() != 0 || (running_in_user_namespace() && (!user || strcmp(user, "root")));
    if (!rootless)
        return xstrdup("/run/hull");
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg && xdg[0] == '/')
        return xasprintf("%s/hull", xdg);
    /* systemd-logind's directory for the user, when nobody said */
    return xasprintf("/run/user/%u/hull", (unsigned)geteuid());
}

char *state_dir_path(const char *root, const char *id)
{
    return xasprintf("%s/%s", root, id);
}

int state_dir_lock(const char *root, const char *id, int *fd_out, struct hull_error **err)
{
    if (container_id_validate(id, err) < 0)
        return -1;
    cleanup_free char *dir = state_dir_path(root, id);
    cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return hull_error_set(err, 0, "container \"%s\" does not exist", id);
        return hull_error_set(err, errno, "open state directory %s", dir);
    }
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR)
            return hull_error_set(err, errno, "lock %s", dir);
    }
    *fd_out = steal_fd(&fd);
    return 0;
}

/* Reads <root>/<id>/NAME into *out; a missing file is ENOENT in *err, one
 * that does not parse is "CORRUPT: PATH: why". */
static int load_record(const char *root, const char *id, const char *name, const char *corrupt,
                       struct hull_state **out, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/%s/%s", root, id, name);
    cleanup_free char *text = NULL;
    if (read_file(path, &text, NULL, err) < 0)
        return -1;
    if (hull_state_from_json(text, out, err) < 0)
        return hull_error_wrap(err, "%s: %s", corrupt, path);
    return 0;
}

int state_load(const char *root, const char *id, struct hull_state **out, struct hull_error **err)
{
    cleanup_free char *corrupt = xasprintf("state of container \"%s\" is corrupt", id);
    if (load_record(root, id, "state.json", corrupt, out, err) < 0) {
        if ((*err)->errnum == ENOENT) {
            hull_error_freep(err);
            return hull_error_set(err, 0, "container \"%s\" does not exist", id);
        }
        return -1;
    }
    (*out)->complete = true;
    return 0;
}

int state_save(const char *root, const char *id, const struct hull_state *state, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/%s/state.json", root, id);
    cleanup_free char *text = hull_state_to_json(state);
    /* Replaced atomically (a reader never sees half of it, a killed writer
     * leaves the old one) but not fsync'ed, like every other file of the
     * state directory: after a power loss the processes, mounts and cgroups
     * it names are gone, and `delete` of a container whose state.json did
     * not survive removes what is left (test-state-json, lifecycle.bats).
     * runc and crun do not sync it either; the fsync was create's last, 0.5
     * ms of a 7.4 ms `run` here (docs/performance.md). */
    return write_file_replace(path, text, strlen(text), 0600, err);
}

int state_intent_save(const char *root, const char *id, const struct hull_state *intent, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/%s/intent.json", root, id);
    cleanup_free char *text = hull_state_to_json(intent);
    /* Replaced atomically but not fsync'ed: it guards against a killed
     * create, whose writes the page cache keeps; after a power loss the
     * cgroups and processes it names are gone anyway. create writes it one
     * to three times, and an fsync each would sit on every container start. */
    if (write_file_replace(path, text, strlen(text), 0600, err) < 0)
        return hull_error_wrap(err, "record what create is about to make");
    return 0;
}

int state_intent_load(const char *root, const char *id, struct hull_state **out, struct hull_error **err)
{
    *out = NULL;
    if (load_record(root, id, "intent.json", "record of an unfinished create is corrupt", out, err) < 0) {
        if ((*err)->errnum != ENOENT)
            return -1;
        hull_error_freep(err);
        return 0;
    }
    (*out)->complete = false;
    return 0;
}

void state_intent_remove(const char *root, const char *id)
{
    cleanup_free char *path = xasprintf("%s/%s/intent.json", root, id);
    unlink(path);
}

int state_dir_remove(const char *root, const char *id, struct hull_error **err)
{
    cleanup_free char *dir = state_dir_path(root, id);
    {
        cleanup_dir DIR *d = opendir(dir);
        if (!d)
            return errno == ENOENT ? 0 : hull_error_set(err, errno, "open state directory %s", dir);
        for (struct dirent *de; (de = readdir(d));) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strcmp(de->d_name, "state.json") ||
                !strcmp(de->d_name, "intent.json"))
                continue;
            cleanup_free char *path = xasprintf("%s/%s", dir, de->d_name);
            if (rm_rf(path, err) < 0)
                return -1;
        }
    }
    static const char *const records[] = {"intent.json", "state.json"};
    for (size_t i = 0; i < ARRAY_SIZE(records); i++) {
        cleanup_free char *path = xasprintf("%s/%s", dir, records[i]);
        if (unlink(path) < 0 && errno != ENOENT)
            return hull_error_set(err, errno, "remove %s", path);
    }
    if (rmdir(dir) < 0 && errno != ENOENT)
        return hull_error_set(err, errno, "remove state directory %s", dir);
    return 0;
}

pid_t state_live_pid(const struct hull_state *state)
{
    pid_t pid = state->pid;
    if (pid <= 0)
        return 0;
    unsigned long long want = state->init_start_time;
    unsigned long long now = process_start_time(pid);
    if (now == 0 || now != want)
        return 0;
    /* A zombie is a stopped container: it will never run again. */
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        if (n > 0) {
            buf[n] = '\0';
            char *p = strrchr(buf, ')');
            if (p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
                return 0;
        }
    }
    return pid;
}

enum container_status state_status(const char *root, const char *id, const struct hull_state *state)
{
    pid_t pid = state_live_pid(state);
    if (pid == 0)
        return STATUS_STOPPED;
    cleanup_free char *fifo = xasprintf("%s/%s/exec.fifo", root, id);
    if (access(fifo, F_OK) == 0)
        return STATUS_CREATED;
    cleanup_cgroup_manager struct cgroup_manager *cg = NULL;
    struct hull_error *ignored = NULL;
    if (cgroup_manager_load(&state->cgroup, &cg, &ignored) == 0 && cg && cgroup_manager_is_frozen(cg))
        return STATUS_PAUSED;
    hull_error_free(ignored);
    return STATUS_RUNNING;
}
