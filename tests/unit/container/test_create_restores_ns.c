/* A create that fails after it entered the time namespace of its children
 * (unshare(CLONE_NEWTIME) before the clone, so the offsets can be written)
 * puts the caller back: a program that embeds libhull and lives on must not
 * have its next children born in a failed container's time namespace.  Built
 * on the public header alone, like test_public_api.c. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hull/hull.h"
#include "../tap.h"

static ino_t ns_inode(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* The default config with a new time namespace whose monotonic offset sets
 * the clock before zero: the kernel refuses it (ERANGE) after the unshare. */
static int write_config(const char *bundle, const char *id)
{
    char *text = hull_spec_default_json(false);
    struct json_object *spec = json_tokener_parse(text), *linux_, *nss, *process;
    free(text);
    if (!spec || !json_object_object_get_ex(spec, "linux", &linux_) ||
        !json_object_object_get_ex(linux_, "namespaces", &nss) || !json_object_object_get_ex(spec, "process", &process))
        return -1;
    json_object_object_add(process, "terminal", json_object_new_boolean(false));
    struct json_object *time_ns = json_object_new_object();
    json_object_object_add(time_ns, "type", json_object_new_string("time"));
    json_object_array_add(nss, time_ns);
    struct json_object *offsets = json_object_new_object(), *mono = json_object_new_object();
    json_object_object_add(mono, "secs", json_object_new_int64(-9000000000LL));
    json_object_object_add(mono, "nanosecs", json_object_new_int(0));
    json_object_object_add(offsets, "monotonic", mono);
    json_object_object_add(linux_, "timeOffsets", offsets);
    /* under the parent the engine's containers use, which the leak check knows */
    char path[128];
    snprintf(path, sizeof path, "/hull/%s", id);
    json_object_object_add(linux_, "cgroupsPath", json_object_new_string(path));
    char file[512];
    snprintf(file, sizeof file, "%s/config.json", bundle);
    int r = json_object_to_file(file, spec);
    json_object_put(spec);
    return r;
}

int main(void)
{
    if (access("/proc/self/ns/time_for_children", F_OK) != 0) {
        printf("ok 1 # SKIP no time namespaces in this kernel\n1..1\n");
        return 0;
    }
    if (geteuid() != 0) {
        printf("ok 1 # SKIP needs root (unshare(CLONE_NEWTIME))\n1..1\n");
        return 0;
    }
    char dir[] = "/tmp/hull-nsrestore-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char root[256], bundle[256], rootfs[300], id[64];
    snprintf(root, sizeof root, "%s/root", dir);
    snprintf(bundle, sizeof bundle, "%s/bundle", dir);
    snprintf(rootfs, sizeof rootfs, "%s/rootfs", bundle);
    snprintf(id, sizeof id, "nsrestore-%d", (int)getpid());
    if (mkdir(root, 0700) < 0 || mkdir(bundle, 0700) < 0 || mkdir(rootfs, 0755) < 0 || write_config(bundle, id) < 0)
        return 1;

    ino_t before = ns_inode("/proc/self/ns/time_for_children");
    struct hull_error *err = NULL;
    struct hull_create_opts o = {.root = root, .id = id, .bundle = bundle};
    int r = hull_container_create(&o, &err);
    char *text = err ? hull_error_text(err) : NULL;
    TAP_CHECK(r < 0 && text && strstr(text, "time"), "the create fails at the time offsets: %s", text ? text : "(none)");
    free(text);
    hull_error_freep(&err);
    TAP_CHECK(ns_inode("/proc/self/ns/time_for_children") == before,
              "our children's time namespace is ours again after the failure");
    char state[512];
    snprintf(state, sizeof state, "%s/%s", root, id);
    TAP_CHECK(access(state, F_OK) != 0, "no state directory is left");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    return TAP_DONE();
}
