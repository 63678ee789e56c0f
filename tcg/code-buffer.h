/*
 * code-buffer.h — executable memory for generated code, mapped twice (W^X without mprotect):
 * one writable view and one executable view of the same memfd. Writers use rw, executors and
 * stored pointers use rx. A region is carved per vCPU thread so translation takes no lock; only
 * the owner thread bumps `used`. The whole buffer is reset only under safe work (no vCPU in
 * generated code).
 */
#ifndef TANDEM_TCG_CODE_BUFFER_H
#define TANDEM_TCG_CODE_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct CodeRegion {
    uint8_t *rw;   /* writable view of the region's first byte */
    uint8_t *rx;   /* executable view of the same byte */
    size_t size;
    size_t used;
} CodeRegion;

/* Maps total bytes twice. Returns false and prints why on failure. */
bool code_buffer_init(size_t total);
/* Splits the buffer: region i of n (n fixed at first call). */
void code_buffer_region(int i, int n, CodeRegion *r);
/* Address translation between the two views of the same buffer. */
void *code_buffer_rw_of(const void *rx);
const void *code_buffer_rx_of(const void *rw);
/* Reserve bytes aligned to align in r; returns the rw pointer or NULL if full. */
uint8_t *code_region_alloc(CodeRegion *r, size_t bytes, size_t align);

#endif
