/*
 * test-lse-undef.c — on an ARMv8.0 CPU (the default cortex-a57) every ARMv8.1 LSE encoding is
 * unallocated (ARM ARM C4.1.4: the atomic memory operations, SWP, CAS and CASP need
 * FEAT_LSE): each class (LD<op> for every op, ST<op>, SWP, CAS in every size, CASP of W and X
 * pairs, with and without A/L) raises UNDEF (ESR EC 0, IL 1, ISS 0) at the instruction, leaves
 * memory and registers untouched, and ID_AA64ISAR0_EL1.Atomic reads 0. Bare metal, one CPU.
 */
#include "runtime.h"

#define ARCH ".arch armv8.1-a\n"
#define VEC_EL1H_SYNC (EXC_CUR_SPX * 4 + EXC_SYNC)
#define ESR_UNDEF ESR_MAKE(0x00, 1, 0)
#define PATTERN 0x0123456789abcdefull

static volatile uint64_t mem[2] __attribute__((aligned(16)));

/* insn runs with x4 = x5 = x6 = x7 = 0x5a, x8 = &mem; x4..x7 must come back unchanged. */
#define TRY(insn, elr, regs)                                                                   \
    __asm__ volatile(ARCH "mov x4, #0x5a\n mov x5, x4\n mov x6, x4\n mov x7, x4\n mov x8, %3\n" \
                     "adr %0, 1f\n1: " insn "\n add %1, x4, x5\n add %2, x6, x7"              \
                     : "=&r"(elr), "=&r"(regs[0]), "=&r"(regs[1])                             \
                     : "r"(&mem[0])                                                            \
                     : "x4", "x5", "x6", "x7", "x8", "memory")

static void expect_undef(const char *insn, uint64_t elr, const uint64_t regs[2])
{
    if (exc_last.count != 1 || exc_last.esr != ESR_UNDEF) {
        uart_puts(insn);
        uart_puts(":\n");
    }
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.vector, VEC_EL1H_SYNC);
    CHECK_EQ(exc_last.esr, ESR_UNDEF);
    CHECK_EQ(exc_last.elr, elr);
    CHECK_EQ(regs[0], 0xb4);
    CHECK_EQ(regs[1], 0xb4);
    CHECK_EQ(mem[0], PATTERN);
    CHECK_EQ(mem[1], PATTERN);
}

#define EXPECT_UNDEF(insn)                                                                     \
    do {                                                                                       \
        uint64_t e_, r_[2];                                                                    \
        mem[0] = mem[1] = PATTERN;                                                             \
        exc_reset();                                                                           \
        TRY(insn, e_, r_);                                                                     \
        expect_undef(insn, e_, r_);                                                            \
    } while (0)

int main(void)
{
    exc_install();
    CHECK_EQ((READ_SYSREG(id_aa64isar0_el1) >> 20) & 15, 0);
    EXPECT_UNDEF("ldadd x4, x5, [x8]");
    EXPECT_UNDEF("ldaddalb w4, w5, [x8]");
    EXPECT_UNDEF("ldclrah w4, w5, [x8]");
    EXPECT_UNDEF("ldeorl w4, w5, [x8]");
    EXPECT_UNDEF("ldset x4, x5, [x8]");
    EXPECT_UNDEF("ldsmax x4, x5, [x8]");
    EXPECT_UNDEF("ldsminb w4, w5, [x8]");
    EXPECT_UNDEF("ldumaxh w4, w5, [x8]");
    EXPECT_UNDEF("lduminal x4, x5, [x8]");
    EXPECT_UNDEF("stadd x4, [x8]");
    EXPECT_UNDEF("stsetlb w4, [x8]");
    EXPECT_UNDEF("swp x4, x5, [x8]");
    EXPECT_UNDEF("swpalh w4, w5, [x8]");
    EXPECT_UNDEF("cas x4, x5, [x8]");
    EXPECT_UNDEF("casa w4, w5, [x8]");
    EXPECT_UNDEF("caslh w4, w5, [x8]");
    EXPECT_UNDEF("casalb w4, w5, [x8]");
    EXPECT_UNDEF("casp x4, x5, x6, x7, [x8]");
    EXPECT_UNDEF("caspal w4, w5, w6, w7, [x8]");
    return guest_report();
}
