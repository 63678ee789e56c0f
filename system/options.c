/*
 * options.c — parses the QEMU-style command line into TandemOptions.
 *
 * A table maps each option to its handler; handlers check their argument at once so every
 * mistake gets one message naming the option and the bad value ("tandem: -m 0: ..."), and the
 * caller exits with status 1. QEMU also accepts "--option"; so does Tandem. Main thread only.
 */
#include "system/options.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "system/log.h"
#include "target-arm/cpu.h"

#define TANDEM_VERSION "0.1"

typedef OptionsResult (*OptionHandler)(TandemOptions *o, const char *arg);

typedef struct OptionDef {
    const char *name;
    bool has_arg;
    OptionHandler handler;
    const char *help;
} OptionDef;

static bool serial_given;

/* Splits "a=b,c=d" and calls fn for each key (value NULL for a bare word). */
typedef bool (*SubOptFn)(TandemOptions *o, const char *opt, const char *key, const char *value);

static bool options_each_subopt(TandemOptions *o, const char *opt, const char *list, SubOptFn fn)
{
    gchar **items = g_strsplit(list, ",", -1);
    bool ok = true;
    for (gchar **it = items; ok && *it; it++) {
        char *eq = strchr(*it, '=');
        if (eq) {
            *eq = '\0';
        }
        ok = fn(o, opt, *it, eq ? eq + 1 : NULL);
    }
    g_strfreev(items);
    return ok;
}

static bool options_on_off(const char *opt, const char *key, const char *value, bool *out)
{
    if (value && (strcmp(value, "on") == 0 || strcmp(value, "yes") == 0 || strcmp(value, "true") == 0)) {
        *out = true;
        return true;
    }
    if (value && (strcmp(value, "off") == 0 || strcmp(value, "no") == 0 || strcmp(value, "false") == 0)) {
        *out = false;
        return true;
    }
    error_report("%s: %s needs on or off", opt, key);
    return false;
}

/* ---- handlers ---- */

static OptionsResult opt_help(TandemOptions *o, const char *arg);

static OptionsResult opt_version(TandemOptions *o, const char *arg)
{
    printf("Tandem emulator version " TANDEM_VERSION " (qemu-system-aarch64 compatible command line)\n");
    return OPTIONS_EXIT;
}

static bool machine_subopt(TandemOptions *o, const char *opt, const char *key, const char *value)
{
    if (!value) {
        if (o->machine) {
            error_report("%s: machine given twice ('%s' and '%s')", opt, o->machine, key);
            return false;
        }
        o->machine = g_strdup(key);
        return true;
    }
    if (strcmp(key, "type") == 0) {
        o->machine = g_strdup(value);
        return true;
    }
    if (strcmp(key, "dumpdtb") == 0) {
        o->cfg.dumpdtb = g_strdup(value);
        return true;
    }
    if (strcmp(key, "gic-version") == 0) {
        /* QEMU: 2, 3, host (the host's GIC under KVM) or max (the newest emulated: 3). */
        if (strcmp(value, "2") == 0) {
            o->cfg.gic_version = 2;
        } else if (strcmp(value, "3") == 0 || strcmp(value, "max") == 0) {
            o->cfg.gic_version = 3;
        } else if (strcmp(value, "host") == 0) {
            error_report("%s: gic-version=host needs KVM, which Tandem does not use "
                         "(use 2, 3 or max)", opt);
            return false;
        } else {
            error_report("%s: gic-version=%s: use 2, 3 or max", opt, value);
            return false;
        }
        return true;
    }
    if (strcmp(key, "psci-conduit") == 0) {
        /* Tandem extension: QEMU's virt board picks SMC only for a guest with EL2, which
         * Tandem lacks, so the conduit is a property here (README). */
        if (strcmp(value, "hvc") == 0 || strcmp(value, "smc") == 0) {
            o->cfg.psci_smc = strcmp(value, "smc") == 0;
            return true;
        }
        error_report("%s: psci-conduit=%s: use hvc or smc", opt, value);
        return false;
    }
    if (strcmp(key, "smm") == 0) {
        /* QEMU's pc property (an OnOffAuto; auto means on for TCG). */
        if (strcmp(value, "auto") == 0) {
            o->cfg.smm = MACHINE_SMM_AUTO;
            return true;
        }
        bool on;
        if (!options_on_off(opt, "smm", value, &on)) {
            return false;
        }
        o->cfg.smm = on ? MACHINE_SMM_ON : MACHINE_SMM_OFF;
        return true;
    }
    error_report("%s: unknown machine property '%s'", opt, key);
    return false;
}

static OptionsResult opt_machine(TandemOptions *o, const char *arg)
{
    /* QEMU merges -machine options: "-M virt -machine gic-version=3" sets a property of the
     * machine chosen earlier (or of the default one), so a list of properties alone keeps it. */
    const char *prev = o->machine;
    o->machine = NULL;
    if (strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0) {
        machine_class_list(stdout);
        return OPTIONS_EXIT;
    }
    if (!options_each_subopt(o, "-machine", arg, machine_subopt)) {
        return OPTIONS_ERROR;
    }
    if (!o->machine) {
        o->machine = prev;
    }
    if (!machine_class_find(o->machine)) {
        error_report("unknown machine '%s' (try -M help)", o->machine);
        return OPTIONS_ERROR;
    }
    return OPTIONS_RUN;
}

static OptionsResult opt_cpu(TandemOptions *o, const char *arg)
{
    if (strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0) {
        printf("Available CPUs:\n");
        arm_cpu_models_list(stdout);
        return OPTIONS_EXIT;
    }
    if (strchr(arg, ',')) {
        error_report("-cpu '%s': CPU properties are not supported", arg);
        return OPTIONS_ERROR;
    }
    if (!arm_cpu_model_find(arg)) {
        error_report("unknown CPU model '%s' (try -cpu help)", arg);
        return OPTIONS_ERROR;
    }
    o->cfg.cpu = arg;
    return OPTIONS_RUN;
}

static OptionsResult opt_memory(TandemOptions *o, const char *arg)
{
    const char *size = arg;
    if (strncmp(size, "size=", 5) == 0) {
        size += 5;
    }
    uint64_t bytes;
    if (!machine_parse_size(size, &bytes)) {
        error_report("-m %s: invalid RAM size (give a non-zero size: MiB, or with a K/M/G suffix)",
                     arg);
        return OPTIONS_ERROR;
    }
    o->cfg.ram_size = bytes;
    return OPTIONS_RUN;
}

static OptionsResult opt_smp(TandemOptions *o, const char *arg)
{
    const char *n = arg;
    if (strncmp(n, "cpus=", 5) == 0) {
        n += 5;
    }
    char *end;
    long v = strtol(n, &end, 10);
    if (end == n || *end != '\0' || v < 1 || v > 4096) {
        error_report("-smp %s: invalid CPU count", arg);
        return OPTIONS_ERROR;
    }
    o->cfg.smp = (int)v;
    return OPTIONS_RUN;
}

static OptionsResult opt_kernel(TandemOptions *o, const char *arg) { o->cfg.kernel = arg; return OPTIONS_RUN; }
static OptionsResult opt_initrd(TandemOptions *o, const char *arg) { o->cfg.initrd = arg; return OPTIONS_RUN; }
static OptionsResult opt_append(TandemOptions *o, const char *arg) { o->cfg.append = arg; return OPTIONS_RUN; }
static OptionsResult opt_dtb(TandemOptions *o, const char *arg) { o->cfg.dtb = arg; return OPTIONS_RUN; }

static OptionsResult opt_nographic(TandemOptions *o, const char *arg)
{
    /* QEMU: the serial port goes to stdio, multiplexed with the monitor (Ctrl-A keys). */
    if (!serial_given) {
        o->cfg.serial = "mon:stdio";
    }
    return OPTIONS_RUN;
}

static OptionsResult opt_serial(TandemOptions *o, const char *arg)
{
    if (serial_given) {
        error_report("-serial %s: the board has one serial port and -serial was already given", arg);
        return OPTIONS_ERROR;
    }
    if (strcmp(arg, "stdio") != 0 && strcmp(arg, "mon:stdio") != 0 && strcmp(arg, "null") != 0 &&
        strncmp(arg, "file:", 5) != 0) {
        error_report("-serial %s: unsupported backend (use stdio, mon:stdio, null or file:PATH)", arg);
        return OPTIONS_ERROR;
    }
    serial_given = true;
    o->cfg.serial = arg;
    return OPTIONS_RUN;
}

static OptionsResult opt_display(TandemOptions *o, const char *arg)
{
    if (strcmp(arg, "none") != 0) {
        error_report("-display %s: Tandem has no display (use -display none)", arg);
        return OPTIONS_ERROR;
    }
    return OPTIONS_RUN;
}

static OptionsResult opt_monitor(TandemOptions *o, const char *arg)
{
    if (strcmp(arg, "none") == 0) {
        o->monitor = NULL;
        return OPTIONS_RUN;
    }
    if (strcmp(arg, "stdio") != 0 && strncmp(arg, "unix:", 5) != 0) {
        error_report("-monitor %s: use stdio, unix:PATH[,server=on][,wait=off] or none", arg);
        return OPTIONS_ERROR;
    }
    o->monitor = arg;
    return OPTIONS_RUN;
}

/* The -device drivers Tandem knows; "-device help" lists them. */
static const struct {
    const char *name;
    const char *help;
} device_list[] = {
    {"tandem-testdev", "[,arg=N]  the life-cycle test device (docs/testdev.md; virt and pc)"},
    {"isa-debug-exit", "[,iobase=N][,iosize=N]  a write of v exits with status (v << 1) | 1 "
                       "(pc; defaults iobase=0x501, iosize=2, as QEMU)"},
};

/* QEMU's isa-debug-exit property defaults. */
#define ISA_DEBUG_EXIT_IOBASE 0x501
#define ISA_DEBUG_EXIT_IOSIZE 0x2

static bool device_parse_number(const char *opt, const char *key, const char *value,
                                uint64_t *out)
{
    char *end = NULL;
    if (value && *value) {
        *out = g_ascii_strtoull(value, &end, 0);
    }
    if (!end || *end) {
        error_report("%s: %s=%s is not a number", opt, key, value ? value : "");
        return false;
    }
    return true;
}

static bool testdev_subopt(TandemOptions *o, const char *opt, const char *key, const char *value)
{
    if (!value && strcmp(key, "tandem-testdev") == 0) {
        o->cfg.testdev = true;
        return true;
    }
    if (value && strcmp(key, "arg") == 0) {
        return device_parse_number(opt, key, value, &o->cfg.testdev_arg);
    }
    error_report("%s: unknown property '%s'", opt, key);
    return false;
}

static bool debug_exit_subopt(TandemOptions *o, const char *opt, const char *key,
                              const char *value)
{
    uint64_t n;
    if (!value && strcmp(key, "isa-debug-exit") == 0) {
        return true;
    }
    if (value && strcmp(key, "iobase") == 0) {
        if (!device_parse_number(opt, key, value, &n)) {
            return false;
        }
        if (n > 0xffff) {
            error_report("%s: iobase=%s: I/O ports end at 0xffff", opt, value);
            return false;
        }
        o->cfg.debug_exit_iobase = (uint32_t)n;
        return true;
    }
    if (value && strcmp(key, "iosize") == 0) {
        if (!device_parse_number(opt, key, value, &n)) {
            return false;
        }
        if (n < 1 || n > 8) {
            error_report("%s: iosize=%s: use 1 to 8 ports", opt, value);
            return false;
        }
        o->cfg.debug_exit_iosize = (uint32_t)n;
        return true;
    }
    error_report("%s: unknown property '%s' (isa-debug-exit has iobase and iosize)", opt, key);
    return false;
}

static OptionsResult opt_device(TandemOptions *o, const char *arg)
{
    if (strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0) {
        printf("Devices (-device NAME[,PROPERTY=VALUE...]):\n");
        for (size_t i = 0; i < G_N_ELEMENTS(device_list); i++) {
            printf("  %s%s\n", device_list[i].name, device_list[i].help);
        }
        return OPTIONS_EXIT;
    }
    size_t len = strcspn(arg, ",");
    if (len == 14 && strncmp(arg, "tandem-testdev", len) == 0) {
        return options_each_subopt(o, "-device", arg, testdev_subopt) ? OPTIONS_RUN
                                                                     : OPTIONS_ERROR;
    }
    if (len == 14 && strncmp(arg, "isa-debug-exit", len) == 0) {
        if (o->cfg.debug_exit) {
            error_report("-device %s: isa-debug-exit given twice (Tandem has one)", arg);
            return OPTIONS_ERROR;
        }
        o->cfg.debug_exit = true;
        o->cfg.debug_exit_iobase = ISA_DEBUG_EXIT_IOBASE;
        o->cfg.debug_exit_iosize = ISA_DEBUG_EXIT_IOSIZE;
        if (!options_each_subopt(o, "-device", arg, debug_exit_subopt)) {
            return OPTIONS_ERROR;
        }
        if (o->cfg.debug_exit_iobase + o->cfg.debug_exit_iosize > 0x10000) {
            error_report("-device %s: ports 0x%x..0x%x run past 0xffff", arg,
                         o->cfg.debug_exit_iobase,
                         o->cfg.debug_exit_iobase + o->cfg.debug_exit_iosize - 1);
            return OPTIONS_ERROR;
        }
        return OPTIONS_RUN;
    }
    error_report("-device %s: unknown device (try -device help)", arg);
    return OPTIONS_ERROR;
}

/* Devices and properties that only one kind of board has, checked once the machine is
 * known (a later -M may change it). QEMU's virt has no ISA bus and no SMM property. */
static bool options_check_board(TandemOptions *o)
{
    bool virt = strcmp(o->machine, "virt") == 0;
    if (virt && o->cfg.debug_exit) {
        error_report("-device isa-debug-exit: machine 'virt' has no ISA bus (use -M pc)");
        return false;
    }
    if (virt && o->cfg.smm != MACHINE_SMM_AUTO) {
        error_report("-machine smm=%s: machine 'virt' has no System Management Mode",
                     o->cfg.smm == MACHINE_SMM_ON ? "on" : "off");
        return false;
    }
    return true;
}

static OptionsResult opt_semihosting(TandemOptions *o, const char *arg)
{
    o->cfg.semihosting = true;
    return OPTIONS_RUN;
}

static bool semihosting_subopt(TandemOptions *o, const char *opt, const char *key, const char *value)
{
    if (strcmp(key, "enable") == 0) {
        return options_on_off(opt, key, value, &o->cfg.semihosting);
    }
    if (strcmp(key, "target") == 0) {
        if (value && (strcmp(value, "native") == 0 || strcmp(value, "auto") == 0)) {
            return true;
        }
        error_report("%s: target=%s is not supported (only native)", opt, value ? value : "");
        return false;
    }
    error_report("%s: unknown property '%s'", opt, key);
    return false;
}

static OptionsResult opt_semihosting_config(TandemOptions *o, const char *arg)
{
    return options_each_subopt(o, "-semihosting-config", arg, semihosting_subopt) ? OPTIONS_RUN
                                                                                 : OPTIONS_ERROR;
}

static OptionsResult opt_no_reboot(TandemOptions *o, const char *arg)
{
    o->no_reboot = true;
    return OPTIONS_RUN;
}

/* -action reboot=reset|shutdown (QEMU 6.0+): what a guest's reset request does; the last of
 * -no-reboot and -action wins, so a test's arguments can undo a runner's -no-reboot. */
static bool action_subopt(TandemOptions *o, const char *opt, const char *key, const char *value)
{
    if (strcmp(key, "reboot") == 0 && value &&
        (strcmp(value, "reset") == 0 || strcmp(value, "shutdown") == 0)) {
        o->no_reboot = strcmp(value, "shutdown") == 0;
        return true;
    }
    error_report("%s: unsupported '%s%s%s' (only reboot=reset|shutdown)", opt, key,
                 value ? "=" : "", value ? value : "");
    return false;
}

static OptionsResult opt_action(TandemOptions *o, const char *arg)
{
    return options_each_subopt(o, "-action", arg, action_subopt) ? OPTIONS_RUN : OPTIONS_ERROR;
}

static OptionsResult opt_d(TandemOptions *o, const char *arg)
{
    if (strcmp(arg, "help") == 0) {
        log_list_channels(stdout);
        return OPTIONS_EXIT;
    }
    return log_parse_mask(arg, &o->log_mask) ? OPTIONS_RUN : OPTIONS_ERROR;
}

static OptionsResult opt_D(TandemOptions *o, const char *arg)
{
    o->log_path = arg;
    return OPTIONS_RUN;
}

static bool accel_subopt(TandemOptions *o, const char *opt, const char *key, const char *value)
{
    if (!value) {
        if (strcmp(key, "tcg") != 0) {
            error_report("%s: accelerator '%s' is not supported (only tcg)", opt, key);
            return false;
        }
        return true;
    }
    if (strcmp(key, "backend") == 0) {
        if (strcmp(value, "jit") != 0 && strcmp(value, "interp") != 0) {
            error_report("%s: unknown backend '%s' (jit or interp)", opt, value);
            return false;
        }
        o->backend = value[0] == 'j' ? "jit" : "interp";
        return true;
    }
    if (strcmp(key, "thread") == 0) {
        /* multi: one host thread per vCPU; single: one thread runs every vCPU in turn,
         * deterministically (cpu-exec/vcpu-thread.c). Several -accel options merge. */
        if (strcmp(value, "multi") != 0 && strcmp(value, "single") != 0) {
            error_report("%s: thread=%s: use multi or single", opt, value);
            return false;
        }
        o->single_thread = strcmp(value, "single") == 0;
        return true;
    }
    error_report("%s: unknown property '%s'", opt, key);
    return false;
}

static OptionsResult opt_accel(TandemOptions *o, const char *arg)
{
    return options_each_subopt(o, "-accel", arg, accel_subopt) ? OPTIONS_RUN : OPTIONS_ERROR;
}

/* "2006-06-17T16:01:21" or "2006-06-17" (QEMU's -rtc base=DATETIME), read as UTC, into
 * seconds since the Unix epoch. The PL031 holds 32 bits of seconds, so the date must lie in
 * 1970-01-01 .. 2106-02-07T06:28:15. */
static bool rtc_parse_datetime(const char *value, int64_t *secs)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, n = -1;
    if (sscanf(value, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
        n != (int)strlen(value)) {
        n = -1;
        h = mi = sec = 0;
        if (sscanf(value, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != (int)strlen(value)) {
            return false;
        }
    }
    if (!g_ascii_isdigit(value[0])) {
        return false; /* sscanf would take "+2020" or " 2020" */
    }
    GDateTime *dt = g_date_time_new_utc(y, mo, d, h, mi, sec);
    if (!dt) {
        return false; /* month 13, February 30th, 25 o'clock... */
    }
    *secs = g_date_time_to_unix(dt);
    g_date_time_unref(dt);
    return *secs >= 0 && *secs <= (int64_t)UINT32_MAX;
}

static bool rtc_subopt(TandemOptions *o, const char *opt, const char *key, const char *value)
{
    RtcConfig *rtc = &o->cfg.rtc;
    if (!value) {
        error_report("%s: '%s' needs a value (base=, clock= or driftfix=)", opt, key);
        return false;
    }
    if (strcmp(key, "base") == 0) {
        if (strcmp(value, "utc") == 0) {
            rtc->base = RTC_BASE_UTC;
        } else if (strcmp(value, "localtime") == 0) {
            rtc->base = RTC_BASE_LOCALTIME;
        } else if (rtc_parse_datetime(value, &rtc->datetime)) {
            rtc->base = RTC_BASE_DATETIME;
        } else {
            error_report("%s: base=%s: use utc, localtime or a date such as 2006-06-17T16:01:21 "
                         "or 2006-06-17 (UTC, 1970 to 2106)", opt, value);
            return false;
        }
        return true;
    }
    if (strcmp(key, "clock") == 0) {
        if (strcmp(value, "host") == 0) {
            rtc->clock = RTC_CLOCK_HOST;
        } else if (strcmp(value, "rt") == 0) {
            rtc->clock = RTC_CLOCK_RT;
        } else if (strcmp(value, "vm") == 0) {
            rtc->clock = RTC_CLOCK_VM;
        } else {
            error_report("%s: clock=%s: use host, rt or vm", opt, value);
            return false;
        }
        return true;
    }
    if (strcmp(key, "driftfix") == 0) {
        /* QEMU: slew re-injects lost ticks of x86's mc146818 RTC interrupt. The PL031 has no
         * periodic tick to lose, so like QEMU's ARM boards Tandem accepts it and does nothing. */
        if (strcmp(value, "none") != 0 && strcmp(value, "slew") != 0) {
            error_report("%s: driftfix=%s: use none or slew", opt, value);
            return false;
        }
        rtc->driftfix_slew = strcmp(value, "slew") == 0;
        return true;
    }
    error_report("%s: unknown property '%s' (base=, clock= or driftfix=)", opt, key);
    return false;
}

static OptionsResult opt_rtc(TandemOptions *o, const char *arg)
{
    return options_each_subopt(o, "-rtc", arg, rtc_subopt) ? OPTIONS_RUN : OPTIONS_ERROR;
}

static OptionsResult opt_bios(TandemOptions *o, const char *arg)
{
    error_report("-bios %s: firmware images are not supported; boot with -kernel", arg);
    return OPTIONS_ERROR;
}

static const OptionDef option_defs[] = {
    {"h", false, opt_help, "print this help"},
    {"help", false, opt_help, NULL},
    {"version", false, opt_version, "print the version"},
    {"M", true, opt_machine, "-M NAME[,gic-version=2|3|max][,psci-conduit=hvc|smc][,dumpdtb=FILE]"
     "[,smm=on|off|auto]  board "
     "(-M help lists them)"},
    {"machine", true, opt_machine, NULL},
    {"cpu", true, opt_cpu, "-cpu NAME  CPU model (-cpu help lists them)"},
    {"m", true, opt_memory, "-m SIZE  RAM size in MiB, or with a K/M/G suffix (default 128M)"},
    {"smp", true, opt_smp, "-smp N  number of vCPUs (1)"},
    {"kernel", true, opt_kernel, "-kernel FILE  ELF64 executable or Linux arm64 Image"},
    {"initrd", true, opt_initrd, "-initrd FILE  initial ramdisk"},
    {"append", true, opt_append, "-append ARGS  kernel command line"},
    {"dtb", true, opt_dtb, "-dtb FILE  use this device tree instead of the generated one"},
    {"nographic", false, opt_nographic, "-nographic  serial port on stdio (Ctrl-A x exits)"},
    {"serial", true, opt_serial, "-serial stdio|mon:stdio|null|file:PATH"},
    {"display", true, opt_display, "-display none"},
    {"monitor", true, opt_monitor, "-monitor stdio|unix:PATH[,server=on,wait=off]|none  the monitor (docs/monitor.md)"},
    {"device", true, opt_device, "-device NAME[,PROP=VALUE...]  tandem-testdev or isa-debug-exit "
     "(-device help lists them)"},
    {"semihosting", false, opt_semihosting, "-semihosting  enable Arm semihosting"},
    {"semihosting-config", true, opt_semihosting_config, "-semihosting-config enable=on|off[,target=native]"},
    {"no-reboot", false, opt_no_reboot, "-no-reboot  exit instead of rebooting"},
    {"action", true, opt_action, "-action reboot=reset|shutdown  what a guest reset does "
     "(shutdown = -no-reboot; the last one given wins)"},
    {"d", true, opt_d, "-d ITEM,...  debug log channels (-d help lists them)"},
    {"D", true, opt_D, "-D FILE  write the debug log to FILE"},
    {"accel", true, opt_accel, "-accel tcg[,backend=jit|interp][,thread=multi|single]"},
    {"rtc", true, opt_rtc, "-rtc [base=utc|localtime|DATETIME][,clock=host|rt|vm][,driftfix=none|slew]  "
     "the PL031's start and clock (DATETIME: 2006-06-17T16:01:21 or 2006-06-17, UTC)"},
    {"bios", true, opt_bios, NULL},
};

static OptionsResult opt_help(TandemOptions *o, const char *arg)
{
    printf("usage: tandem [options]\n\nOptions:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(option_defs); i++) {
        const OptionDef *d = &option_defs[i];
        if (d->help) {
            if (d->help[0] == '-') {
                printf("  %s\n", d->help);
            } else {
                printf("  -%s  %s\n", d->name, d->help);
            }
        }
    }
    printf("\nExample: tandem -M virt -cpu cortex-a57 -nographic -kernel prog.elf\n");
    return OPTIONS_EXIT;
}

OptionsResult options_parse(int argc, char **argv, TandemOptions *o)
{
    memset(o, 0, sizeof(*o));
    o->machine = "virt";
    o->cfg.smp = 1;
    o->backend = "jit";
    serial_given = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') {
            error_report("unexpected argument '%s' (disk images are not supported; use -kernel)", a);
            return OPTIONS_ERROR;
        }
        const char *name = a + 1;
        if (name[0] == '-') {
            name++; /* --option is accepted like -option */
        }
        const OptionDef *d = NULL;
        for (size_t k = 0; k < G_N_ELEMENTS(option_defs); k++) {
            if (strcmp(option_defs[k].name, name) == 0) {
                d = &option_defs[k];
                break;
            }
        }
        if (!d) {
            error_report("unknown option '%s' (try -help)", a);
            return OPTIONS_ERROR;
        }
        const char *arg = NULL;
        if (d->has_arg) {
            if (i + 1 >= argc) {
                error_report("option '%s' requires an argument", a);
                return OPTIONS_ERROR;
            }
            arg = argv[++i];
        }
        OptionsResult r = d->handler(o, arg);
        if (r != OPTIONS_RUN) {
            return r;
        }
    }
    return options_check_board(o) ? OPTIONS_RUN : OPTIONS_ERROR;
}
