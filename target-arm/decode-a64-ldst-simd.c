/*
 * decode-a64-ldst-simd.c — loads and stores of SIMD&FP registers (the V = 1 forms of the
 * load/store group, ARM ARM C4.1.4): LDR/STR of B/H/S/D/Q with unsigned, pre/post-indexed,
 * unscaled and register offsets and literal addresses, LDP/STP/LDNP/STNP of S/D/Q, and the
 * Advanced SIMD structure instructions LD1-LD4/ST1-ST4 (multiple and single structures) and
 * LD1R-LD4R, with and without post-index. 128-bit accesses are two 64-bit guest accesses (the
 * architecture makes Q accesses single-copy atomic only per 64 bits, B2.2.1); ARM_TBFLAG_ALIGN
 * adds MO_ALIGN at the element size. Base writeback happens after every access, so a fault
 * leaves the base register unchanged. Runs on the translating vCPU thread.
 */
#include "target-arm/translate.h"

static MemOp ldst_align(DisasContext *s) {
    return (s->tbflags & ARM_TBFLAG_ALIGN) ? MO_ALIGN : 0;
}

static IRTemp addr_plus(DisasContext *s, IRTemp addr, int64_t off) {
    if (off == 0) {
        return addr;
    }
    IRTemp t = ir_temp_new(s->f);
    ir_binopi(s->f, IR_ADD, IR_I64, t, addr, (uint64_t)off);
    return t;
}

/* Whole-register load (zeroing the rest) or store of `size` (0..4, 4 = Q) at addr. */
static void gen_ldst_vreg(DisasContext *s, bool load, int rt, int size, IRTemp addr) {
    IRFunc *f = s->f;
    MemOp mop = (MemOp)(size == 4 ? MO_64 : size) | ldst_align(s);
    int parts = size == 4 ? 2 : 1;
    for (int i = 0; i < parts; i++) {
        IRTemp a = addr_plus(s, addr, 8 * i);
        if (load) {
            IRTemp v = ir_temp_new(f);
            ir_qemu_ld(f, v, a, mop, s->mmu_idx);
            write_vec_element(s, v, rt, i, MO_64);
        } else {
            IRTemp v = read_vec_element(s, rt, i, (MemOp)(size == 4 ? MO_64 : size));
            ir_qemu_st(f, v, a, mop, s->mmu_idx);
        }
    }
    if (load && size < 4) {
        clear_vec_high(s, rt);
    }
}

static void gen_writeback(DisasContext *s, int rn, IRTemp addr, IRTemp inc) {
    IRTemp t = ir_temp_new(s->f);
    ir_add(s->f, IR_I64, t, addr, inc);
    write_reg_sp(s, rn, 1, t);
}

/* ---- single registers: LDR/STR (all offsets), literal ---- */

static bool trans_ldst_reg(DisasContext *s, uint32_t insn) {
    int size = (insn >> 30) & 3, opc = (insn >> 22) & 3;
    int rn = (insn >> 5) & 31, rt = insn & 31;
    bool load = opc & 1;
    if (opc & 2) {
        if (size != 0) {
            return false;
        }
        size = 4;
    }
    IRTemp addr;
    bool writeback = false, post = false;
    int64_t off = 0;
    if ((insn >> 24) & 1) { /* unsigned offset, scaled */
        off = (int64_t)((insn >> 10) & 0xfff) << size;
    } else if (!((insn >> 21) & 1)) { /* imm9: unscaled, post, (unprivileged: none), pre */
        int mode = (insn >> 10) & 3;
        if (mode == 2) {
            return false;
        }
        off = (int64_t)((int32_t)(insn << 11) >> 23);
        writeback = mode != 0;
        post = mode == 1;
    } else if (((insn >> 10) & 3) == 2) { /* register offset */
        int option = (insn >> 13) & 7, shift = ((insn >> 12) & 1) ? size : 0;
        if (!(option & 2)) {
            return false;
        }
        if (!fp_access_check(s)) {
            return true;
        }
        IRTemp m = ir_temp_new(s->f);
        IRTemp xm = read_reg(s, (insn >> 16) & 31, 1);
        switch (option) {
        case 2: ir_unop(s->f, IR_EXT32U, IR_I64, m, xm); break;
        case 6: ir_unop(s->f, IR_EXT32S, IR_I64, m, xm); break;
        default: ir_mov(s->f, IR_I64, m, xm); break;
        }
        if (shift) {
            ir_binopi(s->f, IR_SHL, IR_I64, m, m, (uint64_t)shift);
        }
        addr = ir_temp_new(s->f);
        ir_add(s->f, IR_I64, addr, read_reg_sp(s, rn, 1), m);
        gen_ldst_vreg(s, load, rt, size, addr);
        return true;
    } else {
        return false;
    }
    if (!fp_access_check(s)) {
        return true;
    }
    addr = gen_addr_base_offset(s, rn, post ? 0 : off);
    gen_ldst_vreg(s, load, rt, size, addr);
    if (writeback) {
        IRTemp t = ir_temp_new(s->f);
        ir_binopi(s->f, IR_ADD, IR_I64, t, addr, (uint64_t)(post ? off : 0));
        write_reg_sp(s, rn, 1, t);
    }
    return true;
}

static bool trans_ld_literal(DisasContext *s, uint32_t insn) {
    int opc = (insn >> 30) & 3;
    if (opc == 3 || ((insn >> 24) & 1)) {
        return false;
    }
    if (!fp_access_check(s)) {
        return true;
    }
    int64_t off = (int64_t)((int32_t)(insn << 8) >> 13) * 4;
    IRTemp addr = ir_temp_new(s->f);
    ir_movi(s->f, IR_I64, addr, s->pc + (uint64_t)off);
    gen_ldst_vreg(s, true, insn & 31, opc + 2, addr);
    return true;
}

/* ---- pairs: LDP/STP/LDNP/STNP of S, D, Q ---- */

static bool trans_ldst_pair(DisasContext *s, uint32_t insn) {
    int opc = (insn >> 30) & 3, idx = (insn >> 23) & 7;
    int rt = insn & 31, rn = (insn >> 5) & 31, rt2 = (insn >> 10) & 31;
    bool load = (insn >> 22) & 1;
    if (opc == 3 || idx > 3) {
        return false;
    }
    int size = opc + 2, bytes = 1 << size;
    int64_t off = (int64_t)((int32_t)(insn << 10) >> 25) * bytes;
    if (!fp_access_check(s)) {
        return true;
    }
    bool post = idx == 1, writeback = idx == 1 || idx == 3;
    IRTemp addr = gen_addr_base_offset(s, rn, post ? 0 : off);
    gen_ldst_vreg(s, load, rt, size, addr);
    gen_ldst_vreg(s, load, rt2, size, addr_plus(s, addr, bytes));
    if (writeback) {
        gen_writeback(s, rn, addr, ir_const(s->f, (uint64_t)(post ? off : 0)));
    }
    return true;
}

/* ---- structures: LD1-4/ST1-4 multiple and single, LD1R-LD4R ---- */

/* Post-index increment: Xm, or the immediate (bytes transferred) when Rm = 31. */
static IRTemp struct_increment(DisasContext *s, int rm, int64_t bytes) {
    return rm == 31 ? ir_const(s->f, (uint64_t)bytes) : read_reg(s, rm, 1);
}

static bool trans_ldst_multiple(DisasContext *s, uint32_t insn) {
    bool q = (insn >> 30) & 1, load = (insn >> 22) & 1, post = (insn >> 23) & 1;
    int opcode = (insn >> 12) & 0xf, size = (insn >> 10) & 3;
    int rm = (insn >> 16) & 31, rn = (insn >> 5) & 31, rt = insn & 31;
    int rpt, selem;
    switch (opcode) {
    case 0x0:
        rpt = 1;
        selem = 4;
        break;
    case 0x2:
        rpt = 4;
        selem = 1;
        break;
    case 0x4:
        rpt = 1;
        selem = 3;
        break;
    case 0x6:
        rpt = 3;
        selem = 1;
        break;
    case 0x7:
        rpt = 1;
        selem = 1;
        break;
    case 0x8:
        rpt = 1;
        selem = 2;
        break;
    case 0xa:
        rpt = 2;
        selem = 1;
        break;
    default: return false;
    }
    if ((size == 3 && !q && selem > 1) || (!post && rm != 0) || ((insn >> 21) & 1)) {
        return false;
    }
    if (!fp_access_check(s)) {
        return true;
    }
    IRFunc *f = s->f;
    IRTemp base = gen_addr_base_offset(s, rn, 0);
    int ebytes = 1 << size, nelem = (q ? 16 : 8) / ebytes;
    MemOp align = ldst_align(s);
    int64_t off = 0;
    if (selem == 1 && !align) { /* LD1/ST1: the registers are contiguous in memory */
        size = 3;
        ebytes = 8;
        nelem = q ? 2 : 1;
    }
    for (int r = 0; r < rpt; r++) {
        for (int e = 0; e < nelem; e++) {
            for (int k = 0; k < selem; k++) {
                int reg = (rt + r + k) % 32;
                IRTemp a = addr_plus(s, base, off);
                if (load) {
                    IRTemp v = ir_temp_new(f);
                    ir_qemu_ld(f, v, a, (MemOp)size | align, s->mmu_idx);
                    write_vec_element(s, v, reg, e, (MemOp)size);
                } else {
                    IRTemp v = read_vec_element(s, reg, e, (MemOp)size);
                    ir_qemu_st(f, v, a, (MemOp)size | align, s->mmu_idx);
                }
                off += ebytes;
            }
        }
    }
    if (load && !q) {
        for (int r = 0; r < rpt * selem; r++) {
            clear_vec_high(s, (rt + r) % 32);
        }
    }
    if (post) {
        gen_writeback(s, rn, base, struct_increment(s, rm, off));
    }
    return true;
}

static bool trans_ldst_single(DisasContext *s, uint32_t insn) {
    bool q = (insn >> 30) & 1, load = (insn >> 22) & 1, post = (insn >> 23) & 1;
    int opcode = (insn >> 13) & 7, sbit = (insn >> 12) & 1, size = (insn >> 10) & 3;
    int rm = (insn >> 16) & 31, rn = (insn >> 5) & 31, rt = insn & 31;
    int selem = ((opcode & 1) << 1 | ((insn >> 21) & 1)) + 1;
    int scale = opcode >> 1, index = 0;
    bool replicate = false;
    if (!post && rm != 0) {
        return false;
    }
    switch (scale) {
    case 3:
        if (!load || sbit) {
            return false;
        }
        scale = size;
        replicate = true;
        break;
    case 0: index = q << 3 | sbit << 2 | size; break;
    case 1:
        if (size & 1) {
            return false;
        }
        index = q << 2 | sbit << 1 | size >> 1;
        break;
    default:
        if (size & 2) {
            return false;
        }
        if (size & 1) {
            if (sbit) {
                return false;
            }
            scale = 3;
            index = q;
        } else {
            index = q << 1 | sbit;
        }
        break;
    }
    if (!fp_access_check(s)) {
        return true;
    }
    IRFunc *f = s->f;
    IRTemp base = gen_addr_base_offset(s, rn, 0);
    MemOp mop = (MemOp)scale | ldst_align(s);
    int ebytes = 1 << scale;
    for (int k = 0; k < selem; k++) {
        int reg = (rt + k) % 32;
        IRTemp a = addr_plus(s, base, k * ebytes);
        if (replicate) {
            static const uint64_t rep[4] = {0x0101010101010101ull, 0x0001000100010001ull,
                                            0x0000000100000001ull, 1};
            IRTemp v = ir_temp_new(f), d = ir_temp_new(f);
            ir_qemu_ld(f, v, a, mop, s->mmu_idx);
            ir_mul(f, IR_I64, d, v, ir_const(f, rep[scale]));
            write_vec_element(s, d, reg, 0, MO_64);
            if (q) {
                write_vec_element(s, d, reg, 1, MO_64);
            } else {
                clear_vec_high(s, reg);
            }
        } else if (load) {
            IRTemp v = ir_temp_new(f);
            ir_qemu_ld(f, v, a, mop, s->mmu_idx);
            write_vec_element(s, v, reg, index, (MemOp)scale);
        } else {
            IRTemp v = read_vec_element(s, reg, index, (MemOp)scale);
            ir_qemu_st(f, v, a, mop, s->mmu_idx);
        }
    }
    if (post) {
        gen_writeback(s, rn, base, struct_increment(s, rm, (int64_t)selem * ebytes));
    }
    return true;
}

/* ---- the group decoder (bit 26 = 1 of C4.1.4) ---- */

bool disas_a64_ldst_simd(DisasContext *s, uint32_t insn) {
    switch ((insn >> 28) & 3) {
    case 0: /* Advanced SIMD load/store structures: 0 Q 0011 0 P ... */
        if ((insn >> 31) & 1) {
            return false;
        }
        switch ((insn >> 24) & 0x3f) {
        case 0x0c: return trans_ldst_multiple(s, insn);
        case 0x0d: return trans_ldst_single(s, insn);
        default: return false;
        }
    case 1: return trans_ld_literal(s, insn);
    case 2: return trans_ldst_pair(s, insn);
    default: return trans_ldst_reg(s, insn);
    }
}
