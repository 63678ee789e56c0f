/*
 * misc-helper.h — C helpers for the x86 system instructions called from generated code:
 * RDMSR/WRMSR, MOV to/from CR0/CR2/CR3/CR4/CR8, LMSW, CLTS, INVLPG, RDTSC/RDTSCP,
 * SYSCALL/SYSRET, SYSENTER/SYSEXIT, HLT, PAUSE (CPUID is in cpuid.h).
 * All run on the owner vCPU thread with env->rip = the eip of the instruction (the translator
 * stores it before every helper flagged IR_CALL_MAY_RAISE); the ones that change control flow
 * set env->rip themselves. Privilege (CPL > 0 -> #GP(0)) is checked here, not by the translator.
 */
#ifndef TANDEM_TARGET_X86_MISC_HELPER_H
#define TANDEM_TARGET_X86_MISC_HELPER_H

#include <stdbool.h>
#include <stdint.h>

#include "target-x86/cpu.h"

/* ---- MSRs (ECX = index, EDX:EAX = value; SDM vol. 4) ---- */
void helper_rdmsr(CPUX86State *env);
void helper_wrmsr(CPUX86State *env);

/*
 * The local APIC's side of MSRs and CR8 (target-x86/cpu-apic.c installs it in
 * x86_cpu_apic_create when the board creates the APIC; NULL members, or no hooks at all, mean "no APIC device"): x2APIC MSRs 0x800-0x8ff and
 * IA32_TSC_DEADLINE go to msr_read/msr_write (false -> #GP(0)); apic_base_changed runs after
 * IA32_APIC_BASE took a new (already validated) value; CR8 is TPR[7:4] (SDM vol. 3A 10.8.6.1).
 * Called on the owner vCPU thread.
 */
typedef struct X86APICHooks {
    bool (*msr_read)(X86CPU *cpu, uint32_t msr, uint64_t *value);
    bool (*msr_write)(X86CPU *cpu, uint32_t msr, uint64_t value);
    void (*apic_base_changed)(X86CPU *cpu, uint64_t old_value);
    uint8_t (*tpr_read)(X86CPU *cpu);
    void (*tpr_write)(X86CPU *cpu, uint8_t tpr);
} X86APICHooks;
extern const X86APICHooks *x86_apic_hooks;

/* Validated MSR access without the exception (also for loaders, the APIC, tests): returns
 * false where RDMSR/WRMSR would raise #GP(0). */
bool x86_msr_read(X86CPU *cpu, uint32_t msr, uint64_t *value);
bool x86_msr_write(X86CPU *cpu, uint32_t msr, uint64_t value);

/* ---- control registers (SDM vol. 3A 2.5, vol. 2B MOV CR) ----
 * n = 0, 2, 3, 4 or 8; any other n raises #UD (the translator may check that earlier). */
uint64_t helper_read_cr(CPUX86State *env, uint32_t n);
void helper_write_cr(CPUX86State *env, uint32_t n, uint64_t value);
void helper_lmsw(CPUX86State *env, uint32_t value);
void helper_clts(CPUX86State *env);
void helper_invlpg(CPUX86State *env, uint64_t linear);

/* ---- time stamp counter ---- */
void helper_rdtsc(CPUX86State *env);
void helper_rdtscp(CPUX86State *env);

/* ---- fast system calls (SDM vol. 2B; AMD APM vol. 3) ----
 * dflag: operand size as a MemOp, MO_32 or MO_64 (REX.W) for SYSRET/SYSEXIT. */
void helper_syscall(CPUX86State *env, uint64_t next_eip);
void helper_sysret(CPUX86State *env, uint32_t dflag);
void helper_sysenter(CPUX86State *env);
void helper_sysexit(CPUX86State *env, uint32_t dflag);

/* ---- HLT, PAUSE ---- */
G_NORETURN void helper_hlt(CPUX86State *env, uint64_t next_eip);
void helper_pause(CPUX86State *env);

/* Exception delivery lives in target-x86/excp-helper.c (helper "sys"); declared here until
 * its header is in the tree (identical prototypes, so both may be seen together). */
G_NORETURN void x86_raise_exception(CPUX86State *env, int vector);
G_NORETURN void x86_raise_exception_err(CPUX86State *env, int vector, uint32_t error_code);

#endif
