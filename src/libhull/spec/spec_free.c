/* hull: freeing a parsed config.  Every function accepts partially filled
 * structs, because the parser frees what it built so far when it fails. */
#include <stdlib.h>
#include <string.h>

#include "spec_internal.h"
#include "util/utils.h"

void spec_keyvals_free(struct hull_keyval *kv, size_t n)
{
    if (kv == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        free(kv[i].key);
        free(kv[i].value);
    }
    free(kv);
}

static void capabilities_free(struct hull_capabilities *c)
{
    if (c == NULL)
        return;
    strv_free(c->bounding);
    strv_free(c->effective);
    strv_free(c->inheritable);
    strv_free(c->permitted);
    strv_free(c->ambient);
    free(c);
}

void spec_process_clear(struct hull_process *p)
{
    free(p->user.additional_gids);
    free(p->user.username);
    strv_free(p->args);
    strv_free(p->env);
    free(p->cwd);
    capabilities_free(p->capabilities);
    for (size_t i = 0; i < p->n_rlimits; i++)
        free(p->rlimits[i].type);
    free(p->rlimits);
    free(p->apparmor_profile);
    free(p->selinux_label);
    free(p->sched_policy);
    free(p->io_priority_class);
    free(p->cpu_affinity_initial);
    free(p->cpu_affinity_final);
    memset(p, 0, sizeof *p);
}

void spec_process_free(struct hull_process *p)
{
    if (p == NULL)
        return;
    spec_process_clear(p);
    free(p);
}

void spec_mount_clear(struct hull_mount *m)
{
    free(m->destination);
    free(m->type);
    free(m->source);
    strv_free(m->options);
    free(m->data);
    free(m->uid_mappings);
    free(m->gid_mappings);
    memset(m, 0, sizeof *m);
}

static void hook_list_clear(struct hull_hook_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->hooks[i].path);
        strv_free(list->hooks[i].args);
        strv_free(list->hooks[i].env);
    }
    free(list->hooks);
    list->hooks = NULL;
    list->n = 0;
}

void spec_hooks_clear(struct hull_hooks *h)
{
    hook_list_clear(&h->prestart);
    hook_list_clear(&h->create_runtime);
    hook_list_clear(&h->create_container);
    hook_list_clear(&h->start_container);
    hook_list_clear(&h->poststart);
    hook_list_clear(&h->poststop);
}

void spec_resources_clear(struct hull_resources *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_devices; i++)
        free(r->devices[i].access);
    free(r->devices);
    free(r->cpu.cpus);
    free(r->cpu.mems);
    free(r->blkio.weight_devices);
    free(r->blkio.read_bps.items);
    free(r->blkio.write_bps.items);
    free(r->blkio.read_iops.items);
    free(r->blkio.write_iops.items);
    for (size_t i = 0; i < r->n_hugepage_limits; i++)
        free(r->hugepage_limits[i].page_size);
    free(r->hugepage_limits);
    for (size_t i = 0; i < r->n_net_priorities; i++)
        free(r->net_priorities[i].name);
    free(r->net_priorities);
    for (size_t i = 0; i < r->n_rdma; i++)
        free(r->rdma[i].device);
    free(r->rdma);
    spec_keyvals_free(r->unified, r->n_unified);
    memset(r, 0, sizeof *r);
}

void spec_seccomp_free(struct hull_seccomp *s)
{
    if (s == NULL)
        return;
    free(s->default_action);
    strv_free(s->architectures);
    strv_free(s->flags);
    free(s->listener_path);
    free(s->listener_metadata);
    for (size_t i = 0; i < s->n_syscalls; i++) {
        struct hull_seccomp_rule *rule = &s->syscalls[i];
        strv_free(rule->names);
        free(rule->action);
        for (size_t k = 0; k < rule->n_args; k++)
            free(rule->args[k].op);
        free(rule->args);
    }
    free(s->syscalls);
    free(s);
}

static void linux_clear(struct hull_linux *l)
{
    for (int i = 0; i < HULL_NS__COUNT; i++)
        free(l->namespaces[i].path);
    free(l->uid_mappings);
    free(l->gid_mappings);
    for (size_t i = 0; i < l->n_devices; i++)
        free(l->devices[i].path);
    free(l->devices);
    free(l->cgroups_path);
    spec_resources_clear(&l->resources);
    spec_keyvals_free(l->sysctl, l->n_sysctl);
    spec_seccomp_free(l->seccomp);
    strv_free(l->masked_paths);
    strv_free(l->readonly_paths);
    free(l->mount_label);
    free(l->personality_domain);
    free(l->mempolicy_nodes);
    for (size_t i = 0; i < l->n_net_devices; i++) {
        free(l->net_devices[i].host_name);
        free(l->net_devices[i].name);
    }
    free(l->net_devices);
}

void spec_free(struct hull_spec *spec)
{
    if (spec == NULL)
        return;
    free(spec->oci_version);
    free(spec->root_path);
    spec_process_free(spec->process);
    free(spec->hostname);
    free(spec->domainname);
    for (size_t i = 0; i < spec->n_mounts; i++)
        spec_mount_clear(&spec->mounts[i]);
    free(spec->mounts);
    spec_hooks_clear(&spec->hooks);
    spec_keyvals_free(spec->annotations, spec->n_annotations);
    linux_clear(&spec->linux_);
    free(spec->raw_json);
    free(spec);
}

void spec_freep(struct hull_spec **spec)
{
    spec_free(*spec);
    *spec = NULL;
}
