/*
 * cpu.h — the guest-independent part of a vCPU (CPUState), its softmmu TLB layout and the
 * per-architecture hook table.
 *
 * Layout: each architecture's CPU struct is { CPUState parent; <Arch>State env; }. Generated
 * code holds a pointer to env in a host register, so guest registers sit at small positive
 * offsets and CPUState fields (exit word, TLB) at negative ones (cpu_env_offset()).
 *
 * Threads: the owner vCPU thread is the only writer of everything here except the fields marked
 * "any thread" (atomics). Other threads ask the owner to act through work items (cpu-work.c).
 */
#ifndef TANDEM_CPU_EXEC_CPU_H
#define TANDEM_CPU_EXEC_CPU_H

#include <glib.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* ---- softmmu TLB ---- */
#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1ull << TARGET_PAGE_BITS)
#define TARGET_PAGE_MASK (~(TARGET_PAGE_SIZE - 1))
#define CPU_TLB_BITS 10
#define CPU_TLB_SIZE (1u << CPU_TLB_BITS)
#define NB_MMU_MODES 8

/*
 * Flags kept in the low bits of the addr_* tags. The inline fast path compares
 * (vaddr + size - 1) & TARGET_PAGE_MASK with the tag, so any flag forces the slow path, and
 * so does an access that crosses into the next page.
 */
#define TLB_INVALID (1u << 11) /* entry holds nothing */
#define TLB_MMIO (1u << 10)    /* not RAM: dispatch to a device */
#define TLB_CODE (1u << 9)     /* write tag only: the page holds translated code (SMC check) */

typedef struct CPUTLBEntry {
    uint64_t addr_read;  /* page-aligned vaddr | flags, for loads */
    uint64_t addr_write; /* for stores */
    uint64_t addr_code;  /* for instruction fetch */
    uintptr_t addend;    /* host address = vaddr + addend (RAM pages only) */
} CPUTLBEntry;

/* Extra per-entry facts for the slow path, indexed like the TLB. */
typedef struct CPUTLBEntryFull {
    uint64_t paddr; /* guest physical address of the page */
    void *mr;       /* MemoryRegion backing the page */
    bool nonglobal; /* the translation belongs to the current address space (PAGE_NONGLOBAL) */
} CPUTLBEntryFull;

/* A mapping larger than a page cached in the TLB: base is aligned to 2^lg; lg 0 is an empty
 * slot, TLB_LARGE_GONE one whose block was flushed. */
typedef struct TLBLargeBlock {
    uint64_t base;
    uint8_t lg;
} TLBLargeBlock;
#define TLB_LARGE_BITS 7
#define TLB_LARGE_SLOTS (1u << TLB_LARGE_BITS)
#define TLB_LARGE_GONE 0xff

/* ---- jump cache ---- */
/* 64Ki slots (512 KiB per vCPU): a Linux boot runs about 60,000 TBs, and with 4Ki slots one
 * lookup in three missed and went to the global table. */
#define TB_JMP_CACHE_BITS 16
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)
#define TB_JMP_PAGE_FILTER_BITS 4096

struct TranslationBlock;
struct CPUState;
struct IRFunc;

/* Interrupt request bits (interrupt_request, any thread sets with atomic or). */
enum {
    CPU_INTERRUPT_HARD = 1 << 0, /* IRQ (ARM) / INTR (x86) */
    CPU_INTERRUPT_FIQ = 1 << 1,
    CPU_INTERRUPT_NMI = 1 << 2,
    CPU_INTERRUPT_SMI = 1 << 3,
    CPU_INTERRUPT_INIT = 1 << 4,
    CPU_INTERRUPT_SIPI = 1 << 5,
    CPU_INTERRUPT_SERROR = 1 << 6,
    CPU_INTERRUPT_VIRQ = 1 << 7,
    CPU_INTERRUPT_VFIQ = 1 << 8,
};

/* Per-architecture hooks. All run on the owner vCPU thread unless noted. */
typedef struct CPUArchOps {
    const char *name;
    /* Key of the TB to run next: pc (virtual; x86: linear), the code segment base the
     * translator bakes in (x86 CS.base; 0 on ARM), decode-relevant flags. */
    void (*get_tb_key)(struct CPUState *cpu, uint64_t *pc, uint64_t *cs_base, uint32_t *flags);
    /* Translate guest code at tb->pc into f; returns the number of guest instructions.
     * Sets tb->size (bytes covered). Raises via cpu_loop_exit() if the first fetch faults. */
    int (*translate)(struct CPUState *cpu, struct TranslationBlock *tb, struct IRFunc *f,
                     int max_insns);
    /* Wake rules for a halted vCPU (DESIGN.md rule 3). */
    bool (*has_work)(struct CPUState *cpu);
    /* Take a pending interrupt at an instruction boundary; true if state changed. */
    bool (*exec_interrupt)(struct CPUState *cpu, uint32_t request);
    /* Architectural reset of the CPU (owner thread, from a work item). */
    void (*reset)(struct CPUState *cpu);
    /* Reset, then start at entry with context in the boot register (AArch64 x0): what a
     * power controller does when it releases a core (owner thread, from a work item). */
    void (*start_at)(struct CPUState *cpu, uint64_t entry, uint64_t context);
    /* -d cpu register dump. */
    void (*dump_state)(struct CPUState *cpu, FILE *out);
    /* Capstone arch/mode for -d in_asm and error messages. */
    int cs_arch, cs_mode;
    /*
     * Translate vaddr for an access (0 load, 1 store, 2 fetch) in mmu_idx: fills the guest
     * physical address of the page and the allowed accesses (PAGE_READ|PAGE_WRITE|PAGE_EXEC),
     * plus PAGE_NONGLOBAL when the translation is tied to the current address space (ARM
     * nG=1, x86 G=0), so that tlb_flush_nonglobal drops it on an address-space switch, and
     * PAGE_LG(lg) when it comes from a mapping of 2^lg bytes larger than a page, so that
     * tlb_flush_page anywhere in it drops all of it.
     * On a translation fault it raises the guest exception (cpu_loop_exit), unless probe is
     * set, in which case it returns false.
     */
    bool (*tlb_fill)(struct CPUState *cpu, uint64_t vaddr, int access, int mmu_idx,
                     uint64_t *paddr, int *prot, bool probe);
    /* A physical access hit nothing or was refused by the device: raise the architectural
     * bus error (external abort / #MC) or, until exceptions exist, stop with a message. */
    G_NORETURN void (*bus_error)(struct CPUState *cpu, uint64_t vaddr, uint64_t paddr,
                                 int access);
    /* An access with MO_ALIGN was not aligned: raise the alignment fault. Optional: NULL
     * stops the machine with a message. */
    G_NORETURN void (*unaligned_access)(struct CPUState *cpu, uint64_t vaddr, int access,
                                        int mmu_idx);
    /* Offset of the guest pc inside the arch env: for messages, and cpu_exec stores there the
     * pc of a TB that refused to run (chained jumps do not store the pc). */
    int32_t pc_offset;
    /* MMU index the translator fetches with for a TB with these decode flags (cpu-exec uses
     * it to find the physical pc of a TB before translating). Optional: NULL means 0. */
    int (*fetch_mmu_idx)(struct CPUState *cpu, uint32_t tb_flags);
} CPUArchOps;

enum { PAGE_READ = 1, PAGE_WRITE = 2, PAGE_EXEC = 4, PAGE_NONGLOBAL = 8 };
enum { CPU_POWER_ON = 0, CPU_POWER_OFF = 1, CPU_POWER_ON_PENDING = 2 };
#define PAGE_LG(lg) ((int)(lg) << 8)
#define PAGE_LG_OF(prot) (((unsigned)(prot) >> 8) & 0x3f)
enum { ACCESS_LOAD = 0, ACCESS_STORE = 1, ACCESS_FETCH = 2 };

typedef struct CPUState {
    /* ---- any thread ---- */
    _Atomic uint32_t exit_request;      /* nonzero: generated code exits at the next TB entry */
    _Atomic uint32_t interrupt_request; /* CPU_INTERRUPT_* */
    _Atomic bool stop;                  /* pause requested by the main loop */
    /* CPU_POWER_*: a vCPU that is not ON never runs guest code, however often it is kicked.
     * Another thread only moves OFF -> ON_PENDING (compare-and-swap, then queues the work that
     * powers it on); the owner makes every other change (DESIGN.md, vCPU life cycle). */
    _Atomic int power_state;
    /* Guest instructions executed. Single-thread mode: exact, every TB adds its length when
     * it is entered (so a TB left early by an exception counts whole), in generated code.
     * One thread per vCPU: cpu_exec adds the length of each TB it dispatches, and TBs reached
     * by a chained jump are not counted (counting them cost ~12% of CPU-bound run time), so
     * it is a lower bound that stays 0 for a vCPU that never ran and moves only when the vCPU
     * runs guest code. Written only by the owner thread; other threads (monitor, power
     * controller) read it with relaxed atomic loads through cpu_insn_count(). */
    uint64_t insn_count;
    /* Single-thread mode only (vcpu-thread.c): generated code leaves at a TB entry once
     * insn_count reaches this, ending the vCPU's quantum. Written by the round-robin thread
     * before it runs the vCPU; unused (and never checked) in the one-thread-per-vCPU mode. */
    uint64_t insn_limit;
    /* Set by another thread while this vCPU sleeps in its idle loop, cleared by the owner,
     * which flushes its TLB before it runs again (run_on_other_cpus, softmmu.h). */
    _Atomic bool tlb_flush_deferred;

    /* ---- owner thread only ---- */
    int cpu_index;
    /* Waiting for an interrupt (WFI, PSCI standby) and held by a power controller
     * (cpu-power.h): written only by the owner; atomic so that the monitor and the power
     * controller may read them. */
    _Atomic bool halted;
    _Atomic bool held;
    void *env_ptr; /* the arch env; generated code's env pointer */
    const CPUArchOps *arch;
    struct Machine *machine;
    struct AddressSpace *as;
    /* Physical address space seen by accesses in each MMU index (softmmu TLB fill and slow
     * paths); NULL means as. Set by the board before the vCPU runs (x86 SMM: the SMRAM view). */
    struct AddressSpace *mmu_as[NB_MMU_MODES];
    sigjmp_buf jmp_env; /* cpu_loop_exit() lands here */
    struct TranslationBlock *current_tb;
    struct IRFunc *ir; /* this thread's translation scratch */
    void *code_region; /* CodeRegion of this vCPU thread */
    uint64_t reset_generation; /* bumped by every CPU reset (io-pending.c) */
    void *io_slot;             /* the operation in flight (io-pending.c), or NULL */

    /* ---- thread plumbing (cpu-work.c / vcpu-thread.c) ---- */
    GThread *thread;
    GMutex lock; /* protects work queue and sleeping */
    GCond cond;
    GQueue work; /* of CPUWorkItem */
    _Atomic bool created;
    bool parked; /* under lock: the thread sleeps in its idle loop (vcpu-thread.c) */

    /* ---- per-vCPU jump cache (owner reads; invalidation from any thread clears entries
     * with atomic stores) ---- */
    _Atomic(struct TranslationBlock *) tb_jmp_cache[TB_JMP_CACHE_SIZE];
    /* Owner only (tb-jmp-cache.c): slots filled since the last clear, slots whose TB was found
     * through a non-global translation, slots whose TB reaches into a second page. */
    uint64_t tb_jmp_used[TB_JMP_CACHE_SIZE / 64];
    uint64_t tb_jmp_nonglobal[TB_JMP_CACHE_SIZE / 64];
    uint64_t tb_jmp_span[TB_JMP_CACHE_SIZE / 64];
    /* A filter over the virtual pages the cached TBs touch (bit = hash of the page): a page
     * whose bit is clear has nothing to drop. */
    uint64_t tb_jmp_pages[TB_JMP_PAGE_FILTER_BITS / 64];

    /* ---- softmmu (owner only) ---- */
    /* Slots filled since they were last cleared, so that a flush costs what was used, not the
     * whole table: Linux switches address space on every kernel entry and exit. */
    uint64_t tlb_used[NB_MMU_MODES][CPU_TLB_SIZE / 64];
    /* Mappings larger than a page, which the TLB holds as page entries (tlb-large.c): an
     * open-addressed set of blocks, the sizes present, and the span of blocks that found no
     * slot. */
    TLBLargeBlock tlb_large[TLB_LARGE_SLOTS];
    uint64_t tlb_large_sizes; /* bit n: some block is 2^n bytes */
    uint64_t tlb_large_lo, tlb_large_hi;
    CPUTLBEntryFull tlb_full[NB_MMU_MODES][CPU_TLB_SIZE];
    CPUTLBEntry tlb[NB_MMU_MODES][CPU_TLB_SIZE]; /* last: generated code indexes it from env */
} CPUState;

/*
 * Every arch CPU struct is { CPUState parent; _Alignas(64) <Arch>State env; } so the env sits
 * at CPU_ENV_OFFSET for every target (checked with a static assert in each target) and generic
 * code, helpers and backends can go from env to CPUState without knowing the target.
 */
#define CPU_ENV_OFFSET ((sizeof(CPUState) + 63) & ~(size_t)63)
static inline CPUState *cpu_from_env(void *env) { return (CPUState *)((char *)env - CPU_ENV_OFFSET); }
static inline void *cpu_env(CPUState *cpu) { return (char *)cpu + CPU_ENV_OFFSET; }
/* Offset of a CPUState field as seen from the env pointer (negative). */
#define CPU_ENV_FIELD_OFFSET(field) ((int32_t)offsetof(CPUState, field) - (int32_t)CPU_ENV_OFFSET)

/* Leave generated code / a helper and return to the cpu_exec loop (owner thread). The guest
 * state in env must be precise (the slow path or the translator stored pc and globals). */
G_NORETURN void cpu_loop_exit(CPUState *cpu);
/* Stop the machine with a message naming the vCPU, its pc and the reason, dump the registers,
 * exit status 1. For states Tandem cannot continue from (e.g. unimplemented instructions before
 * guest exceptions exist). */
G_NORETURN void cpu_fatal(CPUState *cpu, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Guest instructions the vCPU has executed since it was created (any thread). */
static inline uint64_t cpu_insn_count(CPUState *cpu)
{
    return __atomic_load_n(&cpu->insn_count, __ATOMIC_RELAXED);
}
/* The physical address space an access in mmu_idx resolves in. */
static inline struct AddressSpace *cpu_mmu_as(CPUState *cpu, int mmu_idx)
{
    return cpu->mmu_as[mmu_idx] ? cpu->mmu_as[mmu_idx] : cpu->as;
}
/* Ask the vCPU to leave generated code at the next TB entry and wake it if sleeping. */
void cpu_kick(CPUState *cpu);

#endif
