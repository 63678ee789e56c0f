/*
 * decode-a64-fp-simd.c — execution of the floating-point opcodes of the Advanced SIMD groups
 * (ARM ARM C4.1.6: three same, two-register miscellaneous, by element, scalar pairwise, across
 * lanes, shift by immediate; vector and scalar forms). Each function validates only with
 * env == NULL, and runs the instruction with an env (helper context, owner vCPU thread).
 * Results are computed into a local array before any register is written, so Vd may alias a
 * source. 64-bit vector and scalar results zero bits 127:64 (ARM ARM C1.2.5).
 * No FEAT_FP16: every half-precision arithmetic form is unallocated.
 */
#include "target-arm/decode-a64-fp-ops.h"
#include "target-arm/fpu.h"

uint64_t a64_fp_binop2(int opcode, int sz, uint64_t a, uint64_t b, uint32_t fpcr,
                       uint32_t *fpsr);

/* Element operations of the three-same group, keyed U:a:opcode<2:0> (opcode<4:3> = 11). */
enum {
    K_FMAXNM = 000, K_FMLA = 001, K_FADD = 002, K_FMULX = 003, K_FCMEQ = 004, K_FMAX = 006,
    K_FRECPS = 007, K_FMINNM = 010, K_FMLS = 011, K_FSUB = 012, K_FMIN = 016, K_FRSQRTS = 017,
    K_FMAXNMP = 020, K_FADDP = 022, K_FMUL = 023, K_FCMGE = 024, K_FACGE = 025, K_FMAXP = 026,
    K_FDIV = 027, K_FMINNMP = 030, K_FABD = 032, K_FCMGT = 034, K_FACGT = 035, K_FMINP = 036,
};

static uint64_t fp_ones(int sz) { return sz == 3 ? ~(uint64_t)0 : ((uint64_t)1 << (8 << sz)) - 1; }

static uint64_t fp_elem_binop(int key, int sz, uint64_t n, uint64_t m, uint64_t d,
                              uint32_t fpcr, uint32_t *fpsr)
{
    switch (key) {
    case K_FMAXNM: case K_FMAXNMP: return fpu_maxnum(sz, n, m, fpcr, fpsr);
    case K_FMINNM: case K_FMINNMP: return fpu_minnum(sz, n, m, fpcr, fpsr);
    case K_FMAX: case K_FMAXP: return fpu_max(sz, n, m, fpcr, fpsr);
    case K_FMIN: case K_FMINP: return fpu_min(sz, n, m, fpcr, fpsr);
    case K_FMLA: return fpu_muladd(sz, d, n, m, fpcr, fpsr);
    case K_FMLS: return fpu_muladd(sz, d, fpu_neg(sz, n), m, fpcr, fpsr);
    case K_FADD: case K_FADDP: return fpu_add(sz, n, m, fpcr, fpsr);
    case K_FSUB: return fpu_sub(sz, n, m, fpcr, fpsr);
    case K_FMUL: return fpu_mul(sz, n, m, fpcr, fpsr);
    case K_FMULX: return fpu_mulx(sz, n, m, fpcr, fpsr);
    case K_FDIV: return fpu_div(sz, n, m, fpcr, fpsr);
    case K_FABD: return fpu_abs(sz, fpu_sub(sz, n, m, fpcr, fpsr));
    case K_FRECPS: return fpu_recps(sz, n, m, fpcr, fpsr);
    case K_FRSQRTS: return fpu_rsqrts(sz, n, m, fpcr, fpsr);
    case K_FCMEQ: return fpu_compare_eq(sz, n, m, fpcr, fpsr) ? fp_ones(sz) : 0;
    case K_FCMGE: return fpu_compare_ge(sz, n, m, fpcr, fpsr) ? fp_ones(sz) : 0;
    case K_FCMGT: return fpu_compare_gt(sz, n, m, fpcr, fpsr) ? fp_ones(sz) : 0;
    case K_FACGE:
        return fpu_compare_ge(sz, fpu_abs(sz, n), fpu_abs(sz, m), fpcr, fpsr) ? fp_ones(sz) : 0;
    default:
        return fpu_compare_gt(sz, fpu_abs(sz, n), fpu_abs(sz, m), fpcr, fpsr) ? fp_ones(sz) : 0;
    }
}

/* Writes `count` elements of size sz to Vd (count * size = 8 or 16 bytes). */
static void fp_write_vec(CPUARMState *env, int rd, int sz, int count, const uint64_t *res)
{
    for (int i = 0; i < count; i++)
        a64_fp_vset(env, rd, i, sz, res[i]);
    if ((count << sz) == 8)
        env->vregs[rd][1] = 0;
}

/* ---- three same ---- */
bool a64_fp_exec_simd_three_same(CPUARMState *env, uint32_t insn, bool scalar)
{
    bool q = (insn >> 30) & 1, u = (insn >> 29) & 1, a = (insn >> 23) & 1;
    int sz = ((insn >> 22) & 1) ? FPU_D : FPU_S;
    unsigned opcode = (insn >> 11) & 31;
    int rm = (insn >> 16) & 31, rn = (insn >> 5) & 31, rd = insn & 31;
    if ((opcode >> 3) != 3)
        return false;
    int key = (u << 4) | (a << 3) | (opcode & 7);
    switch (key) {
    case K_FMAXNM: case K_FMLA: case K_FADD: case K_FMULX: case K_FCMEQ: case K_FMAX:
    case K_FRECPS: case K_FMINNM: case K_FMLS: case K_FSUB: case K_FMIN: case K_FRSQRTS:
    case K_FMAXNMP: case K_FADDP: case K_FMUL: case K_FCMGE: case K_FACGE: case K_FMAXP:
    case K_FDIV: case K_FMINNMP: case K_FABD: case K_FCMGT: case K_FACGT: case K_FMINP:
        break;
    default:
        return false;
    }
    if (scalar) {
        switch (key) {
        case K_FMULX: case K_FCMEQ: case K_FRECPS: case K_FRSQRTS: case K_FCMGE: case K_FACGE:
        case K_FABD: case K_FCMGT: case K_FACGT:
            break;
        default:
            return false;
        }
    } else if (sz == FPU_D && !q) {
        return false;
    }
    if (!env)
        return true;
    if (scalar) {
        uint64_t r = fp_elem_binop(key, sz, a64_fp_vget(env, rn, 0, sz),
                                   a64_fp_vget(env, rm, 0, sz), 0, env->fpcr, &env->fpsr);
        a64_fp_vset_scalar(env, rd, sz, r);
        return true;
    }
    int count = (q ? 16 : 8) >> sz;
    bool pairwise = key == K_FMAXNMP || key == K_FADDP || key == K_FMAXP || key == K_FMINNMP ||
                    key == K_FMINP;
    uint64_t res[4];
    for (int i = 0; i < count; i++) {
        uint64_t n, m;
        if (pairwise) {
            /* pairs of the concatenation Vm:Vn, Vn's elements first */
            int e = 2 * i, src = e < count ? rn : rm;
            n = a64_fp_vget(env, src, e % count, sz);
            m = a64_fp_vget(env, src, (e + 1) % count, sz);
        } else {
            n = a64_fp_vget(env, rn, i, sz);
            m = a64_fp_vget(env, rm, i, sz);
        }
        res[i] = fp_elem_binop(key, sz, n, m, a64_fp_vget(env, rd, i, sz), env->fpcr,
                               &env->fpsr);
    }
    fp_write_vec(env, rd, sz, count, res);
    return true;
}

/* ---- two-register miscellaneous ---- */
/* Unary element operations, keyed U:a:opcode (7 bits). */
enum {
    M_FCVTN = 0026, M_FCVTL = 0027, M_FRINTN = 0030, M_FRINTM = 0031, M_FCVTNS = 0032,
    M_FCVTMS = 0033, M_FCVTAS = 0034, M_SCVTF = 0035,
    M_FCMGT0 = 0054, M_FCMEQ0 = 0055, M_FCMLT0 = 0056, M_FABS = 0057, M_FRINTP = 0070,
    M_FRINTZ = 0071, M_FCVTPS = 0072, M_FCVTZS = 0073, M_URECPE = 0074, M_FRECPE = 0075,
    M_FRECPX = 0077,
    M_FCVTXN = 0126, M_FRINTA = 0130, M_FRINTX = 0131, M_FCVTNU = 0132, M_FCVTMU = 0133,
    M_FCVTAU = 0134, M_UCVTF = 0135,
    M_FCMGE0 = 0154, M_FCMLE0 = 0155, M_FNEG = 0157, M_FRINTI = 0171, M_FCVTPU = 0172,
    M_FCVTZU = 0173, M_URSQRTE = 0174, M_FRSQRTE = 0175, M_FSQRT = 0177,
};

static uint64_t fp_elem_unop(int key, int sz, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
    FPRounding rm = fpu_rmode(fpcr);
    int ib = 8 << sz;
    switch (key) {
    case M_FRINTN: return fpu_round_int(sz, a, FPR_TIEEVEN, false, fpcr, fpsr);
    case M_FRINTM: return fpu_round_int(sz, a, FPR_NEGINF, false, fpcr, fpsr);
    case M_FRINTP: return fpu_round_int(sz, a, FPR_POSINF, false, fpcr, fpsr);
    case M_FRINTZ: return fpu_round_int(sz, a, FPR_ZERO, false, fpcr, fpsr);
    case M_FRINTA: return fpu_round_int(sz, a, FPR_TIEAWAY, false, fpcr, fpsr);
    case M_FRINTX: return fpu_round_int(sz, a, rm, true, fpcr, fpsr);
    case M_FRINTI: return fpu_round_int(sz, a, rm, false, fpcr, fpsr);
    case M_FCVTNS: return fpu_to_fixed(sz, a, 0, false, ib, FPR_TIEEVEN, fpcr, fpsr);
    case M_FCVTMS: return fpu_to_fixed(sz, a, 0, false, ib, FPR_NEGINF, fpcr, fpsr);
    case M_FCVTAS: return fpu_to_fixed(sz, a, 0, false, ib, FPR_TIEAWAY, fpcr, fpsr);
    case M_FCVTPS: return fpu_to_fixed(sz, a, 0, false, ib, FPR_POSINF, fpcr, fpsr);
    case M_FCVTZS: return fpu_to_fixed(sz, a, 0, false, ib, FPR_ZERO, fpcr, fpsr);
    case M_FCVTNU: return fpu_to_fixed(sz, a, 0, true, ib, FPR_TIEEVEN, fpcr, fpsr);
    case M_FCVTMU: return fpu_to_fixed(sz, a, 0, true, ib, FPR_NEGINF, fpcr, fpsr);
    case M_FCVTAU: return fpu_to_fixed(sz, a, 0, true, ib, FPR_TIEAWAY, fpcr, fpsr);
    case M_FCVTPU: return fpu_to_fixed(sz, a, 0, true, ib, FPR_POSINF, fpcr, fpsr);
    case M_FCVTZU: return fpu_to_fixed(sz, a, 0, true, ib, FPR_ZERO, fpcr, fpsr);
    case M_SCVTF: return fpu_from_fixed(sz, a, 0, false, ib, rm, fpcr, fpsr);
    case M_UCVTF: return fpu_from_fixed(sz, a, 0, true, ib, rm, fpcr, fpsr);
    case M_FCMGT0: return fpu_compare_gt(sz, a, 0, fpcr, fpsr) ? fp_ones(sz) : 0;
    case M_FCMEQ0: return fpu_compare_eq(sz, a, 0, fpcr, fpsr) ? fp_ones(sz) : 0;
    case M_FCMLT0: return fpu_compare_gt(sz, 0, a, fpcr, fpsr) ? fp_ones(sz) : 0;
    case M_FCMGE0: return fpu_compare_ge(sz, a, 0, fpcr, fpsr) ? fp_ones(sz) : 0;
    case M_FCMLE0: return fpu_compare_ge(sz, 0, a, fpcr, fpsr) ? fp_ones(sz) : 0;
    case M_FABS: return fpu_abs(sz, a);
    case M_FNEG: return fpu_neg(sz, a);
    case M_FSQRT: return fpu_sqrt(sz, a, fpcr, fpsr);
    case M_FRECPE: return fpu_recip_estimate(sz, a, fpcr, fpsr);
    case M_FRSQRTE: return fpu_rsqrt_estimate(sz, a, fpcr, fpsr);
    case M_FRECPX: return fpu_recpx(sz, a, fpcr, fpsr);
    case M_URECPE: return fpu_urecpe((uint32_t)a);
    default: return fpu_ursqrte((uint32_t)a);
    }
}

/* FCVTN, FCVTXN (narrow to the lower or, with Q, upper half) and FCVTL (widen). */
static void fp_exec_cvt_narrow_widen(CPUARMState *env, int key, bool q, int sz, int rn, int rd)
{
    uint64_t res[4];
    if (key == M_FCVTL) {
        int from = sz == FPU_D ? FPU_S : FPU_H, to = sz == FPU_D ? FPU_D : FPU_S;
        int count = 8 >> (from == FPU_S ? 2 : 1);
        for (int i = 0; i < count; i++)
            res[i] = fpu_convert(to, from, a64_fp_vget(env, rn, i + (q ? count : 0), from),
                                 fpu_rmode(env->fpcr), env->fpcr, &env->fpsr);
        for (int i = 0; i < count; i++)
            a64_fp_vset(env, rd, i, to, res[i]);
        return;
    }
    int from = sz == FPU_D ? FPU_D : FPU_S, to = sz == FPU_D ? FPU_S : FPU_H;
    int count = 16 >> from;
    FPRounding r = key == M_FCVTXN ? FPR_ODD : fpu_rmode(env->fpcr);
    for (int i = 0; i < count; i++)
        res[i] = fpu_convert(to, from, a64_fp_vget(env, rn, i, from), r, env->fpcr, &env->fpsr);
    for (int i = 0; i < count; i++)
        a64_fp_vset(env, rd, i + (q ? count : 0), to, res[i]);
    if (!q)
        env->vregs[rd][1] = 0;
}

bool a64_fp_exec_simd_two_reg_misc(CPUARMState *env, uint32_t insn, bool scalar)
{
    bool q = (insn >> 30) & 1;
    int key = (((insn >> 29) & 1) << 6) | (((insn >> 23) & 1) << 5) | ((insn >> 12) & 31);
    int sz = ((insn >> 22) & 1) ? FPU_D : FPU_S;
    int rn = (insn >> 5) & 31, rd = insn & 31;
    bool scalar_ok = false, vector_ok = true;
    switch (key) {
    case M_FCVTNS: case M_FCVTMS: case M_FCVTAS: case M_SCVTF: case M_FCMGT0: case M_FCMEQ0:
    case M_FCMLT0: case M_FCVTPS: case M_FCVTZS: case M_FRECPE: case M_FCVTNU: case M_FCVTMU:
    case M_FCVTAU: case M_UCVTF: case M_FCMGE0: case M_FCMLE0: case M_FCVTPU: case M_FCVTZU:
    case M_FRSQRTE:
        scalar_ok = true;
        break;
    case M_FRECPX:
        scalar_ok = true;
        vector_ok = false;
        break;
    case M_FCVTXN:
        scalar_ok = true;
        if (sz != FPU_D)
            return false;
        break;
    case M_FCVTN: case M_FCVTL: case M_FRINTN: case M_FRINTM: case M_FABS: case M_FRINTP:
    case M_FRINTZ: case M_FRINTA: case M_FRINTX: case M_FNEG: case M_FRINTI: case M_FSQRT:
        break;
    case M_URECPE: case M_URSQRTE:
        if (sz != FPU_S)
            return false;
        break;
    default:
        return false;
    }
    if (scalar ? !scalar_ok : !vector_ok)
        return false;
    bool narrow_widen = key == M_FCVTN || key == M_FCVTL || key == M_FCVTXN;
    if (!scalar && !narrow_widen && sz == FPU_D && !q)
        return false;
    if (!env)
        return true;
    if (scalar) {
        if (key == M_FCVTXN) {
            a64_fp_vset_scalar(env, rd, FPU_S,
                               fpu_convert(FPU_S, FPU_D, a64_fp_vget(env, rn, 0, FPU_D), FPR_ODD,
                                           env->fpcr, &env->fpsr));
            return true;
        }
        a64_fp_vset_scalar(env, rd, sz, fp_elem_unop(key, sz, a64_fp_vget(env, rn, 0, sz),
                                                     env->fpcr, &env->fpsr));
        return true;
    }
    if (narrow_widen) {
        fp_exec_cvt_narrow_widen(env, key, q, sz, rn, rd);
        return true;
    }
    int count = (q ? 16 : 8) >> sz;
    uint64_t res[4];
    for (int i = 0; i < count; i++)
        res[i] = fp_elem_unop(key, sz, a64_fp_vget(env, rn, i, sz), env->fpcr, &env->fpsr);
    fp_write_vec(env, rd, sz, count, res);
    return true;
}

/* ---- by element: FMLA, FMLS, FMUL, FMULX ---- */
bool a64_fp_exec_simd_indexed(CPUARMState *env, uint32_t insn, bool scalar)
{
    bool q = (insn >> 30) & 1, u = (insn >> 29) & 1;
    unsigned size = (insn >> 22) & 3, opcode = (insn >> 12) & 15;
    bool l = (insn >> 21) & 1, h = (insn >> 11) & 1;
    int rm = (insn >> 16) & 31, rn = (insn >> 5) & 31, rd = insn & 31;
    int sz, index;
    if (size == 2) {
        sz = FPU_S;
        index = (h << 1) | l;
    } else if (size == 3) {
        if (l)
            return false;
        sz = FPU_D;
        index = h;
    } else {
        return false; /* half precision needs FEAT_FP16 */
    }
    int key;
    if (opcode == 1 && !u)
        key = K_FMLA;
    else if (opcode == 5 && !u)
        key = K_FMLS;
    else if (opcode == 9)
        key = u ? K_FMULX : K_FMUL;
    else
        return false;
    if (!scalar && sz == FPU_D && !q)
        return false;
    if (!env)
        return true;
    uint64_t m = a64_fp_vget(env, rm, index, sz);
    if (scalar) {
        uint64_t r = fp_elem_binop(key, sz, a64_fp_vget(env, rn, 0, sz), m,
                                   a64_fp_vget(env, rd, 0, sz), env->fpcr, &env->fpsr);
        a64_fp_vset_scalar(env, rd, sz, r);
        return true;
    }
    int count = (q ? 16 : 8) >> sz;
    uint64_t res[4];
    for (int i = 0; i < count; i++)
        res[i] = fp_elem_binop(key, sz, a64_fp_vget(env, rn, i, sz), m,
                               a64_fp_vget(env, rd, i, sz), env->fpcr, &env->fpsr);
    fp_write_vec(env, rd, sz, count, res);
    return true;
}

/* ---- scalar pairwise and across lanes ---- */
static int fp_reduce_key(bool a, unsigned opcode, bool allow_add)
{
    if (opcode == 12)
        return a ? K_FMINNM : K_FMAXNM;
    if (opcode == 15)
        return a ? K_FMIN : K_FMAX;
    if (opcode == 13 && !a && allow_add)
        return K_FADD;
    return -1;
}

bool a64_fp_exec_simd_pairwise(CPUARMState *env, uint32_t insn)
{
    bool u = (insn >> 29) & 1, a = (insn >> 23) & 1;
    int sz = ((insn >> 22) & 1) ? FPU_D : FPU_S;
    int key = fp_reduce_key(a, (insn >> 12) & 31, true);
    int rn = (insn >> 5) & 31, rd = insn & 31;
    if (!u || key < 0) /* U = 0 is the FEAT_FP16 form */
        return false;
    if (!env)
        return true;
    uint64_t r = fp_elem_binop(key, sz, a64_fp_vget(env, rn, 0, sz), a64_fp_vget(env, rn, 1, sz),
                               0, env->fpcr, &env->fpsr);
    a64_fp_vset_scalar(env, rd, sz, r);
    return true;
}

bool a64_fp_exec_simd_across(CPUARMState *env, uint32_t insn)
{
    bool q = (insn >> 30) & 1, u = (insn >> 29) & 1, a = (insn >> 23) & 1;
    int key = fp_reduce_key(a, (insn >> 12) & 31, false);
    int rn = (insn >> 5) & 31, rd = insn & 31;
    if (!u || key < 0 || ((insn >> 22) & 1) || !q)
        return false;
    if (!env)
        return true;
    /* Reduce() of the ARM ARM halves recursively: op(op(e0, e1), op(e2, e3)) */
    uint64_t e[4];
    for (int i = 0; i < 4; i++)
        e[i] = a64_fp_vget(env, rn, i, FPU_S);
    uint64_t lo = fp_elem_binop(key, FPU_S, e[0], e[1], 0, env->fpcr, &env->fpsr);
    uint64_t hi = fp_elem_binop(key, FPU_S, e[2], e[3], 0, env->fpcr, &env->fpsr);
    a64_fp_vset_scalar(env, rd, FPU_S,
                       fp_elem_binop(key, FPU_S, lo, hi, 0, env->fpcr, &env->fpsr));
    return true;
}

/* ---- shift by immediate: SCVTF, UCVTF, FCVTZS, FCVTZU (fixed point) ---- */
bool a64_fp_exec_simd_shift_imm(CPUARMState *env, uint32_t insn, bool scalar)
{
    bool q = (insn >> 30) & 1, u = (insn >> 29) & 1;
    unsigned immh = (insn >> 19) & 15, immhb = (insn >> 16) & 127, opcode = (insn >> 11) & 31;
    int rn = (insn >> 5) & 31, rd = insn & 31;
    int sz, fbits;
    if (immh & 8) {
        sz = FPU_D;
        fbits = 128 - (int)immhb;
    } else if (immh & 4) {
        sz = FPU_S;
        fbits = 64 - (int)immhb;
    } else {
        return false; /* 001x: half precision (FEAT_FP16); 0000: not this group */
    }
    if (opcode != 28 && opcode != 31)
        return false;
    if (!scalar && sz == FPU_D && !q)
        return false;
    if (!env)
        return true;
    int count = scalar ? 1 : (q ? 16 : 8) >> sz;
    uint64_t res[4];
    for (int i = 0; i < count; i++) {
        uint64_t a = a64_fp_vget(env, rn, i, sz);
        if (opcode == 28)
            res[i] = fpu_from_fixed(sz, a, fbits, u, 8 << sz, fpu_rmode(env->fpcr), env->fpcr,
                                    &env->fpsr);
        else
            res[i] = fpu_to_fixed(sz, a, fbits, u, 8 << sz, FPR_ZERO, env->fpcr, &env->fpsr);
    }
    if (scalar)
        a64_fp_vset_scalar(env, rd, sz, res[0]);
    else
        fp_write_vec(env, rd, sz, count, res);
    return true;
}

/* ---- classification of a whole instruction word (tests, and the single helper) ---- */
bool a64_fp_exec(CPUARMState *env, uint32_t insn)
{
    if ((insn & 0x5e000000) == 0x1e000000)
        return a64_fp_exec_scalar(env, insn);
    if ((insn & 0x9f200400) == 0x0e200400)
        return a64_fp_exec_simd_three_same(env, insn, false);
    if ((insn & 0xdf200400) == 0x5e200400)
        return a64_fp_exec_simd_three_same(env, insn, true);
    if ((insn & 0x9f3e0c00) == 0x0e200800)
        return a64_fp_exec_simd_two_reg_misc(env, insn, false);
    if ((insn & 0xdf3e0c00) == 0x5e200800)
        return a64_fp_exec_simd_two_reg_misc(env, insn, true);
    if ((insn & 0x9f3e0c00) == 0x0e300800)
        return a64_fp_exec_simd_across(env, insn);
    if ((insn & 0xdf3e0c00) == 0x5e300800)
        return a64_fp_exec_simd_pairwise(env, insn);
    if ((insn & 0x9f000400) == 0x0f000000)
        return a64_fp_exec_simd_indexed(env, insn, false);
    if ((insn & 0xdf000400) == 0x5f000000)
        return a64_fp_exec_simd_indexed(env, insn, true);
    if ((insn & 0x9f800400) == 0x0f000400 && ((insn >> 19) & 15))
        return a64_fp_exec_simd_shift_imm(env, insn, false);
    if ((insn & 0xdf800400) == 0x5f000400 && ((insn >> 19) & 15))
        return a64_fp_exec_simd_shift_imm(env, insn, true);
    return false;
}
