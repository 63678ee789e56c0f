/*
 * demo.c — the demo guest (make demo): renders the Mandelbrot set in ANSI colours with
 * fixed-point arithmetic, runs Conway's Life on a Gosper glider gun for a few frames, and
 * prints primes (a table of the first ones and counts from a sieve). Integer math only (the
 * guest is built with -mgeneral-regs-only); output through the PL011, exit via semihosting.
 */
#include "runtime.h"

static void put_num(uint64_t v, int width)
{
    char b[24];
    int n = 0;
    do {
        b[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = n; i < width; i++) {
        uart_putc(' ');
    }
    while (n) {
        uart_putc(b[--n]);
    }
}

/* ---- Mandelbrot: Q8.24 fixed point (|z| <= 2 keeps every product within 2^53) ---- */
#define FIX_SHIFT 24
#define FIX_ONE (1LL << FIX_SHIFT)
#define MANDEL_W 78
#define MANDEL_H 32
#define MANDEL_ITERS 96

static int mandel_iterations(int64_t cx, int64_t cy)
{
    int64_t x = 0, y = 0;
    for (int i = 0; i < MANDEL_ITERS; i++) {
        int64_t xx = (x * x) >> FIX_SHIFT, yy = (y * y) >> FIX_SHIFT;
        if (xx + yy > 4 * FIX_ONE) {
            return i;
        }
        y = ((x * y) >> (FIX_SHIFT - 1)) + cy;
        x = xx - yy + cx;
    }
    return MANDEL_ITERS;
}

/* Escape time on a log scale: 0 for points that leave at once, 7 for the slowest. */
static int mandel_band(int it)
{
    int band = 0;
    while (it && band < 7) {
        it >>= 1;
        band++;
    }
    return band;
}

static void demo_mandelbrot(void)
{
    static const char ramp[] = " .:-=+*#";
    static const char *const colors[] = { "0;34", "0;34", "0;36", "0;32", "0;33", "1;31",
                                          "1;35", "1;37" };
    uart_puts("\n  Mandelbrot set, x in [-2.2, 0.8], y in [-1.2, 1.2], Q8.24 fixed point\n\n");
    int64_t x0 = -22 * FIX_ONE / 10, y0 = -12 * FIX_ONE / 10;
    int64_t dx = 30 * FIX_ONE / 10 / MANDEL_W, dy = 24 * FIX_ONE / 10 / MANDEL_H;
    for (int row = 0; row < MANDEL_H; row++) {
        int last_band = -1;
        uart_puts("  ");
        for (int col = 0; col < MANDEL_W; col++) {
            int it = mandel_iterations(x0 + col * dx, y0 + row * dy);
            int band = it >= MANDEL_ITERS ? 8 : mandel_band(it);
            if (band != last_band) {
                uart_puts("\033[");
                uart_puts(band == 8 ? "1;33" : colors[band]);
                uart_putc('m');
                last_band = band;
            }
            uart_putc(band == 8 ? '@' : ramp[band]);
        }
        uart_puts("\033[0m\n");
    }
}

/* ---- Conway's Life on a torus ---- */
#define LIFE_W 48
#define LIFE_H 22

static uint8_t life[2][LIFE_H][LIFE_W];

static void life_seed_gun(uint8_t g[LIFE_H][LIFE_W])
{
    /* Gosper glider gun, cells as (row, col) */
    static const uint8_t gun[][2] = {
        { 5, 1 }, { 5, 2 }, { 6, 1 }, { 6, 2 }, { 3, 35 }, { 3, 36 }, { 4, 35 }, { 4, 36 },
        { 5, 11 }, { 6, 11 }, { 7, 11 }, { 4, 12 }, { 8, 12 }, { 3, 13 }, { 9, 13 },
        { 3, 14 }, { 9, 14 }, { 6, 15 }, { 4, 16 }, { 8, 16 }, { 5, 17 }, { 6, 17 },
        { 7, 17 }, { 6, 18 }, { 3, 21 }, { 4, 21 }, { 5, 21 }, { 3, 22 }, { 4, 22 },
        { 5, 22 }, { 2, 23 }, { 6, 23 }, { 1, 25 }, { 2, 25 }, { 6, 25 }, { 7, 25 },
    };
    for (unsigned i = 0; i < sizeof(gun) / sizeof(gun[0]); i++) {
        g[gun[i][0]][gun[i][1]] = 1;
    }
}

static void life_step(uint8_t in[LIFE_H][LIFE_W], uint8_t out[LIFE_H][LIFE_W])
{
    for (int r = 0; r < LIFE_H; r++) {
        for (int c = 0; c < LIFE_W; c++) {
            int n = 0;
            for (int dr = -1; dr <= 1; dr++) {
                for (int dc = -1; dc <= 1; dc++) {
                    if (dr || dc) {
                        n += in[(r + dr + LIFE_H) % LIFE_H][(c + dc + LIFE_W) % LIFE_W];
                    }
                }
            }
            out[r][c] = n == 3 || (n == 2 && in[r][c]);
        }
    }
}

static void demo_life(void)
{
    int cur = 0;
    life_seed_gun(life[0]);
    uart_puts("\n  Conway's Life: Gosper glider gun on a 48x22 torus\n");
    for (int gen = 0; gen <= 60; gen++) {
        if (gen % 30 == 0) {
            int pop = 0;
            for (int r = 0; r < LIFE_H; r++) {
                for (int c = 0; c < LIFE_W; c++) {
                    pop += life[cur][r][c];
                }
            }
            uart_puts("\n  generation ");
            put_num((uint64_t)gen, 2);
            uart_puts(", population ");
            put_num((uint64_t)pop, 3);
            uart_puts("\n  +");
            for (int c = 0; c < LIFE_W; c++) {
                uart_putc('-');
            }
            uart_puts("+\n");
            for (int r = 0; r < LIFE_H; r++) {
                uart_puts("  |\033[32m");
                for (int c = 0; c < LIFE_W; c++) {
                    uart_putc(life[cur][r][c] ? 'O' : ' ');
                }
                uart_puts("\033[0m|\n");
            }
            uart_puts("  +");
            for (int c = 0; c < LIFE_W; c++) {
                uart_putc('-');
            }
            uart_puts("+\n");
        }
        life_step(life[cur], life[cur ^ 1]);
        cur ^= 1;
    }
}

/* ---- primes ---- */
#define SIEVE_N 2000000
static uint8_t composite[SIEVE_N];

static void demo_primes(void)
{
    for (uint32_t i = 2; (uint64_t)i * i < SIEVE_N; i++) {
        if (!composite[i]) {
            for (uint32_t j = i * i; j < SIEVE_N; j += i) {
                composite[j] = 1;
            }
        }
    }
    uart_puts("\n  The first 100 primes:\n");
    int shown = 0;
    for (uint32_t i = 2; shown < 100; i++) {
        if (!composite[i]) {
            put_num(i, shown % 10 ? 6 : 8);
            if (++shown % 10 == 0) {
                uart_putc('\n');
            }
        }
    }
    uart_puts("\n  primes below 10^k (sieve of Eratosthenes), and twin pairs:\n");
    uint32_t count = 0, twins = 0, limit = 10;
    for (uint32_t i = 2; i < SIEVE_N; i++) {
        if (!composite[i]) {
            count++;
            twins += i >= 5 && !composite[i - 2];
        }
        if (i + 1 == limit) {
            uart_puts("    pi(");
            put_num(limit, 7);
            uart_puts(") = ");
            put_num(count, 6);
            uart_puts("   twin pairs: ");
            put_num(twins, 5);
            uart_putc('\n');
            limit *= 10;
        }
    }
}

int main(void)
{
    uart_puts("\033[1mTandem demo\033[0m: an AArch64 guest on the virt board, integer math only\n");
    demo_mandelbrot();
    demo_life();
    demo_primes();
    uart_puts("\n  done.\n");
    return 0;
}
