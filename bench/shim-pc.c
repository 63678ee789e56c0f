/*
 * shim-pc.c — runs the benchmark workload as a bare-metal x86-64 guest on the PC board
 * (-M pc), loaded by the multiboot loader: tests/guest/x86/lib's crt0 enters long mode with the
 * first GiB identity-mapped, then calls main; output goes through the runtime's COM1 16550
 * driver, and crt0 passes main's return value to guest_exit, which writes it to isa-debug-exit
 * (port 0xf4): a run that returns 0 ends the emulator with status 1 (runtime.h). Built with the
 * host gcc and -mgeneral-regs-only like the x86 guest tests (bench/bench.mk). Single CPU.
 */
#include <stdint.h>

#include "bench.h"
#include "runtime.h"

void bench_puts(const char *s)
{
    uart_puts(s);
}

int main(uint32_t magic, uint64_t mbi)
{
    (void)magic;
    (void)mbi;
    return bench_main();
}
