/*
 * backend.h — the interface between cpu-exec and a code generator (x86-64 JIT or interpreter).
 *
 * A backend turns an optimized IRFunc into code stored in a CodeRegion, runs a TB, and patches
 * the direct jumps between TBs (chaining). gen_code runs on the translating vCPU thread, into
 * that thread's own region. set_jmp_target is called with the tb-link lock held and must make
 * the change with one atomic store so that concurrent executors see the old or the new target.
 */
#ifndef TANDEM_TCG_BACKEND_H
#define TANDEM_TCG_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcg/code-buffer.h"
#include "tcg/ir.h"

struct TranslationBlock;

/*
 * Exit values returned by Backend.exec and by EXIT_TB: the TB pointer (TBs are 16-byte
 * aligned) or'ed with one of these codes, or 0 when there is nothing to chain from.
 */
enum {
    TB_EXIT_IDX0 = 0,      /* left through GOTO_TB slot 0 unchained: may chain slot 0 */
    TB_EXIT_IDX1 = 1,      /* same for slot 1 */
    TB_EXIT_REQUESTED = 2, /* exit word was set at entry of this TB: it has not run; pc == tb->pc */
    TB_EXIT_MASK = 15,
};

#define TB_ENTRY_IS_TB (-1)

typedef struct Backend {
    const char *name;
    /* One-time set-up (prologue generation, libffi preparation of every registered helper).
     * Called after all helpers are registered and before any vCPU thread starts. */
    bool (*init)(CodeRegion *prologue_region);
    /*
     * Generate code for f (already optimized) into r. Fills tb->tc_ptr, tb->tc_size,
     * tb->jmp_reset_offset[], tb->jmp_insn_offset[]. Returns false if r has no room left
     * (the caller flushes every TB and retries).
     */
    bool (*gen_code)(CodeRegion *r, struct TranslationBlock *tb, IRFunc *f);
    /* Run tb (and whatever it chains to) with the given env pointer; returns an exit value. */
    uintptr_t (*exec)(void *env, struct TranslationBlock *tb);
    /* Point GOTO_TB slot n of tb at dest's code, or back at its own exit path if dest is NULL. */
    void (*set_jmp_target)(struct TranslationBlock *tb, int n, struct TranslationBlock *dest);
    /* Host code address for GOTO_PTR / helper_lookup_tb_ptr: where to jump to run dest, and
     * the address that makes generated code return 0 to cpu_exec. */
    const void *(*tb_entry_ptr)(struct TranslationBlock *dest);
    const void *(*exit_ptr)(void);
    /* Where tb_entry_ptr's answer lives, so generated code can look it up inline: the offset of
     * a pointer field in the TB, TB_ENTRY_IS_TB if it is the TB pointer itself, or 0 if
     * indirect branches must always call the lookup helper. */
    int32_t tb_entry_offset;
    /* Disassemble a TB's host code for -d out_asm (may be NULL). */
    void (*dump_code)(const struct TranslationBlock *tb, FILE *out);
} Backend;

extern const Backend backend_jit;
extern const Backend backend_interp;

#endif
