/*
 * decode-map0f38.c — the three-byte opcode map 0F 38 xx (Intel SDM vol. 2 appendix A, table
 * SSSE3 (MMX form without prefix, XMM form with 66), SSE4.1/SSE4.2 (66 only), MOVBE and
 * CRC32 (no prefix / F2, where 66 stays the operand-size prefix). Every entry has a ModRM byte.
 * AES-NI, SHA, ADX and the VMX/INVPCID entries are not implemented and stay undefined (#UD).
 * Const data; slots not listed are zero, i.e. X86_E_INVALID.
 */
#include "target-x86/decode-tables.h"

#define SSSE3(m) X86_MMX_SSE(m, RM, NONE, 0)
#define SSE4(m) X86_SSE66(m, RM, NONE, 0)

/* clang-format off */
const X86OpEntry x86_map0f38[256] = {
    [0x00] = SSSE3("pshufb"),
    [0x01] = SSSE3("phaddw"),
    [0x02] = SSSE3("phaddd"),
    [0x03] = SSSE3("phaddsw"),
    [0x04] = SSSE3("pmaddubsw"),
    [0x05] = SSSE3("phsubw"),
    [0x06] = SSSE3("phsubd"),
    [0x07] = SSSE3("phsubsw"),
    [0x08] = SSSE3("psignb"),
    [0x09] = SSSE3("psignw"),
    [0x0a] = SSSE3("psignd"),
    [0x0b] = SSSE3("pmulhrsw"),
    [0x10] = SSE4("pblendvb"),
    [0x14] = SSE4("blendvps"),
    [0x15] = SSE4("blendvpd"),
    [0x17] = SSE4("ptest"),
    [0x1c] = SSSE3("pabsb"),
    [0x1d] = SSSE3("pabsw"),
    [0x1e] = SSSE3("pabsd"),
    [0x20] = SSE4("pmovsxbw"),
    [0x21] = SSE4("pmovsxbd"),
    [0x22] = SSE4("pmovsxbq"),
    [0x23] = SSE4("pmovsxwd"),
    [0x24] = SSE4("pmovsxwq"),
    [0x25] = SSE4("pmovsxdq"),
    [0x28] = SSE4("pmuldq"),
    [0x29] = SSE4("pcmpeqq"),
    [0x2a] = X86_SSE66("movntdqa", RM, NONE, FMEM),
    [0x2b] = SSE4("packusdw"),
    [0x30] = SSE4("pmovzxbw"),
    [0x31] = SSE4("pmovzxbd"),
    [0x32] = SSE4("pmovzxbq"),
    [0x33] = SSE4("pmovzxwd"),
    [0x34] = SSE4("pmovzxwq"),
    [0x35] = SSE4("pmovzxdq"),
    [0x37] = SSE4("pcmpgtq"),
    [0x38] = SSE4("pminsb"),
    [0x39] = SSE4("pminsd"),
    [0x3a] = SSE4("pminuw"),
    [0x3b] = SSE4("pminud"),
    [0x3c] = SSE4("pmaxsb"),
    [0x3d] = SSE4("pmaxsd"),
    [0x3e] = SSE4("pmaxuw"),
    [0x3f] = SSE4("pmaxud"),
    [0x40] = SSE4("pmulld"),
    [0x41] = SSE4("phminposuw"),
    /* F0: MOVBE Gv,Mv (66: Gw,Mw); F2: CRC32 Gd,Eb */
    [0xf0] = X86_PFX(FM | X86F_OSZ_KEEP, X86_I("movbe", MOV, RM, NONE, FMEM), X86_UD, X86_UD,
                     X86_I("crc32", MISC, RM, NONE, FB)),
    /* F1: MOVBE Mv,Gv; F2: CRC32 Gd,Ev (66 F2: Ew) */
    [0xf1] = X86_PFX(FM | X86F_OSZ_KEEP, X86_I("movbe", MOV, MR, NONE, FMEM), X86_UD, X86_UD,
                     X86_I("crc32", MISC, RM, NONE, 0)),
};
/* clang-format on */
