/*
 * machine.h — boards (-M) and the machine instance they build: address space, vCPUs, and the
 * images ("ROM blobs": kernel segments, initrd, DTB) that every machine reset copies back into
 * guest memory.
 *
 * Threads: machine_create() and the board's init run on the main thread before any vCPU
 * starts; machine_reset() runs on the main loop with every vCPU paused.
 */
#ifndef TANDEM_HW_CORE_MACHINE_H
#define TANDEM_HW_CORE_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu-exec/cpu.h"
#include "hw/core/memory.h"

#define MACHINE_MAX_CPUS 512 /* QEMU virt with GICv3; equals MAX_VCPUS in cpu-exec/vcpu-thread.c */

/* -rtc base=...: where the real-time clock starts (QEMU's spelling and meaning). */
typedef enum RtcBase {
    RTC_BASE_UTC,       /* the host's time (UTC) when the machine is created */
    RTC_BASE_LOCALTIME, /* the host's local time then (the guest sees local time as UTC) */
    RTC_BASE_DATETIME,  /* a fixed date: RtcConfig.datetime */
} RtcBase;

/* -rtc clock=...: the clock the RTC advances with after its start. */
typedef enum RtcClock {
    RTC_CLOCK_DEFAULT, /* not given: host, or vm in the single-thread mode (docs/single-thread.md) */
    RTC_CLOCK_HOST,    /* the host's real time (follows host clock adjustments) */
    RTC_CLOCK_RT,      /* the host's monotonic clock */
    RTC_CLOCK_VM,      /* the guest's virtual clock (stands still while the VM is paused) */
} RtcClock;

typedef struct RtcConfig {
    RtcBase base;
    int64_t datetime; /* RTC_BASE_DATETIME: seconds since the Unix epoch, UTC */
    RtcClock clock;
    bool driftfix_slew; /* accepted as QEMU does; it only matters for x86's RTC, ignored here */
} RtcConfig;

/* What the command line asked of the board. */
typedef struct MachineConfig {
    uint64_t ram_size;  /* bytes; 0 = board default */
    int smp;            /* vCPUs */
    const char *cpu;    /* -cpu model; NULL = board default */
    const char *kernel; /* -kernel */
    const char *initrd;
    const char *append;
    const char *dtb;    /* user device tree instead of the generated one */
    const char *serial; /* chardev spec for the first UART */
    bool semihosting;
    const char *dumpdtb; /* -M virt,dumpdtb=FILE: write the DTB and exit */
    int gic_version;     /* -machine gic-version=2|3|max; 0 = board default */
    bool testdev;        /* -device tandem-testdev */
    uint64_t testdev_arg; /* -device tandem-testdev,arg=N */
    bool psci_smc;       /* -machine psci-conduit=smc (Tandem extension); false = hvc */
    RtcConfig rtc;       /* -rtc; all zero = base=utc, clock chosen by the mode */
    /* -device isa-debug-exit[,iobase=N][,iosize=N] (QEMU's defaults 0x501 and 2; the parser
     * checks iosize 1..8 and iobase + iosize <= 0x10000, as debug_exit_init wants) */
    bool debug_exit;
    uint32_t debug_exit_iobase, debug_exit_iosize;
    /* -machine smm=on|off|auto: System Management Mode. The parser stores MACHINE_SMM_AUTO
     * (0: the board's default, on for pc as on QEMU) unless told otherwise. */
    int smm;
} MachineConfig;

enum { MACHINE_SMM_OFF = -1, MACHINE_SMM_AUTO = 0, MACHINE_SMM_ON = 1 };

/* An image placed in guest memory: data_len bytes of data then zeros up to size. */
typedef struct MachineRom {
    char *name;
    uint64_t addr, size;
    uint8_t *data;
    uint64_t data_len;
} MachineRom;

typedef struct Machine {
    const struct MachineClass *mc;
    MachineConfig cfg;
    AddressSpace as;
    CPUState *cpus[MACHINE_MAX_CPUS];
    int ncpus;
    MachineRom *roms;
    int nb_roms;
    void *board; /* the board's own state */
} Machine;

typedef struct MachineClass {
    const char *name;
    const char *desc;
    const char *default_cpu;
    uint64_t default_ram_size;
    uint64_t ram_base, max_ram_size; /* the RAM window: [ram_base, ram_base + max_ram_size) */
    int max_cpus;
    /* Builds RAM, devices and CPUs and loads the images. Returns false after printing one
     * error message (bad image, unknown CPU...). */
    bool (*init)(Machine *m);
    /* Device reset (vCPUs paused). ROM blobs are copied back by machine_reset itself. */
    void (*reset_devices)(Machine *m);
} MachineClass;

const MachineClass *machine_class_find(const char *name);
void machine_class_list(FILE *out);

/* Checks cfg against the board's limits, then runs its init. NULL after an error message. */
Machine *machine_create(const MachineClass *mc, const MachineConfig *cfg);
/* Records an image and copies it to guest memory. The data is copied. Returns false with a
 * message if it overlaps another image or does not lie in RAM. */
bool machine_rom_add(Machine *m, const char *name, uint64_t addr, const void *data,
                     uint64_t data_len, uint64_t size);
/* Copies every ROM blob back into guest memory (machine reset: the guest may have overwritten
 * its kernel or DTB). */
void machine_roms_reload(Machine *m);
/* Device reset and image reload; the caller then resets each CPU on its own thread. */
void machine_reset(Machine *m);

/* "128M", "2G", "512" (MiB): bytes. Returns false for a malformed or zero-size value. */
bool machine_parse_size(const char *s, uint64_t *bytes);

#endif
