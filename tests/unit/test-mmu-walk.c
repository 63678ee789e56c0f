/*
 * test-mmu-walk.c — the VMSAv8-64 stage 1 walker (target-arm/mmu-walk.c) against a fake
 * physical memory: 4K/16K/64K granules at every start level, blocks, every fault type and
 * level, the permission matrix (AP, UXN/PXN, hierarchical table bits, WXN, PAN), TBI, TTBR1
 * addresses, ASIDs and attributes. Single-threaded.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "cpu-exec/cpu.h"
#include "target-arm/mmu-walk.h"

/* ---- Fake physical memory: RAM at [RAM_BASE, RAM_BASE + RAM_SIZE) ---- */
#define RAM_BASE 0x40000000ull
#define RAM_SIZE (8ull << 20)
static uint64_t ram[RAM_SIZE / 8];
static uint64_t next_table; /* bump allocator for tables */
static int reads;

static bool fake_read(void *opaque, uint64_t pa, uint64_t *val) {
    (void)opaque;
    reads++;
    if (pa < RAM_BASE || pa + 8 > RAM_BASE + RAM_SIZE || (pa & 7)) {
        return false;
    }
    *val = ram[(pa - RAM_BASE) / 8];
    return true;
}

static void put(uint64_t pa, uint64_t v) {
    ram[(pa - RAM_BASE) / 8] = v;
}
static uint64_t get(uint64_t pa) {
    return ram[(pa - RAM_BASE) / 8];
}

static uint64_t alloc_table(uint64_t gran) {
    next_table = (next_table + gran - 1) & ~(gran - 1);
    uint64_t t = next_table;
    next_table += gran;
    cr_assert(next_table <= RAM_BASE + RAM_SIZE);
    return t;
}

static void setup(void) {
    memset(ram, 0, sizeof(ram));
    next_table = RAM_BASE;
    reads = 0;
}

TestSuite(mmu_walk, .init = setup);

/* Leaf attributes: AF, inner shareable, AttrIndx 1. */
#define LEAF_DEFAULT ((1ull << 10) | (3ull << 8) | (1ull << 2))
#define AP_EL1_RW (0ull << 6)
#define AP_RW (1ull << 6)
#define AP_EL1_RO (2ull << 6)
#define AP_RO (3ull << 6)
#define PXN (1ull << 53)
#define UXN (1ull << 54)

typedef struct Geometry {
    unsigned gb;  /* log2 granule */
    unsigned vab; /* VA bits */
} Geometry;

static int start_level(Geometry g) {
    unsigned stride = g.gb - 3;
    return 4 - (int)((g.vab - g.gb + stride - 1) / stride);
}

static unsigned level_shift(Geometry g, int level) {
    return g.gb + (g.gb - 3) * (3 - level);
}

static unsigned level_bits(Geometry g, int level) {
    if (level == start_level(g)) {
        return g.vab - level_shift(g, level);
    }
    return g.gb - 3;
}

/*
 * Maps va through tables starting at root (creating missing tables), ending with a leaf
 * descriptor at leaf_level: `leaf` is OR'ed with the output address and the type bits.
 * table_bits are OR'ed into the last table descriptor (the one above the leaf). Returns the
 * physical address of the leaf descriptor.
 */
static uint64_t map(Geometry g, uint64_t root, uint64_t va, int leaf_level, uint64_t pa,
                    uint64_t leaf, uint64_t table_bits) {
    uint64_t table = root;
    for (int level = start_level(g);; level++) {
        uint64_t idx = (va >> level_shift(g, level)) & ((1ull << level_bits(g, level)) - 1);
        uint64_t dpa = table + idx * 8;
        if (level == leaf_level) {
            put(dpa, pa | leaf | (level == 3 ? 3 : 1));
            return dpa;
        }
        uint64_t d = get(dpa);
        if (!(d & 1)) {
            d = alloc_table(1ull << g.gb) | 3;
        }
        if (level == leaf_level - 1) {
            d |= table_bits;
            put(dpa, d);
        } else if (!(get(dpa) & 1)) {
            put(dpa, d);
        }
        table = d & 0x0000fffffffff000ull & ~((1ull << g.gb) - 1);
    }
}

/* TCR for both halves with the same geometry; IPS = 44 bits. */
static uint64_t tcr_for(Geometry g) {
    uint64_t tsz = 64 - g.vab;
    uint64_t tg0 = g.gb == 12 ? 0 : g.gb == 16 ? 1 : 2;
    uint64_t tg1 = g.gb == 12 ? 2 : g.gb == 16 ? 3 : 1;
    return tsz | tg0 << 14 | tsz << 16 | tg1 << 30 | 4ull << 32;
}

static ARMMMURegime regime_for(Geometry g, uint64_t root0, uint64_t root1) {
    return (ARMMMURegime){.sctlr = 1,
                          .tcr = tcr_for(g),
                          .ttbr0 = root0,
                          .ttbr1 = root1,
                          .mair = 0x4400ff00ull,
                          .pa_bits = 44,
                          .has_16k = true};
}

static bool xlate(const ARMMMURegime *r, uint64_t va, ARMMMUAccess acc, bool el0, bool pan,
                  ARMMMUResult *res, ARMMMUFault *f) {
    return arm_mmu_translate(r, va, acc, el0, pan, fake_read, NULL, res, f);
}

static void expect_ok(const ARMMMURegime *r, uint64_t va, uint64_t want_pa, uint64_t want_size) {
    ARMMMUResult res;
    ARMMMUFault f;
    cr_assert(xlate(r, va, ARM_MMU_LOAD, false, false, &res, &f), "va %#lx: fault type %d level %d",
              (unsigned long)va, f.type, f.level);
    cr_assert_eq(res.paddr, want_pa, "va %#lx: pa %#lx want %#lx", (unsigned long)va,
                 (unsigned long)res.paddr, (unsigned long)want_pa);
    cr_assert_eq(res.page_size, want_size);
}

static void expect_fault(const ARMMMURegime *r, uint64_t va, ARMMMUAccess acc, bool el0, bool pan,
                         ARMFaultType type, int level) {
    ARMMMUResult res;
    ARMMMUFault f = {ARM_FAULT_NONE, -1};
    cr_assert(!xlate(r, va, acc, el0, pan, &res, &f), "va %#lx: no fault", (unsigned long)va);
    cr_assert_eq(f.type, type, "va %#lx: type %d want %d", (unsigned long)va, f.type, type);
    cr_assert_eq(f.level, level, "va %#lx: level %d want %d", (unsigned long)va, f.level, level);
}

/* ---- Granules and levels ---- */

static const Geometry geometries[] = {
    {12, 48}, {12, 42}, {12, 39}, {12, 30}, {12, 25}, {14, 48}, {14, 47},
    {14, 36}, {14, 25}, {16, 48}, {16, 42}, {16, 29}, {16, 25},
};

Test(mmu_walk, pages_every_granule_and_va_size) {
    for (size_t i = 0; i < sizeof(geometries) / sizeof(geometries[0]); i++) {
        setup();
        Geometry g = geometries[i];
        uint64_t gran = 1ull << g.gb;
        uint64_t root0 = alloc_table(gran), root1 = alloc_table(gran);
        ARMMMURegime r = regime_for(g, root0, root1);
        uint64_t va_lo = ((1ull << g.vab) - 1) & ~(gran - 1) & 0x5a5a5a5a5a5a5a5aull;
        uint64_t va_hi = ~0ull << g.vab | (0x1234567ull << g.gb & ((1ull << g.vab) - 1));
        map(g, root0, va_lo, 3, 0x80000000ull + gran * 3, LEAF_DEFAULT, 0);
        map(g, root1, va_hi, 3, 0x90000000ull, LEAF_DEFAULT, 0);
        expect_ok(&r, va_lo + 0x18, 0x80000000ull + gran * 3 + 0x18, gran);
        expect_ok(&r, va_hi + gran - 8, 0x90000000ull + gran - 8, gran);
        /* Number of descriptor reads = number of levels walked. */
        reads = 0;
        expect_ok(&r, va_lo, 0x80000000ull + gran * 3, gran);
        cr_assert_eq(reads, 4 - start_level(g), "geometry %zu: %d reads", i, reads);
    }
}

Test(mmu_walk, start_levels) {
    cr_assert_eq(start_level((Geometry){12, 48}), 0);
    cr_assert_eq(start_level((Geometry){12, 39}), 1);
    cr_assert_eq(start_level((Geometry){12, 30}), 2);
    cr_assert_eq(start_level((Geometry){14, 48}), 0);
    cr_assert_eq(start_level((Geometry){14, 47}), 1);
    cr_assert_eq(start_level((Geometry){16, 48}), 1);
    cr_assert_eq(start_level((Geometry){16, 42}), 2);
    /* 42-bit 4K: 30 bits over 9-bit strides need 4 levels; level 0 resolves 3 bits. */
    cr_assert_eq(start_level((Geometry){12, 42}), 0);
}

Test(mmu_walk, blocks) {
    struct {
        Geometry g;
        int level;
        uint64_t size;
    } cases[] = {
        {{12, 48}, 1, 1ull << 30},  {{12, 48}, 2, 2ull << 20},   {{12, 39}, 1, 1ull << 30},
        {{14, 48}, 2, 32ull << 20}, {{16, 48}, 2, 512ull << 20}, {{16, 42}, 2, 512ull << 20},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        setup();
        Geometry g = cases[i].g;
        uint64_t root = alloc_table(1ull << g.gb);
        ARMMMURegime r = regime_for(g, root, 0);
        uint64_t size = cases[i].size;
        uint64_t va = 7 * size;
        map(g, root, va, cases[i].level, 0x100000000ull + size * 2, LEAF_DEFAULT, 0);
        expect_ok(&r, va + size - 4, 0x100000000ull + size * 3 - 4, size);
    }
}

Test(mmu_walk, invalid_block_levels) {
    /* 4K level 0 block, 16K and 64K level 1 blocks are invalid: translation fault there. */
    Geometry g4 = {12, 48}, g16 = {14, 48}, g64 = {16, 48};
    uint64_t root = alloc_table(4096);
    ARMMMURegime r = regime_for(g4, root, 0);
    put(root, 1 | LEAF_DEFAULT);
    expect_fault(&r, 0x1000, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 0);

    setup();
    root = alloc_table(16384);
    r = regime_for(g16, root, 0);
    map(g16, root, 0, 1, 0, LEAF_DEFAULT, 0);
    expect_fault(&r, 0x1000, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 1);

    setup();
    root = alloc_table(65536);
    r = regime_for(g64, root, 0);
    map(g64, root, 0, 1, 0, LEAF_DEFAULT, 0);
    expect_fault(&r, 0x1000, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 1);
}

Test(mmu_walk, translation_faults_every_level) {
    Geometry g = {12, 48};
    uint64_t root = alloc_table(4096);
    ARMMMURegime r = regime_for(g, root, 0);
    uint64_t va = 0x0000123456789000ull;
    expect_fault(&r, va, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 0);
    uint64_t leaf = map(g, root, va, 3, 0x5000, LEAF_DEFAULT, 0);
    expect_ok(&r, va, 0x5000, 4096);
    /* Invalid at level 3, then reserved 0b01 at level 3. */
    put(leaf, 0);
    expect_fault(&r, va, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 3);
    put(leaf, 0x5000 | LEAF_DEFAULT | 1);
    expect_fault(&r, va, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 3);
    /* Cut the walk at level 2 and level 1. */
    uint64_t va2 = va + (1ull << 21);
    map(g, root, va2, 2, 0, 0, 0);
    put(map(g, root, va2, 2, 0, 0, 0), 0);
    expect_fault(&r, va2, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 2);
    uint64_t va1 = va + (1ull << 30);
    put(map(g, root, va1, 1, 0, 0, 0), 2); /* bit 0 clear: invalid */
    expect_fault(&r, va1, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 1);
}

Test(mmu_walk, va_range_checks_and_epd) {
    Geometry g = {12, 39};
    uint64_t root0 = alloc_table(4096), root1 = alloc_table(4096);
    ARMMMURegime r = regime_for(g, root0, root1);
    map(g, root0, 0x1000, 3, 0x7000, LEAF_DEFAULT, 0);
    map(g, root1, 0xffffffc000001000ull, 3, 0x8000, LEAF_DEFAULT, 0);
    expect_ok(&r, 0x1000, 0x7000, 4096);
    expect_ok(&r, 0xffffffc000001000ull, 0x8000, 4096);
    /* Just outside either range. */
    expect_fault(&r, 1ull << 39, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 0);
    expect_fault(&r, 0xffffff7ffffff000ull, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 0);
    /* Tagged addresses fault without TBI. */
    expect_fault(&r, 0x5a00000000001000ull, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 0);
    expect_fault(&r, 0x0fffffc000001000ull, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 0);
    /* EPD0 / EPD1 */
    r.tcr |= 1ull << 7;
    expect_fault(&r, 0x1000, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 0);
    expect_ok(&r, 0xffffffc000001000ull, 0x8000, 4096);
    r.tcr ^= 1ull << 7 | 1ull << 23;
    expect_ok(&r, 0x1000, 0x7000, 4096);
    expect_fault(&r, 0xffffffc000001000ull, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 0);
}

Test(mmu_walk, tbi) {
    Geometry g = {12, 48};
    uint64_t root0 = alloc_table(4096), root1 = alloc_table(4096);
    ARMMMURegime r = regime_for(g, root0, root1);
    map(g, root0, 0x2000, 3, 0x7000, LEAF_DEFAULT, 0);
    map(g, root1, 0xffff000000002000ull, 3, 0x8000, LEAF_DEFAULT, 0);
    r.tcr |= 1ull << 37; /* TBI0 */
    expect_ok(&r, 0x5a00000000002008ull, 0x7008, 4096);
    expect_ok(&r, 0xff00000000002008ull, 0x7008, 4096); /* bit 55 = 0 selects TTBR0 */
    /* TTBR1 half without TBI1: top byte must be ones. */
    expect_fault(&r, 0x00ff000000002000ull, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 0);
    expect_ok(&r, 0xffff000000002010ull, 0x8010, 4096);
    r.tcr |= 1ull << 38; /* TBI1 */
    expect_ok(&r, 0x00ff000000002010ull, 0x8010, 4096);
    /* Bits below the top byte still checked. */
    expect_fault(&r, 0x5a01000000002000ull, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 0);
}

Test(mmu_walk, address_size_faults) {
    Geometry g = {12, 48};
    uint64_t root = alloc_table(4096);
    ARMMMURegime r = regime_for(g, root, 0); /* IPS 44 bits */
    uint64_t leaf = map(g, root, 0x3000, 3, 0x7000, LEAF_DEFAULT, 0);
    expect_ok(&r, 0x3000, 0x7000, 4096);
    /* Output address with bit 44 set. */
    put(leaf, (1ull << 44) | 0x7000 | LEAF_DEFAULT | 3);
    expect_fault(&r, 0x3000, ARM_MMU_LOAD, false, false, ARM_FAULT_ADDRESS_SIZE, 3);
    /* ... but fine when IPS is 48 bits and pa_bits 48. */
    r.tcr = (r.tcr & ~(7ull << 32)) | 5ull << 32;
    r.pa_bits = 48;
    ARMMMUResult res;
    ARMMMUFault f;
    cr_assert(xlate(&r, 0x3000, ARM_MMU_LOAD, false, false, &res, &f));
    cr_assert_eq(res.paddr, (1ull << 44) | 0x7000);
    /* IPS 32 bits: capped below pa_bits. */
    r.tcr &= ~(7ull << 32);
    put(leaf, (1ull << 32) | LEAF_DEFAULT | 3);
    expect_fault(&r, 0x3000, ARM_MMU_LOAD, false, false, ARM_FAULT_ADDRESS_SIZE, 3);
    /* Next-level table address too big: fault at the level of the table descriptor. */
    r.tcr |= 4ull << 32;
    r.pa_bits = 44;
    put(leaf, 0x7000 | LEAF_DEFAULT | 3);
    expect_ok(&r, 0x3000, 0x7000, 4096);
    uint64_t l0 = get(root);
    put(root, l0 | 1ull << 46);
    expect_fault(&r, 0x3000, ARM_MMU_LOAD, false, false, ARM_FAULT_ADDRESS_SIZE, 0);
    put(root, l0);
    /* TTBR base beyond the output size: level 0. */
    r.ttbr0 = root | 1ull << 45;
    expect_fault(&r, 0x3000, ARM_MMU_LOAD, false, false, ARM_FAULT_ADDRESS_SIZE, 0);
    /* Block output address too big at level 2. */
    r.ttbr0 = root;
    put(map(g, root, 0x40000000ull, 2, 0, 0, 0), (1ull << 45) | LEAF_DEFAULT | 1);
    expect_fault(&r, 0x40000000ull, ARM_MMU_LOAD, false, false, ARM_FAULT_ADDRESS_SIZE, 2);
}

Test(mmu_walk, external_abort_on_walk) {
    Geometry g = {12, 48};
    uint64_t root = alloc_table(4096);
    ARMMMURegime r = regime_for(g, 0x1000, 0); /* root table not in RAM */
    expect_fault(&r, 0x3000, ARM_MMU_LOAD, false, false, ARM_FAULT_SYNC_EXTERNAL_WALK, 0);
    r.ttbr0 = root;
    map(g, root, 0x3000, 3, 0x7000, LEAF_DEFAULT, 0);
    /* Point the level 2 descriptor outside RAM: the level 3 read fails. */
    uint64_t l2 = map(g, root, 0x3000, 2, 0, 0, 0);
    put(l2, 0x20000000ull | 3);
    expect_fault(&r, 0x3000, ARM_MMU_FETCH, false, false, ARM_FAULT_SYNC_EXTERNAL_WALK, 3);
}

Test(mmu_walk, access_flag) {
    Geometry g = {16, 48};
    uint64_t root = alloc_table(65536);
    ARMMMURegime r = regime_for(g, root, 0);
    map(g, root, 0x10000, 3, 0x70000, LEAF_DEFAULT & ~(1ull << 10), 0);
    expect_fault(&r, 0x10000, ARM_MMU_LOAD, false, false, ARM_FAULT_ACCESS_FLAG, 3);
    map(g, root, 0x40000000ull, 2, 0x20000000ull, LEAF_DEFAULT & ~(1ull << 10), 0);
    expect_fault(&r, 0x40000000ull, ARM_MMU_STORE, true, false, ARM_FAULT_ACCESS_FLAG, 2);
    /* Access flag is checked before permissions. */
    map(g, root, 0x20000, 3, 0x70000, AP_EL1_RO | PXN | (LEAF_DEFAULT & ~(1ull << 10)), 0);
    expect_fault(&r, 0x20000, ARM_MMU_STORE, false, false, ARM_FAULT_ACCESS_FLAG, 3);
}

/* ---- Permissions ---- */

static int prot_of(const ARMMMURegime *r, uint64_t va, bool el0, bool pan) {
    ARMMMUResult res;
    ARMMMUFault f;
    /* Fetch the prot through whichever access succeeds. */
    for (int a = 0; a < 3; a++) {
        if (xlate(r, va, (ARMMMUAccess)a, el0, pan, &res, &f)) {
            return res.prot;
        }
        cr_assert_eq(f.type, ARM_FAULT_PERMISSION);
    }
    return 0;
}

/* Checks that prot matches the expected bits and that every access faults or passes
 * accordingly (permission fault at the leaf level). */
static void expect_prot(const ARMMMURegime *r, uint64_t va, bool el0, bool pan, int want,
                        int level) {
    int got = prot_of(r, va, el0, pan);
    cr_assert_eq(got, want, "va %#lx el0 %d pan %d: prot %d want %d", (unsigned long)va, el0, pan,
                 got, want);
    static const int need[3] = {PAGE_READ, PAGE_WRITE, PAGE_EXEC};
    for (int a = 0; a < 3; a++) {
        ARMMMUResult res;
        ARMMMUFault f;
        bool ok = xlate(r, va, (ARMMMUAccess)a, el0, pan, &res, &f);
        cr_assert_eq(ok, (want & need[a]) != 0);
        if (!ok) {
            cr_assert_eq(f.type, ARM_FAULT_PERMISSION);
            cr_assert_eq(f.level, level);
        }
    }
}

#define R PAGE_READ
#define W PAGE_WRITE
#define X PAGE_EXEC

Test(mmu_walk, permission_matrix) {
    Geometry g = {12, 48};
    uint64_t root = alloc_table(4096);
    ARMMMURegime r = regime_for(g, root, 0);
    struct {
        uint64_t bits;
        int el1, el0;
    } cases[] = {
        {AP_EL1_RW, R | W | X, X}, /* EL0 may not read but may execute (UXN = 0) */
        {AP_RW, R | W, R | W | X}, /* EL0-writable: PXN implied at EL1 */
        {AP_EL1_RO, R | X, X},     {AP_RO, R | X, R | X},     {AP_EL1_RW | UXN, R | W | X, 0},
        {AP_RO | PXN, R, R | X},   {AP_RO | PXN | UXN, R, R}, {AP_EL1_RW | PXN | UXN, R | W, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t va = 0x10000 + i * 0x1000;
        map(g, root, va, 3, 0x80000 + i * 0x1000, LEAF_DEFAULT | cases[i].bits, 0);
        expect_prot(&r, va, false, false, cases[i].el1, 3);
        expect_prot(&r, va, true, false, cases[i].el0, 3);
    }
}

Test(mmu_walk, wxn) {
    Geometry g = {12, 48};
    uint64_t root = alloc_table(4096);
    ARMMMURegime r = regime_for(g, root, 0);
    r.sctlr |= 1ull << 19;
    map(g, root, 0x10000, 3, 0x80000, LEAF_DEFAULT | AP_EL1_RW, 0);
    map(g, root, 0x11000, 3, 0x81000, LEAF_DEFAULT | AP_RO, 0);
    map(g, root, 0x12000, 3, 0x82000, LEAF_DEFAULT | AP_RW, 0);
    expect_prot(&r, 0x10000, false, false, R | W, 3);
    expect_prot(&r, 0x10000, true, false, X, 3); /* not writable at EL0: executable there */
    expect_prot(&r, 0x11000, false, false, R | X, 3);
    expect_prot(&r, 0x11000, true, false, R | X, 3);
    expect_prot(&r, 0x12000, true, false, R | W, 3);
    expect_prot(&r, 0x12000, false, false, R | W, 3);
}

Test(mmu_walk, pan) {
    Geometry g = {12, 48};
    uint64_t root = alloc_table(4096);
    ARMMMURegime r = regime_for(g, root, 0);
    map(g, root, 0x10000, 3, 0x80000, LEAF_DEFAULT | AP_RW, 0);
    map(g, root, 0x11000, 3, 0x81000, LEAF_DEFAULT | AP_RO, 0);
    map(g, root, 0x12000, 3, 0x82000, LEAF_DEFAULT | AP_EL1_RW, 0);
    /* EL0-accessible pages: privileged data access faults, fetch keeps its permission. */
    expect_prot(&r, 0x10000, false, true, 0, 3);
    expect_prot(&r, 0x11000, false, true, X, 3);
    expect_prot(&r, 0x12000, false, true, R | W | X, 3);
    /* EL0 accesses ignore PAN. */
    expect_prot(&r, 0x10000, true, true, R | W | X, 3);
    /* APTable[0] removes EL0 access, so PAN no longer applies. */
    map(g, root, 0x40000000ull, 3, 0x83000, LEAF_DEFAULT | AP_RW, 1ull << 61);
    expect_prot(&r, 0x40000000ull, false, true, R | W | X, 3);
}

Test(mmu_walk, hierarchical_permissions) {
    Geometry g = {12, 48};
    uint64_t root = alloc_table(4096);
    ARMMMURegime r = regime_for(g, root, 0);
    uint64_t gb1 = 1ull << 30;
    /* APTable[1]: read-only everywhere below. */
    map(g, root, 1 * gb1, 3, 0x80000, LEAF_DEFAULT | AP_RW, 1ull << 62);
    /* No longer EL0-writable, so no implied PXN. */
    expect_prot(&r, 1 * gb1, false, false, R | X, 3);
    expect_prot(&r, 1 * gb1, true, false, R | X, 3);
    /* APTable[0]: no EL0 access. */
    map(g, root, 2 * gb1, 3, 0x81000, LEAF_DEFAULT | AP_RW, 1ull << 61);
    expect_prot(&r, 2 * gb1, false, false, R | W | X, 3);
    expect_prot(&r, 2 * gb1, true, false, X, 3);
    /* UXNTable / PXNTable. */
    map(g, root, 3 * gb1, 3, 0x82000, LEAF_DEFAULT | AP_RO, 1ull << 60);
    expect_prot(&r, 3 * gb1, true, false, R, 3);
    expect_prot(&r, 3 * gb1, false, false, R | X, 3);
    map(g, root, 4 * gb1, 2, 0x200000, LEAF_DEFAULT | AP_RO, 1ull << 59);
    expect_prot(&r, 4 * gb1, false, false, R, 2);
    expect_prot(&r, 4 * gb1, true, false, R | X, 2);
    /* Table bits above a block apply too; bits in a later table don't affect siblings. */
    map(g, root, 4 * gb1 + (2ull << 20), 2, 0x400000, LEAF_DEFAULT | AP_RO, 0);
    expect_prot(&r, 4 * gb1 + (2ull << 20), false, false, R, 2); /* same L0/L1 path */
}

Test(mmu_walk, attributes_asid_global) {
    Geometry g = {12, 48};
    uint64_t root0 = alloc_table(4096), root1 = alloc_table(4096);
    ARMMMURegime r = regime_for(g, root0 | 0xab12ull << 48, root1 | 0xcd34ull << 48);
    r.mair = 0x0011223344556677ull;
    map(g, root0, 0x10000, 3, 0x80000, (1ull << 10) | (2ull << 8) | (5ull << 2) | (1ull << 11), 0);
    ARMMMUResult res;
    ARMMMUFault f;
    cr_assert(xlate(&r, 0x10000, ARM_MMU_LOAD, false, false, &res, &f));
    cr_assert_eq(res.attr, 0x22);
    cr_assert_eq(res.sh, 2);
    cr_assert_eq(res.global, false);
    cr_assert_eq(res.asid, 0x12); /* AS = 0: 8-bit, from TTBR0 (A1 = 0) */
    r.tcr |= 1ull << 36;
    cr_assert(xlate(&r, 0x10000, ARM_MMU_LOAD, false, false, &res, &f));
    cr_assert_eq(res.asid, 0xab12);
    r.tcr |= 1ull << 22; /* A1: TTBR1's ASID */
    cr_assert(xlate(&r, 0x10000, ARM_MMU_LOAD, false, false, &res, &f));
    cr_assert_eq(res.asid, 0xcd34);
    map(g, root0, 0x11000, 3, 0x81000, LEAF_DEFAULT, 0);
    cr_assert(xlate(&r, 0x11000, ARM_MMU_LOAD, false, false, &res, &f));
    cr_assert_eq(res.global, true);
    cr_assert_eq(res.attr, 0x66);
    cr_assert_eq(res.sh, 3);
}

Test(mmu_walk, unsupported_16k_acts_as_4k_and_txsz_clamp) {
    Geometry g4 = {12, 48};
    uint64_t root = alloc_table(4096);
    ARMMMURegime r = regime_for(g4, root, 0);
    map(g4, root, 0x5000, 3, 0x9000, LEAF_DEFAULT, 0);
    r.has_16k = false;
    r.tcr = (r.tcr & ~(3ull << 14)) | 2ull << 14; /* TG0 = 16K */
    expect_ok(&r, 0x5000, 0x9000, 4096);
    r.tcr = (r.tcr & ~(3ull << 14)) | 3ull << 14; /* TG0 reserved */
    expect_ok(&r, 0x5000, 0x9000, 4096);
    /* T0SZ = 8 (56-bit) is clamped to 16 (48-bit): bit 50 set is outside the range. */
    r.tcr = (r.tcr & ~63ull) | 8;
    expect_ok(&r, 0x5000, 0x9000, 4096);
    expect_fault(&r, 1ull << 50, ARM_MMU_LOAD, false, false, ARM_FAULT_TRANSLATION, 0);
}

Test(mmu_walk, mmu_off) {
    ARMMMURegime r = {.pa_bits = 44};
    ARMMMUResult res;
    ARMMMUFault f;
    cr_assert(xlate(&r, 0x1234, ARM_MMU_FETCH, true, true, &res, &f));
    cr_assert_eq(res.paddr, 0x1234);
    cr_assert_eq(res.prot, R | W | X);
    expect_fault(&r, 1ull << 44, ARM_MMU_LOAD, false, false, ARM_FAULT_ADDRESS_SIZE, 0);
}

Test(mmu_walk, fault_status_codes) {
    struct {
        ARMFaultType t;
        int level;
        uint32_t fsc;
    } cases[] = {
        {ARM_FAULT_ADDRESS_SIZE, 0, 0x00},       {ARM_FAULT_ADDRESS_SIZE, 3, 0x03},
        {ARM_FAULT_TRANSLATION, 0, 0x04},        {ARM_FAULT_TRANSLATION, 3, 0x07},
        {ARM_FAULT_ACCESS_FLAG, 1, 0x09},        {ARM_FAULT_ACCESS_FLAG, 3, 0x0b},
        {ARM_FAULT_PERMISSION, 1, 0x0d},         {ARM_FAULT_PERMISSION, 3, 0x0f},
        {ARM_FAULT_SYNC_EXTERNAL_WALK, 0, 0x14}, {ARM_FAULT_SYNC_EXTERNAL_WALK, 2, 0x16},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ARMMMUFault f = {cases[i].t, cases[i].level};
        cr_assert_eq(arm_mmu_fault_status(&f), cases[i].fsc);
    }
}
