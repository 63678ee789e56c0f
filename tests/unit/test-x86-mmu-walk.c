/*
 * test-x86-mmu-walk.c — the x86 page-table walker (target-x86/mmu-walk.c) against a fake
 * physical memory: paging off, 32-bit paging (4K, 4M, PSE-36), PAE (PDPTE registers and their
 * load-time check), 4-level paging (4K, 2M, 1G), every #PF error-code class, reserved bits per
 * level, U/S and R/W across levels with CR0.WP, NX, SMEP, SMAP, global pages, PAT bits, the
 * A/D updates and the compare-and-swap retry. Single-threaded; the "other CPU" of the retry
 * test is a hook inside the fake cmpxchg.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "cpu-exec/cpu.h"
#include "target-x86/cpu.h"
#include "target-x86/mmu-walk.h"

/* ---- Fake physical memory: RAM at [0, RAM_SIZE); nothing (all ones) above ---- */
#define RAM_SIZE (4u << 20)
static uint8_t ram[RAM_SIZE];
static uint64_t next_table;
static int cas_calls;
/* When set, the next cmpxchg of the entry at cas_hook_pa first stores cas_hook_value there,
 * as another CPU writing the entry between the walker's read and its swap would. */
static bool cas_hook_armed;
static uint64_t cas_hook_pa, cas_hook_value;
static unsigned cas_hook_size;

static uint64_t get(uint64_t pa, unsigned size) {
    uint64_t v = 0;
    memcpy(&v, &ram[pa], size);
    return v;
}
static void put(uint64_t pa, unsigned size, uint64_t v) {
    memcpy(&ram[pa], &v, size);
}
static uint64_t get64(uint64_t pa) {
    return get(pa, 8);
}
static void put64(uint64_t pa, uint64_t v) {
    put(pa, 8, v);
}
static uint64_t get32(uint64_t pa) {
    return get(pa, 4);
}
static void put32(uint64_t pa, uint64_t v) {
    put(pa, 4, v);
}

static uint64_t fake_read(void *opaque, uint64_t pa, unsigned size) {
    (void)opaque;
    cr_assert(size == 4 || size == 8);
    cr_assert_eq(pa & (size - 1), 0);
    if (pa + size > RAM_SIZE) {
        return size == 8 ? ~0ull : 0xffffffffu;
    }
    return get(pa, size);
}

static bool fake_cmpxchg(void *opaque, uint64_t pa, unsigned size, uint64_t expected,
                         uint64_t desired) {
    (void)opaque;
    cas_calls++;
    if (cas_hook_armed && pa == cas_hook_pa) {
        cas_hook_armed = false;
        put(cas_hook_pa, cas_hook_size, cas_hook_value);
    }
    if (pa + size > RAM_SIZE) {
        return true; /* nothing there: the update is dropped */
    }
    if (get(pa, size) != expected) {
        return false;
    }
    put(pa, size, desired);
    return true;
}

static const X86WalkMemOps mem = {fake_read, fake_cmpxchg};

static uint64_t alloc_table(void) {
    uint64_t t = next_table;
    next_table += 0x1000;
    cr_assert(next_table <= RAM_SIZE);
    return t;
}

static void setup(void) {
    memset(ram, 0, sizeof(ram));
    next_table = 0x10000;
    cas_calls = 0;
    cas_hook_armed = false;
}

TestSuite(x86_mmu_walk, .init = setup);

/* ---- Entry bits (SDM 4.3-4.5) ---- */
#define P (1ull << 0)
#define RW (1ull << 1)
#define US (1ull << 2)
#define PWT (1ull << 3)
#define PCD (1ull << 4)
#define A (1ull << 5)
#define D (1ull << 6)
#define PS (1ull << 7)
#define PAT4K (1ull << 7)
#define G (1ull << 8)
#define PATL (1ull << 12)
#define XD (1ull << 63)
#define UP (P | RW | US) /* non-leaf entries: everything allowed */

static const X86Access RD_S = {X86_ACCESS_READ, false, false, false};
static const X86Access WR_S = {X86_ACCESS_WRITE, false, false, false};
static const X86Access EX_S = {X86_ACCESS_FETCH, false, false, false};
static const X86Access RD_U = {X86_ACCESS_READ, true, false, false};
static const X86Access WR_U = {X86_ACCESS_WRITE, true, false, false};
static const X86Access EX_U = {X86_ACCESS_FETCH, true, false, false};

/* ---- Table builders: each returns the address of the entry at `level` for va, creating the
 * tables above it with flags `up` ---- */

static X86WalkRegs regs_4level(void) {
    X86WalkRegs r = {
        .cr0 = CR0_PE | CR0_PG | CR0_WP,
        .cr4 = CR4_PAE,
        .efer = EFER_LME | EFER_LMA | EFER_NXE,
        .maxphyaddr = 40,
        .page1gb = true,
    };
    r.cr3 = alloc_table();
    return r;
}

static uint64_t slot64(uint64_t table, int top, uint64_t va, int level, uint64_t up) {
    for (int l = top; l > level; l--) {
        uint64_t pa = table + ((va >> (12 + 9 * (l - 1))) & 511) * 8;
        uint64_t e = get64(pa);
        if (!(e & P)) {
            e = alloc_table() | up;
            put64(pa, e);
        }
        table = e & 0x000ffffffffff000ull;
    }
    return table + ((va >> (12 + 9 * (level - 1))) & 511) * 8;
}

static uint64_t slot4(const X86WalkRegs *r, uint64_t va, int level) {
    return slot64(r->cr3 & ~0xfffull, 4, va, level, UP);
}

static X86WalkRegs regs_32bit(void) {
    X86WalkRegs r = {
        .cr0 = CR0_PE | CR0_PG | CR0_WP,
        .cr4 = CR4_PSE,
        .maxphyaddr = 40,
    };
    r.cr3 = alloc_table();
    return r;
}

static uint64_t slot32(const X86WalkRegs *r, uint64_t va, int level) {
    uint64_t pde = (r->cr3 & 0xfffff000u) + ((va >> 22) & 1023) * 4;
    if (level == 2) {
        return pde;
    }
    uint64_t e = get32(pde);
    if (!(e & P)) {
        e = alloc_table() | UP;
        put32(pde, e);
    }
    return (e & 0xfffff000u) + ((va >> 12) & 1023) * 4;
}

/* PAE: the PDPT at 0x1000 (32-byte aligned CR3), PDPTE registers loaded from it. */
static X86WalkRegs regs_pae(void) {
    X86WalkRegs r = {
        .cr0 = CR0_PE | CR0_PG | CR0_WP,
        .cr3 = 0x1020,
        .cr4 = CR4_PAE,
        .efer = EFER_NXE,
        .maxphyaddr = 36,
    };
    for (int i = 0; i < 4; i++) {
        put64(0x1020 + 8 * i, alloc_table() | P);
    }
    cr_assert(x86_mmu_load_pdptes(r.cr3, r.maxphyaddr, &mem, NULL, r.pdpte));
    return r;
}

static uint64_t slotpae(const X86WalkRegs *r, uint64_t va, int level) {
    return slot64(r->pdpte[(va >> 30) & 3] & 0xffffff000ull, 2, va, level, UP);
}

static bool walk(const X86WalkRegs *r, uint64_t va, X86Access acc, X86WalkResult *res) {
    memset(res, 0xa5, sizeof(*res));
    return x86_mmu_walk(r, va, acc, res, &mem, NULL);
}

/* Walks expecting a #PF with error code ec. */
static void expect_pf(const X86WalkRegs *r, uint64_t va, X86Access acc, uint32_t ec) {
    X86WalkResult res;
    cr_assert_not(walk(r, va, acc, &res), "va %#llx should fault", (unsigned long long)va);
    cr_assert_eq(res.error_code, ec, "va %#llx: error code %#x, expected %#x",
                 (unsigned long long)va, res.error_code, ec);
}

static X86WalkResult expect_ok(const X86WalkRegs *r, uint64_t va, X86Access acc) {
    X86WalkResult res;
    cr_assert(walk(r, va, acc, &res), "va %#llx faulted with %#x", (unsigned long long)va,
              res.error_code);
    return res;
}

/* ---- Paging off ---- */

Test(x86_mmu_walk, paging_off_is_identity) {
    X86WalkRegs r = {.cr0 = CR0_PE, .maxphyaddr = 40};
    X86WalkResult res = expect_ok(&r, 0x12345678, WR_U);
    cr_assert_eq(res.paddr, 0x12345678);
    cr_assert_eq(res.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    cr_assert(res.global);
    cr_assert_eq(res.page_bits, 12);
    /* Linear addresses are 32 bits wide without paging. */
    res = expect_ok(&r, 0x100000010ull, RD_S);
    cr_assert_eq(res.paddr, 0x10);
    cr_assert_eq(x86_mmu_tlb_prot(&res), PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    cr_assert_eq(cas_calls, 0);
}

/* ---- 32-bit paging ---- */

Test(x86_mmu_walk, bit32_4k_page_and_ad_bits) {
    X86WalkRegs r = regs_32bit();
    uint64_t va = 0x80403123;
    uint64_t pte = slot32(&r, va, 1);
    put32(pte, 0x00345000 | P | RW | US);
    X86WalkResult res = expect_ok(&r, va, RD_U);
    cr_assert_eq(res.paddr, 0x00345123);
    cr_assert_eq(res.page_bits, 12);
    /* D = 0: writes are withheld so that the first write walks again. */
    cr_assert_eq(res.prot, PAGE_READ | PAGE_EXEC);
    cr_assert_eq(get32(slot32(&r, va, 2)) & (A | D), A);
    cr_assert_eq(get32(pte) & (A | D), A);
    res = expect_ok(&r, va, WR_U);
    cr_assert_eq(res.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    cr_assert_eq(get32(pte) & (A | D), A | D);
    /* The PDE references a table: it never gets D. */
    cr_assert_eq(get32(slot32(&r, va, 2)) & D, 0);
}

Test(x86_mmu_walk, bit32_4m_page_needs_cr4_pse) {
    X86WalkRegs r = regs_32bit();
    uint64_t va = 0xc0123456;
    uint64_t pde = slot32(&r, va, 2);
    put32(pde, 0x01c00000 | P | RW | PS | D);
    X86WalkResult res = expect_ok(&r, va, WR_S);
    cr_assert_eq(res.paddr, 0x01d23456);
    cr_assert_eq(res.page_bits, 22);
    cr_assert_eq(x86_mmu_tlb_prot(&res) & ~7, PAGE_NONGLOBAL | PAGE_LG(22));
    /* CR4.PSE = 0: PS is ignored and the PDE references a page table at 0x01c00000 (outside
     * the fake RAM: all-ones PTE, present, so a 4K page at 0xfffff000). */
    r.cr4 = 0;
    res = expect_ok(&r, va, RD_S);
    cr_assert_eq(res.page_bits, 12);
    cr_assert_eq(res.paddr, 0xfffff456);
}

Test(x86_mmu_walk, bit32_pse36_high_address_bits) {
    X86WalkRegs r = regs_32bit();
    uint64_t va = 0x00400000 + 0x1234;
    uint64_t pde = slot32(&r, va, 2);
    /* SDM 4.3 / table 4-4: PDE bits 20:13 are physical-address bits 39:32. */
    put32(pde, 0x00800000 | (0xabull << 13) | P | PS);
    X86WalkResult res = expect_ok(&r, va, RD_S);
    cr_assert_eq(res.paddr, 0xab00801234ull);
    /* Bit 21 is reserved with MAXPHYADDR >= 40 (bits 21:(M-19), M = min(MAXPHYADDR, 40)). */
    put32(pde, 0x00800000 | (1ull << 21) | P | PS);
    expect_pf(&r, va, RD_S, PF_ERR_P | PF_ERR_RSVD);
    /* MAXPHYADDR 36: bits 21:17 reserved, 16:13 give address bits 35:32. */
    r.maxphyaddr = 36;
    put32(pde, 0x00800000 | (0xfull << 13) | P | PS);
    res = expect_ok(&r, va, RD_S);
    cr_assert_eq(res.paddr, 0xf00801234ull);
    put32(pde, 0x00800000 | (1ull << 17) | P | PS);
    expect_pf(&r, va, WR_U, PF_ERR_P | PF_ERR_RSVD | PF_ERR_W | PF_ERR_U);
    /* With a 52-bit MAXPHYADDR, M is still 40 for 32-bit paging: bit 21 stays reserved. */
    r.maxphyaddr = 52;
    put32(pde, 0x00800000 | (1ull << 21) | P | PS);
    expect_pf(&r, va, RD_S, PF_ERR_P | PF_ERR_RSVD);
    /* A 4K PTE has no reserved bits in 32-bit paging. */
    uint64_t va2 = 0x00c00000;
    put32(slot32(&r, va2, 1), 0xfffff000u | 0xfff);
    expect_ok(&r, va2, RD_S);
}

Test(x86_mmu_walk, bit32_not_present_and_id_flag) {
    X86WalkRegs r = regs_32bit();
    uint64_t va = 0x00001000;
    expect_pf(&r, va, RD_S, 0);
    expect_pf(&r, va, WR_U, PF_ERR_W | PF_ERR_U);
    /* 32-bit paging: I/D only with SMEP (NXE has no effect, SDM 4.7). */
    r.efer = EFER_NXE;
    expect_pf(&r, va, EX_U, PF_ERR_U);
    r.cr4 |= CR4_SMEP;
    expect_pf(&r, va, EX_U, PF_ERR_U | PF_ERR_I);
    /* PTE level not present. */
    slot32(&r, va, 1);
    expect_pf(&r, va, EX_S, PF_ERR_I);
    cr_assert_eq(get32(slot32(&r, va, 2)) & A, A);
}

/* ---- PAE paging ---- */

Test(x86_mmu_walk, pae_4k_and_2m) {
    X86WalkRegs r = regs_pae();
    uint64_t va = 0xc0201abc;
    put64(slotpae(&r, va, 1), 0xf12345000ull | P | RW | G);
    X86WalkResult res = expect_ok(&r, va, WR_S);
    cr_assert_eq(res.paddr, 0xf12345abcull);
    cr_assert_eq(res.page_bits, 12);
    cr_assert_not(res.global); /* CR4.PGE = 0 */
    cr_assert_eq(get64(slotpae(&r, va, 2)) & (A | D), A);
    cr_assert_eq(get64(slotpae(&r, va, 1)) & (A | D), A | D);
    /* The PDPTEs (registers, no A flag) are not written. */
    cr_assert_eq(get64(0x1020 + 8 * 3), r.pdpte[3]);

    uint64_t va2 = 0x40654321;
    put64(slotpae(&r, va2, 2), 0x7fe00000ull | P | PS | G);
    r.cr4 |= CR4_PGE;
    res = expect_ok(&r, va2, RD_S);
    cr_assert_eq(res.paddr, 0x7fe54321ull);
    cr_assert_eq(res.page_bits, 21);
    cr_assert(res.global);
    cr_assert_eq(x86_mmu_tlb_prot(&res), PAGE_READ | PAGE_EXEC | PAGE_LG(21));
}

Test(x86_mmu_walk, pae_pdpte_not_present) {
    X86WalkRegs r = regs_pae();
    r.pdpte[2] = 0xdeadbeef0ull; /* P = 0: the rest is ignored */
    expect_pf(&r, 0x80000000, RD_S, 0);
    expect_pf(&r, 0x80000000, EX_U, PF_ERR_U | PF_ERR_I);
}

Test(x86_mmu_walk, pae_reserved_bits) {
    X86WalkRegs r = regs_pae(); /* MAXPHYADDR 36, NXE */
    uint64_t va = 0x00402000;
    uint64_t pde = slotpae(&r, va, 2), pte = slotpae(&r, va, 1);
    put64(pte, 0x123000 | P | RW);
    expect_ok(&r, va, RD_S);
    /* PAE: bits 62:M reserved (unlike 4-level paging, where 62:52 are ignored). */
    put64(pte, 0x123000 | P | (1ull << 62));
    expect_pf(&r, va, RD_S, PF_ERR_P | PF_ERR_RSVD);
    put64(pte, 0x123000 | P | (1ull << 36));
    expect_pf(&r, va, WR_S, PF_ERR_P | PF_ERR_RSVD | PF_ERR_W);
    put64(pte, 0x123000 | P | (1ull << 35));
    expect_ok(&r, va, RD_S);
    /* XD without NXE is reserved, at the PDE and at the PTE. */
    put64(pte, 0x123000 | P | XD);
    r.efer = 0;
    expect_pf(&r, va, RD_S, PF_ERR_P | PF_ERR_RSVD);
    put64(pte, 0x123000 | P);
    put64(pde, get64(pde) | XD);
    expect_pf(&r, va, EX_S, PF_ERR_P | PF_ERR_RSVD); /* no I/D: NXE = 0 and no SMEP */
    /* With NXE it is the execute-disable flag. */
    r.efer = EFER_NXE;
    expect_ok(&r, va, RD_S);
    expect_pf(&r, va, EX_S, PF_ERR_P | PF_ERR_I);
    /* 2 MiB PDE: bits 20:13 reserved. */
    uint64_t va2 = 0x00800000;
    put64(slotpae(&r, va2, 2), 0x00a00000 | P | PS | (1ull << 13));
    expect_pf(&r, va2, RD_S, PF_ERR_P | PF_ERR_RSVD);
    put64(slotpae(&r, va2, 2), 0x00a00000 | P | PS | (1ull << 12)); /* PAT: not reserved */
    X86WalkResult res = expect_ok(&r, va2, RD_S);
    cr_assert_eq(res.pat_index, 4);
    cr_assert_eq(res.paddr, 0x00a00000);
}

Test(x86_mmu_walk, pae_pdpte_load_checks) {
    /* SDM 4.4.1 / table 4-8: reserved bits 2:1, 8:5, 63:M of a present PDPTE give #GP at the
     * load; PWT/PCD (4:3) and the ignored 11:9 are fine. */
    cr_assert_eq(x86_mmu_pdpte_reserved(0x1000 | P | PWT | PCD | (7ull << 9), 36), 0);
    cr_assert_eq(x86_mmu_pdpte_reserved(0x1000 | P | RW, 36), RW);
    cr_assert_eq(x86_mmu_pdpte_reserved(0x1000 | P | US, 36), US);
    cr_assert_eq(x86_mmu_pdpte_reserved(0x1000 | P | A, 36), A);
    cr_assert_eq(x86_mmu_pdpte_reserved(0x1000 | P | G, 36), G);
    cr_assert_eq(x86_mmu_pdpte_reserved(0x1000 | P | XD, 36), XD);
    cr_assert_eq(x86_mmu_pdpte_reserved(0x1000 | P | (1ull << 36), 36), 1ull << 36);
    cr_assert_eq(x86_mmu_pdpte_reserved(0x1000 | P | (1ull << 36), 40), 0);
    cr_assert_eq(x86_mmu_pdpte_reserved(~0ull & ~P, 36), 0); /* not present: not checked */

    uint64_t pdpte[4];
    put64(0x2000, 0x3000 | P);
    put64(0x2008, 0);
    put64(0x2010, 0x4000 | P | PCD);
    put64(0x2018, 0xffffffffffffffeull); /* not present */
    cr_assert(x86_mmu_load_pdptes(0x2000 | PWT | PCD, 36, &mem, NULL, pdpte));
    cr_assert_eq(pdpte[0], 0x3000 | P);
    cr_assert_eq(pdpte[2], 0x4000 | P | PCD);
    put64(0x2008, 0x5000 | P | RW);
    cr_assert_not(x86_mmu_load_pdptes(0x2000, 36, &mem, NULL, pdpte));
    /* A PDPT outside RAM reads as all ones: present with reserved bits. */
    cr_assert_not(x86_mmu_load_pdptes(0xffffffe0u, 36, &mem, NULL, pdpte));
}

/* ---- 4-level paging ---- */

Test(x86_mmu_walk, level4_page_sizes) {
    X86WalkRegs r = regs_4level();
    uint64_t va = 0xffff8000deadbeefull;
    put64(slot4(&r, va, 1), 0xabcdef000ull | P | RW);
    X86WalkResult res = expect_ok(&r, va, WR_S);
    cr_assert_eq(res.paddr, 0xabcdefeefull);
    cr_assert_eq(res.page_bits, 12);
    for (int l = 4; l >= 2; l--) {
        cr_assert_eq(get64(slot4(&r, va, l)) & (A | D), A, "level %d", l);
    }
    cr_assert_eq(get64(slot4(&r, va, 1)) & (A | D), A | D);

    uint64_t va2 = 0x00007f0012345678ull;
    put64(slot4(&r, va2, 2), 0x8000200000ull | P | PS | US | D);
    res = expect_ok(&r, va2, RD_U);
    cr_assert_eq(res.paddr, 0x8000345678ull);
    cr_assert_eq(res.page_bits, 21);
    cr_assert_eq(res.prot, PAGE_READ | PAGE_EXEC);

    uint64_t va3 = 0x0000004087654321ull;
    put64(slot4(&r, va3, 3), 0x40000000ull | P | PS | RW | US | D);
    res = expect_ok(&r, va3, WR_U);
    cr_assert_eq(res.paddr, 0x47654321ull);
    cr_assert_eq(res.page_bits, 30);
    cr_assert_eq(res.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    cr_assert_eq(x86_mmu_tlb_prot(&res),
                 PAGE_READ | PAGE_WRITE | PAGE_EXEC | PAGE_NONGLOBAL | PAGE_LG(30));
}

Test(x86_mmu_walk, level4_reserved_bits_per_level) {
    X86WalkRegs r = regs_4level(); /* MAXPHYADDR 40 */
    uint64_t va = 0x0000123456789000ull;
    uint64_t pml4e = slot4(&r, va, 4), pdpte = slot4(&r, va, 3), pde = slot4(&r, va, 2);
    uint64_t pte = slot4(&r, va, 1);
    put64(pte, 0x1000 | P);
    expect_ok(&r, va, RD_S);
    const uint32_t rsvd = PF_ERR_P | PF_ERR_RSVD;
    uint64_t e;

    /* PS in a PML4E is reserved (table 4-15). */
    e = get64(pml4e);
    put64(pml4e, e | PS);
    expect_pf(&r, va, RD_S, rsvd);
    /* Bits 51:M reserved, 62:52 ignored, at every level. */
    put64(pml4e, e | (1ull << 40));
    expect_pf(&r, va, RD_S, rsvd);
    put64(pml4e, e | (1ull << 51));
    expect_pf(&r, va, RD_S, rsvd);
    put64(pml4e, e | (0x7ffull << 52));
    expect_ok(&r, va, RD_S);
    put64(pml4e, e);
    put64(pte, 0x1000 | P | (1ull << 45));
    expect_pf(&r, va, EX_U, rsvd | PF_ERR_U | PF_ERR_I);
    put64(pte, 0x1000 | P | (1ull << 39));
    expect_ok(&r, va, RD_S);
    r.maxphyaddr = 39;
    expect_pf(&r, va, RD_S, rsvd);
    r.maxphyaddr = 40;
    put64(pte, 0x1000 | P);

    /* XD is reserved without NXE, at each level. */
    r.efer &= ~(uint64_t)EFER_NXE;
    uint64_t slots[4] = {pml4e, pdpte, pde, pte};
    for (int i = 0; i < 4; i++) {
        e = get64(slots[i]);
        put64(slots[i], e | XD);
        expect_pf(&r, va, RD_S, rsvd);
        put64(slots[i], e);
    }
    expect_ok(&r, va, RD_S);

    /* 1 GiB: bits 29:13 reserved; PS itself reserved without Page1GB. */
    uint64_t va1g = 0x0000008040000000ull;
    uint64_t s = slot4(&r, va1g, 3);
    put64(s, 0x40000000ull | P | PS | (1ull << 13));
    expect_pf(&r, va1g, RD_S, rsvd);
    put64(s, 0x40000000ull | P | PS | PATL);
    X86WalkResult res = expect_ok(&r, va1g, RD_S);
    cr_assert_eq(res.pat_index, 4);
    r.page1gb = false;
    expect_pf(&r, va1g, RD_S, rsvd);
    /* 2 MiB: bits 20:13 reserved. */
    uint64_t va2m = 0x0000010000200000ull;
    s = slot4(&r, va2m, 2);
    put64(s, 0x600000 | P | PS | (1ull << 20));
    expect_pf(&r, va2m, WR_S, rsvd | PF_ERR_W);
    put64(s, 0x600000 | P | PS | RW);
    expect_ok(&r, va2m, WR_S);
}

Test(x86_mmu_walk, level4_not_present_each_level) {
    X86WalkRegs r = regs_4level();
    uint64_t va = 0x0000555555554000ull;
    /* Create every level, then clear P from the bottom up. */
    put64(slot4(&r, va, 1), 0x2000 | P);
    for (int l = 1; l <= 4; l++) {
        uint64_t s = slot4(&r, va, l);
        put64(s, get64(s) & ~P);
        expect_pf(&r, va, RD_S, 0);
        expect_pf(&r, va, WR_U, PF_ERR_W | PF_ERR_U);
        expect_pf(&r, va, EX_S, PF_ERR_I); /* PAE-style paging with NXE */
        put64(s, get64(s) | P);
    }
    /* Reserved bits are not checked when P = 0 (SDM 4.7). */
    put64(slot4(&r, va, 1), 0xfff0000000000ffeull);
    expect_pf(&r, va, RD_S, 0);
    /* Without NXE nor SMEP, a fetch has no I/D. */
    r.efer &= ~(uint64_t)EFER_NXE;
    expect_pf(&r, va, EX_U, PF_ERR_U);
}

/* ---- Access rights (SDM 4.6.1) ---- */

Test(x86_mmu_walk, user_supervisor_across_levels) {
    X86WalkRegs r = regs_4level();
    uint64_t va = 0x0000400000001000ull;
    put64(slot4(&r, va, 1), 0x3000 | P | RW | US | D);
    X86WalkResult res = expect_ok(&r, va, WR_U);
    cr_assert_eq(res.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    for (int l = 1; l <= 4; l++) {
        uint64_t s = slot4(&r, va, l);
        put64(s, get64(s) & ~US);
        /* U/S = 0 at any level: a supervisor-mode address. */
        expect_pf(&r, va, RD_U, PF_ERR_P | PF_ERR_U);
        expect_pf(&r, va, WR_U, PF_ERR_P | PF_ERR_W | PF_ERR_U);
        expect_pf(&r, va, EX_U, PF_ERR_P | PF_ERR_U | PF_ERR_I);
        res = expect_ok(&r, va, WR_S);
        cr_assert_eq(res.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
        put64(s, get64(s) | US);
    }
    /* An implicit supervisor access at CPL 3 (e.g. a GDT read) may use a supervisor page, and
     * a fault it takes has U/S = 0 in the error code. */
    uint64_t s = slot4(&r, va, 2);
    put64(s, get64(s) & ~US);
    X86Access implicit = {X86_ACCESS_READ, true, true, false};
    expect_ok(&r, va, implicit);
    put64(s, get64(s) & ~P);
    expect_pf(&r, va, implicit, 0);
    X86Access implicit_wr = {X86_ACCESS_WRITE, true, true, false};
    expect_pf(&r, va, implicit_wr, PF_ERR_W);
}

Test(x86_mmu_walk, read_write_and_cr0_wp) {
    X86WalkRegs r = regs_4level();
    uint64_t va = 0x0000000000401000ull;
    put64(slot4(&r, va, 1), 0x3000 | P | RW | US | D);
    for (int l = 1; l <= 4; l++) {
        uint64_t s = slot4(&r, va, l);
        put64(s, get64(s) & ~RW);
        /* User writes need R/W = 1 everywhere, whatever CR0.WP. */
        r.cr0 &= ~(uint64_t)CR0_WP;
        expect_pf(&r, va, WR_U, PF_ERR_P | PF_ERR_W | PF_ERR_U);
        X86WalkResult res = expect_ok(&r, va, RD_U);
        cr_assert_eq(res.prot, PAGE_READ | PAGE_EXEC);
        /* Supervisor writes: any page with WP = 0 (user-mode address too, SMAP off)... */
        res = expect_ok(&r, va, WR_S);
        cr_assert_eq(res.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
        /* ... R/W = 1 everywhere with WP = 1. */
        r.cr0 |= CR0_WP;
        expect_pf(&r, va, WR_S, PF_ERR_P | PF_ERR_W);
        res = expect_ok(&r, va, RD_S);
        cr_assert_eq(res.prot, PAGE_READ | PAGE_EXEC);
        put64(s, get64(s) | RW);
    }
}

Test(x86_mmu_walk, nx_across_levels) {
    X86WalkRegs r = regs_4level();
    uint64_t va = 0x0000000000801000ull;
    put64(slot4(&r, va, 1), 0x3000 | P | RW | US | D);
    for (int l = 1; l <= 4; l++) {
        uint64_t s = slot4(&r, va, l);
        put64(s, get64(s) | XD);
        expect_pf(&r, va, EX_U, PF_ERR_P | PF_ERR_U | PF_ERR_I);
        expect_pf(&r, va, EX_S, PF_ERR_P | PF_ERR_I);
        X86WalkResult res = expect_ok(&r, va, WR_U);
        cr_assert_eq(res.prot, PAGE_READ | PAGE_WRITE);
        put64(s, get64(s) & ~XD);
    }
}

Test(x86_mmu_walk, smep) {
    X86WalkRegs r = regs_4level();
    r.cr4 |= CR4_SMEP;
    r.efer &= ~(uint64_t)EFER_NXE;
    uint64_t user_va = 0x0000000000401000ull, sup_va = 0x0000000000601000ull;
    put64(slot4(&r, user_va, 1), 0x3000 | P | RW | US | D);
    put64(slot4(&r, sup_va, 1), 0x4000 | P | RW | D);
    uint64_t s = slot4(&r, sup_va, 2);
    put64(s, get64(s) & ~US); /* only the PDE makes it supervisor */
    /* Supervisor fetch from a user-mode address: P | I (I/D with SMEP even without NXE). */
    expect_pf(&r, user_va, EX_S, PF_ERR_P | PF_ERR_I);
    X86WalkResult res = expect_ok(&r, user_va, RD_S);
    cr_assert_eq(res.prot, PAGE_READ | PAGE_WRITE);
    res = expect_ok(&r, user_va, EX_U);
    cr_assert_eq(res.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    res = expect_ok(&r, sup_va, EX_S);
    cr_assert_eq(res.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    r.cr4 &= ~(uint64_t)CR4_SMEP;
    expect_ok(&r, user_va, EX_S);
}

Test(x86_mmu_walk, smap) {
    X86WalkRegs r = regs_4level();
    r.cr4 |= CR4_SMAP;
    uint64_t va = 0x0000000000401000ull;
    uint64_t pte = slot4(&r, va, 1);
    put64(pte, 0x3000 | P | US | D); /* read-only user page */
    X86Access rd_ac = {X86_ACCESS_READ, false, false, true};
    X86Access wr_ac = {X86_ACCESS_WRITE, false, false, true};
    X86Access implicit_ac = {X86_ACCESS_READ, false, true, true};
    /* EFLAGS.AC = 0: no supervisor data access to a user-mode address. */
    expect_pf(&r, va, RD_S, PF_ERR_P);
    expect_pf(&r, va, WR_S, PF_ERR_P | PF_ERR_W);
    X86WalkResult res = expect_ok(&r, va, EX_S); /* fetches: SMEP's business */
    cr_assert_eq(res.prot, PAGE_EXEC);
    /* AC = 1 lifts it for explicit accesses; WP still applies to the write. */
    res = expect_ok(&r, va, rd_ac);
    cr_assert_eq(res.prot, PAGE_READ | PAGE_EXEC);
    expect_pf(&r, va, wr_ac, PF_ERR_P | PF_ERR_W);
    r.cr0 &= ~(uint64_t)CR0_WP;
    res = expect_ok(&r, va, wr_ac);
    cr_assert_eq(res.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    /* Implicit supervisor accesses are always subject to SMAP (at any CPL). */
    expect_pf(&r, va, implicit_ac, PF_ERR_P);
    X86Access implicit_cpl3 = {X86_ACCESS_READ, true, true, true};
    expect_pf(&r, va, implicit_cpl3, PF_ERR_P);
    /* User accesses are not affected. */
    expect_ok(&r, va, RD_U);
    /* Supervisor-mode addresses are not affected. */
    put64(pte, 0x3000 | P | D);
    res = expect_ok(&r, va, WR_S);
    cr_assert_eq(res.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    expect_ok(&r, va, implicit_ac);
}

Test(x86_mmu_walk, global_and_pat) {
    X86WalkRegs r = regs_4level();
    uint64_t va = 0xffffffff80001000ull;
    uint64_t pte = slot4(&r, va, 1);
    put64(pte, 0x5000 | P | G | PAT4K | PCD);
    X86WalkResult res = expect_ok(&r, va, RD_S);
    cr_assert_not(res.global); /* G needs CR4.PGE */
    cr_assert_eq(res.pat_index, 6);
    r.cr4 |= CR4_PGE;
    res = expect_ok(&r, va, RD_S);
    cr_assert(res.global);
    cr_assert_eq(x86_mmu_tlb_prot(&res), PAGE_READ | PAGE_EXEC);
    /* G in a non-leaf entry is ignored. */
    put64(pte, 0x5000 | P | PWT);
    uint64_t pde = slot4(&r, va, 2);
    put64(pde, get64(pde) | G);
    res = expect_ok(&r, va, RD_S);
    cr_assert_not(res.global);
    cr_assert_eq(res.pat_index, 1);
}

/* ---- A/D updates (SDM 4.8) ---- */

Test(x86_mmu_walk, no_leaf_ad_update_on_fault) {
    X86WalkRegs r = regs_4level();
    uint64_t va = 0x0000000000401000ull;
    uint64_t pte = slot4(&r, va, 1);
    put64(pte, 0x3000 | P | US); /* read-only */
    /* A faulting write: no D, and the leaf's A is left alone (model specific, SDM 6.15). */
    expect_pf(&r, va, WR_U, PF_ERR_P | PF_ERR_W | PF_ERR_U);
    cr_assert_eq(get64(pte), 0x3000 | P | US);
    /* The entries above were used: their A flags are set (SDM 6.15 note, 4.10.3.1). */
    for (int l = 2; l <= 4; l++) {
        cr_assert_eq(get64(slot4(&r, va, l)) & (A | D), A, "level %d", l);
    }
    /* Supervisor fetch refused by SMEP: still nothing in the leaf. */
    r.cr4 |= CR4_SMEP;
    expect_pf(&r, va, EX_S, PF_ERR_P | PF_ERR_I);
    cr_assert_eq(get64(pte), 0x3000 | P | US);
    /* Reserved bit in the leaf: untouched too. */
    put64(pte, 0x3000 | P | US | (1ull << 48));
    expect_pf(&r, va, RD_U, PF_ERR_P | PF_ERR_RSVD | PF_ERR_U);
    cr_assert_eq(get64(pte), 0x3000 | P | US | (1ull << 48));
    /* A reserved bit in a PDE: the PDE gets no A, the PDPTE above does. */
    uint64_t va2 = 0x0000000080000000ull;
    uint64_t pde2 = slot4(&r, va2, 2);
    put64(pde2, 0x200000 | P | PS | (1ull << 14));
    expect_pf(&r, va2, RD_S, PF_ERR_P | PF_ERR_RSVD);
    cr_assert_eq(get64(pde2) & A, 0);
    cr_assert_eq(get64(slot4(&r, va2, 3)) & A, A);
}

Test(x86_mmu_walk, ad_updates_and_write_permission_caching) {
    X86WalkRegs r = regs_4level();
    uint64_t va = 0x0000000000403000ull;
    uint64_t pte = slot4(&r, va, 1);
    put64(pte, 0x3000 | P | RW | US);
    X86WalkResult res = expect_ok(&r, va, EX_U);
    cr_assert_eq(res.prot, PAGE_READ | PAGE_EXEC);
    cr_assert_eq(get64(pte), 0x3000 | P | RW | US | A);
    int before = cas_calls;
    expect_ok(&r, va, RD_U); /* already A: no update */
    cr_assert_eq(cas_calls, before);
    res = expect_ok(&r, va, WR_U);
    cr_assert_eq(get64(pte), 0x3000 | P | RW | US | A | D);
    cr_assert_eq(cas_calls, before + 1);
    /* Once D is set a read may cache write permission. */
    res = expect_ok(&r, va, RD_U);
    cr_assert_eq(res.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    cr_assert_eq(cas_calls, before + 1);
    /* A 2 MiB leaf gets D too; the PDE's D is not touched for a non-leaf in 4K walks. */
    uint64_t va2 = 0x0000000000c00000ull;
    uint64_t pde = slot4(&r, va2, 2);
    put64(pde, 0xe00000 | P | RW | PS);
    expect_ok(&r, va2, WR_S);
    cr_assert_eq(get64(pde), 0xe00000 | P | RW | PS | A | D);
}

Test(x86_mmu_walk, cas_failure_rewalks) {
    X86WalkRegs r = regs_4level();
    uint64_t va = 0x0000000000405000ull;
    uint64_t pte = slot4(&r, va, 1);
    put64(pte, 0x3000 | P | RW | US);
    /* Another CPU remaps the page between our read and our swap of the leaf. */
    cas_hook_armed = true;
    cas_hook_pa = pte;
    cas_hook_size = 8;
    cas_hook_value = 0x7000 | P | RW | US;
    X86WalkResult res = expect_ok(&r, va, WR_U);
    cr_assert_eq(res.paddr, 0x7000, "the retry must use the new entry");
    cr_assert_eq(get64(pte), 0x7000 | P | RW | US | A | D);
    /* 3 upper A updates, the lost swap, the winning one. */
    cr_assert_eq(cas_calls, 5);

    /* Another CPU clears P in a PDE while we set its A flag: the re-walk faults. */
    uint64_t va2 = 0x0000000000a05000ull;
    put64(slot4(&r, va2, 1), 0x3000 | P | RW | US);
    uint64_t pde = slot4(&r, va2, 2);
    cas_hook_armed = true;
    cas_hook_pa = pde;
    cas_hook_value = get64(pde) & ~P;
    expect_pf(&r, va2, RD_S, 0);
    cr_assert_eq(get64(pde) & A, 0);

    /* 32-bit paging swaps 4-byte entries. */
    X86WalkRegs r32 = regs_32bit();
    uint64_t pte32 = slot32(&r32, 0x1000, 1);
    put32(pte32, 0x3000 | P | RW);
    cas_hook_armed = true;
    cas_hook_pa = pte32;
    cas_hook_size = 4;
    cas_hook_value = 0x9000 | P | RW;
    res = expect_ok(&r32, 0x1234, WR_S);
    cr_assert_eq(res.paddr, 0x9234);
    cr_assert_eq(get32(pte32), 0x9000 | P | RW | A | D);
}

Test(x86_mmu_walk, tables_outside_ram) {
    /* CR3 beyond RAM: entries read as all ones, i.e. present with reserved bits. */
    X86WalkRegs r = regs_4level();
    r.cr3 = 0xff00000000ull;
    expect_pf(&r, 0x1000, RD_S, PF_ERR_P | PF_ERR_RSVD);
    /* 32-bit paging has no reserved bits in a 4K walk: an all-ones PDE (PSE off) and PTE
     * map 0xfffff000, already accessed and dirty, so there is nothing to update. */
    X86WalkRegs r32 = regs_32bit();
    r32.cr4 = 0;
    r32.cr3 = 0xfffff000u;
    X86WalkResult res = expect_ok(&r32, 0x1234, WR_U);
    cr_assert_eq(res.paddr, 0xfffff234u);
    cr_assert(res.global == false);
    cr_assert_eq(cas_calls, 0);
}
