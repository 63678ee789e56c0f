/*
 * opt-eval.c — ir_eval_op(): one pure IR op on constant inputs, for the constant folder and
 * for tests that need the reference result of an op. Uses the same inline primitives as the
 * interpreter (tcg/opt-eval.h). Pure; any thread.
 */
#include "tcg/opt-eval.h"

bool ir_eval_is_pure(IROpcode opc) {
    switch (opc) {
    case IR_MOV:
    case IR_ADD:
    case IR_SUB:
    case IR_MUL:
    case IR_MULUH:
    case IR_MULSH:
    case IR_DIVS:
    case IR_DIVU:
    case IR_REMS:
    case IR_REMU:
    case IR_NEG:
    case IR_AND:
    case IR_OR:
    case IR_XOR:
    case IR_ANDC:
    case IR_ORC:
    case IR_NOT:
    case IR_SHL:
    case IR_SHR:
    case IR_SAR:
    case IR_ROTR:
    case IR_CLZ:
    case IR_CTZ:
    case IR_EXTRACT:
    case IR_SEXTRACT:
    case IR_DEPOSIT:
    case IR_BSWAP16:
    case IR_BSWAP32:
    case IR_BSWAP64:
    case IR_EXT8S:
    case IR_EXT8U:
    case IR_EXT16S:
    case IR_EXT16U:
    case IR_EXT32S:
    case IR_EXT32U:
    case IR_SETCOND:
    case IR_NEGSETCOND:
    case IR_MOVCOND: return true;
    default: return false;
    }
}

bool ir_eval_op(IROpcode opc, IRType t, const uint64_t *in, const uint64_t *cargs, uint64_t *out) {
    uint64_t a = in[0], b = 0, r;
    if (!ir_eval_is_pure(opc)) {
        return false;
    }
    if (ir_op_defs[opc].nb_iargs >= 2) {
        b = in[1];
    }
    switch (opc) {
    case IR_MOV: r = ir_eval_res(t, a); break;
    case IR_ADD: r = ir_eval_res(t, a + b); break;
    case IR_SUB: r = ir_eval_res(t, a - b); break;
    case IR_MUL: r = ir_eval_res(t, a * b); break;
    case IR_MULUH: r = ir_eval_muluh(t, a, b); break;
    case IR_MULSH: r = ir_eval_mulsh(t, a, b); break;
    case IR_DIVS: r = ir_eval_divs(t, a, b); break;
    case IR_DIVU: r = ir_eval_divu(t, a, b); break;
    case IR_REMS: r = ir_eval_rems(t, a, b); break;
    case IR_REMU: r = ir_eval_remu(t, a, b); break;
    case IR_NEG: r = ir_eval_res(t, -a); break;
    case IR_AND: r = ir_eval_res(t, a & b); break;
    case IR_OR: r = ir_eval_res(t, a | b); break;
    case IR_XOR: r = ir_eval_res(t, a ^ b); break;
    case IR_ANDC: r = ir_eval_res(t, a & ~b); break;
    case IR_ORC: r = ir_eval_res(t, a | ~b); break;
    case IR_NOT: r = ir_eval_res(t, ~a); break;
    case IR_SHL: r = ir_eval_shl(t, a, b); break;
    case IR_SHR: r = ir_eval_shr(t, a, b); break;
    case IR_SAR: r = ir_eval_sar(t, a, b); break;
    case IR_ROTR: r = ir_eval_rotr(t, a, b); break;
    case IR_CLZ: r = ir_eval_clz(t, a); break;
    case IR_CTZ: r = ir_eval_ctz(t, a); break;
    case IR_EXTRACT: r = ir_eval_extract(t, a, (unsigned)cargs[0], (unsigned)cargs[1]); break;
    case IR_SEXTRACT: r = ir_eval_sextract(t, a, (unsigned)cargs[0], (unsigned)cargs[1]); break;
    case IR_DEPOSIT: r = ir_eval_deposit(t, a, b, (unsigned)cargs[0], (unsigned)cargs[1]); break;
    case IR_BSWAP16: r = ir_eval_bswap16(a); break;
    case IR_BSWAP32: r = ir_eval_bswap32(a); break;
    case IR_BSWAP64: r = ir_eval_bswap64(a); break;
    case IR_EXT8S: r = (uint64_t)(int64_t)(int8_t)a; break;
    case IR_EXT8U: r = (uint8_t)a; break;
    case IR_EXT16S: r = (uint64_t)(int64_t)(int16_t)a; break;
    case IR_EXT16U: r = (uint16_t)a; break;
    case IR_EXT32S: r = (uint64_t)(int64_t)(int32_t)a; break;
    case IR_EXT32U: r = (uint32_t)a; break;
    case IR_SETCOND: r = ir_eval_cond((unsigned)cargs[0], t, a, b); break;
    case IR_NEGSETCOND:
        r = ir_eval_cond((unsigned)cargs[0], t, a, b) ? ir_eval_width_mask(t) : 0;
        break;
    case IR_MOVCOND:
        r = ir_eval_res(t, ir_eval_cond((unsigned)cargs[0], t, a, b) ? in[2] : in[3]);
        break;
    default: return false;
    }
    *out = r;
    return true;
}
