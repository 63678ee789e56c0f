/*
 * guest-common.h — the part of the guest runtime shared by every architecture
 * (guest-common.c): printing, failure counting, freestanding C library functions. Each
 * architecture's runtime.h includes it and provides uart_putc and guest_exit.
 */
#ifndef GUEST_COMMON_H
#define GUEST_COMMON_H

#include <stddef.h>
#include <stdint.h>

void uart_putc(char c); /* the architecture's console */
void uart_puts(const char *s);
void print_unsigned(uint64_t u, unsigned base, int min_digits);
void print_hex(uint64_t v); /* 0x and 16 digits */
void print_dec(int64_t v);

extern int guest_failures;
/* Counts a failure and prints "FAIL name: got X want Y" when got != want. */
void check_eq(const char *name, uint64_t got, uint64_t want);
/* Counts a failure and prints "FAIL name" when ok is 0. */
void check_true(const char *name, int ok);
/* Prints PASS or "N failures"; returns the exit code (0 = pass). */
int guest_report(void);
#define CHECK_EQ(expr, want) check_eq(#expr, (uint64_t)(expr), (uint64_t)(want))
#define CHECK(cond) check_true(#cond, (cond) ? 1 : 0)

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
