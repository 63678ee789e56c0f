/*
 * test-lock.c — locked read-modify-write instructions (Intel SDM vol. 3A 9.1.2; vol. 2 LOCK,
 * XCHG, XADD, CMPXCHG, CMPXCHG8B, BTS/BTR/BTC) on naturally aligned and on misaligned operands
 * (x86 allows split locked accesses): memory result, register result and the flags they
 * define. Also CMPXCHG to a 32-bit register: on failure RAX gets the old value zero-extended
 * and the destination keeps its upper half on hardware (AMD EPYC, what the differential test
 * measured); QEMU 7.2 TCG writes it back zero-extended, the only other value accepted.
 * Single-threaded bare metal.
 */
#include "runtime.h"

static uint8_t buf[128] __attribute__((aligned(64)));

static uint64_t ld64(unsigned off)
{
    uint64_t v;
    __builtin_memcpy(&v, buf + off, 8);
    return v;
}
static void st64(unsigned off, uint64_t v) { __builtin_memcpy(buf + off, &v, 8); }

static void run(unsigned off)
{
    uint64_t *p = (uint64_t *)(buf + off);
    uint64_t r, f;

    st64(off, 0x00000000fffffff0ull);
    __asm__ volatile("lock addq $0x20, %0\n pushfq\n pop %1" : "+m"(*p), "=r"(f) : : "cc");
    CHECK_EQ(ld64(off), 0x0000000100000010ull);
    CHECK_EQ(f & (X86_CF | X86_ZF | X86_SF), 0);

    r = 5;
    __asm__ volatile("lock xaddq %1, %0" : "+m"(*p), "+r"(r) : : "cc");
    CHECK_EQ(r, 0x0000000100000010ull);
    CHECK_EQ(ld64(off), 0x0000000100000015ull);

    r = 0x1234;
    __asm__ volatile("xchgq %1, %0" : "+m"(*p), "+r"(r) : : "memory");
    CHECK_EQ(r, 0x0000000100000015ull);
    CHECK_EQ(ld64(off), 0x1234);

    /* CMPXCHG: success then failure */
    uint64_t a = 0x1234;
    __asm__ volatile("lock cmpxchgq %3, %0\n pushfq\n pop %1"
                     : "+m"(*p), "=r"(f), "+a"(a) : "r"(0x5678ull) : "cc");
    CHECK_EQ(ld64(off), 0x5678);
    CHECK_EQ(f & X86_ZF, X86_ZF);
    a = 0x1111;
    __asm__ volatile("lock cmpxchgq %3, %0\n pushfq\n pop %1"
                     : "+m"(*p), "=r"(f), "+a"(a) : "r"(0x9999ull) : "cc");
    CHECK_EQ(ld64(off), 0x5678);
    CHECK_EQ(a, 0x5678);
    CHECK_EQ(f & X86_ZF, 0);

    /* 32-bit CMPXCHG on the same operand */
    uint32_t *p32 = (uint32_t *)(buf + off);
    uint32_t a32 = 0x5678;
    __asm__ volatile("lock cmpxchgl %2, %0" : "+m"(*p32), "+a"(a32) : "r"(0xabcdu) : "cc");
    CHECK_EQ(ld64(off), 0xabcd);

    /* LOCK BTS / BTR / BTC: CF = the old bit */
    __asm__ volatile("lock btsq $40, %0\n pushfq\n pop %1" : "+m"(*p), "=r"(f) : : "cc");
    CHECK_EQ(f & X86_CF, 0);
    CHECK_EQ(ld64(off), 0x1000000abcdull);
    __asm__ volatile("lock btrq $0, %0\n pushfq\n pop %1" : "+m"(*p), "=r"(f) : : "cc");
    CHECK_EQ(f & X86_CF, X86_CF);
    CHECK_EQ(ld64(off), 0x1000000abccull);
    __asm__ volatile("lock btcq %2, %0\n pushfq\n pop %1" : "+m"(*p), "=r"(f) : "r"(40ull) : "cc");
    CHECK_EQ(f & X86_CF, X86_CF);
    CHECK_EQ(ld64(off), 0xabccull);

    /* CMPXCHG8B: success then failure */
    uint32_t lo = 0xabcc, hi = 0;
    __asm__ volatile("lock cmpxchg8b %0\n pushfq\n pop %1"
                     : "+m"(*p), "=r"(f), "+a"(lo), "+d"(hi) : "b"(0x11112222u), "c"(0x33334444u)
                     : "cc");
    CHECK_EQ(ld64(off), 0x3333444411112222ull);
    CHECK_EQ(f & X86_ZF, X86_ZF);
    lo = 0;
    hi = 0;
    __asm__ volatile("lock cmpxchg8b %0\n pushfq\n pop %1"
                     : "+m"(*p), "=r"(f), "+a"(lo), "+d"(hi) : "b"(0u), "c"(0u) : "cc");
    CHECK_EQ(ld64(off), 0x3333444411112222ull);
    CHECK_EQ(lo, 0x11112222u);
    CHECK_EQ(hi, 0x33334444u);
    CHECK_EQ(f & X86_ZF, 0);
}

int main(void)
{
    run(8);  /* aligned */
    run(13); /* misaligned within a cache line */
    run(60); /* misaligned across the 64-byte line (a split lock) */

    /* CMPXCHG r32 that fails: RAX = old (zero-extended), the destination keeps its value */
    uint64_t d = 0xffffffff00000005ull, a = 0x1234567800000007ull;
    __asm__ volatile("cmpxchgl %k2, %k0" : "+r"(d), "+a"(a) : "r"(9ull) : "cc");
    CHECK_EQ(a, 5);
    CHECK(d == 0xffffffff00000005ull || d == 5);
    /* and succeeds: the destination is written (zero-extended), RAX is not */
    d = 0xffffffff00000005ull;
    a = 0x1234567800000005ull;
    __asm__ volatile("cmpxchgl %k2, %k0" : "+r"(d), "+a"(a) : "r"(9ull) : "cc");
    CHECK_EQ(d, 9);
    CHECK_EQ(a, 0x1234567800000005ull);
    return guest_report();
}
