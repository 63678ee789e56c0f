/*
 * translate.c — the x86 translation loop: fetch and decode each instruction (decode.c),
 * dispatch it to the translator of its group (translate-*.c), and end the TB; plus what every
 * group shares: register and memory operands, effective addresses with segment bases, the
 * stack, lazy condition codes, branches and exceptions.
 *
 * A TB covers instructions of one mode (its hflags) and one CS base. It ends at a branch, at a
 * state change (X86F_END_TB), at the length cap, or before an instruction that might cross
 * into the next page: only a TB's first instruction may span two pages, so a fetch fault
 * always belongs to the instruction the TB starts with (env->rip is then exact).
 * Runs on the translating vCPU thread; the globals and helper indices are written once by
 * x86_translate_init() before any vCPU starts.
 */
#include "target-x86/translate.h"

#include <capstone/capstone.h>
#include <glib.h>
#include <inttypes.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/softmmu.h"
#include "system/disas.h"
#include "system/log.h"
#include "target-x86/cc-helper.h"
#include "target-x86/excp-helper.h"

IRTemp cpu_regs[16];
IRTemp cpu_rip, cpu_cc_dst, cpu_cc_src, cpu_cc_src2, cpu_cc_op;

static int helper_raise_exception_idx, helper_raise_exception_err_idx;
static int helper_cc_compute_all_idx, helper_cc_compute_c_idx, helper_cc_test_idx;
static int helper_single_step_idx;

#define X86_DR6_BS (1u << 14) /* DR6.BS: single-step (SDM vol. 3A 17.2.3) */

/* The single-step trap (SDM vol. 3A 17.3.1.4): after an instruction that began with TF = 1,
 * #DB as a trap with DR6.BS set; env->rip already holds the next instruction. An instruction
 * that opened the interrupt shadow (MOV SS, POP SS; STI too here) defers it: the next
 * instruction is stepped as well, so its trap is the one delivered (SDM 6.8.3). */
static void helper_single_step(CPUX86State *env)
{
    if (env->hflags & HF_INHIBIT_IRQ) {
        return;
    }
    env->dr[6] |= X86_DR6_BS;
    x86_raise_exception(env, 1);
}

/* ---- helpers ---- */

int x86_helper_register(const char *name, void *fn, IRArgType ret, int nargs,
                        const IRArgType *args, uint32_t flags)
{
    IRHelper h = {.name = name, .fn = fn, .ret = ret, .nargs = (uint8_t)nargs, .flags = flags};
    for (int i = 0; i < nargs; i++) {
        h.args[i] = args[i];
    }
    return ir_helper_register(&h);
}

IRTemp gen_helper(DisasContext *s, int idx, int nargs, const IRTemp *args)
{
    const IRHelper *h = ir_helper_get(idx);
    IRTemp all[IR_HELPER_MAX_ARGS];
    g_assert(nargs + 1 <= IR_HELPER_MAX_ARGS);
    all[0] = s->f->env;
    for (int i = 0; i < nargs; i++) {
        all[i + 1] = args[i];
    }
    if (h->flags & IR_CALL_MAY_RAISE) {
        gen_sync_rip(s);
    }
    IRTemp ret = h->ret == IR_ARG_VOID ? IR_TEMP_NONE : ir_temp_new(s->f);
    ir_call(s->f, idx, ret, all, nargs + 1);
    return ret;
}

IRTemp gen_env_ptr(DisasContext *s, int32_t offset)
{
    IRTemp t = ir_temp_new(s->f);
    ir_binopi(s->f, IR_ADD, IR_I64, t, s->f->env, (uint64_t)(int64_t)offset);
    return t;
}

static uint32_t helper_cc_compute_all(uint64_t op, uint64_t dst, uint64_t src, uint64_t src2)
{
    return x86_cc_compute_all((uint32_t)op, dst, src, src2);
}

static uint32_t helper_cc_compute_c(uint64_t op, uint64_t dst, uint64_t src, uint64_t src2)
{
    return x86_cc_compute_c((uint32_t)op, dst, src, src2);
}

static uint32_t helper_cc_test(uint32_t cond, uint64_t op, uint64_t dst, uint64_t src,
                               uint64_t src2)
{
    return x86_cc_test(cond, (uint32_t)op, dst, src, src2);
}

#define ENV_OFF(field) X86_ENV_OFF(field)

void x86_translate_init(void)
{
    static const char *const names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp",
                                          "rsi", "rdi", "r8",  "r9",  "r10", "r11",
                                          "r12", "r13", "r14", "r15"};
    static bool done;
    if (done) {
        return;
    }
    done = true;
    for (int i = 0; i < 16; i++) {
        cpu_regs[i] = ir_global_register(ENV_OFF(regs[i]), names[i]);
    }
    cpu_rip = ir_global_register(ENV_OFF(rip), "rip");
    cpu_cc_dst = ir_global_register(ENV_OFF(cc_dst), "cc_dst");
    cpu_cc_src = ir_global_register(ENV_OFF(cc_src), "cc_src");
    cpu_cc_src2 = ir_global_register(ENV_OFF(cc_src2), "cc_src2");
    cpu_cc_op = ir_global_register(ENV_OFF(cc_op), "cc_op");
    ir_set_env_layout(ENV_OFF(rip), CPU_ENV_FIELD_OFFSET(exit_request), CPU_ENV_FIELD_OFFSET(tlb));
    ir_set_insn_count_offset(CPU_ENV_FIELD_OFFSET(insn_count));

    static const IRArgType a1[] = {IR_ARG_PTR, IR_ARG_I32};
    static const IRArgType a2[] = {IR_ARG_PTR, IR_ARG_I32, IR_ARG_I32};
    helper_raise_exception_idx =
        x86_helper_register("raise_exception", (void *)helper_raise_exception, IR_ARG_VOID, 2,
                            a1, IR_CALL_MAY_RAISE);
    helper_raise_exception_err_idx =
        x86_helper_register("raise_exception_err", (void *)helper_raise_exception_err,
                            IR_ARG_VOID, 3, a2, IR_CALL_MAY_RAISE);
    static const IRArgType a0[] = {IR_ARG_PTR};
    helper_single_step_idx = x86_helper_register("single_step", (void *)helper_single_step,
                                                 IR_ARG_VOID, 1, a0, IR_CALL_MAY_RAISE);
    static const IRArgType cc4[] = {IR_ARG_I64, IR_ARG_I64, IR_ARG_I64, IR_ARG_I64};
    static const IRArgType cc5[] = {IR_ARG_I32, IR_ARG_I64, IR_ARG_I64, IR_ARG_I64, IR_ARG_I64};
    helper_cc_compute_all_idx = x86_helper_register(
        "cc_compute_all", (void *)helper_cc_compute_all, IR_ARG_I32, 4, cc4, IR_CALL_PURE);
    helper_cc_compute_c_idx = x86_helper_register("cc_compute_c", (void *)helper_cc_compute_c,
                                                  IR_ARG_I32, 4, cc4, IR_CALL_PURE);
    helper_cc_test_idx = x86_helper_register("cc_test", (void *)helper_cc_test, IR_ARG_I32, 5,
                                             cc5, IR_CALL_PURE);
    x86_tr_int_init();
    x86_tr_mov_init();
    x86_tr_sys_init();
    x86_tr_x87_init();
    x86_tr_sse_init();
}

/* ---- registers ---- */

IRTemp gen_reg_read(DisasContext *s, int ot, int reg)
{
    static const IROpcode ext[3] = {IR_EXT8U, IR_EXT16U, IR_EXT32U};
    IRTemp t = ir_temp_new(s->f);
    if (ot == 0 && reg >= 16) {
        ir_extract(s->f, IR_I64, t, cpu_regs[reg - 16], 8, 8);
    } else if (ot == 3) {
        ir_mov(s->f, IR_I64, t, cpu_regs[reg]);
    } else {
        ir_unop(s->f, ext[ot], IR_I64, t, cpu_regs[reg]);
    }
    return t;
}

void gen_reg_write(DisasContext *s, int ot, int reg, IRTemp val)
{
    IRFunc *f = s->f;
    switch (ot) {
    case 0:
        if (reg >= 16) {
            ir_deposit(f, IR_I64, cpu_regs[reg - 16], cpu_regs[reg - 16], val, 8, 8);
        } else {
            ir_deposit(f, IR_I64, cpu_regs[reg], cpu_regs[reg], val, 0, 8);
        }
        break;
    case 1:
        ir_deposit(f, IR_I64, cpu_regs[reg], cpu_regs[reg], val, 0, 16);
        break;
    case 2:
        ir_unop(f, IR_EXT32U, IR_I64, cpu_regs[reg], val);
        break;
    default:
        ir_mov(f, IR_I64, cpu_regs[reg], val);
        break;
    }
}

/* ---- addresses ---- */

static void gen_mask_addr(DisasContext *s, IRTemp t, int addrsize)
{
    if (addrsize == 16) {
        ir_unop(s->f, IR_EXT16U, IR_I64, t, t);
    } else if (addrsize == 32) {
        ir_unop(s->f, IR_EXT32U, IR_I64, t, t);
    }
}

IRTemp gen_ea_offset(DisasContext *s)
{
    IRFunc *f = s->f;
    const X86Insn *insn = s->insn;
    const X86EffAddr *ea = &insn->ea;
    IRTemp t = ir_temp_new(f);
    if (ea->base == X86_EA_RIP) {
        /* RIP-relative (64-bit mode only): the next instruction's rip + disp. */
        ir_movi(f, IR_I64, t, s_eip_next(s) + (uint64_t)(int64_t)ea->disp);
    } else {
        ir_movi(f, IR_I64, t, (uint64_t)(int64_t)ea->disp);
        if (ea->base != X86_EA_NONE) {
            ir_add(f, IR_I64, t, t, cpu_regs[ea->base]);
        }
    }
    if (ea->index != X86_EA_NONE) {
        IRTemp i = ir_temp_new(f);
        ir_binopi(f, IR_SHL, IR_I64, i, cpu_regs[ea->index], ea->scale);
        ir_add(f, IR_I64, t, t, i);
    }
    gen_mask_addr(s, t, insn->addrsize);
    return t;
}

IRTemp gen_seg_linear(DisasContext *s, int seg, IRTemp offset)
{
    IRFunc *f = s->f;
    bool need_base;
    if (s->code64) {
        need_base = seg == R_FS || seg == R_GS;
    } else if (seg == R_CS) {
        need_base = s->cs_base != 0;
    } else {
        need_base = seg == R_FS || seg == R_GS || (s->flags & HF_ADDSEG);
    }
    if (!need_base) {
        return offset;
    }
    IRTemp t = ir_temp_new(f);
    if (seg == R_CS) {
        ir_binopi(f, IR_ADD, IR_I64, t, offset, s->cs_base);
    } else {
        IRTemp b = ir_temp_new(f);
        ir_ld(f, IR_LD64, b, f->env, ENV_OFF(segs[seg].base));
        ir_add(f, IR_I64, t, offset, b);
    }
    if (!s->code64) {
        ir_unop(f, IR_EXT32U, IR_I64, t, t); /* linear addresses wrap at 4 GiB */
    }
    return t;
}

IRTemp gen_lea_modrm(DisasContext *s)
{
    IRTemp off = gen_ea_offset(s);
    return gen_seg_linear(s, s->insn->ea.seg, off);
}

IRTemp gen_ld(DisasContext *s, int ot, IRTemp addr)
{
    IRTemp t = ir_temp_new(s->f);
    ir_qemu_ld(s->f, t, addr, (MemOp)ot, s->mmu_idx);
    return t;
}

void gen_st(DisasContext *s, int ot, IRTemp addr, IRTemp val)
{
    ir_qemu_st(s->f, val, addr, (MemOp)ot, s->mmu_idx);
}

IRTemp gen_cmpxchg_mem(DisasContext *s, int ot, IRTemp addr, IRTemp cmp, IRTemp newv)
{
    /* Misaligned operands too (x86 split locks, SDM vol. 3A 9.1.2.2): helper_atomic_cmpxchg
     * keeps them atomic against the other vCPUs (a host lock cmpxchg inside a host cache line,
     * an exclusive section across lines and pages). The access is a write for faults even when
     * the comparison fails (a locked RMW always writes). */
    IRFunc *f = s->f;
    IRTemp old = ir_temp_new_local(f), t = ir_temp_new(f);
    ir_atomic_cmpxchg(f, t, addr, cmp, newv, (MemOp)ot, s->mmu_idx);
    ir_mov(f, IR_I64, old, t);
    return old;
}

IRTemp gen_rm_read(DisasContext *s, int ot, IRTemp *addr)
{
    const X86Insn *insn = s->insn;
    if (!insn->mem) {
        if (addr) {
            *addr = IR_TEMP_NONE;
        }
        return gen_reg_read(s, ot, ot == 0 ? insn_byte_reg(insn, insn->rm) : insn->rm);
    }
    IRTemp a = gen_lea_modrm(s);
    if (addr) {
        *addr = a;
    }
    return gen_ld(s, ot, a);
}

void gen_rm_write(DisasContext *s, int ot, IRTemp addr, IRTemp val)
{
    const X86Insn *insn = s->insn;
    if (!insn->mem) {
        gen_reg_write(s, ot, ot == 0 ? insn_byte_reg(insn, insn->rm) : insn->rm, val);
        return;
    }
    if (addr == IR_TEMP_NONE) {
        addr = gen_lea_modrm(s);
    }
    gen_st(s, ot, addr, val);
}

/* ---- stack ---- */

int gen_stack_ot(DisasContext *s)
{
    if (s->code64) {
        return s->insn->opsize == 16 ? 1 : 3;
    }
    return insn_ot(s->insn);
}

IRTemp gen_stack_addr(DisasContext *s, IRTemp sp)
{
    IRTemp off = ir_temp_new(s->f);
    ir_mov(s->f, IR_I64, off, sp);
    gen_mask_addr(s, off, s->code64 ? 64 : s->ss32 ? 32 : 16);
    return gen_seg_linear(s, R_SS, off);
}

void gen_sp_write(DisasContext *s, IRTemp sp)
{
    gen_reg_write(s, s->code64 ? 3 : s->ss32 ? 2 : 1, R_ESP, sp);
}

void gen_string_step(DisasContext *s, int reg, int ot)
{
    IRFunc *f = s->f;
    IRTemp df = ir_temp_new(f), t = ir_temp_new(f);
    ir_ld(f, IR_LD32S, df, f->env, ENV_OFF(df));
    ir_binopi(f, IR_SHL, IR_I64, df, df, ot);
    ir_add(f, IR_I64, t, cpu_regs[reg], df);
    gen_reg_write(s, insn_aot(s->insn), reg, t);
}

void gen_push(DisasContext *s, int ot, IRTemp val)
{
    IRTemp sp = ir_temp_new(s->f);
    ir_binopi(s->f, IR_SUB, IR_I64, sp, cpu_regs[R_ESP], 1u << ot);
    gen_st(s, ot, gen_stack_addr(s, sp), val);
    gen_sp_write(s, sp);
}

IRTemp gen_pop(DisasContext *s, int ot)
{
    return gen_ld(s, ot, gen_stack_addr(s, cpu_regs[R_ESP]));
}

void gen_pop_commit(DisasContext *s, int ot)
{
    IRTemp sp = ir_temp_new(s->f);
    ir_binopi(s->f, IR_ADD, IR_I64, sp, cpu_regs[R_ESP], 1u << ot);
    gen_sp_write(s, sp);
}

/* ---- lazy flags ---- */

void gen_set_cc_op(DisasContext *s, int op)
{
    if (s->cc_op != op) {
        ir_movi(s->f, IR_I64, cpu_cc_op, (uint64_t)op);
        s->cc_op = op;
    }
}

void gen_compute_eflags(DisasContext *s)
{
    if (s->cc_op == CC_OP_EFLAGS) {
        return;
    }
    IRTemp args[4] = {cpu_cc_op, cpu_cc_dst, cpu_cc_src, cpu_cc_src2};
    IRTemp r = ir_temp_new(s->f);
    ir_call(s->f, helper_cc_compute_all_idx, r, args, 4);
    ir_mov(s->f, IR_I64, cpu_cc_src, r);
    gen_set_cc_op(s, CC_OP_EFLAGS);
}

/* Family base and size of a known sized cc_op, or -1. */
static int cc_family(int op, int *ot)
{
    if (op < CC_OP_ADDB || op >= CC_OP_POPCNT) {
        return -1;
    }
    *ot = (op - CC_OP_ADDB) & 3;
    return op - *ot;
}

IRTemp gen_ext(DisasContext *s, IRTemp v, int ot, bool sign)
{
    static const IROpcode u[3] = {IR_EXT8U, IR_EXT16U, IR_EXT32U};
    static const IROpcode sg[3] = {IR_EXT8S, IR_EXT16S, IR_EXT32S};
    if (ot == 3) {
        return v;
    }
    IRTemp t = ir_temp_new(s->f);
    ir_unop(s->f, sign ? sg[ot] : u[ot], IR_I64, t, v);
    return t;
}

IRTemp gen_compute_cf(DisasContext *s)
{
    IRFunc *f = s->f;
    IRTemp t = ir_temp_new(f);
    int ot, fam = cc_family(s->cc_op, &ot);
    if (fam == CC_OP_SUBB) {
        IRTemp a = ir_temp_new(f);
        ir_add(f, IR_I64, a, cpu_cc_dst, cpu_cc_src);
        ir_setcond(f, IR_I64, IR_COND_LTU, t, gen_ext(s, a, ot, false),
                   gen_ext(s, cpu_cc_src, ot, false));
        return t;
    }
    if (fam == CC_OP_ADDB) {
        ir_setcond(f, IR_I64, IR_COND_LTU, t, gen_ext(s, cpu_cc_dst, ot, false),
                   gen_ext(s, cpu_cc_src, ot, false));
        return t;
    }
    if (fam == CC_OP_LOGICB || s->cc_op == CC_OP_CLR) {
        ir_movi(f, IR_I64, t, 0);
        return t;
    }
    if (s->cc_op == CC_OP_EFLAGS) {
        ir_binopi(f, IR_AND, IR_I64, t, cpu_cc_src, CC_C);
        return t;
    }
    IRTemp args[4] = {cpu_cc_op, cpu_cc_dst, cpu_cc_src, cpu_cc_src2};
    ir_call(f, helper_cc_compute_c_idx, t, args, 4);
    return t;
}

/* A fast form of condition cc for the known cc_op: *c, *a, *b such that c(a, b) holds iff
 * the condition does. Returns false when only the helper knows. */
static bool gen_cond_fast(DisasContext *s, int cc, IRCond *c, IRTemp *a, IRTemp *b)
{
    IRFunc *f = s->f;
    int ot, fam = cc_family(s->cc_op, &ot);
    bool inv = cc & 1;
    int base = cc & ~1;
    IRTemp zero = ir_const(f, 0);
    if (fam < 0) {
        return false;
    }
    if (fam == CC_OP_SUBB) {
        IRTemp av = ir_temp_new(f);
        ir_add(f, IR_I64, av, cpu_cc_dst, cpu_cc_src);
        switch (base) {
        case X86_COND_B: *c = IR_COND_LTU; break;
        case X86_COND_BE: *c = IR_COND_LEU; break;
        case X86_COND_L: *c = IR_COND_LT; break;
        case X86_COND_LE: *c = IR_COND_LE; break;
        case X86_COND_E: *c = IR_COND_EQ; break;
        default: goto result_based;
        }
        bool sign = base == X86_COND_L || base == X86_COND_LE;
        *a = gen_ext(s, av, ot, sign);
        *b = gen_ext(s, cpu_cc_src, ot, sign);
        if (inv) {
            *c = ir_cond_invert(*c);
        }
        return true;
    }
result_based:
    /* Conditions that depend on the result alone: ZF and SF for every family; with LOGIC
     * (CF = OF = 0) also B, BE, L, LE, O. */
    switch (base) {
    case X86_COND_E:
        *c = IR_COND_EQ;
        *a = gen_ext(s, cpu_cc_dst, ot, false);
        *b = zero;
        break;
    case X86_COND_S:
        *c = IR_COND_LT;
        *a = gen_ext(s, cpu_cc_dst, ot, true);
        *b = zero;
        break;
    case X86_COND_L:
        if (fam != CC_OP_LOGICB) {
            return false;
        }
        *c = IR_COND_LT;
        *a = gen_ext(s, cpu_cc_dst, ot, true);
        *b = zero;
        break;
    case X86_COND_LE:
        if (fam != CC_OP_LOGICB) {
            return false;
        }
        *c = IR_COND_LE;
        *a = gen_ext(s, cpu_cc_dst, ot, true);
        *b = zero;
        break;
    case X86_COND_BE:
        if (fam != CC_OP_LOGICB) {
            return false;
        }
        *c = IR_COND_EQ;
        *a = gen_ext(s, cpu_cc_dst, ot, false);
        *b = zero;
        break;
    case X86_COND_B:
    case X86_COND_O:
        if (fam != CC_OP_LOGICB) {
            return false;
        }
        *c = IR_COND_NEVER;
        *a = zero;
        *b = zero;
        break;
    default:
        return false;
    }
    if (inv) {
        *c = ir_cond_invert(*c);
    }
    return true;
}

IRTemp gen_cond(DisasContext *s, int cc)
{
    IRFunc *f = s->f;
    IRCond c;
    IRTemp a, b;
    IRTemp t = ir_temp_new(f);
    if (gen_cond_fast(s, cc, &c, &a, &b)) {
        ir_setcond(f, IR_I64, c, t, a, b);
        return t;
    }
    IRTemp args[5] = {ir_const(f, (uint64_t)cc), cpu_cc_op, cpu_cc_dst, cpu_cc_src, cpu_cc_src2};
    ir_call(f, helper_cc_test_idx, t, args, 5);
    return t;
}

void gen_brcond_cc(DisasContext *s, int cc, int label)
{
    IRCond c;
    IRTemp a, b;
    if (gen_cond_fast(s, cc, &c, &a, &b)) {
        ir_brcond(s->f, IR_I64, c, a, b, label);
        return;
    }
    IRTemp t = gen_cond(s, cc);
    ir_brcond(s->f, IR_I64, IR_COND_NE, t, ir_const(s->f, 0), label);
}

/* ---- control flow ---- */

void gen_sync_rip(DisasContext *s) { ir_movi(s->f, IR_I64, cpu_rip, s_eip(s)); }

void gen_jmp_eip(DisasContext *s, int slot, uint64_t eip)
{
    uint64_t linear = s->cs_base + eip;
    if (!s->code64) {
        linear = (uint32_t)linear;
    }
    if ((linear & TARGET_PAGE_MASK) == (s->tb->pc & TARGET_PAGE_MASK) &&
        !(s->tb->cflags & (CF_SINGLE_STEP | CF_NO_CHAIN)) && !(s->flags & HF_TF)) {
        gen_goto_tb_slot(s->f, slot, cpu_rip, eip);
        s->is_jmp = X86_DISAS_NORETURN;
        return;
    }
    IRTemp t = ir_temp_new(s->f);
    ir_movi(s->f, IR_I64, t, eip);
    gen_jmp_reg(s, t);
}

void gen_exit_tb(DisasContext *s)
{
    if (s->flags & HF_TF) {
        IRTemp env = s->f->env;
        ir_call(s->f, helper_single_step_idx, IR_TEMP_NONE, &env, 1);
    }
    ir_exit_tb(s->f, 0);
}

void gen_jmp_reg(DisasContext *s, IRTemp eip)
{
    ir_mov(s->f, IR_I64, cpu_rip, eip);
    if ((s->tb->cflags & CF_SINGLE_STEP) || (s->flags & HF_TF)) {
        gen_exit_tb(s);
    } else {
        gen_lookup_and_goto_ptr(s->f, cpu_rip);
    }
    s->is_jmp = X86_DISAS_NORETURN;
}

void gen_end_tb_update(DisasContext *s)
{
    if (s->is_jmp == X86_DISAS_NEXT || s->is_jmp == X86_DISAS_TOO_MANY) {
        s->is_jmp = X86_DISAS_UPDATE;
    }
}

void gen_exception(DisasContext *s, int vector)
{
    IRTemp v = ir_const(s->f, (uint64_t)vector);
    gen_helper(s, helper_raise_exception_idx, 1, &v);
    ir_exit_tb(s->f, 0);
    s->is_jmp = X86_DISAS_NORETURN;
}

void gen_exception_err(DisasContext *s, int vector, uint32_t error_code)
{
    IRTemp args[2] = {ir_const(s->f, (uint64_t)vector), ir_const(s->f, error_code)};
    gen_helper(s, helper_raise_exception_err_idx, 2, args);
    ir_exit_tb(s->f, 0);
    s->is_jmp = X86_DISAS_NORETURN;
}

bool gen_check_cpl0(DisasContext *s)
{
    if (s->cpl != 0) {
        gen_exception_err(s, 13, 0);
        return true;
    }
    return false;
}

static int x86_cs_mode(const DisasContext *s)
{
    return s->code64 ? CS_MODE_64 : s->code32 ? CS_MODE_32 : CS_MODE_16;
}

/* Bytes of the instruction being translated, for logs. */
typedef struct X86FetchState {
    DisasContext *s;
    int mmu_idx;
    uint8_t bytes[16];
    unsigned n;
} X86FetchState;

/* -d unimp: each opcode is logged once per run (a set shared by all translating threads). */
static void log_unimp(DisasContext *s, const X86FetchState *fs, const char *what)
{
    static GMutex lock;
    static GHashTable *seen;
    if (!log_enabled(LOG_UNIMP)) {
        return;
    }
    const X86Insn *insn = s->insn;
    unsigned key = ((unsigned)insn->map << 16) | ((unsigned)insn->opcode << 8) |
                   (insn->has_modrm ? (insn->modrm >> 3) & 7 : 0) | ((unsigned)insn->mandatory << 24);
    g_mutex_lock(&lock);
    if (!seen) {
        seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    bool first = g_hash_table_add(seen, GUINT_TO_POINTER(key + 1));
    g_mutex_unlock(&lock);
    if (first) {
        char text[128];
        disas_one(text, sizeof(text), CS_ARCH_X86, x86_cs_mode(s), fs->bytes, fs->n,
                  s_eip(s));
        tlog("unimplemented %s at %016" PRIx64 " (%s): #UD\n", what ? what : "instruction",
             s->pc, text);
    }
}

void gen_illegal(DisasContext *s, const char *what)
{
    (void)what;
    gen_exception(s, 6);
}

/* ---- the TB loop ---- */

static int x86_fetch_byte(void *opaque, unsigned offset)
{
    X86FetchState *fs = opaque;
    DisasContext *s = fs->s;
    uint64_t a = s->pc + offset;
    if (!s->code64) {
        a = (uint32_t)a;
    }
    uint64_t paddr;
    uint8_t b = cpu_ldub_code(s->cpu, a, fs->mmu_idx, &paddr);
    if (s->tb->phys_pc == (uint64_t)-1) {
        s->tb->phys_pc = paddr;
    }
    if (offset < sizeof(fs->bytes)) {
        fs->bytes[offset] = b;
        if (offset + 1 > fs->n) {
            fs->n = offset + 1;
        }
    }
    return b;
}

static bool x86_dispatch(DisasContext *s, X86Insn *insn)
{
    switch ((X86Group)insn->entry->group) {
    case X86_GROUP_ALU: return x86_tr_alu(s, insn);
    case X86_GROUP_SHIFT: return x86_tr_shift(s, insn);
    case X86_GROUP_MULDIV: return x86_tr_muldiv(s, insn);
    case X86_GROUP_MOV: return x86_tr_mov(s, insn);
    case X86_GROUP_XCHG: return x86_tr_xchg(s, insn);
    case X86_GROUP_STRING: return x86_tr_string(s, insn);
    case X86_GROUP_STACK: return x86_tr_stack(s, insn);
    case X86_GROUP_BRANCH: return x86_tr_branch(s, insn);
    case X86_GROUP_BITOP: return x86_tr_bitop(s, insn);
    case X86_GROUP_BCD: return x86_tr_bcd(s, insn);
    case X86_GROUP_FLAGS: return x86_tr_flags(s, insn);
    case X86_GROUP_MISC: return x86_tr_misc(s, insn);
    case X86_GROUP_INTERRUPT: return x86_tr_interrupt(s, insn);
    case X86_GROUP_IO: return x86_tr_io(s, insn);
    case X86_GROUP_SEG: return x86_tr_seg(s, insn);
    case X86_GROUP_SYSTEM: return x86_tr_system(s, insn);
    case X86_GROUP_X87: return x86_tr_x87(s, insn);
    case X86_GROUP_MMX: return x86_tr_mmx(s, insn);
    case X86_GROUP_SSE: return x86_tr_sse(s, insn);
    default: return false;
    }
}

int x86_translate(CPUState *cpu, TranslationBlock *tb, IRFunc *f, int max_insns)
{
    uint32_t flags = tb->flags;
    DisasContext s = {
        .f = f,
        .cpu = cpu,
        .tb = tb,
        .pc = tb->pc,
        .cs_base = tb->cs_base,
        .flags = flags,
        .cpl = (int)(flags & HF_CPL_MASK),
        .code64 = (flags & HF_CS64) != 0,
        .code32 = (flags & HF_CS32) != 0,
        .ss32 = (flags & HF_SS32) != 0,
        .is_jmp = X86_DISAS_NEXT,
        .cc_op = X86_CC_OP_DYNAMIC,
    };
    if (flags & HF_SMM) {
        s.mmu_idx = X86_MMU_SMM;
    } else if (s.cpl == 3) {
        s.mmu_idx = X86_MMU_USER;
    } else {
        s.mmu_idx = (flags & HF_SMAP_AC) ? X86_MMU_KERNEL_SMAP : X86_MMU_KERNEL;
    }
    X86DecodeMode mode = s.code64 ? X86_MODE_64 : s.code32 ? X86_MODE_32 : X86_MODE_16;
    X86FetchState fs = {.s = &s, .mmu_idx = cpu->arch->fetch_mmu_idx(cpu, flags)};
    static __thread GString *in_asm;
    bool log = log_enabled(LOG_IN_ASM);
    if (log) {
        in_asm = in_asm ? g_string_truncate(in_asm, 0) : g_string_new(NULL);
        g_string_append(in_asm, "IN: \n");
    }
    /* One-instruction TBs: the interrupt shadow (the shadowed instruction runs alone and
     * ends it), single-stepping (TF) and the single-step cflag. */
    if (flags & (HF_INHIBIT_IRQ | HF_TF)) {
        max_insns = 1;
    }
    tb->phys_pc = (uint64_t)-1;
    X86Insn insn;
    s.insn = &insn;
    int n = 0;
    for (;;) {
        fs.n = 0;
        ir_insn_start(f, s_eip(&s), (unsigned)n);
        int st = x86_decode(&insn, mode, x86_fetch_byte, &fs);
        s.pc_next = s.pc + insn.length;
        if (!s.code64) {
            s.pc_next = (uint32_t)s.pc_next;
        }
        if (log) {
            char text[128];
            disas_one(text, sizeof(text), CS_ARCH_X86, x86_cs_mode(&s), fs.bytes, fs.n, s_eip(&s));
            g_string_append_printf(in_asm, "0x%016" PRIx64 ":  %s\n", s.pc, text);
        }
        if (n == 0 && (flags & HF_INHIBIT_IRQ)) {
            /* This instruction is the shadow: interrupts are taken after it. */
            IRTemp h = ir_temp_new(f);
            ir_ld(f, IR_LD32U, h, f->env, ENV_OFF(hflags));
            ir_binopi(f, IR_AND, IR_I64, h, h, ~(uint64_t)HF_INHIBIT_IRQ);
            ir_st(f, IR_ST32, h, f->env, ENV_OFF(hflags));
        }
        if (st == X86_DECODE_GP) {
            gen_exception_err(&s, 13, 0);
        } else if (st != X86_DECODE_OK) {
            log_unimp(&s, &fs, "or undefined opcode");
            gen_exception(&s, 6);
        } else if (!x86_dispatch(&s, &insn)) {
            log_unimp(&s, &fs, insn.entry->mnem);
            gen_exception(&s, 6);
        }
        n++;
        s.pc = s.pc_next;
        if (s.is_jmp != X86_DISAS_NEXT) {
            break;
        }
        if ((insn.flags & X86F_END_TB)) {
            s.is_jmp = X86_DISAS_UPDATE;
            break;
        }
        /* Stop before an instruction that might reach into the next page (only a TB's first
         * instruction may span two pages), and at the length cap. */
        if (n >= max_insns || (s.pc & ~TARGET_PAGE_MASK) > TARGET_PAGE_SIZE - 16) {
            s.is_jmp = X86_DISAS_TOO_MANY;
            break;
        }
    }
    switch (s.is_jmp) {
    case X86_DISAS_TOO_MANY:
        if (flags & (HF_INHIBIT_IRQ | HF_TF)) {
            ir_movi(f, IR_I64, cpu_rip, s_eip(&s));
            gen_exit_tb(&s);
        } else {
            gen_jmp_eip(&s, 0, s_eip(&s));
        }
        break;
    case X86_DISAS_UPDATE:
        ir_movi(f, IR_I64, cpu_rip, s_eip(&s));
        gen_exit_tb(&s);
        break;
    default:
        break;
    }
    if (log) {
        tlog("%s\n", in_asm->str);
    }
    uint64_t end = s.pc;
    tb->size = (uint32_t)(end >= tb->pc ? end - tb->pc : (uint32_t)(end - tb->pc));
    tb->icount = (uint16_t)n;
    return n;
}
