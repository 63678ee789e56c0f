/*
 * decode-a64-dp-reg.c — A64 "Data Processing -- Register" group (ARM ARM DDI 0487 C4.1.6,
 * op0 = x101): logical and add/subtract (shifted register), add/subtract (extended register),
 * add/subtract with carry, conditional compare, conditional select, and data-processing with
 * one, two (incl. CRC32/CRC32C, which Cortex-A57 implements) and three sources.
 *
 * Invariants: each handler rejects the unallocated combinations of its encoding class
 * (returns false) before emitting anything; W-register forms compute with I32 ops and write
 * through write_reg(..., 0, ...), which zero-extends. Flags are always produced by the shared
 * gen_*_flags() functions of translate.c. Decoding runs on the translating vCPU thread; the
 * CRC helpers are pure functions called from generated code on any vCPU thread.
 */
#include "target-arm/translate.h"

static int helper_crc32_idx, helper_crc32c_idx;

static inline uint32_t insn_bits(uint32_t insn, int pos, int len)
{
    return (insn >> pos) & ((1u << len) - 1);
}

/* A source operand of an op of the instruction's own width: I32 ops read only the low 32 bits
 * (tcg/ops.def), so the W form needs no zero-extension. Register 31 reads as zero. */
static IRTemp read_src(DisasContext *s, int reg) { return read_reg(s, reg, 1); }
static IRTemp read_src_sp(DisasContext *s, int reg) { return read_reg_sp(s, reg, 1); }

/* ---- helpers ---- */

/* Bit-reflected CRC over the low `bytes` bytes of val, least significant byte first (ARM ARM
 * C6.2 CRC32B..CRC32CX: the accumulator and data are bit-reflected; the reflected polynomials
 * are 0xEDB88320 for CRC-32 and 0x82F63B78 for CRC-32C). No pre/post inversion. */
static uint32_t crc_reflected(uint32_t acc, uint64_t val, uint32_t bytes, uint32_t poly)
{
    for (uint32_t i = 0; i < bytes * 8; i++) {
        acc ^= (uint32_t)(val >> i) & 1;
        acc = (acc >> 1) ^ ((acc & 1) ? poly : 0);
    }
    return acc;
}

static uint32_t helper_crc32(uint32_t acc, uint64_t val, uint32_t bytes)
{
    return crc_reflected(acc, val, bytes, 0xEDB88320u);
}

static uint32_t helper_crc32c(uint32_t acc, uint64_t val, uint32_t bytes)
{
    return crc_reflected(acc, val, bytes, 0x82F63B78u);
}

void a64_dp_helpers_init(void)
{
    static const IRArgType crc_args[] = {IR_ARG_I32, IR_ARG_I64, IR_ARG_I32};
    helper_crc32_idx = a64_helper_register("crc32", (void *)helper_crc32, IR_ARG_I32, 3,
                                           crc_args, IR_CALL_PURE);
    helper_crc32c_idx = a64_helper_register("crc32c", (void *)helper_crc32c, IR_ARG_I32, 3,
                                            crc_args, IR_CALL_PURE);
}

/* ---- operand helpers ---- */

/* src shifted by a constant: type 0 LSL, 1 LSR, 2 ASR, 3 ROR. Returns src itself for 0. */
static IRTemp gen_shift_imm(DisasContext *s, int sf, IRTemp src, unsigned type, unsigned amount)
{
    static const IROpcode ops[4] = {IR_SHL, IR_SHR, IR_SAR, IR_ROTR};
    if (amount == 0) {
        return src;
    }
    IRTemp t = ir_temp_new(s->f);
    ir_binopi(s->f, ops[type], sf ? IR_I64 : IR_I32, t, src, amount);
    return t;
}

/* Rm extended by option (UXTB, UXTH, UXTW, UXTX, SXTB, SXTH, SXTW, SXTX) and shifted left by
 * 0..4, as a 64-bit value (W forms use its low 32 bits). */
static IRTemp gen_extend_reg(DisasContext *s, int rm, unsigned option, unsigned shift)
{
    static const IROpcode ext[8] = {IR_EXT8U, IR_EXT16U, IR_EXT32U, IR_MOV,
                                    IR_EXT8S, IR_EXT16S, IR_EXT32S, IR_MOV};
    IRFunc *f = s->f;
    IRTemp src = read_reg(s, rm, 1);
    IRTemp t = src;
    if ((option & 3) != 3) {
        t = ir_temp_new(f);
        ir_unop(f, ext[option], IR_I64, t, src);
    }
    if (shift) {
        IRTemp u = ir_temp_new(f);
        ir_binopi(f, IR_SHL, IR_I64, u, t, shift);
        t = u;
    }
    return t;
}

/* ---- logical (shifted register) ---- */

/* sf opc:2 01010 shift:2 N Rm imm6 Rn Rd — AND, BIC, ORR, ORN, EOR, EON, ANDS, BICS (MOV, MVN,
 * TST). All four shift types are allowed; sf=0 with imm6<5> set is unallocated. */
static bool trans_logic_reg(DisasContext *s, uint32_t insn)
{
    IRFunc *f = s->f;
    int sf = (int)insn_bits(insn, 31, 1);
    unsigned opc = insn_bits(insn, 29, 2);
    unsigned invert = insn_bits(insn, 21, 1);
    unsigned amount = insn_bits(insn, 10, 6);
    int rm = (int)insn_bits(insn, 16, 5);
    int rn = (int)insn_bits(insn, 5, 5);
    int rd = (int)insn_bits(insn, 0, 5);

    if (!sf && amount >= 32) {
        return false;
    }
    IRType ty = sf ? IR_I64 : IR_I32;
    IRTemp b = gen_shift_imm(s, sf, read_src(s, rm), insn_bits(insn, 22, 2), amount);
    IRTemp a = read_src(s, rn);
    IRTemp res = ir_temp_new(f);
    /* ORDER: opc:N — AND, BIC, ORR, ORN, EOR, EON, ANDS, BICS */
    static const IROpcode plain[4] = {IR_AND, IR_OR, IR_XOR, IR_AND};
    static const IROpcode inverted[4] = {IR_ANDC, IR_ORC, IR_XOR, IR_ANDC};
    if (invert && opc == 2) { /* EON: a ^ ~b */
        IRTemp nb = ir_temp_new(f);
        ir_unop(f, IR_NOT, ty, nb, b);
        b = nb;
    }
    ir_binop(f, invert ? inverted[opc] : plain[opc], ty, res, a, b);
    if (opc == 3) {
        gen_logic_flags(s, sf, res);
    }
    write_reg(s, rd, sf, res);
    return true;
}

/* ---- add/subtract ---- */

/* Common tail of the add/subtract classes: Rd = a +/- b, optionally setting flags. */
static void gen_add_sub(DisasContext *s, int sf, bool sub, bool setflags, int rd, bool rd_is_sp,
                        IRTemp a, IRTemp b)
{
    IRFunc *f = s->f;
    IRTemp res = ir_temp_new(f);
    if (setflags) {
        if (sub) {
            gen_sub_flags(s, sf, res, a, b, false);
        } else {
            gen_add_flags(s, sf, res, a, b, false);
        }
        write_reg(s, rd, sf, res);
        return;
    }
    ir_binop(f, sub ? IR_SUB : IR_ADD, sf ? IR_I64 : IR_I32, res, a, b);
    if (rd_is_sp) {
        write_reg_sp(s, rd, sf, res);
    } else {
        write_reg(s, rd, sf, res);
    }
}

/* sf op S 01011 shift:2 0 Rm imm6 Rn Rd — ADD, ADDS, SUB, SUBS (CMP, CMN, NEG, NEGS) with a
 * shifted register; register 31 is XZR everywhere. shift=11 (ROR) and sf=0 with imm6<5> set
 * are unallocated. */
static bool trans_add_sub_shifted(DisasContext *s, uint32_t insn)
{
    int sf = (int)insn_bits(insn, 31, 1);
    unsigned type = insn_bits(insn, 22, 2);
    unsigned amount = insn_bits(insn, 10, 6);
    int rm = (int)insn_bits(insn, 16, 5);
    int rn = (int)insn_bits(insn, 5, 5);

    if (type == 3 || (!sf && amount >= 32)) {
        return false;
    }
    IRTemp b = gen_shift_imm(s, sf, read_src(s, rm), type, amount);
    gen_add_sub(s, sf, insn_bits(insn, 30, 1), insn_bits(insn, 29, 1),
                (int)insn_bits(insn, 0, 5), false, read_src(s, rn), b);
    return true;
}

/* sf op S 01011 opt:2 1 Rm option:3 imm3 Rn Rd — ADD, ADDS, SUB, SUBS (extended register).
 * Rn is SP; Rd is SP for ADD/SUB and XZR for ADDS/SUBS; Rm is XZR. opt != 00 and imm3 > 4
 * are unallocated. */
static bool trans_add_sub_extended(DisasContext *s, uint32_t insn)
{
    int sf = (int)insn_bits(insn, 31, 1);
    unsigned shift = insn_bits(insn, 10, 3);
    int rm = (int)insn_bits(insn, 16, 5);
    int rn = (int)insn_bits(insn, 5, 5);

    if (insn_bits(insn, 22, 2) != 0 || shift > 4) {
        return false;
    }
    IRTemp b = gen_extend_reg(s, rm, insn_bits(insn, 13, 3), shift);
    gen_add_sub(s, sf, insn_bits(insn, 30, 1), insn_bits(insn, 29, 1),
                (int)insn_bits(insn, 0, 5), true, read_src_sp(s, rn), b);
    return true;
}

/* sf op S 11010000 Rm 000000 Rn Rd — ADC, ADCS, SBC, SBCS (NGC, NGCS). SBC is Rn + ~Rm + C. */
static bool trans_add_sub_carry(DisasContext *s, uint32_t insn)
{
    IRFunc *f = s->f;
    int sf = (int)insn_bits(insn, 31, 1);
    bool sub = insn_bits(insn, 30, 1);
    bool setflags = insn_bits(insn, 29, 1);
    int rm = (int)insn_bits(insn, 16, 5);
    int rn = (int)insn_bits(insn, 5, 5);
    int rd = (int)insn_bits(insn, 0, 5);
    IRType ty = sf ? IR_I64 : IR_I32;
    IRTemp a = read_src(s, rn);
    IRTemp b = read_src(s, rm);
    IRTemp res = ir_temp_new(f);

    if (setflags) {
        if (sub) {
            gen_sub_flags(s, sf, res, a, b, true);
        } else {
            gen_add_flags(s, sf, res, a, b, true);
        }
    } else {
        if (sub) {
            IRTemp nb = ir_temp_new(f);
            ir_unop(f, IR_NOT, ty, nb, b);
            b = nb;
        }
        ir_add(f, ty, res, a, b);
        ir_add(f, ty, res, res, cpu_CF);
    }
    write_reg(s, rd, sf, res);
    return true;
}

/* ---- conditional compare and select ---- */

/*
 * sf op 1 11010010 Rm/imm5 cond o2 0 Rn o3 nzcv — CCMN (op=0), CCMP (op=1), register form
 * (bit 11 = 0) or immediate form (bit 11 = 1). If cond holds, NZCV = flags of Rn - Rm
 * (Rn + Rm for CCMN); otherwise NZCV = the nzcv immediate. S=0, o2=1 or o3=1 is unallocated.
 * Branch-free: the condition is latched before the comparison overwrites the flags, then each
 * flag chooses between the compared value and the immediate.
 */
static bool trans_cond_compare(DisasContext *s, uint32_t insn)
{
    IRFunc *f = s->f;
    int sf = (int)insn_bits(insn, 31, 1);
    bool sub = insn_bits(insn, 30, 1);
    int cc = (int)insn_bits(insn, 12, 4);
    unsigned nzcv = insn_bits(insn, 0, 4);
    int rn = (int)insn_bits(insn, 5, 5);

    if (!insn_bits(insn, 29, 1) || insn_bits(insn, 10, 1) || insn_bits(insn, 4, 1)) {
        return false;
    }
    IRTemp a = read_src(s, rn);
    IRTemp b = insn_bits(insn, 11, 1) ? ir_const(f, insn_bits(insn, 16, 5))
                                      : read_src(s, (int)insn_bits(insn, 16, 5));
    ARMCompare cmp;
    arm_test_cc(s, cc, &cmp);
    IRTemp holds = IR_TEMP_NONE;
    if (cmp.cond != IR_COND_ALWAYS) {
        holds = ir_temp_new(f);
        ir_setcond(f, IR_I64, cmp.cond, holds, cmp.a, cmp.b);
    }
    if (sub) {
        gen_sub_flags(s, sf, IR_TEMP_NONE, a, b, false);
    } else {
        gen_add_flags(s, sf, IR_TEMP_NONE, a, b, false);
    }
    if (holds == IR_TEMP_NONE) {
        return true;
    }
    IRTemp zero = ir_const(f, 0);
    const IRTemp flags[4] = {cpu_NF, cpu_ZF, cpu_CF, cpu_VF};
    const uint64_t imm[4] = {
        (nzcv & 8) ? ~0ull : 0,
        (nzcv & 4) ? 0 : 1,
        (nzcv >> 1) & 1,
        (nzcv & 1) ? (1ull << 63) : 0,
    };
    for (int i = 0; i < 4; i++) {
        ir_movcond(f, IR_I64, IR_COND_NE, flags[i], holds, zero, flags[i], ir_const(f, imm[i]));
    }
    return true;
}

/* sf op 0 11010100 Rm cond op2:2 Rn Rd — CSEL (op:op2 = 000), CSINC (001), CSINV (100),
 * CSNEG (101); aliases CSET, CSETM, CINC, CINV, CNEG. S=1 or op2<1> set is unallocated. */
static bool trans_cond_select(DisasContext *s, uint32_t insn)
{
    IRFunc *f = s->f;
    int sf = (int)insn_bits(insn, 31, 1);
    bool inv = insn_bits(insn, 30, 1);
    bool inc = insn_bits(insn, 10, 1);
    int rm = (int)insn_bits(insn, 16, 5);
    int rn = (int)insn_bits(insn, 5, 5);
    int rd = (int)insn_bits(insn, 0, 5);

    if (insn_bits(insn, 29, 1) || insn_bits(insn, 11, 1)) {
        return false;
    }
    IRType ty = sf ? IR_I64 : IR_I32;
    IRTemp fv = read_src(s, rm);
    if (inv || inc) {
        IRTemp t = ir_temp_new(f);
        if (inv && inc) {
            ir_unop(f, IR_NEG, ty, t, fv);
        } else if (inv) {
            ir_unop(f, IR_NOT, ty, t, fv);
        } else {
            ir_binopi(f, IR_ADD, ty, t, fv, 1);
        }
        fv = t;
    }
    ARMCompare cmp;
    arm_test_cc(s, (int)insn_bits(insn, 12, 4), &cmp);
    IRTemp res = ir_temp_new(f);
    ir_movcond(f, IR_I64, cmp.cond, res, cmp.a, cmp.b, read_src(s, rn), fv);
    write_reg(s, rd, sf, res);
    return true;
}

/* ---- data-processing (1 source) ---- */

/* x = ((x >> k) & m) | ((x & m) << k): swaps adjacent k-bit groups. */
static void gen_swap_groups(IRFunc *f, IRType ty, IRTemp x, unsigned k, uint64_t m)
{
    IRTemp hi = ir_temp_new(f), lo = ir_temp_new(f);
    if (ty == IR_I32) {
        m = (uint32_t)m;
    }
    ir_binopi(f, IR_SHR, ty, hi, x, k);
    ir_binopi(f, IR_AND, ty, hi, hi, m);
    ir_binopi(f, IR_AND, ty, lo, x, m);
    ir_binopi(f, IR_SHL, ty, lo, lo, k);
    ir_or(f, ty, x, hi, lo);
}

/* sf 1 0 11010110 00000 opcode:6 Rn Rd — RBIT (000000), REV16 (000001), REV32 / W-form REV
 * (000010), REV (000011, sf=1 only), CLZ (000100), CLS (000101). Everything else in ARMv8.0
 * (S=1, opcode2 != 0 — pointer authentication — and the other opcodes) is unallocated. */
static bool trans_dp_1src(DisasContext *s, uint32_t insn)
{
    IRFunc *f = s->f;
    int sf = (int)insn_bits(insn, 31, 1);
    unsigned opcode = insn_bits(insn, 10, 6);
    int rn = (int)insn_bits(insn, 5, 5);
    int rd = (int)insn_bits(insn, 0, 5);

    if (insn_bits(insn, 29, 1) || insn_bits(insn, 16, 5) != 0) {
        return false;
    }
    IRType ty = sf ? IR_I64 : IR_I32;
    IRTemp src = read_src(s, rn);
    IRTemp res = ir_temp_new(f);
    switch (opcode) {
    case 0: /* RBIT: reverse the bits within each byte, then the bytes */
        ir_mov(f, ty, res, src);
        gen_swap_groups(f, ty, res, 1, 0x5555555555555555ull);
        gen_swap_groups(f, ty, res, 2, 0x3333333333333333ull);
        gen_swap_groups(f, ty, res, 4, 0x0f0f0f0f0f0f0f0full);
        ir_unop(f, sf ? IR_BSWAP64 : IR_BSWAP32, IR_I64, res, res);
        break;
    case 1: /* REV16: swap the bytes of each halfword */
        ir_mov(f, ty, res, src);
        gen_swap_groups(f, ty, res, 8, 0x00ff00ff00ff00ffull);
        break;
    case 2: /* REV32 (sf=1): swap bytes within each word; REV (sf=0) */
        if (sf) {
            ir_unop(f, IR_BSWAP64, IR_I64, res, src);
            ir_binopi(f, IR_ROTR, IR_I64, res, res, 32);
        } else {
            ir_unop(f, IR_BSWAP32, IR_I64, res, src);
        }
        break;
    case 3: /* REV (64-bit) */
        if (!sf) {
            return false;
        }
        ir_unop(f, IR_BSWAP64, IR_I64, res, src);
        break;
    case 4: /* CLZ */
        ir_unop(f, IR_CLZ, ty, res, src);
        break;
    case 5: { /* CLS = clz(x ^ (x >>s 1)) - 1: bit i of the xor is set where bits i, i+1
               * differ, and its top bit is always clear. */
        IRTemp t = ir_temp_new(f);
        ir_binopi(f, IR_SAR, ty, t, src, 1);
        ir_xor(f, ty, t, t, src);
        ir_unop(f, IR_CLZ, ty, t, t);
        ir_binopi(f, IR_SUB, ty, res, t, 1);
        break;
    }
    default:
        return false;
    }
    write_reg(s, rd, sf, res);
    return true;
}

/* ---- data-processing (2 source) ---- */

/* sf 0 S 11010110 Rm opcode:6 Rn Rd — UDIV (000010), SDIV (000011), LSLV (001000), LSRV,
 * ASRV, RORV (001011), CRC32B/H/W/X (0100 sz), CRC32CB/CH/CW/CX (0101 sz). CRC32X/CX need
 * sf=1, the others sf=0. S=1 and the other opcodes are unallocated in ARMv8.0. */
static bool trans_dp_2src(DisasContext *s, uint32_t insn)
{
    IRFunc *f = s->f;
    int sf = (int)insn_bits(insn, 31, 1);
    unsigned opcode = insn_bits(insn, 10, 6);
    int rm = (int)insn_bits(insn, 16, 5);
    int rn = (int)insn_bits(insn, 5, 5);
    int rd = (int)insn_bits(insn, 0, 5);
    IROpcode op;

    if (insn_bits(insn, 29, 1)) {
        return false;
    }
    switch (opcode) {
    case 0x02: op = IR_DIVU; break;
    case 0x03: op = IR_DIVS; break;
    case 0x08: op = IR_SHL; break;
    case 0x09: op = IR_SHR; break;
    case 0x0a: op = IR_SAR; break;
    case 0x0b: op = IR_ROTR; break;
    case 0x10: case 0x11: case 0x12: case 0x13:
    case 0x14: case 0x15: case 0x16: case 0x17: {
        unsigned sz = opcode & 3;
        if ((sz == 3) != (sf == 1)) {
            return false;
        }
        IRTemp args[3] = {read_reg(s, rn, 0), read_src(s, rm), ir_const(f, 1u << sz)};
        IRTemp res = ir_temp_new(f);
        ir_call(f, (opcode & 4) ? helper_crc32c_idx : helper_crc32_idx, res, args, 3);
        write_reg(s, rd, 0, res);
        return true;
    }
    default:
        return false;
    }
    /* IR division and shift semantics are A64's: x/0 = 0, MIN/-1 = MIN, count mod width. */
    IRTemp res = ir_temp_new(f);
    ir_binop(f, op, sf ? IR_I64 : IR_I32, res, read_src(s, rn), read_src(s, rm));
    write_reg(s, rd, sf, res);
    return true;
}

/* ---- data-processing (3 source) ---- */

/* sf op54:2 11011 op31:3 Rm o0 Ra Rn Rd — MADD/MSUB (op31=000), SMADDL/SMSUBL (001),
 * SMULH (010, o0=0), UMADDL/UMSUBL (101), UMULH (110, o0=0). Only MADD/MSUB exist for sf=0;
 * op54 != 00 and the other op31 values are unallocated. SMULH/UMULH ignore Ra. */
static bool trans_dp_3src(DisasContext *s, uint32_t insn)
{
    IRFunc *f = s->f;
    int sf = (int)insn_bits(insn, 31, 1);
    unsigned op31 = insn_bits(insn, 21, 3);
    bool sub = insn_bits(insn, 15, 1);
    int rm = (int)insn_bits(insn, 16, 5);
    int ra = (int)insn_bits(insn, 10, 5);
    int rn = (int)insn_bits(insn, 5, 5);
    int rd = (int)insn_bits(insn, 0, 5);

    if (insn_bits(insn, 29, 2) != 0 || (!sf && op31 != 0)) {
        return false;
    }
    IRTemp res = ir_temp_new(f);
    IRTemp prod = ir_temp_new(f);
    switch (op31) {
    case 0: { /* MADD, MSUB (MUL, MNEG) */
        IRType ty = sf ? IR_I64 : IR_I32;
        ir_mul(f, ty, prod, read_src(s, rn), read_src(s, rm));
        ir_binop(f, sub ? IR_SUB : IR_ADD, ty, res, read_src(s, ra), prod);
        write_reg(s, rd, sf, res);
        return true;
    }
    case 1: case 5: { /* SMADDL, SMSUBL, UMADDL, UMSUBL (SMULL, UMULL, ...) */
        IROpcode ext = op31 == 1 ? IR_EXT32S : IR_EXT32U;
        IRTemp a = ir_temp_new(f), b = ir_temp_new(f);
        ir_unop(f, ext, IR_I64, a, read_reg(s, rn, 1));
        ir_unop(f, ext, IR_I64, b, read_reg(s, rm, 1));
        ir_mul(f, IR_I64, prod, a, b);
        ir_binop(f, sub ? IR_SUB : IR_ADD, IR_I64, res, read_reg(s, ra, 1), prod);
        write_reg(s, rd, 1, res);
        return true;
    }
    case 2: case 6: /* SMULH, UMULH */
        if (sub) {
            return false;
        }
        ir_binop(f, op31 == 2 ? IR_MULSH : IR_MULUH, IR_I64, res, read_reg(s, rn, 1),
                 read_reg(s, rm, 1));
        write_reg(s, rd, 1, res);
        return true;
    default:
        return false;
    }
}

/* ---- group decoder ---- */

/* Fields of C4.1.6: op0 = bit 30, op1 = bit 28, op2 = bits 24:21, op3 = bits 15:10. */
bool disas_a64_dp_reg(DisasContext *s, uint32_t insn)
{
    unsigned op0 = insn_bits(insn, 30, 1);
    unsigned op1 = insn_bits(insn, 28, 1);
    unsigned op2 = insn_bits(insn, 21, 4);
    unsigned op3 = insn_bits(insn, 10, 6);

    if (!op1) {
        if (!(op2 & 8)) { /* 0xxx */
            return trans_logic_reg(s, insn);
        }
        if (!(op2 & 1)) { /* 1xx0 */
            return trans_add_sub_shifted(s, insn);
        }
        return trans_add_sub_extended(s, insn); /* 1xx1 */
    }
    if (op2 & 8) { /* 1xxx */
        return trans_dp_3src(s, insn);
    }
    switch (op2) {
    case 0x0:
        /* op3 = 000000: with carry; x00001 RMIF and xx0010 SETF8/16 are FEAT_FlagM (v8.4) */
        return op3 == 0 ? trans_add_sub_carry(s, insn) : false;
    case 0x2:
        return trans_cond_compare(s, insn);
    case 0x4:
        return trans_cond_select(s, insn);
    case 0x6:
        return op0 ? trans_dp_1src(s, insn) : trans_dp_2src(s, insn);
    default:
        return false;
    }
}
