/*
 * opt-eval.h — the exact value semantics of the pure IR ops (tcg/ops.def), written once.
 *
 * The interpreter's handlers call these inline functions and the constant folder calls
 * ir_eval_op(), so the reference semantics and the optimizer cannot drift apart. Everything
 * here is pure (no state) and may be called from any thread.
 * Rules: an I32 op reads the low 32 bits of its inputs and zero-extends its result; shift
 * counts are modulo the width; division by zero and signed MIN / -1 follow A64 SDIV/UDIV.
 */
#ifndef TANDEM_TCG_OPT_EVAL_H
#define TANDEM_TCG_OPT_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "tcg/ir.h"

/* Evaluates a pure op (MOV .. MOVCOND, BSWAP*, EXT*) on constant inputs. Returns false for
 * ops with side effects, memory access or control flow (nothing is written then). */
bool ir_eval_op(IROpcode opc, IRType t, const uint64_t *in, const uint64_t *cargs, uint64_t *out);
/* True if ir_eval_op() can evaluate opc. */
bool ir_eval_is_pure(IROpcode opc);

static inline uint64_t ir_eval_width_mask(IRType t) {
    return t == IR_I32 ? 0xffffffffull : ~0ull;
}

static inline unsigned ir_eval_width(IRType t) {
    return t == IR_I32 ? 32 : 64;
}

/* Result of an I32 op: the low 32 bits, zero-extended. */
static inline uint64_t ir_eval_res(IRType t, uint64_t v) {
    return v & ir_eval_width_mask(t);
}

static inline uint64_t ir_eval_mask_len(unsigned len) {
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

/* Compare after bringing I32 operands to 64 bits by sign extension: sign extension keeps both
 * the signed and the unsigned order of 32-bit values, and equality and bit tests of the low
 * 32 bits, so one 64-bit comparison serves both types. */
static inline uint64_t ir_eval_cmp_operand(IRType t, uint64_t v) {
    return t == IR_I32 ? (uint64_t)(int64_t)(int32_t)v : v;
}

static inline bool ir_eval_cond64(unsigned c, uint64_t a, uint64_t b) {
    switch (c) {
    case IR_COND_NEVER: return false;
    case IR_COND_ALWAYS: return true;
    case IR_COND_EQ: return a == b;
    case IR_COND_NE: return a != b;
    case IR_COND_LT: return (int64_t)a < (int64_t)b;
    case IR_COND_GE: return (int64_t)a >= (int64_t)b;
    case IR_COND_LE: return (int64_t)a <= (int64_t)b;
    case IR_COND_GT: return (int64_t)a > (int64_t)b;
    case IR_COND_LTU: return a < b;
    case IR_COND_GEU: return a >= b;
    case IR_COND_LEU: return a <= b;
    case IR_COND_GTU: return a > b;
    case IR_COND_TSTEQ: return (a & b) == 0;
    case IR_COND_TSTNE: return (a & b) != 0;
    default: return false;
    }
}

static inline bool ir_eval_cond(unsigned c, IRType t, uint64_t a, uint64_t b) {
    return ir_eval_cond64(c, ir_eval_cmp_operand(t, a), ir_eval_cmp_operand(t, b));
}

static inline uint64_t ir_eval_muluh(IRType t, uint64_t a, uint64_t b) {
    if (t == IR_I32) {
        return ((uint64_t)(uint32_t)a * (uint32_t)b) >> 32;
    }
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

static inline uint64_t ir_eval_mulsh(IRType t, uint64_t a, uint64_t b) {
    if (t == IR_I32) {
        int64_t p = (int64_t)(int32_t)a * (int32_t)b;
        return (uint32_t)((uint64_t)p >> 32);
    }
    __int128 p = (__int128)(int64_t)a * (int64_t)b;
    return (uint64_t)((unsigned __int128)p >> 64);
}

static inline uint64_t ir_eval_divs(IRType t, uint64_t a, uint64_t b) {
    if (t == IR_I32) {
        int32_t x = (int32_t)a, y = (int32_t)b;
        if (y == 0) {
            return 0;
        }
        if (x == INT32_MIN && y == -1) {
            return (uint32_t)INT32_MIN;
        }
        return (uint32_t)(x / y);
    }
    int64_t x = (int64_t)a, y = (int64_t)b;
    if (y == 0) {
        return 0;
    }
    if (x == INT64_MIN && y == -1) {
        return (uint64_t)INT64_MIN;
    }
    return (uint64_t)(x / y);
}

static inline uint64_t ir_eval_rems(IRType t, uint64_t a, uint64_t b) {
    if (t == IR_I32) {
        int32_t x = (int32_t)a, y = (int32_t)b;
        if (y == 0) {
            return (uint32_t)x;
        }
        if (x == INT32_MIN && y == -1) {
            return 0;
        }
        return (uint32_t)(x % y);
    }
    int64_t x = (int64_t)a, y = (int64_t)b;
    if (y == 0) {
        return (uint64_t)x;
    }
    if (x == INT64_MIN && y == -1) {
        return 0;
    }
    return (uint64_t)(x % y);
}

static inline uint64_t ir_eval_divu(IRType t, uint64_t a, uint64_t b) {
    a &= ir_eval_width_mask(t);
    b &= ir_eval_width_mask(t);
    return b == 0 ? 0 : a / b;
}

static inline uint64_t ir_eval_remu(IRType t, uint64_t a, uint64_t b) {
    a &= ir_eval_width_mask(t);
    b &= ir_eval_width_mask(t);
    return b == 0 ? a : a % b;
}

static inline uint64_t ir_eval_shl(IRType t, uint64_t a, uint64_t b) {
    return ir_eval_res(t, a << (b & (ir_eval_width(t) - 1)));
}

static inline uint64_t ir_eval_shr(IRType t, uint64_t a, uint64_t b) {
    return (a & ir_eval_width_mask(t)) >> (b & (ir_eval_width(t) - 1));
}

static inline uint64_t ir_eval_sar(IRType t, uint64_t a, uint64_t b) {
    if (t == IR_I32) {
        return (uint32_t)((int32_t)a >> (b & 31));
    }
    return (uint64_t)((int64_t)a >> (b & 63));
}

static inline uint64_t ir_eval_rotr(IRType t, uint64_t a, uint64_t b) {
    if (t == IR_I32) {
        uint32_t x = (uint32_t)a;
        unsigned n = b & 31;
        return n ? (uint32_t)((x >> n) | (x << (32 - n))) : x;
    }
    unsigned n = b & 63;
    return n ? (a >> n) | (a << (64 - n)) : a;
}

static inline uint64_t ir_eval_clz(IRType t, uint64_t a) {
    if (t == IR_I32) {
        return (uint32_t)a ? (uint64_t)__builtin_clz((uint32_t)a) : 32;
    }
    return a ? (uint64_t)__builtin_clzll(a) : 64;
}

static inline uint64_t ir_eval_ctz(IRType t, uint64_t a) {
    if (t == IR_I32) {
        return (uint32_t)a ? (uint64_t)__builtin_ctz((uint32_t)a) : 32;
    }
    return a ? (uint64_t)__builtin_ctzll(a) : 64;
}

static inline uint64_t ir_eval_extract(IRType t, uint64_t a, unsigned pos, unsigned len) {
    return ((a & ir_eval_width_mask(t)) >> (pos & 63)) & ir_eval_mask_len(len);
}

static inline uint64_t ir_eval_sextract(IRType t, uint64_t a, unsigned pos, unsigned len) {
    uint64_t v = ((a & ir_eval_width_mask(t)) >> (pos & 63)) & ir_eval_mask_len(len);
    unsigned sh = len >= 64 || len == 0 ? 0 : 64 - len;
    return ir_eval_res(t, (uint64_t)((int64_t)(v << sh) >> sh));
}

static inline uint64_t ir_eval_deposit(IRType t, uint64_t a, uint64_t b, unsigned pos,
                                       unsigned len) {
    uint64_t m = ir_eval_mask_len(len) << (pos & 63);
    return ir_eval_res(t, (a & ~m) | ((b << (pos & 63)) & m));
}

static inline uint64_t ir_eval_bswap16(uint64_t a) {
    return __builtin_bswap16((uint16_t)a);
}
static inline uint64_t ir_eval_bswap32(uint64_t a) {
    return __builtin_bswap32((uint32_t)a);
}
static inline uint64_t ir_eval_bswap64(uint64_t a) {
    return __builtin_bswap64(a);
}

#endif
