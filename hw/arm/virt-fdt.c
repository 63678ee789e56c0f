/*
 * virt-fdt.c — the virt board's flattened device tree (libfdt sequential-write API), and the
 * /chosen edits applied to both the generated tree and a user's -dtb.
 *
 * The tree describes only devices Tandem has: RAM, the CPUs, PSCI, the GIC (v2 or v3, without
 * QEMU's v2m/ITS MSI children), the architected timer, the PL011 and PL031 and their clock.
 * QEMU's tree also has flash, fw-cfg, virtio-mmio, PCIe, GPIO and PMU nodes; they arrive when
 * the devices exist — describing hardware that is not there would make a guest probe it.
 * Phandle values follow QEMU's (apb-pclk 0x8000, CPUs 0x8001.. in reverse order: the last CPU
 * has 0x8001 and CPU 0 0x8000 + ncpus; the GIC right after the CPUs) so a dump diffs cleanly.
 * Main thread only.
 */
#include "hw/arm/virt.h"

#include <glib.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#define VIRT_FDT_INITIAL_SIZE 0x10000 /* the tree without CPUs, many times over */
#define VIRT_FDT_CPU_SIZE 0x100        /* a cpu@ node and its cpu-map entry (~160 bytes) */
#define VIRT_FDT_SLACK 0x10000 /* room for /chosen edits (bootargs can be long) */
#define PHANDLE_APB_PCLK 0x8000
#define PHANDLE_CPU0 0x8001
/* GIC binding (Documentation/devicetree/bindings/interrupt-controller/arm,gic.yaml):
 * <type number flags>; type 0 = SPI, 1 = PPI; flags 4 = level-high, and on GICv2 the PPI's
 * CPU mask in [15:8]. */
#define GIC_FDT_SPI 0
#define GIC_FDT_PPI 1
#define GIC_FDT_LEVEL_HI 4

static uint32_t virt_fdt_gic_phandle(const VirtFdtParams *p)
{
    return PHANDLE_CPU0 + (uint32_t)p->ncpus;
}

/* ---- generated tree ---- */

/* Appends a two-cell address or size (the root has #address-cells = #size-cells = 2). */
static void fdt_cells64(uint32_t *cells, uint64_t v)
{
    cells[0] = cpu_to_fdt32((uint32_t)(v >> 32));
    cells[1] = cpu_to_fdt32((uint32_t)v);
}

static int virt_fdt_reg(void *fdt, uint64_t base, uint64_t size)
{
    uint32_t reg[4];
    fdt_cells64(&reg[0], base);
    fdt_cells64(&reg[2], size);
    return fdt_property(fdt, "reg", reg, sizeof(reg));
}

/* String lists are NUL-separated in one property value. */
static int virt_fdt_strings(void *fdt, const char *name, const char *const *list, int n)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < n; i++) {
        g_string_append_len(s, list[i], (gssize)strlen(list[i]) + 1);
    }
    int r = fdt_property(fdt, name, s->str, (int)s->len);
    g_string_free(s, TRUE);
    return r;
}

static int virt_fdt_psci(void *fdt, const VirtFdtParams *p)
{
    /* Function IDs: Arm DEN 0022 (PSCI 0.2+), SMC64 variants where arguments are 64-bit. */
    static const char *const compat[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"};
    int r = 0;
    r |= fdt_begin_node(fdt, "psci");
    r |= virt_fdt_strings(fdt, "compatible", compat, 3);
    /* The conduit the CPUs answer on (-machine psci-conduit); the other one is UNDEFINED. */
    r |= fdt_property_string(fdt, "method", p->psci_smc ? "smc" : "hvc");
    r |= fdt_property_u32(fdt, "cpu_suspend", 0xc4000001);
    r |= fdt_property_u32(fdt, "cpu_off", 0x84000002);
    r |= fdt_property_u32(fdt, "cpu_on", 0xc4000003);
    r |= fdt_property_u32(fdt, "migrate", 0xc4000005);
    r |= fdt_end_node(fdt);
    return r;
}

static int virt_fdt_memory(void *fdt, const VirtFdtParams *p)
{
    char name[32];
    int r = 0;
    snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)p->ram_base);
    r |= fdt_begin_node(fdt, name);
    r |= fdt_property_string(fdt, "device_type", "memory");
    r |= virt_fdt_reg(fdt, p->ram_base, p->ram_size);
    r |= fdt_end_node(fdt);
    return r;
}

static int virt_fdt_uart(void *fdt)
{
    static const char *const compat[] = {"arm,pl011", "arm,primecell"};
    static const char *const clock_names[] = {"uartclk", "apb_pclk"};
    uint32_t irq[3] = {cpu_to_fdt32(GIC_FDT_SPI), cpu_to_fdt32(VIRT_UART_SPI),
                       cpu_to_fdt32(GIC_FDT_LEVEL_HI)};
    uint32_t clocks[2] = {cpu_to_fdt32(PHANDLE_APB_PCLK), cpu_to_fdt32(PHANDLE_APB_PCLK)};
    char name[32];
    int r = 0;
    snprintf(name, sizeof(name), "pl011@%llx", (unsigned long long)VIRT_UART_BASE);
    r |= fdt_begin_node(fdt, name);
    r |= virt_fdt_strings(fdt, "compatible", compat, 2);
    r |= virt_fdt_reg(fdt, VIRT_UART_BASE, VIRT_UART_SIZE);
    r |= fdt_property(fdt, "interrupts", irq, sizeof(irq));
    r |= fdt_property(fdt, "clocks", clocks, sizeof(clocks));
    r |= virt_fdt_strings(fdt, "clock-names", clock_names, 2);
    r |= fdt_end_node(fdt);
    return r;
}

static int virt_fdt_rtc(void *fdt)
{
    static const char *const compat[] = {"arm,pl031", "arm,primecell"};
    uint32_t irq[3] = {cpu_to_fdt32(GIC_FDT_SPI), cpu_to_fdt32(VIRT_RTC_SPI),
                       cpu_to_fdt32(GIC_FDT_LEVEL_HI)};
    char name[32];
    int r = 0;
    snprintf(name, sizeof(name), "pl031@%llx", (unsigned long long)VIRT_RTC_BASE);
    r |= fdt_begin_node(fdt, name);
    r |= virt_fdt_strings(fdt, "compatible", compat, 2);
    r |= virt_fdt_reg(fdt, VIRT_RTC_BASE, VIRT_RTC_SIZE);
    r |= fdt_property(fdt, "interrupts", irq, sizeof(irq));
    r |= fdt_property_u32(fdt, "clocks", PHANDLE_APB_PCLK);
    r |= fdt_property_string(fdt, "clock-names", "apb_pclk");
    r |= fdt_end_node(fdt);
    return r;
}

/* A node with one compatible string and one register window (Tandem's own devices). */
static int virt_fdt_simple(void *fdt, const char *prefix, const char *compat, uint64_t base,
                           uint64_t size)
{
    char name[48];
    int r = 0;
    snprintf(name, sizeof(name), "%s@%llx", prefix, (unsigned long long)base);
    r |= fdt_begin_node(fdt, name);
    r |= fdt_property_string(fdt, "compatible", compat);
    r |= virt_fdt_reg(fdt, base, size);
    r |= fdt_end_node(fdt);
    return r;
}

static int virt_fdt_intc(void *fdt, const VirtFdtParams *p)
{
    char name[32];
    int r = 0;
    snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)VIRT_GIC_DIST_BASE);
    uint32_t reg[12];
    int nreg = 8;
    fdt_cells64(&reg[0], VIRT_GIC_DIST_BASE);
    fdt_cells64(&reg[2], VIRT_GIC_DIST_SIZE);
    r |= fdt_begin_node(fdt, name);
    if (p->gic_version == 3) {
        /* Each redistributor region is described whole, as QEMU does; the second one only
         * when the first window's frames do not hold every CPU. */
        int regions = p->ncpus > (int)(VIRT_GIC_REDIST_SIZE / VIRT_GIC_REDIST_FRAME) ? 2 : 1;
        fdt_cells64(&reg[4], VIRT_GIC_REDIST_BASE);
        fdt_cells64(&reg[6], VIRT_GIC_REDIST_SIZE);
        if (regions == 2) {
            fdt_cells64(&reg[8], VIRT_GIC_REDIST2_BASE);
            fdt_cells64(&reg[10], VIRT_GIC_REDIST2_SIZE);
            nreg = 12;
        }
        r |= fdt_property_string(fdt, "compatible", "arm,gic-v3");
        r |= fdt_property_u32(fdt, "#redistributor-regions", (uint32_t)regions);
    } else {
        fdt_cells64(&reg[4], VIRT_GIC_CPU_BASE);
        fdt_cells64(&reg[6], VIRT_GIC_CPU_SIZE);
        r |= fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic");
    }
    r |= fdt_property(fdt, "reg", reg, (int)(nreg * sizeof(reg[0])));
    /* QEMU's node carries these for its MSI child nodes; kept so the nodes match. */
    r |= fdt_property(fdt, "ranges", NULL, 0);
    r |= fdt_property_u32(fdt, "#size-cells", 2);
    r |= fdt_property_u32(fdt, "#address-cells", 2);
    r |= fdt_property(fdt, "interrupt-controller", NULL, 0);
    r |= fdt_property_u32(fdt, "#interrupt-cells", 3);
    r |= fdt_property_u32(fdt, "phandle", virt_fdt_gic_phandle(p));
    r |= fdt_end_node(fdt);
    return r;
}

static int virt_fdt_timer(void *fdt, const VirtFdtParams *p)
{
    static const char *const compat[] = {"arm,armv8-timer", "arm,armv7-timer"};
    /* Secure physical, non-secure physical, virtual, hypervisor (the binding's order). */
    static const uint32_t ppis[4] = {VIRT_TIMER_PPI_SEC_PHYS, VIRT_TIMER_PPI_NS_PHYS,
                                     VIRT_TIMER_PPI_VIRT, VIRT_TIMER_PPI_HYP};
    uint32_t flags = GIC_FDT_LEVEL_HI;
    if (p->gic_version == 2) {
        flags |= ((1u << p->ncpus) - 1) << 8;
    }
    uint32_t irq[12];
    for (int i = 0; i < 4; i++) {
        irq[3 * i] = cpu_to_fdt32(GIC_FDT_PPI);
        irq[3 * i + 1] = cpu_to_fdt32(ppis[i]);
        irq[3 * i + 2] = cpu_to_fdt32(flags);
    }
    int r = 0;
    r |= fdt_begin_node(fdt, "timer");
    r |= fdt_property(fdt, "interrupts", irq, sizeof(irq));
    r |= fdt_property(fdt, "always-on", NULL, 0);
    r |= virt_fdt_strings(fdt, "compatible", compat, 2);
    r |= fdt_end_node(fdt);
    return r;
}

static int virt_fdt_apb_pclk(void *fdt)
{
    int r = 0;
    r |= fdt_begin_node(fdt, "apb-pclk");
    r |= fdt_property_string(fdt, "compatible", "fixed-clock");
    r |= fdt_property_u32(fdt, "#clock-cells", 0);
    r |= fdt_property_u32(fdt, "clock-frequency", VIRT_APB_PCLK_HZ);
    r |= fdt_property_string(fdt, "clock-output-names", "clk24mhz");
    r |= fdt_property_u32(fdt, "phandle", PHANDLE_APB_PCLK);
    r |= fdt_end_node(fdt);
    return r;
}

/* QEMU numbers CPU phandles downwards from the last CPU. */
static uint32_t virt_fdt_cpu_phandle(const VirtFdtParams *p, int i)
{
    return PHANDLE_CPU0 + (uint32_t)(p->ncpus - 1 - i);
}

static int virt_fdt_cpus(void *fdt, const VirtFdtParams *p)
{
    int r = 0;
    char name[32];
    r |= fdt_begin_node(fdt, "cpus");
    r |= fdt_property_u32(fdt, "#address-cells", 1);
    r |= fdt_property_u32(fdt, "#size-cells", 0);
    for (int i = 0; i < p->ncpus; i++) {
        /* reg holds the MPIDR affinity fields (Aff2..Aff0; Aff3 would need two cells). The
         * node is named by CPU index, not reg, as QEMU names it (cpu@16 has reg 0x100 with a
         * GICv3); Linux reads reg. */
        uint32_t aff = (uint32_t)(p->cpus[i].mpidr & 0xffffff);
        snprintf(name, sizeof(name), "cpu@%d", i);
        r |= fdt_begin_node(fdt, name);
        r |= fdt_property_string(fdt, "device_type", "cpu");
        r |= fdt_property_string(fdt, "compatible", p->cpus[i].compatible);
        r |= fdt_property_u32(fdt, "reg", aff);
        /* Every CPU names PSCI as its enable-method (QEMU omits it when there is one CPU;
         * Linux accepts both, and describing the method always keeps CPU_OFF/hotplug paths
         * and the multi-CPU layout the same). */
        r |= fdt_property_string(fdt, "enable-method", "psci");
        r |= fdt_property_u32(fdt, "phandle", virt_fdt_cpu_phandle(p, i));
        r |= fdt_end_node(fdt);
    }
    /* Topology (Documentation/devicetree/bindings/cpu/cpu-topology.txt) as QEMU 7.2 gives it
     * for a plain -smp N: one socket, one cluster, N cores (the MPIDR clusters are the GIC's
     * addressing, not a scheduling topology). */
    r |= fdt_begin_node(fdt, "cpu-map");
    r |= fdt_begin_node(fdt, "socket0");
    r |= fdt_begin_node(fdt, "cluster0");
    for (int i = 0; i < p->ncpus; i++) {
        snprintf(name, sizeof(name), "core%d", i);
        r |= fdt_begin_node(fdt, name);
        r |= fdt_property_u32(fdt, "cpu", virt_fdt_cpu_phandle(p, i));
        r |= fdt_end_node(fdt);
    }
    r |= fdt_end_node(fdt);
    r |= fdt_end_node(fdt);
    r |= fdt_end_node(fdt);
    r |= fdt_end_node(fdt);
    return r;
}

void *virt_fdt_build(const VirtFdtParams *p, size_t *bufsize)
{
    size_t size = VIRT_FDT_INITIAL_SIZE + (size_t)p->ncpus * VIRT_FDT_CPU_SIZE;
    void *fdt = g_malloc0(size);
    int r = 0;
    char path[40];
    r |= fdt_create(fdt, (int)size);
    r |= fdt_finish_reservemap(fdt);
    r |= fdt_begin_node(fdt, "");
    r |= fdt_property_string(fdt, "compatible", "linux,dummy-virt");
    r |= fdt_property_string(fdt, "model", "linux,dummy-virt");
    r |= fdt_property_u32(fdt, "#address-cells", 2);
    r |= fdt_property_u32(fdt, "#size-cells", 2);
    r |= fdt_property_u32(fdt, "interrupt-parent", virt_fdt_gic_phandle(p));
    r |= virt_fdt_psci(fdt, p);
    r |= virt_fdt_memory(fdt, p);
    r |= virt_fdt_rtc(fdt);
    r |= virt_fdt_uart(fdt);
    r |= virt_fdt_simple(fdt, "power-controller", "tandem,power-controller", VIRT_POWERCTL_BASE,
                         VIRT_POWERCTL_SIZE);
    if (p->testdev) {
        r |= virt_fdt_simple(fdt, "testdev", "tandem,testdev", VIRT_TESTDEV_BASE,
                             VIRT_TESTDEV_SIZE);
    }
    r |= virt_fdt_intc(fdt, p);
    r |= virt_fdt_cpus(fdt, p);
    r |= virt_fdt_timer(fdt, p);
    r |= virt_fdt_apb_pclk(fdt);
    r |= fdt_begin_node(fdt, "chosen");
    snprintf(path, sizeof(path), "/pl011@%llx", (unsigned long long)VIRT_UART_BASE);
    r |= fdt_property_string(fdt, "stdout-path", path);
    r |= fdt_end_node(fdt);
    r |= fdt_end_node(fdt);
    r |= fdt_finish(fdt);
    /* The buffer holds this tree many times over; a failure here is a programming error. */
    g_assert(r == 0);
    /* Convert to the read-write layout with room for /chosen edits. */
    char *err = NULL;
    void *out = virt_fdt_open(fdt, fdt_totalsize(fdt), bufsize, &err);
    g_assert(out);
    g_free(fdt);
    return out;
}

/* ---- edits shared by generated and user trees ---- */

void *virt_fdt_open(const void *fdt, size_t len, size_t *bufsize, char **err)
{
    int r;
    if (len < sizeof(struct fdt_header) || (r = fdt_check_header(fdt)) != 0) {
        *err = g_strdup_printf("not a valid device tree blob (%s)",
                               len < sizeof(struct fdt_header) ? "too short"
                                                               : fdt_strerror(r));
        return NULL;
    }
    if (fdt_totalsize(fdt) > len) {
        *err = g_strdup("truncated device tree blob");
        return NULL;
    }
    size_t size = fdt_totalsize(fdt) + VIRT_FDT_SLACK;
    void *buf = g_malloc0(size);
    r = fdt_open_into(fdt, buf, (int)size);
    if (r != 0) {
        *err = g_strdup_printf("cannot open device tree: %s", fdt_strerror(r));
        g_free(buf);
        return NULL;
    }
    *bufsize = size;
    return buf;
}

/* Linux reads linux,initrd-* with whatever length the property has (one or two cells); like
 * QEMU, use one cell when the address fits, two above 4 GiB. */
static int virt_fdt_set_addr(void *fdt, int node, const char *name, uint64_t v)
{
    if (v <= UINT32_MAX) {
        return fdt_setprop_u32(fdt, node, name, (uint32_t)v);
    }
    return fdt_setprop_u64(fdt, node, name, v);
}

bool virt_fdt_set_chosen(void *fdt, const char *bootargs, uint64_t initrd_start,
                         uint64_t initrd_end, char **err)
{
    int r = 0;
    int chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0) {
        chosen = fdt_add_subnode(fdt, 0, "chosen");
    }
    if (chosen < 0) {
        r = chosen;
        goto fail;
    }
    if (bootargs && (r = fdt_setprop_string(fdt, chosen, "bootargs", bootargs)) != 0) {
        goto fail;
    }
    if (initrd_end > initrd_start) {
        r = virt_fdt_set_addr(fdt, chosen, "linux,initrd-start", initrd_start);
        if (r == 0) {
            r = virt_fdt_set_addr(fdt, chosen, "linux,initrd-end", initrd_end);
        }
        if (r != 0) {
            goto fail;
        }
    }
    if ((r = fdt_pack(fdt)) != 0) {
        goto fail;
    }
    return true;
fail:
    *err = g_strdup_printf("cannot update /chosen in the device tree: %s", fdt_strerror(r));
    return false;
}
