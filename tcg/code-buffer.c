/*
 * code-buffer.c — executable memory for generated code, mapped twice from one memfd: a
 * writable view (rw) that code generators write through and an executable view (rx) that is
 * run and whose addresses are stored in TBs. W^X holds at all times without mprotect flips, so
 * one vCPU thread can translate while others execute.
 *
 * code_buffer_init() runs once at start-up. code_buffer_region() hands each vCPU thread its own
 * slice (fixed count n on first call); only the owner thread bumps that region's `used`.
 * code_buffer_rw_of()/rx_of() are pure address arithmetic and may be called from any thread.
 */
#include "tcg/code-buffer.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static uint8_t *g_code_rw, *g_code_rx;
static size_t g_code_total;
static int g_code_nregions;

bool code_buffer_init(size_t total) {
    if (g_code_rw) {
        return true; /* already mapped: the buffer lives for the whole process */
    }
    total = (total + 0xffff) & ~(size_t)0xffff;
    if (total == 0) {
        fprintf(stderr, "tandem: code buffer size must not be zero\n");
        return false;
    }
    int fd = memfd_create("tandem-code", MFD_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "tandem: memfd_create for the code buffer failed: %s\n", strerror(errno));
        return false;
    }
    if (ftruncate(fd, (off_t)total) != 0) {
        fprintf(stderr, "tandem: cannot size the code buffer to %zu bytes: %s\n", total,
                strerror(errno));
        close(fd);
        return false;
    }
    void *rw = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (rw == MAP_FAILED) {
        fprintf(stderr, "tandem: cannot map the code buffer writable: %s\n", strerror(errno));
        close(fd);
        return false;
    }
    void *rx = mmap(NULL, total, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    if (rx == MAP_FAILED) {
        fprintf(stderr, "tandem: cannot map the code buffer executable: %s\n", strerror(errno));
        munmap(rw, total);
        close(fd);
        return false;
    }
    close(fd); /* the mappings keep the memory alive */
    g_code_rw = rw;
    g_code_rx = rx;
    g_code_total = total;
    return true;
}

void code_buffer_region(int i, int n, CodeRegion *r) {
    g_assert(g_code_rw != NULL);
    g_assert(n > 0 && i >= 0 && i < n);
    if (g_code_nregions == 0) {
        g_code_nregions = n;
    }
    g_assert(n == g_code_nregions);
    size_t each = (g_code_total / (size_t)n) & ~(size_t)4095;
    r->rw = g_code_rw + (size_t)i * each;
    r->rx = g_code_rx + (size_t)i * each;
    r->size = each;
    r->used = 0;
}

void *code_buffer_rw_of(const void *rx) {
    const uint8_t *p = rx;
    g_assert(p >= g_code_rx && p < g_code_rx + g_code_total);
    return g_code_rw + (p - g_code_rx);
}

const void *code_buffer_rx_of(const void *rw) {
    const uint8_t *p = rw;
    g_assert(p >= g_code_rw && p < g_code_rw + g_code_total);
    return g_code_rx + (p - g_code_rw);
}

uint8_t *code_region_alloc(CodeRegion *r, size_t bytes, size_t align) {
    g_assert(align != 0 && (align & (align - 1)) == 0);
    size_t start = (r->used + align - 1) & ~(align - 1);
    if (start > r->size || r->size - start < bytes) {
        return NULL;
    }
    r->used = start + bytes;
    return r->rw + start;
}
