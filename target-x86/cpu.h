/*
 * cpu.h — x86-64 CPU state (X86CPU = CPUState + CPUX86State): registers, segments, control
 * registers, MSRs, x87/MMX/SSE, SMM, and the decode-relevant "hflags" summary.
 *
 * Generated code addresses CPUX86State through the env pointer; the hot fields (GPRs, rip,
 * lazy flags) come first. Only the owner vCPU thread reads or writes CPUX86State; other
 * threads reach a CPU through work items or request bits (DESIGN.md, vCPU life cycle).
 *
 * Condition flags are lazy: the arithmetic flags (CF PF AF ZF SF OF) are not kept in eflags
 * while guest code runs. The last flag-setting operation leaves cc_op (what it was: add, sub,
 * logic, shift... and its size) and its operands/result in cc_dst/cc_src/cc_src2; the flags
 * are computed only when read (target-x86/cc-helper.c). eflags holds every other bit (IF, DF,
 * TF, IOPL, NT, RF, VM, AC, VIF, VIP, ID) and the arithmetic bits only while cc_op == CC_OP_EFLAGS.
 */
#ifndef TANDEM_TARGET_X86_CPU_H
#define TANDEM_TARGET_X86_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu-exec/cpu.h"

/* ---- general-purpose registers (SDM vol. 1, 3.4.1), in encoding order ---- */
enum {
    R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI,
    R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
};

/* ---- segment registers, in encoding order (Sreg field) ---- */
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS, X86_NB_SEGS };

/* ---- EFLAGS bits (SDM vol. 1, 3.4.3) ---- */
#define CC_C 0x0001u
#define CC_P 0x0004u
#define CC_A 0x0010u
#define CC_Z 0x0040u
#define CC_S 0x0080u
#define CC_O 0x0800u
#define CC_ARITH (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O)
#define EFLAGS_FIXED1 0x0002u /* bit 1 always reads 1 */
#define TF_MASK 0x00000100u
#define IF_MASK 0x00000200u
#define DF_MASK 0x00000400u
#define IOPL_MASK 0x00003000u
#define IOPL_SHIFT 12
#define NT_MASK 0x00004000u
#define RF_MASK 0x00010000u
#define VM_MASK 0x00020000u
#define AC_MASK 0x00040000u
#define VIF_MASK 0x00080000u
#define VIP_MASK 0x00100000u
#define ID_MASK 0x00200000u

/* ---- control registers (SDM vol. 3A, 2.5) ---- */
#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_AM (1u << 18)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)

#define CR4_VME (1u << 0)
#define CR4_PVI (1u << 1)
#define CR4_TSD (1u << 2)
#define CR4_DE (1u << 3)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_MCE (1u << 6)
#define CR4_PGE (1u << 7)
#define CR4_PCE (1u << 8)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_UMIP (1u << 11)
#define CR4_FSGSBASE (1u << 16)
#define CR4_PCIDE (1u << 17)
#define CR4_OSXSAVE (1u << 18)
#define CR4_SMEP (1u << 20)
#define CR4_SMAP (1u << 21)

/* ---- MSRs (SDM vol. 4) and EFER bits ---- */
#define MSR_IA32_TSC 0x10
#define MSR_IA32_APICBASE 0x1b
#define MSR_IA32_FEATURE_CONTROL 0x3a
#define MSR_IA32_TSC_ADJUST 0x3b
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_MTRRcap 0xfe
#define MSR_MTRRphysBase(n) (0x200 + 2 * (n))
#define MSR_MTRRphysMask(n) (0x201 + 2 * (n))
#define MSR_MTRRfix64K_00000 0x250
#define MSR_MTRRfix16K_80000 0x258
#define MSR_MTRRfix16K_A0000 0x259
#define MSR_MTRRfix4K_C0000 0x268 /* ..0x26f: eight 4K-range registers */
#define MSR_PAT 0x277
#define MSR_MTRRdefType 0x2ff
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_FMASK 0xc0000084
#define MSR_FSBASE 0xc0000100
#define MSR_GSBASE 0xc0000101
#define MSR_KERNELGSBASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103

#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NXE (1u << 11)

#define X86_MTRR_VAR_COUNT 8

/* ---- segment descriptor attribute bits as kept in X86Segment.flags: the descriptor's
 * second dword with base and limit bits cleared (SDM vol. 3A, 3.4.5) ---- */
#define DESC_TYPE_SHIFT 8
#define DESC_TYPE_MASK (15u << DESC_TYPE_SHIFT)
#define DESC_S_MASK (1u << 12) /* code/data (1) or system (0) */
#define DESC_DPL_SHIFT 13
#define DESC_DPL_MASK (3u << DESC_DPL_SHIFT)
#define DESC_P_MASK (1u << 15)
#define DESC_AVL_MASK (1u << 20)
#define DESC_L_MASK (1u << 21) /* 64-bit code segment */
#define DESC_B_MASK (1u << 22) /* D/B: 32-bit default size / big stack */
#define DESC_G_MASK (1u << 23)
#define DESC_CS_MASK (1u << 11) /* in type: code */
#define DESC_C_MASK (1u << 10)  /* code: conforming */
#define DESC_E_MASK (1u << 10)  /* data: expand-down */
#define DESC_R_MASK (1u << 9)   /* code: readable */
#define DESC_W_MASK (1u << 9)   /* data: writable */
#define DESC_A_MASK (1u << 8)   /* accessed */

typedef struct X86Segment {
    uint32_t selector;
    uint64_t base;
    uint32_t limit; /* byte granular (G already applied) */
    uint32_t flags; /* DESC_* */
} X86Segment;

typedef struct X86TableReg { /* GDTR, IDTR */
    uint64_t base;
    uint32_t limit;
} X86TableReg;

/* ---- lazy condition codes: what the last flag-setting operation was ----
 * ORDER: every sized family is four consecutive values B, W, L, Q (8/16/32/64-bit), so
 * cc_op - family base = log2(operand bytes) (x86_cc_op_size_shift in cc-helper.h). What each
 * op expects in cc_dst/cc_src/cc_src2 is defined in target-x86/cc-helper.h; in short (a, b are
 * the operands, r the result, all at the operation size, higher bits ignored): */
typedef enum X86CCOp {
    CC_OP_EFLAGS,                                           /* src = eflags (arith bits) */
    CC_OP_ADDB, CC_OP_ADDW, CC_OP_ADDL, CC_OP_ADDQ,         /* dst = r, src = b */
    CC_OP_ADCB, CC_OP_ADCW, CC_OP_ADCL, CC_OP_ADCQ,         /* dst = r, src = b, src2 = CF in */
    CC_OP_SUBB, CC_OP_SUBW, CC_OP_SUBL, CC_OP_SUBQ,         /* dst = r, src = b (CMP, NEG, CMPXCHG) */
    CC_OP_SBBB, CC_OP_SBBW, CC_OP_SBBL, CC_OP_SBBQ,         /* dst = r, src = b, src2 = CF in */
    CC_OP_LOGICB, CC_OP_LOGICW, CC_OP_LOGICL, CC_OP_LOGICQ, /* dst = r (AND OR XOR TEST ANDN) */
    CC_OP_INCB, CC_OP_INCW, CC_OP_INCL, CC_OP_INCQ,         /* dst = r, src = old CF (0/1) */
    CC_OP_DECB, CC_OP_DECW, CC_OP_DECL, CC_OP_DECQ,         /* dst = r, src = old CF (0/1) */
    CC_OP_SHLB, CC_OP_SHLW, CC_OP_SHLL, CC_OP_SHLQ,         /* dst = r, src = a << (count-1) (SHL, SHLD) */
    CC_OP_SHRB, CC_OP_SHRW, CC_OP_SHRL, CC_OP_SHRQ,         /* dst = r, src bit 0 = CF (SHR, SAR, SHRD) */
    CC_OP_MULB, CC_OP_MULW, CC_OP_MULL, CC_OP_MULQ,         /* dst = low r, src != 0 iff CF=OF=1 */
    CC_OP_BLSIB, CC_OP_BLSIW, CC_OP_BLSIL, CC_OP_BLSIQ,     /* dst = r (BLSI: CF = r != 0) */
    CC_OP_BLSRB, CC_OP_BLSRW, CC_OP_BLSRL, CC_OP_BLSRQ,     /* dst = r, src = a (BLSR, BLSMSK) */
    CC_OP_POPCNT,                     /* dst = a: ZF = a == 0, others clear (POPCNT, BSF, BSR) */
    CC_OP_ZCNT,                       /* dst = r, src = a: CF = a == 0, ZF = r == 0 (LZCNT, TZCNT) */
    CC_OP_CLR,                        /* ZF=PF=1, others clear (XOR/SUB reg,reg) */
    CC_OP_NB,
} X86CCOp;

/* ---- decode-relevant state summarised for TB keys and the translator (hflags) ---- */
#define HF_CPL_MASK 0x3u       /* current privilege level */
#define HF_CS32 (1u << 2)      /* CS.D: 32-bit default operand/address size */
#define HF_SS32 (1u << 3)      /* SS.B: 32-bit stack */
#define HF_CS64 (1u << 4)      /* 64-bit mode (EFER.LMA and CS.L) */
#define HF_LMA (1u << 5)       /* IA-32e mode active (64-bit or compatibility mode) */
#define HF_PE (1u << 6)        /* CR0.PE */
#define HF_VM86 (1u << 7)      /* EFLAGS.VM */
#define HF_ADDSEG (1u << 8)    /* some of DS/ES/SS has a nonzero base: add it (not 64-bit) */
#define HF_SMM (1u << 9)       /* in System Management Mode */
#define HF_INHIBIT_IRQ (1u << 10) /* interrupt shadow after MOV SS / POP SS / STI */
#define HF_TF (1u << 11)       /* single step: end the TB after each instruction */
#define HF_EM (1u << 12)       /* CR0.EM */
#define HF_TS (1u << 13)       /* CR0.TS */
#define HF_MP (1u << 14)       /* CR0.MP */
#define HF_OSFXSR (1u << 15)   /* CR4.OSFXSR: SSE enabled */
#define HF_SMAP_AC (1u << 16)  /* CR4.SMAP and EFLAGS.AC=0: supervisor data accesses to user pages fault */
#define HF_IOPL_SHIFT 17       /* EFLAGS.IOPL copy, bits 18:17 (CLI/STI/IN/OUT checks) */

/* ---- MMU indices (one softmmu TLB each) ---- */
enum {
    X86_MMU_USER = 0,       /* CPL 3 */
    X86_MMU_KERNEL = 1,     /* CPL 0-2, SMAP not enforced for this access */
    X86_MMU_KERNEL_SMAP = 2,/* CPL 0-2 with CR4.SMAP and EFLAGS.AC = 0 */
    X86_MMU_SMM = 3,        /* in SMM: SMRAM visible (hw/x86/smram.h) */
    X86_MMU_PHYS = 4,       /* paging off / implicit physical accesses (page walks, descriptors) */
    X86_NB_MMU_MODES = 5,
};

/* x87 register as stored: 64-bit significand with the explicit integer bit, sign + 15-bit
 * exponent (SDM vol. 1, 4.2.2, double extended precision). */
/* hflags2: NMIs blocked from the delivery of an NMI until the next IRET executes (SDM vol. 3A
 * 6.7.1). */
#define HF2_NMI_MASK (1u << 0)
/* The CPU is in HLT (set by helper_hlt, cleared when an event is taken or a TB is fetched):
 * an SMI taken now saves auto-HALT restart = 1 (SDM vol. 3C 32.10). */
#define HF2_HLT (1u << 1)
/* In SMM: NMIs were already blocked when the SMI was taken, so RSM keeps them blocked
 * (target-x86/smm-helper.c). */
#define HF2_SMM_NMI_SAVED (1u << 2)

typedef struct X87Reg {
    uint64_t mant;
    uint16_t exp; /* bit 15 = sign */
} X87Reg;

typedef struct CPUX86State {
    /* ---- hot: generated code reaches these with small displacements ---- */
    uint64_t regs[16];
    uint64_t rip;
    uint64_t cc_dst, cc_src, cc_src2;
    uint64_t cc_op;  /* X86CCOp (64 bits: generated code keeps it in an IR global) */
    uint32_t eflags; /* see the top comment: arithmetic bits only when cc_op == CC_OP_EFLAGS */
    int32_t df;      /* +1 or -1: string instruction step direction (mirror of EFLAGS.DF) */
    uint32_t hflags; /* HF_*: recomputed whenever CR0/CR4/EFER/segments/eflags change */

    X86Segment segs[X86_NB_SEGS];
    X86Segment ldt, tr;
    X86TableReg gdt, idt;

    uint64_t cr[5]; /* CR0, CR2, CR3, CR4 (CR1 unused; CR8 reads the APIC TPR) */
    uint64_t pdpte[4]; /* PAE paging outside IA-32e mode: the PDPTE registers (SDM 4.4.1) */
    uint64_t efer;
    uint64_t dr[8];
    uint64_t a20_mask; /* ~(1 << 20) while the A20 gate is closed, else ~0 */
    /* HF2_*: event-blocking state outside hflags (not decode-relevant, never in a TB key).
     * Cleared by reset (it lies before smbase). */
    uint32_t hflags2;
    /* Waiting for a STARTUP IPI (SDM vol. 3A 8.4, the AP state after INIT): a state of its
     * own, not HLT. The CPU is also cpu->halted (so its thread sleeps however often it is
     * kicked) and only INIT or SIPI end it (x86_has_work). Owner thread only; cleared by
     * reset like everything before smbase, set again by x86_cpu_reset for an AP. */
    bool wait_sipi;

    /* ---- MSRs ---- */
    uint64_t star, lstar, cstar, fmask, kernel_gs_base;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t tsc_aux, tsc_adjust, tsc_deadline;
    uint64_t pat;
    uint64_t apic_base;
    uint64_t misc_enable;
    uint64_t mtrr_deftype, mtrr_fixed[11];
    uint64_t mtrr_var_base[X86_MTRR_VAR_COUNT], mtrr_var_mask[X86_MTRR_VAR_COUNT];

    /* ---- x87 FPU (SDM vol. 1, chapter 8) ---- */
    X87Reg fpregs[8]; /* physical registers R0..R7; ST(i) = fpregs[(fpstt + i) & 7] */
    uint32_t fpstt;   /* TOP */
    uint16_t fpus;    /* status word without TOP */
    uint16_t fpuc;    /* control word */
    uint8_t fptags[8];/* 1 = empty (abridged view; the full tag word is computed on FSTENV) */
    uint16_t fpop;
    uint64_t fpip, fpdp;
    uint16_t fpcs, fpds;
    /* MMX registers alias the x87 significands (fpregs[i].mant). */

    /* ---- SSE ---- */
    _Alignas(16) uint64_t xmm[16][2]; /* XMMn: [0] bits 63:0, [1] bits 127:64 */
    uint32_t mxcsr;
    /* scratch for SSE/MMX memory operands: the translator loads them here and passes
     * pointers to the helpers (target-x86/translate-sse.c) */
    _Alignas(16) uint64_t xmm_t0[2];
    uint64_t mmx_t0;

    /* ---- from here on, reset leaves fields alone (x86_cpu_reset_core sets them) ---- */
    uint64_t smbase;
    /* guest TSC = virtual clock ticks + tsc_offset. Kept by every reset (the TSC counts on);
     * the APIC timer thread reads it: relaxed atomics (x86_tsc_offset_add). */
    uint64_t tsc_offset;

    /* ---- exceptions in progress (owner thread; target-x86/excp-helper.c) ---- */
    int32_t exception_index; /* vector being raised, -1 = none */
    uint32_t error_code;
    bool exception_has_error_code;
    int32_t old_exception;   /* for #DF escalation: vector of the exception being delivered */
} CPUX86State;

/* ---- CPU models ---- */
typedef struct X86CPUModel {
    const char *name;
    char vendor[13];         /* CPUID leaf 0 vendor string */
    uint32_t level, xlevel;  /* highest basic / extended leaf */
    uint32_t family, model, stepping;
    uint32_t features_edx, features_ecx;       /* leaf 1 */
    uint32_t ext_features_edx, ext_features_ecx; /* leaf 0x80000001 */
    uint32_t leaf7_ebx, leaf7_ecx, leaf7_edx;  /* leaf 7 subleaf 0 */
    const char *model_id;    /* brand string, leaves 0x80000002-4 */
} X86CPUModel;
const X86CPUModel *x86_cpu_model_find(const char *name);
void x86_cpu_models_list(FILE *out);

typedef struct X86CPU {
    CPUState parent;
    _Alignas(64) CPUX86State env;
    const X86CPUModel *model;
    uint32_t apic_id; /* fixed at creation; other threads address CPUs by it */
    /* Every reset applies this boot state (the board's loader sets it; system/loader-x86.h). */
    struct X86BootState *boot;
    struct X86LocalAPIC *apic; /* hw/intc/apic.c, created with the CPU */
    /* The board's interrupt controller path (owner thread): the vector of the highest
     * deliverable maskable interrupt, acknowledged (local APIC, or the 8259 through ExtINT),
     * or -1; and whether one is deliverable (to clear CPU_INTERRUPT_HARD when none is). */
    int (*get_interrupt)(struct X86CPU *cpu);
    bool (*has_interrupt)(struct X86CPU *cpu);
    struct AddressSpace *io_as; /* the 64 KiB I/O port space (IN/OUT) */
} X86CPU;

_Static_assert(offsetof(X86CPU, env) == CPU_ENV_OFFSET, "env must sit at CPU_ENV_OFFSET");

static inline X86CPU *x86_cpu(CPUState *cpu) { return (X86CPU *)cpu; }
static inline CPUX86State *x86_env(CPUState *cpu) { return &((X86CPU *)cpu)->env; }

/* ---- cpu.c (owner vCPU thread unless noted) ---- */
extern const CPUArchOps x86_arch_ops;
/* Creates a CPU of this model (main thread, board init); reset applies cpu->boot if set. */
X86CPU *x86_cpu_new(const X86CPUModel *model, int index, uint32_t apic_id);
/* Recomputes env->hflags from CR0/CR4/EFER/segments/EFLAGS: call after changing any of them. */
void x86_update_hflags(CPUX86State *env);
/* Full EFLAGS (lazy arithmetic flags computed, bit 1 set). */
uint32_t x86_eflags_get(CPUX86State *env);
/* Writes the EFLAGS bits in update_mask (cc_op becomes CC_OP_EFLAGS, df and hflags follow). */
void x86_eflags_set(CPUX86State *env, uint32_t value, uint32_t update_mask);
/* MMU index of a data access at the current CPL (X86_MMU_USER/KERNEL/KERNEL_SMAP/SMM). */
int x86_mmu_idx(const CPUX86State *env);
/* Guest TSC now (virtual clock based; RDTSC, IA32_TSC, the APIC's TSC-deadline mode). Any
 * thread: the APIC timer thread reads it for the TSC-deadline mode. */
uint64_t x86_cpu_get_tsc(CPUX86State *env);
/* Moves the guest TSC by delta (owner thread: TSC and TSC_ADJUST writes). tsc_offset is read
 * by the APIC timer thread too, so both sides use relaxed atomics. */
static inline void x86_tsc_offset_add(CPUX86State *env, uint64_t delta)
{
    __atomic_store_n(&env->tsc_offset, env->tsc_offset + delta, __ATOMIC_RELAXED);
}
struct X86WalkRegs;
struct X86WalkMemOps;
/* The paging registers of env for mmu-walk.c, and the physical-memory callbacks (opaque = the
 * CPUState) that mmu-walk uses for table entries (also for x86_mmu_load_pdptes). */
void x86_walk_regs(CPUX86State *env, struct X86WalkRegs *r);
const struct X86WalkMemOps *x86_walk_mem_ops(void);
/* The INTR pin (8259 output, APIC ExtINT): any thread, sets/clears CPU_INTERRUPT_HARD and kicks. */
void x86_cpu_set_intr(void *opaque, int n, int level);
/* Loads a segment register cache directly (reset, loaders, real-mode/VM86 loads): no checks. */
void x86_seg_cache_set(CPUX86State *env, int seg, uint32_t selector, uint64_t base,
                       uint32_t limit, uint32_t flags);

#endif
