/*
 * excp-helper.c — x86 exception and interrupt delivery (Intel SDM vol. 3A chapter 6; AMD APM
 * vol. 2 chapter 8): real-mode IVT (20.1.4), protected-mode IDT
 * gates (6.10-6.12) with the stack switch from the TSS, VM86 delivery (20.3.1.1), IA-32e
 * 16-byte gates with IST (6.14), error codes (6.13), #DF escalation (table 6-5), shutdown.
 *
 * Invariant: env->old_exception is the vector of the exception whose delivery is in progress
 * (-1 when none, or when a hardware or software interrupt is being delivered: those are benign
 * for table 6-5). A fault while pushing the frame or reading a descriptor raises a new
 * exception from inside the delivery (the raise functions recurse); the inner delivery either
 * succeeds (and resets old_exception) or escalates to #DF and then to a triple fault. Owner
 * vCPU thread only.
 */
#include "target-x86/excp-helper.h"

#include "cpu-exec/exec.h"
#include "cpu-exec/softmmu.h"
#include "system/log.h"
#include "system/runstate.h"
#include "target-x86/seg-helper.h"

/* Table 6-5 classes. */
static bool excp_is_contributory(int vector)
{
    return vector == EXCP_DE || (vector >= EXCP_TS && vector <= EXCP_GP);
}

static int excp_new_cpl_mmu(unsigned cpl)
{
    return cpl == 3 ? X86_MMU_USER : X86_MMU_KERNEL;
}

static uint32_t ld32_kernel(CPUX86State *env, uint64_t addr)
{
    return (uint32_t)cpu_ld_data(cpu_from_env(env), addr, MO_32, X86_MMU_KERNEL);
}

static void excp_log(CPUX86State *env, int vector, int kind, uint32_t error_code, bool has_err)
{
    if (log_enabled(LOG_INT)) {
        tlog("x86 int: vector 0x%02x kind %d err %s0x%x at %04x:%016llx cpl %u rsp %016llx "
             "eflags %08x\n", vector, kind, has_err ? "" : "(none) ", error_code,
             env->segs[R_CS].selector, (unsigned long long)env->rip, env->hflags & HF_CPL_MASK,
             (unsigned long long)env->regs[R_ESP], x86_eflags_get(env));
    }
}

/* Real-address mode (SDM vol. 3A 20.1.4): IVT entry = offset:segment at base + vector * 4. */
static void excp_deliver_real(CPUX86State *env, int vector, uint32_t ext, uint64_t ret_eip)
{
    CPUState *cpu = cpu_from_env(env);
    if ((uint32_t)vector * 4 + 3 > env->idt.limit) {
        x86_raise_exception_err(env, EXCP_GP, (uint32_t)vector * 8 + 2 + ext);
    }
    uint64_t entry = env->idt.base + (uint64_t)vector * 4;
    uint32_t off = (uint32_t)cpu_ld_data(cpu, entry, MO_16, X86_MMU_KERNEL);
    uint32_t sel = (uint32_t)cpu_ld_data(cpu, entry + 2, MO_16, X86_MMU_KERNEL);
    X86Stack st = { env->segs[R_SS].base, env->regs[R_ESP], x86_sp_mask(env->segs[R_SS].flags),
                    X86_MMU_KERNEL };
    x86_stack_push(env, &st, x86_eflags_get(env), 2);
    x86_stack_push(env, &st, env->segs[R_CS].selector, 2);
    x86_stack_push(env, &st, ret_eip, 2);
    x86_set_rsp(env, st.sp, st.mask);
    /* Only selector and base change: the hidden limit/attributes stay (as MOV does). */
    x86_seg_cache_set(env, R_CS, sel, (uint64_t)sel << 4, env->segs[R_CS].limit,
                      env->segs[R_CS].flags);
    env->rip = off;
    x86_eflags_set(env, 0, IF_MASK | TF_MASK | AC_MASK | RF_MASK);
    x86_update_hflags(env);
}

/* Checks common to both gate formats; returns the target CS descriptor in c1, c2. */
static void excp_check_target_cs(CPUX86State *env, uint32_t sel, uint32_t ext, uint32_t *c1,
                                 uint32_t *c2)
{
    if ((sel & 0xfffc) == 0) {
        x86_raise_exception_err(env, EXCP_GP, ext);
    }
    if (!x86_desc_read(env, sel, c1, c2)) {
        x86_raise_exception_err(env, EXCP_GP, (sel & 0xfffc) + ext);
    }
    unsigned cpl = env->hflags & HF_CPL_MASK;
    if (!(*c2 & DESC_S_MASK) || !(*c2 & DESC_CS_MASK) || x86_desc_dpl(*c2) > cpl) {
        x86_raise_exception_err(env, EXCP_GP, (sel & 0xfffc) + ext);
    }
    if (!(*c2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP_NP, (sel & 0xfffc) + ext);
    }
}

/* Protected mode and VM86 (SDM vol. 3A 6.12.1, 20.3.1.1). */
static void excp_deliver_protected(CPUX86State *env, int vector, int kind, uint32_t ext,
                                   uint32_t error_code, bool has_err, uint64_t ret_eip)
{
    uint32_t idt_err = (uint32_t)vector * 8 + 2 + ext;
    if ((uint32_t)vector * 8 + 7 > env->idt.limit) {
        x86_raise_exception_err(env, EXCP_GP, idt_err);
    }
    uint64_t gate = env->idt.base + (uint64_t)vector * 8;
    uint32_t e1 = ld32_kernel(env, gate), e2 = ld32_kernel(env, gate + 4);
    unsigned type = (e2 >> 8) & 0x1f, cpl = env->hflags & HF_CPL_MASK;
    bool soft = kind == X86_INT_SOFT || kind == X86_INT_SOFT_TRAP;
    switch (type) {
    case 0x06: case 0x07: case 0x0e: case 0x0f:
        break;
    case 0x05: /* task gate (SDM 6.11.3, 7.3): checked below, then a task switch */
        break;
    default:
        x86_raise_exception_err(env, EXCP_GP, idt_err);
    }
    if (soft && x86_desc_dpl(e2) < cpl) {
        x86_raise_exception_err(env, EXCP_GP, idt_err);
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP_NP, idt_err);
    }
    if (type == 0x05) {
        x86_task_gate_deliver(env, e1, ext, error_code, has_err, ret_eip);
        return;
    }
    uint32_t sel = e1 >> 16, off = (e2 & 0xffff0000u) | (e1 & 0xffff);
    uint32_t c1, c2;
    excp_check_target_cs(env, sel, ext, &c1, &c2);
    bool vm86 = (env->eflags & VM_MASK) != 0;
    unsigned dpl = x86_desc_dpl(c2), new_cpl = cpl;
    bool inner = !(c2 & DESC_C_MASK) && dpl < cpl;
    if (inner) {
        if (vm86 && dpl != 0) {
            x86_raise_exception_err(env, EXCP_GP, (sel & 0xfffc) + ext);
        }
        new_cpl = dpl;
    } else if (vm86) {
        /* From VM86 the handler must run at CPL 0 on the TSS stack (SDM 20.3.1.1). */
        x86_raise_exception_err(env, EXCP_GP, (sel & 0xfffc) + ext);
    }

    X86Stack st;
    uint32_t ss = 0, s1 = 0, s2 = 0;
    if (inner) {
        uint32_t esp;
        x86_tss_get_stack(env, dpl, ext, &ss, &esp);
        if ((ss & 0xfffc) == 0) {
            x86_raise_exception_err(env, EXCP_TS, ext);
        }
        if ((ss & 3) != dpl || !x86_desc_read(env, ss, &s1, &s2) || x86_desc_dpl(s2) != dpl ||
            !(s2 & DESC_S_MASK) || (s2 & DESC_CS_MASK) || !(s2 & DESC_W_MASK)) {
            x86_raise_exception_err(env, EXCP_TS, (ss & 0xfffc) + ext);
        }
        if (!(s2 & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP_SS, (ss & 0xfffc) + ext);
        }
        st = (X86Stack){ x86_desc_base(s1, s2), esp, x86_sp_mask(s2), excp_new_cpl_mmu(dpl) };
    } else {
        st = (X86Stack){ env->segs[R_SS].base, env->regs[R_ESP],
                         x86_sp_mask(env->segs[R_SS].flags), excp_new_cpl_mmu(cpl) };
    }

    unsigned size = (type & 8) ? 4 : 2;
    uint32_t eflags = x86_eflags_get(env);
    if (inner) {
        if (vm86) {
            x86_stack_push(env, &st, env->segs[R_GS].selector, size);
            x86_stack_push(env, &st, env->segs[R_FS].selector, size);
            x86_stack_push(env, &st, env->segs[R_DS].selector, size);
            x86_stack_push(env, &st, env->segs[R_ES].selector, size);
        }
        x86_stack_push(env, &st, env->segs[R_SS].selector, size);
        x86_stack_push(env, &st, env->regs[R_ESP], size);
    }
    x86_stack_push(env, &st, eflags, size);
    x86_stack_push(env, &st, env->segs[R_CS].selector, size);
    x86_stack_push(env, &st, ret_eip, size);
    if (has_err) {
        x86_stack_push(env, &st, error_code, size);
    }

    /* Commit: nothing below faults except the accessed-bit write-backs. */
    x86_desc_set_accessed(env, sel, &c2);
    if (inner) {
        x86_desc_set_accessed(env, ss, &s2);
        if (vm86) {
            for (int seg = R_ES; seg <= R_GS; seg++) {
                if (seg != R_CS && seg != R_SS) {
                    x86_seg_cache_set(env, seg, 0, 0, 0, 0);
                }
            }
        }
        x86_seg_load_desc(env, R_SS, (ss & 0xfffc) | dpl, s1, s2);
    }
    x86_set_rsp(env, st.sp, st.mask);
    x86_seg_load_desc(env, R_CS, (sel & 0xfffc) | new_cpl, c1, c2);
    env->rip = size == 2 ? (off & 0xffff) : off;
    uint32_t clear = TF_MASK | VM_MASK | RF_MASK | NT_MASK | ((type & 1) ? 0 : IF_MASK);
    x86_eflags_set(env, 0, clear);
    x86_update_hflags(env);
}

/* IA-32e mode (SDM vol. 3A 6.14): 16-byte gates, 64-bit frame with SS:RSP always pushed,
 * RSP aligned to 16, optional IST stack, SS := null(new CPL) on a privilege change. */
static void excp_deliver_long(CPUX86State *env, int vector, int kind, uint32_t ext,
                              uint32_t error_code, bool has_err, uint64_t ret_eip)
{
    uint32_t idt_err = (uint32_t)vector * 8 + 2 + ext;
    if ((uint32_t)vector * 16 + 15 > env->idt.limit) {
        x86_raise_exception_err(env, EXCP_GP, idt_err);
    }
    uint64_t gate = env->idt.base + (uint64_t)vector * 16;
    uint32_t e1 = ld32_kernel(env, gate), e2 = ld32_kernel(env, gate + 4);
    uint32_t e3 = ld32_kernel(env, gate + 8);
    unsigned type = (e2 >> 8) & 0x1f, cpl = env->hflags & HF_CPL_MASK;
    bool soft = kind == X86_INT_SOFT || kind == X86_INT_SOFT_TRAP;
    if (type != 0x0e && type != 0x0f) {
        x86_raise_exception_err(env, EXCP_GP, idt_err);
    }
    if (soft && x86_desc_dpl(e2) < cpl) {
        x86_raise_exception_err(env, EXCP_GP, idt_err);
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP_NP, idt_err);
    }
    uint32_t sel = e1 >> 16, ist = e2 & 7;
    uint64_t off = ((uint64_t)e3 << 32) | (e2 & 0xffff0000u) | (e1 & 0xffff);
    uint32_t c1, c2;
    excp_check_target_cs(env, sel, ext, &c1, &c2);
    if (!(c2 & DESC_L_MASK) || (c2 & DESC_B_MASK)) {
        x86_raise_exception_err(env, EXCP_GP, (sel & 0xfffc) + ext);
    }
    if ((uint64_t)((int64_t)(off << 16) >> 16) != off) {
        x86_raise_exception_err(env, EXCP_GP, ext);
    }
    unsigned dpl = x86_desc_dpl(c2), new_cpl = cpl;
    bool inner = !(c2 & DESC_C_MASK) && dpl < cpl;
    if (inner) {
        new_cpl = dpl;
    }
    uint64_t rsp = env->regs[R_ESP];
    if (ist != 0) {
        /* 64-bit TSS (SDM vol. 3A figure 7-11): RSP0-2 at 4, 12, 20, a reserved quadword at
         * 28, IST1 at 36: slot ist + 3 of x86_tss_get_stack64's 8-byte slots from offset 4. */
        rsp = x86_tss_get_stack64(env, 3 + ist, ext);
    } else if (inner) {
        rsp = x86_tss_get_stack64(env, dpl, ext);
    }
    X86Stack st = { 0, rsp & ~(uint64_t)0xf, ~(uint64_t)0, excp_new_cpl_mmu(new_cpl) };
    x86_stack_push(env, &st, env->segs[R_SS].selector, 8);
    x86_stack_push(env, &st, env->regs[R_ESP], 8);
    x86_stack_push(env, &st, x86_eflags_get(env), 8);
    x86_stack_push(env, &st, env->segs[R_CS].selector, 8);
    x86_stack_push(env, &st, ret_eip, 8);
    if (has_err) {
        x86_stack_push(env, &st, error_code, 8);
    }

    x86_desc_set_accessed(env, sel, &c2);
    if (inner) {
        x86_seg_cache_set(env, R_SS, new_cpl, 0, 0xffffffffu,
                          DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK | DESC_B_MASK |
                              (new_cpl << DESC_DPL_SHIFT));
    }
    env->regs[R_ESP] = st.sp;
    x86_seg_load_desc(env, R_CS, (sel & 0xfffc) | new_cpl, c1, c2);
    env->rip = off;
    uint32_t clear = TF_MASK | VM_MASK | RF_MASK | NT_MASK | ((type & 1) ? 0 : IF_MASK);
    x86_eflags_set(env, 0, clear);
    x86_update_hflags(env);
}

/* Delivers one event; returns when it is on the handler's stack. */
static void excp_deliver(CPUX86State *env, int vector, int kind, uint32_t error_code,
                         bool has_err, uint64_t ret_eip)
{
    uint32_t ext = (kind == X86_INT_SOFT || kind == X86_INT_SOFT_TRAP) ? 0 : 1;
    excp_log(env, vector, kind, error_code, has_err);
    env->old_exception = kind == X86_INT_EXCEPTION ? vector : -1;
    if (!(env->cr[0] & CR0_PE)) {
        excp_deliver_real(env, vector, ext, ret_eip);
    } else if (env->hflags & HF_LMA) {
        excp_deliver_long(env, vector, kind, ext, error_code, has_err, ret_eip);
    } else {
        excp_deliver_protected(env, vector, kind, ext, error_code, has_err, ret_eip);
    }
    env->old_exception = -1;
    env->exception_index = -1;
}

static G_NORETURN void excp_triple_fault(CPUX86State *env)
{
    CPUState *cpu = cpu_from_env(env);
    if (log_enabled(LOG_INT | LOG_GUEST_ERRORS)) {
        tlog("x86: triple fault at %04x:%016llx: machine reset\n", env->segs[R_CS].selector,
             (unsigned long long)env->rip);
    }
    env->old_exception = -1;
    env->exception_index = -1;
    runstate_request_reset();
    cpu_halt(cpu); /* the main loop resets (or, with -no-reboot, shuts down) the machine */
}

static G_NORETURN void excp_raise(CPUX86State *env, int vector, uint32_t error_code,
                                  bool has_err)
{
    int first = env->old_exception;
    if (first == EXCP_DF) {
        /* SDM vol. 3A 6.15 interrupt 8: another exception while calling the #DF handler. */
        excp_triple_fault(env);
    }
    if (first >= 0 && ((excp_is_contributory(first) && excp_is_contributory(vector)) ||
                       (first == EXCP_PF && (vector == EXCP_PF || excp_is_contributory(vector))))) {
        vector = EXCP_DF;
        error_code = 0;
        has_err = true;
    }
    env->exception_index = vector;
    env->error_code = error_code;
    env->exception_has_error_code = has_err;
    /* No error code in real mode (SDM 20.1.4: the IVT frame is FLAGS, CS, IP). */
    excp_deliver(env, vector, X86_INT_EXCEPTION, error_code,
                 has_err && (env->cr[0] & CR0_PE), env->rip);
    cpu_loop_exit(cpu_from_env(env));
}

G_NORETURN void x86_raise_exception(CPUX86State *env, int vector)
{
    excp_raise(env, vector, 0, false);
}

G_NORETURN void x86_raise_exception_err(CPUX86State *env, int vector, uint32_t error_code)
{
    excp_raise(env, vector, error_code, true);
}

G_NORETURN void x86_raise_interrupt(CPUX86State *env, int vector, int kind, uint64_t next_eip)
{
    /* INT n in VM86 is IOPL-sensitive (SDM vol. 2 INT n; VME redirection not implemented). */
    if (kind == X86_INT_SOFT && (env->eflags & VM_MASK) &&
        ((env->eflags & IOPL_MASK) >> IOPL_SHIFT) < 3) {
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
    env->old_exception = -1;
    excp_deliver(env, vector, kind, 0, false, next_eip);
    cpu_loop_exit(cpu_from_env(env));
}

void x86_do_interrupt_hw(CPUX86State *env, int vector)
{
    env->old_exception = -1;
    excp_deliver(env, vector, X86_INT_HW, 0, false, env->rip);
}

G_NORETURN void helper_raise_exception(CPUX86State *env, uint32_t vector)
{
    x86_raise_exception(env, (int)vector);
}

G_NORETURN void helper_raise_exception_err(CPUX86State *env, uint32_t vector, uint32_t code)
{
    x86_raise_exception_err(env, (int)vector, code);
}

G_NORETURN void helper_raise_interrupt(CPUX86State *env, uint32_t vector, uint32_t kind,
                                       uint64_t next_eip)
{
    x86_raise_interrupt(env, (int)vector, (int)kind, next_eip);
}
