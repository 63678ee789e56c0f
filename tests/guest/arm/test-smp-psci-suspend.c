/*
 * test-smp-psci-suspend.c — PSCI CPU_SUSPEND (Arm DEN 0022 5.4) on two vCPUs
 * (test-smp-psci-suspend.args: -smp 2), woken by an SGI from the other CPU through the GICv2:
 *  - standby (StateType 0): CPU 1's call returns SUCCESS only after CPU 0 sent the SGI (CPU 0
 *    marks "sent" first and waits a while, so a call that did not wait sees the mark clear);
 *  - power-down (StateType 1): the call does not return; after the SGI, CPU 1 starts at the
 *    entry point with x0 = context id, at EL1h with the MMU off and DAIF masked, and
 *    AFFINITY_INFO reports it ON while it is suspended.
 * QEMU 7.2 treats a power-down as standby and returns SUCCESS, so built with -DORACLE_QEMU the
 * test checks only the standby part (README "PSCI" lists the difference).
 */
#include "runtime.h"

#define CPU_SUSPEND64 0xc4000001u
#define CPU_OFF 0x84000002u
#define CPU_ON64 0xc4000003u
#define AFFINITY_INFO64 0xc4000004u
#define AFF_ON 0
#define AFF_OFF 1
#define POWERDOWN (1u << 16)

/* GICv2 on the virt board: distributor and CPU interface (IHI 0048B 4.1.2, 4.1.3). */
#define GICD(off) ((volatile uint32_t *)(0x08000000ul + (off)))
#define GICC(off) ((volatile uint32_t *)(0x08010000ul + (off)))
#define GICD_CTLR 0x000
#define GICD_ISENABLER0 0x100
#define GICD_SGIR 0xf00
#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010
#define SGI_WAKE 1

static uint8_t stack1[4096] __attribute__((aligned(16)));
static uint8_t stack2[4096] __attribute__((aligned(16), unused)); /* -DORACLE_QEMU: unused */
static volatile uint32_t phase;
static volatile uint32_t sgi_sent[3];
static volatile uint64_t standby_ret, standby_saw_sgi, standby_iar;
static volatile uint64_t resume_ctx, resume_sctlr, resume_el, resume_spsel, resume_daif;
static volatile uint64_t resume_saw_sgi, resume_iar, returned_from_powerdown;

static uint64_t psci(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return psci_hvc(fn, a1, a2, a3, 0);
}

static uint32_t gic_ack(void)
{
    uint32_t iar = *GICC(GICC_IAR);
    *GICC(GICC_EOIR) = iar;
    return iar & 0x3ff;
}

void resume_entry(void);
__asm__(".section .text\n"
        ".global resume_entry\n"
        "resume_entry:\n"
        "  mov sp, x0\n"
        "  bl resume_main\n"
        "  b .\n");

void resume_main(uint64_t context)
{
    resume_ctx = context;
    resume_sctlr = READ_SYSREG(sctlr_el1);
    resume_el = READ_SYSREG(CurrentEL);
    resume_spsel = READ_SYSREG(SPSel);
    resume_daif = READ_SYSREG(daif);
    resume_saw_sgi = sgi_sent[2];
    resume_iar = gic_ack();
    phase = 3;
    psci(CPU_OFF, 0, 0, 0);
}

void secondary_main(uint64_t context)
{
    *GICC(GICC_PMR) = 0xff;
    *GICC(GICC_CTLR) = 1;
    *GICD(GICD_ISENABLER0) = 1u << SGI_WAKE; /* banked: CPU 1's own SGI enables */
    __asm__ volatile("dsb sy" ::: "memory");
    phase = 1;
    standby_ret = psci(CPU_SUSPEND64, 0, 0, 0);
    standby_saw_sgi = sgi_sent[1];
    standby_iar = gic_ack();
#ifndef ORACLE_QEMU
    phase = 2;
    psci(CPU_SUSPEND64, POWERDOWN, (uint64_t)resume_entry, (uint64_t)&stack2[4096]);
    returned_from_powerdown = 1;
#endif
    phase = 3;
    psci(CPU_OFF, 0, 0, 0);
}

static void wait_phase(uint32_t want)
{
    while (phase != want) {
        __asm__ volatile("yield" ::: "memory");
    }
}

/* Gives CPU 1 time to leave early if its suspend did not wait, then wakes it. */
static void send_wake_sgi(int n)
{
    for (volatile int i = 0; i < 200000; i++) {
    }
    sgi_sent[n] = 1;
    __asm__ volatile("dsb sy" ::: "memory");
    *GICD(GICD_SGIR) = (1u << 1) << 16 | SGI_WAKE; /* target list: CPU 1 */
}

int main(void)
{
    *GICD(GICD_CTLR) = 1;
    CHECK_EQ(psci(CPU_ON64, 1, (uint64_t)secondary_entry, (uint64_t)&stack1[4096]), 0);

    wait_phase(1);
    send_wake_sgi(1);
#ifndef ORACLE_QEMU
    wait_phase(2);
    for (int i = 0; i < 100; i++) {
        CHECK_EQ(psci(AFFINITY_INFO64, 1, 0, 0), AFF_ON);
    }
    send_wake_sgi(2);
#endif
    wait_phase(3);
    while (psci(AFFINITY_INFO64, 1, 0, 0) != AFF_OFF) {
    }

    CHECK_EQ(standby_ret, 0);
    CHECK_EQ(standby_saw_sgi, 1);
    CHECK_EQ(standby_iar, SGI_WAKE);
#ifndef ORACLE_QEMU
    CHECK_EQ(returned_from_powerdown, 0);
    CHECK_EQ(resume_ctx, (uint64_t)&stack2[4096]);
    CHECK_EQ(resume_sctlr & 1, 0);      /* MMU off */
    CHECK_EQ(resume_el, 1u << 2);       /* EL1 */
    CHECK_EQ(resume_spsel, 1);          /* SP_EL1 */
    CHECK_EQ(resume_daif, 0xfu << 6);   /* D, A, I, F masked */
    CHECK_EQ(resume_saw_sgi, 1);
    CHECK_EQ(resume_iar, SGI_WAKE);     /* the wake-up interrupt is still pending */
#endif
    return guest_report();
}
