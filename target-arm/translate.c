/*
 * translate.c — the A64 translation loop: fetch each instruction, dispatch it to the decoder of
 * its encoding group (ARM ARM C4.1, op0 = bits 28:25), and end the TB. Also the helpers every
 * decoder shares: register access with the XZR/SP rule, NZCV computation, condition tests,
 * branches, and the IR globals. Runs on the translating vCPU thread; the globals and helper
 * indices are written once by arm_translate_init() before any vCPU starts.
 */
#include "target-arm/translate.h"

#include <glib.h>
#include <inttypes.h>

#include "cpu-exec/exec.h"
#include "target-arm/decode-a64-simd.h"
#include "target-arm/internals.h"
#include "target-arm/sysreg.h"
#include "cpu-exec/softmmu.h"
#include "system/disas.h"
#include "system/log.h"

IRTemp cpu_X[32];
IRTemp cpu_pc, cpu_NF, cpu_ZF, cpu_CF, cpu_VF;
IRTemp cpu_exclusive_addr, cpu_exclusive_val, cpu_exclusive_high;

static int helper_exception_idx, helper_exception_next_idx;

/* ---- helpers ---- */

int a64_helper_register(const char *name, void *fn, IRArgType ret, int nargs,
                        const IRArgType *args, uint32_t flags)
{
    IRHelper h = {.name = name, .fn = fn, .ret = ret, .nargs = (uint8_t)nargs, .flags = flags};
    for (int i = 0; i < nargs; i++) {
        h.args[i] = args[i];
    }
    return ir_helper_register(&h);
}

/* UNDEF for the instruction at env->pc (gen_sync_pc ran first). */
static void helper_exception(void *envp, uint32_t syndrome)
{
    arm_raise_sync(envp, syndrome);
}

static void helper_exception_next(void *envp, uint32_t syndrome)
{
    arm_raise_sync_next(envp, syndrome);
}

#define ENV_OFF(field) ((int32_t)offsetof(CPUARMState, field))

void arm_translate_init(void)
{
    static const char *const xnames[32] = {
        "x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10",
        "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21",
        "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp",
    };
    static bool done;
    if (done) {
        return;
    }
    done = true;
    for (int i = 0; i < 32; i++) {
        cpu_X[i] = ir_global_register(ENV_OFF(xregs[i]), xnames[i]);
    }
    cpu_pc = ir_global_register(ENV_OFF(pc), "pc");
    cpu_NF = ir_global_register(ENV_OFF(NF), "NF");
    cpu_ZF = ir_global_register(ENV_OFF(ZF), "ZF");
    cpu_CF = ir_global_register(ENV_OFF(CF), "CF");
    cpu_VF = ir_global_register(ENV_OFF(VF), "VF");
    cpu_exclusive_addr = ir_global_register(ENV_OFF(exclusive_addr), "exclusive_addr");
    cpu_exclusive_val = ir_global_register(ENV_OFF(exclusive_val), "exclusive_val");
    cpu_exclusive_high = ir_global_register(ENV_OFF(exclusive_high), "exclusive_high");
    ir_set_env_layout(ENV_OFF(pc), CPU_ENV_FIELD_OFFSET(exit_request), CPU_ENV_FIELD_OFFSET(tlb));
    ir_set_insn_count_offset(CPU_ENV_FIELD_OFFSET(insn_count));

    static const IRArgType exc_args[] = {IR_ARG_PTR, IR_ARG_I32};
    helper_exception_idx = a64_helper_register("exception", (void *)helper_exception,
                                               IR_ARG_VOID, 2, exc_args,
                                               IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS);
    helper_exception_next_idx =
        a64_helper_register("exception_next", (void *)helper_exception_next, IR_ARG_VOID, 2,
                            exc_args, IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS);
    arm_sysreg_define_cpu();
    a64_fp_helpers_init();
    a64_simd_helpers_init();
    a64_dp_helpers_init();
    a64_branch_sys_helpers_init();
    a64_ldst_helpers_init();
}

/* ---- registers ---- */

IRTemp read_reg(DisasContext *s, int reg, int sf)
{
    return reg == 31 ? ir_const(s->f, 0) : read_reg_sp(s, reg, sf);
}

IRTemp read_reg_sp(DisasContext *s, int reg, int sf)
{
    if (sf) {
        return cpu_X[reg];
    }
    IRTemp t = ir_temp_new(s->f);
    ir_unop(s->f, IR_EXT32U, IR_I64, t, cpu_X[reg]);
    return t;
}

void write_reg(DisasContext *s, int reg, int sf, IRTemp val)
{
    if (reg == 31) {
        return;
    }
    write_reg_sp(s, reg, sf, val);
}

void write_reg_sp(DisasContext *s, int reg, int sf, IRTemp val)
{
    if (sf) {
        ir_mov(s->f, IR_I64, cpu_X[reg], val);
    } else {
        ir_unop(s->f, IR_EXT32U, IR_I64, cpu_X[reg], val);
    }
}

/* ---- flags ---- */

void gen_logic_flags(DisasContext *s, int sf, IRTemp result)
{
    IRFunc *f = s->f;
    if (sf) {
        ir_mov(f, IR_I64, cpu_NF, result);
        ir_mov(f, IR_I64, cpu_ZF, result);
    } else {
        ir_unop(f, IR_EXT32S, IR_I64, cpu_NF, result);
        ir_unop(f, IR_EXT32U, IR_I64, cpu_ZF, result);
    }
    ir_movi(f, IR_I64, cpu_CF, 0);
    ir_movi(f, IR_I64, cpu_VF, 0);
}

/* Stores N, Z and V from an add/sub result res (zero-extended for sf=0) and its overflow
 * word v (sign bit = V), and the result to d unless it is IR_TEMP_NONE (CMP/CMN). */
static void gen_store_nzv(DisasContext *s, int sf, IRTemp d, IRTemp res, IRTemp v)
{
    IRFunc *f = s->f;
    if (sf) {
        ir_mov(f, IR_I64, cpu_VF, v);
        ir_mov(f, IR_I64, cpu_NF, res);
    } else {
        ir_unop(f, IR_EXT32S, IR_I64, cpu_VF, v);
        ir_unop(f, IR_EXT32S, IR_I64, cpu_NF, res);
    }
    ir_mov(f, IR_I64, cpu_ZF, res);
    if (d != IR_TEMP_NONE) {
        ir_mov(f, IR_I64, d, res);
    }
}

/* Flags for d = a + b + cin where cin is 0/1 in a temp (or const 0). */
static void gen_adc_flags(DisasContext *s, int sf, IRTemp d, IRTemp a, IRTemp b, IRTemp cin)
{
    IRFunc *f = s->f;
    IRTemp res = ir_temp_new(f);
    IRTemp t = ir_temp_new(f);
    IRTemp v = ir_temp_new(f);
    if (sf) {
        IRTemp c1 = ir_temp_new(f);
        /* res = a + cin, carry1 = res < a; res += b, carry2 = res < (a + cin) */
        ir_add(f, IR_I64, t, a, cin);
        ir_setcond(f, IR_I64, IR_COND_LTU, c1, t, a);
        ir_add(f, IR_I64, res, t, b);
        ir_setcond(f, IR_I64, IR_COND_LTU, cpu_CF, res, t);
        ir_or(f, IR_I64, cpu_CF, cpu_CF, c1);
        /* V = (res ^ a) & ~(a ^ b), bit 63 */
        ir_xor(f, IR_I64, v, res, a);
        ir_xor(f, IR_I64, t, a, b);
        ir_binop(f, IR_ANDC, IR_I64, v, v, t);
    } else {
        /* 32-bit: a and b are zero-extended, so the 64-bit sum holds the carry in bit 32. */
        IRTemp a32 = ir_temp_new(f), b32 = ir_temp_new(f), w = ir_temp_new(f);
        ir_unop(f, IR_EXT32U, IR_I64, a32, a);
        ir_unop(f, IR_EXT32U, IR_I64, b32, b);
        ir_add(f, IR_I64, t, a32, b32);
        ir_add(f, IR_I64, t, t, cin);
        ir_extract(f, IR_I64, cpu_CF, t, 32, 1);
        ir_unop(f, IR_EXT32U, IR_I64, res, t);
        ir_xor(f, IR_I64, v, res, a32);
        ir_xor(f, IR_I64, w, a32, b32);
        ir_binop(f, IR_ANDC, IR_I64, v, v, w);
    }
    gen_store_nzv(s, sf, d, res, v);
}

void gen_add_flags(DisasContext *s, int sf, IRTemp d, IRTemp a, IRTemp b, bool with_carry)
{
    IRFunc *f = s->f;
    if (with_carry) {
        IRTemp cin = ir_temp_new(f);
        ir_mov(f, IR_I64, cin, cpu_CF);
        gen_adc_flags(s, sf, d, a, b, cin);
        return;
    }
    IRType ty = sf ? IR_I64 : IR_I32;
    IRTemp res = ir_temp_new(f), t = ir_temp_new(f), v = ir_temp_new(f);
    ir_add(f, ty, res, a, b);
    ir_setcond(f, ty, IR_COND_LTU, cpu_CF, res, a);
    ir_xor(f, ty, v, res, a);
    ir_xor(f, ty, t, a, b);
    ir_binop(f, IR_ANDC, ty, v, v, t);
    gen_store_nzv(s, sf, d, res, v);
}

void gen_sub_flags(DisasContext *s, int sf, IRTemp d, IRTemp a, IRTemp b, bool with_carry)
{
    IRFunc *f = s->f;
    IRType ty = sf ? IR_I64 : IR_I32;
    if (with_carry) {
        /* SBCS: a + ~b + C */
        IRTemp nb = ir_temp_new(f), cin = ir_temp_new(f);
        ir_unop(f, IR_NOT, ty, nb, b);
        ir_mov(f, IR_I64, cin, cpu_CF);
        gen_adc_flags(s, sf, d, a, nb, cin);
        return;
    }
    IRTemp res = ir_temp_new(f), t = ir_temp_new(f), v = ir_temp_new(f);
    ir_sub(f, ty, res, a, b);
    ir_setcond(f, ty, IR_COND_GEU, cpu_CF, a, b);
    /* V = (res ^ a) & (a ^ b) */
    ir_xor(f, ty, v, res, a);
    ir_xor(f, ty, t, a, b);
    ir_and(f, ty, v, v, t);
    gen_store_nzv(s, sf, d, res, v);
}

void gen_set_nzcv_imm(DisasContext *s, unsigned nzcv)
{
    IRFunc *f = s->f;
    ir_movi(f, IR_I64, cpu_NF, (nzcv & 8) ? ~0ull : 0);
    ir_movi(f, IR_I64, cpu_ZF, (nzcv & 4) ? 0 : 1);
    ir_movi(f, IR_I64, cpu_CF, (nzcv >> 1) & 1);
    ir_movi(f, IR_I64, cpu_VF, (nzcv & 1) ? (1ull << 63) : 0);
}

IRTemp gen_read_nzcv(DisasContext *s)
{
    IRFunc *f = s->f;
    IRTemp r = ir_temp_new(f), t = ir_temp_new(f);
    ir_binopi(f, IR_SHR, IR_I64, r, cpu_NF, 63);
    ir_binopi(f, IR_SHL, IR_I64, r, r, 31);
    ir_setcond(f, IR_I64, IR_COND_EQ, t, cpu_ZF, ir_const(f, 0));
    ir_binopi(f, IR_SHL, IR_I64, t, t, 30);
    ir_or(f, IR_I64, r, r, t);
    ir_binopi(f, IR_SHL, IR_I64, t, cpu_CF, 29);
    ir_or(f, IR_I64, r, r, t);
    ir_binopi(f, IR_SHR, IR_I64, t, cpu_VF, 63);
    ir_binopi(f, IR_SHL, IR_I64, t, t, 28);
    ir_or(f, IR_I64, r, r, t);
    return r;
}

void gen_write_nzcv(DisasContext *s, IRTemp v)
{
    IRFunc *f = s->f;
    ir_binopi(f, IR_SHL, IR_I64, cpu_NF, v, 32);
    ir_binopi(f, IR_AND, IR_I64, cpu_ZF, v, 1u << 30);
    ir_binopi(f, IR_XOR, IR_I64, cpu_ZF, cpu_ZF, 1u << 30);
    ir_extract(f, IR_I64, cpu_CF, v, 29, 1);
    ir_binopi(f, IR_SHL, IR_I64, cpu_VF, v, 35);
}

void arm_test_cc(DisasContext *s, int cc, ARMCompare *cmp)
{
    IRFunc *f = s->f;
    IRTemp zero = ir_const(f, 0);
    IRTemp t;
    bool inv = cc & 1;
    cmp->b = zero;
    switch (cc >> 1) {
    case 0: /* EQ: Z */
        cmp->cond = IR_COND_EQ;
        cmp->a = cpu_ZF;
        break;
    case 1: /* CS: C */
        cmp->cond = IR_COND_NE;
        cmp->a = cpu_CF;
        break;
    case 2: /* MI: N */
        cmp->cond = IR_COND_LT;
        cmp->a = cpu_NF;
        break;
    case 3: /* VS: V */
        cmp->cond = IR_COND_LT;
        cmp->a = cpu_VF;
        break;
    case 4: /* HI: C && !Z */
        t = ir_temp_new(f);
        ir_negsetcond(f, IR_I64, IR_COND_NE, t, cpu_ZF, zero);
        ir_and(f, IR_I64, t, t, cpu_CF);
        cmp->cond = IR_COND_NE;
        cmp->a = t;
        break;
    case 5: /* GE: N == V */
        t = ir_temp_new(f);
        ir_xor(f, IR_I64, t, cpu_NF, cpu_VF);
        cmp->cond = IR_COND_GE;
        cmp->a = t;
        break;
    case 6: /* GT: !Z && N == V */
        t = ir_temp_new(f);
        {
            IRTemp nz = ir_temp_new(f);
            ir_negsetcond(f, IR_I64, IR_COND_NE, nz, cpu_ZF, zero);
            ir_xor(f, IR_I64, t, cpu_NF, cpu_VF);
            ir_binop(f, IR_ANDC, IR_I64, t, nz, t); /* sign set iff !Z and N == V */
        }
        cmp->cond = IR_COND_LT;
        cmp->a = t;
        break;
    default: /* AL, NV */
        cmp->cond = IR_COND_ALWAYS;
        cmp->a = zero;
        inv = false;
        break;
    }
    if (inv) {
        cmp->cond = ir_cond_invert(cmp->cond);
    }
}

/* ---- control flow ---- */

void gen_sync_pc(DisasContext *s) { ir_movi(s->f, IR_I64, cpu_pc, s->pc); }

void gen_goto_tb(DisasContext *s, int slot, uint64_t dest)
{
    /* Direct chaining only within the TB's page: an MMU change then never needs unchaining. */
    if ((dest & TARGET_PAGE_MASK) == (s->tb->pc & TARGET_PAGE_MASK) &&
        !(s->tb->cflags & (CF_SINGLE_STEP | CF_NO_CHAIN))) {
        gen_goto_tb_slot(s->f, slot, cpu_pc, dest);
        s->is_jmp = DISAS_NORETURN;
        return;
    }
    ir_movi(s->f, IR_I64, cpu_pc, dest);
    if (s->tb->cflags & CF_SINGLE_STEP) {
        ir_exit_tb(s->f, 0);
    } else {
        gen_lookup_and_goto_ptr(s->f, cpu_pc);
    }
    s->is_jmp = DISAS_NORETURN;
}

/*
 * Superblocks: QEMU ends a block at every branch; following an unconditional direct branch
 * that stays on the TB's page instead keeps the guest registers in host registers across it
 * and saves the block exit, the chained jump and the next block's entry checks (hot loops
 * whose bodies end in B back to a dispatch point). Only the TB's own page may be joined, so
 * the TB still depends on one page's translation and one page's code (its covered range is
 * [lowest run start, highest run end), tb->size_before/size). A target already translated in
 * this TB is not joined again, which also bounds loops.
 */
bool gen_follow_branch(DisasContext *s, uint64_t dest)
{
    if ((s->tb->cflags & (CF_SINGLE_STEP | CF_NO_CHAIN)) ||
        (dest & TARGET_PAGE_MASK) != (s->tb->pc & TARGET_PAGE_MASK) ||
        s->nb_runs + 1 >= ARM_TB_MAX_RUNS || s->insn_idx + 1 >= s->max_insns) {
        return false;
    }
    if (dest >= s->run_start && dest < s->pc_next) {
        return false;
    }
    for (int i = 0; i < s->nb_runs; i++) {
        if (dest >= s->runs[i].lo && dest < s->runs[i].hi) {
            return false;
        }
    }
    s->runs[s->nb_runs].lo = s->run_start;
    s->runs[s->nb_runs].hi = s->pc_next;
    s->nb_runs++;
    s->run_start = dest;
    s->pc_next = dest;
    return true;
}

void gen_goto_ptr(DisasContext *s, IRTemp dest)
{
    ir_mov(s->f, IR_I64, cpu_pc, dest);
    if (s->tb->cflags & CF_SINGLE_STEP) {
        ir_exit_tb(s->f, 0);
    } else {
        gen_lookup_and_goto_ptr(s->f, cpu_pc);
    }
    s->is_jmp = DISAS_NORETURN;
}

void gen_exception_insn(DisasContext *s, uint32_t syndrome)
{
    IRTemp args[2] = {s->f->env, ir_const(s->f, syndrome)};
    gen_sync_pc(s);
    ir_call(s->f, helper_exception_idx, IR_TEMP_NONE, args, 2);
    ir_exit_tb(s->f, 0);
    s->is_jmp = DISAS_NORETURN;
}

void gen_exception_insn_next(DisasContext *s, uint32_t syndrome)
{
    IRTemp args[2] = {s->f->env, ir_const(s->f, syndrome)};
    gen_sync_pc(s);
    ir_call(s->f, helper_exception_next_idx, IR_TEMP_NONE, args, 2);
    ir_exit_tb(s->f, 0);
    s->is_jmp = DISAS_NORETURN;
}

void gen_unallocated(DisasContext *s)
{
    gen_exception_insn(s, syn_uncategorized());
}

/* -d unimp: each encoding is logged once per run (a set shared by all translating threads). */
void gen_unimplemented(DisasContext *s, const char *what)
{
    static GMutex lock;
    static GHashTable *seen;
    if (log_enabled(LOG_UNIMP)) {
        g_mutex_lock(&lock);
        if (!seen) {
            seen = g_hash_table_new(g_direct_hash, g_direct_equal);
        }
        bool first = g_hash_table_add(seen, GUINT_TO_POINTER(s->insn));
        g_mutex_unlock(&lock);
        if (first) {
            char text[128];
            disas_one(text, sizeof(text), arm_arch_ops.cs_arch, arm_arch_ops.cs_mode, &s->insn,
                      4, s->pc);
            tlog("unallocated or unimplemented %s at pc 0x%016" PRIx64 ": 0x%08x (%s): UNDEF\n",
                 what ? what : "instruction", s->pc, s->insn, text);
        }
    }
    gen_unallocated(s);
}

/* ---- Advanced SIMD and FP registers ---- */

IRTemp read_vec_element(DisasContext *s, int reg, int idx, MemOp mop)
{
    static const IROpcode ld_u[4] = {IR_LD8U, IR_LD16U, IR_LD32U, IR_LD64};
    static const IROpcode ld_s[4] = {IR_LD8S, IR_LD16S, IR_LD32S, IR_LD64};
    unsigned size = mop & MO_SIZE;
    IRTemp t = ir_temp_new(s->f);
    ir_ld(s->f, (mop & MO_SIGN) ? ld_s[size] : ld_u[size], t, s->f->env,
          VREG_OFFSET(reg, idx << size));
    return t;
}

void write_vec_element(DisasContext *s, IRTemp val, int reg, int idx, MemOp mop)
{
    static const IROpcode st[4] = {IR_ST8, IR_ST16, IR_ST32, IR_ST64};
    unsigned size = mop & MO_SIZE;
    ir_st(s->f, st[size], val, s->f->env, VREG_OFFSET(reg, idx << size));
}

void clear_vec_high(DisasContext *s, int reg)
{
    ir_st(s->f, IR_ST64, ir_const(s->f, 0), s->f->env, VREG_OFFSET(reg, 8));
}

void write_fp_scalar(DisasContext *s, int reg, IRTemp val, MemOp mop)
{
    IRTemp t = val;
    unsigned size = mop & MO_SIZE;
    if (size < MO_64) {
        static const IROpcode ext[3] = {IR_EXT8U, IR_EXT16U, IR_EXT32U};
        t = ir_temp_new(s->f);
        ir_unop(s->f, ext[size], IR_I64, t, val);
    }
    ir_st(s->f, IR_ST64, t, s->f->env, VREG_OFFSET(reg, 0));
    clear_vec_high(s, reg);
}

IRTemp gen_vreg_ptr(DisasContext *s, int reg)
{
    IRTemp t = ir_temp_new(s->f);
    ir_binopi(s->f, IR_ADD, IR_I64, t, s->f->env, (uint64_t)VREG_OFFSET(reg, 0));
    return t;
}

bool fp_access_check(DisasContext *s)
{
    if (s->fp_checked) {
        return true;
    }
    if (s->tbflags & ARM_TBFLAG_FPTRAP) {
        gen_exception_insn(s, syn_fp_access_trap());
        return false;
    }
    s->fp_checked = true;
    return true;
}

IRTemp gen_addr_base_offset(DisasContext *s, int rn, int64_t offset)
{
    IRTemp t = ir_temp_new(s->f);
    ir_binopi(s->f, IR_ADD, IR_I64, t, cpu_X[rn], (uint64_t)offset);
    return t;
}

/* ---- the TB loop ---- */

static bool disas_a64_insn(DisasContext *s, uint32_t insn)
{
    switch ((insn >> 25) & 0xf) {
    case 0x8: case 0x9:
        return disas_a64_dp_imm(s, insn);
    case 0xa: case 0xb:
        return disas_a64_branch_sys(s, insn);
    case 0x4: case 0x6: case 0xc: case 0xe:
        return disas_a64_ldst(s, insn);
    case 0x5: case 0xd:
        return disas_a64_dp_reg(s, insn);
    case 0x7: case 0xf:
        return disas_a64_simd_fp(s, insn);
    default: /* 0000 reserved, 0001 unallocated, 0010 SVE, 0011 unallocated */
        return false;
    }
}

/*
 * SCTLR_EL1.A = 1: every unaligned data access takes an alignment fault (ARM ARM B2.5.2).
 * Rather than every decoder asking, the finished TB's guest memory ops all get MO_ALIGN
 * (element-size alignment).
 */
static void arm_translate_force_align(IRFunc *f)
{
    for (uint32_t i = 0; i < f->nb_ops; i++) {
        IROp *op = &f->ops[i];
        if (op->opc == IR_QEMU_LD || op->opc == IR_QEMU_ST || op->opc == IR_ATOMIC_CMPXCHG) {
            op->args[op->nb_o + op->nb_i] |= MO_ALIGN;
        }
    }
}

int arm_translate(CPUState *cpu, TranslationBlock *tb, IRFunc *f, int max_insns)
{
    ARMCPU *acpu = arm_cpu(cpu);
    DisasContext s = {
        .f = f,
        .cpu = cpu,
        .acpu = acpu,
        .tb = tb,
        .pc = tb->pc,
        .el = (int)(tb->flags & ARM_TBFLAG_EL_MASK),
        .tbflags = tb->flags,
        .is_jmp = DISAS_NEXT,
        .max_insns = max_insns,
        .run_start = tb->pc,
    };
    /* -d in_asm text is collected per TB and written in one piece, so no log lock is held
     * while translating (a fetch fault leaves through cpu_loop_exit). */
    static __thread GString *in_asm;
    bool log = log_enabled(LOG_IN_ASM);
    if (log) {
        in_asm = in_asm ? g_string_truncate(in_asm, 0) : g_string_new(NULL);
        g_string_append(in_asm, "IN: \n");
    }
    s.mmu_idx = s.el == 0 ? ARM_MMU_IDX_EL0
                : (tb->flags & ARM_TBFLAG_PAN) ? ARM_MMU_IDX_EL1_PAN : ARM_MMU_IDX_EL1;
    /* Instruction fetches are never PAN-restricted (PAN applies to data accesses only). */
    int fetch_idx = s.el == 0 ? ARM_MMU_IDX_EL0 : ARM_MMU_IDX_EL1;
    if (tb->pc & 3) {
        /* A misaligned pc (from a branch to a register or ERET) faults when fetched (D1.8.1):
         * PC alignment fault, FAR = the pc. */
        CPUARMState *env = &acpu->env;
        arm_take_exception(env, ARM_EXCP_SYNC, syn_pc_alignment(), tb->pc, true, tb->pc);
        cpu_loop_exit(cpu);
    }
    int n = 0;
    for (;;) {
        uint64_t paddr;
        uint32_t insn = cpu_ldl_code(cpu, s.pc, fetch_idx, &paddr);
        if (n == 0) {
            tb->phys_pc = paddr;
        }
        ir_insn_start(f, s.pc, (unsigned)n);
        s.insn = insn;
        s.insn_idx = n;
        s.pc_next = s.pc + 4;
        s.fp_checked = false;
        if (log) {
            char text[128];
            disas_one(text, sizeof(text), arm_arch_ops.cs_arch, arm_arch_ops.cs_mode, &insn, 4,
                      s.pc);
            g_string_append_printf(in_asm, "0x%016" PRIx64 ":  %08x      %s\n", s.pc, insn, text);
        }
        if (tb->flags & ARM_TBFLAG_IL) {
            /* PSTATE.IL: every instruction raises Illegal Execution State (ARM ARM D1.4). */
            gen_exception_insn(&s, syn_illegal_state());
        } else if (!disas_a64_insn(&s, insn)) {
            gen_unimplemented(&s, NULL);
        }
        n++;
        s.pc = s.pc_next;
        if (s.is_jmp != DISAS_NEXT) {
            break;
        }
        /* A64 instructions never cross a page; stop at the page end so a TB covers one page. */
        if (n >= max_insns || (s.pc & ~TARGET_PAGE_MASK) == 0) {
            s.is_jmp = DISAS_TOO_MANY;
            break;
        }
    }
    switch (s.is_jmp) {
    case DISAS_TOO_MANY:
        gen_goto_tb(&s, 0, s.pc);
        break;
    case DISAS_UPDATE:
        ir_movi(f, IR_I64, cpu_pc, s.pc);
        ir_exit_tb(f, 0);
        break;
    default:
        break;
    }
    if (tb->flags & ARM_TBFLAG_ALIGN) {
        arm_translate_force_align(f);
    }
    if (log) {
        tlog("%s\n", in_asm->str);
    }
    /* The covered range spans every run (runs may lie before pc: a backward branch). */
    uint64_t lo = MIN(s.run_start, tb->pc), hi = s.pc;
    for (int i = 0; i < s.nb_runs; i++) {
        lo = MIN(lo, s.runs[i].lo);
        hi = MAX(hi, s.runs[i].hi);
    }
    tb->size_before = (uint16_t)(tb->pc - lo);
    tb->size = (uint32_t)(hi - tb->pc);
    tb->icount = (uint16_t)n;
    return n;
}
