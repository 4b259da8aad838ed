#include "curl_lib.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>

struct curl_lib curl;

static struct {
    const char *symbol;
    size_t offset;
} const symbols[] = {
#define SYM(field, name) {name, offsetof(struct curl_lib, field)}
    SYM(global_init, "curl_global_init"),
    SYM(easy_init, "curl_easy_init"),
    SYM(easy_setopt, "curl_easy_setopt"),
    SYM(easy_getinfo, "curl_easy_getinfo"),
    SYM(easy_perform, "curl_easy_perform"),
    SYM(easy_pause, "curl_easy_pause"),
    SYM(easy_cleanup, "curl_easy_cleanup"),
    SYM(easy_strerror, "curl_easy_strerror"),
    SYM(multi_init, "curl_multi_init"),
    SYM(multi_add_handle, "curl_multi_add_handle"),
    SYM(multi_remove_handle, "curl_multi_remove_handle"),
    SYM(multi_perform, "curl_multi_perform"),
    SYM(multi_poll, "curl_multi_poll"),
    SYM(multi_info_read, "curl_multi_info_read"),
    SYM(multi_cleanup, "curl_multi_cleanup"),
    SYM(multi_strerror, "curl_multi_strerror"),
    SYM(slist_append, "curl_slist_append"),
    SYM(slist_free_all, "curl_slist_free_all"),
    SYM(share_init, "curl_share_init"),
    SYM(share_setopt, "curl_share_setopt"),
    SYM(share_cleanup, "curl_share_cleanup"),
#undef SYM
};

static bool loaded;

int curl_lib_load(struct hull_error **err)
{
    if (loaded)
        return 0;
    /* The soname of libcurl 7.x and 8.x alike (Debian package libcurl4). */
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return hull_error_set(err, 0, "cannot talk to registries: libcurl is not installed (%s); install libcurl4",
                              dlerror());
    struct curl_lib table;
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        void *fn = dlsym(h, symbols[i].symbol);
        if (!fn) {
            dlclose(h);
            return hull_error_set(err, 0, "libcurl.so.4 has no %s: it is older than 7.66, hull needs curl_multi_poll",
                                  symbols[i].symbol);
        }
        *(void **)((char *)&table + symbols[i].offset) = fn;
    }
    /* Not thread-safe (it initialises OpenSSL): done here, before any thread exists. */
    if (table.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        dlclose(h);
        return hull_error_set(err, 0, "cannot initialise libcurl");
    }
    curl = table;
    loaded = true; /* the handle stays open for the life of the process */
    return 0;
}
