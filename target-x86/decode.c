/*
 * decode.c — the x86 decoder walk: prefixes (SDM 2.1.1, 2.2.1), opcode map escape, table walk
 * through group / mandatory-prefix / mod / mode nodes, ModRM + SIB + displacement (SDM 2.1.5,
 * tables 2-1..2-3), operand and address size (SDM 3.6, 2.2.1.7) and immediates. Pure and
 * reentrant; fetches through the caller's callback one byte at a time so an instruction that
 * crosses a page faults at the right byte, and never fetches a 16th byte (#GP instead).
 */
#include "target-x86/decode.h"

#include <string.h>

const X86OpEntry x86_op_invalid = {.mnem = "(bad)"};

static const char *const x86_group_names[X86_GROUP_COUNT] = {
    "invalid", "alu",   "shift", "muldiv",    "mov", "xchg", "string", "stack", "branch", "bitop",
    "bcd",     "flags", "misc",  "interrupt", "io",  "seg",  "system", "x87",   "mmx",    "sse",
};

const char *x86_group_name(X86Group g) {
    return (unsigned)g < X86_GROUP_COUNT ? x86_group_names[g] : "?";
}

typedef struct X86DecodeState {
    X86Insn *insn;
    X86FetchFn fetch;
    void *opaque;
    unsigned pos;
    int status;
} X86DecodeState;

/* Next byte, or -1 with d->status set (#GP past 15 bytes, or the fetch fault). */
static int decode_next(X86DecodeState *d) {
    if (d->pos >= 15) {
        d->status = X86_DECODE_GP;
        return -1;
    }
    int b = d->fetch(d->opaque, d->pos);
    if (b < 0) {
        d->status = X86_DECODE_FETCH_FAULT;
        d->insn->fault_offset = (uint8_t)d->pos;
        return -1;
    }
    d->pos++;
    return b & 0xff;
}

/* Reads n (1, 2, 4 or 8) little-endian bytes, sign-extended. */
static bool decode_le(X86DecodeState *d, unsigned n, int64_t *out) {
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        int b = decode_next(d);
        if (b < 0) {
            return false;
        }
        v |= (uint64_t)b << (8 * i);
    }
    if (n < 8) {
        unsigned sh = 64 - 8 * n;
        *out = (int64_t)(v << sh) >> sh;
    } else {
        *out = (int64_t)v;
    }
    return true;
}

static bool decode_modrm(X86DecodeState *d) {
    X86Insn *insn = d->insn;
    if (insn->has_modrm) {
        return true;
    }
    int b = decode_next(d);
    if (b < 0) {
        return false;
    }
    insn->has_modrm = true;
    insn->modrm = (uint8_t)b;
    insn->mod = (uint8_t)(b >> 6);
    insn->reg = (uint8_t)(((b >> 3) & 7) | ((insn->rex & X86_REX_R) << 1));
    insn->rm = (uint8_t)(b & 7);
    return true;
}

/* 16-bit addressing forms (SDM table 2-1): base/index per ModRM.rm. */
static const uint8_t ea16_base[8] = {3, 3, 5, 5, X86_EA_NONE, X86_EA_NONE, 5, 3};
static const uint8_t ea16_index[8] = {6, 7, 6, 7, 6, 7, X86_EA_NONE, X86_EA_NONE};

/* Memory operand: SIB, displacement and the effective address components. */
static bool decode_ea(X86DecodeState *d, bool m64) {
    X86Insn *insn = d->insn;
    X86EffAddr *ea = &insn->ea;
    unsigned rm = insn->modrm & 7, mod = insn->mod, disp = 0;
    int64_t v = 0;
    bool ss = false;

    insn->mem = true;
    ea->index = X86_EA_NONE;
    if (insn->addrsize == 16) {
        ea->base = ea16_base[rm];
        ea->index = ea16_index[rm];
        if (mod == 0 && rm == 6) {
            ea->base = X86_EA_NONE;
            disp = 2;
        } else {
            disp = mod == 1 ? 1 : mod == 2 ? 2 : 0;
            ss = ea->base == 5; /* [BP+SI], [BP+DI], [BP+disp] default to SS */
        }
    } else {
        unsigned rex_b = (insn->rex & X86_REX_B) << 3;
        unsigned base = rm;
        if (rm == 4) {
            int s = decode_next(d);
            if (s < 0) {
                return false;
            }
            insn->has_sib = true;
            insn->sib = (uint8_t)s;
            ea->scale = (uint8_t)(s >> 6);
            unsigned idx = ((s >> 3) & 7) | ((insn->rex & X86_REX_X) << 2);
            ea->index = idx == 4 ? X86_EA_NONE : (uint8_t)idx; /* r12 can be an index */
            base = s & 7;
        }
        disp = mod == 1 ? 1 : mod == 2 ? 4 : 0;
        if (mod == 0 && base == 5) {
            /* No base: disp32 (SIB base 101), or RIP-relative in 64-bit mode (rm 101). The
             * REX.B bit does not change these special cases (SDM 2.2.1.2, table 2-5). */
            ea->base = (rm == 5 && m64) ? X86_EA_RIP : X86_EA_NONE;
            disp = 4;
        } else {
            ea->base = (uint8_t)(base | rex_b);
            ss = (base == 4 || base == 5) && !rex_b;
        }
    }
    if (disp && !decode_le(d, disp, &v)) {
        return false;
    }
    ea->disp = (int32_t)v;
    ea->disp_size = (uint8_t)disp;
    ea->seg =
        insn->seg_override != X86_SEG_NONE ? insn->seg_override : (ss ? X86_SEG_SS : X86_SEG_DS);
    return true;
}

/* Marks the instruction undefined; returns X86_DECODE_UD. */
static int decode_ud(X86DecodeState *d, X86UDReason why) {
    d->insn->entry = &x86_op_invalid;
    d->insn->ud_reason = (uint8_t)why;
    d->insn->length = (uint8_t)d->pos;
    return X86_DECODE_UD;
}

static int decode_fail(X86DecodeState *d) {
    d->insn->entry = &x86_op_invalid;
    d->insn->length = (uint8_t)d->pos;
    return d->status;
}

static const X86OpEntry *const x86_maps[4] = {x86_map1, x86_map0f, x86_map0f38, x86_map0f3a};

int x86_decode(X86Insn *insn, X86DecodeMode mode, X86FetchFn fetch, void *opaque) {
    X86DecodeState d = {.insn = insn, .fetch = fetch, .opaque = opaque};
    bool m64 = mode == X86_MODE_64;
    int b;

    memset(insn, 0, sizeof(*insn));
    insn->seg_override = X86_SEG_NONE;

    /* ---- prefixes: any order; a REX counts only right before the opcode (SDM 2.2.1) ---- */
    for (;;) {
        if ((b = decode_next(&d)) < 0) {
            return decode_fail(&d);
        }
        switch (b) {
        case 0x26: insn->seg_override = X86_SEG_ES; break;
        case 0x2e: insn->seg_override = X86_SEG_CS; break;
        case 0x36: insn->seg_override = X86_SEG_SS; break;
        case 0x3e: insn->seg_override = X86_SEG_DS; break;
        case 0x64: insn->seg_override = X86_SEG_FS; break;
        case 0x65: insn->seg_override = X86_SEG_GS; break;
        case 0x66: insn->prefixes |= X86_PFX_OPSIZE; break;
        case 0x67: insn->prefixes |= X86_PFX_ADSIZE; break;
        case 0xf0: insn->prefixes |= X86_PFX_LOCK; break;
        case 0xf2:
            insn->prefixes |= X86_PFX_REPNE;
            insn->rep = 0xf2;
            break;
        case 0xf3:
            insn->prefixes |= X86_PFX_REP;
            insn->rep = 0xf3;
            break;
        default:
            if (m64 && (b & 0xf0) == 0x40) {
                insn->rex = (uint8_t)b;
                continue;
            }
            goto opcode;
        }
        if (insn->seg_override != X86_SEG_NONE) {
            insn->prefixes |= X86_PFX_SEG;
        }
        insn->rex = 0; /* a legacy prefix after REX: the REX is ignored */
    }

opcode:
    insn->map = X86_MAP_1;
    if (b == 0x0f) {
        if ((b = decode_next(&d)) < 0) {
            return decode_fail(&d);
        }
        insn->map = X86_MAP_0F;
        if (b == 0x38 || b == 0x3a) {
            insn->map = b == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
            if ((b = decode_next(&d)) < 0) {
                return decode_fail(&d);
            }
        }
    }
    insn->opcode = (uint8_t)b;
    if (m64) {
        insn->addrsize = (insn->prefixes & X86_PFX_ADSIZE) ? 32 : 64;
    } else {
        bool a16 = (mode == X86_MODE_16) != !!(insn->prefixes & X86_PFX_ADSIZE);
        insn->addrsize = a16 ? 16 : 32;
    }

    /* ---- table walk ---- */
    const X86OpEntry *e = &x86_maps[insn->map][b];
    uint32_t flags = 0;
    bool osz_consumed = false;
    for (;;) {
        flags |= e->flags;
        switch ((X86EntryKind)e->kind) {
        case X86_E_INSN: goto leaf;
        case X86_E_INVALID: return decode_ud(&d, X86_UD_OPCODE);
        case X86_E_PREFIX: {
            /* F2/F3 take precedence over 66; between F2 and F3 the last one wins. */
            unsigned idx = 0;
            if (insn->rep) {
                idx = insn->rep == 0xf3 ? 2 : 3;
                insn->mandatory = insn->rep;
                insn->rep = 0;
            } else if ((insn->prefixes & X86_PFX_OPSIZE) && !(e->flags & X86F_OSZ_KEEP)) {
                idx = 1;
                insn->mandatory = 0x66;
                osz_consumed = true;
            }
            e = &e->sub[idx];
            break;
        }
        case X86_E_GROUP:
        case X86_E_MODSPLIT:
        case X86_E_RM:
        case X86_E_VEXESC:
            if (!decode_modrm(&d)) {
                return decode_fail(&d);
            }
            if (e->kind == X86_E_GROUP) {
                e = &e->sub[(insn->modrm >> 3) & 7];
            } else if (e->kind == X86_E_MODSPLIT) {
                e = &e->sub[insn->mod == 3];
            } else if (e->kind == X86_E_RM) {
                e = &e->sub[insn->modrm & 7];
            } else if (m64 || insn->mod == 3) {
                /* SDM 2.3.5: outside 64-bit mode C4/C5 (LES/LDS) and 62 (BOUND) are VEX/EVEX
                 * only when the next byte would be a register-form ModRM. */
                return decode_ud(&d, b == 0x62 ? X86_UD_EVEX : X86_UD_VEX);
            } else {
                e = &e->sub[0];
            }
            break;
        case X86_E_MODE: e = &e->sub[m64]; break;
        }
    }

leaf:
    insn->flags = flags;
    if (m64 ? (flags & X86F_INV64) : (flags & X86F_ONLY64)) {
        return decode_ud(&d, X86_UD_MODE);
    }
    if ((flags & X86F_MODRM) && !decode_modrm(&d)) {
        return decode_fail(&d);
    }

    /* ---- operand size (SDM 3.6.1, table 3-4; 64-bit mode: 2.2.1.7) ---- */
    bool osz = (insn->prefixes & X86_PFX_OPSIZE) && !osz_consumed;
    if (flags & X86F_BYTE) {
        insn->opsize = 8;
    } else if (m64) {
        if ((flags & X86F_F64) || (insn->rex & X86_REX_W)) {
            insn->opsize = 64;
        } else if (flags & X86F_DEF64) {
            insn->opsize = osz ? 16 : 64;
        } else {
            insn->opsize = osz ? 16 : 32;
        }
    } else {
        insn->opsize = ((mode == X86_MODE_16) != osz) ? 16 : 32;
    }

    /* ---- ModRM operand ---- */
    if (insn->has_modrm) {
        if (insn->mod == 3 || (flags & X86F_MODIGN)) {
            insn->rm = (uint8_t)((insn->modrm & 7) | ((insn->rex & X86_REX_B) << 3));
            if (flags & X86F_MEM) {
                return decode_ud(&d, X86_UD_MODRM_FORM);
            }
        } else {
            if (flags & X86F_REG) {
                return decode_ud(&d, X86_UD_MODRM_FORM);
            }
            if (!decode_ea(&d, m64)) {
                return decode_fail(&d);
            }
        }
    }
    if (insn->prefixes & X86_PFX_LOCK) {
        if (!(flags & X86F_LOCK) || !insn->mem) {
            return decode_ud(&d, X86_UD_LOCK);
        }
    }
    insn->opreg = (uint8_t)((b & 7) | ((insn->rex & X86_REX_B) << 3));

    /* ---- immediates ---- */
    unsigned n = 0, n2 = 0;
    switch ((X86ImmKind)e->imm) {
    case X86_IMM_NONE: break;
    case X86_IMM_8:
    case X86_IMM_REL8: n = 1; break;
    case X86_IMM_16: n = 2; break;
    case X86_IMM_Z:
    case X86_IMM_RELZ: n = insn->opsize == 16 ? 2 : 4; break;
    case X86_IMM_V: n = insn->opsize / 8; break;
    case X86_IMM_16_8:
        n = 2;
        n2 = 1;
        break;
    case X86_IMM_PTR:
        n = insn->opsize == 16 ? 2 : 4;
        n2 = 2;
        break;
    case X86_IMM_MOFFS: n = insn->addrsize / 8; break;
    }
    if (n) {
        int64_t v = 0;
        if (!decode_le(&d, n, &v)) {
            return decode_fail(&d);
        }
        if (e->imm == X86_IMM_MOFFS || e->imm == X86_IMM_PTR) {
            v = n == 8 ? v : (int64_t)((uint64_t)v & ((1ull << (8 * n)) - 1));
        }
        insn->imm = v;
        if (n2) {
            if (!decode_le(&d, n2, &v)) {
                return decode_fail(&d);
            }
            insn->imm2 = (uint16_t)v;
        }
    }
    insn->imm_size = (uint8_t)(n + n2);
    insn->entry = e;
    insn->length = (uint8_t)d.pos;
    return X86_DECODE_OK;
}

typedef struct X86BufFetch {
    const uint8_t *bytes;
    unsigned avail;
} X86BufFetch;

static int decode_buf_fetch(void *opaque, unsigned offset) {
    const X86BufFetch *f = opaque;
    return offset < f->avail ? f->bytes[offset] : -1;
}

int x86_decode_buf(X86Insn *insn, X86DecodeMode mode, const uint8_t *bytes, unsigned avail) {
    X86BufFetch f = {bytes, avail};
    return x86_decode(insn, mode, decode_buf_fetch, &f);
}
