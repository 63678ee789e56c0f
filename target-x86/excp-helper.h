/*
 * excp-helper.h — x86 exception and interrupt delivery (Intel SDM vol. 3A chapter 6): real-mode
 * IVT, protected-mode IDT gates with privilege/stack switch, VM86 delivery, IA-32e 16-byte
 * gates with IST, error codes (6.13), #DF escalation (table 6-5) and triple fault (reset).
 *
 * Owner vCPU thread only. The raise functions deliver the event at once and leave through
 * cpu_loop_exit(); a fault while delivering recurses into them (env->old_exception says what
 * was being delivered, see excp-helper.c). They must be called with env->rip = the eip of the
 * current instruction (faults push it; traps and INT n push next_eip).
 * IDT task gates switch tasks through seg-task.c (x86_task_gate_deliver).
 * Not implemented: CR4.VME/PVI virtual-interrupt redirection in VM86, SMM, VMX.
 */
#ifndef TANDEM_TARGET_X86_EXCP_HELPER_H
#define TANDEM_TARGET_X86_EXCP_HELPER_H

#include <stdint.h>

#include "target-x86/cpu.h"

/* Exception vectors (SDM vol. 3A table 6-1). */
enum {
    EXCP_DE = 0, EXCP_DB = 1, EXCP_NMI = 2, EXCP_BP = 3, EXCP_OF = 4, EXCP_BR = 5,
    EXCP_UD = 6, EXCP_NM = 7, EXCP_DF = 8, EXCP_TS = 10, EXCP_NP = 11, EXCP_SS = 12,
    EXCP_GP = 13, EXCP_PF = 14, EXCP_MF = 16, EXCP_AC = 17, EXCP_MC = 18, EXCP_XM = 19,
};

/* What kind of event a vector is delivered as (decides DPL check, EXT bit, pushed eip). */
typedef enum X86IntKind {
    X86_INT_EXCEPTION, /* fault/abort raised by the CPU: pushes env->rip, EXT = 1 */
    X86_INT_HW,        /* INTR / NMI: pushes env->rip (next instruction), EXT = 1 */
    X86_INT_SOFT,      /* INT n (CD ib): gate DPL >= CPL, VM86 needs IOPL = 3, EXT = 0 */
    X86_INT_SOFT_TRAP, /* INT3 (CC), INTO (CE): gate DPL >= CPL, no IOPL check in VM86 */
    X86_INT_ICEBP,     /* INT1 (F1): no DPL check, EXT = 1 (SDM 6.13, "privileged software") */
} X86IntKind;

/* Fault/abort @vector without error code (#DE #DB(fault) #UD #NM #MF #XM #BR ...). */
G_NORETURN void x86_raise_exception(CPUX86State *env, int vector);
/* Fault @vector with an error code (pushed in protected and long mode, not in real mode). */
G_NORETURN void x86_raise_exception_err(CPUX86State *env, int vector, uint32_t error_code);
/* Software interrupt: INT n (X86_INT_SOFT), INT3/INTO (X86_INT_SOFT_TRAP), INT1
 * (X86_INT_ICEBP), and trap-type exceptions such as #DB after an instruction (X86_INT_ICEBP
 * semantics: no DPL check). The return address pushed is @next_eip. */
G_NORETURN void x86_raise_interrupt(CPUX86State *env, int vector, int kind, uint64_t next_eip);
/* Hardware interrupt or NMI taken at an instruction boundary (env->rip = next instruction).
 * Returns normally after delivery; a fault during delivery leaves through cpu_loop_exit. */
void x86_do_interrupt_hw(CPUX86State *env, int vector);

/* Translator helpers (IR_CALL_MAY_RAISE; env->rip = current instruction, any cc_op):
 * helper_raise_exception(env, vector), helper_raise_exception_err(env, vector, code),
 * helper_raise_interrupt(env, vector, kind, next_eip) (INT n: kind X86_INT_SOFT, INT3:
 * X86_INT_SOFT_TRAP vector 3, INTO when OF=1: X86_INT_SOFT_TRAP vector 4, INT1: X86_INT_ICEBP
 * vector 1). */
G_NORETURN void helper_raise_exception(CPUX86State *env, uint32_t vector);
G_NORETURN void helper_raise_exception_err(CPUX86State *env, uint32_t vector, uint32_t code);
G_NORETURN void helper_raise_interrupt(CPUX86State *env, uint32_t vector, uint32_t kind,
                                       uint64_t next_eip);

#endif
