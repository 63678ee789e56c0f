/*
 * mmu.c — the glue between the softmmu and AArch64 address translation: the tlb_fill hook
 * (stage 1 walk of the EL1&0 regime through mmu-walk.c, faults raised as data or instruction
 * aborts), external aborts and alignment faults, TLB maintenance (TLBI) and AT.
 *
 * Owner vCPU thread only. TLBI ... IS makes every other vCPU do the same flush on its own
 * thread (the TLB stays owner-only) and completes before the issuing vCPU runs its next
 * instruction (see helper_tlbi).
 */
#include <glib.h>
#include <inttypes.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/softmmu.h"
#include "cpu-exec/vcpu.h"
#include "hw/core/memory.h"
#include "system/log.h"
#include "target-arm/internals.h"
#include "target-arm/mmu-walk.h"

static void arm_mmu_regime(CPUARMState *env, ARMMMURegime *r)
{
    const ARMCPUModel *m = env_archcpu(env)->model;
    static const unsigned parange_bits[] = {32, 36, 40, 42, 44, 48, 52};
    unsigned pr = m->id_aa64mmfr0 & 0xf;
    *r = (ARMMMURegime){
        .sctlr = env->sctlr_el1,
        .tcr = env->tcr_el1,
        .ttbr0 = env->ttbr0_el1,
        .ttbr1 = env->ttbr1_el1,
        .mair = env->mair_el1,
        .pa_bits = pr < G_N_ELEMENTS(parange_bits) ? parange_bits[pr] : 48,
        .has_16k = m->has_16k,
    };
}

/* Descriptor reads: guest RAM only (a walk that reaches MMIO or nothing is an external abort
 * on the walk). Relaxed atomic: another vCPU may be writing the table. */
static bool arm_walk_read(void *opaque, uint64_t pa, uint64_t *val)
{
    CPUState *cpu = opaque;
    uint64_t *p = address_space_ram_ptr(cpu->as, pa, 8);
    if (!p || (pa & 7)) {
        return false;
    }
    *val = __atomic_load_n(p, __ATOMIC_RELAXED);
    return true;
}

static bool arm_translate_va(CPUState *cpu, uint64_t vaddr, int access, bool el0, bool pan,
                             ARMMMUResult *res, ARMMMUFault *fault)
{
    CPUARMState *env = cpu_env(cpu);
    ARMMMURegime r;
    arm_mmu_regime(env, &r);
    return arm_mmu_translate(&r, vaddr, (ARMMMUAccess)access, el0, pan, arm_walk_read, cpu,
                             res, fault);
}

bool arm_tlb_fill(CPUState *cpu, uint64_t vaddr, int access, int mmu_idx, uint64_t *paddr,
                  int *prot, bool probe)
{
    CPUARMState *env = cpu_env(cpu);
    ARMMMUResult res;
    ARMMMUFault fault;
    bool el0 = mmu_idx == ARM_MMU_IDX_EL0;
    bool pan = mmu_idx == ARM_MMU_IDX_EL1_PAN;
    if (!arm_translate_va(cpu, vaddr, access, el0, pan, &res, &fault)) {
        if (probe) {
            return false;
        }
        if (log_enabled(LOG_MMU)) {
            tlog("vCPU %d: %s fault at 0x%016" PRIx64 " (mmu_idx %d): FSC 0x%02x\n",
                 cpu->cpu_index, access == ACCESS_FETCH ? "instruction" : "data", vaddr,
                 mmu_idx, arm_mmu_fault_status(&fault));
        }
        arm_raise_abort(env, vaddr, access, arm_mmu_fault_status(&fault), false);
    }
    if ((uint64_t)((int64_t)(vaddr << 8) >> 8) != vaddr) {
        arm_cpu(cpu)->tlb_tagged = true;
    }
    *paddr = res.paddr & TARGET_PAGE_MASK;
    /* The TLB holds 4 KiB pages: softmmu remembers blocks and larger granules (PAGE_LG) so
     * that a TLBI anywhere in one drops all of its pages. */
    *prot = res.prot | (res.global ? 0 : PAGE_NONGLOBAL) |
            (res.page_size > TARGET_PAGE_SIZE ? PAGE_LG(__builtin_ctzll(res.page_size)) : 0);
    return true;
}

G_NORETURN void arm_bus_error(CPUState *cpu, uint64_t vaddr, uint64_t paddr, int access)
{
    if (log_enabled(LOG_GUEST_ERRORS)) {
        tlog("vCPU %d: %s at physical 0x%" PRIx64 " (virtual 0x%" PRIx64
             "): nothing answers, synchronous external abort\n",
             cpu->cpu_index, access == ACCESS_FETCH ? "fetch" : access ? "store" : "load",
             paddr, vaddr);
    }
    arm_raise_abort(cpu_env(cpu), vaddr, access, FSC_SYNC_EXTERNAL, false);
}

G_NORETURN void arm_unaligned_access(CPUState *cpu, uint64_t vaddr, int access, int mmu_idx)
{
    arm_raise_abort(cpu_env(cpu), vaddr, access, FSC_ALIGNMENT, false);
}

/* ---- TLBI ---- */

static void tlbi_flush_all(CPUState *cpu, void *arg)
{
    arm_cpu(cpu)->tlb_tagged = false;
    tlb_flush(cpu);
}

static void tlbi_flush_va(CPUState *cpu, uint64_t va)
{
    CPUARMState *env = cpu_env(cpu);
    /* With TBI, entries may be tagged with any top byte: if some are, drop everything. */
    bool tbi = (va >> 55) & 1 ? (env->tcr_el1 >> 38) & 1 : (env->tcr_el1 >> 37) & 1;
    if (tbi && arm_cpu(cpu)->tlb_tagged) {
        tlbi_flush_all(cpu, NULL);
        return;
    }
    ARMMMURegime r;
    arm_mmu_regime(env, &r);
    uint64_t g = 1ull << arm_mmu_granule_bits(&r, (va >> 55) & 1);
    uint64_t base = va & ~(g - 1);
    for (uint64_t off = 0; off < g; off += TARGET_PAGE_SIZE) {
        tlb_flush_page(cpu, base + off);
    }
}

/* The ASID in bits 63:48 of a TTBR or a TLBI operand: 16 bits if TCR.AS, else 8. */
static uint16_t arm_asid_of(const CPUARMState *env, uint64_t reg)
{
    return (uint16_t)((reg >> 48) & ((env->tcr_el1 >> 36) & 1 ? 0xffff : 0xff));
}

/* The ASID translations are filled under: TTBR1's or TTBR0's per TCR.A1. */
static uint16_t arm_current_asid(const CPUARMState *env)
{
    return arm_asid_of(env, (env->tcr_el1 >> 22) & 1 ? env->ttbr1_el1 : env->ttbr0_el1);
}

/*
 * One vCPU's part of TLBI VMALLE1, VAE1, ASIDE1, VAAE1, VALE1, VAALE1 (op2 0, 1, 2, 3, 5, 7),
 * decoded with that vCPU's own TCR_EL1 and current ASID, since its entries were filled under
 * them. Every TTBR change drops the non-global translations (write_ttbr), so the TLB holds
 * global ones and those of the current ASID: ASIDE1 drops the non-global ones if it names the
 * current ASID and has nothing to remove otherwise. By-address forms drop that address's pages
 * (whole granule, and every block mapping if it lies in one), whatever ASID they name.
 */
static void tlbi_local(CPUState *cpu, uint64_t xt, unsigned op2)
{
    CPUARMState *env = cpu_env(cpu);
    bool by_va = op2 == 1 || op2 == 3 || op2 == 5 || op2 == 7;
    /* Xt[43:0] = VA[55:12]; VA[63:56] follow VA[55]. */
    uint64_t va = (uint64_t)((int64_t)(xt << 20) >> 8) & ~0xfffull;
    if (by_va) {
        tlbi_flush_va(cpu, va);
    } else if (op2 == 2) {
        if (arm_asid_of(env, xt) == arm_current_asid(env)) {
            tlb_flush_nonglobal(cpu);
        }
    } else {
        tlbi_flush_all(cpu, NULL);
    }
}

typedef struct TLBIBroadcast {
    uint64_t xt;
    unsigned op2;
} TLBIBroadcast;

static void tlbi_remote_work(CPUState *cpu, void *arg)
{
    const TLBIBroadcast *b = arg;
    tlbi_local(cpu, b->xt, b->op2);
}

/* Runs on the issuing vCPU's thread, outside generated code, before its next instruction. */
static void tlbi_broadcast_work(CPUState *self, void *arg)
{
    run_on_other_cpus(self, tlbi_remote_work, arg, tlb_defer_flush);
    g_free(arg);
}

/*
 * TLBI (op = CRm << 4 | op2; CRm 7 local, 3 Inner Shareable). The local flush happens here. For
 * an IS form the broadcast is queued as work on this vCPU: the translator ended the TB after
 * the TLBI with pc at the next instruction, and queuing kicks this vCPU, so it leaves
 * generated code at the next TB entry and runs the broadcast (waiting for every other vCPU)
 * before it executes another instruction. The ARM ARM (D8.13.4) only requires completion at
 * the next DSB ISH; completing at the TLBI itself is allowed and simpler.
 */
void helper_tlbi(void *envp, uint64_t xt, uint32_t op)
{
    CPUARMState *env = envp;
    CPUState *self = env_cpu(env);
    unsigned op2 = op & 7;
    tlbi_local(self, xt, op2);
    if ((op >> 4) == 3 && vcpu_count() > 1) {
        TLBIBroadcast *b = g_new(TLBIBroadcast, 1);
        *b = (TLBIBroadcast){.xt = xt, .op2 = op2};
        async_run_on_cpu(self, tlbi_broadcast_work, b);
    }
}

/* ---- AT ---- */

/* AT S1E1R, S1E1W, S1E0R, S1E0W (op 0..3): the result goes to PAR_EL1 (D17.2.101), never an
 * exception. PSTATE.PAN is not considered (only the S1E1RP/WP forms of ARMv8.2 do). */
void helper_at(void *envp, uint64_t va, uint32_t op)
{
    CPUARMState *env = envp;
    ARMMMUResult res;
    ARMMMUFault fault;
    int access = (op & 1) ? ACCESS_STORE : ACCESS_LOAD;
    if (arm_translate_va(env_cpu(env), va, access, op >= 2, false, &res, &fault)) {
        /* PA[47:12], ATTR [63:56], SH [8:7], bit 11 RES1. */
        env->par_el1 = (res.paddr & 0x0000fffffffff000ull) | (uint64_t)res.attr << 56 |
                       (uint64_t)(res.sh & 3) << 7 | 1ull << 11;
    } else {
        /* F = 1, FST [6:1], bit 11 RES1; S (bit 9) = 0 and PTW (bit 8) = 0: stage 1. */
        env->par_el1 = 1 | (uint64_t)arm_mmu_fault_status(&fault) << 1 | 1ull << 11;
    }
}
