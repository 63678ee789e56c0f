/*
 * guest-common.c — what every bare-metal guest test needs whatever its architecture: number
 * printing, the CHECK/CHECK_EQ failure counting with the output lines the test runners judge
 * ("FAIL name: got X want Y", then "PASS" or "N failures"), and the C library functions gcc
 * may call even in freestanding code. The architecture's runtime supplies uart_putc and
 * guest_exit. One CPU prints at a time (tests serialise their output themselves).
 */
#include "guest-common.h"

int guest_failures;

void uart_puts(const char *s)
{
    while (*s) {
        uart_putc(*s++);
    }
}

void print_unsigned(uint64_t u, unsigned base, int min_digits)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[u % base];
        u /= base;
    } while (u || n < min_digits);
    while (n) {
        uart_putc(buf[--n]);
    }
}

void print_hex(uint64_t v)
{
    uart_puts("0x");
    print_unsigned(v, 16, 16);
}

void print_dec(int64_t v)
{
    if (v < 0) {
        uart_putc('-');
        print_unsigned(-(uint64_t)v, 10, 1);
    } else {
        print_unsigned((uint64_t)v, 10, 1);
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

void check_true(const char *name, int ok)
{
    if (!ok) {
        guest_failures++;
        uart_puts("FAIL ");
        uart_puts(name);
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

/* ---- the functions gcc may call even in freestanding code (GCC manual, "Standards").
 * Loop-pattern distribution is off so gcc cannot turn these loops into calls to themselves. */
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

NO_LOOP_TO_CALL size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}
