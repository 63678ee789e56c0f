/*
 * test-x86-apic-hooks.c — target-x86/cpu-apic.c: an X86CPU with its real local APIC
 * (hw/intc/apic.c) as the pc board creates it. The link turns APIC requests into the CPU's
 * interrupt_request bits; the hooks carry CR8 <-> TPR, IA32_APIC_BASE (and CPUID.1:EDX.APIC
 * following EN), IA32_TSC_DEADLINE and the x2APIC MSRs through misc-helper.c to the device.
 * Only paths that do not raise are driven (a raise would need a running vCPU to longjmp to);
 * misc-helper.c's #GP cases are test-x86-misc-helper.c's. Single-threaded, no virtual clock.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "cpu-exec/cpu.h"
#include "hw/intc/apic.h"
#include "target-x86/cpu-apic.h"
#include "target-x86/cpuid.h"
#include "target-x86/misc-helper.h"

/* ---- fixtures ---- */
static APICBus bus;
static X86CPU *cpu;

static void setup(void)
{
    device_lock(); /* glib creates the GRecMutex on first use */
    device_unlock();
    apic_bus_init(&bus, NULL);
    cpu = x86_cpu_new(x86_cpu_model_find("qemu64"), 0, 0); /* env zeroed: CPL 0 */
    x86_cpu_apic_create(cpu, &bus);
}

static void teardown(void)
{
    apic_free(cpu->apic);
    x86_apic_hooks = NULL;
}

static uint32_t requests(void) { return atomic_load(&cpu->parent.interrupt_request); }

static uint32_t cpuid_edx1(void)
{
    uint32_t out[4];
    x86_cpuid_query(cpu, 1, 0, out);
    return out[3];
}

Test(x86_apic_hooks, cr8_is_tpr_bits_7_4, .init = setup, .fini = teardown)
{
    CPUX86State *env = &cpu->env;
    helper_write_cr(env, 8, 5);
    cr_assert_eq(apic_get_tpr(cpu->apic), 0x50);
    apic_set_tpr(cpu->apic, 0x9c);
    cr_assert_eq(helper_read_cr(env, 8), 9);
        cr_assert_eq(apic_get_tpr(cpu->apic), 0x9c);
}

Test(x86_apic_hooks, cr8_masks_a_pending_fixed_interrupt, .init = setup, .fini = teardown)
{
    CPUX86State *env = &cpu->env;
    helper_write_cr(env, 8, 4);
    cr_assert_eq(apic_bus_deliver(&bus, 0, 0, APIC_DM_FIXED, 0x45, false), 0,
                 "a software-disabled APIC refuses fixed interrupts");
    device_lock(); /* MMIO callbacks run with the device lock held */
    apic_mmio_ops.write(&bus, 0xf0, 0x1ff, 4); /* SVR: software enable */
    device_unlock();
    cr_assert_eq(apic_bus_deliver(&bus, 0, 0, APIC_DM_FIXED, 0x45, false), 1);
    cr_assert_eq(requests() & CPU_INTERRUPT_HARD, 0, "class 4 is held by TPR class 4");
    helper_write_cr(env, 8, 3);
    cr_assert_eq(requests() & CPU_INTERRUPT_HARD, CPU_INTERRUPT_HARD);
    cr_assert_eq(apic_get_interrupt(cpu->apic), 0x45);
    cr_assert_eq(requests() & CPU_INTERRUPT_HARD, 0);
}

Test(x86_apic_hooks, apic_base_reaches_the_device_and_cpuid, .init = setup, .fini = teardown)
{
    uint64_t v;
    cr_assert(cpuid_edx1() & CPUID_APIC);
    cr_assert(x86_msr_write(cpu, MSR_IA32_APICBASE, 0xfee00000)); /* EN = 0 (BSP is RO) */
    cr_assert_eq(apic_get_base(cpu->apic) & APIC_BASE_EN, 0);
    cr_assert(x86_msr_read(cpu, MSR_IA32_APICBASE, &v));
    cr_assert_eq(v, 0xfee00100);
    cr_assert_eq(cpuid_edx1() & CPUID_APIC, 0);
    cr_assert(x86_msr_write(cpu, MSR_IA32_APICBASE, 0xfee00800));
    cr_assert(apic_get_base(cpu->apic) & APIC_BASE_EN);
    cr_assert(cpuid_edx1() & CPUID_APIC);
    /* No relocation: the MSR reads back the device's base. */
    cr_assert(x86_msr_write(cpu, MSR_IA32_APICBASE, 0xfed00800));
    cr_assert(x86_msr_read(cpu, MSR_IA32_APICBASE, &v));
    cr_assert_eq(v, 0xfee00900);
    cr_assert_not(x86_msr_write(cpu, MSR_IA32_APICBASE, 0xfee00a00)); /* reserved bit 9 */
}

Test(x86_apic_hooks, tsc_deadline_and_x2apic_msrs, .init = setup, .fini = teardown)
{
    uint64_t v = 7;
    /* Outside TSC-deadline mode the MSR ignores writes and reads 0 (SDM 10.5.4.1). */
    cr_assert(x86_msr_write(cpu, MSR_IA32_TSC_DEADLINE, 5000));
    cr_assert(x86_msr_read(cpu, MSR_IA32_TSC_DEADLINE, &v));
    cr_assert_eq(v, 0);
    /* xAPIC mode: the x2APIC MSRs raise #GP. */
    cr_assert_not(x86_msr_read(cpu, 0x802, &v));
    cr_assert_not(x86_msr_write(cpu, 0x808, 0));
}

Test(x86_apic_hooks, link_raises_nmi_and_hard, .init = setup, .fini = teardown)
{
    /* Power-on: the BSP's LINT0 is ExtINT (virtual wire), so the 8259's INTR is HARD. */
    apic_set_lint0(cpu->apic, 1);
    cr_assert_eq(requests() & CPU_INTERRUPT_HARD, CPU_INTERRUPT_HARD);
    cr_assert_eq(apic_get_interrupt(cpu->apic), APIC_EXTINT);
    apic_set_lint0(cpu->apic, 0);
    cr_assert_eq(requests() & CPU_INTERRUPT_HARD, 0);
    cr_assert_eq(apic_bus_deliver(&bus, 0, 0, APIC_DM_NMI, 0, false), 1);
    cr_assert_eq(requests() & CPU_INTERRUPT_NMI, CPU_INTERRUPT_NMI);
}
