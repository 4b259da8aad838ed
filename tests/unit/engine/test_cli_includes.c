/* The engine CLI (src/hull) sees the libraries through their public headers
 * only (issue 12): every #include "..." in the .c and .h files of src/hull names
 * a header of include/hull or the CLI's own cli.h, and no #include <...> reaches a
 * library folder.  The build enforces it too (src/hull is compiled with
 * include/ as its only library include path); this test names the file and
 * line when someone widens that path again. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"

/* The folders of src/libhull and src/libhull-engine (docs/architecture.md). */
static const char *const library_dirs[] = {"util/",     "spec/",  "container/", "ns/",      "mount/",  "cgroup/",
                                           "security/", "terminal/", "image/", "engine/", "network/", "registry/"};

/* 1 when the #include line is allowed, 0 when not; name gets what it includes. */
static int include_allowed(const char *line, char *name, size_t size)
{
    const char *p = line + strspn(line, " \t");
    if (strncmp(p, "#include", 8))
        return 1;
    p += 8 + strspn(p + 8, " \t");
    char close = *p == '"' ? '"' : *p == '<' ? '>' : 0;
    const char *end = close ? strchr(p + 1, close) : NULL;
    if (!end)
        return 1;
    snprintf(name, size, "%.*s", (int)(end - p - 1), p + 1);
    if (close == '"') {
        /* include/hull's (no library folder is named hull), or the CLI's own (cli.h) */
        if (!strncmp(name, "hull/", 5) && !strchr(name + 5, '/'))
            return 1;
        char own[4096];
        snprintf(own, sizeof own, "%s/%s", HULL_CLI_DIR, name);
        return !strchr(name, '/') && access(own, F_OK) == 0;
    }
    for (size_t i = 0; i < sizeof library_dirs / sizeof *library_dirs; i++)
        if (!strncmp(name, library_dirs[i], strlen(library_dirs[i])))
            return 0;
    return 1;
}

static int check_file(const char *path, int *n_includes)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("# cannot open %s\n", path);
        return 1;
    }
    char line[4096], name[1024];
    int bad = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        name[0] = 0;
        if (!include_allowed(line, name, sizeof name)) {
            printf("# %s:%d includes \"%s\", not a public header (include/hull/*.h)\n", path, lineno, name);
            bad++;
        } else if (name[0]) {
            (*n_includes)++;
        }
    }
    fclose(f);
    return bad;
}

int main(void)
{
    char name[64];
    TAP_CHECK(include_allowed("#include \"engine/record.h\"", name, sizeof name) == 0 &&
                  include_allowed("#include <util/utils.h>", name, sizeof name) == 0 &&
                  include_allowed("#include \"hull/hull-engine.h\"", name, sizeof name) == 1 &&
                  include_allowed("#include \"cli.h\"", name, sizeof name) == 1 &&
                  include_allowed("#include \"output.h\"", name, sizeof name) == 0 &&
                  include_allowed("#include <json-c/json.h>", name, sizeof name) == 1,
              "the check refuses internal headers and takes public and system ones");

    DIR *d = opendir(HULL_CLI_DIR);
    TAP_CHECK(d != NULL, "src/hull can be read");
    if (!d)
        return TAP_DONE();
    int bad = 0, files = 0, includes = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 3 || (strcmp(e->d_name + len - 2, ".c") && strcmp(e->d_name + len - 2, ".h")))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", HULL_CLI_DIR, e->d_name);
        bad += check_file(path, &includes);
        files++;
    }
    closedir(d);
    TAP_CHECK(files >= 30 && includes > 0, "src/hull's sources were read");
    TAP_CHECK(bad == 0, "src/hull includes only public headers and its own cli.h");
    return TAP_DONE();
}
