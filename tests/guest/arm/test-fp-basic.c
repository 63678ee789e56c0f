/*
 * test-fp-basic.c — scalar floating point as compiled C uses it (-O2, V registers allowed):
 * float and double arithmetic, fused multiply-add, sqrt, conversions to and from integers,
 * compares and conditional selects; then FPCR modes through inline asm (RMode, FZ, DN) and the
 * cumulative FPSR flags (IOC, DZC, OFC, UFC with tininess before rounding, IXC, IDC).
 * Expected bit patterns follow ARM ARM J1.3 (FPRound, FPProcessNaNs). Single-threaded.
 */
#include "runtime.h"

/* gcc inlines FSQRT and calls these only on its errno path (negative input); there is no libm */
float sqrtf(float x);
double sqrt(double x);
float sqrtf(float x) { float r; __asm__("fsqrt %s0, %s1" : "=w"(r) : "w"(x)); return r; }
double sqrt(double x) { double r; __asm__("fsqrt %d0, %d1" : "=w"(r) : "w"(x)); return r; }

static uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static uint64_t d2u(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static float u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static double u2d(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }

static void set_fpcr(uint64_t v) { __asm__ volatile("msr fpcr, %0" ::"r"(v)); }
static uint64_t get_fpsr(void) { uint64_t v; __asm__ volatile("mrs %0, fpsr" : "=r"(v)); return v; }
static void clear_fpsr(void) { __asm__ volatile("msr fpsr, xzr"); }

static volatile float vf[4] = {1.5f, -2.25f, 3.0f, 0.1f};
static volatile double vd[4] = {1.5, -2.25, 3.0, 0.1};

static void test_arith(void)
{
    float a = vf[0], b = vf[1], c = vf[2], t = vf[3];
    CHECK_EQ(f2u(a + b), f2u(-0.75f));
    CHECK_EQ(f2u(a * b), f2u(-3.375f));
    CHECK_EQ(f2u(c / a), f2u(2.0f));
    CHECK_EQ(f2u(t * 3.0f), 0x3e99999au);
    CHECK_EQ(f2u(__builtin_sqrtf(c)), 0x3fddb3d7u);
    CHECK_EQ(f2u(__builtin_fmaf(t, t, -0.01f)), f2u(__builtin_fmaf(t, t, -0.01f)));
    double x = vd[0], y = vd[1], z = vd[2], w = vd[3];
    CHECK_EQ(d2u(x - y), d2u(3.75));
    CHECK_EQ(d2u(z / w), 0x403e000000000000ull); /* 3 / 0.1 rounds to 30 */
    CHECK_EQ(d2u(__builtin_sqrt(z)), 0x3ffbb67ae8584caaull);
    /* fused: 0.1 * 10 - 1 exposes the rounding error of 0.1 */
    CHECK_EQ(d2u(__builtin_fma(w, 10.0, -1.0)), 0x3c90000000000000ull); /* 2^-54 */
    CHECK_EQ(d2u((double)a * y), d2u(-3.375));
    CHECK_EQ(f2u((float)w), f2u(0.1f));
    CHECK_EQ(d2u(__builtin_fmax(x, y)), d2u(1.5));
    CHECK_EQ(d2u(__builtin_fmin(x, u2d(0x7ff8000000000000ull))), d2u(1.5));
}

static void test_convert(void)
{
    volatile double big = 1e20, neg = -2.5, half = 2.5;
    volatile float fneg = -1.75f;
    CHECK_EQ((uint64_t)(int64_t)neg, (uint64_t)-2);
    CHECK_EQ((uint64_t)(int32_t)fneg, (uint64_t)-1);
    CHECK_EQ((uint64_t)big, 0xffffffffffffffffull); /* FCVTZU saturates */
    clear_fpsr();
    CHECK_EQ((uint64_t)(int64_t)big, 0x7fffffffffffffffull); /* saturates */
    CHECK_EQ(get_fpsr() & 1, 1);                             /* IOC */
    CHECK_EQ((uint64_t)(uint32_t)neg, 0);
    CHECK_EQ((uint64_t)(int64_t)__builtin_round(half), 3);   /* FRINTA / FCVTAS */
    CHECK_EQ((uint64_t)(int64_t)__builtin_rint(half), 2);    /* FRINTX, ties to even */
    CHECK_EQ((uint64_t)(int64_t)__builtin_floor(neg), (uint64_t)-3);
    CHECK_EQ((uint64_t)(int64_t)__builtin_ceil(neg), (uint64_t)-2);
    volatile int64_t i = -123456789012345ll;
    volatile uint64_t u = 0xffffffffffffffffull;
    CHECK_EQ(d2u((double)i), d2u(-123456789012345.0));
    CHECK_EQ(f2u((float)u), 0x5f800000u);
    CHECK_EQ(d2u((double)(float)neg), d2u(-2.5));
}

static int cmp_count(volatile double *v, int n, double lim)
{
    int c = 0;
    for (int i = 0; i < n; i++)
        c += v[i] < lim ? 1 : 0;
    return c;
}

static void test_compare(void)
{
    volatile double v[5] = {1.0, -1.0, u2d(0x7ff8000000000000ull), 0.5, -0.0};
    CHECK_EQ(cmp_count(v, 5, 0.75), 3); /* NaN is unordered: never less */
    float a = vf[0], b = vf[1];
    CHECK_EQ(f2u(a > b ? a : b), f2u(1.5f));
    uint64_t nzcv;
    __asm__ volatile("fcmp %d1, %d2\n mrs %0, nzcv" : "=r"(nzcv) : "w"(1.0), "w"(u2d(0x7ff8000000000000ull)));
    CHECK_EQ(nzcv >> 28, 0x3);
    __asm__ volatile("fcmp %s1, #0.0\n mrs %0, nzcv" : "=r"(nzcv) : "w"(-0.0f));
    CHECK_EQ(nzcv >> 28, 0x6);
}

static void test_fpcr_modes(void)
{
    float r;
    volatile float one = 1.0f, eps = u2f(0x33800000); /* 2^-24: 1 + eps is a tie */
    clear_fpsr();
    set_fpcr(1u << 22); /* round toward plus infinity */
    r = one + eps;
    CHECK_EQ(f2u(r), 0x3f800001u);
    set_fpcr(2u << 22); /* toward minus infinity */
    r = one - one;
    CHECK_EQ(f2u(r), 0x80000000u); /* exact zero difference is -0 */
    set_fpcr(0);
    r = one + eps;
    CHECK_EQ(f2u(r), 0x3f800000u);
    CHECK_EQ(get_fpsr() & 0x9f, 0x10); /* IXC only */

    /* tininess before rounding: (1 - 2^-24) * 2^-126 rounds to the smallest normal */
    volatile float almost = u2f(0x3f7fffff), minn = u2f(0x00800000), den = u2f(0x00000003);
    clear_fpsr();
    r = almost * minn;
    CHECK_EQ(f2u(r), 0x00800000u);
    CHECK_EQ(get_fpsr() & 0x9f, 0x18); /* UFC | IXC */
    set_fpcr(1u << 24);                /* FZ */
    clear_fpsr();
    r = almost * minn;
    CHECK_EQ(f2u(r), 0);
    CHECK_EQ(get_fpsr() & 0x9f, 0x08); /* UFC only */
    clear_fpsr();
    r = den + one;
    CHECK_EQ(f2u(r), 0x3f800000u);
    CHECK_EQ(get_fpsr() & 0x9f, 0x80); /* IDC */
    set_fpcr(1u << 25);                /* DN */
    volatile float snan = u2f(0x7f800123);
    clear_fpsr();
    r = snan + one;
    CHECK_EQ(f2u(r), 0x7fc00000u);
    CHECK_EQ(get_fpsr() & 0x9f, 0x01);
    set_fpcr(0);
    r = one + snan;
    CHECK_EQ(f2u(r), 0x7fc00123u); /* quietened, payload kept */
    volatile float zero = 0.0f, huge = u2f(0x7f7fffff);
    clear_fpsr();
    r = one / zero;
    CHECK_EQ(f2u(r), 0x7f800000u);
    r = huge * 2.0f;
    CHECK_EQ(f2u(r), 0x7f800000u);
    CHECK_EQ(get_fpsr() & 0x9f, 0x16); /* DZC | OFC | IXC */
}

int main(void)
{
    test_arith();
    test_convert();
    test_compare();
    test_fpcr_modes();
    return guest_report();
}
