/*
 * ir.c — IR builder: temps, constants, labels, op emission, the helper and global registries,
 * and the text dump used by -d op/op_opt.
 *
 * The registries (globals, helpers, env layout) are written only at start-up, before any vCPU
 * thread exists, and read without locks afterwards. An IRFunc is private to the thread that
 * translates with it.
 */
#include "tcg/ir.h"

#include <glib.h>
#include <inttypes.h>
#include <string.h>

const IROpDef ir_op_defs[IR_NB_OPS] = {
#define DEF(name, oargs, iargs, cargs, fl) [IR_##name] = {#name, oargs, iargs, cargs, fl},
#include "tcg/ops.def"
#undef DEF
};

/* ---- registries ---- */

#define MAX_GLOBALS 128
#define MAX_HELPERS 512

static IRTempInfo g_globals[MAX_GLOBALS];
static int g_nb_globals;
static IRHelper g_helpers[MAX_HELPERS];
static int g_nb_helpers;
static int32_t g_pc_offset, g_exit_request_offset, g_tlb_offset;
static int32_t g_insn_count_offset = IR_NO_INSN_COUNT;
static int32_t g_insn_limit_offset = IR_NO_INSN_COUNT;

IRTemp ir_global_register(int32_t env_offset, const char *name)
{
    g_assert(g_nb_globals < MAX_GLOBALS);
    g_globals[g_nb_globals] =
        (IRTempInfo){.kind = IR_TEMP_GLOBAL, .mem_offset = env_offset, .name = name};
    return (IRTemp)g_nb_globals++;
}

int ir_global_count(void) { return g_nb_globals; }

void ir_set_env_layout(int32_t pc_offset, int32_t exit_request_offset, int32_t tlb_offset)
{
    g_pc_offset = pc_offset;
    g_exit_request_offset = exit_request_offset;
    g_tlb_offset = tlb_offset;
}

void ir_set_insn_count_offset(int32_t insn_count_offset)
{
    g_insn_count_offset = insn_count_offset;
}

void ir_set_insn_limit_offset(int32_t insn_limit_offset)
{
    g_insn_limit_offset = insn_limit_offset;
}

int ir_helper_register(const IRHelper *h)
{
    g_assert(g_nb_helpers < MAX_HELPERS);
    g_assert(h->nargs <= IR_HELPER_MAX_ARGS);
    g_helpers[g_nb_helpers] = *h;
    return g_nb_helpers++;
}

const IRHelper *ir_helper_get(int idx)
{
    g_assert(idx >= 0 && idx < g_nb_helpers);
    return &g_helpers[idx];
}

IRHelper *ir_helper_get_mut(int idx)
{
    g_assert(idx >= 0 && idx < g_nb_helpers);
    return &g_helpers[idx];
}

int ir_helper_count(void) { return g_nb_helpers; }

/* ---- conditions ---- */

IRCond ir_cond_invert(IRCond c)
{
    static const IRCond inv[] = {
        [IR_COND_NEVER] = IR_COND_ALWAYS, [IR_COND_ALWAYS] = IR_COND_NEVER,
        [IR_COND_EQ] = IR_COND_NE,        [IR_COND_NE] = IR_COND_EQ,
        [IR_COND_LT] = IR_COND_GE,        [IR_COND_GE] = IR_COND_LT,
        [IR_COND_LE] = IR_COND_GT,        [IR_COND_GT] = IR_COND_LE,
        [IR_COND_LTU] = IR_COND_GEU,      [IR_COND_GEU] = IR_COND_LTU,
        [IR_COND_LEU] = IR_COND_GTU,      [IR_COND_GTU] = IR_COND_LEU,
        [IR_COND_TSTEQ] = IR_COND_TSTNE,  [IR_COND_TSTNE] = IR_COND_TSTEQ,
    };
    return inv[c];
}

IRCond ir_cond_swap(IRCond c)
{
    static const IRCond sw[] = {
        [IR_COND_NEVER] = IR_COND_NEVER, [IR_COND_ALWAYS] = IR_COND_ALWAYS,
        [IR_COND_EQ] = IR_COND_EQ,       [IR_COND_NE] = IR_COND_NE,
        [IR_COND_LT] = IR_COND_GT,       [IR_COND_GE] = IR_COND_LE,
        [IR_COND_LE] = IR_COND_GE,       [IR_COND_GT] = IR_COND_LT,
        [IR_COND_LTU] = IR_COND_GTU,     [IR_COND_GEU] = IR_COND_LEU,
        [IR_COND_LEU] = IR_COND_GEU,     [IR_COND_GTU] = IR_COND_LTU,
        [IR_COND_TSTEQ] = IR_COND_TSTEQ, [IR_COND_TSTNE] = IR_COND_TSTNE,
    };
    return sw[c];
}

bool ir_cond_eval(IRCond c, IRType t, uint64_t a, uint64_t b)
{
    int64_t sa, sb;
    if (t == IR_I32) {
        a = (uint32_t)a;
        b = (uint32_t)b;
        sa = (int32_t)a;
        sb = (int32_t)b;
    } else {
        sa = (int64_t)a;
        sb = (int64_t)b;
    }
    switch (c) {
    case IR_COND_NEVER: return false;
    case IR_COND_ALWAYS: return true;
    case IR_COND_EQ: return a == b;
    case IR_COND_NE: return a != b;
    case IR_COND_LT: return sa < sb;
    case IR_COND_GE: return sa >= sb;
    case IR_COND_LE: return sa <= sb;
    case IR_COND_GT: return sa > sb;
    case IR_COND_LTU: return a < b;
    case IR_COND_GEU: return a >= b;
    case IR_COND_LEU: return a <= b;
    case IR_COND_GTU: return a > b;
    case IR_COND_TSTEQ: return (a & b) == 0;
    case IR_COND_TSTNE: return (a & b) != 0;
    }
    g_assert_not_reached();
}

/* ---- functions and temps ---- */

static IRTemp temp_alloc(IRFunc *f, IRTempInfo info)
{
    if (f->nb_temps == f->cap_temps) {
        f->cap_temps = f->cap_temps ? f->cap_temps * 2 : 256;
        f->temps = g_renew(IRTempInfo, f->temps, f->cap_temps);
    }
    f->temps[f->nb_temps] = info;
    return f->nb_temps++;
}

void ir_func_init(IRFunc *f)
{
    memset(f, 0, sizeof(*f));
    ir_func_reset(f);
}

void ir_func_reset(IRFunc *f)
{
    f->nb_ops = 0;
    f->nb_temps = 0;
    f->nb_labels = 0;
    f->tb = NULL;
    memset(f->const_cache, 0, sizeof(f->const_cache)); /* temp 0 is a global, never a const */
    for (int i = 0; i < g_nb_globals; i++) {
        temp_alloc(f, g_globals[i]);
    }
    f->nb_globals = (uint32_t)g_nb_globals;
    f->env = temp_alloc(f, (IRTempInfo){.kind = IR_TEMP_ENV, .name = "env"});
    f->pc_offset = g_pc_offset;
    f->exit_request_offset = g_exit_request_offset;
    f->tlb_offset = g_tlb_offset;
    /* Generated code counts instructions only where a quantum is enforced (single-thread
     * mode sets the limit offset): the add at every TB entry cost about 12% of the run time
     * of CPU-bound guests. Elsewhere cpu_exec counts the TBs it dispatches. */
    f->insn_count_offset = g_insn_limit_offset != IR_NO_INSN_COUNT ? g_insn_count_offset
                                                                    : IR_NO_INSN_COUNT;
    f->insn_limit_offset = g_insn_limit_offset;
}

void ir_func_destroy(IRFunc *f)
{
    g_free(f->ops);
    g_free(f->temps);
    memset(f, 0, sizeof(*f));
}

IRTemp ir_temp_new(IRFunc *f) { return temp_alloc(f, (IRTempInfo){.kind = IR_TEMP_TEMP}); }

IRTemp ir_temp_new_local(IRFunc *f)
{
    return temp_alloc(f, (IRTempInfo){.kind = IR_TEMP_LOCAL});
}

void ir_temp_free(IRFunc *f, IRTemp t)
{
    g_assert(t < f->nb_temps);
    /* Freed temps are only marked: temp numbers stay unique within a function, which keeps
     * liveness and the optimizer simple. */
    f->temps[t].is_free = 1;
}

IRTemp ir_const(IRFunc *f, uint64_t val)
{
    /* Constants are interned through a direct-mapped cache: a translation asks for the same
     * few constants over and over, and this runs for every operand. */
    unsigned slot = (unsigned)((val * 0x9e3779b97f4a7c15ull) >> 56) % IR_CONST_CACHE;
    IRTemp c = f->const_cache[slot];
    if (f->temps[c].kind == IR_TEMP_CONST && f->temps[c].val == val) {
        return c;
    }
    c = temp_alloc(f, (IRTempInfo){.kind = IR_TEMP_CONST, .val = val});
    f->const_cache[slot] = c;
    return c;
}

int ir_label_new(IRFunc *f) { return (int)f->nb_labels++; }

IROp *ir_emit(IRFunc *f, IROpcode opc, IRType type, const IRTemp *outs, int nb_o,
              const IRTemp *ins, int nb_i, const uint64_t *cargs, int nb_c)
{
    g_assert(nb_o + nb_i + nb_c <= IR_MAX_ARGS);
    if (f->nb_ops == f->cap_ops) {
        f->cap_ops = f->cap_ops ? f->cap_ops * 2 : 512;
        f->ops = g_renew(IROp, f->ops, f->cap_ops);
    }
    IROp *op = &f->ops[f->nb_ops++];
    memset(op, 0, sizeof(*op));
    op->opc = (uint16_t)opc;
    op->type = (uint8_t)type;
    op->nb_o = (uint8_t)nb_o;
    op->nb_i = (uint8_t)nb_i;
    op->nb_c = (uint8_t)nb_c;
    int k = 0;
    for (int i = 0; i < nb_o; i++) {
        g_assert(outs[i] < f->nb_temps && f->temps[outs[i]].kind != IR_TEMP_CONST);
        op->args[k++] = outs[i];
    }
    for (int i = 0; i < nb_i; i++) {
        g_assert(ins[i] < f->nb_temps);
        op->args[k++] = ins[i];
    }
    for (int i = 0; i < nb_c; i++) {
        op->args[k++] = cargs[i];
    }
    return op;
}

void ir_op_remove(IROp *op)
{
    op->opc = IR_NOP;
    op->nb_o = op->nb_i = op->nb_c = 0;
}

/* ---- convenience emitters ---- */

void ir_mov(IRFunc *f, IRType t, IRTemp d, IRTemp a) { ir_emit(f, IR_MOV, t, &d, 1, &a, 1, NULL, 0); }

void ir_movi(IRFunc *f, IRType t, IRTemp d, uint64_t v) { ir_mov(f, t, d, ir_const(f, v)); }

void ir_binop(IRFunc *f, IROpcode opc, IRType t, IRTemp d, IRTemp a, IRTemp b)
{
    IRTemp in[2] = {a, b};
    ir_emit(f, opc, t, &d, 1, in, 2, NULL, 0);
}

void ir_unop(IRFunc *f, IROpcode opc, IRType t, IRTemp d, IRTemp a)
{
    ir_emit(f, opc, t, &d, 1, &a, 1, NULL, 0);
}

void ir_binopi(IRFunc *f, IROpcode opc, IRType t, IRTemp d, IRTemp a, uint64_t imm)
{
    ir_binop(f, opc, t, d, a, ir_const(f, imm));
}

void ir_extract(IRFunc *f, IRType t, IRTemp d, IRTemp a, unsigned pos, unsigned len)
{
    uint64_t c[2] = {pos, len};
    ir_emit(f, IR_EXTRACT, t, &d, 1, &a, 1, c, 2);
}

void ir_sextract(IRFunc *f, IRType t, IRTemp d, IRTemp a, unsigned pos, unsigned len)
{
    uint64_t c[2] = {pos, len};
    ir_emit(f, IR_SEXTRACT, t, &d, 1, &a, 1, c, 2);
}

void ir_deposit(IRFunc *f, IRType t, IRTemp d, IRTemp a, IRTemp b, unsigned pos, unsigned len)
{
    IRTemp in[2] = {a, b};
    uint64_t c[2] = {pos, len};
    ir_emit(f, IR_DEPOSIT, t, &d, 1, in, 2, c, 2);
}

void ir_setcond(IRFunc *f, IRType t, IRCond c, IRTemp d, IRTemp a, IRTemp b)
{
    IRTemp in[2] = {a, b};
    uint64_t cc = c;
    ir_emit(f, IR_SETCOND, t, &d, 1, in, 2, &cc, 1);
}

void ir_negsetcond(IRFunc *f, IRType t, IRCond c, IRTemp d, IRTemp a, IRTemp b)
{
    IRTemp in[2] = {a, b};
    uint64_t cc = c;
    ir_emit(f, IR_NEGSETCOND, t, &d, 1, in, 2, &cc, 1);
}

void ir_movcond(IRFunc *f, IRType t, IRCond c, IRTemp d, IRTemp c1, IRTemp c2, IRTemp v1,
                IRTemp v2)
{
    IRTemp in[4] = {c1, c2, v1, v2};
    uint64_t cc = c;
    ir_emit(f, IR_MOVCOND, t, &d, 1, in, 4, &cc, 1);
}

void ir_ld(IRFunc *f, IROpcode opc, IRTemp d, IRTemp base, int32_t offset)
{
    g_assert(opc >= IR_LD8U && opc <= IR_LD64);
    uint64_t c = (uint64_t)(int64_t)offset;
    ir_emit(f, opc, IR_I64, &d, 1, &base, 1, &c, 1);
}

void ir_st(IRFunc *f, IROpcode opc, IRTemp val, IRTemp base, int32_t offset)
{
    g_assert(opc >= IR_ST8 && opc <= IR_ST64);
    IRTemp in[2] = {val, base};
    uint64_t c = (uint64_t)(int64_t)offset;
    ir_emit(f, opc, IR_I64, NULL, 0, in, 2, &c, 1);
}

void ir_qemu_ld(IRFunc *f, IRTemp d, IRTemp addr, MemOp mop, int mmu_idx)
{
    uint64_t c[2] = {mop, (uint64_t)mmu_idx};
    ir_emit(f, IR_QEMU_LD, IR_I64, &d, 1, &addr, 1, c, 2);
}

void ir_qemu_st(IRFunc *f, IRTemp val, IRTemp addr, MemOp mop, int mmu_idx)
{
    IRTemp in[2] = {val, addr};
    uint64_t c[2] = {mop, (uint64_t)mmu_idx};
    ir_emit(f, IR_QEMU_ST, IR_I64, NULL, 0, in, 2, c, 2);
}

void ir_atomic_cmpxchg(IRFunc *f, IRTemp d, IRTemp addr, IRTemp cmp, IRTemp newv, MemOp mop,
                       int mmu_idx)
{
    IRTemp in[3] = {addr, cmp, newv};
    uint64_t c[2] = {mop, (uint64_t)mmu_idx};
    ir_emit(f, IR_ATOMIC_CMPXCHG, IR_I64, &d, 1, in, 3, c, 2);
}

void ir_mb(IRFunc *f, unsigned kind)
{
    uint64_t c = kind;
    ir_emit(f, IR_MB, IR_I64, NULL, 0, NULL, 0, &c, 1);
}

void ir_call(IRFunc *f, int helper_idx, IRTemp ret, const IRTemp *args, int nargs)
{
    const IRHelper *h = ir_helper_get(helper_idx);
    g_assert(nargs == h->nargs);
    g_assert((ret == IR_TEMP_NONE) == (h->ret == IR_ARG_VOID));
    uint64_t c[2] = {(uint64_t)helper_idx, (uint64_t)nargs};
    ir_emit(f, IR_CALL, IR_I64, &ret, ret == IR_TEMP_NONE ? 0 : 1, args, nargs, c, 2);
}

void ir_set_label(IRFunc *f, int label)
{
    uint64_t c = (uint64_t)label;
    ir_emit(f, IR_SET_LABEL, IR_I64, NULL, 0, NULL, 0, &c, 1);
}

void ir_br(IRFunc *f, int label)
{
    uint64_t c = (uint64_t)label;
    ir_emit(f, IR_BR, IR_I64, NULL, 0, NULL, 0, &c, 1);
}

void ir_brcond(IRFunc *f, IRType t, IRCond cond, IRTemp a, IRTemp b, int label)
{
    IRTemp in[2] = {a, b};
    uint64_t c[2] = {cond, (uint64_t)label};
    ir_emit(f, IR_BRCOND, t, NULL, 0, in, 2, c, 2);
}

void ir_goto_tb(IRFunc *f, int slot)
{
    uint64_t c = (uint64_t)slot;
    ir_emit(f, IR_GOTO_TB, IR_I64, NULL, 0, NULL, 0, &c, 1);
}

void ir_exit_tb(IRFunc *f, uintptr_t val)
{
    uint64_t c = val;
    ir_emit(f, IR_EXIT_TB, IR_I64, NULL, 0, NULL, 0, &c, 1);
}

void ir_goto_ptr(IRFunc *f, IRTemp ptr) { ir_emit(f, IR_GOTO_PTR, IR_I64, NULL, 0, &ptr, 1, NULL, 0); }

void ir_insn_start(IRFunc *f, uint64_t pc, unsigned insn_idx)
{
    uint64_t c[2] = {pc, insn_idx};
    ir_emit(f, IR_INSN_START, IR_I64, NULL, 0, NULL, 0, c, 2);
}

/* ---- dump ---- */

static void dump_temp(const IRFunc *f, IRTemp t, FILE *out)
{
    const IRTempInfo *ti = &f->temps[t];
    switch (ti->kind) {
    case IR_TEMP_GLOBAL: fprintf(out, "%s", ti->name); break;
    case IR_TEMP_ENV: fprintf(out, "env"); break;
    case IR_TEMP_LOCAL: fprintf(out, "loc%u", t); break;
    case IR_TEMP_TEMP: fprintf(out, "tmp%u", t); break;
    case IR_TEMP_CONST: fprintf(out, "$0x%" PRIx64, ti->val); break;
    }
}

static const char *const cond_names[] = {
    "never", "always", "eq", "ne", "lt", "ge", "le", "gt", "ltu", "geu", "leu", "gtu", "tsteq", "tstne",
};

void ir_dump(const IRFunc *f, FILE *out)
{
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        const IROp *op = &f->ops[i];
        const IROpDef *def = &ir_op_defs[op->opc];
        if (op->opc == IR_NOP) {
            continue;
        }
        if (op->opc == IR_INSN_START) {
            fprintf(out, " ---- %016" PRIx64 "\n", ir_op_carg(op, 0));
            continue;
        }
        fprintf(out, " %s", def->name);
        if (def->flags & IR_OPF_TYPED) {
            fprintf(out, op->type == IR_I32 ? "_i32" : "_i64");
        }
        const char *sep = " ";
        for (int k = 0; k < op->nb_o + op->nb_i; k++) {
            fputs(sep, out);
            dump_temp(f, (IRTemp)op->args[k], out);
            sep = ", ";
        }
        for (int k = 0; k < op->nb_c; k++) {
            uint64_t c = ir_op_carg(op, k);
            fputs(sep, out);
            bool is_cond = (op->opc == IR_SETCOND || op->opc == IR_NEGSETCOND ||
                            op->opc == IR_MOVCOND || op->opc == IR_BRCOND) && k == 0;
            if (is_cond && c < G_N_ELEMENTS(cond_names)) {
                fputs(cond_names[c], out);
            } else if (op->opc == IR_CALL && k == 0) {
                fputs(ir_helper_get((int)c)->name, out);
            } else {
                fprintf(out, "$0x%" PRIx64, c);
            }
            sep = ", ";
        }
        fputc('\n', out);
    }
}
