/*
 * harness-virt.c — the differential test's side under test: a bare-metal guest for the virt
 * board (guest runtime: PL011 output, semihosting exit) that runs every generated case and
 * prints the same text as harness-linux.c. Built with -DDT_VERBOSE for full register dumps.
 */
#include "dt-case.h"
#include "runtime.h"

#ifndef DT_VERBOSE
#define DT_VERBOSE 0
#endif

void dt_write(const char *s, unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        uart_putc(s[i]);
    }
}

int main(void)
{
    dt_run_all(DT_VERBOSE);
    return 0;
}
