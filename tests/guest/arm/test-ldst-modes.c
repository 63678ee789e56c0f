/*
 * test-ldst-modes.c — A64 load/store addressing modes (ARM ARM C6.2 LDR/STR): unsigned scaled
 * offset, unscaled (LDUR/STUR) with negative offsets, pre- and post-index with writeback,
 * register offset with LSL/UXTW/SXTW/SXTX with and without scaling, SP as the base, and the
 * constrained-unpredictable case of a load with writeback whose base is also the destination
 * (Tandem and QEMU write the updated address last). Single-threaded bare metal.
 */
#include "runtime.h"

static uint64_t buf[16] __attribute__((aligned(16)));

static void fill(void)
{
    for (int i = 0; i < 16; i++) {
        buf[i] = 0x1111111111111111ull * (uint64_t)(i + 1);
    }
}

static void test_uimm(void)
{
    uint64_t r, *p = buf;
    fill();
    __asm__ volatile("ldr %0, [%1, #24]" : "=r"(r) : "r"(p) : "memory");
    CHECK_EQ(r, buf[3]);
    __asm__ volatile("ldr %0, [%1, #32760]" : "=r"(r) : "r"((uint64_t)buf - 32760 + 24) : "memory");
    CHECK_EQ(r, buf[3]);
    __asm__ volatile("str %1, [%0, #40]" : : "r"(p), "r"(0xdeadbeefcafef00dull) : "memory");
    CHECK_EQ(buf[5], 0xdeadbeefcafef00dull);
    uint32_t w;
    __asm__ volatile("ldr %w0, [%1, #12]" : "=r"(w) : "r"(p) : "memory");
    CHECK_EQ(w, (uint32_t)(buf[1] >> 32));
    /* a W load clears the upper half of the X register */
    __asm__ volatile("mov %0, #-1\n ldr %w0, [%1]" : "=&r"(r) : "r"(p) : "memory");
    CHECK_EQ(r, (uint32_t)buf[0]);
}

static void test_unscaled(void)
{
    uint64_t r, *p = &buf[8];
    fill();
    __asm__ volatile("ldur %0, [%1, #-8]" : "=r"(r) : "r"(p) : "memory");
    CHECK_EQ(r, buf[7]);
    __asm__ volatile("ldur %0, [%1, #-256]" : "=r"(r) : "r"((uint64_t)&buf[8] + 256 - 16) : "memory");
    CHECK_EQ(r, buf[6]);
    __asm__ volatile("ldur %0, [%1, #3]" : "=r"(r) : "r"((char *)buf) : "memory");
    CHECK_EQ(r, (buf[0] >> 24) | (buf[1] << 40));
    __asm__ volatile("stur %1, [%0, #255]" : : "r"((uint64_t)buf - 255), "r"(0x55ull) : "memory");
    CHECK_EQ(buf[0], 0x55);
    __asm__ volatile("prfum pldl1keep, [%0, #-1]\n prfm pstl2strm, [%0, #64]" : : "r"(p));
}

static void test_index(void)
{
    uint64_t r, *p;
    fill();
    /* pre-index: address = base + imm, base updated to it */
    p = &buf[2];
    __asm__ volatile("ldr %0, [%1, #16]!" : "=r"(r), "+r"(p) : : "memory");
    CHECK_EQ(r, buf[4]);
    CHECK_EQ((uint64_t)p, (uint64_t)&buf[4]);
    p = &buf[4];
    __asm__ volatile("ldr %0, [%1, #-24]!" : "=r"(r), "+r"(p) : : "memory");
    CHECK_EQ(r, buf[1]);
    CHECK_EQ((uint64_t)p, (uint64_t)&buf[1]);
    /* post-index: address = base, base += imm */
    p = &buf[6];
    __asm__ volatile("ldr %0, [%1], #-48" : "=r"(r), "+r"(p) : : "memory");
    CHECK_EQ(r, buf[6]);
    CHECK_EQ((uint64_t)p, (uint64_t)&buf[0]);
    p = &buf[0];
    __asm__ volatile("str %1, [%0], #8\n str %1, [%0, #8]!" : "+r"(p) : "r"(0x77ull) : "memory");
    CHECK_EQ(buf[0], 0x77);
    CHECK_EQ(buf[1], 0x2222222222222222ull);
    CHECK_EQ(buf[2], 0x77);
    CHECK_EQ((uint64_t)p, (uint64_t)&buf[2]);
    /* W post-index with the largest offsets */
    uint32_t w;
    p = &buf[0];
    __asm__ volatile("ldr %w0, [%1], #255" : "=r"(w), "+r"(p) : : "memory");
    CHECK_EQ(w, 0x77);
    CHECK_EQ((uint64_t)p, (uint64_t)buf + 255);
    p = &buf[8];
    __asm__ volatile("ldrb %w0, [%1, #-256]!" : "=r"(w), "+r"(p) : : "memory");
    CHECK_EQ((uint64_t)p, (uint64_t)&buf[8] - 256);
}

static void test_regoff(void)
{
    uint64_t r;
    fill();
    uint64_t *p = buf;
    __asm__ volatile("ldr %0, [%1, %2]" : "=r"(r) : "r"(p), "r"(16ull) : "memory");
    CHECK_EQ(r, buf[2]);
    __asm__ volatile("ldr %0, [%1, %2, lsl #3]" : "=r"(r) : "r"(p), "r"(5ull) : "memory");
    CHECK_EQ(r, buf[5]);
    /* UXTW uses only the low 32 bits of Wm */
    __asm__ volatile("ldr %0, [%1, %w2, uxtw #3]" : "=r"(r) : "r"(p), "r"(0xffffffff00000007ull)
                     : "memory");
    CHECK_EQ(r, buf[7]);
    __asm__ volatile("ldr %0, [%1, %w2, uxtw]" : "=r"(r) : "r"(p), "r"(0x100000008ull)
                     : "memory");
    CHECK_EQ(r, buf[1]);
    /* SXTW: negative 32-bit index */
    __asm__ volatile("ldr %0, [%1, %w2, sxtw #3]" : "=r"(r) : "r"(&buf[9]), "r"(0x00000000fffffffdull)
                     : "memory");
    CHECK_EQ(r, buf[6]);
    __asm__ volatile("ldr %0, [%1, %2, sxtx #3]" : "=r"(r) : "r"(&buf[9]), "r"(-4ll) : "memory");
    CHECK_EQ(r, buf[5]);
    __asm__ volatile("ldr %0, [%1, %2, sxtx]" : "=r"(r) : "r"(&buf[9]), "r"(-8ll) : "memory");
    CHECK_EQ(r, buf[8]);
    /* scaled by the access size: halfword index << 1, word << 2 */
    uint32_t w;
    __asm__ volatile("ldrh %w0, [%1, %2, lsl #1]" : "=r"(w) : "r"(p), "r"(4ull) : "memory");
    CHECK_EQ(w, (uint16_t)buf[1]);
    __asm__ volatile("ldr %w0, [%1, %2, lsl #2]" : "=r"(w) : "r"(p), "r"(3ull) : "memory");
    CHECK_EQ(w, (uint32_t)(buf[1] >> 32));
    __asm__ volatile("ldrb %w0, [%1, %2]" : "=r"(w) : "r"(p), "r"(9ull) : "memory");
    CHECK_EQ(w, 0x22);
    __asm__ volatile("str %2, [%0, %1, lsl #3]" : : "r"(p), "r"(11ull), "r"(0xabcull) : "memory");
    CHECK_EQ(buf[11], 0xabc);
    __asm__ volatile("strb %w2, [%0, %w1, sxtw]" : : "r"((char *)&buf[12] + 1), "r"(-1),
                     "r"(0xeeu) : "memory");
    CHECK_EQ(buf[12], (0xddddddddddddddddull & ~0xffull) | 0xee);
}

static void test_sp_base(void)
{
    uint64_t a, b, c, sp_before, sp_after;
    __asm__ volatile("mov %3, sp\n"
                     "sub sp, sp, #32\n"
                     "mov x9, #0x1234\n"
                     "str x9, [sp, #8]\n"
                     "ldr %0, [sp, #8]\n"
                     "str x9, [sp, #-16]!\n" /* pre-index with SP writeback */
                     "ldr %1, [sp], #16\n"   /* post-index back */
                     "ldur %2, [sp, #8]\n"
                     "add sp, sp, #32\n"
                     "mov %4, sp\n"
                     : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(sp_before), "=&r"(sp_after)
                     :
                     : "x9", "memory");
    CHECK_EQ(a, 0x1234);
    CHECK_EQ(b, 0x1234);
    CHECK_EQ(c, 0x1234);
    CHECK_EQ(sp_after, sp_before);
    /* register 31 as the transfer register is XZR: STR XZR stores zero */
    buf[0] = ~0ull;
    __asm__ volatile("str xzr, [%0]" : : "r"(buf) : "memory");
    CHECK_EQ(buf[0], 0);
}

static void test_writeback_overlap(void)
{
    /* ldr x1, [x1], #8 (post-index, Rn == Rt): CONSTRAINED UNPREDICTABLE; QEMU and Tandem
     * write the loaded value and then the writeback, so x1 = old base + 8. */
    register uint64_t x1 __asm__("x1") = (uint64_t)buf;
    fill();
    __asm__ volatile(".inst 0xf8408421" : "+r"(x1) : : "memory");
    CHECK_EQ(x1, (uint64_t)buf + 8);
    /* str x2, [x2, #8]! (pre-index store, Rn == Rt): the old base value is stored */
    register uint64_t x2 __asm__("x2") = (uint64_t)buf;
    __asm__ volatile(".inst 0xf8008c42" : "+r"(x2) : : "memory");
    CHECK_EQ(x2, (uint64_t)buf + 8);
    CHECK_EQ(buf[1], (uint64_t)buf);
}

int main(void)
{
    test_uimm();
    test_unscaled();
    test_index();
    test_regoff();
    test_sp_base();
    test_writeback_overlap();
    return guest_report();
}
