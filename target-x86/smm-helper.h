/*
 * smm-helper.h — System Management Mode for the x86 CPU: SMI entry (state save at
 * SMBASE+0xFE00 in the AMD64 layout) and RSM.
 *
 * Owner vCPU thread only: x86_smm_enter runs from exec_interrupt at an instruction boundary,
 * helper_rsm from generated code. The save area is reached through the SMM view of physical
 * memory (x86_smm_as), so SMRAM that is closed to ordinary accesses is still visible here.
 */
#ifndef TANDEM_TARGET_X86_SMM_HELPER_H
#define TANDEM_TARGET_X86_SMM_HELPER_H

#include <stdbool.h>
#include <stdint.h>

#include "target-x86/cpu.h"

/* SMM revision identifier of the AMD64 save-state map with SMBASE relocation (bit 17). */
#define X86_SMM_REVISION 0x00020064u
/* Offsets from SMBASE (AMD64 APM vol. 2, 10.2.3, table 10-2). */
#define X86_SMM_ENTRY 0x8000u
#define X86_SMM_SAVE_BASE 0xfe00u

/* Enters SMM: saves the state at SMBASE+0xFE00, switches to the SMM execution environment at
 * SMBASE+0x8000 (SDM vol. 3C 32.5.1). env->rip is the next instruction; auto_halt says the CPU
 * was in HLT when the SMI came (saved in the auto-HALT restart byte). */
void x86_smm_enter(CPUX86State *env, bool auto_halt);
/* RSM (0F AA): #UD outside SMM; restores the saved state and leaves SMM. Ends with
 * cpu_loop_exit so that pending events are seen at the next boundary. */
G_NORETURN void helper_rsm(CPUX86State *env);
/* The physical address space SMM code sees (the SMM view when the board has one). */
struct AddressSpace *x86_smm_as(CPUState *cpu);

#endif
