/*
 * encoder.h — x86-64 instruction encoder used by the JIT lowering.
 *
 * An X86Asm writes into a caller-provided writable buffer (the rw view of a code region) and
 * knows the matching executable address (rx) so rel32 targets can be computed. Writing never
 * passes `cap`: once full, bytes are dropped and `overflow` is set; the caller checks it at the
 * end and gives up on the TB. Positions are byte offsets from the start of the buffer.
 * Purely per-call state: any thread may use its own X86Asm.
 */
#ifndef TANDEM_TCG_X86_64_ENCODER_H
#define TANDEM_TCG_X86_64_ENCODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    X86_RAX,
    X86_RCX,
    X86_RDX,
    X86_RBX,
    X86_RSP,
    X86_RBP,
    X86_RSI,
    X86_RDI,
    X86_R8,
    X86_R9,
    X86_R10,
    X86_R11,
    X86_R12,
    X86_R13,
    X86_R14,
    X86_R15,
};

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
typedef enum X86Cond {
    X86_CC_O,
    X86_CC_NO,
    X86_CC_B,
    X86_CC_AE,
    X86_CC_E,
    X86_CC_NE,
    X86_CC_BE,
    X86_CC_A,
    X86_CC_S,
    X86_CC_NS,
    X86_CC_P,
    X86_CC_NP,
    X86_CC_L,
    X86_CC_GE,
    X86_CC_LE,
    X86_CC_G,
} X86Cond;

/* Group-1 ALU operations (the /digit of 0x81/0x83 and bits 3-5 of the r/m forms). */
enum { X86_ADD, X86_OR, X86_ADC, X86_SBB, X86_AND, X86_SUB, X86_XOR, X86_CMP };
/* Group-2 shift operations. */
enum { X86_ROL = 0, X86_ROR = 1, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7 };
/* Group-3 unary operations (0xF7 /digit). */
enum { X86_NOT = 2, X86_NEG = 3, X86_MUL = 4, X86_IMUL1 = 5, X86_DIV = 6, X86_IDIV = 7 };

/* Opcode word: low byte is the opcode, the flags select escapes, prefixes and REX bits. */
enum {
    X86_OPC_0F = 0x100,
    X86_OPC_66 = 0x200,
    X86_OPC_F3 = 0x400,
    X86_OPC_W = 0x800,        /* REX.W: 64-bit operand size */
    X86_OPC_BYTEREG = 0x1000, /* byte register operand: force REX for spl/bpl/sil/dil */
};

typedef struct X86Asm {
    uint8_t *buf;      /* writable view */
    const uint8_t *rx; /* executable address of buf[0] */
    size_t pos, cap;
    bool overflow;
} X86Asm;

void x86_asm_init(X86Asm *a, uint8_t *rw, const uint8_t *rx, size_t cap);
void x86_emit8(X86Asm *a, uint8_t b);
void x86_emit32(X86Asm *a, uint32_t v);
void x86_emit64(X86Asm *a, uint64_t v);

/* Generic forms: register-register (reg field, r/m field) and register-memory. index < 0 means
 * no index register; base must be a register. */
void x86_op_rr(X86Asm *a, int opc, int reg, int rm);
void x86_op_rm(X86Asm *a, int opc, int reg, int base, int index, int shift, int32_t disp);

static inline int x86_w(bool is64) {
    return is64 ? X86_OPC_W : 0;
}

void x86_alu_rr(X86Asm *a, int aluop, bool w, int dst, int src);
void x86_alu_ri(X86Asm *a, int aluop, bool w, int dst, int32_t imm);
void x86_alu_rm(X86Asm *a, int aluop, bool w, int dst, int base, int32_t disp);
void x86_alu_mi(X86Asm *a, int aluop, bool w, int base, int32_t disp, int32_t imm);
void x86_alu_rmx(X86Asm *a, int aluop, bool w, int dst, int base, int index, int32_t disp);
void x86_test_rr(X86Asm *a, bool w, int r1, int r2);
void x86_test_ri(X86Asm *a, bool w, int r, int32_t imm);

void x86_mov_rr(X86Asm *a, bool w, int dst, int src);
void x86_mov_ri(X86Asm *a, int dst, uint64_t imm); /* shortest form; does not touch flags */
void x86_mov_mi(X86Asm *a, int size_log2, int base, int32_t disp, int32_t imm);
/* Loads: size_log2 0..3, sign-extending to 64 bits if sign (else zero-extending). */
void x86_load(X86Asm *a, int size_log2, bool sign, int dst, int base, int index, int32_t disp);
void x86_store(X86Asm *a, int size_log2, int src, int base, int index, int32_t disp);
void x86_lea(X86Asm *a, bool w, int dst, int base, int index, int shift, int32_t disp);
/* Register extensions: movzx/movsx from 8/16 bits, movsxd, 32-bit mov (zero-extend). */
void x86_ext_rr(X86Asm *a, int size_log2, bool sign, int dst, int src);

void x86_shift_ri(X86Asm *a, int shop, bool w, int reg, int count);
void x86_shift_cl(X86Asm *a, int shop, bool w, int reg);
void x86_unary(X86Asm *a, int ext, bool w, int reg);
void x86_imul_rr(X86Asm *a, bool w, int dst, int src);
void x86_imul_rri(X86Asm *a, bool w, int dst, int src, int32_t imm);
void x86_cqo(X86Asm *a, bool w); /* cdq (32) / cqo (64) */
void x86_bswap(X86Asm *a, bool w, int reg);
void x86_bitscan(X86Asm *a, int opc, bool w, int dst, int src); /* opc: X86_BSF.. below */
enum { X86_BSF = 0xBC, X86_BSR = 0xBD, X86_TZCNT = 0x4BC, X86_LZCNT = 0x4BD };

void x86_setcc(X86Asm *a, X86Cond cc, int reg);
void x86_cmov(X86Asm *a, X86Cond cc, bool w, int dst, int src);

/* Branches. The *32 forms return the position of the rel32 field for later patching. */
size_t x86_jcc32(X86Asm *a, X86Cond cc);
size_t x86_jmp32(X86Asm *a);
void x86_patch_rel32(X86Asm *a, size_t field_pos, size_t target_pos);
/* Jump/call to an absolute executable address; rel32 when reachable, else via scratch. */
void x86_jmp_abs(X86Asm *a, const void *target, int scratch);
void x86_call_abs(X86Asm *a, const void *target, int scratch);
void x86_jmp_reg(X86Asm *a, int reg);
void x86_call_reg(X86Asm *a, int reg);

void x86_push(X86Asm *a, int reg);
void x86_pop(X86Asm *a, int reg);
void x86_ret(X86Asm *a);
void x86_mfence(X86Asm *a);
void x86_nops(X86Asm *a, int n);

#endif
