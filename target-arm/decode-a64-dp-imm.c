/*
 * decode-a64-dp-imm.c — A64 "Data Processing -- Immediate" group (ARM ARM DDI 0487 C4.1.2,
 * op0 = 100x): PC-relative addressing, add/subtract (immediate), logical (immediate), move
 * wide, bitfield and extract. Aliases (MOV, CMP, LSL, UBFX, SXTW, ROR, ...) are encodings of
 * these instructions and need no code of their own.
 *
 * Invariants: every handler decodes its fields, rejects the unallocated combinations listed in
 * C4.1.2 / C6.2 (returns false), and emits IR; W-register results are written through
 * write_reg(..., 0, ...) so the upper 32 bits of Xd become zero. Runs on the translating vCPU
 * thread; keeps no state.
 */
#include "target-arm/translate.h"

static inline uint32_t insn_bits(uint32_t insn, int pos, int len)
{
    return (insn >> pos) & ((1u << len) - 1);
}

static inline int64_t insn_sbits(uint32_t insn, int pos, int len)
{
    return (int64_t)((uint64_t)insn_bits(insn, pos, len) << (64 - len)) >> (64 - len);
}

/* A source operand of an op of the instruction's own width: I32 ops read only the low 32 bits
 * (tcg/ops.def), so the W form needs no zero-extension. Register 31 reads as zero. */
static IRTemp read_src(DisasContext *s, int reg) { return read_reg(s, reg, 1); }
static IRTemp read_src_sp(DisasContext *s, int reg) { return read_reg_sp(s, reg, 1); }

/* ---- PC-relative addressing ---- */

/* op immlo:2 10000 immhi:19 Rd:5 — ADR (op=0), ADRP (op=1). */
static bool trans_pc_rel(DisasContext *s, uint32_t insn)
{
    int rd = (int)insn_bits(insn, 0, 5);
    int64_t imm = (insn_sbits(insn, 5, 19) << 2) | insn_bits(insn, 29, 2);
    uint64_t base = s->pc;
    if (insn_bits(insn, 31, 1)) {
        base &= ~(uint64_t)0xfff;
        imm = (int64_t)((uint64_t)imm << 12);
    }
    write_reg(s, rd, 1, ir_const(s->f, base + (uint64_t)imm));
    return true;
}

/* ---- add/subtract (immediate) ---- */

/* sf op S 100010 sh imm12 Rn Rd — ADD, ADDS, SUB, SUBS (CMP, CMN, MOV to/from SP). Rn is SP;
 * Rd is SP for ADD/SUB and XZR for ADDS/SUBS. */
static bool trans_add_sub_imm(DisasContext *s, uint32_t insn)
{
    IRFunc *f = s->f;
    int sf = (int)insn_bits(insn, 31, 1);
    bool sub = insn_bits(insn, 30, 1);
    bool setflags = insn_bits(insn, 29, 1);
    uint64_t imm = insn_bits(insn, 10, 12) << (insn_bits(insn, 22, 1) ? 12 : 0);
    int rn = (int)insn_bits(insn, 5, 5);
    int rd = (int)insn_bits(insn, 0, 5);
    IRTemp a = read_src_sp(s, rn);
    IRTemp res = ir_temp_new(f);

    if (setflags) {
        if (sub) {
            gen_sub_flags(s, sf, res, a, ir_const(f, imm), false);
        } else {
            gen_add_flags(s, sf, res, a, ir_const(f, imm), false);
        }
        write_reg(s, rd, sf, res);
    } else {
        ir_binopi(f, sub ? IR_SUB : IR_ADD, sf ? IR_I64 : IR_I32, res, a, imm);
        write_reg_sp(s, rd, sf, res);
    }
    return true;
}

/* ---- logical (immediate) ---- */

/*
 * DecodeBitMasks (ARM ARM J1, shared/functions/bitmasks) for the logical-immediate case:
 * the element size is the highest set bit of N:NOT(imms); an element of S+1 ones is rotated
 * right by R and replicated to the register width. Returns false for the reserved encodings
 * (N:NOT(imms) has no set bit above bit 0, or S is all ones in the element, which would give
 * an all-ones element).
 */
static bool a64_decode_bit_masks(unsigned n, unsigned imms, unsigned immr, int width,
                                 uint64_t *wmask)
{
    unsigned combined = (n << 6) | (~imms & 0x3f);
    int len = 31 - __builtin_clz(combined | 1);
    if (combined == 0 || len < 1) {
        return false;
    }
    unsigned esize = 1u << len;
    if (esize > (unsigned)width) {
        return false;
    }
    unsigned levels = esize - 1;
    unsigned sv = imms & levels, rv = immr & levels;
    if (sv == levels) {
        return false;
    }
    uint64_t emask = esize == 64 ? ~0ull : (1ull << esize) - 1;
    uint64_t welem = (1ull << (sv + 1)) - 1; /* sv + 1 <= 63 */
    if (rv) {
        welem = ((welem >> rv) | (welem << (esize - rv))) & emask;
    }
    uint64_t m = welem;
    for (unsigned e = esize; e < 64; e *= 2) {
        m |= m << e;
    }
    *wmask = width == 32 ? (m & 0xffffffffull) : m;
    return true;
}

/* sf opc:2 100100 N immr imms Rn Rd — AND, ORR, EOR, ANDS (MOV bitmask, TST). Rd is SP except
 * for ANDS (XZR); Rn is XZR. sf=0 with N=1 is unallocated. */
static bool trans_logic_imm(DisasContext *s, uint32_t insn)
{
    IRFunc *f = s->f;
    int sf = (int)insn_bits(insn, 31, 1);
    unsigned opc = insn_bits(insn, 29, 2);
    unsigned n = insn_bits(insn, 22, 1);
    int rn = (int)insn_bits(insn, 5, 5);
    int rd = (int)insn_bits(insn, 0, 5);
    uint64_t imm;

    if (!sf && n) {
        return false;
    }
    if (!a64_decode_bit_masks(n, insn_bits(insn, 10, 6), insn_bits(insn, 16, 6), sf ? 64 : 32,
                              &imm)) {
        return false;
    }
    IRType ty = sf ? IR_I64 : IR_I32;
    IRTemp a = read_src(s, rn);
    IRTemp res = ir_temp_new(f);
    static const IROpcode ops[4] = {IR_AND, IR_OR, IR_XOR, IR_AND};
    ir_binopi(f, ops[opc], ty, res, a, imm);
    if (opc == 3) {
        gen_logic_flags(s, sf, res);
        write_reg(s, rd, sf, res);
    } else {
        write_reg_sp(s, rd, sf, res);
    }
    return true;
}

/* ---- move wide ---- */

/* sf opc:2 100101 hw:2 imm16 Rd — MOVN (00), MOVZ (10), MOVK (11); opc=01 and sf=0 with
 * hw>=2 are unallocated. Rd is XZR. */
static bool trans_move_wide(DisasContext *s, uint32_t insn)
{
    IRFunc *f = s->f;
    int sf = (int)insn_bits(insn, 31, 1);
    unsigned opc = insn_bits(insn, 29, 2);
    unsigned hw = insn_bits(insn, 21, 2);
    uint64_t imm = insn_bits(insn, 5, 16);
    int rd = (int)insn_bits(insn, 0, 5);
    unsigned pos = hw * 16;

    if (opc == 1 || (!sf && hw >= 2)) {
        return false;
    }
    switch (opc) {
    case 0: /* MOVN */
        imm = ~(imm << pos);
        write_reg(s, rd, sf, ir_const(f, sf ? imm : (uint32_t)imm));
        break;
    case 2: /* MOVZ */
        write_reg(s, rd, sf, ir_const(f, imm << pos));
        break;
    default: { /* MOVK keeps the other bits of Rd (the W form clears 63:32) */
        IRTemp res = ir_temp_new(f);
        ir_deposit(f, sf ? IR_I64 : IR_I32, res, read_src(s, rd), ir_const(f, imm), pos, 16);
        write_reg(s, rd, sf, res);
        break;
    }
    }
    return true;
}

/* ---- bitfield ---- */

/*
 * sf opc:2 100110 N immr imms Rn Rd — SBFM (00), BFM (01), UBFM (10); aliases ASR, LSL, LSR,
 * SBFIZ, SBFX, SXTB/H/W, BFI, BFXIL, BFC, UBFIZ, UBFX, UXTB/H. Unallocated: opc=11, N != sf,
 * and for sf=0 any of immr<5>, imms<5> set.
 * With width W, r = immr, s = imms: if s >= r, bits [s:r] of Rn go to bit 0 (field length
 * s-r+1); otherwise bits [s:0] go to bit W-r (field length s+1). SBFM sign-extends above the
 * field, UBFM zero-fills, BFM keeps the other bits of Rd.
 */
static bool trans_bitfield(DisasContext *s, uint32_t insn)
{
    IRFunc *f = s->f;
    int sf = (int)insn_bits(insn, 31, 1);
    unsigned opc = insn_bits(insn, 29, 2);
    unsigned n = insn_bits(insn, 22, 1);
    unsigned immr = insn_bits(insn, 16, 6);
    unsigned imms = insn_bits(insn, 10, 6);
    int rn = (int)insn_bits(insn, 5, 5);
    int rd = (int)insn_bits(insn, 0, 5);
    unsigned width = sf ? 64 : 32;

    if (opc == 3 || n != (unsigned)sf || (!sf && ((immr | imms) & 0x20))) {
        return false;
    }
    IRType ty = sf ? IR_I64 : IR_I32;
    IRTemp src = read_src(s, rn);
    IRTemp res = ir_temp_new(f);

    if (imms >= immr) {
        unsigned len = imms - immr + 1;
        switch (opc) {
        case 0: /* SBFX, ASR, SXT* */
            ir_sextract(f, ty, res, src, immr, len);
            break;
        case 2: /* UBFX, LSR */
            ir_extract(f, ty, res, src, immr, len);
            break;
        default: { /* BFXIL */
            IRTemp field = src;
            if (immr) {
                field = ir_temp_new(f);
                ir_binopi(f, IR_SHR, ty, field, src, immr);
            }
            ir_deposit(f, ty, res, read_src(s, rd), field, 0, len);
            break;
        }
        }
    } else {
        unsigned len = imms + 1, pos = width - immr;
        switch (opc) {
        case 0: /* SBFIZ */
            ir_sextract(f, ty, res, src, 0, len);
            ir_binopi(f, IR_SHL, ty, res, res, pos);
            break;
        case 2: /* UBFIZ, LSL */
            ir_deposit(f, ty, res, ir_const(f, 0), src, pos, len);
            break;
        default: /* BFI, BFC */
            ir_deposit(f, ty, res, read_src(s, rd), src, pos, len);
            break;
        }
    }
    write_reg(s, rd, sf, res);
    return true;
}

/* ---- extract ---- */

/* sf op21:2 100111 N o0 Rm imms Rn Rd — EXTR (op21=00, o0=0), alias ROR (immediate) when
 * Rn == Rm. Rd = (Rn:Rm) >> imms. Unallocated: N != sf, sf=0 with imms<5> set, other op21/o0. */
static bool trans_extract(DisasContext *s, uint32_t insn)
{
    IRFunc *f = s->f;
    int sf = (int)insn_bits(insn, 31, 1);
    unsigned n = insn_bits(insn, 22, 1);
    unsigned lsb = insn_bits(insn, 10, 6);
    int rm = (int)insn_bits(insn, 16, 5);
    int rn = (int)insn_bits(insn, 5, 5);
    int rd = (int)insn_bits(insn, 0, 5);
    unsigned width = sf ? 64 : 32;

    if (insn_bits(insn, 29, 2) != 0 || insn_bits(insn, 21, 1) || n != (unsigned)sf ||
        lsb >= width) {
        return false;
    }
    IRType ty = sf ? IR_I64 : IR_I32;
    IRTemp lo = read_src(s, rm);
    IRTemp res = ir_temp_new(f);
    if (lsb == 0) {
        ir_mov(f, ty, res, lo);
    } else if (rn == rm) {
        ir_binopi(f, IR_ROTR, ty, res, lo, lsb);
    } else {
        IRTemp hi = ir_temp_new(f);
        ir_binopi(f, IR_SHL, ty, hi, read_src(s, rn), width - lsb);
        ir_binopi(f, IR_SHR, ty, res, lo, lsb);
        ir_or(f, ty, res, res, hi);
    }
    write_reg(s, rd, sf, res);
    return true;
}

/* ---- group decoder ---- */

bool disas_a64_dp_imm(DisasContext *s, uint32_t insn)
{
    switch (insn_bits(insn, 23, 3)) {
    case 0: case 1: /* x 00 10000: PC-rel. addressing */
        return trans_pc_rel(s, insn);
    case 2: /* 100010: add/subtract (immediate) */
        return trans_add_sub_imm(s, insn);
    case 3: /* 100011: add/subtract (immediate, with tags), FEAT_MTE: not in ARMv8.0 */
        return false;
    case 4: /* 100100 */
        return trans_logic_imm(s, insn);
    case 5: /* 100101 */
        return trans_move_wide(s, insn);
    case 6: /* 100110 */
        return trans_bitfield(s, insn);
    default: /* 100111 */
        return trans_extract(s, insn);
    }
}
