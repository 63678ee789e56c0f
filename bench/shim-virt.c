/*
 * shim-virt.c — runs the benchmark workload as a bare-metal guest on the virt board: output
 * through the guest runtime's PL011 driver, exit status through semihosting (crt0 calls
 * guest_exit with main's return value).
 */
#include "bench.h"
#include "runtime.h"

void bench_puts(const char *s)
{
    uart_puts(s);
}

int main(void)
{
    return bench_main();
}
