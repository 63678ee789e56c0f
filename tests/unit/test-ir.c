/*
 * test-ir.c — the IR builder (tcg/ir.c): temp kinds and numbering, constant interning, labels,
 * op emission (argument layout: outputs, inputs, constants), the global/helper registries,
 * condition helpers, op removal and the text dump used by -d op.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tcg/ir.h"

static IRFunc func;
static IRFunc *f = &func;
static IRTemp g0, g1;

static void setup(void) {
    g0 = ir_global_register(0, "x0");
    g1 = ir_global_register(8, "x1");
    ir_set_env_layout(256, -16, -4096);
    ir_func_init(f);
}

static void teardown(void) {
    ir_func_destroy(f);
}

static char *dump(void) {
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    ir_dump(f, m);
    fclose(m);
    return buf;
}

Test(ir, globals_env_and_layout, .init = setup, .fini = teardown) {
    cr_assert_eq(ir_global_count(), 2);
    cr_assert_eq(f->nb_globals, 2);
    cr_assert_eq(g0, 0);
    cr_assert_eq(g1, 1);
    cr_assert_eq(f->temps[g1].kind, IR_TEMP_GLOBAL);
    cr_assert_eq(f->temps[g1].mem_offset, 8);
    cr_assert_eq(f->env, 2);
    cr_assert_eq(f->temps[f->env].kind, IR_TEMP_ENV);
    cr_assert_eq(f->pc_offset, 256);
    cr_assert_eq(f->exit_request_offset, -16);
    cr_assert_eq(f->tlb_offset, -4096);
}

Test(ir, temps_are_unique_and_typed, .init = setup, .fini = teardown) {
    IRTemp a = ir_temp_new(f), b = ir_temp_new_local(f);
    cr_assert_neq(a, b);
    cr_assert_eq(f->temps[a].kind, IR_TEMP_TEMP);
    cr_assert_eq(f->temps[b].kind, IR_TEMP_LOCAL);
    ir_temp_free(f, a);
    cr_assert(f->temps[a].is_free);
    IRTemp c = ir_temp_new(f);
    cr_assert_neq(c, a, "freed numbers are not reused");
    /* many temps grow the array */
    for (int i = 0; i < 1000; i++) {
        cr_assert_eq(ir_temp_new(f), c + 1 + (IRTemp)i);
    }
}

Test(ir, constants_are_interned, .init = setup, .fini = teardown) {
    IRTemp c1 = ir_const(f, 42), c2 = ir_const(f, 42), c3 = ir_const(f, 43);
    cr_assert_eq(c1, c2);
    cr_assert_neq(c1, c3);
    cr_assert(ir_temp_is_const(f, c1));
    cr_assert_not(ir_temp_is_const(f, g0));
    cr_assert_eq(f->temps[c3].val, 43);
}

Test(ir, labels_and_emission_layout, .init = setup, .fini = teardown) {
    int l0 = ir_label_new(f), l1 = ir_label_new(f);
    cr_assert_eq(l0, 0);
    cr_assert_eq(l1, 1);
    cr_assert_eq(f->nb_labels, 2);
    IRTemp t = ir_temp_new(f);
    ir_deposit(f, IR_I32, t, g0, g1, 3, 5);
    ir_brcond(f, IR_I64, IR_COND_LTU, t, g1, l1);
    ir_st(f, IR_ST16, t, f->env, -24);
    cr_assert_eq(f->nb_ops, 3);
    const IROp *op = &f->ops[0];
    cr_assert_eq(op->opc, IR_DEPOSIT);
    cr_assert_eq(op->type, IR_I32);
    cr_assert_eq(op->nb_o, 1);
    cr_assert_eq(op->nb_i, 2);
    cr_assert_eq(op->nb_c, 2);
    cr_assert_eq(ir_op_out(op, 0), t);
    cr_assert_eq(ir_op_in(op, 0), g0);
    cr_assert_eq(ir_op_in(op, 1), g1);
    cr_assert_eq(ir_op_carg(op, 0), 3);
    cr_assert_eq(ir_op_carg(op, 1), 5);
    op = &f->ops[1];
    cr_assert_eq(ir_op_carg(op, 0), IR_COND_LTU);
    cr_assert_eq(ir_op_carg(op, 1), (uint64_t)l1);
    op = &f->ops[2];
    cr_assert_eq(ir_op_in(op, 0), t);
    cr_assert_eq(ir_op_in(op, 1), f->env);
    cr_assert_eq((int64_t)ir_op_carg(op, 0), -24);
    ir_op_remove(&f->ops[1]);
    cr_assert_eq(f->ops[1].opc, IR_NOP);
    cr_assert_eq(f->ops[1].nb_i, 0);
}

static uint64_t helper_fn(uint64_t a, uint32_t b) {
    return a + b;
}

Test(ir, helpers_register_and_call_layout, .init = setup, .fini = teardown) {
    IRHelper h = {.name = "add",
                  .fn = (void *)helper_fn,
                  .ret = IR_ARG_I64,
                  .nargs = 2,
                  .args = {IR_ARG_I64, IR_ARG_I32},
                  .flags = IR_CALL_PURE};
    int idx = ir_helper_register(&h);
    cr_assert_eq(ir_helper_count(), idx + 1);
    cr_assert_str_eq(ir_helper_get(idx)->name, "add");
    ir_helper_get_mut(idx)->ffi_cif = &h;
    cr_assert_eq(ir_helper_get(idx)->ffi_cif, &h);
    IRTemp r = ir_temp_new(f), args[2] = {g0, ir_const(f, 7)};
    ir_call(f, idx, r, args, 2);
    const IROp *op = &f->ops[0];
    cr_assert_eq(op->opc, IR_CALL);
    cr_assert_eq(op->nb_o, 1);
    cr_assert_eq(op->nb_i, 2);
    cr_assert_eq(ir_op_carg(op, 0), (uint64_t)idx);
    cr_assert_eq(ir_op_carg(op, 1), 2);
    cr_assert_eq(ir_op_in(op, 1), args[1]);
}

Test(ir, conditions_invert_swap_eval, .init = setup, .fini = teardown) {
    static const uint64_t vals[] = {
        0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x8000000000000000ull, ~0ull};
    for (int c = IR_COND_NEVER; c <= IR_COND_TSTNE; c++) {
        cr_assert_eq(ir_cond_invert(ir_cond_invert((IRCond)c)), c);
        for (int t = IR_I32; t <= IR_I64; t++) {
            for (size_t i = 0; i < 8; i++) {
                for (size_t j = 0; j < 8; j++) {
                    bool r = ir_cond_eval((IRCond)c, (IRType)t, vals[i], vals[j]);
                    cr_assert_eq(
                        ir_cond_eval(ir_cond_invert((IRCond)c), (IRType)t, vals[i], vals[j]), !r);
                    cr_assert_eq(ir_cond_eval(ir_cond_swap((IRCond)c), (IRType)t, vals[j], vals[i]),
                                 r);
                }
            }
        }
    }
    cr_assert(ir_cond_eval(IR_COND_LT, IR_I32, 0x80000000, 0));
    cr_assert_not(ir_cond_eval(IR_COND_LT, IR_I64, 0x80000000, 0));
    cr_assert(ir_cond_eval(IR_COND_EQ, IR_I32, 0x100000005ull, 5));
    cr_assert(ir_cond_eval(IR_COND_TSTEQ, IR_I32, 0x100000000ull, 0x100000000ull));
}

Test(ir, dump_text, .init = setup, .fini = teardown) {
    IRTemp t = ir_temp_new(f), l = ir_temp_new_local(f);
    int lab = ir_label_new(f);
    ir_insn_start(f, 0x4000, 0);
    ir_binopi(f, IR_ADD, IR_I32, t, g0, 0x10);
    ir_mov(f, IR_I64, l, t);
    ir_setcond(f, IR_I64, IR_COND_GEU, g1, l, g0);
    ir_brcond(f, IR_I64, IR_COND_TSTNE, g1, g0, lab);
    ir_set_label(f, lab);
    ir_exit_tb(f, 0x20);
    char *s = dump();
    char want[512];
    snprintf(want, sizeof(want),
             " ---- 0000000000004000\n"
             " ADD_i32 tmp%u, x0, $0x10\n"
             " MOV_i64 loc%u, tmp%u\n"
             " SETCOND_i64 x1, loc%u, x0, geu\n"
             " BRCOND_i64 x1, x0, tstne, $0x0\n"
             " SET_LABEL $0x0\n"
             " EXIT_TB $0x20\n",
             t, l, t, l);
    cr_assert_str_eq(s, want);
    free(s);
}
