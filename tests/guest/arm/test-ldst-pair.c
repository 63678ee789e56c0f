/*
 * test-ldst-pair.c — A64 load/store pair (ARM ARM C6.2 LDP/STP/LDPSW/LDNP/STNP): 32- and
 * 64-bit pairs with signed offset (both extremes of imm7), pre- and post-index writeback,
 * LDPSW sign extension, the non-temporal forms, SP as base, and XZR as a transfer register.
 * Single-threaded bare metal.
 */
#include "runtime.h"

static uint64_t buf[80] __attribute__((aligned(16)));

static void fill(void)
{
    for (int i = 0; i < 80; i++) {
        buf[i] = 0x0101010101010101ull * (uint64_t)(i + 1) + 0x8000000080000000ull;
    }
}

static void test_ldp_stp64(void)
{
    uint64_t a, b, *p;
    fill();
    __asm__ volatile("ldp %0, %1, [%2, #16]" : "=&r"(a), "=&r"(b) : "r"(buf) : "memory");
    CHECK_EQ(a, buf[2]);
    CHECK_EQ(b, buf[3]);
    /* imm7 range: -512 .. +504 bytes for X pairs */
    __asm__ volatile("ldp %0, %1, [%2, #504]" : "=&r"(a), "=&r"(b) : "r"(&buf[1]) : "memory");
    CHECK_EQ(a, buf[64]);
    CHECK_EQ(b, buf[65]);
    __asm__ volatile("ldp %0, %1, [%2, #-512]" : "=&r"(a), "=&r"(b) : "r"(&buf[70]) : "memory");
    CHECK_EQ(a, buf[6]);
    CHECK_EQ(b, buf[7]);
    __asm__ volatile("stp %1, %2, [%0, #-16]" : : "r"(&buf[12]), "r"(0x1111ull), "r"(0x2222ull)
                     : "memory");
    CHECK_EQ(buf[10], 0x1111);
    CHECK_EQ(buf[11], 0x2222);
    /* pre-index */
    p = &buf[20];
    __asm__ volatile("ldp %0, %1, [%2, #32]!" : "=&r"(a), "=&r"(b), "+r"(p) : : "memory");
    CHECK_EQ(a, buf[24]);
    CHECK_EQ(b, buf[25]);
    CHECK_EQ((uint64_t)p, (uint64_t)&buf[24]);
    p = &buf[30];
    __asm__ volatile("stp %1, %2, [%0, #-16]!" : "+r"(p) : "r"(5ull), "r"(6ull) : "memory");
    CHECK_EQ((uint64_t)p, (uint64_t)&buf[28]);
    CHECK_EQ(buf[28], 5);
    CHECK_EQ(buf[29], 6);
    /* post-index */
    p = &buf[40];
    __asm__ volatile("ldp %0, %1, [%2], #-64" : "=&r"(a), "=&r"(b), "+r"(p) : : "memory");
    CHECK_EQ(a, buf[40]);
    CHECK_EQ(b, buf[41]);
    CHECK_EQ((uint64_t)p, (uint64_t)&buf[32]);
    p = &buf[44];
    __asm__ volatile("stp %1, xzr, [%0], #16" : "+r"(p) : "r"(7ull) : "memory");
    CHECK_EQ((uint64_t)p, (uint64_t)&buf[46]);
    CHECK_EQ(buf[44], 7);
    CHECK_EQ(buf[45], 0);
}

static void test_ldp_stp32(void)
{
    uint64_t a, b;
    uint32_t *w = (uint32_t *)buf;
    fill();
    __asm__ volatile("mov %0, #-1\n mov %1, #-1\n ldp %w0, %w1, [%2, #8]"
                     : "=&r"(a), "=&r"(b) : "r"(w) : "memory");
    CHECK_EQ(a, (uint32_t)buf[1]); /* W loads zero the upper halves */
    CHECK_EQ(b, (uint32_t)(buf[1] >> 32));
    __asm__ volatile("ldp %w0, %w1, [%2, #252]" : "=&r"(a), "=&r"(b) : "r"(w) : "memory");
    CHECK_EQ(a, (uint32_t)(buf[31] >> 32));
    CHECK_EQ(b, (uint32_t)buf[32]);
    __asm__ volatile("stp %w1, %w2, [%0, #4]" : : "r"(w), "r"(0xffffffffaaaaaaaaull),
                     "r"(0xbbbbbbbbull) : "memory");
    CHECK_EQ(buf[0], ((0x0101010101010101ull + 0x8000000080000000ull) & 0xffffffffull) |
                         0xaaaaaaaa00000000ull);
    CHECK_EQ((uint32_t)buf[1], 0xbbbbbbbb);
    uint32_t *p = w + 10;
    __asm__ volatile("ldp %w0, %w1, [%2, #-8]!" : "=&r"(a), "=&r"(b), "+r"(p) : : "memory");
    CHECK_EQ((uint64_t)p, (uint64_t)(w + 8));
    CHECK_EQ(a, (uint32_t)buf[4]);
}

static void test_ldpsw(void)
{
    uint64_t a, b;
    uint32_t v[4] __attribute__((aligned(16))) = {0x80000001u, 0x7fffffffu, 0xfffffffeu, 3};
    __asm__ volatile("ldpsw %0, %1, [%2]" : "=&r"(a), "=&r"(b) : "r"(v) : "memory");
    CHECK_EQ(a, 0xffffffff80000001ull);
    CHECK_EQ(b, 0x7fffffff);
    uint32_t *p = v;
    __asm__ volatile("ldpsw %0, %1, [%2, #8]!" : "=&r"(a), "=&r"(b), "+r"(p) : : "memory");
    CHECK_EQ(a, 0xfffffffffffffffeull);
    CHECK_EQ(b, 3);
    CHECK_EQ((uint64_t)p, (uint64_t)&v[2]);
    __asm__ volatile("ldpsw %0, %1, [%2], #-8" : "=&r"(a), "=&r"(b), "+r"(p) : : "memory");
    CHECK_EQ(a, 0xfffffffffffffffeull);
    CHECK_EQ((uint64_t)p, (uint64_t)&v[0]);
}

static void test_nontemporal_and_sp(void)
{
    uint64_t a, b;
    fill();
    __asm__ volatile("stnp %1, %2, [%0, #-8]" : : "r"(&buf[51]), "r"(0xaull), "r"(0xbull)
                     : "memory");
    CHECK_EQ(buf[50], 0xa);
    CHECK_EQ(buf[51], 0xb);
    __asm__ volatile("ldnp %0, %1, [%2, #8]" : "=&r"(a), "=&r"(b) : "r"(&buf[49]) : "memory");
    CHECK_EQ(a, 0xa);
    CHECK_EQ(b, 0xb);
    __asm__ volatile("ldnp %w0, %w1, [%2]" : "=&r"(a), "=&r"(b) : "r"(&buf[50]) : "memory");
    CHECK_EQ(a, 0xa);
    CHECK_EQ(b, 0);
    /* the prologue/epilogue idiom on SP */
    uint64_t sp0, sp1;
    __asm__ volatile("mov %2, sp\n"
                     "mov x9, #0x99\n"
                     "mov x10, #0xaa\n"
                     "stp x9, x10, [sp, #-32]!\n"
                     "ldp %0, %1, [sp], #32\n"
                     "mov %3, sp\n"
                     : "=&r"(a), "=&r"(b), "=&r"(sp0), "=&r"(sp1)
                     :
                     : "x9", "x10", "memory");
    CHECK_EQ(a, 0x99);
    CHECK_EQ(b, 0xaa);
    CHECK_EQ(sp0, sp1);
}

int main(void)
{
    test_ldp_stp64();
    test_ldp_stp32();
    test_ldpsw();
    test_nontemporal_and_sp();
    return guest_report();
}
