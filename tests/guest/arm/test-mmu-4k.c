/*
 * test-mmu-4k.c — VMSAv8-64 stage 1 translation with the 4 KiB granule and 48-bit VAs (ARM ARM
 * D8): builds an identity map (UART as Device, the image read-only and executable, the rest of
 * RAM writable and PXN), turns the MMU on, then checks pages, 2 MiB and 1 GiB blocks, TTBR1
 * addresses, TBI, translation faults at levels 0-3, access flag, permission (AP, PXN, implied
 * PXN for EL0-writable, APTable, LDTR/STTR), address size and walk external aborts with their
 * exact ESR_EL1/FAR_EL1, TLBI after a descriptor change, ASIDs (non-global blocks of two
 * address spaces, TLBI ASIDE1, TLBI by address inside a block), AT S1E1R/S1E1W/S1E0R into
 * PAR_EL1, and SCTLR.WXN. Runs on -cpu cortex-a57 (44-bit PA). Single-threaded bare metal at EL1.
 */
#include "test-mmu-common.h"

#define RAM_BASE 0x40000000ull
#define PAGE 4096ull
#define TABLE_ADDR(d) ((d)&0x0000fffffffff000ull)

static uint64_t l0[512] __attribute__((aligned(4096)));
static uint64_t l1_id[512] __attribute__((aligned(4096)));
static uint64_t l2_ram[512] __attribute__((aligned(4096)));
static uint64_t l3_img[512] __attribute__((aligned(4096)));
static uint64_t l1_t[512] __attribute__((aligned(4096)));
static uint64_t l2_t[512] __attribute__((aligned(4096)));
static uint64_t l3_t[512] __attribute__((aligned(4096)));
static uint64_t l3_h[512] __attribute__((aligned(4096)));
static uint64_t l0_hi[512] __attribute__((aligned(4096)));
static uint64_t l1_hi[512] __attribute__((aligned(4096)));
static uint64_t l2_hi[512] __attribute__((aligned(4096)));
static uint64_t l3_hi[512] __attribute__((aligned(4096)));
static uint8_t pages[8][4096] __attribute__((aligned(4096)));
/* Two address spaces for the ASID test: l0 and l0_b share the identity and test regions and
 * map U to different non-global 2 MiB blocks. */
static uint64_t l0_b[512] __attribute__((aligned(4096)));
static uint64_t l1_ua[512] __attribute__((aligned(4096)));
static uint64_t l2_ua[512] __attribute__((aligned(4096)));
static uint64_t l1_ub[512] __attribute__((aligned(4096)));
static uint64_t l2_ub[512] __attribute__((aligned(4096)));

/* TCR: T0SZ = T1SZ = 16, TG0 = 4K (00), TG1 = 4K (10), inner/outer WB, inner shareable,
 * IPS = 0b100 (44 bits). */
#define TCR_BASE                                                                                   \
    (16ull | 1ull << 8 | 1ull << 10 | 3ull << 12 | 16ull << 16 | 1ull << 24 | 1ull << 26 |         \
     3ull << 28 | 2ull << 30 | 4ull << 32)
#define TCR_TBI0 (1ull << 37)

/* The test region: L0 index 1; the per-address-space region: L0 index 3. */
#define T 0x0000008000000000ull
#define U 0x0000018000000000ull
#define T_HI 0xffff000000000000ull

/* Page-aligned read-only data: .rodata starts on a page boundary, so every page below this
 * one holds only text and rodata and can be mapped read-only and executable (for WXN). */
static const uint64_t text_end_marker[512] __attribute__((aligned(4096), used)) = {1};

static uint64_t pa_of(const void *p) {
    return (uint64_t)p;
}

static void build_identity(void) {
    uint64_t ro_lo = 0x40080000ull, ro_hi = (uint64_t)text_end_marker;
    l0[0] = pa_of(l1_id) | D_TABLE;
    l1_id[0] = 0 | D_BLOCK | D_DEVICE; /* 0-1G: flash, GIC, UART: Device-nGnRnE */
    l1_id[1] = pa_of(l2_ram) | D_TABLE;
    l2_ram[0] = pa_of(l3_img) | D_TABLE;
    for (uint64_t i = 1; i < 512; i++) {
        l2_ram[i] = (RAM_BASE + (i << 21)) | D_BLOCK | D_NORMAL | D_PXN | D_UXN;
    }
    for (uint64_t j = 0; j < 512; j++) {
        uint64_t pa = RAM_BASE + j * PAGE;
        if (pa >= ro_lo && pa < ro_hi) {
            l3_img[j] = pa | D_TABLE | D_NORMAL | D_AP_EL1_RO | D_UXN;
        } else {
            l3_img[j] = pa | D_TABLE | D_NORMAL | D_PXN | D_UXN;
        }
    }
}

static void build_test_region(void) {
    l0[1] = pa_of(l1_t) | D_TABLE;
    l1_t[0] = pa_of(l2_t) | D_TABLE;
    l1_t[1] = RAM_BASE | D_BLOCK | D_NORMAL | D_PXN | D_UXN; /* 1 GiB block */
    l2_t[0] = pa_of(l3_t) | D_TABLE;
    l2_t[1] = (RAM_BASE + 0x400000) | D_BLOCK | D_NORMAL | D_PXN | D_UXN; /* 2 MiB block */
    l2_t[3] = 0x0e000000ull | D_TABLE;            /* next table where nothing answers */
    l2_t[4] = pa_of(l3_h) | D_TABLE | 1ull << 62; /* APTable[1]: no writes below */
    l3_t[0] = pa_of(pages[0]) | D_TABLE | D_NORMAL | D_PXN | D_UXN;
    l3_t[1] = pa_of(pages[1]) | D_TABLE | D_NORMAL | D_AP_EL1_RO | D_PXN | D_UXN;
    l3_t[2] = (pa_of(pages[2]) | D_TABLE | D_NORMAL | D_PXN | D_UXN) & ~D_AF;
    l3_t[3] = 0;
    l3_t[4] = pa_of(pages[3]) | D_TABLE | D_NORMAL | D_UXN;           /* EL1 RW, executable */
    l3_t[5] = pa_of(pages[3]) | D_TABLE | D_NORMAL | D_PXN | D_UXN;   /* same code, PXN */
    l3_t[6] = pa_of(pages[4]) | D_TABLE | D_NORMAL | D_AP_RW | D_UXN; /* EL0 RW: PXN implied */
    l3_t[7] = pa_of(pages[4]) | D_TABLE | D_NORMAL | D_AP_EL1_RW | D_PXN | D_UXN;
    l3_t[8] = pa_of(pages[4]) | D_TABLE | D_NORMAL | D_AP_RO | D_PXN | D_UXN;
    l3_t[9] = pa_of(pages[0]) | D_BLOCK | D_NORMAL;               /* 0b01 at level 3: reserved */
    l3_t[10] = (1ull << 44) | D_TABLE | D_NORMAL | D_PXN | D_UXN; /* beyond 44-bit PA */
    l3_t[11] = pa_of(pages[0]) | D_TABLE | D_NORMAL | D_PXN | D_UXN;
    l3_t[12] = pa_of(pages[5]) | D_TABLE | D_ATTR(2) | D_AF | D_PXN | D_UXN; /* non-cacheable,
                                                                             non-shareable */
    l3_h[0] = pa_of(pages[6]) | D_TABLE | D_NORMAL | D_PXN | D_UXN;

    l0_hi[0] = pa_of(l1_hi) | D_TABLE;
    l1_hi[0] = pa_of(l2_hi) | D_TABLE;
    l2_hi[0] = pa_of(l3_hi) | D_TABLE;
    l3_hi[5] = pa_of(pages[0]) | D_TABLE | D_NORMAL | D_PXN | D_UXN;
}

static void test_translations(void) {
    volatile uint64_t *a = (volatile uint64_t *)pages[0];
    a[0] = 0x1111222233334444ull;
    a[511] = 0x5555666677778888ull;
    mmu_exc_reset();
    CHECK_EQ(probe_load(T), 0x1111222233334444ull);
    CHECK_EQ(probe_load(T + 0xff8), 0x5555666677778888ull);
    probe_store(T + 8, 0xabcdef);
    CHECK_EQ(a[1], 0xabcdef);
    /* 2 MiB block: offset inside the block is kept. */
    *(volatile uint64_t *)(RAM_BASE + 0x400000 + 0x12340) = 0x2222;
    CHECK_EQ(probe_load(T + 0x200000 + 0x12340), 0x2222);
    /* 1 GiB block aliasing all of RAM. */
    CHECK_EQ(probe_load(T + (1ull << 30) + (pa_of(pages[0]) - RAM_BASE)), 0x1111222233334444ull);
    /* TTBR1 half. */
    CHECK_EQ(probe_load(T_HI + 5 * PAGE + 0xff8), 0x5555666677778888ull);
    /* Code at an executable alias. */
    put_code(pa_of(pages[3]), 42);
    CHECK_EQ(probe_call(T + 4 * PAGE, 7), 42);
    check_no_fault("translations");
}

static void test_translation_faults(void) {
    struct {
        uint64_t va;
        uint32_t fsc;
        const char *name;
    } cases[] = {
        {T + 3 * PAGE + 0x10, 0x07, "level 3 invalid"},
        {T + 9 * PAGE, 0x07, "level 3 reserved 0b01"},
        {T + 2 * 0x200000 + 0x20, 0x06, "level 2 invalid"},
        {T + (2ull << 30), 0x05, "level 1 invalid"},
        {0x0000010000000000ull, 0x04, "level 0 invalid"},
        {1ull << 48, 0x04, "above the TTBR0 range"},
        {0xfffe000000000000ull, 0x04, "below the TTBR1 range"},
        {T + 10 * PAGE + 8, 0x03, "address size level 3"},
        {T + 3 * 0x200000 + 0x48, 0x17, "external abort on walk, level 3"},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        mmu_exc_reset();
        CHECK_EQ(probe_load(cases[i].va), 0xdeadbeefdeadbeefull);
        check_fault(cases[i].name, esr_dabt(cases[i].fsc, false), cases[i].va);
        mmu_exc_reset();
        probe_store(cases[i].va, 1);
        check_fault(cases[i].name, esr_dabt(cases[i].fsc, true), cases[i].va);
    }
    /* The handler saw the faulting instruction's address. */
    mmu_exc_reset();
    uint64_t at;
    __asm__ volatile("adr %0, 1f\n 1: ldr xzr, [%1]" : "=&r"(at) : "r"(T + 3 * PAGE) : "memory");
    CHECK_EQ(exc_elr, at);
    CHECK_EQ(exc_vector, 4); /* current EL with SP_ELx, synchronous */
}

static void test_access_flag_and_permissions(void) {
    mmu_exc_reset();
    probe_load(T + 2 * PAGE + 0x30);
    check_fault("access flag", esr_dabt(0x0b, false), T + 2 * PAGE + 0x30);
    mmu_exc_reset();
    probe_store(T + PAGE + 0x18, 5);
    check_fault("store to EL1 read-only", esr_dabt(0x0f, true), T + PAGE + 0x18);
    mmu_exc_reset();
    CHECK_EQ(probe_load(T + PAGE), 0);
    check_no_fault("load from read-only");
    /* APTable[1] makes a RW page read-only. */
    mmu_exc_reset();
    probe_store(T + 4 * 0x200000 + 0x40, 5);
    check_fault("store under APTable[1]", esr_dabt(0x0f, true), T + 4 * 0x200000 + 0x40);
    /* Instruction fetch from a PXN page and from an EL0-writable page (implied PXN). */
    mmu_exc_reset();
    CHECK_EQ(probe_call(T + 5 * PAGE, 7), 7);
    check_fault("fetch from PXN", esr_iabt(0x0f), T + 5 * PAGE);
    CHECK_EQ(exc_elr, T + 5 * PAGE);
    put_code(pa_of(pages[4]), 9);
    mmu_exc_reset();
    CHECK_EQ(probe_call(T + 6 * PAGE, 7), 7);
    check_fault("fetch from EL0-writable", esr_iabt(0x0f), T + 6 * PAGE);
    /* Unprivileged accesses (LDTR/STTR) see EL0 permissions. */
    mmu_exc_reset();
    probe_store_el0(T + 6 * PAGE + 0x100, 0x77);
    CHECK_EQ(probe_load_el0(T + 6 * PAGE + 0x100), 0x77);
    check_no_fault("EL0 RW page");
    /* Needs LDTR/STTR at EL1 to use ARM_MMU_IDX_EL0 (decode-a64-ldst.c, trans_ldst_imm9). */
    mmu_exc_reset();
    probe_load_el0(T + 7 * PAGE + 0x100);
    check_fault("LDTR of EL1-only page", esr_dabt(0x0f, false), T + 7 * PAGE + 0x100);
    mmu_exc_reset();
    probe_store_el0(T + 7 * PAGE + 0x100, 1);
    check_fault("STTR to EL1-only page", esr_dabt(0x0f, true), T + 7 * PAGE + 0x100);
    mmu_exc_reset();
    CHECK_EQ(probe_load_el0(T + 8 * PAGE + 0x100), 0x77);
    probe_store_el0(T + 8 * PAGE + 0x100, 1);
    check_fault("STTR to EL0 read-only", esr_dabt(0x0f, true), T + 8 * PAGE + 0x100);
}

static void test_tlbi(void) {
    volatile uint64_t *a = (volatile uint64_t *)pages[0];
    volatile uint64_t *b = (volatile uint64_t *)pages[1];
    a[2] = 0xaaaa;
    b[2] = 0xbbbb;
    mmu_exc_reset();
    CHECK_EQ(probe_load(T + 11 * PAGE + 16), 0xaaaa);
    l3_t[11] = pa_of(pages[1]) | D_TABLE | D_NORMAL | D_PXN | D_UXN;
    tlbi_va(T + 11 * PAGE);
    CHECK_EQ(probe_load(T + 11 * PAGE + 16), 0xbbbb);
    check_no_fault("remap");
    l3_t[11] = 0;
    tlbi_va(T + 11 * PAGE);
    probe_load(T + 11 * PAGE + 16);
    check_fault("unmapped after TLBI", esr_dabt(0x07, false), T + 11 * PAGE + 16);
    l3_t[11] = pa_of(pages[0]) | D_TABLE | D_NORMAL | D_PXN | D_UXN;
    tlbi_all();
    mmu_exc_reset();
    CHECK_EQ(probe_load(T + 11 * PAGE + 16), 0xaaaa);
    check_no_fault("remapped after TLBI VMALLE1");
}

#define ASID(n) ((uint64_t)(n) << 48)

static inline void tlbi_aside1(uint64_t asid) {
    __asm__ volatile("dsb ishst\n tlbi aside1, %0\n dsb ish\n isb" : : "r"(asid) : "memory");
}

static inline void tlbi_vae1_asid(uint64_t va, uint64_t asid) {
    __asm__ volatile("dsb ishst\n tlbi vae1, %0\n dsb ish\n isb"
                     :
                     : "r"((va >> 12) | asid)
                     : "memory");
}

static void set_ttbr0(uint64_t v) {
    MSR(ttbr0_el1, v);
    __asm__ volatile("isb" ::: "memory");
}

static void test_asid(void) {
    /* Markers in three 2 MiB blocks of RAM, written through the identity map. */
    *(volatile uint64_t *)(RAM_BASE + 0x400080) = 0x1111;
    *(volatile uint64_t *)(RAM_BASE + 0x600080) = 0x2222;
    *(volatile uint64_t *)(RAM_BASE + 0x800080) = 0x3333;
    for (int i = 0; i < 512; i++) {
        l0_b[i] = l0[i];
    }
    l0[3] = pa_of(l1_ua) | D_TABLE;
    l1_ua[0] = pa_of(l2_ua) | D_TABLE;
    l2_ua[0] = (RAM_BASE + 0x400000) | D_BLOCK | D_NORMAL | D_NG | D_PXN | D_UXN;
    l0_b[3] = pa_of(l1_ub) | D_TABLE;
    l1_ub[0] = pa_of(l2_ub) | D_TABLE;
    l2_ub[0] = (RAM_BASE + 0x600000) | D_BLOCK | D_NORMAL | D_NG | D_PXN | D_UXN;
    __asm__ volatile("dsb ishst" ::: "memory");
    mmu_exc_reset();
    set_ttbr0(pa_of(l0) | ASID(1));
    CHECK_EQ(probe_load(U + 0x80), 0x1111);
    /* Another ASID: the non-global translations of ASID 1 do not apply (no TLBI needed). */
    set_ttbr0(pa_of(l0_b) | ASID(2));
    CHECK_EQ(probe_load(U + 0x80), 0x2222);
    CHECK_EQ(probe_load(T), 0x1111222233334444ull); /* global ones still translate */
    set_ttbr0(pa_of(l0) | ASID(1));
    CHECK_EQ(probe_load(U + 0x80), 0x1111);
    /* New block under ASID 1: TLBI ASIDE1 for another ASID need not remove it, for ASID 1
     * must. */
    l2_ua[0] = (RAM_BASE + 0x800000) | D_BLOCK | D_NORMAL | D_NG | D_PXN | D_UXN;
    tlbi_aside1(ASID(1));
    CHECK_EQ(probe_load(U + 0x80), 0x3333);
    /* TLBI by an address at the other end of the 2 MiB block removes the whole block. */
    l2_ua[0] = (RAM_BASE + 0x400000) | D_BLOCK | D_NORMAL | D_NG | D_PXN | D_UXN;
    tlbi_vae1_asid(U + 0x1ff000, ASID(1));
    CHECK_EQ(probe_load(U + 0x80), 0x1111);
    /* Unmapped under ASID 1 after TLBI VAE1 for an address in the block. */
    l2_ua[0] = 0;
    tlbi_vae1_asid(U + 0x100000, ASID(1));
    probe_load(U + 0x80);
    check_fault("block unmapped after TLBI VAE1", esr_dabt(0x06, false), U + 0x80);
    set_ttbr0(pa_of(l0) | ASID(0x42));
    l0[3] = 0;
    tlbi_all();
    mmu_exc_reset();
    check_no_fault("ASIDs");
}

static void test_at(void) {
    /* PAR_EL1 success: ATTR [63:56], PA [47:12], bit 11 RES1, SH [8:7]; NS (bit 9) is not
     * looked at (UNKNOWN for a Non-secure regime). Failure: FST [6:1], F = 1. */
    const uint64_t ns = 1ull << 9;
    CHECK_EQ(at_s1e1r(T + 0x123) & ~ns, 0xff00000000000000ull | pa_of(pages[0]) | 1 << 11 | 3 << 7);
    CHECK_EQ(at_s1e1r(T + 12 * PAGE) & ~ns, 0x4400000000000000ull | pa_of(pages[5]) | 1 << 11);
    CHECK_EQ(at_s1e1r(T + 0x200000 + 0x5000) & ~ns,
             0xff00000000000000ull | (RAM_BASE + 0x405000) | 1 << 11 | 3 << 7);
    CHECK_EQ(at_s1e1r(T + 3 * PAGE), 0x07 << 1 | 1 | 1 << 11);
    CHECK_EQ(at_s1e1r(T + 2 * PAGE), 0x0b << 1 | 1 | 1 << 11);
    CHECK_EQ(at_s1e1w(T + PAGE), 0x0f << 1 | 1 | 1 << 11);
    CHECK_EQ(at_s1e1r(T + PAGE) & 1, 0);
    CHECK_EQ(at_s1e0r(T + 7 * PAGE), 0x0f << 1 | 1 | 1 << 11);
    CHECK_EQ(at_s1e0r(T + 8 * PAGE) & ~ns,
             0xff00000000000000ull | pa_of(pages[4]) | 1 << 11 | 3 << 7);
    CHECK_EQ(at_s1e1r(0x0000010000000000ull), 0x04 << 1 | 1 | 1 << 11);
    mmu_exc_reset();
    check_no_fault("AT never faults");
}

static void test_tbi(void) {
    volatile uint64_t *a = (volatile uint64_t *)pages[0];
    a[3] = 0x7b1;
    mmu_exc_reset();
    probe_load(0x5a00000000000000ull | (T + 24));
    check_fault("tagged without TBI0", esr_dabt(0x04, false), 0x5a00000000000000ull | (T + 24));
    MSR(tcr_el1, TCR_BASE | TCR_TBI0);
    tlbi_all();
    mmu_exc_reset();
    CHECK_EQ(probe_load(0x5a00000000000000ull | (T + 24)), 0x7b1);
    CHECK_EQ(probe_load(0xff00000000000000ull | (T + 24)), 0x7b1);
    check_no_fault("TBI0");
    MSR(tcr_el1, TCR_BASE);
    tlbi_all();
}

static void test_wxn(void) {
    put_code(pa_of(pages[3]), 43);
    mmu_exc_reset();
    CHECK_EQ(probe_call(T + 4 * PAGE, 7), 43);
    MSR(sctlr_el1, MRS(sctlr_el1) | SCTLR_WXN);
    tlbi_all();
    /* The image is read-only, so this code keeps running; the writable alias is not
     * executable any more. */
    CHECK_EQ(probe_call(T + 4 * PAGE, 7), 7);
    check_fault("fetch from writable with WXN", esr_iabt(0x0f), T + 4 * PAGE);
    MSR(sctlr_el1, MRS(sctlr_el1) & ~SCTLR_WXN);
    tlbi_all();
    mmu_exc_reset();
    CHECK_EQ(probe_call(T + 4 * PAGE, 7), 43);
    check_no_fault("WXN off again");
}

int main(void) {
    mmu_install_vectors();
    build_identity();
    build_test_region();
    mmu_enable(TCR_BASE, pa_of(l0) | 0x0042ull << 48, pa_of(l0_hi));
    mmu_exc_reset();
    uart_puts("MMU on\n");
    check_no_fault("identity map");
    test_translations();
    test_translation_faults();
    test_access_flag_and_permissions();
    test_tlbi();
    test_asid();
    test_at();
    test_tbi();
    test_wxn();
    mmu_disable();
    return guest_report();
}
