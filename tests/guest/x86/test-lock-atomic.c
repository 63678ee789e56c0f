/*
 * test-lock-atomic.c — the architectural side of atomic locked operations (Intel SDM vol. 2
 * CMPXCHG8B/CMPXCHG16B, LOCK; vol. 3A 9.1.2.2 split locks): CMPXCHG16B success and failure
 * (memory, RDX:RAX, ZF, other flags kept), #GP(0) for an operand not 16-byte aligned (nothing
 * changed), #PF with W set for a failing CMPXCHG16B on a read-only page (the destination always
 * gets a write cycle), and locked read-modify-writes (ADD, XADD, CMPXCHG, BTS, XCHG) whose
 * operand crosses a page boundary between two virtual pages mapped to physical pages in reverse
 * order. Atomicity against other CPUs is tested at host level (tests/unit/test-atomic.c): APs
 * do not run yet. Single-threaded bare metal.
 */
#include "runtime.h"

#define SPLIT_VA 0x40000000ull /* first address outside crt0's identity-mapped GiB */
#define RO_VA (SPLIT_VA + 0x10000)

static uint8_t phys_lo[4096] __attribute__((aligned(4096)));
static uint8_t phys_hi[4096] __attribute__((aligned(4096)));
static uint8_t phys_ro[4096] __attribute__((aligned(4096)));
static uint64_t dq[4] __attribute__((aligned(16)));

struct cx16 {
    uint64_t rax, rdx, flags;
};

static struct cx16 cmpxchg16b(void *p, uint64_t rax, uint64_t rdx, uint64_t rbx, uint64_t rcx,
                              uint64_t flags_in)
{
    struct cx16 r = {rax, rdx, 0};
    __asm__ volatile("push %5\n popfq\n lock cmpxchg16b (%3)\n pushfq\n pop %2"
                     : "+a"(r.rax), "+d"(r.rdx), "=&r"(r.flags)
                     : "r"(p), "b"(rbx), "r"(flags_in), "c"(rcx)
                     : "cc", "memory");
    return r;
}

static void test_cmpxchg16b(void)
{
    dq[0] = 0x1111111111111111ull;
    dq[1] = 0x2222222222222222ull;
    /* success: CF set going in stays set (only ZF is written) */
    struct cx16 r = cmpxchg16b(dq, 0x1111111111111111ull, 0x2222222222222222ull,
                               0xaaaaaaaaaaaaaaaaull, 0xbbbbbbbbbbbbbbbbull, 0x2 | X86_CF);
    CHECK_EQ(dq[0], 0xaaaaaaaaaaaaaaaaull);
    CHECK_EQ(dq[1], 0xbbbbbbbbbbbbbbbbull);
    CHECK_EQ(r.flags & (X86_ZF | X86_CF), X86_ZF | X86_CF);
    CHECK_EQ(r.rax, 0x1111111111111111ull);
    CHECK_EQ(r.rdx, 0x2222222222222222ull);
    /* failure on the high half only: RDX:RAX = memory, memory unchanged, ZF = 0 */
    r = cmpxchg16b(dq, 0xaaaaaaaaaaaaaaaaull, 0x3333333333333333ull, 1, 2, 0x2 | X86_ZF);
    CHECK_EQ(dq[0], 0xaaaaaaaaaaaaaaaaull);
    CHECK_EQ(dq[1], 0xbbbbbbbbbbbbbbbbull);
    CHECK_EQ(r.flags & (X86_ZF | X86_CF), 0);
    CHECK_EQ(r.rax, 0xaaaaaaaaaaaaaaaaull);
    CHECK_EQ(r.rdx, 0xbbbbbbbbbbbbbbbbull);
    /* failure on the low half only */
    r = cmpxchg16b(dq, 0, 0xbbbbbbbbbbbbbbbbull, 1, 2, 0x2);
    CHECK_EQ(r.flags & X86_ZF, 0);
    CHECK_EQ(r.rax, 0xaaaaaaaaaaaaaaaaull);
    CHECK_EQ(dq[0], 0xaaaaaaaaaaaaaaaaull);

    /* #GP(0) when not 16-byte aligned; nothing changes */
    uint64_t at, rax = dq[1], rdx = dq[2];
    exc_reset();
    __asm__ volatile(EXC_RESUME_AT_1 "lea 2f(%%rip), %0\n2: lock cmpxchg16b (%3)\n1:"
                     : "=&r"(at), "+a"(rax), "+d"(rdx)
                     : "r"(&dq[1]), "b"(5ull), "c"(6ull)
                     : "r11", "cc", "memory");
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.vector, X86_EXC_GP);
    CHECK_EQ(exc_last.error_code, 0);
    CHECK_EQ(exc_last.rip, at);
    CHECK_EQ(dq[1], 0xbbbbbbbbbbbbbbbbull);
    CHECK_EQ(dq[2], 0);
    exc_reset();

    /* A failing compare still writes: a read-only page takes #PF with W (CR0.WP = 1). */
    CHECK(x86_map_page(RO_VA, (uint64_t)(uintptr_t)phys_ro, 0) != NULL);
    rax = 1;
    rdx = 2;
    __asm__ volatile(EXC_RESUME_AT_1 "lea 2f(%%rip), %0\n2: lock cmpxchg16b (%3)\n1:"
                     : "=&r"(at), "+a"(rax), "+d"(rdx)
                     : "r"(RO_VA + 0x20), "b"(5ull), "c"(6ull)
                     : "r11", "cc", "memory");
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.vector, X86_EXC_PF);
    CHECK_EQ(exc_last.error_code, X86_PFEC_P | X86_PFEC_W);
    CHECK_EQ(exc_last.cr2, RO_VA + 0x20);
    CHECK_EQ(exc_last.rip, at);
    CHECK_EQ(rax, 1);
    exc_reset();
}

/* The 8 bytes at SPLIT_VA + 0x1ffc, read and written through the identity mapping. */
static uint64_t split_ld(void)
{
    uint64_t v = 0;
    for (int i = 0; i < 4; i++) {
        v |= (uint64_t)phys_hi[4092 + i] << (8 * i);
        v |= (uint64_t)phys_lo[i] << (8 * (i + 4));
    }
    return v;
}

static void split_st(uint64_t v)
{
    for (int i = 0; i < 4; i++) {
        phys_hi[4092 + i] = (uint8_t)(v >> (8 * i));
        phys_lo[i] = (uint8_t)(v >> (8 * (i + 4)));
    }
}

static void test_split(void)
{
    /* Virtual page SPLIT_VA + 0x1000 -> phys_hi, SPLIT_VA + 0x2000 -> phys_lo: the operand at
     * SPLIT_VA + 0x1ffc is 4 bytes at the end of phys_hi and 4 at the start of phys_lo. */
    CHECK(x86_map_page(SPLIT_VA + 0x1000, (uint64_t)(uintptr_t)phys_hi, X86_PTE_RW) != NULL);
    CHECK(x86_map_page(SPLIT_VA + 0x2000, (uint64_t)(uintptr_t)phys_lo, X86_PTE_RW) != NULL);
    uint64_t *p = (uint64_t *)(uintptr_t)(SPLIT_VA + 0x1ffc);
    uint64_t r, f;

    split_st(0x00000000fffffff0ull);
    __asm__ volatile("lock addq $0x20, %0\n pushfq\n pop %1" : "+m"(*p), "=r"(f) : : "cc");
    CHECK_EQ(split_ld(), 0x0000000100000010ull);
    CHECK_EQ(f & (X86_CF | X86_ZF | X86_SF), 0);

    /* 32-bit add across the page: carries out of the operand set CF */
    uint32_t *p32 = (uint32_t *)(uintptr_t)(SPLIT_VA + 0x1ffe);
    split_st(0x0000ffffffff0000ull);
    __asm__ volatile("lock addl $1, %0\n pushfq\n pop %1" : "+m"(*p32), "=r"(f) : : "cc");
    CHECK_EQ(split_ld(), 0x0000000000000000ull);
    CHECK_EQ(f & (X86_CF | X86_ZF), X86_CF | X86_ZF);

    split_st(0x0000000100000010ull);
    r = 5;
    __asm__ volatile("lock xaddq %1, %0" : "+m"(*p), "+r"(r) : : "cc");
    CHECK_EQ(r, 0x0000000100000010ull);
    CHECK_EQ(split_ld(), 0x0000000100000015ull);

    uint64_t a = 0x0000000100000015ull;
    __asm__ volatile("lock cmpxchgq %3, %0\n pushfq\n pop %1"
                     : "+m"(*p), "=r"(f), "+a"(a) : "r"(0x123456789abcdef0ull) : "cc");
    CHECK_EQ(split_ld(), 0x123456789abcdef0ull);
    CHECK_EQ(f & X86_ZF, X86_ZF);
    a = 7;
    __asm__ volatile("lock cmpxchgq %3, %0\n pushfq\n pop %1"
                     : "+m"(*p), "=r"(f), "+a"(a) : "r"(0ull) : "cc");
    CHECK_EQ(split_ld(), 0x123456789abcdef0ull);
    CHECK_EQ(a, 0x123456789abcdef0ull);
    CHECK_EQ(f & X86_ZF, 0);

    split_st(0);
    __asm__ volatile("lock btsq $40, %0\n pushfq\n pop %1" : "+m"(*p), "=r"(f) : : "cc");
    CHECK_EQ(f & X86_CF, 0);
    CHECK_EQ(split_ld(), 1ull << 40);

    r = 0xfeedfacecafebeefull;
    __asm__ volatile("xchgq %1, %0" : "+m"(*p), "+r"(r) : : "memory");
    CHECK_EQ(r, 1ull << 40);
    CHECK_EQ(split_ld(), 0xfeedfacecafebeefull);
}

int main(void)
{
    test_cmpxchg16b();
    test_split();
    return guest_report();
}
