/*
 * test-smp-rr.c — a guest whose result depends on how its four vCPUs interleave, for the
 * deterministic single-thread mode (-accel tcg,thread=single; tests/rr/run.sh runs it twice
 * and requires identical output). Every CPU adds to one counter with plain, non-atomic
 * load/add/store (so updates may be lost when two CPUs really run at once) and folds each value
 * it saw into its own hash; meanwhile its physical timer (PPI 14, INTID 30, through the GICv2)
 * interrupts it every 50 us, TICKS times in all, the rest of them while it sleeps in WFI. CPU 0
 * then prints the interleaving fingerprint, each CPU's timer-interrupt count, its counter at the
 * end, and each CPU's instruction count from the power controller (INSNS, 0x090e0038).
 * The test checks only what holds in any interleaving: counter <= NCPUS * ADDS, every CPU saw
 * TICKS interrupts and its counter never went backwards; with thread=single the output must
 * also be the same from run to run, which only the shell test can see.
 */
#include <stdbool.h>

#include "runtime.h"
#include "test-irq-vectors.h"

#define NCPUS 4
#define ADDS 30000
#define TICKS 12
#define CPU_ON64 0xc4000003u
#define CPU_OFF 0x84000002u

#define GICD 0x08000000ul
#define GICC 0x08010000ul
#define POWERCTL 0x090e0000ul
#define REG32(base, off) (*(volatile uint32_t *)((base) + (off)))
#define REG64(base, off) (*(volatile uint64_t *)((base) + (off)))
#define TIMER_INTID 30 /* non-secure physical timer, PPI 14 */

static uint8_t stacks[NCPUS][4096] __attribute__((aligned(16)));
static volatile uint64_t counter;
static volatile uint64_t hash[NCPUS];
static volatile uint32_t ticks[NCPUS];
static volatile uint32_t stray[NCPUS];
static volatile uint64_t end_count[NCPUS];
static volatile uint32_t backwards[NCPUS];
static volatile uint32_t done[NCPUS];
static volatile uint32_t go;

static int cpu_id(void)
{
    uint64_t mpidr;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    return (int)(mpidr & 0xff);
}

static uint64_t timer_period(void)
{
    uint64_t freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    return freq / 20000; /* 50 us */
}

void irq_vector_handler(void)
{
    int me = cpu_id();
    uint32_t iar = REG32(GICC, 0x00c);
    if ((iar & 0x3ff) != TIMER_INTID) {
        stray[me]++;
    } else if (++ticks[me] < TICKS) {
        __asm__ volatile("msr cntp_tval_el0, %0\n isb" : : "r"(timer_period()) : "memory");
    } else {
        /* A level interrupt: mask the timer before EOI or it is taken again at once. */
        __asm__ volatile("msr cntp_ctl_el0, %0\n isb" : : "r"(3ul) : "memory");
    }
    REG32(GICC, 0x010) = iar;
}

/* Only rr_probe32's load may fault: skip it and report through x16 = 1. */
void sync_vector_handler(uint64_t *frame)
{
    uint64_t elr;
    __asm__ volatile("mrs %0, elr_el1" : "=r"(elr));
    __asm__ volatile("msr elr_el1, %0" : : "r"(elr + 4));
    frame[16] = 1;
}

/* A 32-bit read that may abort (the power controller is Tandem's: QEMU's virt has nothing
 * there). Returns false if it did. */
static bool rr_probe32(uint64_t addr, uint32_t *value)
{
    uint64_t failed;
    uint32_t v = 0;
    __asm__ volatile("mov x16, #0\n"
                     "ldr %w0, [%2]\n"
                     "mov %1, x16\n"
                     : "+r"(v), "=r"(failed)
                     : "r"(addr)
                     : "x16", "memory");
    *value = v;
    return !failed;
}

/* Every CPU: its own timer interrupts, the race, then WFI until the last tick. */
static void rr_work(int me)
{
    __asm__ volatile("msr vbar_el1, %0\n isb" : : "r"(irq_vectors) : "memory");
    REG32(GICC, 0x000) = 1;    /* GICC_CTLR.EnableGrp0 (banked per CPU) */
    REG32(GICC, 0x004) = 0xff; /* PMR */
    *(volatile uint8_t *)(GICD + 0x400 + TIMER_INTID) = 0x40;
    REG32(GICD, 0x100) = 1u << TIMER_INTID; /* ISENABLER0 (banked per CPU) */
    __asm__ volatile("msr cntp_tval_el0, %0\n"
                     "msr cntp_ctl_el0, %1\n"
                     "isb\n"
                     "msr daifclr, #2\n" : : "r"(timer_period()), "r"(1ul) : "memory");
    while (!go) {
    }
    uint64_t h = 0, last = 0;
    for (int i = 0; i < ADDS; i++) {
        uint64_t v = counter; /* plain load, add, store: a race on purpose */
        counter = v + 1;
        h = h * 31 + v;
        backwards[me] += v < last;
        last = v;
    }
    hash[me] = h;
    while (ticks[me] < TICKS) {
        __asm__ volatile("dsb sy\n wfi" ::: "memory");
    }
    __asm__ volatile("msr daifset, #2\n isb\n mrs %0, cntpct_el0" : "=r"(end_count[me]) : : "memory");
    __asm__ volatile("dmb ish" ::: "memory");
    done[me] = 1;
}

void secondary_main(uint64_t context)
{
    rr_work(cpu_id());
    psci_hvc(CPU_OFF, 0, 0, 0, 0);
    for (;;) {
    }
}

int main(void)
{
    REG32(GICD, 0x000) = 1; /* GICD_CTLR.EnableGrp0 */
    for (int c = 1; c < NCPUS; c++) {
        uint64_t top = (uint64_t)&stacks[c][sizeof(stacks[c])];
        CHECK_EQ(psci_hvc(CPU_ON64, (uint64_t)c, (uint64_t)secondary_entry, top, 0), 0);
    }
    go = 1;
    rr_work(0);
    for (int c = 1; c < NCPUS; c++) {
        while (!done[c]) {
        }
    }
    __asm__ volatile("dmb ish" ::: "memory");
    uint64_t fp = counter;
    for (int c = 0; c < NCPUS; c++) {
        fp = fp * 1000003 ^ hash[c];
    }
    uart_puts("fingerprint ");
    print_hex(fp);
    uart_puts(" counter ");
    print_dec((int64_t)counter);
    uart_puts("\n");
    uint32_t id = 0;
    bool have_powerctl = rr_probe32(POWERCTL, &id) && id == 0x54505752; /* "TPWR" */
    for (int c = 0; c < NCPUS; c++) {
        uart_puts("cpu ");
        print_dec(c);
        uart_puts(" ticks ");
        print_dec(ticks[c]);
        uart_puts(" end ");
        print_dec((int64_t)end_count[c]);
        if (have_powerctl) {
            REG32(POWERCTL, 0x10) = (uint32_t)c;
            uart_puts(" insns ");
            print_dec((int64_t)REG64(POWERCTL, 0x38));
        }
        uart_puts("\n");
        CHECK_EQ(ticks[c], TICKS);
        CHECK_EQ(stray[c], 0);
        CHECK_EQ(backwards[c], 0);
    }
    CHECK_EQ(counter <= (uint64_t)NCPUS * ADDS, 1);
    CHECK_EQ(counter >= ADDS, 1);
    return guest_report();
}
