/*
 * apic-internal.h — the local APIC's state and the functions its three files share:
 * apic.c (bus, delivery, priorities, CPU side, APIC_BASE), apic-regs.c (xAPIC MMIO and x2APIC
 * MSR register file), apic-timer.c (the LVT timer on the virtual clock).
 * Every field is protected by the device lock; every function here expects it held.
 */
#ifndef TANDEM_HW_INTC_APIC_INTERNAL_H
#define TANDEM_HW_INTC_APIC_INTERNAL_H

#include "hw/core/vclock.h"
#include "hw/intc/apic.h"

/* LVT indices in register order (0x320 + 0x10 * i); version register says 6 LVTs. */
enum { APIC_LVT_TIMER, APIC_LVT_THERMAL, APIC_LVT_PERF, APIC_LVT_LINT0, APIC_LVT_LINT1,
       APIC_LVT_ERROR, APIC_LVT_NB };

#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_LEVEL (1u << 15)     /* LINT0/1 trigger mode */
#define APIC_LVT_REMOTE_IRR (1u << 14)
#define APIC_LVT_POLARITY (1u << 13)
#define APIC_LVT_DM_SHIFT 8
#define APIC_LVT_TIMER_MODE_SHIFT 17
enum { APIC_TIMER_ONESHOT = 0, APIC_TIMER_PERIODIC = 1, APIC_TIMER_TSC_DEADLINE = 2 };

#define APIC_SVR_ENABLE (1u << 8)
#define APIC_VERSION 0x00050014u /* version 0x14, max LVT entry 5 (QEMU's value) */

/* ESR bits (SDM 10.5.3) */
#define APIC_ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define APIC_ESR_RECV_ILLEGAL_VECTOR (1u << 6)
#define APIC_ESR_ILLEGAL_REGISTER (1u << 7)

/* ICR fields (SDM 10.6.1) */
#define APIC_ICR_DM_SHIFT 8
#define APIC_ICR_DEST_LOGICAL (1u << 11)
#define APIC_ICR_LEVEL_ASSERT (1u << 14)
#define APIC_ICR_TRIGGER_LEVEL (1u << 15)
#define APIC_ICR_SHORTHAND_SHIFT 18
enum { APIC_SH_NONE, APIC_SH_SELF, APIC_SH_ALL, APIC_SH_OTHERS };

struct X86LocalAPIC {
    APICBus *bus;
    int index;
    uint32_t initial_id; /* the hardware APIC ID (x2APIC ID) */
    APICCpuLink link;
    uint64_t apic_base;
    uint8_t id;          /* xAPIC ID register [31:24] (writable in xAPIC mode) */
    uint8_t tpr;
    uint32_t ldr, dfr, svr;
    uint32_t isr[8], tmr[8], irr[8];
    uint32_t esr, esr_pending; /* ESR reads the value latched by the last write */
    uint32_t icr_low, icr_high;
    uint32_t lvt[APIC_LVT_NB];
    uint8_t sipi_vector;
    bool lint_level[2];
    bool extint_req; /* an ExtINT message from the bus waits for INTA */
    /* timer */
    uint32_t initial_count, divide_conf;
    int64_t timer_start_ns;  /* when counting from initial_count began */
    int64_t timer_next_ns;   /* next expiry (VCLOCK_NEVER: not counting) */
    uint64_t tsc_deadline;
    VTimer *timer;
};

/* ---- apic.c ---- */
bool apic_hw_enabled(const X86LocalAPIC *s);
bool apic_sw_enabled(const X86LocalAPIC *s);
bool apic_in_x2apic(const X86LocalAPIC *s); /* EN and EXTD */
uint8_t apic_ppr(const X86LocalAPIC *s);
uint8_t apic_apr(const X86LocalAPIC *s);
/* Drives the CPU's HARD request from the current state. */
void apic_update_irq(X86LocalAPIC *s);
/* Accepts one interrupt on this APIC (the receive side of a message or a local source). */
bool apic_accept(X86LocalAPIC *s, int delivery_mode, int vector, bool trigger_level);
/* Delivers a local source through its LVT (timer, error, LINT...). */
void apic_deliver_lvt(X86LocalAPIC *s, int lvt);
void apic_set_error(X86LocalAPIC *s, uint32_t esr_bit);
void apic_eoi(X86LocalAPIC *s);
/* Sends the IPI in icr_low/dest (x2apic: 32-bit destination format). */
void apic_send_ipi(X86LocalAPIC *s, uint32_t icr_low, uint32_t dest, bool x2apic_format);
void apic_write_svr(X86LocalAPIC *s, uint32_t value);
void apic_write_lvt(X86LocalAPIC *s, int lvt, uint32_t value);
uint32_t apic_x2apic_ldr(uint32_t x2apic_id);
X86LocalAPIC *apic_bus_current(APICBus *bus);

/* ---- apic-timer.c ---- */
void apic_timer_init(X86LocalAPIC *s);
void apic_timer_reset(X86LocalAPIC *s);
int apic_timer_mode(const X86LocalAPIC *s);
uint32_t apic_timer_current_count(X86LocalAPIC *s);
void apic_timer_write_initial(X86LocalAPIC *s, uint32_t value);
void apic_timer_write_divide(X86LocalAPIC *s, uint32_t value);
/* The LVT timer changed from old_lvt (mode changes disarm, SDM 10.5.4.1). */
void apic_timer_lvt_changed(X86LocalAPIC *s, uint32_t old_lvt);
void apic_timer_write_deadline(X86LocalAPIC *s, uint64_t value);

/* ---- apic-regs.c ---- */
/* Register read/write by xAPIC offset (0x000-0xff0); false for an illegal register. */
bool apic_reg_read(X86LocalAPIC *s, uint32_t offset, uint32_t *value);
bool apic_reg_write(X86LocalAPIC *s, uint32_t offset, uint32_t value);

#endif
