/*
 * decode-a64-fp-scalar.c — execution of the scalar floating-point groups of ARM ARM C4.1.6
 * (DDI 0487: "Conversion between floating-point and fixed-point", "... and integer",
 * "Floating-point data-processing (1, 2, 3 source)", "compare", "conditional compare",
 * "conditional select", "immediate"). a64_fp_exec_scalar(NULL, insn) only validates; with an
 * env it runs the instruction (helper context, owner vCPU thread). No FEAT_FP16: half-precision
 * arithmetic and FMOV of H registers are unallocated; FCVT to and from H is base ARMv8.0.
 */
#include <string.h>

#include "target-arm/decode-a64-fp-ops.h"
#include "target-arm/fpu.h"

/* ---- register access ---- */
uint64_t a64_fp_vget(const CPUARMState *env, int reg, int idx, int sz)
{
    uint64_t v = 0;
    memcpy(&v, (const uint8_t *)env->vregs[reg] + (idx << sz), (size_t)1 << sz);
    return v;
}

void a64_fp_vset(CPUARMState *env, int reg, int idx, int sz, uint64_t val)
{
    memcpy((uint8_t *)env->vregs[reg] + (idx << sz), &val, (size_t)1 << sz);
}

void a64_fp_vset_scalar(CPUARMState *env, int reg, int sz, uint64_t val)
{
    env->vregs[reg][0] = 0;
    env->vregs[reg][1] = 0;
    a64_fp_vset(env, reg, 0, sz, val);
}

/* Xn with register 31 as XZR (the only meaning it has in these groups). */
static uint64_t fp_xget(const CPUARMState *env, int r) { return r == 31 ? 0 : env->xregs[r]; }
static void fp_xset(CPUARMState *env, int r, uint64_t v, bool sf)
{
    if (r != 31)
        env->xregs[r] = sf ? v : (uint32_t)v;
}

static void fp_set_nzcv(CPUARMState *env, unsigned nzcv)
{
    env->NF = (nzcv & 8) ? ~(uint64_t)0 : 0;
    env->ZF = (nzcv & 4) ? 0 : 1;
    env->CF = (nzcv >> 1) & 1;
    env->VF = (nzcv & 1) ? (uint64_t)1 << 63 : 0;
}

/* ConditionHolds (ARM ARM J1.2) on the NF/ZF/CF/VF representation of cpu.h. */
static bool fp_cond_holds(const CPUARMState *env, unsigned cond)
{
    bool n = env->NF >> 63, z = env->ZF == 0, c = env->CF != 0, v = env->VF >> 63;
    bool r;
    switch (cond >> 1) {
    case 0: r = z; break;
    case 1: r = c; break;
    case 2: r = n; break;
    case 3: r = v; break;
    case 4: r = c && !z; break;
    case 5: r = n == v; break;
    case 6: r = n == v && !z; break;
    default: r = true; break;
    }
    if ((cond & 1) && cond != 15)
        r = !r;
    return r;
}

/* ptype field -> element size, or -1 (10 is unallocated; 11 is half, FEAT_FP16). */
static int fp_ptype_sz(unsigned ptype)
{
    return ptype == 0 ? FPU_S : ptype == 1 ? FPU_D : ptype == 3 ? FPU_H : -1;
}

/* ---- conversion between floating point and fixed point / integer ---- */
static bool fp_conv_int(CPUARMState *env, uint32_t insn, bool fixed)
{
    bool sf = insn >> 31;
    int sz = fp_ptype_sz((insn >> 22) & 3);
    unsigned rmode = (insn >> 19) & 3, opcode = (insn >> 16) & 7, scale = (insn >> 10) & 63;
    int rn = (insn >> 5) & 31, rd = insn & 31;
    int ibits = sf ? 64 : 32;
    if ((insn >> 29) & 1)
        return false;
    if (!fixed && opcode >= 6 && rmode == 1 && sf && ((insn >> 22) & 3) == 2) {
        if (!env) /* FMOV Xd, Vn.D[1] and FMOV Vd.D[1], Xn: the other half is kept */
            return true;
        if (opcode == 6)
            fp_xset(env, rd, env->vregs[rn][1], true);
        else
            env->vregs[rd][1] = fp_xget(env, rn);
        return true;
    }
    if (sz < 0)
        return false;
    if (fixed) {
        int fbits = 64 - (int)scale;
        if (!sf && scale < 32)
            return false;
        if (sz == FPU_H)
            return false;
        bool to_int = rmode == 3 && opcode <= 1, to_fp = rmode == 0 && (opcode == 2 || opcode == 3);
        if (!to_int && !to_fp)
            return false;
        if (!env)
            return true;
        if (to_int) {
            uint64_t r = fpu_to_fixed(sz, a64_fp_vget(env, rn, 0, sz), fbits, opcode & 1, ibits,
                                      FPR_ZERO, env->fpcr, &env->fpsr);
            fp_xset(env, rd, r, sf);
        } else {
            uint64_t r = fpu_from_fixed(sz, fp_xget(env, rn), fbits, opcode & 1, ibits,
                                        fpu_rmode(env->fpcr), env->fpcr, &env->fpsr);
            a64_fp_vset_scalar(env, rd, sz, r);
        }
        return true;
    }
    if (opcode >= 6) { /* FMOV between general and FP registers */
        bool to_gen = opcode == 6;
        if (rmode == 0 && ((!sf && sz == FPU_S) || (sf && sz == FPU_D))) {
            if (!env)
                return true;
            if (to_gen)
                fp_xset(env, rd, a64_fp_vget(env, rn, 0, sz), sf);
            else
                a64_fp_vset_scalar(env, rd, sz, fp_xget(env, rn));
            return true;
        }
        return false;
    }
    if (sz == FPU_H)
        return false;
    if (opcode <= 1 || opcode == 4 || opcode == 5) { /* FCVT{N,P,M,Z}{S,U}, FCVTA{S,U} */
        FPRounding r;
        if (opcode >= 4) {
            if (rmode != 0)
                return false;
            r = FPR_TIEAWAY;
        } else {
            static const FPRounding modes[4] = {FPR_TIEEVEN, FPR_POSINF, FPR_NEGINF, FPR_ZERO};
            r = modes[rmode];
        }
        if (!env)
            return true;
        uint64_t v = fpu_to_fixed(sz, a64_fp_vget(env, rn, 0, sz), 0, opcode & 1, ibits, r,
                                  env->fpcr, &env->fpsr);
        fp_xset(env, rd, v, sf);
        return true;
    }
    /* SCVTF, UCVTF */
    if (rmode != 0)
        return false;
    if (!env)
        return true;
    uint64_t v = fpu_from_fixed(sz, fp_xget(env, rn), 0, opcode & 1, ibits, fpu_rmode(env->fpcr),
                                env->fpcr, &env->fpsr);
    a64_fp_vset_scalar(env, rd, sz, v);
    return true;
}

/* ---- data-processing (1 source) ---- */
static bool fp_dp1(CPUARMState *env, uint32_t insn)
{
    unsigned ptype = (insn >> 22) & 3, opcode = (insn >> 15) & 63;
    int sz = fp_ptype_sz(ptype), rn = (insn >> 5) & 31, rd = insn & 31;
    if ((insn >> 29) & 1 || (insn >> 31) || sz < 0)
        return false;
    if (opcode >= 4 && opcode <= 7) { /* FCVT between precisions */
        static const int to_sz[4] = {FPU_S, FPU_D, -1, FPU_H};
        int tsz = to_sz[opcode - 4];
        if (tsz < 0 || tsz == sz)
            return false;
        if (!env)
            return true;
        uint64_t r = fpu_convert(tsz, sz, a64_fp_vget(env, rn, 0, sz), fpu_rmode(env->fpcr),
                                 env->fpcr, &env->fpsr);
        a64_fp_vset_scalar(env, rd, tsz, r);
        return true;
    }
    if (sz == FPU_H)
        return false;
    if (opcode > 15 || opcode == 13 || (opcode >= 4 && opcode <= 7))
        return false;
    if (!env)
        return true;
    uint64_t a = a64_fp_vget(env, rn, 0, sz), r;
    uint32_t fpcr = env->fpcr;
    switch (opcode) {
    case 0: r = a; break;
    case 1: r = fpu_abs(sz, a); break;
    case 2: r = fpu_neg(sz, a); break;
    case 3: r = fpu_sqrt(sz, a, fpcr, &env->fpsr); break;
    case 8: r = fpu_round_int(sz, a, FPR_TIEEVEN, false, fpcr, &env->fpsr); break;
    case 9: r = fpu_round_int(sz, a, FPR_POSINF, false, fpcr, &env->fpsr); break;
    case 10: r = fpu_round_int(sz, a, FPR_NEGINF, false, fpcr, &env->fpsr); break;
    case 11: r = fpu_round_int(sz, a, FPR_ZERO, false, fpcr, &env->fpsr); break;
    case 12: r = fpu_round_int(sz, a, FPR_TIEAWAY, false, fpcr, &env->fpsr); break;
    case 14: r = fpu_round_int(sz, a, fpu_rmode(fpcr), true, fpcr, &env->fpsr); break;
    default: r = fpu_round_int(sz, a, fpu_rmode(fpcr), false, fpcr, &env->fpsr); break;
    }
    a64_fp_vset_scalar(env, rd, sz, r);
    return true;
}

/* ---- data-processing (2 source): FMUL FDIV FADD FSUB FMAX FMIN FMAXNM FMINNM FNMUL ---- */
uint64_t a64_fp_binop2(int opcode, int sz, uint64_t a, uint64_t b, uint32_t fpcr,
                       uint32_t *fpsr)
{
    switch (opcode) {
    case 0: return fpu_mul(sz, a, b, fpcr, fpsr);
    case 1: return fpu_div(sz, a, b, fpcr, fpsr);
    case 2: return fpu_add(sz, a, b, fpcr, fpsr);
    case 3: return fpu_sub(sz, a, b, fpcr, fpsr);
    case 4: return fpu_max(sz, a, b, fpcr, fpsr);
    case 5: return fpu_min(sz, a, b, fpcr, fpsr);
    case 6: return fpu_maxnum(sz, a, b, fpcr, fpsr);
    case 7: return fpu_minnum(sz, a, b, fpcr, fpsr);
    default: return fpu_neg(sz, fpu_mul(sz, a, b, fpcr, fpsr)); /* FNMUL negates the result */
    }
}

static bool fp_dp2(CPUARMState *env, uint32_t insn)
{
    int sz = fp_ptype_sz((insn >> 22) & 3);
    unsigned opcode = (insn >> 12) & 15;
    int rm = (insn >> 16) & 31, rn = (insn >> 5) & 31, rd = insn & 31;
    if ((insn >> 29) & 1 || (insn >> 31) || sz < 0 || sz == FPU_H || opcode > 8)
        return false;
    if (!env)
        return true;
    uint64_t r = a64_fp_binop2((int)opcode, sz, a64_fp_vget(env, rn, 0, sz),
                               a64_fp_vget(env, rm, 0, sz), env->fpcr, &env->fpsr);
    a64_fp_vset_scalar(env, rd, sz, r);
    return true;
}

/* ---- data-processing (3 source): FMADD FMSUB FNMADD FNMSUB (negation before FPMulAdd) ---- */
static bool fp_dp3(CPUARMState *env, uint32_t insn)
{
    int sz = fp_ptype_sz((insn >> 22) & 3);
    bool o1 = (insn >> 21) & 1, o0 = (insn >> 15) & 1;
    int rm = (insn >> 16) & 31, ra = (insn >> 10) & 31, rn = (insn >> 5) & 31, rd = insn & 31;
    if ((insn >> 29) & 1 || (insn >> 31) || sz < 0 || sz == FPU_H)
        return false;
    if (!env)
        return true;
    uint64_t a = a64_fp_vget(env, ra, 0, sz), n = a64_fp_vget(env, rn, 0, sz);
    uint64_t m = a64_fp_vget(env, rm, 0, sz);
    if (o1)
        a = fpu_neg(sz, a);
    if (o0 != o1)
        n = fpu_neg(sz, n);
    a64_fp_vset_scalar(env, rd, sz, fpu_muladd(sz, a, n, m, env->fpcr, &env->fpsr));
    return true;
}

/* ---- compare, conditional compare, conditional select, immediate ---- */
static bool fp_compare(CPUARMState *env, uint32_t insn)
{
    int sz = fp_ptype_sz((insn >> 22) & 3);
    int rm = (insn >> 16) & 31, rn = (insn >> 5) & 31;
    unsigned op = (insn >> 14) & 3, opc2 = insn & 31;
    if ((insn >> 29) & 1 || (insn >> 31) || sz < 0 || sz == FPU_H || op != 0 || (opc2 & 7))
        return false;
    if (!env)
        return true;
    uint64_t b = (opc2 & 8) ? 0 : a64_fp_vget(env, rm, 0, sz);
    fp_set_nzcv(env, fpu_compare(sz, a64_fp_vget(env, rn, 0, sz), b, (opc2 >> 4) & 1,
                                 env->fpcr, &env->fpsr));
    return true;
}

static bool fp_ccmp(CPUARMState *env, uint32_t insn)
{
    int sz = fp_ptype_sz((insn >> 22) & 3);
    int rm = (insn >> 16) & 31, rn = (insn >> 5) & 31;
    unsigned cond = (insn >> 12) & 15;
    if ((insn >> 29) & 1 || (insn >> 31) || sz < 0 || sz == FPU_H)
        return false;
    if (!env)
        return true;
    if (fp_cond_holds(env, cond))
        fp_set_nzcv(env, fpu_compare(sz, a64_fp_vget(env, rn, 0, sz),
                                     a64_fp_vget(env, rm, 0, sz), (insn >> 4) & 1, env->fpcr,
                                     &env->fpsr));
    else
        fp_set_nzcv(env, insn & 15);
    return true;
}

static bool fp_csel(CPUARMState *env, uint32_t insn)
{
    int sz = fp_ptype_sz((insn >> 22) & 3);
    int rm = (insn >> 16) & 31, rn = (insn >> 5) & 31, rd = insn & 31;
    if ((insn >> 29) & 1 || (insn >> 31) || sz < 0 || sz == FPU_H)
        return false;
    if (!env)
        return true;
    int src = fp_cond_holds(env, (insn >> 12) & 15) ? rn : rm;
    a64_fp_vset_scalar(env, rd, sz, a64_fp_vget(env, src, 0, sz));
    return true;
}

static bool fp_imm(CPUARMState *env, uint32_t insn)
{
    int sz = fp_ptype_sz((insn >> 22) & 3);
    if ((insn >> 29) & 1 || (insn >> 31) || sz < 0 || sz == FPU_H || ((insn >> 5) & 31))
        return false;
    if (!env)
        return true;
    a64_fp_vset_scalar(env, insn & 31, sz, fpu_expand_imm(sz, (insn >> 13) & 0xff));
    return true;
}

/* The scalar floating-point groups: op0 = x111, bit 30 = 0, bits 28:24 = 1111x. */
bool a64_fp_exec_scalar(CPUARMState *env, uint32_t insn)
{
    if ((insn & 0x5f000000) == 0x1f000000)
        return fp_dp3(env, insn);
    if ((insn & 0x5f000000) != 0x1e000000)
        return false;
    if (!((insn >> 21) & 1))
        return fp_conv_int(env, insn, true);
    switch ((insn >> 10) & 3) {
    case 1: return fp_ccmp(env, insn);
    case 2: return fp_dp2(env, insn);
    case 3: return fp_csel(env, insn);
    default: break;
    }
    if ((insn >> 12) & 1)
        return fp_imm(env, insn);
    if (((insn >> 10) & 15) == 8)
        return fp_compare(env, insn);
    if (((insn >> 10) & 31) == 16)
        return fp_dp1(env, insn);
    if (((insn >> 10) & 63) == 0)
        return fp_conv_int(env, insn, false);
    return false;
}
