/*
 * log.c — the -d debug channels, the -D log file, tlog() and user-facing error messages.
 *
 * g_log_mask and the log file are set once on the main thread during start-up, before any
 * vCPU thread exists; afterwards they are only read. tlog() may be called from any thread: the
 * log lock (recursive, so a caller holding log_lock() for a multi-line dump may still call
 * tlog()) serializes writes so lines from different vCPUs do not interleave.
 */
#include "system/log.h"

#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <string.h>

unsigned g_log_mask;

static FILE *log_fp; /* NULL: stderr */
static GRecMutex log_mutex;

/* ORDER: the bits of the LOG_* enum in log.h. */
static const struct {
    const char *name;
    unsigned mask;
    const char *help;
} log_channels[] = {
    {"in_asm", LOG_IN_ASM, "show guest instructions of each translated block"},
    {"op", LOG_OP, "show the IR of each translated block"},
    {"op_opt", LOG_OP_OPT, "show the IR after optimization"},
    {"out_asm", LOG_OUT_ASM, "show the host code generated for each block"},
    {"exec", LOG_EXEC, "show each executed block"},
    {"cpu", LOG_CPU, "show the CPU registers before each executed block"},
    {"unimp", LOG_UNIMP, "log unimplemented functionality"},
    {"int", LOG_INT, "show interrupts and exceptions"},
    {"mmu", LOG_MMU, "log MMU-related activity"},
    {"guest_errors", LOG_GUEST_ERRORS, "log invalid guest operations (e.g. bad device accesses)"},
};

void log_list_channels(FILE *out)
{
    fprintf(out, "Log items (comma separated):\n");
    for (size_t i = 0; i < G_N_ELEMENTS(log_channels); i++) {
        fprintf(out, "%-13s %s\n", log_channels[i].name, log_channels[i].help);
    }
}

bool log_parse_mask(const char *spec, unsigned *mask)
{
    unsigned m = 0;
    if (strcmp(spec, "help") == 0) {
        log_list_channels(stdout);
        *mask = 0;
        return true;
    }
    gchar **items = g_strsplit(spec, ",", -1);
    bool ok = true;
    for (gchar **it = items; *it; it++) {
        size_t i;
        if (**it == '\0') {
            continue;
        }
        for (i = 0; i < G_N_ELEMENTS(log_channels); i++) {
            if (strcmp(*it, log_channels[i].name) == 0) {
                m |= log_channels[i].mask;
                break;
            }
        }
        if (i == G_N_ELEMENTS(log_channels)) {
            error_report("-d: unknown log item '%s' (try -d help)", *it);
            ok = false;
            break;
        }
    }
    g_strfreev(items);
    if (ok) {
        *mask = m;
    }
    return ok;
}

bool log_set_file(const char *path)
{
    if (!path) {
        log_fp = NULL;
        return true;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        error_report("-D: cannot open log file '%s': %s", path, strerror(errno));
        return false;
    }
    /* Line buffering keeps the log useful if the guest crashes the process. */
    setvbuf(f, NULL, _IOLBF, 0);
    log_fp = f;
    return true;
}

FILE *log_file(void) { return log_fp ? log_fp : stderr; }

void log_lock(void) { g_rec_mutex_lock(&log_mutex); }

void log_unlock(void) { g_rec_mutex_unlock(&log_mutex); }

void tlog(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_lock();
    vfprintf(log_file(), fmt, ap);
    log_unlock();
    va_end(ap);
}

void error_report(const char *fmt, ...)
{
    va_list ap;
    char *msg;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* One write so concurrent messages and the log stay whole lines. */
    fprintf(stderr, "tandem: %s\n", msg);
    fflush(stderr);
    g_free(msg);
}
