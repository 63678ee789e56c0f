/*
 * backend-interp.c — the interpreter as a Backend (tcg/backend.h): bytecode generation
 * (interp-compile.c), the dispatch loop (interp-exec.c) and libffi helper calls
 * (interp-ffi.c) behind the same interface as the x86-64 JIT.
 *
 * Chaining: a GOTO_TB op reads tb->jmp_dest[n] (load-acquire) at run time, so patching a jump
 * is the one store-release done here; cpu-exec's tb-link code also writes jmp_dest under the
 * tb-link lock and both writes store the same value, so doing it twice is harmless.
 * The "host code address" of a TB for GOTO_PTR is the TranslationBlock pointer itself.
 */
#include "tcg/backend.h"

#include "cpu-exec/tb.h"
#include "tcg/interp/interp.h"

static bool interp_init(CodeRegion *prologue_region) {
    /* No prologue: the dispatch loop is ordinary C. */
    return interp_ffi_prepare_all();
}

static void interp_set_jmp_target(TranslationBlock *tb, int n, TranslationBlock *dest) {
    atomic_store_explicit(&tb->jmp_dest[n & 1], dest, memory_order_release);
}

static const void *interp_tb_entry_ptr(TranslationBlock *dest) {
    return dest;
}

static const void *interp_exit_ptr(void) {
    return &interp_exit_marker;
}

const Backend backend_interp = {
    .name = "interp",
    .init = interp_init,
    .gen_code = interp_gen_code,
    .exec = interp_exec_tb,
    .set_jmp_target = interp_set_jmp_target,
    .tb_entry_ptr = interp_tb_entry_ptr,
    .exit_ptr = interp_exit_ptr,
    .tb_entry_offset = TB_ENTRY_IS_TB,
    .dump_code = interp_dump_code,
};
