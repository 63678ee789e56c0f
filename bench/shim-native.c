/*
 * shim-native.c — runs the benchmark workload natively on the host (the "native" column of
 * make bench): output through stdio.
 */
#include <stdio.h>

#include "bench.h"

void bench_puts(const char *s)
{
    fputs(s, stdout);
}

int main(void)
{
    return bench_main();
}
