/*
 * decode-tables.h — data-only macros shared by the opcode table files (decode-map*.c). Each
 * macro expands to one X86OpEntry initializer (or a fixed run of them); sub-tables are file-scope
 * compound literals, so a whole opcode (its groups and prefix variants) reads on one line next to
 * its encoding. Nothing here has control flow. Included only by decode-map*.c.
 */
#ifndef TANDEM_TARGET_X86_DECODE_TABLES_H
#define TANDEM_TARGET_X86_DECODE_TABLES_H

#include "target-x86/decode.h"

/* Short flag names for table lines. */
#define FM X86F_MODRM
#define FB X86F_BYTE
#define FI64 X86F_INV64
#define FO64 X86F_ONLY64
#define FD64 X86F_DEF64
#define FF64 X86F_F64
#define FL X86F_LOCK
#define FMEM X86F_MEM
#define FREG X86F_REG
#define FREP X86F_REP
#define FEND X86F_END_TB

/* A leaf: mnemonic, group, operand encoding, immediate kind, flags. */
#define X86_I(m, g, o, i, f)                                                                      \
    {.mnem = (m), .kind = X86_E_INSN, .group = X86_GROUP_##g, .ops = X86_OPS_##o,                   \
     .imm = X86_IMM_##i, .flags = (f)}
#define X86_UD {.kind = X86_E_INVALID}
/* Sub-tables: by ModRM.reg (8), by mandatory prefix (none, 66, F3, F2), memory/register form,
 * by ModRM.rm (8), legacy/64-bit mode, and the C4/C5/62 VEX/EVEX escape. */
#define X86_GRP(f, ...)                                                                           \
    {.kind = X86_E_GROUP, .flags = (f) | FM, .sub = (const X86OpEntry[8]){__VA_ARGS__}}
#define X86_PFX(f, a, b, c, d)                                                                    \
    {.kind = X86_E_PREFIX, .flags = (f), .sub = (const X86OpEntry[4]){a, b, c, d}}
#define X86_MODSPLIT(f, mem, reg)                                                                 \
    {.kind = X86_E_MODSPLIT, .flags = (f) | FM, .sub = (const X86OpEntry[2]){mem, reg}}
#define X86_RMT(...) {.kind = X86_E_RM, .flags = FM, .sub = (const X86OpEntry[8]){__VA_ARGS__}}
#define X86_MODE(legacy, long64)                                                                  \
    {.kind = X86_E_MODE, .sub = (const X86OpEntry[2]){legacy, long64}}
#define X86_VEXESC(legacy) {.kind = X86_E_VEXESC, .flags = FM, .sub = (const X86OpEntry[1]){legacy}}

/* MMX form without prefix, SSE2 form with 66 (0F 60-7F, D0-FF, 0F38 00-1E, 0F3A 0F). */
#define X86_MMX_SSE(m, o, i, f)                                                                   \
    X86_PFX(FM, X86_I(m, MMX, o, i, f), X86_I(m, SSE, o, i, f), X86_UD, X86_UD)
/* SSE only with 66 (SSE2..SSE4.2 packed-integer and 66-only forms). */
#define X86_SSE66(m, o, i, f) X86_PFX(FM, X86_UD, X86_I(m, SSE, o, i, f), X86_UD, X86_UD)

#endif
