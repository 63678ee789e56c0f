/*
 * mon-target.c — the guest that tests/monitor/run.sh drives through the monitor (4 vCPUs,
 * -device tandem-testdev). Each boot prints "boot N" (N counted in the test device's scratch
 * register, which survives resets), starts CPU 2 in WFI with interrupts masked, leaves CPUs 1
 * and 3 off, prints "entry 0x..." (where the script may cpu-start CPU 1) and "ready N", then
 * waits in a read of the test device's BLOCK register. Released with 1 it prints "released"
 * and waits again; released with 2 it prints PASS and exits with status 0. A CPU started at
 * the entry prints "started ctx=0x..." and parks in WFI.
 */
#include "../guest/arm/test-lifecycle.h"

static uint8_t stacks[4][4096] __attribute__((aligned(16)));
static struct lifecycle_cpu ctx[4];

static void in_wfi(struct lifecycle_cpu *self)
{
    __asm__ volatile("msr daifset, #0xf");
    for (;;) {
        __asm__ volatile("wfi");
    }
}

static void started(struct lifecycle_cpu *self)
{
    uart_puts("started ctx=");
    print_hex((uint64_t)self);
    uart_puts("\n");
    in_wfi(self);
}

int main(void)
{
    uint64_t boot = rd64(TD_BASE + TD_SCRATCH(0)) + 1;
    wr64(TD_BASE + TD_SCRATCH(0), boot);
    uart_puts("boot ");
    print_dec((int64_t)boot);
    uart_puts("\n");
    for (int c = 1; c < 4; c++) {
        ctx[c].stack_top = (uint64_t)&stacks[c][sizeof(stacks[c])];
        ctx[c].fn = c == 2 ? in_wfi : started;
    }
    __asm__ volatile("dsb sy" ::: "memory");
    pwr_start(2, (uint64_t)lifecycle_entry, (uint64_t)&ctx[2]);
    pwr_wait_state(2, S_HALTED | S_POWER, S_HALTED | S_ON);
    uart_puts("entry ");
    print_hex((uint64_t)lifecycle_entry);
    uart_puts(" ctx1 ");
    print_hex((uint64_t)&ctx[1]);
    uart_puts("\nready ");
    print_dec((int64_t)boot);
    uart_puts("\n");
    for (;;) {
        uint64_t v = rd64(TD_BASE + TD_BLOCK);
        if (v == 2) {
            uart_puts("PASS\n");
            return 0;
        }
        uart_puts("released ");
        print_hex(v);
        uart_puts("\n");
    }
}
