/* state.json and intent.json <-> struct hull_state (state_json.c, issue 12):
 * files written by the hull before the typed state are read whole and written
 * back byte for byte (containers that run across an upgrade are still seen,
 * killed and deleted), every key is optional, and a key of the wrong type is
 * an error naming it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container/state.h"
#include "util/utils.h"
#include "../tap.h"

/* Written by hull-runtime create before struct hull_state existed (hybrid
 * host, two of its ten nodes), and the intent.json of a create killed after
 * its clone, with no mount namespace. */
static const char old_state[] =
    "{\"ociVersion\":\"1.2.0\",\"id\":\"old1\",\"pid\":3833,\"init_start_time\":5000493,"
    "\"bundle\":\"\\/tmp\\/rtstate-bench\\/bundle\",\"rootfs\":\"\\/tmp\\/rtstate-bench\\/bundle\\/rootfs\","
    "\"created\":\"2026-12-06T11:44:54.140571574Z\",\"owner\":\"\",\"annotations\":{\"a.b\":\"c\","
    "\"org.hull.capabilities.ungranted\":\"CAP_BPF\"},\"rootfs_mount_before\":1234,\"rootfs_mount_ns\":4026531841,"
    "\"has_poststart\":false,\"has_poststop\":true,"
    "\"cgroup\":{\"layout\":\"hybrid\",\"nodes\":[{\"mountpoint\":\"\\/sys\\/fs\\/cgroup\\/cpu\",\"mount_root\":\"\\/\","
    "\"controllers\":\"cpu\",\"unified\":false,\"path\":\"\\/hull\\/old1\",\"dir\":\"\\/sys\\/fs\\/cgroup\\/cpu\\/hull\\/old1\","
    "\"created\":[\"\\/sys\\/fs\\/cgroup\\/cpu\\/hull\",\"\\/sys\\/fs\\/cgroup\\/cpu\\/hull\\/old1\"]},"
    "{\"mountpoint\":\"\\/sys\\/fs\\/cgroup\\/unified\",\"mount_root\":\"\\/\",\"controllers\":\"\",\"unified\":true,"
    "\"path\":\"\\/hull\\/old1\",\"dir\":\"\\/sys\\/fs\\/cgroup\\/unified\\/hull\\/old1\",\"created\":[]}]}}";

static const char old_intent[] =
    "{\"id\":\"old2\",\"creator_pid\":77,\"pid\":78,\"init_start_time\":99,\"rootfs\":\"\\/b\\/rootfs\","
    "\"rootfs_mount_before\":5,\"rootfs_mount_ns\":6,\"cgroup\":{\"layout\":\"v2\",\"nodes\":[{\"mountpoint\":"
    "\"\\/sys\\/fs\\/cgroup\",\"mount_root\":\"\\/\",\"controllers\":\"\",\"unified\":true,\"path\":\"\\/hull\\/old2\","
    "\"dir\":\"\\/sys\\/fs\\/cgroup\\/hull\\/old2\",\"created\":[\"\\/sys\\/fs\\/cgroup\\/hull\\/old2\"]}]}}";

static bool streq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static void test_old_state(void)
{
    cleanup_state struct hull_state *s = NULL;
    struct hull_error *e = NULL;
    TAP_CHECK(hull_state_from_json(old_state, &s, &e) == 0, "an old state.json is read");
    if (!s)
        return;
    TAP_CHECK(streq(s->oci_version, "1.2.0") && streq(s->id, "old1") && s->pid == 3833 &&
                  s->init_start_time == 5000493,
              "its id, init pid and start time");
    TAP_CHECK(streq(s->bundle, "/tmp/rtstate-bench/bundle") && streq(s->rootfs, "/tmp/rtstate-bench/bundle/rootfs") &&
                  streq(s->created, "2026-12-06T11:44:54.140571574Z") && streq(s->owner, ""),
              "bundle, rootfs, created, owner");
    TAP_CHECK(s->n_annotations == 2 && streq(s->annotations[0].key, "a.b") && streq(s->annotations[0].value, "c") &&
                  streq(s->annotations[1].key, "org.hull.capabilities.ungranted"),
              "annotations, in order");
    TAP_CHECK(s->has_rootfs_mark && s->rootfs_before.mnt_id == 1234 && s->rootfs_before.mnt_ns == 4026531841ULL,
              "the rootfs mark");
    TAP_CHECK(!s->has_poststart && s->has_poststop, "the hook flags");
    const struct cgroup_record *cg = &s->cgroup;
    TAP_CHECK(cg->present && streq(cg->layout, "hybrid") && cg->n_nodes == 2, "the cgroup record: layout, 2 nodes");
    if (cg->n_nodes == 2)
        TAP_CHECK(streq(cg->nodes[0].controllers, "cpu") && !cg->nodes[0].unified &&
                      streq(cg->nodes[0].dir, "/sys/fs/cgroup/cpu/hull/old1") && strv_length(cg->nodes[0].created) == 2 &&
                      cg->nodes[1].unified && streq(cg->nodes[1].controllers, "") &&
                      strv_length(cg->nodes[1].created) == 0,
                  "the nodes: controllers, dirs, what hull created");
    s->complete = true; /* as state_load marks it */
    cleanup_free char *again = hull_state_to_json(s);
    TAP_CHECK(!strcmp(again, old_state), "written back byte for byte");
    if (strcmp(again, old_state))
        printf("# got  %s\n# want %s\n", again, old_state);
    cleanup_state struct hull_state *s2 = NULL;
    cleanup_free char *twice = NULL;
    if (hull_state_from_json(again, &s2, &e) == 0) {
        s2->complete = true;
        twice = hull_state_to_json(s2);
    }
    TAP_CHECK(twice && !strcmp(twice, again), "round trip: read, write, read, write is stable");
    hull_error_free(e);
}

static void test_old_intent(void)
{
    cleanup_state struct hull_state *s = NULL;
    TAP_CHECK(hull_state_from_json(old_intent, &s, NULL) == 0, "an old intent.json is read");
    if (!s)
        return;
    TAP_CHECK(s->creator_pid == 77 && s->pid == 78 && s->init_start_time == 99 && streq(s->rootfs, "/b/rootfs") &&
                  s->has_rootfs_mark && s->rootfs_before.mnt_id == 5 && s->rootfs_before.mnt_ns == 6,
              "its creator, init, rootfs mark");
    TAP_CHECK(s->cgroup.present && s->cgroup.n_nodes == 1 && streq(s->cgroup.nodes[0].created[0], "/sys/fs/cgroup/hull/old2"),
              "its cgroup record");
    s->complete = false; /* as state_intent_load marks it */
    cleanup_free char *again = hull_state_to_json(s);
    TAP_CHECK(!strcmp(again, old_intent), "written back byte for byte");
}

static void test_minimal(void)
{
    /* An intent written before anything was made: only id and creator. */
    cleanup_state struct hull_state *s = NULL;
    TAP_CHECK(hull_state_from_json("{\"id\":\"x\",\"creator_pid\":5}", &s, NULL) == 0 && s && s->pid == 0 &&
                  !s->cgroup.present && !s->has_rootfs_mark && !s->bundle && s->n_annotations == 0,
              "missing keys read as nothing");
    cleanup_state struct hull_state *empty = NULL;
    TAP_CHECK(hull_state_from_json("{}", &empty, NULL) == 0 && empty, "{} is a record of nothing");
    /* a mark without the rootfs it belongs to is no mark (delete leaves mounts alone) */
    cleanup_state struct hull_state *m = NULL;
    TAP_CHECK(hull_state_from_json("{\"rootfs_mount_before\":1,\"rootfs_mount_ns\":2}", &m, NULL) == 0 && m &&
                  !m->has_rootfs_mark,
              "a rootfs mark without a rootfs is none");
}

static void check_refused(const char *json, const char *want, const char *what)
{
    struct hull_state *s = NULL;
    struct hull_error *e = NULL;
    int r = hull_state_from_json(json, &s, &e);
    cleanup_free char *t = e ? hull_error_text(e) : xstrdup("");
    TAP_CHECK(r < 0 && !s && strstr(t, want), "%s: refused, naming it (%s)", what, t);
    hull_error_free(e);
}

static void test_refused(void)
{
    check_refused("[1]", "not a JSON object", "an array");
    check_refused("{\"pid\":", "not a JSON object", "truncated");
    check_refused("{\"pid\":\"12\"}", "\"pid\" must be an integer", "pid as a string");
    check_refused("{\"bundle\":7}", "\"bundle\" must be a string", "bundle as a number");
    check_refused("{\"has_poststop\":1}", "\"has_poststop\" must be true or false", "a hook flag as a number");
    check_refused("{\"annotations\":{\"k\":1}}", "annotation \"k\" is not a string", "an annotation's value");
    check_refused("{\"cgroup\":{\"layout\":\"v2\"}}", "\"cgroup\" has no \"nodes\" array", "cgroup without nodes");
    check_refused("{\"cgroup\":{\"nodes\":[{\"mountpoint\":\"/m\",\"path\":\"/p\"}]}}",
                  "cgroup node 0 lacks mountpoint/path/dir", "a node without dir");
    check_refused("{\"cgroup\":{\"nodes\":[{\"mountpoint\":\"/m\",\"path\":\"/p\",\"dir\":\"/m/p\",\"unified\":\"yes\"}]}}",
                  "cgroup node 0: \"unified\" must be true or false", "a node's flag");
    check_refused("{\"pid\":-4}", "out of range", "a negative pid");
}

int main(void)
{
    test_old_state();
    test_old_intent();
    test_minimal();
    test_refused();
    return TAP_DONE();
}
