/*
 * regalloc.h — per-TB register allocation state of the x86-64 JIT and the context shared by
 * the lowering (lower.c) and the driver (backend-jit.c).
 *
 * Model: each temp is in a host register, in memory (globals at env + mem_offset, LOCAL/TEMP
 * values in stack-frame slots), or both (then `mem_valid`). CONST temps are never cached in
 * registers; ENV is pinned in X86_ENV_REG. The allocator works one basic block at a time:
 * at block ends everything that must survive goes to memory. Registers in `locked` belong to
 * the op being lowered and are never chosen for eviction. A JitCtx is per translation, used
 * only on the translating thread.
 */
#ifndef TANDEM_TCG_X86_64_REGALLOC_H
#define TANDEM_TCG_X86_64_REGALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "tcg/ir.h"
#include "tcg/x86-64/encoder.h"

#define X86_ENV_REG X86_R14

/* Stack frame (set up by the prologue, rsp stays 16-byte aligned inside TBs):
 *   [rsp + 0, JIT_SAVE_AREA)              slow-path stubs save caller-saved registers here
 *   [rsp + JIT_SAVE_AREA, + JIT_SPILL_SLOTS*8)  spill slots for LOCAL/TEMP temps */
#define JIT_SAVE_AREA (16 * 8)
#define JIT_SPILL_SLOTS 1024
#define JIT_FRAME_SIZE (JIT_SAVE_AREA + JIT_SPILL_SLOTS * 8 + 8) /* +8: 16-byte alignment */

/* Caller-saved registers in the SysV ABI. */
#define JIT_CALLER_SAVED                                                                           \
    ((1u << X86_RAX) | (1u << X86_RCX) | (1u << X86_RDX) | (1u << X86_RSI) | (1u << X86_RDI) |     \
     (1u << X86_R8) | (1u << X86_R9) | (1u << X86_R10) | (1u << X86_R11))

typedef struct RATemp {
    int8_t reg;     /* host register or -1 */
    bool mem_valid; /* memory copy is current */
    int32_t slot;   /* frame offset of the spill slot (LOCAL/TEMP) or -1 */
} RATemp;

typedef struct JitFixup {
    uint32_t pos; /* rel32 field */
    uint32_t label;
} JitFixup;

/* Out-of-line slow path of one QEMU_LD/QEMU_ST, emitted after the TB body. */
typedef struct JitSlowPath {
    uint32_t jcc_pos; /* rel32 of the branch into the stub */
    uint32_t ret_pos; /* where the stub jumps back to */
    uint64_t pc;      /* guest pc to store before calling */
    uint32_t oi;
    uint8_t memop;
    bool is_store;
    int8_t addr_reg, val_reg, dst_reg;
    uint16_t save_mask; /* caller-saved registers to preserve around the call */
    uint8_t nb_dirty;   /* dirty globals to write back */
    int8_t dirty_reg[16];
    int32_t dirty_off[16];
} JitSlowPath;

typedef struct JitCtx {
    X86Asm as;
    IRFunc *f;
    const IROp *op; /* op being lowered (for liveness bits) */
    /* register allocation */
    RATemp *temps;
    uint32_t cap_temps;
    int32_t reg_temp[16]; /* temp held by each register, -1 free */
    uint16_t locked;
    int32_t *free_slots;
    uint32_t nb_free_slots, next_slot;
    /* labels and branches */
    int32_t *label_pos;
    uint32_t cap_labels;
    JitFixup *fixups;
    uint32_t nb_fixups, cap_fixups;
    JitSlowPath *slow;
    uint32_t nb_slow, cap_slow;
    uint64_t cur_pc;       /* carg of the last INSN_START */
    uint32_t exit_req_pos; /* rel32 of the TB-entry exit check */
    /* the TB being built */
    struct TranslationBlock *tb;
} JitCtx;

/* Host epilogue addresses, set by backend init (backend-jit.c). */
extern const uint8_t *jit_epilogue_rx;  /* returns rax to exec's caller */
extern const uint8_t *jit_exit_zero_rx; /* returns 0 */

/* Host CPU features that select instruction forms (filled by jit init; tests may override). */
typedef struct JitHostFeatures {
    bool lzcnt, tzcnt;
} JitHostFeatures;
extern JitHostFeatures jit_host_features;

/* Functions the generated slow paths call: helper_ld_slow/helper_st_slow/
 * helper_atomic_cmpxchg, set by jit init. Read when code is generated (the addresses are
 * baked into the TB), so unit tests can point them at fakes after init. */
typedef struct JitSlowHelpers {
    const void *ld, *st, *cmpxchg;
} JitSlowHelpers;
extern JitSlowHelpers jit_slow_helpers;

void ra_begin(JitCtx *c, IRFunc *f);
void ra_unlock_all(JitCtx *c);
/* Register holding temp t (loaded if needed), moved out of `avoid` if it is there; locked. */
int ra_in(JitCtx *c, IRTemp t, uint16_t avoid);
/* A free register (spilling if needed) outside `avoid` and locked registers; locked. */
int ra_scratch(JitCtx *c, uint16_t avoid);
/* Empties register r (moves its temp to another register or to memory). */
void ra_evict(JitCtx *c, int r, uint16_t avoid);
/* Writes a temp's register value to its memory home; keeps the register. */
void ra_store_home(JitCtx *c, IRTemp t);
/* Output destination for a two-address op: a register holding a copy of input in_i that may
 * be overwritten (the input's own register when it dies here or is the output). Locked. */
int ra_dst_copy(JitCtx *c, int in_i, bool w, uint16_t avoid);
/* Marks reg as the home of output temp t (dirty). */
void ra_set_out(JitCtx *c, IRTemp t, int reg);
/* After lowering op: release dying inputs, dead outputs and locks. */
void ra_op_done(JitCtx *c);
/* Write back dirty globals (and LOCALs if locals) to memory. drop: forget the registers. */
void ra_sync(JitCtx *c, bool locals, bool drop);
/* Block boundary (label, branch): sync globals and locals, forget every register, kill TEMPs. */
void ra_bb_end(JitCtx *c);
/* Before a call: empty every caller-saved register. */
void ra_free_caller_saved(JitCtx *c);
/* Forgets registers caching globals (they must be clean). */
void ra_drop_globals(JitCtx *c);
bool ra_input_dies(const JitCtx *c, int in_i);
int32_t ra_slot_alloc(JitCtx *c);

#endif
