/*
 * test-smp-kick.c — kicks never run a vCPU (DESIGN.md rule 1), on 4 vCPUs with the test
 * device (-device tandem-testdev): CPU 1 is OFF, CPU 2 waits in WFI with its interrupts off at
 * the GIC (its CPU interface never enabled) and masked in PSTATE, CPU 3 is held by the power
 * controller while busy. Each is kicked KICKS times through the test device and sent SGIs
 * through the GICv2 distributor, and its executed-instruction count (power controller INSNS)
 * must not move: 0 for the OFF CPU. The monitor's kicks are tested in tests/monitor.
 */
#include "test-lifecycle.h"

#define NCPUS 4
#define KICKS 100000
#define SGIS 10000
#define GICD_CTLR 0x08000000ul
#define GICD_SGIR 0x08000f00ul

static uint8_t stacks[NCPUS][4096] __attribute__((aligned(16)));
static struct lifecycle_cpu ctx[NCPUS];
static volatile uint64_t counter[NCPUS];

static void busy(struct lifecycle_cpu *self)
{
    int me = (int)(read_mpidr() & 0xff);
    for (;;) {
        counter[me]++;
    }
}

static void in_wfi(struct lifecycle_cpu *self)
{
    __asm__ volatile("msr daifset, #0xf");
    for (;;) {
        __asm__ volatile("wfi");
        counter[2]++; /* a wake-up: there must be none */
    }
}

static struct lifecycle_cpu *context_for(int cpu, void (*fn)(struct lifecycle_cpu *))
{
    ctx[cpu].stack_top = (uint64_t)&stacks[cpu][sizeof(stacks[cpu])];
    ctx[cpu].fn = fn;
    return &ctx[cpu];
}

/* KICKS kicks and SGIS software interrupts at cpu; its instruction count must not move. */
static void hammer(int cpu, const char *what)
{
    uint64_t before = pwr_insns(cpu);
    uint32_t state = pwr_state(cpu);
    for (int i = 0; i < KICKS; i++) {
        wr64(TD_BASE + TD_KICK, (uint64_t)cpu);
    }
    for (int i = 0; i < SGIS; i++) {
        wr32(GICD_SGIR, (1u << (16 + cpu)) | (uint32_t)(i & 15));
    }
    spin(200000);
    uint64_t after = pwr_insns(cpu);
    if (after != before || pwr_state(cpu) != state) {
        uart_puts("FAIL ");
        uart_puts(what);
        uart_puts(" ran: instructions ");
        print_dec((int64_t)before);
        uart_puts(" -> ");
        print_dec((int64_t)after);
        uart_puts("\n");
        guest_failures++;
    }
}

int main(void)
{
    CHECK_EQ(rd32(TD_BASE + TD_ID), 0x54544456);
    wr32(GICD_CTLR, 1); /* distributor on: SGIs become pending at their targets */

    CHECK_EQ(pwr_state(1), S_OFF);
    CHECK_EQ(pwr_insns(1), 0);
    hammer(1, "OFF CPU 1");
    CHECK_EQ(pwr_insns(1), 0);

    CHECK_EQ(pwr_start(2, (uint64_t)lifecycle_entry, (uint64_t)context_for(2, in_wfi)), ST_OK);
    CHECK_EQ(pwr_wait_state(2, S_HALTED | S_POWER, S_HALTED | S_ON), 1);
    hammer(2, "CPU 2 in WFI");
    CHECK_EQ(counter[2], 0);

    CHECK_EQ(pwr_start(3, (uint64_t)lifecycle_entry, (uint64_t)context_for(3, busy)), ST_OK);
    while (counter[3] == 0) {
    }
    CHECK_EQ(pwr_cmd(3, CMD_HALT), ST_OK);
    CHECK_EQ(pwr_wait_state(3, S_HELD, S_HELD), 1);
    uint64_t c3 = counter[3];
    hammer(3, "held CPU 3");
    CHECK_EQ(counter[3], c3);

    /* Once resumed, CPU 3 runs again: the check above could see progress. */
    CHECK_EQ(pwr_cmd(3, CMD_RESUME), ST_OK);
    while (counter[3] == c3) {
    }
    CHECK_EQ(pwr_insns(1), 0);
    return guest_report();
}
