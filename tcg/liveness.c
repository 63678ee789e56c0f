/*
 * liveness.c — backward liveness pass that fills IROp.life (see liveness.h).
 *
 * Rules follow ops.def: TEMP temps die at SET_LABEL and BR and at TB exits, and survive the
 * fall-through of BRCOND; LOCAL temps are assumed live at every label and branch (they may be
 * read after a back edge) and die only at TB exits; GLOBAL/ENV/CONST temps never die (globals
 * are written back at block ends anyway). Thread: the translating vCPU thread only.
 */
#include "tcg/liveness.h"

#include <glib.h>
#include <string.h>

static void liveness_set_kind(const IRFunc *f, uint8_t *live, IRTempKind kind, uint8_t v) {
    for (uint32_t t = f->nb_globals; t < f->nb_temps; t++) {
        if (f->temps[t].kind == kind) {
            live[t] = v;
        }
    }
}

void liveness_compute(IRFunc *f) {
    uint8_t stack_buf[1024];
    uint8_t *live = f->nb_temps <= sizeof(stack_buf) ? stack_buf : g_malloc(f->nb_temps);
    memset(live, 0, f->nb_temps);

    for (uint32_t i = f->nb_ops; i-- > 0;) {
        IROp *op = &f->ops[i];
        if (op->opc == IR_NOP) {
            op->life = 0;
            continue;
        }
        switch (op->opc) {
        case IR_EXIT_TB:
        case IR_GOTO_TB:
        case IR_GOTO_PTR:
            /* Nothing after a TB exit reads temps of this TB (the fall-through after GOTO_TB
             * reads none either: it only stores globals and ends in EXIT_TB). */
            liveness_set_kind(f, live, IR_TEMP_TEMP, 0);
            liveness_set_kind(f, live, IR_TEMP_LOCAL, 0);
            break;
        case IR_BR:
        case IR_SET_LABEL:
            liveness_set_kind(f, live, IR_TEMP_TEMP, 0);
            liveness_set_kind(f, live, IR_TEMP_LOCAL, 1);
            break;
        case IR_BRCOND: liveness_set_kind(f, live, IR_TEMP_LOCAL, 1); break;
        default: break;
        }
        uint16_t life = 0;
        for (int k = 0; k < op->nb_o; k++) {
            IRTemp t = (IRTemp)op->args[k];
            uint8_t kind = f->temps[t].kind;
            if (kind == IR_TEMP_TEMP || kind == IR_TEMP_LOCAL) {
                if (!live[t]) {
                    life |= (uint16_t)(1u << k);
                }
                live[t] = 0;
            }
        }
        for (int k = op->nb_o; k < op->nb_o + op->nb_i; k++) {
            IRTemp t = (IRTemp)op->args[k];
            uint8_t kind = f->temps[t].kind;
            if (kind == IR_TEMP_TEMP || kind == IR_TEMP_LOCAL) {
                if (!live[t]) {
                    life |= (uint16_t)(1u << k);
                }
            }
        }
        /* Inputs become live only after every input has been looked at, so an op reading the
         * same dying temp twice marks both uses as the last. */
        for (int k = op->nb_o; k < op->nb_o + op->nb_i; k++) {
            IRTemp t = (IRTemp)op->args[k];
            uint8_t kind = f->temps[t].kind;
            if (kind == IR_TEMP_TEMP || kind == IR_TEMP_LOCAL) {
                live[t] = 1;
            }
        }
        op->life = life;
    }
    if (live != stack_buf) {
        g_free(live);
    }
}
