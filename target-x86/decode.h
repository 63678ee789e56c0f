/*
 * decode.h — the x86 instruction decoder: legacy prefixes, REX, opcode maps (1-byte, 0F, 0F38,
 * 0F3A), ModRM/SIB/displacement, immediates, effective operand and address size (Intel SDM
 * vol. 2 ch. 2 "Instruction Format"). x86_decode() fills an X86Insn; the translator dispatches
 * on insn->entry->group and emits IR. The decoder never emits code, never allocates and never
 * uses capstone; it is pure and reentrant (any thread, no locks). The opcode tables
 * (decode-map*.c) are const data built at compile time.
 *
 * Invariant: after x86_decode() returns, insn->entry points to a valid table entry (the shared
 * "(bad)" entry when the result is not X86_DECODE_OK) and insn->length never exceeds 15.
 */
#ifndef TANDEM_TARGET_X86_DECODE_H
#define TANDEM_TARGET_X86_DECODE_H

#include <stdbool.h>
#include <stdint.h>

/* Code segment default size: CS.D for 16/32-bit, CS.L for 64-bit mode (SDM 3.4.5). */
typedef enum X86DecodeMode {
    X86_MODE_16,
    X86_MODE_32,
    X86_MODE_64,
} X86DecodeMode;

typedef enum X86DecodeStatus {
    X86_DECODE_OK = 0,
    X86_DECODE_UD,          /* undefined / unsupported encoding: raise #UD (see ud_reason) */
    X86_DECODE_GP,          /* longer than 15 bytes: raise #GP(0) (SDM 2.3.11) */
    X86_DECODE_FETCH_FAULT, /* fetch callback failed at byte insn->fault_offset */
} X86DecodeStatus;

/* Why an encoding is #UD (for logs and for the capstone cross-check classes). */
typedef enum X86UDReason {
    X86_UD_NONE = 0,
    X86_UD_OPCODE,     /* undefined opcode, group member or mandatory-prefix variant */
    X86_UD_MODE,       /* invalid in 64-bit mode, or 64-bit only */
    X86_UD_MODRM_FORM, /* needs a memory (or register) ModRM form and got the other */
    X86_UD_LOCK,       /* LOCK on a non-lockable instruction or a register destination */
    X86_UD_VEX,        /* VEX (C4/C5) prefix: AVX is not implemented */
    X86_UD_EVEX,       /* EVEX (62) prefix: AVX-512 is not implemented */
} X86UDReason;

typedef enum X86Map {
    X86_MAP_1,    /* one-byte opcodes */
    X86_MAP_0F,   /* 0F xx */
    X86_MAP_0F38, /* 0F 38 xx */
    X86_MAP_0F3A, /* 0F 3A xx */
} X86Map;

/* Instruction groups: what the translator dispatches on. ORDER: x86_group_names in decode.c. */
typedef enum X86Group {
    X86_GROUP_INVALID = 0,
    X86_GROUP_ALU,       /* ADD OR ADC SBB AND SUB XOR CMP TEST NOT NEG INC DEC */
    X86_GROUP_SHIFT,     /* ROL ROR RCL RCR SHL SHR SAR SHLD SHRD */
    X86_GROUP_MULDIV,    /* MUL IMUL DIV IDIV */
    X86_GROUP_MOV,       /* MOV MOVZX MOVSX MOVSXD LEA CMOVcc SETcc XCHG BSWAP CBW.. MOVBE */
    X86_GROUP_XCHG,      /* XCHG XADD CMPXCHG CMPXCHG8B/16B (atomic candidates) */
    X86_GROUP_STRING,    /* MOVS CMPS STOS LODS SCAS INS OUTS */
    X86_GROUP_STACK,     /* PUSH POP PUSHA POPA PUSHF POPF ENTER LEAVE */
    X86_GROUP_BRANCH,    /* Jcc JMP CALL RET LOOP JrCXZ, far forms, IRET */
    X86_GROUP_BITOP,     /* BT BTS BTR BTC BSF BSR POPCNT LZCNT TZCNT */
    X86_GROUP_BCD,       /* DAA DAS AAA AAS AAM AAD */
    X86_GROUP_FLAGS,     /* CLC STC CMC CLD STD CLI STI SAHF LAHF SALC */
    X86_GROUP_MISC,      /* NOP, hint NOPs, PAUSE, XLAT, prefetches, CRC32 */
    X86_GROUP_INTERRUPT, /* INT INT3 INTO INT1 BOUND UD2 */
    X86_GROUP_IO,        /* IN OUT */
    X86_GROUP_SEG,       /* MOV Sreg, LES LDS LSS LFS LGS, ARPL */
    X86_GROUP_SYSTEM, /* 0F 00/01 groups, MOV CR/DR, MSRs, SYSCALL.., CPUID, RDTSC, HLT, fences */
    X86_GROUP_X87,    /* D8-DF, FWAIT */
    X86_GROUP_MMX,    /* MMX (no prefix) forms of 0F/0F38/0F3A and EMMS */
    X86_GROUP_SSE,    /* SSE..SSE4.2 (incl. FXSAVE/LDMXCSR state ops) */
    X86_GROUP_COUNT,
} X86Group;

/* Operand encodings, named after the "Op/En" column of the SDM vol. 2 opcode tables. */
typedef enum X86OpEnc {
    X86_OPS_ZO = 0, /* no explicit operand (may have implicit ones) */
    X86_OPS_MR,     /* r/m (dst), reg (src) */
    X86_OPS_RM,     /* reg (dst), r/m (src) */
    X86_OPS_M,      /* r/m only (ModRM.reg is an opcode extension or ignored) */
    X86_OPS_MI,     /* r/m, imm */
    X86_OPS_M1,     /* r/m, 1 (shifts D0/D1) */
    X86_OPS_MC,     /* r/m, CL (shifts D2/D3) */
    X86_OPS_RMI,    /* reg, r/m, imm */
    X86_OPS_MRI,    /* r/m, reg, imm */
    X86_OPS_MRC,    /* r/m, reg, CL (SHLD/SHRD) */
    X86_OPS_O,      /* register in opcode bits 2:0 (+REX.B) */
    X86_OPS_OI,     /* opcode register, imm */
    X86_OPS_I,      /* implicit accumulator (or none), imm */
    X86_OPS_D,      /* relative branch target */
    X86_OPS_FD,     /* accumulator <- moffs */
    X86_OPS_TD,     /* moffs <- accumulator */
} X86OpEnc;

/* Immediate kinds (SDM A.2.2 operand-size codes). */
typedef enum X86ImmKind {
    X86_IMM_NONE = 0,
    X86_IMM_8,     /* ib */
    X86_IMM_16,    /* iw (RET/RETF imm16) */
    X86_IMM_Z,     /* iz: 16 with 16-bit operand size, else 32 (sign-extended to 64) */
    X86_IMM_V,     /* iv: 16/32/64 by operand size (MOV r, imm only) */
    X86_IMM_16_8,  /* ENTER iw, ib: imm = size, imm2 = nesting level */
    X86_IMM_PTR,   /* far pointer ptr16:16 / ptr16:32: imm = offset, imm2 = selector */
    X86_IMM_MOFFS, /* moffs of the address size (A0-A3) */
    X86_IMM_REL8,  /* rel8 */
    X86_IMM_RELZ,  /* rel16 with 16-bit operand size, else rel32 */
} X86ImmKind;

/* Entry kinds: a leaf instruction or a redirection to a sub-table. */
typedef enum X86EntryKind {
    X86_E_INVALID = 0, /* undefined: #UD (zero so that unlisted table slots are invalid) */
    X86_E_INSN,        /* leaf */
    X86_E_GROUP,       /* sub[8] indexed by ModRM.reg */
    X86_E_PREFIX,      /* sub[4] by mandatory prefix: none, 66, F3, F2 */
    X86_E_MODSPLIT,    /* sub[2]: [0] memory form, [1] register form (ModRM.mod == 11) */
    X86_E_RM,          /* sub[8] indexed by ModRM.rm (register forms of 0F 01, x87) */
    X86_E_MODE,        /* sub[2]: [0] 16/32-bit modes, [1] 64-bit mode */
    X86_E_VEXESC,      /* C4/C5/62: VEX/EVEX when 64-bit mode or ModRM.mod == 11, else sub[0] */
} X86EntryKind;

/* Entry flags; they are ORed along the path from the opcode slot to the leaf. */
enum {
    X86F_MODRM = 1u << 0,     /* has a ModRM byte */
    X86F_BYTE = 1u << 1,      /* 8-bit operand size */
    X86F_INV64 = 1u << 2,     /* #UD in 64-bit mode */
    X86F_ONLY64 = 1u << 3,    /* #UD outside 64-bit mode */
    X86F_DEF64 = 1u << 4,     /* 64-bit default operand size in 64-bit mode (66 gives 16) */
    X86F_F64 = 1u << 5,       /* operand size forced to 64 in 64-bit mode (Intel: 66 ignored) */
    X86F_LOCK = 1u << 6,      /* LOCK allowed (memory destination only) */
    X86F_MEM = 1u << 7,       /* ModRM must be a memory form */
    X86F_REG = 1u << 8,       /* ModRM must be a register form */
    X86F_MODIGN = 1u << 9,    /* ModRM.mod ignored, always register (MOV CR/DR, SDM MOV-CR) */
    X86F_REP = 1u << 10,      /* REP/REPE/REPNE meaningful (string instructions) */
    X86F_OSZ_KEEP = 1u << 11, /* PREFIX node: 66 stays the operand-size prefix; only F2/F3 select */
    X86F_END_TB = 1u << 12,   /* changes control flow or decoding state: ends the TB */
};

typedef struct X86OpEntry {
    const char *mnem;             /* for logs; NULL on non-leaf and invalid entries */
    const struct X86OpEntry *sub; /* sub-table for non-leaf kinds */
    uint8_t kind;                 /* X86EntryKind */
    uint8_t group;                /* X86Group */
    uint8_t ops;                  /* X86OpEnc */
    uint8_t imm;                  /* X86ImmKind */
    uint16_t flags;               /* X86F_* */
} X86OpEntry;

/* Register numbers in X86Insn: 0-15 = rAX..r15 (also xmm/mm/cr/dr/seg index by context). */
#define X86_EA_NONE 0xff
#define X86_EA_RIP 16 /* ea.base of a RIP/EIP-relative operand */

/* Segment registers in SDM encoding order (ModRM.reg of MOV Sreg). */
enum { X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS, X86_SEG_NONE = -1 };

/* Legacy prefix bits in X86Insn.prefixes (every one seen, whatever it ended up meaning). */
enum {
    X86_PFX_OPSIZE = 1u << 0, /* 66 */
    X86_PFX_ADSIZE = 1u << 1, /* 67 */
    X86_PFX_LOCK = 1u << 2,   /* F0 */
    X86_PFX_REPNE = 1u << 3,  /* F2 */
    X86_PFX_REP = 1u << 4,    /* F3 */
    X86_PFX_SEG = 1u << 5,    /* any segment override */
};

/* REX bits (SDM 2.2.1). */
enum { X86_REX_B = 1, X86_REX_X = 2, X86_REX_R = 4, X86_REX_W = 8 };

/* Effective address of the ModRM memory operand: seg:[base + index << scale + disp]. */
typedef struct X86EffAddr {
    uint8_t base;      /* 0-15, X86_EA_RIP, or X86_EA_NONE */
    uint8_t index;     /* 0-15 or X86_EA_NONE (SIB index 100 without REX.X) */
    uint8_t scale;     /* log2 of the SIB scale: 0-3 */
    uint8_t disp_size; /* 0, 1, 2 or 4 bytes */
    int8_t seg;        /* effective segment: override, else SS for rBP/rSP bases, else DS */
    int32_t disp;      /* sign-extended displacement (disp16 forms: sign-extended 16 bits) */
} X86EffAddr;

typedef struct X86Insn {
    const X86OpEntry *entry; /* leaf entry (shared "(bad)" entry unless X86_DECODE_OK) */
    uint32_t flags;          /* X86F_* ORed along the table path */
    uint8_t length;          /* bytes consumed (the full length on success) */
    uint8_t fault_offset;    /* X86_DECODE_FETCH_FAULT: offset of the byte that faulted */
    uint8_t ud_reason;       /* X86UDReason */
    uint8_t map;             /* X86Map */
    uint8_t opcode;          /* last opcode byte */
    uint8_t prefixes;        /* X86_PFX_* */
    uint8_t rep;             /* 0, 0xF2 or 0xF3: last of F2/F3, 0 if consumed as mandatory */
    uint8_t mandatory;       /* 0, 0x66, 0xF2 or 0xF3: prefix that selected an SSE variant */
    int8_t seg_override;     /* X86_SEG_* of the last segment prefix, or X86_SEG_NONE */
    uint8_t rex;             /* effective REX byte (0x40-0x4F), 0 if none or ignored */
    uint8_t opsize;          /* effective operand size in bits: 8, 16, 32, 64 */
    uint8_t addrsize;        /* effective address size in bits: 16, 32, 64 */
    bool has_modrm;
    bool has_sib;
    bool mem; /* ModRM is a memory form (ea valid) */
    uint8_t modrm, sib;
    uint8_t mod;      /* ModRM.mod */
    uint8_t reg;      /* ModRM.reg | REX.R << 3 */
    uint8_t rm;       /* register form: ModRM.rm | REX.B << 3; memory form: ModRM.rm */
    uint8_t opreg;    /* O/OI forms: opcode bits 2:0 | REX.B << 3 */
    uint8_t imm_size; /* bytes of immediate(s) in total */
    uint16_t imm2;    /* ENTER nesting level, far pointer selector */
    int64_t imm;      /* sign-extended from imm_size (truncate for zero-extending uses) */
    X86EffAddr ea;
} X86Insn;

/* Returns the byte at offset from the instruction start (0-255), or negative on a fetch fault. */
typedef int (*X86FetchFn)(void *opaque, unsigned offset);

/* Decodes one instruction; returns X86DecodeStatus. Never fetches beyond byte 15. */
int x86_decode(X86Insn *insn, X86DecodeMode mode, X86FetchFn fetch, void *opaque);

/* Same, from a buffer: running out of the avail bytes is X86_DECODE_FETCH_FAULT. */
int x86_decode_buf(X86Insn *insn, X86DecodeMode mode, const uint8_t *bytes, unsigned avail);

const char *x86_group_name(X86Group g);

/*
 * Byte register for an 8-bit operand number n (0-15): with any REX prefix 4-7 are SPL..DIL,
 * without one they are AH..BH (SDM 3.7.2.1). Returns n, or 16 + (n - 4) for AH, CH, DH, BH.
 */
static inline unsigned x86_byte_reg(const X86Insn *insn, unsigned n) {
    return (!insn->rex && n >= 4 && n < 8) ? 16 + (n - 4) : n;
}

/* ---- opcode tables (decode-map*.c) ---- */
extern const X86OpEntry x86_map1[256];
extern const X86OpEntry x86_map0f[256];
extern const X86OpEntry x86_map0f38[256];
extern const X86OpEntry x86_map0f3a[256];
extern const X86OpEntry x86_op_invalid;

#endif
