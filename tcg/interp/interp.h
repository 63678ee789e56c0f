/*
 * interp.h — private interface between the interpreter backend's files: the bytecode layout
 * produced by interp-compile.c and run by interp-exec.c, and the libffi call path.
 *
 * Bytecode of one TB (16-byte aligned, read through the code buffer's rx view):
 *   InterpTBHeader | code words (uintptr_t) | constant pool (uint64_t)
 * A code op is its handler address (a label inside the dispatch loop) followed by operand
 * words. A slot reference ("ref") names a 64-bit cell as (offset << 2) | base, where base
 * selects env (globals at their mem_offset), the per-execution frame (ENV pointer, LOCAL and
 * TEMP temps) or absolute addresses (constants in the pool). Resolving a ref is a table load
 * and an add: no switch on temp kinds at run time.
 * Bytecode is immutable once generated; chaining only changes tb->jmp_dest[] (atomics).
 */
#ifndef TANDEM_TCG_INTERP_INTERP_H
#define TANDEM_TCG_INTERP_INTERP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu-exec/tb.h"
#include "tcg/code-buffer.h"
#include "tcg/ir.h"

typedef enum InterpOp {
#define IOP(name, words) IOP_##name,
#include "tcg/interp/interp-ops.def"
#undef IOP
    IOP_NB
} InterpOp;

extern const char *const interp_op_names[IOP_NB];
extern const uint8_t interp_op_words[IOP_NB];

/* Ref bases (low 2 bits of a ref). */
enum {
    INTERP_BASE_ENV = 0,
    INTERP_BASE_FRAME = 1,
    INTERP_BASE_ABS = 2,
};

/* Frame cells with a fixed meaning; temps start after them. */
enum {
    INTERP_SLOT_ENV = 0,     /* the env pointer (the IR's ENV temp) */
    INTERP_SLOT_DISCARD = 1, /* result of void helper calls */
    INTERP_SLOT_FIRST = 2,
};

/* Frame size of the dispatch loop (on the C stack); gen_code refuses bigger TBs. */
#define INTERP_MAX_SLOTS 4096

#define INTERP_TB_MAGIC 0x54424331u /* "TBC1" */

typedef struct __attribute__((aligned(16))) InterpTBHeader {
    uint32_t magic;
    uint32_t nb_slots;           /* frame cells used, including the fixed ones */
    int32_t exit_request_offset; /* env offset of the 32-bit exit word */
    int32_t pc_offset;           /* env offset of the guest pc (slow paths store it) */
    uint32_t nb_words;           /* code words */
    uint32_t nb_consts;          /* constant pool entries after the code */
    int32_t insn_count_offset;   /* env offset of the instruction counter, or IR_NO_INSN_COUNT */
    uint32_t icount;             /* guest instructions the TB adds to it at entry */
    int32_t insn_limit_offset;   /* env offset of the quantum's limit, or IR_NO_INSN_COUNT */
    uint32_t pad;
} InterpTBHeader;

static inline uintptr_t interp_ref_make(unsigned base, intptr_t offset) {
    return ((uintptr_t)offset << 2) | base;
}

static inline const uintptr_t *interp_tb_code(const InterpTBHeader *h) {
    return (const uintptr_t *)(h + 1);
}

/* interp-exec.c */
uintptr_t interp_exec_tb(void *env, struct TranslationBlock *tb);
/* Handler addresses indexed by InterpOp (stable for the life of the process). */
const void *const *interp_handler_table(void);
extern const char interp_exit_marker; /* its address is exit_ptr() */

/* interp-compile.c */
bool interp_gen_code(CodeRegion *r, struct TranslationBlock *tb, IRFunc *f);
void interp_dump_code(const struct TranslationBlock *tb, FILE *out);

/* interp-ffi.c */
/* Prepares a libffi call interface for every registered helper (idempotent). */
bool interp_ffi_prepare_all(void);
/* Calls h with args (I32 arguments in the low 32 bits); returns the result zero-extended
 * (I32) or as is (I64/PTR); 0 for void helpers. */
uint64_t interp_ffi_call(const IRHelper *h, const uint64_t *args);

#endif
