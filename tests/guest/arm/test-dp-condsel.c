/*
 * test-dp-condsel.c — A64 conditional select and conditional compare: CSEL, CSINC, CSINV,
 * CSNEG (and CSET, CSETM, CINC, CNEG) under every condition code for all 16 NZCV values,
 * W/X forms and XZR operands; CCMP/CCMN with register and immediate operands on both the
 * condition-true path (flags of the comparison) and the false path (the nzcv immediate).
 * The truth table below is ARM ARM C1.2.4 (condition codes): bit v of cond_holds[cc] is set
 * iff cc holds when NZCV = v (N = bit 3). Single-threaded bare metal.
 */
#include "runtime.h"

#define N_ 0x80000000u
#define Z_ 0x40000000u
#define C_ 0x20000000u
#define V_ 0x10000000u

/* ORDER: EQ NE CS CC MI PL VS VC HI LS GE LT GT LE AL NV */
static const uint16_t cond_holds[16] = {
    0xf0f0, 0x0f0f, 0xcccc, 0x3333, 0xff00, 0x00ff, 0xaaaa, 0x5555,
    0x0c0c, 0xf3f3, 0xaa55, 0x55aa, 0x0a05, 0xf5fa, 0xffff, 0xffff,
};

/* One CSEL/CSINC/CSINV/CSNEG per condition; returns a bitmask over the 16 NZCV values of
 * when the first operand was chosen. Each function sets NZCV from v << 28. */
#define SEL(insn, r, v, a, b)                                                                  \
    __asm__ volatile("msr nzcv, %1\n " insn : "=r"(r) : "r"((uint64_t)(v) << 28), "r"(a),   \
                     "r"(b))

static uint64_t sel_all(int cc, int kind, unsigned v, uint64_t a, uint64_t b);

static void test_csel_all_conditions(void)
{
    const uint64_t a = 0x1111111111111111ull, b = 0x8000000000000000ull;
    /* alternative values produced by the four kinds when the condition fails */
    const uint64_t alt[4] = {b, b + 1, ~b, -b};
    for (int cc = 0; cc < 16; cc++) {
        for (int kind = 0; kind < 4; kind++) {
            unsigned got = 0, bad = 0;
            for (unsigned v = 0; v < 16; v++) {
                uint64_t r = sel_all(cc, kind, v, a, b);
                if (r == a) {
                    got |= 1u << v;
                } else if (r != alt[kind]) {
                    bad |= 1u << v;
                }
            }
            CHECK_EQ(got, cond_holds[cc]);
            CHECK_EQ(bad, 0);
        }
    }
}

/* The condition must be an immediate in the encoding, so each (cc, kind) pair is its own
 * instruction; this switch lists them. */
static uint64_t sel_all(int cc, int kind, unsigned v, uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    switch (cc * 4 + kind) {
    case 0: SEL("csel %0, %2, %3, eq", r, v, a, b); break;
    case 1: SEL("csinc %0, %2, %3, eq", r, v, a, b); break;
    case 2: SEL("csinv %0, %2, %3, eq", r, v, a, b); break;
    case 3: SEL("csneg %0, %2, %3, eq", r, v, a, b); break;
    case 4: SEL("csel %0, %2, %3, ne", r, v, a, b); break;
    case 5: SEL("csinc %0, %2, %3, ne", r, v, a, b); break;
    case 6: SEL("csinv %0, %2, %3, ne", r, v, a, b); break;
    case 7: SEL("csneg %0, %2, %3, ne", r, v, a, b); break;
    case 8: SEL("csel %0, %2, %3, cs", r, v, a, b); break;
    case 9: SEL("csinc %0, %2, %3, cs", r, v, a, b); break;
    case 10: SEL("csinv %0, %2, %3, cs", r, v, a, b); break;
    case 11: SEL("csneg %0, %2, %3, cs", r, v, a, b); break;
    case 12: SEL("csel %0, %2, %3, cc", r, v, a, b); break;
    case 13: SEL("csinc %0, %2, %3, cc", r, v, a, b); break;
    case 14: SEL("csinv %0, %2, %3, cc", r, v, a, b); break;
    case 15: SEL("csneg %0, %2, %3, cc", r, v, a, b); break;
    case 16: SEL("csel %0, %2, %3, mi", r, v, a, b); break;
    case 17: SEL("csinc %0, %2, %3, mi", r, v, a, b); break;
    case 18: SEL("csinv %0, %2, %3, mi", r, v, a, b); break;
    case 19: SEL("csneg %0, %2, %3, mi", r, v, a, b); break;
    case 20: SEL("csel %0, %2, %3, pl", r, v, a, b); break;
    case 21: SEL("csinc %0, %2, %3, pl", r, v, a, b); break;
    case 22: SEL("csinv %0, %2, %3, pl", r, v, a, b); break;
    case 23: SEL("csneg %0, %2, %3, pl", r, v, a, b); break;
    case 24: SEL("csel %0, %2, %3, vs", r, v, a, b); break;
    case 25: SEL("csinc %0, %2, %3, vs", r, v, a, b); break;
    case 26: SEL("csinv %0, %2, %3, vs", r, v, a, b); break;
    case 27: SEL("csneg %0, %2, %3, vs", r, v, a, b); break;
    case 28: SEL("csel %0, %2, %3, vc", r, v, a, b); break;
    case 29: SEL("csinc %0, %2, %3, vc", r, v, a, b); break;
    case 30: SEL("csinv %0, %2, %3, vc", r, v, a, b); break;
    case 31: SEL("csneg %0, %2, %3, vc", r, v, a, b); break;
    case 32: SEL("csel %0, %2, %3, hi", r, v, a, b); break;
    case 33: SEL("csinc %0, %2, %3, hi", r, v, a, b); break;
    case 34: SEL("csinv %0, %2, %3, hi", r, v, a, b); break;
    case 35: SEL("csneg %0, %2, %3, hi", r, v, a, b); break;
    case 36: SEL("csel %0, %2, %3, ls", r, v, a, b); break;
    case 37: SEL("csinc %0, %2, %3, ls", r, v, a, b); break;
    case 38: SEL("csinv %0, %2, %3, ls", r, v, a, b); break;
    case 39: SEL("csneg %0, %2, %3, ls", r, v, a, b); break;
    case 40: SEL("csel %0, %2, %3, ge", r, v, a, b); break;
    case 41: SEL("csinc %0, %2, %3, ge", r, v, a, b); break;
    case 42: SEL("csinv %0, %2, %3, ge", r, v, a, b); break;
    case 43: SEL("csneg %0, %2, %3, ge", r, v, a, b); break;
    case 44: SEL("csel %0, %2, %3, lt", r, v, a, b); break;
    case 45: SEL("csinc %0, %2, %3, lt", r, v, a, b); break;
    case 46: SEL("csinv %0, %2, %3, lt", r, v, a, b); break;
    case 47: SEL("csneg %0, %2, %3, lt", r, v, a, b); break;
    case 48: SEL("csel %0, %2, %3, gt", r, v, a, b); break;
    case 49: SEL("csinc %0, %2, %3, gt", r, v, a, b); break;
    case 50: SEL("csinv %0, %2, %3, gt", r, v, a, b); break;
    case 51: SEL("csneg %0, %2, %3, gt", r, v, a, b); break;
    case 52: SEL("csel %0, %2, %3, le", r, v, a, b); break;
    case 53: SEL("csinc %0, %2, %3, le", r, v, a, b); break;
    case 54: SEL("csinv %0, %2, %3, le", r, v, a, b); break;
    case 55: SEL("csneg %0, %2, %3, le", r, v, a, b); break;
    case 56: SEL("csel %0, %2, %3, al", r, v, a, b); break;
    case 57: SEL("csinc %0, %2, %3, al", r, v, a, b); break;
    case 58: SEL("csinv %0, %2, %3, al", r, v, a, b); break;
    case 59: SEL("csneg %0, %2, %3, al", r, v, a, b); break;
    /* cond = NV (1111) behaves as AL; assemblers refuse the name, so encode it directly:
     * CSEL/CSINC/CSINV/CSNEG x0, x2, x3, nv with the operands pinned to those registers. */
    default: {
        register uint64_t x0 __asm__("x0");
        register uint64_t x1 __asm__("x1") = (uint64_t)v << 28;
        register uint64_t x2 __asm__("x2") = a;
        register uint64_t x3 __asm__("x3") = b;
        switch (kind) {
        case 0: __asm__ volatile("msr nzcv, x1\n .inst 0x9a83f040" : "=r"(x0) : "r"(x1), "r"(x2), "r"(x3)); break;
        case 1: __asm__ volatile("msr nzcv, x1\n .inst 0x9a83f440" : "=r"(x0) : "r"(x1), "r"(x2), "r"(x3)); break;
        case 2: __asm__ volatile("msr nzcv, x1\n .inst 0xda83f040" : "=r"(x0) : "r"(x1), "r"(x2), "r"(x3)); break;
        default: __asm__ volatile("msr nzcv, x1\n .inst 0xda83f440" : "=r"(x0) : "r"(x1), "r"(x2), "r"(x3)); break;
        }
        r = x0;
        break;
    }
    }
    return r;
}

static void test_csel_forms(void)
{
    uint64_t r;
    const uint64_t z = Z_, none = 0;
    /* W forms: the unchosen upper halves do not leak */
    __asm__ volatile("msr nzcv, %1\n csel %w0, %w2, %w3, eq" : "=r"(r)
                     : "r"(z), "r"(0xaaaaaaaa12345678ull), "r"(0ull));
    CHECK_EQ(r, 0x12345678ull);
    __asm__ volatile("msr nzcv, %1\n csinc %w0, %w2, %w3, ne" : "=r"(r)
                     : "r"(z), "r"(0ull), "r"(0xffffffffffffffffull));
    CHECK_EQ(r, 0);
    __asm__ volatile("msr nzcv, %1\n csinv %w0, %w2, %w3, ne" : "=r"(r)
                     : "r"(z), "r"(0ull), "r"(0xffffffff00000000ull));
    CHECK_EQ(r, 0xffffffffull);
    __asm__ volatile("msr nzcv, %1\n csneg %w0, %w2, %w3, ne" : "=r"(r)
                     : "r"(z), "r"(0ull), "r"(0x80000000ull));
    CHECK_EQ(r, 0x80000000ull);
    __asm__ volatile("msr nzcv, %1\n csneg %w0, %w2, %w3, ne" : "=r"(r)
                     : "r"(z), "r"(0ull), "r"(1ull));
    CHECK_EQ(r, 0xffffffffull);
    /* aliases with XZR */
    __asm__ volatile("msr nzcv, %1\n cset %0, eq" : "=r"(r) : "r"(z));
    CHECK_EQ(r, 1);
    __asm__ volatile("msr nzcv, %1\n cset %0, eq" : "=r"(r) : "r"(none));
    CHECK_EQ(r, 0);
    __asm__ volatile("msr nzcv, %1\n csetm %0, eq" : "=r"(r) : "r"(z));
    CHECK_EQ(r, ~0ull);
    __asm__ volatile("msr nzcv, %1\n csetm %w0, eq" : "=r"(r) : "r"(z));
    CHECK_EQ(r, 0xffffffffull);
    __asm__ volatile("msr nzcv, %1\n cinc %0, %2, eq" : "=r"(r) : "r"(z), "r"(~0ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("msr nzcv, %1\n cneg %0, %2, eq" : "=r"(r) : "r"(z), "r"(5ull));
    CHECK_EQ(r, (uint64_t)-5);
    __asm__ volatile("msr nzcv, %1\n cinv %w0, %w2, eq" : "=r"(r) : "r"(z), "r"(5ull));
    CHECK_EQ(r, 0xfffffffaull);
    __asm__ volatile("msr nzcv, %1\n csel %0, xzr, %2, eq" : "=r"(r) : "r"(z), "r"(5ull));
    CHECK_EQ(r, 0);
}

static void test_ccmp(void)
{
    uint64_t f;
    const uint64_t z = Z_, none = 0;
    /* condition true: flags of the comparison */
    __asm__ volatile("msr nzcv, %1\n ccmp %2, %3, #0xf, eq\n mrs %0, nzcv" : "=r"(f)
                     : "r"(z), "r"(5ull), "r"(5ull));
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("msr nzcv, %1\n ccmp %2, %3, #0x0, eq\n mrs %0, nzcv" : "=r"(f)
                     : "r"(z), "r"(0x8000000000000000ull), "r"(1ull));
    CHECK_EQ(f, C_ | V_);
    __asm__ volatile("msr nzcv, %1\n ccmn %2, %3, #0x0, eq\n mrs %0, nzcv" : "=r"(f)
                     : "r"(z), "r"(~0ull), "r"(1ull));
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("msr nzcv, %1\n ccmp %2, #31, #0x0, eq\n mrs %0, nzcv" : "=r"(f)
                     : "r"(z), "r"(30ull));
    CHECK_EQ(f, N_);
    __asm__ volatile("msr nzcv, %1\n ccmn %2, #1, #0x0, eq\n mrs %0, nzcv" : "=r"(f)
                     : "r"(z), "r"(0x7fffffffffffffffull));
    CHECK_EQ(f, N_ | V_);
    /* condition false: the immediate, whatever the operands */
    __asm__ volatile("msr nzcv, %1\n ccmp %2, %3, #0xa, ne\n mrs %0, nzcv" : "=r"(f)
                     : "r"(z), "r"(5ull), "r"(5ull));
    CHECK_EQ(f, N_ | C_);
    __asm__ volatile("msr nzcv, %1\n ccmn %2, #3, #0x5, eq\n mrs %0, nzcv" : "=r"(f)
                     : "r"(none), "r"(5ull));
    CHECK_EQ(f, Z_ | V_);
    __asm__ volatile("msr nzcv, %1\n ccmp %2, #0, #0xf, hi\n mrs %0, nzcv" : "=r"(f)
                     : "r"(z | C_), "r"(0ull));
    CHECK_EQ(f, N_ | Z_ | C_ | V_);
    __asm__ volatile("msr nzcv, %1\n ccmp %2, #0, #0x0, al\n mrs %0, nzcv" : "=r"(f)
                     : "r"(none), "r"(0ull));
    CHECK_EQ(f, Z_ | C_);
    /* 32-bit compare only looks at the low word */
    __asm__ volatile("msr nzcv, %1\n ccmp %w2, %w3, #0x0, ge\n mrs %0, nzcv" : "=r"(f)
                     : "r"(none), "r"(0x100000000ull), "r"(0ull));
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("msr nzcv, %1\n ccmp %w2, %w3, #0x0, ge\n mrs %0, nzcv" : "=r"(f)
                     : "r"(none), "r"(0x80000000ull), "r"(1ull));
    CHECK_EQ(f, C_ | V_);
    __asm__ volatile("msr nzcv, %1\n ccmn %w2, #1, #0x0, lt\n mrs %0, nzcv" : "=r"(f)
                     : "r"(N_), "r"(0xffffffffull));
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("msr nzcv, %1\n ccmp %w2, #1, #0x8, lt\n mrs %0, nzcv" : "=r"(f)
                     : "r"(none), "r"(0ull));
    CHECK_EQ(f, N_);
    /* the classic chained compare (x == 3 && y > 10): the false path sets Z so GT fails */
    uint64_t r;
    __asm__ volatile("cmp %1, #3\n ccmp %2, #10, #4, eq\n cset %0, gt" : "=r"(r)
                     : "r"(3ull), "r"(11ull));
    CHECK_EQ(r, 1);
    __asm__ volatile("cmp %1, #3\n ccmp %2, #10, #4, eq\n cset %0, gt" : "=r"(r)
                     : "r"(4ull), "r"(11ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("cmp %1, #3\n ccmp %2, #10, #4, eq\n cset %0, gt" : "=r"(r)
                     : "r"(3ull), "r"(10ull));
    CHECK_EQ(r, 0);
}

int main(void)
{
    test_csel_all_conditions();
    test_csel_forms();
    test_ccmp();
    return guest_report();
}
