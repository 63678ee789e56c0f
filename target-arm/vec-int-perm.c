/*
 * vec-int-perm.c — semantics of the Advanced SIMD data-movement groups (ARM ARM C4.1.6, C7.2):
 * permute (UZP1/2, TRN1/2, ZIP1/2), EXT, TBL/TBX with 1-4 table registers (the table wraps
 * from V31 to V0), and the group classifier and the one entry vec_exec() that the translator's
 * helper call runs for every helper-implemented Advanced SIMD integer instruction. Called with
 * env == NULL only to check the encoding (vec-int.h). Runs on the owner vCPU.
 */
#include <string.h>

#include "target-arm/vec-int.h"

/* ---- the group classifier (C4.1.6 "Data Processing -- Scalar FP and Advanced SIMD") ---- */

VecGroup vec_classify(uint32_t insn) {
    bool bit28 = (insn >> 28) & 1, bit24 = (insn >> 24) & 1;
    bool b21 = (insn >> 21) & 1, b15 = (insn >> 15) & 1, b10 = (insn >> 10) & 1;
    if (bit28 && !((insn >> 30) & 1)) {
        return VEC_G_FP_SCALAR;
    }
    if ((insn >> 31) & 1) {
        return VEC_G_UNALLOC;
    }
    bool scalar = bit28, u = (insn >> 29) & 1;
    int bits1110 = (insn >> 10) & 3, op2017 = (insn >> 17) & 0xf, op2321 = (insn >> 21) & 7;
    if (bit24) {
        if (!b10) {
            return VEC_G_INDEXED;
        }
        if ((insn >> 23) & 1) {
            return VEC_G_UNALLOC;
        }
        if (((insn >> 19) & 0xf) == 0) {
            return scalar ? VEC_G_UNALLOC : VEC_G_MODIMM;
        }
        return VEC_G_SHIFT_IMM;
    }
    if (b21) {
        if (b10) {
            return VEC_G_THREE_SAME;
        }
        if (bits1110 == 0) {
            return VEC_G_THREE_DIFF;
        }
        if (op2017 == 0x0) { /* bits 21:17 = 10000 */
            return VEC_G_TWO_MISC;
        }
        if (op2017 == 0x8) { /* bits 21:17 = 11000 */
            return scalar ? VEC_G_PAIRWISE : VEC_G_ACROSS;
        }
        return VEC_G_UNALLOC; /* AES, SHA (crypto extensions are not advertised) */
    }
    if (b15) {
        return VEC_G_UNALLOC; /* three same extra (ARMv8.1+) */
    }
    if (op2321 == 0 && b10) {
        if (scalar && (u || ((insn >> 11) & 0xf))) {
            return VEC_G_UNALLOC;
        }
        return VEC_G_COPY;
    }
    if (scalar) {
        return VEC_G_UNALLOC; /* SHA three-register, FP16 */
    }
    if (!u && bits1110 == 2 && !((insn >> 21) & 1)) {
        return VEC_G_PERMUTE;
    }
    if (u && ((insn >> 22) & 3) == 0 && !b10) {
        return VEC_G_EXT;
    }
    if (!u && ((insn >> 22) & 3) == 0 && bits1110 == 0) {
        return VEC_G_TBL;
    }
    return VEC_G_UNALLOC;
}

/* ---- permute, EXT, TBL/TBX ---- */

bool vec_permute(CPUARMState *env, uint32_t insn) {
    bool q = (insn >> 30) & 1;
    int size = (insn >> 22) & 3, opc = (insn >> 12) & 7;
    if (opc == 0 || opc == 4 || (size == 3 && !q)) {
        return false;
    }
    if (!env) {
        return true;
    }
    uint64_t n[2], m[2], r[2] = {0, 0};
    memcpy(n, env->vregs[(insn >> 5) & 31], 16);
    memcpy(m, env->vregs[(insn >> 16) & 31], 16);
    int nelem = (q ? 16 : 8) >> size, hi = opc >> 2, half = nelem / 2;
    for (int i = 0; i < nelem; i++) {
        uint64_t x;
        switch (opc & 3) {
        case 1: { /* UZP: even (1) or odd (2) elements of the concatenation m:n */
            int j = 2 * i + hi;
            x = j < nelem ? vec_get(n, j, size) : vec_get(m, j - nelem, size);
            break;
        }
        case 2: { /* TRN */
            int j = (i & ~1) + hi;
            x = (i & 1) ? vec_get(m, j, size) : vec_get(n, j, size);
            break;
        }
        default: { /* ZIP */
            int j = hi * half + i / 2;
            x = (i & 1) ? vec_get(m, j, size) : vec_get(n, j, size);
            break;
        }
        }
        vec_set(r, i, size, x);
    }
    env->vregs[insn & 31][0] = r[0];
    env->vregs[insn & 31][1] = q ? r[1] : 0;
    return true;
}

bool vec_ext(CPUARMState *env, uint32_t insn) {
    bool q = (insn >> 30) & 1;
    int imm4 = (insn >> 11) & 0xf;
    if (!q && imm4 >= 8) {
        return false;
    }
    if (!env) {
        return true;
    }
    uint8_t cat[32], r[16] = {0};
    int bytes = q ? 16 : 8;
    memcpy(cat, env->vregs[(insn >> 5) & 31], 16);
    memcpy(cat + bytes, env->vregs[(insn >> 16) & 31], 16);
    memcpy(r, cat + imm4, (size_t)bytes);
    memcpy(env->vregs[insn & 31], r, 16);
    return true;
}

bool vec_tbl(CPUARMState *env, uint32_t insn) {
    if (!env) {
        return true;
    }
    bool q = (insn >> 30) & 1, tbx = (insn >> 12) & 1;
    int len = ((insn >> 13) & 3) + 1, rn = (insn >> 5) & 31, rd = insn & 31;
    uint8_t table[64], idx[16], r[16] = {0};
    for (int i = 0; i < len; i++) {
        memcpy(table + 16 * i, env->vregs[(rn + i) % 32], 16);
    }
    memcpy(idx, env->vregs[(insn >> 16) & 31], 16);
    if (tbx) {
        memcpy(r, env->vregs[rd], 16);
    }
    int bytes = q ? 16 : 8;
    for (int i = 0; i < bytes; i++) {
        if (idx[i] < 16 * len) {
            r[i] = table[idx[i]];
        } else if (!tbx) {
            r[i] = 0;
        }
    }
    if (!q) {
        memset(r + 8, 0, 8);
    }
    memcpy(env->vregs[rd], r, 16);
    return true;
}

/* ---- the helper entry ---- */

bool vec_exec(CPUARMState *env, uint32_t insn) {
    switch (vec_classify(insn)) {
    case VEC_G_THREE_SAME: return vec_three_same(env, insn);
    case VEC_G_THREE_DIFF: return vec_three_diff(env, insn);
    case VEC_G_TWO_MISC: return vec_two_misc(env, insn);
    case VEC_G_ACROSS: return vec_across(env, insn);
    case VEC_G_PAIRWISE: return vec_pairwise_scalar(env, insn);
    case VEC_G_INDEXED: return vec_indexed(env, insn);
    case VEC_G_SHIFT_IMM: return vec_shift_imm(env, insn);
    case VEC_G_PERMUTE: return vec_permute(env, insn);
    case VEC_G_EXT: return vec_ext(env, insn);
    case VEC_G_TBL: return vec_tbl(env, insn);
    default: return false;
    }
}
