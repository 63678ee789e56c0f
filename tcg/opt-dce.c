/*
 * opt-dce.c — dead code elimination: unreachable ops, then ops whose results are never used.
 *
 * Unreachable: the ops after an unconditional BR / EXIT_TB / GOTO_PTR up to the next label
 * that some branch still targets. Labels no branch targets are dropped (their blocks merge),
 * and a BR to the label right after it is dropped; this repeats until nothing changes.
 * Liveness is one backward pass with conservative block boundaries, so loops need no
 * iteration: at every label and branch all globals and LOCAL temps are live and TEMP temps
 * dead (a BRCOND's fall-through keeps its TEMPs); at a TB exit only globals are live. Globals
 * are also live wherever guest state must be precise or may be read: guest memory accesses
 * (may fault) and calls that read globals or may raise. Ops with side effects stay; a CALL
 * stays unless its helper is IR_CALL_NO_SIDE_EFFECTS and cannot raise.
 * Runs on the translating thread; touches only f.
 */
#include <glib.h>
#include <string.h>

#include "tcg/opt.h"

/* ---- unreachable code ---- */

static bool is_branch(const IROp *op) {
    return op->opc == IR_BR || op->opc == IR_BRCOND;
}

static uint64_t branch_label(const IROp *op) {
    return op->opc == IR_BR ? ir_op_carg(op, 0) : ir_op_carg(op, 1);
}

static bool remove_unreachable_once(IRFunc *f, uint32_t *refs) {
    bool changed = false, reachable = true;
    memset(refs, 0, f->nb_labels * sizeof(*refs));
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        if (is_branch(&f->ops[i])) {
            refs[branch_label(&f->ops[i])]++;
        }
    }
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        IROp *op = &f->ops[i];
        if (op->opc == IR_NOP) {
            continue;
        }
        if (op->opc == IR_SET_LABEL) {
            if (refs[ir_op_carg(op, 0)] > 0) {
                reachable = true;
                continue;
            }
            ir_op_remove(op); /* nobody jumps here: the blocks merge */
            changed = true;
            continue;
        }
        if (!reachable) {
            if (is_branch(op)) {
                refs[branch_label(op)]--;
            }
            ir_op_remove(op);
            changed = true;
            continue;
        }
        if (op->opc == IR_BR) {
            uint32_t j = i + 1;
            while (j < f->nb_ops && f->ops[j].opc == IR_NOP) {
                j++;
            }
            if (j < f->nb_ops && f->ops[j].opc == IR_SET_LABEL &&
                ir_op_carg(&f->ops[j], 0) == ir_op_carg(op, 0)) {
                refs[ir_op_carg(op, 0)]--;
                ir_op_remove(op);
                changed = true;
                continue;
            }
        }
        if (op->opc == IR_BR || op->opc == IR_EXIT_TB || op->opc == IR_GOTO_PTR) {
            reachable = false;
        }
    }
    return changed;
}

static void remove_unreachable(IRFunc *f) {
    uint32_t *refs = g_new(uint32_t, f->nb_labels + 1);
    while (remove_unreachable_once(f, refs)) {
    }
    g_free(refs);
}

/* ---- liveness ---- */

typedef struct Liveness {
    IRFunc *f;
    uint8_t *live; /* per temp */
} Liveness;

static void live_set_globals(Liveness *l) {
    memset(l->live, 1, l->f->nb_globals);
}

/* Block boundary: globals and LOCALs live; TEMPs dead (they die at labels and branches). */
static void live_at_boundary(Liveness *l, bool locals) {
    IRFunc *f = l->f;
    for (uint32_t t = f->nb_globals; t < f->nb_temps; t++) {
        l->live[t] = locals && f->temps[t].kind == IR_TEMP_LOCAL;
    }
    live_set_globals(l);
}

static bool op_removable(const IROp *op) {
    const IROpDef *def = &ir_op_defs[op->opc];
    if (def->flags & IR_OPF_CALL) {
        uint32_t fl = ir_helper_get((int)ir_op_carg(op, 0))->flags;
        return (fl & IR_CALL_NO_SIDE_EFFECTS) && !(fl & IR_CALL_MAY_RAISE);
    }
    return !(def->flags & IR_OPF_SIDE_EFFECTS);
}

static bool op_needs_globals(const IRFunc *f, const IROp *op) {
    const IROpDef *def = &ir_op_defs[op->opc];
    if (def->flags & IR_OPF_GUEST_MEM) {
        return true;
    }
    if (def->flags & IR_OPF_CALL) {
        uint32_t fl = ir_helper_get((int)ir_op_carg(op, 0))->flags;
        return !(fl & IR_CALL_NO_READ_GLOBALS) || (fl & IR_CALL_MAY_RAISE);
    }
    return false;
}

/* A host load from env that overlaps a global's slot reads that global. */
static void live_env_load(Liveness *l, const IROp *op) {
    static const int8_t size[] = {[IR_LD8U - IR_LD8U] = 1,  [IR_LD8S - IR_LD8U] = 1,
                                  [IR_LD16U - IR_LD8U] = 2, [IR_LD16S - IR_LD8U] = 2,
                                  [IR_LD32U - IR_LD8U] = 4, [IR_LD32S - IR_LD8U] = 4,
                                  [IR_LD64 - IR_LD8U] = 8};
    if (ir_op_in(op, 0) != l->f->env) {
        return;
    }
    int64_t off = (int64_t)ir_op_carg(op, 0), sz = size[op->opc - IR_LD8U];
    for (uint32_t g = 0; g < l->f->nb_globals; g++) {
        int64_t goff = l->f->temps[g].mem_offset;
        if (off < goff + 8 && goff < off + sz) {
            l->live[g] = 1;
        }
    }
}

static void liveness_pass(IRFunc *f) {
    Liveness l = {.f = f, .live = g_new0(uint8_t, f->nb_temps)};
    live_at_boundary(&l, false); /* falling off the end leaves the TB */
    for (uint32_t i = f->nb_ops; i-- > 0;) {
        IROp *op = &f->ops[i];
        switch (op->opc) {
        case IR_NOP: continue;
        case IR_EXIT_TB:
        case IR_GOTO_TB:
        case IR_GOTO_PTR: live_at_boundary(&l, false); break;
        case IR_BR:
        case IR_SET_LABEL: live_at_boundary(&l, true); break;
        case IR_BRCOND:
            /* live = fall-through's set plus the target's boundary set */
            live_set_globals(&l);
            for (uint32_t t = f->nb_globals; t < f->nb_temps; t++) {
                if (f->temps[t].kind == IR_TEMP_LOCAL) {
                    l.live[t] = 1;
                }
            }
            break;
        default: {
            bool any_live = false;
            for (int k = 0; k < op->nb_o; k++) {
                any_live |= l.live[ir_op_out(op, k)] != 0;
            }
            if (op->nb_o > 0 && !any_live && op_removable(op)) {
                ir_op_remove(op);
                continue;
            }
            for (int k = 0; k < op->nb_o; k++) {
                l.live[ir_op_out(op, k)] = 0;
            }
            if (op_needs_globals(f, op)) {
                live_set_globals(&l);
            }
            if (op->opc >= IR_LD8U && op->opc <= IR_LD64) {
                live_env_load(&l, op);
            }
            break;
        }
        }
        for (int k = 0; k < op->nb_i; k++) {
            l.live[ir_op_in(op, k)] = 1;
        }
    }
    g_free(l.live);
}

void ir_opt_dce(IRFunc *f) {
    remove_unreachable(f);
    liveness_pass(f);
}
