/*
 * test-reset-inflight.c — a machine reset that lands while CPU 0 waits for a result drops
 * that result (DESIGN.md rule 5), on 2 vCPUs with -device tandem-testdev,arg=N.
 *
 * Each boot is one round; the test device's scratch registers, which survive a reset, carry
 * the round number and the failures from boot to boot. CPU 0 starts a wait that only the test
 * device can end: a read of its BLOCK register or the TESTDEV_WAIT hypercall. CPU 1 sees it
 * pending and resets the machine (PSCI SYSTEM_RESET, or the power controller's SYSTEM_RESET),
 * so the result arrives only after the reset, as the poison value. Every boot then checks the
 * reset state: x0 = the DTB address of the first boot (with the DTB magic there), EL1, MMU off.
 * Code after a wait that a reset interrupted must never run. Every third round has no reset:
 * CPU 1 kicks CPU 0 and has the power controller halt and resume it while it waits, then
 * releases a value, which must arrive exactly; then CPU 0 resets the machine itself.
 * After N rounds the test checks the counts and exits.
 */
#include "test-lifecycle.h"

enum { SCR_ROUND = 0, SCR_FAILS = 1, SCR_DTB = 2, SCR_RELEASED = 3, SCR_LOST = 4 };

static uint8_t stack1[4096] __attribute__((aligned(16)));
static struct lifecycle_cpu ctx1;

static uint64_t scratch(int n) { return rd64(TD_BASE + TD_SCRATCH(n)); }
static void set_scratch(int n, uint64_t v) { wr64(TD_BASE + TD_SCRATCH(n), v); }

static void fail(const char *what, uint64_t got)
{
    uart_puts("FAIL ");
    uart_puts(what);
    uart_puts(": ");
    print_hex(got);
    uart_puts("\n");
    set_scratch(SCR_FAILS, scratch(SCR_FAILS) + 1);
}

static void wait_pending(void)
{
    while (rd64(TD_BASE + TD_PENDING) == 0) {
    }
}

/* CPU 1: reset the machine under CPU 0's wait (or, every third round, disturb and release). */
static void cpu1_main(struct lifecycle_cpu *self)
{
    uint64_t round = self->arg;
    wait_pending();
    switch (round % 3) {
    case 0: psci_hvc(PSCI_SYSTEM_RESET, 0, 0, 0, 0); break;
    case 1: pwr_cmd(0, CMD_SYSTEM_RESET); break;
    default:
        for (int i = 0; i < 1000; i++) {
            wr64(TD_BASE + TD_KICK, 0);
        }
        pwr_cmd(0, CMD_HALT);
        pwr_wait_state(0, S_HELD, S_HELD);
        pwr_cmd(0, CMD_RESUME);
        pwr_wait_state(0, S_HELD, 0);
        wr64(TD_BASE + TD_RELEASE, 0x1234000000000000ull | round);
        break;
    }
    for (;;) {
        __asm__ volatile("wfi");
    }
}

/* The wait: a load of BLOCK, or the hypercall, with the result in x0 as the reset sets it. */
static uint64_t wait_block(int hypercall)
{
    register uint64_t x0 __asm__("x0");
    if (hypercall) {
        x0 = HVC_TESTDEV_WAIT;
        __asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
    } else {
        __asm__ volatile("ldr %0, [%1]" : "=r"(x0) : "r"(TD_BASE + TD_BLOCK) : "memory");
    }
    return x0;
}

static void check_reset_state(uint64_t dtb, uint64_t round)
{
    uint64_t el, sctlr;
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    if (round == 0) {
        set_scratch(SCR_DTB, dtb);
    }
    if (dtb != scratch(SCR_DTB)) {
        fail("x0 after reset is not the DTB address", dtb);
    } else if (rd32(dtb) != 0xedfe0dd0u) { /* 0xd00dfeed, big-endian */
        fail("no DTB at x0", rd32(dtb));
    }
    if (el != 4) {
        fail("CurrentEL after reset", el);
    }
    if (sctlr & 1) {
        fail("MMU on after reset", sctlr);
    }
}

int main(uint64_t dtb)
{
    uint64_t round = scratch(SCR_ROUND);
    uint64_t rounds = rd64(TD_BASE + TD_ARG);
    check_reset_state(dtb, round);
    if (round == rounds) {
        uint64_t no_reset = (rounds + 1) / 3; /* rounds 2, 5, 8, ... */
        CHECK_EQ(scratch(SCR_FAILS), 0);
        CHECK_EQ(scratch(SCR_RELEASED), no_reset);
        /* Every reset round left exactly one wait behind. */
        CHECK_EQ(rd64(TD_BASE + TD_STALE), rounds - no_reset - scratch(SCR_LOST));
        CHECK_EQ(scratch(SCR_LOST), 0);
        uart_puts("rounds ");
        print_dec((int64_t)rounds);
        uart_puts("\n");
        return guest_report();
    }
    set_scratch(SCR_ROUND, round + 1);

    ctx1.stack_top = (uint64_t)&stack1[sizeof(stack1)];
    ctx1.fn = cpu1_main;
    ctx1.arg = round;
    __asm__ volatile("dsb sy" ::: "memory");
    if (psci_hvc(PSCI_CPU_ON64, 1, (uint64_t)lifecycle_entry, (uint64_t)&ctx1, 0) != 0) {
        fail("CPU_ON", round);
    }
    uint64_t v = wait_block((int)(round & 1));
    if (round % 3 != 2) {
        /* The reset should have come first; a result reaching here means the wait ended
         * before the reset (allowed, but it never happens with a pending wait) or that the
         * reset did not stop this CPU. */
        set_scratch(SCR_LOST, scratch(SCR_LOST) + 1);
        fail("wait completed in a reset round", v);
        for (;;) {
        }
    }
    if (v != (0x1234000000000000ull | round)) {
        fail("released value", v);
    }
    set_scratch(SCR_RELEASED, scratch(SCR_RELEASED) + 1);
    psci_hvc(PSCI_SYSTEM_RESET, 0, 0, 0, 0);
    for (;;) {
    }
}
