/* Image references: NAME[:TAG][@DIGEST] parsing and validation. */
#include <string.h>

#include "../tap.h"
#include "image/reference.h"
#include "util/utils.h"

static void check_ok(const char *text, const char *name, const char *tag, const char *digest)
{
    struct image_ref ref;
    cleanup_error struct hull_error *err = NULL;
    int r = image_ref_parse(text, &ref, &err);
    TAP_CHECK(r == 0 && !strcmp(ref.name, name) && ((!tag && !ref.tag) || (tag && ref.tag && !strcmp(ref.tag, tag))) &&
                  ((!digest && !ref.digest) || (digest && ref.digest && !strcmp(ref.digest, digest))),
              "\"%s\" -> name %s tag %s", text, name, tag ? tag : "(none)");
    if (r == 0)
        image_ref_clear(&ref);
}

static void check_bad(const char *text, const char *want_in_message)
{
    struct image_ref ref;
    cleanup_error struct hull_error *err = NULL;
    int r = image_ref_parse(text, &ref, &err);
    TAP_CHECK(r < 0 && err && strstr(err->msg, want_in_message), "\"%s\" is refused (%s)", text,
              err ? err->msg : "accepted");
}

int main(void)
{
    const char *d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    check_ok("busybox", "busybox", "latest", NULL);
    check_ok("busybox:1.36", "busybox", "1.36", NULL);
    check_ok("library/busybox:musl", "library/busybox", "musl", NULL);
    check_ok("localhost:5000/team/app", "localhost:5000/team/app", "latest", NULL);
    check_ok("localhost:5000/team/app:v2", "localhost:5000/team/app", "v2", NULL);
    check_ok("registry.example.com/a/b-c__d.e:T_1", "registry.example.com/a/b-c__d.e", "T_1", NULL);
    check_ok("docker.io/library/alpine:3.19", "docker.io/library/alpine", "3.19", NULL);
    check_ok("localhost/busybox:podman", "localhost/busybox", "podman", NULL);
    check_ok("app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "app", NULL, d);
    check_ok("app:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "app", "v1", d);
    check_ok("a---b", "a---b", "latest", NULL);

    check_bad("", "empty");
    check_bad("BusyBox", "lowercase");
    check_bad("busybox:", "bad tag");
    check_bad("busybox:-x", "bad tag");
    check_bad("bus box", "invalid reference");
    check_bad("-busybox", "invalid reference");
    check_bad("busybox_", "invalid reference");
    check_bad("a/../b", "invalid reference");
    check_bad("a//b", "invalid reference");
    check_bad("app@sha256:1234", "bad digest");
    check_bad("app@md5:0123456789abcdef0123456789abcdef", "bad digest");
    check_bad("localhost:/x", "invalid reference");

    /* 128 characters of tag are fine, 129 are not; a name is at most 255 */
    char tag[160] = "x:";
    memset(tag + 2, 'a', 128);
    tag[130] = '\0';
    check_ok(tag, "x", tag + 2, NULL);
    tag[130] = 'a';
    tag[131] = '\0';
    check_bad(tag, "bad tag");
    char name[300];
    memset(name, 'a', 256);
    name[256] = '\0';
    check_bad(name, "invalid reference");

    TAP_CHECK(image_name_is_valid("a.b_c__d-e") && !image_name_is_valid("a..b") && !image_name_is_valid("a___b"),
              "separators: one '.', one or two '_', any number of '-'");
    struct image_ref ref = {.name = "n", .tag = "t"};
    cleanup_free char *s = image_ref_format(&ref);
    TAP_CHECK(!strcmp(s, "n:t"), "format name:tag");
    return TAP_DONE();
}
