/* The registry library's pure logic: TOML subset, registries.conf, names,
 * auth challenges and the auth.json file. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "image/image_json.h"
#include "image/reference.h"
#include "registry/auth.h"
#include "registry/conf.h"
#include "registry/toml.h"
#include "util/utils.h"

static void check_toml_bad(const char *text, const char *want)
{
    struct json_object *doc = NULL;
    cleanup_error struct hull_error *err = NULL;
    int r = toml_parse(text, strlen(text), "t.conf", &doc, &err);
    TAP_CHECK(r < 0 && err && strstr(err->msg, want), "toml refuses %s (%s)", want, err ? err->msg : "accepted");
    json_object_put(doc);
}

static void test_toml(void)
{
    const char *text = "# comment\n"
                       "a = \"x\\ty\\u00e9\" # trailing\n"
                       "b = 'lit\\eral'\n"
                       "n = 1_000\n"
                       "neg = -5\n"
                       "t = true\n"
                       "arr = [\n  \"one\", # c\n  \"two\",\n]\n"
                       "inl = { k = \"v\", d.e = 2 }\n"
                       "[tab.sub]\n"
                       "\"quoted key\" = false\n"
                       "[[registry]]\n"
                       "location = \"r1\"\n"
                       "[[registry.mirror]]\n"
                       "location = \"m1\"\n"
                       "[[registry.mirror]]\n"
                       "location = \"m2\"\n"
                       "[[registry]]\n"
                       "location = \"r2\"\n";
    struct json_object *doc = NULL;
    cleanup_error struct hull_error *err = NULL;
    int r = toml_parse(text, strlen(text), "t.conf", &doc, &err);
    TAP_CHECK(r == 0, "toml: the subset parses (%s)", err ? err->msg : "ok");
    if (r < 0)
        return;
    const char *json = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
    const char *want = "{\"a\":\"x\\ty\xc3\xa9\",\"b\":\"lit\\\\eral\",\"n\":1000,\"neg\":-5,\"t\":true,"
                       "\"arr\":[\"one\",\"two\"],\"inl\":{\"k\":\"v\",\"d\":{\"e\":2}},"
                       "\"tab\":{\"sub\":{\"quoted key\":false}},"
                       "\"registry\":[{\"location\":\"r1\",\"mirror\":[{\"location\":\"m1\"},{\"location\":\"m2\"}]},"
                       "{\"location\":\"r2\"}]}";
    TAP_CHECK(!strcmp(json, want), "toml: the tree is right: %s", json);
    json_object_put(doc);

    check_toml_bad("a = 1\na = 2\n", "line 2: key \"a\" is defined twice");
    check_toml_bad("a = 1.5\n", "line 1: unsupported value");
    check_toml_bad("a = \"\"\"x\"\"\"\n", "multi-line strings are not supported");
    check_toml_bad("a = \"open\n", "line 1: unterminated string");
    check_toml_bad("a = [1, 2\n", "expected ',' or ']' in an array");
    check_toml_bad("[t]\nx = 1\n[t]\n", "line 3: table defined twice");
    check_toml_bad("a = 1 b = 2\n", "unexpected text after the value");
    check_toml_bad("= 1\n", "expected a key");
    check_toml_bad("a = \"\\q\"\n", "unknown escape");
}

static void test_conf(void)
{
    const char *text = "unqualified-search-registries = [\"quay.io\", \"docker.io\"]\n"
                       "short-name-mode = \"enforcing\"\n"
                       "[[registry]]\n"
                       "prefix = \"example.com/team\"\n"
                       "location = \"mirror.local:5000/x\"\n"
                       "insecure = true\n"
                       "[[registry]]\n"
                       "location = \"example.com\"\n"
                       "blocked = true\n"
                       "[[registry]]\n"
                       "prefix = \"*.corp.example\"\n"
                       "[[registry.mirror]]\n"
                       "location = \"cache.local\"\n"
                       "insecure = true\n";
    struct registries_conf *conf = NULL;
    cleanup_error struct hull_error *err = NULL;
    int r = registries_conf_parse(text, strlen(text), "r.conf", &conf, &err);
    TAP_CHECK(r == 0 && conf->n_entries == 3, "registries.conf parses (%s)", err ? err->msg : "ok");
    if (r < 0)
        return;
    TAP_CHECK(strv_length(conf->search) == 2 && !strcmp(conf->search[0], "quay.io"), "search registries in order");
    const struct registry_entry *e = registries_conf_find(conf, "example.com/team/app");
    TAP_CHECK(e && !strcmp(e->location, "mirror.local:5000/x") && e->insecure, "longest prefix wins");
    e = registries_conf_find(conf, "example.com/teammate/app");
    TAP_CHECK(e && e->blocked, "a prefix matches whole path components only");
    e = registries_conf_find(conf, "registry.corp.example/a");
    TAP_CHECK(e && e->n_mirrors == 1 && e->mirrors[0].insecure, "wildcard prefix with a mirror");
    TAP_CHECK(!registries_conf_find(conf, "corp.example/a"), "a wildcard needs a subdomain");
    TAP_CHECK(!registries_conf_find(conf, "quay.io/a"), "no entry: NULL");
    registries_conf_free(conf);

    const char *v1 = "[registries.search]\nregistries = ['a.io']\n[registries.insecure]\nregistries = ['b.io']\n"
                     "[registries.block]\nregistries = ['c.io']\n";
    r = registries_conf_parse(v1, strlen(v1), "v1.conf", &conf, &err);
    TAP_CHECK(r == 0 && !strcmp(conf->search[0], "a.io") && registries_conf_find(conf, "b.io/x")->insecure &&
                  registries_conf_find(conf, "c.io/x")->blocked,
              "version 1 tables");
    if (r == 0)
        registries_conf_free(conf);

    const char *bad[][2] = {
        {"[[registry]]\ninsecure = true\n", "needs a prefix or a location"},
        {"[[registry]]\nprefix = \"*.a.io\"\nlocation = \"b.io\"\n", "wildcard prefix"},
        {"[[registry]]\nlocation = 5\n", "\"location\" must be a string"},
        {"unqualified-search-registries = \"docker.io\"\n", "must be an array of strings"},
        {"[[registry]]\nlocation = \"a\"\ninsecure = \"yes\"\n", "\"insecure\" must be true or false"},
        /* a mirror's location was leaked when its "insecure" was refused
         * (fuzz-registries-conf; check-asan's leak check sees it here) */
        {"[[registry]]\nlocation = \"r\"\n[[registry.mirror]]\nlocation = \"m\"\ninsecure = \"yes\"\n",
         "[[registry]] 1 mirror 1: \"insecure\" must be true or false"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        hull_error_freep(&err);
        conf = NULL;
        r = registries_conf_parse(bad[i][0], strlen(bad[i][0]), "b.conf", &conf, &err);
        TAP_CHECK(r < 0 && strstr(err->msg, bad[i][1]), "refused: %s (%s)", bad[i][1], err ? err->msg : "accepted");
        registries_conf_free(conf);
    }
    TAP_CHECK(registry_host_is_local("localhost:5000") && registry_host_is_local("127.1.2.3") &&
                  registry_host_is_local("[::1]:5000") && !registry_host_is_local("128.0.0.1") &&
                  !registry_host_is_local("localhost.example.com"),
              "local hosts");
}

static void check_split(const char *name, const char *domain, const char *path, bool qualified, const char *familiar)
{
    char *d, *p;
    bool q;
    image_name_split(name, &d, &p, &q);
    cleanup_free char *f = image_name_familiar(d, p);
    TAP_CHECK(!strcmp(d, domain) && !strcmp(p, path) && q == qualified && !strcmp(f, familiar),
              "%s -> %s + %s (familiar %s), got %s + %s (%s)", name, domain, path, familiar, d, p, f);
    free(d);
    free(p);
}

static void test_names(void)
{
    check_split("busybox", "docker.io", "library/busybox", false, "busybox");
    check_split("team/app", "docker.io", "team/app", false, "team/app");
    check_split("docker.io/library/busybox", "docker.io", "library/busybox", true, "busybox");
    check_split("index.docker.io/busybox", "docker.io", "library/busybox", true, "busybox");
    check_split("localhost/app", "localhost", "app", true, "localhost/app");
    check_split("127.0.0.1:5000/a/b", "127.0.0.1:5000", "a/b", true, "127.0.0.1:5000/a/b");
    check_split("quay.io/x/y", "quay.io", "x/y", true, "quay.io/x/y");
}

static void test_challenge(void)
{
    struct registry_challenge c;
    cleanup_error struct hull_error *err = NULL;
    int r = registry_challenge_parse(
        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/"
        "busybox:pull\"",
        &c, &err);
    TAP_CHECK(r == 0 && !strcmp(c.scheme, "bearer") && !strcmp(c.realm, "https://auth.docker.io/token") &&
                  !strcmp(c.service, "registry.docker.io") && !strcmp(c.scope, "repository:library/busybox:pull"),
              "Bearer challenge");
    registry_challenge_clear(&c);
    r = registry_challenge_parse("Basic realm=\"basic-realm\"", &c, &err);
    TAP_CHECK(r == 0 && !strcmp(c.scheme, "basic") && !strcmp(c.realm, "basic-realm"), "Basic challenge");
    registry_challenge_clear(&c);
    r = registry_challenge_parse("bearer service=x", &c, &err);
    TAP_CHECK(r < 0 && strstr(err->msg, "no realm"), "a Bearer challenge without realm is refused");
}

static void test_auth_file(void)
{
    char dir[] = "/tmp/hull-test-auth.XXXXXX";
    if (!mkdtemp(dir)) {
        TAP_CHECK(0, "mkdtemp");
        return;
    }
    cleanup_free char *file = xasprintf("%s/sub/auth.json", dir);
    cleanup_error struct hull_error *err = NULL;
    int r = registry_credentials_store(file, "reg.example:5000", "me", "s3cret:with:colons", NULL, &err);
    TAP_CHECK(r == 0 && access(file, F_OK) == 0, "login writes the file (%s)", err ? err->msg : "ok");
    cleanup_json struct json_object *doc = NULL;
    image_json_read_at(AT_FDCWD, file, &doc, NULL);
    const char *b64 = json_get_string(json_get_object(json_get_object(doc, "auths"), "reg.example:5000"), "auth");
    TAP_CHECK(b64 && !strcmp(b64, "bWU6czNjcmV0OndpdGg6Y29sb25z"), "auth.json format: base64(user:password)");
    struct registry_credentials c;
    bool found;
    r = registry_credentials_find(file, "reg.example:5000", &c, &found, &err);
    TAP_CHECK(r == 0 && found && !strcmp(c.username, "me") && !strcmp(c.password, "s3cret:with:colons"),
              "the credentials read back");
    registry_credentials_clear(&c);
    r = registry_credentials_find(file, "other.example", &c, &found, &err);
    TAP_CHECK(r == 0 && !found, "another host has none");
    bool removed;
    r = registry_credentials_store(file, "reg.example:5000", NULL, NULL, &removed, &err);
    TAP_CHECK(r == 0 && removed, "logout removes them");
    r = registry_credentials_store(file, "reg.example:5000", NULL, NULL, &removed, &err);
    TAP_CHECK(r == 0 && !removed, "a second logout has nothing to remove");
    /* docker's key for Docker Hub */
    cleanup_free char *docker = xasprintf("%s/config.json", dir);
    const char *text = "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"dTpw\"}}}";
    write_file_atomic(docker, text, strlen(text), 0600, NULL);
    r = registry_credentials_find(docker, "docker.io", &c, &found, &err);
    TAP_CHECK(r == 0 && found && !strcmp(c.username, "u") && !strcmp(c.password, "p"),
              "docker's https://index.docker.io/v1/ key is Docker Hub");
    registry_credentials_clear(&c);
    text = "{\"auths\":{\"x.io\":{\"auth\":\"not base64!\"}}}";
    write_file_atomic(docker, text, strlen(text), 0600, NULL);
    hull_error_freep(&err);
    r = registry_credentials_find(docker, "x.io", &c, &found, &err);
    TAP_CHECK(r < 0 && strstr(err->msg, "not valid base64") && !strstr(err->msg, "not base64!"),
              "a bad entry is an error that does not quote it");
    rm_rf(dir, NULL);
}

int main(void)
{
    test_toml();
    test_conf();
    test_names();
    test_challenge();
    test_auth_file();
    return TAP_DONE();
}
