/*
 * cpu-apic.c — an X86CPU's side of its local APIC (cpu-apic.h).
 * The link: the APIC raises and drops CPU_INTERRUPT_HARD as a level (a fixed interrupt above
 * PPR, or ExtINT from the 8259) and NMI/SMI/INIT/SIPI as edges; the CPU consumes the edges
 * (cpu.c x86_exec_interrupt) and takes vectors with apic_get_interrupt (the board's
 * X86CPU.get_interrupt).
 * The hooks: IA32_APIC_BASE (MSR 0x1b, validated by misc-helper.c first), the x2APIC MSRs
 * 0x800-0x8ff, IA32_TSC_DEADLINE (0x6e0) and CR8 = TPR[7:4] (SDM vol. 3A 10.8.6.1). A CPU
 * without a device (cpu->apic NULL) keeps misc-helper's "no APIC" behaviour through a NULL
 * hook table only, so all CPUs of a machine either have an APIC or none does.
 * Threads: the link runs on any thread with the device lock held (it only touches the atomic
 * request bits and kicks); the hooks run on the owner vCPU thread and the apic_* functions
 * take the device lock themselves.
 */
#include "target-x86/cpu-apic.h"

#include "cpu-exec/cpu.h"
#include "cpu-exec/vcpu.h"
#include "target-x86/misc-helper.h"

/* ---- link ---- */

static void x86_apic_request(void *opaque, uint32_t bits, bool level)
{
    CPUState *cpu = &((X86CPU *)opaque)->parent;
    if (level) {
        atomic_fetch_or(&cpu->interrupt_request, bits);
        cpu_kick(cpu);
    } else {
        atomic_fetch_and(&cpu->interrupt_request, ~bits);
    }
}

/* The guest TSC of the APIC's CPU (TSC-deadline mode). The timer thread calls it too;
 * tsc_offset changes only on that CPU's TSC writes, and a deadline computed from a stale
 * offset fires early, where apic-timer.c sees the TSC short of the deadline and re-arms. */
static uint64_t x86_apic_get_tsc(void *opaque)
{
    return x86_cpu_get_tsc(&((X86CPU *)opaque)->env);
}

/* ---- hooks ---- */

static bool x86_apic_msr_read(X86CPU *cpu, uint32_t msr, uint64_t *value)
{
    if (msr == MSR_IA32_TSC_DEADLINE) {
        *value = apic_get_tsc_deadline(cpu->apic);
        return true;
    }
    return apic_msr_read(cpu->apic, msr, value);
}

static bool x86_apic_msr_write(X86CPU *cpu, uint32_t msr, uint64_t value)
{
    if (msr == MSR_IA32_TSC_DEADLINE) {
        apic_set_tsc_deadline(cpu->apic, value);
        return true;
    }
    return apic_msr_write(cpu->apic, msr, value);
}

/* misc-helper.c validated the value with the SDM 10.12.5 rules the device applies too; the
 * device keeps its registers at 0xFEE00000 (no relocation), so the MSR reads back what the
 * device holds, and CPUID.1:EDX.APIC (cpuid.c) follows EN from env->apic_base. */
static void x86_apic_base_changed(X86CPU *cpu, uint64_t old_value)
{
    (void)old_value;
    apic_set_base(cpu->apic, cpu->env.apic_base);
    cpu->env.apic_base = apic_get_base(cpu->apic);
}

static uint8_t x86_apic_tpr_read(X86CPU *cpu) { return apic_get_tpr(cpu->apic); }
static void x86_apic_tpr_write(X86CPU *cpu, uint8_t tpr) { apic_set_tpr(cpu->apic, tpr); }

static const X86APICHooks x86_apic_device_hooks = {
    .msr_read = x86_apic_msr_read,
    .msr_write = x86_apic_msr_write,
    .apic_base_changed = x86_apic_base_changed,
    .tpr_read = x86_apic_tpr_read,
    .tpr_write = x86_apic_tpr_write,
};

/* ---- creation ---- */

X86LocalAPIC *x86_cpu_apic_create(X86CPU *cpu, APICBus *bus)
{
    APICCpuLink link = {.opaque = cpu, .request = x86_apic_request, .get_tsc = x86_apic_get_tsc};
    cpu->apic = apic_new(bus, cpu->parent.cpu_index, cpu->apic_id, &link);
    cpu->env.apic_base = apic_get_base(cpu->apic);
    x86_apic_hooks = &x86_apic_device_hooks;
    return cpu->apic;
}
