/*
 * test-opt.c — the optimizer passes (tcg/opt-constfold.c, tcg/opt-dce.c, tcg/opt.c) checked on
 * the IR they produce: each folding and identity rule, copy propagation (including the
 * MOV_i32 zero-extension trap and copies invalidated by writes, labels and calls), branch
 * folding, and dead code elimination (what must stay: stores, calls, guest memory ops, globals
 * that must be precise; what must go: dead temps, pure calls, unreachable code).
 * The end-to-end differential test of ir_optimize is in test-interp.c.
 */
#include <criterion/criterion.h>
#include <glib.h>

#include "tcg/ir.h"
#include "tcg/opt-eval.h"
#include "tcg/opt.h"

#define NREGS 4
static IRTemp X[NREGS];
static IRFunc func;
static IRFunc *f = &func;
static int h_pure, h_writes, h_nowrite, h_raise;

static uint64_t dummy_helper(uint64_t a) {
    return a;
}

static void setup(void) {
    static const char *const names[NREGS] = {"x0", "x1", "x2", "x3"};
    for (int i = 0; i < NREGS; i++) {
        X[i] = ir_global_register(8 * i, names[i]);
    }
    ir_set_env_layout(64, -8, -4096);
    IRHelper h = {.name = "pure",
                  .fn = (void *)dummy_helper,
                  .ret = IR_ARG_I64,
                  .nargs = 1,
                  .args = {IR_ARG_I64},
                  .flags = IR_CALL_PURE};
    h_pure = ir_helper_register(&h);
    h.name = "writes";
    h.flags = 0;
    h_writes = ir_helper_register(&h);
    h.name = "nowrite";
    h.flags = IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_READ_GLOBALS;
    h_nowrite = ir_helper_register(&h);
    h.name = "raise";
    h.flags = IR_CALL_NO_SIDE_EFFECTS | IR_CALL_MAY_RAISE | IR_CALL_NO_READ_GLOBALS;
    h_raise = ir_helper_register(&h);
    ir_func_init(f);
}

static void teardown(void) {
    ir_func_destroy(f);
}

/* The last live op writing d, or NULL. */
static const IROp *def_of(IRTemp d) {
    for (uint32_t i = f->nb_ops; i-- > 0;) {
        const IROp *op = &f->ops[i];
        if (op->opc != IR_NOP && op->nb_o == 1 && ir_op_out(op, 0) == d) {
            return op;
        }
    }
    return NULL;
}

static int count(IROpcode opc) {
    int n = 0;
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        n += f->ops[i].opc == opc;
    }
    return n;
}

static int live_ops(void) {
    return (int)f->nb_ops - count(IR_NOP);
}

/* d is set by a MOV of the constant v. */
static void assert_movi(IRTemp d, uint64_t v) {
    const IROp *op = def_of(d);
    cr_assert_not_null(op);
    cr_assert_eq(op->opc, IR_MOV, "got %s", ir_op_defs[op->opc].name);
    IRTemp s = ir_op_in(op, 0);
    cr_assert(ir_temp_is_const(f, s));
    uint64_t got = f->temps[s].val;
    if (op->type == IR_I32) {
        got = (uint32_t)got;
    }
    cr_assert_eq(got, v, "got %#lx want %#lx", got, v);
}

/* d is set by a MOV of src with the given type. */
static void assert_mov(IRTemp d, IRTemp src) {
    const IROp *op = def_of(d);
    cr_assert_not_null(op);
    cr_assert_eq(op->opc, IR_MOV, "got %s", ir_op_defs[op->opc].name);
    cr_assert_eq(ir_op_in(op, 0), src);
}

/* ---- constant folding ---- */

Test(constfold, all_constant_inputs_fold_with_exact_width, .init = setup, .fini = teardown) {
    ir_add(f, IR_I32, X[0], ir_const(f, 0xffffffff), ir_const(f, 1));
    ir_sub(f, IR_I32, X[1], ir_const(f, 0), ir_const(f, 1));
    ir_binop(f, IR_DIVS, IR_I64, X[2], ir_const(f, 0x8000000000000000ull), ir_const(f, ~0ull));
    ir_unop(f, IR_CLZ, IR_I32, X[3], ir_const(f, 0));
    ir_exit_tb(f, 0);
    ir_opt_constfold(f);
    assert_movi(X[0], 0);
    assert_movi(X[1], 0xffffffff);
    assert_movi(X[2], 0x8000000000000000ull);
    assert_movi(X[3], 32);
}

Test(constfold, constants_propagate_through_temps, .init = setup, .fini = teardown) {
    IRTemp a = ir_temp_new(f), b = ir_temp_new(f);
    ir_movi(f, IR_I64, a, 6);
    ir_binopi(f, IR_MUL, IR_I64, b, a, 7);
    ir_extract(f, IR_I64, X[0], b, 1, 3);
    ir_movcond(f, IR_I64, IR_COND_GTU, X[1], b, a, X[2], X[3]);
    ir_exit_tb(f, 0);
    ir_optimize(f);
    assert_movi(X[0], (42 >> 1) & 7);
    assert_mov(X[1], X[2]);
    /* a and b are dead TEMPs now */
    cr_assert_eq(live_ops(), 3);
}

typedef struct Rule {
    IROpcode opc;
    IRType t;
    uint64_t b;
    int result; /* 0: MOV of a; 1: constant `val`; 2: not simplified */
    uint64_t val;
} Rule;

Test(constfold, algebraic_identities_with_constant_operand, .init = setup, .fini = teardown) {
    static const Rule rules[] = {
        {IR_ADD, IR_I64, 0, 0, 0},
        {IR_ADD, IR_I32, 0x100000000ull, 0, 0},
        {IR_SUB, IR_I64, 0, 0, 0},
        {IR_MUL, IR_I64, 1, 0, 0},
        {IR_MUL, IR_I32, 0, 1, 0},
        {IR_MUL, IR_I64, 0, 1, 0},
        {IR_AND, IR_I64, 0, 1, 0},
        {IR_AND, IR_I64, ~0ull, 0, 0},
        {IR_AND, IR_I32, 0xffffffff, 0, 0},
        {IR_AND, IR_I64, 0xffffffff, 2, 0},
        {IR_OR, IR_I64, 0, 0, 0},
        {IR_OR, IR_I64, ~0ull, 1, ~0ull},
        {IR_OR, IR_I32, 0xffffffff, 1, 0xffffffff},
        {IR_XOR, IR_I64, 0, 0, 0},
        {IR_SHL, IR_I64, 0, 0, 0},
        {IR_SHL, IR_I32, 32, 0, 0},
        {IR_SHL, IR_I64, 32, 2, 0},
        {IR_SHR, IR_I64, 64, 0, 0},
        {IR_SAR, IR_I32, 0, 0, 0},
        {IR_ROTR, IR_I64, 0, 0, 0},
        {IR_ANDC, IR_I64, 0, 0, 0},
        {IR_ORC, IR_I64, ~0ull, 0, 0},
        {IR_DIVU, IR_I64, 1, 0, 0},
        {IR_DIVS, IR_I32, 0, 1, 0},
        {IR_MULUH, IR_I64, 0, 1, 0},
        {IR_SUB, IR_I64, 1, 2, 0},
        {IR_REMU, IR_I64, 1, 2, 0},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rules); i++) {
        ir_func_reset(f);
        ir_binop(f, rules[i].opc, rules[i].t, X[0], X[1], ir_const(f, rules[i].b));
        ir_exit_tb(f, 0);
        ir_opt_constfold(f);
        const IROp *op = def_of(X[0]);
        switch (rules[i].result) {
        case 0:
            cr_assert_eq(op->opc, IR_MOV, "rule %zu (%s)", i, ir_op_defs[rules[i].opc].name);
            cr_assert_eq(ir_op_in(op, 0), X[1]);
            /* an I32 op still zero-extends: the MOV keeps the type */
            cr_assert_eq(op->type, rules[i].t, "rule %zu", i);
            break;
        case 1: assert_movi(X[0], rules[i].val); break;
        default: cr_assert_eq(op->opc, rules[i].opc, "rule %zu must not fold", i); break;
        }
    }
}

Test(constfold, same_operand_identities_and_commuting, .init = setup, .fini = teardown) {
    ir_sub(f, IR_I64, X[0], X[1], X[1]);
    ir_xor(f, IR_I32, X[2], X[1], X[1]);
    ir_and(f, IR_I64, X[3], X[1], X[1]);
    ir_exit_tb(f, 0);
    ir_opt_constfold(f);
    assert_movi(X[0], 0);
    assert_movi(X[2], 0);
    assert_mov(X[3], X[1]);

    ir_func_reset(f);
    ir_add(f, IR_I64, X[0], ir_const(f, 0), X[1]); /* constant first: commuted, then x+0 */
    ir_mul(f, IR_I64, X[2], ir_const(f, 3), X[1]);
    ir_exit_tb(f, 0);
    ir_opt_constfold(f);
    assert_mov(X[0], X[1]);
    const IROp *op = def_of(X[2]);
    cr_assert_eq(op->opc, IR_MUL);
    cr_assert_eq(ir_op_in(op, 0), X[1]);
    cr_assert(ir_temp_is_const(f, ir_op_in(op, 1)));
}

Test(constfold, setcond_and_movcond_with_known_conditions, .init = setup, .fini = teardown) {
    ir_setcond(f, IR_I32, IR_COND_LT, X[0], ir_const(f, 0x80000000), ir_const(f, 1));
    ir_negsetcond(f, IR_I32, IR_COND_EQ, X[1], X[2], X[2]);
    ir_setcond(f, IR_I64, IR_COND_LTU, X[2], X[3], X[3]);
    ir_movcond(f, IR_I64, IR_COND_ALWAYS, X[3], X[1], X[2], X[0], X[1]);
    ir_exit_tb(f, 0);
    ir_opt_constfold(f);
    assert_movi(X[0], 1);
    assert_movi(X[1], 0xffffffff);
    assert_movi(X[2], 0);
    /* MOVCOND always -> v1, which is X[0] = 1 by then */
    assert_movi(X[3], 1);

    ir_func_reset(f);
    ir_movcond(f, IR_I32, IR_COND_NE, X[0], X[1], X[2], X[3], X[3]);
    ir_setcond(f, IR_I64, IR_COND_TSTNE, X[1], X[2], ir_const(f, 0));
    ir_exit_tb(f, 0);
    ir_opt_constfold(f);
    assert_mov(X[0], X[3]);
    cr_assert_eq(def_of(X[0])->type, IR_I32);
    assert_movi(X[1], 0);
}

Test(constfold, brcond_with_known_result_becomes_br_or_nothing, .init = setup, .fini = teardown) {
    int l1 = ir_label_new(f), l2 = ir_label_new(f);
    IRTemp t = ir_temp_new_local(f);
    ir_movi(f, IR_I64, t, 5);
    ir_brcond(f, IR_I64, IR_COND_EQ, t, ir_const(f, 4), l1); /* never taken: removed */
    ir_brcond(f, IR_I32, IR_COND_GEU, t, ir_const(f, 0x100000005ull), l2); /* taken */
    ir_movi(f, IR_I64, X[0], 1);                                           /* unreachable */
    ir_set_label(f, l1);
    ir_movi(f, IR_I64, X[1], 2);
    ir_set_label(f, l2);
    ir_exit_tb(f, 0);
    ir_opt_constfold(f);
    cr_assert_eq(count(IR_BRCOND), 0);
    cr_assert_eq(count(IR_BR), 1);
    ir_opt_dce(f);
    /* The BR to l2 and everything up to l2 are gone; l1 and l2 lost their users. */
    cr_assert_eq(def_of(X[0]), NULL);
    cr_assert_eq(def_of(X[1]), NULL);
    cr_assert_eq(count(IR_SET_LABEL), 0);
    cr_assert_eq(count(IR_BR), 0);
}

/* ---- copy propagation ---- */

Test(constfold, copies_replace_uses_and_die, .init = setup, .fini = teardown) {
    IRTemp t = ir_temp_new(f), u = ir_temp_new(f);
    ir_mov(f, IR_I64, t, X[1]);
    ir_mov(f, IR_I64, u, t);
    ir_add(f, IR_I64, X[0], u, X[2]);
    ir_exit_tb(f, 0);
    ir_optimize(f);
    const IROp *op = def_of(X[0]);
    cr_assert_eq(op->opc, IR_ADD);
    cr_assert_eq(ir_op_in(op, 0), X[1]);
    cr_assert_eq(live_ops(), 2);
}

Test(constfold, mov_i32_is_not_a_64bit_copy, .init = setup, .fini = teardown) {
    IRTemp t = ir_temp_new(f);
    ir_mov(f, IR_I32, t, X[1]);       /* t = zext32(x1) */
    ir_add(f, IR_I64, X[0], t, X[2]); /* needs the zero-extended value */
    ir_add(f, IR_I32, X[3], t, X[2]); /* reads only the low half: x1 is fine */
    ir_exit_tb(f, 0);
    ir_opt_constfold(f);
    cr_assert_eq(ir_op_in(def_of(X[0]), 0), t);
    cr_assert_eq(ir_op_in(def_of(X[3]), 0), X[1]);

    /* A source known to be zero-extended makes MOV_i32 an exact copy. */
    ir_func_reset(f);
    IRTemp z = ir_temp_new(f), c = ir_temp_new(f);
    ir_unop(f, IR_EXT32U, IR_I64, z, X[1]);
    ir_mov(f, IR_I32, c, z);
    ir_add(f, IR_I64, X[0], c, X[2]);
    ir_exit_tb(f, 0);
    ir_opt_constfold(f);
    cr_assert_eq(ir_op_in(def_of(X[0]), 0), z);
}

Test(constfold, copy_invalidated_by_write_to_source, .init = setup, .fini = teardown) {
    IRTemp t = ir_temp_new(f);
    ir_mov(f, IR_I64, t, X[1]);
    ir_binopi(f, IR_ADD, IR_I64, X[1], X[1], 1);
    ir_mov(f, IR_I64, X[0], t);
    ir_exit_tb(f, 0);
    ir_optimize(f);
    assert_mov(X[0], t);
    cr_assert_not_null(def_of(t));
}

Test(constfold, knowledge_reset_at_labels_and_calls, .init = setup, .fini = teardown) {
    int l = ir_label_new(f);
    ir_movi(f, IR_I64, X[1], 5);
    ir_set_label(f, l);
    ir_binopi(f, IR_ADD, IR_I64, X[0], X[1], 1);
    ir_brcond(f, IR_I64, IR_COND_NE, X[0], X[2], l);
    ir_exit_tb(f, 0);
    ir_opt_constfold(f);
    cr_assert_eq(def_of(X[0])->opc, IR_ADD);

    ir_func_reset(f);
    IRTemp r = ir_temp_new(f);
    ir_movi(f, IR_I64, X[1], 5);
    ir_movi(f, IR_I64, X[2], 6);
    ir_call(f, h_nowrite, r, &X[3], 1);
    ir_binopi(f, IR_ADD, IR_I64, X[0], X[1], 1); /* still known: 6 */
    ir_call(f, h_writes, r, &X[3], 1);
    ir_binopi(f, IR_ADD, IR_I64, X[3], X[2], 1); /* may have changed */
    ir_exit_tb(f, 0);
    ir_opt_constfold(f);
    assert_movi(X[0], 6);
    cr_assert_eq(def_of(X[3])->opc, IR_ADD);
}

Test(constfold, host_store_over_a_global_forgets_it, .init = setup, .fini = teardown) {
    ir_movi(f, IR_I64, X[1], 5);
    ir_st(f, IR_ST32, X[2], f->env, 8 * 1 + 4); /* overlaps x1's slot */
    ir_binopi(f, IR_ADD, IR_I64, X[0], X[1], 1);
    ir_exit_tb(f, 0);
    ir_opt_constfold(f);
    cr_assert_eq(def_of(X[0])->opc, IR_ADD);
}

/* ---- dead code elimination ---- */

Test(dce, removes_dead_temps_keeps_side_effects, .init = setup, .fini = teardown) {
    IRTemp a = ir_temp_new(f), b = ir_temp_new(f), r = ir_temp_new(f), q = ir_temp_new(f);
    ir_add(f, IR_I64, a, X[1], X[2]); /* dead */
    ir_mul(f, IR_I64, b, X[1], X[2]); /* used by the store */
    ir_st(f, IR_ST64, b, f->env, 200);
    ir_call(f, h_pure, r, &X[1], 1);   /* pure, dead: removed */
    ir_call(f, h_writes, q, &X[1], 1); /* side effects: kept */
    ir_call(f, h_raise, r, &X[1], 1);  /* may raise: kept */
    ir_qemu_ld(f, a, X[3], MO_64, 0);  /* may fault: kept */
    ir_exit_tb(f, 0);
    ir_opt_dce(f);
    cr_assert_eq(count(IR_ADD), 0);
    cr_assert_eq(count(IR_MUL), 1);
    cr_assert_eq(count(IR_ST64), 1);
    cr_assert_eq(count(IR_CALL), 2);
    cr_assert_eq(count(IR_QEMU_LD), 1);
}

Test(dce, globals_live_at_exits_faults_and_reading_calls, .init = setup, .fini = teardown) {
    ir_movi(f, IR_I64, X[0], 1); /* overwritten with no reader in between: dead */
    ir_movi(f, IR_I64, X[0], 2); /* live across the load (which may fault) */
    ir_qemu_ld(f, X[2], X[3], MO_32, 0);
    ir_movi(f, IR_I64, X[0], 3); /* read by the helper */
    IRTemp r = ir_temp_new(f);
    ir_call(f, h_writes, r, &X[3], 1);
    ir_movi(f, IR_I64, X[0], 4); /* pure helper reads no globals: this one is dead */
    IRTemp s = ir_temp_new(f);
    ir_call(f, h_pure, s, &X[3], 1);
    ir_st(f, IR_ST64, s, f->env, 200);
    ir_movi(f, IR_I64, X[0], 5); /* live at the exit */
    ir_exit_tb(f, 0);
    ir_opt_dce(f);
    int n = 0;
    uint64_t seen[8];
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        const IROp *op = &f->ops[i];
        if (op->opc == IR_MOV && ir_op_out(op, 0) == X[0]) {
            seen[n++] = f->temps[ir_op_in(op, 0)].val;
        }
    }
    cr_assert_eq(n, 3);
    cr_assert_eq(seen[0], 2);
    cr_assert_eq(seen[1], 3);
    cr_assert_eq(seen[2], 5);
}

Test(dce, temps_die_at_labels_locals_do_not, .init = setup, .fini = teardown) {
    int top = ir_label_new(f);
    IRTemp loc = ir_temp_new_local(f), tmp = ir_temp_new(f), dead = ir_temp_new_local(f);
    ir_movi(f, IR_I64, loc, 10);
    ir_movi(f, IR_I64, dead, 10);
    ir_set_label(f, top);
    ir_binopi(f, IR_SUB, IR_I64, loc, loc, 1);
    ir_mov(f, IR_I64, tmp, loc);
    ir_brcond(f, IR_I64, IR_COND_NE, tmp, ir_const(f, 0), top);
    ir_binopi(f, IR_ADD, IR_I64, tmp, X[1], 1); /* dead TEMP at the exit */
    ir_exit_tb(f, 0);
    ir_opt_dce(f);
    /* loc's initial value reaches the loop through the label: kept. `dead` is never read, but
     * LOCALs are live at every label (conservative), so its write stays too. */
    cr_assert_eq(count(IR_MOV), 3);
    cr_assert_not_null(def_of(dead));
    cr_assert_eq(count(IR_SUB), 1);
    cr_assert_eq(count(IR_ADD), 0);
    cr_assert_eq(count(IR_BRCOND), 1);
    cr_assert_eq(count(IR_SET_LABEL), 1);
}

Test(dce, unreachable_code_and_trivial_branches, .init = setup, .fini = teardown) {
    int l1 = ir_label_new(f), l2 = ir_label_new(f), l3 = ir_label_new(f);
    ir_br(f, l1);
    ir_set_label(f, l1); /* BR to the next op: both go */
    ir_brcond(f, IR_I64, IR_COND_EQ, X[1], X[2], l3);
    ir_movi(f, IR_I64, X[0], 1);
    ir_exit_tb(f, 0);
    ir_movi(f, IR_I64, X[0], 2); /* unreachable */
    ir_br(f, l2);                /* unreachable, its label loses the only user */
    ir_set_label(f, l2);
    ir_movi(f, IR_I64, X[0], 3); /* still unreachable */
    ir_set_label(f, l3);
    ir_movi(f, IR_I64, X[0], 4);
    ir_goto_tb(f, 0);
    ir_exit_tb(f, 0x123); /* after GOTO_TB: reachable */
    ir_exit_tb(f, 0x456); /* after EXIT_TB: not */
    ir_opt_dce(f);
    cr_assert_eq(count(IR_BR), 0);
    cr_assert_eq(count(IR_SET_LABEL), 1);
    cr_assert_eq(count(IR_EXIT_TB), 2);
    cr_assert_eq(count(IR_GOTO_TB), 1);
    int movs = 0;
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        if (f->ops[i].opc == IR_MOV) {
            uint64_t v = f->temps[ir_op_in(&f->ops[i], 0)].val;
            cr_assert(v == 1 || v == 4, "kept mov of %lu", v);
            movs++;
        }
    }
    cr_assert_eq(movs, 2);
}

Test(opt, eval_op_matches_rules, .init = setup, .fini = teardown) {
    uint64_t in[4] = {0x80000000, 0xffffffff, 7, 9}, c[2] = {IR_COND_LT, 0}, r;
    cr_assert(ir_eval_op(IR_DIVS, IR_I32, in, c, &r));
    cr_assert_eq(r, 0x80000000);
    cr_assert(ir_eval_op(IR_MOVCOND, IR_I32, in, c, &r)); /* INT_MIN < -1 -> v1 */
    cr_assert_eq(r, 7);
    cr_assert(ir_eval_op(IR_NEGSETCOND, IR_I64, in, c, &r)); /* 0x80000000 < 0xffffffff */
    cr_assert_eq(r, ~0ull);
    cr_assert_not(ir_eval_op(IR_QEMU_LD, IR_I64, in, c, &r));
    cr_assert_not(ir_eval_op(IR_CALL, IR_I64, in, c, &r));
}
