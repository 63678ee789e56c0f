/*
 * regalloc.c — local register allocator of the x86-64 JIT (state described in regalloc.h).
 *
 * Policy: values are loaded lazily on first use and stay in registers until the block ends,
 * they die (liveness bits), or a register is needed: then a victim whose memory copy is
 * already current is preferred, otherwise the victim is stored to its home first. Dying
 * inputs hand their register to the op's output so two-address x86 forms need no extra move.
 * Callee-saved registers are tried first so that values survive helper calls without spills.
 * Runs on the translating thread, on the JitCtx of one translation.
 */
#include "tcg/x86-64/regalloc.h"

#include <glib.h>
#include <string.h>

#include "tcg/liveness.h"

/* Allocation order: callee-saved first (survive calls), rax/rcx/rdx last (fixed uses in
 * division, wide multiply and shifts). rsp and the env register are never allocated. */
static const int8_t ra_order[] = {
    X86_RBX, X86_RBP, X86_R12, X86_R13, X86_R15, X86_RSI, X86_RDI,
    X86_R8,  X86_R9,  X86_R10, X86_R11, X86_RAX, X86_RCX, X86_RDX,
};

static inline uint8_t ra_kind(const JitCtx *c, IRTemp t) {
    return c->f->temps[t].kind;
}

void ra_begin(JitCtx *c, IRFunc *f) {
    c->f = f;
    if (c->cap_temps < f->nb_temps) {
        c->cap_temps = f->nb_temps + 256;
        c->temps = g_renew(RATemp, c->temps, c->cap_temps);
    }
    for (uint32_t t = 0; t < f->nb_temps; t++) {
        uint8_t k = f->temps[t].kind;
        c->temps[t] = (RATemp){.reg = -1, .mem_valid = (k == IR_TEMP_GLOBAL), .slot = -1};
    }
    for (int r = 0; r < 16; r++) {
        c->reg_temp[r] = -1;
    }
    c->locked = 0;
    c->nb_free_slots = 0;
    c->next_slot = 0;
}

int32_t ra_slot_alloc(JitCtx *c) {
    if (c->nb_free_slots) {
        return c->free_slots[--c->nb_free_slots];
    }
    if (c->next_slot >= JIT_SPILL_SLOTS) {
        g_error("x86-64 JIT: translation block needs more than %d spill slots", JIT_SPILL_SLOTS);
    }
    if (c->free_slots == NULL) {
        c->free_slots = g_new(int32_t, JIT_SPILL_SLOTS);
    }
    return JIT_SAVE_AREA + 8 * (int32_t)c->next_slot++;
}

static void ra_home(JitCtx *c, IRTemp t, int *base, int32_t *disp) {
    if (ra_kind(c, t) == IR_TEMP_GLOBAL) {
        *base = X86_ENV_REG;
        *disp = c->f->temps[t].mem_offset;
    } else {
        if (c->temps[t].slot < 0) {
            c->temps[t].slot = ra_slot_alloc(c);
        }
        *base = X86_RSP;
        *disp = c->temps[t].slot;
    }
}

static void ra_assign(JitCtx *c, IRTemp t, int r) {
    c->reg_temp[r] = (int32_t)t;
    c->temps[t].reg = (int8_t)r;
}

static void ra_unassign(JitCtx *c, int r) {
    int32_t t = c->reg_temp[r];
    if (t >= 0) {
        c->temps[t].reg = -1;
        c->reg_temp[r] = -1;
    }
}

void ra_store_home(JitCtx *c, IRTemp t) {
    RATemp *rt = &c->temps[t];
    if (rt->reg < 0 || rt->mem_valid) {
        return;
    }
    int base;
    int32_t disp;
    ra_home(c, t, &base, &disp);
    x86_store(&c->as, 3, rt->reg, base, -1, disp);
    rt->mem_valid = true;
}

static void ra_kill(JitCtx *c, IRTemp t) {
    RATemp *rt = &c->temps[t];
    if (rt->reg >= 0 && c->reg_temp[rt->reg] == (int32_t)t) {
        c->reg_temp[rt->reg] = -1;
    }
    rt->reg = -1;
    rt->mem_valid = false;
    if (rt->slot >= 0) {
        c->free_slots[c->nb_free_slots++] = rt->slot;
        rt->slot = -1;
    }
}

static int ra_find_free(JitCtx *c, uint16_t avoid) {
    for (size_t i = 0; i < G_N_ELEMENTS(ra_order); i++) {
        int r = ra_order[i];
        if (c->reg_temp[r] < 0 && !((c->locked | avoid) & (1u << r))) {
            return r;
        }
    }
    return -1;
}

/* A register outside avoid and locked, emptied (its occupant stored home if needed). */
static int ra_pick(JitCtx *c, uint16_t avoid) {
    int r = ra_find_free(c, avoid);
    if (r >= 0) {
        return r;
    }
    int victim = -1;
    for (int pass = 0; pass < 2 && victim < 0; pass++) {
        for (size_t i = G_N_ELEMENTS(ra_order); i-- > 0;) {
            int cand = ra_order[i];
            if ((c->locked | avoid) & (1u << cand)) {
                continue;
            }
            if (pass == 0 && !c->temps[c->reg_temp[cand]].mem_valid) {
                continue;
            }
            victim = cand;
            break;
        }
    }
    if (victim < 0) {
        g_error("x86-64 JIT: no register left to allocate (locked %#x)", c->locked);
    }
    ra_store_home(c, (IRTemp)c->reg_temp[victim]);
    ra_unassign(c, victim);
    return victim;
}

void ra_evict(JitCtx *c, int r, uint16_t avoid) {
    int32_t t = c->reg_temp[r];
    if (t < 0) {
        return;
    }
    int dst = ra_find_free(c, avoid | (1u << r));
    bool was_locked = (c->locked >> r) & 1;
    if (dst >= 0) {
        x86_mov_rr(&c->as, true, dst, r);
        ra_unassign(c, r);
        ra_assign(c, (IRTemp)t, dst);
        if (was_locked) {
            c->locked |= (uint16_t)(1u << dst);
        }
    } else {
        ra_store_home(c, (IRTemp)t);
        ra_unassign(c, r);
    }
}

void ra_unlock_all(JitCtx *c) {
    c->locked = 0;
}

int ra_scratch(JitCtx *c, uint16_t avoid) {
    int r = ra_pick(c, avoid);
    c->locked |= (uint16_t)(1u << r);
    return r;
}

int ra_in(JitCtx *c, IRTemp t, uint16_t avoid) {
    const IRTempInfo *ti = &c->f->temps[t];
    if (ti->kind == IR_TEMP_CONST) {
        int r = ra_scratch(c, avoid);
        x86_mov_ri(&c->as, r, ti->val);
        return r;
    }
    if (ti->kind == IR_TEMP_ENV) {
        return X86_ENV_REG;
    }
    RATemp *rt = &c->temps[t];
    if (rt->reg >= 0) {
        int old = rt->reg;
        if (avoid & (1u << old)) {
            int r = ra_pick(c, avoid | (1u << old));
            x86_mov_rr(&c->as, true, r, old);
            ra_unassign(c, old);
            ra_assign(c, t, r);
            c->locked |= (uint16_t)(1u << r);
            return r;
        }
        c->locked |= (uint16_t)(1u << old);
        return old;
    }
    int r = ra_pick(c, avoid);
    if (rt->mem_valid) {
        int base;
        int32_t disp;
        ra_home(c, t, &base, &disp);
        x86_load(&c->as, 3, false, r, base, -1, disp);
    }
    /* else: read of a never-written TEMP/LOCAL (a translator bug); its value is undefined. */
    ra_assign(c, t, r);
    c->locked |= (uint16_t)(1u << r);
    return r;
}

bool ra_input_dies(const JitCtx *c, int in_i) {
    IRTemp t = ir_op_in(c->op, in_i);
    uint8_t k = ra_kind(c, t);
    return (k == IR_TEMP_TEMP || k == IR_TEMP_LOCAL) && liveness_dies(c->op, c->op->nb_o + in_i);
}

int ra_dst_copy(JitCtx *c, int in_i, bool w, uint16_t avoid) {
    const IROp *op = c->op;
    IRTemp t = ir_op_in(op, in_i);
    const IRTempInfo *ti = &c->f->temps[t];
    if (ti->kind == IR_TEMP_CONST) {
        int r = ra_scratch(c, avoid);
        x86_mov_ri(&c->as, r, w ? ti->val : (uint32_t)ti->val);
        return r;
    }
    if (ti->kind != IR_TEMP_ENV &&
        ((op->nb_o && ir_op_out(op, 0) == t) || ra_input_dies(c, in_i))) {
        return ra_in(c, t, avoid);
    }
    int src = ra_in(c, t, 0);
    int r = ra_scratch(c, avoid);
    x86_mov_rr(&c->as, w, r, src);
    return r;
}

void ra_set_out(JitCtx *c, IRTemp t, int reg) {
    RATemp *rt = &c->temps[t];
    if (rt->reg >= 0 && rt->reg != reg) {
        c->reg_temp[rt->reg] = -1;
    }
    int32_t u = c->reg_temp[reg];
    if (u >= 0 && u != (int32_t)t) {
        /* The register belonged to an input dying at this op (two-address reuse). */
        g_assert(c->temps[u].mem_valid || ra_kind(c, (IRTemp)u) == IR_TEMP_TEMP ||
                 ra_kind(c, (IRTemp)u) == IR_TEMP_LOCAL);
        c->temps[u].reg = -1;
    }
    ra_assign(c, t, reg);
    rt->mem_valid = false;
}

void ra_op_done(JitCtx *c) {
    const IROp *op = c->op;
    for (int i = 0; i < op->nb_i; i++) {
        IRTemp t = ir_op_in(op, i);
        if (!ra_input_dies(c, i)) {
            continue;
        }
        bool is_out = false;
        for (int k = 0; k < op->nb_o; k++) {
            is_out |= ir_op_out(op, k) == t;
        }
        if (!is_out) {
            ra_kill(c, t);
        }
    }
    for (int k = 0; k < op->nb_o; k++) {
        IRTemp t = ir_op_out(op, k);
        uint8_t kind = ra_kind(c, t);
        if ((kind == IR_TEMP_TEMP || kind == IR_TEMP_LOCAL) && liveness_dies(op, k)) {
            ra_kill(c, t);
        }
    }
    c->locked = 0;
}

void ra_sync(JitCtx *c, bool locals, bool drop) {
    for (int r = 0; r < 16; r++) {
        int32_t t = c->reg_temp[r];
        if (t < 0) {
            continue;
        }
        uint8_t k = ra_kind(c, (IRTemp)t);
        if (k == IR_TEMP_GLOBAL || (locals && k == IR_TEMP_LOCAL)) {
            ra_store_home(c, (IRTemp)t);
            if (drop) {
                ra_unassign(c, r);
            }
        }
    }
}

void ra_bb_end(JitCtx *c) {
    ra_sync(c, true, true);
    for (int r = 0; r < 16; r++) {
        ra_unassign(c, r); /* TEMPs die at block ends */
    }
}

void ra_free_caller_saved(JitCtx *c) {
    for (int r = 0; r < 16; r++) {
        int32_t t = c->reg_temp[r];
        if (t < 0 || !(JIT_CALLER_SAVED & (1u << r))) {
            continue;
        }
        if (ra_kind(c, (IRTemp)t) != IR_TEMP_GLOBAL) {
            int dst = ra_find_free(c, (uint16_t)JIT_CALLER_SAVED);
            if (dst >= 0) {
                x86_mov_rr(&c->as, true, dst, r);
                ra_unassign(c, r);
                ra_assign(c, (IRTemp)t, dst);
                continue;
            }
        }
        ra_store_home(c, (IRTemp)t);
        ra_unassign(c, r);
    }
}

void ra_drop_globals(JitCtx *c) {
    for (int r = 0; r < 16; r++) {
        int32_t t = c->reg_temp[r];
        if (t >= 0 && ra_kind(c, (IRTemp)t) == IR_TEMP_GLOBAL) {
            g_assert(c->temps[t].mem_valid);
            ra_unassign(c, r);
        }
    }
}
