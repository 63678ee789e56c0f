/*
 * chardev.c — character back-ends for serial devices: stdio (optionally multiplexed, QEMU's
 * "mon:stdio" / -nographic escape keys), null and file:PATH.
 *
 * Output: chardev_write() is called by the frontend with the device lock held and writes
 * synchronously to the file descriptor.
 * Input (stdio only): one input thread per back-end polls stdin and hands bytes to the
 * frontend's receive callback with the device lock taken, only as many as can_receive() allows
 * (it retries after a short sleep when the frontend's FIFO is full, so no byte is dropped).
 * The terminal is put in raw mode only when stdin is a tty; the saved settings are restored
 * by chardev_cleanup_all(), by an atexit handler (covers every exit(1) path) and by the
 * SIGINT/SIGTERM handlers (tcsetattr is async-signal-safe).
 */
#include "hw/core/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hw/core/memory.h"
#include "system/log.h"
#include "system/runstate.h"

typedef enum ChardevKind { CHARDEV_NULL, CHARDEV_STDIO, CHARDEV_FILE } ChardevKind;

struct Chardev {
    ChardevKind kind;
    int out_fd;      /* -1: output discarded */
    bool mux;        /* Ctrl-A escape keys (mon:stdio, -nographic) */
    bool mux_escape; /* input thread only: the previous byte was Ctrl-A */
    ChardevFrontend fe;
    bool has_fe; /* set before the input thread starts, read-only after */
    GThread *in_thread;
};

#define MUX_ESCAPE_CHAR 0x01 /* Ctrl-A */

static GPtrArray *all_chardevs;
static bool stdio_in_use;
static atomic_bool input_stop;

/* ---- terminal state ---- */

static struct termios saved_tty;
static volatile sig_atomic_t tty_is_raw;

static void chardev_restore_tty(void)
{
    if (tty_is_raw) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
        tty_is_raw = 0;
    }
}

static void chardev_signal_handler(int sig)
{
    chardev_restore_tty();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Raw mode: bytes go to the guest as typed. With mux, Ctrl-C also goes to the guest (ISIG
 * off) and Ctrl-A x is the way out, as on QEMU's -nographic console. */
static void chardev_set_tty_raw(bool mux)
{
    struct termios tty;
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty) != 0) {
        return;
    }
    tty = saved_tty;
    tty.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    tty.c_oflag |= OPOST; /* keep "\n" -> "\r\n" so guest output stays readable */
    tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (mux) {
        tty.c_lflag &= ~ISIG;
    }
    tty.c_cflag &= ~(CSIZE | PARENB);
    tty.c_cflag |= CS8;
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    atexit(chardev_restore_tty);
    signal(SIGINT, chardev_signal_handler);
    signal(SIGTERM, chardev_signal_handler);
    if (tcsetattr(STDIN_FILENO, TCSANOW, &tty) == 0) {
        tty_is_raw = 1;
    }
}

/* ---- creation ---- */

static Chardev *chardev_alloc(ChardevKind kind, int out_fd)
{
    Chardev *chr = g_new0(Chardev, 1);
    chr->kind = kind;
    chr->out_fd = out_fd;
    if (!all_chardevs) {
        all_chardevs = g_ptr_array_new();
    }
    g_ptr_array_add(all_chardevs, chr);
    return chr;
}

bool chardev_claim_stdio(void)
{
    if (stdio_in_use) {
        return false;
    }
    stdio_in_use = true;
    return true;
}

Chardev *chardev_new(const char *spec)
{
    if (strcmp(spec, "null") == 0) {
        return chardev_alloc(CHARDEV_NULL, -1);
    }
    if (strcmp(spec, "stdio") == 0 || strcmp(spec, "mon:stdio") == 0) {
        if (stdio_in_use) {
            error_report("serial backend '%s': stdio is already used by another device", spec);
            return NULL;
        }
        stdio_in_use = true;
        Chardev *chr = chardev_alloc(CHARDEV_STDIO, STDOUT_FILENO);
        chr->mux = spec[0] == 'm';
        chardev_set_tty_raw(chr->mux);
        return chr;
    }
    if (strncmp(spec, "file:", 5) == 0) {
        const char *path = spec + 5;
        if (*path == '\0') {
            error_report("serial backend 'file:' needs a path (file:PATH)");
            return NULL;
        }
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0) {
            error_report("serial backend: cannot open '%s': %s", path, strerror(errno));
            return NULL;
        }
        return chardev_alloc(CHARDEV_FILE, fd);
    }
    error_report("unknown serial backend '%s' (use stdio, mon:stdio, null or file:PATH)", spec);
    return NULL;
}

/* ---- output ---- */

void chardev_write(Chardev *chr, const uint8_t *buf, size_t len)
{
    if (!chr || chr->out_fd < 0) {
        return;
    }
    while (len > 0) {
        ssize_t n = write(chr->out_fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                struct pollfd pfd = {.fd = chr->out_fd, .events = POLLOUT};
                poll(&pfd, 1, 100);
                continue;
            }
            return; /* output closed: the guest keeps running, its output is lost */
        }
        buf += n;
        len -= (size_t)n;
    }
}

/* ---- input ---- */

/* Hands len bytes to the frontend, waiting while its FIFO is full. */
static void chardev_deliver(Chardev *chr, const uint8_t *buf, int len)
{
    while (len > 0 && !atomic_load(&input_stop)) {
        device_lock();
        int room = chr->fe.can_receive ? chr->fe.can_receive(chr->fe.opaque) : len;
        if (room > 0) {
            int n = MIN(room, len);
            chr->fe.receive(chr->fe.opaque, buf, n);
            buf += n;
            len -= n;
        }
        device_unlock();
        if (room <= 0) {
            g_usleep(1000);
        }
    }
}

static void chardev_mux_help(Chardev *chr)
{
    static const char help[] = "\r\n"
                               "C-a h    print this help\r\n"
                               "C-a x    exit emulator\r\n"
                               "C-a C-a  sends C-a\r\n";
    device_lock();
    chardev_write(chr, (const uint8_t *)help, sizeof(help) - 1);
    device_unlock();
}

/* Applies the Ctrl-A escape keys; returns true if the byte goes to the guest. */
static bool chardev_mux_filter(Chardev *chr, uint8_t c)
{
    if (!chr->mux_escape) {
        if (c == MUX_ESCAPE_CHAR) {
            chr->mux_escape = true;
            return false;
        }
        return true;
    }
    chr->mux_escape = false;
    switch (c) {
    case MUX_ESCAPE_CHAR:
        return true;
    case 'x': {
        static const char msg[] = "\r\ntandem: terminated\r\n";
        device_lock();
        chardev_write(chr, (const uint8_t *)msg, sizeof(msg) - 1);
        device_unlock();
        runstate_request_shutdown(0);
        return false;
    }
    case 'h':
    case '?':
        chardev_mux_help(chr);
        return false;
    default:
        return false; /* unknown escapes are swallowed, as QEMU's mux does */
    }
}

static gpointer chardev_input_thread(gpointer opaque)
{
    Chardev *chr = opaque;
    uint8_t buf[256];
    while (!atomic_load(&input_stop)) {
        /* poll with a timeout so the thread notices chardev_cleanup_all() */
        struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
        int r = poll(&pfd, 1, 100);
        if (r < 0 && errno != EINTR) {
            break;
        }
        if (r <= 0) {
            continue;
        }
        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (n <= 0) {
            break; /* end of input: the guest simply gets no more bytes */
        }
        int out = 0;
        for (ssize_t i = 0; i < n; i++) {
            if (!chr->mux || chardev_mux_filter(chr, buf[i])) {
                buf[out++] = buf[i];
            }
        }
        chardev_deliver(chr, buf, out);
    }
    return NULL;
}

void chardev_set_frontend(Chardev *chr, const ChardevFrontend *fe)
{
    g_assert(!chr->has_fe);
    chr->fe = *fe;
    chr->has_fe = true;
    if (chr->kind == CHARDEV_STDIO) {
        chr->in_thread = g_thread_new("chardev-stdin", chardev_input_thread, chr);
    }
}

void chardev_join_input_threads(void)
{
    atomic_store(&input_stop, true);
    if (!all_chardevs) {
        return;
    }
    for (guint i = 0; i < all_chardevs->len; i++) {
        Chardev *chr = g_ptr_array_index(all_chardevs, i);
        if (chr->in_thread) {
            g_thread_join(chr->in_thread); /* returns within one poll timeout */
            chr->in_thread = NULL;
        }
    }
}

void chardev_cleanup_all(void)
{
    /* The input thread is told to stop but not joined: this also runs on exit paths where the
     * caller may hold the device lock the thread could be waiting for. */
    atomic_store(&input_stop, true);
    if (all_chardevs) {
        for (guint i = 0; i < all_chardevs->len; i++) {
            Chardev *chr = g_ptr_array_index(all_chardevs, i);
            if (chr->kind == CHARDEV_FILE && chr->out_fd >= 0) {
                fsync(chr->out_fd);
            }
        }
    }
    chardev_restore_tty();
}
