/*
 * log.h — the -d debug channels and -D log file. The mask is set once at start-up; tlog() may
 * be called from any thread (writes are serialized by a lock so lines do not interleave).
 */
#ifndef TANDEM_SYSTEM_LOG_H
#define TANDEM_SYSTEM_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum {
    LOG_IN_ASM = 1 << 0,
    LOG_OP = 1 << 1,
    LOG_OP_OPT = 1 << 2,
    LOG_OUT_ASM = 1 << 3,
    LOG_EXEC = 1 << 4,
    LOG_CPU = 1 << 5,
    LOG_UNIMP = 1 << 6,
    LOG_INT = 1 << 7,
    LOG_MMU = 1 << 8,
    LOG_GUEST_ERRORS = 1 << 9,
};

extern unsigned g_log_mask;

static inline bool log_enabled(unsigned mask) { return (g_log_mask & mask) != 0; }

/* Parses "in_asm,op,..." (or "help"); returns false with a message naming a bad item. */
bool log_parse_mask(const char *spec, unsigned *mask);
/* Opens the -D file (NULL = stderr). */
bool log_set_file(const char *path);
FILE *log_file(void);
void log_lock(void);
void log_unlock(void);
void tlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the -d channel list (for "-d help"). */
void log_list_channels(FILE *out);
/* User-facing error: "tandem: <message>" and a newline on stderr. Any thread. */
void error_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
