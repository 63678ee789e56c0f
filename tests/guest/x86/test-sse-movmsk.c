/*
 * test-sse-movmsk.c — the sign-mask extractions through the translator (SDM vol. 2 MOVMSKPS,
 * MOVMSKPD, PMOVMSKB): MOVMSKPS gathers the sign bits 31, 63, 95, 127 into bits 0-3 of the
 * destination, MOVMSKPD the bits 63 and 127 into bits 0-1, PMOVMSKB the 16 (XMM) or 8 (MMX)
 * byte sign bits; every form zeroes the rest of the 64-bit register. The patterns are chosen
 * so that each instruction gives a different answer (a MOVMSKPS decoded as MOVMSKPD, which the
 * x86 difftest found, fails here). Expected values from the SDM; validated on
 * qemu-system-x86_64. Single-threaded bare metal; XMM/MMX registers only inside the asm.
 */
#include "runtime.h"

typedef union V {
    uint32_t l[4];
    uint64_t q[2];
} __attribute__((aligned(16))) V;

static uint64_t movmskps(const V *v)
{
    uint64_t r = ~0ull; /* the 32-bit destination write clears bits 63:32 */
    __asm__ volatile("movdqa %1, %%xmm3\n\tmovmskps %%xmm3, %k0" : "+r"(r) : "m"(*v) : "xmm3");
    return r;
}

static uint64_t movmskpd(const V *v)
{
    uint64_t r = ~0ull;
    __asm__ volatile("movdqa %1, %%xmm14\n\tmovmskpd %%xmm14, %k0" : "+r"(r) : "m"(*v) : "xmm14");
    return r;
}

static uint64_t pmovmskb(const V *v)
{
    uint64_t r = ~0ull;
    __asm__ volatile("movdqa %1, %%xmm9\n\tpmovmskb %%xmm9, %k0" : "+r"(r) : "m"(*v) : "xmm9");
    return r;
}

static uint64_t pmovmskb_mm(uint64_t v)
{
    uint64_t r = ~0ull;
    __asm__ volatile("movq %1, %%mm1\n\tpmovmskb %%mm1, %k0\n\temms" : "+r"(r) : "r"(v) : "mm1");
    return r;
}

/* REX.R/REX.B forms: destination R15D, source XMM13 */
static uint64_t movmskps_r15(const V *v)
{
    uint64_t r;
    __asm__ volatile("movdqa %1, %%xmm13\n\tmov $-1, %%r15\n\tmovmskps %%xmm13, %%r15d\n\t"
                     "mov %%r15, %0" : "=r"(r) : "m"(*v) : "xmm13", "r15");
    return r;
}

int main(void)
{
    static const V sign_0101 = {{0x80000000u, 0x7fffffffu, 0xbf800000u, 0x00000001u}};
    static const V sign_1110 = {{0x00000000u, 0xffffffffu, 0x80000001u, 0xc0000000u}};
    static const V sign_1000 = {{0x00000000u, 0x00000000u, 0x00000000u, 0x80000000u}};
    static const V bytes = {{0x00800080u, 0x80ff0000u, 0x7f7f7f81u, 0x01020304u}};

    CHECK_EQ(movmskps(&sign_0101), 0x5);
    CHECK_EQ(movmskpd(&sign_0101), 0x0);
    CHECK_EQ(movmskps(&sign_1110), 0xe);
    CHECK_EQ(movmskpd(&sign_1110), 0x3);
    CHECK_EQ(movmskps(&sign_1000), 0x8);
    CHECK_EQ(movmskpd(&sign_1000), 0x2);
    CHECK_EQ(movmskps_r15(&sign_0101), 0x5);
    CHECK_EQ(movmskps_r15(&sign_1110), 0xe);
    /* bytes 0, 2, 6, 7 and 8 have bit 7 set */
    CHECK_EQ(pmovmskb(&bytes), 0x1c5);
    CHECK_EQ(pmovmskb_mm(bytes.q[0]), 0xc5);
    return guest_report();
}
