/* hull info and hull version: what this engine is and what it runs on, in
 * docker's field names (`hull info --format '{{.CgroupVersion}}'` works as
 * `docker info --format ...` does). hull has no daemon: the "Server" of
 * `version` is this same binary, so scripts that ask docker for
 * {{.Server.Version}} get an answer. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"
#include "cli.h"

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

/* overlayfs when the kernel has it (the engine's root filesystems), else the
 * copying fallback (image/image_rootfs.h). */
/* What image_rootfs_prepare will use: overlay when a probe mount works here
 * (rootless: in the user namespace, Linux >= 5.11), else a copy of the layers. */
static const char *storage_driver(void)
{
    cleanup_free char *text = NULL;
    cleanup_error struct hull_error *err = NULL;
    const char *forced = getenv("HULL_STORAGE_DRIVER");
    if ((forced && !strcmp(forced, "copy")) || read_file("/proc/filesystems", &text, NULL, &err) < 0 ||
        !strstr(text, "\toverlay\n"))
        return "copy";
    cleanup_free char *dir = xasprintf("%s/tmp", g_engine.root);
    return image_rootfs_overlay_works(dir) ? "overlay" : "copy";
}

static void count_containers(struct json_object *info)
{
    int64_t total = 0, running = 0, paused = 0;
    char **ids = NULL;
    cleanup_error struct hull_error *err = NULL;
    if (engine_record_list(g_engine.root, &ids, &err) == 0) {
        for (char **id = ids; *id; id++) {
            cleanup_engine_record struct engine_record *rec = NULL;
            if (engine_record_read(g_engine.root, *id, &rec, NULL) < 0)
                continue;
            const char *status = rec->state.status;
            total++;
            running += !strcmp(status, "running");
            paused += !strcmp(status, "paused");
        }
        strv_free(ids);
    }
    json_object_object_add(info, "Containers", json_object_new_int64(total));
    json_object_object_add(info, "ContainersRunning", json_object_new_int64(running));
    json_object_object_add(info, "ContainersPaused", json_object_new_int64(paused));
    json_object_object_add(info, "ContainersStopped", json_object_new_int64(total - running - paused));
}

static int64_t count_images(void)
{
    cleanup_image_store struct image_store *store = NULL;
    cleanup_error struct hull_error *err = NULL;
    struct image_info **list = NULL;
    size_t n = 0;
    if (image_store_open(g_engine.root, false, &store, &err) < 0 || image_store_list(store, &list, &n, &err) < 0)
        return 0; /* no store yet: no images */
    image_info_list_free(list, n);
    return (int64_t)n;
}

static void add_str(struct json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, json_object_new_string(value));
}

/* docker info's fields that mean something for hull, under docker's names. */
static struct json_object *info_object(void)
{
    struct json_object *info = json_object_new_object();
    struct utsname u;
    uname(&u);
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    struct sysinfo si;
    uint64_t mem = sysinfo(&si) == 0 ? (uint64_t)si.totalram * si.mem_unit : 0;
    enum cgroup_layout layout = cgroup_detect_layout();
    cleanup_free char *os = os_pretty_name();

    count_containers(info);
    json_object_object_add(info, "Images", json_object_new_int64(count_images()));
    add_str(info, "Driver", storage_driver());
    add_str(info, "CgroupDriver", "cgroupfs");
    add_str(info, "CgroupVersion", layout == CGROUP_LAYOUT_V2 ? "2" : "1");
    add_str(info, "CgroupLayout", cgroup_layout_name(layout));
    add_str(info, "KernelVersion", u.release);
    add_str(info, "OperatingSystem", os);
    add_str(info, "OSType", "linux");
    add_str(info, "Architecture", u.machine);
    json_object_object_add(info, "NCPU", json_object_new_int64(sysconf(_SC_NPROCESSORS_ONLN)));
    json_object_object_add(info, "MemTotal", json_object_new_int64((int64_t)mem));
    add_str(info, "Name", host);
    add_str(info, "ServerVersion", HULL_VERSION);
    add_str(info, "DefaultRuntime", "hull");
    add_str(info, "DockerRootDir", g_engine.root);
    add_str(info, "RunRoot", g_engine.runroot);
    struct json_object *security = json_object_new_array();
    json_object_array_add(security, json_object_new_string("name=seccomp,profile=builtin"));
    if (running_rootless() || engine_rootless())
        json_object_array_add(security, json_object_new_string("name=rootless"));
    json_object_object_add(info, "SecurityOptions", security);
    return info;
}

static void print_info(struct json_object *i)
{
#define S(key) engine_json_str(i, key)
#define N(key) (long long)json_object_get_int64(json_object_object_get(i, key))
    printf("Containers: %lld\n Running: %lld\n Paused: %lld\n Stopped: %lld\n", N("Containers"),
           N("ContainersRunning"), N("ContainersPaused"), N("ContainersStopped"));
    printf("Images: %lld\n", N("Images"));
    printf("Server Version: %s\n", S("ServerVersion"));
    printf("Storage Driver: %s\n", S("Driver"));
    printf("Cgroup Driver: %s\n", S("CgroupDriver"));
    printf("Cgroup Version: %s (%s)\n", S("CgroupVersion"), S("CgroupLayout"));
    printf("Default Runtime: %s (in-process, OCI runtime spec 1.3)\n", S("DefaultRuntime"));
    printf("Security Options:\n");
    struct json_object *sec = json_object_object_get(i, "SecurityOptions");
    for (size_t k = 0; k < json_object_array_length(sec); k++)
        printf(" %s\n", json_object_get_string(json_object_array_get_idx(sec, k)));
    printf("Kernel Version: %s\n", S("KernelVersion"));
    printf("Operating System: %s\n", S("OperatingSystem"));
    printf("OSType: %s\n", S("OSType"));
    printf("Architecture: %s\n", S("Architecture"));
    printf("CPUs: %lld\n", N("NCPU"));
    printf("Total Memory: %.4gGiB\n", (double)N("MemTotal") / (1024.0 * 1024 * 1024));
    printf("Name: %s\n", S("Name"));
    printf("Root Dir: %s\n", S("DockerRootDir"));
    printf("Run Root: %s\n", S("RunRoot"));
#undef S
#undef N
}

/* --format: "json" prints the object, anything else is a Go template run on it. */
static int print_formatted(const char *cmd, const char *format, struct json_object *obj)
{
    if (!strcmp(format, "json")) {
        printf("%s\n", json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
        return 0;
    }
    struct gotemplate *template = NULL;
    cleanup_error struct hull_error *err = NULL;
    if (gotemplate_parse(format, &template, &err) < 0)
        return engine_usage_error(cmd, "invalid --format: %s", err->msg);
    cleanup_free char *text = NULL;
    int r = gotemplate_execute(template, obj, &text, &err);
    gotemplate_free(template);
    if (r < 0)
        return engine_error(err);
    printf("%s\n", text);
    return 0;
}

static const struct option info_longopts[] = {
    {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset info_flagset = {"f:h", info_longopts};

int cmd_info(int argc, char **argv)
{
    const char *format = NULL;
    int c;
    while ((c = engine_next_flag("info", argc, argv, &info_flagset)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            break;
        case 'h':
            printf("Usage:  hull info [--format json|TEMPLATE]\n\n"
                   "Display system-wide information: containers, images, cgroups, kernel\n\n"
                   "  -f, --format   json, or a Go template on docker's field names ({{.CgroupVersion}})\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind < argc)
        return engine_usage_error("info", "accepts no arguments");
    struct json_object *info = info_object();
    int r = 0;
    if (format)
        r = print_formatted("info", format, info);
    else
        print_info(info);
    json_object_put(info);
    return r;
}

static struct json_object *version_part(const struct utsname *u)
{
    struct json_object *o = json_object_new_object();
    add_str(o, "Version", HULL_VERSION);
    add_str(o, "Os", "linux");
    add_str(o, "Arch", go_arch(u->machine));
    add_str(o, "KernelVersion", u->release);
    add_str(o, "Runtime", "hull-runtime " HULL_VERSION " (in-process, OCI runtime spec 1.3)");
    return o;
}

static const struct option version_longopts[] = {
    {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset version_flagset = {"f:h", version_longopts};

int cmd_version(int argc, char **argv)
{
    const char *format = NULL;
    int c;
    while ((c = engine_next_flag("version", argc, argv, &version_flagset)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            break;
        case 'h':
            printf("Usage:  hull version [--format json|TEMPLATE]\n\n"
                   "Show the version. hull has no daemon: Client and Server are this binary\n"
                   "({{.Server.Version}} answers as docker's does)\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind < argc)
        return engine_usage_error("version", "accepts no arguments");
    struct utsname u;
    uname(&u);
    struct json_object *v = json_object_new_object();
    json_object_object_add(v, "Client", version_part(&u));
    json_object_object_add(v, "Server", version_part(&u));
    int r = 0;
    if (format) {
        r = print_formatted("version", format, v);
    } else {
        struct json_object *cl = json_object_object_get(v, "Client");
        printf("Client: hull (daemonless; the engine is this binary)\n");
        printf(" Version:        %s\n", engine_json_str(cl, "Version"));
        printf(" OS/Arch:        %s/%s\n", engine_json_str(cl, "Os"), engine_json_str(cl, "Arch"));
        printf(" Kernel Version: %s\n", engine_json_str(cl, "KernelVersion"));
        printf(" Runtime:        %s\n", engine_json_str(cl, "Runtime"));
    }
    json_object_put(v);
    return r;
}
