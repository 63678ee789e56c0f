/*
 * liveness.h — backward liveness over an IRFunc for the code generators.
 *
 * liveness_compute() fills IROp.life: bit k set means args[k] (an output or an input) is not
 * used after this op, so a backend may release its register right away. GLOBAL, ENV and CONST
 * temps never die. Runs on the translating thread; touches only the IRFunc it is given.
 */
#ifndef TANDEM_TCG_LIVENESS_H
#define TANDEM_TCG_LIVENESS_H

#include "tcg/ir.h"

void liveness_compute(IRFunc *f);

static inline bool liveness_dies(const IROp *op, int arg_index) {
    return (op->life >> arg_index) & 1;
}

#endif
