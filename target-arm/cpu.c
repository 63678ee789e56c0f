/*
 * cpu.c — AArch64 CPU models, creation, reset and the arch hooks cpu-exec calls (TB key, wake
 * rules, taking interrupts, register dump). Address translation is in mmu.c, exception entry
 * in exception.c. Reset and every hook run on the owner vCPU thread; arm_cpu_new runs on the
 * main thread before the vCPU thread starts; arm_cpu_set_irq runs on any thread.
 */
#include "target-arm/cpu.h"

#include <capstone/capstone.h>
#include <glib.h>
#include <inttypes.h>
#include <string.h>

#include "cpu-exec/cpu-power.h"
#include "cpu-exec/exec.h"
#include "cpu-exec/softmmu.h"
#include "target-arm/gtimer.h"
#include "target-arm/internals.h"
#include "target-arm/translate.h"

_Static_assert(offsetof(ARMCPU, env) == CPU_ENV_OFFSET, "env must sit at CPU_ENV_OFFSET");

/*
 * ID register values (ARM ARM D17.2; Cortex-A57 TRM 4.3, Cortex-A53 TRM 4.3), cut down to what
 * Tandem implements: AArch64 only at EL0 and EL1 (ID_AA64PFR0 EL0 = EL1 = 1, no EL2/EL3, FP and
 * AdvSIMD = 0: implemented), no PMU, the minimum of two breakpoints and two watchpoints, CRC32
 * but no cryptographic extensions, 44-bit PA, 16-bit ASIDs, 4K and 64K granules (16K and PAN
 * only on max), little-endian only. MIDR/REVIDR/cache geometry as the TRMs (and QEMU) give.
 */
#define PFR0_BASE 0x0000000000000011ull /* EL1 [7:4] = 1, EL0 [3:0] = 1; FP, AdvSIMD = 0 */
#define DFR0_BASE 0x0000000000101006ull /* CTX_CMPs 0 (1), WRPs 1 (2), BRPs 1 (2), DebugVer 6 */
#define ISAR0_BASE 0x0000000000010000ull /* CRC32 [19:16] = 1 */
#define ISAR0_LSE 0x0000000000200000ull  /* Atomic [23:20] = 2: FEAT_LSE (max only) */

static const ARMCPUModel arm_models[] = {
    {
        .name = "cortex-a57", .midr = 0x411fd070, .dt_compatible = "arm,cortex-a57",
        .id_aa64pfr0 = PFR0_BASE, .id_aa64dfr0 = DFR0_BASE, .id_aa64isar0 = ISAR0_BASE,
        /* PARange 4 (44 bits), ASIDBits 2 (16), TGran16 [23:20] = 0 (not supported),
         * TGran64 [27:24] = 0 and TGran4 [31:28] = 0 (supported). */
        .id_aa64mmfr0 = 0x0000000000000024ull,
        .revidr = 0, .clidr = 0x0a200023, .ctr = 0x8444c004,
        .ccsidr = {0x701fe00a, 0x201fe012, 0x70ffe07a, 0},
    },
    {
        .name = "cortex-a53", .midr = 0x410fd034, .dt_compatible = "arm,cortex-a53",
        .id_aa64pfr0 = PFR0_BASE, .id_aa64dfr0 = DFR0_BASE, .id_aa64isar0 = ISAR0_BASE,
        .id_aa64mmfr0 = 0x0000000000000024ull,
        .revidr = 0, .clidr = 0x0a200023, .ctr = 0x84448004,
        .ccsidr = {0x700fe01a, 0x201fe00a, 0x707fe07a, 0},
    },
    {
        /* Everything Tandem implements: the 16K granule (TGran16 = 1), PAN (MMFR1 [23:20]) and the
         * LSE atomics (ISAR0.Atomic = 2). */
        .name = "max", .midr = 0x411fd070, .dt_compatible = "arm,cortex-a57",
        .id_aa64pfr0 = PFR0_BASE, .id_aa64dfr0 = DFR0_BASE,
        .id_aa64isar0 = ISAR0_BASE | ISAR0_LSE,
        .id_aa64mmfr0 = 0x0000000000100024ull, .id_aa64mmfr1 = 0x0000000000100000ull,
        .revidr = 0, .clidr = 0x0a200023, .ctr = 0x8444c004,
        .ccsidr = {0x701fe00a, 0x201fe012, 0x70ffe07a, 0},
        .has_pan = true, .has_16k = true,
    },
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

/* Everything a reset does except choosing the power state: a core that PSCI CPU_ON or
 * CPU_SUSPEND power-down restarts stays ON_PENDING / ON throughout (another CPU may read it
 * with AFFINITY_INFO or race a CPU_ON compare-and-swap meanwhile), so only a machine or
 * CPU reset goes through the reset power state. */
static void arm_cpu_reset_core(CPUState *cpu)
{
    ARMCPU *acpu = arm_cpu(cpu);
    CPUARMState *env = &acpu->env;
    uint32_t semihosting = env->semihosting;
    memset(env, 0, sizeof(*env));
    env->semihosting = semihosting;
    env->midr = acpu->model->midr;
    env->mpidr = acpu->mpidr;
    env->cntfrq = 62500000;
    env->daif = 0xf << 6; /* all exceptions masked out of reset */
    env->exclusive_addr = ~0ull;
    env->el = acpu->boot_el;
    env->spsel = 1; /* EL1h, as Linux booting.rst and QEMU's direct kernel boot enter */
    env->pc = acpu->boot_entry;
    env->xregs[0] = acpu->boot_x0;
    env->ZF = 1; /* Z clear */
    /* SCTLR_EL1 reset: MMU and caches off, RES1 bits set (D17.2.118). */
    env->sctlr_el1 = 0x30d00800;
    arm_rebuild_tb_flags(env);
    env->oslsr_el1 = 0xa; /* OS lock implemented and locked out of a cold reset */
    cpu_power_reset_common(cpu);
    arm_gtimer_reset(acpu);
    atomic_store(&acpu->event_register, false); /* UNKNOWN out of reset (D1.16.1): clear */
    tlb_flush(cpu);
}

static void arm_cpu_reset(CPUState *cpu)
{
    arm_cpu_reset_core(cpu);
    atomic_store(&cpu->power_state,
                 arm_cpu(cpu)->start_powered_off ? CPU_POWER_OFF : CPU_POWER_ON);
}

/* A core released by PSCI CPU_ON or a power controller comes out of reset at entry with
 * x0 = context, at EL1 with the MMU off (DEN 0022 6.4.3). */
static void arm_cpu_start_at(CPUState *cpu, uint64_t entry, uint64_t context)
{
    arm_cpu_reset_core(cpu);
    CPUARMState *env = &arm_cpu(cpu)->env;
    env->pc = entry;
    env->xregs[0] = context;
}

void arm_cpu_set_boot_info(ARMCPU *cpu, uint64_t entry, uint64_t x0, int el)
{
    cpu->boot_entry = entry;
    cpu->boot_x0 = x0;
    cpu->boot_el = (uint32_t)el;
}

#define SCTLR_A (1ull << 1)
#define SCTLR_UMA (1ull << 9)
#define SCTLR_DZE (1ull << 14)
#define SCTLR_UCT (1ull << 15)
#define SCTLR_NTWI (1ull << 16)
#define SCTLR_NTWE (1ull << 18)
#define SCTLR_UCI (1ull << 26)

/* The part of the TB flags that depends on SCTLR_EL1 and CPACR_EL1, for code running at el. */
static uint32_t arm_tb_flags_regs(const CPUARMState *env, unsigned el)
{
    uint32_t f = 0;
    uint64_t sctlr = env->sctlr_el1;
    /* CPACR_EL1.FPEN (D17.2.30): 0b01 traps EL0 only, 0b00 and 0b10 trap EL0 and EL1. */
    unsigned fpen = (env->cpacr_el1 >> 20) & 3;
    if (fpen != 3 && !(fpen == 1 && el == 1)) {
        f |= ARM_TBFLAG_FPTRAP;
    }
    /* Alignment checks: SCTLR_EL1.A. With the MMU off data accesses are to Device memory,
     * where the ARM ARM (B2.5.2, D8.2.11) makes every unaligned access fault; QEMU 7.2 (the
     * oracle, and what users come from) does not check that, and gcc-compiled bare-metal C
     * emits unaligned accesses freely, so Tandem follows QEMU here (docs/known-issues.md). */
    if (sctlr & SCTLR_A) {
        f |= ARM_TBFLAG_ALIGN;
    }
    f |= (sctlr & SCTLR_UMA) ? ARM_TBFLAG_UMA : 0;
    f |= (sctlr & SCTLR_UCT) ? ARM_TBFLAG_UCT : 0;
    f |= (sctlr & SCTLR_DZE) ? ARM_TBFLAG_DZE : 0;
    f |= (sctlr & SCTLR_UCI) ? ARM_TBFLAG_UCI : 0;
    f |= (sctlr & SCTLR_NTWI) ? ARM_TBFLAG_NTWI : 0;
    f |= (sctlr & SCTLR_NTWE) ? ARM_TBFLAG_NTWE : 0;
    return f;
}

void arm_rebuild_tb_flags(CPUARMState *env)
{
    env->tb_flags_el[0] = arm_tb_flags_regs(env, 0);
    env->tb_flags_el[1] = arm_tb_flags_regs(env, 1);
}

static void arm_get_tb_key(CPUState *cpu, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    CPUARMState *env = &arm_cpu(cpu)->env;
    *pc = env->pc;
    *cs_base = 0;
    *flags = arm_tb_flags(env);
}

static int arm_fetch_mmu_idx(CPUState *cpu, uint32_t tb_flags)
{
    (void)cpu;
    /* Instruction fetches use the EL's index: PAN restricts data accesses only. */
    return (tb_flags & ARM_TBFLAG_EL_MASK) == 0 ? ARM_MMU_IDX_EL0 : ARM_MMU_IDX_EL1;
}

static const uint32_t arm_irq_bits[] = {
    [ARM_CPU_IRQ] = CPU_INTERRUPT_HARD,
    [ARM_CPU_FIQ] = CPU_INTERRUPT_FIQ,
    [ARM_CPU_VIRQ] = CPU_INTERRUPT_VIRQ,
    [ARM_CPU_VFIQ] = CPU_INTERRUPT_VFIQ,
};

void arm_cpu_set_irq(void *opaque, int line, int level)
{
    CPUState *cpu = &((ARMCPU *)opaque)->parent;
    g_assert(line >= 0 && line < (int)G_N_ELEMENTS(arm_irq_bits));
    uint32_t bit = arm_irq_bits[line];
    if (level) {
        atomic_fetch_or(&cpu->interrupt_request, bit);
        cpu_kick(cpu); /* wakes a WFI; the owner decides whether to take it */
    } else {
        atomic_fetch_and(&cpu->interrupt_request, ~bit);
    }
}

static bool arm_has_work(CPUState *cpu)
{
    /* WFI wakes on any pending IRQ/FIQ/SError even if PSTATE masks it (ARM ARM D1.16.2). */
    return (atomic_load(&cpu->interrupt_request) &
            (CPU_INTERRUPT_HARD | CPU_INTERRUPT_FIQ | CPU_INTERRUPT_SERROR |
             CPU_INTERRUPT_VIRQ | CPU_INTERRUPT_VFIQ)) != 0;
}

/* Takes an unmasked pending physical interrupt at this instruction boundary (D1.16: the
 * priority is SError, then FIQ... all are taken to EL1 here; FIQ before IRQ). Virtual
 * interrupts need EL2 and are never taken. */
static bool arm_exec_interrupt(CPUState *cpu, uint32_t request)
{
    CPUARMState *env = &arm_cpu(cpu)->env;
    ARMExceptionKind kind;
    if ((request & CPU_INTERRUPT_SERROR) && !(env->daif & (1u << 8))) {
        atomic_fetch_and(&cpu->interrupt_request, ~(uint32_t)CPU_INTERRUPT_SERROR);
        kind = ARM_EXCP_SERROR;
    } else if ((request & CPU_INTERRUPT_FIQ) && !(env->daif & (1u << 6))) {
        kind = ARM_EXCP_FIQ;
    } else if ((request & CPU_INTERRUPT_HARD) && !(env->daif & (1u << 7))) {
        kind = ARM_EXCP_IRQ;
    } else {
        return false;
    }
    /* SError syndrome: IDS = 0, AET/DFSC "uncategorized" (ISS 0). */
    arm_take_exception(env, kind, (uint32_t)EC_SERROR << 26 | ESR_IL, 0, false, env->pc);
    return true;
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

/* arm_tlb_fill, arm_bus_error, arm_unaligned_access: mmu.c */
bool arm_tlb_fill(CPUState *cpu, uint64_t vaddr, int access, int mmu_idx, uint64_t *paddr,
                  int *prot, bool probe);
G_NORETURN void arm_bus_error(CPUState *cpu, uint64_t vaddr, uint64_t paddr, int access);
G_NORETURN void arm_unaligned_access(CPUState *cpu, uint64_t vaddr, int access, int mmu_idx);

const CPUArchOps arm_arch_ops = {
    .name = "aarch64",
    .get_tb_key = arm_get_tb_key,
    .translate = arm_translate,
    .has_work = arm_has_work,
    .exec_interrupt = arm_exec_interrupt,
    .reset = arm_cpu_reset,
    .start_at = arm_cpu_start_at,
    .dump_state = arm_dump_state,
    .tlb_fill = arm_tlb_fill,
    .fetch_mmu_idx = arm_fetch_mmu_idx,
    .bus_error = arm_bus_error,
    .unaligned_access = arm_unaligned_access,
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
    /* MPIDR: bit 31 RES1; Aff0 = cpu index within a cluster of up to 8 (Aff1 = cluster),
     * QEMU's virt layout for GICv2-sized clusters. */
    acpu->mpidr = (1ull << 31) | (uint64_t)((index / 8) << 8) | (uint64_t)(index % 8);
    g_mutex_init(&cpu->lock);
    g_cond_init(&cpu->cond);
    g_queue_init(&cpu->work);
    arm_gtimer_new(acpu);
    arm_cpu_reset(cpu);
    return acpu;
}
