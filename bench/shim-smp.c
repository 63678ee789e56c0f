/*
 * shim-smp.c — two independent copies of the benchmark workload (workload.c compiled twice,
 * as bench_main_a and bench_main_b, each with its own static data) for the SMP scaling
 * benchmark (bench/run-smp-bench.sh). With two vCPUs, CPU 1 (started with PSCI CPU_ON) runs
 * copy b while CPU 0 runs copy a; with one vCPU, CPU 0 runs a then b. Each CPU's output goes
 * to its own buffer, printed by CPU 0 at the end, so both runs print the same text.
 */
#include "bench.h"
#include "runtime.h"

int bench_main_a(void);
int bench_main_b(void);

#define PSCI_CPU_ON64 0xc4000003u
#define OUT_BYTES 1024

static char out[2][OUT_BYTES];
static unsigned out_len[2];
static uint8_t stack1[16384] __attribute__((aligned(16)));
static volatile uint32_t cpu1_done;

void bench_puts(const char *s)
{
    uint64_t mpidr;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    unsigned cpu = (unsigned)(mpidr & 1);
    while (*s && out_len[cpu] < OUT_BYTES - 1) {
        out[cpu][out_len[cpu]++] = *s++;
    }
}

void secondary_main(uint64_t context)
{
    bench_main_b();
    __asm__ volatile("dmb ish" ::: "memory");
    cpu1_done = 1;
    for (;;) {
        __asm__ volatile("wfi");
    }
}

int main(void)
{
    int two = psci_hvc(PSCI_CPU_ON64, 1, (uint64_t)secondary_entry,
                       (uint64_t)&stack1[sizeof(stack1)], 0) == 0;
    bench_main_a();
    if (two) {
        while (!cpu1_done) {
            __asm__ volatile("wfe");
        }
        __asm__ volatile("dmb ish" ::: "memory");
    } else {
        /* One CPU: the second copy runs after the first, with its output in buffer 1. */
        out_len[1] = 0;
        unsigned saved = out_len[0];
        bench_main_b();
        /* bench_puts filed b's lines under CPU 0: move them to buffer 1. */
        for (unsigned i = saved; i < out_len[0]; i++) {
            out[1][out_len[1]++] = out[0][i];
        }
        out_len[0] = saved;
    }
    out[0][out_len[0]] = out[1][out_len[1]] = 0;
    uart_puts("a:\n");
    uart_puts(out[0]);
    uart_puts("b:\n");
    uart_puts(out[1]);
    return 0;
}
