/*
 * fpdiff.c — differential test of the floating-point executor (target-arm/decode-a64-fp*.c
 * and the fpu library) against qemu-aarch64 -cpu cortex-a57 (ARM's pseudocode as QEMU
 * implements it). Generates random instruction words inside the FP encoding groups that
 * Tandem accepts, each with OPS_PER_INSN random input sets biased toward special values
 * (zeros, denormals, infinities, NaNs, boundaries, near-equal operands) and random FPCR
 * (RMode, FZ, DN, AHP) and NZCV; runs them in the oracle (oracle.c) and with a64_fp_exec, and
 * compares X0-X3, V0-V3, NZCV, FPSR. Usage: fpdiff ORACLE [records] [seed]. Prints the
 * mismatches (first 20) and "N passed, M failed". Host program, single thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target-arm/decode-a64-fp-ops.h"
#include "tests/fpdiff/fpdiff.h"

#define OPS_PER_INSN 32

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

/* A value of element size sz (1 = H, 2 = S, 3 = D) biased toward special cases. */
static uint64_t rnd_fp(int sz)
{
    static const int eb[4] = {0, 5, 8, 11}, fb[4] = {0, 10, 23, 52};
    int e = eb[sz], f = fb[sz];
    uint64_t emax = ((uint64_t)1 << e) - 1, bias = emax >> 1;
    uint64_t fmask = ((uint64_t)1 << f) - 1, sign = (rnd() & 1) << (e + f);
    uint64_t frac = rnd() & fmask, exp;
    switch (rnd_below(14)) {
    case 0: return sign; /* zero */
    case 1: return sign | (emax << f); /* infinity */
    case 2: return sign | (emax << f) | ((uint64_t)1 << (f - 1)) | (frac & (fmask >> 1)); /* QNaN */
    case 3: return sign | (emax << f) | ((frac & (fmask >> 1)) | 1); /* SNaN */
    case 4: return sign | (frac >> rnd_below(f)); /* denormal */
    case 5: exp = rnd_below(3) + 1; break; /* smallest normals */
    case 6: exp = emax - 1 - rnd_below(3); break; /* largest */
    case 7: /* around the integer conversion boundaries 2^0 .. 2^64 */
        exp = bias + rnd_below(66);
        if (exp >= emax) exp = emax - 1;
        if (rnd() & 1) frac = rnd() & 1 ? 0 : fmask;
        break;
    case 8: exp = bias + rnd_below(8) - 4; frac &= ~(fmask >> rnd_below(f)); break; /* small, few bits */
    case 9: return rnd() & (sign | (emax << f) | fmask); /* any bits */
    default: exp = bias + rnd_below(2 * f + 8) - f - 4; break; /* near one */
    }
    if (exp >= emax) exp = emax - 1;
    if ((int64_t)exp < 1) exp = 1;
    return sign | (exp << f) | frac;
}

static uint64_t rnd_x(void)
{
    switch (rnd_below(6)) {
    case 0: return rnd_below(20) - 10;
    case 1: return (uint64_t)1 << rnd_below(64);
    case 2: return ((uint64_t)1 << rnd_below(64)) - 1;
    case 3: return rnd() >> rnd_below(64);
    default: return rnd();
    }
}

/* Encoding groups (fixed bits mask, value) and which register fields to restrict to 0..3. */
typedef struct Group { uint32_t mask, value; int kind; } Group;
enum { G_SCALAR, G_DP3, G_SAME, G_MISC, G_INDEXED, G_SHIFT };
static const Group groups[] = {
    {0x5f000000, 0x1e000000, G_SCALAR}, {0x5f000000, 0x1f000000, G_DP3},
    {0x9f20c400, 0x0e20c400, G_SAME},   {0xdf20c400, 0x5e20c400, G_SAME},
    {0x9f3e0c00, 0x0e200800, G_MISC},   {0xdf3e0c00, 0x5e200800, G_MISC},
    {0x9f3e0c00, 0x0e300800, G_MISC},   {0xdf3e0c00, 0x5e300800, G_MISC},
    {0x9f000400, 0x0f000000, G_INDEXED}, {0xdf000400, 0x5f000000, G_INDEXED},
    {0x9f80e400, 0x0f00e400, G_SHIFT},  {0xdf80e400, 0x5f00e400, G_SHIFT},
};

static uint32_t rnd_insn(void)
{
    for (;;) {
        const Group *g = &groups[rnd_below(sizeof(groups) / sizeof(groups[0]))];
        uint32_t w = g->value | ((uint32_t)rnd() & ~g->mask);
        w &= ~0x39cu; /* Rd, Rn in 0..3 */
        if (g->kind == G_SAME || g->kind == G_DP3)
            w &= ~0x1c0000u;
        if (g->kind == G_DP3)
            w &= ~0x7000u;
        if (g->kind == G_SCALAR && ((w >> 21) & 1) && (((w >> 10) & 3) || ((w >> 10) & 15) == 8))
            w &= ~0x1c0000u;
        if (g->kind == G_INDEXED)
            w &= ~0x1c0000u;
        if (a64_fp_exec(NULL, w))
            return w;
    }
}

static int insn_sz(uint32_t w)
{
    if ((w & 0x5e000000) == 0x1e000000) {
        unsigned t = (w >> 22) & 3;
        return t == 0 ? 2 : t == 1 ? 3 : t == 3 ? 1 : 3;
    }
    return ((w >> 22) & 1) ? 3 : 2;
}

static void fill_state(FPDiffState *st, uint32_t w)
{
    memset(st, 0, sizeof(*st));
    int sz = insn_sz(w);
    for (int r = 0; r < 4; r++) {
        st->x[r] = rnd_x();
        int esz = rnd_below(10) == 0 ? 1 + (int)rnd_below(3) : sz;
        for (int i = 0; i < (16 >> esz); i++) {
            uint64_t v = rnd_fp(esz);
            memcpy((uint8_t *)st->v[r] + (i << esz), &v, (size_t)1 << esz);
        }
    }
    /* near-equal operands: V1 is V0 plus a few ulps (cancellation in add, equal compares) */
    if (rnd_below(4) == 0) {
        for (int i = 0; i < 2; i++)
            st->v[1][i] = st->v[0][i] + (rnd_below(5) - 2) * (rnd() & 1 ? 1 : (uint64_t)1 << 32);
    }
    uint32_t fpcr = (uint32_t)rnd_below(4) << 22;
    if (rnd_below(4) == 0) fpcr |= 1u << 24; /* FZ */
    if (rnd_below(4) == 0) fpcr |= 1u << 25; /* DN */
    if (rnd_below(4) == 0) fpcr |= 1u << 26; /* AHP */
    st->fpcr = fpcr;
    st->nzcv = (uint64_t)rnd_below(16) << 28;
}

static void run_local(FPDiffState *st, uint32_t w)
{
    static CPUARMState env;
    memset(&env, 0, sizeof(env));
    for (int r = 0; r < 4; r++) {
        env.xregs[r] = st->x[r];
        env.vregs[r][0] = st->v[r][0];
        env.vregs[r][1] = st->v[r][1];
    }
    env.fpcr = (uint32_t)st->fpcr;
    unsigned nzcv = (unsigned)(st->nzcv >> 28);
    env.NF = (nzcv & 8) ? ~(uint64_t)0 : 0;
    env.ZF = (nzcv & 4) ? 0 : 1;
    env.CF = (nzcv >> 1) & 1;
    env.VF = (nzcv & 1) ? (uint64_t)1 << 63 : 0;
    a64_fp_exec(&env, w);
    for (int r = 0; r < 4; r++) {
        st->x[r] = env.xregs[r];
        st->v[r][0] = env.vregs[r][0];
        st->v[r][1] = env.vregs[r][1];
    }
    st->nzcv = ((uint64_t)(env.NF >> 63) << 31) | ((uint64_t)(env.ZF == 0) << 30) |
               ((env.CF & 1) << 29) | ((env.VF >> 63) << 28);
    st->fpsr = env.fpsr;
    st->undef = 0;
}

/* Records per oracle run: bounds memory and keeps each write() of the input far below the
 * 2 GiB a single write() transfers (make check-fpdiff-full asks for 20,000,000). */
#define BATCH_RECORDS 2000000

static long mismatches; /* over all batches: only the first 20 are printed */

static void print_mismatch(const FPDiffRecord *in, const FPDiffState *ref, const FPDiffState *mine)
{
    const FPDiffState *st = &in->st;
    printf("MISMATCH insn %08x fpcr %08llx nzcv %llx%s\n", in->insn,
           (unsigned long long)st->fpcr, (unsigned long long)st->nzcv >> 28,
           ref->undef ? " (oracle: UNDEF)" : "");
    for (int r = 0; r < 4; r++)
        printf("  in  x%d %016llx v%d %016llx:%016llx\n", r, (unsigned long long)st->x[r], r,
               (unsigned long long)st->v[r][1], (unsigned long long)st->v[r][0]);
    for (int r = 0; r < 4; r++)
        printf("  ref x%d %016llx v%d %016llx:%016llx | got %016llx v %016llx:%016llx\n", r,
               (unsigned long long)ref->x[r], r, (unsigned long long)ref->v[r][1],
               (unsigned long long)ref->v[r][0], (unsigned long long)mine->x[r],
               (unsigned long long)mine->v[r][1], (unsigned long long)mine->v[r][0]);
    printf("  ref fpsr %02llx nzcv %llx | got fpsr %02llx nzcv %llx\n",
           (unsigned long long)ref->fpsr & 0x9f, (unsigned long long)ref->nzcv >> 28,
           (unsigned long long)mine->fpsr & 0x9f, (unsigned long long)mine->nzcv >> 28);
}

/* n random records (a multiple of OPS_PER_INSN) through the oracle and through Tandem; counts
 * mismatches. False if the oracle could not be run. */
static bool run_batch(const char *oracle, long n)
{
    bool ok = false;
    FPDiffRecord *in = calloc((size_t)n, sizeof(*in)), *out = calloc((size_t)n, sizeof(*out));
    if (!in || !out) {
        fprintf(stderr, "fpdiff: out of memory for %ld records\n", n);
        goto done;
    }
    for (long i = 0; i < n; i += OPS_PER_INSN) {
        uint32_t w = rnd_insn();
        for (int k = 0; k < OPS_PER_INSN; k++) {
            in[i + k].insn = w;
            fill_state(&in[i + k].st, w);
        }
    }
    char inpath[] = "/tmp/fpdiff-in-XXXXXX", outpath[] = "/tmp/fpdiff-out-XXXXXX";
    int fi = mkstemp(inpath), fo = mkstemp(outpath);
    if (fi < 0 || fo < 0 || write(fi, in, (size_t)n * sizeof(*in)) != (ssize_t)(n * sizeof(*in))) {
        perror("fpdiff: temporary file");
        goto done;
    }
    close(fi);
    close(fo);
    char cmd[4096];
    snprintf(cmd, sizeof(cmd), "qemu-aarch64 -cpu cortex-a57 %s < %s > %s", oracle, inpath,
             outpath);
    int rc = system(cmd);
    FILE *f = fopen(outpath, "rb");
    size_t got = f ? fread(out, sizeof(*out), (size_t)n, f) : 0;
    if (f)
        fclose(f);
    unlink(inpath);
    unlink(outpath);
    if (rc != 0 || got != (size_t)n) {
        fprintf(stderr, "fpdiff: oracle failed (%s: rc %d, %zu of %ld records)\n", cmd, rc, got, n);
        goto done;
    }
    for (long i = 0; i < n; i++) {
        FPDiffState mine = in[i].st;
        run_local(&mine, in[i].insn);
        const FPDiffState *ref = &out[i].st;
        bool same = !ref->undef && memcmp(mine.x, ref->x, sizeof(mine.x)) == 0 &&
                    memcmp(mine.v, ref->v, sizeof(mine.v)) == 0 &&
                    (mine.fpsr & 0x9f) == (ref->fpsr & 0x9f) && mine.nzcv == ref->nzcv;
        if (!same && mismatches++ < 20) {
            print_mismatch(&in[i], ref, &mine);
        }
    }
    ok = true;
done:
    free(in);
    free(out);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s ORACLE [records] [seed]\n", argv[0]);
        return 2;
    }
    long n = argc > 2 ? atol(argv[2]) : 200000;
    rng_state = argc > 3 ? strtoull(argv[3], NULL, 0) : 0x9e3779b97f4a7c15ull;
    n -= n % OPS_PER_INSN;
    for (long done = 0; done < n;) {
        long batch = n - done < BATCH_RECORDS ? n - done : BATCH_RECORDS;
        if (!run_batch(argv[1], batch)) {
            return 2;
        }
        done += batch;
    }
    printf("fpdiff: %ld records, %ld instruction words, %d input sets each\n", n,
           n / OPS_PER_INSN, OPS_PER_INSN);
    printf("%ld passed, %ld failed\n", n - mismatches, mismatches);
    return mismatches != 0;
}
