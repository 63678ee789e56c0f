/*
 * gtimer.h — the ARM generic timer of one CPU (ARM ARM DDI 0487 D11 "The Generic Timer in
 * AArch64 state"; registers in D17/D19 "Generic Timer registers"): the system counter as seen
 * through CNTPCT_EL0/CNTVCT_EL0, and the EL1 physical and the virtual timer, each an IRQ output.
 *
 * Threads: arm_gtimer_new/connect and arm_gtimer_define_sysregs run on the main thread while
 * the board is built. The system register functions run on the owner vCPU thread; the timer
 * callbacks on the vclock timer thread. Timer state (CTL, CVAL, output level) is protected by
 * the device lock (both paths hold it); CNTKCTL_EL1 is read and written only by the owner.
 */
#ifndef TANDEM_TARGET_ARM_GTIMER_H
#define TANDEM_TARGET_ARM_GTIMER_H

#include <stdint.h>

#include "hw/core/irq.h"
#include "target-arm/cpu.h"

/* The system counter's frequency: QEMU's virt CPUs report 62.5 MHz in CNTFRQ_EL0. */
#define GTIMER_FREQ_HZ 62500000u

enum {
    GTIMER_PHYS = 0, /* EL1 physical timer: CNTP_*; PPI 14 (INTID 30) on virt */
    GTIMER_VIRT = 1, /* virtual timer: CNTV_*; PPI 11 (INTID 27) on virt */
    GTIMER_NUM = 2,
};

/* CNTP_CTL_EL0 / CNTV_CTL_EL0 (D17.11.x): ISTATUS is read-only and computed. */
#define GTIMER_CTL_ENABLE (1u << 0)
#define GTIMER_CTL_IMASK (1u << 1)
#define GTIMER_CTL_ISTATUS (1u << 2)

/* CNTKCTL_EL1 fields (D17.11.x "CNTKCTL_EL1, Counter-timer Kernel Control register"). */
#define CNTKCTL_EL0PCTEN (1u << 0) /* EL0 may read CNTPCT_EL0 (and CNTFRQ_EL0) */
#define CNTKCTL_EL0VCTEN (1u << 1) /* EL0 may read CNTVCT_EL0 (and CNTFRQ_EL0) */
#define CNTKCTL_EVNTEN (1u << 2)
#define CNTKCTL_EVNTDIR (1u << 3)
#define CNTKCTL_EVNTI_MASK (0xfu << 4)
#define CNTKCTL_EL0VTEN (1u << 8) /* EL0 may access CNTV_* */
#define CNTKCTL_EL0PTEN (1u << 9) /* EL0 may access CNTP_* */
#define CNTKCTL_MASK 0x3ffu

typedef struct ARMGenericTimer ARMGenericTimer;

/* Creates the CPU's timer (stored in cpu->gtimer) in its reset state, outputs unconnected. */
ARMGenericTimer *arm_gtimer_new(ARMCPU *cpu);
/* Frees the timer and clears cpu->gtimer. Device lock held, or the timer thread stopped. */
void arm_gtimer_free(ARMCPU *cpu);
/* Reset: both timers disabled, CVAL 0, CNTKCTL_EL1 0, outputs low. Owner thread (CPU reset) or
 * the main thread while the CPU is stopped; takes the device lock. */
void arm_gtimer_reset(ARMCPU *cpu);
/* Wires output `which` (GTIMER_PHYS/GTIMER_VIRT) to the interrupt controller (board). */
void arm_gtimer_connect(ARMCPU *cpu, int which, IRQLine line);
/* Defines CNTFRQ/CNTPCT/CNTVCT/CNTKCTL and CNTP_*, CNTV_* in the sysreg registry, replacing
 * the CPU's stop-gap counter registers. Main thread, before vCPUs run. */
void arm_gtimer_define_sysregs(void);

/* The physical count (CNTPCT_EL0) now: vclock ns scaled to GTIMER_FREQ_HZ. Any thread. */
uint64_t arm_gtimer_count(void);
/* Virtual ns at which the count first reaches count (VCLOCK_NEVER if out of range). */
int64_t arm_gtimer_count_to_ns(uint64_t count);

#endif
