/*
 * test-x86-init-sipi.c — target-x86/cpu.c's side of INIT and STARTUP IPIs (DESIGN.md rules
 * 1-4, 6, 7): an AP leaves machine reset waiting for a SIPI and only INIT or SIPI wake it;
 * a SIPI starts it in real mode at vector << 8 : 0 and is ignored anywhere else; INIT keeps
 * what the SDM's table 9-1 says it keeps and puts an AP back to wait-for-SIPI; in SMM INIT is
 * held and a SIPI discarded. The CPU comes with its real local APIC (hw/intc/apic.c) and the
 * IPIs arrive through apic_bus_deliver, as another CPU's ICR write sends them. Nothing here
 * delivers a vector into the guest (that needs guest memory), so every path stays on the
 * CPU's own state. Single-threaded: the test thread stands in for the owner vCPU thread.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "cpu-exec/cpu.h"
#include "hw/intc/apic.h"
#include "target-x86/cpu-apic.h"
#include "target-x86/misc-helper.h"
#include "target-x86/cpu.h"

static APICBus bus;
static X86CPU *bsp, *ap;

static void setup(void)
{
    device_lock(); /* glib creates the GRecMutex on first use */
    device_unlock();
    apic_bus_init(&bus, NULL);
    const X86CPUModel *model = x86_cpu_model_find("qemu64");
    bsp = x86_cpu_new(model, 0, 0);
    ap = x86_cpu_new(model, 1, 1);
    x86_cpu_apic_create(bsp, &bus);
    x86_cpu_apic_create(ap, &bus);
    x86_arch_ops.reset(&bsp->parent);
    x86_arch_ops.reset(&ap->parent);
}

static void teardown(void)
{
    apic_free(bsp->apic);
    apic_free(ap->apic);
    x86_apic_hooks = NULL;
}

static CPUState *cs(X86CPU *c) { return &c->parent; }
static uint32_t requests(X86CPU *c) { return atomic_load(&cs(c)->interrupt_request); }

/* What the BSP's ICR write sends: INIT (level assert) or STARTUP to APIC ID 1. */
static void send(int dm, int vector)
{
    cr_assert_eq(apic_bus_deliver(&bus, 1, 0, dm, vector, false), 1);
}

/* One pass of the owner's loop: wake if has_work, then the boundary check. */
static bool boundary(X86CPU *c)
{
    CPUState *cpu = cs(c);
    if (cpu->halted) {
        if (!x86_arch_ops.has_work(cpu)) {
            return false;
        }
        cpu->halted = false;
    }
    uint32_t req = requests(c);
    return req && x86_arch_ops.exec_interrupt(cpu, req);
}

Test(x86_init_sipi, ap_leaves_reset_waiting_for_sipi, .init = setup, .fini = teardown)
{
    cr_assert(ap->env.wait_sipi);
    cr_assert(cs(ap)->halted);
    cr_assert_eq(atomic_load(&cs(ap)->power_state), CPU_POWER_ON);
    cr_assert_not(bsp->env.wait_sipi);
    cr_assert_not(cs(bsp)->halted);
}

Test(x86_init_sipi, only_init_or_sipi_wake_a_cpu_waiting_for_sipi, .init = setup,
     .fini = teardown)
{
    ap->env.eflags |= IF_MASK;
    atomic_fetch_or(&cs(ap)->interrupt_request,
                    CPU_INTERRUPT_HARD | CPU_INTERRUPT_NMI | CPU_INTERRUPT_SMI);
    cr_assert_not(x86_arch_ops.has_work(cs(ap)), "IRQ, NMI and SMI do not end wait-for-SIPI");
    cr_assert_not(boundary(ap));
    cr_assert(ap->env.wait_sipi);
    send(APIC_DM_STARTUP, 0x9a);
    cr_assert(x86_arch_ops.has_work(cs(ap)));
}

Test(x86_init_sipi, sipi_starts_real_mode_at_the_vector, .init = setup, .fini = teardown)
{
    atomic_fetch_or(&cs(ap)->interrupt_request, CPU_INTERRUPT_NMI | CPU_INTERRUPT_SMI);
    send(APIC_DM_STARTUP, 0x9a);
    cr_assert(boundary(ap));
    CPUX86State *env = &ap->env;
    cr_assert_not(env->wait_sipi);
    cr_assert_not(cs(ap)->halted);
    cr_assert_eq(env->segs[R_CS].selector, 0x9a00);
    cr_assert_eq(env->segs[R_CS].base, 0x9a000);
    cr_assert_eq(env->rip, 0);
    cr_assert_eq(env->cr[0] & CR0_PE, 0);
    cr_assert_eq(requests(ap) & (CPU_INTERRUPT_SIPI | CPU_INTERRUPT_NMI | CPU_INTERRUPT_SMI), 0,
                 "events latched while offline are dropped with the SIPI");
}

Test(x86_init_sipi, a_second_sipi_is_ignored, .init = setup, .fini = teardown)
{
    send(APIC_DM_STARTUP, 0x9a);
    cr_assert(boundary(ap));
    ap->env.rip = 0x1234;
    send(APIC_DM_STARTUP, 0x10);
    cr_assert_not(boundary(ap));
    cr_assert_eq(ap->env.rip, 0x1234);
    cr_assert_eq(ap->env.segs[R_CS].selector, 0x9a00);
    cr_assert_eq(requests(ap) & CPU_INTERRUPT_SIPI, 0, "the SIPI is consumed, not left pending");
}

Test(x86_init_sipi, init_keeps_msrs_fpu_sse_smbase_and_waits_again, .init = setup,
     .fini = teardown)
{
    send(APIC_DM_STARTUP, 0x9a);
    cr_assert(boundary(ap));
    CPUX86State *env = &ap->env;
    env->lstar = 0xffffffff81000000ull;
    env->pat = 0x0606060606060606ull;
    env->kernel_gs_base = 0x1000;
    env->xmm[3][1] = 0x1122334455667788ull;
    env->mxcsr = 0x9fc0;
    env->fpuc = 0x027f;
    env->smbase = 0x70000;
    env->tsc_offset = 12345;
    env->cr[0] = CR0_PE | CR0_PG | CR0_CD | CR0_ET;
    env->cr[3] = 0x5000;
    env->cr[4] = CR4_PAE;
    env->efer = EFER_LME | EFER_LMA;
    env->regs[R_EBX] = 7;
    env->hflags2 |= HF2_NMI_MASK;
    send(APIC_DM_INIT, 0);
    cr_assert(boundary(ap));
    cr_assert(env->wait_sipi);
    cr_assert(cs(ap)->halted);
    cr_assert_eq(env->lstar, 0xffffffff81000000ull);
    cr_assert_eq(env->pat, 0x0606060606060606ull);
    cr_assert_eq(env->kernel_gs_base, 0x1000);
    cr_assert_eq(env->xmm[3][1], 0x1122334455667788ull);
    cr_assert_eq(env->mxcsr, 0x9fc0);
    cr_assert_eq(env->fpuc, 0x027f);
    cr_assert_eq(env->smbase, 0x70000);
    cr_assert_eq(env->tsc_offset, 12345);
    cr_assert_eq(env->cr[0], CR0_CD | CR0_ET, "CD kept, NW kept clear, PE/PG cleared");
    cr_assert_eq(env->cr[3], 0);
    cr_assert_eq(env->cr[4], 0);
    cr_assert_eq(env->efer, 0);
    cr_assert_eq(env->regs[R_EBX], 0);
    cr_assert_eq(env->hflags2 & HF2_NMI_MASK, 0);
    cr_assert_eq(env->rip, 0xfff0);
    uint64_t base;
    cr_assert(apic_msr_read(ap->apic, 0x802, &base) == false, "xAPIC mode: no x2APIC MSRs");
    cr_assert_eq(apic_get_base(ap->apic) & APIC_BASE_EN, APIC_BASE_EN, "APIC base kept");
    /* The next SIPI starts it again. */
    send(APIC_DM_STARTUP, 0x20);
    cr_assert(boundary(ap));
    cr_assert_eq(env->segs[R_CS].base, 0x20000);
}

Test(x86_init_sipi, init_and_sipi_pending_together_start_at_the_sipi_vector, .init = setup,
     .fini = teardown)
{
    send(APIC_DM_STARTUP, 0x9a);
    cr_assert(boundary(ap));
    /* INIT then SIPI sent before the AP's thread reached a boundary. */
    send(APIC_DM_INIT, 0);
    send(APIC_DM_STARTUP, 0x42);
    cr_assert(boundary(ap));
    cr_assert_not(ap->env.wait_sipi);
    cr_assert_eq(ap->env.segs[R_CS].base, 0x42000, "the SIPI's vector survives the INIT");
}

Test(x86_init_sipi, smm_holds_init_and_discards_sipi, .init = setup, .fini = teardown)
{
    send(APIC_DM_STARTUP, 0x9a);
    cr_assert(boundary(ap));
    CPUX86State *env = &ap->env;
    env->hflags |= HF_SMM;
    env->rip = 0x8000;
    send(APIC_DM_STARTUP, 0x33);
    cr_assert_not(boundary(ap));
    cr_assert_eq(requests(ap) & CPU_INTERRUPT_SIPI, 0, "a SIPI in SMM is discarded");
    send(APIC_DM_INIT, 0);
    cs(ap)->halted = true; /* HLT inside the SMI handler */
    cr_assert_not(x86_arch_ops.has_work(cs(ap)), "INIT does not end HLT in SMM");
    cs(ap)->halted = false;
    cr_assert_not(boundary(ap));
    cr_assert_eq(env->rip, 0x8000);
    cr_assert_eq(requests(ap) & CPU_INTERRUPT_INIT, CPU_INTERRUPT_INIT, "held until RSM");
    env->hflags &= ~HF_SMM; /* what RSM does */
    cr_assert(boundary(ap));
    cr_assert(env->wait_sipi);
}

Test(x86_init_sipi, init_to_the_bsp_restarts_it_at_the_reset_vector, .init = setup,
     .fini = teardown)
{
    cr_assert_eq(apic_bus_deliver(&bus, 0, 0, APIC_DM_INIT, 0, false), 1);
    cr_assert(boundary(bsp));
    cr_assert_not(bsp->env.wait_sipi);
    cr_assert_not(cs(bsp)->halted);
    cr_assert_eq(bsp->env.segs[R_CS].selector, 0xf000);
    cr_assert_eq(bsp->env.segs[R_CS].base, 0xffff0000u);
    cr_assert_eq(bsp->env.rip, 0xfff0);
}

Test(x86_init_sipi, hlt_ends_for_init_nmi_or_an_enabled_interrupt_only, .init = setup,
     .fini = teardown)
{
    CPUState *cpu = cs(bsp);
    cpu->halted = true;
    cr_assert_not(x86_arch_ops.has_work(cpu));
    atomic_fetch_or(&cpu->interrupt_request, CPU_INTERRUPT_HARD);
    cr_assert_not(x86_arch_ops.has_work(cpu), "IF = 0: a pending interrupt does not end HLT");
    bsp->env.eflags |= IF_MASK;
    cr_assert(x86_arch_ops.has_work(cpu));
    atomic_store(&cpu->interrupt_request, CPU_INTERRUPT_SIPI);
    cr_assert_not(x86_arch_ops.has_work(cpu), "SIPI is not a wake event for HLT");
    atomic_store(&cpu->interrupt_request, CPU_INTERRUPT_NMI);
    cr_assert(x86_arch_ops.has_work(cpu));
    bsp->env.hflags2 |= HF2_NMI_MASK;
    cr_assert_not(x86_arch_ops.has_work(cpu), "a blocked NMI does not end HLT");
    atomic_store(&cpu->interrupt_request, CPU_INTERRUPT_INIT);
    cr_assert(x86_arch_ops.has_work(cpu));
}
