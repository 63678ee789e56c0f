/*
 * shim-virt.c — runs the benchmark workload as a bare-metal guest on the virt board: output
 * through the guest runtime's PL011 driver, exit status through semihosting (crt0 calls
 * guest_exit with main's return value). Built twice: as is (MMU off) and with BENCH_MMU, which
 * turns the MMU and caches on with an identity map first (mmu-identity.c).
 */
#include "bench.h"
#include "runtime.h"

void bench_puts(const char *s)
{
    uart_puts(s);
}

int main(void)
{
#ifdef BENCH_MMU
    bench_mmu_enable();
#endif
    return bench_main();
}
