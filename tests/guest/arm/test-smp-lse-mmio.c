/*
 * test-smp-lse-mmio.c — LSE atomics (ARM ARM C3.2.12-C3.2.14) whose address is a device register
 * (test-smp-lse-mmio.args: -cpu max -smp 2 -device tandem-testdev; MMU off, so every access is
 * to Device-nGnRnE memory, D5.2.9). An atomic on MMIO is a device read, the operation and a
 * device write of the result, atomic with respect to other vCPUs, with the old value returned.
 *
 * Validated on the oracle (qemu-system-aarch64 -M virt -cpu max -smp 2, which has no test
 * device, detected by a data abort on its ID register): the 64-bit sequence (LDADD, LDSET,
 * LDCLR, LDEOR, LDSMAX, LDUMAX, LDSMIN, LDUMIN, SWP, CAS match and mismatch, STADD) and the
 * two-W-register CASP on a RAM word, the 32-bit sequence on the PL031's RTCLR (a plain
 * read/write register on both), and LDADD on an unmapped address (data abort, read side).
 * Tandem only (test device present): the 64-bit sequence and the CASP on SCRATCH0; an LDADDB
 * the device refuses (it takes 4- and 8-byte accesses) aborts like LDRB; CASP of two X registers
 * (a 16-byte access no device takes) aborts; a CAS whose comparison fails writes nothing
 * (RELEASE would complete CPU 1's waiting BLOCK read; QEMU writes the old value back, which
 * the ARM ARM permits, so this part cannot run there); two CPUs adding to SCRATCH1/2 with
 * LDADDAL and STADD lose no update; an atomic on BLOCK, whose read the device defers, ends in a
 * synchronous external abort (write side) once CPU 1 releases it, its destination unchanged.
 * Also run under ThreadSanitizer.
 */
#include "runtime.h"

#define ARCH ".arch armv8.1-a\n"
#define CPU_ON64 0xc4000003u
#define CPU_OFF 0x84000002u
#define ADDS 3000 /* concurrent LDADDAL and STADD per CPU */

#define TESTDEV 0x090f0000ul
#define TD_ID (TESTDEV + 0x00)
#define TD_BLOCK (TESTDEV + 0x08)
#define TD_RELEASE (TESTDEV + 0x10)
#define TD_PENDING (TESTDEV + 0x18)
#define TD_SCRATCH0 (TESTDEV + 0x40)
#define TD_SCRATCH1 (TESTDEV + 0x48)
#define TD_SCRATCH2 (TESTDEV + 0x50)
#define PL031_LR 0x09010008ul
#define HOLE 0x09001000ul

#define VEC_EL1H_SYNC (EXC_CUR_SPX * 4 + EXC_SYNC)
#define ESR_DABT(wnr, dfsc) ESR_MAKE(0x25, 1, ((uint64_t)(wnr) << 6) | (dfsc))
#define DFSC_EXT 0x10

#define REG64(a) (*(volatile uint64_t *)(a))

static uint8_t stack1[4096] __attribute__((aligned(16)));
static volatile uint64_t ram_word __attribute__((aligned(16)));
static volatile uint32_t stage, done1, done2;
static volatile uint64_t block_result;

/* ---- the instructions, on any address ---- */

#define LSE64(name, insn)                                                                      \
    static uint64_t name(uint64_t addr, uint64_t v)                                            \
    {                                                                                          \
        uint64_t old;                                                                          \
        __asm__ volatile(ARCH insn " %x1, %x0, [%2]" : "=&r"(old) : "r"(v), "r"(addr)          \
                         : "memory");                                                          \
        return old;                                                                            \
    }
#define LSE32(name, insn)                                                                      \
    static uint64_t name(uint64_t addr, uint32_t v)                                            \
    {                                                                                          \
        uint64_t old = ~0ull;                                                                  \
        __asm__ volatile(ARCH insn " %w1, %w0, [%2]" : "+&r"(old) : "r"(v), "r"(addr)          \
                         : "memory");                                                          \
        return old; /* a W destination is zero-extended into the X register */                \
    }
LSE64(ldadd64, "ldaddal")
LSE64(ldset64, "ldseta")
LSE64(ldclr64, "ldclrl")
LSE64(ldeor64, "ldeor")
LSE64(ldsmax64, "ldsmax")
LSE64(ldumax64, "ldumax")
LSE64(ldsmin64, "ldsmin")
LSE64(ldumin64, "ldumin")
LSE64(swp64, "swpal")
LSE32(ldadd32, "ldadd")
LSE32(ldset32, "ldsetal")
LSE32(ldclr32, "ldclra")
LSE32(swp32, "swp")
LSE32(ldsmax32, "ldsmaxl")

static uint64_t cas64(uint64_t addr, uint64_t cmp, uint64_t newv)
{
    __asm__ volatile(ARCH "casal %x0, %x1, [%2]" : "+&r"(cmp) : "r"(newv), "r"(addr) : "memory");
    return cmp;
}

static uint64_t cas32(uint64_t addr, uint32_t cmp, uint32_t newv)
{
    uint64_t c = cmp;
    __asm__ volatile(ARCH "cas %w0, %w1, [%2]" : "+&r"(c) : "r"(newv), "r"(addr) : "memory");
    return c;
}

static void stadd64(uint64_t addr, uint64_t v)
{
    __asm__ volatile(ARCH "stadd %x0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

static void stadd32(uint64_t addr, uint32_t v)
{
    __asm__ volatile(ARCH "staddl %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

/* CASP of two W registers (one 64-bit access, the first register in the low half): returns
 * the old pair as lo | hi << 32. */
static uint64_t casp_w(uint64_t addr, uint32_t c0, uint32_t c1, uint32_t n0, uint32_t n1)
{
    uint64_t lo = c0, hi = c1;
    __asm__ volatile(ARCH "mov x4, %0\n mov x5, %1\n mov x6, %2\n mov x7, %3\n"
                     "caspal w4, w5, w6, w7, [%4]\n mov %0, x4\n mov %1, x5"
                     : "+&r"(lo), "+&r"(hi)
                     : "r"((uint64_t)n0), "r"((uint64_t)n1), "r"(addr)
                     : "x4", "x5", "x6", "x7", "memory");
    return lo | hi << 32;
}

/* ---- sequences ---- */

static void seq64(uint64_t a)
{
    REG64(a) = 0x1000;
    CHECK_EQ(ldadd64(a, 5), 0x1000);
    CHECK_EQ(REG64(a), 0x1005);
    CHECK_EQ(ldset64(a, 0xf0000), 0x1005);
    CHECK_EQ(REG64(a), 0xf1005);
    CHECK_EQ(ldclr64(a, 5), 0xf1005);
    CHECK_EQ(REG64(a), 0xf1000);
    CHECK_EQ(ldeor64(a, 0xff), 0xf1000);
    CHECK_EQ(REG64(a), 0xf10ff);
    CHECK_EQ(ldsmax64(a, ~0ull), 0xf10ff); /* -1 < 0xf10ff: unchanged */
    CHECK_EQ(REG64(a), 0xf10ff);
    CHECK_EQ(ldumax64(a, ~0ull), 0xf10ff);
    CHECK_EQ(REG64(a), ~0ull);
    CHECK_EQ(ldsmin64(a, 7), ~0ull); /* -1 < 7: unchanged */
    CHECK_EQ(REG64(a), ~0ull);
    CHECK_EQ(ldumin64(a, 0x42), ~0ull);
    CHECK_EQ(REG64(a), 0x42);
    CHECK_EQ(swp64(a, 0xdeadbeef12345678ull), 0x42);
    CHECK_EQ(REG64(a), 0xdeadbeef12345678ull);
    CHECK_EQ(cas64(a, 1, 2), 0xdeadbeef12345678ull); /* mismatch */
    CHECK_EQ(REG64(a), 0xdeadbeef12345678ull);
    CHECK_EQ(cas64(a, 0xdeadbeef12345678ull, 0x0123456789abcdefull), 0xdeadbeef12345678ull);
    CHECK_EQ(REG64(a), 0x0123456789abcdefull);
    stadd64(a, 0x11);
    CHECK_EQ(REG64(a), 0x0123456789abce00ull);
    /* CASP of two W registers: one 8-byte access */
    REG64(a) = 0x0000000200000001ull;
    CHECK_EQ(casp_w(a, 1, 2, 0x11, 0x22), 0x0000000200000001ull);
    CHECK_EQ(REG64(a), 0x0000002200000011ull);
    CHECK_EQ(casp_w(a, 5, 6, 0x33, 0x44), 0x0000002200000011ull); /* mismatch */
    CHECK_EQ(REG64(a), 0x0000002200000011ull);
}

static void seq32(uint64_t a)
{
    volatile uint32_t *r = (volatile uint32_t *)a;
    *r = 100;
    CHECK_EQ(ldadd32(a, 5), 100);
    CHECK_EQ(*r, 105);
    CHECK_EQ(ldset32(a, 0x100), 105);
    CHECK_EQ(*r, 0x169);
    CHECK_EQ(ldclr32(a, 1), 0x169);
    CHECK_EQ(*r, 0x168);
    CHECK_EQ(swp32(a, 0x80000000u), 0x168);
    CHECK_EQ(*r, 0x80000000u);
    CHECK_EQ(ldsmax32(a, 1), 0x80000000u); /* negative as a 32-bit value: 1 is larger */
    CHECK_EQ(*r, 1);
    CHECK_EQ(cas32(a, 2, 9), 1); /* mismatch */
    CHECK_EQ(*r, 1);
    CHECK_EQ(cas32(a, 1, 0xcafe), 1);
    CHECK_EQ(*r, 0xcafe);
    stadd32(a, 2);
    CHECK_EQ(*r, 0xcb00);
}

/* One faulting instruction with x5 = address, x6 = operand, x7 = destination preset to
 * 0x1234: the abort it must take, and x7 unchanged. */
#define EXPECT_ABORT(insn, addr, wnr)                                                          \
    do {                                                                                       \
        uint64_t a_, x7_;                                                                      \
        exc_reset();                                                                           \
        __asm__ volatile(ARCH "mov x5, %2\n mov x6, #1\n mov x7, #0x1234\n adr %0, 1f\n"       \
                         "1: " insn "\n mov %1, x7"                                            \
                         : "=&r"(a_), "=&r"(x7_)                                               \
                         : "r"((uint64_t)(addr))                                               \
                         : "x4", "x5", "x6", "x7", "memory");                                  \
        CHECK_EQ(exc_last.count, 1);                                                           \
        CHECK_EQ(exc_last.vector, VEC_EL1H_SYNC);                                              \
        CHECK_EQ(exc_last.esr, ESR_DABT(wnr, DFSC_EXT));                                       \
        CHECK_EQ(exc_last.far, (uint64_t)(addr));                                              \
        CHECK_EQ(exc_last.elr, a_);                                                            \
        CHECK_EQ(x7_, 0x1234);                                                                 \
    } while (0)

static int testdev_present(void)
{
    exc_reset();
    uint64_t id = REG64(TD_ID);
    return exc_last.count == 0 && id == 0x54544456;
}

/* ---- the second CPU ---- */

static void wait_stage(uint32_t s)
{
    while (stage != s) {
    }
    __asm__ volatile("dmb ish" ::: "memory");
}

static void add_loop(void)
{
    for (int i = 0; i < ADDS; i++) {
        ldadd64(TD_SCRATCH1, 1);
        stadd64(TD_SCRATCH2, 3);
    }
}

void secondary_main(uint64_t context)
{
    wait_stage(1);
    block_result = REG64(TD_BLOCK); /* waits until CPU 0's CAS writes RELEASE */
    __asm__ volatile("dmb ish" ::: "memory");
    stage = 2;
    wait_stage(3);
    add_loop();
    __asm__ volatile("dmb ish" ::: "memory");
    done1 = 1;
    wait_stage(4);
    while (REG64(TD_PENDING) != 1) { /* CPU 0's atomic waits on BLOCK */
    }
    REG64(TD_RELEASE) = 0x55;
    __asm__ volatile("dmb ish" ::: "memory");
    done2 = 1;
    psci_hvc(CPU_OFF, 0, 0, 0, 0);
    uart_puts("FAIL CPU_OFF returned\n");
    for (;;) {
    }
}

static void test_two_cpus(void)
{
    CHECK_EQ(psci_hvc(CPU_ON64, 1, (uint64_t)secondary_entry, (uint64_t)&stack1[sizeof stack1],
                      0),
             0);
    /* A failed CAS writes nothing: a write to RELEASE would complete CPU 1's BLOCK read. */
    stage = 1;
    while (REG64(TD_PENDING) != 1) {
    }
    CHECK_EQ(cas64(TD_RELEASE, 1, 0x77), 0); /* RELEASE reads as 0: mismatch */
    CHECK_EQ(REG64(TD_PENDING), 1);
    CHECK_EQ(stage, 1);
    CHECK_EQ(cas64(TD_RELEASE, 0, 0x77), 0); /* match: the write releases CPU 1 */
    wait_stage(2);
    CHECK_EQ(block_result, 0x77);
    CHECK_EQ(REG64(TD_PENDING), 0);

    /* Both CPUs add to SCRATCH1 and SCRATCH2 at once: no update may be lost. */
    REG64(TD_SCRATCH1) = 0;
    REG64(TD_SCRATCH2) = 0;
    __asm__ volatile("dmb ish" ::: "memory");
    stage = 3;
    add_loop();
    while (!done1) {
    }
    CHECK_EQ(REG64(TD_SCRATCH1), 2 * ADDS);
    CHECK_EQ(REG64(TD_SCRATCH2), 2 * 3 * ADDS);

    /* An atomic on a deferred read: the read completes (CPU 1 releases it), then the atomic
     * takes a synchronous external abort on the write side, its destination unchanged. */
    stage = 4;
    EXPECT_ABORT("ldadd x6, x7, [x5]", TD_BLOCK, 1);
    while (!done2) {
    }
    CHECK_EQ(REG64(TD_PENDING), 0);
}

int main(void)
{
    exc_install();
    /* Unmapped: the read side aborts (WnR = 0), as a load there would. */
    EXPECT_ABORT("ldadd x6, x7, [x5]", HOLE, 0);
    EXPECT_ABORT("swp x6, x7, [x5]", HOLE, 0);
    seq32(PL031_LR);
    if (!testdev_present()) {
        uart_puts("no tandem-testdev: RAM and PL031 only\n");
        seq64((uint64_t)&ram_word);
        return guest_report();
    }
    seq64(TD_SCRATCH0);
    /* The device refuses 1-byte accesses: a data abort on the read, as LDRB takes; SCRATCH0
     * keeps its value. */
    REG64(TD_SCRATCH0) = 0x99;
    EXPECT_ABORT("ldaddb w6, w7, [x5]", TD_SCRATCH0, 0);
    CHECK_EQ(REG64(TD_SCRATCH0), 0x99);
    /* CASP of two X registers is one 16-byte access, which no device takes. */
    EXPECT_ABORT("casp x6, x7, x6, x7, [x5]", TD_SCRATCH0, 1);
    CHECK_EQ(REG64(TD_SCRATCH0), 0x99);
    test_two_cpus();
    return guest_report();
}
