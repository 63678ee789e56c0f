/*
 * test-psci-off.c — PSCI SYSTEM_OFF over HVC #0 powers the machine off with exit status 0
 * (QEMU 7.2 and Tandem). The test prints PASS first: reaching the end of the output with
 * status 0 and without the runtime's semihosting exit is the check; if SYSTEM_OFF returned,
 * the code after it prints a failure and exits through semihosting with status 3.
 */
#include "runtime.h"

int main(void)
{
    uart_puts("PASS\n");
    register uint64_t x0 __asm__("x0") = 0x84000008; /* SYSTEM_OFF */
    __asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
    uart_puts("FAIL: SYSTEM_OFF returned\n");
    guest_exit(3);
}
