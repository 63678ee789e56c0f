/*
 * opt-constfold.c — constant folding, constant and copy propagation, and algebraic
 * simplification, one basic block at a time (knowledge is dropped at every SET_LABEL; it
 * survives a BRCOND's fall-through, which only that branch reaches).
 *
 * Facts kept per temp: a known constant value, "upper 32 bits known zero" (zext), and "is a
 * copy of temp S" with S's write version at the time of the copy (a copy is valid only while
 * S is unchanged). MOV_i32 d, a makes d = zext32(a): that is an exact copy only if a is known
 * zero-extended, otherwise a copy valid for readers of the low 32 bits (I32 ops) only.
 * Globals lose their facts after a CALL that may write globals and after a host store that
 * overlaps their env slot. Values are computed with ir_eval_op() (tcg/opt-eval.h), the same
 * rules the interpreter runs. Runs on the translating thread; touches only f.
 */
#include <glib.h>
#include <string.h>

#include "tcg/opt-eval.h"
#include "tcg/opt.h"

typedef struct TempFacts {
    uint32_t gen; /* facts are valid only if gen == Folder.gen */
    uint32_t ver; /* bumped at every write of the temp */
    uint8_t is_const;
    uint8_t zext;       /* bits 63..32 known zero */
    uint8_t copy_low32; /* copy_of is equal in the low 32 bits only */
    IRTemp copy_of;     /* IR_TEMP_NONE, or the temp this one equals */
    uint32_t copy_ver;  /* copy_of's ver when the copy was made */
    uint64_t val;
} TempFacts;

typedef struct Folder {
    IRFunc *f;
    TempFacts *facts;
    uint32_t cap;
    uint32_t gen;
} Folder;

/* ---- facts ---- */

/* Grows the fact table to cover every temp of f (new constants appear while folding). Only
 * called between uses of TempFacts pointers, never while one is held. */
static void facts_reserve(Folder *fo) {
    if (fo->f->nb_temps > fo->cap) {
        uint32_t ncap = MAX(fo->cap * 2, fo->f->nb_temps + 64);
        fo->facts = g_renew(TempFacts, fo->facts, ncap);
        memset(fo->facts + fo->cap, 0, (ncap - fo->cap) * sizeof(TempFacts));
        fo->cap = ncap;
    }
}

static IRTemp fold_const(Folder *fo, uint64_t v) {
    IRTemp t = ir_const(fo->f, v);
    facts_reserve(fo);
    return t;
}

static TempFacts *facts_of(Folder *fo, IRTemp t) {
    g_assert(t < fo->cap);
    TempFacts *tf = &fo->facts[t];
    if (tf->gen != fo->gen) {
        /* ver restarts too: every copy relation of the previous block was dropped with it. */
        *tf = (TempFacts){.gen = fo->gen, .copy_of = IR_TEMP_NONE};
        if (fo->f->temps[t].kind == IR_TEMP_CONST) {
            tf->is_const = 1;
            tf->val = fo->f->temps[t].val;
            tf->zext = (tf->val >> 32) == 0;
        }
    }
    return tf;
}

static bool known_const(Folder *fo, IRTemp t, uint64_t *v) {
    TempFacts *tf = facts_of(fo, t);
    if (tf->is_const) {
        *v = tf->val;
    }
    return tf->is_const;
}

static void facts_write(Folder *fo, IRTemp t) {
    TempFacts *tf = facts_of(fo, t);
    tf->ver++;
    tf->is_const = 0;
    tf->zext = 0;
    tf->copy_of = IR_TEMP_NONE;
}

static void facts_set_const(Folder *fo, IRTemp t, uint64_t v) {
    facts_write(fo, t);
    TempFacts *tf = facts_of(fo, t);
    tf->is_const = 1;
    tf->val = v;
    tf->zext = (v >> 32) == 0;
}

/* The temp t currently equals (exactly, or in the low 32 bits if *low32), following chains. */
static IRTemp copy_root(Folder *fo, IRTemp t, bool *low32) {
    *low32 = false;
    TempFacts *tf = facts_of(fo, t);
    if (tf->copy_of != IR_TEMP_NONE && facts_of(fo, tf->copy_of)->ver == tf->copy_ver) {
        *low32 = tf->copy_low32;
        return tf->copy_of;
    }
    return t;
}

static void facts_set_copy(Folder *fo, IRTemp d, IRTemp src, bool low32) {
    bool src_low32;
    IRTemp root = copy_root(fo, src, &src_low32);
    bool zext = low32 || facts_of(fo, src)->zext;
    facts_write(fo, d);
    TempFacts *tf = facts_of(fo, d);
    tf->zext = zext;
    if (root != d) {
        tf->copy_of = root;
        tf->copy_low32 = low32 || src_low32;
        tf->copy_ver = facts_of(fo, root)->ver;
    }
}

static void facts_reset_globals(Folder *fo) {
    for (uint32_t g = 0; g < fo->f->nb_globals; g++) {
        facts_write(fo, g);
    }
}

/* ---- op rewriting ---- */

static void op_to_mov(IROp *op, IRType t, IRTemp d, IRTemp src) {
    op->opc = IR_MOV;
    op->type = (uint8_t)t;
    op->nb_o = 1;
    op->nb_i = 1;
    op->nb_c = 0;
    op->args[0] = d;
    op->args[1] = src;
}

static void op_to_movi(Folder *fo, IROp *op, IRTemp d, uint64_t v) {
    op_to_mov(op, IR_I64, d, fold_const(fo, v));
}

/* Does op read only the low 32 bits of input k? (Then a low-32 copy may replace it.) */
static bool reads_low32(const IROp *op, int k) {
    const IROpDef *def = &ir_op_defs[op->opc];
    if ((def->flags & IR_OPF_TYPED) && op->type == IR_I32) {
        return true;
    }
    switch (op->opc) {
    case IR_EXT8S:
    case IR_EXT8U:
    case IR_EXT16S:
    case IR_EXT16U:
    case IR_EXT32S:
    case IR_EXT32U:
    case IR_BSWAP16:
    case IR_BSWAP32: return true;
    case IR_ST8:
    case IR_ST16:
    case IR_ST32: return k == 0;
    case IR_QEMU_ST: return k == 0 && (ir_op_carg(op, 0) & MO_SIZE) <= MO_32;
    default: return false;
    }
}

/* May a constant replace input k? Value positions only: addresses, bases and jump targets
 * stay temps so backends can keep their register-only forms there. */
static bool const_ok_in(const IROp *op, int k) {
    if (ir_eval_is_pure((IROpcode)op->opc)) {
        return true;
    }
    switch (op->opc) {
    case IR_BRCOND:
    case IR_CALL: return true;
    case IR_ST8:
    case IR_ST16:
    case IR_ST32:
    case IR_ST64:
    case IR_QEMU_ST: return k == 0;
    default: return false;
    }
}

static void propagate_inputs(Folder *fo, IROp *op) {
    for (int k = 0; k < op->nb_i; k++) {
        IRTemp t = ir_op_in(op, k);
        uint64_t v;
        if (fo->f->temps[t].kind != IR_TEMP_CONST && known_const(fo, t, &v) && const_ok_in(op, k)) {
            op->args[op->nb_o + k] = fold_const(fo, v);
            continue;
        }
        bool low32;
        IRTemp root = copy_root(fo, t, &low32);
        if (root != t && (!low32 || reads_low32(op, k))) {
            op->args[op->nb_o + k] = root;
        }
    }
}

/* ---- simplification ---- */

/* A comparison whose result is known: 1 true, 0 false, -1 unknown. */
static int cond_known(Folder *fo, IRCond c, IRType t, IRTemp a, IRTemp b) {
    uint64_t va, vb;
    bool ca = known_const(fo, a, &va), cb = known_const(fo, b, &vb);
    if (c == IR_COND_ALWAYS) {
        return 1;
    }
    if (c == IR_COND_NEVER) {
        return 0;
    }
    if (ca && cb) {
        return ir_eval_cond(c, t, va, vb);
    }
    if (a == b) {
        switch (c) {
        case IR_COND_EQ:
        case IR_COND_GE:
        case IR_COND_LE:
        case IR_COND_GEU:
        case IR_COND_LEU: return 1;
        case IR_COND_NE:
        case IR_COND_LT:
        case IR_COND_GT:
        case IR_COND_LTU:
        case IR_COND_GTU: return 0;
        default: return -1;
        }
    }
    if (cb && (vb & ir_eval_width_mask(t)) == 0) {
        if (c == IR_COND_TSTEQ || c == IR_COND_GEU) {
            return 1;
        }
        if (c == IR_COND_TSTNE || c == IR_COND_LTU) {
            return 0;
        }
    }
    return -1;
}

static bool is_commutative(IROpcode opc) {
    switch (opc) {
    case IR_ADD:
    case IR_MUL:
    case IR_MULUH:
    case IR_MULSH:
    case IR_AND:
    case IR_OR:
    case IR_XOR: return true;
    default: return false;
    }
}

/* Rewrites op into something cheaper when an identity applies. Returns true if op changed
 * into a MOV (the caller then records the MOV's facts). */
static bool simplify_binary(Folder *fo, IROp *op) {
    IROpcode opc = (IROpcode)op->opc;
    IRType t = (IRType)op->type;
    IRTemp d = ir_op_out(op, 0), a = ir_op_in(op, 0), b = ir_op_in(op, 1);
    uint64_t mask = ir_eval_width_mask(t), va = 0, vb = 0;
    if (is_commutative(opc) && known_const(fo, a, &va) && !known_const(fo, b, &vb)) {
        op->args[1] = b;
        op->args[2] = a;
        a = ir_op_in(op, 0);
        b = ir_op_in(op, 1);
    }
    bool ca = known_const(fo, a, &va), cb = known_const(fo, b, &vb);
    va &= mask;
    vb &= mask;
    unsigned shmask = ir_eval_width(t) - 1;

    if (cb) {
        switch (opc) {
        case IR_ADD:
        case IR_SUB:
        case IR_OR:
        case IR_XOR:
        case IR_ANDC:
            if (vb == 0) {
                op_to_mov(op, t, d, a);
                return true;
            }
            break;
        case IR_SHL:
        case IR_SHR:
        case IR_SAR:
        case IR_ROTR:
            if ((vb & shmask) == 0) {
                op_to_mov(op, t, d, a);
                return true;
            }
            break;
        case IR_MUL:
        case IR_DIVS:
        case IR_DIVU:
            if (vb == 1) {
                op_to_mov(op, t, d, a);
                return true;
            }
            if (vb == 0) { /* x*0 = 0, and division by zero gives 0 */
                op_to_movi(fo, op, d, 0);
                return true;
            }
            break;
        case IR_MULUH:
        case IR_MULSH:
            if (vb == 0) {
                op_to_movi(fo, op, d, 0);
                return true;
            }
            break;
        case IR_AND:
            if (vb == 0) {
                op_to_movi(fo, op, d, 0);
                return true;
            }
            if (vb == mask) {
                op_to_mov(op, t, d, a);
                return true;
            }
            break;
        case IR_ORC:
            if (vb == mask) {
                op_to_mov(op, t, d, a);
                return true;
            }
            if (vb == 0) {
                op_to_movi(fo, op, d, mask);
                return true;
            }
            break;
        default: break;
        }
        if ((opc == IR_OR && vb == mask)) {
            op_to_movi(fo, op, d, mask);
            return true;
        }
        if (opc == IR_ANDC && vb == mask) {
            op_to_movi(fo, op, d, 0);
            return true;
        }
    }
    if (ca && va == 0) {
        switch (opc) {
        case IR_SHL:
        case IR_SHR:
        case IR_SAR:
        case IR_ROTR:
        case IR_DIVS:
        case IR_DIVU:
        case IR_REMS:
        case IR_REMU:
        case IR_ANDC: op_to_movi(fo, op, d, 0); return true;
        default: break;
        }
    }
    if (a == b) {
        switch (opc) {
        case IR_SUB:
        case IR_XOR:
        case IR_ANDC: op_to_movi(fo, op, d, 0); return true;
        case IR_AND:
        case IR_OR: op_to_mov(op, t, d, a); return true;
        case IR_ORC: op_to_movi(fo, op, d, mask); return true;
        default: break;
        }
    }
    return false;
}

/* Facts of an op's output that are not a constant or a copy. */
static bool output_zext(const IROp *op) {
    const IROpDef *def = &ir_op_defs[op->opc];
    if ((def->flags & IR_OPF_TYPED) && op->type == IR_I32) {
        return true;
    }
    switch (op->opc) {
    case IR_SETCOND:
    case IR_CLZ:
    case IR_CTZ:
    case IR_EXT8U:
    case IR_EXT16U:
    case IR_EXT32U:
    case IR_BSWAP16:
    case IR_BSWAP32:
    case IR_LD8U:
    case IR_LD16U:
    case IR_LD32U: return true;
    case IR_EXTRACT: return ir_op_carg(op, 1) <= 32;
    case IR_QEMU_LD: {
        uint64_t mop = ir_op_carg(op, 0);
        return !(mop & MO_SIGN) && (mop & MO_SIZE) <= MO_32;
    }
    case IR_CALL: return ir_helper_get((int)ir_op_carg(op, 0))->ret == IR_ARG_I32;
    default: return false;
    }
}

static void fold_mov(Folder *fo, IROp *op) {
    IRType t = (IRType)op->type;
    IRTemp d = ir_op_out(op, 0), a = ir_op_in(op, 0);
    uint64_t v;
    if (known_const(fo, a, &v)) {
        v = ir_eval_res(t, v);
        if (t == IR_I32) {
            op_to_movi(fo, op, d, v);
        }
        facts_set_const(fo, d, v);
        return;
    }
    bool exact = t == IR_I64 || facts_of(fo, a)->zext;
    if (d == a && exact) {
        ir_op_remove(op);
        return;
    }
    if (t == IR_I32 && exact) {
        op->type = IR_I64; /* a's upper half is zero: a plain copy */
    }
    facts_set_copy(fo, d, a, !exact);
}

static void fold_op(Folder *fo, IROp *op) {
    IROpcode opc = (IROpcode)op->opc;
    const IROpDef *def = &ir_op_defs[opc];

    if (opc == IR_NOP || opc == IR_INSN_START) {
        return;
    }
    if (opc == IR_SET_LABEL) {
        fo->gen++; /* several predecessors: forget everything */
        return;
    }
    propagate_inputs(fo, op);

    if (opc == IR_MOV) {
        fold_mov(fo, op);
        return;
    }
    if (ir_eval_is_pure(opc)) {
        uint64_t in[4], r;
        bool all_const = true;
        for (int k = 0; k < op->nb_i && all_const; k++) {
            all_const = known_const(fo, ir_op_in(op, k), &in[k]);
        }
        if (all_const &&
            ir_eval_op(opc, (IRType)op->type, in, &op->args[op->nb_o + op->nb_i], &r)) {
            IRTemp d = ir_op_out(op, 0);
            op_to_movi(fo, op, d, r);
            facts_set_const(fo, d, r);
            return;
        }
    }
    switch (opc) {
    case IR_ADD:
    case IR_SUB:
    case IR_MUL:
    case IR_MULUH:
    case IR_MULSH:
    case IR_DIVS:
    case IR_DIVU:
    case IR_REMS:
    case IR_REMU:
    case IR_AND:
    case IR_OR:
    case IR_XOR:
    case IR_ANDC:
    case IR_ORC:
    case IR_SHL:
    case IR_SHR:
    case IR_SAR:
    case IR_ROTR:
        if (simplify_binary(fo, op)) {
            fold_mov(fo, op);
            return;
        }
        break;
    case IR_EXT32U:
        if (facts_of(fo, ir_op_in(op, 0))->zext) {
            op_to_mov(op, IR_I64, ir_op_out(op, 0), ir_op_in(op, 0));
            fold_mov(fo, op);
            return;
        }
        break;
    case IR_SETCOND:
    case IR_NEGSETCOND: {
        IRType t = (IRType)op->type;
        int k = cond_known(fo, (IRCond)ir_op_carg(op, 0), t, ir_op_in(op, 0), ir_op_in(op, 1));
        if (k >= 0) {
            IRTemp d = ir_op_out(op, 0);
            uint64_t r = !k ? 0 : opc == IR_SETCOND ? 1 : ir_eval_width_mask(t);
            op_to_movi(fo, op, d, r);
            facts_set_const(fo, d, r);
            return;
        }
        break;
    }
    case IR_MOVCOND: {
        IRType t = (IRType)op->type;
        IRTemp d = ir_op_out(op, 0), v1 = ir_op_in(op, 2), v2 = ir_op_in(op, 3);
        int k = cond_known(fo, (IRCond)ir_op_carg(op, 0), t, ir_op_in(op, 0), ir_op_in(op, 1));
        if (k >= 0 || v1 == v2) {
            op_to_mov(op, t, d, k == 0 ? v2 : v1);
            fold_mov(fo, op);
            return;
        }
        break;
    }
    case IR_BRCOND: {
        int k = cond_known(fo, (IRCond)ir_op_carg(op, 0), (IRType)op->type, ir_op_in(op, 0),
                           ir_op_in(op, 1));
        if (k == 0) {
            ir_op_remove(op);
        } else if (k == 1) {
            uint64_t label = ir_op_carg(op, 1);
            op->opc = IR_BR;
            op->nb_o = op->nb_i = 0;
            op->nb_c = 1;
            op->args[0] = label;
        }
        return;
    }
    default: break;
    }

    /* Not folded: outputs get fresh facts; calls and stores may change globals. */
    for (int k = 0; k < op->nb_o; k++) {
        IRTemp d = ir_op_out(op, k);
        facts_write(fo, d);
        facts_of(fo, d)->zext = output_zext(op);
    }
    if ((def->flags & IR_OPF_CALL) &&
        !(ir_helper_get((int)ir_op_carg(op, 0))->flags & IR_CALL_NO_WRITE_GLOBALS)) {
        facts_reset_globals(fo);
    }
    if (opc >= IR_ST8 && opc <= IR_ST64 && ir_op_in(op, 1) == fo->f->env) {
        int64_t off = (int64_t)ir_op_carg(op, 0);
        int64_t size = 1 << (opc - IR_ST8);
        for (uint32_t g = 0; g < fo->f->nb_globals; g++) {
            int64_t goff = fo->f->temps[g].mem_offset;
            if (off < goff + 8 && goff < off + size) {
                facts_write(fo, g);
            }
        }
    }
}

void ir_opt_constfold(IRFunc *f) {
    Folder fo = {.f = f, .gen = 1};
    fo.cap = f->nb_temps + 64;
    fo.facts = g_new0(TempFacts, fo.cap);
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        fold_op(&fo, &f->ops[i]);
    }
    g_free(fo.facts);
}
