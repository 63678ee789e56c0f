/*
 * test-smp-kick.c — an AP that was never sent INIT/SIPI executes nothing, however often its
 * vCPU thread is kicked (issue 7, DESIGN.md vCPU life cycle rule 1; -smp 2 with
 * -device tandem-testdev,arg=N). The BSP writes 1 to the test device's KICK register
 * (docs/testdev.md; MMIO 0xFEB00000 on -M pc) N times, then reads CPU 1's power-controller
 * registers (docs/power-controller.md; 0xFEB01000 on -M pc): INSNS must still be 0 and STATE
 * must say powered on (bits 1:0 = 0) and halted (bit 2: wait-for-SIPI). Then INIT/SIPI start
 * it and INSNS must move.
 * Tandem only: on another emulator (the test device ID does not read 0x54544456; QEMU reads
 * all ones there) it prints why and passes. x86.mk keeps it off the oracle run, whose QEMU
 * refuses -device tandem-testdev.
 * How it fails when broken: on Tandem, a kick that clears halted (so the AP runs from its
 * reset CS:IP before any SIPI) makes INSNS non-zero; the final INSNS > 0 check is the
 * control that the counter works for CPU 1.
 */
#include "runtime.h"

#define TESTDEV 0xfeb00000ull
#define TESTDEV_ID 0x00
#define TESTDEV_KICK 0x20
#define TESTDEV_ARG 0x30
#define PWR 0xfeb01000ull
#define PWR_CPU 0x10
#define PWR_STATE 0x30
#define PWR_INSNS 0x38

static uint32_t rd32(uint64_t a) { return *(volatile uint32_t *)a; }
static uint64_t rd64(uint64_t a) { return *(volatile uint64_t *)a; }
static void wr32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

static volatile unsigned spins;

static void ap_spin(unsigned idx)
{
    for (unsigned i = 0; i < 100000; i++) {
        spins++;
    }
}

int main(void)
{
    unsigned n = smp_init();
    CHECK(n >= 2);
    if (n < 2) {
        return guest_report();
    }
    CHECK(x86_map_page(TESTDEV, TESTDEV, X86_PTE_RW | 0x18) != NULL);
    CHECK(x86_map_page(PWR, PWR, X86_PTE_RW | 0x18) != NULL);
    uint32_t id = rd32(TESTDEV + TESTDEV_ID);
    if (id != 0x54544456u) {
        guest_printf("no Tandem test device (ID %x): skipped\n", id);
        return guest_report();
    }
    uint64_t kicks = rd64(TESTDEV + TESTDEV_ARG);
    if (!kicks) {
        kicks = 10000;
    }
    wr32(PWR + PWR_CPU, 1);
    CHECK_EQ(rd64(PWR + PWR_INSNS), 0);
    for (uint64_t i = 0; i < kicks; i++) {
        wr32(TESTDEV + TESTDEV_KICK, 1);
    }
    delay_us(10000);
    uint32_t state = rd32(PWR + PWR_STATE);
    uint64_t insns = rd64(PWR + PWR_INSNS);
    guest_printf("%lu kicks: CPU 1 STATE %x INSNS %lu\n", kicks, state, insns);
    CHECK_EQ(insns, 0);
    CHECK_EQ(state & 3, 0); /* on */
    CHECK(state & 4);       /* halted: waiting for SIPI */
    CHECK_EQ(smp_cpus[1].entries, 0);

    CHECK_EQ(smp_start_ap(1, ap_spin), 0);
    CHECK(smp_wait_eq(&smp_cpus[1].done, 1, 1000000));
    insns = rd64(PWR + PWR_INSNS);
    guest_printf("after INIT/SIPI: CPU 1 INSNS %lu\n", insns);
    CHECK(insns > 0);
    return guest_report();
}
