/*
 * mmu-walk.h — x86 linear-address translation (Intel SDM vol. 3A, chapter 4): paging off,
 * 32-bit paging (4 KiB, 4 MiB with CR4.PSE and PSE-36), PAE paging (PDPTE registers), 4-level
 * paging (4 KiB, 2 MiB, 1 GiB); reserved bits per level against MAXPHYADDR, NX, global pages,
 * the access-rights rules of SDM 4.6 (U/S, R/W, CR0.WP, SMEP, SMAP), A/D updates with a
 * compare-and-swap, and the #PF error code of SDM 4.7.
 *
 * Pure functions of their arguments: register values come in an X86WalkRegs, paging entries are
 * read and updated through X86WalkMemOps. No global state, no allocation; callable from any
 * thread (the softmmu calls it on the owner vCPU thread, other vCPUs may write the same
 * entries concurrently, hence the compare-and-swap). Not handled here: canonical-address
 * checks (#GP/#SS, the caller's segmentation stage), CR2, the A20 gate (apply it to the
 * physical addresses in the callbacks and the result), 5-level paging, protection keys.
 */
#ifndef TANDEM_TARGET_X86_MMU_WALK_H
#define TANDEM_TARGET_X86_MMU_WALK_H

#include <stdbool.h>
#include <stdint.h>

/* #PF error code bits (SDM 4.7, figure "Page-Fault Error Code"). */
#define PF_ERR_P (1u << 0)    /* 0: not present; 1: protection or reserved-bit violation */
#define PF_ERR_W (1u << 1)    /* the access was a write */
#define PF_ERR_U (1u << 2)    /* the access was a user-mode access */
#define PF_ERR_RSVD (1u << 3) /* a reserved bit was set in an entry used by the walk */
#define PF_ERR_I (1u << 4)    /* instruction fetch, when CR4.SMEP or (PAE paging and NXE) */

/* The registers and CPU model facts that define the translation. */
typedef struct X86WalkRegs {
    uint64_t cr0;        /* PG, WP used */
    uint64_t cr3;        /* table base (PCID / PWT / PCD bits ignored) */
    uint64_t cr4;        /* PSE, PAE, PGE, SMEP, SMAP used (PCIDE: the caller's TLB tagging) */
    uint64_t efer;       /* NXE, LMA used */
    uint64_t pdpte[4];   /* PAE paging: the PDPTE registers as loaded by x86_mmu_load_pdptes */
    unsigned maxphyaddr; /* CPUID 0x80000008 EAX[7:0]; 40 for qemu64 (as QEMU's TCG default) */
    bool page1gb;        /* CPUID 0x80000001 EDX[26] (Page1GB); off for qemu64 */
} X86WalkRegs;

/* Kinds match cpu-exec's ACCESS_LOAD / ACCESS_STORE / ACCESS_FETCH. */
typedef enum X86AccessKind {
    X86_ACCESS_READ = 0,
    X86_ACCESS_WRITE = 1,
    X86_ACCESS_FETCH = 2,
} X86AccessKind;

/* Who accesses (SDM 4.6: user-mode vs supervisor-mode accesses). */
typedef struct X86Access {
    X86AccessKind kind;
    bool user; /* CPL 3 (ignored when implicit) */
    /* Implicit supervisor-mode access (GDT/LDT/IDT/TSS, even at CPL 3): the same rights as a
     * supervisor access with EFLAGS.AC = 0, so the X86_MMU_KERNEL_SMAP TLB (X86_MMU_KERNEL
     * when CR4.SMAP = 0) can hold its translations. */
    bool implicit;
    bool ac; /* EFLAGS.AC: with CR4.SMAP, 1 lets explicit supervisor data accesses reach
              * user-mode addresses (SDM 4.6.1); ignored for implicit accesses */
} X86Access;

typedef struct X86WalkResult {
    uint64_t paddr;     /* physical address of vaddr (not page aligned) */
    unsigned page_bits; /* log2 of the mapping: 12, 21 (2 MiB), 22 (4 MiB), 30 (1 GiB) */
    /* PAGE_READ / PAGE_WRITE / PAGE_EXEC this access class may make without a new walk:
     * PAGE_WRITE is withheld while the leaf's D flag is 0, so that the first write walks again
     * and sets D (SDM 4.8). */
    int prot;
    bool global;       /* G = 1 in the leaf with CR4.PGE = 1 (or paging off) */
    uint8_t pat_index; /* PAT:PCD:PWT of the leaf (SDM 4.9.2), 0 with paging off */
    /* On a fault: */
    uint32_t error_code; /* PF_ERR_* */
} X86WalkResult;

/*
 * Physical memory for paging entries. size is 4 (32-bit paging) or 8; pa is size-aligned.
 * read returns the little-endian entry; where nothing is mapped it returns all ones (the PC's
 * floating bus; the walk then faults or finds reserved bits as hardware would).
 * cmpxchg atomically replaces `expected` by `desired` and returns true, or returns false when
 * the entry no longer holds `expected` (the walk then starts again). A location that cannot be
 * written (ROM, nothing mapped) must return true: the update is dropped, as on hardware.
 */
typedef struct X86WalkMemOps {
    uint64_t (*read)(void *opaque, uint64_t pa, unsigned size);
    bool (*cmpxchg)(void *opaque, uint64_t pa, unsigned size, uint64_t expected, uint64_t desired);
} X86WalkMemOps;

/*
 * Translates vaddr for access `acc`. On success fills *res (error_code 0), sets
 * the A flags of the entries used and, for a write, the D flag of the leaf, and returns true.
 * On a page fault returns false with res->error_code set; res->paddr etc. are undefined. A
 * faulting walk leaves the leaf's A and D flags alone; the A flags of the entries above the
 * faulting level are set as the walk goes through them (SDM 4.10.3.1 and the note in 6.15:
 * "If a page fault is caused by a page-level protection violation, the access flag in the
 * page-directory entry is set when the fault occurs"; for the leaf it is model specific).
 * Outside 4-level paging only bits 31:0 of vaddr are used.
 */
bool x86_mmu_walk(const X86WalkRegs *r, uint64_t vaddr, X86Access acc, X86WalkResult *res,
                  const X86WalkMemOps *mem, void *opaque);

/* The reserved bits of a PAE PDPTE register value (SDM 4.4.1, table "Format of a PAE
 * Page-Directory-Pointer-Table Entry"): bits 2:1, 8:5 and 63:MAXPHYADDR; 0 if P = 0. */
uint64_t x86_mmu_pdpte_reserved(uint64_t pdpte, unsigned maxphyaddr);

/*
 * Loads the four PAE PDPTEs from the 32-byte aligned table at CR3[31:5], as MOV to CR3 (or to
 * CR0/CR4 entering PAE paging) does outside IA-32e mode (SDM 4.4.1). Returns false when a
 * present PDPTE has a reserved bit set: the instruction then takes #GP(0) and pdpte[] must be
 * left unused (it is filled either way).
 */
bool x86_mmu_load_pdptes(uint64_t cr3, unsigned maxphyaddr, const X86WalkMemOps *mem, void *opaque,
                         uint64_t pdpte[4]);

/* The prot value tlb_fill returns for a successful walk: res->prot, plus PAGE_NONGLOBAL for a
 * non-global translation and PAGE_LG(page_bits) for a mapping larger than 4 KiB. */
int x86_mmu_tlb_prot(const X86WalkResult *res);

#endif
