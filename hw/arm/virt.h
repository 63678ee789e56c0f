/*
 * virt.h — the "virt" board's memory map (QEMU's, so guests and device trees written for
 * qemu-system-aarch64 -M virt work unchanged) and its device tree builder (virt-fdt.c).
 * Everything here runs on the main thread while the machine is built.
 */
#ifndef TANDEM_HW_ARM_VIRT_H
#define TANDEM_HW_ARM_VIRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRT_UART_BASE 0x09000000ull
#define VIRT_UART_SIZE 0x1000ull
#define VIRT_UART_SPI 1
#define VIRT_GIC_DIST_BASE 0x08000000ull
#define VIRT_GIC_DIST_SIZE 0x10000ull
#define VIRT_GIC_CPU_BASE 0x08010000ull /* GICv2 CPU interface */
#define VIRT_GIC_CPU_SIZE 0x10000ull
#define VIRT_GIC_REDIST_BASE 0x080a0000ull /* GICv3 redistributors (123 max in this window) */
#define VIRT_GIC_REDIST_SIZE 0x00f60000ull
/* Redistributors of CPUs beyond the first window's 123 (QEMU's VIRT_HIGH_GIC_REDIST2: 64 MiB
 * at 256 GiB, just above the largest RAM). */
#define VIRT_GIC_REDIST2_BASE 0x4000000000ull
#define VIRT_GIC_REDIST2_SIZE 0x04000000ull
#define VIRT_GIC_REDIST_FRAME 0x20000ull /* RD_base + SGI_base, 64 KiB each */
#define VIRT_RTC_BASE 0x09010000ull
#define VIRT_RTC_SIZE 0x1000ull
#define VIRT_RTC_SPI 2
/* Tandem's own devices, in a gap of QEMU's map (docs/power-controller.md, docs/testdev.md). */
#define VIRT_POWERCTL_BASE 0x090e0000ull
#define VIRT_POWERCTL_SIZE 0x1000ull
#define VIRT_TESTDEV_BASE 0x090f0000ull /* only with -device tandem-testdev */
#define VIRT_TESTDEV_SIZE 0x1000ull
/* Generic timer PPIs (device tree PPI numbers; INTID = 16 + n), as QEMU virt. */
#define VIRT_TIMER_PPI_SEC_PHYS 13
#define VIRT_TIMER_PPI_NS_PHYS 14
#define VIRT_TIMER_PPI_VIRT 11
#define VIRT_TIMER_PPI_HYP 10
/* A GICv2 addresses at most 8 CPUs (ITARGETSR is 8 bits wide); with a GICv3 QEMU's virt holds
 * 512 (its machine limit; the two redistributor windows would have room for 635). */
#define VIRT_GICV2_MAX_CPUS 8
#define VIRT_GICV3_MAX_CPUS 512
#define VIRT_MAX_CPUS VIRT_GICV3_MAX_CPUS
/* MPIDR layout (QEMU virt): Aff1 = cluster, Aff0 = index in it; clusters of 8 with a GICv2,
 * of 16 with a GICv3 (an SGI's TargetList names 16 Aff0 values). */
#define VIRT_GICV2_CLUSTER_SIZE 8
#define VIRT_GICV3_CLUSTER_SIZE 16
#define VIRT_RAM_BASE 0x40000000ull
/* RAM may reach up to the 256 GiB line where QEMU's high MMIO region (PCIe ECAM, ...) starts. */
#define VIRT_RAM_MAX (255ull << 30)
#define VIRT_APB_PCLK_HZ 24000000u

typedef struct VirtFdtCpu {
    const char *compatible; /* "arm,cortex-a57" */
    uint64_t mpidr;
} VirtFdtCpu;

typedef struct VirtFdtParams {
    uint64_t ram_base, ram_size;
    int ncpus;
    VirtFdtCpu cpus[VIRT_MAX_CPUS];
    int gic_version; /* 2 or 3 */
    bool testdev;    /* describe the test device */
    bool psci_smc;   /* the psci node's method: "smc" instead of "hvc" */
} VirtFdtParams;

/* Builds the board's device tree (without boot arguments; see virt_fdt_set_chosen). Returns a
 * g_malloc'ed blob with room left for /chosen edits; *bufsize is its buffer size. */
void *virt_fdt_build(const VirtFdtParams *p, size_t *bufsize);

/* Makes fdt (a valid blob, loaded or generated) writable with room to grow: a new g_malloc'ed
 * buffer. NULL and *err if the blob is not a valid device tree. */
void *virt_fdt_open(const void *fdt, size_t len, size_t *bufsize, char **err);

/* Sets /chosen bootargs (if bootargs) and linux,initrd-start/end (if initrd_end > initrd_start),
 * creating /chosen if missing, then packs the blob. false with *err on a libfdt failure. */
bool virt_fdt_set_chosen(void *fdt, const char *bootargs, uint64_t initrd_start,
                         uint64_t initrd_end, char **err);

struct Machine;
/* The input line of PPI ppi (device tree number; INTID 16 + ppi) of CPU cpu on the board's GIC,
 * for the generic timer (VIRT_TIMER_PPI_*). Main thread, after the board is built. */
#include "hw/core/irq.h"
IRQLine virt_timer_ppi_line(struct Machine *m, int cpu, int ppi);

#endif
