/* hull: `hull info` and `hull version` -- what this engine is and what it
 * runs on, in docker's field names (`hull info --format '{{.CgroupVersion}}'`
 * works as `docker info --format ...` does).  hull has no daemon: the
 * "Server" of `version` is this same binary, so scripts that ask docker for
 * {{.Server.Version}} get an answer. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "image/image_rootfs.h"
#include "image/store.h"
#include "util/utils.h"

#include "hull/hull-engine.h"
#include "record.h"

/* Go's GOARCH names, which docker prints: "amd64" for x86_64 and so on. */
static const char *go_arch(const char *machine)
{
    static const struct {
        const char *uname, *go;
    } table[] = {{"x86_64", "amd64"}, {"aarch64", "arm64"}, {"i686", "386"}, {"armv7l", "arm"}};
    for (size_t i = 0; i < ARRAY_SIZE(table); i++)
        if (!strcmp(machine, table[i].uname))
            return table[i].go;
    return machine;
}

/* PRETTY_NAME of /etc/os-release, unquoted; "Linux" when there is none. */
static char *os_pretty_name(void)
{
    cleanup_free char *text = NULL;
    cleanup_error struct hull_error *err = NULL;
    if (read_file("/etc/os-release", &text, NULL, &err) == 0) {
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
            if (strncmp(line, "PRETTY_NAME=", 12))
                continue;
            char *v = line + 12;
            size_t n = strlen(v);
            if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
                v[n - 1] = '\0';
                v++;
            }
            return xstrdup(v);
        }
    }
    return xstrdup("Linux");
}

/* What image_rootfs_prepare will use: overlay when a probe mount works here
 * (rootless: in the user namespace, Linux >= 5.11), else a copy of the layers. */
static const char *storage_driver(const char *root)
{
    cleanup_free char *text = NULL;
    cleanup_error struct hull_error *err = NULL;
    const char *forced = getenv("HULL_STORAGE_DRIVER");
    if ((forced && !strcmp(forced, "copy")) || read_file("/proc/filesystems", &text, NULL, &err) < 0 ||
        !strstr(text, "\toverlay\n"))
        return "copy";
    cleanup_free char *dir = xasprintf("%s/tmp", root);
    return image_rootfs_overlay_works(dir) ? "overlay" : "copy";
}

/* As recorded (not refreshed from the runtime state, as docker's daemon counts). */
static void count_containers(const char *root, struct engine_info *info)
{
    cleanup_strv char **ids = NULL;
    cleanup_error struct hull_error *err = NULL;
    if (engine_record_list(root, &ids, &err) < 0)
        return;
    for (char **id = ids; *id; id++) {
        cleanup_engine_record struct engine_record *rec = NULL;
        if (engine_record_read(root, *id, &rec, NULL) < 0)
            continue;
        const char *status = record_str(rec->state.status);
        info->containers++;
        info->containers_running += !strcmp(status, "running");
        info->containers_paused += !strcmp(status, "paused");
    }
    info->containers_stopped = info->containers - info->containers_running - info->containers_paused;
}

static int64_t count_images(const char *root)
{
    cleanup_image_store struct image_store *store = NULL;
    cleanup_error struct hull_error *err = NULL;
    struct image_info **list = NULL;
    size_t n = 0;
    if (image_store_open(root, false, &store, &err) < 0 || image_store_list(store, &list, &n, &err) < 0)
        return 0; /* no store yet: no images */
    image_info_list_free(list, n);
    return (int64_t)n;
}

void engine_info_read(const char *root, const char *runroot, struct engine_info *info)
{
    *info = (struct engine_info){0};
    struct utsname u;
    uname(&u);
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    struct sysinfo si;
    enum cgroup_layout layout = cgroup_detect_layout();

    count_containers(root, info);
    info->images = count_images(root);
    info->driver = storage_driver(root);
    info->cgroup_driver = "cgroupfs";
    info->cgroup_version = layout == CGROUP_LAYOUT_V2 ? "2" : "1";
    info->cgroup_layout = cgroup_layout_name(layout);
    info->kernel_version = xstrdup(u.release);
    info->operating_system = os_pretty_name();
    info->os_type = "linux";
    info->architecture = xstrdup(u.machine);
    info->ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    info->mem_total = sysinfo(&si) == 0 ? (int64_t)((uint64_t)si.totalram * si.mem_unit) : 0;
    info->name = xstrdup(host);
    info->server_version = HULL_VERSION;
    info->default_runtime = "hull";
    info->root_dir = xstrdup(root);
    info->run_root = xstrdup(runroot);
    info->security_options = xmalloc0(sizeof *info->security_options);
    strv_add(&info->security_options, xstrdup("name=seccomp,profile=builtin"));
    if (running_rootless() || engine_rootless())
        strv_add(&info->security_options, xstrdup("name=rootless"));
}

void engine_info_clear(struct engine_info *info)
{
    free(info->kernel_version);
    free(info->operating_system);
    free(info->architecture);
    free(info->name);
    free(info->root_dir);
    free(info->run_root);
    strv_free(info->security_options);
    *info = (struct engine_info){0};
}

static void add_str(struct json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, json_object_new_string(record_str(value)));
}

static void add_int(struct json_object *o, const char *key, int64_t value)
{
    json_object_object_add(o, key, json_object_new_int64(value));
}

struct json_object *engine_info_to_json(const struct engine_info *i)
{
    struct json_object *o = json_object_new_object();
    add_int(o, "Containers", i->containers);
    add_int(o, "ContainersRunning", i->containers_running);
    add_int(o, "ContainersPaused", i->containers_paused);
    add_int(o, "ContainersStopped", i->containers_stopped);
    add_int(o, "Images", i->images);
    add_str(o, "Driver", i->driver);
    add_str(o, "CgroupDriver", i->cgroup_driver);
    add_str(o, "CgroupVersion", i->cgroup_version);
    add_str(o, "CgroupLayout", i->cgroup_layout);
    add_str(o, "KernelVersion", i->kernel_version);
    add_str(o, "OperatingSystem", i->operating_system);
    add_str(o, "OSType", i->os_type);
    add_str(o, "Architecture", i->architecture);
    add_int(o, "NCPU", i->ncpu);
    add_int(o, "MemTotal", i->mem_total);
    add_str(o, "Name", i->name);
    add_str(o, "ServerVersion", i->server_version);
    add_str(o, "DefaultRuntime", i->default_runtime);
    add_str(o, "DockerRootDir", i->root_dir);
    add_str(o, "RunRoot", i->run_root);
    struct json_object *security = json_object_new_array();
    for (char **s = i->security_options; s && *s; s++)
        json_object_array_add(security, json_object_new_string(*s));
    json_object_object_add(o, "SecurityOptions", security);
    return o;
}

void engine_version_read(struct engine_version *v)
{
    struct utsname u;
    uname(&u);
    *v = (struct engine_version){
        .version = HULL_VERSION,
        .os = "linux",
        .arch = xstrdup(go_arch(u.machine)),
        .kernel_version = xstrdup(u.release),
        .runtime = "hull-runtime " HULL_VERSION " (in-process, OCI runtime spec 1.3)",
    };
}

void engine_version_clear(struct engine_version *v)
{
    free(v->arch);
    free(v->kernel_version);
    *v = (struct engine_version){0};
}

static struct json_object *version_part(const struct engine_version *v)
{
    struct json_object *o = json_object_new_object();
    add_str(o, "Version", v->version);
    add_str(o, "Os", v->os);
    add_str(o, "Arch", v->arch);
    add_str(o, "KernelVersion", v->kernel_version);
    add_str(o, "Runtime", v->runtime);
    return o;
}

struct json_object *engine_version_to_json(const struct engine_version *v)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "Client", version_part(v));
    json_object_object_add(o, "Server", version_part(v));
    return o;
}
