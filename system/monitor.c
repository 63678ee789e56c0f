/*
 * monitor.c — the human monitor (-monitor stdio or -monitor unix:PATH,server=on,wait=off;
 * docs/monitor.md): a line-based command shell in the style of QEMU's HMP that shows each
 * vCPU's power state, halted flag and executed-instruction count, and halts, resumes,
 * starts, powers off or kicks vCPUs, resets the machine or quits.
 *
 * The monitor runs on its own thread and never writes vCPU state: CPU operations are the
 * power controller's (cpu-power.h work items), machine reset and quit are runstate requests,
 * and the pc shown is read by a run_on_cpu item on the vCPU's own thread.
 */
#include "system/monitor.h"

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cpu-exec/cpu-power.h"
#include "cpu-exec/vcpu.h"
#include "hw/core/chardev.h"
#include "hw/misc/powerctl.h"
#include "hw/misc/testdev.h"
#include "system/log.h"
#include "system/runstate.h"

typedef struct Monitor {
    Machine *m;
    int listen_fd; /* unix socket server, or -1 for stdio */
    GThread *thread;
} Monitor;

static Monitor mon;

static void mon_printf(FILE *out, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void mon_printf(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fflush(out);
}

/* ---- commands ---- */

static void mon_read_pc(CPUState *cpu, void *arg)
{
    *(uint64_t *)arg = *(uint64_t *)((char *)cpu_env(cpu) + cpu->arch->pc_offset);
}

static const char *mon_power_name(uint32_t desc)
{
    switch (desc & CPU_DESC_POWER_MASK) {
    case CPU_POWER_ON: return "on";
    case CPU_POWER_OFF: return "off";
    default: return "on-pending";
    }
}

static void mon_info_cpus(FILE *out)
{
    for (int i = 0; i < vcpu_count(); i++) {
        CPUState *cpu = vcpu_get(i);
        uint64_t pc = 0;
        run_on_cpu(cpu, mon_read_pc, &pc);
        uint32_t d = cpu_power_describe(cpu);
        mon_printf(out, "%c CPU #%d: pc=0x%016" PRIx64 " power=%s halted=%s held=%s "
                   "insns=%" PRIu64 "\n", i == 0 ? '*' : ' ', i, pc, mon_power_name(d),
                   (d & CPU_DESC_HALTED) ? "yes" : "no", (d & CPU_DESC_HELD) ? "yes" : "no",
                   cpu_insn_count(cpu));
    }
}

/* Parses a number (decimal or 0x hex); false if it is not one. */
static bool mon_number(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !*s) {
        return false;
    }
    errno = 0;
    *out = g_ascii_strtoull(s, &end, 0);
    return !*end && errno == 0;
}

static bool mon_cpu_arg(FILE *out, const char *s, int *cpu)
{
    uint64_t v;
    if (!mon_number(s, &v) || v >= (uint64_t)vcpu_count()) {
        mon_printf(out, "no such CPU '%s' (0-%d)\n", s ? s : "", vcpu_count() - 1);
        return false;
    }
    *cpu = (int)v;
    return true;
}

static void mon_power(FILE *out, char **argv, int argc, uint32_t cmd)
{
    int cpu;
    uint64_t entry = 0, context = 0;
    if (!mon_cpu_arg(out, argc > 1 ? argv[1] : NULL, &cpu)) {
        return;
    }
    if (cmd == POWERCTL_CMD_START &&
        (argc < 3 || !mon_number(argv[2], &entry) ||
         (argc > 3 && !mon_number(argv[3], &context)))) {
        mon_printf(out, "usage: cpu-start CPU ENTRY [CONTEXT]\n");
        return;
    }
    switch (powerctl_command(&mon.m->as, cpu, cmd, entry, context)) {
    case POWERCTL_STATUS_OK: break;
    case POWERCTL_STATUS_BAD_ENTRY: mon_printf(out, "entry 0x%" PRIx64 " is not in RAM or not "
                                               "4-byte aligned\n", entry); break;
    default: mon_printf(out, "refused\n"); break;
    }
}

static void mon_kick(FILE *out, char **argv, int argc)
{
    int cpu;
    uint64_t count = 1;
    if (!mon_cpu_arg(out, argc > 1 ? argv[1] : NULL, &cpu)) {
        return;
    }
    if (argc > 2 && !mon_number(argv[2], &count)) {
        mon_printf(out, "usage: kick CPU [COUNT]\n");
        return;
    }
    for (uint64_t i = 0; i < count; i++) {
        cpu_kick(vcpu_get(cpu));
    }
}

static void mon_help(FILE *out)
{
    mon_printf(out,
               "info cpus                     each vCPU: pc, power state, halted, held, "
               "instructions executed\n"
               "cpu-halt CPU                  hold a vCPU where it is (power controller HALT)\n"
               "cpu-resume CPU                let a held vCPU go on\n"
               "cpu-start CPU ENTRY [CONTEXT] reset a vCPU and start it at ENTRY, x0 = CONTEXT\n"
               "cpu-off CPU                   power a vCPU off\n"
               "kick CPU [COUNT]              wake a vCPU's thread COUNT times (it must not run "
               "because of it)\n"
               "testdev-release VALUE         complete the test device's waiting reads\n"
               "system_reset                  reset the machine\n"
               "quit | q                      exit Tandem (status 0)\n");
}

/* Runs one command line; false when the session should end (quit). */
static bool mon_command(FILE *out, const char *line)
{
    char **argv = g_strsplit_set(line, " \t\r\n", -1);
    int argc = 0;
    for (int i = 0; argv[i]; i++) { /* drop empty fields from repeated blanks */
        if (*argv[i]) {
            argv[argc++] = argv[i];
        } else {
            g_free(argv[i]);
        }
    }
    argv[argc] = NULL;
    bool go_on = true;
    if (argc == 0) {
        /* empty line */
    } else if (strcmp(argv[0], "info") == 0 && argc > 1 && strcmp(argv[1], "cpus") == 0) {
        mon_info_cpus(out);
    } else if (strcmp(argv[0], "cpu-halt") == 0) {
        mon_power(out, argv, argc, POWERCTL_CMD_HALT);
    } else if (strcmp(argv[0], "cpu-resume") == 0) {
        mon_power(out, argv, argc, POWERCTL_CMD_RESUME);
    } else if (strcmp(argv[0], "cpu-start") == 0) {
        mon_power(out, argv, argc, POWERCTL_CMD_START);
    } else if (strcmp(argv[0], "cpu-off") == 0) {
        mon_power(out, argv, argc, POWERCTL_CMD_OFF);
    } else if (strcmp(argv[0], "kick") == 0) {
        mon_kick(out, argv, argc);
    } else if (strcmp(argv[0], "testdev-release") == 0) {
        uint64_t v;
        if (!testdev_instance()) {
            mon_printf(out, "no test device (-device tandem-testdev)\n");
        } else if (argc < 2 || !mon_number(argv[1], &v)) {
            mon_printf(out, "usage: testdev-release VALUE\n");
        } else {
            testdev_release(testdev_instance(), v);
        }
    } else if (strcmp(argv[0], "system_reset") == 0) {
        runstate_request_reset();
    } else if (strcmp(argv[0], "quit") == 0 || strcmp(argv[0], "q") == 0) {
        runstate_request_shutdown(0);
        go_on = false;
    } else if (strcmp(argv[0], "help") == 0 || strcmp(argv[0], "?") == 0) {
        mon_help(out);
    } else {
        mon_printf(out, "unknown command: '%s' (help lists them)\n", argv[0]);
    }
    g_strfreev(argv);
    return go_on;
}

/* One session on a stream: prompt, read a line, run it, until end of input or quit. */
static bool mon_session(FILE *in, FILE *out)
{
    char line[512];
    mon_printf(out, "Tandem monitor - type 'help' for a list of commands\n(tandem) ");
    while (fgets(line, sizeof(line), in)) {
        if (!mon_command(out, line)) {
            return false;
        }
        mon_printf(out, "(tandem) ");
    }
    return true;
}

static gpointer mon_thread(gpointer opaque)
{
    if (mon.listen_fd < 0) {
        mon_session(stdin, stdout);
        return NULL;
    }
    for (;;) {
        int fd = accept(mon.listen_fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR) {
                continue;
            }
            return NULL;
        }
        FILE *in = fdopen(fd, "r"), *out = fdopen(dup(fd), "w");
        bool go_on = in && out && mon_session(in, out);
        if (in) {
            fclose(in);
        }
        if (out) {
            fclose(out);
        }
        if (!go_on) {
            return NULL;
        }
    }
}

/* unix:PATH[,server[=on]][,nowait|wait=off]: a listening socket at PATH. */
static int mon_listen_unix(const char *spec)
{
    char **parts = g_strsplit(spec + 5, ",", -1);
    int fd = -1;
    for (int i = 1; parts[i]; i++) {
        const char *o = parts[i];
        if (strcmp(o, "server") && strcmp(o, "server=on") && strcmp(o, "nowait") &&
            strcmp(o, "wait=off")) {
            error_report("-monitor %s: unsupported option '%s' (the monitor is always a "
                         "server that does not wait for a client)", spec, o);
            goto out;
        }
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (!parts[0][0] || strlen(parts[0]) >= sizeof(addr.sun_path)) {
        error_report("-monitor %s: bad socket path", spec);
        goto out;
    }
    strcpy(addr.sun_path, parts[0]);
    unlink(addr.sun_path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0) {
        error_report("-monitor %s: %s", spec, g_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        fd = -1;
    }
out:
    g_strfreev(parts);
    return fd;
}

bool monitor_start(const char *spec, Machine *m)
{
    mon.m = m;
    mon.listen_fd = -1;
    if (strcmp(spec, "stdio") == 0) {
        if (!chardev_claim_stdio()) {
            error_report("-monitor stdio: stdio is already used by the serial port (use "
                         "-serial null or -serial file:PATH, or -monitor unix:PATH,server,"
                         "nowait)");
            return false;
        }
    } else {
        mon.listen_fd = mon_listen_unix(spec);
        if (mon.listen_fd < 0) {
            return false;
        }
    }
    mon.thread = g_thread_new("monitor", mon_thread, NULL);
    return true;
}
