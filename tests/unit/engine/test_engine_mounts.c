/* engine_mounts + volume: docker's -v and --mount syntax, volumes of the
 * local driver, the image's VOLUMEs and the copy-up of their content. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "engine/engine_flags.h"
#include "engine/engine_mounts.h"
#include "engine/volume.h"
#include "util/utils.h"

static char tmpdir[] = "/tmp/hull-test-engine-mounts.XXXXXX";

static bool err_names(struct hull_error **err, const char *want)
{
    bool ok = *err && strstr((*err)->msg, want);
    if (!ok)
        printf("# error: %s (wanted \"%s\")\n", *err ? (*err)->msg : "(none)", want);
    hull_error_free(*err);
    *err = NULL;
    return ok;
}

static void check_v(void)
{
    struct engine_bind b;
    struct hull_error *err = NULL;
    TAP_CHECK(engine_parse_bind("/tmp:/data:ro", &b, &err) == 0 && b.kind == ENGINE_MOUNT_BIND &&
                  !strcmp(b.source, "/tmp") && !strcmp(b.destination, "/data") && b.read_only && b.create_source &&
                  !strcmp(b.mode, "ro") && !strcmp(b.given, "/tmp:/data:ro"),
              "-v /tmp:/data:ro: a bind, read-only");
    engine_bind_clear(&b);
    TAP_CHECK(engine_parse_bind("/does/not/exist//x/:/d/", &b, &err) == 0 && !strcmp(b.source, "/does/not/exist/x") &&
                  !strcmp(b.destination, "/d"),
              "-v with a missing host path parses (it is made at create, as docker does); paths cleaned");
    engine_bind_clear(&b);
    char cwd[4096];
    TAP_CHECK(getcwd(cwd, sizeof cwd) != NULL, "getcwd");
    cleanup_free char *want_rel = xasprintf("%s/sub", cwd);
    TAP_CHECK(engine_parse_bind("./sub/.:/x", &b, &err) == 0 && !strcmp(b.source, want_rel),
              "-v ./sub:/x is relative to our directory");
    engine_bind_clear(&b);
    TAP_CHECK(engine_parse_bind("data:/data", &b, &err) == 0 && b.kind == ENGINE_MOUNT_VOLUME &&
                  !strcmp(b.volume, "data") && !b.anonymous && !b.read_only,
              "-v NAME:/path: a named volume");
    engine_bind_clear(&b);
    TAP_CHECK(engine_parse_bind("data:/data:ro,Z,nocopy", &b, &err) == 0 && b.read_only && b.nocopy &&
                  !strcmp(b.mode, "ro,Z,nocopy"),
              "-v NAME:/path:ro,Z,nocopy");
    engine_bind_clear(&b);
    TAP_CHECK(engine_parse_bind("/data", &b, &err) == 0 && b.kind == ENGINE_MOUNT_VOLUME && b.anonymous &&
                  !b.volume,
              "-v /path: an anonymous volume");
    engine_bind_clear(&b);
    TAP_CHECK(engine_parse_bind("/tmp:/x:z", &b, &err) == 0, "-v ...:z accepted (no SELinux: nothing to relabel)");
    engine_bind_clear(&b);
    TAP_CHECK(engine_parse_bind("/tmp:/x:rshared", &b, &err) == 0 && !strcmp(b.propagation, "rshared"),
              "-v ...:rshared sets the propagation");
    engine_bind_clear(&b);
    const struct {
        const char *text, *want;
    } bad[] = {
        {"a/b:/x", "is not a volume name"},     {"x:/d", "is not a volume name"},
        {"/tmp:rel", "must be absolute"},       {"/tmp:/", "cannot mount over"},
        {"/tmp:/d:rx", "unknown option \"rx\""}, {"/tmp:/d:ro,rw", "bad options"},
        {"/foo:ro", "options need a source"},   {"a::/b", "want [SOURCE:]DESTINATION"},
        {"/a:/b:ro:x", "want [SOURCE:]DESTINATION"}, {"data:/d:shared", "is for host paths"},
        {"/tmp:/d:nocopy", "nocopy is for volumes"}, {"", "want [SOURCE:]DESTINATION"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        TAP_CHECK(engine_parse_bind(bad[i].text, &b, &err) < 0 && err_names(&err, bad[i].want), "-v \"%s\" refused",
                  bad[i].text);
}

static void check_mount(void)
{
    struct engine_bind b;
    struct engine_tmpfs t = {0};
    struct hull_error *err = NULL;
    TAP_CHECK(engine_parse_mount("type=bind,source=/tmp,target=/x,readonly", &b, &t, &err) == 0 &&
                  b.kind == ENGINE_MOUNT_BIND && !strcmp(b.source, "/tmp") && b.read_only && !b.create_source &&
                  !b.given,
              "--mount type=bind,source=/tmp,target=/x,readonly");
    engine_bind_clear(&b);
    TAP_CHECK(engine_parse_mount("type=bind,src=/tmp,dst=/x,ro=false,bind-propagation=rslave", &b, &t, &err) == 0 &&
                  !b.read_only && !strcmp(b.propagation, "rslave"),
              "src/dst spellings, ro=false, bind-propagation");
    engine_bind_clear(&b);
    TAP_CHECK(engine_parse_mount("src=vol1,target=/v,volume-nocopy,volume-opt=type=tmpfs,volume-opt=device=tmpfs", &b,
                                 &t, &err) == 0 &&
                  b.kind == ENGINE_MOUNT_VOLUME && !strcmp(b.volume, "vol1") && b.nocopy &&
                  strv_length(b.volume_opts) == 2 && !strcmp(b.volume_opts[0], "type=tmpfs"),
              "type defaults to volume; volume-nocopy, volume-opt (repeatable)");
    engine_bind_clear(&b);
    TAP_CHECK(engine_parse_mount("type=volume,target=/anon", &b, &t, &err) == 0 && b.anonymous,
              "a volume without source is anonymous");
    engine_bind_clear(&b);
    TAP_CHECK(engine_parse_mount("type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770", &b, &t, &err) == 1 &&
                  !strcmp(t.destination, "/t"),
              "type=tmpfs gives a tmpfs");
    cleanup_free char *opts = NULL;
    {
        size_t len = 1;
        for (char **o = t.options; o && *o; o++)
            len += strlen(*o) + 1;
        opts = xmalloc0(len);
        for (char **o = t.options; o && *o; o++)
            strcat(strcat(opts, *o), ",");
    }
    TAP_CHECK(strstr(opts, "size=1048576") && strstr(opts, "mode=1770") && strstr(opts, "noexec"),
              "tmpfs-size in bytes, tmpfs-mode, --tmpfs's defaults (%s)", opts);
    engine_tmpfs_clear(&t);
    TAP_CHECK(engine_parse_mount("\"type=bind\",\"source=/tmp\",target=/a", &b, &t, &err) == 0,
              "CSV quoting, as docker reads --mount");
    engine_bind_clear(&b);
    const struct {
        const char *text, *want;
    } bad[] = {
        {"type=bind,source=/does/not/exist,target=/x", "bind source path does not exist: /does/not/exist"},
        {"type=bind,target=/x", "a bind needs a source"},
        {"type=volume,source=/tmp,target=/x", "a volume source is a name"},
        {"type=nfs,target=/x", "type \"nfs\" is not bind, volume or tmpfs"},
        {"source=v1", "target is required"},
        {"target=rel", "must be absolute"},
        {"target=/x,colour=blue", "unknown key \"colour\""},
        {"target=/x,readonly=maybe", "want true or false"},
        {"type=bind,src=/tmp,target=/x,volume-nocopy", "an option of another type"},
        {"type=tmpfs,target=/x,source=a", "a tmpfs has no source"},
        {"type=tmpfs,target=/x,tmpfs-mode=9", "not octal"},
        {"target=/x,volume-driver=nfs", "only local exists"},
        {"target=/x,source=a!b", "is not a volume name"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        TAP_CHECK(engine_parse_mount(bad[i].text, &b, &t, &err) < 0 && err_names(&err, bad[i].want),
                  "--mount \"%s\" refused", bad[i].text);
}

/* engine_volume_list: volume ls's typed list and its --filter; root holds
 * b1, t1, v1 and the anonymous volume anon (no container uses any). */
static void check_volume_ls(const char *root, const char *anon)
{
    struct hull_error *err = NULL;
    struct volume **list = NULL;
    TAP_CHECK(engine_volume_list(root, NULL, &list, &err) == 0, "volume ls");
    size_t n = 0, found = 0;
    bool sorted = true;
    for (; list[n]; n++) {
        sorted &= !n || strcmp(list[n - 1]->name, list[n]->name) < 0;
        const char *want[] = {anon, "b1", "t1", "v1"};
        for (size_t i = 0; i < ARRAY_SIZE(want); i++)
            found += !strcmp(list[n]->name, want[i]);
    }
    TAP_CHECK(n == 4 && found == 4 && sorted, "volume ls: every volume, sorted by name");
    volume_list_free(list);
    cleanup_free char *prefix = xasprintf("name=%.5s", anon);
    char *name_t[] = {prefix, "dangling=true", "label=" VOLUME_ANONYMOUS_LABEL, NULL};
    TAP_CHECK(engine_volume_list(root, name_t, &list, &err) == 0 && list[0] && !strcmp(list[0]->name, anon) &&
                  !list[1],
              "-f name=PREFIX -f dangling=true -f label=KEY: every filter must match");
    volume_list_free(list);
    char *none[] = {"name=zz", "bogus=1", NULL};
    TAP_CHECK(engine_volume_list(root, none, &list, &err) == 0 && !list[0],
              "a filter no volume gets to is not checked (as before)");
    volume_list_free(list);
    list = NULL;
    char *bogus[] = {"bogus=1", NULL}, *maybe[] = {"dangling=maybe", NULL};
    TAP_CHECK(engine_volume_list(root, bogus, &list, &err) == ENGINE_VOLUME_LIST_BAD_FILTER && !list &&
                  err_names(&err, "invalid --filter \"bogus=1\": dangling=, name= or label="),
              "an unknown filter: a usage error naming it");
    TAP_CHECK(engine_volume_list(root, maybe, &list, &err) == ENGINE_VOLUME_LIST_BAD_FILTER &&
                  err_names(&err, "dangling is true or false"),
              "dangling=maybe: a usage error");
    TAP_CHECK(engine_volume_list(root, (char *[]){"dangling=false", NULL}, &list, &err) == 0 && !list[0],
              "-f dangling=false: none is used");
    volume_list_free(list);
    TAP_CHECK(engine_volume_list(root, (char *[]){"label=" VOLUME_ANONYMOUS_LABEL "=x", NULL}, &list, &err) == 0 &&
                  !list[0],
              "-f label=KEY=VALUE: the value must match");
    volume_list_free(list);
    TAP_CHECK(engine_volume_list(root, (char *[]){"name=v1", NULL}, &list, &err) == 0, "-f name=v1");
    struct json_object *row = volume_ls_row_json(list[0]), *titles = volume_ls_titles_json();
    cleanup_free char *text = xstrdup(json_object_to_json_string_ext(row, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    cleanup_free char *want = xasprintf("{\"Driver\":\"local\",\"Labels\":{},\"Mountpoint\":\"%s/volumes/v1/_data\","
                                        "\"Name\":\"v1\",\"Scope\":\"local\"}", root);
    TAP_CHECK(!strcmp(text, want), "volume ls --format json's row: %s", text);
    TAP_CHECK(!strcmp(json_object_get_string(json_object_object_get(titles, "Name")), "VOLUME NAME") &&
                  json_object_object_length(titles) == 5,
              "and its titles");
    json_object_put(row);
    json_object_put(titles);
    volume_list_free(list);
}

static void check_volumes(void)
{
    struct hull_error *err = NULL;
    cleanup_free char *root = xasprintf("%s/root", tmpdir);
    TAP_CHECK(volume_name_valid("ab") && volume_name_valid("my_vol.1-x") && !volume_name_valid("a") &&
                  !volume_name_valid("_a") && !volume_name_valid("a/b") && !volume_name_valid(""),
              "docker's volume names");
    bool created = false;
    TAP_CHECK(volume_create(root, "v1", NULL, NULL, false, NULL, &created, &err) == 0 && created &&
                  volume_exists(root, "v1") && !volume_is_anonymous(root, "v1"),
              "volume create v1");
    TAP_CHECK(volume_create(root, "v1", NULL, NULL, false, NULL, &created, &err) == 0 && !created,
              "creating it again is not an error (docker)");
    char *opts_tmpfs[] = {"type=tmpfs", "device=tmpfs", "o=size=1m,uid=1000,noexec", NULL};
    TAP_CHECK(volume_create(root, "v1", opts_tmpfs, NULL, false, NULL, NULL, &err) < 0 &&
                  err_names(&err, "already exists with other options"),
              "but with other options it is");
    TAP_CHECK(volume_create(root, "t1", opts_tmpfs, NULL, false, NULL, NULL, &err) == 0, "a tmpfs volume");
    char *opts_bind[] = {"type=none", "device=/tmp", "o=bind", NULL};
    TAP_CHECK(volume_create(root, "b1", opts_bind, NULL, false, NULL, NULL, &err) == 0, "a bind volume");
    char *source = NULL;
    TAP_CHECK(volume_mount_source(root, "b1", &source, &err) == 0 && !strcmp(source, "/tmp"),
              "a bind volume's source is its device");
    free(source);
    const struct {
        char *opts[4];
        const char *want;
    } bad[] = {
        {{"type=ext4", "device=/dev/sda1", NULL}, "type \"ext4\" is not implemented"},
        {{"type=tmpfs", NULL}, "missing required option \"device\""},
        {{"device=tmpfs", NULL}, "missing required option \"type\""},
        {{"colour=blue", NULL}, "the local driver takes type, device and o"},
        {{"type=tmpfs", "device=tmpfs", "o=size=1m,bogus", NULL}, "unknown tmpfs option \"bogus\""},
        {{"type=none", "device=/does/not/exist", "o=bind", NULL}, "/does/not/exist"},
        {{"type=none", "device=/tmp", NULL}, "needs o=bind"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        TAP_CHECK(volume_create(root, "bad1", bad[i].opts, NULL, false, NULL, NULL, &err) < 0 &&
                      err_names(&err, bad[i].want) && !volume_exists(root, "bad1"),
                  "bad options refused, nothing made (%s)", bad[i].want);
    TAP_CHECK(volume_create(root, "a", NULL, NULL, false, NULL, NULL, &err) < 0 && err_names(&err, "invalid volume name"),
              "a bad name refused");
    char *name = NULL;
    TAP_CHECK(volume_create(root, NULL, NULL, NULL, true, &name, &created, &err) == 0 && strlen(name) == 64 &&
                  volume_is_anonymous(root, name),
              "an anonymous volume: 64 hex digits, labelled");
    cleanup_strv char **names = NULL;
    TAP_CHECK(volume_list(root, &names, &err) == 0 && strv_length(names) == 4, "volume ls");
    struct volume *v = NULL;
    TAP_CHECK(volume_read(root, "t1", &v, &err) == 0, "volume inspect reads the volume");
    struct json_object *j = v ? volume_to_json(v) : NULL;
    volume_free(v);
    TAP_CHECK(j &&
                  !strcmp(json_object_get_string(json_object_object_get(j, "Driver")), "local") &&
                  !strcmp(json_object_get_string(json_object_object_get(json_object_object_get(j, "Options"), "o")),
                          "size=1m,uid=1000,noexec"),
              "volume inspect: docker's shape, the options kept");
    json_object_put(j);
    check_volume_ls(root, name);
    TAP_CHECK(volume_remove(root, name, &err) == 0 && !volume_exists(root, name), "volume rm");
    free(name);
    TAP_CHECK(volume_remove(root, "nope", &err) < 0 && err_names(&err, "no such volume: nope"), "rm of a missing one");
}

/* engine_mounts_prepare: the image's VOLUMEs, copy-up, -v directories, undo. */
static void check_prepare(void)
{
    struct hull_error *err = NULL;
    cleanup_free char *root = xasprintf("%s/root2", tmpdir);
    cleanup_free char *rootfs = xasprintf("%s/rootfs", tmpdir);
    cleanup_free char *img_data = xasprintf("%s/data/sub", rootfs);
    cleanup_free char *img_file = xasprintf("%s/data/sub/file", rootfs);
    cleanup_free char *evil = xasprintf("%s/evil", rootfs);
    mkdir_p(img_data, 0755, NULL);
    write_file_atomic(img_file, "hello", 5, 0640, NULL);
    chown(img_data, 123, 456);
    symlink("/etc", evil); /* a symlink out of the rootfs must not copy the host's /etc */
    cleanup_free char *hostdir = xasprintf("%s/host/new/dir", tmpdir);
    cleanup_free char *hosttop = xasprintf("%s/host", tmpdir);
    struct engine_bind binds[4];
    memset(binds, 0, sizeof binds);
    struct engine_run_config rc = {.binds = xmalloc0(4 * sizeof *rc.binds)};
    cleanup_free char *vtext = xasprintf("%s:/h", hostdir);
    TAP_CHECK(engine_parse_bind(vtext, &rc.binds[0], &err) == 0, "-v HOST:/h");
    TAP_CHECK(engine_parse_bind("named1:/evil", &rc.binds[1], &err) == 0, "-v named1:/evil");
    rc.n_binds = 2;
    const char *image = "{\"config\":{\"Volumes\":{\"/data\":{},\"/h\":{}}}}";
    struct engine_mounts_made made = {0};
    TAP_CHECK(engine_mounts_prepare(root, &rc, image, rootfs, &made, &err) == 0, "prepare");
    if (err)
        printf("# %s\n", err->msg);
    TAP_CHECK(rc.n_binds == 3 && rc.binds[2].anonymous && !strcmp(rc.binds[2].destination, "/data"),
              "the image's VOLUME /data is an anonymous volume; /h is covered by -v");
    struct stat st;
    TAP_CHECK(stat(hostdir, &st) == 0 && S_ISDIR(st.st_mode), "-v made the missing host directory");
    cleanup_free char *copied = xasprintf("%s/sub/file", rc.binds[2].source ? rc.binds[2].source : "");
    cleanup_free char *copied_dir = xasprintf("%s/sub", rc.binds[2].source ? rc.binds[2].source : "");
    cleanup_free char *text = NULL;
    TAP_CHECK(read_file(copied, &text, NULL, NULL) == 0 && !strcmp(text, "hello") && stat(copied_dir, &st) == 0 &&
                  st.st_uid == 123 && st.st_gid == 456,
              "copy-up: the image's /data content, owners included, is in the new volume");
    cleanup_free char *evil_copy = xasprintf("%s/passwd", rc.binds[1].source ? rc.binds[1].source : "");
    TAP_CHECK(access(evil_copy, F_OK) != 0, "copy-up resolves the path inside the rootfs (the host's /etc is not copied)");
    TAP_CHECK(strv_length(made.volumes) == 2 && strv_length(made.dirs) == 1 && !strcmp(made.dirs[0], hosttop),
              "what was made is remembered (2 volumes, the topmost new directory)");
    cleanup_free char *anon = xstrdup(rc.binds[2].volume);
    engine_mounts_undo(root, &made);
    TAP_CHECK(!volume_exists(root, "named1") && !volume_exists(root, anon) && access(hosttop, F_OK) != 0,
              "undo removes them");
    for (size_t i = 0; i < rc.n_binds; i++)
        engine_bind_clear(&rc.binds[i]);
    free(rc.binds);
}

int main(void)
{
    if (!mkdtemp(tmpdir))
        return 1;
    check_v();
    check_mount();
    check_volumes();
    if (getuid() == 0)
        check_prepare();
    else
        printf("ok - # SKIP prepare needs root (chown)\n");
    cleanup_error struct hull_error *err = NULL;
    rm_rf(tmpdir, &err);
    return TAP_DONE();
}
