/*
 * test-dp-misc.c — A64 data-processing (1 source) and CRC32: RBIT, REV16, REV32, REV, CLZ,
 * CLS on W and X registers at the edges (0, 1, all ones, top bit only), and the CRC32B/H/W/X,
 * CRC32CB/CH/CW/CX family (Cortex-A57 implements FEAT_CRC32). The CRC checks use the
 * standard check values of CRC-32 (0xCBF43926) and CRC-32C (0xE3069283) over "123456789",
 * computed with pre- and post-inversion around the instructions. Single-threaded bare metal.
 */
#include "runtime.h"

__asm__(".arch_extension crc");

static const uint64_t p = 0x0123456789abcdefull;

static void test_rbit_rev(void)
{
    uint64_t r;
    __asm__ volatile("rbit %0, %1" : "=r"(r) : "r"(p));
    CHECK_EQ(r, 0xf7b3d591e6a2c480ull);
    __asm__ volatile("rbit %0, %1" : "=r"(r) : "r"(1ull));
    CHECK_EQ(r, 0x8000000000000000ull);
    __asm__ volatile("rbit %0, %1" : "=r"(r) : "r"(0ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("rbit %w0, %w1" : "=r"(r) : "r"(p));
    CHECK_EQ(r, 0xf7b3d591ull);
    __asm__ volatile("rbit %w0, %w1" : "=r"(r) : "r"(0xffffffff00000001ull));
    CHECK_EQ(r, 0x80000000ull);
    __asm__ volatile("rev16 %0, %1" : "=r"(r) : "r"(p));
    CHECK_EQ(r, 0x23016745ab89efcdull);
    __asm__ volatile("rev16 %w0, %w1" : "=r"(r) : "r"(p));
    CHECK_EQ(r, 0xab89efcdull);
    __asm__ volatile("rev32 %0, %1" : "=r"(r) : "r"(p));
    CHECK_EQ(r, 0x67452301efcdab89ull);
    __asm__ volatile("rev %0, %1" : "=r"(r) : "r"(p));
    CHECK_EQ(r, 0xefcdab8967452301ull);
    __asm__ volatile("rev %w0, %w1" : "=r"(r) : "r"(p));
    CHECK_EQ(r, 0xefcdab89ull);
    __asm__ volatile("rev %w0, %w1" : "=r"(r) : "r"(0xffffffff000000ffull));
    CHECK_EQ(r, 0xff000000ull);
    __asm__ volatile("rev %0, xzr" : "=r"(r));
    CHECK_EQ(r, 0);
}

static void test_clz_cls(void)
{
    uint64_t r;
    __asm__ volatile("clz %0, %1" : "=r"(r) : "r"(0ull));
    CHECK_EQ(r, 64);
    __asm__ volatile("clz %0, %1" : "=r"(r) : "r"(1ull));
    CHECK_EQ(r, 63);
    __asm__ volatile("clz %0, %1" : "=r"(r) : "r"(0x8000000000000000ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("clz %0, %1" : "=r"(r) : "r"(0x00000000ffffffffull));
    CHECK_EQ(r, 32);
    __asm__ volatile("clz %w0, %w1" : "=r"(r) : "r"(0xffffffff00000000ull));
    CHECK_EQ(r, 32);
    __asm__ volatile("clz %w0, %w1" : "=r"(r) : "r"(0x00010000ull));
    CHECK_EQ(r, 15);
    __asm__ volatile("clz %w0, %w1" : "=r"(r) : "r"(0x80000000ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("cls %0, %1" : "=r"(r) : "r"(0ull));
    CHECK_EQ(r, 63);
    __asm__ volatile("cls %0, %1" : "=r"(r) : "r"(~0ull));
    CHECK_EQ(r, 63);
    __asm__ volatile("cls %0, %1" : "=r"(r) : "r"(0x8000000000000000ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("cls %0, %1" : "=r"(r) : "r"(0x4000000000000000ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("cls %0, %1" : "=r"(r) : "r"(0xfff0000000000000ull));
    CHECK_EQ(r, 11);
    __asm__ volatile("cls %0, %1" : "=r"(r) : "r"(1ull));
    CHECK_EQ(r, 62);
    __asm__ volatile("cls %w0, %w1" : "=r"(r) : "r"(0ull));
    CHECK_EQ(r, 31);
    __asm__ volatile("cls %w0, %w1" : "=r"(r) : "r"(0xffffffffull));
    CHECK_EQ(r, 31);
    __asm__ volatile("cls %w0, %w1" : "=r"(r) : "r"(0x00000000c0000000ull));
    CHECK_EQ(r, 1);
    __asm__ volatile("cls %w0, %w1" : "=r"(r) : "r"(0xffffffff00000100ull));
    CHECK_EQ(r, 22);
}

static const char check_str[] = "123456789";

static void test_crc32(void)
{
    uint64_t acc;
    /* byte at a time */
    acc = 0xffffffff;
    for (int i = 0; i < 9; i++) {
        __asm__ volatile("crc32b %w0, %w0, %w1" : "+r"(acc) : "r"((uint64_t)check_str[i]));
    }
    CHECK_EQ(acc ^ 0xffffffff, 0xcbf43926ull);
    acc = 0xffffffff;
    for (int i = 0; i < 9; i++) {
        __asm__ volatile("crc32cb %w0, %w0, %w1" : "+r"(acc) : "r"((uint64_t)check_str[i]));
    }
    CHECK_EQ(acc ^ 0xffffffff, 0xe3069283ull);
    /* eight bytes with CRC32X, then the last one: same result */
    uint64_t first8 = 0;
    for (int i = 7; i >= 0; i--) {
        first8 = (first8 << 8) | (uint8_t)check_str[i];
    }
    acc = 0xffffffff;
    __asm__ volatile("crc32x %w0, %w0, %1\n crc32b %w0, %w0, %w2" : "+r"(acc)
                     : "r"(first8), "r"((uint64_t)'9'));
    CHECK_EQ(acc ^ 0xffffffff, 0xcbf43926ull);
    acc = 0xffffffff;
    __asm__ volatile("crc32cx %w0, %w0, %1\n crc32cb %w0, %w0, %w2" : "+r"(acc)
                     : "r"(first8), "r"((uint64_t)'9'));
    CHECK_EQ(acc ^ 0xffffffff, 0xe3069283ull);
    /* halfword/word forms use only the low 16/32 bits of Wm; the result is a W write */
    uint64_t r;
    __asm__ volatile("crc32h %w0, %w1, %w2" : "=r"(r) : "r"(0xffffffff00000000ull),
                     "r"(0xffff1234ull));
    CHECK_EQ(r, 0x489382bfull);
    __asm__ volatile("crc32ch %w0, %w1, %w2" : "=r"(r) : "r"(0ull), "r"(0x1234ull));
    CHECK_EQ(r, 0xffa1c4c7ull);
    __asm__ volatile("crc32w %w0, %w1, %w2" : "=r"(r) : "r"(0x12345678ull), "r"(0xdeadbeefull));
    CHECK_EQ(r, 0xb537e7cdull);
    __asm__ volatile("crc32cw %w0, %w1, %w2" : "=r"(r) : "r"(0x12345678ull), "r"(0xdeadbeefull));
    CHECK_EQ(r, 0xf3ed4b20ull);
    __asm__ volatile("crc32x %w0, %w1, %2" : "=r"(r) : "r"(0xffffffffull), "r"(p));
    CHECK_EQ(r, 0xbbc41db8ull);
    __asm__ volatile("crc32cx %w0, %w1, %2" : "=r"(r) : "r"(0xffffffffull), "r"(p));
    CHECK_EQ(r, 0x9a4f27dcull);
}

int main(void)
{
    test_rbit_rev();
    test_clz_cls();
    test_crc32();
    return guest_report();
}
