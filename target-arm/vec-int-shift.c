/*
 * vec-int-shift.c — semantics of "Advanced SIMD (scalar) shift by immediate" (ARM ARM C4.1.6,
 * instruction pages in C7.2), integer opcodes only: SSHR USHR SSRA USRA SRSHR URSHR SRSRA URSRA
 * SRI SHL SLI SQSHL UQSHL SQSHLU (immediate), the narrowing SHRN RSHRN SQSHRN UQSHRN SQRSHRN
 * UQRSHRN SQSHRUN SQRSHRUN and the widening SSHLL/USHLL. The element size is the position of
 * the highest set bit of immh; the shift is decoded from immh:immb as in the pseudocode.
 * Called with env == NULL only to check the encoding (vec-int.h). Runs on the owner vCPU.
 */
#include <string.h>

#include "target-arm/vec-int.h"

bool vec_shift_imm(CPUARMState *env, uint32_t insn) {
    bool scalar = (insn >> 28) & 1, q = (insn >> 30) & 1, u = (insn >> 29) & 1;
    int immh = (insn >> 19) & 0xf, immhb = (insn >> 16) & 0x7f, opc = (insn >> 11) & 0x1f;
    int rn = (insn >> 5) & 31, rd = insn & 31;
    if (immh == 0) {
        return false; /* modified immediate, decoded elsewhere */
    }
    int size = 31 - __builtin_clz((unsigned)immh);
    int eb = 8 << size;
    bool narrow = opc >= 0x10 && opc <= 0x13, widen = opc == 0x14;
    bool ok;
    switch (opc) {
    case 0x00:
    case 0x02:
    case 0x04:
    case 0x06: ok = true; break;
    case 0x08: ok = u; break; /* SRI */
    case 0x0a:
    case 0x0e: ok = true; break; /* SHL/SLI, SQSHL/UQSHL */
    case 0x0c: ok = u; break;    /* SQSHLU */
    case 0x10:
    case 0x11: ok = !scalar || u; break; /* SHRN RSHRN / SQSHRUN SQRSHRUN */
    case 0x12:
    case 0x13: ok = true; break;    /* [SU]Q(R)SHRN */
    case 0x14: ok = !scalar; break; /* SSHLL/USHLL */
    default: ok = false; break;
    }
    if (!ok) {
        return false;
    }
    if (narrow || widen) {
        if (size == 3) {
            return false;
        }
    } else if (scalar) {
        if (opc != 0x0c && opc != 0x0e && size != 3) {
            return false;
        }
    } else if (size == 3 && !q) {
        return false;
    }
    if (!env) {
        return true;
    }
    uint64_t n[2], d[2], r[2] = {0, 0};
    memcpy(n, env->vregs[rn], 16);
    memcpy(d, env->vregs[rd], 16);
    uint64_t ones = size == 3 ? ~0ull : (1ull << eb) - 1;
    if (narrow) { /* source elements are 2 * esize; the shift is 1 .. esize */
        int sh = 2 * eb - immhb, half = scalar ? 1 : 8 >> size, part = q && !scalar ? half : 0;
        bool round = opc & 1;
        if (q && !scalar) {
            r[0] = d[0];
        }
        for (int i = 0; i < half; i++) {
            /* SQSHRUN and SQSHRN take signed input, UQSHRN unsigned; SHRN's is irrelevant */
            bool src_signed = opc <= 0x11 ? u : !u;
            __int128 x =
                src_signed ? (__int128)vec_sget(n, i, size + 1) : (__int128)vec_get(n, i, size + 1);
            x = vec_shift_exact(x, -sh, round);
            uint64_t y;
            if ((opc == 0x10 || opc == 0x11) && !u) {
                y = (uint64_t)x;
            } else if ((opc == 0x10 || opc == 0x11) || u) {
                y = vec_sat_u(env, x, size);
            } else {
                y = vec_sat_s(env, x, size);
            }
            vec_set(r, i + part, size, y);
        }
        env->vregs[rd][0] = r[0];
        env->vregs[rd][1] = q && !scalar ? r[1] : 0;
        return true;
    }
    if (widen) {
        int sh = immhb - eb, part = q ? 8 >> size : 0;
        for (int i = 0; i < 8 >> size; i++) {
            uint64_t x = u ? vec_get(n, i + part, size) : (uint64_t)vec_sget(n, i + part, size);
            vec_set(r, i, size + 1, x << sh);
        }
        env->vregs[rd][0] = r[0];
        env->vregs[rd][1] = r[1];
        return true;
    }
    int nelem = scalar ? 1 : (q ? 16 : 8) >> size;
    int rsh = 2 * eb - immhb; /* right shifts: 1 .. esize */
    int lsh = immhb - eb;     /* left shifts: 0 .. esize - 1 */
    for (int i = 0; i < nelem; i++) {
        uint64_t x = vec_get(n, i, size), acc = vec_get(d, i, size), y;
        __int128 v = u ? (__int128)x : (__int128)vec_sget(n, i, size);
        switch (opc) {
        case 0x00:
        case 0x02:
        case 0x04:
        case 0x06:
            y = (uint64_t)vec_shift_exact(v, -rsh, opc & 4);
            if (opc & 2) {
                y += acc;
            }
            break;
        case 0x08: { /* SRI: insert the shifted bits, keep the top rsh bits of Vd */
            uint64_t mask = rsh == 64 ? 0 : (ones >> rsh);
            y = (acc & ~mask) | ((rsh == 64 ? 0 : x >> rsh) & mask);
            break;
        }
        case 0x0a:
            if (u) { /* SLI */
                uint64_t mask = ones << lsh;
                y = (acc & ~mask) | ((x << lsh) & mask);
            } else {
                y = x << lsh;
            }
            break;
        case 0x0c: /* SQSHLU: signed in, unsigned saturated out */
            y = vec_sat_u(env, vec_shift_exact(vec_sget(n, i, size), lsh, false), size);
            break;
        default: /* 0x0e SQSHL / UQSHL */
            v = vec_shift_exact(v, lsh, false);
            y = u ? vec_sat_u(env, v, size) : vec_sat_s(env, v, size);
            break;
        }
        vec_set(r, i, size, y);
    }
    env->vregs[rd][0] = r[0];
    env->vregs[rd][1] = q && !scalar ? r[1] : 0;
    return true;
}
