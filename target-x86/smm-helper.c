/*
 * smm-helper.c — System Management Mode: SMI entry and RSM (SDM vol. 3C chapter 32, AMD64
 * APM vol. 2 chapter 10).
 *
 * The state-save map is the AMD64 one at SMBASE+0xFE00..0xFFFF (APM vol. 2, 10.2.3, table
 * 10-2 "AMD64 Architecture SMM State-Save Area"), which QEMU, KVM (arch/x86/kvm/smm.h,
 * struct kvm_smram_state_64) and OVMF (AmdSmramSaveStateMap.h) all use for 64-bit CPUs, with
 * revision identifier 0x00020064 (SMBASE relocation supported). Offsets below are from SMBASE.
 *
 * Threads: owner vCPU thread only (exec_interrupt, generated code). The save area is accessed
 * physically through the SMM view of memory (cpu->mmu_as[X86_MMU_SMM], the board's SMRAM
 * decoder), because closed SMRAM is invisible to the ordinary view.
 * NMI blocking across SMM: entry blocks NMIs; whether they were already blocked is kept in
 * hflags2 (HF2_SMM_NMI_SAVED) and RSM restores it (SDM vol. 3C 32.8).
 */
#include "target-x86/smm-helper.h"

#include <inttypes.h>
#include <string.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/softmmu.h"
#include "hw/core/memory.h"
#include "system/log.h"
#include "system/runstate.h"
#include "target-x86/cpuid.h"
#include "target-x86/excp-helper.h"
#include "target-x86/mmu-walk.h"

/* ---- AMD64 save-state map, offsets from SMBASE (APM vol. 2 table 10-2) ---- */
#define SMM_SEG(i) (0xfe00u + 16u * (i)) /* ES CS SS DS FS GS: sel u16, attr u16, limit u32, base u64 */
#define SMM_GDTR_LIMIT 0xfe64u
#define SMM_GDTR_BASE 0xfe68u
#define SMM_LDTR 0xfe70u /* same layout as a segment */
#define SMM_IDTR_LIMIT 0xfe84u
#define SMM_IDTR_BASE 0xfe88u
#define SMM_TR 0xfe90u
#define SMM_IO_RESTART 0xfec8u   /* I/O instruction restart byte */
#define SMM_AUTO_HALT 0xfec9u    /* bit 0: the SMI interrupted HLT */
#define SMM_EFER 0xfed0u
#define SMM_REVISION 0xfefcu
#define SMM_SMBASE 0xff00u
#define SMM_CR4 0xff48u
#define SMM_CR3 0xff50u
#define SMM_CR0 0xff58u
#define SMM_DR7 0xff60u
#define SMM_DR6 0xff68u
#define SMM_RFLAGS 0xff70u
#define SMM_RIP 0xff78u
#define SMM_GPR(i) (0xfff8u - 8u * (i)) /* RAX at 0xFFF8 down to R15 at 0xFF80 */

/* Segment attributes in the save area: descriptor bits 8..15 (type, S, DPL, P) and 20..23
 * (AVL, L, D/B, G) packed in 16 bits, i.e. the descriptor's second dword >> 8. */
static uint16_t smm_attr_pack(uint32_t flags) { return (uint16_t)((flags >> 8) & 0xf0ffu); }
static uint32_t smm_attr_unpack(uint16_t attr) { return ((uint32_t)attr << 8) & 0x00f0ff00u; }

struct AddressSpace *x86_smm_as(CPUState *cpu)
{
    return cpu_mmu_as(cpu, X86_MMU_SMM);
}

/* The 512-byte save area as a buffer indexed by offset - 0xFE00 (little-endian host). */
typedef struct SMMImage {
    uint8_t b[0x200];
} SMMImage;

static void img_put(SMMImage *m, uint32_t off, uint64_t v, unsigned size)
{
    memcpy(&m->b[off - X86_SMM_SAVE_BASE], &v, size);
}

static uint64_t img_get(const SMMImage *m, uint32_t off, unsigned size)
{
    uint64_t v = 0;
    memcpy(&v, &m->b[off - X86_SMM_SAVE_BASE], size);
    return v;
}

static void img_put_seg(SMMImage *m, uint32_t off, const X86Segment *s)
{
    img_put(m, off, s->selector, 2);
    img_put(m, off + 2, smm_attr_pack(s->flags), 2);
    img_put(m, off + 4, s->limit, 4);
    img_put(m, off + 8, s->base, 8);
}

static void img_get_seg(const SMMImage *m, uint32_t off, X86Segment *s)
{
    s->selector = (uint32_t)img_get(m, off, 2);
    s->flags = smm_attr_unpack((uint16_t)img_get(m, off + 2, 2));
    s->limit = (uint32_t)img_get(m, off + 4, 4);
    s->base = img_get(m, off + 8, 8);
}

void x86_smm_enter(CPUX86State *env, bool auto_halt)
{
    CPUState *cpu = cpu_from_env(env);
    SMMImage img;
    memset(&img, 0, sizeof(img));
    for (int i = 0; i < X86_NB_SEGS; i++) {
        img_put_seg(&img, SMM_SEG(i), &env->segs[i]);
    }
    img_put(&img, SMM_GDTR_LIMIT, env->gdt.limit, 4);
    img_put(&img, SMM_GDTR_BASE, env->gdt.base, 8);
    img_put_seg(&img, SMM_LDTR, &env->ldt);
    img_put(&img, SMM_IDTR_LIMIT, env->idt.limit, 4);
    img_put(&img, SMM_IDTR_BASE, env->idt.base, 8);
    img_put_seg(&img, SMM_TR, &env->tr);
    img_put(&img, SMM_IO_RESTART, 0, 1);
    img_put(&img, SMM_AUTO_HALT, auto_halt ? 1 : 0, 1);
    img_put(&img, SMM_EFER, env->efer, 8);
    img_put(&img, SMM_REVISION, X86_SMM_REVISION, 4);
    img_put(&img, SMM_SMBASE, (uint32_t)env->smbase, 4);
    img_put(&img, SMM_CR4, env->cr[4], 8);
    img_put(&img, SMM_CR3, env->cr[3], 8);
    img_put(&img, SMM_CR0, env->cr[0], 8);
    img_put(&img, SMM_DR7, env->dr[7], 8);
    img_put(&img, SMM_DR6, env->dr[6], 8);
    img_put(&img, SMM_RFLAGS, x86_eflags_get(env), 8);
    img_put(&img, SMM_RIP, env->rip, 8);
    for (int i = 0; i < 16; i++) {
        img_put(&img, SMM_GPR(i), env->regs[i], 8);
    }
    uint64_t base = (uint32_t)env->smbase;
    if (log_enabled(LOG_INT)) {
        tlog("vCPU %d: SMI at %04x:%016" PRIx64 "%s, SMBASE 0x%" PRIx64 "\n", cpu->cpu_index,
             env->segs[R_CS].selector, env->rip, auto_halt ? " (in HLT)" : "", base);
    }
    if (address_space_write(x86_smm_as(cpu), base + X86_SMM_SAVE_BASE, &img, sizeof(img)) !=
            MEMTX_OK && log_enabled(LOG_GUEST_ERRORS)) {
        tlog("vCPU %d: SMM state save at 0x%" PRIx64 " hit no memory\n", cpu->cpu_index,
             base + X86_SMM_SAVE_BASE);
    }

    /* NMIs are blocked in SMM (SDM 32.8); remember whether they already were. */
    if (env->hflags2 & HF2_NMI_MASK) {
        env->hflags2 |= HF2_SMM_NMI_SAVED;
    } else {
        env->hflags2 &= ~HF2_SMM_NMI_SAVED;
    }
    env->hflags2 |= HF2_NMI_MASK;

    /* The SMM execution environment (SDM vol. 3C 32.5.1, table 32-4). */
    x86_eflags_set(env, EFLAGS_FIXED1, ~0u);
    env->rip = X86_SMM_ENTRY;
    env->cr[0] &= ~(uint64_t)(CR0_PE | CR0_EM | CR0_TS | CR0_PG);
    env->cr[4] = 0;
    env->efer = 0;
    env->dr[7] = 0x400;
    env->idt.base = 0;
    env->idt.limit = 0;
    uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_G_MASK | DESC_W_MASK | DESC_A_MASK;
    uint32_t code = DESC_P_MASK | DESC_S_MASK | DESC_G_MASK | DESC_CS_MASK | DESC_R_MASK |
                    DESC_A_MASK;
    for (int i = 0; i < X86_NB_SEGS; i++) {
        if (i == R_CS) {
            x86_seg_cache_set(env, i, (uint32_t)(base >> 4) & 0xffff, base, 0xffffffffu, code);
        } else {
            x86_seg_cache_set(env, i, 0, 0, 0xffffffffu, data);
        }
    }
    env->hflags |= HF_SMM;
    env->hflags &= ~HF_INHIBIT_IRQ;
    x86_update_hflags(env);
    tlb_flush(cpu);
}

/* An invalid saved state: the processor enters shutdown (SDM vol. 3C 32.14 "RSM"); on a PC,
 * shutdown is a machine reset as for a triple fault (excp-helper.c). */
static G_NORETURN void smm_rsm_shutdown(CPUX86State *env, const char *why)
{
    CPUState *cpu = cpu_from_env(env);
    if (log_enabled(LOG_GUEST_ERRORS | LOG_INT)) {
        tlog("vCPU %d: RSM: invalid state-save area (%s): shutdown, machine reset\n",
             cpu->cpu_index, why);
    }
    runstate_request_reset();
    cpu_halt(cpu);
}

void helper_rsm(CPUX86State *env)
{
    CPUState *cpu = cpu_from_env(env);
    if (!(env->hflags & HF_SMM)) {
        x86_raise_exception(env, 6);
    }
    uint64_t base = (uint32_t)env->smbase;
    SMMImage img;
    if (address_space_read(x86_smm_as(cpu), base + X86_SMM_SAVE_BASE, &img, sizeof(img)) !=
        MEMTX_OK) {
        smm_rsm_shutdown(env, "save area not in memory");
    }
    uint64_t cr0 = img_get(&img, SMM_CR0, 8), cr3 = img_get(&img, SMM_CR3, 8);
    uint64_t cr4 = img_get(&img, SMM_CR4, 8), efer = img_get(&img, SMM_EFER, 8);
    X86CPU *xcpu = x86_cpu(cpu);
    /* The checks RSM makes before loading (SDM 32.14 / APM 10.2.4): reserved bits, and
     * combinations MOV CR would refuse. */
    if ((cr0 >> 32) || (cr4 & ~x86_cpu_cr4_valid_mask(xcpu))) {
        smm_rsm_shutdown(env, "reserved CR0/CR4 bits");
    }
    if ((cr0 & CR0_PG) && !(cr0 & CR0_PE)) {
        smm_rsm_shutdown(env, "CR0.PG without CR0.PE");
    }
    if ((cr0 & CR0_NW) && !(cr0 & CR0_CD)) {
        smm_rsm_shutdown(env, "CR0.NW without CR0.CD");
    }
    efer &= ~(uint64_t)EFER_LMA; /* recomputed from LME and PG */
    if (efer & ~x86_cpu_efer_valid_mask(xcpu) & ~(uint64_t)EFER_LMA) {
        smm_rsm_shutdown(env, "reserved EFER bits");
    }
    bool lma = (efer & EFER_LME) && (cr0 & CR0_PG);
    if (lma && !(cr4 & CR4_PAE)) {
        smm_rsm_shutdown(env, "long mode without CR4.PAE");
    }

    /* Paging state: EFER, CR4, CR3 and then CR0, so that no intermediate combination matters
     * (fields are written directly; hflags and the TLB follow at the end). */
    env->efer = efer | (lma ? EFER_LMA : 0);
    env->cr[4] = cr4;
    env->cr[3] = cr3;
    env->cr[0] = cr0;
    if ((cr0 & CR0_PG) && (cr4 & CR4_PAE) && !lma) {
        X86WalkRegs r;
        x86_walk_regs(env, &r);
        if (!x86_mmu_load_pdptes(cr3, r.maxphyaddr, x86_walk_mem_ops(), cpu, env->pdpte)) {
            smm_rsm_shutdown(env, "reserved bits in a PAE PDPTE");
        }
    }
    for (int i = 0; i < X86_NB_SEGS; i++) {
        img_get_seg(&img, SMM_SEG(i), &env->segs[i]);
    }
    env->gdt.limit = (uint32_t)img_get(&img, SMM_GDTR_LIMIT, 4);
    env->gdt.base = img_get(&img, SMM_GDTR_BASE, 8);
    img_get_seg(&img, SMM_LDTR, &env->ldt);
    env->idt.limit = (uint32_t)img_get(&img, SMM_IDTR_LIMIT, 4);
    env->idt.base = img_get(&img, SMM_IDTR_BASE, 8);
    img_get_seg(&img, SMM_TR, &env->tr);
    env->dr[6] = img_get(&img, SMM_DR6, 8);
    env->dr[7] = img_get(&img, SMM_DR7, 8) | 0x400;
    for (int i = 0; i < 16; i++) {
        env->regs[i] = img_get(&img, SMM_GPR(i), 8);
    }
    env->rip = img_get(&img, SMM_RIP, 8);
    /* SMBASE relocation: the handler may have written a new base (revision bit 17). */
    env->smbase = (uint32_t)img_get(&img, SMM_SMBASE, 4);
    bool auto_halt = img_get(&img, SMM_AUTO_HALT, 1) & 1;

    env->hflags &= ~(HF_SMM | HF_INHIBIT_IRQ);
    x86_eflags_set(env, (uint32_t)img_get(&img, SMM_RFLAGS, 8) | EFLAGS_FIXED1, ~0u);
    if (!(env->hflags2 & HF2_SMM_NMI_SAVED)) {
        env->hflags2 &= ~HF2_NMI_MASK;
    }
    env->hflags2 &= ~HF2_SMM_NMI_SAVED;
    x86_update_hflags(env);
    tlb_flush(cpu);
    if (log_enabled(LOG_INT)) {
        tlog("vCPU %d: RSM to %04x:%016" PRIx64 "%s, SMBASE 0x%" PRIx64 "\n", cpu->cpu_index,
             env->segs[R_CS].selector, env->rip, auto_halt ? " (back to HLT)" : "",
             env->smbase);
    }
    if (auto_halt) {
        /* Auto-HALT restart: the CPU goes back into the HLT it was interrupted in (SDM 32.10):
         * as helper_hlt does, with rip after the HLT. */
        env->hflags2 |= HF2_HLT;
        cpu_halt(cpu);
    }
    cpu_loop_exit(cpu);
}
