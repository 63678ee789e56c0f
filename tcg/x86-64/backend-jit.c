/*
 * backend-jit.c — the x86-64 JIT backend (`backend_jit`): prologue/epilogue, per-TB code
 * generation into a vCPU's code region, execution, chaining patches and disassembly.
 *
 * Frame: exec() calls the prologue, which saves the callee-saved registers, reserves
 * JIT_FRAME_SIZE bytes (rsp 16-byte aligned inside TBs), puts env in X86_ENV_REG and jumps to
 * the TB. TBs leave through the epilogue with the exit value in rax. init() runs once before
 * vCPU threads start; gen_code runs on the owner thread of the region; set_jmp_target runs
 * under the tb-link lock and patches one aligned rel32 with a single atomic store through the
 * writable view, so concurrent executors see the old or the new target.
 */
#include <capstone.h>
#include <cpuid.h>
#include <glib.h>
#include <inttypes.h>
#include <string.h>

#include "cpu-exec/softmmu.h"
#include "cpu-exec/tb.h"
#include "tcg/backend.h"
#include "tcg/code-buffer.h"
#include "tcg/liveness.h"
#include "tcg/x86-64/lower.h"

const uint8_t *jit_epilogue_rx;
const uint8_t *jit_exit_zero_rx;
JitHostFeatures jit_host_features;
JitSlowHelpers jit_slow_helpers;
static const uint8_t *jit_prologue_rx;

#define JIT_PROLOGUE_BYTES 128

static const int jit_saved_regs[] = {X86_RBP, X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15};

static void jit_detect_features(void) {
    unsigned a, b, c, d;
    if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
        jit_host_features.lzcnt = (c >> 5) & 1; /* ABM/LZCNT */
    }
    if (__get_cpuid_max(0, NULL) >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        jit_host_features.tzcnt = (b >> 3) & 1; /* BMI1 */
    }
}

static bool jit_init(CodeRegion *r) {
    G_STATIC_ASSERT((JIT_FRAME_SIZE + 8 * 6 + 8) % 16 == 0);
    jit_detect_features();
    jit_slow_helpers = (JitSlowHelpers){
        .ld = (const void *)helper_ld_slow,
        .st = (const void *)helper_st_slow,
        .cmpxchg = (const void *)helper_atomic_cmpxchg,
    };
    uint8_t *rw = code_region_alloc(r, JIT_PROLOGUE_BYTES, 16);
    if (!rw) {
        fprintf(stderr, "tandem: no room for the JIT prologue in the code buffer\n");
        return false;
    }
    const uint8_t *rx = code_buffer_rx_of(rw);
    X86Asm as;
    x86_asm_init(&as, rw, rx, JIT_PROLOGUE_BYTES);
    /* prologue(env = rdi, code = rsi) */
    for (size_t i = 0; i < G_N_ELEMENTS(jit_saved_regs); i++) {
        x86_push(&as, jit_saved_regs[i]);
    }
    x86_alu_ri(&as, X86_SUB, true, X86_RSP, JIT_FRAME_SIZE);
    x86_mov_rr(&as, true, X86_ENV_REG, X86_RDI);
    x86_jmp_reg(&as, X86_RSI);
    /* exit returning 0, falling into the epilogue */
    while (as.pos & 15) {
        x86_emit8(&as, 0xCC);
    }
    size_t exit_zero = as.pos;
    x86_alu_rr(&as, X86_XOR, false, X86_RAX, X86_RAX);
    size_t epilogue = as.pos;
    x86_alu_ri(&as, X86_ADD, true, X86_RSP, JIT_FRAME_SIZE);
    for (size_t i = G_N_ELEMENTS(jit_saved_regs); i-- > 0;) {
        x86_pop(&as, jit_saved_regs[i]);
    }
    x86_ret(&as);
    g_assert(!as.overflow);
    jit_prologue_rx = rx;
    jit_exit_zero_rx = rx + exit_zero;
    jit_epilogue_rx = rx + epilogue;
    return true;
}

static bool jit_gen_code(CodeRegion *r, TranslationBlock *tb, IRFunc *f) {
    static __thread JitCtx ctx;
    g_assert(jit_prologue_rx != NULL);
    size_t start = (r->used + 15) & ~(size_t)15;
    if (start >= r->size) {
        return false;
    }
    liveness_compute(f);
    for (int n = 0; n < 2; n++) {
        tb->jmp_insn_offset[n] = TB_JMP_NONE;
        tb->jmp_reset_offset[n] = TB_JMP_NONE;
    }
    x86_asm_init(&ctx.as, r->rw + start, r->rx + start, r->size - start);
    jit_lower_tb(&ctx, f, tb);
    if (ctx.as.overflow) {
        return false;
    }
    tb->tc_ptr = r->rx + start;
    tb->tc_size = (uint32_t)ctx.as.pos;
    r->used = start + ctx.as.pos;
    return true;
}

typedef uintptr_t (*JitPrologueFn)(void *env, const void *code);

static uintptr_t jit_exec(void *env, TranslationBlock *tb) {
    return ((JitPrologueFn)(uintptr_t)jit_prologue_rx)(env, tb->tc_ptr);
}

static void jit_set_jmp_target(TranslationBlock *tb, int n, TranslationBlock *dest) {
    g_assert(n == 0 || n == 1);
    if (tb->jmp_insn_offset[n] == TB_JMP_NONE) {
        return; /* slot could not be made patchable: it always exits to cpu_exec */
    }
    const uint8_t *field = (const uint8_t *)tb->tc_ptr + tb->jmp_insn_offset[n];
    const uint8_t *target = dest ? (const uint8_t *)dest->tc_ptr
                                 : (const uint8_t *)tb->tc_ptr + tb->jmp_reset_offset[n];
    int64_t rel = (int64_t)(target - (field + 4));
    g_assert(rel == (int32_t)rel);
    g_assert(((uintptr_t)field & 3) == 0);
    _Atomic int32_t *p = code_buffer_rw_of(field);
    atomic_store_explicit(p, (int32_t)rel, memory_order_release);
}

static const void *jit_tb_entry_ptr(TranslationBlock *dest) {
    return dest->tc_ptr;
}

static const void *jit_exit_ptr(void) {
    return jit_exit_zero_rx;
}

static void jit_dump_code(const TranslationBlock *tb, FILE *out) {
    csh h;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) {
        fprintf(out, "  (capstone unavailable)\n");
        return;
    }
    cs_insn *insn;
    size_t n = cs_disasm(h, tb->tc_ptr, tb->tc_size, (uint64_t)(uintptr_t)tb->tc_ptr, 0, &insn);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "  0x%016" PRIx64 ":  %s %s\n", insn[i].address, insn[i].mnemonic,
                insn[i].op_str);
    }
    if (n) {
        cs_free(insn, n);
    }
    cs_close(&h);
}

const Backend backend_jit = {
    .name = "jit",
    .init = jit_init,
    .gen_code = jit_gen_code,
    .exec = jit_exec,
    .set_jmp_target = jit_set_jmp_target,
    .tb_entry_ptr = jit_tb_entry_ptr,
    .exit_ptr = jit_exit_ptr,
    .tb_entry_offset = offsetof(TranslationBlock, tc_ptr),
    .dump_code = jit_dump_code,
};
