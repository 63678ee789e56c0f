/*
 * test-x87.c — unit tests for the x87 helpers (target-x86/fpu-x87*.c): arithmetic, rounding
 * and precision control, stack faults, FXAM classes, FXTRACT/FSCALE, FPREM quotient bits,
 * integer/BCD conversions, unmasked exceptions and #MF, the FSTENV/FSAVE/FXSAVE images.
 * Expected values are computed by the test on the host (long double is the x87 format) or
 * written out from SDM vol. 1 chapter 8. Guest memory, exceptions and EFLAGS are doubles
 * defined here (the archive then leaves the real ones out); single-threaded.
 */
#include <criterion/criterion.h>
#include <fenv.h>
#include <math.h>
#include <setjmp.h>
#include <string.h>

#include "cpu-exec/softmmu.h"
#include "target-x86/fpu-x87.h"

/* ---- doubles ---- */
static uint8_t fake_mem[8192];
static jmp_buf fake_jmp;
static int fake_vector = -1;
static uint32_t fake_eflags, fake_eflags_mask;

uint64_t cpu_ld_data(CPUState *cpu, uint64_t vaddr, MemOp mop, int mmu_idx) {
    uint64_t v = 0;
    unsigned n = 1u << (mop & 3);
    cr_assert(vaddr + n <= sizeof(fake_mem));
    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)fake_mem[vaddr + i] << (8 * i);
    }
    return v;
}

void cpu_st_data(CPUState *cpu, uint64_t vaddr, uint64_t val, MemOp mop, int mmu_idx) {
    unsigned n = 1u << (mop & 3);
    cr_assert(vaddr + n <= sizeof(fake_mem));
    for (unsigned i = 0; i < n; i++) {
        fake_mem[vaddr + i] = (uint8_t)(val >> (8 * i));
    }
}

void x86_raise_exception(CPUX86State *env, int vector) {
    fake_vector = vector;
    longjmp(fake_jmp, 1);
}

void x86_raise_exception_err(CPUX86State *env, int vector, uint32_t error_code) {
    fake_vector = vector;
    longjmp(fake_jmp, 1);
}

void x86_eflags_set(CPUX86State *env, uint32_t value, uint32_t update_mask) {
    fake_eflags = value;
    fake_eflags_mask = update_mask;
}

/* ---- fixtures ---- */
static X86CPU *cpu;
static CPUX86State *env;

static void setup(void) {
    cpu = aligned_alloc(64, sizeof(X86CPU));
    memset(cpu, 0, sizeof(*cpu));
    env = &cpu->env;
    env->cr[0] = CR0_PE | CR0_NE | CR0_ET;
    env->hflags = HF_PE | HF_CS32;
    env->mxcsr = 0x1f80;
    x87_reset(env);
    memset(fake_mem, 0, sizeof(fake_mem));
    fake_vector = -1;
    fake_eflags_mask = 0;
}

static void teardown(void) {
    free(cpu);
}

TestSuite(x87, .init = setup, .fini = teardown);

static uint64_t bits_of(double d) {
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static void push_double(double d) {
    helper_x87_op_m64(env, X87_INSN(0xdd, 0x00), bits_of(d));
}

static long double st(int i) {
    long double v = 0;
    x87_reg_to_bytes(&env->fpregs[(env->fpstt + i) & 7], (uint8_t *)&v);
    return v;
}

static double pop_double(void) {
    double d;
    helper_x87_st_mem(env, X87_INSN(0xdd, 0x18), 0x100, 0); /* FSTP m64 */
    memcpy(&d, fake_mem + 0x100, 8);
    return d;
}

static uint16_t sw(void) {
    return (uint16_t)helper_fnstsw(env);
}

/* ---- arithmetic ---- */

Test(x87, add_sub_mul_div_match_host) {
    volatile long double a = 1.2345678901234567890L, b = -9.87654321e-3L;
    static const struct {
        uint8_t op, modrm;
    } ops[] = {{0xde, 0xc1}, {0xde, 0xe9}, {0xde, 0xe1}, {0xde, 0xc9}, {0xde, 0xf9}, {0xde, 0xf1}};
    for (unsigned i = 0; i < 6; i++) {
        push_double((double)a); /* ST1 = a after the next push */
        push_double((double)b);
        helper_x87_op(env, X87_INSN(ops[i].op, ops[i].modrm)); /* op ST(1), ST(0); pop */
        long double da = (double)a, db = (double)b;
        long double w[] = {da + db, da - db, db - da, da * db, da / db, db / da};
        cr_assert(st(0) == w[i], "op %u: %La != %La", i, st(0), w[i]);
        helper_x87_op(env, X87_INSN(0xdd, 0xd8)); /* FSTP ST(0) */
    }
    cr_assert_eq(env->fpstt, 0);
    cr_assert_eq(x87_tag_word_get(env), 0xffff);
}

Test(x87, memory_forms_m32_m64_int) {
    float f = 2.5f;
    uint32_t fbits;
    memcpy(&fbits, &f, 4);
    push_double(10.0);
    helper_x87_op_m32(env, X87_INSN(0xd8, 0x00), fbits); /* FADD m32 */
    cr_assert(st(0) == 12.5L);
    helper_x87_op_m32(env, X87_INSN(0xda, 0x08), (uint32_t)-4); /* FIMUL m32int */
    cr_assert(st(0) == -50.0L);
    helper_x87_op_m32(env, X87_INSN(0xde, 0x30), 0xfffb); /* FIDIV m16int -5 */
    cr_assert(st(0) == 10.0L);
    helper_x87_op_m64(env, X87_INSN(0xdc, 0x28), bits_of(4.0)); /* FSUBR m64: 4 - 10 */
    cr_assert(st(0) == -6.0L);
    cr_assert(pop_double() == -6.0);
}

Test(x87, sqrt_and_transcendentals_match_host) {
    push_double(2.0);
    helper_x87_op(env, X87_INSN(0xd9, 0xfa)); /* FSQRT */
    cr_assert(st(0) == sqrtl(2.0L));
    helper_x87_op(env, X87_INSN(0xd9, 0xeb)); /* FLDPI */
    long double pi;
    __asm__("fldpi" : "=t"(pi));
    cr_assert(st(0) == pi);
    helper_x87_op(env, X87_INSN(0xd9, 0xfe)); /* FSIN */
    long double s;
    __asm__("fsin" : "=t"(s) : "0"(pi));
    cr_assert(st(0) == s);
}

/* ---- rounding and precision control (SDM vol. 1, 8.1.5.2/3) ---- */

static void load_cw(uint16_t cw) {
    helper_fldcw(env, cw);
}

Test(x87, rounding_modes) {
    static const int modes[4] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
    for (unsigned rc = 0; rc < 4; rc++) {
        load_cw((uint16_t)(X87_CW_DEFAULT | rc << X87_CW_RC_SHIFT));
        push_double(1.0);
        push_double(-3.0);
        helper_x87_op(env, X87_INSN(0xde, 0xf9)); /* FDIVP: 1 / -3 */
        fesetround(modes[rc]);
        volatile long double one = 1.0L, three = -3.0L;
        long double want = one / three;
        fesetround(FE_TONEAREST);
        cr_assert(st(0) == want, "rc %u", rc);
        cr_assert(sw() & X87_SW_PE);
        helper_x87_op(env, X87_INSN(0xdd, 0xd8));
    }
}

Test(x87, precision_control_single) {
    load_cw(X87_CW_DEFAULT & ~(3u << X87_CW_PC_SHIFT)); /* PC = 00: 24-bit significand */
    push_double(1.0);
    push_double(3.0);
    helper_x87_op(env, X87_INSN(0xde, 0xf9));
    cr_assert(st(0) == (long double)(1.0f / 3.0f));
    cr_assert_eq(env->fpregs[env->fpstt].mant & 0xffffffffffull, 0);
}

/* ---- stack faults (SDM vol. 1, 8.5.1.1) ---- */

Test(x87, stack_underflow_masked_gives_indefinite) {
    helper_x87_op(env, X87_INSN(0xd8, 0xc1)); /* FADD ST0, ST1 on an empty stack */
    uint16_t s = sw();
    cr_assert(s & X87_SW_IE);
    cr_assert(s & X87_SW_SF);
    cr_assert(!(s & X87_SW_C1)); /* underflow */
    cr_assert(!(s & X87_SW_ES));
    /* The masked response writes the QNaN floating-point indefinite. */
    X87Reg r = env->fpregs[env->fpstt];
    cr_assert_eq(r.exp, 0xffff);
    cr_assert_eq(r.mant, 0xc000000000000000ull);
}

Test(x87, stack_overflow_sets_c1) {
    for (int i = 0; i < 8; i++) {
        push_double(i);
    }
    cr_assert_eq(sw() & X87_SW_SF, 0);
    push_double(99.0);
    uint16_t s = sw();
    cr_assert(s & X87_SW_IE);
    cr_assert(s & X87_SW_SF);
    cr_assert(s & X87_SW_C1); /* overflow */
}

Test(x87, unmasked_invalid_leaves_stack_and_raises_mf_on_next_wait) {
    load_cw(X87_CW_DEFAULT & ~X87_SW_IE);
    helper_x87_op(env, X87_INSN(0xd9, 0xe8)); /* FLD1 */
    uint32_t top = env->fpstt;
    helper_x87_op(env, X87_INSN(0xd8, 0xc1)); /* FADD ST0, ST1 (empty) */
    cr_assert(sw() & X87_SW_ES);
    cr_assert(sw() & X87_SW_B);
    cr_assert_eq(env->fpstt, top);
    cr_assert(st(0) == 1.0L); /* destination untouched */
    if (setjmp(fake_jmp) == 0) {
        helper_x87_op(env, X87_INSN(0xd9, 0xe8)); /* FLD1 waits: #MF */
        cr_assert_fail("no #MF");
    }
    cr_assert_eq(fake_vector, 16);
    cr_assert_eq(env->fpstt, top);
    cr_assert_eq(helper_fnstsw(env) & X87_SW_ES, X87_SW_ES); /* FNSTSW does not wait */
    helper_fnclex(env);
    helper_fwait(env);
    cr_assert_eq(sw() & (X87_SW_ES | X87_SW_IE | X87_SW_SF), 0);
}

Test(x87, pending_exception_without_cr0_ne_is_not_delivered) {
    env->cr[0] &= ~(uint64_t)CR0_NE;
    load_cw(X87_CW_DEFAULT & ~X87_SW_ZE);
    push_double(1.0);
    push_double(0.0);
    helper_x87_op(env, X87_INSN(0xde, 0xf9)); /* FDIVP 1/0 unmasked */
    cr_assert(sw() & X87_SW_ZE);
    cr_assert(sw() & X87_SW_ES);
    helper_fwait(env); /* legacy FERR#/IRQ13 path not modelled: no exception */
    cr_assert_eq(fake_vector, -1);
}

Test(x87, fldcw_unmasking_a_set_flag_makes_it_pending) {
    push_double(1.0);
    push_double(0.0);
    helper_x87_op(env, X87_INSN(0xde, 0xf9)); /* masked ZE */
    cr_assert_eq(sw() & (X87_SW_ZE | X87_SW_ES), X87_SW_ZE);
    load_cw(X87_CW_DEFAULT & ~X87_SW_ZE);
    cr_assert(sw() & X87_SW_ES);
}

/* ---- classification and decomposition ---- */

static unsigned fxam_of(void) {
    helper_x87_op(env, X87_INSN(0xd9, 0xe5));
    uint16_t s = sw();
    return !!(s & X87_SW_C3) << 3 | !!(s & X87_SW_C2) << 2 | !!(s & X87_SW_C1) << 1 |
           !!(s & X87_SW_C0);
}

Test(x87, fxam_classes) {
    cr_assert_eq(fxam_of(), 0x9); /* empty: C3 C0 */
    push_double(0.0);
    cr_assert_eq(fxam_of(), 0x8);
    push_double(-2.0);
    cr_assert_eq(fxam_of(), 0x6); /* normal, C1 = sign */
    push_double(INFINITY);
    cr_assert_eq(fxam_of(), 0x5);
    push_double(NAN);
    cr_assert_eq(fxam_of(), 0x1);
    helper_x87_op_m64(env, X87_INSN(0xdd, 0x00),
                      1); /* smallest double denormal: normal in 80-bit */
    cr_assert_eq(fxam_of(), 0x4);
    /* An 80-bit denormal through FLD m80. */
    memset(fake_mem, 0, 10);
    fake_mem[0] = 1;
    helper_x87_ld_m80(env, X87_INSN(0xdb, 0x28), 0, 0);
    cr_assert_eq(fxam_of(), 0xc);
}

Test(x87, fxtract_and_fscale) {
    push_double(12.0);
    helper_x87_op(env, X87_INSN(0xd9, 0xf4)); /* FXTRACT */
    cr_assert(st(0) == 1.5L);
    cr_assert(st(1) == 3.0L);
    helper_x87_op(env, X87_INSN(0xd9, 0xfd)); /* FSCALE: 1.5 * 2^3 */
    cr_assert(st(0) == 12.0L);
}

Test(x87, fprem_quotient_bits) {
    push_double(5.0);
    push_double(17.0);
    helper_x87_op(env, X87_INSN(0xd9, 0xf8)); /* FPREM: 17 = 3*5 + 2 */
    cr_assert(st(0) == 2.0L);
    uint16_t s = sw();
    cr_assert(!(s & X87_SW_C2)); /* complete */
    cr_assert(s & X87_SW_C1);    /* Q0 */
    cr_assert(s & X87_SW_C3);    /* Q1 */
    cr_assert(!(s & X87_SW_C0)); /* Q2 */
    helper_x87_op(env, X87_INSN(0xdd, 0xd8));
    push_double(13.0);                        /* ST1 = 5 */
    helper_x87_op(env, X87_INSN(0xd9, 0xf5)); /* FPREM1: 13 = 3*5 - 2 */
    cr_assert(st(0) == -2.0L);
}

/* ---- conversions ---- */

Test(x87, integer_load_store_and_truncation) {
    helper_x87_op_m32(env, X87_INSN(0xdb, 0x00), (uint32_t)-7); /* FILD m32 */
    helper_x87_op_m32(env, X87_INSN(0xd8, 0x30), 0x40000000);   /* FDIV m32 2.0 → -3.5 */
    helper_x87_st_mem(env, X87_INSN(0xdf, 0x10), 0x10, 0);      /* FIST m16, nearest even */
    cr_assert_eq(fake_mem[0x10] | fake_mem[0x11] << 8, 0xfffc);
    helper_x87_st_mem(env, X87_INSN(0xdd, 0x08), 0x20, 0); /* FISTTP m64 */
    uint64_t v;
    memcpy(&v, fake_mem + 0x20, 8);
    cr_assert_eq((int64_t)v, -3);
    cr_assert_eq(x87_tag_word_get(env), 0xffff);
    helper_x87_op_m64(env, X87_INSN(0xdf, 0x28), 0x8000000000000000ull); /* FILD m64 */
    cr_assert(st(0) == -0x1p63L);
}

Test(x87, integer_overflow_masked_and_unmasked) {
    push_double(1e10);
    helper_x87_st_mem(env, X87_INSN(0xdb, 0x10), 0x30, 0); /* FIST m32: masked → indefinite */
    cr_assert_eq(fake_mem[0x33], 0x80);
    cr_assert(sw() & X87_SW_IE);
    helper_fnclex(env);
    load_cw(X87_CW_DEFAULT & ~X87_SW_IE);
    memset(fake_mem + 0x40, 0x5a, 4);
    helper_x87_st_mem(env, X87_INSN(0xdb, 0x18), 0x40, 0); /* FISTP m32 unmasked: no store */
    cr_assert_eq(fake_mem[0x40], 0x5a);
    cr_assert_eq(fake_mem[0x43], 0x5a);
    cr_assert(sw() & X87_SW_ES);
    cr_assert(st(0) == 1e10L); /* not popped */
}

Test(x87, bcd_round_trip) {
    static const uint8_t bcd[10] = {0x21, 0x43, 0x65, 0x87, 0x09,
                                    0,    0,    0,    0,    0x80}; /* -987654321 */
    memcpy(fake_mem + 0x200, bcd, 10);
    helper_x87_ld_m80(env, X87_INSN(0xdf, 0x20), 0x200, 0); /* FBLD */
    cr_assert(st(0) == -987654321.0L);
    helper_x87_st_mem(env, X87_INSN(0xdf, 0x30), 0x300, 0); /* FBSTP */
    cr_assert_arr_eq(fake_mem + 0x300, bcd, 10);
    cr_assert_eq(x87_tag_word_get(env), 0xffff);
}

Test(x87, m80_round_trip_is_bit_exact) {
    static const uint8_t pseudo[10] = {1, 2, 3, 4, 5, 6, 7, 0x87, 0x34, 0xc2};
    memcpy(fake_mem + 0x400, pseudo, 10);
    helper_x87_ld_m80(env, X87_INSN(0xdb, 0x28), 0x400, 0);
    helper_x87_st_mem(env, X87_INSN(0xdb, 0x38), 0x410, 0);
    cr_assert_arr_eq(fake_mem + 0x410, pseudo, 10);
}

/* ---- compares, FCMOV, FXCH ---- */

Test(x87, fcomi_sets_eflags_and_fcom_sets_cc) {
    push_double(2.0);
    push_double(1.0);                         /* ST0 = 1, ST1 = 2 */
    helper_x87_op(env, X87_INSN(0xdb, 0xf1)); /* FCOMI ST0, ST1: less → CF */
    cr_assert_eq(fake_eflags, CC_C);
    cr_assert_eq(fake_eflags_mask, CC_O | CC_S | CC_Z | CC_A | CC_P | CC_C);
    helper_x87_op(env, X87_INSN(0xd8, 0xd1)); /* FCOM: less → C0 */
    cr_assert_eq(sw() & (X87_SW_C0 | X87_SW_C2 | X87_SW_C3), X87_SW_C0);
    push_double(NAN);
    helper_x87_op(env, X87_INSN(0xdb, 0xe9)); /* FUCOMI with QNaN: unordered, no IE */
    cr_assert_eq(fake_eflags, CC_Z | CC_P | CC_C);
    cr_assert(!(sw() & X87_SW_IE));
}

Test(x87, fcmov_and_fxch) {
    push_double(7.0);
    push_double(3.0);
    helper_x87_fcmov(env, X87_INSN(0xda, 0xc1), 0); /* FCMOVB false */
    cr_assert(st(0) == 3.0L);
    helper_x87_fcmov(env, X87_INSN(0xdb, 0xd1), 1); /* FCMOVNBE true */
    cr_assert(st(0) == 7.0L);
    helper_x87_op_m64(env, X87_INSN(0xdd, 0x00), bits_of(1.0));
    helper_x87_op(env, X87_INSN(0xd9, 0xca)); /* FXCH ST(2) */
    cr_assert(st(0) == 7.0L);
    cr_assert(st(2) == 1.0L);
}

/* ---- MMX entry ---- */

Test(x87, mmx_entry_and_emms) {
    push_double(1.0);
    x86_fpu_enter_mmx(env);
    cr_assert_eq(env->fpstt, 0);
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(env->fptags[i], 0);
    }
    helper_emms(env);
    cr_assert_eq(x87_tag_word_get(env), 0xffff);
}

/* ---- environment images ---- */

static void fill_state(void) {
    push_double(0.0);
    push_double(-1.5);
    push_double(INFINITY);
    helper_x87_op(env, X87_INSN(0xd9, 0xf7)); /* FINCSTP: one register outside the stack */
    env->fpip = 0x12345678;
    env->fpdp = 0x9abcdef0;
    env->fpcs = 0x08;
    env->fpds = 0x10;
    env->fpop = 0x1f7;
}

Test(x87, fstenv_32bit_protected_layout) {
    uint8_t b[28];
    fill_state();
    cr_assert_eq(x87_env_store(env, b, true, true), 28);
    cr_assert_eq(b[0] | b[1] << 8, env->fpuc);
    cr_assert_eq(b[4] | b[5] << 8, x87_status_get(env));
    /* TOP = 6: R5 special (infinity), R6 valid, R7 zero, others empty. */
    cr_assert_eq(env->fpstt, 6);
    cr_assert_eq(b[8] | b[9] << 8, 0x4bff);
    cr_assert_eq(b[12] | b[13] << 8 | b[14] << 16 | (uint32_t)b[15] << 24, 0x12345678u);
    cr_assert_eq(b[16] | b[17] << 8, 0x08);
    cr_assert_eq((b[18] | b[19] << 8) & 0x7ff, 0x1f7);
    cr_assert_eq(b[20] | b[21] << 8 | b[22] << 16 | (uint32_t)b[23] << 24, 0x9abcdef0u);
    cr_assert_eq(b[24] | b[25] << 8, 0x10);
}

Test(x87, fstenv_formats_round_trip) {
    fill_state();
    env->fpip = 0x5678a; /* fits the 20-bit real-mode pointer */
    env->fpdp = 0xbcdef;
    CPUX86State saved = *env;
    for (int f = 0; f < 4; f++) {
        bool data32 = f & 1, prot = f & 2;
        uint8_t b[28];
        *env = saved;
        unsigned n = x87_env_store(env, b, data32, prot);
        cr_assert_eq(n, data32 ? 28u : 14u);
        x87_reset(env);
        x87_env_load(env, b, data32, prot);
        cr_assert_eq(env->fpuc, saved.fpuc);
        cr_assert_eq(x87_status_get(env), x87_status_get(&saved));
        cr_assert_arr_eq(env->fptags, saved.fptags, 8);
        uint64_t ptr_mask = f == 2 ? 0xffff : ~0ull; /* 16-bit protected: offsets only */
        cr_assert_eq(env->fpip, saved.fpip & ptr_mask, "format %d", f);
        cr_assert_eq(env->fpdp, saved.fpdp & ptr_mask, "format %d", f);
        if (!prot) {
            cr_assert_eq(env->fpop, saved.fpop);
        }
    }
    /* 16-bit real mode: FIP 19:16 sit in bits 15:12 of the word holding FOP. */
    uint8_t b[14];
    x87_env_store(env, b, false, false);
    cr_assert_eq(b[8] | b[9] << 8, 0x5000 | 0x1f7);
}

Test(x87, fnsave_frstor_round_trip_and_reinit) {
    fill_state();
    CPUX86State saved = *env;
    helper_fnsave(env, 0x800, 0, X87_ENV_DATA32);
    cr_assert_eq(env->fpuc, X87_CW_DEFAULT);
    cr_assert_eq(x87_tag_word_get(env), 0xffff);
    cr_assert_eq(x87_status_get(env), 0);
    long double v;
    memcpy(&v, fake_mem + 0x800 + 28, 10); /* ST(0) */
    cr_assert(v == -1.5L);
    helper_frstor(env, 0x800, 0, X87_ENV_DATA32);
    cr_assert_eq(env->fpstt, saved.fpstt);
    cr_assert_eq(x87_tag_word_get(env), x87_tag_word_get(&saved));
    for (int i = 0; i < 8; i++) {
        if (!saved.fptags[i]) {
            cr_assert_eq(env->fpregs[i].mant, saved.fpregs[i].mant);
            cr_assert_eq(env->fpregs[i].exp, saved.fpregs[i].exp);
        }
    }
    helper_fnstenv(env, 0x900, 0, 0);
    cr_assert_eq(env->fpuc & 0x3f, 0x3f);
}

Test(x87, fxsave_layout_and_fxrstor) {
    fill_state();
    env->mxcsr = 0x9fc0;
    env->xmm[15][0] = 0x1111222233334444ull;
    env->xmm[15][1] = 0x5555666677778888ull;
    env->fpip = 0x0000123456789abcull;
    helper_fxsave(env, 0x1000, 0, X86_FXSAVE_REXW | X86_FXSAVE_LONG);
    uint8_t *p = fake_mem + 0x1000;
    cr_assert_eq(p[4], 0xe0); /* abridged tags: R5 R6 R7 valid */
    cr_assert_eq(p[24] | p[25] << 8, 0x9fc0);
    cr_assert_eq(p[28] | p[29] << 8, 0xffff);
    cr_assert_eq(p[13], 0x12); /* 64-bit FIP */
    cr_assert_eq(p[160 + 15 * 16], 0x44);
    cr_assert_eq(p[160 + 15 * 16 + 15], 0x55);
    long double v;
    memcpy(&v, p + 32, 10); /* ST(0) */
    cr_assert(v == -1.5L);

    CPUX86State saved = *env;
    x87_reset(env);
    memset(env->xmm, 0, sizeof(env->xmm));
    helper_fxrstor(env, 0x1000, 0, X86_FXSAVE_REXW | X86_FXSAVE_LONG);
    cr_assert_eq(env->fpstt, saved.fpstt);
    cr_assert_arr_eq(env->fptags, saved.fptags, 8);
    cr_assert_eq(env->xmm[15][1], saved.xmm[15][1]);
    cr_assert_eq(env->fpip, saved.fpip);
    cr_assert_eq(env->mxcsr, 0x9fc0);

    /* Reserved MXCSR bit: #GP(0), nothing loaded. */
    p[26] = 1;
    env->mxcsr = 0x1f80;
    if (setjmp(fake_jmp) == 0) {
        helper_fxrstor(env, 0x1000, 0, X86_FXSAVE_REXW | X86_FXSAVE_LONG);
        cr_assert_fail("no #GP");
    }
    cr_assert_eq(fake_vector, 13);
    cr_assert_eq(env->mxcsr, 0x1f80);
    /* Misaligned: #GP(0). */
    fake_vector = -1;
    if (setjmp(fake_jmp) == 0) {
        helper_fxsave(env, 0x1008, 0, 0);
        cr_assert_fail("no #GP");
    }
    cr_assert_eq(fake_vector, 13);
}

Test(x87, fxsave_32bit_layout_has_selectors_and_8_xmm) {
    env->fpcs = 0x1b;
    env->fpds = 0x23;
    env->xmm[8][0] = ~0ull;
    memset(fake_mem + 0x1000, 0xee, 512);
    helper_fxsave(env, 0x1000, 0, 0);
    uint8_t *p = fake_mem + 0x1000;
    cr_assert_eq(p[12], 0x1b);
    cr_assert_eq(p[20], 0x23);
    cr_assert_eq(p[160 + 8 * 16], 0xee); /* XMM8 not written outside 64-bit mode */
}

/* ---- encoding tables ---- */

Test(x87, encoding_tables) {
    cr_assert(x87_insn_valid(X87_INSN(0xd9, 0xe8)));
    cr_assert(x87_insn_valid(X87_INSN(0xd9, 0xd8)));  /* FSTP1 alias */
    cr_assert(x87_insn_valid(X87_INSN(0xdd, 0xc8)));  /* FXCH4 alias */
    cr_assert(x87_insn_valid(X87_INSN(0xdc, 0xd3)));  /* FCOM2 alias */
    cr_assert(x87_insn_valid(X87_INSN(0xde, 0xd1)));  /* FCOMP5 alias */
    cr_assert(x87_insn_valid(X87_INSN(0xdf, 0xc0)));  /* FFREEP */
    cr_assert(x87_insn_valid(X87_INSN(0xdf, 0xdf)));  /* FSTP9 alias */
    cr_assert(!x87_insn_valid(X87_INSN(0xde, 0xd8)));
    cr_assert(!x87_insn_valid(X87_INSN(0xd9, 0xd1)));
    cr_assert(!x87_insn_valid(X87_INSN(0xdd, 0xf0)));
    cr_assert(!x87_insn_valid(X87_INSN(0xdf, 0xe1)));
    cr_assert(!x87_insn_valid(X87_INSN(0xdf, 0xf8)));
    cr_assert(x87_insn_valid(X87_INSN(0xde, 0xd9)));  /* FCOMPP */
    cr_assert(!x87_insn_valid(X87_INSN(0xd9, 0x08))); /* D9 /1 mem */
    cr_assert(x87_insn_valid(X87_INSN(0xdb, 0x28)));
    cr_assert(!x87_insn_valid(X87_INSN(0xdb, 0x20)));
    cr_assert(!x87_insn_waits(X87_INSN(0xdb, 0xe3)));
    cr_assert(!x87_insn_waits(X87_INSN(0xdd, 0x38))); /* FNSTSW m16 */
    cr_assert(x87_insn_waits(X87_INSN(0xd9, 0x28)));  /* FLDCW */
    cr_assert_eq(x87_insn_store_size(X87_INSN(0xdf, 0x38)), 8);
    cr_assert_eq(x87_insn_store_size(X87_INSN(0xdb, 0x38)), 10);
    cr_assert_eq(x87_insn_store_size(X87_INSN(0xdd, 0x00)), 0);
}
