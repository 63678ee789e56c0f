/*
 * test-smp-powerctl.c — the power controller (docs/power-controller.md) on 4 vCPUs: it halts
 * and resumes a CPU that is busy, one that is in WFI and one that is off; a halted CPU makes
 * no progress (its counter and its executed-instruction count stand still); START resets a
 * running CPU at a new entry with the context in x0 and powers on an off one; OFF stops a
 * busy CPU, after which PSCI sees it OFF and CPU_ON works again. Every command runs as work
 * on the target's own thread; the guest polls STATE.
 */
#include "test-lifecycle.h"

#define NCPUS 4
static uint8_t stacks[NCPUS][4096] __attribute__((aligned(16)));
static struct lifecycle_cpu ctx[NCPUS];
static volatile uint64_t counter[NCPUS];
static volatile uint64_t started_with[NCPUS];
static volatile uint64_t wfi_wakes[NCPUS];

static void busy(struct lifecycle_cpu *self)
{
    int me = (int)(read_mpidr() & 0xff);
    started_with[me] = (uint64_t)self;
    for (;;) {
        counter[me]++;
    }
}

static void in_wfi(struct lifecycle_cpu *self)
{
    int me = (int)(read_mpidr() & 0xff);
    started_with[me] = (uint64_t)self;
    __asm__ volatile("msr daifset, #0xf");
    for (;;) {
        __asm__ volatile("wfi");
        wfi_wakes[me]++;
    }
}

static struct lifecycle_cpu *context_for(int cpu, void (*fn)(struct lifecycle_cpu *))
{
    ctx[cpu].stack_top = (uint64_t)&stacks[cpu][sizeof(stacks[cpu])];
    ctx[cpu].fn = fn;
    return &ctx[cpu];
}

/* A held CPU makes no progress: neither its counter nor its instruction count move. */
static void check_no_progress(int cpu, const char *what)
{
    uint64_t c = counter[cpu], i = pwr_insns(cpu);
    spin(300000);
    if (counter[cpu] != c || pwr_insns(cpu) != i) {
        uart_puts("FAIL progress while held: ");
        uart_puts(what);
        uart_puts("\n");
        guest_failures++;
    }
}

int main(void)
{
    CHECK_EQ(rd32(PWR_BASE + PWR_ID), 0x54505752);
    CHECK_EQ(rd32(PWR_BASE + PWR_NUM_CPUS), NCPUS);

    /* An off CPU: halt and resume change nothing; it has executed nothing. */
    CHECK_EQ(pwr_state(1), S_OFF);
    CHECK_EQ(pwr_insns(1), 0);
    CHECK_EQ(pwr_cmd(1, CMD_HALT), ST_OK);
    CHECK_EQ(pwr_cmd(1, CMD_RESUME), ST_OK);
    spin(100000);
    CHECK_EQ(pwr_state(1), S_OFF);
    CHECK_EQ(pwr_insns(1), 0);

    /* Bad requests. */
    CHECK_EQ(pwr_cmd(9, CMD_HALT), ST_BAD_CPU);
    CHECK_EQ(pwr_cmd(1, 77), ST_BAD_CMD);
    CHECK_EQ(pwr_start(1, 0x10, 0), ST_BAD_ENTRY);                         /* flash: no RAM */
    CHECK_EQ(pwr_start(1, (uint64_t)lifecycle_entry + 2, 0), ST_BAD_ENTRY); /* unaligned */
    CHECK_EQ(pwr_state(1), S_OFF);

    /* START an off CPU; halt it while busy; resume it. */
    CHECK_EQ(pwr_start(1, (uint64_t)lifecycle_entry, (uint64_t)context_for(1, busy)), ST_OK);
    CHECK_EQ(pwr_wait_state(1, S_POWER, S_ON), 1);
    while (counter[1] == 0) {
    }
    CHECK_EQ(started_with[1], (uint64_t)&ctx[1]);
    CHECK_EQ(pwr_cmd(1, CMD_HALT), ST_OK);
    CHECK_EQ(pwr_wait_state(1, S_HELD | S_POWER, S_HELD | S_ON), 1);
    check_no_progress(1, "busy CPU 1");
    CHECK_EQ(psci_hvc(PSCI_AFFINITY_INFO64, 1, 0, 0, 0), 0); /* held is still ON */
    CHECK_EQ(pwr_cmd(1, CMD_RESUME), ST_OK);
    CHECK_EQ(pwr_wait_state(1, S_HELD, 0), 1);
    uint64_t c = counter[1];
    while (counter[1] == c) {
    }

    /* A CPU in WFI: halting holds it there, resuming leaves it in WFI (no wake-up). */
    CHECK_EQ(pwr_start(2, (uint64_t)lifecycle_entry, (uint64_t)context_for(2, in_wfi)), ST_OK);
    CHECK_EQ(pwr_wait_state(2, S_HALTED | S_POWER, S_HALTED | S_ON), 1);
    uint64_t i2 = pwr_insns(2);
    CHECK_EQ(i2 > 0, 1);
    CHECK_EQ(pwr_cmd(2, CMD_HALT), ST_OK);
    CHECK_EQ(pwr_wait_state(2, S_HELD | S_HALTED, S_HELD | S_HALTED), 1);
    CHECK_EQ(pwr_cmd(2, CMD_RESUME), ST_OK);
    CHECK_EQ(pwr_wait_state(2, S_HELD | S_HALTED, S_HALTED), 1);
    spin(100000);
    CHECK_EQ(pwr_insns(2), i2);
    CHECK_EQ(wfi_wakes[2], 0);

    /* START a running CPU: it is reset and starts over at the new entry with the new x0. */
    CHECK_EQ(pwr_start(3, (uint64_t)lifecycle_entry, (uint64_t)context_for(3, busy)), ST_OK);
    while (counter[3] == 0) {
    }
    started_with[1] = 0;
    CHECK_EQ(pwr_start(1, (uint64_t)lifecycle_entry, (uint64_t)context_for(1, in_wfi)), ST_OK);
    CHECK_EQ(pwr_wait_state(1, S_HALTED | S_POWER, S_HALTED | S_ON), 1);
    CHECK_EQ(started_with[1], (uint64_t)&ctx[1]);

    /* OFF a busy CPU: it stops, PSCI sees it OFF, and CPU_ON brings it back. */
    CHECK_EQ(pwr_cmd(3, CMD_OFF), ST_OK);
    CHECK_EQ(pwr_wait_state(3, S_POWER, S_OFF), 1);
    check_no_progress(3, "powered-off CPU 3");
    CHECK_EQ(psci_hvc(PSCI_AFFINITY_INFO64, 3, 0, 0, 0), 1);
    counter[3] = 0;
    CHECK_EQ(psci_hvc(PSCI_CPU_ON64, 3, (uint64_t)lifecycle_entry, (uint64_t)context_for(3, busy),
                      0),
             0);
    while (counter[3] == 0) {
    }
    /* Halting an off CPU does nothing; halting a CPU and powering it off leaves it off. */
    CHECK_EQ(pwr_cmd(3, CMD_HALT), ST_OK);
    CHECK_EQ(pwr_wait_state(3, S_HELD, S_HELD), 1);
    CHECK_EQ(pwr_cmd(3, CMD_OFF), ST_OK);
    CHECK_EQ(pwr_wait_state(3, S_POWER | S_HELD, S_OFF), 1);

    for (int cpu = 1; cpu < NCPUS; cpu++) {
        pwr_cmd(cpu, CMD_OFF);
        CHECK_EQ(pwr_wait_state(cpu, S_POWER, S_OFF), 1);
    }
    return guest_report();
}
