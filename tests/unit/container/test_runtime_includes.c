/* hull-runtime is a front end: its files include libhull's public headers
 * (the headers of include/hull), its own commands.h and system headers, nothing of
 * src/libhull.  Its build has include/ as its only include path; this reads
 * the #include lines themselves, so that a relative path
 * ("../libhull/util/utils.h") or an include path added back is caught too. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"

/* The libraries' folders (src/libhull, src/libhull-engine): a name under one
 * of them is an internal header, whatever the quotes. */
static const char *const internal[] = {"util/",     "spec/",     "container/", "ns/",    "mount/",    "cgroup/",
                                       "security/", "terminal/", "image/",     "engine/", "network/", "registry/"};

/* Whether the #include line may be in a file of src/hull-runtime. */
static bool include_allowed(const char *line)
{
    const char *p = line + strspn(line, " \t");
    if (*p++ != '#')
        return true; /* not a directive */
    p += strspn(p, " \t");
    if (strncmp(p, "include", 7))
        return true;
    p += 7;
    p += strspn(p, " \t");
    char close = *p == '<' ? '>' : *p == '"' ? '"' : 0;
    const char *end = close ? strchr(p + 1, close) : NULL;
    if (!end)
        return false; /* a macro or a broken line: nothing a reader can check */
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
    if (strstr(name, ".."))
        return false;
    for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++)
        if (!strncmp(name, internal[i], strlen(internal[i])))
            return false;
    if (close == '>')
        return true; /* a system header */
    return !strcmp(name, "commands.h") || (!strncmp(name, "hull/", 5) && !strchr(name + 5, '/'));
}

/* Checks every #include of one file; returns the number of bad lines. */
static int check_file(const char *dir, const char *file)
{
    char path[4096], line[1024];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    if (!f)
        return printf("# cannot read %s\n", path), 1;
    int bad = 0, n = 0;
    while (fgets(line, sizeof line, f)) {
        n++;
        if (!include_allowed(line)) {
            printf("# %s:%d: %s", path, n, line);
            bad++;
        }
    }
    fclose(f);
    return bad;
}

int main(void)
{
    static const char *const good[] = {"#include \"hull/hull.h\"\n", "#include \"commands.h\"\n",
                                       "#include <stdio.h>\n", "#include <sys/capability.h>\n",
                                       "# include \"hull/error.h\"\n", "int x; /* #include \"util/log.h\" */\n"};
    static const char *const bad[] = {"#include \"util/log.h\"\n", "#include \"container/state.h\"\n",
                                      "#include \"../libhull/util/utils.h\"\n", "#include <util/log.h>\n",
                                      "#include \"hull/../../src/libhull/util/utils.h\"\n",
                                      "  #  include \"security/security.h\"\n", "#include HEADER\n",
                                      "#include \"engine.h\"\n"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        TAP_CHECK(include_allowed(good[i]), "allowed: %.*s", (int)strlen(good[i]) - 1, good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        TAP_CHECK(!include_allowed(bad[i]), "refused: %.*s", (int)strlen(bad[i]) - 1, bad[i]);

    const char *dir = getenv("HULL_RUNTIME_SRC") ? getenv("HULL_RUNTIME_SRC") : HULL_SOURCE_DIR "/src/hull-runtime";
    DIR *d = opendir(dir);
    TAP_CHECK(d != NULL, "%s can be read", dir);
    int files = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 3 || (strcmp(e->d_name + len - 2, ".c") && strcmp(e->d_name + len - 2, ".h")))
            continue;
        files++;
        TAP_CHECK(check_file(dir, e->d_name) == 0, "%s includes only public headers, commands.h and system ones",
                  e->d_name);
    }
    if (d)
        closedir(d);
    /* a wrong directory must not pass for a clean one */
    TAP_CHECK(files >= 6, "%d files of hull-runtime were read", files);
    return TAP_DONE();
}
