/*
 * translate.h — shared state and helpers of the A64 translator. translate.c owns the TB loop
 * (fetch, dispatch by top-level encoding group, TB end); each decode-a64-*.c file handles one
 * encoding group and emits IR through the helpers below. Runs on the translating vCPU thread.
 *
 * Decoders return true when they emitted IR for the instruction and false when the encoding
 * is unallocated or not implemented (translate.c then reports it).
 */
#ifndef TANDEM_TARGET_ARM_TRANSLATE_H
#define TANDEM_TARGET_ARM_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu-exec/tb.h"
#include "target-arm/cpu.h"
#include "tcg/ir.h"

/* How the current TB ends after this instruction. */
typedef enum DisasJumpType {
    DISAS_NEXT,      /* keep translating */
    DISAS_TOO_MANY,  /* stop here: store pc_next and chain to it (length cap, page end) */
    DISAS_NORETURN,  /* the instruction emitted its own TB exit (branches) */
    DISAS_UPDATE,    /* state that affects decoding or wakes changed: store pc_next, exit to
                        the loop (lookup, no chaining) */
} DisasJumpType;

typedef struct DisasContext {
    IRFunc *f;
    CPUState *cpu;
    ARMCPU *acpu;
    TranslationBlock *tb;
    uint64_t pc;      /* address of the current instruction */
    uint64_t pc_next; /* pc + 4 */
    uint32_t insn;
    int insn_idx;
    DisasJumpType is_jmp;
    int mmu_idx;      /* for loads/stores */
    int el;
} DisasContext;

/* IR globals (registered once by arm_translate_init). */
extern IRTemp cpu_X[32]; /* X0..X30, [31] = SP */
extern IRTemp cpu_pc, cpu_NF, cpu_ZF, cpu_CF, cpu_VF;
extern IRTemp cpu_exclusive_addr, cpu_exclusive_val, cpu_exclusive_high;

/* ---- register access (A64 register 31 is XZR or SP depending on the operand) ---- */
/* Value of Xn/Wn as a source, register 31 reads as zero. sf=0 gives the value zero-extended
 * from 32 bits (a fresh temp); sf=1 may return the global itself (do not write to it). */
IRTemp read_reg(DisasContext *s, int reg, int sf);
/* Same, register 31 is SP. */
IRTemp read_reg_sp(DisasContext *s, int reg, int sf);
/* Write val to Xn (sf=1) or Wn (sf=0, zero-extends); register 31 is XZR: discarded. */
void write_reg(DisasContext *s, int reg, int sf, IRTemp val);
/* Same, register 31 is SP. */
void write_reg_sp(DisasContext *s, int reg, int sf, IRTemp val);

/* ---- flags ---- */
/* NZCV from a logical result (C=V=0). */
void gen_logic_flags(DisasContext *s, int sf, IRTemp result);
/* d = a + b (+ carry_in if with_carry) setting NZCV; d may be IR_TEMP_NONE (CMN). */
void gen_add_flags(DisasContext *s, int sf, IRTemp d, IRTemp a, IRTemp b, bool with_carry);
/* d = a - b (- !C if with_carry, i.e. SBCS) setting NZCV; d may be IR_TEMP_NONE (CMP). */
void gen_sub_flags(DisasContext *s, int sf, IRTemp d, IRTemp a, IRTemp b, bool with_carry);
/* Set NZCV from a 4-bit immediate (CCMP false path, MSR NZCV). */
void gen_set_nzcv_imm(DisasContext *s, unsigned nzcv);
/* NZCV register value (bits 31:28) into a temp, and back. */
IRTemp gen_read_nzcv(DisasContext *s);
void gen_write_nzcv(DisasContext *s, IRTemp v);

/* A64 condition code test: returns the IRCond and operands such that cond(*a, *b) holds iff
 * the ARM condition cc (0..15) holds. */
typedef struct ARMCompare {
    IRCond cond;
    IRTemp a, b;
} ARMCompare;
void arm_test_cc(DisasContext *s, int cc, ARMCompare *cmp);

/* ---- control flow ---- */
/* Branch to a constant guest address: chains directly if it stays on this TB's page. */
void gen_goto_tb(DisasContext *s, int slot, uint64_t dest);
/* Branch to the address in a temp (BR/BLR/RET): stores pc, looks the next TB up. */
void gen_goto_ptr(DisasContext *s, IRTemp dest);
/* Stores the current pc to env (before a helper that may raise or stop the machine). */
void gen_sync_pc(DisasContext *s);
/* The instruction is not implemented or unallocated: stop with a clear message (until guest
 * exceptions exist; then this raises UNDEF). Emits a helper call that does not return. */
void gen_unallocated(DisasContext *s);

/* ---- memory ---- */
/* Guest address from a base register (SP allowed) plus offset; a fresh temp. */
IRTemp gen_addr_base_offset(DisasContext *s, int rn, int64_t offset);

/* ---- helpers: register a C function as an IR helper, one line a helper ---- */
int a64_helper_register(const char *name, void *fn, IRArgType ret, int nargs,
                        const IRArgType *args, uint32_t flags);

/* ---- decoders, one per encoding group (ARM ARM C4.1) ---- */
bool disas_a64_dp_imm(DisasContext *s, uint32_t insn);      /* op0 = 100x */
bool disas_a64_branch_sys(DisasContext *s, uint32_t insn);  /* op0 = 101x */
bool disas_a64_ldst(DisasContext *s, uint32_t insn);        /* op0 = x1x0 */
bool disas_a64_dp_reg(DisasContext *s, uint32_t insn);      /* op0 = x101 */
bool disas_a64_simd_fp(DisasContext *s, uint32_t insn);     /* op0 = x111 (issue 4) */

/* Start-up registration of each group's helpers (called from arm_translate_init). */
void a64_dp_helpers_init(void);
void a64_branch_sys_helpers_init(void);
void a64_ldst_helpers_init(void);

#endif
