/*
 * ir.h — Tandem's intermediate representation and its builder.
 *
 * A translation block is built as one IRFunc: a flat array of IROps over temps. Every temp is a
 * 64-bit value; typed ops say whether they work on 32 or 64 bits (see tcg/ops.def for the exact
 * semantics of every opcode). Temp kinds:
 *   GLOBAL  a guest register living in the CPU state at env + mem_offset (registered once per
 *           process with ir_global_register() before any translation; present in every IRFunc
 *           as temps 0 .. nb_globals-1);
 *   ENV     the pointer to the CPU state (temp index nb_globals), usable as LD/ST base and as a
 *           helper argument;
 *   LOCAL   a value that lives across labels until the end of the TB;
 *   TEMP    a value that dies at the end of its basic block (SET_LABEL / BR / BRCOND);
 *   CONST   an immutable constant (ir_const() interns them per function).
 * An IRFunc belongs to the one vCPU thread that translates with it; nothing here is shared
 * except the global and helper registries, which are written only during start-up.
 */
#ifndef TANDEM_TCG_IR_H
#define TANDEM_TCG_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- opcodes ---- */
enum {
    IR_OPF_TYPED = 1 << 0,        /* IROp.type is meaningful */
    IR_OPF_SIDE_EFFECTS = 1 << 1, /* never removed by dead-code elimination */
    IR_OPF_BB_END = 1 << 2,       /* ends a basic block (label, branch, TB exit) */
    IR_OPF_CALL = 1 << 3,
    IR_OPF_GUEST_MEM = 1 << 4, /* guest memory access: may fault, ordered with barriers */
};

typedef enum IROpcode {
#define DEF(name, oargs, iargs, cargs, flags) IR_##name,
#include "tcg/ops.def"
#undef DEF
    IR_NB_OPS
} IROpcode;

typedef struct IROpDef {
    const char *name;
    uint8_t nb_oargs, nb_iargs, nb_cargs;
    uint8_t flags;
} IROpDef;

extern const IROpDef ir_op_defs[IR_NB_OPS];

typedef enum IRType { IR_I32 = 0, IR_I64 = 1 } IRType;

/* Conditions for SETCOND/MOVCOND/BRCOND. ORDER: ir_cond_invert()/ir_cond_swap() rely on it. */
typedef enum IRCond {
    IR_COND_NEVER,
    IR_COND_ALWAYS,
    IR_COND_EQ,
    IR_COND_NE,
    IR_COND_LT, /* signed */
    IR_COND_GE,
    IR_COND_LE,
    IR_COND_GT,
    IR_COND_LTU, /* unsigned */
    IR_COND_GEU,
    IR_COND_LEU,
    IR_COND_GTU,
    IR_COND_TSTEQ, /* (a & b) == 0 */
    IR_COND_TSTNE, /* (a & b) != 0 */
} IRCond;

IRCond ir_cond_invert(IRCond c); /* !c */
IRCond ir_cond_swap(IRCond c);   /* c with operands exchanged */
bool ir_cond_eval(IRCond c, IRType t, uint64_t a, uint64_t b);

/* Memory operation descriptor for QEMU_LD/QEMU_ST/ATOMIC_CMPXCHG (guest is little-endian). */
typedef enum MemOp {
    MO_8 = 0,
    MO_16 = 1,
    MO_32 = 2,
    MO_64 = 3,
    MO_SIZE = 3,
    MO_SIGN = 1 << 2,  /* sign-extend loads to 64 bits */
    MO_ALIGN = 1 << 3, /* unaligned access faults */
    MO_ACQ = 1 << 4,   /* acquire ordering (load-acquire) */
    MO_REL = 1 << 5,   /* release ordering (store-release) */
    MO_SB = MO_8 | MO_SIGN,
    MO_SW = MO_16 | MO_SIGN,
    MO_SL = MO_32 | MO_SIGN,
} MemOp;

/* Barrier kinds for MB. */
enum {
    IR_MB_LD_LD = 1 << 0,
    IR_MB_ST_LD = 1 << 1, /* the only one an x86 host must fence (MFENCE) */
    IR_MB_LD_ST = 1 << 2,
    IR_MB_ST_ST = 1 << 3,
    IR_MB_ALL = 0xf,
};

/* ---- temps ---- */
typedef uint32_t IRTemp;
#define IR_TEMP_NONE ((IRTemp)0xffffffffu)

typedef enum IRTempKind {
    IR_TEMP_GLOBAL,
    IR_TEMP_ENV,
    IR_TEMP_LOCAL,
    IR_TEMP_TEMP,
    IR_TEMP_CONST,
} IRTempKind;

typedef struct IRTempInfo {
    uint8_t kind;       /* IRTempKind */
    uint8_t is_free;    /* released with ir_temp_free(), may be handed out again */
    int32_t mem_offset; /* GLOBAL: offset from env */
    uint64_t val;       /* CONST: the value */
    const char *name;   /* GLOBAL: register name, for dumps */
} IRTempInfo;

/* ---- helpers callable from IR ---- */
typedef enum IRArgType {
    IR_ARG_VOID, /* return type only */
    IR_ARG_I32,  /* uint32_t */
    IR_ARG_I64,  /* uint64_t */
    IR_ARG_PTR,  /* void * (the env pointer, or a host pointer) */
} IRArgType;

enum {
    IR_CALL_NO_READ_GLOBALS = 1 << 0,  /* does not read guest registers from env */
    IR_CALL_NO_WRITE_GLOBALS = 1 << 1, /* does not change guest registers in env */
    IR_CALL_NO_SIDE_EFFECTS = 1 << 2,  /* pure: may be removed if the result is unused */
    IR_CALL_MAY_RAISE = 1 << 3, /* may leave via cpu_loop_exit(): pc must be stored first */
};
#define IR_CALL_PURE (IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_SIDE_EFFECTS)

#define IR_HELPER_MAX_ARGS 6

typedef struct IRHelper {
    const char *name;
    void *fn;
    IRArgType ret;
    uint8_t nargs;
    IRArgType args[IR_HELPER_MAX_ARGS];
    uint32_t flags; /* IR_CALL_* */
    void *ffi_cif;  /* interp backend's prepared libffi call interface */
} IRHelper;

/* Registers a helper (start-up only, before any vCPU thread runs); returns its index. */
int ir_helper_register(const IRHelper *h);
const IRHelper *ir_helper_get(int idx);
/* Writable entry, for a backend's init() to cache per-helper data (e.g. ffi_cif). Start-up
 * only, like registration. */
IRHelper *ir_helper_get_mut(int idx);
int ir_helper_count(void);

/* ---- ops ---- */
#define IR_MAX_ARGS 12

typedef struct IROp {
    uint16_t opc;  /* IROpcode */
    uint8_t type;  /* IRType, for typed ops */
    uint8_t nb_o;  /* actual output count (CALL varies) */
    uint8_t nb_i;  /* actual input count */
    uint8_t nb_c;  /* constant argument count */
    uint16_t life; /* backend scratch: liveness bits (bit i = args[i] dies here) */
    uint64_t args[IR_MAX_ARGS]; /* outputs, inputs (IRTemp), then constants */
} IROp;

#define IR_CONST_CACHE 256

typedef struct IRFunc {
    IROp *ops;
    uint32_t nb_ops, cap_ops;
    IRTempInfo *temps;
    uint32_t nb_temps, cap_temps;
    uint32_t nb_globals;
    uint32_t nb_labels;
    IRTemp env;        /* the ENV temp */
    int32_t pc_offset; /* env offset of the guest pc (slow paths store it) */
    int32_t exit_request_offset; /* env offset (may be negative) of the 32-bit exit word */
    int32_t tlb_offset;          /* env offset of CPUState.tlb[0][0] */
    /* env offset of the 64-bit executed-instruction counter every TB adds its length to at
     * entry, or IR_NO_INSN_COUNT (unit tests) */
    int32_t insn_count_offset;
    /* env offset of the 64-bit instruction limit, or IR_NO_INSN_COUNT: with a limit, a TB
     * whose entry finds the counter at or past it leaves like a TB that sees the exit word
     * (the deterministic single-thread mode's quantum, cpu-exec/vcpu-thread.c) */
    int32_t insn_limit_offset;
    void *tb;                    /* the TranslationBlock being built (for EXIT_TB values) */
    IRTemp const_cache[IR_CONST_CACHE]; /* ir_const interning: slot = hash of the value */
} IRFunc;

/* Globals: register each guest register once at start-up. */
IRTemp ir_global_register(int32_t env_offset, const char *name);
int ir_global_count(void);
/* Layout of the CPU state as seen from env; set once per target at start-up. */
void ir_set_env_layout(int32_t pc_offset, int32_t exit_request_offset, int32_t tlb_offset);

#define IR_NO_INSN_COUNT INT32_MIN
/* Where the instruction counter lives (set once per target at start-up, like the layout). */
void ir_set_insn_count_offset(int32_t insn_count_offset);
/* Where the instruction limit lives; IR_NO_INSN_COUNT (the default) emits no limit check.
 * Set before anything is translated. */
void ir_set_insn_limit_offset(int32_t insn_limit_offset);

/* Function lifetime. ir_func_reset() empties ops/temps but keeps globals and env. */
void ir_func_init(IRFunc *f);
void ir_func_reset(IRFunc *f);
void ir_func_destroy(IRFunc *f);

IRTemp ir_temp_new(IRFunc *f);       /* TEMP kind */
IRTemp ir_temp_new_local(IRFunc *f); /* LOCAL kind */
void ir_temp_free(IRFunc *f, IRTemp t);
IRTemp ir_const(IRFunc *f, uint64_t val);
static inline bool ir_temp_is_const(const IRFunc *f, IRTemp t)
{
    return f->temps[t].kind == IR_TEMP_CONST;
}
int ir_label_new(IRFunc *f);

/* Generic emitter: appends one op; returns it (valid until the next emit). */
IROp *ir_emit(IRFunc *f, IROpcode opc, IRType type, const IRTemp *outs, int nb_o,
              const IRTemp *ins, int nb_i, const uint64_t *cargs, int nb_c);

/* ---- convenience emitters (the names of the opcodes, lower case) ---- */
void ir_mov(IRFunc *f, IRType t, IRTemp d, IRTemp a);
void ir_movi(IRFunc *f, IRType t, IRTemp d, uint64_t v);
void ir_binop(IRFunc *f, IROpcode opc, IRType t, IRTemp d, IRTemp a, IRTemp b);
void ir_unop(IRFunc *f, IROpcode opc, IRType t, IRTemp d, IRTemp a);
#define ir_add(f, t, d, a, b) ir_binop(f, IR_ADD, t, d, a, b)
#define ir_sub(f, t, d, a, b) ir_binop(f, IR_SUB, t, d, a, b)
#define ir_mul(f, t, d, a, b) ir_binop(f, IR_MUL, t, d, a, b)
#define ir_and(f, t, d, a, b) ir_binop(f, IR_AND, t, d, a, b)
#define ir_or(f, t, d, a, b) ir_binop(f, IR_OR, t, d, a, b)
#define ir_xor(f, t, d, a, b) ir_binop(f, IR_XOR, t, d, a, b)
#define ir_shl(f, t, d, a, b) ir_binop(f, IR_SHL, t, d, a, b)
#define ir_shr(f, t, d, a, b) ir_binop(f, IR_SHR, t, d, a, b)
#define ir_sar(f, t, d, a, b) ir_binop(f, IR_SAR, t, d, a, b)
#define ir_rotr(f, t, d, a, b) ir_binop(f, IR_ROTR, t, d, a, b)
/* op with an immediate second operand: ir_binopi(f, IR_ADD, IR_I64, d, a, 4) */
void ir_binopi(IRFunc *f, IROpcode opc, IRType t, IRTemp d, IRTemp a, uint64_t imm);
void ir_extract(IRFunc *f, IRType t, IRTemp d, IRTemp a, unsigned pos, unsigned len);
void ir_sextract(IRFunc *f, IRType t, IRTemp d, IRTemp a, unsigned pos, unsigned len);
void ir_deposit(IRFunc *f, IRType t, IRTemp d, IRTemp a, IRTemp b, unsigned pos, unsigned len);
void ir_setcond(IRFunc *f, IRType t, IRCond c, IRTemp d, IRTemp a, IRTemp b);
void ir_negsetcond(IRFunc *f, IRType t, IRCond c, IRTemp d, IRTemp a, IRTemp b);
void ir_movcond(IRFunc *f, IRType t, IRCond c, IRTemp d, IRTemp c1, IRTemp c2, IRTemp v1,
                IRTemp v2);
void ir_ld(IRFunc *f, IROpcode opc, IRTemp d, IRTemp base, int32_t offset);   /* IR_LD* */
void ir_st(IRFunc *f, IROpcode opc, IRTemp val, IRTemp base, int32_t offset); /* IR_ST* */
void ir_qemu_ld(IRFunc *f, IRTemp d, IRTemp addr, MemOp mop, int mmu_idx);
void ir_qemu_st(IRFunc *f, IRTemp val, IRTemp addr, MemOp mop, int mmu_idx);
void ir_atomic_cmpxchg(IRFunc *f, IRTemp d, IRTemp addr, IRTemp cmp, IRTemp newv, MemOp mop,
                       int mmu_idx);
void ir_mb(IRFunc *f, unsigned kind);
/* Call helper idx with nargs inputs; ret may be IR_TEMP_NONE for void helpers. */
void ir_call(IRFunc *f, int helper_idx, IRTemp ret, const IRTemp *args, int nargs);
void ir_set_label(IRFunc *f, int label);
void ir_br(IRFunc *f, int label);
void ir_brcond(IRFunc *f, IRType t, IRCond c, IRTemp a, IRTemp b, int label);
void ir_goto_tb(IRFunc *f, int slot);
void ir_exit_tb(IRFunc *f, uintptr_t val);
void ir_goto_ptr(IRFunc *f, IRTemp ptr);
void ir_insn_start(IRFunc *f, uint64_t pc, unsigned insn_idx);

/* Accessors for op arguments. */
static inline IRTemp ir_op_out(const IROp *op, int i) { return (IRTemp)op->args[i]; }
static inline IRTemp ir_op_in(const IROp *op, int i) { return (IRTemp)op->args[op->nb_o + i]; }
static inline uint64_t ir_op_carg(const IROp *op, int i)
{
    return op->args[op->nb_o + op->nb_i + i];
}

/* Turns an op into NOP (passes delete by doing this; backends skip NOPs). */
void ir_op_remove(IROp *op);

/* Text dump for -d op / op_opt and for tests. */
void ir_dump(const IRFunc *f, FILE *out);

#endif
