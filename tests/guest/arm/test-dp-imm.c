/*
 * test-dp-imm.c — A64 data processing (immediate), part 1: PC-relative addressing (ADR,
 * ADRP), add/subtract (immediate) with and without flags, with LSL #12, on W and X registers
 * and with SP as operand, move wide (MOVZ, MOVN, MOVK on every halfword) and logical
 * (immediate) with a spread of bitmask immediates. Expected values follow ARM ARM C6.2; NZCV
 * is read back with MRS after each flag-setting instruction. Bitfield and EXTR are in
 * test-dp-bitfield.c. Single-threaded bare metal.
 */
#include "runtime.h"

#define N_ 0x80000000u
#define Z_ 0x40000000u
#define C_ 0x20000000u
#define V_ 0x10000000u

static uint64_t target_word = 7;

static void test_pc_rel(void)
{
    uint64_t adr, adrp, here, here_page;
    __asm__ volatile("adr %0, target_word_label\n"
                     "adrp %1, target_word_label\n"
                     "adr %2, .\n"
                     "adrp %3, .\n"
                     : "=r"(adr), "=r"(adrp), "=r"(here), "=r"(here_page));
    CHECK_EQ(adr, (uint64_t)&target_word);
    CHECK_EQ(adrp, (uint64_t)&target_word & ~0xfffull);
    CHECK_EQ(here_page, here & ~0xfffull);
    /* ADR with a negative offset: the instruction 8 bytes before this one */
    uint64_t back, self;
    __asm__ volatile("adr %1, .\n"
                     "adr %0, . - 4\n" : "=r"(back), "=r"(self));
    CHECK_EQ(back, self);
}
__asm__(".global target_word_label\n.set target_word_label, target_word\n");

/* ---- add/subtract (immediate) ---- */

static void test_add_sub_imm(void)
{
    uint64_t r, f;
    uint64_t a = 0x7fffffffffffffffull;

    __asm__ volatile("add %0, %1, #1" : "=r"(r) : "r"(a));
    CHECK_EQ(r, 0x8000000000000000ull);
    __asm__ volatile("add %0, %1, #0xabc, lsl #12" : "=r"(r) : "r"(0x1000ull));
    CHECK_EQ(r, 0xabd000ull);
    __asm__ volatile("sub %0, %1, #4095" : "=r"(r) : "r"(0ull));
    CHECK_EQ(r, (uint64_t)-4095);
    __asm__ volatile("sub %0, %1, #1, lsl #12" : "=r"(r) : "r"(0x1000ull));
    CHECK_EQ(r, 0);
    /* W forms wrap at 32 bits and clear the upper half */
    __asm__ volatile("add %w0, %w1, #1" : "=r"(r) : "r"(0xffffffffffffffffull));
    CHECK_EQ(r, 0);
    __asm__ volatile("sub %w0, %w1, #1" : "=r"(r) : "r"(0xffffffff00000000ull));
    CHECK_EQ(r, 0xffffffffull);
    __asm__ volatile("add %w0, %w1, #0xfff, lsl #12" : "=r"(r) : "r"(0x1234567800000001ull));
    CHECK_EQ(r, 0xfff001ull);

    /* flags, 64-bit */
    __asm__ volatile("adds %0, %2, #1\n mrs %1, nzcv" : "=r"(r), "=r"(f) : "r"(a));
    CHECK_EQ(r, 0x8000000000000000ull);
    CHECK_EQ(f, N_ | V_);
    __asm__ volatile("adds %0, %2, #1\n mrs %1, nzcv" : "=r"(r), "=r"(f) : "r"(~0ull));
    CHECK_EQ(r, 0);
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("subs %0, %2, #1\n mrs %1, nzcv" : "=r"(r), "=r"(f) : "r"(0ull));
    CHECK_EQ(r, ~0ull);
    CHECK_EQ(f, N_);
    __asm__ volatile("subs %0, %2, #1\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(0x8000000000000000ull));
    CHECK_EQ(r, 0x7fffffffffffffffull);
    CHECK_EQ(f, C_ | V_);
    __asm__ volatile("cmp %1, #5\n mrs %0, nzcv" : "=r"(f) : "r"(5ull));
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("cmp %1, #6\n mrs %0, nzcv" : "=r"(f) : "r"(5ull));
    CHECK_EQ(f, N_);
    __asm__ volatile("cmn %1, #1\n mrs %0, nzcv" : "=r"(f) : "r"(~0ull));
    CHECK_EQ(f, Z_ | C_);

    /* flags, 32-bit: computed on the low word only */
    __asm__ volatile("adds %w0, %w2, #1\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(0x000000017fffffffull));
    CHECK_EQ(r, 0x80000000ull);
    CHECK_EQ(f, N_ | V_);
    __asm__ volatile("adds %w0, %w2, #1\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(0x00000000ffffffffull));
    CHECK_EQ(r, 0);
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("subs %w0, %w2, #1\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(0xffffffff80000000ull));
    CHECK_EQ(r, 0x7fffffffull);
    CHECK_EQ(f, C_ | V_);
    __asm__ volatile("cmp %w1, #0\n mrs %0, nzcv" : "=r"(f) : "r"(0x100000000ull));
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("cmp %w1, #1\n mrs %0, nzcv" : "=r"(f) : "r"(0x100000000ull));
    CHECK_EQ(f, N_);

    /* SP as source and destination (ADD/SUB), MOV to/from SP */
    uint64_t sp0, sp1, sp2, w;
    __asm__ volatile("mov %0, sp\n"
                     "sub sp, sp, #0x20\n"
                     "mov %1, sp\n"
                     "add sp, sp, #0x20\n"
                     "add %2, sp, #8\n"
                     "add %w3, wsp, #1\n"
                     : "=&r"(sp0), "=&r"(sp1), "=&r"(sp2), "=&r"(w));
    CHECK_EQ(sp1, sp0 - 0x20);
    CHECK_EQ(sp2, sp0 + 8);
    CHECK_EQ(w, (uint32_t)(sp0 + 1));
    /* ADDS with Rn = SP; Rd 31 is XZR for ADDS (CMN SP) */
    __asm__ volatile("adds %0, sp, #0\n mrs %1, nzcv" : "=r"(r), "=r"(f));
    CHECK_EQ(r, sp0);
    CHECK_EQ(f, 0);
    __asm__ volatile("cmp sp, #0\n mrs %0, nzcv" : "=r"(f));
    CHECK_EQ(f, C_);
}

/* ---- move wide ---- */

static void test_move_wide(void)
{
    uint64_t r;
    __asm__ volatile("movz %0, #0xbeef, lsl #48" : "=r"(r));
    CHECK_EQ(r, 0xbeef000000000000ull);
    __asm__ volatile("movz %0, #0x1234, lsl #32" : "=r"(r));
    CHECK_EQ(r, 0x0000123400000000ull);
    __asm__ volatile("movz %w0, #0xffff, lsl #16" : "=r"(r));
    CHECK_EQ(r, 0xffff0000ull);
    __asm__ volatile("movn %0, #0" : "=r"(r));
    CHECK_EQ(r, ~0ull);
    __asm__ volatile("movn %0, #0x1234, lsl #16" : "=r"(r));
    CHECK_EQ(r, 0xffffffffedcbffffull);
    __asm__ volatile("movn %w0, #0" : "=r"(r));
    CHECK_EQ(r, 0xffffffffull);
    __asm__ volatile("movn %w0, #0x8000, lsl #16" : "=r"(r));
    CHECK_EQ(r, 0x7fffffffull);
    r = 0x1111222233334444ull;
    __asm__ volatile("movk %0, #0xaaaa" : "+r"(r));
    CHECK_EQ(r, 0x111122223333aaaaull);
    __asm__ volatile("movk %0, #0xbbbb, lsl #16" : "+r"(r));
    CHECK_EQ(r, 0x11112222bbbbaaaaull);
    __asm__ volatile("movk %0, #0xcccc, lsl #32" : "+r"(r));
    CHECK_EQ(r, 0x1111ccccbbbbaaaaull);
    __asm__ volatile("movk %0, #0xdddd, lsl #48" : "+r"(r));
    CHECK_EQ(r, 0xddddccccbbbbaaaaull);
    /* the W form of MOVK clears bits 63:32 */
    __asm__ volatile("movk %w0, #0x5555, lsl #16" : "+r"(r));
    CHECK_EQ(r, 0x5555aaaaull);
    __asm__ volatile("movk %w0, #0x6666" : "+r"(r));
    CHECK_EQ(r, 0x55556666ull);
    /* MOVZ to XZR is discarded */
    __asm__ volatile("movz xzr, #1\n mov %0, xzr" : "=r"(r));
    CHECK_EQ(r, 0);
}

/* ---- logical (immediate) ---- */

static void test_logic_imm(void)
{
    uint64_t r, f;
    uint64_t a = 0x0123456789abcdefull;

    __asm__ volatile("and %0, %1, #0xff" : "=r"(r) : "r"(a));
    CHECK_EQ(r, 0xefull);
    __asm__ volatile("and %0, %1, #0xffff0000ffff0000" : "=r"(r) : "r"(a));
    CHECK_EQ(r, 0x0123000089ab0000ull);
    __asm__ volatile("orr %0, %1, #0x5555555555555555" : "=r"(r) : "r"(0ull));
    CHECK_EQ(r, 0x5555555555555555ull);
    __asm__ volatile("orr %0, %1, #0x8000000000000000" : "=r"(r) : "r"(1ull));
    CHECK_EQ(r, 0x8000000000000001ull);
    __asm__ volatile("eor %0, %1, #0xfffffffffffffffe" : "=r"(r) : "r"(a));
    CHECK_EQ(r, ~a ^ 1);
    __asm__ volatile("eor %0, %1, #0x7fffffffffffffff" : "=r"(r) : "r"(~0ull));
    CHECK_EQ(r, 0x8000000000000000ull);
    __asm__ volatile("and %0, %1, #0x0f0f0f0f0f0f0f0f" : "=r"(r) : "r"(a));
    CHECK_EQ(r, 0x01030507090b0d0full);
    __asm__ volatile("orr %0, xzr, #0x3c3c3c3c3c3c3c3c" : "=r"(r));
    CHECK_EQ(r, 0x3c3c3c3c3c3c3c3cull);
    __asm__ volatile("orr %0, xzr, #0x00ffffff00ffffff" : "=r"(r));
    CHECK_EQ(r, 0x00ffffff00ffffffull);
    __asm__ volatile("orr %0, xzr, #0xfff0000000000fff" : "=r"(r));
    CHECK_EQ(r, 0xfff0000000000fffull);
    __asm__ volatile("orr %0, xzr, #0x6666666666666666" : "=r"(r));
    CHECK_EQ(r, 0x6666666666666666ull);
    /* W forms */
    __asm__ volatile("and %w0, %w1, #0xff00ff00" : "=r"(r) : "r"(~0ull));
    CHECK_EQ(r, 0xff00ff00ull);
    __asm__ volatile("orr %w0, %w1, #0x80000001" : "=r"(r) : "r"(0xffffffff00000000ull));
    CHECK_EQ(r, 0x80000001ull);
    __asm__ volatile("eor %w0, %w1, #0xfffffffe" : "=r"(r) : "r"(0x123456789ull));
    CHECK_EQ(r, 0x23456789ull ^ 0xfffffffeull);
    __asm__ volatile("orr %w0, wzr, #0xaaaaaaaa" : "=r"(r));
    CHECK_EQ(r, 0xaaaaaaaaull);
    /* ANDS / TST flags: N from the top bit of the width, Z, C=V=0 */
    __asm__ volatile("msr nzcv, %2\n ands %0, %3, #0x8000000000000000\n mrs %1, nzcv"
                     : "=r"(r), "=r"(f) : "r"((uint64_t)(C_ | V_)), "r"(~0ull));
    CHECK_EQ(r, 0x8000000000000000ull);
    CHECK_EQ(f, N_);
    __asm__ volatile("msr nzcv, %1\n tst %2, #1\n mrs %0, nzcv"
                     : "=r"(f) : "r"((uint64_t)(N_ | C_ | V_)), "r"(2ull));
    CHECK_EQ(f, Z_);
    __asm__ volatile("ands %w0, %w2, #0x80000000\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(0xffffffffull));
    CHECK_EQ(r, 0x80000000ull);
    CHECK_EQ(f, N_);
    __asm__ volatile("ands %w0, %w2, #0xffff\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(0xffffffff00000000ull));
    CHECK_EQ(r, 0);
    CHECK_EQ(f, Z_);
    /* AND/ORR with Rd = SP (used to align the stack); restore SP afterwards */
    uint64_t sp0, sp1;
    __asm__ volatile("mov x9, sp\n"
                     "and sp, x9, #0xffffffffffffff00\n"
                     "mov %1, sp\n"
                     "mov sp, x9\n"
                     "mov %0, sp\n"
                     : "=r"(sp0), "=r"(sp1) : : "x9");
    CHECK_EQ(sp1, sp0 & ~0xffull);
}

int main(void)
{
    CHECK_EQ(target_word, 7);
    test_pc_rel();
    test_add_sub_imm();
    test_move_wide();
    test_logic_imm();
    return guest_report();
}
