/*
 * test-mmu-granule.h — the body of the 16K and 64K granule guest tests (test-mmu-16k.c,
 * test-mmu-64k.c define GRAN_BITS and VA_BITS, then include this once). Page tables are built
 * at run time from a pool by a small generic mapper, so the start level follows from the
 * granule and TxSZ as in ARM ARM D8.2: identity map (UART Device, RAM Normal, the image
 * executable), then a test region with pages, a block, invalid entries at each level, AF = 0,
 * read-only, PXN, plus a TTBR1 page. Checks loads, stores and fetches with exact ESR_EL1 and
 * FAR_EL1, TLBI after a descriptor change, AT into PAR_EL1 and (with TEST_PAN) PSTATE.PAN.
 * Single-threaded bare metal at EL1.
 */
#ifndef TEST_MMU_GRANULE_H
#define TEST_MMU_GRANULE_H

#include "test-mmu-common.h"

#define RAM_BASE 0x40000000ull
#define GRAN (1ull << GRAN_BITS)
#define STRIDE (GRAN_BITS - 3)
#define START_LEVEL (4 - (VA_BITS - GRAN_BITS + STRIDE - 1) / STRIDE)
#define LEVEL_SHIFT(l) (GRAN_BITS + STRIDE * (3 - (l)))
#define L2_SIZE (1ull << LEVEL_SHIFT(2))
#define ENTRIES (GRAN / 8)
#define OA_MASK (0x0000ffffffffffffull & ~(GRAN - 1))

static uint8_t pool[10][GRAN] __attribute__((aligned(GRAN)));
static unsigned pool_used;
static uint8_t pages[6][GRAN] __attribute__((aligned(GRAN)));
static uint64_t *root0, *root1;

static uint64_t *pool_alloc(void) {
    if (pool_used == sizeof(pool) / sizeof(pool[0])) {
        uart_puts("FAIL: page table pool exhausted\n");
        guest_exit(1);
    }
    return (uint64_t *)pool[pool_used++];
}

static unsigned level_index(uint64_t va, int level) {
    unsigned bits = level == START_LEVEL ? VA_BITS - LEVEL_SHIFT(level) : STRIDE;
    return (unsigned)((va >> LEVEL_SHIFT(level)) & ((1ull << bits) - 1));
}

/* The descriptor slot for va at `level`, creating tables above it. */
static uint64_t *slot(uint64_t *root, uint64_t va, int level) {
    uint64_t *table = root;
    for (int l = START_LEVEL; l < level; l++) {
        uint64_t *d = &table[level_index(va, l)];
        if (!(*d & 1)) {
            *d = (uint64_t)pool_alloc() | D_TABLE;
        }
        table = (uint64_t *)(*d & OA_MASK);
    }
    return &table[level_index(va, level)];
}

/* Every page of the image's first L2-sized region is a level 3 page (the image executable,
 * everything else PXN); the rest of 128 MiB of RAM and the Device region are blocks. */
static void build_identity(void) {
    uint64_t code_hi = ((uint64_t)__bss_start + GRAN - 1) & ~(GRAN - 1);
    for (uint64_t pa = 0; pa < 0x10000000ull; pa += L2_SIZE) {
        *slot(root0, pa, 2) = pa | D_BLOCK | D_DEVICE;
    }
    for (uint64_t pa = RAM_BASE; pa < RAM_BASE + L2_SIZE; pa += GRAN) {
        bool code = pa >= 0x40080000ull && pa < code_hi;
        *slot(root0, pa, 3) = pa | D_TABLE | D_NORMAL | D_UXN | (code ? 0 : D_PXN);
    }
    for (uint64_t pa = RAM_BASE + L2_SIZE; pa < RAM_BASE + (128ull << 20); pa += L2_SIZE) {
        *slot(root0, pa, 2) = pa | D_BLOCK | D_NORMAL | D_PXN | D_UXN;
    }
}

/* The test region: the upper half of the TTBR0 range, away from the identity map. */
#define T (1ull << (VA_BITS - 1))
#define T_HI (~0ull << VA_BITS)

static void build_test_region(void) {
    *slot(root0, T, 3) = (uint64_t)pages[0] | D_TABLE | D_NORMAL | D_PXN | D_UXN;
    *slot(root0, T + GRAN, 3) =
        (uint64_t)pages[1] | D_TABLE | D_NORMAL | D_AP_EL1_RO | D_PXN | D_UXN;
    *slot(root0, T + 2 * GRAN, 3) = ((uint64_t)pages[2] | D_TABLE | D_NORMAL | D_PXN) & ~D_AF;
    *slot(root0, T + 3 * GRAN, 3) = 0;
    *slot(root0, T + 4 * GRAN, 3) = (uint64_t)pages[3] | D_TABLE | D_NORMAL | D_UXN;
    *slot(root0, T + 5 * GRAN, 3) = (uint64_t)pages[3] | D_TABLE | D_NORMAL | D_PXN | D_UXN;
    *slot(root0, T + 6 * GRAN, 3) = (uint64_t)pages[4] | D_TABLE | D_NORMAL | D_AP_RW | D_UXN;
    *slot(root0, T + 7 * GRAN, 3) = (uint64_t)pages[3] | D_TABLE | D_NORMAL | D_AP_RO | D_UXN;
    *slot(root0, T + 8 * GRAN, 3) = (uint64_t)pages[0] | D_TABLE | D_NORMAL | D_PXN | D_UXN;
    /* Block (level 2) aliasing the start of RAM. */
    *slot(root0, T + L2_SIZE, 2) = RAM_BASE | D_BLOCK | D_NORMAL | D_PXN | D_UXN;
    *slot(root0, T + 2 * L2_SIZE, 2) = 0;
    *slot(root1, T_HI + 3 * GRAN, 3) = (uint64_t)pages[0] | D_TABLE | D_NORMAL | D_PXN | D_UXN;
}

/* TCR: TxSZ = 64 - VA_BITS, TG0/TG1 for the granule, WB cacheable, inner shareable,
 * IPS 44 bits. */
static uint64_t tcr_value(void) {
    uint64_t tsz = 64 - VA_BITS;
    uint64_t tg0 = GRAN_BITS == 16 ? 1 : GRAN_BITS == 14 ? 2 : 0;
    uint64_t tg1 = GRAN_BITS == 16 ? 3 : GRAN_BITS == 14 ? 1 : 2;
    return tsz | 1ull << 8 | 1ull << 10 | 3ull << 12 | tg0 << 14 | tsz << 16 | 1ull << 24 |
           1ull << 26 | 3ull << 28 | tg1 << 30 | 4ull << 32;
}

static void test_translations(void) {
    volatile uint64_t *a = (volatile uint64_t *)pages[0];
    a[0] = 0x0123456789abcdefull;
    a[GRAN / 8 - 1] = 0xfedcba9876543210ull;
    mmu_exc_reset();
    CHECK_EQ(probe_load(T), 0x0123456789abcdefull);
    CHECK_EQ(probe_load(T + GRAN - 8), 0xfedcba9876543210ull);
    probe_store(T + 8, 0x99);
    CHECK_EQ(a[1], 0x99);
    CHECK_EQ(probe_load(T + L2_SIZE + ((uint64_t)pages[0] - RAM_BASE)), 0x0123456789abcdefull);
    CHECK_EQ(probe_load(T_HI + 3 * GRAN + GRAN - 8), 0xfedcba9876543210ull);
    put_code((uint64_t)pages[3], 21);
    CHECK_EQ(probe_call(T + 4 * GRAN, 7), 21);
    check_no_fault("translations");
}

static void test_faults(void) {
    struct {
        uint64_t va;
        uint64_t esr;
        const char *name;
    } cases[] = {
        {T + 3 * GRAN + 0x40, esr_dabt(0x07, false), "level 3 invalid"},
        {T + 2 * L2_SIZE + 0x80, esr_dabt(0x06, false), "level 2 invalid"},
        {1ull << VA_BITS, esr_dabt(0x04, false), "above the TTBR0 range"},
        {T + 2 * GRAN + 0x10, esr_dabt(0x0b, false), "access flag"},
#if START_LEVEL <= 1
        {T + (1ull << LEVEL_SHIFT(1)), esr_dabt(0x05, false), "level 1 invalid"},
#endif
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        mmu_exc_reset();
        CHECK_EQ(probe_load(cases[i].va), 0xdeadbeefdeadbeefull);
        check_fault(cases[i].name, cases[i].esr, cases[i].va);
    }
    mmu_exc_reset();
    probe_store(T + GRAN + 0x20, 1);
    check_fault("store to read-only", esr_dabt(0x0f, true), T + GRAN + 0x20);
    mmu_exc_reset();
    CHECK_EQ(probe_call(T + 5 * GRAN, 7), 7);
    check_fault("fetch from PXN", esr_iabt(0x0f), T + 5 * GRAN);
    mmu_exc_reset();
    CHECK_EQ(probe_call(T + 6 * GRAN, 7), 7);
    check_fault("fetch from EL0-writable", esr_iabt(0x0f), T + 6 * GRAN);
}

static void test_tlbi_and_at(void) {
    volatile uint64_t *a = (volatile uint64_t *)pages[0], *b = (volatile uint64_t *)pages[1];
    a[5] = 0xa5;
    b[5] = 0xb5;
    mmu_exc_reset();
    CHECK_EQ(probe_load(T + 8 * GRAN + 40), 0xa5);
    /* A 4K-page offset inside the granule must map to the same granule. */
    CHECK_EQ(probe_load(T + 8 * GRAN + GRAN / 2 + 40), a[GRAN / 16 + 5]);
    uint64_t *d = slot(root0, T + 8 * GRAN, 3);
    *d = (uint64_t)pages[1] | D_TABLE | D_NORMAL | D_PXN | D_UXN;
    tlbi_va(T + 8 * GRAN);
    CHECK_EQ(probe_load(T + 8 * GRAN + 40), 0xb5);
    check_no_fault("TLBI remap");
    const uint64_t ns = 1ull << 9;
    CHECK_EQ(at_s1e1r(T + 8 * GRAN + 0x123) & ~ns,
             0xff00000000000000ull | (uint64_t)pages[1] | 1 << 11 | 3 << 7);
    CHECK_EQ(at_s1e1r(T + L2_SIZE + 0x5123) & ~ns,
             0xff00000000000000ull | (RAM_BASE + 0x5000) | 1 << 11 | 3 << 7);
    CHECK_EQ(at_s1e1r(T + 3 * GRAN), 0x07 << 1 | 1 | 1 << 11);
    CHECK_EQ(at_s1e1w(T + GRAN), 0x0f << 1 | 1 | 1 << 11);
    CHECK_EQ(at_s1e0r(T + 5 * GRAN), 0x0f << 1 | 1 | 1 << 11);
}

#ifdef TEST_PAN
/* PSTATE.PAN (ARMv8.1, D8.4.2): privileged data accesses to EL0-accessible pages fault,
 * instruction fetches do not. */
static void test_pan(void) {
    put_code((uint64_t)pages[3], 33);
    mmu_exc_reset();
    CHECK_EQ(probe_load(T + 6 * GRAN), probe_load_el0(T + 6 * GRAN));
    __asm__ volatile(".inst 0xd500419f\n isb" /* MSR PAN, #1 */ ::: "memory");
    probe_load(T + 6 * GRAN + 8);
    check_fault("load with PAN", esr_dabt(0x0f, false), T + 6 * GRAN + 8);
    mmu_exc_reset();
    probe_store(T + 6 * GRAN + 8, 3);
    check_fault("store with PAN", esr_dabt(0x0f, true), T + 6 * GRAN + 8);
    mmu_exc_reset();
    CHECK_EQ(probe_load(T), 0x0123456789abcdefull); /* EL1-only page: unaffected */
    CHECK_EQ(probe_call(T + 7 * GRAN, 7), 33);      /* EL0-readable code: fetch unaffected */
    check_no_fault("PAN leaves EL1-only data and fetches alone");
    CHECK_EQ(MRS(s3_0_c4_c2_3) /* PAN */, 1ull << 22);
    __asm__ volatile(".inst 0xd500409f\n isb" /* MSR PAN, #0 */ ::: "memory");
    mmu_exc_reset();
    probe_load(T + 6 * GRAN + 8);
    check_no_fault("PAN off");
}
#endif

int main(void) {
    mmu_install_vectors();
    root0 = pool_alloc();
    root1 = pool_alloc();
    build_identity();
    build_test_region();
    mmu_enable(tcr_value(), (uint64_t)root0, (uint64_t)root1);
    mmu_exc_reset();
    uart_puts("MMU on\n");
    check_no_fault("identity map");
    test_translations();
    test_faults();
    test_tlbi_and_at();
#ifdef TEST_PAN
    test_pan();
#endif
    mmu_disable();
    return guest_report();
}

#endif
