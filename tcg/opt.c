/*
 * opt.c — the optimizer pipeline run by tb_gen_code between `-d op` and `-d op_opt`:
 * constant folding / copy propagation first (it turns branches into BR or nothing and values
 * into copies), then dead code elimination (which removes what folding made unused or
 * unreachable). Runs on the translating thread; touches only f.
 */
#include "tcg/opt.h"

void ir_optimize(IRFunc *f) {
    ir_opt_constfold(f);
    ir_opt_dce(f);
}
