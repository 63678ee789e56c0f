/*
 * test-exc-abort.c — data aborts and alignment faults with the MMU off (ARM ARM D5.2.9: with
 * stage 1 disabled data accesses are to Device-nGnRnE memory): exact ESR_EL1 (EC 0x25 from
 * EL1, IL = 1, ISV = 0, WnR, DFSC) and FAR_EL1 for loads and stores to physical addresses where
 * the virt board has nothing (synchronous External abort, DFSC 0x10; EA = 0, an IMPLEMENTATION
 * DEFINED choice matched to QEMU), unaligned exclusives (pairs: their total size) and
 * acquire/release, always an Alignment fault (DFSC 0x21), and an instruction fetch from a hole
 * (EC 0x21, IFSC 0x10); ELR = the faulting instruction, faulting stores write nothing. Plain
 * unaligned Device accesses, STXR without a monitor and SP alignment (QEMU 7.2 differs from the
 * ARM ARM), and LDXP of two X registers at an 8- but not 16-byte aligned address (Tandem misses
 * it) are in test-exc-armarm.c.pending. The unmapped addresses are holes of the virt memory map
 * (after the PL011's 4 KiB, between virtio-mmio and the platform bus, just past 128 MiB of
 * RAM); 0 is not used because QEMU maps flash there. Bare metal, one CPU.
 */
#include "runtime.h"

#define VEC_EL1H_SYNC (EXC_CUR_SPX * 4 + EXC_SYNC)
#define ESR_DABT(wnr, dfsc) ESR_MAKE(0x25, 1, ((uint64_t)(wnr) << 6) | (dfsc))
#define DFSC_EXT 0x10
#define DFSC_ALIGN 0x21

static uint64_t buf[8] __attribute__((aligned(64)));

/* Executes insn with x5 = address (x6 = data, x7 = status register of STXR). */
#define ACCESS_AT(insn, addr, a)                                                               \
    __asm__ volatile("mov x5, %1\n mov x6, #0x5a\n adr %0, 1f\n1: " insn                      \
                     : "=&r"(a)                                                                \
                     : "r"((uint64_t)(addr))                                                   \
                     : "x5", "x6", "x7", "memory")

static void expect_abort(const char *what, uint64_t esr, uint64_t far, uint64_t elr)
{
    if (exc_last.count != 1 || exc_last.esr != esr || exc_last.far != far) {
        uart_puts(what);
        uart_puts(":\n");
    }
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.vector, VEC_EL1H_SYNC);
    CHECK_EQ(exc_last.esr, esr);
    CHECK_EQ(exc_last.far, far);
    CHECK_EQ(exc_last.elr, elr);
}

#define EXPECT(insn, addr, wnr, dfsc)                                                          \
    do {                                                                                       \
        uint64_t a_;                                                                           \
        exc_reset();                                                                           \
        ACCESS_AT(insn, addr, a_);                                                             \
        expect_abort(insn, ESR_DABT(wnr, dfsc), (uint64_t)(addr), a_);                         \
    } while (0)

static void test_external(void)
{
    static const uint64_t holes[] = {0x09001000, 0x09100000, 0x0b000000, 0x48000000,
                                     0x100000000ull};
    for (unsigned i = 0; i < sizeof holes / sizeof holes[0]; i++) {
        EXPECT("ldr x6, [x5]", holes[i], 0, DFSC_EXT);
        EXPECT("ldrb w6, [x5]", holes[i] + 3, 0, DFSC_EXT);
        EXPECT("str x6, [x5]", holes[i], 1, DFSC_EXT);
        EXPECT("strh w6, [x5]", holes[i] + 2, 1, DFSC_EXT);
    }
}

static void test_alignment(void)
{
    uint64_t base = (uint64_t)buf;
    /* Exclusives and acquire/release need natural alignment whatever the memory type (ARM ARM
     * B2.5.2); an exclusive pair needs alignment to its total size (16 bytes for two X
     * registers, 8 for two W registers). */
    EXPECT("ldxr x6, [x5]", base + 4, 0, DFSC_ALIGN);
    EXPECT("ldxr w6, [x5]", base + 2, 0, DFSC_ALIGN);
    EXPECT("ldaxrh w6, [x5]", base + 1, 0, DFSC_ALIGN);
    EXPECT("ldaxp w6, w7, [x5]", base + 4, 0, DFSC_ALIGN);
    EXPECT("ldar x6, [x5]", base + 1, 0, DFSC_ALIGN);
    EXPECT("stlr w6, [x5]", base + 2, 1, DFSC_ALIGN);
    EXPECT("stlrh w6, [x5]", base + 7, 1, DFSC_ALIGN);
    /* The faulting stores wrote nothing. */
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(buf[i], 0);
    }
    /* Aligned exclusives and acquire/release do not fault. */
    uint64_t a;
    exc_reset();
    ACCESS_AT("ldxr x6, [x5]\n mov x6, #0x77\n stxr w7, x6, [x5]\n add x5, x5, #4\n"
              " ldar w6, [x5]\n add x5, x5, #12\n ldxp x6, x7, [x5]\n clrex\n"
              " mov x6, #0x5a\n sub x5, x5, #8\n stlr x6, [x5]",
              base, a);
    CHECK_EQ(exc_last.count, 0);
    CHECK_EQ(buf[0], 0x77);
    CHECK_EQ(buf[1], 0x5a);
    (void)a;
}

/* A branch to a hole: the fetch takes an Instruction Abort (EC 0x21 from EL1, IFSC 0x10 synchronous
 * External abort), FAR = ELR = the target; the handler resumes at exc_resume_at. */
static void test_instruction_abort(void)
{
    static const uint64_t holes[] = {0x09100000, 0x0b000000, 0x48000000};
    for (unsigned i = 0; i < sizeof holes / sizeof holes[0]; i++) {
        uint64_t resume;
        exc_reset();
        __asm__ volatile("adr %0, 2f\n str %0, [%1]\n blr %2\n2:"
                         : "=&r"(resume)
                         : "r"(&exc_resume_at), "r"(holes[i])
                         : "x30", "memory");
        CHECK_EQ(exc_last.count, 1);
        CHECK_EQ(exc_last.vector, VEC_EL1H_SYNC);
        CHECK_EQ(exc_last.esr, ESR_MAKE(0x21, 1, 0x10));
        CHECK_EQ(exc_last.far, holes[i]);
        CHECK_EQ(exc_last.elr, holes[i]);
    }
}

int main(void)
{
    exc_install();
    test_external();
    test_alignment();
    test_instruction_abort();
    return guest_report();
}
