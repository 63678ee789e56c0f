/*
 * test-sys-semihost.c — Arm semihosting v2 on AArch64 (HLT #0xF000, needs -semihosting), with
 * the answers QEMU 7.2 gives: SYS_WRITEC and SYS_WRITE0 print (to stderr, the semihosting
 * console) and return; SYS_OPEN of ":tt" for writing gives a handle that SYS_WRITE (to stdout,
 * result 0) and SYS_CLOSE accept and that SYS_ISTTY answers 0 or 1 for; SYS_OPEN of a missing
 * file fails with SYS_ERRNO = ENOENT (2); SYS_CLOCK/SYS_ELAPSED advance, SYS_TIME is a
 * plausible Unix time and SYS_TICKFREQ is positive. The exit status itself goes through
 * SYS_EXIT_EXTENDED as in every test. Single-threaded bare metal.
 */
#include "runtime.h"

static uint64_t semihost(uint64_t op, uint64_t param)
{
    register uint64_t x0 __asm__("x0") = op;
    register uint64_t x1 __asm__("x1") = param;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

static uint64_t write_block(uint64_t handle, const char *s, uint64_t len)
{
    static uint64_t block[3];
    block[0] = handle;
    block[1] = (uint64_t)s;
    block[2] = len;
    return semihost(0x05, (uint64_t)block);
}

static uint64_t one_arg(uint64_t op, uint64_t a)
{
    static uint64_t block[1];
    block[0] = a;
    return semihost(op, (uint64_t)block);
}

static uint64_t open_file(const char *name, uint64_t len, uint64_t mode)
{
    static uint64_t block[3];
    block[0] = (uint64_t)name;
    block[1] = mode;
    block[2] = len;
    return semihost(0x01, (uint64_t)block);
}

static void test_output(void)
{
    static const char c = 'A', nl = '\n';
    uint64_t r = 0x1234;
    __asm__ volatile("mov x0, #3\n mov x1, %1\n hlt #0xf000\n mov %0, x1"
                     : "=r"(r) : "r"(&c) : "x0", "x1", "memory"); /* SYS_WRITEC */
    CHECK_EQ(r, (uint64_t)&c); /* x1 is preserved */
    semihost(0x03, (uint64_t)&nl);
    semihost(0x04, (uint64_t) "hello from SYS_WRITE0\n");

    uint64_t h = open_file(":tt", 3, 4); /* "w" */
    CHECK_EQ(h == (uint64_t)-1, 0);
    static const char msg[] = "hello through :tt\n";
    CHECK_EQ(write_block(h, msg, sizeof(msg) - 1), 0);
    uint64_t tty = one_arg(0x09, h); /* SYS_ISTTY */
    CHECK_EQ(tty == 0 || tty == 1, 1);
    CHECK_EQ(one_arg(0x02, h), 0); /* SYS_CLOSE */

    static const char missing[] = "/nonexistent-dir/tandem-semihost-test";
    CHECK_EQ(open_file(missing, sizeof(missing) - 1, 0), (uint64_t)-1);
    CHECK_EQ(semihost(0x13, 0), 2); /* SYS_ERRNO: ENOENT */
}

static void test_time(void)
{
    uint64_t t = semihost(0x11, 0); /* SYS_TIME */
    CHECK_EQ(t > 1600000000ull, 1);
    CHECK_EQ(t < 4000000000ull, 1);
    uint64_t freq = semihost(0x31, 0); /* SYS_TICKFREQ */
    CHECK_EQ(freq > 0 && freq != (uint64_t)-1, 1);
    static uint64_t e0, e1;
    CHECK_EQ(semihost(0x30, (uint64_t)&e0), 0); /* SYS_ELAPSED */
    uint64_t c0 = semihost(0x10, 0);           /* SYS_CLOCK */
    uint64_t c1 = c0;
    for (int i = 0; i < 50000000 && c1 == c0; i++) {
        c1 = semihost(0x10, 0);
    }
    CHECK_EQ(c1 > c0, 1);
    CHECK_EQ(semihost(0x30, (uint64_t)&e1), 0);
    CHECK_EQ(e1 > e0, 1);
}

int main(void)
{
    test_output();
    test_time();
    return guest_report();
}
