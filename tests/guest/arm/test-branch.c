/*
 * test-branch.c — A64 branches (ARM ARM C6.2): B and BL (link = next instruction, forward,
 * backward and across pages), B.cond for all 16 conditions under all 16 NZCV values set with
 * MSR NZCV (checked against the ConditionHolds() table of ARM ARM C1.2.4), CBZ/CBNZ on W and X
 * (W ignores the upper half), TBZ/TBNZ on bits 0, 5, 31, 32 and 63, BR, BLR (including
 * BLR X30, which must branch to the old X30), and RET with X30 and another register.
 * Single-threaded bare metal.
 */
#include "runtime.h"

/* ---- B.cond ---- */

#define DEF_BCOND(cc)                                                                  \
    static int bcond_##cc(uint64_t nzcv)                                               \
    {                                                                                  \
        int r;                                                                         \
        __asm__ volatile("msr nzcv, %1\n"                                              \
                         "mov %w0, #1\n"                                               \
                         "b." #cc " 1f\n"                                              \
                         "mov %w0, #0\n"                                               \
                         "1:\n"                                                        \
                         : "=&r"(r)                                                    \
                         : "r"(nzcv)                                                   \
                         : "cc");                                                      \
        return r;                                                                      \
    }
DEF_BCOND(eq)
DEF_BCOND(ne)
DEF_BCOND(cs)
DEF_BCOND(cc)
DEF_BCOND(mi)
DEF_BCOND(pl)
DEF_BCOND(vs)
DEF_BCOND(vc)
DEF_BCOND(hi)
DEF_BCOND(ls)
DEF_BCOND(ge)
DEF_BCOND(lt)
DEF_BCOND(gt)
DEF_BCOND(le)
DEF_BCOND(al)
DEF_BCOND(nv)

static int (*const bcond_fns[16])(uint64_t) = {
    bcond_eq, bcond_ne, bcond_cs, bcond_cc, bcond_mi, bcond_pl, bcond_vs, bcond_vc,
    bcond_hi, bcond_ls, bcond_ge, bcond_lt, bcond_gt, bcond_le, bcond_al, bcond_nv,
};

/* ARM ARM C1.2.4 ConditionHolds(). */
static int condition_holds(int cond, int n, int z, int c, int v)
{
    int r;
    switch (cond >> 1) {
    case 0: r = z; break;
    case 1: r = c; break;
    case 2: r = n; break;
    case 3: r = v; break;
    case 4: r = c && !z; break;
    case 5: r = n == v; break;
    case 6: r = n == v && !z; break;
    default: r = 1; break;
    }
    if ((cond & 1) && cond != 15) {
        r = !r;
    }
    return r;
}

static void test_bcond(void)
{
    int bad = 0;
    for (int flags = 0; flags < 16; flags++) {
        int n = flags >> 3 & 1, z = flags >> 2 & 1, c = flags >> 1 & 1, v = flags & 1;
        for (int cond = 0; cond < 16; cond++) {
            int got = bcond_fns[cond]((uint64_t)flags << 28);
            int want = condition_holds(cond, n, z, c, v);
            if (got != want) {
                uart_puts("B.cond mismatch: cond ");
                print_dec(cond);
                uart_puts(" nzcv ");
                print_dec(flags);
                uart_putc('\n');
                bad++;
            }
        }
    }
    CHECK_EQ(bad, 0);
}

/* ---- B, BL ---- */

static void test_b_bl(void)
{
    uint64_t link, expect, r;
    __asm__ volatile("bl 1f\n"
                     "2: b 3f\n"
                     "1: mov %0, x30\n"
                     "adr %1, 2b\n"
                     "ret\n" /* back to 2: */
                     "3:\n"
                     : "=&r"(link), "=&r"(expect)
                     :
                     : "x30");
    CHECK_EQ(link, expect);
    /* backward loop */
    __asm__ volatile("mov %0, #0\n"
                     "mov x9, #10\n"
                     "1: add %0, %0, #3\n"
                     "sub x9, x9, #1\n"
                     "cbnz x9, 1b\n"
                     : "=&r"(r)
                     :
                     : "x9");
    CHECK_EQ(r, 30);
    /* across a page boundary, both directions */
    __asm__ volatile("mov %0, #1\n"
                     "b 1f\n"
                     "2: add %0, %0, #4\n"
                     "b 3f\n"
                     ".skip 8192\n"
                     "1: add %0, %0, #2\n"
                     "b 2b\n"
                     "3:\n"
                     : "=&r"(r));
    CHECK_EQ(r, 7);
}

/* ---- CBZ/CBNZ, TBZ/TBNZ ---- */

#define BRANCH_TAKEN(insn, val)                                                        \
    ({                                                                                 \
        int r_;                                                                        \
        __asm__ volatile("mov %w0, #1\n" insn ", 1f\n"                                 \
                         "mov %w0, #0\n"                                               \
                         "1:\n"                                                        \
                         : "=&r"(r_)                                                   \
                         : "r"((uint64_t)(val)));                                      \
        r_;                                                                            \
    })

static void test_cbz_tbz(void)
{
    CHECK_EQ(BRANCH_TAKEN("cbz %1", 0), 1);
    CHECK_EQ(BRANCH_TAKEN("cbz %1", 1ull << 63), 0);
    CHECK_EQ(BRANCH_TAKEN("cbnz %1", 1ull << 63), 1);
    CHECK_EQ(BRANCH_TAKEN("cbnz %1", 0), 0);
    CHECK_EQ(BRANCH_TAKEN("cbz %w1", 0xffffffff00000000ull), 1);
    CHECK_EQ(BRANCH_TAKEN("cbnz %w1", 0xffffffff00000000ull), 0);
    CHECK_EQ(BRANCH_TAKEN("cbnz %w1", 0x80000000ull), 1);
    CHECK_EQ(BRANCH_TAKEN("cbz %w1", 1), 0);

    CHECK_EQ(BRANCH_TAKEN("tbz %1, #0", 2), 1);
    CHECK_EQ(BRANCH_TAKEN("tbz %1, #0", 1), 0);
    CHECK_EQ(BRANCH_TAKEN("tbnz %1, #0", 1), 1);
    CHECK_EQ(BRANCH_TAKEN("tbnz %w1, #5", 0x20), 1);
    CHECK_EQ(BRANCH_TAKEN("tbz %w1, #5", 0x20), 0);
    CHECK_EQ(BRANCH_TAKEN("tbnz %w1, #31", 0x80000000ull), 1);
    CHECK_EQ(BRANCH_TAKEN("tbz %w1, #31", 0x7fffffffull), 1);
    CHECK_EQ(BRANCH_TAKEN("tbnz %1, #32", 1ull << 32), 1);
    CHECK_EQ(BRANCH_TAKEN("tbnz %1, #32", 0xffffffffull), 0);
    CHECK_EQ(BRANCH_TAKEN("tbz %1, #63", ~(1ull << 63)), 1);
    CHECK_EQ(BRANCH_TAKEN("tbnz %1, #63", 1ull << 63), 1);
    CHECK_EQ(BRANCH_TAKEN("tbz %1, #63", 1ull << 63), 0);
}

/* ---- BR, BLR, RET ---- */

static void test_register_branches(void)
{
    uint64_t r, link, expect;
    __asm__ volatile("adr x9, 1f\n"
                     "mov %0, #1\n"
                     "br x9\n"
                     "mov %0, #0\n"
                     "1:\n"
                     : "=&r"(r)
                     :
                     : "x9");
    CHECK_EQ(r, 1);
    /* BLR x9: link = the instruction after the BLR */
    __asm__ volatile("adr x9, 1f\n"
                     "blr x9\n"
                     "2: b 3f\n"
                     "1: mov %0, x30\n"
                     "adr %1, 2b\n"
                     "ret\n"
                     "3:\n"
                     : "=&r"(link), "=&r"(expect)
                     :
                     : "x9", "x30");
    CHECK_EQ(link, expect);
    /* BLR x30: the target is X30's old value, then X30 = link */
    __asm__ volatile("mov %0, #0\n"
                     "adr x30, 1f\n"
                     "blr x30\n"
                     "2: b 3f\n"
                     "1: mov %0, #1\n"
                     "mov %1, x30\n"
                     "adr %2, 2b\n"
                     "ret\n"
                     "3:\n"
                     : "=&r"(r), "=&r"(link), "=&r"(expect)
                     :
                     : "x30");
    CHECK_EQ(r, 1);
    CHECK_EQ(link, expect);
    /* RET through another register */
    __asm__ volatile("adr x10, 1f\n"
                     "mov %0, #5\n"
                     "ret x10\n"
                     "mov %0, #0\n"
                     "1:\n"
                     : "=&r"(r)
                     :
                     : "x10");
    CHECK_EQ(r, 5);
}

/* a called C function through a pointer: BLR plus RET in compiled code */
static uint64_t __attribute__((noinline)) add3(uint64_t x) { return x + 3; }
static uint64_t (*volatile fnptr)(uint64_t) = add3;

int main(void)
{
    test_bcond();
    test_b_bl();
    test_cbz_tbz();
    test_register_branches();
    CHECK_EQ(fnptr(39), 42);
    return guest_report();
}
