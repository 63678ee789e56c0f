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
    VirtFdtCpu cpus[8];
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

#endif
