/*
 * interp-compile.c — translates an optimized IRFunc into interpreter bytecode (layout in
 * interp.h) stored in the calling vCPU thread's CodeRegion.
 *
 * Temps become slot references once, here: globals point into env at their mem_offset, the
 * ENV temp and LOCAL/TEMP temps get frame cells (TEMPs share cells when their live ranges in
 * op order do not overlap; LOCALs keep theirs for the whole TB), constants go to a per-TB
 * pool. Two passes over the ops with the same emitter: the first only counts words and
 * records label positions, the second writes into the reserved space, so the region is
 * touched only when the whole TB fits.
 * Runs on the translating vCPU thread; the bytecode is immutable after gen_code returns.
 */
#include <glib.h>
#include <inttypes.h>
#include <string.h>

#include "cpu-exec/cpu.h"
#include "cpu-exec/softmmu.h"
#include "tcg/interp/interp.h"

const char *const interp_op_names[IOP_NB] = {
#define IOP(name, words) [IOP_##name] = #name,
#include "tcg/interp/interp-ops.def"
#undef IOP
};

const uint8_t interp_op_words[IOP_NB] = {
#define IOP(name, words) [IOP_##name] = words,
#include "tcg/interp/interp-ops.def"
#undef IOP
};

#define LABEL_UNSET UINT32_MAX

typedef struct Compiler {
    IRFunc *f;
    TranslationBlock *tb;
    const void *const *handlers;
    uintptr_t *refs;   /* per temp: its slot reference (constants: set before pass 2) */
    int32_t *pool_idx; /* per temp: constant pool index, or -1 */
    uint32_t nb_consts;
    uint32_t nb_slots;
    uint32_t *label_pos; /* word index of each label, LABEL_UNSET until seen */
    /* emission state */
    uintptr_t *buf;           /* NULL while sizing */
    const uintptr_t *rx_code; /* executable-view address of code word 0 (pass 2) */
    uint32_t n;               /* words emitted so far */
    uint64_t cur_pc;          /* guest pc of the last INSN_START */
    uint16_t reset_off[2];
} Compiler;

/* ---- temps to slots ---- */

static bool assign_slots(Compiler *c) {
    IRFunc *f = c->f;
    uint32_t nt = f->nb_temps;
    uint32_t *last_use = g_new0(uint32_t, nt);
    uint8_t *state = g_new0(uint8_t, nt); /* 0 unseen, 1 holds a cell, 2 released */
    uint32_t *free_cells = g_new(uint32_t, nt + 1);
    uint32_t nb_free = 0;

    for (uint32_t i = 0; i < f->nb_ops; i++) {
        const IROp *op = &f->ops[i];
        for (int k = 0; k < op->nb_o + op->nb_i; k++) {
            last_use[op->args[k]] = i;
        }
    }
    c->nb_slots = INTERP_SLOT_FIRST;
    for (uint32_t t = 0; t < nt; t++) {
        c->pool_idx[t] = -1;
        switch (f->temps[t].kind) {
        case IR_TEMP_GLOBAL:
            c->refs[t] = interp_ref_make(INTERP_BASE_ENV, f->temps[t].mem_offset);
            break;
        case IR_TEMP_ENV:
            c->refs[t] = interp_ref_make(INTERP_BASE_FRAME, INTERP_SLOT_ENV * 8);
            break;
        default: c->refs[t] = 0; break;
        }
    }
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        const IROp *op = &f->ops[i];
        int na = op->nb_o + op->nb_i;
        for (int k = 0; k < na; k++) {
            IRTemp t = (IRTemp)op->args[k];
            if (state[t] != 0) {
                continue;
            }
            uint32_t cell;
            switch (f->temps[t].kind) {
            case IR_TEMP_CONST:
                c->pool_idx[t] = (int32_t)c->nb_consts++;
                state[t] = 2;
                continue;
            case IR_TEMP_TEMP: cell = nb_free ? free_cells[--nb_free] : c->nb_slots++; break;
            case IR_TEMP_LOCAL: cell = c->nb_slots++; break;
            default: state[t] = 2; continue;
            }
            c->refs[t] = interp_ref_make(INTERP_BASE_FRAME, (intptr_t)cell * 8);
            state[t] = 1;
        }
        /* Cells are released after the op, so an output never shares a cell with an input
         * of the same op. */
        for (int k = 0; k < na; k++) {
            IRTemp t = (IRTemp)op->args[k];
            if (state[t] == 1 && f->temps[t].kind == IR_TEMP_TEMP && last_use[t] == i) {
                free_cells[nb_free++] = (uint32_t)(c->refs[t] >> 2) / 8;
                state[t] = 2;
            }
        }
    }
    g_free(last_use);
    g_free(state);
    g_free(free_cells);
    if (c->nb_slots > INTERP_MAX_SLOTS) {
        fprintf(stderr, "tandem: interp: TB at pc 0x%" PRIx64 " needs %u frame cells (max %u)\n",
                c->tb ? c->tb->pc : 0, c->nb_slots, INTERP_MAX_SLOTS);
        return false;
    }
    return true;
}

/* ---- emission ---- */

static void emit_word(Compiler *c, uintptr_t w) {
    if (c->buf) {
        c->buf[c->n] = w;
    }
    c->n++;
}

static void emit_handler(Compiler *c, InterpOp iop) {
    emit_word(c, (uintptr_t)c->handlers[iop]);
}

static void emit_ref(Compiler *c, IRTemp t) {
    emit_word(c, c->refs[t]);
}

static void emit_label_target(Compiler *c, uint64_t label) {
    g_assert(label < c->f->nb_labels);
    if (!c->buf) {
        emit_word(c, 0);
        return;
    }
    if (c->label_pos[label] == LABEL_UNSET) {
        g_error("interp: branch to label %" PRIu64 " that is never set (TB pc 0x%" PRIx64 ")",
                label, c->tb->pc);
    }
    emit_word(c, (uintptr_t)(c->rx_code + c->label_pos[label]));
}

static InterpOp typed_iop(IROpcode opc, IRType t) {
    static const InterpOp map[IR_NB_OPS][2] = {
        [IR_MOV] = {IOP_MOV32, IOP_MOV64},
        [IR_ADD] = {IOP_ADD32, IOP_ADD64},
        [IR_SUB] = {IOP_SUB32, IOP_SUB64},
        [IR_MUL] = {IOP_MUL32, IOP_MUL64},
        [IR_MULUH] = {IOP_MULUH32, IOP_MULUH64},
        [IR_MULSH] = {IOP_MULSH32, IOP_MULSH64},
        [IR_DIVS] = {IOP_DIVS32, IOP_DIVS64},
        [IR_DIVU] = {IOP_DIVU32, IOP_DIVU64},
        [IR_REMS] = {IOP_REMS32, IOP_REMS64},
        [IR_REMU] = {IOP_REMU32, IOP_REMU64},
        [IR_NEG] = {IOP_NEG32, IOP_NEG64},
        [IR_AND] = {IOP_AND32, IOP_AND64},
        [IR_OR] = {IOP_OR32, IOP_OR64},
        [IR_XOR] = {IOP_XOR32, IOP_XOR64},
        [IR_ANDC] = {IOP_ANDC32, IOP_ANDC64},
        [IR_ORC] = {IOP_ORC32, IOP_ORC64},
        [IR_NOT] = {IOP_NOT32, IOP_NOT64},
        [IR_SHL] = {IOP_SHL32, IOP_SHL64},
        [IR_SHR] = {IOP_SHR32, IOP_SHR64},
        [IR_SAR] = {IOP_SAR32, IOP_SAR64},
        [IR_ROTR] = {IOP_ROTR32, IOP_ROTR64},
        [IR_CLZ] = {IOP_CLZ32, IOP_CLZ64},
        [IR_CTZ] = {IOP_CTZ32, IOP_CTZ64},
        [IR_EXTRACT] = {IOP_EXTRACT32, IOP_EXTRACT64},
        [IR_SEXTRACT] = {IOP_SEXTRACT32, IOP_SEXTRACT64},
        [IR_DEPOSIT] = {IOP_DEPOSIT32, IOP_DEPOSIT64},
        [IR_SETCOND] = {IOP_SETCOND32, IOP_SETCOND64},
        [IR_NEGSETCOND] = {IOP_NEGSETCOND32, IOP_NEGSETCOND64},
        [IR_MOVCOND] = {IOP_MOVCOND32, IOP_MOVCOND64},
        [IR_BRCOND] = {IOP_BRCOND32, IOP_BRCOND64},
    };
    return map[opc][t == IR_I64];
}

static InterpOp untyped_iop(IROpcode opc) {
    switch (opc) {
    case IR_BSWAP16: return IOP_BSWAP16;
    case IR_BSWAP32: return IOP_BSWAP32;
    case IR_BSWAP64: return IOP_BSWAP64;
    case IR_EXT8S: return IOP_EXT8S;
    case IR_EXT8U: return IOP_EXT8U;
    case IR_EXT16S: return IOP_EXT16S;
    case IR_EXT16U: return IOP_EXT16U;
    case IR_EXT32S: return IOP_EXT32S;
    case IR_EXT32U: return IOP_EXT32U;
    case IR_LD8U: return IOP_LD8U;
    case IR_LD8S: return IOP_LD8S;
    case IR_LD16U: return IOP_LD16U;
    case IR_LD16S: return IOP_LD16S;
    case IR_LD32U: return IOP_LD32U;
    case IR_LD32S: return IOP_LD32S;
    case IR_LD64: return IOP_LD64;
    case IR_ST8: return IOP_ST8;
    case IR_ST16: return IOP_ST16;
    case IR_ST32: return IOP_ST32;
    case IR_ST64: return IOP_ST64;
    default: return IOP_NB;
    }
}

/* Operands in IR order: output, inputs, then constant args as immediates. */
static void emit_plain(Compiler *c, InterpOp iop, const IROp *op) {
    g_assert(interp_op_words[iop] == op->nb_o + op->nb_i + op->nb_c);
    emit_handler(c, iop);
    for (int k = 0; k < op->nb_o + op->nb_i; k++) {
        emit_ref(c, (IRTemp)op->args[k]);
    }
    for (int k = 0; k < op->nb_c; k++) {
        emit_word(c, (uintptr_t)ir_op_carg(op, k));
    }
}

static intptr_t tlb_table_offset(const Compiler *c, uint64_t mmu_idx) {
    g_assert(mmu_idx < NB_MMU_MODES);
    return (intptr_t)c->f->tlb_offset + (intptr_t)(mmu_idx * CPU_TLB_SIZE * sizeof(CPUTLBEntry));
}

static void emit_op(Compiler *c, const IROp *op) {
    IROpcode opc = (IROpcode)op->opc;
    InterpOp iop;
    switch (opc) {
    case IR_NOP: return;
    case IR_INSN_START: c->cur_pc = ir_op_carg(op, 0); return;
    case IR_SET_LABEL:
        if (!c->buf) {
            g_assert(ir_op_carg(op, 0) < c->f->nb_labels);
            c->label_pos[ir_op_carg(op, 0)] = c->n;
        }
        return;
    case IR_QEMU_LD:
    case IR_QEMU_ST: {
        MemOp mop = (MemOp)ir_op_carg(op, 0);
        emit_handler(c, opc == IR_QEMU_LD ? IOP_QEMU_LD : IOP_QEMU_ST);
        for (int k = 0; k < op->nb_o + op->nb_i; k++) {
            emit_ref(c, (IRTemp)op->args[k]);
        }
        emit_word(c, make_memop_idx(mop, (int)ir_op_carg(op, 1)));
        emit_word(c, (uintptr_t)tlb_table_offset(c, ir_op_carg(op, 1)));
        emit_word(c, (uintptr_t)c->cur_pc);
        return;
    }
    case IR_ATOMIC_CMPXCHG:
        emit_handler(c, IOP_CMPXCHG);
        for (int k = 0; k < 4; k++) {
            emit_ref(c, (IRTemp)op->args[k]);
        }
        emit_word(c, make_memop_idx((MemOp)ir_op_carg(op, 0), (int)ir_op_carg(op, 1)));
        emit_word(c, (uintptr_t)c->cur_pc);
        return;
    case IR_MB:
        emit_handler(c, IOP_MB);
        emit_word(c, (uintptr_t)ir_op_carg(op, 0));
        return;
    case IR_CALL: {
        const IRHelper *h = ir_helper_get((int)ir_op_carg(op, 0));
        if (!h->ffi_cif) {
            g_error("interp: helper %s was registered after backend init", h->name);
        }
        g_assert(op->nb_i == h->nargs);
        emit_handler(c, IOP_CALL);
        emit_word(c, (uintptr_t)h);
        if (op->nb_o) {
            emit_ref(c, ir_op_out(op, 0));
        } else {
            emit_word(c, interp_ref_make(INTERP_BASE_FRAME, INTERP_SLOT_DISCARD * 8));
        }
        emit_word(c, h->nargs);
        for (int k = 0; k < op->nb_i; k++) {
            emit_ref(c, ir_op_in(op, k));
        }
        return;
    }
    case IR_BR:
        emit_handler(c, IOP_BR);
        emit_label_target(c, ir_op_carg(op, 0));
        return;
    case IR_BRCOND:
        emit_handler(c, typed_iop(opc, (IRType)op->type));
        emit_ref(c, ir_op_in(op, 0));
        emit_ref(c, ir_op_in(op, 1));
        emit_word(c, (uintptr_t)ir_op_carg(op, 0));
        emit_label_target(c, ir_op_carg(op, 1));
        return;
    case IR_GOTO_TB: {
        uint64_t n = ir_op_carg(op, 0);
        g_assert(n < 2);
        emit_handler(c, IOP_GOTO_TB);
        emit_word(c, (uintptr_t)n);
        /* The unchained path is the op that follows (EXIT_TB). */
        uint32_t off = (uint32_t)(sizeof(InterpTBHeader) + c->n * sizeof(uintptr_t));
        c->reset_off[n] = off < TB_JMP_NONE ? (uint16_t)off : TB_JMP_NONE;
        return;
    }
    case IR_EXIT_TB:
        emit_handler(c, IOP_EXIT_TB);
        emit_word(c, (uintptr_t)ir_op_carg(op, 0));
        return;
    case IR_GOTO_PTR:
        emit_handler(c, IOP_GOTO_PTR);
        emit_ref(c, ir_op_in(op, 0));
        return;
    default: break;
    }
    if (ir_op_defs[opc].flags & IR_OPF_TYPED) {
        iop = typed_iop(opc, (IRType)op->type);
    } else {
        iop = untyped_iop(opc);
    }
    if (iop == IOP_NB || (iop == 0 && opc != IR_MOV)) {
        g_error("interp: no bytecode for IR op %s", ir_op_defs[opc].name);
    }
    emit_plain(c, iop, op);
}

static void emit_all(Compiler *c) {
    c->n = 0;
    c->cur_pc = c->tb->pc;
    c->reset_off[0] = c->reset_off[1] = TB_JMP_NONE;
    for (uint32_t i = 0; i < c->f->nb_ops; i++) {
        emit_op(c, &c->f->ops[i]);
    }
    /* A TB whose IR falls off the end returns to cpu_exec instead of running off the code. */
    emit_handler(c, IOP_EXIT_TB);
    emit_word(c, 0);
}

bool interp_gen_code(CodeRegion *r, TranslationBlock *tb, IRFunc *f) {
    Compiler c = {
        .f = f,
        .tb = tb,
        .handlers = interp_handler_table(),
        .refs = g_new(uintptr_t, f->nb_temps),
        .pool_idx = g_new(int32_t, f->nb_temps),
        .label_pos = g_new(uint32_t, f->nb_labels + 1),
    };
    bool ok = false;
    for (uint32_t l = 0; l < f->nb_labels; l++) {
        c.label_pos[l] = LABEL_UNSET;
    }
    if (!assign_slots(&c)) {
        g_error("interp: TB too large for the interpreter frame");
    }
    emit_all(&c); /* sizing pass */

    size_t code_bytes = (size_t)c.n * sizeof(uintptr_t);
    size_t bytes = sizeof(InterpTBHeader) + code_bytes + (size_t)c.nb_consts * sizeof(uint64_t);
    uint8_t *rw = code_region_alloc(r, bytes, 16);
    if (rw) {
        const uint8_t *rx = r->rx + (rw - r->rw);
        InterpTBHeader *h = (InterpTBHeader *)rw;
        *h = (InterpTBHeader){
            .magic = INTERP_TB_MAGIC,
            .nb_slots = c.nb_slots,
            .exit_request_offset = f->exit_request_offset,
            .pc_offset = f->pc_offset,
            .nb_words = c.n,
            .insn_count_offset = f->insn_count_offset,
            .icount = tb->icount,
            .insn_limit_offset = f->insn_count_offset != IR_NO_INSN_COUNT
                                     ? f->insn_limit_offset
                                     : IR_NO_INSN_COUNT,
        };
        uint64_t *rw_pool = (uint64_t *)(rw + sizeof(InterpTBHeader) + code_bytes);
        const uint64_t *rx_pool = (const uint64_t *)(rx + sizeof(InterpTBHeader) + code_bytes);
        for (uint32_t t = 0; t < f->nb_temps; t++) {
            if (c.pool_idx[t] >= 0) {
                rw_pool[c.pool_idx[t]] = f->temps[t].val;
                c.refs[t] = interp_ref_make(INTERP_BASE_ABS, (intptr_t)&rx_pool[c.pool_idx[t]]);
            }
        }
        h->nb_consts = c.nb_consts;
        c.buf = (uintptr_t *)(rw + sizeof(InterpTBHeader));
        c.rx_code = (const uintptr_t *)(rx + sizeof(InterpTBHeader));
        uint32_t sized = c.n;
        emit_all(&c);
        g_assert(c.n == sized);

        tb->tc_ptr = rx;
        tb->tc_size = (uint32_t)bytes;
        for (int n = 0; n < 2; n++) {
            tb->jmp_reset_offset[n] = c.reset_off[n];
            tb->jmp_insn_offset[n] = TB_JMP_NONE;
        }
        ok = true;
    }
    g_free(c.refs);
    g_free(c.pool_idx);
    g_free(c.label_pos);
    return ok;
}

/* ---- -d out_asm ---- */

static int iop_of_handler(const void *const *handlers, uintptr_t w) {
    for (int i = 0; i < IOP_NB; i++) {
        if ((uintptr_t)handlers[i] == w) {
            return i;
        }
    }
    return -1;
}

static void dump_ref(uintptr_t ref, FILE *out) {
    intptr_t off = (intptr_t)ref >> 2;
    switch (ref & 3) {
    case INTERP_BASE_ENV: fprintf(out, "env%+" PRIdPTR, off); break;
    case INTERP_BASE_FRAME: fprintf(out, "f%" PRIdPTR, off / 8); break;
    default: fprintf(out, "$0x%" PRIx64, *(const uint64_t *)off); break;
    }
}

void interp_dump_code(const TranslationBlock *tb, FILE *out) {
    const InterpTBHeader *h = tb->tc_ptr;
    const void *const *handlers = interp_handler_table();
    if (!h || h->magic != INTERP_TB_MAGIC) {
        fprintf(out, "  (no interpreter bytecode)\n");
        return;
    }
    const uintptr_t *code = interp_tb_code(h);
    fprintf(out, "  bytecode: %u words, %u consts, %u frame cells\n", h->nb_words, h->nb_consts,
            h->nb_slots);
    for (uint32_t i = 0; i < h->nb_words;) {
        int iop = iop_of_handler(handlers, code[i]);
        if (iop < 0) {
            fprintf(out, "  %04x: ??? 0x%" PRIxPTR "\n", i, code[i]);
            return;
        }
        uint32_t words = interp_op_words[iop];
        if (iop == IOP_CALL) {
            words += (uint32_t)code[i + 3];
        }
        fprintf(out, "  %04x: %-12s", i, interp_op_names[iop]);
        for (uint32_t k = 1; k <= words; k++) {
            uintptr_t w = code[i + k];
            bool is_ref = true;
            /* Which words are refs: everything except trailing immediates/targets. */
            switch (iop) {
            case IOP_CALL: is_ref = k == 2 || k >= 4; break;
            case IOP_QEMU_LD:
            case IOP_QEMU_ST: is_ref = k <= 2; break;
            case IOP_CMPXCHG: is_ref = k <= 4; break;
            case IOP_MB:
            case IOP_BR:
            case IOP_GOTO_TB:
            case IOP_EXIT_TB: is_ref = false; break;
            case IOP_BRCOND32:
            case IOP_BRCOND64: is_ref = k <= 2; break;
            case IOP_EXTRACT32:
            case IOP_EXTRACT64:
            case IOP_SEXTRACT32:
            case IOP_SEXTRACT64: is_ref = k <= 2; break;
            case IOP_DEPOSIT32:
            case IOP_DEPOSIT64: is_ref = k <= 3; break;
            case IOP_SETCOND32:
            case IOP_SETCOND64:
            case IOP_NEGSETCOND32:
            case IOP_NEGSETCOND64: is_ref = k <= 3; break;
            case IOP_MOVCOND32:
            case IOP_MOVCOND64: is_ref = k <= 5; break;
            case IOP_LD8U:
            case IOP_LD8S:
            case IOP_LD16U:
            case IOP_LD16S:
            case IOP_LD32U:
            case IOP_LD32S:
            case IOP_LD64:
            case IOP_ST8:
            case IOP_ST16:
            case IOP_ST32:
            case IOP_ST64: is_ref = k <= 2; break;
            default: break;
            }
            fputs(k == 1 ? " " : ", ", out);
            if (iop == IOP_CALL && k == 1) {
                fputs(((const IRHelper *)w)->name, out);
            } else if (is_ref) {
                dump_ref(w, out);
            } else {
                fprintf(out, "0x%" PRIxPTR, w);
            }
        }
        fputc('\n', out);
        i += 1 + words;
    }
}
