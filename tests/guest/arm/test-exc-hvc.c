/*
 * test-exc-hvc.c — HVC #1 at EL1 on a machine without EL2 is UNDEFINED (ARM ARM C6.2.98 HVC:
 * "UNDEFINED ... if EL2 is not implemented"), EC 0x00 with ELR = the HVC; only HVC #0, the
 * PSCI conduit that the device tree names, is claimed by the board's firmware emulation.
 * Known difference: QEMU 7.2 treats every HVC at EL1 as a PSCI call (x0 = NOT_SUPPORTED, no
 * exception), so this test FAILS on qemu-system-aarch64 by design; the ARM ARM is followed.
 * Bare metal at EL1, single-threaded.
 */
#include "runtime.h"

int main(void)
{
    uint64_t a;
    exc_install();
    exc_reset();
    __asm__ volatile("mov x0, #0\n adr %0, 1f\n1: hvc #1" : "=&r"(a) : : "x0", "memory");
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.vector, EXC_CUR_SPX * 4 + EXC_SYNC);
    CHECK_EQ(exc_last.esr, ESR_MAKE(0x00, 1, 0));
    CHECK_EQ(exc_last.elr, a);
    exc_reset();
    __asm__ volatile("mov x0, #0\n adr %0, 1f\n1: hvc #0xffff" : "=&r"(a) : : "x0", "memory");
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.esr, ESR_MAKE(0x00, 1, 0));
    CHECK_EQ(exc_last.elr, a);
    return guest_report();
}
