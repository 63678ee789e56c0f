/*
 * semihosting.c — Arm semihosting v2 for AArch64 guests (HLT #0xF000 with -semihosting).
 *
 * Tandem is the "host debugger": the clocks come from the host, and SYS_EXIT becomes a machine
 * shutdown request with the guest's status. SYS_WRITEC and SYS_WRITE0 print to stderr, the
 * semihosting console of QEMU 7.2 when no chardev is given, so guest output lands where it
 * does under QEMU. Handles 0, 1 and 2 are open from the start on stdin, stdout and stderr (an
 * extension: QEMU 7.2 has them only after SYS_OPEN); SYS_OPEN of the special name ":tt" hands
 * out further handles on them. Host files are not opened: a
 * guest never reaches the host file system through Tandem. SYS_READ/SYS_READC are refused:
 * stdin belongs to the serial console's chardev, and a helper may not block the vCPU thread
 * waiting for input (DESIGN.md rule 5).
 *
 * Calls run on the calling vCPU's thread; the handle table and the semihosting errno are
 * machine-wide and guarded by semihost_lock, which is never held across a guest memory access
 * (an access may leave the helper through cpu_loop_exit).
 */
#include "target-arm/semihosting.h"

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/softmmu.h"
#include "system/log.h"
#include "system/runstate.h"

#define SEMIHOST_MAX_HANDLES 32
#define SEMIHOST_TICK_HZ 1000000 /* SYS_ELAPSED counts microseconds of the host clock */

typedef struct SemihostCall {
    CPUARMState *env;
    CPUState *cpu;
    int mmu_idx;
} SemihostCall;

static GMutex semihost_lock;
static int semihost_fds[SEMIHOST_MAX_HANDLES] = {0, 1, 2, [3 ... SEMIHOST_MAX_HANDLES - 1] = -1};
static int semihost_errno;
static gsize semihost_start_once;
static int64_t semihost_start_us; /* host time of the first call: SYS_CLOCK's zero */

/* ---- guest memory and handles ---- */

static uint64_t semihost_ld64(SemihostCall *c, uint64_t addr) {
    return cpu_ld_data(c->cpu, addr, MO_64, c->mmu_idx);
}

static uint8_t semihost_ld8(SemihostCall *c, uint64_t addr) {
    return (uint8_t)cpu_ld_data(c->cpu, addr, MO_8, c->mmu_idx);
}

/* Field i of the parameter block at x1 (64-bit fields on AArch64). */
static uint64_t semihost_arg(SemihostCall *c, int i) {
    return semihost_ld64(c, c->env->xregs[1] + 8 * (uint64_t)i);
}

static void semihost_set_errno(int e) {
    g_mutex_lock(&semihost_lock);
    semihost_errno = e;
    g_mutex_unlock(&semihost_lock);
}

/* Host fd of a guest handle, or -1 with the semihosting errno set to EBADF. */
static int semihost_fd(uint64_t handle) {
    g_mutex_lock(&semihost_lock);
    int fd = handle < SEMIHOST_MAX_HANDLES ? semihost_fds[handle] : -1;
    if (fd < 0) {
        semihost_errno = EBADF;
    }
    g_mutex_unlock(&semihost_lock);
    return fd;
}

static int64_t semihost_elapsed_us(void) {
    if (g_once_init_enter(&semihost_start_once)) {
        semihost_start_us = g_get_monotonic_time();
        g_once_init_leave(&semihost_start_once, 1);
    }
    return g_get_monotonic_time() - semihost_start_us;
}

static FILE *semihost_stream(int fd) {
    return fd == 2 ? stderr : stdout;
}

/* Copies guest bytes [addr, addr+len) to the host stream of fd (1 or 2). */
static void semihost_write_guest(SemihostCall *c, int fd, uint64_t addr, uint64_t len) {
    FILE *out = semihost_stream(fd);
    char buf[256];
    while (len) {
        size_t n = len < sizeof(buf) ? (size_t)len : sizeof(buf);
        for (size_t i = 0; i < n; i++) {
            buf[i] = (char)semihost_ld8(c, addr + i);
        }
        fwrite(buf, 1, n, out);
        addr += n;
        len -= n;
    }
    fflush(out);
}

/* ---- operations ---- */

static int64_t semihost_open(SemihostCall *c) {
    uint64_t name = semihost_arg(c, 0), mode = semihost_arg(c, 1), len = semihost_arg(c, 2);
    char path[64] = "";
    if (len < sizeof(path)) {
        for (uint64_t i = 0; i < len; i++) {
            path[i] = (char)semihost_ld8(c, name + i);
        }
        path[len] = '\0';
    }
    if (strcmp(path, ":tt") != 0) {
        if (log_enabled(LOG_UNIMP)) {
            tlog("semihosting: SYS_OPEN of host file \"%s\" refused (only \":tt\")\n", path);
        }
        semihost_set_errno(ENOENT);
        return -1;
    }
    if (mode > 11) {
        semihost_set_errno(EINVAL);
        return -1;
    }
    /* ISO C fopen modes 0..3 read, 4..7 write, 8..11 append: stdin, stdout, stderr. */
    int fd = (int)(mode / 4);
    int64_t ret = -1;
    g_mutex_lock(&semihost_lock);
    for (int h = 3; h < SEMIHOST_MAX_HANDLES && ret < 0; h++) {
        if (semihost_fds[h] < 0) {
            semihost_fds[h] = fd;
            ret = h;
        }
    }
    if (ret < 0) {
        semihost_errno = EMFILE;
    }
    g_mutex_unlock(&semihost_lock);
    return ret;
}

static int64_t semihost_close(SemihostCall *c) {
    uint64_t h = semihost_arg(c, 0);
    if (semihost_fd(h) < 0) {
        return -1;
    }
    if (h >= 3) { /* the standard handles stay open */
        g_mutex_lock(&semihost_lock);
        semihost_fds[h] = -1;
        g_mutex_unlock(&semihost_lock);
    }
    return 0;
}

/* Returns the number of bytes NOT written (0 on success). */
static int64_t semihost_write(SemihostCall *c) {
    uint64_t h = semihost_arg(c, 0), buf = semihost_arg(c, 1), len = semihost_arg(c, 2);
    int fd = semihost_fd(h);
    if (fd < 0) {
        return (int64_t)len;
    }
    if (fd == 0) {
        semihost_set_errno(EBADF);
        return (int64_t)len;
    }
    semihost_write_guest(c, fd, buf, len);
    return 0;
}

static void semihost_write0(SemihostCall *c, uint64_t addr) {
    char buf[256];
    size_t n = 0;
    for (;;) {
        char ch = (char)semihost_ld8(c, addr++);
        if (ch == '\0' || n == sizeof(buf)) {
            fwrite(buf, 1, n, stderr);
            n = 0;
        }
        if (ch == '\0') {
            break;
        }
        buf[n++] = ch;
    }
    fflush(stderr);
}

static int64_t semihost_heapinfo(SemihostCall *c) {
    /* x1 points to a pointer to the four-field block. Zero means "unknown" (semihosting
     * spec, SYS_HEAPINFO): the guest's C library then uses its own linker symbols. */
    uint64_t block = semihost_ld64(c, c->env->xregs[1]);
    for (int i = 0; i < 4; i++) {
        cpu_st_data(c->cpu, block + 8 * (uint64_t)i, 0, MO_64, c->mmu_idx);
    }
    return 0;
}

static G_NORETURN void semihost_exit(SemihostCall *c) {
    /* AArch64: x1 points to {reason, subcode}. */
    uint64_t reason = semihost_arg(c, 0), subcode = semihost_arg(c, 1);
    int status = reason == ADP_Stopped_ApplicationExit ? (int)subcode : 1;
    fflush(stdout);
    fflush(stderr);
    runstate_request_shutdown(status);
    cpu_halt(c->cpu);
}

void semihosting_call(CPUARMState *env, int mmu_idx) {
    SemihostCall c = {.env = env, .cpu = env_cpu(env), .mmu_idx = mmu_idx};
    uint32_t op = (uint32_t)env->xregs[0];
    uint64_t param = env->xregs[1];
    int64_t ret;

    switch (op) {
    case SYS_OPEN: ret = semihost_open(&c); break;
    case SYS_CLOSE: ret = semihost_close(&c); break;
    case SYS_WRITEC: {
        char ch = (char)semihost_ld8(&c, param);
        fputc(ch, stderr);
        fflush(stderr);
        ret = (int64_t)env->xregs[0]; /* x0 is "corrupted": left as it was */
        break;
    }
    case SYS_WRITE0:
        semihost_write0(&c, param);
        ret = (int64_t)env->xregs[0];
        break;
    case SYS_WRITE: ret = semihost_write(&c); break;
    case SYS_ISERROR: ret = (int64_t)semihost_arg(&c, 0) < 0; break;
    case SYS_ISTTY: {
        int fd = semihost_fd(semihost_arg(&c, 0));
        if (fd < 0) {
            ret = -1;
        } else if (isatty(fd)) {
            ret = 1;
        } else {
            semihost_set_errno(errno);
            ret = 0;
        }
        break;
    }
    case SYS_CLOCK: /* centiseconds since the program started */
        ret = semihost_elapsed_us() / 10000;
        break;
    case SYS_TIME: ret = (int64_t)time(NULL); break;
    case SYS_ERRNO:
        g_mutex_lock(&semihost_lock);
        ret = semihost_errno;
        g_mutex_unlock(&semihost_lock);
        break;
    case SYS_HEAPINFO: ret = semihost_heapinfo(&c); break;
    case SYS_ELAPSED:
        cpu_st_data(c.cpu, param, (uint64_t)semihost_elapsed_us(), MO_64, mmu_idx);
        ret = 0;
        break;
    case SYS_TICKFREQ: ret = SEMIHOST_TICK_HZ; break;
    case SYS_EXIT:
    case SYS_EXIT_EXTENDED: semihost_exit(&c);
    default:
        if (log_enabled(LOG_UNIMP)) {
            tlog("semihosting: unsupported operation 0x%x at pc 0x%016" PRIx64 "\n", op, env->pc);
        }
        ret = -1;
        break;
    }
    env->xregs[0] = (uint64_t)ret;
}
