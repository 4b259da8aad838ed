/* hull info and hull version: what this engine is and what it runs on
 * (engine_info_read, engine_version_read), printed as docker prints them;
 * --format json or a template gets docker's field names. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"
#include "cli.h"

static void print_info(const struct engine_info *i)
{
    printf("Containers: %lld\n Running: %lld\n Paused: %lld\n Stopped: %lld\n", (long long)i->containers,
           (long long)i->containers_running, (long long)i->containers_paused, (long long)i->containers_stopped);
    printf("Images: %lld\n", (long long)i->images);
    printf("Server Version: %s\n", i->server_version);
    printf("Storage Driver: %s\n", i->driver);
    printf("Cgroup Driver: %s\n", i->cgroup_driver);
    printf("Cgroup Version: %s (%s)\n", i->cgroup_version, i->cgroup_layout);
    printf("Default Runtime: %s (in-process, OCI runtime spec 1.3)\n", i->default_runtime);
    printf("Security Options:\n");
    for (char **s = i->security_options; s && *s; s++)
        printf(" %s\n", *s);
    printf("Kernel Version: %s\n", i->kernel_version);
    printf("Operating System: %s\n", i->operating_system);
    printf("OSType: %s\n", i->os_type);
    printf("Architecture: %s\n", i->architecture);
    printf("CPUs: %lld\n", (long long)i->ncpu);
    printf("Total Memory: %.4gGiB\n", (double)i->mem_total / (1024.0 * 1024 * 1024));
    printf("Name: %s\n", i->name);
    printf("Root Dir: %s\n", i->root_dir);
    printf("Run Root: %s\n", i->run_root);
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
    struct engine_info info;
    engine_info_read(g_engine.root, g_engine.runroot, &info);
    int r = 0;
    if (format) {
        struct json_object *obj = engine_info_to_json(&info);
        r = print_formatted("info", format, obj);
        json_object_put(obj);
    } else {
        print_info(&info);
    }
    engine_info_clear(&info);
    return r;
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
    struct engine_version v;
    engine_version_read(&v);
    int r = 0;
    if (format) {
        struct json_object *obj = engine_version_to_json(&v);
        r = print_formatted("version", format, obj);
        json_object_put(obj);
    } else {
        printf("Client: hull (daemonless; the engine is this binary)\n");
        printf(" Version:        %s\n", v.version);
        printf(" OS/Arch:        %s/%s\n", v.os, v.arch);
        printf(" Kernel Version: %s\n", v.kernel_version);
        printf(" Runtime:        %s\n", v.runtime);
    }
    engine_version_clear(&v);
    return r;
}
