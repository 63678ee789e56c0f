/*
 * harness-linux.c — the differential test's oracle side: a static Linux user-mode AArch64
 * program (run under qemu-aarch64) that runs every generated case and writes the results to
 * stdout with write(2). Pass -v for full register dumps.
 */
#include <string.h>
#include <unistd.h>

#include "dt-case.h"

static char out_buf[65536];
static unsigned long out_used;

static void out_drain(void)
{
    unsigned long off = 0;
    while (off < out_used) {
        ssize_t n = write(1, out_buf + off, out_used - off);
        if (n <= 0) {
            _exit(2);
        }
        off += (unsigned long)n;
    }
    out_used = 0;
}

void dt_write(const char *s, unsigned long n)
{
    if (out_used + n > sizeof(out_buf)) {
        out_drain();
    }
    memcpy(out_buf + out_used, s, n);
    out_used += n;
}

int main(int argc, char **argv)
{
    dt_run_all(argc > 1 && strcmp(argv[1], "-v") == 0);
    out_drain();
    return 0;
}
