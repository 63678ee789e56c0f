/*
 * test-jit.c — runs IR through the x86-64 JIT backend against a fake CPU and compares every
 * result with a C reference: every opcode in both types with edge values (division guards,
 * shift counts 0/31/32/63, clz/ctz of 0, all conditions), operand forms (globals, constants,
 * dying temps, in-place), labels and loops, helper calls with 6 arguments, register pressure,
 * guest memory through a hand-filled TLB entry and the slow path on a miss, chaining and exits.
 *
 * The fake CPU is a CPUState followed by TestEnv at CPU_ENV_OFFSET. The slow-path helpers
 * below are weak, so a full link against cpu-exec/softmmu.c keeps the real ones; the tests
 * that need the fake ones skip themselves in that case.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "cpu-exec/cpu.h"
#include "cpu-exec/softmmu.h"
#include "cpu-exec/tb.h"
#include "tcg/backend.h"
#include "tcg/code-buffer.h"
#include "tcg/ir.h"
#include "tcg/x86-64/regalloc.h"

typedef struct TestEnv {
    uint64_t regs[16];
    uint64_t pc;
    uint64_t scratch[8];
} TestEnv;

static CPUState *cpu;
static TestEnv *env;
static IRTemp G[16];
static CodeRegion code;
static IRFunc fn;

/* ---- fake slow paths (weak: see the file comment) ---- */

static int slow_ld_calls, slow_st_calls, cmpxchg_calls;
static uint64_t slow_last_vaddr, slow_last_val, slow_pc_seen, slow_g5_seen;
static uint32_t slow_last_oi;
static uint8_t guest_ram[8192] __attribute__((aligned(64)));
#define GUEST_BASE 0x40000000ull

static uint64_t test_ld_slow(void *e, uint64_t vaddr, uint32_t oi)
{
    TestEnv *te = e;
    slow_ld_calls++;
    slow_last_vaddr = vaddr;
    slow_last_oi = oi;
    slow_pc_seen = te->pc;
    slow_g5_seen = te->regs[5];
    /* A recognisable value that has bits set above every access size. */
    return 0xA5A5A5A5A5A5A5A5ull ^ vaddr;
}
uint64_t helper_ld_slow(void *env, uint64_t vaddr, uint32_t oi) __attribute__((weak, alias("test_ld_slow")));

static void test_st_slow(void *e, uint64_t vaddr, uint64_t val, uint32_t oi)
{
    TestEnv *te = e;
    slow_st_calls++;
    slow_last_vaddr = vaddr;
    slow_last_val = val;
    slow_last_oi = oi;
    slow_pc_seen = te->pc;
    slow_g5_seen = te->regs[5];
}
void helper_st_slow(void *env, uint64_t vaddr, uint64_t val, uint32_t oi)
    __attribute__((weak, alias("test_st_slow")));

static uint64_t test_cmpxchg(void *e, uint64_t vaddr, uint64_t cmp, uint64_t newv, uint32_t oi)
{
    TestEnv *te = e;
    cmpxchg_calls++;
    slow_pc_seen = te->pc;
    uint64_t *p = (uint64_t *)(guest_ram + (vaddr - GUEST_BASE));
    uint64_t old = *p;
    if (old == cmp) {
        *p = newv;
    }
    return old;
}
uint64_t helper_atomic_cmpxchg(void *env, uint64_t vaddr, uint64_t cmp, uint64_t newv, uint32_t oi)
    __attribute__((weak, alias("test_cmpxchg")));

static bool fake_slow_paths_linked(void)
{
    return (void *)helper_ld_slow == (void *)test_ld_slow &&
           (void *)helper_st_slow == (void *)test_st_slow &&
           (void *)helper_atomic_cmpxchg == (void *)test_cmpxchg;
}

/* ---- helpers callable from IR ---- */

static uint64_t h_weighted6(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
    return a * 1 + b * 3 + c * 5 + d * 7 + e * 11 + f * 13;
}
static uint64_t h_env_reg3_plus(void *e, uint64_t x)
{
    return ((TestEnv *)e)->regs[3] + x;
}
static void h_set_reg4(void *e, uint64_t x) { ((TestEnv *)e)->regs[4] = x; }
static uint64_t h_pure_xor(uint64_t a, uint64_t b) { return a ^ b ^ 0x5555; }
static int hid_weighted6, hid_env_reg3, hid_set_reg4, hid_pure_xor;

static void jit_setup(void)
{
    size_t sz = CPU_ENV_OFFSET + sizeof(TestEnv);
    sz = (sz + 63) & ~(size_t)63;
    cpu = aligned_alloc(64, sz);
    memset(cpu, 0, sz);
    env = cpu_env(cpu);
    for (int m = 0; m < NB_MMU_MODES; m++) {
        for (unsigned i = 0; i < CPU_TLB_SIZE; i++) {
            cpu->tlb[m][i].addr_read = cpu->tlb[m][i].addr_write = TLB_INVALID;
        }
    }
    static const char *names[16] = {"r0", "r1", "r2",  "r3",  "r4",  "r5",  "r6",  "r7",
                                    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    for (int i = 0; i < 16; i++) {
        G[i] = ir_global_register((int32_t)offsetof(TestEnv, regs[i]), names[i]);
    }
    ir_set_env_layout((int32_t)offsetof(TestEnv, pc), CPU_ENV_FIELD_OFFSET(exit_request),
                      CPU_ENV_FIELD_OFFSET(tlb));
    hid_weighted6 = ir_helper_register(&(IRHelper){
        .name = "weighted6", .fn = (void *)h_weighted6, .ret = IR_ARG_I64, .nargs = 6,
        .args = {IR_ARG_I64, IR_ARG_I64, IR_ARG_I64, IR_ARG_I64, IR_ARG_I64, IR_ARG_I64},
        .flags = IR_CALL_PURE});
    hid_env_reg3 = ir_helper_register(&(IRHelper){
        .name = "env_reg3_plus", .fn = (void *)h_env_reg3_plus, .ret = IR_ARG_I64, .nargs = 2,
        .args = {IR_ARG_PTR, IR_ARG_I64}, .flags = IR_CALL_NO_WRITE_GLOBALS});
    hid_set_reg4 = ir_helper_register(&(IRHelper){
        .name = "set_reg4", .fn = (void *)h_set_reg4, .ret = IR_ARG_VOID, .nargs = 2,
        .args = {IR_ARG_PTR, IR_ARG_I64}, .flags = 0});
    hid_pure_xor = ir_helper_register(&(IRHelper){
        .name = "pure_xor", .fn = (void *)h_pure_xor, .ret = IR_ARG_I64, .nargs = 2,
        .args = {IR_ARG_I64, IR_ARG_I64}, .flags = IR_CALL_PURE});
    cr_assert(code_buffer_init(64 << 20));
    CodeRegion pro;
    code_buffer_region(0, 2, &pro);
    code_buffer_region(1, 2, &code);
    cr_assert(backend_jit.init(&pro));
    ir_func_init(&fn);
}

TestSuite(jit, .init = jit_setup);

/* Compiles fn into a fresh TB and resets fn for the next build. */
static TranslationBlock *jit_build(void)
{
    TranslationBlock *tb = g_malloc0(sizeof(TranslationBlock));
    cr_assert(((uintptr_t)tb & 15) == 0);
    tb->pc = 0x1000;
    fn.tb = tb;
    cr_assert(backend_jit.gen_code(&code, tb, &fn), "gen_code ran out of space");
    cr_assert(((uintptr_t)tb->tc_ptr & 15) == 0, "TB start must be 16-byte aligned");
    ir_func_reset(&fn);
    return tb;
}

static uintptr_t jit_run(TranslationBlock *tb) { return backend_jit.exec(env, tb); }

/* ---- reference semantics (ops.def) ---- */

static const uint64_t vals[] = {
    0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 0xff, 0x8000, 0x7fffffff, 0x80000000, 0xffffffff,
    0x100000000ull, 0x123456789abcdef0ull, 0xfedcba9876543210ull, 0x7fffffffffffffffull,
    0x8000000000000000ull, 0xffffffff80000000ull, 0xfffffffffffffffeull, 0xffffffffffffffffull,
};
#define NVALS (sizeof(vals) / sizeof(vals[0]))

static uint64_t ref_binop(IROpcode opc, IRType ty, uint64_t a, uint64_t b)
{
    bool w = ty == IR_I64;
    int width = w ? 64 : 32;
    uint64_t mask = w ? ~0ull : 0xffffffffull;
    a &= mask;
    b &= mask;
    int64_t sa = w ? (int64_t)a : (int64_t)(int32_t)a;
    int64_t sb = w ? (int64_t)b : (int64_t)(int32_t)b;
    int64_t smin = w ? INT64_MIN : INT32_MIN;
    unsigned cnt = (unsigned)(b & (width - 1));
    uint64_t r;
    switch (opc) {
    case IR_ADD: r = a + b; break;
    case IR_SUB: r = a - b; break;
    case IR_MUL: r = a * b; break;
    case IR_AND: r = a & b; break;
    case IR_OR: r = a | b; break;
    case IR_XOR: r = a ^ b; break;
    case IR_ANDC: r = a & ~b; break;
    case IR_ORC: r = a | ~b; break;
    case IR_MULUH:
        r = w ? (uint64_t)(((unsigned __int128)a * b) >> 64) : (a * b) >> 32;
        break;
    case IR_MULSH:
        r = w ? (uint64_t)(((__int128)sa * sb) >> 64) : (uint64_t)((sa * sb) >> 32);
        break;
    case IR_DIVU: r = b == 0 ? 0 : a / b; break;
    case IR_REMU: r = b == 0 ? a : a % b; break;
    case IR_DIVS:
        r = b == 0 ? 0 : (sa == smin && sb == -1) ? (uint64_t)smin : (uint64_t)(sa / sb);
        break;
    case IR_REMS:
        r = b == 0 ? a : (sa == smin && sb == -1) ? 0 : (uint64_t)(sa % sb);
        break;
    case IR_SHL: r = a << cnt; break;
    case IR_SHR: r = a >> cnt; break;
    case IR_SAR: r = (uint64_t)(sa >> cnt); break;
    case IR_ROTR: r = cnt ? (a >> cnt) | (a << (width - cnt)) : a; break;
    default: cr_assert_fail("no reference for op %d", opc); return 0;
    }
    return r & mask;
}

static uint64_t ref_unop(IROpcode opc, IRType ty, uint64_t a)
{
    bool w = ty == IR_I64;
    int width = w ? 64 : 32;
    uint64_t mask = w ? ~0ull : 0xffffffffull;
    a &= mask;
    switch (opc) {
    case IR_NEG: return (0 - a) & mask;
    case IR_NOT: return ~a & mask;
    case IR_MOV: return a;
    case IR_CLZ: {
        int n = 0;
        for (int i = width - 1; i >= 0 && !((a >> i) & 1); i--) {
            n++;
        }
        return (uint64_t)n;
    }
    case IR_CTZ: {
        int n = 0;
        for (int i = 0; i < width && !((a >> i) & 1); i++) {
            n++;
        }
        return (uint64_t)n;
    }
    default: cr_assert_fail("no reference for op %d", opc); return 0;
    }
}

static const char *opname(IROpcode opc) { return ir_op_defs[opc].name; }

/* ---- binary ops in every operand form ---- */

enum { FORM_GLOBALS, FORM_CONST_B, FORM_CONST_A, FORM_TEMPS, FORM_INPLACE, FORM_SAME, FORM_LOCALS, NFORMS };

static void build_binop_form(IROpcode opc, IRType ty, int form, uint64_t a, uint64_t b)
{
    switch (form) {
    case FORM_GLOBALS: ir_binop(&fn, opc, ty, G[2], G[0], G[1]); break;
    case FORM_CONST_B: ir_binop(&fn, opc, ty, G[2], G[0], ir_const(&fn, b)); break;
    case FORM_CONST_A: ir_binop(&fn, opc, ty, G[2], ir_const(&fn, a), G[1]); break;
    case FORM_TEMPS: {
        IRTemp t0 = ir_temp_new(&fn), t1 = ir_temp_new(&fn), t2 = ir_temp_new(&fn);
        ir_mov(&fn, IR_I64, t0, G[0]);
        ir_mov(&fn, IR_I64, t1, G[1]);
        ir_binop(&fn, opc, ty, t2, t0, t1);
        ir_mov(&fn, IR_I64, G[2], t2);
        break;
    }
    case FORM_INPLACE: ir_binop(&fn, opc, ty, G[0], G[0], G[1]); break;
    case FORM_SAME: ir_binop(&fn, opc, ty, G[2], G[0], G[0]); break;
    case FORM_LOCALS: {
        /* second operand's temp is the output too: out = a op out */
        IRTemp l0 = ir_temp_new_local(&fn), l1 = ir_temp_new_local(&fn);
        ir_mov(&fn, IR_I64, l0, G[0]);
        ir_mov(&fn, IR_I64, l1, G[1]);
        ir_binop(&fn, opc, ty, l1, l0, l1);
        ir_mov(&fn, IR_I64, G[2], l1);
        break;
    }
    }
    ir_exit_tb(&fn, 0);
}

static void check_binop(IROpcode opc)
{
    for (int t = 0; t < 2; t++) {
        IRType ty = t ? IR_I64 : IR_I32;
        for (int form = 0; form < NFORMS; form++) {
            bool per_value = form == FORM_CONST_A || form == FORM_CONST_B;
            TranslationBlock *tb = NULL;
            if (!per_value) {
                build_binop_form(opc, ty, form, 0, 0);
                tb = jit_build();
            }
            for (size_t i = 0; i < NVALS; i++) {
                for (size_t j = 0; j < NVALS; j++) {
                    uint64_t a = vals[i], b = form == FORM_SAME ? vals[i] : vals[j];
                    if (per_value) {
                        build_binop_form(opc, ty, form, a, b);
                        tb = jit_build();
                    }
                    env->regs[0] = a;
                    env->regs[1] = b;
                    env->regs[2] = 0xdeadbeefdeadbeefull;
                    cr_assert_eq(jit_run(tb), 0);
                    uint64_t got = env->regs[form == FORM_INPLACE ? 0 : 2];
                    uint64_t want = ref_binop(opc, ty, a, b);
                    cr_assert_eq(got, want, "%s_%s form %d: a=%#lx b=%#lx got %#lx want %#lx",
                                 opname(opc), t ? "i64" : "i32", form, a, b, got, want);
                    cr_assert_eq(env->regs[1], b, "input register clobbered");
                }
            }
        }
    }
}

Test(jit, add) { check_binop(IR_ADD); }
Test(jit, sub) { check_binop(IR_SUB); }
Test(jit, mul) { check_binop(IR_MUL); }
Test(jit, and) { check_binop(IR_AND); }
Test(jit, or) { check_binop(IR_OR); }
Test(jit, xor) { check_binop(IR_XOR); }
Test(jit, andc) { check_binop(IR_ANDC); }
Test(jit, orc) { check_binop(IR_ORC); }
Test(jit, muluh) { check_binop(IR_MULUH); }
Test(jit, mulsh) { check_binop(IR_MULSH); }
Test(jit, divs) { check_binop(IR_DIVS); }
Test(jit, divu) { check_binop(IR_DIVU); }
Test(jit, rems) { check_binop(IR_REMS); }
Test(jit, remu) { check_binop(IR_REMU); }
Test(jit, shl) { check_binop(IR_SHL); }
Test(jit, shr) { check_binop(IR_SHR); }
Test(jit, sar) { check_binop(IR_SAR); }
Test(jit, rotr) { check_binop(IR_ROTR); }

/* ---- unary ops ---- */

static void check_unop(IROpcode opc)
{
    for (int t = 0; t < 2; t++) {
        IRType ty = t ? IR_I64 : IR_I32;
        ir_unop(&fn, opc, ty, G[2], G[0]);
        IRTemp t0 = ir_temp_new(&fn);
        ir_mov(&fn, IR_I64, t0, G[0]);
        ir_unop(&fn, opc, ty, t0, t0);
        ir_mov(&fn, IR_I64, G[3], t0);
        ir_exit_tb(&fn, 0);
        TranslationBlock *tb = jit_build();
        for (size_t i = 0; i < NVALS; i++) {
            env->regs[0] = vals[i];
            cr_assert_eq(jit_run(tb), 0);
            uint64_t want = ref_unop(opc, ty, vals[i]);
            cr_assert_eq(env->regs[2], want, "%s_%s(%#lx) = %#lx, want %#lx", opname(opc),
                         t ? "i64" : "i32", vals[i], env->regs[2], want);
            cr_assert_eq(env->regs[3], want, "%s in place", opname(opc));
        }
    }
}

Test(jit, neg) { check_unop(IR_NEG); }
Test(jit, not) { check_unop(IR_NOT); }
Test(jit, mov) { check_unop(IR_MOV); }

Test(jit, clz_ctz_both_instruction_forms)
{
    JitHostFeatures saved = jit_host_features;
    for (int variant = 0; variant < 2; variant++) {
        /* variant 0: bsr/bsf + cmov; variant 1: whatever the host has */
        jit_host_features = variant ? saved : (JitHostFeatures){false, false};
        check_unop(IR_CLZ);
        check_unop(IR_CTZ);
    }
    jit_host_features = saved;
}

Test(jit, movi_constants)
{
    uint64_t cs[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xffffffff80000000ull,
                     0x123456789abcdef0ull, ~0ull};
    for (size_t i = 0; i < G_N_ELEMENTS(cs); i++) {
        ir_movi(&fn, IR_I64, G[i], cs[i]);
        ir_movi(&fn, IR_I32, G[8 + i], cs[i]);
    }
    ir_exit_tb(&fn, 0);
    TranslationBlock *tb = jit_build();
    jit_run(tb);
    for (size_t i = 0; i < G_N_ELEMENTS(cs); i++) {
        cr_assert_eq(env->regs[i], cs[i]);
        cr_assert_eq(env->regs[8 + i], (uint32_t)cs[i]);
    }
}

/* ---- bit fields, byte swaps, extensions ---- */

static uint64_t ref_extract(bool sign, int width, uint64_t a, int pos, int len)
{
    uint64_t v = (a >> pos) & (len == 64 ? ~0ull : (1ull << len) - 1);
    if (sign && len < 64 && ((v >> (len - 1)) & 1)) {
        v |= ~0ull << len;
    }
    return width == 32 ? (uint32_t)v : v;
}

Test(jit, extract_sextract)
{
    static const int fields[][2] = {{0, 8}, {0, 16}, {0, 32}, {8, 8}, {4, 12}, {0, 31}, {1, 31},
                                    {31, 1}, {0, 1}, {16, 16}, {3, 29}, {0, 63}, {1, 63},
                                    {32, 32}, {0, 64}, {20, 40}, {63, 1}, {12, 52}};
    for (int t = 0; t < 2; t++) {
        IRType ty = t ? IR_I64 : IR_I32;
        int width = t ? 64 : 32;
        for (size_t k = 0; k < G_N_ELEMENTS(fields); k++) {
            int pos = fields[k][0], len = fields[k][1];
            if (pos + len > width) {
                continue;
            }
            ir_extract(&fn, ty, G[2], G[0], (unsigned)pos, (unsigned)len);
            ir_sextract(&fn, ty, G[3], G[0], (unsigned)pos, (unsigned)len);
            ir_exit_tb(&fn, 0);
            TranslationBlock *tb = jit_build();
            for (size_t i = 0; i < NVALS; i++) {
                uint64_t a = vals[i];
                env->regs[0] = a;
                jit_run(tb);
                cr_assert_eq(env->regs[2], ref_extract(false, width, a, pos, len),
                             "extract_i%d(%#lx, %d, %d) = %#lx", width, a, pos, len, env->regs[2]);
                cr_assert_eq(env->regs[3], ref_extract(true, width, a, pos, len),
                             "sextract_i%d(%#lx, %d, %d) = %#lx", width, a, pos, len, env->regs[3]);
            }
        }
    }
}

Test(jit, deposit)
{
    static const int fields[][2] = {{0, 8}, {8, 8}, {0, 16}, {4, 12}, {0, 32}, {31, 1}, {0, 31},
                                    {32, 32}, {0, 64}, {0, 48}, {16, 48}, {60, 4}, {5, 40}};
    for (int t = 0; t < 2; t++) {
        IRType ty = t ? IR_I64 : IR_I32;
        int width = t ? 64 : 32;
        for (size_t k = 0; k < G_N_ELEMENTS(fields); k++) {
            int pos = fields[k][0], len = fields[k][1];
            if (pos + len > width) {
                continue;
            }
            for (int form = 0; form < 3; form++) {
                /* form 0: registers; 1: constant b; 2: a == b */
                uint64_t bconst = 0x5a5a5a5a5a5a5a5aull;
                IRTemp b = form == 1 ? ir_const(&fn, bconst) : form == 2 ? G[0] : G[1];
                ir_deposit(&fn, ty, G[2], G[0], b, (unsigned)pos, (unsigned)len);
                ir_exit_tb(&fn, 0);
                TranslationBlock *tb = jit_build();
                for (size_t i = 0; i < NVALS; i++) {
                    uint64_t a = vals[i], bv = form == 1 ? bconst : form == 2 ? a : vals[NVALS - 1 - i];
                    env->regs[0] = a;
                    env->regs[1] = bv;
                    jit_run(tb);
                    uint64_t low = len == 64 ? ~0ull : (1ull << len) - 1;
                    uint64_t want = (a & ~(low << pos)) | ((bv & low) << pos);
                    if (width == 32) {
                        want = (uint32_t)want;
                    }
                    cr_assert_eq(env->regs[2], want, "deposit_i%d(%#lx, %#lx, %d, %d) form %d = %#lx",
                                 width, a, bv, pos, len, form, env->regs[2]);
                }
            }
        }
    }
}

Test(jit, bswap_and_extensions)
{
    IROpcode ops[] = {IR_BSWAP16, IR_BSWAP32, IR_BSWAP64, IR_EXT8S, IR_EXT8U,
                      IR_EXT16S,  IR_EXT16U,  IR_EXT32S,  IR_EXT32U};
    for (size_t k = 0; k < G_N_ELEMENTS(ops); k++) {
        ir_unop(&fn, ops[k], IR_I64, G[2 + k], G[0]);
    }
    ir_exit_tb(&fn, 0);
    TranslationBlock *tb = jit_build();
    for (size_t i = 0; i < NVALS; i++) {
        uint64_t a = vals[i];
        env->regs[0] = a;
        jit_run(tb);
        uint64_t want[] = {
            __builtin_bswap16((uint16_t)a), __builtin_bswap32((uint32_t)a), __builtin_bswap64(a),
            (uint64_t)(int64_t)(int8_t)a,   (uint8_t)a,
            (uint64_t)(int64_t)(int16_t)a,  (uint16_t)a,
            (uint64_t)(int64_t)(int32_t)a,  (uint32_t)a,
        };
        for (size_t k = 0; k < G_N_ELEMENTS(ops); k++) {
            cr_assert_eq(env->regs[2 + k], want[k], "%s(%#lx) = %#lx want %#lx", opname(ops[k]),
                         a, env->regs[2 + k], want[k]);
        }
    }
}

/* ---- conditions ---- */

static const uint64_t cmp_vals[] = {0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
                                    0x8000000000000000ull, 0xffffffffffffffffull, 0x180000000ull};

Test(jit, setcond_negsetcond_all_conditions)
{
    for (int t = 0; t < 2; t++) {
        IRType ty = t ? IR_I64 : IR_I32;
        for (int c = IR_COND_NEVER; c <= IR_COND_TSTNE; c++) {
            for (int form = 0; form < 2; form++) {
                for (size_t j = 0; j < G_N_ELEMENTS(cmp_vals); j++) {
                    if (form == 0 && j > 0) {
                        break; /* register form: one TB for all pairs */
                    }
                    IRTemp b = form ? ir_const(&fn, cmp_vals[j]) : G[1];
                    ir_setcond(&fn, ty, (IRCond)c, G[2], G[0], b);
                    ir_negsetcond(&fn, ty, (IRCond)c, G[3], G[0], b);
                    ir_exit_tb(&fn, 0);
                    TranslationBlock *tb = jit_build();
                    for (size_t i = 0; i < G_N_ELEMENTS(cmp_vals); i++) {
                        for (size_t k = 0; k < G_N_ELEMENTS(cmp_vals); k++) {
                            uint64_t a = cmp_vals[i], bv = form ? cmp_vals[j] : cmp_vals[k];
                            env->regs[0] = a;
                            env->regs[1] = bv;
                            jit_run(tb);
                            bool r = ir_cond_eval((IRCond)c, ty, a, bv);
                            cr_assert_eq(env->regs[2], (uint64_t)r, "setcond %d i%d %#lx %#lx", c,
                                         t ? 64 : 32, a, bv);
                            uint64_t neg = r ? (t ? ~0ull : 0xffffffffull) : 0;
                            cr_assert_eq(env->regs[3], neg, "negsetcond %d i%d %#lx %#lx", c,
                                         t ? 64 : 32, a, bv);
                        }
                    }
                }
            }
        }
    }
}

Test(jit, movcond_all_conditions)
{
    for (int t = 0; t < 2; t++) {
        IRType ty = t ? IR_I64 : IR_I32;
        for (int c = IR_COND_NEVER; c <= IR_COND_TSTNE; c++) {
            /* G2 = cond(G0, G1) ? G4 : G5, and a temp form with a constant c2 and v1 */
            ir_movcond(&fn, ty, (IRCond)c, G[2], G[0], G[1], G[4], G[5]);
            IRTemp t0 = ir_temp_new(&fn);
            ir_mov(&fn, IR_I64, t0, G[5]);
            ir_movcond(&fn, ty, (IRCond)c, t0, G[0], ir_const(&fn, 0x80000000), ir_const(&fn, 77), t0);
            ir_mov(&fn, IR_I64, G[3], t0);
            ir_exit_tb(&fn, 0);
            TranslationBlock *tb = jit_build();
            for (size_t i = 0; i < G_N_ELEMENTS(cmp_vals); i++) {
                for (size_t k = 0; k < G_N_ELEMENTS(cmp_vals); k++) {
                    uint64_t a = cmp_vals[i], b = cmp_vals[k];
                    uint64_t v1 = 0x1111222233334444ull, v2 = 0x5555666677778888ull;
                    env->regs[0] = a;
                    env->regs[1] = b;
                    env->regs[4] = v1;
                    env->regs[5] = v2;
                    jit_run(tb);
                    uint64_t m = t ? ~0ull : 0xffffffffull;
                    uint64_t want = (ir_cond_eval((IRCond)c, ty, a, b) ? v1 : v2) & m;
                    cr_assert_eq(env->regs[2], want, "movcond %d i%d %#lx %#lx", c, t ? 64 : 32, a, b);
                    uint64_t want2 = (ir_cond_eval((IRCond)c, ty, a, 0x80000000) ? 77 : v2) & m;
                    cr_assert_eq(env->regs[3], want2, "movcond const %d i%d %#lx", c, t ? 64 : 32, a);
                }
            }
        }
    }
}

Test(jit, brcond_all_conditions)
{
    for (int t = 0; t < 2; t++) {
        IRType ty = t ? IR_I64 : IR_I32;
        for (int c = IR_COND_NEVER; c <= IR_COND_TSTNE; c++) {
            int l_taken = ir_label_new(&fn), l_end = ir_label_new(&fn);
            ir_movi(&fn, IR_I64, G[3], 1); /* dirty global across the branch */
            ir_brcond(&fn, ty, (IRCond)c, G[0], G[1], l_taken);
            ir_movi(&fn, IR_I64, G[2], 100);
            ir_br(&fn, l_end);
            ir_set_label(&fn, l_taken);
            ir_movi(&fn, IR_I64, G[2], 200);
            ir_set_label(&fn, l_end);
            ir_exit_tb(&fn, 0);
            TranslationBlock *tb = jit_build();
            for (size_t i = 0; i < G_N_ELEMENTS(cmp_vals); i++) {
                for (size_t k = 0; k < G_N_ELEMENTS(cmp_vals); k++) {
                    env->regs[0] = cmp_vals[i];
                    env->regs[1] = cmp_vals[k];
                    env->regs[3] = 0;
                    jit_run(tb);
                    bool r = ir_cond_eval((IRCond)c, ty, cmp_vals[i], cmp_vals[k]);
                    cr_assert_eq(env->regs[2], r ? 200 : 100, "brcond %d i%d %#lx %#lx", c,
                                 t ? 64 : 32, cmp_vals[i], cmp_vals[k]);
                    cr_assert_eq(env->regs[3], 1);
                }
            }
        }
    }
}
