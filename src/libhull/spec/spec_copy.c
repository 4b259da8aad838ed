/* hull: deep copies of parts of struct hull_spec.
 *
 * The engine checks a container's seccomp profile once, while it reads the
 * flags, and gives every config it builds from them a copy of that parsed
 * profile (issue 12: the profile is parsed once per `hull run`); the hooks
 * of CDI devices are appended the same way. */
#include <stdlib.h>
#include <string.h>

#include "spec_internal.h"
#include "util/utils.h"

static char *dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

static void rule_copy(struct hull_seccomp_rule *to, const struct hull_seccomp_rule *from)
{
    *to = *from;
    to->names = strv_copy(from->names);
    to->action = dup_or_null(from->action);
    /* NULL and empty stay apart: spec_to_json writes them differently. */
    to->args = from->args != NULL ? xmalloc0((from->n_args ? from->n_args : 1) * sizeof *to->args) : NULL;
    for (size_t i = 0; i < from->n_args; i++) {
        to->args[i] = from->args[i];
        to->args[i].op = dup_or_null(from->args[i].op);
    }
}

struct hull_seccomp *spec_seccomp_dup(const struct hull_seccomp *s)
{
    if (s == NULL)
        return NULL;
    struct hull_seccomp *copy = xmalloc0(sizeof *copy);
    *copy = *s;
    copy->default_action = dup_or_null(s->default_action);
    copy->architectures = strv_copy(s->architectures);
    copy->flags = strv_copy(s->flags);
    copy->listener_path = dup_or_null(s->listener_path);
    copy->listener_metadata = dup_or_null(s->listener_metadata);
    copy->syscalls =
        s->syscalls != NULL ? xmalloc0((s->n_syscalls ? s->n_syscalls : 1) * sizeof *copy->syscalls) : NULL;
    for (size_t i = 0; i < s->n_syscalls; i++)
        rule_copy(&copy->syscalls[i], &s->syscalls[i]);
    return copy;
}

void spec_hooks_append(struct hull_hooks *to, const struct hull_hooks *from)
{
    const struct hull_hook_list *src[] = {&from->prestart,        &from->create_runtime, &from->create_container,
                                          &from->start_container, &from->poststart,      &from->poststop};
    struct hull_hook_list *dst[] = {&to->prestart,        &to->create_runtime, &to->create_container,
                                    &to->start_container, &to->poststart,      &to->poststop};
    for (size_t k = 0; k < ARRAY_SIZE(src); k++) {
        if (src[k]->n == 0)
            continue;
        dst[k]->hooks = xrealloc(dst[k]->hooks, (dst[k]->n + src[k]->n) * sizeof *dst[k]->hooks);
        for (size_t i = 0; i < src[k]->n; i++) {
            const struct hull_hook *h = &src[k]->hooks[i];
            dst[k]->hooks[dst[k]->n++] = (struct hull_hook){.path = dup_or_null(h->path), .args = strv_copy(h->args),
                                                            .env = strv_copy(h->env), .has_timeout = h->has_timeout,
                                                            .timeout = h->timeout};
        }
    }
}
