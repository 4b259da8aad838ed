/* HOME as runc derives it (issue 10): from passwd(5) by uid, "/" without an
 * entry; an empty HOME counts as none; a given one wins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container/process_env.h"
#include "util/utils.h"
#include "../tap.h"

static char *home_of(const char *passwd, uid_t uid)
{
    FILE *f = fmemopen((void *)passwd, strlen(passwd), "r");
    char *home = passwd_home(f, uid);
    if (f)
        fclose(f);
    return home;
}

static int count_home(char **env, const char *want)
{
    int n = 0;
    for (char **e = env; *e; e++)
        if (!strncmp(*e, "HOME=", 5))
            n += want && !strcmp(*e, want) ? 1 : 100;
    return n;
}

int main(void)
{
    const char *pw = "root:x:0:0:root:/root:/bin/sh\n"
                     "broken line without fields\n"
                     "user:x:1000:1000:A User,,,:/home/user:/bin/sh\n"
                     "dup:x:1000:1000::/home/second:/bin/sh\n"
                     "nohome:x:7:7::\n"
                     "nonl:x:42:42::/srv/nonl:/bin/sh";
    char *h;
    TAP_CHECK(!strcmp(h = home_of(pw, 0), "/root"), "uid 0 -> /root");
    free(h);
    TAP_CHECK(!strcmp(h = home_of(pw, 1000), "/home/user"), "the first entry of a uid wins");
    free(h);
    TAP_CHECK(!strcmp(h = home_of(pw, 4242), "/"), "a uid without an entry gets / (runc)");
    free(h);
    TAP_CHECK(!strcmp(h = home_of(pw, 7), ""), "an entry with an empty home field gives it as is");
    free(h);
    TAP_CHECK(!strcmp(h = home_of(pw, 42), "/srv/nonl"), "the last line without a newline is read");
    free(h);
    TAP_CHECK(!strcmp(h = passwd_home(NULL, 0), "/"), "no passwd file: /");
    free(h);

    char *given[] = {"PATH=/bin", "HOME=/given", NULL};
    char **env = process_env_build(given, NULL, 0);
    TAP_CHECK(count_home(env, "HOME=/given") == 1 && !strcmp(env[0], "PATH=/bin"), "a HOME in process.env is kept");
    strv_free(env);
    char *empty[] = {"HOME=", "PATH=/bin", NULL};
    char *extra[] = {"LISTEN_FDS=1", NULL};
    env = process_env_build(empty, extra, 3999999999u);
    /* read from the host's /etc/passwd: no machine has an entry for uid 3999999999 */
    TAP_CHECK(count_home(env, "HOME=/") == 1 && strv_length(env) == 3, "an empty HOME is dropped and replaced; extra env kept");
    strv_free(env);
    return TAP_DONE();
}
