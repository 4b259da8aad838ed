/* hull: finding the engine's helper programs (see helper_path.h). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper_path.h"
#include "util/utils.h"

/* Carries the path across the memfd re-exec; removed again at once so
 * neither hooks nor containers inherit it. */
#define SELF_PATH_ENV "_HULL_ENGINE_EXE"

static char self_path[PATH_MAX] = "hull";

void engine_self_path_init(void)
{
    const char *inherited = getenv(SELF_PATH_ENV);
    if (inherited && inherited[0] == '/' && strlen(inherited) < sizeof self_path) {
        strcpy(self_path, inherited);
        unsetenv(SELF_PATH_ENV);
        return;
    }
    ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    if (n <= 0 || self_path[0] != '/') {
        strcpy(self_path, "hull");
        return;
    }
    self_path[n] = '\0';
}

void engine_self_path_export(bool on)
{
    if (on && self_path[0] == '/')
        setenv(SELF_PATH_ENV, self_path, 1);
    else
        unsetenv(SELF_PATH_ENV);
}

const char *engine_self_path(void)
{
    return self_path;
}

int engine_helper_path(const char *name, const char *env_var, char **out, struct hull_error **err)
{
    const char *env = env_var ? getenv(env_var) : NULL;
    if (env && *env) {
        if (access(env, X_OK) < 0)
            return hull_error_set(err, errno, "%s=%s is not an executable", env_var, env);
        *out = xstrdup(env);
        return 0;
    }
    cleanup_free char *dir = xstrdup(self_path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        char *p = xasprintf("%s/%s", dir, name);
        if (access(p, X_OK) == 0) {
            *out = p;
            return 0;
        }
        free(p);
    }
    char *p = xasprintf("%s/%s", HULL_LIBEXECDIR, name);
    if (access(p, X_OK) == 0) {
        *out = p;
        return 0;
    }
    free(p);
    return hull_error_set(err, ENOENT, "cannot find %s: not in $%s, next to %s, nor in %s", name,
                          env_var ? env_var : "(none)", self_path, HULL_LIBEXECDIR);
}
