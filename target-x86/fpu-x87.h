/*
 * fpu-x87.h — x87 FPU helpers (SDM vol. 1, chapter 8) and the x87/SSE state image formats
 * (FSTENV/FSAVE, FXSAVE). Arithmetic runs on the host's own x87: the guest's register stack,
 * control and status words are loaded into the host FPU with FRSTOR, the guest instruction is
 * executed there as-is, and FNSAVE brings the state back (fpu-x87-host.c). Results, flags,
 * rounding, precision control, stack faults and the unmasked-exception responses are then
 * those of real hardware by construction.
 *
 * An instruction is named by insn = first opcode byte (D8-DF) << 8 | ModRM. For memory forms
 * only ModRM.reg matters (mod != 3). Every helper runs on the owner vCPU thread and must be
 * called with env->rip = the current instruction (they may raise #MF, #GP or #PF).
 */
#ifndef TANDEM_TARGET_X86_FPU_X87_H
#define TANDEM_TARGET_X86_FPU_X87_H

#include <stdbool.h>
#include <stdint.h>

#include "target-x86/cpu.h"
#include "target-x86/excp-helper.h"

#define X87_INSN(op, modrm) ((uint32_t)(op) << 8 | (uint32_t)(modrm))

/* ---- status word (SDM vol. 1, 8.1.3) ---- */
#define X87_SW_IE 0x0001u
#define X87_SW_DE 0x0002u
#define X87_SW_ZE 0x0004u
#define X87_SW_OE 0x0008u
#define X87_SW_UE 0x0010u
#define X87_SW_PE 0x0020u
#define X87_SW_SF 0x0040u
#define X87_SW_ES 0x0080u
#define X87_SW_C0 0x0100u
#define X87_SW_C1 0x0200u
#define X87_SW_C2 0x0400u
#define X87_SW_TOP 0x3800u
#define X87_SW_C3 0x4000u
#define X87_SW_B 0x8000u
#define X87_SW_EXC 0x003fu /* the six exception flags */

/* ---- control word (SDM vol. 1, 8.1.5) ---- */
#define X87_CW_EXC_MASKS 0x003fu
#define X87_CW_PC_SHIFT 8
#define X87_CW_RC_SHIFT 10
#define X87_CW_DEFAULT 0x037fu /* after FINIT */

#define X87_MXCSR_MASK 0x0000ffffu /* MXCSR bits FXRSTOR/LDMXCSR accept (DAZ supported) */

/* ---- encodings ---- */
/* True when insn is a defined x87 instruction (reserved aliases are #UD for the translator). */
bool x87_insn_valid(uint32_t insn);
/* True for the waiting instructions, which first deliver a pending unmasked exception (#MF);
 * false for FNINIT, FNCLEX, FNSTSW, FNSTCW, FNSTENV, FNSAVE and the 8087 no-ops. */
bool x87_insn_waits(uint32_t insn);
/* Bytes a memory form stores (FST/FIST/FISTTP/FBSTP), 0 for the others. */
unsigned x87_insn_store_size(uint32_t insn);

/* ---- state access ---- */
/* The full status word, TOP included. */
uint16_t x87_status_get(const CPUX86State *env);
void x87_status_set(CPUX86State *env, uint16_t sw);
/* Full tag word (2 bits per physical register: valid/zero/special/empty), from fptags and
 * the register contents (SDM vol. 1, 8.1.7); set keeps only empty (11) vs non-empty. */
uint16_t x87_tag_word_get(const CPUX86State *env);
void x87_tag_word_set(CPUX86State *env, uint16_t tw);
/* X87Reg <-> memory's 80-bit double-extended format (little-endian, 10 bytes). */
void x87_reg_to_bytes(const X87Reg *r, uint8_t out[10]);
void x87_reg_from_bytes(X87Reg *r, const uint8_t in[10]);
/* FNINIT: CW 037F, SW 0, all registers empty, pointers cleared. */
void x87_reset(CPUX86State *env);

/* MMX entry (SDM vol. 1, 9.5.1): every MMX instruction sets TOP to 0 and all tags valid. */
void x86_fpu_enter_mmx(CPUX86State *env);

/* ---- host execution (fpu-x87-host.c) ---- */
/* The 108-byte FSAVE image (32-bit protected-mode format) exchanged with the host FPU. */
typedef struct X87Image {
    uint8_t b[108];
} X87Image;
/* Runs insn on the host FPU loaded with env's x87 state (exception flags cleared so nothing
 * traps on the host); mem is the memory operand for memory forms (ModRM rewritten to [rsi]),
 * cond decides FCMOVcc (insn then names FCMOVNE ST(i)). Returns the host RFLAGS after it.
 * env is not modified; x87_image_commit writes the result back. */
uint64_t x87_host_run(const CPUX86State *env, uint32_t insn, void *mem, bool cond, X87Image *img);
void x87_image_commit(CPUX86State *env, const X87Image *img);

/* ---- helpers called from generated code (fpu-x87.c) ---- */
/* Any register form except FNSTSW AX, FNCLEX, FNINIT, FCOMI family results (handled here). */
void helper_x87_op(CPUX86State *env, uint32_t insn);
/* FCMOVcc ST(0), ST(i): insn is the guest encoding, cond the evaluated condition (0/1). */
void helper_x87_fcmov(CPUX86State *env, uint32_t insn, uint32_t cond);
/* Memory forms reading 16/32 bits (value zero-extended) or 64 bits. */
void helper_x87_op_m32(CPUX86State *env, uint32_t insn, uint32_t value);
void helper_x87_op_m64(CPUX86State *env, uint32_t insn, uint64_t value);
/* FLD m80 / FBLD m80: read 10 bytes at the linear address. */
void helper_x87_ld_m80(CPUX86State *env, uint32_t insn, uint64_t addr, uint32_t mmu_idx);
/* Every store form (FST/FSTP m32/m64/m80, FIST/FISTP/FISTTP m16/m32/m64, FBSTP): stores
 * only when the hardware would (not after an unmasked invalid/overflow... response). */
void helper_x87_st_mem(CPUX86State *env, uint32_t insn, uint64_t addr, uint32_t mmu_idx);
void helper_fwait(CPUX86State *env);
void helper_fldcw(CPUX86State *env, uint32_t cw);
uint32_t helper_fnstsw(CPUX86State *env);
void helper_fnclex(CPUX86State *env);
void helper_fninit(CPUX86State *env);
void helper_emms(CPUX86State *env);
/* flags for the environment helpers */
#define X87_ENV_DATA32 1u /* 32-bit operand size: 28-byte environment (else 14) */
void helper_fldenv(CPUX86State *env, uint64_t addr, uint32_t mmu_idx, uint32_t flags);
void helper_fnstenv(CPUX86State *env, uint64_t addr, uint32_t mmu_idx, uint32_t flags);
void helper_frstor(CPUX86State *env, uint64_t addr, uint32_t mmu_idx, uint32_t flags);
void helper_fnsave(CPUX86State *env, uint64_t addr, uint32_t mmu_idx, uint32_t flags);
#define X86_FXSAVE_REXW 1u /* FXSAVE64: 64-bit FPU IP/DP layout */
#define X86_FXSAVE_LONG 2u /* in 64-bit mode: XMM8-15 too */
void helper_fxsave(CPUX86State *env, uint64_t addr, uint32_t mmu_idx, uint32_t flags);
void helper_fxrstor(CPUX86State *env, uint64_t addr, uint32_t mmu_idx, uint32_t flags);

/* ---- pure image formats (fpu-x87-env.c), testable without memory ---- */
/* Writes the FSTENV environment (14 or 28 bytes) for the given size and mode. */
unsigned x87_env_store(const CPUX86State *env, uint8_t *out, bool data32, bool prot);
void x87_env_load(CPUX86State *env, const uint8_t *in, bool data32, bool prot);
/* FXSAVE legacy area bytes 0..287 (XMM8-15 only when nregs_xmm == 16). */
void x87_fxsave_store(const CPUX86State *env, uint8_t out[416], bool rexw, unsigned nregs_xmm);
/* Returns false (nothing changed) when MXCSR has bits outside X87_MXCSR_MASK (#GP). */
bool x87_fxsave_load(CPUX86State *env, const uint8_t in[416], bool rexw, unsigned nregs_xmm);

#endif
