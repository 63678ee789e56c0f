/*
 * test-smp-lse.c — LSE atomics across four vCPUs (test-smp-lse.args: -cpu max -smp 4), each on
 * its own host thread, brought up with PSCI CPU_ON (Arm DEN 0022): every CPU adds to one
 * counter with LDADDAL and to another with STADD, the totals must be exact; a spinlock taken
 * with CASA (even rounds) or SWPA (odd rounds) and released with STLR protects a plain
 * load/add/store counter, whose total must be exact too (mutual exclusion plus the
 * acquire/release ordering, ARM ARM B2.3); and a 128-bit pair incremented with CASPAL must end
 * with both halves equal to the number of increments (a torn 128-bit update would show). Also
 * run under ThreadSanitizer.
 */
#include "runtime.h"

#define ARCH ".arch armv8.1-a\n"
#define NCPUS 4
#define ADDS 20000 /* LDADDAL and STADD per CPU */
#define LOCKS 5000 /* lock-protected increments per CPU */
#define PAIRS 2000 /* CASPAL increments per CPU */

#define CPU_ON64 0xc4000003u
#define CPU_OFF 0x84000002u

static uint8_t stacks[NCPUS][4096] __attribute__((aligned(16)));
static volatile uint64_t counter_ldadd, counter_stadd;
static volatile uint32_t lock_word;
static volatile uint64_t plain_counter;
static volatile uint64_t pair[2] __attribute__((aligned(16)));
static volatile uint32_t done[NCPUS];
static volatile uint32_t go;
static volatile uint64_t ldadd_seen_bad;

static void spin_lock(int use_swp)
{
    uint32_t old;
    do {
        if (use_swp) {
            __asm__ volatile(ARCH "swpa %w1, %w0, [%2]" : "=&r"(old) : "r"(1u), "r"(&lock_word)
                             : "memory");
        } else {
            old = 0;
            __asm__ volatile(ARCH "casa %w0, %w1, [%2]" : "+&r"(old) : "r"(1u), "r"(&lock_word)
                             : "memory");
        }
    } while (old != 0);
}

static void spin_unlock(void)
{
    __asm__ volatile("stlr wzr, [%0]" : : "r"(&lock_word) : "memory");
}

/* Increments both halves of pair with one 128-bit CASPAL, retrying on interference. */
static void pair_increment(void)
{
    for (;;) {
        uint64_t lo = pair[0], hi = pair[1];
        uint64_t c0 = lo, c1 = hi;
        __asm__ volatile(ARCH "mov x4, %0\n mov x5, %1\n add x6, x4, #1\n add x7, x5, #1\n"
                         "caspal x4, x5, x6, x7, [%2]\n mov %0, x4\n mov %1, x5"
                         : "+&r"(c0), "+&r"(c1)
                         : "r"(pair)
                         : "x4", "x5", "x6", "x7", "memory");
        if (c0 == lo && c1 == hi) {
            return;
        }
    }
}

static void work(int me)
{
    for (int i = 0; i < ADDS; i++) {
        uint64_t old;
        __asm__ volatile(ARCH "ldaddal %x1, %x0, [%2]" : "=&r"(old) : "r"(1ull),
                         "r"(&counter_ldadd) : "memory");
        if (old >= (uint64_t)NCPUS * ADDS) {
            ldadd_seen_bad = old + 1;
        }
        __asm__ volatile(ARCH "stadd %x0, [%1]" : : "r"(3ull), "r"(&counter_stadd) : "memory");
    }
    for (int i = 0; i < LOCKS; i++) {
        spin_lock((i + me) & 1);
        plain_counter = plain_counter + 1;
        spin_unlock();
    }
    for (int i = 0; i < PAIRS; i++) {
        pair_increment();
    }
}

void secondary_main(uint64_t context)
{
    uint64_t mpidr;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    int me = (int)(mpidr & 0xff);
    while (!go) {
    }
    work(me);
    __asm__ volatile("dmb ish" ::: "memory");
    done[me] = 1;
    psci_hvc(CPU_OFF, 0, 0, 0, 0);
    uart_puts("FAIL CPU_OFF returned\n");
    for (;;) {
    }
}

int main(void)
{
    for (int c = 1; c < NCPUS; c++) {
        uint64_t top = (uint64_t)&stacks[c][sizeof(stacks[c])];
        CHECK_EQ(psci_hvc(CPU_ON64, (uint64_t)c, (uint64_t)secondary_entry, top, 0), 0);
    }
    go = 1;
    work(0);
    for (int c = 1; c < NCPUS; c++) {
        while (!done[c]) {
        }
    }
    __asm__ volatile("dmb ish" ::: "memory");
    CHECK_EQ(counter_ldadd, (uint64_t)NCPUS * ADDS);
    CHECK_EQ(ldadd_seen_bad, 0);
    CHECK_EQ(counter_stadd, (uint64_t)NCPUS * ADDS * 3);
    CHECK_EQ(plain_counter, (uint64_t)NCPUS * LOCKS);
    CHECK_EQ(lock_word, 0);
    CHECK_EQ(pair[0], (uint64_t)NCPUS * PAIRS);
    CHECK_EQ(pair[1], (uint64_t)NCPUS * PAIRS);
    return guest_report();
}
