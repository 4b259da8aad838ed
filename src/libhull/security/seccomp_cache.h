/* hull: the cache of compiled seccomp programs (see seccomp_cache.c). */
#ifndef HULL_SECCOMP_CACHE_H
#define HULL_SECCOMP_CACHE_H

#include <linux/filter.h>
#include <stddef.h>

#include "../spec/spec.h"

/* Everything that shapes the BPF of s, as one unambiguous string (owned). */
char *seccomp_cache_key(const struct hull_seccomp *s, size_t *len);
/* 0 and a copy of the program (owned) on a hit; -1 on a miss. */
int seccomp_cache_lookup(const char *key, size_t key_len, struct sock_filter **insns, size_t *n_insns);
/* Best effort: failures only mean the next start compiles again. */
void seccomp_cache_store(const char *key, size_t key_len, const struct sock_filter *insns, size_t n_insns);

#endif
