/*
 * mmu-walk.c — x86 linear-address translation (Intel SDM vol. 3A, chapter 4); interface and
 * scope in mmu-walk.h.
 *
 * A pure function of its arguments: no global state, callable from any thread. One walk reads
 * the entries top-down (SDM 4.3, 4.4.2, 4.5.4). The first entry with P = 0 or a reserved bit
 * set ends it with a #PF (reserved bits are not checked when P = 0, SDM 4.7: "RSVD can be set
 * only if P is also set"); the access rights of SDM 4.6.1 are checked on the combination of
 * all levels once the leaf is found. A flags of non-leaf entries are set as the walk passes
 * them, the leaf's A (and D for a write) only once the access is known to be allowed; each
 * update is a compare-and-swap of the entry as read, and a failed swap restarts the walk from
 * the top, because another CPU changed a table this walk already used.
 *
 * Choices where the SDM leaves room: the leaf's A flag is not set on a faulting access (6.15
 * calls it model specific); MAXPHYADDR above 52 is treated as 52 (the entry formats stop there).
 */
#include "target-x86/mmu-walk.h"

#include "cpu-exec/cpu.h"
#include "target-x86/cpu.h"

/* ---- Paging-entry bits (SDM 4.3 tables 4-4..4-6, 4.4.2 tables 4-8..4-11, 4.5.4) ---- */
#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)    /* in a PDE/PDPTE: maps a page */
#define PTE_PAT4K (1ull << 7) /* in a PTE */
#define PTE_G (1ull << 8)
#define PTE_PAT_LARGE (1ull << 12) /* in a PDE/PDPTE that maps a page */
#define PTE_XD (1ull << 63)

/* Levels are numbered from the leaf: 1 = page table, 2 = page directory, 3 = PDPT,
 * 4 = PML4. */
typedef enum PagingMode { MODE_32BIT, MODE_PAE, MODE_4LEVEL } PagingMode;

typedef enum WalkStatus { WALK_OK, WALK_FAULT, WALK_RETRY } WalkStatus;

/* Bits hi:lo set (hi >= lo), or 0 when hi < lo. */
static uint64_t mmu_bits(unsigned hi, unsigned lo) {
    if (hi < lo) {
        return 0;
    }
    uint64_t top = hi >= 63 ? ~0ull : (2ull << hi) - 1;
    return top & ~((1ull << lo) - 1);
}

static unsigned mmu_maxphy(const X86WalkRegs *r) {
    return r->maxphyaddr > 52 ? 52 : r->maxphyaddr;
}

/* Physical-address field M-1:12 of a 64-bit entry. */
static uint64_t mmu_addr_mask(unsigned m) {
    return mmu_bits(m - 1, 12);
}

/*
 * The reserved bits of a present entry at `level` (SDM tables 4-4 and 4-8..4-11 for 32-bit and
 * PAE paging, 4-14..4-19 for 4-level paging).
 */
static uint64_t mmu_reserved(const X86WalkRegs *r, PagingMode mode, int level, uint64_t e) {
    unsigned m = mmu_maxphy(r);
    if (mode == MODE_32BIT) {
        /* A 4 MiB PDE: bits 20:13 are physical-address bits 39:32 (PSE-36), limited to
         * MAXPHYADDR; M is min(MAXPHYADDR, 40) and bits 21:(M-19) are reserved (table 4-4). */
        if (level == 2 && (r->cr4 & CR4_PSE) && (e & PTE_PS)) {
            unsigned m32 = m > 40 ? 40 : m;
            return mmu_bits(21, m32 - 19);
        }
        return 0; /* 32-bit paging has no other reserved bits */
    }
    /* PAE paging: bits 62:M reserved (tables 4-9..4-11); 4-level: 51:M, 62:52 ignored. */
    uint64_t rsvd = mmu_bits(mode == MODE_PAE ? 62 : 51, m);
    if (!(r->efer & EFER_NXE)) {
        rsvd |= PTE_XD; /* XD is reserved unless IA32_EFER.NXE = 1 */
    }
    switch (level) {
    case 4:
        rsvd |= PTE_PS; /* PML4E bit 7 is reserved (table 4-15) */
        break;
    case 3:
        if (e & PTE_PS) {
            /* A PDPTE mapping a 1 GiB page: bits 29:13 reserved (table 4-16); without
             * Page1GB support, PS = 1 itself is reserved (SDM 4.5.4 footnote). */
            rsvd |= r->page1gb ? mmu_bits(29, 13) : PTE_PS;
        }
        break;
    case 2:
        if (e & PTE_PS) {
            rsvd |= mmu_bits(20, 13); /* 2 MiB page: bits 20:13 (tables 4-10, 4-18) */
        }
        break;
    default: break;
    }
    return rsvd;
}

/* Does the present, valid entry at `level` map a page (rather than reference a table)? */
static bool mmu_is_leaf(const X86WalkRegs *r, PagingMode mode, int level, uint64_t e) {
    if (level == 1) {
        return true;
    }
    if (!(e & PTE_PS)) {
        return false;
    }
    if (mode == MODE_32BIT) {
        return level == 2 && (r->cr4 & CR4_PSE); /* PS is ignored when CR4.PSE = 0 */
    }
    return level <= 3; /* PS at level 4 was refused as reserved */
}

/* log2 of the region one entry at `level` covers. */
static unsigned mmu_level_shift(PagingMode mode, int level) {
    unsigned stride = mode == MODE_32BIT ? 10 : 9;
    return 12 + stride * (unsigned)(level - 1);
}

/* Address of the entry for vaddr in the table at `table`. */
static uint64_t mmu_entry_addr(PagingMode mode, int level, uint64_t table, uint64_t vaddr) {
    unsigned stride = mode == MODE_32BIT ? 10 : 9;
    unsigned size = mode == MODE_32BIT ? 4 : 8;
    uint64_t idx = (vaddr >> mmu_level_shift(mode, level)) & ((1ull << stride) - 1);
    return table + idx * size;
}

/* Physical base of the page a leaf maps. */
static uint64_t mmu_leaf_base(const X86WalkRegs *r, PagingMode mode, int level, uint64_t e) {
    unsigned m = mmu_maxphy(r);
    if (mode == MODE_32BIT) {
        if (level == 1) {
            return e & 0xfffff000u;
        }
        /* PSE-36: bits 31:22 from 31:22, bits 39:32 from 20:13 (SDM 4.3); the reserved-bit
         * check left only bits below MAXPHYADDR. */
        return (e & 0xffc00000u) | (((e >> 13) & 0xff) << 32);
    }
    return e & mmu_addr_mask(m) & ~mmu_bits(mmu_level_shift(mode, level) - 1, 0);
}

/* ---- Access rights (SDM 4.6.1) ---- */

/* What the paging structures say, combined over all levels used. */
typedef struct WalkPerms {
    bool rw; /* R/W = 1 in every entry */
    bool us; /* U/S = 1 in every entry: a user-mode address */
    bool xd; /* XD = 1 in some entry (only possible with NXE) */
} WalkPerms;

static bool mmu_is_user(X86Access acc) {
    return acc.user && !acc.implicit;
}

/* PAGE_* the access class may make to an address with these rights. */
static int mmu_prot(const X86WalkRegs *r, const WalkPerms *p, X86Access acc) {
    int prot = 0;
    if (mmu_is_user(acc)) {
        /* User-mode accesses: only user-mode addresses; writes need R/W = 1 everywhere
         * whatever CR0.WP; fetches need XD = 0 everywhere. */
        if (!p->us) {
            return 0;
        }
        prot = PAGE_READ;
        prot |= p->rw ? PAGE_WRITE : 0;
        prot |= p->xd ? 0 : PAGE_EXEC;
        return prot;
    }
    /* Supervisor-mode accesses. SMAP: data accesses to user-mode addresses fault when
     * CR4.SMAP = 1 and (EFLAGS.AC = 0 or the access is implicit). */
    bool smap = (r->cr4 & CR4_SMAP) && p->us && (acc.implicit || !acc.ac);
    if (!smap) {
        prot |= PAGE_READ;
        /* CR0.WP = 0: supervisor writes ignore R/W (to user- and supervisor-mode addresses). */
        prot |= (p->rw || !(r->cr0 & CR0_WP)) ? PAGE_WRITE : 0;
    }
    /* SMEP: no supervisor fetch from a user-mode address. */
    if (!p->xd && !((r->cr4 & CR4_SMEP) && p->us)) {
        prot |= PAGE_EXEC;
    }
    return prot;
}

static int mmu_kind_prot(X86AccessKind kind) {
    switch (kind) {
    case X86_ACCESS_WRITE: return PAGE_WRITE;
    case X86_ACCESS_FETCH: return PAGE_EXEC;
    default: return PAGE_READ;
    }
}

/* The error code for a fault of this access; `bits` is 0 (not present), P or P | RSVD. */
static WalkStatus mmu_fault(const X86WalkRegs *r, X86Access acc, uint32_t bits,
                            X86WalkResult *res) {
    uint32_t ec = bits;
    ec |= acc.kind == X86_ACCESS_WRITE ? PF_ERR_W : 0;
    ec |= mmu_is_user(acc) ? PF_ERR_U : 0;
    /* SDM 4.7: I/D is reported for fetches only with CR4.SMEP = 1, or with CR4.PAE = 1 (PAE
     * or 4-level paging) and IA32_EFER.NXE = 1. */
    if (acc.kind == X86_ACCESS_FETCH &&
        ((r->cr4 & CR4_SMEP) || ((r->cr4 & CR4_PAE) && (r->efer & EFER_NXE)))) {
        ec |= PF_ERR_I;
    }
    res->error_code = ec;
    return WALK_FAULT;
}

/* ---- The walk ---- */

static void mmu_accumulate(uint64_t e, WalkPerms *p) {
    p->rw = p->rw && (e & PTE_RW);
    p->us = p->us && (e & PTE_US);
    p->xd = p->xd || (e & PTE_XD);
}

/* One attempt; WALK_RETRY when a compare-and-swap lost against another writer. */
static WalkStatus mmu_walk_once(const X86WalkRegs *r, PagingMode mode, uint64_t vaddr,
                                X86Access acc, X86WalkResult *res, const X86WalkMemOps *mem,
                                void *opaque) {
    unsigned size = mode == MODE_32BIT ? 4 : 8;
    WalkPerms perms = {.rw = true, .us = true, .xd = false};
    uint64_t table;
    int level;

    switch (mode) {
    case MODE_32BIT:
        table = r->cr3 & 0xfffff000u;
        level = 2;
        break;
    case MODE_PAE: {
        /* The PDPTE registers loaded at MOV CR3 (SDM 4.4.1); they have no R/W, U/S, XD or A
         * flags, and their reserved bits were checked when they were loaded. */
        uint64_t pdpte = r->pdpte[(vaddr >> 30) & 3];
        if (!(pdpte & PTE_P)) {
            return mmu_fault(r, acc, 0, res);
        }
        table = pdpte & mmu_addr_mask(mmu_maxphy(r));
        level = 2;
        break;
    }
    default:
        table = r->cr3 & mmu_addr_mask(mmu_maxphy(r));
        level = 4;
        break;
    }

    for (;;) {
        uint64_t pa = mmu_entry_addr(mode, level, table, vaddr);
        uint64_t e = mem->read(opaque, pa, size);
        if (size == 4) {
            e &= 0xffffffffu;
        }
        if (!(e & PTE_P)) {
            return mmu_fault(r, acc, 0, res);
        }
        if (e & mmu_reserved(r, mode, level, e)) {
            return mmu_fault(r, acc, PF_ERR_P | PF_ERR_RSVD, res);
        }
        mmu_accumulate(e, &perms);

        if (!mmu_is_leaf(r, mode, level, e)) {
            /* SDM 4.8 / 4.10.3.1: an entry that references a table is "used" once the walk
             * goes through it; its A flag is set before the next level is read. */
            if (!(e & PTE_A) && !mem->cmpxchg(opaque, pa, size, e, e | PTE_A)) {
                return WALK_RETRY;
            }
            table = mode == MODE_32BIT ? e & 0xfffff000u : e & mmu_addr_mask(mmu_maxphy(r));
            level--;
            continue;
        }

        int prot = mmu_prot(r, &perms, acc);
        if (!(prot & mmu_kind_prot(acc.kind))) {
            return mmu_fault(r, acc, PF_ERR_P, res);
        }
        /* Allowed: set A, and D for a write, in the leaf (SDM 4.8). */
        uint64_t ne = e | PTE_A | (acc.kind == X86_ACCESS_WRITE ? PTE_D : 0);
        if (ne != e && !mem->cmpxchg(opaque, pa, size, e, ne)) {
            return WALK_RETRY;
        }
        if (!(ne & PTE_D)) {
            prot &= ~PAGE_WRITE; /* the first write must walk again to set D */
        }
        unsigned shift = mmu_level_shift(mode, level);
        uint64_t pat = level == 1 ? (e & PTE_PAT4K) : (e & PTE_PAT_LARGE);
        res->paddr = mmu_leaf_base(r, mode, level, e) | (vaddr & mmu_bits(shift - 1, 0));
        res->page_bits = shift;
        res->prot = prot;
        res->global = (e & PTE_G) && (r->cr4 & CR4_PGE);
        res->pat_index =
            (uint8_t)((pat ? 4 : 0) | ((e & PTE_PCD) ? 2 : 0) | ((e & PTE_PWT) ? 1 : 0));
        res->error_code = 0;
        return WALK_OK;
    }
}

bool x86_mmu_walk(const X86WalkRegs *r, uint64_t vaddr, X86Access acc, X86WalkResult *res,
                  const X86WalkMemOps *mem, void *opaque) {
    if (!(r->cr0 & CR0_PG)) {
        /* Paging off: linear = physical, 32 bits wide outside IA-32e mode (SDM 4.1.1). */
        *res = (X86WalkResult){
            .paddr = vaddr & 0xffffffffu,
            .page_bits = 12,
            .prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC,
            .global = true,
        };
        return true;
    }
    PagingMode mode;
    if (r->efer & EFER_LMA) {
        mode = MODE_4LEVEL; /* CR4.LA57 (5-level paging) is not supported */
    } else if (r->cr4 & CR4_PAE) {
        mode = MODE_PAE;
    } else {
        mode = MODE_32BIT;
    }
    if (mode != MODE_4LEVEL) {
        vaddr &= 0xffffffffu;
    }
    /* A retry happens only when another CPU changed an entry this walk read between the read
     * and the swap; each retry sees newer contents. */
    WalkStatus st;
    do {
        st = mmu_walk_once(r, mode, vaddr, acc, res, mem, opaque);
    } while (st == WALK_RETRY);
    return st == WALK_OK;
}

/* ---- PAE PDPTE registers (SDM 4.4.1) ---- */

uint64_t x86_mmu_pdpte_reserved(uint64_t pdpte, unsigned maxphyaddr) {
    if (!(pdpte & PTE_P)) {
        return 0; /* a non-present PDPTE is loaded as is and faults when used */
    }
    unsigned m = maxphyaddr > 52 ? 52 : maxphyaddr;
    uint64_t rsvd = mmu_bits(2, 1) | mmu_bits(8, 5) | mmu_bits(63, m);
    return pdpte & rsvd;
}

bool x86_mmu_load_pdptes(uint64_t cr3, unsigned maxphyaddr, const X86WalkMemOps *mem, void *opaque,
                         uint64_t pdpte[4]) {
    uint64_t base = cr3 & 0xffffffe0u; /* CR3[31:5] with PAE paging (table 4-7) */
    bool ok = true;
    for (int i = 0; i < 4; i++) {
        pdpte[i] = mem->read(opaque, base + 8 * (uint64_t)i, 8);
        if (x86_mmu_pdpte_reserved(pdpte[i], maxphyaddr)) {
            ok = false;
        }
    }
    return ok;
}

int x86_mmu_tlb_prot(const X86WalkResult *res) {
    int prot = res->prot;
    if (!res->global) {
        prot |= PAGE_NONGLOBAL;
    }
    if (res->page_bits > TARGET_PAGE_BITS) {
        prot |= PAGE_LG(res->page_bits);
    }
    return prot;
}
