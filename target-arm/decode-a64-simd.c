/*
 * decode-a64-simd.c — top-level dispatch of the "Data Processing -- Scalar Floating-Point and
 * Advanced SIMD" encodings (ARM ARM C4.1.6): scalar FP goes to a64_fp_scalar(), the FP opcodes
 * of the mixed Advanced SIMD groups to the a64_simd_fp_* hooks (decode-a64-simd.h), and the
 * integer instructions are emitted here. The hot and simple ones (the logical three-same ops,
 * ADD/SUB/CMEQ of every lane size and CMEQ #0/NOT as lane-wise (SWAR) 64-bit arithmetic,
 * MOVI/MVNI/ORR/BIC/FMOV immediate, DUP, INS, UMOV, SMOV) are inline IR on 64-bit halves; the rest
 * calls one helper that runs vec_exec() (vec-int-*.c), whose decoding also decides here whether an
 * encoding is allocated. Crypto and the ARMv8.1+ groups are not advertised by the CPU models and
 * raise UNDEF. Runs on the translating vCPU thread; the helper on the owner vCPU thread.
 */
#include "target-arm/decode-a64-simd.h"
#include "target-arm/vec-int.h"

static int helper_simd_exec_idx;

static void helper_simd_exec(void *envp, uint32_t insn) {
    vec_exec(envp, insn);
}

/* Emits the call that runs the whole instruction in C. */
static bool gen_simd_helper(DisasContext *s, uint32_t insn) {
    if (!fp_access_check(s)) {
        return true;
    }
    IRTemp args[2] = {s->f->env, ir_const(s->f, insn)};
    ir_call(s->f, helper_simd_exec_idx, IR_TEMP_NONE, args, 2);
    return true;
}

static IRTemp ld_half(DisasContext *s, int reg, int half) {
    return read_vec_element(s, reg, half, MO_64);
}

static void st_half(DisasContext *s, int reg, int half, IRTemp v) {
    write_vec_element(s, v, reg, half, MO_64);
}

/* x replicated into every lane of a 64-bit value (x already zero-extended to the lane). */
static IRTemp gen_dup64(DisasContext *s, IRTemp x, int size) {
    static const uint64_t rep[4] = {0x0101010101010101ull, 0x0001000100010001ull,
                                    0x0000000100000001ull, 1};
    if (size == 3) {
        return x;
    }
    IRTemp t = ir_temp_new(s->f);
    ir_mul(s->f, IR_I64, t, x, ir_const(s->f, rep[size]));
    return t;
}

/* ---- inline three same on 64-bit halves ---- */

/* The top bit of every lane of `size` in a 64-bit half. */
static uint64_t lane_high_bits(int size) {
    static const uint64_t h[4] = {0x8080808080808080ull, 0x8000800080008000ull,
                                  0x8000000080000000ull, 0x8000000000000000ull};
    return h[size];
}

/* Lane-wise a + b (or a - b) within 64 bits without carries between lanes (SWAR): the low
 * bits of each lane add normally, the top bit is the XOR of the operands' top bits and the
 * carry into it. */
static IRTemp gen_swar_addsub(DisasContext *s, IRTemp a, IRTemp b, int size, bool sub) {
    IRFunc *f = s->f;
    IRTemp hc = ir_const(f, lane_high_bits(size)), t1 = ir_temp_new(f), t2 = ir_temp_new(f);
    IRTemp r = ir_temp_new(f);
    if (sub) { /* ((a | H) - (b & ~H)) ^ (~(a ^ b) & H) */
        ir_or(f, IR_I64, t1, a, hc);
        ir_binop(f, IR_ANDC, IR_I64, t2, b, hc);
        ir_sub(f, IR_I64, r, t1, t2);
        ir_xor(f, IR_I64, t1, a, b);
        ir_binop(f, IR_ANDC, IR_I64, t1, hc, t1);
        ir_xor(f, IR_I64, r, r, t1);
    } else { /* ((a & ~H) + (b & ~H)) ^ ((a ^ b) & H) */
        ir_binop(f, IR_ANDC, IR_I64, t1, a, hc);
        ir_binop(f, IR_ANDC, IR_I64, t2, b, hc);
        ir_add(f, IR_I64, r, t1, t2);
        ir_xor(f, IR_I64, t1, a, b);
        ir_and(f, IR_I64, t1, t1, hc);
        ir_xor(f, IR_I64, r, r, t1);
    }
    return r;
}

/* All ones in every lane of x that is zero, else zero (exact, no false positives):
 * t = (x & ~H) + ~H sets a lane's top bit iff its low bits are non-zero. */
static IRTemp gen_swar_zero_lanes(DisasContext *s, IRTemp x, int size) {
    IRFunc *f = s->f;
    int eb = 8 << size;
    IRTemp m = ir_const(f, ~lane_high_bits(size)), t = ir_temp_new(f);
    ir_and(f, IR_I64, t, x, m);
    ir_add(f, IR_I64, t, t, m);
    ir_or(f, IR_I64, t, t, x);
    ir_or(f, IR_I64, t, t, m);
    ir_unop(f, IR_NOT, IR_I64, t, t); /* top bit of each zero lane */
    ir_binopi(f, IR_SHR, IR_I64, t, t, (uint64_t)(eb - 1));
    ir_binopi(f, IR_MUL, IR_I64, t, t, (1ull << eb) - 1);
    return t;
}

/* AND BIC ORR ORN EOR (opcode 00011, U:size 0..4), ADD, SUB and CMEQ (register) of any lane
 * size, as 64-bit (SWAR) operations on the two halves; other opcodes: false. */
static bool trans_three_same_inline(DisasContext *s, uint32_t insn) {
    bool q = (insn >> 30) & 1, u = (insn >> 29) & 1, scalar = (insn >> 28) & 1;
    int size = (insn >> 22) & 3, opc = (insn >> 11) & 0x1f;
    int rm = (insn >> 16) & 31, rn = (insn >> 5) & 31, rd = insn & 31;
    IROpcode op = IR_NOP;
    if (opc == 0x03 && !scalar && (u << 2 | size) <= 4) {
        static const IROpcode logic[5] = {IR_AND, IR_ANDC, IR_OR, IR_ORC, IR_XOR};
        op = logic[u << 2 | size];
    } else if (opc == 0x10 || (opc == 0x11 && u)) {
        if (scalar ? size != 3 : (size == 3 && !q)) {
            return false;
        }
    } else {
        return false;
    }
    if (!fp_access_check(s)) {
        return true;
    }
    int halves = q && !scalar ? 2 : 1;
    IRTemp r[2];
    for (int i = 0; i < halves; i++) {
        IRTemp a = ld_half(s, rn, i), b = ld_half(s, rm, i);
        if (op != IR_NOP) {
            r[i] = ir_temp_new(s->f);
            ir_binop(s->f, op, IR_I64, r[i], a, b);
        } else if (opc == 0x11) { /* CMEQ: lanes of a ^ b that are zero */
            IRTemp x = ir_temp_new(s->f);
            ir_xor(s->f, IR_I64, x, a, b);
            if (size == 3) {
                r[i] = ir_temp_new(s->f);
                ir_negsetcond(s->f, IR_I64, IR_COND_EQ, r[i], x, ir_const(s->f, 0));
            } else {
                r[i] = gen_swar_zero_lanes(s, x, size);
            }
        } else if (size == 3) {
            r[i] = ir_temp_new(s->f);
            ir_binop(s->f, u ? IR_SUB : IR_ADD, IR_I64, r[i], a, b);
        } else {
            r[i] = gen_swar_addsub(s, a, b, size, u);
        }
    }
    for (int i = 0; i < halves; i++) {
        st_half(s, rd, i, r[i]);
    }
    if (halves == 1) {
        clear_vec_high(s, rd);
    }
    return true;
}

/* CMEQ #0 and NOT (two-register misc), inline on the halves; others: false. */
static bool trans_two_misc_inline(DisasContext *s, uint32_t insn) {
    bool q = (insn >> 30) & 1, u = (insn >> 29) & 1, scalar = (insn >> 28) & 1;
    int size = (insn >> 22) & 3, opc = (insn >> 12) & 0x1f;
    int rn = (insn >> 5) & 31, rd = insn & 31;
    bool is_cmeq0 = !u && opc == 0x09 && !scalar && (size != 3 || q);
    bool is_not = u && opc == 0x05 && size == 0 && !scalar;
    if (!is_cmeq0 && !is_not) {
        return false;
    }
    if (!fp_access_check(s)) {
        return true;
    }
    int halves = q ? 2 : 1;
    IRTemp r[2];
    for (int i = 0; i < halves; i++) {
        IRTemp a = ld_half(s, rn, i);
        if (is_not) {
            r[i] = ir_temp_new(s->f);
            ir_unop(s->f, IR_NOT, IR_I64, r[i], a);
        } else if (size == 3) {
            r[i] = ir_temp_new(s->f);
            ir_negsetcond(s->f, IR_I64, IR_COND_EQ, r[i], a, ir_const(s->f, 0));
        } else {
            r[i] = gen_swar_zero_lanes(s, a, size);
        }
    }
    for (int i = 0; i < halves; i++) {
        st_half(s, rd, i, r[i]);
    }
    if (halves == 1) {
        clear_vec_high(s, rd);
    }
    return true;
}

/* ---- copy: DUP, INS, UMOV, SMOV (C7.2) ---- */

static bool trans_copy(DisasContext *s, uint32_t insn) {
    bool q = (insn >> 30) & 1, op = (insn >> 29) & 1, scalar = (insn >> 28) & 1;
    int imm5 = (insn >> 16) & 31, imm4 = (insn >> 11) & 15;
    int rn = (insn >> 5) & 31, rd = insn & 31;
    if ((imm5 & 15) == 0) {
        return false;
    }
    int size = __builtin_ctz((unsigned)imm5), idx = imm5 >> (size + 1);
    IRFunc *f = s->f;
    if (scalar) { /* DUP (element), scalar: MOV Bd/Hd/Sd/Dd, Vn.T[idx] */
        if (!fp_access_check(s)) {
            return true;
        }
        write_fp_scalar(s, rd, read_vec_element(s, rn, idx, (MemOp)size), (MemOp)size);
        return true;
    }
    if (op) { /* INS (element): Vd.T[idx] = Vn.T[imm4 >> size] */
        if (!q) {
            return false;
        }
        if (!fp_access_check(s)) {
            return true;
        }
        IRTemp v = read_vec_element(s, rn, imm4 >> size, (MemOp)size);
        write_vec_element(s, v, rd, idx, (MemOp)size);
        return true;
    }
    switch (imm4) {
    case 0x0:
    case 0x1: { /* DUP (element) / DUP (general) */
        if (size == 3 && !q) {
            return false;
        }
        if (!fp_access_check(s)) {
            return true;
        }
        IRTemp x;
        if (imm4 == 0) {
            x = read_vec_element(s, rn, idx, (MemOp)size);
        } else {
            x = ir_temp_new(f);
            static const IROpcode ext[3] = {IR_EXT8U, IR_EXT16U, IR_EXT32U};
            if (size == 3) {
                ir_mov(f, IR_I64, x, read_reg(s, rn, 1));
            } else {
                ir_unop(f, ext[size], IR_I64, x, read_reg(s, rn, 1));
            }
        }
        IRTemp v = gen_dup64(s, x, size);
        st_half(s, rd, 0, v);
        if (q) {
            st_half(s, rd, 1, v);
        } else {
            clear_vec_high(s, rd);
        }
        return true;
    }
    case 0x3: { /* INS (general) */
        if (!q) {
            return false;
        }
        if (!fp_access_check(s)) {
            return true;
        }
        write_vec_element(s, read_reg(s, rn, 1), rd, idx, (MemOp)size);
        return true;
    }
    case 0x5:
    case 0x7: { /* SMOV / UMOV */
        bool is_signed = imm4 == 0x5;
        bool valid = is_signed ? (size < 2 || (size == 2 && q)) : (q ? size == 3 : size < 3);
        if (!valid) {
            return false;
        }
        if (!fp_access_check(s)) {
            return true;
        }
        IRTemp v = read_vec_element(s, rn, idx, (MemOp)size | (is_signed ? MO_SIGN : 0));
        write_reg(s, rd, q, v);
        return true;
    }
    default: return false;
    }
}

/* ---- modified immediate: MOVI, MVNI, ORR, BIC, FMOV (vector, immediate) ---- */

/* AdvSIMDExpandImm (ARM ARM J1, shared/functions/vector): the 64-bit pattern of one half. */
static uint64_t simd_expand_imm(int op, int cmode, uint64_t imm8) {
    uint64_t imm = 0;
    switch (cmode >> 1) {
    case 0:
    case 1:
    case 2:
    case 3: /* 32-bit lanes, imm8 << 8 * (cmode >> 1) */
        imm = imm8 << (8 * (cmode >> 1));
        return imm | imm << 32;
    case 4:
    case 5: /* 16-bit lanes */
        imm = imm8 << (8 * ((cmode >> 1) & 1));
        return imm * 0x0001000100010001ull;
    case 6: /* 32-bit, shifting ones in */
        imm = (cmode & 1) ? (imm8 << 16) | 0xffff : (imm8 << 8) | 0xff;
        return imm | imm << 32;
    default:
        if (!(cmode & 1) && !op) {
            return imm8 * 0x0101010101010101ull;
        }
        if (!(cmode & 1)) { /* each bit of imm8 gives a byte of ones */
            for (int i = 0; i < 8; i++) {
                if ((imm8 >> i) & 1) {
                    imm |= 0xffull << (8 * i);
                }
            }
            return imm;
        }
        if (!op) { /* FMOV single: a:NOT(b):bbbbb:c:defgh:Zeros(19) */
            uint64_t b = (imm8 >> 6) & 1;
            imm = (imm8 >> 7) << 31 | (b ^ 1) << 30 | (b ? 0x1full : 0) << 25 | (imm8 & 0x3f) << 19;
            return imm | imm << 32;
        }
        { /* FMOV double: a:NOT(b):bbbbbbbb:cdefgh:Zeros(48) */
            uint64_t b = (imm8 >> 6) & 1;
            return (imm8 >> 7) << 63 | (b ^ 1) << 62 | (b ? 0xffull : 0) << 54 |
                   (imm8 & 0x3f) << 48;
        }
    }
}

static bool trans_modimm(DisasContext *s, uint32_t insn) {
    bool q = (insn >> 30) & 1, op = (insn >> 29) & 1;
    int cmode = (insn >> 12) & 15, o2 = (insn >> 11) & 1, rd = insn & 31;
    uint64_t imm8 = ((insn >> 11) & 0xe0) | ((insn >> 5) & 0x1f);
    if (o2 || (cmode == 15 && op && !q)) {
        return false; /* FMOV half precision (ARMv8.2), FMOV Dd form does not exist */
    }
    if (!fp_access_check(s)) {
        return true;
    }
    uint64_t imm = simd_expand_imm(op, cmode, imm8);
    /* ORR / BIC: cmode 0xx1 and 10x1 (ARM ARM C7.2 MOVI/ORR/BIC/MVNI cmode table) */
    bool is_orr_bic = cmode < 12 && (cmode & 1);
    bool invert = op && cmode < 14;
    int halves = q ? 2 : 1;
    for (int i = 0; i < halves; i++) {
        IRTemp v;
        if (is_orr_bic) {
            v = ir_temp_new(s->f);
            ir_binop(s->f, op ? IR_ANDC : IR_OR, IR_I64, v, ld_half(s, rd, i), ir_const(s->f, imm));
        } else {
            v = ir_const(s->f, invert ? ~imm : imm);
        }
        st_half(s, rd, i, v);
    }
    if (!q) {
        clear_vec_high(s, rd);
    }
    return true;
}

/* ---- the group dispatch ---- */

bool disas_a64_simd_fp(DisasContext *s, uint32_t insn) {
    bool scalar = (insn >> 28) & 1;
    switch (vec_classify(insn)) {
    case VEC_G_FP_SCALAR: return a64_fp_scalar(s, insn);
    case VEC_G_THREE_SAME:
        if (((insn >> 11) & 0x1f) >= 0x18) {
            return a64_simd_fp_three_same(s, insn, scalar);
        }
        if (trans_three_same_inline(s, insn)) {
            return true;
        }
        break;
    case VEC_G_TWO_MISC:
        if (trans_two_misc_inline(s, insn)) {
            return true;
        }
        if (!vec_two_misc(NULL, insn)) {
            return a64_simd_fp_two_reg_misc(s, insn, scalar);
        }
        break;
    case VEC_G_ACROSS:
        if (!vec_across(NULL, insn)) {
            return a64_simd_fp_across_lanes(s, insn);
        }
        break;
    case VEC_G_PAIRWISE:
        if (!vec_pairwise_scalar(NULL, insn)) {
            return a64_simd_fp_pairwise_scalar(s, insn);
        }
        break;
    case VEC_G_INDEXED: {
        int opc = (insn >> 12) & 0xf;
        if (opc == 0x1 || opc == 0x5 || opc == 0x9) { /* FMLA FMLS FMUL/FMULX (element) */
            return a64_simd_fp_indexed(s, insn, scalar);
        }
        break;
    }
    case VEC_G_SHIFT_IMM: {
        int opc = (insn >> 11) & 0x1f;
        if (opc == 0x1c || opc == 0x1f) { /* [SU]CVTF, FCVTZ[SU] (fixed point) */
            return a64_simd_fp_shift_imm(s, insn, scalar);
        }
        break;
    }
    case VEC_G_COPY: return trans_copy(s, insn);
    case VEC_G_MODIMM: return trans_modimm(s, insn);
    case VEC_G_THREE_DIFF:
    case VEC_G_PERMUTE:
    case VEC_G_EXT:
    case VEC_G_TBL: break;
    default: return false;
    }
    if (!vec_exec(NULL, insn)) {
        return false;
    }
    return gen_simd_helper(s, insn);
}

void a64_simd_helpers_init(void) {
    static const IRArgType args[] = {IR_ARG_PTR, IR_ARG_I32};
    helper_simd_exec_idx =
        a64_helper_register("simd_exec", (void *)helper_simd_exec, IR_ARG_VOID, 2, args,
                            IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS);
}
