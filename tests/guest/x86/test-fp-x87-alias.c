/*
 * test-fp-x87-alias.c — the undocumented x87 register forms that Intel and AMD CPUs (and QEMU)
 * execute as aliases of documented ones (SDM vol. 2 appendix A.4 leaves them blank; the
 * behaviour is the documented instruction's): FSTP1 D9 D8+i, FSTP8 DF D0+i, FSTP9 DF D8+i
 * (= FSTP ST(i)), FXCH4 DD C8+i, FXCH7 DF C8+i (= FXCH), FCOM2 DC D0+i (= FCOM), FCOMP3
 * DC D8+i and FCOMP5 DE D0+i (= FCOMP), FFREEP DF C0+i (FFREE ST(i), then pop).
 * Each sequence leaves ST0 in memory and the status word (TOP, C3..C0) for checking; the
 * stack is emptied with FNINIT between cases. Single CPU bare metal, ring 0.
 */
#include "runtime.h"

#define SW_C0 0x100
#define SW_C2 0x400
#define SW_C3 0x4000
#define SW_TOP(sw) (((sw) >> 11) & 7)

struct result {
    double st0;
    uint16_t sw;
};

/* Loads a (ST1) then b (ST0), runs the two alias bytes, stores ST0 without popping. */
#define RUN2(name, b1, b2)                                                                   \
    static struct result name(double a, double b)                                           \
    {                                                                                        \
        struct result r;                                                                     \
        __asm__ volatile("fninit\n\t"                                                        \
                         "fldl %2\n\t"                                                       \
                         "fldl %3\n\t"                                                       \
                         ".byte " #b1 ", " #b2 "\n\t"                                        \
                         "fnstsw %1\n\t"                                                     \
                         "fstl %0\n\t"                                                       \
                         "fninit"                                                            \
                         : "=m"(r.st0), "=m"(r.sw)                                           \
                         : "m"(a), "m"(b)                                                    \
                         : "memory");                                                        \
        return r;                                                                            \
    }

RUN2(fstp1, 0xd9, 0xd9)  /* FSTP1 ST(1): ST1 = ST0, pop */
RUN2(fstp8, 0xdf, 0xd1)  /* FSTP8 ST(1) */
RUN2(fstp9, 0xdf, 0xd9)  /* FSTP9 ST(1) */
RUN2(fxch4, 0xdd, 0xc9)  /* FXCH4 ST(1) */
RUN2(fxch7, 0xdf, 0xc9)  /* FXCH7 ST(1) */
RUN2(fcom2, 0xdc, 0xd1)  /* FCOM2 ST(1) */
RUN2(fcomp3, 0xdc, 0xd9) /* FCOMP3 ST(1) */
RUN2(fcomp5, 0xde, 0xd1) /* FCOMP5 ST(1) */

/* FFREEP ST(1) with three values loaded: ST1 becomes empty, then the stack pops, so the new
 * ST0 is that empty register. Returns the status word and the abridged tag word from FNSTENV
 * (SDM vol. 1 figure 8-9: 2 bits per physical register, 11 = empty). */
static void ffreep(uint16_t *sw, uint16_t *tags)
{
    uint32_t env[7];
    double one = 1.0;
    __asm__ volatile("fninit\n\t"
                     "fldl %2\n\t"
                     "fldl %2\n\t"
                     "fldl %2\n\t"
                     ".byte 0xdf, 0xc1\n\t" /* FFREEP ST(1) */
                     "fnstsw %0\n\t"
                     "fnstenv %1\n\t"
                     "fninit"
                     : "=m"(*sw), "=m"(env)
                     : "m"(one)
                     : "memory");
    *tags = (uint16_t)env[2];
}

int main(void)
{
    struct result r;
    /* Two loads from an empty stack: TOP = 6; one pop: TOP = 7. */
    r = fstp1(2.0, 5.0);
    CHECK_EQ((uint64_t)r.st0, 5);
    CHECK_EQ(SW_TOP(r.sw), 7);
    r = fstp8(2.0, 6.0);
    CHECK_EQ((uint64_t)r.st0, 6);
    CHECK_EQ(SW_TOP(r.sw), 7);
    r = fstp9(2.0, 7.0);
    CHECK_EQ((uint64_t)r.st0, 7);
    CHECK_EQ(SW_TOP(r.sw), 7);

    r = fxch4(2.0, 3.0);
    CHECK_EQ((uint64_t)r.st0, 2);
    CHECK_EQ(SW_TOP(r.sw), 6);
    r = fxch7(4.0, 3.0);
    CHECK_EQ((uint64_t)r.st0, 4);
    CHECK_EQ(SW_TOP(r.sw), 6);

    /* ST0 = 1 < ST1 = 2: C0 = 1, C2 = C3 = 0 (SDM FCOM table). */
    r = fcom2(2.0, 1.0);
    CHECK_EQ(r.sw & (SW_C0 | SW_C2 | SW_C3), SW_C0);
    CHECK_EQ(SW_TOP(r.sw), 6);
    CHECK_EQ((uint64_t)r.st0, 1);
    r = fcomp3(2.0, 2.0); /* equal: C3 */
    CHECK_EQ(r.sw & (SW_C0 | SW_C2 | SW_C3), SW_C3);
    CHECK_EQ(SW_TOP(r.sw), 7);
    CHECK_EQ((uint64_t)r.st0, 2);
    r = fcomp5(1.0, 3.0); /* greater: none */
    CHECK_EQ(r.sw & (SW_C0 | SW_C2 | SW_C3), 0);
    CHECK_EQ(SW_TOP(r.sw), 7);
    CHECK_EQ((uint64_t)r.st0, 1);

    /* Loads fill R7, R6, R5 (TOP 5); FFREEP ST(1) frees R6 and pops to TOP 6: R5 is empty
     * again (popped), R6 freed, R7 valid. Tag word: R7 = 00, R6..R0 = 11. */
    uint16_t sw, tags;
    ffreep(&sw, &tags);
    CHECK_EQ(SW_TOP(sw), 6);
    CHECK_EQ(tags, 0x3fff);
    return guest_report();
}
