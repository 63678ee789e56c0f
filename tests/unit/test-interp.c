/*
 * test-interp.c — the interpreter backend (tcg/interp/) as the reference semantics of the IR:
 * every opcode on edge cases in both types against an independent reference written here,
 * labels and loops, helper calls through libffi (0..6 args, every arg and return type),
 * guest memory through a hand-filled TLB entry and the slow path on a miss, chaining through
 * jmp_dest, the exit word at TB entry, GOTO_PTR, and a randomized differential test
 * (naive IR evaluator vs interpreter vs interpreter after ir_optimize).
 *
 * The softmmu slow paths are defined here (recording their calls), so this test links
 * tcg/ir.c, the tcg/opt-* passes, tcg/code-buffer.c and the tcg/interp/ files but not
 * cpu-exec/softmmu.c.
 * Each test runs in its own process (criterion), so the global/helper registries start empty.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "cpu-exec/cpu.h"
#include "cpu-exec/softmmu.h"
#include "cpu-exec/tb.h"
#include "tcg/backend.h"
#include "tcg/ir.h"
#include "tcg/opt-eval.h"
#include "tcg/opt.h"

/* ---- a small CPU ---- */

#define NREGS 8

typedef struct TestEnv {
    uint64_t x[NREGS];
    uint64_t pc;
    uint64_t scratch[8];
} TestEnv;

typedef struct TestCPU {
    CPUState parent;
    _Alignas(64) TestEnv env;
} TestCPU;

static TestCPU *cpu;
static TestEnv *env;
static IRTemp X[NREGS];
static IRFunc func;
static IRFunc *f = &func;
static CodeRegion region;
static uint8_t *region_mem;

static void setup(void) {
    cr_assert_eq(offsetof(TestCPU, env), CPU_ENV_OFFSET);
    static const char *const names[NREGS] = {"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"};
    for (int i = 0; i < NREGS; i++) {
        X[i] = ir_global_register((int32_t)offsetof(TestEnv, x[i]), names[i]);
    }
    ir_set_env_layout((int32_t)offsetof(TestEnv, pc), CPU_ENV_FIELD_OFFSET(exit_request),
                      CPU_ENV_FIELD_OFFSET(tlb));
    cpu = aligned_alloc(64, sizeof(TestCPU));
    memset(cpu, 0, sizeof(*cpu));
    env = &cpu->env;
    for (int m = 0; m < NB_MMU_MODES; m++) {
        for (unsigned i = 0; i < CPU_TLB_SIZE; i++) {
            CPUTLBEntry *e = &cpu->parent.tlb[m][i];
            e->addr_read = e->addr_write = e->addr_code = TLB_INVALID;
        }
    }
    size_t sz = 4 << 20;
    region_mem = aligned_alloc(4096, sz);
    region = (CodeRegion){.rw = region_mem, .rx = region_mem, .size = sz};
    ir_func_init(f);
}

static void teardown(void) {
    ir_func_destroy(f);
    free(region_mem);
    free(cpu);
}

static TranslationBlock *tb_new(uint64_t pc) {
    TranslationBlock *tb = aligned_alloc(16, sizeof(TranslationBlock));
    memset(tb, 0, sizeof(*tb));
    tb->pc = pc;
    return tb;
}

/* Compiles the current f into a fresh TB (and resets f for the next one). */
static TranslationBlock *compile(uint64_t pc) {
    TranslationBlock *tb = tb_new(pc);
    cr_assert(backend_interp.gen_code(&region, tb, f), "gen_code failed");
    cr_assert_not_null(tb->tc_ptr);
    cr_assert_eq((uintptr_t)tb->tc_ptr & 15, 0);
    ir_func_reset(f);
    return tb;
}

static uintptr_t run(TranslationBlock *tb) {
    return backend_interp.exec(env, tb);
}

static void init_backend(void) {
    cr_assert(backend_interp.init(NULL));
}

/* ---- independent reference for the pure ops ---- */

static unsigned ref_clz(uint64_t v, unsigned w) {
    unsigned n = 0;
    for (int i = (int)w - 1; i >= 0 && !((v >> i) & 1); i--) {
        n++;
    }
    return n;
}

static unsigned ref_ctz(uint64_t v, unsigned w) {
    unsigned n = 0;
    while (n < w && !((v >> n) & 1)) {
        n++;
    }
    return n;
}

static uint64_t ref_bswap(uint64_t v, int bytes) {
    uint64_t r = 0;
    for (int i = 0; i < bytes; i++) {
        r |= ((v >> (8 * i)) & 0xff) << (8 * (bytes - 1 - i));
    }
    return r;
}

/* High half of a 64x64 unsigned product from 32-bit pieces. */
static uint64_t ref_umulh64(uint64_t a, uint64_t b) {
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static uint64_t ref_smulh64(uint64_t a, uint64_t b) {
    uint64_t h = ref_umulh64(a, b);
    if ((int64_t)a < 0) {
        h -= b;
    }
    if ((int64_t)b < 0) {
        h -= a;
    }
    return h;
}

static bool ref_cond(IRCond c, IRType t, uint64_t a, uint64_t b) {
    if (t == IR_I32) {
        uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
        int32_t sa = (int32_t)ua, sb = (int32_t)ub;
        switch (c) {
        case IR_COND_NEVER: return false;
        case IR_COND_ALWAYS: return true;
        case IR_COND_EQ: return ua == ub;
        case IR_COND_NE: return ua != ub;
        case IR_COND_LT: return sa < sb;
        case IR_COND_GE: return sa >= sb;
        case IR_COND_LE: return sa <= sb;
        case IR_COND_GT: return sa > sb;
        case IR_COND_LTU: return ua < ub;
        case IR_COND_GEU: return ua >= ub;
        case IR_COND_LEU: return ua <= ub;
        case IR_COND_GTU: return ua > ub;
        case IR_COND_TSTEQ: return (ua & ub) == 0;
        case IR_COND_TSTNE: return (ua & ub) != 0;
        }
    }
    return ir_cond_eval(c, IR_I64, a, b);
}

static uint64_t ref_binop(IROpcode opc, IRType t, uint64_t a, uint64_t b) {
    if (t == IR_I32) {
        uint32_t x = (uint32_t)a, y = (uint32_t)b;
        int32_t sx = (int32_t)x, sy = (int32_t)y;
        unsigned n = y % 32;
        switch (opc) {
        case IR_ADD: return (uint32_t)(x + y);
        case IR_SUB: return (uint32_t)(x - y);
        case IR_MUL: return (uint32_t)(x * y);
        case IR_MULUH: return (uint32_t)(((uint64_t)x * y) >> 32);
        case IR_MULSH: return (uint32_t)(((int64_t)sx * sy) >> 32);
        case IR_DIVS:
            return y == 0 ? 0 : (sx == INT32_MIN && sy == -1) ? 0x80000000u : (uint32_t)(sx / sy);
        case IR_DIVU: return y == 0 ? 0 : x / y;
        case IR_REMS: return y == 0 ? x : (sx == INT32_MIN && sy == -1) ? 0 : (uint32_t)(sx % sy);
        case IR_REMU: return y == 0 ? x : x % y;
        case IR_AND: return x & y;
        case IR_OR: return x | y;
        case IR_XOR: return x ^ y;
        case IR_ANDC: return x & ~y;
        case IR_ORC: return (uint32_t)(x | ~y);
        case IR_SHL: return (uint32_t)(x << n);
        case IR_SHR: return x >> n;
        case IR_SAR: return (uint32_t)(sx >> n);
        case IR_ROTR: return n ? (uint32_t)((x >> n) | (x << (32 - n))) : x;
        default: break;
        }
    } else {
        int64_t sx = (int64_t)a, sy = (int64_t)b;
        unsigned n = b % 64;
        switch (opc) {
        case IR_ADD: return a + b;
        case IR_SUB: return a - b;
        case IR_MUL: return a * b;
        case IR_MULUH: return ref_umulh64(a, b);
        case IR_MULSH: return ref_smulh64(a, b);
        case IR_DIVS:
            return b == 0                          ? 0
                   : (sx == INT64_MIN && sy == -1) ? (uint64_t)INT64_MIN
                                                   : (uint64_t)(sx / sy);
        case IR_DIVU: return b == 0 ? 0 : a / b;
        case IR_REMS: return b == 0 ? a : (sx == INT64_MIN && sy == -1) ? 0 : (uint64_t)(sx % sy);
        case IR_REMU: return b == 0 ? a : a % b;
        case IR_AND: return a & b;
        case IR_OR: return a | b;
        case IR_XOR: return a ^ b;
        case IR_ANDC: return a & ~b;
        case IR_ORC: return a | ~b;
        case IR_SHL: return a << n;
        case IR_SHR: return a >> n;
        case IR_SAR: return (uint64_t)(sx >> n);
        case IR_ROTR: return n ? (a >> n) | (a << (64 - n)) : a;
        default: break;
        }
    }
    cr_assert_fail("no reference for %s", ir_op_defs[opc].name);
    return 0;
}

static uint64_t ref_unop(IROpcode opc, IRType t, uint64_t a) {
    unsigned w = t == IR_I32 ? 32 : 64;
    uint64_t m = t == IR_I32 ? 0xffffffffull : ~0ull;
    switch (opc) {
    case IR_MOV: return a & m;
    case IR_NEG: return (0 - a) & m;
    case IR_NOT: return ~a & m;
    case IR_CLZ: return ref_clz(a & m, w);
    case IR_CTZ: return ref_ctz(a & m, w);
    case IR_BSWAP16: return ref_bswap(a, 2);
    case IR_BSWAP32: return ref_bswap(a, 4);
    case IR_BSWAP64: return ref_bswap(a, 8);
    case IR_EXT8S: return (uint64_t)(int64_t)(int8_t)(uint8_t)a;
    case IR_EXT8U: return a & 0xff;
    case IR_EXT16S: return (uint64_t)(int64_t)(int16_t)(uint16_t)a;
    case IR_EXT16U: return a & 0xffff;
    case IR_EXT32S: return (uint64_t)(int64_t)(int32_t)(uint32_t)a;
    case IR_EXT32U: return a & 0xffffffffull;
    default: break;
    }
    cr_assert_fail("no reference for %s", ir_op_defs[opc].name);
    return 0;
}

static const uint64_t edge_values[] = {
    0,
    1,
    2,
    3,
    5,
    7,
    31,
    32,
    33,
    63,
    64,
    65,
    0x7f,
    0x80,
    0xff,
    0x7fff,
    0x8000,
    0xffff,
    0x7fffffff,
    0x80000000,
    0x80000001,
    0xfffffffe,
    0xffffffff,
    0x100000000ull,
    0x1ffffffffull,
    0x123456789abcdef0ull,
    0xfedcba9876543210ull,
    0x00000000deadbeefull,
    0xdeadbeef00000000ull,
    0x7fffffffffffffffull,
    0x8000000000000000ull,
    0x8000000000000001ull,
    0xfffffffffffffffeull,
    0xffffffffffffffffull,
    0xffffffff80000000ull,
    0xffffffff7fffffffull,
    0x00000001ffffffffull,
};
#define NB_EDGE (sizeof(edge_values) / sizeof(edge_values[0]))

/* ---- opcodes against the reference ---- */

static const IROpcode binops[] = {
    IR_ADD, IR_SUB, IR_MUL, IR_MULUH, IR_MULSH, IR_DIVS, IR_DIVU, IR_REMS, IR_REMU,
    IR_AND, IR_OR,  IR_XOR, IR_ANDC,  IR_ORC,   IR_SHL,  IR_SHR,  IR_SAR,  IR_ROTR,
};

Test(interp, binops_all_types_edge_values, .init = setup, .fini = teardown) {
    init_backend();
    for (size_t o = 0; o < G_N_ELEMENTS(binops); o++) {
        for (int t = IR_I32; t <= IR_I64; t++) {
            /* inputs through TEMPs (frame cells), result into a global */
            IRTemp a = ir_temp_new(f), b = ir_temp_new(f), d = ir_temp_new(f);
            ir_mov(f, IR_I64, a, X[1]);
            ir_mov(f, IR_I64, b, X[2]);
            ir_binop(f, binops[o], (IRType)t, d, a, b);
            ir_mov(f, IR_I64, X[0], d);
            ir_exit_tb(f, 0x40);
            TranslationBlock *tb = compile(0x1000);
            for (size_t i = 0; i < NB_EDGE; i++) {
                for (size_t j = 0; j < NB_EDGE; j++) {
                    env->x[0] = 0x5555;
                    env->x[1] = edge_values[i];
                    env->x[2] = edge_values[j];
                    cr_assert_eq(run(tb), 0x40);
                    uint64_t want = ref_binop(binops[o], (IRType)t, edge_values[i], edge_values[j]);
                    cr_assert_eq(env->x[0], want, "%s_%s(%#lx, %#lx) = %#lx, want %#lx",
                                 ir_op_defs[binops[o]].name, t == IR_I32 ? "i32" : "i64",
                                 edge_values[i], edge_values[j], env->x[0], want);
                }
            }
        }
    }
}

Test(interp, unops_edge_values, .init = setup, .fini = teardown) {
    static const IROpcode typed[] = {IR_MOV, IR_NEG, IR_NOT, IR_CLZ, IR_CTZ};
    static const IROpcode untyped[] = {IR_BSWAP16, IR_BSWAP32, IR_BSWAP64, IR_EXT8S, IR_EXT8U,
                                       IR_EXT16S,  IR_EXT16U,  IR_EXT32S,  IR_EXT32U};
    init_backend();
    for (size_t o = 0; o < G_N_ELEMENTS(typed) + G_N_ELEMENTS(untyped); o++) {
        bool is_typed = o < G_N_ELEMENTS(typed);
        IROpcode opc = is_typed ? typed[o] : untyped[o - G_N_ELEMENTS(typed)];
        for (int t = IR_I32; t <= (is_typed ? IR_I64 : IR_I32); t++) {
            IRTemp l = ir_temp_new_local(f);
            ir_unop(f, opc, (IRType)t, l, X[1]);
            ir_mov(f, IR_I64, X[0], l);
            ir_exit_tb(f, 0);
            TranslationBlock *tb = compile(0x1000);
            for (size_t i = 0; i < NB_EDGE; i++) {
                env->x[1] = edge_values[i];
                run(tb);
                uint64_t want = ref_unop(opc, (IRType)t, edge_values[i]);
                cr_assert_eq(env->x[0], want, "%s t%d (%#lx) = %#lx, want %#lx",
                             ir_op_defs[opc].name, t, edge_values[i], env->x[0], want);
            }
        }
    }
}

Test(interp, known_answers, .init = setup, .fini = teardown) {
    /* Hand-checked values for the rules in ops.def, independent of any reference code. */
    static const struct {
        IROpcode opc;
        IRType t;
        uint64_t a, b, want;
    } cases[] = {
        {IR_DIVS, IR_I32, 0x80000000, 0xffffffff, 0x80000000},
        {IR_REMS, IR_I32, 0x80000000, 0xffffffff, 0},
        {IR_DIVS, IR_I64, 0x8000000000000000ull, ~0ull, 0x8000000000000000ull},
        {IR_REMS, IR_I64, 0x8000000000000000ull, ~0ull, 0},
        {IR_DIVS, IR_I32, 7, 0, 0},
        {IR_REMS, IR_I32, 7, 0, 7},
        {IR_DIVU, IR_I64, 7, 0, 0},
        {IR_REMU, IR_I64, 7, 0, 7},
        {IR_DIVS, IR_I32, 0xfffffff9, 2, 0xfffffffd},     /* -7 / 2 = -3 */
        {IR_REMS, IR_I32, 0xfffffff9, 2, 0xffffffff},     /* -7 % 2 = -1 */
        {IR_DIVU, IR_I32, 0x1fffffff9ull, 2, 0x7ffffffc}, /* upper bits ignored */
        {IR_SHL, IR_I32, 1, 33, 2},
        {IR_SHL, IR_I64, 1, 65, 2},
        {IR_SHR, IR_I32, 0xffffffff00000080ull, 32, 0x80},
        {IR_SAR, IR_I32, 0x80000000, 31, 0xffffffff},
        {IR_SAR, IR_I64, 0x8000000000000000ull, 63, ~0ull},
        {IR_ROTR, IR_I32, 0x80000001, 1, 0xc0000000},
        {IR_ROTR, IR_I64, 1, 1, 0x8000000000000000ull},
        {IR_MULUH, IR_I64, ~0ull, ~0ull, 0xfffffffffffffffeull},
        {IR_MULSH, IR_I64, ~0ull, ~0ull, 0},
        {IR_MULUH, IR_I32, 0xffffffff, 0xffffffff, 0xfffffffe},
        {IR_MULSH, IR_I32, 0x80000000, 0x80000000, 0x40000000},
        {IR_MULSH, IR_I32, 0xffffffff, 2, 0xffffffff},
        {IR_ADD, IR_I32, 0xffffffff, 1, 0},
        {IR_SUB, IR_I32, 0, 1, 0xffffffff},
        {IR_ORC, IR_I32, 0, 0, 0xffffffff},
    };
    init_backend();
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        ir_binop(f, cases[i].opc, cases[i].t, X[0], X[1], X[2]);
        ir_exit_tb(f, 0);
        TranslationBlock *tb = compile(0);
        env->x[1] = cases[i].a;
        env->x[2] = cases[i].b;
        run(tb);
        cr_assert_eq(env->x[0], cases[i].want, "case %zu: %s = %#lx", i,
                     ir_op_defs[cases[i].opc].name, env->x[0]);
    }
    /* CLZ/CTZ of zero give the width; NEG_i32 zero-extends */
    IRTemp d[6] = {X[0], X[1], X[2], X[3], X[4], X[5]};
    IRTemp z = ir_const(f, 0);
    ir_unop(f, IR_CLZ, IR_I32, d[0], z);
    ir_unop(f, IR_CLZ, IR_I64, d[1], z);
    ir_unop(f, IR_CTZ, IR_I32, d[2], ir_const(f, 0xffffffff00000000ull));
    ir_unop(f, IR_CTZ, IR_I64, d[3], z);
    ir_unop(f, IR_NEG, IR_I32, d[4], ir_const(f, 1));
    ir_unop(f, IR_BSWAP16, IR_I64, d[5], ir_const(f, 0xffff1234));
    ir_exit_tb(f, 0);
    run(compile(0));
    cr_assert_eq(env->x[0], 32);
    cr_assert_eq(env->x[1], 64);
    cr_assert_eq(env->x[2], 32);
    cr_assert_eq(env->x[3], 64);
    cr_assert_eq(env->x[4], 0xffffffff);
    cr_assert_eq(env->x[5], 0x3412);
}

Test(interp, extract_sextract_deposit, .init = setup, .fini = teardown) {
    init_backend();
    for (int t = IR_I32; t <= IR_I64; t++) {
        unsigned w = t == IR_I32 ? 32 : 64;
        for (unsigned pos = 0; pos < w; pos += 7) {
            for (unsigned len = 1; pos + len <= w; len += 5) {
                ir_extract(f, (IRType)t, X[0], X[1], pos, len);
                ir_sextract(f, (IRType)t, X[3], X[1], pos, len);
                ir_deposit(f, (IRType)t, X[4], X[1], X[2], pos, len);
                ir_exit_tb(f, 0);
                TranslationBlock *tb = compile(0);
                for (size_t i = 0; i < NB_EDGE; i += 3) {
                    uint64_t a = edge_values[i], b = edge_values[NB_EDGE - 1 - i];
                    uint64_t am = t == IR_I32 ? (uint32_t)a : a;
                    env->x[1] = a;
                    env->x[2] = b;
                    run(tb);
                    uint64_t field = 0, dep = am;
                    for (unsigned k = 0; k < len; k++) {
                        field |= ((am >> (pos + k)) & 1) << k;
                        dep = (dep & ~(1ull << (pos + k))) | (((b >> k) & 1) << (pos + k));
                    }
                    uint64_t sfield = field;
                    if ((field >> (len - 1)) & 1) {
                        for (unsigned k = len; k < w; k++) {
                            sfield |= 1ull << k;
                        }
                    }
                    cr_assert_eq(env->x[0], field, "extract t%d pos %u len %u", t, pos, len);
                    cr_assert_eq(env->x[3], sfield, "sextract t%d pos %u len %u a %#lx", t, pos,
                                 len, a);
                    cr_assert_eq(env->x[4], dep, "deposit t%d pos %u len %u", t, pos, len);
                }
            }
        }
        /* full-width field */
        ir_extract(f, (IRType)t, X[0], X[1], 0, w);
        ir_sextract(f, (IRType)t, X[3], X[1], 0, w);
        ir_deposit(f, (IRType)t, X[4], X[1], X[2], 0, w);
        ir_exit_tb(f, 0);
        env->x[1] = 0x8765432187654321ull;
        env->x[2] = 0x1122334455667788ull;
        run(compile(0));
        uint64_t m = t == IR_I32 ? 0xffffffffull : ~0ull;
        cr_assert_eq(env->x[0], env->x[1] & m);
        cr_assert_eq(env->x[3], env->x[1] & m);
        cr_assert_eq(env->x[4], env->x[2] & m);
    }
}

Test(interp, setcond_negsetcond_movcond_brcond_all_conds, .init = setup, .fini = teardown) {
    init_backend();
    for (int t = IR_I32; t <= IR_I64; t++) {
        for (int c = IR_COND_NEVER; c <= IR_COND_TSTNE; c++) {
            int skip = ir_label_new(f);
            ir_setcond(f, (IRType)t, (IRCond)c, X[0], X[1], X[2]);
            ir_negsetcond(f, (IRType)t, (IRCond)c, X[3], X[1], X[2]);
            ir_movcond(f, (IRType)t, (IRCond)c, X[4], X[1], X[2], X[5], X[6]);
            ir_movi(f, IR_I64, X[7], 0);
            ir_brcond(f, (IRType)t, (IRCond)c, X[1], X[2], skip);
            ir_movi(f, IR_I64, X[7], 1);
            ir_set_label(f, skip);
            ir_exit_tb(f, 0);
            TranslationBlock *tb = compile(0);
            for (size_t i = 0; i < NB_EDGE; i += 2) {
                for (size_t j = 0; j < NB_EDGE; j += 3) {
                    uint64_t a = edge_values[i], b = edge_values[j];
                    env->x[1] = a;
                    env->x[2] = b;
                    env->x[5] = 0xaaaaaaaabbbbbbbbull;
                    env->x[6] = 0xccccccccddddddddull;
                    run(tb);
                    bool r = ref_cond((IRCond)c, (IRType)t, a, b);
                    uint64_t m = t == IR_I32 ? 0xffffffffull : ~0ull;
                    cr_assert_eq(env->x[0], r, "setcond t%d c%d %#lx %#lx", t, c, a, b);
                    cr_assert_eq(env->x[3], r ? m : 0);
                    cr_assert_eq(env->x[4],
                                 (r ? 0xaaaaaaaabbbbbbbbull : 0xccccccccddddddddull) & m);
                    cr_assert_eq(env->x[7], !r, "brcond t%d c%d %#lx %#lx", t, c, a, b);
                }
            }
        }
    }
}

Test(interp, host_ld_st_relative_to_env, .init = setup, .fini = teardown) {
    init_backend();
    int32_t s = (int32_t)offsetof(TestEnv, scratch);
    env->scratch[0] = 0x8182838485868788ull;
    ir_ld(f, IR_LD8U, X[0], f->env, s);
    ir_ld(f, IR_LD8S, X[1], f->env, s);
    ir_ld(f, IR_LD16U, X[2], f->env, s + 1);
    ir_ld(f, IR_LD16S, X[3], f->env, s);
    ir_ld(f, IR_LD32U, X[4], f->env, s + 3);
    ir_ld(f, IR_LD32S, X[5], f->env, s + 4);
    ir_ld(f, IR_LD64, X[6], f->env, s);
    ir_st(f, IR_ST8, ir_const(f, 0x1ff), f->env, s + 8);
    ir_st(f, IR_ST16, ir_const(f, 0x12345), f->env, s + 10);
    ir_st(f, IR_ST32, X[6], f->env, s + 13);
    ir_st(f, IR_ST64, X[6], f->env, s + 24);
    /* the base may be any pointer-valued temp */
    IRTemp p = ir_temp_new(f);
    ir_binopi(f, IR_ADD, IR_I64, p, f->env, (uint64_t)s + 32);
    ir_st(f, IR_ST64, ir_const(f, 0xabcdef), p, 8);
    ir_exit_tb(f, 0);
    run(compile(0));
    cr_assert_eq(env->x[0], 0x88);
    cr_assert_eq(env->x[1], 0xffffffffffffff88ull);
    cr_assert_eq(env->x[2], 0x8687);
    cr_assert_eq(env->x[3], 0xffffffffffff8788ull);
    cr_assert_eq(env->x[4], 0x82838485);
    cr_assert_eq(env->x[5], 0xffffffff81828384ull);
    cr_assert_eq(env->x[6], 0x8182838485868788ull);
    const uint8_t *b = (const uint8_t *)&env->scratch[1];
    cr_assert_eq(b[0], 0xff);
    cr_assert_eq(b[1], 0);
    cr_assert_eq(b[2], 0x45);
    cr_assert_eq(b[3], 0x23);
    cr_assert_eq(b[5], 0x88);
    cr_assert_eq(b[8], 0x85);
    cr_assert_eq(env->scratch[3], 0x8182838485868788ull);
    cr_assert_eq(env->scratch[5], 0xabcdef);
}

Test(interp, loop_with_labels_and_locals, .init = setup, .fini = teardown) {
    /* sum = 0; i = n; do { sum += i * i; i-- } while (i != 0) -> x0 */
    init_backend();
    IRTemp sum = ir_temp_new_local(f), i = ir_temp_new_local(f);
    int top = ir_label_new(f), done = ir_label_new(f);
    ir_movi(f, IR_I64, sum, 0);
    ir_mov(f, IR_I64, i, X[1]);
    ir_brcond(f, IR_I64, IR_COND_EQ, i, ir_const(f, 0), done);
    ir_set_label(f, top);
    IRTemp sq = ir_temp_new(f);
    ir_mul(f, IR_I64, sq, i, i);
    ir_add(f, IR_I64, sum, sum, sq);
    ir_binopi(f, IR_SUB, IR_I64, i, i, 1);
    ir_brcond(f, IR_I64, IR_COND_NE, i, ir_const(f, 0), top);
    ir_set_label(f, done);
    ir_mov(f, IR_I64, X[0], sum);
    ir_exit_tb(f, 7);
    TranslationBlock *tb = compile(0);
    for (uint64_t n = 0; n < 50; n++) {
        env->x[1] = n;
        cr_assert_eq(run(tb), 7);
        cr_assert_eq(env->x[0], n * (n + 1) * (2 * n + 1) / 6, "n=%lu", n);
    }
    env->x[1] = 100000;
    run(tb);
    cr_assert_eq(env->x[0], 100000ull * 100001 * 200001 / 6);
}

/* ---- helper calls ---- */

static uint64_t h_calls;
static uint64_t h0(void) {
    return ++h_calls * 0x100000001ull;
}
static uint32_t h1(uint32_t a) {
    return a + 1;
}
static uint64_t h2(uint64_t a, uint32_t b) {
    return a - b;
}
static void *h3(void *p, uint64_t a, uint32_t b) {
    return (char *)p + a + b;
}
static uint64_t h4(uint32_t a, uint64_t b, uint32_t c, uint64_t d) {
    return a ^ b ^ c ^ d;
}
static uint32_t h5(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint32_t e) {
    return (uint32_t)(a + 2 * b + 3 * c + 4 * d + 5ull * e);
}
static void h6(void *p, uint64_t a, uint32_t b, uint64_t c, uint32_t d, uint64_t e) {
    TestEnv *te = p;
    te->scratch[0] = a;
    te->scratch[1] = b;
    te->scratch[2] = c;
    te->scratch[3] = d;
    te->scratch[4] = e;
}

Test(interp, helper_calls_0_to_6_args, .init = setup, .fini = teardown) {
    const IRHelper defs[] = {
        {.name = "h0", .fn = (void *)h0, .ret = IR_ARG_I64, .nargs = 0},
        {.name = "h1", .fn = (void *)h1, .ret = IR_ARG_I32, .nargs = 1, .args = {IR_ARG_I32}},
        {.name = "h2",
         .fn = (void *)h2,
         .ret = IR_ARG_I64,
         .nargs = 2,
         .args = {IR_ARG_I64, IR_ARG_I32}},
        {.name = "h3",
         .fn = (void *)h3,
         .ret = IR_ARG_PTR,
         .nargs = 3,
         .args = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I32}},
        {.name = "h4",
         .fn = (void *)h4,
         .ret = IR_ARG_I64,
         .nargs = 4,
         .args = {IR_ARG_I32, IR_ARG_I64, IR_ARG_I32, IR_ARG_I64}},
        {.name = "h5",
         .fn = (void *)h5,
         .ret = IR_ARG_I32,
         .nargs = 5,
         .args = {IR_ARG_I64, IR_ARG_I64, IR_ARG_I64, IR_ARG_I64, IR_ARG_I32}},
        {.name = "h6",
         .fn = (void *)h6,
         .ret = IR_ARG_VOID,
         .nargs = 6,
         .args = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I32, IR_ARG_I64, IR_ARG_I32, IR_ARG_I64}},
    };
    int idx[7];
    for (int i = 0; i < 7; i++) {
        idx[i] = ir_helper_register(&defs[i]);
    }
    init_backend();
    init_backend(); /* idempotent */
    IRTemp big = ir_const(f, 0xdeadbeef00000005ull);
    ir_call(f, idx[0], X[0], NULL, 0);
    ir_call(f, idx[1], X[1], &big, 1); /* I32 arg: only the low 32 bits reach the helper */
    IRTemp a2[] = {X[2], big};
    ir_call(f, idx[2], X[2], a2, 2);
    IRTemp a3[] = {f->env, ir_const(f, 0x100), ir_const(f, 0x1000000010ull)};
    ir_call(f, idx[3], X[3], a3, 3);
    IRTemp a4[] = {ir_const(f, 0x1ffffffffull), ir_const(f, 0xf0f0f0f0f0f0f0f0ull),
                   ir_const(f, 0x300000003ull), ir_const(f, 0x0101010101010101ull)};
    ir_call(f, idx[4], X[4], a4, 4);
    IRTemp a5[] = {ir_const(f, 1), ir_const(f, 2), ir_const(f, 3), ir_const(f, 4),
                   ir_const(f, 0xffffffff00000005ull)};
    ir_call(f, idx[5], X[5], a5, 5);
    IRTemp a6[] = {f->env,
                   ir_const(f, 11),
                   ir_const(f, 0x700000016ull),
                   ir_const(f, 33),
                   ir_const(f, 0xffffffff00000044ull),
                   ir_const(f, ~0ull)};
    ir_call(f, idx[6], IR_TEMP_NONE, a6, 6);
    ir_exit_tb(f, 0);
    TranslationBlock *tb = compile(0);
    env->x[2] = 100;
    run(tb);
    cr_assert_eq(env->x[0], 0x100000001ull);
    cr_assert_eq(env->x[1], 6);
    cr_assert_eq(env->x[2], (uint64_t)100 - 5);
    cr_assert_eq(env->x[3], (uint64_t)(uintptr_t)env + 0x100 + 0x10);
    cr_assert_eq(env->x[4], 0xffffffffull ^ 0xf0f0f0f0f0f0f0f0ull ^ 3 ^ 0x0101010101010101ull);
    cr_assert_eq(env->x[5], 1 + 4 + 9 + 16 + 25);
    cr_assert_eq(env->scratch[0], 11);
    cr_assert_eq(env->scratch[1], 0x16);
    cr_assert_eq(env->scratch[2], 33);
    cr_assert_eq(env->scratch[3], 0x44);
    cr_assert_eq(env->scratch[4], ~0ull);
    run(tb);
    cr_assert_eq(env->x[0], 2 * 0x100000001ull);
}

/* ---- guest memory ---- */

typedef struct SlowCall {
    int kind; /* 1 ld, 2 st, 3 cmpxchg */
    uint64_t vaddr, val, cmp, pc;
    uint32_t oi;
} SlowCall;
static SlowCall slow_calls[16];
static int nb_slow;
static uint64_t slow_ld_result = 0x1122334455667788ull;

uint64_t helper_ld_slow(void *e, uint64_t vaddr, uint32_t oi) {
    cr_assert_eq(e, env);
    slow_calls[nb_slow++] = (SlowCall){1, vaddr, 0, 0, ((TestEnv *)e)->pc, oi};
    return slow_ld_result;
}

void helper_st_slow(void *e, uint64_t vaddr, uint64_t val, uint32_t oi) {
    slow_calls[nb_slow++] = (SlowCall){2, vaddr, val, 0, ((TestEnv *)e)->pc, oi};
}

uint64_t helper_atomic_cmpxchg(void *e, uint64_t vaddr, uint64_t cmp, uint64_t newv, uint32_t oi) {
    slow_calls[nb_slow++] = (SlowCall){3, vaddr, newv, cmp, ((TestEnv *)e)->pc, oi};
    return 0x77;
}

static uint8_t guest_page[2 * 4096] __attribute__((aligned(4096)));
#define GVA 0x40001000ull /* guest page mapped onto guest_page[0..4095] */
#define MMU 2

static void map_guest_page(void) {
    CPUTLBEntry *e = &cpu->parent.tlb[MMU][(GVA >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1)];
    e->addr_read = GVA;
    e->addr_write = GVA;
    e->addend = (uintptr_t)guest_page - GVA;
}

Test(interp, guest_memory_tlb_hit, .init = setup, .fini = teardown) {
    init_backend();
    map_guest_page();
    for (int i = 0; i < 4096; i++) {
        guest_page[i] = (uint8_t)(0x80 + i);
    }
    IRTemp a = ir_temp_new(f);
    ir_movi(f, IR_I64, a, GVA + 16);
    ir_qemu_ld(f, X[0], a, MO_8, MMU);
    ir_qemu_ld(f, X[1], a, MO_SB, MMU);
    ir_qemu_ld(f, X[2], a, MO_SW, MMU);
    ir_qemu_ld(f, X[3], a, MO_SL | MO_ACQ, MMU);
    ir_qemu_ld(f, X[4], a, MO_64, MMU);
    ir_qemu_ld(f, X[5], ir_const(f, GVA + 4093), MO_16, MMU); /* unaligned, same page */
    ir_qemu_st(f, ir_const(f, 0xa1a2a3a4a5a6a7a8ull), ir_const(f, GVA + 64), MO_64 | MO_REL, MMU);
    ir_qemu_st(f, ir_const(f, 0xb1b2b3b4), ir_const(f, GVA + 81), MO_32, MMU); /* unaligned */
    ir_qemu_st(f, ir_const(f, 0xc1c2), ir_const(f, GVA + 96), MO_16, MMU);
    ir_qemu_st(f, ir_const(f, 0xd1), ir_const(f, GVA + 100), MO_8, MMU);
    ir_exit_tb(f, 0);
    run(compile(0x8000));
    cr_assert_eq(nb_slow, 0);
    cr_assert_eq(env->x[0], 0x90);
    cr_assert_eq(env->x[1], 0xffffffffffffff90ull);
    cr_assert_eq(env->x[2], 0xffffffffffff9190ull);
    cr_assert_eq(env->x[3], 0xffffffff93929190ull);
    cr_assert_eq(env->x[4], 0x9796959493929190ull);
    cr_assert_eq(env->x[5], (uint64_t)(uint8_t)(0x80 + 4093) | (uint64_t)(uint8_t)(0x80 + 4094)
                                                                   << 8);
    uint64_t v;
    memcpy(&v, guest_page + 64, 8);
    cr_assert_eq(v, 0xa1a2a3a4a5a6a7a8ull);
    uint32_t w;
    memcpy(&w, guest_page + 81, 4);
    cr_assert_eq(w, 0xb1b2b3b4);
    cr_assert_eq(guest_page[96], 0xc2);
    cr_assert_eq(guest_page[97], 0xc1);
    cr_assert_eq(guest_page[100], 0xd1);
    cr_assert_eq(guest_page[101], (uint8_t)(0x80 + 101));
}

Test(interp, guest_memory_slow_paths, .init = setup, .fini = teardown) {
    init_backend();
    map_guest_page();
    cpu->parent.tlb[MMU][(GVA >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1)].addr_write |= TLB_CODE;
    ir_insn_start(f, 0x8000, 0);
    ir_qemu_ld(f, X[0], ir_const(f, 0x50000000), MO_32, MMU); /* miss: unmapped */
    ir_insn_start(f, 0x8004, 1);
    ir_qemu_ld(f, X[1], ir_const(f, GVA + 4094), MO_SL, MMU); /* crosses the page */
    ir_insn_start(f, 0x8008, 2);
    ir_qemu_ld(f, X[2], ir_const(f, GVA + 2), MO_32 | MO_ALIGN, MMU); /* misaligned */
    ir_qemu_ld(f, X[3], ir_const(f, GVA + 4), MO_32 | MO_ALIGN, MMU); /* aligned: hit */
    ir_insn_start(f, 0x800c, 3);
    ir_qemu_st(f, ir_const(f, 0x55), ir_const(f, GVA + 8), MO_8, MMU); /* TLB_CODE: slow */
    ir_insn_start(f, 0x8010, 4);
    ir_qemu_ld(f, X[4], ir_const(f, GVA + 8), MO_8, 3); /* other MMU index: miss */
    ir_insn_start(f, 0x8014, 5);
    ir_atomic_cmpxchg(f, X[5], ir_const(f, GVA), ir_const(f, 1), ir_const(f, 2), MO_64, MMU);
    ir_exit_tb(f, 0);
    memset(guest_page, 0x11, 16);
    run(compile(0x8000));
    cr_assert_eq(nb_slow, 6);
    cr_assert_eq(slow_calls[0].kind, 1);
    cr_assert_eq(slow_calls[0].vaddr, 0x50000000);
    cr_assert_eq(slow_calls[0].pc, 0x8000);
    cr_assert_eq(slow_calls[0].oi, make_memop_idx(MO_32, MMU));
    cr_assert_eq(env->x[0], 0x55667788); /* zero-extended from 32 bits */
    cr_assert_eq(slow_calls[1].vaddr, GVA + 4094);
    cr_assert_eq(slow_calls[1].pc, 0x8004);
    cr_assert_eq(env->x[1], 0x55667788);
    cr_assert_eq(slow_calls[2].vaddr, GVA + 2);
    cr_assert_eq(slow_calls[2].pc, 0x8008);
    cr_assert_eq(env->x[3], 0x11111111);
    cr_assert_eq(slow_calls[3].kind, 2);
    cr_assert_eq(slow_calls[3].val, 0x55);
    cr_assert_eq(slow_calls[3].pc, 0x800c);
    cr_assert_eq(guest_page[8], 0x11);
    cr_assert_eq(slow_calls[4].oi, make_memop_idx(MO_8, 3));
    cr_assert_eq(env->x[4], 0x88);
    cr_assert_eq(slow_calls[5].kind, 3);
    cr_assert_eq(slow_calls[5].cmp, 1);
    cr_assert_eq(slow_calls[5].val, 2);
    cr_assert_eq(slow_calls[5].pc, 0x8014);
    cr_assert_eq(env->x[5], 0x77);
    /* sign extension is applied to slow-path results too */
    slow_ld_result = 0x80;
    ir_qemu_ld(f, X[6], ir_const(f, 0x50000000), MO_SB, MMU);
    ir_mb(f, IR_MB_ALL);
    ir_exit_tb(f, 0);
    run(compile(0x9000));
    cr_assert_eq(env->x[6], ~0ull << 7);
    cr_assert_eq(env->pc, 0x9000); /* no INSN_START: the TB's pc */
}

/* ---- chaining, exits, GOTO_PTR ---- */

static TranslationBlock *tb_a, *tb_b;

static void build_chain_pair(void) {
    ir_binopi(f, IR_ADD, IR_I64, X[0], X[0], 1);
    ir_goto_tb(f, 0);
    ir_exit_tb(f, 0); /* patched below once the TB address is known */
    tb_a = compile(0x1000);
    ir_binopi(f, IR_MUL, IR_I64, X[0], X[0], 2);
    ir_exit_tb(f, 0x1230);
    tb_b = compile(0x2000);
}

Test(interp, chaining_through_jmp_dest, .init = setup, .fini = teardown) {
    init_backend();
    TranslationBlock *a = tb_new(0x1000);
    f->tb = a;
    ir_binopi(f, IR_ADD, IR_I64, X[0], X[0], 1);
    ir_goto_tb(f, 0);
    ir_exit_tb(f, (uintptr_t)a | TB_EXIT_IDX0);
    cr_assert(backend_interp.gen_code(&region, a, f));
    ir_func_reset(f);
    ir_binopi(f, IR_MUL, IR_I64, X[0], X[0], 2);
    ir_exit_tb(f, 0x1230);
    TranslationBlock *b = compile(0x2000);
    cr_assert_neq(a->jmp_reset_offset[0], TB_JMP_NONE);
    cr_assert_eq(a->jmp_reset_offset[1], TB_JMP_NONE);

    env->x[0] = 5;
    cr_assert_eq(run(a), (uintptr_t)a | TB_EXIT_IDX0);
    cr_assert_eq(env->x[0], 6);
    backend_interp.set_jmp_target(a, 0, b);
    backend_interp.set_jmp_target(a, 0, b); /* idempotent */
    cr_assert_eq(atomic_load(&a->jmp_dest[0]), b);
    cr_assert_eq(run(a), 0x1230);
    cr_assert_eq(env->x[0], 14);
    backend_interp.set_jmp_target(a, 0, NULL);
    cr_assert_eq(run(a), (uintptr_t)a | TB_EXIT_IDX0);
    cr_assert_eq(env->x[0], 15);
}

static void *kick_env;
static void h_kick(void *e) {
    __atomic_store_n(&cpu_from_env(e)->exit_request, 1, __ATOMIC_RELAXED);
    kick_env = e;
}

Test(interp, exit_word_checked_at_every_tb_entry, .init = setup, .fini = teardown) {
    IRHelper kick = {
        .name = "kick", .fn = (void *)h_kick, .ret = IR_ARG_VOID, .nargs = 1, .args = {IR_ARG_PTR}};
    int k = ir_helper_register(&kick);
    init_backend();
    build_chain_pair();
    backend_interp.set_jmp_target(tb_a, 0, tb_b);
    env->x[0] = 1;
    atomic_store(&cpu->parent.exit_request, 1);
    cr_assert_eq(run(tb_a), (uintptr_t)tb_a | TB_EXIT_REQUESTED);
    cr_assert_eq(env->x[0], 1, "the TB must not have run");
    atomic_store(&cpu->parent.exit_request, 0);
    cr_assert_eq(run(tb_a), 0x1230);
    cr_assert_eq(env->x[0], 4);

    /* A kick while A runs stops the chain at B's entry. */
    ir_call(f, k, IR_TEMP_NONE, &f->env, 1);
    ir_goto_tb(f, 1);
    ir_exit_tb(f, 0x99);
    TranslationBlock *c = compile(0x3000);
    backend_interp.set_jmp_target(c, 1, tb_b);
    env->x[0] = 3;
    cr_assert_eq(run(c), (uintptr_t)tb_b | TB_EXIT_REQUESTED);
    cr_assert_eq(kick_env, env);
    cr_assert_eq(env->x[0], 3);
}

static TranslationBlock *lookup_result;
static const void *h_lookup(void *e) {
    return lookup_result ? backend_interp.tb_entry_ptr(lookup_result) : backend_interp.exit_ptr();
}

Test(interp, goto_ptr_to_tb_or_exit, .init = setup, .fini = teardown) {
    IRHelper lk = {.name = "lookup",
                   .fn = (void *)h_lookup,
                   .ret = IR_ARG_PTR,
                   .nargs = 1,
                   .args = {IR_ARG_PTR}};
    int k = ir_helper_register(&lk);
    init_backend();
    build_chain_pair();
    ir_binopi(f, IR_ADD, IR_I64, X[0], X[0], 10);
    IRTemp p = ir_temp_new(f);
    ir_call(f, k, p, &f->env, 1);
    ir_goto_ptr(f, p);
    TranslationBlock *c = compile(0x4000);
    env->x[0] = 1;
    lookup_result = NULL;
    cr_assert_eq(run(c), 0);
    cr_assert_eq(env->x[0], 11);
    lookup_result = tb_b;
    cr_assert_eq(run(c), 0x1230);
    cr_assert_eq(env->x[0], 42);
}

Test(interp, gen_code_reports_full_region, .init = setup, .fini = teardown) {
    init_backend();
    for (int i = 0; i < 50; i++) {
        ir_binopi(f, IR_ADD, IR_I64, X[0], X[0], (uint64_t)i);
    }
    ir_exit_tb(f, 0);
    CodeRegion small = {.rw = region_mem, .rx = region_mem, .size = 256};
    TranslationBlock *tb = tb_new(0);
    cr_assert_not(backend_interp.gen_code(&small, tb, f));
    cr_assert_eq(small.used, 0);
    cr_assert(backend_interp.gen_code(&region, tb, f));
    cr_assert_gt(tb->tc_size, 256);
    env->x[0] = 0;
    run(tb);
    cr_assert_eq(env->x[0], 49 * 50 / 2);
    /* the dump names ops and helpers */
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    backend_interp.dump_code(tb, m);
    fclose(m);
    cr_assert(strstr(buf, "ADD64") != NULL, "%s", buf);
    cr_assert(strstr(buf, "EXIT_TB") != NULL);
    free(buf);
}

Test(interp, temps_share_cells_without_clobbering, .init = setup, .fini = teardown) {
    /* Many short-lived TEMPs interleaved with a long-lived one: cell reuse must not overlap. */
    init_backend();
    IRTemp keep = ir_temp_new(f);
    ir_mov(f, IR_I64, keep, X[1]);
    IRTemp acc = ir_temp_new_local(f);
    ir_movi(f, IR_I64, acc, 0);
    for (int i = 0; i < 3000; i++) {
        IRTemp t = ir_temp_new(f), u = ir_temp_new(f);
        ir_binopi(f, IR_XOR, IR_I64, t, X[2], (uint64_t)i);
        ir_add(f, IR_I64, u, t, t);
        ir_add(f, IR_I64, acc, acc, u);
    }
    ir_add(f, IR_I64, X[0], acc, keep);
    ir_exit_tb(f, 0);
    TranslationBlock *tb = compile(0);
    cr_assert_lt(((const uint32_t *)tb->tc_ptr)[1], 16, "frame cells: %u",
                 ((const uint32_t *)tb->tc_ptr)[1]);
    env->x[1] = 1000;
    env->x[2] = 0x5a5a;
    run(tb);
    uint64_t want = 0;
    for (int i = 0; i < 3000; i++) {
        want += 2 * (0x5a5aull ^ (uint64_t)i);
    }
    cr_assert_eq(env->x[0], want + 1000);
}

/* ---- randomized differential test ---- */

static uint64_t rng_state;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t rnd_value(void) {
    switch (rnd() % 4) {
    case 0: return edge_values[rnd() % NB_EDGE];
    case 1: return rnd() % 70;
    case 2: return rnd();
    default: return (uint64_t)(int64_t)(int32_t)rnd();
    }
}

/*
 * Straight-line IR over the globals, a few LOCALs and TEMPs, with constants and occasional
 * forward branches. TEMPs are read only after a write in the same block.
 */
static void gen_random_func(IRFunc *fn, int nops) {
    static const IROpcode pool[] = {
        IR_MOV,     IR_MOV,     IR_MOV,     IR_ADD,        IR_SUB,     IR_MUL,      IR_MULUH,
        IR_MULSH,   IR_DIVS,    IR_DIVU,    IR_REMS,       IR_REMU,    IR_NEG,      IR_AND,
        IR_OR,      IR_XOR,     IR_ANDC,    IR_ORC,        IR_NOT,     IR_SHL,      IR_SHR,
        IR_SAR,     IR_ROTR,    IR_CLZ,     IR_CTZ,        IR_EXTRACT, IR_SEXTRACT, IR_DEPOSIT,
        IR_BSWAP16, IR_BSWAP32, IR_BSWAP64, IR_EXT8S,      IR_EXT8U,   IR_EXT16S,   IR_EXT16U,
        IR_EXT32S,  IR_EXT32U,  IR_SETCOND, IR_NEGSETCOND, IR_MOVCOND, IR_BRCOND,
    };
    IRTemp locals[3], temps[4];
    bool tdef[4] = {false};
    for (int i = 0; i < 3; i++) {
        locals[i] = ir_temp_new_local(fn);
        ir_mov(fn, IR_I64, locals[i], X[i + 3]);
    }
    for (int i = 0; i < 4; i++) {
        temps[i] = ir_temp_new(fn);
    }
    int open_label = -1, label_in = 0;
    for (int n = 0; n < nops; n++) {
        IRTemp srcs[16];
        int ns = 0;
        for (int i = 0; i < 6; i++)
            srcs[ns++] = X[i];
        for (int i = 0; i < 3; i++)
            srcs[ns++] = locals[i];
        for (int i = 0; i < 4; i++) {
            if (tdef[i])
                srcs[ns++] = temps[i];
        }
        IRTemp in[4];
        for (int k = 0; k < 4; k++) {
            in[k] = rnd() % 5 == 0 ? ir_const(fn, rnd_value()) : srcs[rnd() % ns];
        }
        if (rnd() % 4 == 0) {
            in[1] = in[0]; /* x op x identities */
        }
        int di = (int)(rnd() % 13);
        IRTemp d = di < 6 ? X[di] : di < 9 ? locals[di - 6] : temps[di - 9];
        IROpcode opc = pool[rnd() % G_N_ELEMENTS(pool)];
        IRType t = rnd() & 1 ? IR_I64 : IR_I32;
        IRCond c = (IRCond)(rnd() % 14);
        unsigned w = t == IR_I32 ? 32 : 64, pos = (unsigned)(rnd() % w),
                 len = 1 + (unsigned)(rnd() % (w - pos));
        switch (opc) {
        case IR_MOV:
        case IR_NEG:
        case IR_NOT:
        case IR_CLZ:
        case IR_CTZ: ir_unop(fn, opc, t, d, in[0]); break;
        case IR_BSWAP16:
        case IR_BSWAP32:
        case IR_BSWAP64:
        case IR_EXT8S:
        case IR_EXT8U:
        case IR_EXT16S:
        case IR_EXT16U:
        case IR_EXT32S:
        case IR_EXT32U: ir_unop(fn, opc, IR_I64, d, in[0]); break;
        case IR_EXTRACT: ir_extract(fn, t, d, in[0], pos, len); break;
        case IR_SEXTRACT: ir_sextract(fn, t, d, in[0], pos, len); break;
        case IR_DEPOSIT: ir_deposit(fn, t, d, in[0], in[1], pos, len); break;
        case IR_SETCOND: ir_setcond(fn, t, c, d, in[0], in[1]); break;
        case IR_NEGSETCOND: ir_negsetcond(fn, t, c, d, in[0], in[1]); break;
        case IR_MOVCOND: ir_movcond(fn, t, c, d, in[0], in[1], in[2], in[3]); break;
        case IR_BRCOND:
            if (open_label < 0) {
                open_label = ir_label_new(fn);
                label_in = 1 + (int)(rnd() % 5);
                ir_brcond(fn, t, c, in[0], in[1], open_label);
            }
            continue;
        default: ir_binop(fn, opc, t, d, in[0], in[1]); break;
        }
        if (di >= 9) {
            tdef[di - 9] = true;
        }
        if (open_label >= 0 && --label_in == 0) {
            ir_set_label(fn, open_label);
            open_label = -1;
            memset(tdef, 0, sizeof(tdef));
        }
    }
    if (open_label >= 0) {
        ir_set_label(fn, open_label);
    }
    for (int i = 0; i < 3; i++) {
        ir_mov(fn, IR_I64, X[i + 5], locals[i]); /* x5..x7 observe the locals */
    }
    ir_exit_tb(fn, 0x10);
}

/* Naive evaluator: one value per temp, ir_eval_op for every pure op. */
static void eval_naive(const IRFunc *fn, uint64_t *regs) {
    uint64_t *v = g_new0(uint64_t, fn->nb_temps);
    for (int i = 0; i < NREGS; i++)
        v[X[i]] = regs[i];
    for (uint32_t t = 0; t < fn->nb_temps; t++) {
        if (fn->temps[t].kind == IR_TEMP_CONST)
            v[t] = fn->temps[t].val;
    }
    uint32_t *label_at = g_new0(uint32_t, fn->nb_labels + 1);
    for (uint32_t i = 0; i < fn->nb_ops; i++) {
        if (fn->ops[i].opc == IR_SET_LABEL)
            label_at[ir_op_carg(&fn->ops[i], 0)] = i;
    }
    for (uint32_t i = 0; i < fn->nb_ops; i++) {
        const IROp *op = &fn->ops[i];
        uint64_t in[4] = {0};
        for (int k = 0; k < op->nb_i; k++)
            in[k] = v[ir_op_in(op, k)];
        if (op->opc == IR_EXIT_TB)
            break;
        if (op->opc == IR_BRCOND) {
            if (ref_cond((IRCond)ir_op_carg(op, 0), (IRType)op->type, in[0], in[1])) {
                i = label_at[ir_op_carg(op, 1)];
            }
            continue;
        }
        if (op->opc == IR_BR) {
            i = label_at[ir_op_carg(op, 0)];
            continue;
        }
        uint64_t r;
        if (ir_eval_op((IROpcode)op->opc, (IRType)op->type, in, &op->args[op->nb_o + op->nb_i],
                       &r)) {
            v[ir_op_out(op, 0)] = r;
        }
    }
    for (int i = 0; i < NREGS; i++)
        regs[i] = v[X[i]];
    g_free(v);
    g_free(label_at);
}

Test(interp, random_programs_naive_vs_interp_vs_optimized, .init = setup, .fini = teardown) {
    init_backend();
    IRFunc opt;
    ir_func_init(&opt);
    for (int prog = 0; prog < 1500; prog++) {
        rng_state = 0x9e3779b97f4a7c15ull * (uint64_t)(prog + 1);
        ir_func_reset(f);
        gen_random_func(f, 5 + (int)(rnd() % 40));
        /* an identical second copy for the optimizer */
        rng_state = 0x9e3779b97f4a7c15ull * (uint64_t)(prog + 1);
        ir_func_reset(&opt);
        gen_random_func(&opt, 5 + (int)(rnd() % 40));
        ir_optimize(&opt);
        TranslationBlock *t1 = tb_new(0), *t2 = tb_new(0);
        cr_assert(backend_interp.gen_code(&region, t1, f));
        cr_assert(backend_interp.gen_code(&region, t2, &opt));
        for (int run_i = 0; run_i < 4; run_i++) {
            uint64_t init[NREGS], want[NREGS];
            for (int i = 0; i < NREGS; i++)
                init[i] = want[i] = rnd_value();
            /* The naive evaluator runs on the unoptimized IR. */
            eval_naive(f, want);
            memcpy(env->x, init, sizeof(init));
            cr_assert_eq(run(t1), 0x10);
            for (int i = 0; i < NREGS; i++) {
                if (env->x[i] != want[i]) {
                    ir_dump(f, stderr);
                    cr_assert_fail("prog %d run %d: interp x%d = %#lx, naive %#lx", prog, run_i, i,
                                   env->x[i], want[i]);
                }
            }
            memcpy(env->x, init, sizeof(init));
            cr_assert_eq(run(t2), 0x10);
            for (int i = 0; i < NREGS; i++) {
                if (env->x[i] != want[i]) {
                    fprintf(stderr, "---- before\n");
                    ir_dump(f, stderr);
                    fprintf(stderr, "---- after ir_optimize\n");
                    ir_dump(&opt, stderr);
                    cr_assert_fail("prog %d run %d: optimized x%d = %#lx, want %#lx", prog, run_i,
                                   i, env->x[i], want[i]);
                }
            }
        }
        if (region.used > region.size - 65536) {
            region.used = 0;
        }
        free(t1);
        free(t2);
    }
    ir_func_destroy(&opt);
}
