/*
 * decode-a64-fp.c — translation of the scalar floating-point groups and of the floating-point
 * opcodes of the Advanced SIMD groups (the split is in decode-a64-simd.h). Each hook validates
 * the encoding with the executor's own decoder (decode-a64-fp-scalar.c, decode-a64-fp-simd.c,
 * called with env == NULL), performs fp_access_check(), and emits one call of the helper that
 * executes the instruction with the fpu library: the arithmetic must be bit-exact with ARM
 * (NaN propagation, FPCR.DN/FZ/RMode/AHP, cumulative FPSR flags), which host SSE is not.
 * The helper reads and writes X registers and NZCV (FMOV, conversions, FCMP, FCCMP, FCSEL), so
 * it is registered as touching guest globals; it never raises. Translating vCPU thread only.
 */
#include <glib.h>

#include "target-arm/decode-a64-fp-ops.h"
#include "target-arm/decode-a64-simd.h"

static int helper_a64_fp_idx;

static void helper_a64_fp(CPUARMState *env, uint32_t insn)
{
    bool ok = a64_fp_exec(env, insn);
    g_assert(ok); /* validated at translation time by the same decoder */
}

/* Emits the execution of an instruction the group decoder has validated. */
static bool gen_fp_insn(DisasContext *s, uint32_t insn)
{
    /* the whole-word classification must agree with the group the caller identified */
    g_assert(a64_fp_exec(NULL, insn));
    if (!fp_access_check(s))
        return true;
    IRTemp args[2] = {s->f->env, ir_const(s->f, insn)};
    ir_call(s->f, helper_a64_fp_idx, IR_TEMP_NONE, args, 2);
    return true;
}

bool a64_fp_scalar(DisasContext *s, uint32_t insn)
{
    return a64_fp_exec_scalar(NULL, insn) && gen_fp_insn(s, insn);
}

bool a64_simd_fp_three_same(DisasContext *s, uint32_t insn, bool scalar)
{
    return a64_fp_exec_simd_three_same(NULL, insn, scalar) && gen_fp_insn(s, insn);
}

bool a64_simd_fp_two_reg_misc(DisasContext *s, uint32_t insn, bool scalar)
{
    return a64_fp_exec_simd_two_reg_misc(NULL, insn, scalar) && gen_fp_insn(s, insn);
}

bool a64_simd_fp_indexed(DisasContext *s, uint32_t insn, bool scalar)
{
    return a64_fp_exec_simd_indexed(NULL, insn, scalar) && gen_fp_insn(s, insn);
}

bool a64_simd_fp_pairwise_scalar(DisasContext *s, uint32_t insn)
{
    return a64_fp_exec_simd_pairwise(NULL, insn) && gen_fp_insn(s, insn);
}

bool a64_simd_fp_across_lanes(DisasContext *s, uint32_t insn)
{
    return a64_fp_exec_simd_across(NULL, insn) && gen_fp_insn(s, insn);
}

bool a64_simd_fp_shift_imm(DisasContext *s, uint32_t insn, bool scalar)
{
    return a64_fp_exec_simd_shift_imm(NULL, insn, scalar) && gen_fp_insn(s, insn);
}

void a64_fp_helpers_init(void)
{
    static const IRArgType env_i32[] = {IR_ARG_PTR, IR_ARG_I32};
    helper_a64_fp_idx = a64_helper_register("a64_fp", (void *)helper_a64_fp, IR_ARG_VOID, 2,
                                            env_i32, 0);
}
