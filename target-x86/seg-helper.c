/*
 * seg-helper.c — x86 segmentation helpers (Intel SDM vol. 3A 3.4-3.5 descriptors, 5.5-5.8
 * privilege checks and call gates, 6.14.2-6.14.3 64-bit gates; vol. 2 pages of MOV/POP Sreg,
 * JMP, CALL, RET, IRET, LLDT, LTR, LAR, LSL, VERR/VERW).
 *
 * Invariants: every check that can fault runs before the first change to architectural state
 * (pops are done on a local copy of the stack pointer; pushes happen before any segment or
 * RSP update), so a fault leaves the instruction restartable. CPL is kept equal to CS.RPL and
 * SS.DPL by every load here; x86_update_hflags derives HF_CPL from them. Owner vCPU thread only.
 */
#include "target-x86/seg-helper.h"

#include "cpu-exec/softmmu.h"
#include "target-x86/excp-helper.h"

#define SEL_ERR(sel) ((sel) & 0xfffc)

static unsigned seg_cpl(const CPUX86State *env) { return env->hflags & HF_CPL_MASK; }
static bool seg_protected(const CPUX86State *env)
{
    return (env->cr[0] & CR0_PE) && !(env->eflags & VM_MASK);
}
static bool desc_is_code(uint32_t e2) { return (e2 & DESC_S_MASK) && (e2 & DESC_CS_MASK); }
static bool desc_is_wdata(uint32_t e2)
{
    return (e2 & DESC_S_MASK) && !(e2 & DESC_CS_MASK) && (e2 & DESC_W_MASK);
}
static unsigned desc_sys_type(uint32_t e2) { return (e2 >> DESC_TYPE_SHIFT) & 15; }

static uint32_t ld32k(CPUX86State *env, uint64_t addr)
{
    return (uint32_t)cpu_ld_data(cpu_from_env(env), addr, MO_32, X86_MMU_KERNEL);
}

/* ---- descriptors ---- */

uint64_t x86_desc_addr(const CPUX86State *env, uint32_t selector)
{
    const uint64_t base = (selector & 4) ? env->ldt.base : env->gdt.base;
    return base + (selector & 0xfff8);
}

bool x86_desc_read(CPUX86State *env, uint32_t selector, uint32_t *e1, uint32_t *e2)
{
    uint32_t limit = (selector & 4) ? env->ldt.limit : env->gdt.limit;
    if ((selector & 4) && (env->ldt.selector & 0xfffc) == 0) {
        return false;
    }
    if ((selector & 0xfff8) + 7 > limit) {
        return false;
    }
    uint64_t addr = x86_desc_addr(env, selector);
    *e1 = ld32k(env, addr);
    *e2 = ld32k(env, addr + 4);
    return true;
}

void x86_seg_load_desc(CPUX86State *env, int seg, uint32_t selector, uint32_t e1, uint32_t e2)
{
    x86_seg_cache_set(env, seg, selector & 0xffff, x86_desc_base(e1, e2), x86_desc_limit(e1, e2),
                      x86_desc_flags(e2));
}

void x86_desc_set_accessed(CPUX86State *env, uint32_t selector, uint32_t *e2)
{
    if ((*e2 & DESC_S_MASK) && !(*e2 & DESC_A_MASK)) {
        *e2 |= DESC_A_MASK;
        cpu_st_data(cpu_from_env(env), x86_desc_addr(env, selector) + 4, *e2, MO_32,
                    X86_MMU_KERNEL);
    }
}

/* ---- stacks ---- */

static uint64_t stack_linear(const CPUX86State *env, const X86Stack *st)
{
    uint64_t a = st->base + (st->sp & st->mask);
    return (env->hflags & HF_CS64) || st->mask == ~(uint64_t)0 ? a : (a & 0xffffffffu);
}

void x86_stack_push(CPUX86State *env, X86Stack *st, uint64_t value, unsigned size)
{
    st->sp -= size;
    cpu_st_data(cpu_from_env(env), stack_linear(env, st), value,
                size == 8 ? MO_64 : size == 4 ? MO_32 : MO_16, st->mmu_idx);
}

uint64_t x86_stack_pop(CPUX86State *env, X86Stack *st, unsigned size)
{
    uint64_t v = cpu_ld_data(cpu_from_env(env), stack_linear(env, st),
                             size == 8 ? MO_64 : size == 4 ? MO_32 : MO_16, st->mmu_idx);
    st->sp += size;
    return v;
}

void x86_set_rsp(CPUX86State *env, uint64_t sp, uint64_t mask)
{
    if (mask == 0xffff) {
        env->regs[R_ESP] = (env->regs[R_ESP] & ~(uint64_t)0xffff) | (sp & 0xffff);
    } else if (mask == 0xffffffffu) {
        env->regs[R_ESP] = (uint32_t)sp;
    } else {
        env->regs[R_ESP] = sp;
    }
}

/* The stack the current instruction pushes on (64-bit mode: flat, RSP as is). */
static X86Stack stack_current(const CPUX86State *env)
{
    if (env->hflags & HF_CS64) {
        return (X86Stack){ 0, env->regs[R_ESP], ~(uint64_t)0, x86_mmu_idx(env) };
    }
    return (X86Stack){ env->segs[R_SS].base, env->regs[R_ESP], x86_sp_mask(env->segs[R_SS].flags),
                       seg_cpl(env) == 3 ? X86_MMU_USER : X86_MMU_KERNEL };
}

/* ---- TSS (SDM vol. 3A 7.2.1 32-bit, 7.6 16-bit, 7.7 64-bit) ---- */

void x86_tss_get_stack(CPUX86State *env, unsigned dpl, uint32_t ext, uint32_t *ss, uint32_t *esp)
{
    bool tss32 = (env->tr.flags >> DESC_TYPE_SHIFT) & 8;
    uint32_t off = tss32 ? 4 + dpl * 8 : 2 + dpl * 4;
    uint32_t span = tss32 ? 8 : 4;
    if (off + span - 1 > env->tr.limit) {
        x86_raise_exception_err(env, EXCP_TS, SEL_ERR(env->tr.selector) + ext);
    }
    CPUState *cpu = cpu_from_env(env);
    if (tss32) {
        *esp = ld32k(env, env->tr.base + off);
        *ss = (uint32_t)cpu_ld_data(cpu, env->tr.base + off + 4, MO_16, X86_MMU_KERNEL);
    } else {
        *esp = (uint32_t)cpu_ld_data(cpu, env->tr.base + off, MO_16, X86_MMU_KERNEL);
        *ss = (uint32_t)cpu_ld_data(cpu, env->tr.base + off + 2, MO_16, X86_MMU_KERNEL);
    }
}

uint64_t x86_tss_get_stack64(CPUX86State *env, unsigned index, uint32_t ext)
{
    uint32_t off = 4 + index * 8;
    if (off + 7 > env->tr.limit) {
        x86_raise_exception_err(env, EXCP_TS, SEL_ERR(env->tr.selector) + ext);
    }
    return cpu_ld_data(cpu_from_env(env), env->tr.base + off, MO_64, X86_MMU_KERNEL);
}

/* ---- segment register loads ---- */

/* VM86 (SDM 20.1.1): base = selector * 16, 64 KiB limit, DPL 3 data. */
static void seg_load_vm86(CPUX86State *env, int seg, uint32_t sel)
{
    x86_seg_cache_set(env, seg, sel, (uint64_t)sel << 4, 0xffff,
                      DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK |
                          (3u << DESC_DPL_SHIFT) | (seg == R_CS ? DESC_CS_MASK : 0));
}

/* Real mode: selector and base change, the hidden limit and attributes stay (unreal mode). */
static void seg_load_real(CPUX86State *env, int seg, uint32_t sel)
{
    x86_seg_cache_set(env, seg, sel, (uint64_t)sel << 4, env->segs[seg].limit,
                      env->segs[seg].flags);
}

static void seg_load_null(CPUX86State *env, int seg, uint32_t sel)
{
    x86_seg_cache_set(env, seg, sel, 0, 0, 0);
}

/* SS at privilege @rpl from a popped selector (RET/IRET to an outer level, SDM RET). */
static void seg_check_ss(CPUX86State *env, uint32_t ss, unsigned rpl, bool null_ok,
                         uint32_t *s1, uint32_t *s2)
{
    if ((ss & 0xfffc) == 0) {
        if (!null_ok) {
            x86_raise_exception_err(env, EXCP_GP, 0);
        }
        *s1 = 0;
        *s2 = 0;
        return;
    }
    if ((ss & 3) != rpl || !x86_desc_read(env, ss, s1, s2) || !desc_is_wdata(*s2) ||
        x86_desc_dpl(*s2) != rpl) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(ss));
    }
    if (!(*s2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP_SS, SEL_ERR(ss));
    }
}

static void seg_commit_ss(CPUX86State *env, uint32_t ss, unsigned cpl, uint32_t s1, uint32_t s2)
{
    if ((ss & 0xfffc) == 0) {
        /* 64-bit null SS (SDM 6.14.4): usable, DPL = the new CPL. */
        x86_seg_cache_set(env, R_SS, ss, 0, 0xffffffffu,
                          DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK | DESC_B_MASK |
                              (cpl << DESC_DPL_SHIFT));
    } else {
        x86_desc_set_accessed(env, ss, &s2);
        x86_seg_load_desc(env, R_SS, ss, s1, s2);
    }
}

void helper_load_seg(CPUX86State *env, uint32_t seg, uint32_t selector)
{
    uint32_t sel = selector & 0xffff;
    if (!(env->cr[0] & CR0_PE)) {
        seg_load_real(env, (int)seg, sel);
        x86_update_hflags(env);
        return;
    }
    if (env->eflags & VM_MASK) {
        seg_load_vm86(env, (int)seg, sel);
        x86_update_hflags(env);
        return;
    }
    unsigned cpl = seg_cpl(env), rpl = sel & 3;
    if ((sel & 0xfffc) == 0) {
        if (seg == R_SS) {
            /* A null SS is allowed only in 64-bit mode at CPL < 3 with RPL = CPL (MOV). */
            if (!(env->hflags & HF_CS64) || cpl == 3 || rpl != cpl) {
                x86_raise_exception_err(env, EXCP_GP, 0);
            }
            seg_commit_ss(env, sel, cpl, 0, 0);
        } else {
            seg_load_null(env, (int)seg, sel);
        }
        x86_update_hflags(env);
        return;
    }
    uint32_t e1, e2;
    if (!x86_desc_read(env, sel, &e1, &e2) || !(e2 & DESC_S_MASK)) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    unsigned dpl = x86_desc_dpl(e2);
    if (seg == R_SS) {
        if (rpl != cpl || dpl != cpl || !desc_is_wdata(e2)) {
            x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
        }
        if (!(e2 & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP_SS, SEL_ERR(sel));
        }
    } else {
        bool code = (e2 & DESC_CS_MASK) != 0;
        if (code && !(e2 & DESC_R_MASK)) {
            x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
        }
        if ((!code || !(e2 & DESC_C_MASK)) && (dpl < cpl || dpl < rpl)) {
            x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
        }
        if (!(e2 & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP_NP, SEL_ERR(sel));
        }
    }
    x86_desc_set_accessed(env, sel, &e2);
    x86_seg_load_desc(env, (int)seg, sel, e1, e2);
    x86_update_hflags(env);
}

/* ---- far transfers ---- */

/* Target code segment of a direct far JMP/CALL (SDM 5.8.1): privilege and presence. */
static void seg_check_direct_cs(CPUX86State *env, uint32_t sel, uint32_t e2)
{
    unsigned cpl = seg_cpl(env), dpl = x86_desc_dpl(e2);
    if (e2 & DESC_C_MASK) {
        if (dpl > cpl) {
            x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
        }
    } else if ((sel & 3) > cpl || dpl != cpl) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP_NP, SEL_ERR(sel));
    }
}

static bool seg_is_64bit_code(const CPUX86State *env, uint32_t e2)
{
    return (env->hflags & HF_LMA) && (e2 & DESC_L_MASK);
}

static void seg_check_offset(CPUX86State *env, uint32_t e1, uint32_t e2, uint64_t off)
{
    if (seg_is_64bit_code(env, e2)) {
        if ((uint64_t)((int64_t)(off << 16) >> 16) != off) {
            x86_raise_exception_err(env, EXCP_GP, 0);
        }
    } else if (off > x86_desc_limit(e1, e2)) {
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
}

/* A call gate (SDM 5.8.3, 5.8.6 in IA-32e mode): checks it and its target code segment.
 * Returns the gate's size in bytes per pushed item (2, 4 or 8). */
typedef struct CallGate {
    uint32_t sel, c1, c2, params;
    uint64_t off;
    unsigned size;
} CallGate;

static void seg_read_call_gate(CPUX86State *env, uint32_t sel, uint32_t e1, uint32_t e2,
                               CallGate *g)
{
    unsigned cpl = seg_cpl(env), type = desc_sys_type(e2);
    bool lma = (env->hflags & HF_LMA) != 0;
    if ((lma && type != 0xc) || (!lma && type != 0x4 && type != 0xc)) {
        /* In IA-32e mode TSS descriptors and task gates are #GP(selector) (SDM JMP/CALL);
         * outside it the callers sent them to x86_task_far. */
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    unsigned dpl = x86_desc_dpl(e2);
    if (dpl < cpl || dpl < (sel & 3)) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP_NP, SEL_ERR(sel));
    }
    g->sel = e1 >> 16;
    g->off = (e2 & 0xffff0000u) | (e1 & 0xffff);
    g->params = e2 & 0x1f;
    g->size = type == 0x4 ? 2 : 4;
    if (type == 0x4) {
        g->off &= 0xffff;
    }
    if (lma) {
        uint32_t hi[2];
        if ((sel & 0xfff8) + 15 > ((sel & 4) ? env->ldt.limit : env->gdt.limit)) {
            x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
        }
        hi[0] = ld32k(env, x86_desc_addr(env, sel) + 8);
        hi[1] = ld32k(env, x86_desc_addr(env, sel) + 12);
        if ((hi[1] >> 8) & 0x1f) {
            x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
        }
        g->off |= (uint64_t)hi[0] << 32;
        g->size = 8;
        g->params = 0;
    }
    if ((g->sel & 0xfffc) == 0) {
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
    if (!x86_desc_read(env, g->sel, &g->c1, &g->c2) || !desc_is_code(g->c2) ||
        x86_desc_dpl(g->c2) > cpl) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(g->sel));
    }
    if (lma && (!(g->c2 & DESC_L_MASK) || (g->c2 & DESC_B_MASK))) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(g->sel));
    }
    if (!(g->c2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP_NP, SEL_ERR(g->sel));
    }
}

/* A TSS descriptor (available or busy, 16/32-bit) or a task gate outside IA-32e mode. */
static bool seg_is_task_desc(const CPUX86State *env, uint32_t e2)
{
    unsigned type = desc_sys_type(e2);
    return !(env->hflags & HF_LMA) && (type == 1 || type == 3 || type == 5 || type == 9 ||
                                       type == 0xb);
}

static void seg_far_real(CPUX86State *env, uint32_t sel, uint64_t off)
{
    if (env->eflags & VM_MASK) {
        seg_load_vm86(env, R_CS, sel & 0xffff);
    } else {
        seg_load_real(env, R_CS, sel & 0xffff);
    }
    env->rip = off;
    x86_update_hflags(env);
}

static void seg_set_cs(CPUX86State *env, uint32_t sel, unsigned cpl, uint32_t e1, uint32_t e2,
                       uint64_t off)
{
    x86_desc_set_accessed(env, sel, &e2);
    x86_seg_load_desc(env, R_CS, (sel & 0xfffc) | cpl, e1, e2);
    env->rip = off;
}

void helper_ljmp(CPUX86State *env, uint32_t selector, uint64_t offset, uint64_t next_eip)
{
    uint32_t sel = selector & 0xffff, e1, e2;
    if (!seg_protected(env)) {
        seg_far_real(env, sel, offset);
        return;
    }
    unsigned cpl = seg_cpl(env);
    if ((sel & 0xfffc) == 0) {
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
    if (!x86_desc_read(env, sel, &e1, &e2)) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    if (desc_is_code(e2)) {
        seg_check_direct_cs(env, sel, e2);
        seg_check_offset(env, e1, e2, offset);
        seg_set_cs(env, sel, cpl, e1, e2, offset);
    } else if (e2 & DESC_S_MASK) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    } else if (seg_is_task_desc(env, e2)) {
        x86_task_far(env, sel, e1, e2, X86_TASK_JMP, next_eip);
        return;
    } else {
        CallGate g;
        seg_read_call_gate(env, sel, e1, e2, &g);
        unsigned dpl = x86_desc_dpl(g.c2);
        /* JMP through a gate never changes privilege (SDM 5.8.4). */
        if ((g.c2 & DESC_C_MASK) ? dpl > cpl : dpl != cpl) {
            x86_raise_exception_err(env, EXCP_GP, SEL_ERR(g.sel));
        }
        seg_check_offset(env, g.c1, g.c2, g.off);
        seg_set_cs(env, g.sel, cpl, g.c1, g.c2, g.off);
    }
    x86_update_hflags(env);
}

void helper_lcall(CPUX86State *env, uint32_t selector, uint64_t offset, uint32_t shift,
                  uint64_t next_eip)
{
    uint32_t sel = selector & 0xffff, e1, e2;
    unsigned size = 2u << shift;
    if (!seg_protected(env)) {
        X86Stack st = stack_current(env);
        x86_stack_push(env, &st, env->segs[R_CS].selector, size);
        x86_stack_push(env, &st, next_eip, size);
        x86_set_rsp(env, st.sp, st.mask);
        seg_far_real(env, sel, offset);
        return;
    }
    unsigned cpl = seg_cpl(env);
    if ((sel & 0xfffc) == 0) {
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
    if (!x86_desc_read(env, sel, &e1, &e2)) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    if (desc_is_code(e2)) {
        seg_check_direct_cs(env, sel, e2);
        seg_check_offset(env, e1, e2, offset);
        X86Stack st = stack_current(env);
        x86_stack_push(env, &st, env->segs[R_CS].selector, size);
        x86_stack_push(env, &st, next_eip, size);
        x86_set_rsp(env, st.sp, st.mask);
        seg_set_cs(env, sel, cpl, e1, e2, offset);
        x86_update_hflags(env);
        return;
    }
    if (e2 & DESC_S_MASK) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    if (seg_is_task_desc(env, e2)) {
        x86_task_far(env, sel, e1, e2, X86_TASK_CALL, next_eip);
        return;
    }
    CallGate g;
    seg_read_call_gate(env, sel, e1, e2, &g);
    unsigned dpl = x86_desc_dpl(g.c2);
    seg_check_offset(env, g.c1, g.c2, g.off);
    if ((g.c2 & DESC_C_MASK) || dpl == cpl) {
        X86Stack st = stack_current(env);
        x86_stack_push(env, &st, env->segs[R_CS].selector, g.size);
        x86_stack_push(env, &st, next_eip, g.size);
        x86_set_rsp(env, st.sp, st.mask);
        seg_set_cs(env, g.sel, cpl, g.c1, g.c2, g.off);
        x86_update_hflags(env);
        return;
    }
    /* More privileged non-conforming target: stack switch (SDM 5.8.5, figure 5-13). */
    uint32_t ss, s1 = 0, s2 = 0;
    X86Stack st;
    if (env->hflags & HF_LMA) {
        uint64_t rsp = x86_tss_get_stack64(env, dpl, 0);
        ss = dpl;
        st = (X86Stack){ 0, rsp, ~(uint64_t)0, X86_MMU_KERNEL };
    } else {
        uint32_t esp;
        x86_tss_get_stack(env, dpl, 0, &ss, &esp);
        if ((ss & 0xfffc) == 0) {
            x86_raise_exception_err(env, EXCP_TS, 0);
        }
        if ((ss & 3) != dpl || !x86_desc_read(env, ss, &s1, &s2) || !desc_is_wdata(s2) ||
            x86_desc_dpl(s2) != dpl) {
            x86_raise_exception_err(env, EXCP_TS, SEL_ERR(ss));
        }
        if (!(s2 & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP_SS, SEL_ERR(ss));
        }
        st = (X86Stack){ x86_desc_base(s1, s2), esp, x86_sp_mask(s2), X86_MMU_KERNEL };
    }
    X86Stack old = stack_current(env);
    x86_stack_push(env, &st, env->segs[R_SS].selector, g.size);
    x86_stack_push(env, &st, env->regs[R_ESP], g.size);
    for (int i = (int)g.params - 1; i >= 0; i--) {
        X86Stack p = old;
        p.sp += (uint64_t)i * g.size;
        x86_stack_push(env, &st, x86_stack_pop(env, &p, g.size), g.size);
    }
    x86_stack_push(env, &st, env->segs[R_CS].selector, g.size);
    x86_stack_push(env, &st, next_eip, g.size);
    seg_commit_ss(env, (ss & 0xfffc) | dpl, dpl, s1, s2);
    x86_set_rsp(env, st.sp, st.mask);
    seg_set_cs(env, g.sel, dpl, g.c1, g.c2, g.off);
    x86_update_hflags(env);
}

/* After a return to an outer level: data segments the new CPL may not use become null. */
static void seg_null_inaccessible(CPUX86State *env, unsigned cpl)
{
    static const int segs[] = { R_ES, R_DS, R_FS, R_GS };
    for (unsigned i = 0; i < 4; i++) {
        uint32_t f = env->segs[segs[i]].flags;
        bool conforming_code = (f & DESC_CS_MASK) && (f & DESC_C_MASK);
        if ((env->segs[segs[i]].selector & 0xfffc) == 0 && !(f & DESC_P_MASK)) {
            continue;
        }
        if (!conforming_code && x86_desc_dpl(f) < cpl) {
            seg_load_null(env, segs[i], 0);
        }
    }
}

/* Checks a popped CS for a return (RET far / IRET, SDM RET "protected mode"). */
static void seg_check_return_cs(CPUX86State *env, uint32_t sel, uint32_t *e1, uint32_t *e2)
{
    unsigned cpl = seg_cpl(env), rpl = sel & 3;
    if ((sel & 0xfffc) == 0) {
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
    if (!x86_desc_read(env, sel, e1, e2) || !desc_is_code(*e2) || rpl < cpl) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    unsigned dpl = x86_desc_dpl(*e2);
    if ((*e2 & DESC_C_MASK) ? dpl > rpl : dpl != rpl) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    if ((env->hflags & HF_LMA) && (*e2 & DESC_L_MASK) && (*e2 & DESC_B_MASK)) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    if (!(*e2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP_NP, SEL_ERR(sel));
    }
}

/* Common tail of RET far and IRET in protected/long mode after EIP, CS (and EFLAGS) were
 * popped from @st; @imm bytes released; @iret_eflags/@has_eflags for IRET. */
static void seg_return_protected(CPUX86State *env, X86Stack *st, unsigned size, uint32_t sel,
                                 uint64_t eip, uint32_t imm, bool is_iret, uint32_t new_eflags)
{
    uint32_t e1, e2, s1 = 0, s2 = 0, ss = 0;
    unsigned cpl = seg_cpl(env), rpl = sel & 3;
    seg_check_return_cs(env, sel, &e1, &e2);
    bool to64 = seg_is_64bit_code(env, e2);
    if (!to64 && size < 8) {
        eip &= size == 2 ? 0xffff : 0xffffffffu;
    }
    seg_check_offset(env, e1, e2, eip);
    st->sp += imm;
    /* In 64-bit mode IRETQ always pops SS:RSP (SDM 6.14.3). */
    bool pop_ss = rpl != cpl || (is_iret && (env->hflags & HF_CS64));
    uint64_t new_sp = 0;
    if (pop_ss) {
        new_sp = x86_stack_pop(env, st, size);
        ss = (uint32_t)x86_stack_pop(env, st, size) & 0xffff;
        bool null_ok = (env->hflags & HF_LMA) && to64 && rpl != 3;
        seg_check_ss(env, ss, rpl, null_ok, &s1, &s2);
        new_sp += imm;
    }
    /* Commit. */
    if (is_iret) {
        uint32_t mask = TF_MASK | DF_MASK | NT_MASK | RF_MASK | AC_MASK | ID_MASK | CC_ARITH;
        unsigned iopl = (x86_eflags_get(env) & IOPL_MASK) >> IOPL_SHIFT;
        if (cpl == 0) {
            mask |= IOPL_MASK | VIF_MASK | VIP_MASK;
        }
        if (cpl <= iopl) {
            mask |= IF_MASK;
        }
        if (size == 2) {
            mask &= 0xffff;
        }
        x86_eflags_set(env, new_eflags, mask);
    }
    seg_set_cs(env, sel, rpl, e1, e2, eip);
    if (pop_ss) {
        seg_commit_ss(env, ss, rpl, s1, s2);
        if (env->hflags & HF_LMA && to64) {
            env->regs[R_ESP] = new_sp;
        } else {
            x86_set_rsp(env, new_sp, ss & 0xfffc ? x86_sp_mask(s2) : 0xffffffffu);
        }
        if (rpl != cpl) {
            seg_null_inaccessible(env, rpl);
        }
    } else {
        x86_set_rsp(env, st->sp, st->mask);
    }
    x86_update_hflags(env);
}

void helper_lret(CPUX86State *env, uint32_t shift, uint32_t imm)
{
    unsigned size = 2u << shift;
    X86Stack st = stack_current(env);
    st.mmu_idx = x86_mmu_idx(env);
    uint64_t eip = x86_stack_pop(env, &st, size);
    uint32_t sel = (uint32_t)x86_stack_pop(env, &st, size) & 0xffff;
    if (!seg_protected(env)) {
        st.sp += imm;
        x86_set_rsp(env, st.sp, st.mask);
        seg_far_real(env, sel, eip);
        return;
    }
    seg_return_protected(env, &st, size, sel, eip, imm, false, 0);
}

/* IRET to VM86 from CPL 0 (SDM vol. 2 IRET "RETURN-TO-VIRTUAL-8086-MODE"). */
static void seg_iret_to_vm86(CPUX86State *env, X86Stack *st, uint64_t eip, uint32_t cs,
                             uint32_t eflags)
{
    uint32_t esp = (uint32_t)x86_stack_pop(env, st, 4);
    uint32_t ss = (uint32_t)x86_stack_pop(env, st, 4) & 0xffff;
    uint32_t es = (uint32_t)x86_stack_pop(env, st, 4) & 0xffff;
    uint32_t ds = (uint32_t)x86_stack_pop(env, st, 4) & 0xffff;
    uint32_t fs = (uint32_t)x86_stack_pop(env, st, 4) & 0xffff;
    uint32_t gs = (uint32_t)x86_stack_pop(env, st, 4) & 0xffff;
    x86_eflags_set(env, eflags, 0x003f7fd5u);
    seg_load_vm86(env, R_CS, cs & 0xffff);
    seg_load_vm86(env, R_SS, ss);
    seg_load_vm86(env, R_ES, es);
    seg_load_vm86(env, R_DS, ds);
    seg_load_vm86(env, R_FS, fs);
    seg_load_vm86(env, R_GS, gs);
    env->regs[R_ESP] = esp;
    env->rip = eip & 0xffff;
    x86_update_hflags(env);
}

void helper_iret(CPUX86State *env, uint32_t shift, uint64_t next_eip)
{
    unsigned size = 2u << shift;
    uint32_t cur = x86_eflags_get(env);
    /* Executing IRET ends NMI blocking (SDM vol. 3A 6.7.1), even when IRET then faults: that
     * is why VM exits report "NMI unblocking due to IRET" (SDM vol. 3C 27.2.3). */
    env->hflags2 &= ~HF2_NMI_MASK;
    if ((env->cr[0] & CR0_PE) && !(cur & VM_MASK) && (cur & NT_MASK)) {
        if (env->hflags & HF_LMA) {
            x86_raise_exception_err(env, EXCP_GP, 0); /* SDM IRET: IA-32e mode */
        }
        x86_task_return(env, next_eip);
        return;
    }
    if ((cur & VM_MASK) && ((cur & IOPL_MASK) >> IOPL_SHIFT) < 3) {
        x86_raise_exception_err(env, EXCP_GP, 0); /* no CR4.VME support */
    }
    X86Stack st = stack_current(env);
    st.mmu_idx = x86_mmu_idx(env);
    uint64_t eip = x86_stack_pop(env, &st, size);
    uint32_t sel = (uint32_t)x86_stack_pop(env, &st, size) & 0xffff;
    uint32_t eflags = (uint32_t)x86_stack_pop(env, &st, size);
    if (!seg_protected(env)) {
        uint32_t mask = (cur & VM_MASK) ? (0x257fd5u & ~IOPL_MASK) : 0x257fd5u;
        if (size == 2) {
            mask &= 0xffff;
        }
        x86_set_rsp(env, st.sp, st.mask);
        x86_eflags_set(env, eflags, mask);
        seg_far_real(env, sel, size == 2 ? (eip & 0xffff) : (uint32_t)eip);
        return;
    }
    if ((eflags & VM_MASK) && size == 4 && seg_cpl(env) == 0 && !(env->hflags & HF_LMA)) {
        seg_iret_to_vm86(env, &st, eip, sel, eflags);
        return;
    }
    seg_return_protected(env, &st, size, sel, eip, 0, true, eflags);
}

/* ---- LDTR, TR ---- */

/* System descriptor from the GDT, 16 bytes in IA-32e mode (SDM 7.2.3); returns base. */
static uint64_t seg_read_system_desc(CPUX86State *env, uint32_t sel, uint32_t *e1, uint32_t *e2)
{
    if (sel & 4) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    bool lma = (env->hflags & HF_LMA) != 0;
    if ((sel & 0xfff8) + (lma ? 15 : 7) > env->gdt.limit) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    uint64_t addr = env->gdt.base + (sel & 0xfff8);
    *e1 = ld32k(env, addr);
    *e2 = ld32k(env, addr + 4);
    uint64_t base = x86_desc_base(*e1, *e2);
    if (lma) {
        base |= (uint64_t)ld32k(env, addr + 8) << 32;
    }
    return base;
}

void helper_lldt(CPUX86State *env, uint32_t selector)
{
    uint32_t sel = selector & 0xffff, e1, e2;
    if (seg_cpl(env) != 0) {
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
    if ((sel & 0xfffc) == 0) {
        env->ldt = (X86Segment){ sel, 0, 0, 0 };
        return;
    }
    uint64_t base = seg_read_system_desc(env, sel, &e1, &e2);
    if ((e2 & DESC_S_MASK) || desc_sys_type(e2) != 2) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP_NP, SEL_ERR(sel));
    }
    env->ldt = (X86Segment){ sel, base, x86_desc_limit(e1, e2), x86_desc_flags(e2) };
}

void helper_ltr(CPUX86State *env, uint32_t selector)
{
    uint32_t sel = selector & 0xffff, e1, e2;
    if (seg_cpl(env) != 0 || (sel & 0xfffc) == 0) {
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
    uint64_t base = seg_read_system_desc(env, sel, &e1, &e2);
    unsigned type = desc_sys_type(e2);
    bool lma = (env->hflags & HF_LMA) != 0;
    if ((e2 & DESC_S_MASK) || (type != 9 && (lma || type != 1))) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP_NP, SEL_ERR(sel));
    }
    e2 |= 2u << DESC_TYPE_SHIFT; /* busy */
    cpu_st_data(cpu_from_env(env), env->gdt.base + (sel & 0xfff8) + 4, e2, MO_32, X86_MMU_KERNEL);
    env->tr = (X86Segment){ sel, base, x86_desc_limit(e1, e2), x86_desc_flags(e2) };
}

/* ---- LAR, LSL, VERR, VERW (no faults for bad selectors: ZF = 0) ---- */

static void seg_set_zf(CPUX86State *env, bool zf)
{
    x86_eflags_set(env, zf ? CC_Z : 0, CC_Z);
}

/* Reads the descriptor and applies the common visibility rule; false = ZF 0. */
static bool seg_probe(CPUX86State *env, uint32_t sel, uint32_t *e1, uint32_t *e2, bool lsl)
{
    if ((sel & 0xfffc) == 0 || !x86_desc_read(env, sel, e1, e2)) {
        return false;
    }
    unsigned cpl = seg_cpl(env), dpl = x86_desc_dpl(*e2);
    if (*e2 & DESC_S_MASK) {
        if (desc_is_code(*e2) && (*e2 & DESC_C_MASK)) {
            return true;
        }
    } else {
        /* SDM LAR / LSL: which system types are visible (IA-32e: no 16-bit ones). */
        unsigned type = desc_sys_type(*e2);
        bool lma = (env->hflags & HF_LMA) != 0;
        bool ok = type == 2 || type == 9 || type == 0xb;
        if (!lma) {
            ok = ok || type == 1 || type == 3 || (!lsl && (type == 4 || type == 5 || type == 0xc));
        } else if (!lsl) {
            ok = ok || type == 0xc;
        }
        if (!ok) {
            return false;
        }
    }
    return dpl >= cpl && dpl >= (sel & 3);
}

uint64_t helper_lar(CPUX86State *env, uint32_t selector)
{
    uint32_t e1, e2;
    bool ok = seg_probe(env, selector & 0xffff, &e1, &e2, false);
    seg_set_zf(env, ok);
    return ok ? (e2 & 0x00f0ff00u) : 0; /* 19:16 (limit) read 0 */
}

uint64_t helper_lsl(CPUX86State *env, uint32_t selector)
{
    uint32_t e1, e2;
    bool ok = seg_probe(env, selector & 0xffff, &e1, &e2, true);
    seg_set_zf(env, ok);
    return ok ? x86_desc_limit(e1, e2) : 0;
}

void helper_verr(CPUX86State *env, uint32_t selector)
{
    uint32_t e1, e2;
    bool ok = seg_probe(env, selector & 0xffff, &e1, &e2, false) && (e2 & DESC_S_MASK) &&
              (!desc_is_code(e2) || (e2 & DESC_R_MASK));
    seg_set_zf(env, ok);
}

void helper_verw(CPUX86State *env, uint32_t selector)
{
    uint32_t e1, e2;
    bool ok = seg_probe(env, selector & 0xffff, &e1, &e2, false) && desc_is_wdata(e2);
    seg_set_zf(env, ok);
}
