/*
 * apic-regs.c — the local APIC register file (Intel SDM vol. 3A table 10-1): the xAPIC
 * memory-mapped page at 0xFEE00000 (one MemoryRegion for all CPUs: an access reaches the APIC
 * of the calling vCPU) and the x2APIC MSRs 0x800-0x8ff (SDM 10.12.1.2, table 10-6), plus the
 * IA32_TSC_DEADLINE MSR.
 *
 * In x2APIC mode the MMIO page is off (reads 0, writes ignored) and the MSRs are on; MSR
 * accesses that the SDM makes #GP return false. Threads: MMIO callbacks run with the device
 * lock held; apic_msr_* and the TSC-deadline functions take it (owner vCPU thread).
 */
#include "hw/intc/apic-internal.h"
#include "system/log.h"

/* ---- xAPIC register offsets (SDM table 10-1) ---- */
enum {
    APIC_REG_ID = 0x020,
    APIC_REG_VERSION = 0x030,
    APIC_REG_TPR = 0x080,
    APIC_REG_APR = 0x090,
    APIC_REG_PPR = 0x0a0,
    APIC_REG_EOI = 0x0b0,
    APIC_REG_RRD = 0x0c0,
    APIC_REG_LDR = 0x0d0,
    APIC_REG_DFR = 0x0e0,
    APIC_REG_SVR = 0x0f0,
    APIC_REG_ISR = 0x100, /* 8 registers, 0x100-0x170 */
    APIC_REG_TMR = 0x180,
    APIC_REG_IRR = 0x200,
    APIC_REG_ESR = 0x280,
    APIC_REG_ICR_LOW = 0x300,
    APIC_REG_ICR_HIGH = 0x310,
    APIC_REG_LVT = 0x320, /* 6 registers: timer, thermal, perf, LINT0, LINT1, error */
    APIC_REG_TIMER_INITIAL = 0x380,
    APIC_REG_TIMER_CURRENT = 0x390,
    APIC_REG_TIMER_DIVIDE = 0x3e0,
    APIC_REG_SELF_IPI = 0x3f0, /* x2APIC only */
};

#define APIC_ICR_DELIVERY_STATUS (1u << 12)

bool apic_reg_read(X86LocalAPIC *s, uint32_t offset, uint32_t *value)
{
    uint32_t v = 0;
    if (offset >= APIC_REG_ISR && offset < APIC_REG_ESR) {
        int i = (offset >> 4) & 7;
        const uint32_t *bank = offset < APIC_REG_TMR ? s->isr
                               : offset < APIC_REG_IRR ? s->tmr : s->irr;
        *value = bank[i];
        return true;
    }
    if (offset >= APIC_REG_LVT && offset < APIC_REG_LVT + 0x10 * APIC_LVT_NB) {
        *value = s->lvt[(offset - APIC_REG_LVT) >> 4];
        return true;
    }
    switch (offset) {
    case APIC_REG_ID:
        v = (uint32_t)s->id << 24;
        break;
    case APIC_REG_VERSION:
        v = APIC_VERSION;
        break;
    case APIC_REG_TPR:
        v = s->tpr;
        break;
    case APIC_REG_APR:
        v = apic_apr(s);
        break;
    case APIC_REG_PPR:
        v = apic_ppr(s);
        break;
    case APIC_REG_EOI:
    case APIC_REG_RRD:
        v = 0;
        break;
    case APIC_REG_LDR:
        v = s->ldr;
        break;
    case APIC_REG_DFR:
        v = s->dfr;
        break;
    case APIC_REG_SVR:
        v = s->svr;
        break;
    case APIC_REG_ESR:
        v = s->esr;
        break;
    case APIC_REG_ICR_LOW:
        v = s->icr_low; /* delivery status reads 0: delivery is immediate */
        break;
    case APIC_REG_ICR_HIGH:
        v = s->icr_high;
        break;
    case APIC_REG_TIMER_INITIAL:
        v = s->initial_count;
        break;
    case APIC_REG_TIMER_CURRENT:
        v = apic_timer_current_count(s);
        break;
    case APIC_REG_TIMER_DIVIDE:
        v = s->divide_conf;
        break;
    default:
        apic_set_error(s, APIC_ESR_ILLEGAL_REGISTER);
        *value = 0;
        return false;
    }
    *value = v;
    return true;
}

bool apic_reg_write(X86LocalAPIC *s, uint32_t offset, uint32_t value)
{
    if (offset >= APIC_REG_LVT && offset < APIC_REG_LVT + 0x10 * APIC_LVT_NB) {
        apic_write_lvt(s, (offset - APIC_REG_LVT) >> 4, value);
        return true;
    }
    if (offset >= APIC_REG_ISR && offset < APIC_REG_ESR) {
        return true; /* read-only */
    }
    switch (offset) {
    case APIC_REG_ID:
        s->id = value >> 24;
        break;
    case APIC_REG_VERSION:
    case APIC_REG_APR:
    case APIC_REG_PPR:
    case APIC_REG_RRD:
    case APIC_REG_TIMER_CURRENT:
        break; /* read-only */
    case APIC_REG_TPR:
        s->tpr = value & 0xff;
        apic_update_irq(s);
        break;
    case APIC_REG_EOI:
        apic_eoi(s);
        break;
    case APIC_REG_LDR:
        s->ldr = value & 0xff000000u;
        break;
    case APIC_REG_DFR:
        s->dfr = value | 0x0fffffffu; /* bits 27:0 reserved, read as 1 */
        break;
    case APIC_REG_SVR:
        apic_write_svr(s, value);
        break;
    case APIC_REG_ESR:
        /* SDM 10.5.3: a write latches the errors seen since the last write and clears them. */
        s->esr = s->esr_pending;
        s->esr_pending = 0;
        break;
    case APIC_REG_ICR_LOW:
        s->icr_low = value & ~APIC_ICR_DELIVERY_STATUS;
        apic_send_ipi(s, s->icr_low, s->icr_high >> 24, false);
        break;
    case APIC_REG_ICR_HIGH:
        s->icr_high = value & 0xff000000u;
        break;
    case APIC_REG_TIMER_INITIAL:
        apic_timer_write_initial(s, value);
        break;
    case APIC_REG_TIMER_DIVIDE:
        apic_timer_write_divide(s, value);
        break;
    default:
        apic_set_error(s, APIC_ESR_ILLEGAL_REGISTER);
        return false;
    }
    return true;
}

/* ---- xAPIC MMIO ---- */

static X86LocalAPIC *apic_mmio_target(void *opaque)
{
    X86LocalAPIC *s = apic_bus_current(opaque);
    if (!s || !apic_hw_enabled(s) || (s->apic_base & APIC_BASE_EXTD)) {
        return NULL; /* SDM 10.12.2: in x2APIC mode the MMIO interface is off */
    }
    return s;
}

static uint64_t apic_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    X86LocalAPIC *s = apic_mmio_target(opaque);
    uint32_t v = 0;
    if (!s || (offset & 0xf) >= 4) {
        return 0;
    }
    apic_reg_read(s, offset & 0xff0, &v);
    return v >> ((offset & 3) * 8);
}

static void apic_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    X86LocalAPIC *s = apic_mmio_target(opaque);
    if (!s) {
        return;
    }
    if (size != 4 || (offset & 0xf) != 0) {
        /* SDM 10.4.1: registers are 32 bits wide, aligned on 16 bytes; only such writes. */
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("apic: %u-byte write at offset 0x%llx ignored\n", size,
                 (unsigned long long)offset);
        }
        return;
    }
    apic_reg_write(s, (uint32_t)offset, (uint32_t)value);
}

const MemoryRegionOps apic_mmio_ops = {
    .read = apic_mmio_read,
    .write = apic_mmio_write,
    .min_access = 1,
    .max_access = 4,
};

/* ---- x2APIC MSRs ---- */

/* Registers that exist in x2APIC mode (SDM table 10-6); any other MSR in the range #GPs. */
static bool apic_x2apic_reg_exists(uint32_t offset)
{
    if ((offset >= APIC_REG_ISR && offset <= APIC_REG_ESR) ||
        (offset >= APIC_REG_LVT && offset < APIC_REG_LVT + 0x10 * APIC_LVT_NB)) {
        return true;
    }
    switch (offset) {
    case APIC_REG_ID:
    case APIC_REG_VERSION:
    case APIC_REG_TPR:
    case APIC_REG_PPR:
    case APIC_REG_EOI:
    case APIC_REG_LDR:
    case APIC_REG_SVR:
    case APIC_REG_ICR_LOW:
    case APIC_REG_TIMER_INITIAL:
    case APIC_REG_TIMER_CURRENT:
    case APIC_REG_TIMER_DIVIDE:
    case APIC_REG_SELF_IPI:
        return true;
    default:
        return false;
    }
}

static bool apic_msr_read_locked(X86LocalAPIC *s, uint32_t msr, uint64_t *value)
{
    uint32_t offset = (msr - APIC_MSR_X2APIC_FIRST) << 4;
    uint32_t v;
    if (!apic_x2apic_reg_exists(offset)) {
        return false;
    }
    switch (offset) {
    case APIC_REG_ID:
        *value = s->initial_id; /* SDM 10.12.5.1: the full 32-bit x2APIC ID */
        return true;
    case APIC_REG_LDR:
        *value = apic_x2apic_ldr(s->initial_id);
        return true;
    case APIC_REG_ICR_LOW:
        *value = ((uint64_t)s->icr_high << 32) | s->icr_low;
        return true;
    case APIC_REG_EOI:
    case APIC_REG_SELF_IPI:
        return false; /* write-only */
    default:
        break;
    }
    apic_reg_read(s, offset, &v);
    *value = v;
    return true;
}

static bool apic_msr_write_locked(X86LocalAPIC *s, uint32_t msr, uint64_t value)
{
    uint32_t offset = (msr - APIC_MSR_X2APIC_FIRST) << 4;
    if (!apic_x2apic_reg_exists(offset)) {
        return false;
    }
    if (offset == APIC_REG_ICR_LOW) {
        /* One 64-bit ICR: destination in bits 63:32 (SDM 10.12.9). */
        s->icr_low = (uint32_t)value & ~APIC_ICR_DELIVERY_STATUS;
        s->icr_high = value >> 32;
        apic_send_ipi(s, s->icr_low, s->icr_high, true);
        return true;
    }
    if (value >> 32) {
        return false; /* every other x2APIC register is 32 bits; the rest is reserved */
    }
    switch (offset) {
    case APIC_REG_ID:
    case APIC_REG_VERSION:
    case APIC_REG_PPR:
    case APIC_REG_LDR:
    case APIC_REG_TIMER_CURRENT:
        return false; /* read-only */
    case APIC_REG_TPR:
        if (value & ~0xffull) {
            return false;
        }
        break;
    case APIC_REG_EOI:
    case APIC_REG_ESR:
        if (value) {
            return false; /* SDM 10.12.1.2: non-zero writes #GP */
        }
        break;
    case APIC_REG_SELF_IPI:
        if (value & ~0xffull) {
            return false;
        }
        /* SDM 10.12.11: a fixed, edge-triggered IPI to self. */
        apic_send_ipi(s, (uint32_t)value | (APIC_SH_SELF << APIC_ICR_SHORTHAND_SHIFT), 0, true);
        return true;
    default:
        if (offset >= APIC_REG_ISR && offset < APIC_REG_ESR) {
            return false; /* ISR/TMR/IRR are read-only */
        }
        break;
    }
    return apic_reg_write(s, offset, (uint32_t)value);
}

bool apic_msr_read(X86LocalAPIC *s, uint32_t msr, uint64_t *value)
{
    if (msr < APIC_MSR_X2APIC_FIRST || msr > APIC_MSR_X2APIC_LAST) {
        return false;
    }
    device_lock();
    bool ok = apic_in_x2apic(s) && apic_msr_read_locked(s, msr, value);
    device_unlock();
    return ok;
}

bool apic_msr_write(X86LocalAPIC *s, uint32_t msr, uint64_t value)
{
    if (msr < APIC_MSR_X2APIC_FIRST || msr > APIC_MSR_X2APIC_LAST) {
        return false;
    }
    device_lock();
    bool ok = apic_in_x2apic(s) && apic_msr_write_locked(s, msr, value);
    device_unlock();
    return ok;
}

/* ---- IA32_TSC_DEADLINE ---- */

uint64_t apic_get_tsc_deadline(X86LocalAPIC *s)
{
    device_lock();
    uint64_t v = apic_timer_mode(s) == APIC_TIMER_TSC_DEADLINE ? s->tsc_deadline : 0;
    device_unlock();
    return v;
}

void apic_set_tsc_deadline(X86LocalAPIC *s, uint64_t value)
{
    device_lock();
    apic_timer_write_deadline(s, value);
    device_unlock();
}
