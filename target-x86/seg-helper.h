/*
 * seg-helper.h — x86 segmentation (Intel SDM vol. 3A chapters 3 and 5, vol. 2 instruction
 * pages): segment register loads with every protected-mode check, far JMP/CALL/RET through
 * code segments and call gates, IRET in all modes, LLDT/LTR/SLDT/STR, LAR/LSL/VERR/VERW.
 *
 * Owner vCPU thread only. Every helper that may fault is registered IR_CALL_MAY_RAISE and must
 * be called with env->rip = the eip of the CURRENT instruction (faults push it); the lazy flags
 * may be in any state (helpers read EFLAGS with x86_eflags_get). Helpers that change CS, SS,
 * EFLAGS or CPL call x86_update_hflags: the translator ends the TB after them. Descriptor
 * tables and the TSS are read with X86_MMU_KERNEL on linear addresses.
 * Task switches (JMP/CALL to a TSS or task gate, IDT task gates, IRET with NT = 1) are in
 * seg-task.c (legacy protected mode only; IA-32e mode raises #GP as the SDM says).
 */
#ifndef TANDEM_TARGET_X86_SEG_HELPER_H
#define TANDEM_TARGET_X86_SEG_HELPER_H

#include <stdbool.h>
#include <stdint.h>

#include "target-x86/cpu.h"

/* ---- translator helpers ----
 * Operand size arguments (@shift): 0 = 16-bit, 1 = 32-bit, 2 = 64-bit operand size.
 * @next_eip: eip of the following instruction (what a CALL pushes / a JMP does not need). */

/* MOV Sreg, POP Sreg, LDS/LES/LFS/LGS/LSS: loads segment @seg (R_ES..R_GS, never R_CS) with
 * @selector (low 16 bits used). Real mode / VM86: base = selector << 4, no checks. Protected:
 * SDM MOV "Protected Mode Exceptions". Loading SS sets the interrupt shadow: the translator
 * does that (HF_INHIBIT_IRQ) and ends the TB. For POP Sreg the translator pops the value into
 * a temp, calls this, then updates RSP (so a fault leaves RSP unchanged). */
void helper_load_seg(CPUX86State *env, uint32_t seg, uint32_t selector);

/* JMP ptr16:16/32 (EA), JMP m16:16/32/64 (FF /5): to @selector:@offset. */
void helper_ljmp(CPUX86State *env, uint32_t selector, uint64_t offset, uint64_t next_eip);
/* CALL ptr16:16/32 (9A), CALL m16:16/32/64 (FF /3): pushes CS:next_eip at operand size
 * @shift (and the caller's SS:ESP + parameters through an inner-privilege call gate). */
void helper_lcall(CPUX86State *env, uint32_t selector, uint64_t offset, uint32_t shift,
                  uint64_t next_eip);
/* RET far (CB: @imm = 0; CA iw: @imm = iw): pops EIP, CS (and ESP, SS when returning to an
 * outer level), releasing @imm bytes of parameters on each stack. */
void helper_lret(CPUX86State *env, uint32_t shift, uint32_t imm);
/* IRET (CF) / IRETD (REX-less 32-bit) / IRETQ (REX.W CF) with operand size @shift;
 * @next_eip is what a task return (NT = 1) saves in the TSS being left. */
void helper_iret(CPUX86State *env, uint32_t shift, uint64_t next_eip);

/* LLDT r/m16 (0F 00 /2) and LTR r/m16 (0F 00 /3): CPL 0 checks included (#GP(0) otherwise).
 * LTR sets the busy bit of the TSS descriptor in memory. SLDT/STR need no helper: they read
 * env->ldt.selector / env->tr.selector (UMIP check is the translator's: #GP(0) if CR4.UMIP
 * and CPL > 0). */
void helper_lldt(CPUX86State *env, uint32_t selector);
void helper_ltr(CPUX86State *env, uint32_t selector);

/* LAR (0F 02) / LSL (0F 03): return the value to write into the destination (the translator
 * writes it only when ZF = 1 afterwards); set ZF through x86_eflags_set (cc_op becomes
 * CC_OP_EFLAGS). LAR returns the descriptor's second dword & 0x00f0ff00 (the translator masks
 * it to 16 bits for 16-bit operand size); LSL the byte-granular limit. VERR (0F 00 /4) /
 * VERW (0F 00 /5) only set ZF. #UD in real/VM86 mode is the translator's. */
uint64_t helper_lar(CPUX86State *env, uint32_t selector);
uint64_t helper_lsl(CPUX86State *env, uint32_t selector);
void helper_verr(CPUX86State *env, uint32_t selector);
void helper_verw(CPUX86State *env, uint32_t selector);

/* ---- shared with excp-helper.c ---- */

/* Reads the 8-byte descriptor of @selector from the GDT or LDT (TI bit) into *e1 (low dword)
 * and *e2 (high dword). Returns false if the selector's index is beyond the table limit (or
 * TI = 1 with no LDT). Memory faults (#PF) are raised from inside. */
bool x86_desc_read(CPUX86State *env, uint32_t selector, uint32_t *e1, uint32_t *e2);
/* Linear address of the descriptor @selector designates (no limit check). */
uint64_t x86_desc_addr(const CPUX86State *env, uint32_t selector);
static inline uint32_t x86_desc_base(uint32_t e1, uint32_t e2)
{
    return (e1 >> 16) | ((e2 & 0xff) << 16) | (e2 & 0xff000000u);
}
static inline uint32_t x86_desc_limit(uint32_t e1, uint32_t e2)
{
    uint32_t limit = (e1 & 0xffff) | (e2 & 0x000f0000u);
    return (e2 & DESC_G_MASK) ? (limit << 12) | 0xfff : limit;
}
static inline uint32_t x86_desc_flags(uint32_t e2) { return e2 & 0x00f0ff00u; }
static inline unsigned x86_desc_dpl(uint32_t e2) { return (e2 >> DESC_DPL_SHIFT) & 3; }
/* Loads segment cache @seg from a descriptor (base/limit/flags decoded). */
void x86_seg_load_desc(CPUX86State *env, int seg, uint32_t selector, uint32_t e1, uint32_t e2);
/* Sets the accessed bit of the descriptor in memory if it is clear (SDM 3.4.5.1). */
void x86_desc_set_accessed(CPUX86State *env, uint32_t selector, uint32_t *e2);

/* A stack being pushed or popped: linear = base + (sp & mask). */
typedef struct X86Stack {
    uint64_t base, sp, mask;
    int mmu_idx;
} X86Stack;
/* mask of stack pointer for the SS descriptor flags in 16/32-bit modes (B bit). */
static inline uint64_t x86_sp_mask(uint32_t ss_flags) { return (ss_flags & DESC_B_MASK) ? 0xffffffffu : 0xffff; }
void x86_stack_push(CPUX86State *env, X86Stack *st, uint64_t value, unsigned size);
uint64_t x86_stack_pop(CPUX86State *env, X86Stack *st, unsigned size);
/* Writes sp back into RSP keeping the bits outside mask (16-bit stacks keep ESP's top). */
void x86_set_rsp(CPUX86State *env, uint64_t sp, uint64_t mask);

/* Reads the stack pointer for privilege level @dpl from the current TSS (16- or 32-bit TSS,
 * SDM 7.2.1 / 7.6); a read beyond TR's limit raises #TS(TR selector | @ext). */
void x86_tss_get_stack(CPUX86State *env, unsigned dpl, uint32_t ext, uint32_t *ss, uint32_t *esp);
/* 64-bit TSS: RSPn (@index 0..2) or ISTn (@index 3 + n - 1); #TS on limit. */
uint64_t x86_tss_get_stack64(CPUX86State *env, unsigned index, uint32_t ext);

/* ---- task switches (seg-task.c, SDM vol. 3A chapter 7; legacy protected mode only) ---- */
enum { X86_TASK_JMP, X86_TASK_CALL, X86_TASK_IRET }; /* CALL also = INT/exception (nesting) */
/* Switches to the TSS @sel (descriptor @e1/@e2, already checked: available or, for IRET,
 * busy, present); @ret_eip is saved as the old task's EIP; @ext is the EXT bit of the error
 * codes. */
void x86_task_switch(CPUX86State *env, uint32_t sel, uint32_t e1, uint32_t e2, int source,
                     uint64_t ret_eip, uint32_t ext);
/* JMP/CALL far (@source) to the TSS descriptor or task gate @sel (@e1/@e2, a system
 * descriptor of type 1, 3, 5, 9 or B): privilege, busy and presence checks, then the switch. */
void x86_task_far(CPUX86State *env, uint32_t sel, uint32_t e1, uint32_t e2, int source,
                  uint64_t next_eip);
/* An interrupt or exception through the IDT task gate whose low dword is @gate_e1 (gate
 * checks already done), pushing @error_code on the new task's stack if @has_err. */
void x86_task_gate_deliver(CPUX86State *env, uint32_t gate_e1, uint32_t ext, uint32_t error_code,
                           bool has_err, uint64_t ret_eip);
/* IRET with NT = 1 (TASK-RETURN): back to the task of the current TSS's link field. */
void x86_task_return(CPUX86State *env, uint64_t next_eip);

#endif
