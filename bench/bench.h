/*
 * bench.h — the interface between the benchmark workload (workload.c) and its platform shim:
 * the shim provides output and calls bench_main from its entry point. Single-threaded.
 */
#ifndef BENCH_H
#define BENCH_H

/* Writes a NUL-terminated string (the shim: PL011 on the guest, stdout natively). */
void bench_puts(const char *s);

/* Runs every kernel and prints one "name checksum" line per kernel; returns 0. */
int bench_main(void);

/* MMU and caches on, identity map (mmu-identity.c; bare-metal virt build only). */
void bench_mmu_enable(void);

#endif
