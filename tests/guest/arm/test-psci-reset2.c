/*
 * test-psci-reset2.c — PSCI SYSTEM_RESET2 with reset_type 0, SYSTEM_WARM_RESET (Arm DEN 0022
 * 5.16): the machine resets as for SYSTEM_RESET and the program starts again from its entry,
 * with RAM kept (a warm reset does not clear memory). The first run leaves a marker in RAM
 * outside the program and calls SYSTEM_RESET2, which must not return; the second run finds
 * the marker, clears it and passes. Tandem only: QEMU 7.2 does not implement SYSTEM_RESET2
 * (it answers NOT_SUPPORTED, so this test fails there by design). Single vCPU.
 */
#include "runtime.h"

/* Far above the program, its stack and the DTB, inside the board's default 128 MiB of RAM. */
#define MARKER ((volatile uint64_t *)0x47000000)
#define MAGIC 0x5e7b007a11ull

int main(void)
{
    if (*MARKER == MAGIC) {
        *MARKER = 0;
        uart_puts("second boot after SYSTEM_RESET2\n");
        return guest_report();
    }
    *MARKER = MAGIC;
    __asm__ volatile("dsb sy" ::: "memory");
    uint64_t ret = psci_hvc(0x84000012, 0, 0, 0, 0); /* SYSTEM_WARM_RESET: must not return */
    check_eq("SYSTEM_RESET2(SYSTEM_WARM_RESET) returned", ret, 0xdead);
    *MARKER = 0;
    return guest_report();
}
