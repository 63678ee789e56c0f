/*
 * test-dp-bitfield.c — A64 bitfield moves and extract: SBFM, BFM, UBFM through their aliases
 * (ASR/LSL/LSR immediate, SBFX, SBFIZ, UBFX, UBFIZ, BFI, BFXIL, SXTB/H/W, UXTB/H) and the raw
 * encodings (both the s >= r and s < r cases), on W and X registers, plus EXTR and ROR
 * (immediate). Expected values follow ARM ARM C6.2. Single-threaded bare metal.
 */
#include "runtime.h"

static const uint64_t pat = 0xfedcba9876543210ull;

static void test_shifts_imm(void)
{
    uint64_t r;
    __asm__ volatile("lsl %0, %1, #4" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, 0xedcba98765432100ull);
    __asm__ volatile("lsl %0, %1, #63" : "=r"(r) : "r"(3ull));
    CHECK_EQ(r, 0x8000000000000000ull);
    __asm__ volatile("lsr %0, %1, #60" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, 0xfull);
    __asm__ volatile("asr %0, %1, #60" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, 0xffffffffffffffffull);
    __asm__ volatile("asr %0, %1, #63" : "=r"(r) : "r"(0x7fffffffffffffffull));
    CHECK_EQ(r, 0);
    __asm__ volatile("asr %0, %1, #1" : "=r"(r) : "r"(0x8000000000000000ull));
    CHECK_EQ(r, 0xc000000000000000ull);
    __asm__ volatile("lsl %w0, %w1, #31" : "=r"(r) : "r"(0xffffffffffffffffull));
    CHECK_EQ(r, 0x80000000ull);
    __asm__ volatile("lsr %w0, %w1, #31" : "=r"(r) : "r"(0xffffffff80000000ull));
    CHECK_EQ(r, 1);
    __asm__ volatile("asr %w0, %w1, #4" : "=r"(r) : "r"(0x0000000080000000ull));
    CHECK_EQ(r, 0xf8000000ull);
    __asm__ volatile("asr %w0, %w1, #0" : "=r"(r) : "r"(0xffffffff12345678ull));
    CHECK_EQ(r, 0x12345678ull);
}

static void test_extends(void)
{
    uint64_t r;
    __asm__ volatile("sxtb %0, %w1" : "=r"(r) : "r"(0x1234567812345680ull));
    CHECK_EQ(r, 0xffffffffffffff80ull);
    __asm__ volatile("sxtb %w0, %w1" : "=r"(r) : "r"(0x00000000000000ffull));
    CHECK_EQ(r, 0xffffffffull);
    __asm__ volatile("sxth %0, %w1" : "=r"(r) : "r"(0x0000000000008001ull));
    CHECK_EQ(r, 0xffffffffffff8001ull);
    __asm__ volatile("sxth %w0, %w1" : "=r"(r) : "r"(0x0000000000007fffull));
    CHECK_EQ(r, 0x7fffull);
    __asm__ volatile("sxtw %0, %w1" : "=r"(r) : "r"(0x0000000080000000ull));
    CHECK_EQ(r, 0xffffffff80000000ull);
    __asm__ volatile("sxtw %0, %w1" : "=r"(r) : "r"(0xffffffff7fffffffull));
    CHECK_EQ(r, 0x7fffffffull);
    __asm__ volatile("uxtb %w0, %w1" : "=r"(r) : "r"(0xffffffffffffff80ull));
    CHECK_EQ(r, 0x80ull);
    __asm__ volatile("uxth %w0, %w1" : "=r"(r) : "r"(0xffffffffffff8001ull));
    CHECK_EQ(r, 0x8001ull);
}

static void test_bitfield_extract_insert(void)
{
    uint64_t r;
    __asm__ volatile("ubfx %0, %1, #8, #12" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, 0x432ull);
    __asm__ volatile("ubfx %0, %1, #0, #64" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, pat);
    __asm__ volatile("sbfx %0, %1, #60, #4" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, (uint64_t)-1);
    __asm__ volatile("sbfx %0, %1, #4, #4" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, 1);
    __asm__ volatile("sbfx %0, %1, #20, #8" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, 0x65ull);
    __asm__ volatile("sbfx %0, %1, #36, #8" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, 0xffffffffffffffa9ull);
    __asm__ volatile("sbfx %w0, %w1, #28, #4" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, 0x7ull);
    __asm__ volatile("sbfx %w0, %w1, #4, #8" : "=r"(r) : "r"(0xf80ull));
    CHECK_EQ(r, 0xfffffff8ull);
    __asm__ volatile("ubfx %w0, %w1, #16, #16" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, 0x7654ull);
    __asm__ volatile("ubfiz %0, %1, #48, #16" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, 0x3210000000000000ull);
    __asm__ volatile("ubfiz %0, %1, #4, #8" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, 0x100ull);
    __asm__ volatile("sbfiz %0, %1, #8, #8" : "=r"(r) : "r"(0x80ull));
    CHECK_EQ(r, 0xffffffffffff8000ull);
    __asm__ volatile("sbfiz %w0, %w1, #28, #4" : "=r"(r) : "r"(0x8ull));
    CHECK_EQ(r, 0x80000000ull);
    __asm__ volatile("ubfiz %w0, %w1, #31, #1" : "=r"(r) : "r"(0xffffffffffffffffull));
    CHECK_EQ(r, 0x80000000ull);

    r = 0xffffffffffffffffull;
    __asm__ volatile("bfi %0, %1, #8, #16" : "+r"(r) : "r"(pat));
    CHECK_EQ(r, 0xffffffffff3210ffull);
    __asm__ volatile("bfxil %0, %1, #60, #4" : "+r"(r) : "r"(0x5000000000000000ull));
    CHECK_EQ(r, 0xffffffffff3210f5ull);
    __asm__ volatile("bfi %0, %1, #0, #64" : "+r"(r) : "r"(pat));
    CHECK_EQ(r, pat);
    __asm__ volatile("bfi %0, xzr, #32, #16" : "+r"(r));
    CHECK_EQ(r, 0xfedc000076543210ull);
    r = 0xaaaaaaaaaaaaaaaaull;
    __asm__ volatile("bfi %w0, %w1, #28, #4" : "+r"(r) : "r"(0x5ull));
    CHECK_EQ(r, 0x5aaaaaaaull); /* W form clears the upper half */
    r = 0x123456789ull;
    __asm__ volatile("bfxil %w0, %w1, #0, #8" : "+r"(r) : "r"(0xffull));
    CHECK_EQ(r, 0x234567ffull);

    /* raw encodings, including the r > s wrap case of each opcode */
    __asm__ volatile("ubfm %0, %1, #62, #1" : "=r"(r) : "r"(0x3ull));
    CHECK_EQ(r, 0xcull); /* bits 1:0 to bit 2 */
    __asm__ volatile("sbfm %0, %1, #62, #1" : "=r"(r) : "r"(0x2ull));
    CHECK_EQ(r, 0xfffffffffffffff8ull);
    r = 0;
    __asm__ volatile("bfm %0, %1, #63, #0" : "+r"(r) : "r"(1ull));
    CHECK_EQ(r, 2);
    __asm__ volatile("ubfm %w0, %w1, #31, #30" : "=r"(r) : "r"(0xffffffffffffffffull));
    CHECK_EQ(r, 0xfffffffeull);
    __asm__ volatile("sbfm %w0, %w1, #1, #0" : "=r"(r) : "r"(1ull));
    CHECK_EQ(r, 0x80000000ull);
    __asm__ volatile("sbfm %0, %1, #0, #63" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, pat);
}

static void test_extr(void)
{
    uint64_t r;
    __asm__ volatile("extr %0, %1, %2, #16" : "=r"(r)
                     : "r"(0x1111222233334444ull), "r"(0x5555666677778888ull));
    CHECK_EQ(r, 0x4444555566667777ull);
    __asm__ volatile("extr %0, %1, %2, #0" : "=r"(r) : "r"(1ull), "r"(2ull));
    CHECK_EQ(r, 2);
    __asm__ volatile("extr %0, %1, %2, #63" : "=r"(r) : "r"(1ull), "r"(0x8000000000000000ull));
    CHECK_EQ(r, 3);
    __asm__ volatile("extr %w0, %w1, %w2, #8" : "=r"(r)
                     : "r"(0xffffffff11223344ull), "r"(0xffffffff55667788ull));
    CHECK_EQ(r, 0x44556677ull);
    __asm__ volatile("extr %w0, %w1, %w2, #31" : "=r"(r) : "r"(0x1ull), "r"(0x80000000ull));
    CHECK_EQ(r, 3);
    __asm__ volatile("ror %0, %1, #8" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, 0x10fedcba98765432ull);
    __asm__ volatile("ror %w0, %w1, #4" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, 0x07654321ull);
    __asm__ volatile("extr %0, xzr, %1, #4" : "=r"(r) : "r"(pat));
    CHECK_EQ(r, pat >> 4);
}

int main(void)
{
    test_shifts_imm();
    test_extends();
    test_bitfield_extract_insert();
    test_extr();
    return guest_report();
}
