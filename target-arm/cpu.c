/*
 * cpu.c — AArch64 CPU models, creation, reset and the arch hooks cpu-exec calls (TB key, wake
 * rules, register dump, address translation). Reset and every hook run on the owner vCPU
 * thread; arm_cpu_new runs on the main thread before the vCPU thread starts.
 */
#include "target-arm/cpu.h"

#include <capstone/capstone.h>
#include <glib.h>
#include <inttypes.h>
#include <string.h>

#include "cpu-exec/exec.h"
#include "target-arm/translate.h"

_Static_assert(offsetof(ARMCPU, env) == CPU_ENV_OFFSET, "env must sit at CPU_ENV_OFFSET");

/* MIDR values: ARM Cortex-A57/A53 TRMs (r1p0 / r0p4, as QEMU's models report). */
static const ARMCPUModel arm_models[] = {
    {"cortex-a57", 0x411fd070, "arm,cortex-a57"},
    {"cortex-a53", 0x410fd034, "arm,cortex-a53"},
    {"max", 0x411fd070, "arm,cortex-a57"},
};

const ARMCPUModel *arm_cpu_model_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(arm_models); i++) {
        if (strcmp(arm_models[i].name, name) == 0) {
            return &arm_models[i];
        }
    }
    return NULL;
}

void arm_cpu_models_list(FILE *out)
{
    for (size_t i = 0; i < G_N_ELEMENTS(arm_models); i++) {
        fprintf(out, "  %s\n", arm_models[i].name);
    }
}

static void arm_cpu_reset(CPUState *cpu)
{
    ARMCPU *acpu = arm_cpu(cpu);
    CPUARMState *env = &acpu->env;
    uint32_t semihosting = env->semihosting;
    memset(env, 0, sizeof(*env));
    env->semihosting = semihosting;
    env->midr = acpu->model->midr;
    /* MPIDR: bit 31 RES1; Aff0 = cpu index within a cluster of up to 8 (Aff1 = cluster),
     * QEMU's virt layout for GICv2-sized clusters. */
    env->mpidr = (1ull << 31) | (uint64_t)((cpu->cpu_index / 8) << 8) | (uint64_t)(cpu->cpu_index % 8);
    env->cntfrq = 62500000;
    env->daif = 0xf << 6; /* all exceptions masked out of reset */
    env->exclusive_addr = ~0ull;
    env->el = acpu->boot_el;
    env->pc = acpu->boot_entry;
    env->xregs[0] = acpu->boot_x0;
    env->ZF = 1; /* Z clear */
    cpu->halted = false;
}

void arm_cpu_set_boot_info(ARMCPU *cpu, uint64_t entry, uint64_t x0, int el)
{
    cpu->boot_entry = entry;
    cpu->boot_x0 = x0;
    cpu->boot_el = (uint32_t)el;
}

static void arm_get_tb_key(CPUState *cpu, uint64_t *pc, uint32_t *flags)
{
    CPUARMState *env = &arm_cpu(cpu)->env;
    *pc = env->pc;
    *flags = env->el & 3;
}

static int arm_fetch_mmu_idx(CPUState *cpu, uint32_t tb_flags)
{
    (void)cpu;
    return (int)(tb_flags & 3); /* one MMU index per EL, as the translator uses */
}

static bool arm_has_work(CPUState *cpu)
{
    /* WFI wakes on any pending IRQ/FIQ/SError even if PSTATE masks it (ARM ARM D1.16.2). */
    return (atomic_load(&cpu->interrupt_request) &
            (CPU_INTERRUPT_HARD | CPU_INTERRUPT_FIQ | CPU_INTERRUPT_SERROR |
             CPU_INTERRUPT_VIRQ | CPU_INTERRUPT_VFIQ)) != 0;
}

static bool arm_exec_interrupt(CPUState *cpu, uint32_t request)
{
    (void)cpu;
    (void)request;
    return false; /* exception entry arrives with the GIC (issue 4) */
}

static void arm_dump_state(CPUState *cpu, FILE *out)
{
    CPUARMState *env = &arm_cpu(cpu)->env;
    fprintf(out, "PC=%016" PRIx64 " SP=%016" PRIx64 " EL%u\n", env->pc, env->xregs[31], env->el);
    for (int i = 0; i < 31; i++) {
        fprintf(out, "X%02d=%016" PRIx64 "%s", i, env->xregs[i], (i % 4 == 3) ? "\n" : " ");
    }
    fprintf(out, "\nPSTATE: %c%c%c%c\n", (env->NF >> 63) ? 'N' : '-', env->ZF == 0 ? 'Z' : '-',
            env->CF ? 'C' : '-', (env->VF >> 63) ? 'V' : '-');
}

static bool arm_tlb_fill(CPUState *cpu, uint64_t vaddr, int access, int mmu_idx, uint64_t *paddr,
                         int *prot, bool probe)
{
    (void)cpu;
    (void)access;
    (void)mmu_idx;
    (void)probe;
    /* MMU off (SCTLR_EL1.M = 0): flat mapping, every access allowed (ARM ARM D8.2.11). The
     * stage 1 walk arrives with the system architecture (issue 4). */
    *paddr = vaddr & TARGET_PAGE_MASK;
    *prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
    return true;
}

static G_NORETURN void arm_bus_error(CPUState *cpu, uint64_t vaddr, uint64_t paddr, int access)
{
    static const char *const kinds[] = {"load from", "store to", "instruction fetch from"};
    cpu_fatal(cpu, "%s unmapped physical address 0x%" PRIx64 " (virtual 0x%" PRIx64
              "): external abort", kinds[access], paddr, vaddr);
}

const CPUArchOps arm_arch_ops = {
    .name = "aarch64",
    .get_tb_key = arm_get_tb_key,
    .translate = arm_translate,
    .has_work = arm_has_work,
    .exec_interrupt = arm_exec_interrupt,
    .reset = arm_cpu_reset,
    .dump_state = arm_dump_state,
    .tlb_fill = arm_tlb_fill,
    .fetch_mmu_idx = arm_fetch_mmu_idx,
    .bus_error = arm_bus_error,
    .cs_arch = CS_ARCH_ARM64,
    .cs_mode = CS_MODE_ARM,
    .pc_offset = (int32_t)offsetof(CPUARMState, pc),
};

ARMCPU *arm_cpu_new(const ARMCPUModel *model, int index)
{
    ARMCPU *acpu = g_aligned_alloc0(1, sizeof(ARMCPU), 64);
    CPUState *cpu = &acpu->parent;
    cpu->cpu_index = index;
    cpu->env_ptr = &acpu->env;
    cpu->arch = &arm_arch_ops;
    acpu->model = model;
    g_mutex_init(&cpu->lock);
    g_cond_init(&cpu->cond);
    g_queue_init(&cpu->work);
    arm_cpu_reset(cpu);
    return acpu;
}
