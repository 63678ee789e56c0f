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

/* A TB follows at most this many - 1 unconditional branches (gen_follow_branch). */
#define ARM_TB_MAX_RUNS 4

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
    uint32_t tbflags; /* ARM_TBFLAG_* of this TB */
    bool fp_checked;  /* fp_access_check already passed for this instruction */
    /* Superblock bookkeeping (gen_follow_branch): the TB is made of straight runs of guest
     * code; runs[] holds the finished ones [lo, hi), run_start the current run's first pc. */
    int max_insns;
    uint64_t run_start;
    int nb_runs;
    struct { uint64_t lo, hi; } runs[ARM_TB_MAX_RUNS];
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
/* For an unconditional direct branch (B, BL): if dest can join this TB (same page, not yet
 * translated here, room left), makes translation continue at dest and returns true; the
 * caller then emits nothing more. Otherwise returns false and the caller ends the TB. */
bool gen_follow_branch(DisasContext *s, uint64_t dest);
/* Branch to the address in a temp (BR/BLR/RET): stores pc, looks the next TB up. */
void gen_goto_ptr(DisasContext *s, IRTemp dest);
/* Stores the current pc to env (before a helper that may raise or stop the machine). */
void gen_sync_pc(DisasContext *s);
/* The instruction is unallocated: raises UNDEF in the guest (EC 0x00). */
void gen_unallocated(DisasContext *s);
/* Logs an unimplemented (but allocated) encoding once under -d unimp and raises UNDEF. */
void gen_unimplemented(DisasContext *s, const char *what);

/* ---- memory ---- */
/* Guest address from a base register (SP allowed) plus offset; a fresh temp. */
IRTemp gen_addr_base_offset(DisasContext *s, int rn, int64_t offset);

/* ---- Advanced SIMD and FP registers (CPUARMState.vregs, not IR globals) ---- */
/* Offset in CPUARMState of byte `byte` (0..15) of Vn. */
#define VREG_OFFSET(reg, byte) ((int32_t)(offsetof(CPUARMState, vregs) + (size_t)(reg) * 16 + (size_t)(byte)))
/* Element idx of Vn with size mop & MO_SIZE (zero- or, with MO_SIGN, sign-extended to 64
 * bits) into a fresh temp. */
IRTemp read_vec_element(DisasContext *s, int reg, int idx, MemOp mop);
/* Stores the low bits of val into element idx (size mop & MO_SIZE) of Vn; other lanes keep. */
void write_vec_element(DisasContext *s, IRTemp val, int reg, int idx, MemOp mop);
/* Zeroes bits 127:64 of Vn (writes of 64-bit vectors and scalars do, ARM ARM C1.2.5). */
void clear_vec_high(DisasContext *s, int reg);
/* Writes a scalar result of size mop to Vn, zeroing the rest of the register. */
void write_fp_scalar(DisasContext *s, int reg, IRTemp val, MemOp mop);
/* A temp holding a pointer to Vn inside env (for helpers that take vector operands). */
IRTemp gen_vreg_ptr(DisasContext *s, int reg);
/*
 * Every FP/SIMD instruction (including SIMD&FP loads/stores and FPCR/FPSR accesses) calls
 * this first. Returns true if the instruction may proceed; false after emitting the trap
 * CPACR_EL1.FPEN asks for, in which case the decoder returns true without emitting more.
 */
bool fp_access_check(DisasContext *s);

/* ---- exceptions ---- */
/* Raises a synchronous exception with this syndrome at the current instruction (preferred
 * return = this insn) and ends the TB. */
void gen_exception_insn(DisasContext *s, uint32_t syndrome);
/* Same with preferred return = the next instruction (SVC/HVC/SMC). */
void gen_exception_insn_next(DisasContext *s, uint32_t syndrome);

/* ---- helpers: register a C function as an IR helper, one line a helper ---- */
int a64_helper_register(const char *name, void *fn, IRArgType ret, int nargs,
                        const IRArgType *args, uint32_t flags);

/* ---- decoders, one per encoding group (ARM ARM C4.1) ---- */
bool disas_a64_dp_imm(DisasContext *s, uint32_t insn);      /* op0 = 100x */
bool disas_a64_branch_sys(DisasContext *s, uint32_t insn);  /* op0 = 101x */
bool disas_a64_ldst(DisasContext *s, uint32_t insn);        /* op0 = x1x0 */
bool disas_a64_dp_reg(DisasContext *s, uint32_t insn);      /* op0 = x101 */
bool disas_a64_simd_fp(DisasContext *s, uint32_t insn);     /* op0 = x111 (decode-a64-simd.c) */
/* SIMD&FP register loads/stores (V = 1 forms of the load/store group), decode-a64-ldst-simd.c. */
bool disas_a64_ldst_simd(DisasContext *s, uint32_t insn);

/* Start-up registration of each group's helpers (called from arm_translate_init). */
void a64_dp_helpers_init(void);
void a64_branch_sys_helpers_init(void);
void a64_ldst_helpers_init(void);

#endif
