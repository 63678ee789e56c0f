/*
 * opt.h — the IR optimizer: passes that run on one IRFunc, each in its own file
 * (opt-constfold.c: constant folding, copy propagation and algebraic simplification within a
 * basic block; opt-dce.c: removal of ops whose results are never used). Runs on the translating
 * thread; passes keep the exact semantics of tcg/ops.def (I32 results are zero-extended).
 */
#ifndef TANDEM_TCG_OPT_H
#define TANDEM_TCG_OPT_H

#include "tcg/ir.h"

void ir_opt_constfold(IRFunc *f);
void ir_opt_dce(IRFunc *f);
/* All passes in order (what tb_gen_code runs between -d op and -d op_opt). */
void ir_optimize(IRFunc *f);

#endif
