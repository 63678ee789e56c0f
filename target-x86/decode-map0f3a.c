/*
 * decode-map0f3a.c — the three-byte opcode map 0F 3A xx (Intel SDM vol. 2 appendix A, table
 * SSSE3 PALIGNR (MMX without prefix, XMM with 66), SSE4.1 (66), SSE4.2 string compares
 * (66) and PCLMULQDQ. Every entry has a ModRM byte and an imm8. AES/SHA entries are not
 * implemented and stay undefined (#UD). Const data; unlisted slots are X86_E_INVALID.
 */
#include "target-x86/decode-tables.h"

#define SSE4I(m) X86_SSE66(m, RMI, 8, 0)
#define SSE4IM(m) X86_SSE66(m, MRI, 8, 0) /* r/m destination (PEXTR*, EXTRACTPS) */

/* clang-format off */
const X86OpEntry x86_map0f3a[256] = {
    [0x08] = SSE4I("roundps"),
    [0x09] = SSE4I("roundpd"),
    [0x0a] = SSE4I("roundss"),
    [0x0b] = SSE4I("roundsd"),
    [0x0c] = SSE4I("blendps"),
    [0x0d] = SSE4I("blendpd"),
    [0x0e] = SSE4I("pblendw"),
    [0x0f] = X86_MMX_SSE("palignr", RMI, 8, 0),
    [0x14] = SSE4IM("pextrb"),
    [0x15] = SSE4IM("pextrw"),
    [0x16] = SSE4IM("pextrd"), /* PEXTRQ with REX.W */
    [0x17] = SSE4IM("extractps"),
    [0x20] = SSE4I("pinsrb"),
    [0x21] = SSE4I("insertps"),
    [0x22] = SSE4I("pinsrd"), /* PINSRQ with REX.W */
    [0x40] = SSE4I("dpps"),
    [0x41] = SSE4I("dppd"),
    [0x42] = SSE4I("mpsadbw"),
    [0x44] = SSE4I("pclmulqdq"),
    [0x60] = SSE4I("pcmpestrm"),
    [0x61] = SSE4I("pcmpestri"),
    [0x62] = SSE4I("pcmpistrm"),
    [0x63] = SSE4I("pcmpistri"),
};
/* clang-format on */
