/*
 * test-jit.c — runs IR through the x86-64 JIT backend against a fake CPU and compares every
 * result with a C reference: every opcode in both types with edge values (division guards,
 * shift counts 0/31/32/63, clz/ctz of 0, all conditions), operand forms (globals, constants,
 * dying temps, in-place), labels and loops, helper calls with 6 arguments, register pressure,
 * guest memory through a hand-filled TLB entry and the slow path on a miss, chaining and exits.
 *
 * The fake CPU is a CPUState followed by TestEnv at CPU_ENV_OFFSET. Generated slow paths call
 * the fakes below through jit_slow_helpers; the weak helper_* aliases only satisfy the link
 * when cpu-exec/softmmu.c is not part of it (a full link keeps the real ones).
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

static uint64_t test_ld_slow(void *e, uint64_t vaddr, uint32_t oi) {
    TestEnv *te = e;
    slow_ld_calls++;
    slow_last_vaddr = vaddr;
    slow_last_oi = oi;
    slow_pc_seen = te->pc;
    slow_g5_seen = te->regs[5];
    /* A recognisable value that has bits set above every access size. */
    return 0xA5A5A5A5A5A5A5A5ull ^ vaddr;
}
uint64_t helper_ld_slow(void *env, uint64_t vaddr, uint32_t oi)
    __attribute__((weak, alias("test_ld_slow")));

static void test_st_slow(void *e, uint64_t vaddr, uint64_t val, uint32_t oi) {
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

static uint64_t test_cmpxchg(void *e, uint64_t vaddr, uint64_t cmp, uint64_t newv, uint32_t oi) {
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

/* ---- helpers callable from IR ---- */

static uint64_t h_weighted6(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
                            uint64_t f) {
    return a * 1 + b * 3 + c * 5 + d * 7 + e * 11 + f * 13;
}
static uint64_t h_env_reg3_plus(void *e, uint64_t x) {
    return ((TestEnv *)e)->regs[3] + x;
}
static void h_set_reg4(void *e, uint64_t x) {
    ((TestEnv *)e)->regs[4] = x;
}
static uint64_t h_pure_xor(uint64_t a, uint64_t b) {
    return a ^ b ^ 0x5555;
}
/* Returns 0x12345678 as a uint32_t but leaves garbage in bits 63:32 of rax, which the SysV
 * ABI allows; the JIT must zero-extend (the review found it did not). */
__attribute__((naked)) static uint32_t h_ret32_dirty(void) {
    __asm__("movabs $0xdeadbeef12345678, %rax\n\tret");
}
static int hid_weighted6, hid_env_reg3, hid_set_reg4, hid_pure_xor, hid_ret32_dirty;

static void jit_setup(void) {
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
        .name = "weighted6",
        .fn = (void *)h_weighted6,
        .ret = IR_ARG_I64,
        .nargs = 6,
        .args = {IR_ARG_I64, IR_ARG_I64, IR_ARG_I64, IR_ARG_I64, IR_ARG_I64, IR_ARG_I64},
        .flags = IR_CALL_PURE});
    hid_env_reg3 = ir_helper_register(&(IRHelper){.name = "env_reg3_plus",
                                                  .fn = (void *)h_env_reg3_plus,
                                                  .ret = IR_ARG_I64,
                                                  .nargs = 2,
                                                  .args = {IR_ARG_PTR, IR_ARG_I64},
                                                  .flags = IR_CALL_NO_WRITE_GLOBALS});
    hid_set_reg4 = ir_helper_register(&(IRHelper){.name = "set_reg4",
                                                  .fn = (void *)h_set_reg4,
                                                  .ret = IR_ARG_VOID,
                                                  .nargs = 2,
                                                  .args = {IR_ARG_PTR, IR_ARG_I64},
                                                  .flags = 0});
    hid_pure_xor = ir_helper_register(&(IRHelper){.name = "pure_xor",
                                                  .fn = (void *)h_pure_xor,
                                                  .ret = IR_ARG_I64,
                                                  .nargs = 2,
                                                  .args = {IR_ARG_I64, IR_ARG_I64},
                                                  .flags = IR_CALL_PURE});
    hid_ret32_dirty = ir_helper_register(&(IRHelper){.name = "ret32_dirty",
                                                     .fn = (void *)h_ret32_dirty,
                                                     .ret = IR_ARG_I32,
                                                     .nargs = 0,
                                                     .flags = IR_CALL_PURE});
    cr_assert(code_buffer_init(64 << 20));
    CodeRegion pro;
    code_buffer_region(0, 2, &pro);
    code_buffer_region(1, 2, &code);
    cr_assert(backend_jit.init(&pro));
    jit_slow_helpers = (JitSlowHelpers){.ld = (const void *)test_ld_slow,
                                        .st = (const void *)test_st_slow,
                                        .cmpxchg = (const void *)test_cmpxchg};
    ir_func_init(&fn);
}

TestSuite(jit, .init = jit_setup);

/* Compiles fn into a fresh TB and resets fn for the next build. */
static TranslationBlock *jit_build(void) {
    TranslationBlock *tb = g_malloc0(sizeof(TranslationBlock));
    cr_assert(((uintptr_t)tb & 15) == 0);
    tb->pc = 0x1000;
    fn.tb = tb;
    cr_assert(backend_jit.gen_code(&code, tb, &fn), "gen_code ran out of space");
    cr_assert(((uintptr_t)tb->tc_ptr & 15) == 0, "TB start must be 16-byte aligned");
    ir_func_reset(&fn);
    return tb;
}

static uintptr_t jit_run(TranslationBlock *tb) {
    return backend_jit.exec(env, tb);
}

/* ---- reference semantics (ops.def) ---- */

static const uint64_t vals[] = {
    0,
    1,
    2,
    3,
    7,
    31,
    32,
    33,
    63,
    64,
    0xff,
    0x8000,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000ull,
    0x123456789abcdef0ull,
    0xfedcba9876543210ull,
    0x7fffffffffffffffull,
    0x8000000000000000ull,
    0xffffffff80000000ull,
    0xfffffffffffffffeull,
    0xffffffffffffffffull,
};
#define NVALS (sizeof(vals) / sizeof(vals[0]))

static uint64_t ref_binop(IROpcode opc, IRType ty, uint64_t a, uint64_t b) {
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
    case IR_MULUH: r = w ? (uint64_t)(((unsigned __int128)a * b) >> 64) : (a * b) >> 32; break;
    case IR_MULSH:
        r = w ? (uint64_t)(((__int128)sa * sb) >> 64) : (uint64_t)((sa * sb) >> 32);
        break;
    case IR_DIVU: r = b == 0 ? 0 : a / b; break;
    case IR_REMU: r = b == 0 ? a : a % b; break;
    case IR_DIVS:
        r = b == 0 ? 0 : (sa == smin && sb == -1) ? (uint64_t)smin : (uint64_t)(sa / sb);
        break;
    case IR_REMS: r = b == 0 ? a : (sa == smin && sb == -1) ? 0 : (uint64_t)(sa % sb); break;
    case IR_SHL: r = a << cnt; break;
    case IR_SHR: r = a >> cnt; break;
    case IR_SAR: r = (uint64_t)(sa >> cnt); break;
    case IR_ROTR: r = cnt ? (a >> cnt) | (a << (width - cnt)) : a; break;
    default: cr_assert_fail("no reference for op %d", opc); return 0;
    }
    return r & mask;
}

static uint64_t ref_unop(IROpcode opc, IRType ty, uint64_t a) {
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

static const char *opname(IROpcode opc) {
    return ir_op_defs[opc].name;
}

/* ---- binary ops in every operand form ---- */

enum {
    FORM_GLOBALS,
    FORM_CONST_B,
    FORM_CONST_A,
    FORM_TEMPS,
    FORM_INPLACE,
    FORM_SAME,
    FORM_LOCALS,
    NFORMS
};

static void build_binop_form(IROpcode opc, IRType ty, int form, uint64_t a, uint64_t b) {
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

static void check_binop(IROpcode opc) {
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

Test(jit, add) {
    check_binop(IR_ADD);
}
Test(jit, sub) {
    check_binop(IR_SUB);
}
Test(jit, mul) {
    check_binop(IR_MUL);
}
Test(jit, and) {
    check_binop(IR_AND);
}
Test(jit, or) {
    check_binop(IR_OR);
}
Test(jit, xor) {
    check_binop(IR_XOR);
}
Test(jit, andc) {
    check_binop(IR_ANDC);
}
Test(jit, orc) {
    check_binop(IR_ORC);
}
Test(jit, muluh) {
    check_binop(IR_MULUH);
}
Test(jit, mulsh) {
    check_binop(IR_MULSH);
}
Test(jit, divs) {
    check_binop(IR_DIVS);
}
Test(jit, divu) {
    check_binop(IR_DIVU);
}
Test(jit, rems) {
    check_binop(IR_REMS);
}
Test(jit, remu) {
    check_binop(IR_REMU);
}
Test(jit, shl) {
    check_binop(IR_SHL);
}
Test(jit, shr) {
    check_binop(IR_SHR);
}
Test(jit, sar) {
    check_binop(IR_SAR);
}
Test(jit, rotr) {
    check_binop(IR_ROTR);
}

/* ---- unary ops ---- */

static void check_unop(IROpcode opc) {
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

Test(jit, neg) {
    check_unop(IR_NEG);
}
Test(jit, not ) {
    check_unop(IR_NOT);
}
Test(jit, mov) {
    check_unop(IR_MOV);
}

Test(jit, clz_ctz_both_instruction_forms) {
    JitHostFeatures saved = jit_host_features;
    for (int variant = 0; variant < 2; variant++) {
        /* variant 0: bsr/bsf + cmov; variant 1: whatever the host has */
        jit_host_features = variant ? saved : (JitHostFeatures){false, false};
        check_unop(IR_CLZ);
        check_unop(IR_CTZ);
    }
    jit_host_features = saved;
}

Test(jit, movi_constants) {
    uint64_t cs[] = {
        0,    1, 0x7fffffff, 0x80000000, 0xffffffff, 0xffffffff80000000ull, 0x123456789abcdef0ull,
        ~0ull};
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

static uint64_t ref_extract(bool sign, int width, uint64_t a, int pos, int len) {
    uint64_t v = (a >> pos) & (len == 64 ? ~0ull : (1ull << len) - 1);
    if (sign && len < 64 && ((v >> (len - 1)) & 1)) {
        v |= ~0ull << len;
    }
    return width == 32 ? (uint32_t)v : v;
}

Test(jit, extract_sextract) {
    static const int fields[][2] = {{0, 8},  {0, 16},  {0, 32}, {8, 8},   {4, 12}, {0, 31},
                                    {1, 31}, {31, 1},  {0, 1},  {16, 16}, {3, 29}, {0, 63},
                                    {1, 63}, {32, 32}, {0, 64}, {20, 40}, {63, 1}, {12, 52}};
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

Test(jit, deposit) {
    static const int fields[][2] = {{0, 8},   {8, 8},  {0, 16}, {4, 12},  {0, 32}, {31, 1}, {0, 31},
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
                    uint64_t a = vals[i], bv = form == 1   ? bconst
                                               : form == 2 ? a
                                                           : vals[NVALS - 1 - i];
                    env->regs[0] = a;
                    env->regs[1] = bv;
                    jit_run(tb);
                    uint64_t low = len == 64 ? ~0ull : (1ull << len) - 1;
                    uint64_t want = (a & ~(low << pos)) | ((bv & low) << pos);
                    if (width == 32) {
                        want = (uint32_t)want;
                    }
                    cr_assert_eq(env->regs[2], want,
                                 "deposit_i%d(%#lx, %#lx, %d, %d) form %d = %#lx", width, a, bv,
                                 pos, len, form, env->regs[2]);
                }
            }
        }
    }
}

Test(jit, bswap_and_extensions) {
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
            __builtin_bswap16((uint16_t)a),
            __builtin_bswap32((uint32_t)a),
            __builtin_bswap64(a),
            (uint64_t)(int64_t)(int8_t)a,
            (uint8_t)a,
            (uint64_t)(int64_t)(int16_t)a,
            (uint16_t)a,
            (uint64_t)(int64_t)(int32_t)a,
            (uint32_t)a,
        };
        for (size_t k = 0; k < G_N_ELEMENTS(ops); k++) {
            cr_assert_eq(env->regs[2 + k], want[k], "%s(%#lx) = %#lx want %#lx", opname(ops[k]), a,
                         env->regs[2 + k], want[k]);
        }
    }
}

/* ---- conditions ---- */

static const uint64_t cmp_vals[] = {0,
                                    1,
                                    2,
                                    0x7fffffff,
                                    0x80000000,
                                    0xffffffff,
                                    0x100000000ull,
                                    0x8000000000000000ull,
                                    0xffffffffffffffffull,
                                    0x180000000ull};

Test(jit, setcond_negsetcond_all_conditions) {
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

Test(jit, movcond_all_conditions) {
    for (int t = 0; t < 2; t++) {
        IRType ty = t ? IR_I64 : IR_I32;
        for (int c = IR_COND_NEVER; c <= IR_COND_TSTNE; c++) {
            /* G2 = cond(G0, G1) ? G4 : G5, and a temp form with a constant c2 and v1 */
            ir_movcond(&fn, ty, (IRCond)c, G[2], G[0], G[1], G[4], G[5]);
            IRTemp t0 = ir_temp_new(&fn);
            ir_mov(&fn, IR_I64, t0, G[5]);
            ir_movcond(&fn, ty, (IRCond)c, t0, G[0], ir_const(&fn, 0x80000000), ir_const(&fn, 77),
                       t0);
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
                    cr_assert_eq(env->regs[2], want, "movcond %d i%d %#lx %#lx", c, t ? 64 : 32, a,
                                 b);
                    uint64_t want2 = (ir_cond_eval((IRCond)c, ty, a, 0x80000000) ? 77 : v2) & m;
                    cr_assert_eq(env->regs[3], want2, "movcond const %d i%d %#lx", c, t ? 64 : 32,
                                 a);
                }
            }
        }
    }
}

Test(jit, brcond_all_conditions) {
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

/* ---- control flow ---- */

Test(jit, loop_with_locals_sums_and_multiplies) {
    /* acc = 0; prod = 1; i = G0; do { acc += i; prod *= 3; i -= 1 } while (i != 0) */
    IRTemp i = ir_temp_new_local(&fn), acc = ir_temp_new_local(&fn), prod = ir_temp_new_local(&fn);
    int top = ir_label_new(&fn);
    ir_mov(&fn, IR_I64, i, G[0]);
    ir_movi(&fn, IR_I64, acc, 0);
    ir_movi(&fn, IR_I64, prod, 1);
    ir_set_label(&fn, top);
    ir_add(&fn, IR_I64, acc, acc, i);
    ir_binopi(&fn, IR_MUL, IR_I64, prod, prod, 3);
    ir_binopi(&fn, IR_ADD, IR_I64, G[5], G[5], 1); /* a global updated every iteration */
    ir_binopi(&fn, IR_SUB, IR_I64, i, i, 1);
    ir_brcond(&fn, IR_I64, IR_COND_NE, i, ir_const(&fn, 0), top);
    ir_mov(&fn, IR_I64, G[1], acc);
    ir_mov(&fn, IR_I64, G[2], prod);
    ir_exit_tb(&fn, 0);
    TranslationBlock *tb = jit_build();
    for (uint64_t n = 1; n < 40; n += 7) {
        env->regs[0] = n;
        env->regs[5] = 1000;
        jit_run(tb);
        uint64_t p = 1;
        for (uint64_t k = 0; k < n; k++) {
            p *= 3;
        }
        cr_assert_eq(env->regs[1], n * (n + 1) / 2);
        cr_assert_eq(env->regs[2], p);
        cr_assert_eq(env->regs[5], 1000 + n);
    }
}

Test(jit, temp_survives_brcond_fallthrough) {
    IRTemp t = ir_temp_new(&fn);
    int skip = ir_label_new(&fn);
    ir_binopi(&fn, IR_MUL, IR_I64, t, G[0], 7);
    ir_brcond(&fn, IR_I64, IR_COND_EQ, G[1], ir_const(&fn, 0), skip);
    ir_add(&fn, IR_I64, G[2], t, G[1]);
    ir_set_label(&fn, skip);
    ir_exit_tb(&fn, 0);
    TranslationBlock *tb = jit_build();
    env->regs[0] = 6;
    env->regs[1] = 4;
    env->regs[2] = 0;
    jit_run(tb);
    cr_assert_eq(env->regs[2], 46);
    env->regs[1] = 0;
    env->regs[2] = 9;
    jit_run(tb);
    cr_assert_eq(env->regs[2], 9);
}

Test(jit, exit_tb_value_and_exit_request) {
    ir_movi(&fn, IR_I64, G[0], 42);
    ir_exit_tb(&fn, 0x1230);
    TranslationBlock *tb = jit_build();
    env->regs[0] = 0;
    cr_assert_eq(jit_run(tb), 0x1230);
    cr_assert_eq(env->regs[0], 42);
    env->regs[0] = 0;
    atomic_store(&cpu->exit_request, 1);
    cr_assert_eq(jit_run(tb), (uintptr_t)tb | TB_EXIT_REQUESTED);
    cr_assert_eq(env->regs[0], 0, "TB body must not run when the exit word is set");
    atomic_store(&cpu->exit_request, 0);
}

Test(jit, goto_tb_chaining_and_unchaining) {
    ir_binopi(&fn, IR_ADD, IR_I64, G[0], G[0], 1);
    ir_goto_tb(&fn, 0);
    ir_exit_tb(&fn, 0); /* replaced below by the tb-specific value */
    TranslationBlock *a = g_malloc0(sizeof(TranslationBlock));
    fn.tb = a;
    fn.ops[fn.nb_ops - 1].args[0] = (uintptr_t)a | TB_EXIT_IDX0;
    cr_assert(backend_jit.gen_code(&code, a, &fn));
    ir_func_reset(&fn);
    ir_binopi(&fn, IR_MUL, IR_I64, G[0], G[0], 10);
    ir_exit_tb(&fn, 7);
    TranslationBlock *b = jit_build();

    cr_assert_neq(a->jmp_insn_offset[0], TB_JMP_NONE);
    cr_assert_eq(a->jmp_insn_offset[1], TB_JMP_NONE);
    cr_assert_eq(((uintptr_t)a->tc_ptr + a->jmp_insn_offset[0]) & 3, 0, "rel32 must be aligned");
    cr_assert_eq(a->jmp_reset_offset[0], a->jmp_insn_offset[0] + 4);
    env->regs[0] = 5;
    cr_assert_eq(jit_run(a), (uintptr_t)a | TB_EXIT_IDX0);
    cr_assert_eq(env->regs[0], 6);
    backend_jit.set_jmp_target(a, 0, b);
    cr_assert_eq(jit_run(a), 7);
    cr_assert_eq(env->regs[0], 70);
    backend_jit.set_jmp_target(a, 0, NULL);
    cr_assert_eq(jit_run(a), (uintptr_t)a | TB_EXIT_IDX0);
    cr_assert_eq(env->regs[0], 71);
    cr_assert_eq(backend_jit.tb_entry_ptr(b), b->tc_ptr);
}

Test(jit, goto_ptr_to_tb_and_to_exit) {
    ir_binopi(&fn, IR_ADD, IR_I64, G[1], G[1], 3);
    ir_exit_tb(&fn, 99);
    TranslationBlock *target = jit_build();
    ir_movi(&fn, IR_I64, G[1], 10);
    ir_goto_ptr(&fn, G[0]);
    TranslationBlock *src = jit_build();
    env->regs[0] = (uintptr_t)backend_jit.tb_entry_ptr(target);
    cr_assert_eq(jit_run(src), 99);
    cr_assert_eq(env->regs[1], 13, "global written back before the indirect jump");
    env->regs[0] = (uintptr_t)backend_jit.exit_ptr();
    cr_assert_eq(jit_run(src), 0);
    cr_assert_eq(env->regs[1], 10);
}

/* ---- calls ---- */

Test(jit, call_with_six_args_and_live_values) {
    IRTemp t = ir_temp_new(&fn), keep = ir_temp_new(&fn), r = ir_temp_new(&fn);
    ir_binopi(&fn, IR_ADD, IR_I64, t, G[2], 1000);
    ir_binopi(&fn, IR_XOR, IR_I64, keep, G[0], 0x77); /* live across the call */
    IRTemp args[6] = {G[0], ir_const(&fn, 0x123456789ull), t, G[1], G[0], ir_const(&fn, 5)};
    ir_call(&fn, hid_weighted6, r, args, 6);
    ir_add(&fn, IR_I64, G[3], r, keep);
    ir_exit_tb(&fn, 0);
    TranslationBlock *tb = jit_build();
    for (uint64_t v = 1; v < 100; v += 13) {
        env->regs[0] = v;
        env->regs[1] = v * 1000;
        env->regs[2] = v ^ 0xffff;
        jit_run(tb);
        uint64_t want =
            h_weighted6(v, 0x123456789ull, (v ^ 0xffff) + 1000, v * 1000, v, 5) + (v ^ 0x77);
        cr_assert_eq(env->regs[3], want);
    }
}

Test(jit, call_syncs_and_reloads_globals_per_flags) {
    /* G3 is dirty before env_reg3_plus (reads globals): must be in env when it runs. */
    IRTemp r = ir_temp_new(&fn);
    ir_movi(&fn, IR_I64, G[3], 500);
    IRTemp a1[2] = {fn.env, ir_const(&fn, 5)};
    ir_call(&fn, hid_env_reg3, r, a1, 2);
    ir_mov(&fn, IR_I64, G[6], r);
    /* G4 cached in a register, then changed by set_reg4 (may write globals): must be reread. */
    ir_binopi(&fn, IR_ADD, IR_I64, G[7], G[4], 1);
    IRTemp a2[2] = {fn.env, G[0]};
    ir_call(&fn, hid_set_reg4, IR_TEMP_NONE, a2, 2);
    ir_binopi(&fn, IR_ADD, IR_I64, G[8], G[4], 1);
    /* pure helper: globals stay cached */
    IRTemp r2 = ir_temp_new(&fn);
    IRTemp a3[2] = {G[8], G[7]};
    ir_call(&fn, hid_pure_xor, r2, a3, 2);
    ir_mov(&fn, IR_I64, G[9], r2);
    ir_exit_tb(&fn, 0);
    TranslationBlock *tb = jit_build();
    env->regs[0] = 1234;
    env->regs[4] = 10;
    jit_run(tb);
    cr_assert_eq(env->regs[6], 505);
    cr_assert_eq(env->regs[7], 11);
    cr_assert_eq(env->regs[4], 1234);
    cr_assert_eq(env->regs[8], 1235);
    cr_assert_eq(env->regs[9], 1235 ^ 11 ^ 0x5555);
}

Test(jit, register_pressure_more_live_temps_than_registers) {
    enum { N = 40 };
    IRTemp t[N];
    for (int i = 0; i < N; i++) {
        t[i] = ir_temp_new(&fn);
        ir_binopi(&fn, IR_MUL, IR_I64, t[i], G[i % 3], (uint64_t)(2 * i + 1));
        ir_binopi(&fn, IR_XOR, IR_I64, t[i], t[i], (uint64_t)i << 20);
    }
    IRTemp r = ir_temp_new(&fn);
    IRTemp a[2] = {t[0], t[1]};
    ir_call(&fn, hid_pure_xor, r, a, 2); /* a call in the middle of high pressure */
    IRTemp acc = ir_temp_new(&fn);
    ir_mov(&fn, IR_I64, acc, r);
    for (int i = N - 1; i >= 0; i--) {
        ir_binopi(&fn, IR_ROTR, IR_I64, acc, acc, 7);
        ir_add(&fn, IR_I64, acc, acc, t[i]);
        /* shifts and divisions need rcx/rax/rdx while everything is live */
        if (i % 10 == 3) {
            ir_binop(&fn, IR_SHL, IR_I64, acc, acc, t[i]);
            ir_binop(&fn, IR_DIVU, IR_I64, G[10 + i % 4], acc, t[i]);
        }
    }
    ir_mov(&fn, IR_I64, G[5], acc);
    ir_exit_tb(&fn, 0);
    TranslationBlock *tb = jit_build();
    for (uint64_t v = 3; v < 5000; v = v * 7 + 1) {
        env->regs[0] = v;
        env->regs[1] = ~v;
        env->regs[2] = v << 17;
        jit_run(tb);
        uint64_t tv[N], g[16];
        memcpy(g, env->regs, sizeof(g));
        g[0] = v;
        g[1] = ~v;
        g[2] = v << 17;
        for (int i = 0; i < N; i++) {
            tv[i] = (g[i % 3] * (uint64_t)(2 * i + 1)) ^ ((uint64_t)i << 20);
        }
        uint64_t acc_v = h_pure_xor(tv[0], tv[1]);
        uint64_t divs[16] = {0};
        for (int i = N - 1; i >= 0; i--) {
            acc_v = (acc_v >> 7) | (acc_v << 57);
            acc_v += tv[i];
            if (i % 10 == 3) {
                acc_v <<= tv[i] & 63;
                divs[10 + i % 4] = tv[i] ? acc_v / tv[i] : 0;
            }
        }
        cr_assert_eq(env->regs[5], acc_v, "v=%lu", v);
        for (int k = 10; k < 14; k++) {
            if (divs[k]) {
                cr_assert_eq(env->regs[k], divs[k]);
            }
        }
    }
}

/* ---- host memory relative to env ---- */

Test(jit, ld_st_env_fields) {
    int32_t s = (int32_t)offsetof(TestEnv, scratch);
    ir_ld(&fn, IR_LD8U, G[0], fn.env, s + 1);
    ir_ld(&fn, IR_LD8S, G[1], fn.env, s + 1);
    ir_ld(&fn, IR_LD16U, G[2], fn.env, s + 2);
    ir_ld(&fn, IR_LD16S, G[3], fn.env, s + 2);
    ir_ld(&fn, IR_LD32U, G[4], fn.env, s + 4);
    ir_ld(&fn, IR_LD32S, G[5], fn.env, s + 4);
    ir_ld(&fn, IR_LD64, G[6], fn.env, s + 8);
    ir_st(&fn, IR_ST8, G[7], fn.env, s + 16);
    ir_st(&fn, IR_ST16, G[7], fn.env, s + 24);
    ir_st(&fn, IR_ST32, G[7], fn.env, s + 32);
    ir_st(&fn, IR_ST64, G[7], fn.env, s + 40);
    ir_st(&fn, IR_ST32, ir_const(&fn, 0xcafef00d), fn.env, s + 48);
    ir_st(&fn, IR_ST8, ir_const(&fn, 0x1ab), fn.env, s + 56);
    ir_exit_tb(&fn, 0);
    TranslationBlock *tb = jit_build();
    uint8_t *b = (uint8_t *)env->scratch;
    memset(b, 0, sizeof(env->scratch));
    b[1] = 0x80;
    b[2] = 0x34;
    b[3] = 0x92;
    memcpy(b + 4, &(uint32_t){0x87654321}, 4);
    memcpy(b + 8, &(uint64_t){0x1122334455667788ull}, 8);
    env->regs[7] = 0x0102030405060708ull;
    jit_run(tb);
    cr_assert_eq(env->regs[0], 0x80);
    cr_assert_eq(env->regs[1], 0xffffffffffffff80ull);
    cr_assert_eq(env->regs[2], 0x9234);
    cr_assert_eq(env->regs[3], 0xffffffffffff9234ull);
    cr_assert_eq(env->regs[4], 0x87654321);
    cr_assert_eq(env->regs[5], 0xffffffff87654321ull);
    cr_assert_eq(env->regs[6], 0x1122334455667788ull);
    cr_assert_eq(env->scratch[2], 0x08);
    cr_assert_eq(env->scratch[3], 0x0708);
    cr_assert_eq(env->scratch[4], 0x05060708);
    cr_assert_eq(env->scratch[5], 0x0102030405060708ull);
    cr_assert_eq(env->scratch[6], 0xcafef00d);
    cr_assert_eq(env->scratch[7], 0xab);
}

Test(jit, call_i32_result_is_zero_extended) {
    ir_call(&fn, hid_ret32_dirty, G[0], NULL, 0);
    ir_exit_tb(&fn, 0);
    TranslationBlock *tb = jit_build();
    env->regs[0] = ~0ull;
    jit_run(tb);
    cr_assert_eq(env->regs[0], 0x12345678ull);
}

/* ST64 of a constant wider than imm32 must not be truncated (a constant-folded MSR TPIDR_EL0
 * once came back cut to 32 bits); one that fits sign-extended may use the immediate form. */
Test(jit, st64_wide_constant) {
    int32_t s = (int32_t)offsetof(TestEnv, scratch);
    ir_st(&fn, IR_ST64, ir_const(&fn, 0x123456789abcdef0ull), fn.env, s);
    ir_st(&fn, IR_ST64, ir_const(&fn, 0xffffffff80000000ull), fn.env, s + 8);
    ir_st(&fn, IR_ST64, ir_const(&fn, 0x0000000080000000ull), fn.env, s + 16);
    ir_exit_tb(&fn, 0);
    TranslationBlock *tb = jit_build();
    memset(env->scratch, 0, sizeof(env->scratch));
    jit_run(tb);
    cr_assert_eq(env->scratch[0], 0x123456789abcdef0ull);
    cr_assert_eq(env->scratch[1], 0xffffffff80000000ull);
    cr_assert_eq(env->scratch[2], 0x0000000080000000ull);
}

/* ---- guest memory ---- */

static void tlb_map_guest_ram(int mmu_idx, uint64_t flags_read, uint64_t flags_write) {
    for (uint64_t page = 0; page < sizeof(guest_ram) / TARGET_PAGE_SIZE; page++) {
        uint64_t va = GUEST_BASE + page * TARGET_PAGE_SIZE;
        CPUTLBEntry *e = &cpu->tlb[mmu_idx][(va >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1)];
        e->addr_read = va | flags_read;
        e->addr_write = va | flags_write;
        e->addend = (uintptr_t)guest_ram + page * TARGET_PAGE_SIZE - va;
    }
}

static void build_guest_ldst(int mmu_idx) {
    /* G5 is made dirty before the accesses: the slow path must write it back. */
    ir_insn_start(&fn, 0xabc000, 0);
    ir_movi(&fn, IR_I64, G[5], 0x5555);
    ir_insn_start(&fn, 0xabc004, 1);
    ir_qemu_ld(&fn, G[1], G[0], MO_8, mmu_idx);
    ir_qemu_ld(&fn, G[2], G[0], MO_SW, mmu_idx);
    ir_qemu_ld(&fn, G[3], G[0], MO_32, mmu_idx);
    ir_qemu_ld(&fn, G[4], G[0], MO_64, mmu_idx);
    ir_qemu_ld(&fn, G[6], G[0], MO_SL, mmu_idx);
    ir_qemu_ld(&fn, G[7], G[0], MO_SB, mmu_idx);
    ir_insn_start(&fn, 0xabc008, 2);
    IRTemp a = ir_temp_new(&fn);
    ir_binopi(&fn, IR_ADD, IR_I64, a, G[0], 16);
    ir_qemu_st(&fn, G[8], a, MO_64, mmu_idx);
    ir_binopi(&fn, IR_ADD, IR_I64, a, G[0], 32);
    ir_qemu_st(&fn, G[8], a, MO_16, mmu_idx);
    ir_exit_tb(&fn, 0);
}

Test(jit, guest_memory_tlb_hit) {
    tlb_map_guest_ram(3, 0, 0);
    build_guest_ldst(3);
    TranslationBlock *tb = jit_build();
    for (int off = 0; off < 2 * (int)TARGET_PAGE_SIZE - 64; off += 1000) {
        uint8_t *p = guest_ram + off;
        memcpy(p, &(uint64_t){0x8877665544332211ull ^ (uint64_t)off * 0x0101010101010101ull}, 8);
        uint64_t v;
        memcpy(&v, p, 8);
        env->regs[0] = GUEST_BASE + (uint64_t)off;
        env->regs[8] = 0xf1e2d3c4b5a69788ull;
        slow_ld_calls = slow_st_calls = 0;
        jit_run(tb);
        cr_assert_eq(slow_ld_calls + slow_st_calls, 0, "all accesses hit the TLB");
        cr_assert_eq(env->regs[1], (uint8_t)v);
        cr_assert_eq(env->regs[2], (uint64_t)(int64_t)(int16_t)v);
        cr_assert_eq(env->regs[3], (uint32_t)v);
        cr_assert_eq(env->regs[4], v);
        cr_assert_eq(env->regs[6], (uint64_t)(int64_t)(int32_t)v);
        cr_assert_eq(env->regs[7], (uint64_t)(int64_t)(int8_t)v);
        uint64_t st64;
        memcpy(&st64, p + 16, 8);
        cr_assert_eq(st64, 0xf1e2d3c4b5a69788ull);
        uint16_t st16;
        memcpy(&st16, p + 32, 2);
        cr_assert_eq(st16, 0x9788);
    }
}

Test(jit, guest_memory_slow_path_on_miss) {
    /* mmu index 2 has nothing mapped: every access misses. */
    build_guest_ldst(2);
    TranslationBlock *tb = jit_build();
    uint64_t va = 0x7000123;
    env->regs[0] = va;
    env->regs[8] = 0x1234;
    env->regs[5] = 0;
    slow_ld_calls = slow_st_calls = 0;
    jit_run(tb);
    cr_assert_eq(slow_ld_calls, 6);
    cr_assert_eq(slow_st_calls, 2);
    uint64_t r = 0xA5A5A5A5A5A5A5A5ull ^ va;
    cr_assert_eq(env->regs[1], (uint8_t)r);
    cr_assert_eq(env->regs[2], (uint64_t)(int64_t)(int16_t)r);
    cr_assert_eq(env->regs[3], (uint32_t)r);
    cr_assert_eq(env->regs[4], r);
    cr_assert_eq(env->regs[6], (uint64_t)(int64_t)(int32_t)r);
    cr_assert_eq(env->regs[7], (uint64_t)(int64_t)(int8_t)r);
    cr_assert_eq(slow_last_vaddr, va + 32);
    cr_assert_eq(slow_last_val, 0x1234);
    cr_assert_eq(slow_last_oi, make_memop_idx(MO_16, 2));
    cr_assert_eq(slow_pc_seen, 0xabc008, "pc of the faulting insn stored before the call");
    cr_assert_eq(slow_g5_seen, 0x5555, "dirty global written back before the call");
}

Test(jit, guest_memory_cross_page_flags_and_alignment_go_slow) {
    tlb_map_guest_ram(1, 0, TLB_CODE);
    ir_qemu_ld(&fn, G[1], G[0], MO_32, 1);
    ir_qemu_ld(&fn, G[2], G[0], MO_32 | MO_ALIGN, 1);
    ir_qemu_st(&fn, G[3], G[0], MO_8, 1);
    ir_exit_tb(&fn, 0);
    TranslationBlock *tb = jit_build();
    /* in-page, aligned: loads hit; the store misses because the write tag has TLB_CODE */
    env->regs[0] = GUEST_BASE + 8;
    slow_ld_calls = slow_st_calls = 0;
    jit_run(tb);
    cr_assert_eq(slow_ld_calls, 0);
    cr_assert_eq(slow_st_calls, 1);
    /* unaligned within the page: only the MO_ALIGN load goes slow */
    env->regs[0] = GUEST_BASE + 9;
    slow_ld_calls = slow_st_calls = 0;
    jit_run(tb);
    cr_assert_eq(slow_ld_calls, 1);
    /* crossing into the next page: both loads go slow even though both pages are mapped */
    env->regs[0] = GUEST_BASE + TARGET_PAGE_SIZE - 2;
    slow_ld_calls = 0;
    jit_run(tb);
    cr_assert_eq(slow_ld_calls, 2);
}

Test(jit, slow_path_preserves_live_registers) {
    enum { N = 14 };
    IRTemp t[N];
    for (int i = 0; i < N; i++) {
        t[i] = ir_temp_new(&fn);
        ir_binopi(&fn, IR_ADD, IR_I64, t[i], G[0], (uint64_t)i * 0x1000);
    }
    IRTemp v = ir_temp_new(&fn);
    ir_qemu_ld(&fn, v, G[0], MO_64, 4);
    IRTemp acc = ir_temp_new(&fn);
    ir_mov(&fn, IR_I64, acc, v);
    for (int i = 0; i < N; i++) {
        ir_binopi(&fn, IR_ROTR, IR_I64, acc, acc, 3);
        ir_add(&fn, IR_I64, acc, acc, t[i]);
    }
    ir_mov(&fn, IR_I64, G[1], acc);
    ir_exit_tb(&fn, 0);
    TranslationBlock *tb = jit_build();
    uint64_t va = 0x99990000;
    env->regs[0] = va;
    jit_run(tb);
    uint64_t want = 0xA5A5A5A5A5A5A5A5ull ^ va;
    for (int i = 0; i < N; i++) {
        want = (want >> 3) | (want << 61);
        want += va + (uint64_t)i * 0x1000;
    }
    cr_assert_eq(env->regs[1], want);
}

Test(jit, atomic_cmpxchg_and_barrier) {
    ir_insn_start(&fn, 0x4444, 0);
    ir_mb(&fn, IR_MB_ALL);
    ir_atomic_cmpxchg(&fn, G[3], G[0], G[1], G[2], MO_64, 0);
    ir_mb(&fn, IR_MB_LD_LD);
    ir_exit_tb(&fn, 0);
    TranslationBlock *tb = jit_build();
    uint64_t *cell = (uint64_t *)(guest_ram + 64);
    *cell = 10;
    env->regs[0] = GUEST_BASE + 64;
    env->regs[1] = 10;
    env->regs[2] = 20;
    jit_run(tb);
    cr_assert_eq(env->regs[3], 10);
    cr_assert_eq(*cell, 20);
    cr_assert_eq(slow_pc_seen, 0x4444);
    jit_run(tb);
    cr_assert_eq(env->regs[3], 20);
    cr_assert_eq(*cell, 20, "no store when the compare fails");
}

/* ---- code region bookkeeping ---- */

Test(jit, gen_code_fails_cleanly_when_region_is_full) {
    CodeRegion small = code;
    small.size = small.used + 40; /* room for almost nothing */
    ir_movi(&fn, IR_I64, G[0], 0x123456789abcdefull);
    for (int i = 0; i < 20; i++) {
        ir_binopi(&fn, IR_ADD, IR_I64, G[i % 8], G[(i + 1) % 8], 0x12345);
    }
    ir_exit_tb(&fn, 0);
    TranslationBlock tb = {0};
    fn.tb = &tb;
    uint8_t canary[64];
    memcpy(canary, small.rw + small.size, sizeof(canary));
    size_t used = small.used;
    cr_assert_not(backend_jit.gen_code(&small, &tb, &fn));
    cr_assert_eq(small.used, used, "a failed translation does not consume space");
    cr_assert_eq(memcmp(canary, small.rw + small.size, sizeof(canary)), 0, "no write past the end");
    ir_func_reset(&fn);
}

Test(jit, dump_code_disassembles) {
    ir_binopi(&fn, IR_ADD, IR_I64, G[0], G[0], 1);
    ir_exit_tb(&fn, 0);
    TranslationBlock *tb = jit_build();
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    backend_jit.dump_code(tb, out);
    fclose(out);
    cr_assert(strstr(text, "cmp dword ptr [r14") != NULL, "entry exit check present:\n%s", text);
    cr_assert(strstr(text, "add") != NULL || strstr(text, "lea") != NULL);
    free(text);
}

/* ---- random straight-line programs against the C reference ---- */

Test(jit, random_programs_match_reference) {
    static const IROpcode bin[] = {IR_ADD,  IR_SUB,  IR_MUL,   IR_AND,   IR_OR,   IR_XOR,
                                   IR_ANDC, IR_ORC,  IR_MULUH, IR_MULSH, IR_DIVS, IR_DIVU,
                                   IR_REMS, IR_REMU, IR_SHL,   IR_SHR,   IR_SAR,  IR_ROTR};
    static const IROpcode un[] = {IR_NEG, IR_NOT, IR_MOV, IR_CLZ, IR_CTZ};
    enum { NT = 12, NOPS = 80 };
    GRand *rng = g_rand_new_with_seed(20240601);
    for (int iter = 0; iter < 300; iter++) {
        uint64_t model[16 + NT], init[16];
        IRTemp tv[16 + NT];
        for (int i = 0; i < 16; i++) {
            tv[i] = G[i];
            init[i] = model[i] = vals[g_rand_int_range(rng, 0, NVALS)] ^
                                 (g_rand_boolean(rng) ? (uint64_t)g_rand_int(rng) : 0);
        }
        for (int i = 0; i < NT; i++) {
            tv[16 + i] = g_rand_boolean(rng) ? ir_temp_new(&fn) : ir_temp_new_local(&fn);
            int src = g_rand_int_range(rng, 0, 16);
            ir_mov(&fn, IR_I64, tv[16 + i], G[src]);
            model[16 + i] = model[src];
        }
        for (int k = 0; k < NOPS; k++) {
            int d = g_rand_int_range(rng, 0, 16 + NT);
            int a = g_rand_int_range(rng, 0, 16 + NT), b = g_rand_int_range(rng, 0, 16 + NT);
            IRType ty = g_rand_boolean(rng) ? IR_I64 : IR_I32;
            bool bconst = g_rand_int_range(rng, 0, 4) == 0;
            uint64_t cb = vals[g_rand_int_range(rng, 0, NVALS)];
            IRTemp tb_in = bconst ? ir_const(&fn, cb) : tv[b];
            uint64_t vb = bconst ? cb : model[b];
            int kind = g_rand_int_range(rng, 0, 10);
            if (kind < 6) {
                IROpcode opc = bin[g_rand_int_range(rng, 0, G_N_ELEMENTS(bin))];
                ir_binop(&fn, opc, ty, tv[d], tv[a], tb_in);
                model[d] = ref_binop(opc, ty, model[a], vb);
            } else if (kind < 8) {
                IROpcode opc = un[g_rand_int_range(rng, 0, G_N_ELEMENTS(un))];
                ir_unop(&fn, opc, ty, tv[d], tv[a]);
                model[d] = ref_unop(opc, ty, model[a]);
            } else if (kind < 9) {
                IRCond c = (IRCond)g_rand_int_range(rng, IR_COND_EQ, IR_COND_TSTNE + 1);
                int v1 = g_rand_int_range(rng, 0, 16 + NT);
                uint64_t m = ty == IR_I64 ? ~0ull : 0xffffffffull;
                bool r = ir_cond_eval(c, ty, model[a], vb);
                ir_movcond(&fn, ty, c, tv[d], tv[a], tb_in, tv[v1], tv[b]);
                model[d] = (r ? model[v1] : model[b]) & m;
            } else {
                IRTemp args[2] = {tv[a], tb_in};
                ir_call(&fn, hid_pure_xor, tv[d], args, 2);
                model[d] = h_pure_xor(model[a], vb);
            }
        }
        ir_exit_tb(&fn, 0);
        TranslationBlock *tb = jit_build();
        memcpy(env->regs, init, sizeof(init));
        jit_run(tb);
        for (int i = 0; i < 16; i++) {
            cr_assert_eq(env->regs[i], model[i], "program %d: r%d = %#lx, want %#lx", iter, i,
                         env->regs[i], model[i]);
        }
    }
    g_rand_free(rng);
}
