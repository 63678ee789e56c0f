/*
 * tb.h — TranslationBlock: one translated run of guest code, its key, its host code and its
 * links to other TBs.
 *
 * A TB is created by one vCPU thread, published by insertion into the global table
 * (tb-cache.c), and never freed while any vCPU could run it: only a full flush (safe work, all
 * vCPUs outside generated code) releases TB memory. `invalid` may be set by any thread holding
 * the page lock of the TB's page; chaining fields are changed under the tb-link lock.
 */
#ifndef TANDEM_CPU_EXEC_TB_H
#define TANDEM_CPU_EXEC_TB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* cflags */
enum {
    CF_COUNT_MASK = 0x1ff,  /* max guest insns, 0 = default cap */
    CF_SINGLE_STEP = 1 << 9,
    CF_NO_CHAIN = 1 << 10,
};

#define TB_MAX_INSNS 512
#define TB_JMP_NONE 0xffff

typedef struct TBJmpIncoming {
    struct TranslationBlock *src;
    int n;
} TBJmpIncoming;

typedef struct __attribute__((aligned(16))) TranslationBlock {
    /* ---- key ---- */
    uint64_t pc;        /* guest virtual pc of the first instruction */
    uint64_t phys_pc;   /* guest physical address of the first byte */
    uint32_t flags;     /* arch decode flags (EL, x86 mode, ...) */
    uint32_t cflags;
    uint64_t cs_base;   /* x86 segment base; 0 on ARM */
    uint32_t hash;

    /* ---- guest code covered ---- */
    uint32_t size;      /* bytes of guest code from pc on */
    /* Bytes of guest code before pc the TB also holds: a superblock that followed a backward
     * branch (target-arm gen_follow_branch) covers [pc - size_before, pc + size), in pc's
     * page. 0 for a TB that is one straight run. */
    uint16_t size_before;
    uint16_t icount;    /* guest instructions */
    uint64_t page_addr[2]; /* physical pages touched (second = -1 if one page) */

    /* ---- host code ---- */
    const void *tc_ptr; /* host code (rx view) or interpreter bytecode */
    uint32_t tc_size;
    uint16_t jmp_reset_offset[2]; /* code offset of each slot's unchained path, or TB_JMP_NONE */
    uint16_t jmp_insn_offset[2];  /* code offset of each slot's patchable field, or TB_JMP_NONE */
    _Atomic(struct TranslationBlock *) jmp_dest[2]; /* current chain target per slot */

    /* ---- bookkeeping ---- */
    _Atomic bool invalid;
    /* Stored (release) once the TB is complete, before it is inserted: a vCPU that reached the
     * TB through a chained jump another thread patched in has no synchronisation with the
     * translator that ThreadSanitizer can see, and loads this (acquire) before it reads the TB's
     * fields (cpu_exec chaining from the TB it left). */
    _Atomic bool published;
    struct TranslationBlock *_Atomic hash_next; /* global table chain (lock-free readers) */
    struct TranslationBlock *page_next[2];      /* per-page list, under the page lock */
    TBJmpIncoming *incoming;                    /* TBs chained to us (tb-link lock) */
    uint32_t nb_incoming, cap_incoming;
} TranslationBlock;

#endif
