/*
 * pc.c — the "pc" board: QEMU's i440fx PC memory and I/O map without the BIOS, booted
 * directly (multiboot or Linux bzImage, system/loader-*.c).
 *   RAM: [0, below_4g) and [4 GiB, 4 GiB + above_4g) split as QEMU does (hw/x86/e820.c);
 *        the guest e820 map reserves the EBDA, VGA/BIOS hole and the ACPI tables.
 *   I/O: 8259 pair 0x20/0xa0 (ELCR 0x4d0), 8254 0x40 (+ port 0x61), i8042 0x60/0x64, CMOS
 *        RTC 0x70, port 0x92, 16550 COM1 0x3f8 (IRQ 4), fw_cfg 0x510/0x514, ACPI PM 0x600
 *        (SCI IRQ 9), reset control 0xcf9, isa-debug-exit where -device puts it; ports 0x80
 *        and 0xed are quiet sinks; every other port reads all ones (-d guest_errors).
 *   MMIO: IOAPIC 0xfec00000, HPET 0xfed00000, local APICs 0xfee00000 (one region, the
 *   accessing CPU picks its APIC); with -device tandem-testdev the test device 0xfeb00000
 *   and the power controller 0xfeb01000; unclaimed addresses read all ones (-d guest_errors).
 *   ACPI tables (RSDP, RSDT/XSDT, FADT, FACS, DSDT with \_S5, MADT, HPET) at 0xe0000.
 * Interrupts: each ISA IRQ line drives both the 8259 input n and IOAPIC pin n, except IRQ 0
 * which reaches IOAPIC pin 2 (the MADT's interrupt source override, hw/x86/acpi-build.c; the
 * SCI, IRQ 9, is level-triggered there). The 8259's INTR goes to every local APIC's LINT0
 * (virtual wire mode, MP spec 1.4 3.6.2.2: only the BSP's LINT0 is in ExtINT mode at reset);
 * HPET routes go to IOAPIC pins. The local APIC drives its CPU's CPU_INTERRUPT_HARD/NMI/...
 * request bits (target-x86/cpu-apic.c) and the CPU takes the vector from it
 * (X86CPU.get_interrupt).
 * Everything here runs on the main thread (init before the vCPUs start, reset with the vCPUs
 * paused), except: the A20 line handler, which runs where the gate was written (a vCPU thread
 * doing port I/O) and applies the change to each CPU on that CPU's thread; the interrupt line
 * handlers, which run on any thread with the device lock held; and
 * pc_get_interrupt, which runs on the owner vCPU thread and takes the lock itself.
 */
#include <glib.h>
#include <inttypes.h>
#include <string.h>

#include "cpu-exec/softmmu.h"
#include "cpu-exec/vcpu.h"
#include "hw/char/serial16550.h"
#include "hw/core/chardev.h"
#include "hw/core/machine.h"
#include "hw/input/i8042.h"
#include "hw/intc/apic.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic.h"
#include "hw/misc/debug-exit.h"
#include "hw/misc/fw_cfg.h"
#include "hw/misc/powerctl.h"
#include "hw/misc/testdev.h"
#include "hw/misc/unassigned.h"
#include "hw/rtc/mc146818.h"
#include "hw/timer/hpet.h"
#include "hw/timer/i8254.h"
#include "hw/x86/acpi-build.h"
#include "hw/x86/acpi-pm.h"
#include "hw/x86/e820.h"
#include "hw/x86/port92.h"
#include "hw/x86/smram.h"
#include "hw/x86/reset-control.h"
#include "system/loader-bzimage.h"
#include "system/loader-multiboot.h"
#include "system/loader-x86.h"
#include "system/loader.h"
#include "system/log.h"
#include "target-x86/cpu-apic.h"
#include "target-x86/cpu.h"

#define PC_ACPI_BASE 0xe0000ull
#define PC_ACPI_MAX 0x10000ull /* [0xe0000, 0xf0000): below the BIOS area the map reserves */
#define PC_RAM_MAX (1ull << 40)
/* -device tandem-testdev: Tandem's life-cycle test device and, next to it, the power
 * controller whose STATE and INSNS registers the tests read (docs/testdev.md). Below the
 * IOAPIC, where QEMU's pc puts nothing without PCI devices. */
#define PC_TESTDEV_BASE 0xfeb00000ull
#define PC_POWERCTL_BASE 0xfeb01000ull
#define PC_TESTDEV_PORT 0x5e0 /* 16 ports, below the SMM helper's 0x5f0 */

typedef struct PCMachineState {
    MemoryRegion ram_low, ram_high;
    AddressSpace io;
    UnassignedRegion io_unassigned, mem_unassigned, port80, portED;
    I8259State pic;
    APICBus apic_bus;
    IOAPICState ioapic;
    I8254State pit;
    MC146818State rtc;
    Serial16550State uart;
    I8042State kbc;
    Port92State port92;
    FWCfgState fw_cfg;
    AcpiPMState acpi_pm;
    ResetControlState reset_ctl;
    HPETState hpet;
    DebugExitState debug_exit;
    TestDevState testdev;
    PowerCtlState powerctl;
    AcpiTables acpi;
    E820Table e820_guest, e820_fw;
    X86BootState boot;
    uint64_t below_4g, above_4g;
    SMRAMState smram; /* used only with -machine smm=on/auto */
} PCMachineState;

/* ---- interrupts ---- */

/* The MADT's interrupt source override: ISA IRQ 0 (PIT, HPET legacy timer 0) is GSI 2; every
 * other ISA IRQ is the GSI of the same number. */
static int pc_isa_irq_to_gsi(int irq) { return irq == 0 ? 2 : irq; }

/* An ISA IRQ line: the 8259 input and the IOAPIC pin (called with the device lock held). */
static void pc_isa_set_irq(void *opaque, int n, int level)
{
    PCMachineState *pcms = opaque;
    i8259_set_irq(&pcms->pic, n, level);
    ioapic_set_irq(&pcms->ioapic, pc_isa_irq_to_gsi(n), level);
}

static IRQLine pc_isa_irq(PCMachineState *pcms, int n)
{
    return (IRQLine){pc_isa_set_irq, pcms, n};
}

/* The 8259's INTR output: LINT0 of every local APIC (opaque = the Machine). */
static void pc_pic_intr(void *opaque, int n, int level)
{
    (void)n;
    Machine *m = opaque;
    for (int i = 0; i < m->ncpus; i++) {
        X86LocalAPIC *apic = x86_cpu(m->cpus[i])->apic;
        if (apic) {
            apic_set_lint(apic, 0, level);
        }
    }
}

/* X86CPU.get_interrupt (owner vCPU thread): INTA on the local APIC, and on the 8259 when the
 * APIC says the interrupt is an ExtINT (SDM vol. 3A 10.5.1, delivery mode 111). The APIC
 * keeps CPU_INTERRUPT_HARD in step itself, so there is no has_interrupt hook. */
static int pc_get_interrupt(X86CPU *cpu)
{
    PCMachineState *pcms = cpu->parent.machine->board;
    int v = apic_get_interrupt(cpu->apic);
    if (v == APIC_EXTINT) {
        device_lock();
        v = i8259_intack(&pcms->pic);
        device_unlock();
    }
    return v;
}

/* ---- A20 ---- */

static void pc_a20_apply(CPUState *cpu, void *arg)
{
    CPUX86State *env = x86_env(cpu);
    uint64_t mask = arg ? ~0ull : ~(1ull << 20);
    if (env->a20_mask != mask) {
        env->a20_mask = mask;
        tlb_flush(cpu);
    }
}

static void pc_a20_set(void *opaque, int n, int level)
{
    (void)n;
    Machine *m = opaque;
    void *arg = level ? (void *)1 : NULL;
    CPUState *self = current_cpu();
    for (int i = 0; i < m->ncpus; i++) {
        CPUState *cpu = m->cpus[i];
        if (cpu == self || !atomic_load(&cpu->created)) {
            pc_a20_apply(cpu, arg); /* own thread, or not started yet (board init) */
        } else {
            async_run_on_cpu(cpu, pc_a20_apply, arg);
        }
    }
}

/* ---- memory ---- */

static void pc_map_io(PCMachineState *pcms, uint16_t port, MemoryRegion *mr)
{
    address_space_map(&pcms->io, port, mr);
}

static bool pc_load_kernel(Machine *m, PCMachineState *pcms)
{
    size_t len;
    uint8_t *data = loader_read_kernel("-kernel", m->cfg.kernel, &len);
    if (!data) {
        return false;
    }
    X86E820Entry map[E820_MAX_ENTRIES];
    for (int i = 0; i < pcms->e820_guest.nr; i++) {
        map[i] = (X86E820Entry){pcms->e820_guest.entries[i].addr, pcms->e820_guest.entries[i].len,
                                pcms->e820_guest.entries[i].type};
    }
    X86BootMemory mem = {
        .ram_below_4g = pcms->below_4g,
        .e820 = map,
        .nb_e820 = pcms->e820_guest.nr,
        .acpi_rsdp_addr = pcms->acpi.rsdp,
    };
    bool ok;
    if (bzimage_probe(data, len)) {
        ok = bzimage_load(m, m->cfg.kernel, data, len, m->cfg.append, m->cfg.initrd, &mem,
                          &pcms->boot);
    } else {
        ok = multiboot_load(m, m->cfg.kernel, data, len, m->cfg.append, m->cfg.initrd, &mem,
                            &pcms->boot);
    }
    g_free(data);
    return ok;
}

static void pc_init_cmos(Machine *m, PCMachineState *pcms)
{
    MC146818State *rtc = &pcms->rtc;
    /* Memory sizes in the layout the PC BIOS data area describes (QEMU's cmos_init): base
     * 640 KiB, extended KiB above 1 MiB (max 63 MiB), 64 KiB units above 16 MiB, and 64 KiB
     * units above 4 GiB. */
    mc146818_set_cmos(rtc, 0x15, 640 & 0xff);
    mc146818_set_cmos(rtc, 0x16, 640 >> 8);
    uint64_t ext = pcms->below_4g > (1u << 20) ? (pcms->below_4g - (1u << 20)) / 1024 : 0;
    if (ext > 65535) {
        ext = 65535;
    }
    mc146818_set_cmos(rtc, 0x17, ext & 0xff);
    mc146818_set_cmos(rtc, 0x18, ext >> 8);
    mc146818_set_cmos(rtc, 0x30, ext & 0xff);
    mc146818_set_cmos(rtc, 0x31, ext >> 8);
    uint64_t above16 = pcms->below_4g > (16u << 20) ? (pcms->below_4g - (16u << 20)) >> 16 : 0;
    if (above16 > 65535) {
        above16 = 65535;
    }
    mc146818_set_cmos(rtc, 0x34, above16 & 0xff);
    mc146818_set_cmos(rtc, 0x35, above16 >> 8);
    uint64_t high = pcms->above_4g >> 16;
    mc146818_set_cmos(rtc, 0x5b, high & 0xff);
    mc146818_set_cmos(rtc, 0x5c, (high >> 8) & 0xff);
    mc146818_set_cmos(rtc, 0x5d, (high >> 16) & 0xff);
    mc146818_set_cmos(rtc, 0x5f, (uint8_t)(m->ncpus - 1));
}

static bool pc_init(Machine *m)
{
    PCMachineState *pcms = g_new0(PCMachineState, 1);
    const char *cpu_name = m->cfg.cpu ? m->cfg.cpu : m->mc->default_cpu;
    const X86CPUModel *model = x86_cpu_model_find(cpu_name);
    m->board = pcms;
    if (!model) {
        error_report("unknown CPU model '%s' (try -cpu help)", cpu_name);
        return false;
    }
    if (!m->cfg.kernel) {
        error_report("no kernel given: -M pc boots directly, use -kernel FILE (a multiboot "
                     "image or a Linux bzImage); there is no BIOS");
        return false;
    }

    /* RAM with the split QEMU's pc machine uses. */
    pc_ram_split(m->cfg.ram_size, &pcms->below_4g, &pcms->above_4g);
    memory_region_init_ram(&pcms->ram_low, "pc.ram", pcms->below_4g);
    address_space_map(&m->as, 0, &pcms->ram_low);
    if (pcms->above_4g) {
        memory_region_init_ram(&pcms->ram_high, "pc.ram-high", pcms->above_4g);
        address_space_map(&m->as, PC_HIGHMEM_BASE, &pcms->ram_high);
    }
    unassigned_init(&pcms->mem_unassigned, "unassigned-mem", "memory", 0, PC_RAM_MAX, true);
    address_space_set_fallback(&m->as, &pcms->mem_unassigned.mr);
    address_space_init(&pcms->io, "io");
    unassigned_init(&pcms->io_unassigned, "unassigned-io", "I/O port", 0, 0x10000, true);
    address_space_set_fallback(&pcms->io, &pcms->io_unassigned.mr);

    /* CPUs: the boot CPU runs; the others wait for INIT/SIPI (target-x86/cpu.c). */
    for (int i = 0; i < m->cfg.smp; i++) {
        X86CPU *cpu = x86_cpu_new(model, i, (uint32_t)i);
        cpu->parent.as = &m->as;
        cpu->parent.machine = m;
        cpu->io_as = &pcms->io;
        cpu->get_interrupt = pc_get_interrupt;
        cpu->has_interrupt = NULL; /* the local APIC drives CPU_INTERRUPT_HARD */
        m->cpus[m->ncpus++] = &cpu->parent;
    }

    /* SMM: SMRAM decoder + SMM view of memory, SMRAMC/ESMRAMC at 0x5F0/0x5F1, APM ports
     * 0xB2/0xB3 (hw/x86/smram.h, docs/smram.md). smm=off: none of it. */
    if (m->cfg.smm != MACHINE_SMM_OFF) {
        smram_init(&pcms->smram, &m->as, pcms->below_4g, m);
        pc_map_io(pcms, SMRAM_IO_BASE, &pcms->smram.io_ctl);
        pc_map_io(pcms, APM_IO_BASE, &pcms->smram.io_apm);
        for (int i = 0; i < m->ncpus; i++) {
            m->cpus[i]->mmu_as[X86_MMU_SMM] = &pcms->smram.smm_as;
        }
    }

    /* Local APICs (APIC ID = CPU index, as the MADT says) and the IOAPIC. */
    apic_bus_init(&pcms->apic_bus, NULL);
    address_space_map(&m->as, APIC_DEFAULT_BASE, &pcms->apic_bus.mmio);
    for (int i = 0; i < m->ncpus; i++) {
        x86_cpu_apic_create(x86_cpu(m->cpus[i]), &pcms->apic_bus);
    }
    ioapic_init(&pcms->ioapic, &pcms->apic_bus);
    apic_bus_set_eoi_handler(&pcms->apic_bus, ioapic_eoi, &pcms->ioapic);
    address_space_map(&m->as, IOAPIC_DEFAULT_BASE, &pcms->ioapic.iomem);

    /* 8259 and ISA devices. */
    i8259_init(&pcms->pic, (IRQLine){pc_pic_intr, m, 0});
    pc_map_io(pcms, 0x20, &pcms->pic.io_master);
    pc_map_io(pcms, 0xa0, &pcms->pic.io_slave);
    pc_map_io(pcms, 0x4d0, &pcms->pic.io_elcr);
    i8254_init(&pcms->pit, pc_isa_irq(pcms, 0));
    pc_map_io(pcms, 0x40, &pcms->pit.io);
    pc_map_io(pcms, 0x61, &pcms->pit.io_port61);
    mc146818_init(&pcms->rtc, pc_isa_irq(pcms, 8));
    pc_map_io(pcms, 0x70, &pcms->rtc.io);
    Chardev *chr = chardev_new(m->cfg.serial ? m->cfg.serial : "mon:stdio");
    if (!chr) {
        return false;
    }
    serial16550_init(&pcms->uart, chr, pc_isa_irq(pcms, 4));
    pc_map_io(pcms, 0x3f8, &pcms->uart.io);
    port92_init(&pcms->port92, A20_COMBINE_LAST, (IRQLine){pc_a20_set, m, 0});
    pc_map_io(pcms, 0x92, &pcms->port92.io);
    i8042_init(&pcms->kbc, pc_isa_irq(pcms, 1), pc_isa_irq(pcms, 12),
               port92_a20_kbc_line(&pcms->port92));
    pc_map_io(pcms, 0x60, &pcms->kbc.data);
    pc_map_io(pcms, 0x64, &pcms->kbc.cmd);
    ioport_sink_init(&pcms->port80, "port80", 0x80);
    pc_map_io(pcms, 0x80, &pcms->port80.mr);
    ioport_sink_init(&pcms->portED, "portED", 0xed);
    pc_map_io(pcms, 0xed, &pcms->portED.mr);
    acpi_pm_init(&pcms->acpi_pm, pc_isa_irq(pcms, ACPI_SCI_IRQ));
    pc_map_io(pcms, ACPI_PM_BASE, &pcms->acpi_pm.io);
    reset_control_init(&pcms->reset_ctl);
    pc_map_io(pcms, ACPI_RESET_PORT, &pcms->reset_ctl.io);
    hpet_init(&pcms->hpet);
    pcms->hpet.legacy[0] = pc_isa_irq(pcms, 0);
    pcms->hpet.legacy[1] = pc_isa_irq(pcms, 8);
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        pcms->hpet.gsi[i] = ioapic_irq_line(&pcms->ioapic, i); /* GSIs 24-31: not wired */
    }
    address_space_map(&m->as, ACPI_HPET_BASE, &pcms->hpet.iomem);
    if (m->cfg.debug_exit) {
        if (debug_exit_init(&pcms->debug_exit, m->cfg.debug_exit_iobase,
                            m->cfg.debug_exit_iosize) < 0) {
            error_report("-device isa-debug-exit: bad iobase/iosize");
            return false;
        }
        pc_map_io(pcms, (uint16_t)m->cfg.debug_exit_iobase, &pcms->debug_exit.io);
    }

    if (m->cfg.testdev) {
        testdev_init(&pcms->testdev, m->cfg.testdev_arg);
        address_space_map(&m->as, PC_TESTDEV_BASE, &pcms->testdev.iomem);
        pc_map_io(pcms, PC_TESTDEV_PORT, &pcms->testdev.ioport);
        powerctl_init(&pcms->powerctl, &m->as);
        address_space_map(&m->as, PC_POWERCTL_BASE, &pcms->powerctl.iomem);
    }

    /* ACPI tables and the memory maps. */
    AcpiBuildConfig acfg = {.base = PC_ACPI_BASE, .nb_cpus = m->ncpus, .hpet = true};
    if (acpi_build_tables(&acfg, &pcms->acpi) < 0 || pcms->acpi.len > PC_ACPI_MAX) {
        error_report("-M pc: cannot build the ACPI tables for %d CPUs", m->ncpus);
        return false;
    }
    if (!machine_rom_add(m, "ACPI tables", PC_ACPI_BASE, pcms->acpi.data, pcms->acpi.len,
                         pcms->acpi.len)) {
        return false;
    }
    e820_build_guest_map(&pcms->e820_guest, m->cfg.ram_size);
    e820_build_fw_cfg_map(&pcms->e820_fw, m->cfg.ram_size);
    e820_add(&pcms->e820_guest, PC_ACPI_BASE, PC_ACPI_MAX, E820_RESERVED);

    fw_cfg_init(&pcms->fw_cfg, &m->as);
    fw_cfg_set_machine(&pcms->fw_cfg, m->cfg.ram_size, (uint16_t)m->ncpus, (uint16_t)m->ncpus);
    uint8_t e820buf[E820_MAX_ENTRIES * E820_ENTRY_SIZE];
    size_t e820len = e820_serialize(&pcms->e820_fw, e820buf, sizeof(e820buf));
    fw_cfg_add_file(&pcms->fw_cfg, "etc/e820", e820buf, e820len);
    pc_map_io(pcms, FW_CFG_IO_BASE, &pcms->fw_cfg.io);
    pc_map_io(pcms, FW_CFG_DMA_IO_BASE, &pcms->fw_cfg.dma_io);
    pc_init_cmos(m, pcms);

    if (!pc_load_kernel(m, pcms)) {
        return false;
    }
    for (int i = 0; i < m->ncpus; i++) {
        X86CPU *cpu = x86_cpu(m->cpus[i]);
        cpu->boot = i == 0 ? &pcms->boot : NULL;
        m->cpus[i]->arch->reset(m->cpus[i]);
    }
    return true;
}

static void pc_reset_devices(Machine *m)
{
    PCMachineState *pcms = m->board;
    i8259_reset(&pcms->pic);
    ioapic_reset(&pcms->ioapic);
    for (int i = 0; i < m->ncpus; i++) {
        apic_reset(x86_cpu(m->cpus[i])->apic); /* the vCPUs are paused (machine_reset) */
    }
    i8254_reset(&pcms->pit);
    mc146818_reset(&pcms->rtc);
    serial16550_reset(&pcms->uart);
    port92_reset(&pcms->port92); /* before the i8042, whose reset turns A20 back on */
    i8042_reset(&pcms->kbc);
    fw_cfg_reset(&pcms->fw_cfg);
    acpi_pm_reset(&pcms->acpi_pm);
    reset_control_reset(&pcms->reset_ctl);
    hpet_reset(&pcms->hpet);
    if (m->cfg.testdev) {
        testdev_reset(&pcms->testdev);
        powerctl_reset(&pcms->powerctl);
    }
    if (m->cfg.smm != MACHINE_SMM_OFF) {
        smram_reset(&pcms->smram); /* unlocks SMRAM */
    }
}

const MachineClass pc_machine_class = {
    .name = "pc",
    .desc = "Standard PC (i440FX memory and I/O map, direct kernel boot)",
    .default_cpu = "qemu64",
    .default_ram_size = 128ull << 20,
    .ram_base = 0,
    .max_ram_size = PC_RAM_MAX,
    .max_cpus = 255,
    .init = pc_init,
    .reset_devices = pc_reset_devices,
};
