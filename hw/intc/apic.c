/*
 * apic.c — the local APIC core (Intel SDM vol. 3A chapter 10): the APICBus and message
 * delivery (IPIs, IOAPIC/MSI messages, physical/logical destinations, lowest priority), the
 * receive side (IRR/ISR/TMR, PPR/APR, EOI), the CPU-side interface (INTA, ExtINT virtual wire,
 * LINT pins, SIPI vector, resets) and IA32_APIC_BASE. Register decoding lives in apic-regs.c,
 * the timer in apic-timer.c.
 *
 * Invariants: a hardware-disabled APIC (APIC_BASE.EN = 0) takes nothing from the bus and its
 * IRR/ISR are empty; a software-disabled one (SVR bit 8 = 0) takes no fixed/lowest-priority
 * interrupt and keeps its LVTs masked, but still takes NMI, SMI, INIT and SIPI (SDM 10.4.7.2).
 * Threads: the public functions of apic.h take the device lock (recursive) themselves, so any
 * thread may call them; the static helpers and apic-internal.h functions expect it held.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "cpu-exec/cpu.h"
#include "cpu-exec/vcpu.h"
#include "hw/intc/apic-internal.h"
#include "system/log.h"

/* ---- 256-bit vector registers (IRR, ISR, TMR) ---- */

static int vec_highest(const uint32_t *r)
{
    for (int i = 7; i >= 0; i--) {
        if (r[i]) {
            return i * 32 + 31 - __builtin_clz(r[i]);
        }
    }
    return -1;
}

static void vec_set(uint32_t *r, int v) { r[v >> 5] |= 1u << (v & 31); }
static void vec_clear(uint32_t *r, int v) { r[v >> 5] &= ~(1u << (v & 31)); }
static bool vec_test(const uint32_t *r, int v) { return (r[v >> 5] >> (v & 31)) & 1; }

/* ---- state queries ---- */

bool apic_hw_enabled(const X86LocalAPIC *s) { return (s->apic_base & APIC_BASE_EN) != 0; }
bool apic_sw_enabled(const X86LocalAPIC *s) { return (s->svr & APIC_SVR_ENABLE) != 0; }

bool apic_in_x2apic(const X86LocalAPIC *s)
{
    return (s->apic_base & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD);
}

/* SDM 10.12.10.2: logical x2APIC ID = cluster (ID[19:4]) in [31:16], 1 << ID[3:0] in [15:0]. */
uint32_t apic_x2apic_ldr(uint32_t x2apic_id)
{
    return ((x2apic_id >> 4) << 16) | (1u << (x2apic_id & 0xf));
}

/* PPR (SDM 10.8.3.1): TPR if its class is at least the highest in-service class, else that
 * class with sub-class 0. */
uint8_t apic_ppr(const X86LocalAPIC *s)
{
    int isrv = vec_highest(s->isr);
    if (isrv < 0) {
        isrv = 0;
    }
    if ((s->tpr >> 4) >= (isrv >> 4)) {
        return s->tpr;
    }
    return isrv & 0xf0;
}

/* APR (SDM 10.8.3.1 figure 10-16 text, used for lowest-priority arbitration). */
uint8_t apic_apr(const X86LocalAPIC *s)
{
    int isrv = vec_highest(s->isr), irrv = vec_highest(s->irr);
    isrv = isrv < 0 ? 0 : isrv;
    irrv = irrv < 0 ? 0 : irrv;
    if ((s->tpr >> 4) >= (irrv >> 4) && (s->tpr >> 4) > (isrv >> 4)) {
        return s->tpr;
    }
    int apr = s->tpr & 0xf0;
    if ((isrv & 0xf0) > apr) {
        apr = isrv & 0xf0;
    }
    if ((irrv & 0xf0) > apr) {
        apr = irrv & 0xf0;
    }
    return apr;
}

static bool apic_fixed_pending(const X86LocalAPIC *s)
{
    int irrv = vec_highest(s->irr);
    return irrv >= 0 && (irrv >> 4) > (apic_ppr(s) >> 4);
}

/* The 8259 reaches INTR through this APIC: hardware-disabled APIC (no APIC in the path), or
 * LINT0 unmasked in ExtINT mode (virtual wire mode, MP spec 1.4 section 3.6.2.2). */
static bool apic_pic_routed(const X86LocalAPIC *s)
{
    uint32_t l = s->lvt[APIC_LVT_LINT0];
    return !apic_hw_enabled(s) ||
           (!(l & APIC_LVT_MASKED) && ((l >> APIC_LVT_DM_SHIFT) & 7) == APIC_DM_EXTINT);
}

static bool apic_extint_up(const X86LocalAPIC *s)
{
    return s->extint_req || (apic_pic_routed(s) && s->lint_level[0]);
}

void apic_update_irq(X86LocalAPIC *s)
{
    bool level = apic_fixed_pending(s) || apic_extint_up(s);
    if (s->link.request) {
        s->link.request(s->link.opaque, CPU_INTERRUPT_HARD, level);
    }
}

static void apic_request(X86LocalAPIC *s, uint32_t bits)
{
    if (s->link.request) {
        s->link.request(s->link.opaque, bits, true);
    }
}

/* ---- receive side ---- */

void apic_set_error(X86LocalAPIC *s, uint32_t esr_bit)
{
    bool is_new = !(s->esr_pending & esr_bit);
    s->esr_pending |= esr_bit;
    /* A new error raises the error LVT (SDM 10.5.3). An error vector < 16 raises "receive
     * illegal vector" once more: is_new stops the recursion. */
    if (is_new) {
        apic_deliver_lvt(s, APIC_LVT_ERROR);
    }
}

bool apic_accept(X86LocalAPIC *s, int delivery_mode, int vector, bool trigger_level)
{
    if (!apic_hw_enabled(s)) {
        return false; /* SDM 10.4.3: a globally disabled APIC is off the bus */
    }
    switch (delivery_mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        if (!apic_sw_enabled(s)) {
            return false; /* SDM 10.4.7.2 */
        }
        if (vector < 16) {
            apic_set_error(s, APIC_ESR_RECV_ILLEGAL_VECTOR);
            return false;
        }
        vec_set(s->irr, vector);
        if (trigger_level) {
            vec_set(s->tmr, vector);
        } else {
            vec_clear(s->tmr, vector);
        }
        apic_update_irq(s);
        return true;
    case APIC_DM_SMI:
        apic_request(s, CPU_INTERRUPT_SMI);
        return true;
    case APIC_DM_NMI:
        apic_request(s, CPU_INTERRUPT_NMI);
        return true;
    case APIC_DM_INIT:
        /* A STARTUP IPI still latched now reached a CPU that was not waiting for one (a CPU
         * in wait-for-SIPI takes it at once; a CPU halted with IF = 0 never reaches the
         * boundary where cpu.c discards it): SDM 8.4.4.1 ignores such a SIPI, so it must
         * not start the CPU this INIT puts into wait-for-SIPI. Only a SIPI sent after this
         * INIT may (apic_init_reset keeps its vector). */
        if (s->link.request) {
            s->link.request(s->link.opaque, CPU_INTERRUPT_SIPI, false);
        }
        apic_request(s, CPU_INTERRUPT_INIT);
        return true;
    case APIC_DM_STARTUP:
        s->sipi_vector = vector;
        apic_request(s, CPU_INTERRUPT_SIPI);
        return true;
    case APIC_DM_EXTINT:
        if (!apic_sw_enabled(s)) {
            return false; /* not among the four a software-disabled APIC takes */
        }
        s->extint_req = true;
        apic_update_irq(s);
        return true;
    default:
        return false;
    }
}

void apic_deliver_lvt(X86LocalAPIC *s, int lvt)
{
    uint32_t v = s->lvt[lvt];
    if (v & APIC_LVT_MASKED) {
        return;
    }
    int dm = (v >> APIC_LVT_DM_SHIFT) & 7;
    bool level = false;
    if (lvt == APIC_LVT_TIMER || lvt == APIC_LVT_ERROR) {
        dm = APIC_DM_FIXED; /* these LVTs have no delivery mode field */
    } else if (lvt == APIC_LVT_LINT0 || lvt == APIC_LVT_LINT1) {
        level = (v & APIC_LVT_LEVEL) && dm == APIC_DM_FIXED;
    }
    if (dm == APIC_DM_EXTINT) {
        return; /* LINT0 ExtINT follows the pin level (apic_pic_routed) */
    }
    apic_accept(s, dm, v & 0xff, level);
}

void apic_eoi(X86LocalAPIC *s)
{
    int isrv = vec_highest(s->isr);
    if (isrv < 0) {
        return;
    }
    vec_clear(s->isr, isrv);
    /* SDM 10.8.5: a level-triggered interrupt's EOI is broadcast to the IOAPICs. */
    if (vec_test(s->tmr, isrv) && s->bus->eoi) {
        s->bus->eoi(s->bus->eoi_opaque, isrv);
    }
    apic_update_irq(s);
}

/* ---- bus: destinations and delivery ---- */

static uint32_t apic_effective_ldr(const X86LocalAPIC *s)
{
    return apic_in_x2apic(s) ? apic_x2apic_ldr(s->initial_id) : s->ldr;
}

/* SDM 10.6.2 (xAPIC) and 10.12.9/10 (x2APIC). x2_format: dest is a 32-bit x2APIC destination. */
static bool apic_match_dest(const X86LocalAPIC *t, uint32_t dest, bool logical, bool x2_format)
{
    bool t_x2 = apic_in_x2apic(t);
    uint32_t ldr = apic_effective_ldr(t);
    if (x2_format) {
        if (dest == 0xffffffffu) {
            return true;
        }
        if (!logical) {
            return dest == (t_x2 ? t->initial_id : t->id);
        }
        return t_x2 && (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
    }
    dest &= 0xff;
    if (dest == 0xff) {
        return true; /* physical broadcast; logical: every cluster, every bit */
    }
    if (t_x2) {
        /* An xAPIC-format message (IOAPIC, MSI) to an x2APIC-mode APIC: physical matches the
         * x2APIC ID; logical is read as a cluster-0 bit mask. */
        return logical ? ((ldr >> 16) == 0 && (ldr & dest)) : dest == t->initial_id;
    }
    if (!logical) {
        return dest == t->id;
    }
    if ((t->dfr >> 28) == 0xf) { /* flat model */
        return ((ldr >> 24) & dest) != 0;
    }
    uint32_t cluster = dest >> 4; /* cluster model: 0xf addresses all clusters */
    return (cluster == 0xf || cluster == (ldr >> 28)) && ((ldr >> 24) & dest & 0xf);
}

static int apic_bus_send(APICBus *bus, X86LocalAPIC *sender, int shorthand, uint32_t dest,
                         bool logical, bool x2_format, int dm, int vector, bool trigger_level)
{
    X86LocalAPIC *targets[APIC_MAX_CPUS];
    int n = 0;
    for (int i = 0; i < bus->nb_apics; i++) {
        X86LocalAPIC *t = bus->apics[i];
        if (!t) {
            continue;
        }
        bool hit;
        switch (shorthand) {
        case APIC_SH_SELF:
            hit = t == sender;
            break;
        case APIC_SH_ALL:
            hit = true;
            break;
        case APIC_SH_OTHERS:
            hit = t != sender;
            break;
        default:
            hit = apic_match_dest(t, dest, logical, x2_format);
            break;
        }
        if (hit) {
            targets[n++] = t;
        }
    }
    if (dm == APIC_DM_LOWEST) {
        /* SDM 10.6.2.4: the enabled APIC with the lowest arbitration priority takes it;
         * ties go to the lowest CPU index. */
        X86LocalAPIC *best = NULL;
        for (int i = 0; i < n; i++) {
            X86LocalAPIC *t = targets[i];
            if (apic_hw_enabled(t) && apic_sw_enabled(t) &&
                (!best || apic_apr(t) < apic_apr(best))) {
                best = t;
            }
        }
        return best && apic_accept(best, dm, vector, trigger_level) ? 1 : 0;
    }
    int accepted = 0;
    for (int i = 0; i < n; i++) {
        accepted += apic_accept(targets[i], dm, vector, trigger_level);
    }
    return accepted;
}

void apic_send_ipi(X86LocalAPIC *s, uint32_t icr_low, uint32_t dest, bool x2apic_format)
{
    int dm = (icr_low >> APIC_ICR_DM_SHIFT) & 7;
    int vector = icr_low & 0xff;
    int shorthand = (icr_low >> APIC_ICR_SHORTHAND_SHIFT) & 3;
    bool trigger_level = (icr_low & APIC_ICR_TRIGGER_LEVEL) != 0;
    if (dm == APIC_DM_INIT && !(icr_low & APIC_ICR_LEVEL_ASSERT)) {
        return; /* INIT level de-assert: only re-syncs arbitration IDs (SDM 10.6.1) */
    }
    if (dm == 3 || dm == APIC_DM_EXTINT) {
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("apic: IPI with reserved delivery mode %d ignored\n", dm);
        }
        return;
    }
    if ((dm == APIC_DM_FIXED || dm == APIC_DM_LOWEST) && vector < 16) {
        apic_set_error(s, APIC_ESR_SEND_ILLEGAL_VECTOR);
        return;
    }
    if (dm != APIC_DM_FIXED && dm != APIC_DM_LOWEST) {
        trigger_level = false; /* NMI/SMI/INIT/SIPI are edge messages */
    }
    apic_bus_send(s->bus, s, shorthand, dest, (icr_low & APIC_ICR_DEST_LOGICAL) != 0,
                  x2apic_format, dm, vector, trigger_level);
}

int apic_bus_deliver(APICBus *bus, uint32_t dest, int dest_mode, int delivery_mode, int vector,
                     bool trigger_level)
{
    device_lock();
    int n = apic_bus_send(bus, NULL, APIC_SH_NONE, dest, dest_mode != 0, false, delivery_mode,
                          vector, trigger_level);
    device_unlock();
    return n;
}

/* ---- register side effects shared with apic-regs.c ---- */

void apic_write_svr(X86LocalAPIC *s, uint32_t value)
{
    /* Bits 7:0 vector, 8 APIC software enable, 9 focus checking; 12 (EOI-broadcast
     * suppression) is reserved: the version register does not advertise it. */
    s->svr = value & 0x3ff;
    if (!apic_sw_enabled(s)) {
        for (int i = 0; i < APIC_LVT_NB; i++) {
            s->lvt[i] |= APIC_LVT_MASKED; /* SDM 10.4.7.2 */
        }
    }
    apic_update_irq(s);
}

static const uint32_t apic_lvt_writable[APIC_LVT_NB] = {
    [APIC_LVT_TIMER] = 0xff | APIC_LVT_MASKED | (3u << APIC_LVT_TIMER_MODE_SHIFT),
    [APIC_LVT_THERMAL] = 0x7ff | APIC_LVT_MASKED,
    [APIC_LVT_PERF] = 0x7ff | APIC_LVT_MASKED,
    [APIC_LVT_LINT0] = 0x7ff | APIC_LVT_POLARITY | APIC_LVT_LEVEL | APIC_LVT_MASKED,
    [APIC_LVT_LINT1] = 0x7ff | APIC_LVT_POLARITY | APIC_LVT_LEVEL | APIC_LVT_MASKED,
    [APIC_LVT_ERROR] = 0xff | APIC_LVT_MASKED,
};

void apic_write_lvt(X86LocalAPIC *s, int lvt, uint32_t value)
{
    uint32_t old = s->lvt[lvt];
    uint32_t v = (value & apic_lvt_writable[lvt]) | (old & APIC_LVT_REMOTE_IRR);
    if (!apic_sw_enabled(s)) {
        v |= APIC_LVT_MASKED; /* mask bits cannot be cleared while software-disabled */
    }
    s->lvt[lvt] = v;
    if (lvt == APIC_LVT_TIMER) {
        apic_timer_lvt_changed(s, old);
    }
    apic_update_irq(s); /* LINT0 may have joined or left virtual wire mode */
}

/* ---- resets ---- */

static void apic_clear_state(X86LocalAPIC *s)
{
    s->tpr = 0;
    s->ldr = 0;
    s->dfr = 0xffffffffu;
    s->svr = 0xff;
    memset(s->isr, 0, sizeof(s->isr));
    memset(s->tmr, 0, sizeof(s->tmr));
    memset(s->irr, 0, sizeof(s->irr));
    s->esr = s->esr_pending = 0;
    s->icr_low = s->icr_high = 0;
    for (int i = 0; i < APIC_LVT_NB; i++) {
        s->lvt[i] = APIC_LVT_MASKED;
    }
    s->sipi_vector = 0;
    s->extint_req = false;
    apic_timer_reset(s);
}

void apic_reset(X86LocalAPIC *s)
{
    device_lock();
    apic_clear_state(s);
    s->apic_base = APIC_DEFAULT_BASE | APIC_BASE_EN | (s->index == 0 ? APIC_BASE_BSP : 0);
    s->id = (uint8_t)s->initial_id;
    if (s->index == 0) {
        s->lvt[APIC_LVT_LINT0] = APIC_DM_EXTINT << APIC_LVT_DM_SHIFT;
    }
    apic_update_irq(s);
    device_unlock();
}

void apic_init_reset(X86LocalAPIC *s)
{
    device_lock();
    /* The CPU takes INIT and a STARTUP IPI sent right behind it at the same boundary (both
     * request bits pending): the SIPI's vector must survive the INIT it follows. */
    uint8_t sipi_vector = s->sipi_vector;
    apic_clear_state(s);
    s->sipi_vector = sipi_vector;
    apic_update_irq(s);
    device_unlock();
}

/* ---- machine side ---- */

void apic_bus_init(APICBus *bus, int (*current_cpu_index)(void))
{
    memset(bus, 0, sizeof(*bus));
    bus->current_cpu_index = current_cpu_index;
    memory_region_init_io(&bus->mmio, "apic", APIC_MMIO_SIZE, &apic_mmio_ops, bus);
}

void apic_bus_set_eoi_handler(APICBus *bus, void (*eoi)(void *opaque, int vector), void *opaque)
{
    bus->eoi = eoi;
    bus->eoi_opaque = opaque;
}

X86LocalAPIC *apic_new(APICBus *bus, int index, uint32_t apic_id, const APICCpuLink *link)
{
    g_assert(index >= 0 && index < APIC_MAX_CPUS && !bus->apics[index]);
    X86LocalAPIC *s = g_new0(X86LocalAPIC, 1);
    s->bus = bus;
    s->index = index;
    s->initial_id = apic_id;
    if (link) {
        s->link = *link;
    }
    apic_timer_init(s);
    bus->apics[index] = s;
    if (index >= bus->nb_apics) {
        bus->nb_apics = index + 1;
    }
    apic_reset(s);
    return s;
}

void apic_free(X86LocalAPIC *s)
{
    device_lock();
    s->bus->apics[s->index] = NULL;
    vtimer_free(s->timer);
    device_unlock();
    g_free(s);
}

X86LocalAPIC *apic_bus_current(APICBus *bus)
{
    int c = 0;
    if (bus->current_cpu_index) {
        c = bus->current_cpu_index();
    } else if (current_cpu()) {
        c = current_cpu()->cpu_index;
    }
    return c >= 0 && c < bus->nb_apics ? bus->apics[c] : NULL;
}

/* ---- CPU side ---- */

bool apic_has_interrupt(X86LocalAPIC *s)
{
    device_lock();
    bool r = apic_fixed_pending(s);
    device_unlock();
    return r;
}

int apic_get_interrupt(X86LocalAPIC *s)
{
    int r;
    device_lock();
    if (apic_fixed_pending(s)) {
        r = vec_highest(s->irr);
        vec_clear(s->irr, r);
        vec_set(s->isr, r);
    } else if (apic_extint_up(s) || !apic_hw_enabled(s)) {
        /* ExtINT: the vector comes from the 8259's INTA (its own spurious IR7 if the line
         * dropped meanwhile, as on a CPU without APIC). */
        s->extint_req = false;
        r = APIC_EXTINT;
    } else {
        r = s->svr & 0xff; /* SDM 10.9: the interrupt went away (e.g. TPR raised) */
    }
    apic_update_irq(s);
    device_unlock();
    return r;
}

int apic_get_sipi_vector(X86LocalAPIC *s)
{
    device_lock();
    int v = s->sipi_vector;
    device_unlock();
    return v;
}

void apic_set_lint(void *opaque, int n, int level)
{
    X86LocalAPIC *s = opaque;
    device_lock();
    bool rising = level && !s->lint_level[n];
    s->lint_level[n] = level != 0;
    int lvt = n == 0 ? APIC_LVT_LINT0 : APIC_LVT_LINT1;
    uint32_t v = s->lvt[lvt];
    bool lvt_level = (v & APIC_LVT_LEVEL) && ((v >> APIC_LVT_DM_SHIFT) & 7) == APIC_DM_FIXED;
    if (n == 0 && apic_pic_routed(s)) {
        apic_update_irq(s); /* virtual wire: INTR follows the 8259 output */
    } else if (rising || (level && lvt_level)) {
        apic_deliver_lvt(s, lvt);
    }
    device_unlock();
}

void apic_set_lint0(X86LocalAPIC *s, int level) { apic_set_lint(s, 0, level); }
void apic_set_lint1(X86LocalAPIC *s, int level) { apic_set_lint(s, 1, level); }

uint8_t apic_get_tpr(X86LocalAPIC *s)
{
    device_lock();
    uint8_t t = s->tpr;
    device_unlock();
    return t;
}

void apic_set_tpr(X86LocalAPIC *s, uint8_t tpr)
{
    device_lock();
    s->tpr = tpr;
    apic_update_irq(s);
    device_unlock();
}

/* ---- IA32_APIC_BASE ---- */

uint64_t apic_get_base(X86LocalAPIC *s)
{
    device_lock();
    uint64_t v = s->apic_base;
    device_unlock();
    return v;
}

bool apic_is_x2apic(X86LocalAPIC *s)
{
    device_lock();
    bool r = apic_in_x2apic(s);
    device_unlock();
    return r;
}

bool apic_set_base(X86LocalAPIC *s, uint64_t value)
{
    /* Reserved: bits 7:0, 9 and above MAXPHYADDR (52 at most). */
    if (value & (0xffull | (1ull << 9) | ~((1ull << 52) - 1))) {
        return false;
    }
    bool en = value & APIC_BASE_EN, extd = value & APIC_BASE_EXTD;
    device_lock();
    bool old_en = apic_hw_enabled(s), old_x2 = apic_in_x2apic(s);
    /* SDM 10.12.5 figure 10-29: EXTD without EN is invalid; x2APIC is entered from xAPIC
     * only and left only by disabling. */
    if ((extd && !en) || (old_x2 && en && !extd) || (extd && !old_en)) {
        device_unlock();
        return false;
    }
    if ((value & APIC_BASE_ADDR_MASK) != APIC_DEFAULT_BASE && log_enabled(LOG_GUEST_ERRORS)) {
        tlog("apic: relocation to 0x%llx not supported, base stays 0x%x\n",
             (unsigned long long)(value & APIC_BASE_ADDR_MASK), APIC_DEFAULT_BASE);
    }
    s->apic_base = APIC_DEFAULT_BASE | (s->apic_base & APIC_BASE_BSP) |
                   (value & (APIC_BASE_EN | APIC_BASE_EXTD));
    if (old_en && !en) {
        apic_clear_state(s); /* SDM 10.4.3: re-enabling finds the power-up state */
        s->id = (uint8_t)s->initial_id;
    }
    apic_update_irq(s);
    device_unlock();
    return true;
}
