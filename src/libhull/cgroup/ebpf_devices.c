/* hull: the cgroup v2 device filter as a hand-assembled eBPF program.
 *
 * The kernel runs a BPF_PROG_TYPE_CGROUP_DEVICE program on every open/mknod
 * of a device node by a task of the cgroup, with a struct bpf_cgroup_dev_ctx
 * { access_type = (ACC_* << 16) | DEV_*, major, minor }; returning 0 denies
 * (EPERM), 1 allows.  No Debian library generates these, and libbpf would be
 * a large dependency for ~40 instructions, so we emit them ourselves, as runc
 * (libcontainer/cgroups/devices/devicefilter.go) and crun (ebpf.c) do.
 *
 * Semantics: the rules are applied in order as on v1, i.e. the LAST rule that
 * matches a request decides; nothing matching means deny.  So the program
 * tests the rules from last to first and returns at the first match:
 *   - an allow rule matches when the requested access is a subset of its access;
 *   - a deny rule matches when the requested access overlaps its access.
 * A rule that matches everything ends the program: the verifier rejects
 * unreachable instructions, so nothing is emitted after it. */
#include "ebpf_devices.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util/utils.h"
#include "cgroup_convert.h"

#define R0 0
#define R1 1
#define R2 2
#define R3 3
#define R4 4
#define R5 5

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(dst, src, off) INSN(BPF_LDX | BPF_W | BPF_MEM, dst, src, off, 0)
#define ALU32_K(op, dst, imm) INSN(BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV64_X(dst, src) INSN(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV64_K(dst, imm) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JMP_K(op, dst, imm, off) INSN(BPF_JMP | (op) | BPF_K, dst, 0, off, imm)
#define JMP_X(op, dst, src, off) INSN(BPF_JMP | (op) | BPF_X, dst, src, off, 0)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define ACC_ALL (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)

struct prog {
    struct bpf_insn *v;
    size_t n, cap;
};

static void emit(struct prog *p, struct bpf_insn insn)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    p->v[p->n++] = insn;
}

/* Emits one rule's block; returns true when the rule matches unconditionally. */
static int emit_rule(struct prog *p, const struct hull_device_rule *r, bool *unconditional, struct hull_error **err)
{
    char type = r->type ? r->type : 'a';
    int dev_type = type == 'c' ? BPF_DEVCG_DEV_CHAR : type == 'b' ? BPF_DEVCG_DEV_BLOCK : 0;
    if (type != 'a' && !dev_type)
        return hull_error_set(err, 0, "linux.resources.devices: type \"%c\" is not one of a, c, b", type);
    int access = cgroup_device_access_mask(r->access);
    if (access < 0)
        return hull_error_set(err, 0, "linux.resources.devices: access \"%s\" is not a combination of r, w, m",
                              r->access);
    if (access == 0)
        access = ACC_ALL; /* "" behaves like absent, as in runc */
    bool check_major = r->has_major && r->major >= 0, check_minor = r->has_minor && r->minor >= 0;
    if ((check_major && r->major > INT32_MAX) || (check_minor && r->minor > INT32_MAX))
        return hull_error_set(err, 0, "linux.resources.devices: device number %lld:%lld is out of range",
                              (long long)r->major, (long long)r->minor);
    bool check_access = access != ACC_ALL;

    /* Instructions before the verdict: each test jumps to the next block. */
    int tests = (dev_type ? 1 : 0) + (check_access ? 3 : 0) + (check_major ? 1 : 0) + (check_minor ? 1 : 0);
    int left = tests + 2; /* + "r0 = verdict; exit" */
#define SKIP() ((short)(left - 1)) /* from the instruction being emitted to the next block */
    if (dev_type) {
        emit(p, JMP_K(BPF_JNE, R2, dev_type, SKIP()));
        left--;
    }
    if (check_access) {
        emit(p, MOV64_X(R1, R3));
        left--;
        emit(p, ALU32_K(BPF_AND, R1, access));
        left--;
        if (r->allow)
            emit(p, JMP_X(BPF_JNE, R1, R3, SKIP())); /* request not within the rule */
        else
            emit(p, JMP_K(BPF_JEQ, R1, 0, SKIP())); /* request does not touch the rule */
        left--;
    }
    if (check_major) {
        emit(p, JMP_K(BPF_JNE, R4, (int)r->major, SKIP()));
        left--;
    }
    if (check_minor) {
        emit(p, JMP_K(BPF_JNE, R5, (int)r->minor, SKIP()));
        left--;
    }
#undef SKIP
    emit(p, MOV64_K(R0, r->allow ? 1 : 0));
    emit(p, EXIT());
    *unconditional = tests == 0;
    return 0;
}

int cgroup_devices_bpf_program(const struct hull_device_rule *rules, size_t n, struct bpf_insn **insns,
                               size_t *n_insns, struct hull_error **err)
{
    struct prog p = {0};
    /* R2 = device type, R3 = requested access, R4 = major, R5 = minor */
    emit(&p, LDX_W(R2, R1, 0));
    emit(&p, ALU32_K(BPF_AND, R2, 0xFFFF));
    emit(&p, LDX_W(R3, R1, 0));
    emit(&p, ALU32_K(BPF_RSH, R3, 16));
    emit(&p, LDX_W(R4, R1, 4));
    emit(&p, LDX_W(R5, R1, 8));
    bool done = false;
    for (size_t i = n; i-- > 0 && !done;) {
        if (emit_rule(&p, &rules[i], &done, err) < 0) {
            free(p.v);
            return -1;
        }
    }
    if (!done) {
        emit(&p, MOV64_K(R0, 0)); /* no rule matched: deny */
        emit(&p, EXIT());
    }
    *insns = p.v;
    *n_insns = p.n;
    return 0;
}

static long bpf(int cmd, union bpf_attr *attr)
{
    return syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

int cgroup_devices_bpf_load(const struct bpf_insn *insns, size_t n_insns, struct hull_error **err)
{
    static char log[16384];
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.insn_cnt = (uint32_t)n_insns;
    attr.license = (uint64_t)(uintptr_t) "Apache";
    int fd = (int)bpf(BPF_PROG_LOAD, &attr);
    if (fd >= 0)
        return fd;
    int saved = errno;
    /* Load again with the verifier's log, to say why. */
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.insn_cnt = (uint32_t)n_insns;
    attr.license = (uint64_t)(uintptr_t) "Apache";
    log[0] = '\0';
    attr.log_buf = (uint64_t)(uintptr_t)log;
    attr.log_size = sizeof log;
    attr.log_level = 1;
    fd = (int)bpf(BPF_PROG_LOAD, &attr);
    if (fd >= 0)
        return fd;
    return hull_error_set(err, saved, "linux.resources.devices: load the cgroup v2 device filter (%zu eBPF "
                                      "instructions)%s%s",
                          n_insns, log[0] ? "; verifier: " : "", log);
}

/* Ids of the device programs attached to the cgroup. */
static int query_ids(int cgroup_fd, uint32_t *ids, uint32_t *count)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.query.target_fd = (uint32_t)cgroup_fd;
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
    attr.query.prog_cnt = *count;
    if (bpf(BPF_PROG_QUERY, &attr) < 0)
        return -1;
    *count = attr.query.prog_cnt;
    return 0;
}

int cgroup_devices_bpf_count(int cgroup_fd)
{
    uint32_t ids[64], n = 64;
    if (query_ids(cgroup_fd, ids, &n) < 0)
        return -1;
    return (int)n;
}

int cgroup_devices_bpf_attach(int cgroup_fd, const struct hull_device_rule *rules, size_t n, struct hull_error **err)
{
    cleanup_free struct bpf_insn *insns = NULL;
    size_t n_insns = 0;
    if (cgroup_devices_bpf_program(rules, n, &insns, &n_insns, err) < 0)
        return -1;
    cleanup_close int prog = cgroup_devices_bpf_load(insns, n_insns, err);
    if (prog < 0)
        return -1;
    uint32_t old[64], n_old = 64;
    if (query_ids(cgroup_fd, old, &n_old) < 0)
        n_old = 0;
    if (n_old > 64)
        n_old = 64;

    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (uint32_t)cgroup_fd;
    attr.attach_bpf_fd = (uint32_t)prog;
    attr.attach_type = BPF_CGROUP_DEVICE;
    /* ALLOW_MULTI: the container may attach filters of its own below (they
     * run in addition to ours, never instead). */
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, &attr) < 0)
        return hull_error_set(err, errno, "linux.resources.devices: attach the device filter to the cgroup");

    /* Replacing (update): the old filters go once the new one is in place,
     * so there is no moment without a filter. */
    for (uint32_t i = 0; i < n_old; i++) {
        memset(&attr, 0, sizeof attr);
        attr.prog_id = old[i];
        cleanup_close int old_fd = (int)bpf(BPF_PROG_GET_FD_BY_ID, &attr);
        if (old_fd < 0)
            continue;
        memset(&attr, 0, sizeof attr);
        attr.target_fd = (uint32_t)cgroup_fd;
        attr.attach_bpf_fd = (uint32_t)old_fd;
        attr.attach_type = BPF_CGROUP_DEVICE;
        if (bpf(BPF_PROG_DETACH, &attr) < 0)
            return hull_error_set(err, errno, "linux.resources.devices: detach the previous device filter");
    }
    return 0;
}
