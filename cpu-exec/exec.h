/*
 * exec.h — what cpu-exec offers the rest of Tandem: start-up, the per-vCPU execution loop,
 * TB lookup for indirect branches, and the generic tail of a translation (goto_tb / lookup).
 * cpu_exec() and everything it calls run on the owner vCPU thread.
 */
#ifndef TANDEM_CPU_EXEC_EXEC_H
#define TANDEM_CPU_EXEC_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu-exec/cpu.h"
#include "cpu-exec/tb.h"
#include "tcg/backend.h"
#include "tcg/ir.h"

/* Chooses the backend, maps the code buffer, registers generic helpers (lookup_tb_ptr,
 * softmmu slow paths). Call after the target registered its globals/helpers, then
 * backend->init() is called from here. Returns false with a message printed. */
bool cpu_exec_init_all(const Backend *backend, int max_vcpus);
const Backend *cpu_exec_backend(void);

/* Why cpu_exec() returned. */
enum {
    EXCP_INTERRUPT = 0x10000, /* kicked: exit word set (work, stop, interrupt request) */
    EXCP_HALTED,              /* the guest halted (WFI/HLT): owner set cpu->halted */
};

/* Prepares cpu for executing on the calling thread (jump cache, IR scratch, code region). */
void cpu_exec_vcpu_init(CPUState *cpu);
/* Runs guest code until the exit word is set or the CPU halts. */
int cpu_exec(CPUState *cpu);

/* Marks the CPU halted and leaves generated code (WFI/HLT helpers; owner thread). */
G_NORETURN void cpu_halt(CPUState *cpu);

/* Helper index of helper_lookup_tb_ptr(env) -> host code pointer, for indirect branches. */
extern int g_helper_lookup_tb_ptr;

/*
 * Ends a TB with a direct jump through slot n to the TB at guest pc dest. The pc global is
 * stored only on the unchained path: a chained jump lands in a TB that starts at dest, and
 * cpu_exec restores the pc of a TB that refuses to run (TB_EXIT_REQUESTED).
 */
static inline void gen_goto_tb_slot(IRFunc *f, int slot, IRTemp pc, uint64_t dest)
{
    ir_goto_tb(f, slot);
    ir_movi(f, IR_I64, pc, dest);
    ir_exit_tb(f, (uintptr_t)f->tb | (uintptr_t)slot);
}

/*
 * Ends a TB by jumping to the TB for pc, the guest pc just stored in env (indirect branches,
 * direct ones that leave the page). Generated code probes the vCPU's jump cache itself for a TB
 * with this TB's flags and calls helper_lookup_tb_ptr only on a miss, so the decode flags must
 * not have changed since the start of the TB (a state change ends the TB through cpu_exec).
 */
void gen_lookup_and_goto_ptr(IRFunc *f, IRTemp pc);

/* Flushes every TB and all jump caches (safe work; all vCPUs outside generated code). */
void tb_flush_all(void);
/* Invalidates every TB that covers guest physical [start, end). Any thread. */
void tb_invalidate_phys_range(uint64_t start, uint64_t end);

#endif
