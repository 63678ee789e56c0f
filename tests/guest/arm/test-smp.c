/*
 * test-smp.c — four vCPUs (test-smp.args: -smp 4) brought up through PSCI (Arm DEN 0022):
 * secondaries start OFF (AFFINITY_INFO), CPU_ON checks its arguments (INVALID_PARAMETERS for an
 * absent MPIDR, INVALID_ADDRESS for an entry no CPU can run), a second CPU_ON of the same CPU
 * answers ON_PENDING or ALREADY_ON, and a CPU that is on starts at the entry with x0 = context
 * id. All four then add to one counter with LDXR/STXR and the total must be exact; a message
 * passed with DMB arrives with its data; each secondary powers itself off with CPU_OFF, and the
 * off/on cycle repeats (-device tandem-testdev,arg=N: N times). Every vCPU runs on its own
 * host thread.
 */
#include "runtime.h"

#define NCPUS 4
#define ADDS 20000  /* LDXR/STXR increments per CPU */
/* CPU_ON / CPU_OFF rounds of every secondary: the test device's ARG (test-smp.args; 1,000 in
 * test-smp.full.args for make check-full). */
#define TESTDEV_ARG 0x090f0030ul

#define CPU_ON64 0xc4000003u
#define CPU_OFF 0x84000002u
#define AFFINITY_INFO64 0xc4000004u
#define INVALID_PARAMETERS ((uint64_t)-2)
#define ALREADY_ON ((uint64_t)-4)
#define ON_PENDING ((uint64_t)-5)
#define INVALID_ADDRESS ((uint64_t)-9)
#define AFF_ON 0
#define AFF_OFF 1

static uint8_t stacks[NCPUS][4096] __attribute__((aligned(16)));
static volatile uint64_t counter;
static volatile uint64_t started[NCPUS]; /* x0 each secondary found at its entry */
static volatile uint32_t done[NCPUS];
static volatile uint64_t message_data;
static volatile uint32_t message_flag;
static volatile uint64_t message_seen;
static volatile int round_kind; /* 0: count, 1: just power off again */
/* Counting starts only once CPU 0 has made its second CPU_ON of CPU 1: on a loaded host CPU 1
 * could otherwise finish and power off first, and that second CPU_ON would rightly succeed. */
static volatile uint32_t go;
/* Round kind 1: secondaries wait for this before powering off, while CPU 0 checks that a CPU
 * it has just started never reads OFF (a start that went through the reset power state would
 * show OFF for a moment, and a second CPU_ON could then claim it again). */
static volatile uint32_t may_off;

static uint64_t hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return psci_hvc(fn, a1, a2, a3, 0);
}

static void add_one(volatile uint64_t *p)
{
    uint64_t v;
    uint32_t fail;
    __asm__ volatile("1: ldxr %0, [%2]\n"
                     "add %0, %0, #1\n"
                     "stxr %w1, %0, [%2]\n"
                     "cbnz %w1, 1b\n"
                     : "=&r"(v), "=&r"(fail)
                     : "r"(p)
                     : "memory");
}

/* Runs on a secondary started at secondary_entry (runtime): context = the top of its stack. */
void secondary_main(uint64_t context)
{
    uint64_t mpidr;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    int me = (int)(mpidr & 0xff);
    started[me] = context;
    if (round_kind == 0) {
        while (!go) {
        }
        for (int i = 0; i < ADDS; i++) {
            add_one(&counter);
        }
        if (me == 1) { /* message passing: data, barrier, flag */
            message_data = 0x5eed1234;
            __asm__ volatile("dmb ish" ::: "memory");
            message_flag = 1;
        }
    }
    __asm__ volatile("dmb ish" ::: "memory");
    if (round_kind == 1) {
        while (!may_off) {
        }
    }
    done[me] = 1;
    hvc(CPU_OFF, 0, 0, 0);
    uart_puts("FAIL CPU_OFF returned\n");
    for (;;) {
    }
}

static uint64_t stack_top(int cpu) { return (uint64_t)&stacks[cpu][sizeof(stacks[cpu])]; }

/* Waits (bounded) until every secondary is OFF again. */
static int wait_all_off(void)
{
    for (int spin = 0; spin < 50000000; spin++) {
        int off = 0;
        for (int c = 1; c < NCPUS; c++) {
            off += hvc(AFFINITY_INFO64, (uint64_t)c, 0, 0) == AFF_OFF;
        }
        if (off == NCPUS - 1) {
            return 1;
        }
    }
    return 0;
}

static void test_bring_up_and_count(void)
{
    for (int c = 1; c < NCPUS; c++) {
        CHECK_EQ(hvc(AFFINITY_INFO64, (uint64_t)c, 0, 0), AFF_OFF);
    }
    CHECK_EQ(hvc(AFFINITY_INFO64, 0, 0, 0), AFF_ON);
    CHECK_EQ(hvc(CPU_ON64, 0x100, (uint64_t)secondary_entry, 0), INVALID_PARAMETERS);
    CHECK_EQ(hvc(CPU_ON64, 1, (uint64_t)secondary_entry + 2, stack_top(1)), INVALID_ADDRESS);
    CHECK_EQ(hvc(CPU_ON64, 1, 0x10, stack_top(1)), INVALID_ADDRESS); /* flash: nothing there */
    CHECK_EQ(hvc(AFFINITY_INFO64, 1, 0, 0), AFF_OFF);

    round_kind = 0;
    for (int c = 1; c < NCPUS; c++) {
        CHECK_EQ(hvc(CPU_ON64, (uint64_t)c, (uint64_t)secondary_entry, stack_top(c)), 0);
    }
    uint64_t again = hvc(CPU_ON64, 1, (uint64_t)secondary_entry, stack_top(1));
    CHECK_EQ(again == ON_PENDING || again == ALREADY_ON, 1);
    go = 1;
    for (int i = 0; i < ADDS; i++) {
        add_one(&counter);
    }
    while (!message_flag) {
    }
    __asm__ volatile("dmb ish" ::: "memory");
    message_seen = message_data;
    for (int c = 1; c < NCPUS; c++) {
        while (!done[c]) {
        }
    }
    CHECK_EQ(counter, (uint64_t)NCPUS * ADDS);
    CHECK_EQ(message_seen, 0x5eed1234);
    for (int c = 1; c < NCPUS; c++) {
        CHECK_EQ(started[c], stack_top(c));
    }
    CHECK_EQ(wait_all_off(), 1);
}

static void test_on_off_cycles(void)
{
    round_kind = 1;
    int good = 0, seen_off = 0;
    int cycles = (int)*(volatile uint64_t *)TESTDEV_ARG;
    CHECK_EQ(cycles > 0, 1);
    for (int r = 0; r < cycles; r++) {
        for (int c = 1; c < NCPUS; c++) {
            done[c] = 0;
            started[c] = 0;
        }
        may_off = 0;
        __asm__ volatile("dmb ish" ::: "memory");
        int on = 0;
        for (int c = 1; c < NCPUS; c++) {
            on += hvc(CPU_ON64, (uint64_t)c, (uint64_t)secondary_entry, stack_top(c)) == 0;
            for (int i = 0; i < 20; i++) {
                seen_off += hvc(AFFINITY_INFO64, (uint64_t)c, 0, 0) == AFF_OFF;
            }
        }
        for (int c = 1; c < NCPUS; c++) {
            while (!started[c]) {
                seen_off += hvc(AFFINITY_INFO64, (uint64_t)c, 0, 0) == AFF_OFF;
            }
        }
        __asm__ volatile("dmb ish" ::: "memory");
        may_off = 1;
        for (int c = 1; c < NCPUS; c++) {
            while (!done[c]) {
            }
        }
        int right = 1;
        for (int c = 1; c < NCPUS; c++) {
            right &= started[c] == stack_top(c);
        }
        good += on == NCPUS - 1 && right && wait_all_off();
    }
    CHECK_EQ(good, cycles);
    CHECK_EQ(seen_off, 0);
}

int main(void)
{
    test_bring_up_and_count();
    test_on_off_cycles();
    return guest_report();
}
