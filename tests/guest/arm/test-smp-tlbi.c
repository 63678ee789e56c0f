/*
 * test-smp-tlbi.c — broadcast TLB maintenance on two vCPUs (test-smp-tlbi.args: -smp 2), MMU
 * on at EL1 with a 4 KiB granule (ARM ARM D8). Both CPUs share one set of tables and ASID 1.
 * CPU 1 keeps loading through a test VA (so its TLB holds the translation); each round CPU 0
 * points the VA's level 3 descriptor at the other of two pages, DSB ISHST, TLBI VAE1IS,
 * VMALLE1IS or ASIDE1IS (the mapping is nG, D8.13), DSB ISH, then raises a flag. CPU 1, once it
 * sees the flag (DMB ISH, ISB), must load the new page's value: completion of a TLBI ... IS is
 * guaranteed by the issuer's DSB ISH (D8.13.4). A local TLBI VAE1 on CPU 0 must update CPU 0;
 * whether it reaches CPU 1 is not checked (either is allowed).
 */
#include "test-mmu-common.h"

#define ROUNDS 200

static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2[512] __attribute__((aligned(4096)));
static uint64_t l3[512] __attribute__((aligned(4096)));
static uint64_t page_a[512] __attribute__((aligned(4096)));
static uint64_t page_b[512] __attribute__((aligned(4096)));
static uint8_t stack1[8192] __attribute__((aligned(16)));

#define TEST_VA 0x80000000ull /* level 1 index 2: the only mapping through l2/l3 */
#define VAL_A 0xaaaa5555aaaa0001ull
#define VAL_B 0xbbbb4444bbbb0002ull
/* T0SZ 25 (39-bit VA, walk from level 1), inner/outer WB, inner shareable, TG0 4K, EPD1, IPS
 * 40 bits (D17.2.131). */
#define TCR (25ull | 1ull << 8 | 1ull << 10 | 3ull << 12 | 1ull << 23 | 2ull << 32)
#define ASID 1ull

static volatile uint32_t posted, checked, cpu1_up, phase;
static volatile uint32_t bad;

static void build_tables(void)
{
    l1[0] = 0x00000000ull | D_BLOCK | D_DEVICE;                     /* UART and devices */
    l1[1] = 0x40000000ull | D_BLOCK | D_NORMAL;                     /* RAM, executable */
    l1[2] = (uint64_t)l2 | D_TABLE;
    l2[0] = (uint64_t)l3 | D_TABLE;
    l3[0] = (uint64_t)page_a | D_TABLE | D_NORMAL | D_NG | D_PXN | D_UXN;
    for (int i = 0; i < 512; i++) {
        page_a[i] = VAL_A;
        page_b[i] = VAL_B;
    }
    __asm__ volatile("dsb ish" ::: "memory");
}

static void mmu_on(void)
{
    mmu_enable(TCR, (uint64_t)l1 | ASID << 48, 0);
}

static uint64_t load_va(void) { return *(volatile uint64_t *)TEST_VA; }

static uint64_t want(uint32_t r) { return (r & 1) ? VAL_B : VAL_A; }

/* ---- CPU 1 ---- */

void secondary_main(uint64_t context)
{
    mmu_on();
    uint32_t seen = 0;
    if (load_va() != VAL_A) {
        bad++;
    }
    cpu1_up = 1;
    while (phase == 1) {
        uint32_t r = posted;
        if (r == seen) {
            load_va(); /* keep the translation in the TLB */
            continue;
        }
        __asm__ volatile("dmb ish\n isb" ::: "memory");
        if (load_va() != want(r)) {
            bad++;
        }
        seen = r;
        __asm__ volatile("dmb ish" ::: "memory");
        checked = r;
    }
    for (;;) {
        __asm__ volatile("wfe");
    }
}

/* ---- CPU 0 ---- */

static void repoint(uint32_t r)
{
    l3[0] = (uint64_t)((r & 1) ? page_b : page_a) | D_TABLE | D_NORMAL | D_NG | D_PXN | D_UXN;
    switch (r % 3) {
    case 0:
        __asm__ volatile("dsb ishst\n tlbi vae1is, %0\n dsb ish"
                         : : "r"(ASID << 48 | TEST_VA >> 12) : "memory");
        break;
    case 1: __asm__ volatile("dsb ishst\n tlbi vmalle1is\n dsb ish" ::: "memory"); break;
    default:
        __asm__ volatile("dsb ishst\n tlbi aside1is, %0\n dsb ish" : : "r"(ASID << 48) : "memory");
        break;
    }
}

int main(void)
{
    build_tables();
    mmu_on();
    CHECK_EQ(load_va(), VAL_A);
    phase = 1;
    __asm__ volatile("dmb ish" ::: "memory");
    CHECK_EQ(psci_hvc(0xc4000003u, 1, (uint64_t)secondary_entry,
                      (uint64_t)&stack1[sizeof(stack1)], 0), 0);
    while (!cpu1_up) {
    }
    for (uint32_t r = 1; r <= ROUNDS; r++) {
        repoint(r);
        __asm__ volatile("isb" ::: "memory");
        if (load_va() != want(r)) {
            bad++;
        }
        posted = r;
        while (checked != r) {
        }
        __asm__ volatile("dmb ish" ::: "memory");
    }
    /* A local TLBI VAE1: CPU 0 sees the new page; CPU 1 may or may not (not checked). */
    l3[0] = (uint64_t)page_a | D_TABLE | D_NORMAL | D_NG | D_PXN | D_UXN;
    __asm__ volatile("dsb ishst\n tlbi vae1, %0\n dsb ish\n isb"
                     : : "r"(ASID << 48 | TEST_VA >> 12) : "memory");
    CHECK_EQ(load_va(), VAL_A);
    phase = 2;
    CHECK_EQ(bad, 0);
    return guest_report();
}
