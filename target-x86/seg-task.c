/*
 * seg-task.c — hardware task switches of legacy protected mode (Intel SDM vol. 3A chapter 7,
 * 7.3 "Task Switching"; vol. 2 pages of JMP, CALL, INT n and IRET, "TASK-GATE"/"TASK-RETURN"):
 * JMP/CALL far to a TSS descriptor or a task gate, interrupts and exceptions through an IDT
 * task gate, IRET with EFLAGS.NT = 1 back through the previous-task link. 32-bit (type 9/B)
 * and 16-bit (type 1/3) TSSs. IA-32e mode has no task switching: its callers raise #GP first.
 *
 * Invariants: every check that can fault before the commit point (SDM 7.3 steps 1-7: the new
 * TSS descriptor, its limit and busy bit, reading the new TSS and writing the old one) runs
 * before any architectural state changes, so such a fault is taken in the old task. After the
 * commit (TR, the registers, EFLAGS, EIP, CR3, CR0.TS) the segment and LDT loads fault in the
 * context of the new task, as the SDM specifies. Owner vCPU thread only.
 */
#include "target-x86/seg-helper.h"

#include "cpu-exec/softmmu.h"
#include "target-x86/excp-helper.h"

#define SEL_ERR(sel) ((sel) & 0xfffc)

/* 32-bit TSS offsets (SDM figure 7-2) and 16-bit TSS offsets (figure 7-11). */
enum {
    TSS32_CR3 = 0x1c, TSS32_EIP = 0x20, TSS32_EFLAGS = 0x24, TSS32_REGS = 0x28,
    TSS32_SEGS = 0x48, TSS32_LDT = 0x60, TSS32_TRAP = 0x64, TSS32_MIN_LIMIT = 0x67,
    TSS16_IP = 0x0e, TSS16_FLAGS = 0x10, TSS16_REGS = 0x12, TSS16_SEGS = 0x22,
    TSS16_LDT = 0x2a, TSS16_MIN_LIMIT = 0x2b,
};

/* Selector order of the TSS's segment fields: ES, CS, SS, DS (then FS, GS in a 32-bit TSS). */
static const int tss_seg_order[6] = { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS };

static uint32_t tss_ld(CPUX86State *env, uint64_t addr, int mop)
{
    return (uint32_t)cpu_ld_data(cpu_from_env(env), addr, mop, X86_MMU_KERNEL);
}

static void tss_st(CPUX86State *env, uint64_t addr, uint32_t v, int mop)
{
    cpu_st_data(cpu_from_env(env), addr, v, mop, X86_MMU_KERNEL);
}

static bool tss_is32(uint32_t e2) { return (e2 >> DESC_TYPE_SHIFT) & 8; }

/* Sets (busy) or clears the busy bit (type bit 1) of the TSS descriptor @sel in the GDT. */
static void tss_set_busy(CPUX86State *env, uint32_t sel, bool busy)
{
    uint64_t addr = env->gdt.base + (sel & 0xfff8) + 4;
    uint32_t e2 = tss_ld(env, addr, MO_32);
    e2 = busy ? (e2 | (2u << DESC_TYPE_SHIFT)) : (e2 & ~(2u << DESC_TYPE_SHIFT));
    tss_st(env, addr, e2, MO_32);
}

/* The state read from the new TSS before anything changes. */
typedef struct TaskState {
    uint32_t cr3, eip, eflags, regs[8], segs[6], ldt;
    bool trap;
} TaskState;

static void task_read(CPUX86State *env, uint64_t base, bool is32, TaskState *t)
{
    if (is32) {
        t->cr3 = tss_ld(env, base + TSS32_CR3, MO_32);
        t->eip = tss_ld(env, base + TSS32_EIP, MO_32);
        t->eflags = tss_ld(env, base + TSS32_EFLAGS, MO_32);
        for (int i = 0; i < 8; i++) {
            t->regs[i] = tss_ld(env, base + TSS32_REGS + 4 * i, MO_32);
        }
        for (int i = 0; i < 6; i++) {
            t->segs[i] = tss_ld(env, base + TSS32_SEGS + 4 * i, MO_16);
        }
        t->ldt = tss_ld(env, base + TSS32_LDT, MO_16);
        t->trap = tss_ld(env, base + TSS32_TRAP, MO_16) & 1;
    } else {
        t->cr3 = 0;
        t->eip = tss_ld(env, base + TSS16_IP, MO_16);
        t->eflags = tss_ld(env, base + TSS16_FLAGS, MO_16);
        for (int i = 0; i < 8; i++) {
            t->regs[i] = tss_ld(env, base + TSS16_REGS + 2 * i, MO_16);
        }
        for (int i = 0; i < 4; i++) {
            t->segs[i] = tss_ld(env, base + TSS16_SEGS + 2 * i, MO_16);
        }
        t->segs[4] = t->segs[5] = 0;
        t->ldt = tss_ld(env, base + TSS16_LDT, MO_16);
        t->trap = false;
    }
}

/* Saves the dynamic fields of the current task into its TSS (SDM 7.2.1: only these). */
static void task_save(CPUX86State *env, uint32_t eflags, uint32_t eip)
{
    uint64_t base = env->tr.base;
    if (tss_is32(env->tr.flags)) {
        tss_st(env, base + TSS32_EIP, eip, MO_32);
        tss_st(env, base + TSS32_EFLAGS, eflags, MO_32);
        for (int i = 0; i < 8; i++) {
            tss_st(env, base + TSS32_REGS + 4 * i, (uint32_t)env->regs[i], MO_32);
        }
        for (int i = 0; i < 6; i++) {
            tss_st(env, base + TSS32_SEGS + 4 * i, env->segs[tss_seg_order[i]].selector, MO_16);
        }
    } else {
        tss_st(env, base + TSS16_IP, eip, MO_16);
        tss_st(env, base + TSS16_FLAGS, eflags, MO_16);
        for (int i = 0; i < 8; i++) {
            tss_st(env, base + TSS16_REGS + 2 * i, (uint32_t)env->regs[i], MO_16);
        }
        for (int i = 0; i < 4; i++) {
            tss_st(env, base + TSS16_SEGS + 2 * i, env->segs[tss_seg_order[i]].selector, MO_16);
        }
    }
}

/* LDTR from the new TSS (SDM table 7-1: any error is #TS(LDT selector)). */
static void task_load_ldt(CPUX86State *env, uint32_t sel, uint32_t ext)
{
    uint32_t e1, e2;
    if ((sel & 0xfffc) == 0) {
        env->ldt = (X86Segment){ sel, 0, 0, 0 };
        return;
    }
    if ((sel & 4) || !x86_desc_read(env, sel, &e1, &e2) || (e2 & DESC_S_MASK) ||
        ((e2 >> DESC_TYPE_SHIFT) & 15) != 2 || !(e2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP_TS, SEL_ERR(sel) + ext);
    }
    env->ldt = (X86Segment){ sel, x86_desc_base(e1, e2), x86_desc_limit(e1, e2),
                             x86_desc_flags(e2) };
}

/* A segment register from the new TSS with the checks of SDM table 7-1 at privilege @cpl
 * (= the new CS.RPL): #TS(selector) for a bad descriptor, #NP / #SS(selector) if not present. */
static void task_load_seg(CPUX86State *env, int seg, uint32_t sel, unsigned cpl, uint32_t ext)
{
    uint32_t e1, e2;
    if ((sel & 0xfffc) == 0) {
        if (seg == R_CS || seg == R_SS) {
            x86_raise_exception_err(env, EXCP_TS, ext);
        }
        x86_seg_cache_set(env, seg, sel, 0, 0, 0);
        return;
    }
    if (!x86_desc_read(env, sel, &e1, &e2) || !(e2 & DESC_S_MASK)) {
        x86_raise_exception_err(env, EXCP_TS, SEL_ERR(sel) + ext);
    }
    unsigned dpl = x86_desc_dpl(e2), rpl = sel & 3;
    bool code = (e2 & DESC_CS_MASK) != 0, conforming = code && (e2 & DESC_C_MASK);
    bool ok;
    int np = EXCP_NP;
    if (seg == R_CS) {
        ok = code && (conforming ? dpl <= rpl : dpl == rpl);
    } else if (seg == R_SS) {
        ok = !code && (e2 & DESC_W_MASK) && rpl == cpl && dpl == cpl;
        np = EXCP_SS;
    } else {
        ok = (!code || (e2 & DESC_R_MASK)) && (conforming || (dpl >= cpl && dpl >= rpl));
    }
    if (!ok) {
        x86_raise_exception_err(env, EXCP_TS, SEL_ERR(sel) + ext);
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, np, SEL_ERR(sel) + ext);
    }
    x86_desc_set_accessed(env, sel, &e2);
    x86_seg_load_desc(env, seg, sel, e1, e2);
}

void x86_task_switch(CPUX86State *env, uint32_t sel, uint32_t e1, uint32_t e2, int source,
                     uint64_t ret_eip, uint32_t ext)
{
    sel &= 0xffff;
    bool is32 = tss_is32(e2);
    uint32_t limit = x86_desc_limit(e1, e2);
    uint64_t base = x86_desc_base(e1, e2);
    /* SDM 7.3 step 3: the new TSS must hold at least the fields of its format. */
    if (limit < (is32 ? TSS32_MIN_LIMIT : TSS16_MIN_LIMIT)) {
        x86_raise_exception_err(env, EXCP_TS, SEL_ERR(sel) + ext);
    }
    /* The old TSS must hold its dynamic fields too. */
    bool old32 = tss_is32(env->tr.flags);
    if (env->tr.limit < (old32 ? TSS32_LDT - 1 : TSS16_LDT - 1)) {
        x86_raise_exception_err(env, EXCP_TS, SEL_ERR(env->tr.selector) + ext);
    }
    TaskState t;
    task_read(env, base, is32, &t);
    uint32_t eflags = x86_eflags_get(env);
    if (source == X86_TASK_IRET) {
        eflags &= ~NT_MASK; /* step 7: the saved image of the task being left */
    }
    task_save(env, eflags, (uint32_t)ret_eip);
    if (source == X86_TASK_CALL) {
        /* Nesting: back link to the old task, NT in the new one (step 9). */
        tss_st(env, base, env->tr.selector, MO_16);
        t.eflags |= NT_MASK;
    }
    if (source != X86_TASK_CALL) {
        tss_set_busy(env, env->tr.selector, false); /* step 6 */
    }
    if (source != X86_TASK_IRET) {
        tss_set_busy(env, sel, true); /* step 10 */
    }

    /* Commit: TR, CR0.TS, CR3, EFLAGS, EIP, general registers (steps 11-12). */
    env->tr = (X86Segment){ sel, base, limit, x86_desc_flags(e2) | (2u << DESC_TYPE_SHIFT) };
    env->cr[0] |= CR0_TS;
    if (is32 && (env->cr[0] & CR0_PG)) {
        env->cr[3] = t.cr3;
        tlb_flush(cpu_from_env(env));
    }
    uint32_t mask = is32 ? 0x003f7fd5u : 0x7fd5u;
    x86_eflags_set(env, t.eflags, mask);
    env->rip = t.eip;
    for (int i = 0; i < 8; i++) {
        env->regs[i] = is32 ? t.regs[i]
                            : ((env->regs[i] & ~(uint64_t)0xffff) | (t.regs[i] & 0xffff));
    }
    /* Selectors first, so a fault below shows the new task's selectors (SDM 7.3 step 12:
     * errors are raised in the new task's context). */
    for (int i = 0; i < 6; i++) {
        env->segs[tss_seg_order[i]].selector = t.segs[i];
    }
    env->ldt.selector = t.ldt;
    x86_update_hflags(env);

    task_load_ldt(env, t.ldt, ext);
    if (is32 && (t.eflags & VM_MASK)) {
        for (int i = 0; i < 6; i++) {
            int seg = tss_seg_order[i];
            x86_seg_cache_set(env, seg, t.segs[i], (uint64_t)t.segs[i] << 4, 0xffff,
                              DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK |
                                  (3u << DESC_DPL_SHIFT) | (seg == R_CS ? DESC_CS_MASK : 0));
        }
    } else {
        unsigned cpl = t.segs[1] & 3;
        task_load_seg(env, R_CS, t.segs[1], cpl, ext);
        task_load_seg(env, R_SS, t.segs[2], cpl, ext);
        task_load_seg(env, R_ES, t.segs[0], cpl, ext);
        task_load_seg(env, R_DS, t.segs[3], cpl, ext);
        task_load_seg(env, R_FS, t.segs[4], cpl, ext);
        task_load_seg(env, R_GS, t.segs[5], cpl, ext);
    }
    x86_update_hflags(env);
    if (t.trap) {
        /* T flag: #DB once the new task is running (SDM 7.2.1), DR6.BT reports it. */
        env->dr[6] |= 1u << 15;
        x86_raise_exception(env, EXCP_DB);
    }
}

/* A TSS descriptor reached through a task gate or a JMP/CALL: GDT only (#GP(selector) else),
 * available (not busy) TSS, present (SDM JMP/CALL "TASK-GATE", INT n "TASK-GATE"). */
static void task_read_new_tss(CPUX86State *env, uint32_t sel, uint32_t ext, uint32_t *e1,
                              uint32_t *e2)
{
    if ((sel & 4) || (sel & 0xfffc) == 0 || !x86_desc_read(env, sel, e1, e2)) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel) + ext);
    }
    unsigned type = (*e2 >> DESC_TYPE_SHIFT) & 15;
    if ((*e2 & DESC_S_MASK) || (type != 1 && type != 9)) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel) + ext);
    }
    if (!(*e2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP_NP, SEL_ERR(sel) + ext);
    }
}

void x86_task_far(CPUX86State *env, uint32_t sel, uint32_t e1, uint32_t e2, int source,
                  uint64_t next_eip)
{
    unsigned cpl = env->hflags & HF_CPL_MASK, dpl = x86_desc_dpl(e2);
    unsigned type = (e2 >> DESC_TYPE_SHIFT) & 15;
    if (dpl < cpl || dpl < (sel & 3)) {
        x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
    }
    if (type == 5) {
        if (!(e2 & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP_NP, SEL_ERR(sel));
        }
        sel = e1 >> 16;
        task_read_new_tss(env, sel, 0, &e1, &e2);
    } else {
        /* A busy TSS (3/B) is #GP(selector) for JMP and CALL. */
        if (type != 1 && type != 9) {
            x86_raise_exception_err(env, EXCP_GP, SEL_ERR(sel));
        }
        if (!(e2 & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP_NP, SEL_ERR(sel));
        }
    }
    x86_task_switch(env, sel, e1, e2, source, next_eip, 0);
    if (env->rip > env->segs[R_CS].limit) {
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
}

void x86_task_gate_deliver(CPUX86State *env, uint32_t gate_e1, uint32_t ext, uint32_t error_code,
                           bool has_err, uint64_t ret_eip)
{
    uint32_t sel = gate_e1 >> 16, e1, e2;
    task_read_new_tss(env, sel, ext, &e1, &e2);
    x86_task_switch(env, sel, e1, e2, X86_TASK_CALL, ret_eip, ext);
    if (has_err) {
        /* The error code goes on the new task's stack (SDM 6.12.2). */
        X86Stack st = { env->segs[R_SS].base, env->regs[R_ESP],
                        x86_sp_mask(env->segs[R_SS].flags), X86_MMU_KERNEL };
        if ((env->hflags & HF_CPL_MASK) == 3) {
            st.mmu_idx = X86_MMU_USER;
        }
        x86_stack_push(env, &st, error_code, tss_is32(e2) ? 4 : 2);
        x86_set_rsp(env, st.sp, st.mask);
    }
    if (env->rip > env->segs[R_CS].limit) {
        x86_raise_exception_err(env, EXCP_GP, ext);
    }
}

void x86_task_return(CPUX86State *env, uint64_t next_eip)
{
    uint32_t link = tss_ld(env, env->tr.base, MO_16), e1, e2;
    if ((link & 4) || (link & 0xfffc) == 0 || !x86_desc_read(env, link, &e1, &e2)) {
        x86_raise_exception_err(env, EXCP_TS, SEL_ERR(link));
    }
    unsigned type = (e2 >> DESC_TYPE_SHIFT) & 15;
    if ((e2 & DESC_S_MASK) || (type != 3 && type != 0xb)) {
        x86_raise_exception_err(env, EXCP_TS, SEL_ERR(link));
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP_NP, SEL_ERR(link));
    }
    /* The task being left resumes after its IRET when it is entered again. */
    x86_task_switch(env, link, e1, e2, X86_TASK_IRET, next_eip, 0);
    if (env->rip > env->segs[R_CS].limit) {
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
}
