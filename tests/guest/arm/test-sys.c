/*
 * test-sys.c — A64 system instructions (ARM ARM C5, C6.2 MRS/MSR/SYS/HINT): MRS of CurrentEL,
 * MIDR_EL1 (Cortex-A57 r1p0), MPIDR_EL1, DCZID_EL0, CNTFRQ_EL0 and CTR_EL0; round trips through
 * TPIDR_EL0, TPIDRRO_EL0, TPIDR_EL1, SP_EL0, NZCV and DAIF; MSR DAIFSet/DAIFClr; CNTVCT_EL0 and
 * CNTPCT_EL0 advancing; DC ZVA zeroing exactly its 64-byte block; and the hints, barriers and
 * cache maintenance operations that must execute without effect (SEVL + WFE returns at once).
 * Run with -cpu cortex-a57 at EL1 (as the virt board boots an ELF). Single-threaded bare metal.
 */
#include "runtime.h"

#define MRS(reg)                                                                       \
    ({                                                                                 \
        uint64_t v_;                                                                   \
        __asm__ volatile("mrs %0, " #reg : "=r"(v_));                                  \
        v_;                                                                            \
    })
#define MSR(reg, v) __asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(v)) : "memory")

static void test_id_registers(void)
{
    CHECK_EQ(MRS(CurrentEL), 1 << 2);
    CHECK_EQ(MRS(midr_el1), 0x411fd070);
    CHECK_EQ(MRS(mpidr_el1), 0x80000000);
    CHECK_EQ(MRS(dczid_el0), 4); /* 64-byte DC ZVA block, DZP = 0 */
    CHECK_EQ(MRS(cntfrq_el0), 62500000);
    CHECK_EQ(MRS(ctr_el0), 0x8444c004); /* 64-byte cache lines, PIPT I-cache */
}

static void test_thread_registers(void)
{
    MSR(tpidr_el0, 0x1122334455667788ull);
    MSR(tpidrro_el0, 0x99aabbccddeeff00ull);
    MSR(tpidr_el1, 0x0123456789abcdefull);
    CHECK_EQ(MRS(tpidr_el0), 0x1122334455667788ull);
    CHECK_EQ(MRS(tpidrro_el0), 0x99aabbccddeeff00ull);
    CHECK_EQ(MRS(tpidr_el1), 0x0123456789abcdefull);
    MSR(sp_el0, 0xfeedface12345670ull);
    CHECK_EQ(MRS(sp_el0), 0xfeedface12345670ull);
    /* MRS into XZR discards; MSR from XZR writes zero */
    __asm__ volatile("mrs xzr, tpidr_el0\n msr tpidr_el0, xzr" ::: "memory");
    CHECK_EQ(MRS(tpidr_el0), 0);
}

static void test_nzcv(void)
{
    for (uint64_t f = 0; f < 16; f++) {
        MSR(nzcv, f << 28);
        CHECK_EQ(MRS(nzcv), f << 28);
    }
    /* bits outside 31:28 are RES0 */
    MSR(nzcv, 0xffffffffffffffffull);
    CHECK_EQ(MRS(nzcv), 0xf0000000);
    /* flags set by an instruction read back through MRS: 1 - 2 gives N, no C */
    uint64_t f;
    __asm__ volatile("cmp %1, %2\n mrs %0, nzcv" : "=r"(f) : "r"(1ull), "r"(2ull) : "cc");
    CHECK_EQ(f, 0x80000000);
}

static void test_daif(void)
{
    uint64_t saved = MRS(daif);
    CHECK_EQ(saved, 0x3c0); /* all masked out of reset */
    __asm__ volatile("msr daifclr, #2" ::: "memory"); /* I */
    CHECK_EQ(MRS(daif), 0x340);
    __asm__ volatile("msr daifclr, #0xd" ::: "memory"); /* D, A, F */
    CHECK_EQ(MRS(daif), 0x000);
    __asm__ volatile("msr daifset, #4" ::: "memory"); /* A */
    CHECK_EQ(MRS(daif), 0x100);
    __asm__ volatile("msr daifset, #0xb" ::: "memory");
    CHECK_EQ(MRS(daif), 0x3c0);
    MSR(daif, 0x280);
    CHECK_EQ(MRS(daif), 0x280);
    MSR(daif, 0xffffffffffffffffull); /* only bits 9:6 exist */
    CHECK_EQ(MRS(daif), 0x3c0);
    MSR(daif, saved);
}

static void test_counters(void)
{
    uint64_t v0 = MRS(cntvct_el0);
    uint64_t p0 = MRS(cntpct_el0);
    volatile uint64_t sink = 0;
    uint64_t v1 = v0;
    /* spin until the counter moves (62.5 MHz: a few instructions' time) */
    for (int i = 0; i < 1000000 && v1 == v0; i++) {
        sink += (uint64_t)i;
        v1 = MRS(cntvct_el0);
    }
    __asm__ volatile("isb" ::: "memory");
    uint64_t p1 = MRS(cntpct_el0);
    CHECK_EQ(v1 > v0, 1);
    CHECK_EQ(p1 > p0, 1);
    /* and it does not run wildly fast: less than 10 s of ticks went by */
    CHECK_EQ(v1 - v0 < 625000000ull, 1);
}

static uint8_t zva_buf[192] __attribute__((aligned(64)));

static void test_dc_zva(void)
{
    for (int i = 0; i < 192; i++) {
        zva_buf[i] = 0xa5;
    }
    /* an address inside the middle block: the whole aligned block is zeroed */
    __asm__ volatile("dc zva, %0" : : "r"(&zva_buf[64 + 37]) : "memory");
    int outside_ok = 1, inside_ok = 1;
    for (int i = 0; i < 192; i++) {
        if (i >= 64 && i < 128) {
            inside_ok &= zva_buf[i] == 0;
        } else {
            outside_ok &= zva_buf[i] == 0xa5;
        }
    }
    CHECK_EQ(inside_ok, 1);
    CHECK_EQ(outside_ok, 1);
}

static void test_hints_and_barriers(void)
{
    uint64_t r = 0;
    __asm__ volatile("nop\n"
                     "yield\n"
                     "sev\n"
                     "sevl\n"
                     "wfe\n" /* returns at once: SEVL set the event register */
                     "hint #0x22\n" /* PSB CSYNC encoding: a NOP on this CPU */
                     "hint #0x7f\n"
                     "dsb sy\n"
                     "dsb ish\n"
                     "dmb ish\n"
                     "dmb ishld\n"
                     "dmb ishst\n"
                     "dmb oshst\n"
                     "isb\n"
                     "clrex\n"
                     "ic iallu\n"
                     "ic ialluis\n"
                     "ic ivau, %1\n"
                     "dc cvac, %1\n"
                     "dc cvau, %1\n"
                     "dc civac, %1\n"
                     "dc ivac, %1\n"
                     "add %0, %0, #1\n"
                     : "+r"(r)
                     : "r"(zva_buf)
                     : "memory");
    CHECK_EQ(r, 1);
}

int main(void)
{
    test_id_registers();
    test_thread_registers();
    test_nzcv();
    test_daif();
    test_counters();
    test_dc_zva();
    test_hints_and_barriers();
    return guest_report();
}
