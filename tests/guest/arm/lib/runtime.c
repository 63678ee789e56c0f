/*
 * runtime.c — output through the PL011 at 0x09000000 (QEMU virt), exit through semihosting
 * (ARM semihosting spec: HLT #0xF000, SYS_EXIT_EXTENDED = 0x20, ADP_Stopped_ApplicationExit),
 * and the failure counting used by every guest test.
 */
#include "runtime.h"

#define PL011_DR ((volatile uint32_t *)0x09000000)
#define PL011_FR ((volatile uint32_t *)0x09000018)

int guest_failures;

void uart_putc(char c)
{
    while (*PL011_FR & (1u << 5)) { /* TXFF */
    }
    *PL011_DR = (uint32_t)(unsigned char)c;
}

void uart_puts(const char *s)
{
    while (*s) {
        uart_putc(*s++);
    }
}

void print_hex(uint64_t v)
{
    uart_puts("0x");
    for (int i = 60; i >= 0; i -= 4) {
        uart_putc("0123456789abcdef"[(v >> i) & 0xf]);
    }
}

void print_dec(int64_t v)
{
    char buf[24];
    int n = 0;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    if (v < 0) {
        uart_putc('-');
    }
    do {
        buf[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n) {
        uart_putc(buf[--n]);
    }
}

static uint64_t semihost(uint64_t op, uint64_t param)
{
    register uint64_t x0 __asm__("x0") = op;
    register uint64_t x1 __asm__("x1") = param;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

void guest_exit(int code)
{
    static uint64_t block[2];
    block[0] = 0x20026; /* ADP_Stopped_ApplicationExit */
    block[1] = (uint64_t)(int64_t)code;
    semihost(0x20, (uint64_t)block); /* SYS_EXIT_EXTENDED */
    psci_system_off();
}

void psci_system_off(void)
{
    register uint64_t x0 __asm__("x0") = 0x84000008; /* PSCI SYSTEM_OFF */
    __asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
    for (;;) {
    }
}

void check_eq(const char *name, uint64_t got, uint64_t want)
{
    if (got != want) {
        guest_failures++;
        uart_puts("FAIL ");
        uart_puts(name);
        uart_puts(": got ");
        print_hex(got);
        uart_puts(" want ");
        print_hex(want);
        uart_putc('\n');
    }
}

int guest_report(void)
{
    if (guest_failures) {
        print_dec(guest_failures);
        uart_puts(" failures\n");
        return 1;
    }
    uart_puts("PASS\n");
    return 0;
}

/* ---- the four functions gcc may call even in freestanding code (GCC manual, "Standards":
 * memcpy, memmove, memset, memcmp). Loop-pattern distribution is off so gcc cannot turn these
 * loops back into calls to themselves. ---- */
#define NO_LOOP_TO_CALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LOOP_TO_CALL void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

NO_LOOP_TO_CALL void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--) {
            *d++ = *s++;
        }
    } else {
        while (n--) {
            d[n] = s[n];
        }
    }
    return dst;
}

NO_LOOP_TO_CALL void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--) {
        *d++ = (unsigned char)c;
    }
    return dst;
}

NO_LOOP_TO_CALL int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}
