/*
 * smp.c — multiprocessor support of the x86-64 guest runtime: the CPU list from the ACPI MADT
 * (ACPI 6.4 5.2.5 RSDP, 5.2.7/5.2.8 RSDT/XSDT, 5.2.12 MADT: type 0 processor local APIC, type
 * 9 processor local x2APIC), a TSC delay calibrated against the local APIC timer, IPIs through
 * the xAPIC ICR (SDM vol. 3A 10.6.1), and AP start-up by INIT-SIPI-SIPI (SDM 8.4.4.1) into the
 * trampoline of ap-start.S, which calls x86_ap_entry here on the AP.
 * Threads: smp_init and smp_start_ap run on the BSP (one caller at a time); x86_ap_entry runs
 * on each AP. smp_cpus[i] counters are written only by CPU i and read by anyone (volatile,
 * naturally aligned 32-bit stores); .fn is written by the BSP before the SIPI that starts i.
 */
#include "runtime.h"

struct smp_cpu smp_cpus[X86_MAX_CPUS];
uint32_t x86_smp_apic_ids[X86_MAX_CPUS];
uint64_t x86_tsc_per_us = 1000; /* Tandem's 1 GHz until smp_init calibrates it */

extern char x86_smp_tramp_start[], x86_smp_tramp_end[];
extern const uint32_t x86_smp_tramp_entries_off;

void delay_us(uint64_t us)
{
    uint64_t end = tsc_read() + us * x86_tsc_per_us;
    while ((int64_t)(tsc_read() - end) < 0) {
        cpu_relax();
    }
}

int x86_on_qemu_tcg(void)
{
    if (!(cpuid(1, 0).ecx & (1u << 31))) {
        return 0;
    }
    struct cpuid_regs h = cpuid(0x40000000, 0);
    return h.ebx == 0x54474354 && h.ecx == 0x43544743 && h.edx == 0x47435447; /* TCGT CGTC GTCG */
}

int smp_wait_eq(const volatile unsigned *p, unsigned want, uint64_t timeout_us)
{
    uint64_t end = tsc_read() + timeout_us * x86_tsc_per_us;
    while (*p != want) {
        if ((int64_t)(tsc_read() - end) >= 0) {
            return *p == want;
        }
        cpu_relax();
    }
    return 1;
}

int apic_send_ipi(unsigned dest, uint32_t icr_low)
{
    apic_write(XAPIC_ICR_HI, dest << 24);
    apic_write(XAPIC_ICR_LO, icr_low);
    uint64_t end = tsc_read() + 100000 * x86_tsc_per_us;
    while (apic_read(XAPIC_ICR_LO) & XAPIC_ICR_BUSY) {
        if ((int64_t)(tsc_read() - end) >= 0) {
            return -1;
        }
        cpu_relax();
    }
    return 0;
}

/* ---- ACPI ---- */
static int acpi_checksum_ok(const uint8_t *p, uint32_t len)
{
    uint8_t sum = 0;
    for (uint32_t i = 0; i < len; i++) {
        sum += p[i];
    }
    return sum == 0;
}

static const uint8_t *acpi_scan_rsdp(uint64_t start, uint64_t end)
{
    for (uint64_t a = start; a + 20 <= end; a += 16) {
        const uint8_t *p = (const uint8_t *)a;
        if (!memcmp(p, "RSD PTR ", 8) && acpi_checksum_ok(p, 20)) {
            return p;
        }
    }
    return NULL;
}

static const uint8_t *acpi_find_madt(void)
{
    /* The BIOS data area word at 0x40e: the EBDA segment. The empty asm hides the constant
     * address from GCC, which otherwise warns about dereferencing near-NULL. */
    uint64_t bda = 0x40e;
    __asm__("" : "+r"(bda));
    uint64_t ebda = (uint64_t)*(volatile uint16_t *)bda << 4;
    const uint8_t *rsdp = NULL;
    if (ebda >= 0x80000 && ebda < 0xa0000) {
        rsdp = acpi_scan_rsdp(ebda, ebda + 1024);
    }
    if (!rsdp) {
        rsdp = acpi_scan_rsdp(0xe0000, 0x100000);
    }
    if (!rsdp) {
        return NULL;
    }
    uint32_t rsdt = *(const uint32_t *)(rsdp + 16);
    uint64_t xsdt = rsdp[15] >= 2 ? *(const uint64_t *)(rsdp + 24) : 0;
    const uint8_t *root = (const uint8_t *)(xsdt ? xsdt : rsdt);
    unsigned entry_size = xsdt ? 8 : 4;
    uint32_t len = *(const uint32_t *)(root + 4);
    for (uint32_t off = 36; off + entry_size <= len; off += entry_size) {
        uint64_t t = entry_size == 8 ? *(const uint64_t *)(root + off)
                                     : *(const uint32_t *)(root + off);
        const uint8_t *h = (const uint8_t *)t;
        if (!memcmp(h, "APIC", 4)) {
            return h;
        }
    }
    return NULL;
}

/* ---- local APIC timer as the time base: one-shot, masked, divide by 1 (DCR 0xb) ---- */
static void smp_calibrate_tsc(void)
{
    apic_write(XAPIC_LVT_TIMER, XAPIC_LVT_MASKED | 0xfe);
    apic_write(XAPIC_TIMER_DCR, 0xb);
    apic_write(XAPIC_TIMER_ICR, 0xffffffffu);
    uint32_t c0 = apic_read(XAPIC_TIMER_CCR);
    uint64_t t0 = tsc_read();
    uint32_t c1;
    do {
        c1 = apic_read(XAPIC_TIMER_CCR);
    } while (c0 - c1 < 5000000u); /* 5 ms of 1 GHz ticks */
    uint64_t t1 = tsc_read();
    apic_write(XAPIC_TIMER_ICR, 0);
    uint64_t per_us = (t1 - t0) * 1000 / (c0 - c1);
    x86_tsc_per_us = per_us ? per_us : 1;
}

unsigned smp_init(void)
{
    /* The APIC page lies above the identity-mapped GiB: map it uncached (PCD | PWT). */
    if (!x86_map_page(XAPIC_BASE, XAPIC_BASE, X86_PTE_RW | 0x18)) {
        guest_printf("smp_init: cannot map the local APIC\n");
        return 0;
    }
    const uint8_t *madt = acpi_find_madt();
    if (!madt) {
        guest_printf("smp_init: no ACPI MADT\n");
        return 0;
    }
    unsigned bsp = apic_id_self();
    unsigned n = 1;
    x86_smp_apic_ids[0] = bsp;
    uint32_t len = *(const uint32_t *)(madt + 4);
    for (uint32_t off = 44; off + 2 <= len && madt[off + 1] >= 2; off += madt[off + 1]) {
        const uint8_t *e = madt + off;
        uint32_t id, flags;
        if (e[0] == 0) {
            id = e[3];
            flags = *(const uint32_t *)(e + 4);
        } else if (e[0] == 9) {
            id = *(const uint32_t *)(e + 4);
            flags = *(const uint32_t *)(e + 8);
        } else {
            continue;
        }
        if (!(flags & 1) || id == bsp) {
            continue;
        }
        if (n == X86_MAX_CPUS) {
            guest_printf("smp_init: more than %d CPUs, using %d\n", X86_MAX_CPUS, X86_MAX_CPUS);
            break;
        }
        x86_smp_apic_ids[n++] = id;
    }
    /* The trampoline page must not hold the multiboot information the test may still read. */
    if (x86_mb_info >= X86_SMP_TRAMP_BASE && x86_mb_info < X86_SMP_TRAMP_BASE + 0x1000) {
        guest_printf("FAIL smp_init: multiboot info %lx in the trampoline page\n", x86_mb_info);
        guest_exit(1);
    }
    memcpy((void *)(uint64_t)X86_SMP_TRAMP_BASE, x86_smp_tramp_start,
           (size_t)(x86_smp_tramp_end - x86_smp_tramp_start));
    *(volatile uint32_t *)(uint64_t)(X86_SMP_TRAMP_BASE + x86_smp_tramp_entries_off) = 0;
    __atomic_store_n(&x86_smp_ncpus, n, __ATOMIC_RELEASE);
    apic_sw_enable(0xff);
    smp_calibrate_tsc();
    return n;
}

unsigned smp_tramp_entries(void)
{
    return *(volatile uint32_t *)(uint64_t)(X86_SMP_TRAMP_BASE + x86_smp_tramp_entries_off);
}

int smp_cpu_index(void)
{
    unsigned id = apic_id_self();
    for (unsigned i = 0; i < x86_smp_ncpus; i++) {
        if (x86_smp_apic_ids[i] == id) {
            return (int)i;
        }
    }
    return -1;
}

void smp_send_init(unsigned apic_id)
{
    if (apic_send_ipi(apic_id, XAPIC_DM_INIT | XAPIC_LEVEL_ASSERT) < 0) {
        guest_printf("smp_send_init: ICR stayed busy\n");
    }
}

void smp_send_sipi(unsigned apic_id)
{
    if (apic_send_ipi(apic_id, XAPIC_DM_STARTUP | XAPIC_LEVEL_ASSERT |
                                   (X86_SMP_TRAMP_BASE >> 12)) < 0) {
        guest_printf("smp_send_sipi: ICR stayed busy\n");
    }
}

int smp_start_ap(unsigned idx, void (*fn)(unsigned idx))
{
    if (idx == 0 || idx >= x86_smp_ncpus) {
        return -1;
    }
    unsigned id = x86_smp_apic_ids[idx];
    unsigned before = smp_cpus[idx].entries;
    smp_cpus[idx].fn = fn;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    smp_send_init(id);
    delay_us(10000);
    smp_send_sipi(id);
    delay_us(200);
    smp_send_sipi(id);
    delay_us(200);
    return smp_wait_eq(&smp_cpus[idx].entries, before + 1, 1000000) ? 0 : -1;
}

/* Called by ap-start.S on the AP's own stack. */
void x86_ap_entry(unsigned idx);
void x86_ap_entry(unsigned idx)
{
    struct smp_cpu *c = &smp_cpus[idx];
    x86_init_ap_tables(idx);
    apic_sw_enable(0xff);
    c->entries++;
    void (*fn)(unsigned) = c->fn;
    if (fn) {
        fn(idx);
    }
    c->done++;
    for (;;) {
        __asm__ volatile("cli\n hlt" ::: "memory");
        c->hlt_wakeups++;
    }
}
