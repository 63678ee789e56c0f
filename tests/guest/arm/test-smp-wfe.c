/*
 * test-smp-wfe.c — WFE, SEV and SEVL with the Event Register (ARM ARM D1.16.1) on two vCPUs
 * (test-smp-wfe.args: -smp 2): SEVL then WFE falls through; WFE with the register clear
 * returns too (it may wait only for a wake-up event, and Tandem yields instead, DESIGN.md
 * rule 3); and a message handshake in both directions where each side waits in a WFE loop for
 * a flag the other sets before SEV, for many rounds: it must complete, and every round must
 * see the value that was sent. Runs the same on QEMU 7.2.
 */
#include "runtime.h"

#define CPU_OFF 0x84000002u
#define CPU_ON64 0xc4000003u
#define AFFINITY_INFO64 0xc4000004u
#define ROUNDS 2000

static uint8_t stack1[4096] __attribute__((aligned(16)));
static volatile uint32_t to_cpu1, to_cpu0;
static volatile uint32_t cpu1_bad;

void secondary_main(uint64_t context)
{
    for (uint32_t r = 1; r <= ROUNDS; r++) {
        uint32_t v;
        while ((v = to_cpu1) < r) {
            __asm__ volatile("wfe" ::: "memory");
        }
        if (v != r) {
            cpu1_bad++;
        }
        to_cpu0 = r;
        __asm__ volatile("dsb ish\n sev" ::: "memory");
    }
    psci_hvc(CPU_OFF, 0, 0, 0, 0);
}

int main(void)
{
    /* SEVL sets the local Event Register, so the first WFE clears it and continues; the
     * second finds it clear and must still come back. */
    __asm__ volatile("sevl\n wfe\n wfe" ::: "memory");
    /* SEV sets this CPU's register as well. */
    __asm__ volatile("sev\n wfe" ::: "memory");

    CHECK_EQ(psci_hvc(CPU_ON64, 1, (uint64_t)secondary_entry, (uint64_t)&stack1[4096], 0), 0);
    for (uint32_t r = 1; r <= ROUNDS; r++) {
        to_cpu1 = r;
        __asm__ volatile("dsb ish\n sev" ::: "memory");
        uint32_t v;
        while ((v = to_cpu0) < r) {
            __asm__ volatile("wfe" ::: "memory");
        }
        if (v != r) {
            check_eq("round seen by CPU 0", v, r);
        }
    }
    while (psci_hvc(AFFINITY_INFO64, 1, 0, 0, 0) != 1) {
    }
    CHECK_EQ(cpu1_bad, 0);
    CHECK_EQ(to_cpu0, ROUNDS);
    return guest_report();
}
