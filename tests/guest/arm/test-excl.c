/*
 * test-excl.c — A64 exclusives and ordered accesses (ARM ARM C6.2, B2.9): LDXR/STXR in every
 * size (success writes memory and status 0), failure after CLREX and to another address
 * (status 1, memory unchanged), the monitor cleared by a successful STXR (a second STXR
 * fails), LDXP/STXP with W and X pairs, the acquire/release forms LDAXR/STLXR/LDAXP/STLXP,
 * LDAR/STLR in every size, and an atomic-add retry loop. Single-threaded bare metal.
 */
#include "runtime.h"

static uint64_t mem[1024] __attribute__((aligned(64)));

static void test_xr_sizes(void)
{
    uint64_t v, status;
    mem[0] = 0x1122334455667788ull;
    __asm__ volatile("ldxr %0, [%2]\n"
                     "stxr %w1, %3, [%2]\n"
                     : "=&r"(v), "=&r"(status)
                     : "r"(mem), "r"(0xaaaabbbbccccddddull)
                     : "memory");
    CHECK_EQ(v, 0x1122334455667788ull);
    CHECK_EQ(status, 0);
    CHECK_EQ(mem[0], 0xaaaabbbbccccddddull);

    __asm__ volatile("ldxr %w0, [%2]\n"
                     "stxr %w1, %w3, [%2]\n"
                     : "=&r"(v), "=&r"(status)
                     : "r"(mem), "r"(0xffffffff12345678ull)
                     : "memory");
    CHECK_EQ(v, 0xccccdddd);
    CHECK_EQ(status, 0);
    CHECK_EQ(mem[0], 0xaaaabbbb12345678ull);

    __asm__ volatile("ldxrh %w0, [%2]\n"
                     "stxrh %w1, %w3, [%2]\n"
                     : "=&r"(v), "=&r"(status)
                     : "r"((uint64_t)mem + 2), "r"(0xfedcu)
                     : "memory");
    CHECK_EQ(v, 0x1234);
    CHECK_EQ(status, 0);
    CHECK_EQ(mem[0], 0xaaaabbbbfedc5678ull);

    __asm__ volatile("ldxrb %w0, [%2]\n"
                     "stxrb %w1, %w3, [%2]\n"
                     : "=&r"(v), "=&r"(status)
                     : "r"((uint64_t)mem + 7), "r"(0x5au)
                     : "memory");
    CHECK_EQ(v, 0xaa);
    CHECK_EQ(status, 0);
    CHECK_EQ(mem[0], 0x5aaabbbbfedc5678ull);
}

static void test_failures(void)
{
    uint64_t v, status;
    /* CLREX between LDXR and STXR: the store fails and memory is unchanged */
    mem[1] = 100;
    __asm__ volatile("ldxr %0, [%2]\n"
                     "clrex\n"
                     "stxr %w1, %3, [%2]\n"
                     : "=&r"(v), "=&r"(status)
                     : "r"(&mem[1]), "r"(200ull)
                     : "memory");
    CHECK_EQ(status, 1);
    CHECK_EQ(mem[1], 100);
    /* STXR to an address 4 KiB away from the one LDXR marked */
    mem[512] = 300;
    __asm__ volatile("ldxr %0, [%2]\n"
                     "stxr %w1, %4, [%3]\n"
                     "clrex\n"
                     : "=&r"(v), "=&r"(status)
                     : "r"(&mem[1]), "r"(&mem[512]), "r"(400ull)
                     : "memory");
    CHECK_EQ(status, 1);
    CHECK_EQ(mem[512], 300);
    /* a successful STXR clears the monitor: a second STXR without LDXR fails */
    uint64_t status2;
    __asm__ volatile("ldxr %0, [%3]\n"
                     "stxr %w1, %4, [%3]\n"
                     "stxr %w2, %5, [%3]\n"
                     : "=&r"(v), "=&r"(status), "=&r"(status2)
                     : "r"(&mem[1]), "r"(101ull), "r"(102ull)
                     : "memory");
    CHECK_EQ(status, 0);
    CHECK_EQ(status2, 1);
    CHECK_EQ(mem[1], 101);
}

static void test_pairs(void)
{
    uint64_t a, b, status;
    mem[2] = 0x0000000200000001ull;
    __asm__ volatile("ldxp %w0, %w1, [%3]\n"
                     "stxp %w2, %w4, %w5, [%3]\n"
                     : "=&r"(a), "=&r"(b), "=&r"(status)
                     : "r"(&mem[2]), "r"(0xffffffff0000000aull), "r"(0xbull)
                     : "memory");
    CHECK_EQ(a, 1);
    CHECK_EQ(b, 2);
    CHECK_EQ(status, 0);
    CHECK_EQ(mem[2], 0x0000000b0000000aull);

    mem[4] = 0x1111;
    mem[5] = 0x2222;
    __asm__ volatile("ldxp %0, %1, [%3]\n"
                     "stxp %w2, %4, %5, [%3]\n"
                     : "=&r"(a), "=&r"(b), "=&r"(status)
                     : "r"(&mem[4]), "r"(0x3333ull), "r"(0x4444ull)
                     : "memory");
    CHECK_EQ(a, 0x1111);
    CHECK_EQ(b, 0x2222);
    CHECK_EQ(status, 0);
    CHECK_EQ(mem[4], 0x3333);
    CHECK_EQ(mem[5], 0x4444);

    __asm__ volatile("ldaxp %0, %1, [%3]\n"
                     "clrex\n"
                     "stlxp %w2, %4, %5, [%3]\n"
                     : "=&r"(a), "=&r"(b), "=&r"(status)
                     : "r"(&mem[4]), "r"(0x5555ull), "r"(0x6666ull)
                     : "memory");
    CHECK_EQ(status, 1);
    CHECK_EQ(mem[4], 0x3333);
    CHECK_EQ(mem[5], 0x4444);

    __asm__ volatile("ldaxp %0, %1, [%3]\n"
                     "stlxp %w2, %4, %5, [%3]\n"
                     : "=&r"(a), "=&r"(b), "=&r"(status)
                     : "r"(&mem[4]), "r"(0x5555ull), "r"(0x6666ull)
                     : "memory");
    CHECK_EQ(status, 0);
    CHECK_EQ(mem[4], 0x5555);
    CHECK_EQ(mem[5], 0x6666);
}

static void test_acquire_release(void)
{
    uint64_t v, status;
    mem[6] = 41;
    __asm__ volatile("ldaxr %0, [%2]\n"
                     "add %0, %0, #1\n"
                     "stlxr %w1, %0, [%2]\n"
                     : "=&r"(v), "=&r"(status)
                     : "r"(&mem[6])
                     : "memory");
    CHECK_EQ(status, 0);
    CHECK_EQ(mem[6], 42);

    __asm__ volatile("stlr %1, [%0]" : : "r"(&mem[7]), "r"(0x0102030405060708ull) : "memory");
    CHECK_EQ(mem[7], 0x0102030405060708ull);
    __asm__ volatile("stlrb %w1, [%0]" : : "r"(&mem[7]), "r"(0xffu) : "memory");
    __asm__ volatile("stlrh %w1, [%0]" : : "r"((uint64_t)&mem[7] + 2), "r"(0xeeddu) : "memory");
    __asm__ volatile("stlr %w1, [%0]" : : "r"((uint64_t)&mem[7] + 4), "r"(0xccbbaa99u) : "memory");
    CHECK_EQ(mem[7], 0xccbbaa99eedd07ffull);
    __asm__ volatile("ldar %0, [%1]" : "=r"(v) : "r"(&mem[7]) : "memory");
    CHECK_EQ(v, 0xccbbaa99eedd07ffull);
    __asm__ volatile("ldar %w0, [%1]" : "=r"(v) : "r"((uint64_t)&mem[7] + 4) : "memory");
    CHECK_EQ(v, 0xccbbaa99);
    __asm__ volatile("ldarh %w0, [%1]" : "=r"(v) : "r"((uint64_t)&mem[7] + 2) : "memory");
    CHECK_EQ(v, 0xeedd);
    __asm__ volatile("ldarb %w0, [%1]" : "=r"(v) : "r"((uint64_t)&mem[7] + 1) : "memory");
    CHECK_EQ(v, 0x07);
}

static void test_atomic_add_loop(void)
{
    uint64_t old, tmp, status;
    mem[8] = 1000;
    for (int i = 0; i < 100; i++) {
        __asm__ volatile("1: ldaxr %0, [%3]\n"
                         "add %1, %0, #7\n"
                         "stlxr %w2, %1, [%3]\n"
                         "cbnz %w2, 1b\n"
                         : "=&r"(old), "=&r"(tmp), "=&r"(status)
                         : "r"(&mem[8])
                         : "memory");
    }
    CHECK_EQ(mem[8], 1700);
}

int main(void)
{
    test_xr_sizes();
    test_failures();
    test_pairs();
    test_acquire_release();
    test_atomic_add_loop();
    return guest_report();
}
