/* hull: libcurl, loaded with dlopen(3) the first time hull talks to a registry.
 *
 * Why not link it: libcurl.so.4 pulls in ~30 shared libraries (TLS, HTTP/2,
 * SSH, LDAP, Kerberos, IDN ...) and the dynamic loader maps them on every exec,
 * ~15 ms per `hull` invocation on a busy machine -- twice per `hull run`, which
 * re-executes itself.  Most invocations never touch the network, so they should
 * not pay for it.  The headers are still those of libcurl4-openssl-dev: types and
 * constants are checked at compile time; only the symbol lookup is deferred.
 *
 * Call curl_lib_load() once before anything else here; it fails with a clear
 * message ("install libcurl4") when the library is missing. */
#ifndef HULL_REGISTRY_CURL_LIB_H
#define HULL_REGISTRY_CURL_LIB_H

#include <curl/curl.h>

#include "util/error_internal.h"

struct curl_lib {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
    CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
    CURLcode (*easy_perform)(CURL *h);
    CURLcode (*easy_pause)(CURL *h, int bitmask);
    void (*easy_cleanup)(CURL *h);
    const char *(*easy_strerror)(CURLcode code);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_add_handle)(CURLM *m, CURL *h);
    CURLMcode (*multi_remove_handle)(CURLM *m, CURL *h);
    CURLMcode (*multi_perform)(CURLM *m, int *running);
    CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd extra[], unsigned n_extra, int timeout_ms, int *numfds);
    CURLMsg *(*multi_info_read)(CURLM *m, int *msgs_left);
    CURLMcode (*multi_cleanup)(CURLM *m);
    const char *(*multi_strerror)(CURLMcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
    void (*slist_free_all)(struct curl_slist *list);
    CURLSH *(*share_init)(void);
    CURLSHcode (*share_setopt)(CURLSH *sh, CURLSHoption opt, ...);
    CURLSHcode (*share_cleanup)(CURLSH *sh);
};

/* The loaded table (valid after a successful curl_lib_load). */
extern struct curl_lib curl;

int curl_lib_load(struct hull_error **err);

#endif
