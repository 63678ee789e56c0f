/*
 * translate-alu.c — integer arithmetic groups: ALU (ADD OR ADC SBB AND SUB XOR CMP TEST NOT
 * NEG INC DEC, LOCK forms as compare-and-swap loops), SHIFT (SHL SHR SAR inline; rotates,
 * SHLD/SHRD through helpers), MULDIV (MUL IMUL inline, DIV IDIV helpers raising #DE), BITOP
 * (BT BTS BTR BTC BSF BSR POPCNT LZCNT TZCNT) and BCD (DAA DAS AAA AAS AAM AAD helpers).
 * Flags follow the lazy cc_op conventions of cc-helper.h. Translating vCPU thread only;
 * helper indices are set once by x86_tr_int_init at start-up.
 */
#include <string.h>

#include "cpu-exec/cpu.h"
#include "target-x86/cc-helper.h"
#include "target-x86/excp-helper.h"
#include "target-x86/translate.h"

static int h_rotate, h_shd, h_div, h_popcnt, h_bcd;

/* ---- helpers ---- */

/* ROL/ROR/RCL/RCR: kind | size_shift << 4. Flags are materialised here. */
static uint64_t helper_rotate(CPUX86State *env, uint32_t kind_size, uint64_t value,
                              uint32_t count)
{
    uint32_t ef = x86_eflags_get(env);
    unsigned sh = (kind_size >> 4) & 3;
    uint64_t r = x86_rotate((X86RotKind)(kind_size & 15), sh, value, count, &ef);
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = ef & CC_ARITH;
    return r;
}

/* SHLD (right = 0) / SHRD (right = 1) at size 8 << sh bits: dst shifted with bits from src.
 * A masked count of 0 changes nothing; a count above the size leaves an undefined result,
 * computed here as the double-width shift modulo the width. */
static uint64_t helper_shd(CPUX86State *env, uint32_t right_size, uint64_t dst, uint64_t src,
                           uint32_t count)
{
    unsigned sh = right_size & 3, n = 8u << sh;
    bool right = right_size >> 4;
    unsigned m = count & (sh == 3 ? 63 : 31);
    uint64_t mask = sh == 3 ? ~0ull : (1ull << n) - 1;
    if (m == 0) {
        return dst;
    }
    dst &= mask;
    src &= mask;
    uint64_t r, cf;
    if (sh == 1 && m > 16) {
        /* 16-bit operands with counts 17-31: the SDM leaves the result undefined; hardware
         * rotates through the 32-bit concatenation dst:src:dst. */
        unsigned __int128 cat = right ? ((unsigned __int128)dst << 32) | (src << 16) | dst
                                      : ((unsigned __int128)dst << 32) | (src << 16) | dst;
        if (right) {
            r = (uint64_t)(cat >> m) & mask;
            cf = (uint64_t)(cat >> (m - 1)) & 1;
        } else {
            r = (uint64_t)((cat << m) >> 32) & mask;
            cf = (uint64_t)((cat << (m - 1)) >> 47) & 1;
        }
    } else if (right) {
        unsigned __int128 cat = ((unsigned __int128)src << n) | dst;
        r = (uint64_t)(cat >> m) & mask;
        cf = (uint64_t)(cat >> (m - 1)) & 1;
    } else {
        unsigned __int128 cat = ((unsigned __int128)dst << n) | src;
        r = (uint64_t)((cat << m) >> n) & mask;
        cf = (uint64_t)((cat << (m - 1)) >> (2 * n - 1)) & 1;
    }
    env->cc_dst = r;
    if (right) {
        env->cc_src = (r << 1) | cf;
        env->cc_op = x86_cc_op_sized(CC_OP_SHRB, sh);
    } else {
        /* CC_OP_SHL wants "a << (m - 1)": any value whose bit n-1 is CF. */
        env->cc_src = cf << (n - 1);
        env->cc_op = x86_cc_op_sized(CC_OP_SHLB, sh);
    }
    env->cc_src2 = 0;
    return r;
}

/* DIV (sign = 0) / IDIV (sign = 1) of rDX:rAX (AX for 8-bit) by divisor, #DE on a zero
 * divisor or a quotient that does not fit (SDM DIV/IDIV). */
static void helper_div(CPUX86State *env, uint32_t sign_size, uint64_t divisor)
{
    unsigned sh = sign_size & 3, n = 8u << sh;
    bool sign = sign_size >> 4;
    uint64_t mask = sh == 3 ? ~0ull : (1ull << n) - 1;
    divisor &= mask;
    if (divisor == 0) {
        x86_raise_exception(env, 0);
    }
    unsigned __int128 dividend;
    if (sh == 0) {
        dividend = env->regs[R_EAX] & 0xffff;
    } else {
        dividend = ((unsigned __int128)(env->regs[R_EDX] & mask) << n) | (env->regs[R_EAX] & mask);
    }
    uint64_t q, r;
    if (!sign) {
        unsigned __int128 qq = dividend / divisor;
        if (qq > mask) {
            x86_raise_exception(env, 0);
        }
        q = (uint64_t)qq;
        r = (uint64_t)(dividend % divisor);
    } else {
        /* Sign-extend the 2n-bit dividend and the n-bit divisor. */
        __int128 sd = (__int128)(dividend << (128 - 2 * n)) >> (128 - 2 * n);
        __int128 sv = (__int128)((unsigned __int128)divisor << (128 - n)) >> (128 - n);
        __int128 qq = sd / sv;
        __int128 lim = (__int128)1 << (n - 1);
        if (qq >= lim || qq < -lim) {
            x86_raise_exception(env, 0);
        }
        q = (uint64_t)qq & mask;
        r = (uint64_t)(sd % sv) & mask;
    }
    if (sh == 0) {
        env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffull) | (r << 8) | q;
    } else if (sh == 1) {
        env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffull) | q;
        env->regs[R_EDX] = (env->regs[R_EDX] & ~0xffffull) | r;
    } else {
        env->regs[R_EAX] = q; /* 32-bit results zero-extend */
        env->regs[R_EDX] = r;
    }
}

static uint64_t helper_popcnt(uint64_t v) { return (uint64_t)__builtin_popcountll(v); }

enum { BCD_DAA, BCD_DAS, BCD_AAA, BCD_AAS, BCD_AAM, BCD_AAD };

/* The BCD adjustments (SDM DAA DAS AAA AAS AAM AAD), on AL/AH and the flags. */
static void helper_bcd(CPUX86State *env, uint32_t op, uint32_t imm)
{
    uint32_t ef = x86_eflags_get(env);
    uint32_t al = env->regs[R_EAX] & 0xff, ah = (env->regs[R_EAX] >> 8) & 0xff;
    bool cf = ef & CC_C, af = ef & CC_A;
    uint32_t old_al = al;
    switch (op) {
    case BCD_DAA:
    case BCD_DAS: {
        bool sub = op == BCD_DAS;
        bool ncf = false;
        if ((al & 0xf) > 9 || af) {
            ncf = cf || (sub ? al < 6 : al > 0xf9);
            al = (sub ? al - 6 : al + 6) & 0xff;
            af = true;
        } else {
            af = false;
        }
        if (old_al > 0x99 || cf) {
            al = (sub ? al - 0x60 : al + 0x60) & 0xff;
            ncf = true;
        }
        cf = ncf;
        ef &= ~(CC_ARITH);
        ef |= (cf ? CC_C : 0) | (af ? CC_A : 0) | (al == 0 ? CC_Z : 0) | (al & 0x80 ? CC_S : 0) |
              (__builtin_parity(al) ? 0 : CC_P);
        break;
    }
    case BCD_AAA:
    case BCD_AAS:
        if ((al & 0xf) > 9 || af) {
            if (op == BCD_AAA) {
                uint32_t ax = ((ah << 8) | al) + 0x106;
                ah = (ax >> 8) & 0xff;
                al = ax & 0xff;
            } else {
                uint32_t ax = (((ah << 8) | al) - 6) & 0xffff;
                ah = ((ax >> 8) - 1) & 0xff;
                al = ax & 0xff;
            }
            af = cf = true;
        } else {
            af = cf = false;
        }
        al &= 0xf;
        ef &= ~CC_ARITH;
        /* OF SF ZF PF undefined: computed from AL as hardware does */
        ef |= (cf ? CC_C | CC_A : 0) | (al == 0 ? CC_Z : 0) | (__builtin_parity(al) ? 0 : CC_P);
        break;
    case BCD_AAM:
        if (imm == 0) {
            x86_raise_exception(env, 0);
        }
        ah = al / imm;
        al = al % imm;
        ef &= ~CC_ARITH;
        ef |= (al == 0 ? CC_Z : 0) | (al & 0x80 ? CC_S : 0) | (__builtin_parity(al) ? 0 : CC_P);
        break;
    case BCD_AAD:
        al = (al + ah * imm) & 0xff;
        ah = 0;
        ef &= ~CC_ARITH;
        ef |= (al == 0 ? CC_Z : 0) | (al & 0x80 ? CC_S : 0) | (__builtin_parity(al) ? 0 : CC_P);
        break;
    }
    env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffull) | (ah << 8) | al;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = ef & CC_ARITH;
}

void x86_tr_int_init(void)
{
    static const IRArgType rot[] = {IR_ARG_PTR, IR_ARG_I32, IR_ARG_I64, IR_ARG_I32};
    h_rotate = x86_helper_register("rotate", (void *)helper_rotate, IR_ARG_I64, 4, rot, 0);
    static const IRArgType shd[] = {IR_ARG_PTR, IR_ARG_I32, IR_ARG_I64, IR_ARG_I64, IR_ARG_I32};
    h_shd = x86_helper_register("shd", (void *)helper_shd, IR_ARG_I64, 5, shd, 0);
    static const IRArgType dv[] = {IR_ARG_PTR, IR_ARG_I32, IR_ARG_I64};
    h_div = x86_helper_register("div", (void *)helper_div, IR_ARG_VOID, 3, dv, IR_CALL_MAY_RAISE);
    static const IRArgType pc[] = {IR_ARG_I64};
    h_popcnt = x86_helper_register("popcnt", (void *)helper_popcnt, IR_ARG_I64, 1, pc,
                                   IR_CALL_PURE);
    static const IRArgType bcd[] = {IR_ARG_PTR, IR_ARG_I32, IR_ARG_I32};
    h_bcd = x86_helper_register("bcd", (void *)helper_bcd, IR_ARG_VOID, 3, bcd,
                                IR_CALL_MAY_RAISE);
}

/* ---- shared ---- */




/* ---- ALU ---- */

typedef enum AluOp { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP,
                     ALU_TEST, ALU_NOT, ALU_NEG, ALU_INC, ALU_DEC } AluOp;

static AluOp alu_op_of(const X86Insn *insn)
{
    static const char *const names[] = {"add", "or", "adc", "sbb", "and", "sub", "xor",
                                        "cmp", "test", "not", "neg", "inc", "dec"};
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        if (x86_mnem_is(insn, names[i])) {
            return (AluOp)i;
        }
    }
    return (AluOp)-1;
}

/* r = a op b at size ot; sets the lazy flags. cf_in: the carry for ADC/SBB (a 0/1 temp). */
static IRTemp gen_alu_compute(DisasContext *s, AluOp op, int ot, IRTemp a, IRTemp b, IRTemp cf_in)
{
    IRFunc *f = s->f;
    IRTemp r = ir_temp_new(f);
    switch (op) {
    case ALU_ADD:
        ir_add(f, IR_I64, r, a, b);
        break;
    case ALU_ADC:
        ir_add(f, IR_I64, r, a, b);
        ir_add(f, IR_I64, r, r, cf_in);
        break;
    case ALU_SUB:
    case ALU_CMP:
        ir_sub(f, IR_I64, r, a, b);
        break;
    case ALU_SBB:
        ir_sub(f, IR_I64, r, a, b);
        ir_sub(f, IR_I64, r, r, cf_in);
        break;
    case ALU_AND:
    case ALU_TEST:
        ir_and(f, IR_I64, r, a, b);
        break;
    case ALU_OR:
        ir_or(f, IR_I64, r, a, b);
        break;
    case ALU_XOR:
        ir_xor(f, IR_I64, r, a, b);
        break;
    case ALU_NOT:
        ir_unop(f, IR_NOT, IR_I64, r, a);
        return r; /* no flags */
    case ALU_NEG:
        ir_unop(f, IR_NEG, IR_I64, r, a);
        break;
    case ALU_INC:
        ir_binopi(f, IR_ADD, IR_I64, r, a, 1);
        break;
    case ALU_DEC:
        ir_binopi(f, IR_SUB, IR_I64, r, a, 1);
        break;
    }
    return r;
}

static void gen_alu_flags(DisasContext *s, AluOp op, int ot, IRTemp a, IRTemp b, IRTemp r,
                          IRTemp cf_in)
{
    IRFunc *f = s->f;
    switch (op) {
    case ALU_ADD:
        ir_mov(f, IR_I64, cpu_cc_src, b);
        ir_mov(f, IR_I64, cpu_cc_dst, r);
        gen_set_cc_op(s, CC_OP_ADDB + ot);
        break;
    case ALU_ADC:
        ir_mov(f, IR_I64, cpu_cc_src, b);
        ir_mov(f, IR_I64, cpu_cc_src2, cf_in);
        ir_mov(f, IR_I64, cpu_cc_dst, r);
        gen_set_cc_op(s, CC_OP_ADCB + ot);
        break;
    case ALU_SUB:
    case ALU_CMP:
        ir_mov(f, IR_I64, cpu_cc_src, b);
        ir_mov(f, IR_I64, cpu_cc_dst, r);
        gen_set_cc_op(s, CC_OP_SUBB + ot);
        break;
    case ALU_SBB:
        ir_mov(f, IR_I64, cpu_cc_src, b);
        ir_mov(f, IR_I64, cpu_cc_src2, cf_in);
        ir_mov(f, IR_I64, cpu_cc_dst, r);
        gen_set_cc_op(s, CC_OP_SBBB + ot);
        break;
    case ALU_AND:
    case ALU_OR:
    case ALU_XOR:
    case ALU_TEST:
        ir_mov(f, IR_I64, cpu_cc_dst, r);
        gen_set_cc_op(s, CC_OP_LOGICB + ot);
        break;
    case ALU_NEG:
        ir_mov(f, IR_I64, cpu_cc_src, a);
        ir_mov(f, IR_I64, cpu_cc_dst, r);
        gen_set_cc_op(s, CC_OP_SUBB + ot);
        break;
    case ALU_INC:
    case ALU_DEC:
        ir_mov(f, IR_I64, cpu_cc_src, cf_in);
        ir_mov(f, IR_I64, cpu_cc_dst, r);
        gen_set_cc_op(s, (op == ALU_INC ? CC_OP_INCB : CC_OP_DECB) + ot);
        break;
    case ALU_NOT:
        break;
    }
}

static bool op_needs_cf(AluOp op)
{
    return op == ALU_ADC || op == ALU_SBB || op == ALU_INC || op == ALU_DEC;
}

/* LOCK op [mem]: a compare-and-swap loop, so the read-modify-write is atomic on the host. */
static void gen_alu_locked(DisasContext *s, AluOp op, int ot, IRTemp addr, IRTemp b)
{
    IRFunc *f = s->f;
    IRTemp la = ir_temp_new_local(f), lb = ir_temp_new_local(f), lcf = ir_temp_new_local(f);
    ir_mov(f, IR_I64, la, addr);
    ir_mov(f, IR_I64, lb, b == IR_TEMP_NONE ? ir_const(f, 0) : b);
    if (op_needs_cf(op)) {
        ir_mov(f, IR_I64, lcf, gen_compute_cf(s));
    } else {
        ir_movi(f, IR_I64, lcf, 0);
    }
    int retry = ir_label_new(f);
    IRTemp old = ir_temp_new_local(f), res = ir_temp_new_local(f);
    ir_set_label(f, retry);
    IRTemp o = gen_ld(s, ot, la);
    ir_mov(f, IR_I64, old, o);
    IRTemp r = gen_alu_compute(s, op, ot, old, lb, lcf);
    IRTemp rm = ir_temp_new(f);
    ir_binopi(f, IR_AND, IR_I64, rm, r, ot_mask(ot));
    ir_mov(f, IR_I64, res, rm);
    IRTemp seen = gen_cmpxchg_mem(s, ot, la, old, res);
    ir_brcond(f, IR_I64, IR_COND_NE, seen, old, retry);
    gen_alu_flags(s, op, ot, old, lb, res, lcf);
}

bool x86_tr_alu(DisasContext *s, X86Insn *insn)
{
    IRFunc *f = s->f;
    AluOp op = alu_op_of(insn);
    int ot = insn_ot(insn);
    IRTemp a, b = IR_TEMP_NONE, addr = IR_TEMP_NONE;
    int dst_reg = -1; /* register destination (encoded number), else r/m */
    bool dst_rm = false;
    if ((int)op < 0) {
        return false;
    }
    bool locked = (insn->prefixes & X86_PFX_LOCK) && insn->mem;
    switch ((X86OpEnc)insn->entry->ops) {
    case X86_OPS_MR:
        b = gen_regop_read(s, ot);
        if (locked) {
            gen_alu_locked(s, op, ot, gen_lea_modrm(s), b);
            return true;
        }
        a = gen_rm_read(s, ot, &addr);
        dst_rm = true;
        break;
    case X86_OPS_RM:
        b = gen_rm_read(s, ot, NULL);
        a = gen_regop_read(s, ot);
        dst_reg = ot == 0 ? insn_byte_reg(insn, insn->reg) : insn->reg;
        break;
    case X86_OPS_MI:
        b = gen_imm(s, ot, insn->imm);
        if (locked) {
            gen_alu_locked(s, op, ot, gen_lea_modrm(s), b);
            return true;
        }
        a = gen_rm_read(s, ot, &addr);
        dst_rm = true;
        break;
    case X86_OPS_I:
        b = gen_imm(s, ot, insn->imm);
        a = gen_reg_read(s, ot, R_EAX);
        dst_reg = R_EAX;
        break;
    case X86_OPS_M:
        if (locked) {
            gen_alu_locked(s, op, ot, gen_lea_modrm(s), IR_TEMP_NONE);
            return true;
        }
        a = gen_rm_read(s, ot, &addr);
        dst_rm = true;
        break;
    case X86_OPS_O:
        a = gen_reg_read(s, ot, insn->opreg);
        dst_reg = insn->opreg;
        break;
    default:
        return false;
    }
    /* XOR/SUB of a register with itself: zero, flags as CC_OP_CLR (a common idiom). */
    if ((op == ALU_XOR || op == ALU_SUB) && !insn->mem &&
        ((X86OpEnc)insn->entry->ops == X86_OPS_MR || (X86OpEnc)insn->entry->ops == X86_OPS_RM) &&
        insn->reg == insn->rm) {
        IRTemp z = ir_const(f, 0);
        if (dst_rm) {
            gen_rm_write(s, ot, addr, z);
        } else {
            gen_reg_write(s, ot, dst_reg, z);
        }
        gen_set_cc_op(s, CC_OP_CLR);
        return true;
    }
    IRTemp cf = IR_TEMP_NONE;
    if (op_needs_cf(op)) {
        cf = gen_compute_cf(s);
    }
    IRTemp r = gen_alu_compute(s, op, ot, a, b, cf);
    if (op != ALU_CMP && op != ALU_TEST) {
        if (dst_rm) {
            gen_rm_write(s, ot, addr, r);
        } else {
            gen_reg_write(s, ot, dst_reg, r);
        }
    }
    gen_alu_flags(s, op, ot, a, b, r, cf);
    return true;
}

/* ---- SHIFT ---- */

static int shift_kind(const X86Insn *insn)
{
    static const char *const names[] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar",
                                        "shld", "shrd"};
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        if (x86_mnem_is(insn, names[i])) {
            return (int)i;
        }
    }
    return -1;
}

bool x86_tr_shift(DisasContext *s, X86Insn *insn)
{
    IRFunc *f = s->f;
    int kind = shift_kind(insn);
    int ot = insn_ot(insn);
    unsigned cmask = ot == 3 ? 63 : 31;
    if (kind < 0) {
        return false;
    }
    /* Count: immediate, 1, or CL. */
    bool const_count = true;
    unsigned cval = 0;
    IRTemp count = IR_TEMP_NONE;
    switch ((X86OpEnc)insn->entry->ops) {
    case X86_OPS_M1:
        cval = 1;
        break;
    case X86_OPS_MI:
    case X86_OPS_MRI:
        cval = (unsigned)insn->imm & cmask;
        break;
    case X86_OPS_MC:
    case X86_OPS_MRC:
        const_count = false;
        break;
    default:
        return false;
    }
    if (ot == 2 && !insn->mem) {
        /* A 32-bit register destination is written even for a masked count of 0: its upper
         * half is cleared (SDM 3.4.1.1; what hosts do). */
        gen_rm_write(s, ot, IR_TEMP_NONE, gen_rm_read(s, ot, NULL));
    }
    if (const_count && cval == 0) {
        /* A masked count of 0 changes nothing else (not even the flags) but still accesses
         * the operand (a fault is taken). */
        gen_rm_read(s, ot, NULL);
        return true;
    }
    int skip = -1;
    IRTemp lcount = IR_TEMP_NONE;
    if (!const_count) {
        lcount = ir_temp_new_local(f);
        ir_binopi(f, IR_AND, IR_I64, lcount, cpu_regs[R_ECX], cmask);
        skip = ir_label_new(f);
        ir_brcond(f, IR_I64, IR_COND_EQ, lcount, ir_const(f, 0), skip);
        count = lcount;
    } else {
        count = ir_const(f, cval);
    }
    IRTemp addr;
    IRTemp a = gen_rm_read(s, ot, &addr);
    IRTemp r = ir_temp_new(f);
    if (kind <= 3) {
        IRTemp args[3] = {ir_const(f, (uint64_t)kind | ((uint64_t)ot << 4)), a, count};
        r = gen_helper(s, h_rotate, 3, args);
        gen_rm_write(s, ot, addr, r);
        s->cc_op = X86_CC_OP_DYNAMIC;
    } else if (kind >= 8) {
        IRTemp src = gen_reg_read(s, ot, insn->reg);
        IRTemp args[4] = {ir_const(f, (uint64_t)ot | (kind == 9 ? 0x10u : 0)), a, src, count};
        r = gen_helper(s, h_shd, 4, args);
        gen_rm_write(s, ot, addr, r);
        s->cc_op = X86_CC_OP_DYNAMIC;
    } else {
        IRTemp t = ir_temp_new(f), c1 = ir_temp_new(f), val = a;
        ir_binopi(f, IR_SUB, IR_I64, c1, count, 1);
        if (kind == 7) { /* SAR: sign-extend first */
            static const IROpcode sx[3] = {IR_EXT8S, IR_EXT16S, IR_EXT32S};
            if (ot < 3) {
                val = ir_temp_new(f);
                ir_unop(f, sx[ot], IR_I64, val, a);
            }
            ir_sar(f, IR_I64, t, val, c1);
            ir_binopi(f, IR_SAR, IR_I64, r, t, 1);
        } else if (kind == 5) { /* SHR */
            ir_shr(f, IR_I64, t, val, c1);
            ir_binopi(f, IR_SHR, IR_I64, r, t, 1);
        } else { /* SHL / SAL */
            ir_shl(f, IR_I64, t, val, c1);
            ir_binopi(f, IR_SHL, IR_I64, r, t, 1);
        }
        gen_rm_write(s, ot, addr, r);
        ir_mov(f, IR_I64, cpu_cc_src, t);
        ir_mov(f, IR_I64, cpu_cc_dst, r);
        int op = (kind == 4 || kind == 6 ? CC_OP_SHLB : CC_OP_SHRB) + ot;
        if (const_count) {
            gen_set_cc_op(s, op);
        } else {
            ir_movi(f, IR_I64, cpu_cc_op, (uint64_t)op);
        }
    }
    if (!const_count) {
        ir_set_label(f, skip);
        s->cc_op = X86_CC_OP_DYNAMIC;
    }
    return true;
}

/* ---- MULDIV ---- */

/* dst = a * b (signed or not) at size ot; returns the low part and sets cc_dst/cc_src per
 * CC_OP_MUL (src nonzero iff CF = OF = 1). *hi receives the high part (one-operand forms). */
static IRTemp gen_mul(DisasContext *s, int ot, IRTemp a, IRTemp b, bool sign, IRTemp *hi)
{
    IRFunc *f = s->f;
    IRTemp lo = ir_temp_new(f), h = ir_temp_new(f), ovf = ir_temp_new(f);
    unsigned n = 8u << ot;
    if (ot == 3) {
        ir_mul(f, IR_I64, lo, a, b);
        ir_binop(f, sign ? IR_MULSH : IR_MULUH, IR_I64, h, a, b);
        if (sign) {
            IRTemp t = ir_temp_new(f);
            ir_binopi(f, IR_SAR, IR_I64, t, lo, 63);
            ir_xor(f, IR_I64, ovf, h, t);
        } else {
            ir_mov(f, IR_I64, ovf, h);
        }
    } else {
        IRTemp p = ir_temp_new(f);
        if (sign) {
            ir_mul(f, IR_I64, p, gen_ext(s, a, ot, true), gen_ext(s, b, ot, true));
        } else {
            ir_mul(f, IR_I64, p, a, b); /* operands zero-extended */
        }
        ir_binopi(f, IR_AND, IR_I64, lo, p, ot_mask(ot));
        ir_binopi(f, sign ? IR_SAR : IR_SHR, IR_I64, h, p, n);
        ir_binopi(f, IR_AND, IR_I64, h, h, ot_mask(ot));
        if (sign) {
            IRTemp t = ir_temp_new(f);
            ir_sub(f, IR_I64, t, p, gen_ext(s, lo, ot, true)); /* nonzero iff it overflowed */
            ir_mov(f, IR_I64, ovf, t);
        } else {
            ir_mov(f, IR_I64, ovf, h);
        }
    }
    ir_mov(f, IR_I64, cpu_cc_dst, lo);
    ir_mov(f, IR_I64, cpu_cc_src, ovf);
    if (ot < 3 && sign) {
        /* CC_OP_MUL tests src at the operation size: fold a wider difference into it. */
        IRTemp nz = ir_temp_new(f);
        ir_setcond(f, IR_I64, IR_COND_NE, nz, ovf, ir_const(f, 0));
        ir_mov(f, IR_I64, cpu_cc_src, nz);
    }
    gen_set_cc_op(s, CC_OP_MULB + ot);
    *hi = h;
    return lo;
}

bool x86_tr_muldiv(DisasContext *s, X86Insn *insn)
{
    IRFunc *f = s->f;
    int ot = insn_ot(insn);
    bool is_imul = x86_mnem_is(insn, "imul");
    IRTemp hi;
    if ((X86OpEnc)insn->entry->ops == X86_OPS_RM || (X86OpEnc)insn->entry->ops == X86_OPS_RMI) {
        /* IMUL r, r/m (, imm): truncated product in the register. */
        IRTemp b = gen_rm_read(s, ot, NULL);
        IRTemp a = (X86OpEnc)insn->entry->ops == X86_OPS_RMI ? gen_imm(s, ot, insn->imm)
                                                             : gen_reg_read(s, ot, insn->reg);
        IRTemp lo = gen_mul(s, ot, a, b, true, &hi);
        gen_reg_write(s, ot, insn->reg, lo);
        return true;
    }
    IRTemp src = gen_rm_read(s, ot, NULL);
    if (x86_mnem_is(insn, "mul") || is_imul) {
        IRTemp a = gen_reg_read(s, ot, R_EAX);
        IRTemp lo = gen_mul(s, ot, a, src, is_imul, &hi);
        if (ot == 0) {
            IRTemp ax = ir_temp_new(f);
            ir_binopi(f, IR_SHL, IR_I64, ax, hi, 8);
            ir_or(f, IR_I64, ax, ax, lo);
            gen_reg_write(s, 1, R_EAX, ax);
        } else {
            gen_reg_write(s, ot, R_EAX, lo);
            gen_reg_write(s, ot, R_EDX, hi);
        }
        return true;
    }
    bool sign = x86_mnem_is(insn, "idiv");
    if (!sign && !x86_mnem_is(insn, "div")) {
        return false;
    }
    IRTemp args[2] = {ir_const(f, (uint64_t)ot | (sign ? 0x10u : 0)), src};
    gen_helper(s, h_div, 2, args);
    /* Flags are undefined after DIV/IDIV: the lazy state is kept as it was. */
    return true;
}

/* ---- BITOP ---- */

bool x86_tr_bitop(DisasContext *s, X86Insn *insn)
{
    IRFunc *f = s->f;
    int ot = insn_ot(insn);
    unsigned n = 8u << ot;
    const char *m = insn->entry->mnem;
    if (m[0] == 'b' && m[1] == 't') {
        /* BT BTS BTR BTC: bit offset from a register (any value: memory operands reach
         * other bytes) or an immediate (modulo the size). */
        int which = m[2] == 0 ? 0 : m[2] == 's' ? 1 : m[2] == 'r' ? 2 : 3;
        IRTemp bit = ir_temp_new(f), addr = IR_TEMP_NONE, val;
        bool imm = (X86OpEnc)insn->entry->ops == X86_OPS_MI;
        if (insn->mem) {
            addr = gen_lea_modrm(s);
            if (!imm) {
                IRTemp off = gen_ext(s, gen_reg_read(s, ot, insn->reg), ot, true);
                IRTemp disp = ir_temp_new(f), na = ir_temp_new(f);
                ir_binopi(f, IR_SAR, IR_I64, disp, off, 3 + ot);
                ir_binopi(f, IR_SHL, IR_I64, disp, disp, ot);
                ir_add(f, IR_I64, na, addr, disp);
                if (!s->code64) {
                    ir_unop(f, IR_EXT32U, IR_I64, na, na);
                }
                addr = na;
                ir_binopi(f, IR_AND, IR_I64, bit, off, n - 1);
            } else {
                ir_movi(f, IR_I64, bit, (uint64_t)insn->imm & (n - 1));
            }
            val = gen_ld(s, ot, addr);
        } else {
            if (imm) {
                ir_movi(f, IR_I64, bit, (uint64_t)insn->imm & (n - 1));
            } else {
                ir_binopi(f, IR_AND, IR_I64, bit, gen_reg_read(s, ot, insn->reg), n - 1);
            }
            val = gen_reg_read(s, ot, insn->rm);
        }
        IRTemp cf = ir_temp_new(f), mask = ir_temp_new(f);
        ir_shr(f, IR_I64, cf, val, bit);
        ir_binopi(f, IR_AND, IR_I64, cf, cf, 1);
        if (which) {
            IRTemp nv = ir_temp_new(f);
            ir_shl(f, IR_I64, mask, ir_const(f, 1), bit);
            if (which == 1) {
                ir_or(f, IR_I64, nv, val, mask);
            } else if (which == 2) {
                ir_binop(f, IR_ANDC, IR_I64, nv, val, mask);
            } else {
                ir_xor(f, IR_I64, nv, val, mask);
            }
            if (insn->mem) {
                if (insn->prefixes & X86_PFX_LOCK) {
                    /* LOCK BTS/BTR/BTC: compare-and-swap of the whole operand. */
                    /* val and bit are needed after the labels of gen_cmpxchg_mem */
                    IRTemp lval = ir_temp_new_local(f), lbit = ir_temp_new_local(f);
                    ir_mov(f, IR_I64, lval, val);
                    ir_mov(f, IR_I64, lbit, bit);
                    IRTemp seen = gen_cmpxchg_mem(s, ot, addr, lval, nv);
                    bit = lbit;
                    /* A lost race is retried from the instruction start. */
                    int ok = ir_label_new(f);
                    ir_brcond(f, IR_I64, IR_COND_EQ, seen, lval, ok);
                    ir_movi(f, IR_I64, cpu_rip, s_eip(s));
                    ir_exit_tb(f, 0);
                    ir_set_label(f, ok);
                    IRTemp cf2 = ir_temp_new(f);
                    ir_shr(f, IR_I64, cf2, seen, bit);
                    ir_binopi(f, IR_AND, IR_I64, cf, cf2, 1);
                } else {
                    gen_st(s, ot, addr, nv);
                }
            } else {
                gen_reg_write(s, ot, insn->rm, nv);
            }
        }
        /* CF = the bit; ZF is unchanged (defined); OF SF AF PF are undefined: keep them. */
        gen_compute_eflags(s);
        IRTemp t = ir_temp_new(f);
        ir_binopi(f, IR_AND, IR_I64, t, cpu_cc_src, ~(uint64_t)CC_C);
        ir_or(f, IR_I64, cpu_cc_src, t, cf);
        return true;
    }
    IRTemp src = gen_rm_read(s, ot, NULL);
    IRTemp r = ir_temp_new(f);
    /* F3 0F BC/BD on a CPU without BMI1/LZCNT (CPUID 7.EBX[3], 80000001h.ECX[5]) is a REP
     * prefix on BSF/BSR, and runs as that (SDM LZCNT/TZCNT compatibility note). */
    const X86CPUModel *model = x86_cpu(s->cpu)->model;
    if (!strcmp(m, "lzcnt") && !(model->ext_features_ecx & (1u << 5))) {
        m = "bsr";
    } else if (!strcmp(m, "tzcnt") && !(model->leaf7_ebx & (1u << 3))) {
        m = "bsf";
    }
    if (!strcmp(m, "bsf") || !strcmp(m, "bsr")) {
        /* Source 0: ZF = 1 and the destination keeps its value (what AMD documents and
         * Intel CPUs do). */
        IRTemp cur = gen_reg_read(s, ot, insn->reg);
        if (m[2] == 'f') {
            ir_unop(f, IR_CTZ, IR_I64, r, src);
        } else {
            ir_unop(f, IR_CLZ, IR_I64, r, src);
            ir_binopi(f, IR_XOR, IR_I64, r, r, 63);
        }
        ir_movcond(f, IR_I64, IR_COND_EQ, r, src, ir_const(f, 0), cur, r);
        gen_reg_write(s, ot, insn->reg, r);
        ir_mov(f, IR_I64, cpu_cc_dst, src);
        gen_set_cc_op(s, CC_OP_POPCNT);
        return true;
    }
    if (!strcmp(m, "popcnt")) {
        IRTemp args[1] = {src};
        ir_call(f, h_popcnt, r, args, 1);
        gen_reg_write(s, ot, insn->reg, r);
        ir_mov(f, IR_I64, cpu_cc_dst, src);
        gen_set_cc_op(s, CC_OP_POPCNT);
        return true;
    }
    if (!strcmp(m, "lzcnt") || !strcmp(m, "tzcnt")) {
        if (m[0] == 'l') {
            ir_unop(f, IR_CLZ, IR_I64, r, src);
            ir_binopi(f, IR_SUB, IR_I64, r, r, 64 - n);
        } else {
            IRTemp t = ir_temp_new(f);
            ir_binopi(f, IR_OR, IR_I64, t, src, ot == 3 ? 0 : (1ull << n)); /* cap at n */
            ir_unop(f, IR_CTZ, IR_I64, r, ot == 3 ? src : t);
        }
        gen_reg_write(s, ot, insn->reg, r);
        ir_mov(f, IR_I64, cpu_cc_dst, r);
        ir_mov(f, IR_I64, cpu_cc_src, src);
        gen_set_cc_op(s, CC_OP_ZCNT);
        return true;
    }
    return false;
}

/* ---- BCD ---- */

bool x86_tr_bcd(DisasContext *s, X86Insn *insn)
{
    static const char *const names[] = {"daa", "das", "aaa", "aas", "aam", "aad"};
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        if (x86_mnem_is(insn, names[i])) {
            IRTemp args[2] = {ir_const(s->f, i), ir_const(s->f, (uint64_t)insn->imm & 0xff)};
            gen_helper(s, h_bcd, 2, args);
            s->cc_op = X86_CC_OP_DYNAMIC;
            return true;
        }
    }
    return false;
}
