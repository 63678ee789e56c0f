/*
 * decode-a64-atomic.c — ARMv8.1 Large System Extension atomics (FEAT_LSE; ARM ARM C3.2.12
 * "Atomic memory operations", C3.2.13 "Swap", C3.2.14 "Compare and swap"; encodings C4.1.4
 * "Loads and Stores"): LDADD/LDCLR/LDEOR/LDSET/LDSMAX/LDSMIN/LDUMAX/LDUMIN (ST* = Rt XZR), SWP,
 * CAS, CASP, in every size and A/L/AL form. Present only when the model's
 * ID_AA64ISAR0_EL1.Atomic is 0b0010 (-cpu max); UNDEF on cortex-a57/a53 (ARMv8.0).
 *
 * Each instruction is one helper call on the owner vCPU thread. Up to 64 bits: a plain load
 * first (so a fault that a read would raise is reported as a read, ESR WnR = 0, as D17.2.40
 * asks for atomics), then a host compare-and-swap loop through helper_atomic_cmpxchg, which
 * checks write permission, invalidates translated code it overwrites and is a lock-prefixed
 * (full-barrier) host instruction: that covers the acquire and release forms. A 128-bit CASP
 * is one host cmpxchg16b on the RAM page's host address. Every fault is raised before a guest
 * register is written, so state is precise. Natural alignment is required (alignment fault).
 * Targets that are not plain RAM (MMIO, ROM) go through cpu_atomic_rmw_io (softmmu.h): a
 * device read, the operation and a device write under the device lock, so no other vCPU's
 * device access comes in between; a CAS whose comparison fails writes nothing (ARM ARM C6.2
 * CAS: the value is written only if the comparison is equal). The helpers' RAM path is the
 * host atomic above, after two TLB lookups that hit. A 128-bit CASP on MMIO is a synchronous
 * external abort without any device access: no device takes 16-byte accesses (memory.h).
 */
#include <glib.h>
#include <inttypes.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/softmmu.h"
#include "hw/core/memory.h"
#include "target-arm/decode-a64-atomic.h"

static int helper_lse_rmw_idx, helper_lse_cas_idx, helper_lse_casp128_idx;

/* The o3:opc values of the atomic memory operations, as the helper receives them. */
enum {
    LSE_ADD = 0, LSE_CLR = 1, LSE_EOR = 2, LSE_SET = 3,
    LSE_SMAX = 4, LSE_SMIN = 5, LSE_UMAX = 6, LSE_UMIN = 7,
    LSE_SWP = 8,
};

/* helper descriptor: op in bits 3:0, log2 size in 5:4, mmu_idx from bit 8 */
static uint32_t lse_desc(int op, int size, int mmu_idx)
{
    return (uint32_t)op | (uint32_t)size << 4 | (uint32_t)mmu_idx << 8;
}

/* ---- helpers (owner vCPU thread) ---- */

static void lse_check_align(CPUState *cpu, uint64_t addr, unsigned bytes, int mmu_idx)
{
    if (addr & (bytes - 1)) {
        /* A read of the address would fault first: WnR = 0 (ARM ARM D17.2.40 ESR_EL1.WnR). */
        cpu->arch->unaligned_access(cpu, addr, ACCESS_LOAD, mmu_idx);
    }
}

static uint64_t lse_sext(uint64_t v, int size)
{
    unsigned shift = 64 - (8u << size);
    return (uint64_t)((int64_t)(v << shift) >> shift);
}

static uint64_t lse_apply(int op, int size, uint64_t old, uint64_t val)
{
    uint64_t mask = size == 3 ? ~0ull : (1ull << (8u << size)) - 1;
    old &= mask;
    val &= mask;
    switch (op) {
    case LSE_ADD: return (old + val) & mask;
    case LSE_CLR: return old & ~val;
    case LSE_EOR: return old ^ val;
    case LSE_SET: return old | val;
    case LSE_SMAX: return (int64_t)lse_sext(old, size) > (int64_t)lse_sext(val, size) ? old : val;
    case LSE_SMIN: return (int64_t)lse_sext(old, size) < (int64_t)lse_sext(val, size) ? old : val;
    case LSE_UMAX: return old > val ? old : val;
    case LSE_UMIN: return old < val ? old : val;
    default: return val; /* LSE_SWP */
    }
}

/* The operation of an LD<op>/SWP (or a CAS) on a device, for cpu_atomic_rmw_io. */
typedef struct LSEDeviceOp {
    int op, size;
    uint64_t val; /* LD<op>/SWP: the operand; CAS: the new value */
    uint64_t cmp; /* CAS: the compare value */
} LSEDeviceOp;

static bool lse_device_rmw(void *opaque, uint64_t old, uint64_t *newv)
{
    const LSEDeviceOp *d = opaque;
    *newv = lse_apply(d->op, d->size, old, d->val);
    return true;
}

static bool lse_device_cas(void *opaque, uint64_t old, uint64_t *newv)
{
    const LSEDeviceOp *d = opaque;
    uint64_t mask = d->size == 3 ? ~0ull : (1ull << (8u << d->size)) - 1;
    *newv = d->val;
    return old == (d->cmp & mask);
}

/* LD<op>/SWP: returns the old value, zero-extended from the access size. */
static uint64_t helper_lse_rmw(void *envp, uint64_t addr, uint64_t val, uint32_t desc)
{
    CPUState *cpu = env_cpu((CPUARMState *)envp);
    int op = (int)(desc & 15), size = (int)((desc >> 4) & 3), mmu_idx = (int)(desc >> 8);
    lse_check_align(cpu, addr, 1u << size, mmu_idx);
    LSEDeviceOp d = {.op = op, .size = size, .val = val};
    uint64_t old;
    if (cpu_atomic_rmw_io(cpu, addr, (MemOp)size, mmu_idx, lse_device_rmw, &d, &old)) {
        return old;
    }
    old = cpu_ld_data(cpu, addr, (MemOp)size, mmu_idx);
    uint32_t oi = make_memop_idx((MemOp)size, mmu_idx);
    for (;;) {
        uint64_t seen = helper_atomic_cmpxchg(envp, addr, old, lse_apply(op, size, old, val), oi);
        if (seen == old) {
            return old;
        }
        old = seen; /* another vCPU changed it in between: recompute from what is there */
    }
}

/* CAS, and CASP of two W registers (size 3, one 64-bit access): returns the old value. */
static uint64_t helper_lse_cas(void *envp, uint64_t addr, uint64_t cmp, uint64_t newv,
                               uint32_t desc)
{
    CPUState *cpu = env_cpu((CPUARMState *)envp);
    int size = (int)((desc >> 4) & 3), mmu_idx = (int)(desc >> 8);
    lse_check_align(cpu, addr, 1u << size, mmu_idx);
    /* Also raises read-side faults first (WnR = 0) on RAM. */
    LSEDeviceOp d = {.size = size, .val = newv, .cmp = cmp};
    uint64_t old;
    if (cpu_atomic_rmw_io(cpu, addr, (MemOp)size, mmu_idx, lse_device_cas, &d, &old)) {
        return old;
    }
    return helper_atomic_cmpxchg(envp, addr, cmp, newv, make_memop_idx((MemOp)size, mmu_idx));
}

#if defined(__x86_64__)
/* lock cmpxchg16b (Intel SDM vol. 2 CMPXCHG8B/CMPXCHG16B): p 16-byte aligned; on failure
 * lo and hi receive what memory holds. */
static bool host_cmpxchg16(void *p, uint64_t *lo, uint64_t *hi, uint64_t nlo, uint64_t nhi)
{
    bool ok;
    __asm__ volatile("lock cmpxchg16b %1"
                     : "=@ccz"(ok), "+m"(*(volatile unsigned __int128 *)p), "+a"(*lo), "+d"(*hi)
                     : "b"(nlo), "c"(nhi)
                     : "memory");
    return ok;
}
#else
/* Hosts without a 16-byte compare-and-swap: one lock around every 128-bit CASP (atomic with
 * respect to each other, not to plain stores of other vCPUs). */
static GMutex casp128_lock;
static bool host_cmpxchg16(void *p, uint64_t *lo, uint64_t *hi, uint64_t nlo, uint64_t nhi)
{
    uint64_t *m = p;
    bool ok;
    g_mutex_lock(&casp128_lock);
    uint64_t olo = __atomic_load_n(&m[0], __ATOMIC_SEQ_CST);
    uint64_t ohi = __atomic_load_n(&m[1], __ATOMIC_SEQ_CST);
    ok = olo == *lo && ohi == *hi;
    if (ok) {
        __atomic_store_n(&m[0], nlo, __ATOMIC_SEQ_CST);
        __atomic_store_n(&m[1], nhi, __ATOMIC_SEQ_CST);
    }
    *lo = olo;
    *hi = ohi;
    g_mutex_unlock(&casp128_lock);
    return ok;
}
#endif

static uint64_t lse_xreg(CPUARMState *env, int r)
{
    return r == 31 ? 0 : env->xregs[r];
}

/*
 * CASP of two X registers: desc = Rs | Rt << 5 | mmu_idx << 10. Reads Rs, Rs+1, Rt, Rt+1 from
 * env and writes the old pair to Rs, Rs+1 (register 31 is XZR), only after every check that
 * may fault. Rs, Rt even (the decoder made sure).
 */
static void helper_lse_casp128(void *envp, uint64_t addr, uint32_t desc)
{
    CPUARMState *env = envp;
    CPUState *cpu = env_cpu(env);
    int rs = (int)(desc & 31), rt = (int)((desc >> 5) & 31), mmu_idx = (int)(desc >> 10);
    uint64_t paddr;
    int prot;
    lse_check_align(cpu, addr, 16, mmu_idx);
    cpu->arch->tlb_fill(cpu, addr, ACCESS_LOAD, mmu_idx, &paddr, &prot, false);
    cpu->arch->tlb_fill(cpu, addr, ACCESS_STORE, mmu_idx, &paddr, &prot, false);
    paddr |= addr & ~TARGET_PAGE_MASK;
    void *host = address_space_ram_ptr(cpu->as, paddr, 16);
    if (!host) {
        cpu->arch->bus_error(cpu, addr, paddr, ACCESS_STORE);
    }
    uint64_t lo = lse_xreg(env, rs), hi = lse_xreg(env, rs + 1);
    if (host_cmpxchg16(host, &lo, &hi, lse_xreg(env, rt), lse_xreg(env, rt + 1))) {
        tb_invalidate_phys_range(paddr, paddr + 16); /* no-op unless the page holds code */
    }
    if (rs != 31) {
        env->xregs[rs] = lo;
    }
    if (rs + 1 != 31) {
        env->xregs[rs + 1] = hi;
    }
}

/* ---- translation ---- */

static bool lse_present(DisasContext *s)
{
    /* ID_AA64ISAR0_EL1.Atomic, bits [23:20]: 0b0010 = LSE implemented (ARM ARM D17.2.61). */
    return ((s->acpu->model->id_aa64isar0 >> 20) & 15) >= 2;
}

/*
 * The helpers are full barriers (lock-prefixed host instructions), so A and L need no fence of
 * their own; the IR keeps guest memory accesses in order around a helper call.
 */
bool trans_a64_atomic_memop(DisasContext *s, uint32_t insn)
{
    IRFunc *f = s->f;
    int size = (int)(insn >> 30), rs = (int)((insn >> 16) & 31);
    int o3 = (insn >> 15) & 1, opc = (int)((insn >> 12) & 7);
    int rn = (int)((insn >> 5) & 31), rt = (int)(insn & 31);
    if (!lse_present(s) || ((insn >> 26) & 1)) {
        return false;
    }
    int op = o3 ? (opc == 0 ? LSE_SWP : -1) : opc;
    if (op < 0) {
        return false; /* o3 = 1, opc = 100: LDAPR (ARMv8.3 RCpc), absent here */
    }
    IRTemp addr = gen_addr_base_offset(s, rn, 0);
    IRTemp old = ir_temp_new(f);
    IRTemp args[4] = {f->env, addr, read_reg(s, rs, 1),
                      ir_const(f, lse_desc(op, size, s->mmu_idx))};
    gen_sync_pc(s);
    ir_call(f, helper_lse_rmw_idx, old, args, 4);
    write_reg(s, rt, size == 3, old);
    return true;
}

bool trans_a64_cas(DisasContext *s, uint32_t insn)
{
    IRFunc *f = s->f;
    int size = (int)(insn >> 30), pair = !((insn >> 23) & 1), rs = (int)((insn >> 16) & 31);
    int rn = (int)((insn >> 5) & 31), rt = (int)(insn & 31);
    if (!lse_present(s) || ((insn >> 10) & 31) != 31) {
        return false; /* Rt2 != 11111 is unallocated */
    }
    if (pair && ((rs | rt) & 1)) {
        return false; /* CASP: Rs or Rt odd is UNDEFINED */
    }
    IRTemp addr = gen_addr_base_offset(s, rn, 0);
    gen_sync_pc(s);
    if (pair && size == 1) {
        IRTemp args[3] = {f->env, addr,
                          ir_const(f, (uint64_t)rs | (uint64_t)rt << 5 |
                                          (uint64_t)s->mmu_idx << 10)};
        ir_call(f, helper_lse_casp128_idx, IR_TEMP_NONE, args, 3);
        return true;
    }
    IRTemp cmp = ir_temp_new(f), newv = ir_temp_new(f), old = ir_temp_new(f);
    if (pair) { /* two W registers as one 64-bit value, the first register in the low half */
        IRTemp hi = ir_temp_new(f);
        ir_unop(f, IR_EXT32U, IR_I64, cmp, read_reg(s, rs, 1));
        ir_binopi(f, IR_SHL, IR_I64, hi, read_reg(s, rs + 1, 1), 32);
        ir_or(f, IR_I64, cmp, cmp, hi);
        hi = ir_temp_new(f);
        ir_unop(f, IR_EXT32U, IR_I64, newv, read_reg(s, rt, 1));
        ir_binopi(f, IR_SHL, IR_I64, hi, read_reg(s, rt + 1, 1), 32);
        ir_or(f, IR_I64, newv, newv, hi);
        size = 3;
    } else {
        ir_mov(f, IR_I64, cmp, read_reg(s, rs, 1));
        ir_mov(f, IR_I64, newv, read_reg(s, rt, 1));
    }
    IRTemp args[5] = {f->env, addr, cmp, newv, ir_const(f, lse_desc(0, size, s->mmu_idx))};
    ir_call(f, helper_lse_cas_idx, old, args, 5);
    if (pair) {
        IRTemp hi = ir_temp_new(f);
        ir_binopi(f, IR_SHR, IR_I64, hi, old, 32);
        write_reg(s, rs, 0, old);
        write_reg(s, rs + 1, 0, hi);
    } else {
        write_reg(s, rs, size == 3, old);
    }
    return true;
}

void a64_atomic_helpers_init(void)
{
    static const IRArgType rmw_args[] = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I64, IR_ARG_I32};
    helper_lse_rmw_idx = a64_helper_register("lse_rmw", (void *)helper_lse_rmw, IR_ARG_I64, 4,
                                             rmw_args, IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS);
    static const IRArgType cas_args[] = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I64, IR_ARG_I64,
                                         IR_ARG_I32};
    helper_lse_cas_idx = a64_helper_register("lse_cas", (void *)helper_lse_cas, IR_ARG_I64, 5,
                                             cas_args, IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS);
    /* Reads and writes X registers in env: no NO_*_GLOBALS flag. */
    static const IRArgType casp_args[] = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I32};
    helper_lse_casp128_idx = a64_helper_register("lse_casp128", (void *)helper_lse_casp128,
                                                 IR_ARG_VOID, 3, casp_args, IR_CALL_MAY_RAISE);
}
