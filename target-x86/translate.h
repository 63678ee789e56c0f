/*
 * translate.h — shared state and emitters of the x86 translator. translate.c owns the TB loop
 * (fetch + x86_decode, dispatch on the decoded group, TB end) and the pieces every group uses:
 * register and memory operands, effective addresses with segmentation, the lazy condition
 * codes, branches and exceptions. Each translate-*.c file handles the groups named in its top
 * comment. Runs on the translating vCPU thread; IR globals and helper indices are written once
 * by x86_translate_init() at start-up.
 *
 * Group translators return true when they emitted IR for the instruction, false when the
 * encoding is not implemented (translate.c then logs it under -d unimp and raises #UD).
 *
 * Addresses: s->pc / s->pc_next are LINEAR addresses (cs_base + eip). Everything the guest
 * sees (pushed return addresses, env->rip) is an eip: use s_eip()/s_eip_next().
 */
#ifndef TANDEM_TARGET_X86_TRANSLATE_H
#define TANDEM_TARGET_X86_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu-exec/tb.h"
#include "target-x86/cpu.h"
#include "target-x86/decode.h"
#include "tcg/ir.h"

typedef enum X86DisasJump {
    X86_DISAS_NEXT,     /* keep translating */
    X86_DISAS_TOO_MANY, /* stop: chain to pc_next (length cap, page end, one-insn TBs) */
    X86_DISAS_NORETURN, /* the instruction emitted its own TB exit */
    X86_DISAS_UPDATE,   /* decode state (hflags, CS) may have changed: store rip, exit to the
                           loop, no chaining */
} X86DisasJump;

typedef struct DisasContext {
    IRFunc *f;
    CPUState *cpu;
    TranslationBlock *tb;
    X86Insn *insn;
    uint64_t pc;      /* linear address of the current instruction */
    uint64_t pc_next; /* linear address of the next one */
    uint64_t cs_base;
    uint32_t flags; /* hflags of the TB */
    int cpl;
    bool code64;      /* 64-bit mode */
    bool code32;      /* CS.D (or 64-bit mode) */
    bool ss32;        /* 32-bit stack (SS.B), or 64-bit mode */
    int mmu_idx;      /* data accesses at the current CPL */
    X86DisasJump is_jmp;
    int cc_op;        /* cc_op known at translation time, or X86_CC_OP_DYNAMIC */
} DisasContext;

#define X86_CC_OP_DYNAMIC (-1)

/* IR globals (registered once by x86_translate_init). */
extern IRTemp cpu_regs[16];
extern IRTemp cpu_rip, cpu_cc_dst, cpu_cc_src, cpu_cc_src2, cpu_cc_op;

/* Start-up: registers the IR globals and every group's helpers (idempotent). */
void x86_translate_init(void);
int x86_translate(CPUState *cpu, TranslationBlock *tb, IRFunc *f, int max_insns);

/* eip values of the current and next instruction (what the guest sees). */
static inline uint64_t s_eip(const DisasContext *s) { return s->pc - s->cs_base; }
static inline uint64_t s_eip_next(const DisasContext *s) { return s->pc_next - s->cs_base; }

/* Offset of a CPUX86State field from env (LD/ST ops with s->f->env as base). */
#define X86_ENV_OFF(field) ((int32_t)offsetof(CPUX86State, field))

/* ---- sizes: `ot` is log2 of the operand size in bytes (0 = 8-bit .. 3 = 64-bit) ---- */
static inline int insn_ot(const X86Insn *insn)
{
    return insn->opsize == 8 ? 0 : insn->opsize == 16 ? 1 : insn->opsize == 32 ? 2 : 3;
}
static inline IRType ot_type(int ot) { return ot == 3 ? IR_I64 : IR_I32; }
static inline uint64_t ot_mask(int ot) { return ot == 3 ? ~0ull : (1ull << (8 << ot)) - 1; }

/* ---- general-purpose registers ---- */
/* Value of register reg at size ot, zero-extended, in a fresh temp. For ot = 0, reg follows
 * x86_byte_reg() numbering (16-19 = AH..BH). */
IRTemp gen_reg_read(DisasContext *s, int ot, int reg);
/* Writes val (low bits) to reg at size ot: 8/16-bit writes keep the other bits, 32-bit
 * writes zero-extend, as the SDM says (3.4.1.1). ot = 0 uses x86_byte_reg() numbering. */
void gen_reg_write(DisasContext *s, int ot, int reg, IRTemp val);
/* The 8-bit register number of ModRM.reg / ModRM.rm for byte operands. */
static inline int insn_byte_reg(const X86Insn *insn, int n) { return (int)x86_byte_reg(insn, (unsigned)n); }

/* The ModRM.reg operand at size ot (byte registers per x86_byte_reg). */
static inline IRTemp gen_regop_read(DisasContext *s, int ot)
{
    return gen_reg_read(s, ot, ot == 0 ? insn_byte_reg(s->insn, s->insn->reg) : s->insn->reg);
}
static inline void gen_regop_write(DisasContext *s, int ot, IRTemp v)
{
    gen_reg_write(s, ot, ot == 0 ? insn_byte_reg(s->insn, s->insn->reg) : s->insn->reg, v);
}
/* An immediate truncated to size ot, as a constant temp. */
static inline IRTemp gen_imm(DisasContext *s, int ot, int64_t imm)
{
    return ir_const(s->f, (uint64_t)imm & ot_mask(ot));
}
/* Whether the decoded instruction's mnemonic is m (group translators dispatch on it). */
static inline bool x86_mnem_is(const X86Insn *insn, const char *m)
{
    return __builtin_strcmp(insn->entry->mnem, m) == 0;
}

/* ---- memory ---- */
/* Linear address of the ModRM memory operand (segment base added, address size applied). */
IRTemp gen_lea_modrm(DisasContext *s);
/* Offset (effective address, no segment) of the ModRM memory operand, masked to the
 * address size (LEA). */
IRTemp gen_ea_offset(DisasContext *s);
/* Linear address of seg:offset, offset already masked to the address size. */
IRTemp gen_seg_linear(DisasContext *s, int seg, IRTemp offset);
/* Guest loads/stores of size ot (zero-extended) at a linear address, at the current CPL. */
IRTemp gen_ld(DisasContext *s, int ot, IRTemp addr);
void gen_st(DisasContext *s, int ot, IRTemp addr, IRTemp val);
/* Atomic compare-and-swap of size ot at a linear address: returns the old value (a LOCAL temp,
 * zero-extended); [addr] = newv when it equalled cmp (zero-extended at size ot). Misaligned
 * operands are handled (x86 allows them). Uses labels: earlier plain temps die. */
IRTemp gen_cmpxchg_mem(DisasContext *s, int ot, IRTemp addr, IRTemp cmp, IRTemp newv);

/* ---- operands of the decoded instruction ---- */
/* r/m operand (register or memory) at size ot. For memory, *addr receives the linear
 * address (pass NULL if not needed). */
IRTemp gen_rm_read(DisasContext *s, int ot, IRTemp *addr);
/* Writes the r/m operand; addr is the linear address from gen_rm_read for memory forms. */
void gen_rm_write(DisasContext *s, int ot, IRTemp addr, IRTemp val);

/* v zero- (sign = false) or sign-extended from size ot to 64 bits: a fresh temp, or v itself
 * for ot = 3. */
IRTemp gen_ext(DisasContext *s, IRTemp v, int ot, bool sign);
/* Size (ot) of the instruction's address: rSI/rDI/rCX of string ops and LOOP count at it. */
static inline int insn_aot(const X86Insn *insn)
{
    return insn->addrsize == 16 ? 1 : insn->addrsize == 32 ? 2 : 3;
}
/* reg += DF-signed operand size (1 << ot), at the address size (string instructions). */
void gen_string_step(DisasContext *s, int reg, int ot);

/* ---- stack ---- */
void gen_push(DisasContext *s, int ot, IRTemp val);
IRTemp gen_pop(DisasContext *s, int ot); /* loads; rSP is updated by gen_pop_commit */
void gen_pop_commit(DisasContext *s, int ot);
/* Linear address of SS:sp, sp taken at the stack width (SS.B, or 64 bits in 64-bit mode). */
IRTemp gen_stack_addr(DisasContext *s, IRTemp sp);
/* Writes rSP at the stack width (16-bit stacks keep bits 63:16). */
void gen_sp_write(DisasContext *s, IRTemp sp);
/* Operand size of pushes/pops: 64-bit mode: 8 (or 2 with 66), else the operand size. */
int gen_stack_ot(DisasContext *s);

/* ---- lazy flags ---- */
/* Records that the last flag-setting operation was op (a CC_OP_*), with dst/src/src2 already
 * written to the globals. */
void gen_set_cc_op(DisasContext *s, int op);
/* Materialises the flags: cc_op = CC_OP_EFLAGS, cc_src = arith flags (for helpers that read
 * EFLAGS bits directly, e.g. before PUSHF or a rotate). */
void gen_compute_eflags(DisasContext *s);
/* CF as 0/1 in a fresh temp. */
IRTemp gen_compute_cf(DisasContext *s);
/* Condition cc (0..15, Jcc low nibble) as 0/1 in a fresh temp. */
IRTemp gen_cond(DisasContext *s, int cc);
/* Branch to label when condition cc holds. */
void gen_brcond_cc(DisasContext *s, int cc, int label);

/* ---- control flow ---- */
/* Jump to an eip (masked to the operand size by the caller): chains within the page. */
void gen_jmp_eip(DisasContext *s, int slot, uint64_t eip);
/* Jump to the eip in a temp (indirect). */
void gen_jmp_reg(DisasContext *s, IRTemp eip);
/* Stores the current instruction's eip to env->rip (before helpers that may raise). */
void gen_sync_rip(DisasContext *s);
/* Ends the TB after this instruction with a return to the loop (state changed). */
void gen_end_tb_update(DisasContext *s);
/* Returns to the loop with env->rip already stored (the instruction completed): under TF
 * it first raises the single-step #DB trap. */
void gen_exit_tb(DisasContext *s);

/* ---- exceptions ---- */
void gen_exception(DisasContext *s, int vector);
void gen_exception_err(DisasContext *s, int vector, uint32_t error_code);
/* #UD and a -d unimp line (once per opcode) when what != NULL. */
void gen_illegal(DisasContext *s, const char *what);
/* True (after emitting #GP(0)) when CPL != 0. */
bool gen_check_cpl0(DisasContext *s);

/* ---- helpers: register a C function callable from IR ---- */
int x86_helper_register(const char *name, void *fn, IRArgType ret, int nargs,
                        const IRArgType *args, uint32_t flags);
/* Calls helper idx with env as first argument followed by args; emits gen_sync_rip first if
 * the helper may raise. Returns the result temp (IR_TEMP_NONE for void). */
IRTemp gen_helper(DisasContext *s, int idx, int nargs, const IRTemp *args);
/* A temp holding env + offset (pointer arguments: XMM/x87 registers). */
IRTemp gen_env_ptr(DisasContext *s, int32_t offset);

/* ---- group translators ---- */
bool x86_tr_alu(DisasContext *s, X86Insn *insn);     /* ALU */
bool x86_tr_shift(DisasContext *s, X86Insn *insn);   /* SHIFT */
bool x86_tr_muldiv(DisasContext *s, X86Insn *insn);  /* MULDIV */
bool x86_tr_mov(DisasContext *s, X86Insn *insn);     /* MOV */
bool x86_tr_xchg(DisasContext *s, X86Insn *insn);    /* XCHG */
bool x86_tr_string(DisasContext *s, X86Insn *insn);  /* STRING */
bool x86_tr_stack(DisasContext *s, X86Insn *insn);   /* STACK */
bool x86_tr_branch(DisasContext *s, X86Insn *insn);  /* BRANCH */
bool x86_tr_bitop(DisasContext *s, X86Insn *insn);   /* BITOP */
bool x86_tr_bcd(DisasContext *s, X86Insn *insn);     /* BCD */
bool x86_tr_flags(DisasContext *s, X86Insn *insn);   /* FLAGS */
bool x86_tr_misc(DisasContext *s, X86Insn *insn);    /* MISC */
bool x86_tr_interrupt(DisasContext *s, X86Insn *insn); /* INTERRUPT */
bool x86_tr_io(DisasContext *s, X86Insn *insn);      /* IO */
bool x86_tr_seg(DisasContext *s, X86Insn *insn);     /* SEG */
bool x86_tr_system(DisasContext *s, X86Insn *insn);  /* SYSTEM */
bool x86_tr_x87(DisasContext *s, X86Insn *insn);     /* X87 (translate-x87.c) */
bool x86_tr_mmx(DisasContext *s, X86Insn *insn);     /* MMX (translate-sse.c) */
bool x86_tr_sse(DisasContext *s, X86Insn *insn);     /* SSE (translate-sse.c) */

/* INS/OUTS (translate-ctl.c, called by the STRING group). */
bool x86_tr_string_io(DisasContext *s, X86Insn *insn);
/* Loads segment register seg with the selector in sel (all mode checks, helper_load_seg). */
void gen_load_seg(DisasContext *s, int seg, IRTemp sel);
/* Opens the interrupt shadow (MOV SS, POP SS, STI): the next instruction runs before any
 * interrupt is taken. The instruction must end its TB. */
void gen_inhibit_irq(DisasContext *s);

/* Start-up registration of each file's helpers (called from x86_translate_init). */
void x86_tr_int_init(void);
void x86_tr_mov_init(void);
void x86_tr_sys_init(void);
void x86_tr_x87_init(void);
void x86_tr_sse_init(void);

#endif
