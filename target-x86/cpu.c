/*
 * cpu.c — the x86 CPU as cpu-exec sees it: creation, power-on reset (SDM vol. 3A 9.1.1) or the
 * loader's boot state, the TB key (linear pc, CS base, hflags), hflags and EFLAGS bookkeeping,
 * linear-address translation for the softmmu (paging through mmu-walk.c, #PF raised here),
 * interrupt acceptance at instruction boundaries and the HLT wake rule, the TSC, and -d cpu.
 *
 * Threads: x86_cpu_new runs on the main thread before the vCPU thread exists; x86_cpu_set_intr
 * runs on any thread (atomic request bits + kick); everything else runs on the owner vCPU
 * thread.
 */
#include "target-x86/cpu.h"

#include <capstone/capstone.h>
#include <glib.h>
#include <inttypes.h>
#include <string.h>

#include "cpu-exec/cpu-power.h"
#include "cpu-exec/exec.h"
#include "cpu-exec/softmmu.h"
#include "hw/core/machine.h"
#include "hw/core/memory.h"
#include "hw/core/vclock.h"
#include "hw/intc/apic.h"
#include "system/loader-x86.h"
#include "system/log.h"
#include "target-x86/cc-helper.h"
#include "target-x86/excp-helper.h"
#include "target-x86/fpu-x87.h"
#include "target-x86/mmu-walk.h"
#include "target-x86/smm-helper.h"
#include "target-x86/translate.h"

/* ---- hflags and EFLAGS ---- */

void x86_update_hflags(CPUX86State *env)
{
    uint32_t hf = env->hflags & (HF_SMM | HF_INHIBIT_IRQ);
    const X86Segment *cs = &env->segs[R_CS], *ss = &env->segs[R_SS];
    bool pe = env->cr[0] & CR0_PE;
    bool vm = pe && (env->eflags & VM_MASK);
    if (pe) {
        hf |= HF_PE;
    }
    if (env->efer & EFER_LMA) {
        hf |= HF_LMA;
    }
    if (vm) {
        hf |= HF_VM86 | 3; /* virtual-8086 code runs at CPL 3 */
    } else if (pe) {
        /* CPL is the DPL of the stack segment (SDM 5.5: equals CS.RPL except for conforming
         * code; SS.DPL is what QEMU and KVM keep too). */
        hf |= (ss->flags & DESC_DPL_MASK) >> DESC_DPL_SHIFT;
    }
    if ((hf & HF_LMA) && (cs->flags & DESC_L_MASK)) {
        hf |= HF_CS64 | HF_CS32 | HF_SS32;
    } else {
        if (pe && !vm && (cs->flags & DESC_B_MASK)) {
            hf |= HF_CS32;
        }
        if (pe && !vm && (ss->flags & DESC_B_MASK)) {
            hf |= HF_SS32;
        }
        if (env->segs[R_DS].base | env->segs[R_ES].base | env->segs[R_SS].base) {
            hf |= HF_ADDSEG;
        }
    }
    if (env->eflags & TF_MASK) {
        hf |= HF_TF;
    }
    hf |= (env->cr[0] & CR0_EM) ? HF_EM : 0;
    hf |= (env->cr[0] & CR0_TS) ? HF_TS : 0;
    hf |= (env->cr[0] & CR0_MP) ? HF_MP : 0;
    hf |= (env->cr[4] & CR4_OSFXSR) ? HF_OSFXSR : 0;
    if ((env->cr[4] & CR4_SMAP) && !(env->eflags & AC_MASK)) {
        hf |= HF_SMAP_AC;
    }
    hf |= ((env->eflags & IOPL_MASK) >> IOPL_SHIFT) << HF_IOPL_SHIFT;
    env->hflags = hf;
}

uint32_t x86_eflags_get(CPUX86State *env)
{
    uint32_t ef = env->eflags & ~CC_ARITH;
    ef |= x86_cc_compute_all(env->cc_op, env->cc_dst, env->cc_src, env->cc_src2);
    ef &= ~DF_MASK;
    ef |= env->df < 0 ? DF_MASK : 0;
    return ef | EFLAGS_FIXED1;
}

void x86_eflags_set(CPUX86State *env, uint32_t value, uint32_t update_mask)
{
    uint32_t ef = x86_eflags_get(env);
    ef = (ef & ~update_mask) | (value & update_mask);
    ef = (ef | EFLAGS_FIXED1) & ~(0xffc08028u); /* bits 3, 5, 15 and 22-31 read 0 */
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = ef & CC_ARITH;
    env->cc_dst = 0;
    env->cc_src2 = 0;
    env->df = (ef & DF_MASK) ? -1 : 1;
    env->eflags = ef;
    x86_update_hflags(env);
}

int x86_mmu_idx(const CPUX86State *env)
{
    if (env->hflags & HF_SMM) {
        return X86_MMU_SMM;
    }
    if ((env->hflags & HF_CPL_MASK) == 3) {
        return X86_MMU_USER;
    }
    return (env->hflags & HF_SMAP_AC) ? X86_MMU_KERNEL_SMAP : X86_MMU_KERNEL;
}

void x86_seg_cache_set(CPUX86State *env, int seg, uint32_t selector, uint64_t base,
                       uint32_t limit, uint32_t flags)
{
    X86Segment *s = &env->segs[seg];
    s->selector = selector;
    s->base = base;
    s->limit = limit;
    s->flags = flags;
}

/* ---- time ---- */

/* The guest TSC ticks at 1 GHz of virtual time (what CPUID leaf 0x15 would state if it were
 * implemented; Linux calibrates it against the PIT/HPET anyway). */
uint64_t x86_cpu_get_tsc(CPUX86State *env)
{
    return (uint64_t)vclock_get_ns() + __atomic_load_n(&env->tsc_offset, __ATOMIC_RELAXED);
}

/* ---- reset ---- */

/* Real-mode segment as the power-on state leaves it: present, read/write (code: execute/read),
 * accessed, 64 KiB limit. */
static void x86_seg_real(CPUX86State *env, int seg, uint32_t selector, uint64_t base)
{
    uint32_t type = seg == R_CS ? (DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK)
                                : (DESC_W_MASK | DESC_A_MASK);
    x86_seg_cache_set(env, seg, selector, base, 0xffff, DESC_P_MASK | DESC_S_MASK | type);
}

/* Hidden-cache attributes of a raw 8-byte descriptor (SDM 3.4.5). */
static void x86_seg_from_desc(CPUX86State *env, int seg, uint32_t selector, uint64_t desc)
{
    uint32_t lo = (uint32_t)desc, hi = (uint32_t)(desc >> 32);
    uint64_t base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
    uint32_t limit = (lo & 0xffff) | (hi & 0x000f0000u);
    if (hi & DESC_G_MASK) {
        limit = (limit << 12) | 0xfff;
    }
    x86_seg_cache_set(env, seg, selector, base, limit, hi & 0x00f0ff00u);
}

static void x86_cpu_apply_boot(X86CPU *xcpu)
{
    CPUX86State *env = &xcpu->env;
    const X86BootState *b = xcpu->boot;
    for (int i = 0; i < 16; i++) {
        env->regs[i] = b->regs[i];
    }
    env->rip = b->rip;
    env->cr[0] = b->cr0;
    env->cr[3] = b->cr3;
    env->cr[4] = b->cr4;
    env->efer = b->efer;
    env->gdt.base = b->gdt_base;
    env->gdt.limit = b->gdt_limit;
    x86_seg_from_desc(env, R_CS, b->cs, b->cs_desc);
    for (int s = 0; s < X86_NB_SEGS; s++) {
        if (s != R_CS) {
            x86_seg_from_desc(env, s, b->ds, b->ds_desc);
        }
    }
    env->eflags = (uint32_t)b->rflags | EFLAGS_FIXED1;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = env->eflags & CC_ARITH;
}

/* Power-on / RESET state (SDM vol. 3A table 9-1), then the loader's entry state if boot. */
static void x86_cpu_reset_core(CPUState *cpu, bool boot)
{
    X86CPU *xcpu = x86_cpu(cpu);
    CPUX86State *env = &xcpu->env;
    memset(env, 0, offsetof(CPUX86State, smbase));
    env->smbase = 0x30000;
    env->exception_index = -1;
    env->old_exception = -1;
    env->cr[0] = CR0_ET | CR0_CD | CR0_NW;
    env->eflags = EFLAGS_FIXED1;
    env->cc_op = CC_OP_EFLAGS;
    env->df = 1;
    env->rip = 0xfff0;
    x86_seg_real(env, R_CS, 0xf000, 0xffff0000u);
    for (int s = 0; s < X86_NB_SEGS; s++) {
        if (s != R_CS) {
            x86_seg_real(env, s, 0, 0);
        }
    }
    env->gdt.limit = env->idt.limit = 0xffff;
    env->ldt.limit = env->tr.limit = 0xffff;
    env->ldt.flags = DESC_P_MASK | (2u << DESC_TYPE_SHIFT);
    env->tr.flags = DESC_P_MASK | (11u << DESC_TYPE_SHIFT);
    /* EDX = processor signature (family/model/stepping as CPUID leaf 1 EAX). */
    const X86CPUModel *m = xcpu->model;
    uint32_t fam = m->family, mod = m->model;
    env->regs[R_EDX] = (fam > 15 ? ((fam - 15) << 20) | (15u << 8) : fam << 8) |
                       ((mod >> 4) << 16) | ((mod & 15) << 4) | m->stepping;
    env->dr[6] = 0xffff0ff0;
    env->dr[7] = 0x400;
    env->a20_mask = ~0ull;
    env->pat = 0x0007040600070406ull;
    env->mxcsr = 0x1f80;
    x87_reset(env); /* x87 state as after FNINIT (what firmware leaves and QEMU resets to) */
    env->apic_base = 0xfee00000u | (1u << 11) | (cpu->cpu_index == 0 ? (1u << 8) : 0);
    env->mtrr_deftype = 0;
    if (boot && xcpu->boot) {
        x86_cpu_apply_boot(xcpu);
    }
    x86_update_hflags(env);
    cpu_power_reset_common(cpu);
    tlb_flush(cpu);
}

/* An AP enters wait-for-SIPI (after a machine reset and after INIT): its thread sleeps until
 * a SIPI or INIT arrives (DESIGN.md rules 1-2). */
static void x86_cpu_wait_for_sipi(CPUState *cpu)
{
    x86_env(cpu)->wait_sipi = true;
    atomic_store(&cpu->halted, true);
}

/* Machine reset (owner thread, from the reset work item): the BSP runs the boot state, the
 * APs wait for INIT/SIPI. */
static void x86_cpu_reset(CPUState *cpu)
{
    x86_cpu_reset_core(cpu, true);
    atomic_store(&cpu->power_state, CPU_POWER_ON);
    if (cpu->cpu_index != 0) {
        x86_cpu_wait_for_sipi(cpu);
    }
}

/* A power controller's start (cpu-power.h): reset, then run at entry. Not an x86 event; it
 * leaves wait-for-SIPI like any reset that is not followed by wait_for_sipi. */
static void x86_cpu_start_at(CPUState *cpu, uint64_t entry, uint64_t context)
{
    (void)context;
    x86_cpu_reset_core(cpu, true);
    x86_env(cpu)->rip = entry;
}

/* INIT (SDM vol. 3A table 9-1, "INIT" column, and 10.4.7.3): the power-on state except what
 * INIT leaves alone: the MSRs (APIC base, PAT, MTRRs, SYSCALL/SYSENTER, TSC and its offset,
 * KERNEL_GS_BASE...), the x87/MMX/SSE registers and MXCSR, SMBASE, and CR0.CD/NW. EFER is
 * cleared (the CPU is back in real mode; AMD APM vol. 2 table 14-1 gives EFER 0 after INIT).
 * The local APIC keeps its ID and base. The BSP (IA32_APIC_BASE.BSP) restarts at the reset
 * vector; an AP waits for a SIPI. Owner thread, at an instruction boundary, never in SMM. */
static void x86_cpu_do_init(X86CPU *xcpu)
{
    CPUState *cpu = &xcpu->parent;
    CPUX86State *env = &xcpu->env;
    /* MSRs, x87 and SSE are the fields from star up to smbase (cpu.h); smbase and the TSC
     * offset lie beyond what reset clears, but reset sets smbase. */
    enum { KEEP_FROM = offsetof(CPUX86State, star), KEEP_TO = offsetof(CPUX86State, smbase) };
    CPUX86State old = *env;
    x86_cpu_reset_core(cpu, false);
    memcpy((uint8_t *)env + KEEP_FROM, (uint8_t *)&old + KEEP_FROM, KEEP_TO - KEEP_FROM);
    env->smbase = old.smbase;
    env->cr[0] = (env->cr[0] & ~(uint64_t)(CR0_CD | CR0_NW)) | (old.cr[0] & (CR0_CD | CR0_NW));
    x86_update_hflags(env);
    if (xcpu->apic) {
        apic_init_reset(xcpu->apic);
    }
    if (!(env->apic_base & (1u << 8))) {
        x86_cpu_wait_for_sipi(cpu);
    }
}

/* STARTUP IPI in wait-for-SIPI (SDM vol. 3A 8.4.4.1, 10.6.1): real mode at vector << 8 : 0. */
static void x86_cpu_do_sipi(X86CPU *xcpu)
{
    CPUX86State *env = &xcpu->env;
    int vector = xcpu->apic ? apic_get_sipi_vector(xcpu->apic) : 0;
    x86_seg_real(env, R_CS, (uint32_t)vector << 8, (uint64_t)vector << 12);
    env->rip = 0;
    env->wait_sipi = false;
    x86_update_hflags(env);
}

/* ---- TB key ---- */

/* hflags bits that change how code is translated (HF_INHIBIT_IRQ too: such a TB holds one
 * instruction and ends the shadow). */
#define X86_TB_HFLAGS_MASK                                                                     \
    (HF_CPL_MASK | HF_CS32 | HF_SS32 | HF_CS64 | HF_LMA | HF_PE | HF_VM86 | HF_ADDSEG |        \
     HF_SMM | HF_INHIBIT_IRQ | HF_TF | HF_EM | HF_TS | HF_MP | HF_OSFXSR | HF_SMAP_AC |       \
     (3u << HF_IOPL_SHIFT))

static void x86_get_tb_key(CPUState *cpu, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    CPUX86State *env = x86_env(cpu);
    uint64_t base = env->segs[R_CS].base;
    if (env->hflags & HF_CS64) {
        *pc = env->rip;
        *cs_base = 0;
    } else {
        *pc = (uint32_t)(base + env->rip);
        *cs_base = base;
    }
    *flags = env->hflags & X86_TB_HFLAGS_MASK;
    /* A CPU that fetches code is no longer in HLT (auto-HALT restart, smm-helper.h). */
    env->hflags2 &= ~HF2_HLT;
}

static int x86_fetch_mmu_idx(CPUState *cpu, uint32_t flags)
{
    (void)cpu;
    if (flags & HF_SMM) {
        return X86_MMU_SMM;
    }
    return (flags & HF_CPL_MASK) == 3 ? X86_MMU_USER : X86_MMU_KERNEL;
}

/* ---- address translation ---- */

/* Where page-table entries are read: the SMM view while in SMM, since SMM code's page tables
 * may live in SMRAM (x86_smm_as), else the CPU's physical space. */
static struct AddressSpace *x86_table_as(CPUState *cpu)
{
    return x86_env(cpu)->hflags & HF_SMM ? x86_smm_as(cpu) : cpu->as;
}

static uint64_t x86_walk_read(void *opaque, uint64_t pa, unsigned size)
{
    CPUState *cpu = opaque;
    uint64_t v = 0;
    pa &= x86_env(cpu)->a20_mask;
    void *p = address_space_ram_ptr(x86_table_as(cpu), pa, size);
    if (!p) {
        return ~0ull;
    }
    if (size == 8) {
        v = __atomic_load_n((uint64_t *)p, __ATOMIC_RELAXED);
    } else {
        v = __atomic_load_n((uint32_t *)p, __ATOMIC_RELAXED);
    }
    return v;
}

static bool x86_walk_cmpxchg(void *opaque, uint64_t pa, unsigned size, uint64_t expected,
                             uint64_t desired)
{
    CPUState *cpu = opaque;
    pa &= x86_env(cpu)->a20_mask;
    void *p = address_space_ram_ptr(x86_table_as(cpu), pa, size);
    if (!p) {
        return true;
    }
    if (size == 8) {
        return __atomic_compare_exchange_n((uint64_t *)p, &expected, desired, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    uint32_t e32 = (uint32_t)expected;
    return __atomic_compare_exchange_n((uint32_t *)p, &e32, (uint32_t)desired, false,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static const X86WalkMemOps x86_walk_mem = {.read = x86_walk_read, .cmpxchg = x86_walk_cmpxchg};

void x86_walk_regs(CPUX86State *env, X86WalkRegs *r)
{
    *r = (X86WalkRegs){
        .cr0 = env->cr[0],
        .cr3 = env->cr[3],
        .cr4 = env->cr[4],
        .efer = env->efer,
        .maxphyaddr = 40,
        .page1gb = (x86_cpu(cpu_from_env(env))->model->ext_features_edx >> 26) & 1,
    };
    memcpy(r->pdpte, env->pdpte, sizeof(r->pdpte));
}

const X86WalkMemOps *x86_walk_mem_ops(void) { return &x86_walk_mem; }

static bool x86_tlb_fill(CPUState *cpu, uint64_t vaddr, int access, int mmu_idx,
                         uint64_t *paddr, int *prot, bool probe)
{
    CPUX86State *env = x86_env(cpu);
    if (!(env->cr[0] & CR0_PG)) {
        *paddr = (vaddr & 0xffffffffull & env->a20_mask) & TARGET_PAGE_MASK;
        *prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        return true;
    }
    /* IA-32e mode: a non-canonical address faults before any walk (SDM 3.3.7.1); #GP(0) —
     * a stack access would take #SS(0), which the softmmu cannot tell apart here. */
    if ((env->hflags & HF_LMA) && (uint64_t)((int64_t)(vaddr << 16) >> 16) != vaddr) {
        if (probe) {
            return false;
        }
        x86_raise_exception_err(env, 13, 0);
    }
    X86WalkRegs r;
    x86_walk_regs(env, &r);
    X86Access acc = {
        .kind = (X86AccessKind)access,
        .user = mmu_idx == X86_MMU_USER,
        .ac = mmu_idx != X86_MMU_KERNEL_SMAP,
    };
    X86WalkResult res;
    if (!x86_mmu_walk(&r, vaddr, acc, &res, &x86_walk_mem, cpu)) {
        if (probe) {
            return false;
        }
        if (log_enabled(LOG_MMU)) {
            tlog("vCPU %d: #PF at 0x%016" PRIx64 " (%s, mmu_idx %d): error code 0x%x\n",
                 cpu->cpu_index, vaddr,
                 access == ACCESS_FETCH ? "fetch" : access ? "write" : "read", mmu_idx,
                 res.error_code);
        }
        env->cr[2] = vaddr;
        x86_raise_exception_err(env, 14, res.error_code);
    }
    *paddr = (res.paddr & env->a20_mask) & TARGET_PAGE_MASK;
    *prot = x86_mmu_tlb_prot(&res);
    return true;
}

G_NORETURN static void x86_bus_error(CPUState *cpu, uint64_t vaddr, uint64_t paddr, int access)
{
    /* PC chipsets answer unclaimed memory with all ones and drop writes; the board maps an
     * "unassigned" region over the holes, so reaching here means an access beyond every
     * region the board knows (e.g. past the physical address width). */
    cpu_fatal(cpu, "%s at physical 0x%" PRIx64 " (linear 0x%" PRIx64 "): nothing answers",
              access == ACCESS_FETCH ? "fetch" : access ? "store" : "load", paddr, vaddr);
}

/* ---- interrupts ---- */

void x86_cpu_set_intr(void *opaque, int n, int level)
{
    (void)n;
    CPUState *cpu = &((X86CPU *)opaque)->parent;
    if (level) {
        atomic_fetch_or(&cpu->interrupt_request, CPU_INTERRUPT_HARD);
        cpu_kick(cpu);
    } else {
        atomic_fetch_and(&cpu->interrupt_request, ~(uint32_t)CPU_INTERRUPT_HARD);
    }
}

/* Wake rules (DESIGN.md rule 3). In wait-for-SIPI only SIPI and INIT count. HLT ends for
 * INIT or SMI (both held in SMM), an NMI unless NMIs are blocked, or an interrupt the CPU can take
 * (IF = 1); kicks and masked interrupts never end it. CPU_INTERRUPT_HARD is a level the
 * interrupt controller keeps exact (the local APIC counts TPR/PPR in it). */
static bool x86_has_work(CPUState *cpu)
{
    CPUX86State *env = x86_env(cpu);
    uint32_t req = atomic_load(&cpu->interrupt_request);
    if (env->wait_sipi) {
        return (req & (CPU_INTERRUPT_SIPI | CPU_INTERRUPT_INIT)) != 0;
    }
    /* INIT and SMI end HLT outside SMM; in SMM both stay pending until RSM (an SMI taken
     * from HLT enters SMM with auto-HALT restart = 1). */
    if ((req & (CPU_INTERRUPT_INIT | CPU_INTERRUPT_SMI)) && !(env->hflags & HF_SMM)) {
        return true;
    }
    if ((req & CPU_INTERRUPT_NMI) && !(env->hflags2 & HF2_NMI_MASK)) {
        return true;
    }
    return (req & CPU_INTERRUPT_HARD) && (env->eflags & IF_MASK);
}

/* INIT and SIPI at an instruction boundary (DESIGN.md rules 4 and 6). INIT is held while the
 * CPU is in SMM (taken after RSM); a SIPI is recognised only in wait-for-SIPI and discarded
 * anywhere else, SMM included, so it can never pick an instruction pointer for running code.
 * NMI and SMI that arrived while the CPU waited for its SIPI are dropped with the SIPI: an AP
 * that was offline must not start with a stale event. Returns true if the state changed. */
static bool x86_exec_init_sipi(X86CPU *xcpu, uint32_t request)
{
    CPUState *cpu = &xcpu->parent;
    CPUX86State *env = &xcpu->env;
    bool changed = false;
    if ((request & CPU_INTERRUPT_INIT) && !(env->hflags & HF_SMM)) {
        atomic_fetch_and(&cpu->interrupt_request, ~(uint32_t)CPU_INTERRUPT_INIT);
        if (log_enabled(LOG_INT)) {
            tlog("vCPU %d: INIT\n", cpu->cpu_index);
        }
        x86_cpu_do_init(xcpu);
        changed = true;
        request = atomic_load(&cpu->interrupt_request);
    }
    if (!(request & CPU_INTERRUPT_SIPI)) {
        return changed;
    }
    if (!env->wait_sipi) {
        atomic_fetch_and(&cpu->interrupt_request, ~(uint32_t)CPU_INTERRUPT_SIPI);
        if (log_enabled(LOG_INT)) {
            tlog("vCPU %d: SIPI ignored (not waiting for one)\n", cpu->cpu_index);
        }
        return changed;
    }
    atomic_fetch_and(&cpu->interrupt_request,
                     ~(uint32_t)(CPU_INTERRUPT_SIPI | CPU_INTERRUPT_NMI | CPU_INTERRUPT_SMI));
    x86_cpu_do_sipi(xcpu);
    atomic_store(&cpu->halted, false);
    if (log_enabled(LOG_INT)) {
        tlog("vCPU %d: SIPI, start at %04x:0000\n", cpu->cpu_index, env->segs[R_CS].selector);
    }
    return true;
}

/* Events at an instruction boundary, highest priority first (SDM vol. 3A 6.9, table 6-2):
 * INIT/SIPI, NMI, then maskable interrupts (IF = 1). NMI and interrupts wait out the
 * MOV SS / STI shadow. */
static bool x86_exec_interrupt(CPUState *cpu, uint32_t request)
{
    X86CPU *xcpu = x86_cpu(cpu);
    CPUX86State *env = &xcpu->env;
    if (atomic_load(&cpu->power_state) != CPU_POWER_ON) {
        return false; /* held off by a power controller: takes nothing */
    }
    /* INIT and SIPI first: neither waits out an interrupt shadow (SDM table 6-2 puts INIT
     * with SMI among the external interventions, above NMI). */
    if ((request & (CPU_INTERRUPT_INIT | CPU_INTERRUPT_SIPI)) &&
        x86_exec_init_sipi(xcpu, request)) {
        return true;
    }
    if (env->wait_sipi) {
        return false; /* nothing is injected into a CPU waiting for SIPI (rule 7) */
    }
    if (env->hflags & HF_INHIBIT_IRQ) {
        return false;
    }
    /* SMI is taken before NMI (SDM vol. 3A 6.9, table 6-2). In SMM a further SMI stays
     * latched (one) until RSM. With -machine smm=off the CPU has no SMM: the request is
     * dropped. HF2_HLT says the CPU was in HLT (auto-HALT restart). */
    if ((request & CPU_INTERRUPT_SMI) && !(env->hflags & HF_SMM)) {
        atomic_fetch_and(&cpu->interrupt_request, ~(uint32_t)CPU_INTERRUPT_SMI);
        if (cpu->machine && cpu->machine->cfg.smm == MACHINE_SMM_OFF) {
            if (log_enabled(LOG_GUEST_ERRORS)) {
                tlog("vCPU %d: SMI dropped: -machine smm=off\n", cpu->cpu_index);
            }
            return false;
        }
        bool auto_halt = (env->hflags2 & HF2_HLT) != 0;
        env->hflags2 &= ~HF2_HLT;
        x86_smm_enter(env, auto_halt);
        return true;
    }
    if ((request & CPU_INTERRUPT_NMI) && !(env->hflags2 & HF2_NMI_MASK)) {
        env->hflags2 &= ~HF2_HLT; /* an event ends HLT (smm-helper.h) */
        /* An edge: consumed here. Further NMIs stay pending until the next IRET clears the
         * block (SDM vol. 3A 6.7.1; helper_iret returns to this loop). Set before delivery:
         * an exception while delivering it keeps NMIs blocked. */
        env->hflags2 |= HF2_NMI_MASK;
        atomic_fetch_and(&cpu->interrupt_request, ~(uint32_t)CPU_INTERRUPT_NMI);
        if (log_enabled(LOG_INT)) {
            tlog("vCPU %d: NMI at %04x:%016" PRIx64 "\n", cpu->cpu_index,
                 env->segs[R_CS].selector, env->rip);
        }
        x86_do_interrupt_hw(env, 2);
        return true;
    }
    if ((request & CPU_INTERRUPT_HARD) && (env->eflags & IF_MASK)) {
        /* INTA: the controller moves the vector in service and updates HARD itself. */
        int vector = xcpu->get_interrupt ? xcpu->get_interrupt(xcpu) : -1;
        if (vector < 0) {
            /* The source withdrew it (level dropped, masked meanwhile). A board without
             * has_interrupt drives HARD exactly itself. */
            if (xcpu->has_interrupt && !xcpu->has_interrupt(xcpu)) {
                atomic_fetch_and(&cpu->interrupt_request, ~(uint32_t)CPU_INTERRUPT_HARD);
            }
            return false;
        }
        if (log_enabled(LOG_INT)) {
            tlog("vCPU %d: interrupt vector 0x%02x at %04x:%016" PRIx64 "\n", cpu->cpu_index,
                 vector, env->segs[R_CS].selector, env->rip);
        }
        env->hflags2 &= ~HF2_HLT; /* an event ends HLT (smm-helper.h) */
        x86_do_interrupt_hw(env, vector);
        if (xcpu->has_interrupt && !xcpu->has_interrupt(xcpu)) {
            atomic_fetch_and(&cpu->interrupt_request, ~(uint32_t)CPU_INTERRUPT_HARD);
        }
        return true;
    }
    return false;
}

/* ---- -d cpu ---- */

static void x86_dump_state(CPUState *cpu, FILE *out)
{
    CPUX86State *env = x86_env(cpu);
    static const char *const names[16] = {"RAX", "RCX", "RDX", "RBX", "RSP", "RBP",
                                          "RSI", "RDI", "R8",  "R9",  "R10", "R11",
                                          "R12", "R13", "R14", "R15"};
    static const char *const segn[6] = {"ES", "CS", "SS", "DS", "FS", "GS"};
    for (int i = 0; i < 16; i++) {
        fprintf(out, "%-3s=%016" PRIx64 "%s", names[i], env->regs[i], (i % 4 == 3) ? "\n" : " ");
    }
    fprintf(out, "RIP=%016" PRIx64 " RFL=%08x CPL=%u hflags=%08x\n", env->rip,
            x86_eflags_get(env), env->hflags & HF_CPL_MASK, env->hflags);
    for (int s = 0; s < X86_NB_SEGS; s++) {
        const X86Segment *sg = &env->segs[s];
        fprintf(out, "%s =%04x %016" PRIx64 " %08x %08x\n", segn[s], sg->selector, sg->base,
                sg->limit, sg->flags);
    }
    fprintf(out, "GDT=%016" PRIx64 " %08x IDT=%016" PRIx64 " %08x\n", env->gdt.base,
            env->gdt.limit, env->idt.base, env->idt.limit);
    fprintf(out, "CR0=%08" PRIx64 " CR2=%016" PRIx64 " CR3=%016" PRIx64 " CR4=%08" PRIx64
            " EFER=%016" PRIx64 "\n",
            env->cr[0], env->cr[2], env->cr[3], env->cr[4], env->efer);
}

/* ---- creation ---- */

const CPUArchOps x86_arch_ops = {
    .name = "x86_64",
    .get_tb_key = x86_get_tb_key,
    .translate = x86_translate,
    .has_work = x86_has_work,
    .exec_interrupt = x86_exec_interrupt,
    .reset = x86_cpu_reset,
    .start_at = x86_cpu_start_at,
    .dump_state = x86_dump_state,
    .tlb_fill = x86_tlb_fill,
    .fetch_mmu_idx = x86_fetch_mmu_idx,
    .bus_error = x86_bus_error,
    .cs_arch = CS_ARCH_X86,
    .cs_mode = CS_MODE_64,
    .pc_offset = (int32_t)offsetof(CPUX86State, rip),
};

X86CPU *x86_cpu_new(const X86CPUModel *model, int index, uint32_t apic_id)
{
    X86CPU *xcpu = g_aligned_alloc0(1, sizeof(X86CPU), 64);
    CPUState *cpu = &xcpu->parent;
    cpu->cpu_index = index;
    cpu->env_ptr = &xcpu->env;
    cpu->arch = &x86_arch_ops;
    xcpu->model = model;
    xcpu->apic_id = apic_id;
    g_mutex_init(&cpu->lock);
    g_cond_init(&cpu->cond);
    g_queue_init(&cpu->work);
    x86_translate_init();
    return xcpu;
}
