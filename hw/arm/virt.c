/*
 * virt.c — the "virt" board: RAM at 0x40000000, a PL011 at 0x09000000, Cortex-A CPUs booted
 * at EL1, and the boot images (ELF or Linux arm64 Image, initrd, device tree) placed where QEMU
 * places them:
 *   ELF kernel:  segments at their p_paddr; DTB at the start of RAM (0x40000000).
 *   arm64 Image: kernel at RAM base + text_offset (2 MiB when text_offset is 0); initrd at
 *                RAM base + min(RAM/2, 128 MiB) (or after the kernel if that is higher); DTB
 *                at the next 2 MiB boundary after the initrd (at the initrd position if none).
 * x0 = DTB address, pc = entry (Linux booting.rst).
 * Interrupts: a GICv2 (distributor 0x08000000, CPU interface 0x08010000; default, as QEMU) or,
 * with -machine gic-version=3, a GICv3 (distributor 0x08000000, redistributors from
 * 0x080a0000 for the first 123 CPUs and from 0x40_0000_0000 for the rest, up to 512 CPUs;
 * ICC_* system registers). MPIDR affinity: clusters of 16 CPUs with a GICv3, 8 with a GICv2
 * (Aff1 = cluster, Aff0 = index within it), as QEMU's virt. The PL011 on SPI 1, the PL031 RTC (0x09010000) on
 * SPI 2, the generic timers on PPIs 14 (physical) and 11 (virtual).
 * Everything here runs on the main thread: init before vCPUs start, reset with vCPUs paused.
 */
#include <glib.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "hw/arm/virt.h"
#include "hw/char/pl011.h"
#include "hw/core/chardev.h"
#include "hw/core/machine.h"
#include "hw/intc/gic-common.h"
#include "hw/misc/powerctl.h"
#include "hw/misc/testdev.h"
#include "hw/rtc/pl031.h"
#include "system/loader.h"
#include "system/log.h"
#include "target-arm/cpu.h"
#include "target-arm/gtimer.h"

#define VIRT_INITRD_MAX_OFFSET (128ull << 20)
#define SZ_2M 0x200000ull

typedef struct VirtMachineState {
    MemoryRegion ram;
    PL011State uart;
    PL031State rtc;
    PowerCtlState powerctl;
    TestDevState testdev;
    GICState gic;
    uint64_t kernel_entry, kernel_end;
    bool kernel_is_elf;
    uint64_t initrd_start, initrd_end;
    uint64_t dtb_addr;
} VirtMachineState;

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

/* ---- kernel ---- */

static bool virt_load_elf(Machine *m, VirtMachineState *vms, const char *path,
                          const uint8_t *data, size_t len)
{
    ElfImage img;
    char *err = NULL;
    if (!loader_elf_parse(data, len, &img, &err)) {
        error_report("-kernel '%s': %s", path, err);
        g_free(err);
        return false;
    }
    vms->kernel_end = 0;
    for (int i = 0; i < img.nb_segments; i++) {
        const ElfSegment *s = &img.segments[i];
        char *name = g_strdup_printf("-kernel '%s' segment %d", path, i);
        bool ok = machine_rom_add(m, name, s->paddr, data + s->offset, s->filesz, s->memsz);
        g_free(name);
        if (!ok) {
            return false;
        }
        vms->kernel_end = MAX(vms->kernel_end, s->paddr + s->memsz);
    }
    vms->kernel_entry = img.entry;
    vms->kernel_is_elf = true;
    return true;
}

static bool virt_load_image(Machine *m, VirtMachineState *vms, const char *path,
                            const uint8_t *data, size_t len)
{
    Arm64ImageHeader hdr;
    char *err = NULL;
    if (!loader_arm64_image_parse(data, len, &hdr, &err)) {
        error_report("-kernel '%s': %s", path, err);
        g_free(err);
        return false;
    }
    uint64_t addr = VIRT_RAM_BASE + loader_arm64_image_load_offset(&hdr);
    uint64_t size = loader_arm64_image_footprint(&hdr, len);
    char *name = g_strdup_printf("-kernel '%s'", path);
    bool ok = machine_rom_add(m, name, addr, data, len, size);
    g_free(name);
    vms->kernel_entry = addr;
    vms->kernel_end = addr + size;
    vms->kernel_is_elf = false;
    return ok;
}

static bool virt_load_kernel(Machine *m, VirtMachineState *vms)
{
    const char *path = m->cfg.kernel;
    size_t len;
    uint8_t *data = loader_read_kernel("-kernel", path, &len);
    bool ok;
    if (!data) {
        return false;
    }
    switch (loader_probe(data, len)) {
    case LOADER_KIND_ELF:
        ok = virt_load_elf(m, vms, path, data, len);
        break;
    case LOADER_KIND_ARM64_IMAGE:
        ok = virt_load_image(m, vms, path, data, len);
        break;
    default:
        error_report("-kernel '%s': neither an ELF executable nor a Linux arm64 Image", path);
        ok = false;
        break;
    }
    g_free(data);
    return ok;
}

/* ---- initrd and device tree ---- */

static bool virt_load_initrd(Machine *m, VirtMachineState *vms)
{
    uint64_t ram_size = m->cfg.ram_size;
    uint64_t start = VIRT_RAM_BASE + MIN(ram_size / 2, VIRT_INITRD_MAX_OFFSET);
    if (vms->kernel_end > start && vms->kernel_end <= VIRT_RAM_BASE + ram_size) {
        start = align_up(vms->kernel_end, 0x1000);
    }
    vms->initrd_start = vms->initrd_end = start;
    if (!m->cfg.initrd) {
        return true;
    }
    size_t len;
    uint8_t *data = loader_read_file("-initrd", m->cfg.initrd, &len);
    if (!data) {
        return false;
    }
    char *name = g_strdup_printf("-initrd '%s'", m->cfg.initrd);
    bool ok = machine_rom_add(m, name, start, data, len, len);
    g_free(name);
    g_free(data);
    vms->initrd_end = start + len;
    return ok;
}

static void *virt_make_fdt(Machine *m, const char **what)
{
    size_t bufsize;
    char *err = NULL;
    void *fdt;
    if (m->cfg.dtb) {
        size_t len;
        uint8_t *data = loader_read_file("-dtb", m->cfg.dtb, &len);
        if (!data) {
            return NULL;
        }
        fdt = virt_fdt_open(data, len, &bufsize, &err);
        g_free(data);
        if (!fdt) {
            error_report("-dtb '%s': %s", m->cfg.dtb, err);
            g_free(err);
            return NULL;
        }
        *what = m->cfg.dtb;
    } else {
        const VirtMachineState *vms = m->board;
        VirtFdtParams p = {.ram_base = VIRT_RAM_BASE, .ram_size = m->cfg.ram_size};
        p.gic_version = vms->gic.version;
        p.psci_smc = m->cfg.psci_smc;
        p.ncpus = m->ncpus;
        p.testdev = m->cfg.testdev;
        for (int i = 0; i < m->ncpus; i++) {
            ARMCPU *cpu = arm_cpu(m->cpus[i]);
            p.cpus[i].compatible = cpu->model->dt_compatible;
            p.cpus[i].mpidr = cpu->mpidr;
        }
        fdt = virt_fdt_build(&p, &bufsize);
        *what = "generated device tree";
    }
    const VirtMachineState *vms = m->board;
    uint64_t initrd_start = m->cfg.initrd ? vms->initrd_start : 0;
    uint64_t initrd_end = m->cfg.initrd ? vms->initrd_end : 0;
    if (!virt_fdt_set_chosen(fdt, m->cfg.append, initrd_start, initrd_end, &err)) {
        error_report("%s: %s", *what, err);
        g_free(err);
        g_free(fdt);
        return NULL;
    }
    return fdt;
}

static bool virt_dump_dtb(const char *path, const void *fdt)
{
    GError *gerr = NULL;
    if (!g_file_set_contents(path, fdt, fdt_totalsize(fdt), &gerr)) {
        error_report("dumpdtb: cannot write '%s': %s", path, gerr->message);
        g_error_free(gerr);
        return false;
    }
    fprintf(stderr, "tandem: info: dtb dumped to %s. Exiting.\n", path);
    return true;
}

/* ---- board ---- */

static int virt_gic_version(const Machine *m)
{
    return m->cfg.gic_version ? m->cfg.gic_version : 2;
}

/* MPIDR_EL1 of CPU index (bit 31 RES1; see the layout at the top of this file). */
static uint64_t virt_cpu_mpidr(const Machine *m, int index)
{
    int cluster = virt_gic_version(m) == 3 ? VIRT_GICV3_CLUSTER_SIZE : VIRT_GICV2_CLUSTER_SIZE;
    return 1ull << 31 | (uint64_t)(index / cluster) << 8 | (uint64_t)(index % cluster);
}

/* The GIC, with each CPU's IRQ and FIQ inputs as its outputs (main thread, before vCPUs). */
static bool virt_create_gic(Machine *m, VirtMachineState *vms)
{
    int version = virt_gic_version(m);
    uint64_t mpidr[GIC_MAX_CPUS];
    for (int i = 0; i < m->ncpus; i++) {
        mpidr[i] = arm_cpu(m->cpus[i])->mpidr;
    }
    GICState *gic = &vms->gic;
    if (version == 3) {
        gicv3_init_regions(gic, m->ncpus, mpidr, VIRT_GIC_REDIST_SIZE / VIRT_GIC_REDIST_FRAME);
        address_space_map(&m->as, VIRT_GIC_DIST_BASE, &gic->dist_iomem);
        address_space_map(&m->as, VIRT_GIC_REDIST_BASE, &gic->redist_iomem);
        if (m->ncpus > gic->redist0_frames) {
            address_space_map(&m->as, VIRT_GIC_REDIST2_BASE, &gic->redist_hi_iomem);
        }
        gicv3_cpuif_define_sysregs(gic);
    } else {
        gicv2_init(gic, m->ncpus, mpidr);
        address_space_map(&m->as, VIRT_GIC_DIST_BASE, &gic->dist_iomem);
        address_space_map(&m->as, VIRT_GIC_CPU_BASE, &gic->cpu_iomem);
    }
    for (int i = 0; i < m->ncpus; i++) {
        ARMCPU *cpu = arm_cpu(m->cpus[i]);
        cpu->gicv3_cpuif = version == 3;
        gic->cpu[i].irq_out = (IRQLine){arm_cpu_set_irq, cpu, ARM_CPU_IRQ};
        gic->cpu[i].fiq_out = (IRQLine){arm_cpu_set_irq, cpu, ARM_CPU_FIQ};
        /* Generic timer outputs as QEMU's virt wires them: the non-secure physical timer to
         * PPI 14 (INTID 30), the virtual timer to PPI 11 (INTID 27). */
        arm_gtimer_connect(cpu, GTIMER_PHYS, gic_ppi_line(gic, i, VIRT_TIMER_PPI_NS_PHYS));
        arm_gtimer_connect(cpu, GTIMER_VIRT, gic_ppi_line(gic, i, VIRT_TIMER_PPI_VIRT));
    }
    return true;
}

IRQLine virt_timer_ppi_line(Machine *m, int cpu, int ppi)
{
    VirtMachineState *vms = m->board;
    return gic_ppi_line(&vms->gic, cpu, ppi);
}

static bool virt_init(Machine *m)
{
    VirtMachineState *vms = g_new0(VirtMachineState, 1);
    const char *cpu_name = m->cfg.cpu ? m->cfg.cpu : m->mc->default_cpu;
    const ARMCPUModel *model = arm_cpu_model_find(cpu_name);
    m->board = vms;
    if (!model) {
        error_report("unknown CPU model '%s' (try -cpu help)", cpu_name);
        return false;
    }
    if (!m->cfg.kernel && !m->cfg.dumpdtb) {
        error_report("no kernel given: use -kernel FILE (an ELF executable or arm64 Image)");
        return false;
    }

    if (virt_gic_version(m) == 2 && m->cfg.smp > VIRT_GICV2_MAX_CPUS) {
        error_report("-smp %d: a GICv2 board holds at most %d CPUs (use -machine gic-version=3)",
                     m->cfg.smp, VIRT_GICV2_MAX_CPUS);
        return false;
    }
    arm_translate_init(); /* the IR globals of the one target this process runs */
    memory_region_init_ram(&vms->ram, "virt.ram", m->cfg.ram_size);
    address_space_map(&m->as, VIRT_RAM_BASE, &vms->ram);

    for (int i = 0; i < m->cfg.smp; i++) {
        ARMCPU *cpu = arm_cpu_new(model, i);
        cpu->mpidr = virt_cpu_mpidr(m, i); /* copied into the registers at the reset below */
        cpu->parent.as = &m->as;
        cpu->parent.machine = m;
        cpu->env.semihosting = m->cfg.semihosting;
        cpu->start_powered_off = i > 0; /* secondaries wait for PSCI CPU_ON */
        cpu->psci_conduit = m->cfg.psci_smc ? ARM_PSCI_CONDUIT_SMC : ARM_PSCI_CONDUIT_HVC;
        m->cpus[m->ncpus++] = &cpu->parent;
    }
    if (!virt_create_gic(m, vms)) {
        return false;
    }

    Chardev *chr = chardev_new(m->cfg.serial ? m->cfg.serial : "mon:stdio");
    if (!chr) {
        return false;
    }
    pl011_init(&vms->uart, chr, gic_spi_line(&vms->gic, VIRT_UART_SPI));
    address_space_map(&m->as, VIRT_UART_BASE, &vms->uart.iomem);
    pl031_init(&vms->rtc, gic_spi_line(&vms->gic, VIRT_RTC_SPI), &m->cfg.rtc);
    address_space_map(&m->as, VIRT_RTC_BASE, &vms->rtc.iomem);
    powerctl_init(&vms->powerctl, &m->as);
    address_space_map(&m->as, VIRT_POWERCTL_BASE, &vms->powerctl.iomem);
    if (m->cfg.testdev) {
        testdev_init(&vms->testdev, m->cfg.testdev_arg);
        address_space_map(&m->as, VIRT_TESTDEV_BASE, &vms->testdev.iomem);
    }

    if (m->cfg.kernel && !virt_load_kernel(m, vms)) {
        return false;
    }
    if (!virt_load_initrd(m, vms)) {
        return false;
    }
    const char *what;
    void *fdt = virt_make_fdt(m, &what);
    if (!fdt) {
        return false;
    }
    if (m->cfg.dumpdtb) {
        bool ok = virt_dump_dtb(m->cfg.dumpdtb, fdt);
        g_free(fdt);
        exit(ok ? 0 : 1);
    }
    if (vms->kernel_is_elf) {
        vms->dtb_addr = VIRT_RAM_BASE;
    } else {
        vms->dtb_addr = align_up(m->cfg.initrd ? vms->initrd_end : vms->initrd_start, SZ_2M);
    }
    char *name = g_strdup_printf("device tree (%s)", what);
    bool ok = machine_rom_add(m, name, vms->dtb_addr, fdt, fdt_totalsize(fdt), fdt_totalsize(fdt));
    g_free(name);
    g_free(fdt);
    if (!ok) {
        return false;
    }

    /* The boot CPU starts at the kernel entry with x0 = DTB (booting.rst); the vCPU threads
     * have not started, so the main thread may still reset them directly. */
    for (int i = 0; i < m->ncpus; i++) {
        ARMCPU *cpu = arm_cpu(m->cpus[i]);
        arm_cpu_set_boot_info(cpu, vms->kernel_entry, vms->dtb_addr, 1);
        m->cpus[i]->arch->reset(m->cpus[i]);
    }
    return true;
}

static void virt_reset_devices(Machine *m)
{
    VirtMachineState *vms = m->board;
    gic_reset(&vms->gic);
    pl011_reset(&vms->uart);
    pl031_reset(&vms->rtc);
    powerctl_reset(&vms->powerctl);
    if (m->cfg.testdev) {
        testdev_reset(&vms->testdev);
    }
}

const MachineClass virt_machine_class = {
    .name = "virt",
    .desc = "Tandem ARM Virtual Machine (QEMU virt memory map)",
    .default_cpu = "cortex-a57",
    .default_ram_size = 128ull << 20,
    .ram_base = VIRT_RAM_BASE,
    .max_ram_size = VIRT_RAM_MAX,
    /* GICv3's limit; virt_init refuses more than 8 with a GICv2. */
    .max_cpus = VIRT_GICV3_MAX_CPUS,
    .init = virt_init,
    .reset_devices = virt_reset_devices,
};
