/*
 * dtx-core.c — shared by the native and the guest harness of the x86 differential test (see
 * dtx-core.h): the seeded initial state of sequence k (integer edge values, floating-point
 * specials: zeros, infinities, NaNs, denormals; random MXCSR rounding/FTZ/DAZ with all
 * exceptions masked), running it through dtx_call, the masked hash and the dump. Freestanding
 * (memcpy only) so it builds for the bare-metal guest; single-threaded.
 */
#include <stddef.h>
#include <string.h>

#include "dtx-core.h"
#include "dtx-features.h"

extern struct dtx_state dtx_in, dtx_out;
extern uint8_t dtx_mem[DTX_MEM_SIZE];
void dtx_call(void (*code)(void));

static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t int_value(uint64_t *s)
{
    static const uint64_t special[] = {0, 1, 0xffffffffffffffffull, 0x7fffffffffffffffull,
                                       0x8000000000000000ull, 0xffffffff, 0x80000000,
                                       0x7fffffff, 0xffff, 0x8000, 0xff, 0x80, 0x100000000ull};
    uint64_t r = mix(s);
    switch (r & 7) {
    case 0: return special[(r >> 8) % (sizeof(special) / sizeof(special[0]))];
    case 1: return (r >> 8) & 0xff;
    case 2: return (uint64_t)(int64_t)(int8_t)(r >> 8);
    default: return mix(s);
    }
}

static uint32_t float_value(uint64_t *s)
{
    static const uint32_t special[] = {0, 0x80000000, 0x3f800000, 0xbfc00000, 0x7f800000,
                                       0xff800000, 0x7fc00000, 0xffc00000, 0x7fa00000,
                                       0x00000001, 0x807fffff, 0x7f7fffff, 0x00800000,
                                       0x4b000000, 0x4f000000, 0xcf000000};
    uint64_t r = mix(s);
    switch (r & 3) {
    case 0: return special[(r >> 8) % 16];
    case 1: /* an ordinary number of moderate exponent */
        return (uint32_t)((r >> 8) & 0x807fffff) | (uint32_t)(0x3c + ((r >> 40) & 7)) << 24;
    default: return (uint32_t)mix(s);
    }
}

static uint64_t double_value(uint64_t *s)
{
    static const uint64_t special[] = {0, 0x8000000000000000ull, 0x3ff0000000000000ull,
                                       0xbff8000000000000ull, 0x7ff0000000000000ull,
                                       0xfff0000000000000ull, 0x7ff8000000000000ull,
                                       0xfff8000000000000ull, 0x7ff4000000000000ull, 1,
                                       0x800fffffffffffffull, 0x7fefffffffffffffull,
                                       0x0010000000000000ull, 0x4330000000000000ull,
                                       0x41e0000000000000ull, 0xc3e0000000000000ull};
    uint64_t r = mix(s);
    switch (r & 3) {
    case 0: return special[(r >> 8) % 16];
    case 1:
        return (mix(s) & 0x800fffffffffffffull) | (uint64_t)(0x3f0 + ((r >> 40) & 0x1f)) << 52;
    default: return mix(s);
    }
}

/* DTX_Q_NO_NAN_DAZ: a NaN exponent (all ones, mantissa non-zero) loses its top bit */
static uint64_t no_nan(uint64_t v)
{
    if ((v & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (v << 12))
        v &= ~(1ull << 62);
    for (int sh = 0; sh < 64; sh += 32) {
        uint32_t f = (uint32_t)(v >> sh);
        if ((f & 0x7f800000) == 0x7f800000 && (f << 9))
            v &= ~(1ull << (30 + sh));
    }
    return v;
}

static uint64_t lane64(uint64_t *s)
{
    uint64_t v;
    switch (mix(s) & 3) {
    case 0: v = int_value(s); break;
    case 1: v = double_value(s); break;
    default: v = float_value(s) | (uint64_t)float_value(s) << 32; break;
    }
    return (dtx_quirks & DTX_Q_NO_NAN_DAZ) ? no_nan(v) : v;
}

static void init_state(uint32_t k, struct dtx_state *st)
{
    uint64_t s = dtx_seed * 0x2545f4914f6cdd1dull + k;
    for (int i = 0; i < 16; i++)
        st->gpr[i] = int_value(&s);
    st->gpr[4] = 0;
    st->gpr[5] = (uint64_t)(uintptr_t)(dtx_mem + DTX_MEM_SIZE / 2);
    st->rflags = mix(&s) & DTX_ARITH_FLAGS;
    /* MXCSR (SDM vol. 1 10.2.3): exceptions masked (bits 7-12), random RC, FTZ, DAZ and
     * sticky flags */
    uint64_t r = mix(&s);
    st->mxcsr = 0x1f80 | (uint32_t)(r & 3) << 13;
    if ((r >> 2 & 7) == 0)
        st->mxcsr |= 0x8000;
    if ((r >> 5 & 7) == 0 && !(dtx_quirks & DTX_Q_NO_NAN_DAZ))
        st->mxcsr |= 0x40;
    if ((r >> 8 & 3) == 0)
        st->mxcsr |= (uint32_t)(r >> 10) & 0x3f;
    st->pad = 0;
    for (int i = 0; i < 16; i++) {
        st->xmm[i][0] = lane64(&s);
        st->xmm[i][1] = lane64(&s);
    }
    for (int i = 0; i < DTX_MEM_SIZE; i += 8) {
        uint64_t v = lane64(&s);
        memcpy(st->mem + i, &v, 8);
    }
    for (int i = 0; i < 8; i++) /* last: the states above stay those of earlier versions */
        st->mm[i] = lane64(&s);
}

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

uint32_t dtx_cpu_features(void)
{
    uint32_t r[4], f = 0, max, maxext;
    cpuid(0, 0, r);
    max = r[0];
    cpuid(1, 0, r);
    if (r[2] & 1u)
        f |= DTX_F_SSE3 | ((dtx_quirks & DTX_Q_NO_NAN_DAZ) ? 0 : DTX_F_FP_HORIZ);
    if (r[2] & 1u << 9)
        f |= DTX_F_SSSE3;
    if (r[2] & 1u << 19)
        f |= DTX_F_SSE41;
    if (r[2] & 1u << 20)
        f |= DTX_F_SSE42;
    if (r[2] & 1u << 23)
        f |= DTX_F_POPCNT;
    if (max >= 7) {
        cpuid(7, 0, r);
        if (r[1] & 1u << 3)
            f |= DTX_F_BMI1;
    }
    cpuid(0x80000000u, 0, r);
    maxext = r[0];
    if (maxext >= 0x80000001u) {
        cpuid(0x80000001u, 0, r);
        if (r[2] & 1u)
            f |= DTX_F_LAHF;
        if (r[2] & 1u << 5)
            f |= DTX_F_LZCNT;
    }
    return f;
}

void dtx_run(uint32_t k, struct dtx_state *out)
{
    init_state(k, &dtx_in);
    memcpy(dtx_mem, dtx_in.mem, DTX_MEM_SIZE);
    dtx_call(dtx_table[k].code);
    memcpy(out, &dtx_out, sizeof(*out));
    memcpy(out->mem, dtx_mem, DTX_MEM_SIZE);
    out->gpr[4] = out->gpr[5] = 0; /* RSP and RBP are addresses, different on each side */
}

static uint32_t mxcsr_ignored(void)
{
    return (dtx_quirks & DTX_Q_MXCSR_DE) ? 0x2 : 0;
}

static uint64_t masked_flags(uint32_t k, const struct dtx_state *s)
{
    return s->rflags & DTX_ARITH_FLAGS & ~(uint64_t)dtx_table[k].undef_flags;
}

uint64_t dtx_hash(uint32_t k, const struct dtx_state *s)
{
    uint64_t h = 0xcbf29ce484222325ull, st, w;
    struct dtx_state c;
    memcpy(&c, s, sizeof(c));
    c.rflags = masked_flags(k, s);
    c.mxcsr &= ~mxcsr_ignored();
    c.pad = 0;
    /* word by word through memcpy: no type punning for the optimiser to reorder around */
    for (size_t i = 0; i < sizeof(c); i += 8) {
        memcpy(&w, (const uint8_t *)&c + i, 8);
        st = h ^ w;
        h = mix(&st) ^ (h >> 7);
    }
    return h ? h : 1;
}

void dtx_dump(uint32_t k, const struct dtx_state *s)
{
    static const char *const names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi",
                                          "rdi", "r8",  "r9",  "r10", "r11", "r12", "r13",
                                          "r14", "r15"};
    for (int i = 0; i < 16; i++)
        if (i != 4 && i != 5)
            dtx_print("%s=%lx\n", names[i], s->gpr[i]);
    dtx_print("rflags=%lx (undefined %lx masked)\n", masked_flags(k, s),
              (uint64_t)dtx_table[k].undef_flags);
    dtx_print("mxcsr=%lx\n", (uint64_t)(s->mxcsr & ~mxcsr_ignored()));
    for (unsigned i = 0; i < 16; i++)
        dtx_print("xmm%u=%lx:%lx\n", i, s->xmm[i][1], s->xmm[i][0]);
    for (unsigned i = 0; i < DTX_MEM_SIZE; i += 16) {
        uint64_t a, b;
        memcpy(&a, s->mem + i, 8);
        memcpy(&b, s->mem + i + 8, 8);
        dtx_print("mem[%u]=%lx:%lx\n", i, b, a);
    }
    for (unsigned i = 0; i < 8; i++)
        dtx_print("mm%u=%lx\n", i, s->mm[i]);
}
