/*
 * test-lse.c — ARMv8.1 LSE atomics on one CPU (test-lse.args: -cpu max; ARM ARM C3.2.12-14,
 * C6.2 LDADD..LDUMIN, SWP, CAS, CASP): ID_AA64ISAR0_EL1.Atomic = 2; the value returned and
 * memory afterwards for every operation in every size (only the addressed bytes change), W
 * results zero-extended over a register that held ones, only the low bits of Rs used, SMAX/SMIN
 * signed and UMAX/UMIN unsigned on bytes and halfwords, the A/L/AL forms, ST<op> and XZR forms,
 * CAS and CASP (W and X pairs) failing and succeeding; unaligned accesses raise an Alignment
 * fault (ESR EC 0x25, DFSC 0x21, FAR = the address, WnR as a read) with memory and registers
 * untouched. Expected values checked on qemu-system-aarch64 -cpu max. Bare metal, MMU off.
 */
#include "runtime.h"

#define ARCH ".arch armv8.1-a\n"
#define VEC_EL1H_SYNC (EXC_CUR_SPX * 4 + EXC_SYNC)
#define ESR_DABT(wnr, dfsc) ESR_MAKE(0x25, 1, ((uint64_t)(wnr) << 6) | (dfsc))
#define DFSC_ALIGN 0x21
#define ONES 0xffffffffffffffffull

static volatile uint64_t mem[8] __attribute__((aligned(64)));

/* insn Xs/Ws, Xt/Wt, [p]: t starts as all ones so a W result shows its zero-extension. */
#define RMW_X(insn, s, p)                                                                      \
    ({                                                                                         \
        uint64_t t_ = ONES;                                                                    \
        __asm__ volatile(ARCH insn " %x1, %x0, [%2]" : "+&r"(t_) : "r"((uint64_t)(s)),         \
                         "r"(p) : "memory");                                                   \
        t_;                                                                                    \
    })
#define RMW_W(insn, s, p)                                                                      \
    ({                                                                                         \
        uint64_t t_ = ONES;                                                                    \
        __asm__ volatile(ARCH insn " %w1, %w0, [%2]" : "+&r"(t_) : "r"((uint64_t)(s)),         \
                         "r"(p) : "memory");                                                   \
        t_;                                                                                    \
    })
/* CAS: s = compare value in, old value out. */
#define CAS_X(insn, s, t, p)                                                                   \
    __asm__ volatile(ARCH insn " %x0, %x1, [%2]" : "+&r"(s) : "r"((uint64_t)(t)), "r"(p) :    \
                     "memory")
#define CAS_W(insn, s, t, p)                                                                   \
    __asm__ volatile(ARCH insn " %w0, %w1, [%2]" : "+&r"(s) : "r"((uint64_t)(t)), "r"(p) :    \
                     "memory")

static uint8_t *bytes(void) { return (uint8_t *)mem; }

static void test_id(void)
{
    CHECK_EQ((READ_SYSREG(id_aa64isar0_el1) >> 20) & 15, 2);
}

static void test_add_logic(void)
{
    mem[0] = 0x1000000000000001ull;
    CHECK_EQ(RMW_X("ldadd", ONES, &mem[0]), 0x1000000000000001ull);
    CHECK_EQ(mem[0], 0x1000000000000000ull);

    mem[0] = 0xaaaaaaaaffffffffull;
    CHECK_EQ(RMW_W("ldadda", 2, &mem[0]), 0xffffffffull); /* zero-extended */
    CHECK_EQ(mem[0], 0xaaaaaaaa00000001ull);               /* no carry out of the word */

    mem[0] = 0x11223344fffe5566ull;
    CHECK_EQ(RMW_W("ldaddlh", 0xffff0003u, bytes() + 2), 0xfffe); /* Rs high bits unused */
    CHECK_EQ(mem[0], 0x1122334400015566ull);
    CHECK_EQ(RMW_W("ldaddalb", 0x1ff, bytes() + 7), 0x11);
    CHECK_EQ(mem[0], 0x1022334400015566ull);

    mem[1] = 0xf0f0f0f0f0f0f0f0ull;
    CHECK_EQ(RMW_X("ldclr", 0xff000000000000f0ull, &mem[1]), 0xf0f0f0f0f0f0f0f0ull);
    CHECK_EQ(mem[1], 0x00f0f0f0f0f0f000ull);
    CHECK_EQ(RMW_W("ldclralb", 0xf0, bytes() + 9), 0xf0);
    CHECK_EQ(mem[1], 0x00f0f0f0f0f00000ull);
    CHECK_EQ(RMW_X("ldeor", 0x0123456789abcdefull, &mem[1]), 0x00f0f0f0f0f00000ull);
    CHECK_EQ(mem[1], 0x01d3b597795bcdefull);
    CHECK_EQ(RMW_W("ldeorh", 0xffff, bytes() + 8), 0xcdef);
    CHECK_EQ(mem[1], 0x01d3b597795b3210ull);
    CHECK_EQ(RMW_W("ldset", 0x80000001u, &mem[1]), 0x795b3210);
    CHECK_EQ(mem[1], 0x01d3b597f95b3211ull);
    CHECK_EQ(RMW_X("ldsetal", 0x8000000000000000ull, &mem[1]), 0x01d3b597f95b3211ull);
    CHECK_EQ(mem[1], 0x81d3b597f95b3211ull);
    CHECK_EQ(RMW_W("ldseth", 0x8000, bytes() + 14), 0x81d3);
    CHECK_EQ(RMW_W("ldsetlb", 0x40, bytes() + 8), 0x11);
    CHECK_EQ(mem[1], 0x81d3b597f95b3251ull);
}

static void test_minmax(void)
{
    /* bytes: signed -128 vs 127, unsigned 0x80 vs 0x7f */
    mem[2] = 0x8080808080808080ull;
    CHECK_EQ(RMW_W("ldsmaxb", 0x7f, bytes() + 16), 0x80); /* returned zero-extended */
    CHECK_EQ(RMW_W("ldsminb", 0x7f, bytes() + 17), 0x80);
    CHECK_EQ(RMW_W("ldumaxb", 0x7f, bytes() + 18), 0x80);
    CHECK_EQ(RMW_W("lduminab", 0x7f, bytes() + 19), 0x80);
    CHECK_EQ(mem[2], 0x808080807f80807full);
    /* only the low byte of Ws takes part: 0xffffff01 is +1 */
    CHECK_EQ(RMW_W("ldsmaxalb", 0xffffff01u, bytes() + 20), 0x80);
    CHECK_EQ(mem[2], 0x808080017f80807full);

    /* halfwords: 0x7fff vs 0x8000 */
    mem[3] = 0x7fff7fff7fff7fffull;
    CHECK_EQ(RMW_W("ldsmaxh", 0x8000, bytes() + 24), 0x7fff);
    CHECK_EQ(RMW_W("ldsminlh", 0x8000, bytes() + 26), 0x7fff);
    CHECK_EQ(RMW_W("ldumaxh", 0x8000, bytes() + 28), 0x7fff);
    CHECK_EQ(RMW_W("lduminh", 0x8000, bytes() + 30), 0x7fff);
    CHECK_EQ(mem[3], 0x7fff800080007fffull);
}

static void test_signed_wide(void)
{
    mem[4] = 0x0000000180000000ull;
    CHECK_EQ(RMW_W("ldsmax", 1, &mem[4]), 0x80000000ull); /* INT32_MIN < 1 */
    CHECK_EQ(mem[4], 0x0000000100000001ull);
    CHECK_EQ(RMW_W("ldumin", 0x80000000u, &mem[4]), 1);
    mem[4] = (uint64_t)-5;
    CHECK_EQ(RMW_X("ldsmin", 3, &mem[4]), (uint64_t)-5);
    CHECK_EQ(mem[4], (uint64_t)-5);
    CHECK_EQ(RMW_X("ldsmaxl", 3, &mem[4]), (uint64_t)-5);
    CHECK_EQ(mem[4], 3);
    CHECK_EQ(RMW_X("ldumax", ONES, &mem[4]), 3);
    CHECK_EQ(mem[4], ONES);
    CHECK_EQ(RMW_X("lduminal", 7, &mem[4]), ONES);
    CHECK_EQ(mem[4], 7);
}

static void test_swp(void)
{
    mem[5] = 0x0102030405060708ull;
    CHECK_EQ(RMW_X("swp", 0xa0a1a2a3a4a5a6a7ull, &mem[5]), 0x0102030405060708ull);
    CHECK_EQ(mem[5], 0xa0a1a2a3a4a5a6a7ull);
    CHECK_EQ(RMW_W("swpa", 0x11111111, bytes() + 44), 0xa0a1a2a3);
    CHECK_EQ(RMW_W("swplh", 0xffff2222u, bytes() + 40), 0xa6a7);
    CHECK_EQ(RMW_W("swpalb", 0x33, bytes() + 43), 0xa4);
    CHECK_EQ(mem[5], 0x1111111133a52222ull);
    /* Rs == Rt: the register's old value is stored, the memory value is returned */
    uint64_t r = 0x4444;
    __asm__ volatile(ARCH "swp %x0, %x0, [%1]" : "+r"(r) : "r"(&mem[5]) : "memory");
    CHECK_EQ(r, 0x1111111133a52222ull);
    CHECK_EQ(mem[5], 0x4444);
}

/* ST<op> (Rt = XZR) and Rs = XZR. */
static void test_xzr_forms(void)
{
    mem[6] = 100;
    __asm__ volatile(ARCH "stadd %x0, [%1]\n staddl %w0, [%1]" : : "r"(5ull), "r"(&mem[6]) :
                     "memory");
    CHECK_EQ(mem[6], 110);
    __asm__ volatile(ARCH "stclrb %w0, [%1]\n stsetlh %w2, [%1]\n steor %x3, [%1]" : :
                     "r"(0x0full), "r"(&mem[6]), "r"(0x100ull), "r"(0x1000000000000000ull) :
                     "memory");
    CHECK_EQ(mem[6], 0x1000000000000160ull);
    __asm__ volatile(ARCH "stsmax %x0, [%1]\n stumax %w2, [%1]" : : "r"(0x2000000000000000ull),
                     "r"(&mem[6]), "r"(0x10ull) : "memory");
    CHECK_EQ(mem[6], 0x2000000000000010ull);
    uint64_t t = ONES;
    __asm__ volatile(ARCH "ldadd xzr, %x0, [%1]" : "+r"(t) : "r"(&mem[6]) : "memory");
    CHECK_EQ(t, 0x2000000000000010ull);
    CHECK_EQ(mem[6], 0x2000000000000010ull);
    t = ONES;
    __asm__ volatile(ARCH "swp xzr, %x0, [%1]" : "+r"(t) : "r"(&mem[6]) : "memory");
    CHECK_EQ(t, 0x2000000000000010ull);
    CHECK_EQ(mem[6], 0);
    mem[6] = 0;
    __asm__ volatile(ARCH "mov x9, #7\n cas xzr, x9, [%0]" : : "r"(&mem[6]) : "x9", "memory");
    CHECK_EQ(mem[6], 7);
}

static void test_cas(void)
{
    uint64_t s;
    mem[7] = 0x8877665544332211ull;
    s = 0x8877665544332210ull; /* fails: Rs receives memory, memory unchanged */
    CAS_X("cas", s, 1, &mem[7]);
    CHECK_EQ(s, 0x8877665544332211ull);
    CHECK_EQ(mem[7], 0x8877665544332211ull);
    CAS_X("casal", s, 0x0123456789abcdefull, &mem[7]);
    CHECK_EQ(s, 0x8877665544332211ull);
    CHECK_EQ(mem[7], 0x0123456789abcdefull);

    s = 0xffffffff89abcdefull; /* W: only the low 32 bits compare; Rs is zero-extended */
    CAS_W("casa", s, 0xdeadbeefcafef00dull, &mem[7]);
    CHECK_EQ(s, 0x89abcdefull);
    CHECK_EQ(mem[7], 0x01234567cafef00dull);
    s = ONES;
    CAS_W("casl", s, 0, &mem[7]);
    CHECK_EQ(s, 0xcafef00dull);
    CHECK_EQ(mem[7], 0x01234567cafef00dull);

    s = 0xffff4567u;
    CAS_W("cash", s, 0x1234abcd, bytes() + 60);
    CHECK_EQ(s, 0x4567);
    CHECK_EQ(mem[7], 0x0123abcdcafef00dull);
    s = 0x4567;
    CAS_W("casalh", s, 0x9999, bytes() + 60);
    CHECK_EQ(s, 0xabcd);
    CHECK_EQ(mem[7], 0x0123abcdcafef00dull);

    s = 0x101;
    CAS_W("casb", s, 0x7f, bytes() + 63);
    CHECK_EQ(s, 0x01);
    CHECK_EQ(mem[7], 0x7f23abcdcafef00dull);
    s = 0x23;
    CAS_W("casab", s, 0x80, bytes() + 62);
    CHECK_EQ(s, 0x23);
    CHECK_EQ(mem[7], 0x7f80abcdcafef00dull);
    s = 0;
    CAS_W("caslb", s, 0x80, bytes() + 62);
    CHECK_EQ(s, 0x80);
    s = 0;
    CAS_W("casalb", s, 0x55, bytes() + 56);
    CHECK_EQ(s, 0x0d);
    CHECK_EQ(mem[7], 0x7f80abcdcafef00dull);
}

/* CASP with x4/x5 = compare (old out), x6/x7 = new. */
static void casp_x(const char *which, uint64_t *c0, uint64_t *c1, uint64_t n0, uint64_t n1,
                   volatile uint64_t *p)
{
    uint64_t a = *c0, b = *c1;
    if (which[4] == 'a') {
        __asm__ volatile(ARCH "mov x4, %0\n mov x5, %1\n mov x6, %2\n mov x7, %3\n"
                         "caspal x4, x5, x6, x7, [%4]\n mov %0, x4\n mov %1, x5"
                         : "+&r"(a), "+&r"(b) : "r"(n0), "r"(n1), "r"(p)
                         : "x4", "x5", "x6", "x7", "memory");
    } else {
        __asm__ volatile(ARCH "mov x4, %0\n mov x5, %1\n mov x6, %2\n mov x7, %3\n"
                         "casp x4, x5, x6, x7, [%4]\n mov %0, x4\n mov %1, x5"
                         : "+&r"(a), "+&r"(b) : "r"(n0), "r"(n1), "r"(p)
                         : "x4", "x5", "x6", "x7", "memory");
    }
    *c0 = a;
    *c1 = b;
}

static void test_casp(void)
{
    static volatile uint64_t pair[4] __attribute__((aligned(16)));
    uint64_t a, b;
    pair[0] = 0x1111111111111111ull;
    pair[1] = 0x2222222222222222ull;
    a = 0x1111111111111111ull; /* second half differs: fails */
    b = 0x2222222222222223ull;
    casp_x("casp", &a, &b, 5, 6, &pair[0]);
    CHECK_EQ(a, 0x1111111111111111ull);
    CHECK_EQ(b, 0x2222222222222222ull);
    CHECK_EQ(pair[0], 0x1111111111111111ull);
    CHECK_EQ(pair[1], 0x2222222222222222ull);
    casp_x("caspal", &a, &b, 5, 6, &pair[0]);
    CHECK_EQ(a, 0x1111111111111111ull);
    CHECK_EQ(b, 0x2222222222222222ull);
    CHECK_EQ(pair[0], 5);
    CHECK_EQ(pair[1], 6);

    /* W pair: one 64-bit access, the first register in the low word; results zero-extended */
    pair[2] = 0x0000000b0000000aull;
    uint64_t o0, o1;
    __asm__ volatile(ARCH "mov x4, #-1\n mov x5, #0xb\n mov w6, #0x77\n mov w7, #0x88\n"
                     "caspa w4, w5, w6, w7, [%2]\n mov %0, x4\n mov %1, x5"
                     : "=&r"(o0), "=&r"(o1) : "r"(&pair[2]) : "x4", "x5", "x6", "x7", "memory");
    CHECK_EQ(o0, 0xa);
    CHECK_EQ(o1, 0xb);
    CHECK_EQ(pair[2], 0x0000000b0000000aull);
    __asm__ volatile(ARCH "mov x4, #0xa\n mov x5, #0xb\n movk x5, #0xffff, lsl #48\n mov w6, #0x77\n"
                     "mov w7, #0x88\n caspl w4, w5, w6, w7, [%2]\n mov %0, x4\n mov %1, x5"
                     : "=&r"(o0), "=&r"(o1) : "r"(&pair[2]) : "x4", "x5", "x6", "x7", "memory");
    CHECK_EQ(o0, 0xa);
    CHECK_EQ(o1, 0xb);
    CHECK_EQ(pair[2], 0x0000008800000077ull);
}

/* Executes insn with x5 = address, x6 = 0x5a (data and result register). */
#define FAULT_AT(insn, addr, elr, x6out)                                                       \
    __asm__ volatile(ARCH "mov x5, %2\n mov x6, #0x5a\n mov x7, #0\n adr %0, 1f\n1: " insn   \
                     "\n mov %1, x6"                                                           \
                     : "=&r"(elr), "=&r"(x6out)                                                \
                     : "r"((uint64_t)(addr))                                                   \
                     : "x5", "x6", "x7", "memory")

static void expect_align(const char *what, uint64_t addr, uint64_t elr, uint64_t x6)
{
    if (exc_last.count != 1 || exc_last.esr != ESR_DABT(0, DFSC_ALIGN)) {
        uart_puts(what);
        uart_puts(":\n");
    }
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.vector, VEC_EL1H_SYNC);
    CHECK_EQ(exc_last.esr, ESR_DABT(0, DFSC_ALIGN));
    CHECK_EQ(exc_last.far, addr);
    CHECK_EQ(exc_last.elr, elr);
    CHECK_EQ(x6, 0x5a);
}

#define EXPECT_ALIGN(insn, addr)                                                               \
    do {                                                                                       \
        uint64_t e_, x6_;                                                                      \
        exc_reset();                                                                           \
        FAULT_AT(insn, addr, e_, x6_);                                                         \
        expect_align(insn, (uint64_t)(addr), e_, x6_);                                         \
    } while (0)

static void test_alignment(void)
{
    uint64_t base = (uint64_t)&mem[0];
    for (int i = 0; i < 8; i++) {
        mem[i] = 0x0123456789abcdefull;
    }
    EXPECT_ALIGN("ldadd x6, x6, [x5]", base + 4);
    EXPECT_ALIGN("ldaddal w6, w6, [x5]", base + 2);
    EXPECT_ALIGN("swph w6, w6, [x5]", base + 1);
    EXPECT_ALIGN("ldsmaxa x6, x6, [x5]", base + 8 + 7);
    EXPECT_ALIGN("stclrl w6, [x5]", base + 17);
    EXPECT_ALIGN("cas x6, x7, [x5]", base + 20);
    EXPECT_ALIGN("casah w6, w7, [x5]", base + 3);
    EXPECT_ALIGN("casp w6, w7, w6, w7, [x5]", base + 4);
    EXPECT_ALIGN("caspal x6, x7, x6, x7, [x5]", base + 8);
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(mem[i], 0x0123456789abcdefull);
    }
}

int main(void)
{
    exc_install();
    test_id();
    test_add_logic();
    test_minmax();
    test_signed_wide();
    test_swp();
    test_xzr_forms();
    test_cas();
    test_casp();
    test_alignment();
    return guest_report();
}
