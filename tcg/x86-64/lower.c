/*
 * lower.c — translates each IR op (tcg/ops.def) into x86-64 instructions.
 *
 * One hand-written case per opcode (STYLE.md: a visible switch from IR op to host code).
 * Register choices come from regalloc.c; the lowering only states which inputs it needs in
 * registers, which may be immediates, and which register the result ends up in. Fixed-register
 * instructions (shift by cl, div/idiv and one-operand mul in rdx:rax) evict those registers
 * first and fetch the other inputs afterwards, because eviction may move inputs. Guest memory
 * accesses get an inline TLB probe and an out-of-line slow path emitted after the TB body.
 * Runs on the translating thread only.
 */
#include "tcg/x86-64/lower.h"

#include <glib.h>
#include <stddef.h>

#include "cpu-exec/cpu.h"
#include "cpu-exec/softmmu.h"
#include "tcg/backend.h"
#include "tcg/liveness.h"

#define BIT(r) ((uint16_t)(1u << (r)))

static inline bool t_is_const(JitCtx *c, IRTemp t) {
    return ir_temp_is_const(c->f, t);
}
static inline uint64_t t_val(JitCtx *c, IRTemp t) {
    return c->f->temps[t].val;
}
static inline uint8_t t_kind(JitCtx *c, IRTemp t) {
    return c->f->temps[t].kind;
}

/* Immediate form of input t for an op of width w: any value for 32-bit ops, sign-extended
 * imm32 for 64-bit ones. */
static bool imm_of(JitCtx *c, IRTemp t, bool w, int32_t *imm) {
    if (!t_is_const(c, t)) {
        return false;
    }
    uint64_t v = t_val(c, t);
    if (!w || (int64_t)v == (int64_t)(int32_t)v) {
        *imm = (int32_t)v;
        return true;
    }
    return false;
}

/* Destination that may be the register of input in_i when that input dies here (or is the
 * output); the caller does not need its value preserved beyond the first read. */
static int dst_over(JitCtx *c, int in_i) {
    const IROp *op = c->op;
    IRTemp t = ir_op_in(op, in_i);
    if (t_kind(c, t) != IR_TEMP_CONST && t_kind(c, t) != IR_TEMP_ENV &&
        ((op->nb_o && ir_op_out(op, 0) == t) || ra_input_dies(c, in_i))) {
        return ra_in(c, t, 0);
    }
    return ra_scratch(c, 0);
}

static uint64_t width_mask(bool w) {
    return w ? ~0ull : 0xffffffffull;
}

static X86Cond cond_to_x86(IRCond cond) {
    switch (cond) {
    case IR_COND_EQ: return X86_CC_E;
    case IR_COND_NE: return X86_CC_NE;
    case IR_COND_LT: return X86_CC_L;
    case IR_COND_GE: return X86_CC_GE;
    case IR_COND_LE: return X86_CC_LE;
    case IR_COND_GT: return X86_CC_G;
    case IR_COND_LTU: return X86_CC_B;
    case IR_COND_GEU: return X86_CC_AE;
    case IR_COND_LEU: return X86_CC_BE;
    case IR_COND_GTU: return X86_CC_A;
    case IR_COND_TSTEQ: return X86_CC_E;
    case IR_COND_TSTNE: return X86_CC_NE;
    default: g_error("x86-64 JIT: condition %d has no flag test", cond);
    }
}

/* Sets the flags for cond(in ai, in bi) and returns the x86 condition to test. */
static X86Cond emit_compare(JitCtx *c, IRCond cond, bool w, int ai, int bi) {
    IRTemp a = ir_op_in(c->op, ai), b = ir_op_in(c->op, bi);
    int32_t imm;
    if (t_is_const(c, a) && !t_is_const(c, b)) {
        IRTemp tmp = a;
        a = b;
        b = tmp;
        cond = ir_cond_swap(cond);
    }
    bool tst = cond == IR_COND_TSTEQ || cond == IR_COND_TSTNE;
    int ra = ra_in(c, a, 0);
    if (imm_of(c, b, w, &imm)) {
        if (tst) {
            x86_test_ri(&c->as, w, ra, imm);
        } else if (imm == 0 && (cond == IR_COND_EQ || cond == IR_COND_NE)) {
            x86_test_rr(&c->as, w, ra, ra);
        } else {
            x86_alu_ri(&c->as, X86_CMP, w, ra, imm);
        }
    } else {
        int rb = ra_in(c, b, 0);
        if (tst) {
            x86_test_rr(&c->as, w, ra, rb);
        } else {
            x86_alu_rr(&c->as, X86_CMP, w, ra, rb);
        }
    }
    return cond_to_x86(cond);
}

/* out = in_i (width w): shared by MOV and the degenerate cases of other ops. */
static void emit_copy(JitCtx *c, int in_i, bool w) {
    IRTemp o = ir_op_out(c->op, 0), a = ir_op_in(c->op, in_i);
    int dst;
    if (t_is_const(c, a)) {
        dst = ra_scratch(c, 0);
        x86_mov_ri(&c->as, dst, t_val(c, a) & width_mask(w));
    } else if (a == o) {
        dst = ra_in(c, a, 0);
        if (!w) {
            x86_mov_rr(&c->as, false, dst, dst);
        }
    } else {
        int src = ra_in(c, a, 0);
        dst = (t_kind(c, a) != IR_TEMP_ENV && ra_input_dies(c, in_i)) ? src : ra_scratch(c, 0);
        x86_mov_rr(&c->as, w, dst, src);
    }
    ra_set_out(c, o, dst);
}

static void emit_const_out(JitCtx *c, uint64_t v) {
    int dst = ra_scratch(c, 0);
    x86_mov_ri(&c->as, dst, v);
    ra_set_out(c, ir_op_out(c->op, 0), dst);
}

/* ---- arithmetic and logic ---- */

static bool opc_commutes(int opc) {
    return opc == IR_ADD || opc == IR_AND || opc == IR_OR || opc == IR_XOR || opc == IR_MUL;
}

static void lower_binop(JitCtx *c, int aluop) {
    const IROp *op = c->op;
    bool w = op->type == IR_I64;
    IRTemp o = ir_op_out(op, 0);
    int ai = 0, bi = 1;
    if (opc_commutes(op->opc)) {
        IRTemp a = ir_op_in(op, 0), b = ir_op_in(op, 1);
        bool a_inplace = a == o || (ra_input_dies(c, 0) && !t_is_const(c, a));
        bool b_inplace = b == o || (ra_input_dies(c, 1) && !t_is_const(c, b));
        if ((t_is_const(c, a) && !t_is_const(c, b)) ||
            (!a_inplace && b_inplace && !t_is_const(c, a))) {
            ai = 1;
            bi = 0;
        }
    }
    IRTemp a = ir_op_in(op, ai), b = ir_op_in(op, bi);
    bool a_inplace =
        a == o || (ra_input_dies(c, ai) && !t_is_const(c, a) && t_kind(c, a) != IR_TEMP_ENV);
    int32_t imm;
    int dst;
    if (imm_of(c, b, w, &imm)) {
        if (op->opc == IR_ADD && !a_inplace && !t_is_const(c, a)) {
            int src = ra_in(c, a, 0);
            dst = ra_scratch(c, 0);
            x86_lea(&c->as, w, dst, src, -1, 0, imm);
        } else if (op->opc == IR_MUL) {
            int src = ra_in(c, a, 0);
            dst = a_inplace ? src : ra_scratch(c, 0);
            x86_imul_rri(&c->as, w, dst, src, imm);
        } else if (op->opc == IR_AND && w && t_val(c, b) == 0xffffffffull) {
            int src = ra_in(c, a, 0);
            dst = a_inplace ? src : ra_scratch(c, 0);
            x86_mov_rr(&c->as, false, dst, src);
        } else {
            dst = ra_dst_copy(c, ai, w, 0);
            x86_alu_ri(&c->as, aluop, w, dst, imm);
        }
    } else {
        int rb = ra_in(c, b, 0);
        if (op->opc == IR_ADD && !a_inplace && !t_is_const(c, a)) {
            int rsrc = ra_in(c, a, 0);
            dst = ra_scratch(c, 0);
            x86_lea(&c->as, w, dst, rsrc, rb, 0, 0);
        } else {
            dst = ra_dst_copy(c, ai, w, 0);
            if (op->opc == IR_MUL) {
                x86_imul_rr(&c->as, w, dst, rb);
            } else {
                x86_alu_rr(&c->as, aluop, w, dst, rb);
            }
        }
    }
    ra_set_out(c, o, dst);
}

/* ANDC/ORC: out = a op ~b. */
static void lower_andc_orc(JitCtx *c, int aluop) {
    const IROp *op = c->op;
    bool w = op->type == IR_I64;
    IRTemp a = ir_op_in(op, 0), b = ir_op_in(op, 1);
    if (a == b) {
        emit_const_out(c, aluop == X86_AND ? 0 : width_mask(w));
        return;
    }
    int dst;
    if (t_is_const(c, b)) {
        uint64_t nb = ~t_val(c, b) & width_mask(w);
        if (!w || (int64_t)nb == (int64_t)(int32_t)nb) {
            dst = ra_dst_copy(c, 0, w, 0);
            x86_alu_ri(&c->as, aluop, w, dst, (int32_t)nb);
        } else {
            int tmp = ra_scratch(c, 0);
            x86_mov_ri(&c->as, tmp, nb);
            dst = ra_dst_copy(c, 0, w, 0);
            x86_alu_rr(&c->as, aluop, w, dst, tmp);
        }
    } else {
        int ra = ra_in(c, a, 0);
        dst = ra_dst_copy(c, 1, w, 0);
        x86_unary(&c->as, X86_NOT, w, dst);
        x86_alu_rr(&c->as, aluop, w, dst, ra);
    }
    ra_set_out(c, ir_op_out(op, 0), dst);
}

static void lower_unary(JitCtx *c, int ext) {
    bool w = c->op->type == IR_I64;
    int dst = ra_dst_copy(c, 0, w, 0);
    x86_unary(&c->as, ext, w, dst);
    ra_set_out(c, ir_op_out(c->op, 0), dst);
}

static void lower_shift(JitCtx *c, int shop) {
    const IROp *op = c->op;
    bool w = op->type == IR_I64;
    IRTemp b = ir_op_in(op, 1);
    int dst;
    if (t_is_const(c, b)) {
        int cnt = (int)(t_val(c, b) & (w ? 63 : 31));
        dst = ra_dst_copy(c, 0, w, 0);
        if (cnt) {
            x86_shift_ri(&c->as, shop, w, dst, cnt);
        } else if (!w) {
            x86_mov_rr(&c->as, false, dst, dst);
        }
    } else {
        /* x86 takes the count in cl and masks it to 5/6 bits: exactly "modulo the width". */
        if (c->temps[b].reg != X86_RCX) {
            ra_evict(c, X86_RCX, 0);
            c->locked |= BIT(X86_RCX);
            int rb = ra_in(c, b, BIT(X86_RCX));
            x86_mov_rr(&c->as, false, X86_RCX, rb);
        } else {
            ra_in(c, b, 0);
        }
        dst = ra_dst_copy(c, 0, w, BIT(X86_RCX));
        x86_shift_cl(&c->as, shop, w, dst);
    }
    ra_set_out(c, ir_op_out(op, 0), dst);
}

/* For div/idiv and one-operand mul: empty and lock rax and rdx (the instruction writes both),
 * then fetch input 1 into a register other than those and input 0 anywhere. */
static void lower_rdx_rax_inputs(JitCtx *c, int *ra, int *rb) {
    ra_evict(c, X86_RAX, 0);
    c->locked |= BIT(X86_RAX);
    ra_evict(c, X86_RDX, BIT(X86_RAX));
    c->locked |= BIT(X86_RDX);
    *rb = ra_in(c, ir_op_in(c->op, 1), BIT(X86_RAX) | BIT(X86_RDX));
    *ra = ra_in(c, ir_op_in(c->op, 0), 0);
}

/* DIVS/DIVU/REMS/REMU with the A64 rules for x/0 and MIN/-1, guarded before div/idiv. */
static void lower_div(JitCtx *c, bool is_signed, bool want_rem) {
    const IROp *op = c->op;
    bool w = op->type == IR_I64;
    int ra, rb;
    lower_rdx_rax_inputs(c, &ra, &rb);
    x86_mov_rr(&c->as, w, X86_RAX, ra);
    x86_test_rr(&c->as, w, rb, rb);
    size_t j_zero = x86_jcc32(&c->as, X86_CC_E);
    size_t j_m1 = 0;
    if (is_signed) {
        x86_alu_ri(&c->as, X86_CMP, w, rb, -1);
        j_m1 = x86_jcc32(&c->as, X86_CC_E);
        x86_cqo(&c->as, w);
        x86_unary(&c->as, X86_IDIV, w, rb);
    } else {
        x86_alu_rr(&c->as, X86_XOR, false, X86_RDX, X86_RDX);
        x86_unary(&c->as, X86_DIV, w, rb);
    }
    size_t j_done1 = x86_jmp32(&c->as);
    /* divisor 0: quotient 0, remainder = dividend */
    x86_patch_rel32(&c->as, j_zero, c->as.pos);
    x86_mov_rr(&c->as, w, X86_RDX, X86_RAX);
    x86_alu_rr(&c->as, X86_XOR, false, X86_RAX, X86_RAX);
    size_t j_done2 = 0;
    if (is_signed) {
        /* divisor -1: quotient -x (MIN stays MIN), remainder 0; never traps */
        j_done2 = x86_jmp32(&c->as);
        x86_patch_rel32(&c->as, j_m1, c->as.pos);
        x86_unary(&c->as, X86_NEG, w, X86_RAX);
        x86_alu_rr(&c->as, X86_XOR, false, X86_RDX, X86_RDX);
    }
    x86_patch_rel32(&c->as, j_done1, c->as.pos);
    if (is_signed) {
        x86_patch_rel32(&c->as, j_done2, c->as.pos);
    }
    ra_set_out(c, ir_op_out(op, 0), want_rem ? X86_RDX : X86_RAX);
}

static void lower_mulh(JitCtx *c, bool is_signed) {
    const IROp *op = c->op;
    bool w = op->type == IR_I64;
    if (!w) {
        /* 32x32 -> 64 in one 64-bit imul of the extended inputs, then take bits 32..63. */
        int ra = ra_in(c, ir_op_in(op, 0), 0);
        int rb = ra_in(c, ir_op_in(op, 1), 0);
        int t1 = ra_scratch(c, 0);
        int t2 = ra_scratch(c, 0);
        x86_ext_rr(&c->as, 2, is_signed, t1, ra);
        x86_ext_rr(&c->as, 2, is_signed, t2, rb);
        x86_imul_rr(&c->as, true, t1, t2);
        x86_shift_ri(&c->as, X86_SHR, true, t1, 32);
        ra_set_out(c, ir_op_out(op, 0), t1);
        return;
    }
    int ra, rb;
    lower_rdx_rax_inputs(c, &ra, &rb);
    x86_mov_rr(&c->as, true, X86_RAX, ra);
    x86_unary(&c->as, is_signed ? X86_IMUL1 : X86_MUL, true, rb);
    ra_set_out(c, ir_op_out(op, 0), X86_RDX);
}

static void lower_clz_ctz(JitCtx *c, bool clz) {
    const IROp *op = c->op;
    bool w = op->type == IR_I64;
    int width = w ? 64 : 32;
    int src = ra_in(c, ir_op_in(op, 0), 0);
    int dst = dst_over(c, 0);
    if (clz && jit_host_features.lzcnt) {
        x86_bitscan(&c->as, X86_LZCNT, w, dst, src);
    } else if (!clz && jit_host_features.tzcnt) {
        x86_bitscan(&c->as, X86_TZCNT, w, dst, src);
    } else {
        /* bsr/bsf leave dst undefined and set ZF for a zero input: patch that case with cmov.
         * clz = bsr ^ (width-1); choosing 2*width-1 for zero makes the xor yield width. */
        int tmp = ra_scratch(c, 0);
        x86_bitscan(&c->as, clz ? X86_BSR : X86_BSF, w, dst, src);
        x86_mov_ri(&c->as, tmp, clz ? (uint64_t)(2 * width - 1) : (uint64_t)width);
        x86_cmov(&c->as, X86_CC_E, w, dst, tmp);
        if (clz) {
            x86_alu_ri(&c->as, X86_XOR, w, dst, width - 1);
        }
    }
    ra_set_out(c, ir_op_out(op, 0), dst);
}

/* ---- bit fields ---- */

static void emit_zero_ext_bits(JitCtx *c, bool w, int reg, int len) {
    int width = w ? 64 : 32;
    if (len >= width) {
        if (!w) {
            x86_mov_rr(&c->as, false, reg, reg);
        }
    } else if (len == 8 || len == 16) {
        x86_ext_rr(&c->as, len == 8 ? 0 : 1, false, reg, reg);
    } else if (len == 32) {
        x86_mov_rr(&c->as, false, reg, reg);
    } else if (len < 32) {
        x86_alu_ri(&c->as, X86_AND, w, reg, (int32_t)((1u << len) - 1));
    } else {
        x86_shift_ri(&c->as, X86_SHL, true, reg, 64 - len);
        x86_shift_ri(&c->as, X86_SHR, true, reg, 64 - len);
    }
}

static void lower_extract(JitCtx *c, bool sign) {
    const IROp *op = c->op;
    bool w = op->type == IR_I64;
    int width = w ? 64 : 32;
    int pos = (int)ir_op_carg(op, 0), len = (int)ir_op_carg(op, 1);
    g_assert(len >= 1 && pos >= 0 && pos + len <= width);
    int dst;
    if (pos == 0 && (len == 8 || len == 16 || (len == 32 && w))) {
        int src = ra_in(c, ir_op_in(op, 0), 0);
        dst = dst_over(c, 0);
        int size = len == 8 ? 0 : len == 16 ? 1 : 2;
        if (sign && !w) {
            /* movsx into a 32-bit register: sign-extend to 32 bits, zero the upper half */
            x86_op_rr(&c->as, (size == 0 ? 0xBE | X86_OPC_BYTEREG : 0xBF) | X86_OPC_0F, dst, src);
        } else {
            x86_ext_rr(&c->as, size, sign, dst, src);
        }
    } else if (!sign) {
        dst = ra_dst_copy(c, 0, w, 0);
        if (pos) {
            x86_shift_ri(&c->as, X86_SHR, w, dst, pos);
        } else if (!w && len == width) {
            x86_mov_rr(&c->as, false, dst, dst);
        }
        if (pos + len < width) {
            emit_zero_ext_bits(c, w, dst, len);
        }
    } else {
        dst = ra_dst_copy(c, 0, w, 0);
        if (width - pos - len) {
            x86_shift_ri(&c->as, X86_SHL, w, dst, width - pos - len);
        }
        if (width - len) {
            x86_shift_ri(&c->as, X86_SAR, w, dst, width - len);
        } else if (!w) {
            x86_mov_rr(&c->as, false, dst, dst);
        }
    }
    ra_set_out(c, ir_op_out(op, 0), dst);
}

static void emit_and_mask(JitCtx *c, bool w, int dst, uint64_t mask) {
    mask &= width_mask(w);
    if (!w || (int64_t)mask == (int64_t)(int32_t)mask) {
        x86_alu_ri(&c->as, X86_AND, w, dst, (int32_t)mask);
    } else {
        int tmp = ra_scratch(c, 0);
        x86_mov_ri(&c->as, tmp, mask);
        x86_alu_rr(&c->as, X86_AND, w, dst, tmp);
    }
}

static void lower_deposit(JitCtx *c) {
    const IROp *op = c->op;
    bool w = op->type == IR_I64;
    int width = w ? 64 : 32;
    int pos = (int)ir_op_carg(op, 0), len = (int)ir_op_carg(op, 1);
    g_assert(len >= 1 && pos >= 0 && pos + len <= width);
    if (len == width) {
        emit_copy(c, 1, w);
        return;
    }
    uint64_t low = (len == 64) ? ~0ull : ((1ull << len) - 1);
    uint64_t field = low << pos;
    IRTemp b = ir_op_in(op, 1);
    int dst;
    if (t_is_const(c, b)) {
        uint64_t bits = (t_val(c, b) & low) << pos;
        dst = ra_dst_copy(c, 0, w, 0);
        emit_and_mask(c, w, dst, ~field);
        if (bits) {
            if (!w || (int64_t)bits == (int64_t)(int32_t)bits) {
                x86_alu_ri(&c->as, X86_OR, w, dst, (int32_t)bits);
            } else {
                int tmp = ra_scratch(c, 0);
                x86_mov_ri(&c->as, tmp, bits);
                x86_alu_rr(&c->as, X86_OR, w, dst, tmp);
            }
        }
    } else {
        /* Read b into a scratch first: dst may take over a's register and a may equal b. */
        int rb = ra_in(c, b, 0);
        int tmp = ra_scratch(c, 0);
        x86_mov_rr(&c->as, w, tmp, rb);
        emit_zero_ext_bits(c, w, tmp, len);
        if (pos) {
            x86_shift_ri(&c->as, X86_SHL, w, tmp, pos);
        }
        dst = ra_dst_copy(c, 0, w, 0);
        emit_and_mask(c, w, dst, ~field);
        x86_alu_rr(&c->as, X86_OR, w, dst, tmp);
    }
    ra_set_out(c, ir_op_out(op, 0), dst);
}

static void lower_ext(JitCtx *c, int size, bool sign) {
    int src = ra_in(c, ir_op_in(c->op, 0), 0);
    int dst = dst_over(c, 0);
    x86_ext_rr(&c->as, size, sign, dst, src);
    ra_set_out(c, ir_op_out(c->op, 0), dst);
}

static void lower_bswap(JitCtx *c, int bytes) {
    int dst = ra_dst_copy(c, 0, bytes == 8, 0);
    x86_bswap(&c->as, bytes == 8, dst);
    if (bytes == 2) {
        x86_shift_ri(&c->as, X86_SHR, false, dst, 16);
    }
    ra_set_out(c, ir_op_out(c->op, 0), dst);
}

/* ---- comparisons ---- */

static void lower_setcond(JitCtx *c, bool neg) {
    const IROp *op = c->op;
    bool w = op->type == IR_I64;
    IRCond cond = (IRCond)ir_op_carg(op, 0);
    if (cond == IR_COND_NEVER || cond == IR_COND_ALWAYS) {
        emit_const_out(c, cond == IR_COND_NEVER ? 0 : neg ? width_mask(w) : 1);
        return;
    }
    X86Cond cc = emit_compare(c, cond, w, 0, 1);
    int dst = ra_scratch(c, 0);
    x86_setcc(&c->as, cc, dst);
    x86_ext_rr(&c->as, 0, false, dst, dst);
    if (neg) {
        x86_unary(&c->as, X86_NEG, w, dst);
    }
    ra_set_out(c, ir_op_out(op, 0), dst);
}

static void lower_movcond(JitCtx *c) {
    const IROp *op = c->op;
    bool w = op->type == IR_I64;
    IRCond cond = (IRCond)ir_op_carg(op, 0);
    if (cond == IR_COND_NEVER || cond == IR_COND_ALWAYS) {
        emit_copy(c, cond == IR_COND_ALWAYS ? 2 : 3, w);
        return;
    }
    int r1 = ra_in(c, ir_op_in(op, 2), 0);
    int dst = ra_dst_copy(c, 3, w, 0);
    X86Cond cc = emit_compare(c, cond, w, 0, 1);
    x86_cmov(&c->as, cc, w, dst, r1);
    ra_set_out(c, ir_op_out(op, 0), dst);
}

/* ---- host memory (env fields) ---- */

static void lower_ld(JitCtx *c, int size, bool sign) {
    int base = ra_in(c, ir_op_in(c->op, 0), 0);
    int dst = dst_over(c, 0);
    x86_load(&c->as, size, sign, dst, base, -1, (int32_t)ir_op_carg(c->op, 0));
    ra_set_out(c, ir_op_out(c->op, 0), dst);
}

static void lower_st(JitCtx *c, int size) {
    IRTemp v = ir_op_in(c->op, 0);
    int base = ra_in(c, ir_op_in(c->op, 1), 0);
    int32_t disp = (int32_t)ir_op_carg(c->op, 0);
    int32_t imm;
    if (imm_of(c, v, size == 3, &imm)) {
        x86_mov_mi(&c->as, size, base, disp, imm);
    } else {
        int rv = ra_in(c, v, 0);
        x86_store(&c->as, size, rv, base, -1, disp);
    }
}

/* ---- helper calls ---- */

static const int call_arg_regs[6] = {X86_RDI, X86_RSI, X86_RDX, X86_RCX, X86_R8, X86_R9};

/* Calls fn with args (temps, or immediates where args[i] == IR_TEMP_NONE); result in rax. */
static void emit_call(JitCtx *c, const void *fn, int nargs, const IRTemp *args,
                      const uint64_t *imms, uint32_t flags) {
    g_assert(nargs <= 6);
    if ((flags & (IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS)) !=
        (IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS)) {
        ra_sync(c, false, false);
    }
    ra_free_caller_saved(c);
    for (int i = 0; i < nargs; i++) {
        int ar = call_arg_regs[i];
        IRTemp t = args[i];
        if (t == IR_TEMP_NONE) {
            x86_mov_ri(&c->as, ar, imms[i]);
        } else if (t_is_const(c, t)) {
            x86_mov_ri(&c->as, ar, t_val(c, t));
        } else if (t_kind(c, t) == IR_TEMP_ENV) {
            x86_mov_rr(&c->as, true, ar, X86_ENV_REG);
        } else if (c->temps[t].reg >= 0) {
            x86_mov_rr(&c->as, true, ar, c->temps[t].reg);
        } else if (t_kind(c, t) == IR_TEMP_GLOBAL) {
            x86_load(&c->as, 3, false, ar, X86_ENV_REG, -1, c->f->temps[t].mem_offset);
        } else if (c->temps[t].mem_valid) {
            x86_load(&c->as, 3, false, ar, X86_RSP, -1, c->temps[t].slot);
        }
    }
    x86_call_abs(&c->as, fn, X86_RAX);
    if (!(flags & IR_CALL_NO_WRITE_GLOBALS)) {
        ra_drop_globals(c);
    }
}

static void lower_call(JitCtx *c) {
    const IROp *op = c->op;
    const IRHelper *h = ir_helper_get((int)ir_op_carg(op, 0));
    IRTemp args[6];
    for (int i = 0; i < op->nb_i; i++) {
        args[i] = ir_op_in(op, i);
    }
    emit_call(c, h->fn, op->nb_i, args, NULL, h->flags);
    if (op->nb_o) {
        if (h->ret == IR_ARG_I32) {
            /* The SysV ABI leaves bits 63:32 of rax undefined for a 32-bit return value;
             * the IR (and the interpreter) see it zero-extended. */
            x86_mov_rr(&c->as, false, X86_RAX, X86_RAX);
        }
        ra_set_out(c, ir_op_out(op, 0), X86_RAX);
    }
}

static void emit_store_pc(JitCtx *c) {
    int tmp = ra_scratch(c, 0);
    x86_mov_ri(&c->as, tmp, c->cur_pc);
    x86_store(&c->as, 3, tmp, X86_ENV_REG, -1, c->f->pc_offset);
}

static void lower_cmpxchg(JitCtx *c) {
    const IROp *op = c->op;
    MemOp mop = (MemOp)ir_op_carg(op, 0);
    emit_store_pc(c);
    c->locked = 0; /* the scratch is not needed any more */
    IRTemp args[5] = {c->f->env, ir_op_in(op, 0), ir_op_in(op, 1), ir_op_in(op, 2), IR_TEMP_NONE};
    uint64_t imms[5] = {0, 0, 0, 0, make_memop_idx(mop, (int)ir_op_carg(op, 1))};
    emit_call(c, jit_slow_helpers.cmpxchg, 5, args, imms, IR_CALL_NO_WRITE_GLOBALS);
    x86_ext_rr(&c->as, mop & MO_SIZE, (mop & MO_SIGN) != 0, X86_RAX, X86_RAX);
    ra_set_out(c, ir_op_out(op, 0), X86_RAX);
}

/* ---- guest memory: inline TLB probe ---- */

static void lower_qemu_ldst(JitCtx *c, bool is_store) {
    const IROp *op = c->op;
    MemOp mop = (MemOp)ir_op_carg(op, 0);
    int mmu_idx = (int)ir_op_carg(op, 1);
    int size = mop & MO_SIZE;
    int bytes = 1 << size;
    g_assert(mmu_idx >= 0 && mmu_idx < NB_MMU_MODES);
    int ai = is_store ? 1 : 0;
    int rv = -1;
    if (is_store) {
        rv = ra_in(c, ir_op_in(op, 0), 0);
    }
    int ra = ra_in(c, ir_op_in(op, ai), 0);
    int r1 = ra_scratch(c, 0);
    int r2 = ra_scratch(c, 0);
    /* Every allocation happens before the branch to the slow path: a spill emitted after it
     * would be skipped on the slow path while the allocator believes it happened. */
    int dst = is_store ? -1 : dst_over(c, 0);
    int32_t entry = c->f->tlb_offset + mmu_idx * (int32_t)(CPU_TLB_SIZE * sizeof(CPUTLBEntry));
    int32_t tag_off = entry + (int32_t)(is_store ? offsetof(CPUTLBEntry, addr_write)
                                                 : offsetof(CPUTLBEntry, addr_read));
    G_STATIC_ASSERT(sizeof(CPUTLBEntry) == 32);

    /* r1 = index * sizeof(CPUTLBEntry) */
    x86_mov_rr(&c->as, true, r1, ra);
    x86_shift_ri(&c->as, X86_SHR, true, r1, TARGET_PAGE_BITS - 5);
    x86_alu_ri(&c->as, X86_AND, false, r1, (int32_t)((CPU_TLB_SIZE - 1) << 5));
    /* r2 = page of the last byte; with MO_ALIGN the low address bits stay in and must be 0 */
    if ((mop & MO_ALIGN) && size) {
        x86_mov_rr(&c->as, true, r2, ra);
        x86_alu_ri(&c->as, X86_AND, true, r2, (int32_t)(TARGET_PAGE_MASK | (uint64_t)(bytes - 1)));
    } else {
        if (size) {
            x86_lea(&c->as, true, r2, ra, -1, 0, bytes - 1);
        } else {
            x86_mov_rr(&c->as, true, r2, ra);
        }
        x86_alu_ri(&c->as, X86_AND, true, r2, (int32_t)TARGET_PAGE_MASK);
    }
    x86_alu_rmx(&c->as, X86_CMP, true, r2, X86_ENV_REG, r1, tag_off);
    size_t jcc = x86_jcc32(&c->as, X86_CC_NE);
    x86_op_rm(&c->as, 0x8B | X86_OPC_W, r1, X86_ENV_REG, r1, 0,
              entry + (int32_t)offsetof(CPUTLBEntry, addend));
    if (is_store) {
        x86_store(&c->as, size, rv, ra, r1, 0);
    } else {
        x86_load(&c->as, size, (mop & MO_SIGN) != 0, dst, ra, r1, 0);
    }

    if (c->nb_slow == c->cap_slow) {
        c->cap_slow = c->cap_slow ? c->cap_slow * 2 : 16;
        c->slow = g_renew(JitSlowPath, c->slow, c->cap_slow);
    }
    JitSlowPath *sp = &c->slow[c->nb_slow++];
    *sp = (JitSlowPath){
        .jcc_pos = (uint32_t)jcc,
        .ret_pos = (uint32_t)c->as.pos,
        .pc = c->cur_pc,
        .oi = make_memop_idx(mop, mmu_idx),
        .memop = (uint8_t)mop,
        .is_store = is_store,
        .addr_reg = (int8_t)ra,
        .val_reg = (int8_t)rv,
        .dst_reg = (int8_t)dst,
    };
    uint16_t live = 0;
    for (int r = 0; r < 16; r++) {
        int32_t t = c->reg_temp[r];
        if (t < 0) {
            continue;
        }
        live |= BIT(r);
        if (t_kind(c, (IRTemp)t) == IR_TEMP_GLOBAL && !c->temps[t].mem_valid) {
            sp->dirty_reg[sp->nb_dirty] = (int8_t)r;
            sp->dirty_off[sp->nb_dirty] = c->f->temps[t].mem_offset;
            sp->nb_dirty++;
        }
    }
    live |= BIT(ra);
    if (rv >= 0) {
        live |= BIT(rv);
    }
    sp->save_mask = live & (uint16_t)JIT_CALLER_SAVED;
    if (!is_store) {
        ra_set_out(c, ir_op_out(op, 0), dst);
    }
}

static void emit_slow_path(JitCtx *c, const JitSlowPath *sp) {
    X86Asm *as = &c->as;
    x86_patch_rel32(as, sp->jcc_pos, as->pos);
    for (int r = 0; r < 16; r++) {
        if (sp->save_mask & BIT(r)) {
            x86_store(as, 3, r, X86_RSP, -1, 8 * r);
        }
    }
    for (int i = 0; i < sp->nb_dirty; i++) {
        x86_store(as, 3, sp->dirty_reg[i], X86_ENV_REG, -1, sp->dirty_off[i]);
    }
    x86_mov_ri(as, X86_RAX, sp->pc);
    x86_store(as, 3, X86_RAX, X86_ENV_REG, -1, c->f->pc_offset);
    /* Arguments: caller-saved sources are read back from the save area, so the order of the
     * moves into argument registers cannot clobber a source. */
    int srcs[2] = {sp->addr_reg, sp->val_reg};
    int nsrc = sp->is_store ? 2 : 1;
    for (int i = 0; i < nsrc; i++) {
        int ar = call_arg_regs[1 + i];
        if (JIT_CALLER_SAVED & BIT(srcs[i])) {
            x86_load(as, 3, false, ar, X86_RSP, -1, 8 * srcs[i]);
        } else {
            x86_mov_rr(as, true, ar, srcs[i]);
        }
    }
    x86_mov_rr(as, true, X86_RDI, X86_ENV_REG);
    x86_mov_ri(as, call_arg_regs[1 + nsrc], sp->oi);
    x86_call_abs(as, sp->is_store ? jit_slow_helpers.st : jit_slow_helpers.ld, X86_RAX);
    if (!sp->is_store) {
        x86_ext_rr(as, sp->memop & MO_SIZE, (sp->memop & MO_SIGN) != 0, sp->dst_reg, X86_RAX);
    }
    for (int r = 0; r < 16; r++) {
        if ((sp->save_mask & BIT(r)) && r != sp->dst_reg) {
            x86_load(as, 3, false, r, X86_RSP, -1, 8 * r);
        }
    }
    size_t j = x86_jmp32(as);
    x86_patch_rel32(as, j, sp->ret_pos);
}

/* ---- control flow ---- */

static void add_fixup(JitCtx *c, size_t pos, uint64_t label) {
    g_assert(label < c->f->nb_labels);
    if (c->nb_fixups == c->cap_fixups) {
        c->cap_fixups = c->cap_fixups ? c->cap_fixups * 2 : 32;
        c->fixups = g_renew(JitFixup, c->fixups, c->cap_fixups);
    }
    c->fixups[c->nb_fixups++] = (JitFixup){.pos = (uint32_t)pos, .label = (uint32_t)label};
}

static void lower_brcond(JitCtx *c) {
    const IROp *op = c->op;
    IRCond cond = (IRCond)ir_op_carg(op, 0);
    uint64_t label = ir_op_carg(op, 1);
    /* Globals and LOCALs go to memory for the target; TEMPs stay for the fall-through. */
    ra_sync(c, true, false);
    if (cond == IR_COND_NEVER) {
        return;
    }
    if (cond == IR_COND_ALWAYS) {
        add_fixup(c, x86_jmp32(&c->as), label);
        return;
    }
    X86Cond cc = emit_compare(c, cond, op->type == IR_I64, 0, 1);
    add_fixup(c, x86_jcc32(&c->as, cc), label);
}

static void lower_goto_tb(JitCtx *c) {
    int n = (int)ir_op_carg(c->op, 0);
    g_assert(n == 0 || n == 1);
    ra_bb_end(c);
    /* The rel32 field must be 4-byte aligned so set_jmp_target can patch it atomically. */
    int pad = (int)((4 - ((c->as.pos + 1) & 3)) & 3);
    x86_nops(&c->as, pad);
    size_t field = x86_jmp32(&c->as); /* rel32 = 0: falls into the EXIT_TB that follows */
    if (c->tb && field <= 0xfffe && c->as.pos <= 0xfffe) {
        c->tb->jmp_insn_offset[n] = (uint16_t)field;
        c->tb->jmp_reset_offset[n] = (uint16_t)c->as.pos;
    }
}

static void lower_exit_tb(JitCtx *c) {
    uint64_t val = ir_op_carg(c->op, 0);
    ra_bb_end(c);
    if (val == 0) {
        x86_jmp_abs(&c->as, jit_exit_zero_rx, X86_R11);
    } else {
        x86_mov_ri(&c->as, X86_RAX, val);
        x86_jmp_abs(&c->as, jit_epilogue_rx, X86_R11);
    }
}

/* ---- the op switch ---- */

static void lower_op(JitCtx *c, const IROp *op) {
    c->op = op;
    switch ((IROpcode)op->opc) {
    case IR_MOV: emit_copy(c, 0, op->type == IR_I64); break;
    case IR_ADD: lower_binop(c, X86_ADD); break;
    case IR_SUB: lower_binop(c, X86_SUB); break;
    case IR_MUL: lower_binop(c, -1); break;
    case IR_AND: lower_binop(c, X86_AND); break;
    case IR_OR: lower_binop(c, X86_OR); break;
    case IR_XOR: lower_binop(c, X86_XOR); break;
    case IR_MULUH: lower_mulh(c, false); break;
    case IR_MULSH: lower_mulh(c, true); break;
    case IR_DIVS: lower_div(c, true, false); break;
    case IR_DIVU: lower_div(c, false, false); break;
    case IR_REMS: lower_div(c, true, true); break;
    case IR_REMU: lower_div(c, false, true); break;
    case IR_NEG: lower_unary(c, X86_NEG); break;
    case IR_NOT: lower_unary(c, X86_NOT); break;
    case IR_ANDC: lower_andc_orc(c, X86_AND); break;
    case IR_ORC: lower_andc_orc(c, X86_OR); break;
    case IR_SHL: lower_shift(c, X86_SHL); break;
    case IR_SHR: lower_shift(c, X86_SHR); break;
    case IR_SAR: lower_shift(c, X86_SAR); break;
    case IR_ROTR: lower_shift(c, X86_ROR); break;
    case IR_CLZ: lower_clz_ctz(c, true); break;
    case IR_CTZ: lower_clz_ctz(c, false); break;
    case IR_EXTRACT: lower_extract(c, false); break;
    case IR_SEXTRACT: lower_extract(c, true); break;
    case IR_DEPOSIT: lower_deposit(c); break;
    case IR_BSWAP16: lower_bswap(c, 2); break;
    case IR_BSWAP32: lower_bswap(c, 4); break;
    case IR_BSWAP64: lower_bswap(c, 8); break;
    case IR_EXT8S: lower_ext(c, 0, true); break;
    case IR_EXT8U: lower_ext(c, 0, false); break;
    case IR_EXT16S: lower_ext(c, 1, true); break;
    case IR_EXT16U: lower_ext(c, 1, false); break;
    case IR_EXT32S: lower_ext(c, 2, true); break;
    case IR_EXT32U: lower_ext(c, 2, false); break;
    case IR_SETCOND: lower_setcond(c, false); break;
    case IR_NEGSETCOND: lower_setcond(c, true); break;
    case IR_MOVCOND: lower_movcond(c); break;
    case IR_LD8U: lower_ld(c, 0, false); break;
    case IR_LD8S: lower_ld(c, 0, true); break;
    case IR_LD16U: lower_ld(c, 1, false); break;
    case IR_LD16S: lower_ld(c, 1, true); break;
    case IR_LD32U: lower_ld(c, 2, false); break;
    case IR_LD32S: lower_ld(c, 2, true); break;
    case IR_LD64: lower_ld(c, 3, false); break;
    case IR_ST8: lower_st(c, 0); break;
    case IR_ST16: lower_st(c, 1); break;
    case IR_ST32: lower_st(c, 2); break;
    case IR_ST64: lower_st(c, 3); break;
    case IR_QEMU_LD: lower_qemu_ldst(c, false); break;
    case IR_QEMU_ST: lower_qemu_ldst(c, true); break;
    case IR_ATOMIC_CMPXCHG: lower_cmpxchg(c); break;
    case IR_MB:
        if (ir_op_carg(op, 0) & IR_MB_ST_LD) {
            x86_mfence(&c->as);
        }
        break;
    case IR_CALL: lower_call(c); break;
    case IR_SET_LABEL: {
        uint64_t label = ir_op_carg(op, 0);
        g_assert(label < c->f->nb_labels);
        ra_bb_end(c);
        c->label_pos[label] = (int32_t)c->as.pos;
        break;
    }
    case IR_BR:
        ra_bb_end(c);
        add_fixup(c, x86_jmp32(&c->as), ir_op_carg(op, 0));
        break;
    case IR_BRCOND: lower_brcond(c); break;
    case IR_GOTO_TB: lower_goto_tb(c); break;
    case IR_EXIT_TB: lower_exit_tb(c); break;
    case IR_GOTO_PTR: {
        int r = ra_in(c, ir_op_in(op, 0), 0);
        ra_bb_end(c);
        x86_jmp_reg(&c->as, r);
        break;
    }
    case IR_INSN_START: c->cur_pc = ir_op_carg(op, 0); break;
    case IR_NOP: break;
    case IR_NB_OPS: g_assert_not_reached();
    }
    ra_op_done(c);
}

void jit_lower_tb(JitCtx *c, IRFunc *f, TranslationBlock *tb) {
    c->tb = tb;
    c->nb_fixups = 0;
    c->nb_slow = 0;
    c->cur_pc = tb ? tb->pc : 0;
    if (c->cap_labels < f->nb_labels) {
        c->cap_labels = f->nb_labels + 16;
        c->label_pos = g_renew(int32_t, c->label_pos, c->cap_labels);
    }
    for (uint32_t i = 0; i < f->nb_labels; i++) {
        c->label_pos[i] = -1;
    }
    ra_begin(c, f);

    /* Entry: leave at once if a kick, interrupt or stop request is pending. */
    x86_alu_mi(&c->as, X86_CMP, false, X86_ENV_REG, f->exit_request_offset, 0);
    size_t exit_jcc = x86_jcc32(&c->as, X86_CC_NE);
    /* Single-thread mode: the quantum is used up (insn_count >= insn_limit, unsigned). R11 is
     * free here: nothing is allocated at a TB entry. Checked before counting this TB. */
    size_t limit_jcc = 0;
    bool limit_check = f->insn_limit_offset != IR_NO_INSN_COUNT &&
                       f->insn_count_offset != IR_NO_INSN_COUNT && tb;
    if (limit_check) {
        x86_load(&c->as, 3, false, X86_R11, X86_ENV_REG, -1, f->insn_count_offset);
        x86_alu_rm(&c->as, X86_CMP, true, X86_R11, X86_ENV_REG, f->insn_limit_offset);
        limit_jcc = x86_jcc32(&c->as, X86_CC_AE);
    }
    /* Count the TB's instructions once it is entered (cpu.h, CPUState.insn_count). */
    if (f->insn_count_offset != IR_NO_INSN_COUNT && tb && tb->icount) {
        x86_alu_mi(&c->as, X86_ADD, true, X86_ENV_REG, f->insn_count_offset, tb->icount);
    }

    for (uint32_t i = 0; i < f->nb_ops; i++) {
        lower_op(c, &f->ops[i]);
    }
    /* A well-formed TB ends in EXIT_TB/GOTO_PTR; in case it falls off the end, leave. */
    ra_bb_end(c);
    x86_jmp_abs(&c->as, jit_exit_zero_rx, X86_R11);

    for (uint32_t i = 0; i < c->nb_slow; i++) {
        emit_slow_path(c, &c->slow[i]);
    }
    x86_patch_rel32(&c->as, exit_jcc, c->as.pos);
    if (limit_check) {
        x86_patch_rel32(&c->as, limit_jcc, c->as.pos);
    }
    x86_mov_ri(&c->as, X86_RAX, (uintptr_t)f->tb | TB_EXIT_REQUESTED);
    x86_jmp_abs(&c->as, jit_epilogue_rx, X86_R11);

    for (uint32_t i = 0; i < c->nb_fixups; i++) {
        int32_t target = c->label_pos[c->fixups[i].label];
        if (target < 0) {
            g_error("x86-64 JIT: branch to label %u that is never set", c->fixups[i].label);
        }
        x86_patch_rel32(&c->as, c->fixups[i].pos, (size_t)target);
    }
}
