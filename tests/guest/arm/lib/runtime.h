/*
 * runtime.h — the tiny runtime of AArch64 guest tests: PL011 output, semihosting exit,
 * PSCI power-off, and CHECK helpers that count failures. Single-threaded bare metal.
 */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

void uart_putc(char c);
void uart_puts(const char *s);
void print_hex(uint64_t v);
void print_dec(int64_t v);
/* Exit the machine with status code through semihosting SYS_EXIT (needs -semihosting). */
void guest_exit(int code) __attribute__((noreturn));
/* PSCI SYSTEM_OFF over HVC. */
void psci_system_off(void) __attribute__((noreturn));

extern int guest_failures;
/* Records a failure: prints "FAIL name: got X want Y". */
void check_eq(const char *name, uint64_t got, uint64_t want);
/* Prints "PASS" or "N failures" and returns the status for main. */
int guest_report(void);

/* Byte-wise memory functions: gcc emits calls to these even with -ffreestanding. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#define CHECK_EQ(expr, want) check_eq(#expr, (uint64_t)(expr), (uint64_t)(want))

#endif
