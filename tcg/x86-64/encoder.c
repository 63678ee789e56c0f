/*
 * encoder.c — x86-64 machine-code encoder (Intel SDM vol. 2, chapter 2: REX, ModRM, SIB).
 *
 * Every emitter funnels through x86_op_rr()/x86_op_rm(), which place the legacy prefix, the
 * REX byte, the 0F escape, the opcode and ModRM/SIB/displacement. Special cases handled there:
 * rsp/r12 as base need a SIB byte, rbp/r13 as base need a displacement (mod=00 means RIP or
 * disp32 for them), and byte registers 4-7 need an empty REX to mean spl/bpl/sil/dil instead
 * of ah/ch/dh/bh. Bounds: see encoder.h (writes stop at cap, overflow is reported).
 */
#include "tcg/x86-64/encoder.h"

#include <glib.h>
#include <string.h>

void x86_asm_init(X86Asm *a, uint8_t *rw, const uint8_t *rx, size_t cap) {
    a->buf = rw;
    a->rx = rx;
    a->pos = 0;
    a->cap = cap;
    a->overflow = false;
}

void x86_emit8(X86Asm *a, uint8_t b) {
    if (a->pos < a->cap) {
        a->buf[a->pos] = b;
    } else {
        a->overflow = true;
    }
    a->pos++;
}

void x86_emit32(X86Asm *a, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        x86_emit8(a, (uint8_t)(v >> (8 * i)));
    }
}

void x86_emit64(X86Asm *a, uint64_t v) {
    x86_emit32(a, (uint32_t)v);
    x86_emit32(a, (uint32_t)(v >> 32));
}

/* byte_rm: the r/m field names a byte register (not a memory base). */
static void x86_emit_opc(X86Asm *a, int opc, int r, int x, int b, bool byte_rm) {
    if (opc & X86_OPC_66) {
        x86_emit8(a, 0x66);
    }
    if (opc & X86_OPC_F3) {
        x86_emit8(a, 0xF3);
    }
    int rex =
        ((opc & X86_OPC_W) ? 8 : 0) | ((r & 8) ? 4 : 0) | ((x & 8) ? 2 : 0) | ((b & 8) ? 1 : 0);
    bool force = (opc & X86_OPC_BYTEREG) && ((r >= 4 && r < 8) || (byte_rm && b >= 4 && b < 8));
    if (rex || force) {
        x86_emit8(a, (uint8_t)(0x40 | rex));
    }
    if (opc & X86_OPC_0F) {
        x86_emit8(a, 0x0F);
    }
    x86_emit8(a, (uint8_t)opc);
}

void x86_op_rr(X86Asm *a, int opc, int reg, int rm) {
    x86_emit_opc(a, opc, reg, 0, rm, true);
    x86_emit8(a, (uint8_t)(0xC0 | ((reg & 7) << 3) | (rm & 7)));
}

void x86_op_rm(X86Asm *a, int opc, int reg, int base, int index, int shift, int32_t disp) {
    g_assert(base >= 0 && base < 16);
    g_assert(index != X86_RSP);
    x86_emit_opc(a, opc, reg, index >= 0 ? index : 0, base, false);
    int mod;
    if (disp == 0 && (base & 7) != X86_RBP) {
        mod = 0;
    } else if (disp >= -128 && disp <= 127) {
        mod = 1;
    } else {
        mod = 2;
    }
    if (index < 0 && (base & 7) != X86_RSP) {
        x86_emit8(a, (uint8_t)((mod << 6) | ((reg & 7) << 3) | (base & 7)));
    } else {
        int idx = index < 0 ? 4 : (index & 7); /* 100 = no index (REX.X clear) */
        x86_emit8(a, (uint8_t)((mod << 6) | ((reg & 7) << 3) | 4));
        x86_emit8(a, (uint8_t)((shift << 6) | (idx << 3) | (base & 7)));
    }
    if (mod == 1) {
        x86_emit8(a, (uint8_t)disp);
    } else if (mod == 2) {
        x86_emit32(a, (uint32_t)disp);
    }
}

static bool fits_i8(int64_t v) {
    return v >= -128 && v <= 127;
}

void x86_alu_rr(X86Asm *a, int aluop, bool w, int dst, int src) {
    x86_op_rr(a, (aluop << 3) | 1 | x86_w(w), src, dst);
}

void x86_alu_ri(X86Asm *a, int aluop, bool w, int dst, int32_t imm) {
    if (fits_i8(imm)) {
        x86_op_rr(a, 0x83 | x86_w(w), aluop, dst);
        x86_emit8(a, (uint8_t)imm);
    } else {
        x86_op_rr(a, 0x81 | x86_w(w), aluop, dst);
        x86_emit32(a, (uint32_t)imm);
    }
}

void x86_alu_rm(X86Asm *a, int aluop, bool w, int dst, int base, int32_t disp) {
    x86_op_rm(a, (aluop << 3) | 3 | x86_w(w), dst, base, -1, 0, disp);
}

void x86_alu_rmx(X86Asm *a, int aluop, bool w, int dst, int base, int index, int32_t disp) {
    x86_op_rm(a, (aluop << 3) | 3 | x86_w(w), dst, base, index, 0, disp);
}

void x86_alu_mi(X86Asm *a, int aluop, bool w, int base, int32_t disp, int32_t imm) {
    if (fits_i8(imm)) {
        x86_op_rm(a, 0x83 | x86_w(w), aluop, base, -1, 0, disp);
        x86_emit8(a, (uint8_t)imm);
    } else {
        x86_op_rm(a, 0x81 | x86_w(w), aluop, base, -1, 0, disp);
        x86_emit32(a, (uint32_t)imm);
    }
}

void x86_test_rr(X86Asm *a, bool w, int r1, int r2) {
    x86_op_rr(a, 0x85 | x86_w(w), r2, r1);
}

void x86_test_ri(X86Asm *a, bool w, int r, int32_t imm) {
    x86_op_rr(a, 0xF7 | x86_w(w), 0, r);
    x86_emit32(a, (uint32_t)imm);
}

void x86_mov_rr(X86Asm *a, bool w, int dst, int src) {
    if (w && dst == src) {
        return; /* a 32-bit self move is not a no-op: it clears the upper half */
    }
    x86_op_rr(a, 0x89 | x86_w(w), src, dst);
}

void x86_mov_ri(X86Asm *a, int dst, uint64_t imm) {
    if (imm <= 0xffffffffull) {
        x86_emit_opc(a, 0xB8 + (dst & 7), 0, 0, dst, false);
        x86_emit32(a, (uint32_t)imm);
    } else if ((int64_t)imm == (int64_t)(int32_t)imm) {
        x86_op_rr(a, 0xC7 | X86_OPC_W, 0, dst);
        x86_emit32(a, (uint32_t)imm);
    } else {
        x86_emit_opc(a, (0xB8 + (dst & 7)) | X86_OPC_W, 0, 0, dst, false);
        x86_emit64(a, imm);
    }
}

void x86_mov_mi(X86Asm *a, int size_log2, int base, int32_t disp, int32_t imm) {
    switch (size_log2) {
    case 0:
        x86_op_rm(a, 0xC6, 0, base, -1, 0, disp);
        x86_emit8(a, (uint8_t)imm);
        break;
    case 1:
        x86_op_rm(a, 0xC7 | X86_OPC_66, 0, base, -1, 0, disp);
        x86_emit8(a, (uint8_t)imm);
        x86_emit8(a, (uint8_t)(imm >> 8));
        break;
    default:
        x86_op_rm(a, 0xC7 | x86_w(size_log2 == 3), 0, base, -1, 0, disp);
        x86_emit32(a, (uint32_t)imm);
        break;
    }
}

void x86_load(X86Asm *a, int size_log2, bool sign, int dst, int base, int index, int32_t disp) {
    int opc;
    switch (size_log2) {
    case 0: opc = (sign ? 0xBE | X86_OPC_W : 0xB6) | X86_OPC_0F; break;
    case 1: opc = (sign ? 0xBF | X86_OPC_W : 0xB7) | X86_OPC_0F; break;
    case 2: opc = sign ? 0x63 | X86_OPC_W : 0x8B; break;
    default: opc = 0x8B | X86_OPC_W; break;
    }
    x86_op_rm(a, opc, dst, base, index, 0, disp);
}

void x86_store(X86Asm *a, int size_log2, int src, int base, int index, int32_t disp) {
    int opc;
    switch (size_log2) {
    case 0: opc = 0x88 | X86_OPC_BYTEREG; break;
    case 1: opc = 0x89 | X86_OPC_66; break;
    case 2: opc = 0x89; break;
    default: opc = 0x89 | X86_OPC_W; break;
    }
    x86_op_rm(a, opc, src, base, index, 0, disp);
}

void x86_lea(X86Asm *a, bool w, int dst, int base, int index, int shift, int32_t disp) {
    x86_op_rm(a, 0x8D | x86_w(w), dst, base, index, shift, disp);
}

void x86_ext_rr(X86Asm *a, int size_log2, bool sign, int dst, int src) {
    switch (size_log2) {
    case 0:
        x86_op_rr(a, (sign ? 0xBE | X86_OPC_W : 0xB6) | X86_OPC_0F | X86_OPC_BYTEREG, dst, src);
        break;
    case 1: x86_op_rr(a, (sign ? 0xBF | X86_OPC_W : 0xB7) | X86_OPC_0F, dst, src); break;
    case 2:
        if (sign) {
            x86_op_rr(a, 0x63 | X86_OPC_W, dst, src);
        } else {
            x86_op_rr(a, 0x89, src, dst);
        }
        break;
    default: x86_mov_rr(a, true, dst, src); break;
    }
}

void x86_shift_ri(X86Asm *a, int shop, bool w, int reg, int count) {
    if (count == 1) {
        x86_op_rr(a, 0xD1 | x86_w(w), shop, reg);
    } else {
        x86_op_rr(a, 0xC1 | x86_w(w), shop, reg);
        x86_emit8(a, (uint8_t)count);
    }
}

void x86_shift_cl(X86Asm *a, int shop, bool w, int reg) {
    x86_op_rr(a, 0xD3 | x86_w(w), shop, reg);
}

void x86_unary(X86Asm *a, int ext, bool w, int reg) {
    x86_op_rr(a, 0xF7 | x86_w(w), ext, reg);
}

void x86_imul_rr(X86Asm *a, bool w, int dst, int src) {
    x86_op_rr(a, 0xAF | X86_OPC_0F | x86_w(w), dst, src);
}

void x86_imul_rri(X86Asm *a, bool w, int dst, int src, int32_t imm) {
    if (fits_i8(imm)) {
        x86_op_rr(a, 0x6B | x86_w(w), dst, src);
        x86_emit8(a, (uint8_t)imm);
    } else {
        x86_op_rr(a, 0x69 | x86_w(w), dst, src);
        x86_emit32(a, (uint32_t)imm);
    }
}

void x86_cqo(X86Asm *a, bool w) {
    if (w) {
        x86_emit8(a, 0x48);
    }
    x86_emit8(a, 0x99);
}

void x86_bswap(X86Asm *a, bool w, int reg) {
    x86_emit_opc(a, (0xC8 + (reg & 7)) | X86_OPC_0F | x86_w(w), 0, 0, reg, false);
}

void x86_bitscan(X86Asm *a, int opc, bool w, int dst, int src) {
    x86_op_rr(a, opc | X86_OPC_0F | x86_w(w), dst, src);
}

void x86_setcc(X86Asm *a, X86Cond cc, int reg) {
    x86_op_rr(a, (0x90 + cc) | X86_OPC_0F | X86_OPC_BYTEREG, 0, reg);
}

void x86_cmov(X86Asm *a, X86Cond cc, bool w, int dst, int src) {
    x86_op_rr(a, (0x40 + cc) | X86_OPC_0F | x86_w(w), dst, src);
}

size_t x86_jcc32(X86Asm *a, X86Cond cc) {
    x86_emit8(a, 0x0F);
    x86_emit8(a, (uint8_t)(0x80 + cc));
    size_t p = a->pos;
    x86_emit32(a, 0);
    return p;
}

size_t x86_jmp32(X86Asm *a) {
    x86_emit8(a, 0xE9);
    size_t p = a->pos;
    x86_emit32(a, 0);
    return p;
}

void x86_patch_rel32(X86Asm *a, size_t field_pos, size_t target_pos) {
    if (field_pos + 4 > a->cap) {
        return; /* overflowed already; the TB is discarded */
    }
    int32_t rel = (int32_t)((int64_t)target_pos - (int64_t)(field_pos + 4));
    memcpy(a->buf + field_pos, &rel, 4);
}

static bool rel32_reach(X86Asm *a, const void *target, size_t insn_len, int32_t *rel) {
    int64_t d = (int64_t)((intptr_t)target - (intptr_t)(a->rx + a->pos + insn_len));
    if (d != (int32_t)d) {
        return false;
    }
    *rel = (int32_t)d;
    return true;
}

void x86_jmp_abs(X86Asm *a, const void *target, int scratch) {
    int32_t rel;
    if (rel32_reach(a, target, 5, &rel)) {
        x86_emit8(a, 0xE9);
        x86_emit32(a, (uint32_t)rel);
    } else {
        x86_mov_ri(a, scratch, (uintptr_t)target);
        x86_jmp_reg(a, scratch);
    }
}

void x86_call_abs(X86Asm *a, const void *target, int scratch) {
    int32_t rel;
    if (rel32_reach(a, target, 5, &rel)) {
        x86_emit8(a, 0xE8);
        x86_emit32(a, (uint32_t)rel);
    } else {
        x86_mov_ri(a, scratch, (uintptr_t)target);
        x86_call_reg(a, scratch);
    }
}

void x86_jmp_reg(X86Asm *a, int reg) {
    x86_op_rr(a, 0xFF, 4, reg);
}
void x86_call_reg(X86Asm *a, int reg) {
    x86_op_rr(a, 0xFF, 2, reg);
}

void x86_push(X86Asm *a, int reg) {
    x86_emit_opc(a, 0x50 + (reg & 7), 0, 0, reg, false);
}
void x86_pop(X86Asm *a, int reg) {
    x86_emit_opc(a, 0x58 + (reg & 7), 0, 0, reg, false);
}
void x86_ret(X86Asm *a) {
    x86_emit8(a, 0xC3);
}

void x86_mfence(X86Asm *a) {
    x86_emit8(a, 0x0F);
    x86_emit8(a, 0xAE);
    x86_emit8(a, 0xF0);
}

void x86_nops(X86Asm *a, int n) {
    /* Recommended multi-byte NOPs (Intel SDM vol. 2B, NOP): 1-byte 90, 2-byte 66 90, etc. */
    static const uint8_t nop_seq[8][8] = {
        {0},
        {0x90},
        {0x66, 0x90},
        {0x0F, 0x1F, 0x00},
        {0x0F, 0x1F, 0x40, 0x00},
        {0x0F, 0x1F, 0x44, 0x00, 0x00},
        {0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00},
        {0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00},
    };
    while (n > 0) {
        int k = n > 7 ? 7 : n;
        for (int i = 0; i < k; i++) {
            x86_emit8(a, nop_seq[k][i]);
        }
        n -= k;
    }
}
