/*
 * gen.c — random A64 instruction sequences for the differential test (host program).
 *
 *   gen SEED COUNT [ONLY]   writes an assembly file to stdout: COUNT functions dt_seq_<k>, each
 *                           4-12 random items over the base integer ISA, and the table dt_cases
 *                           (see dt-case.h) with each case's initial x0-x15, NZCV and buffer seed.
 *                           With ONLY, just case ONLY is written (same text, same initial state):
 *                           case k depends only on (SEED, k), so a failing case can be rebuilt
 *                           alone.
 * Register contract with the harness (trampoline.S): sequences read and write x0-x15 and the
 * flags only; x28 points to the middle of a 4 KiB scratch buffer and is never written; x20/x21
 * are scratch base/index registers for writeback and register-offset addressing; x26 holds the
 * sequence's own address (so ADR results are made position-independent). SP, x29, x30 and the
 * other reserved registers are never touched. Memory accesses are naturally aligned (bare-metal
 * guests run with the MMU off, where memory is Device type) and stay inside the buffer.
 * Encodings with UNPREDICTABLE or CONSTRAINED UNPREDICTABLE behaviour are never produced (load
 * pair with Rt == Rt2, writeback with Rt == Rn, SP as an operand). Text is assembled by
 * aarch64-linux-gnu-as, never encoded here.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- deterministic PRNG: splitmix64 seeded per case ---- */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static unsigned rng_below(unsigned n)
{
    return (unsigned)(rng_next() % n);
}

/* Uniform in [lo, hi]. */
static int rng_range(int lo, int hi)
{
    return lo + (int)rng_below((unsigned)(hi - lo + 1));
}

/* ---- output of one sequence ---- */
static unsigned g_case;    /* current case index (labels) */
static unsigned g_label;   /* next label number within the case */
static unsigned g_ninsn;   /* instructions emitted for the current case */

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("    ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    g_ninsn++;
}

static const char *const COND[] = { "eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc",
                                    "hi", "ls", "ge", "lt", "gt", "le", "al" };

static const char *rand_cond(void)
{
    return COND[rng_below(15)];
}

/* Register name: n in 0..31 where 31 is the zero register (callers never pass 31 where the
 * encoding would mean SP). */
static const char *reg(int sf, int n)
{
    static char bufs[8][8];
    static unsigned next;
    char *b = bufs[next++ % 8];
    if (n == 31) {
        return sf ? "xzr" : "wzr";
    }
    snprintf(b, sizeof(b[0]) * 8, "%c%d", sf ? 'x' : 'w', n);
    return b;
}

/* A random data register x0-x15. */
static int gen_reg(void)
{
    return (int)rng_below(16);
}

/* A data register, or now and then the zero register (only where 31 means ZR). */
static int gen_reg_or_zr(void)
{
    return rng_below(10) == 0 ? 31 : gen_reg();
}

/* ---- data processing, immediate ---- */

/* A valid logical immediate (ARM ARM DecodeBitMasks): a rotated run of 1..e-1 ones in an element
 * of e bits, replicated to the register size. */
static uint64_t rand_bitmask(int sf)
{
    static const int sizes[] = { 2, 4, 8, 16, 32, 64 };
    int e = sizes[rng_below(sf ? 6 : 5)];
    int ones = rng_range(1, e - 1);
    int rot = (int)rng_below((unsigned)e);
    uint64_t emask = e == 64 ? ~0ull : (1ull << e) - 1;
    uint64_t elem = (1ull << ones) - 1;
    if (rot) {
        elem = ((elem >> rot) | (elem << (e - rot))) & emask;
    }
    uint64_t v = 0;
    for (int i = 0; i < (sf ? 64 : 32); i += e) {
        v |= elem << i;
    }
    return sf ? v : (v & 0xffffffffull);
}

static void gen_dp_imm(void)
{
    int sf = (int)rng_below(2);
    int rd = gen_reg(), rn = gen_reg();
    switch (rng_below(8)) {
    case 0: { /* add/sub immediate; the flag-setting forms may discard the result (cmp/cmn) */
        static const char *const ops[] = { "add", "adds", "sub", "subs" };
        int op = (int)rng_below(4);
        if ((op & 1) && rng_below(4) == 0) {
            rd = 31;
        }
        emit("%s %s, %s, #%u%s", ops[op], reg(sf, rd), reg(sf, rn), rng_below(4096),
             rng_below(3) == 0 ? ", lsl #12" : "");
        break;
    }
    case 1: { /* logical immediate */
        static const char *const ops[] = { "and", "orr", "eor", "ands" };
        int op = (int)rng_below(4);
        if (op == 3 && rng_below(4) == 0) {
            rd = 31; /* tst */
        }
        emit("%s %s, %s, #0x%" PRIx64, ops[op], reg(sf, rd), reg(sf, rn), rand_bitmask(sf));
        break;
    }
    case 2: { /* move wide */
        static const char *const ops[] = { "movz", "movn", "movk" };
        emit("%s %s, #0x%x, lsl #%u", ops[rng_below(3)], reg(sf, rd), rng_below(65536),
             16 * rng_below(sf ? 4 : 2));
        break;
    }
    case 3:
    case 4: { /* bitfield move with raw immr/imms: covers every alias (lsl, ubfx, sxtb, ...) */
        static const char *const ops[] = { "sbfm", "bfm", "ubfm" };
        int w = sf ? 64 : 32;
        emit("%s %s, %s, #%u, #%u", ops[rng_below(3)], reg(sf, rd), reg(sf, gen_reg_or_zr()),
             rng_below((unsigned)w), rng_below((unsigned)w));
        break;
    }
    case 5: /* extract (ror when Rn == Rm) */
        emit("extr %s, %s, %s, #%u", reg(sf, rd), reg(sf, gen_reg_or_zr()),
             reg(sf, rng_below(4) ? gen_reg_or_zr() : rn), rng_below(sf ? 64 : 32));
        break;
    case 6: { /* ADR, made position-independent by subtracting the sequence's address */
        int off = 4 * rng_range(-64, 64);
        emit("adr %s, . %c %d", reg(1, rd), off < 0 ? '-' : '+', off < 0 ? -off : off);
        emit("sub %s, %s, x26", reg(1, rd), reg(1, rd));
        break;
    }
    default: { /* move wide with a random shifted immediate via the mov alias of orr/movz */
        emit("mov %s, #0x%" PRIx64, reg(sf, rd), rand_bitmask(sf));
        break;
    }
    }
}

/* ---- data processing, register ---- */
static const char *const SHIFT[] = { "lsl", "lsr", "asr", "ror" };

static void gen_dp_reg(void)
{
    int sf = (int)rng_below(2);
    int w = sf ? 64 : 32;
    int rd = gen_reg(), rn = gen_reg(), rm = gen_reg_or_zr();
    switch (rng_below(13)) {
    case 0: { /* add/sub shifted register */
        static const char *const ops[] = { "add", "adds", "sub", "subs" };
        int op = (int)rng_below(4);
        if ((op & 1) && rng_below(4) == 0) {
            rd = 31;
        }
        emit("%s %s, %s, %s, %s #%u", ops[op], reg(sf, rd), reg(sf, rn), reg(sf, rm),
             SHIFT[rng_below(3)], rng_below((unsigned)w));
        break;
    }
    case 1: { /* add/sub extended register */
        static const char *const ops[] = { "add", "adds", "sub", "subs" };
        static const char *const ext[] = { "uxtb", "uxth", "uxtw", "sxtb", "sxth", "sxtw",
                                           "uxtx", "sxtx" };
        int op = (int)rng_below(4);
        int e = (int)rng_below(sf ? 8 : 6);
        if ((op & 1) && rng_below(4) == 0) {
            rd = 31;
        }
        emit("%s %s, %s, %s, %s #%u", ops[op], reg(sf, rd), reg(sf, rn), reg(e >= 6, rm),
             ext[e], rng_below(5));
        break;
    }
    case 2: { /* logical shifted register */
        static const char *const ops[] = { "and", "bic", "orr", "orn", "eor", "eon", "ands",
                                           "bics" };
        int op = (int)rng_below(8);
        if (op >= 6 && rng_below(4) == 0) {
            rd = 31;
        }
        emit("%s %s, %s, %s, %s #%u", ops[op], reg(sf, rd), reg(sf, gen_reg_or_zr()), reg(sf, rm),
             SHIFT[rng_below(4)], rng_below((unsigned)w));
        break;
    }
    case 3: { /* add/subtract with carry */
        static const char *const ops[] = { "adc", "adcs", "sbc", "sbcs" };
        emit("%s %s, %s, %s", ops[rng_below(4)], reg(sf, rd), reg(sf, gen_reg_or_zr()), reg(sf, rm));
        break;
    }
    case 4: { /* conditional compare, register or 5-bit immediate */
        const char *op = rng_below(2) ? "ccmp" : "ccmn";
        if (rng_below(2)) {
            emit("%s %s, %s, #%u, %s", op, reg(sf, gen_reg_or_zr()), reg(sf, rm), rng_below(16),
                 rand_cond());
        } else {
            emit("%s %s, #%u, #%u, %s", op, reg(sf, gen_reg_or_zr()), rng_below(32), rng_below(16),
                 rand_cond());
        }
        break;
    }
    case 5:
    case 6: { /* conditional select */
        static const char *const ops[] = { "csel", "csinc", "csinv", "csneg" };
        emit("%s %s, %s, %s, %s", ops[rng_below(4)], reg(sf, rd), reg(sf, gen_reg_or_zr()),
             reg(sf, rm), rand_cond());
        break;
    }
    case 7: { /* one-source */
        static const char *const ops[] = { "rev", "rev16", "rbit", "clz", "cls", "rev32" };
        emit("%s %s, %s", ops[rng_below(sf ? 6 : 5)], reg(sf, rd), reg(sf, gen_reg_or_zr()));
        break;
    }
    case 8: /* divide (x/0 = 0, INT_MIN/-1 = INT_MIN) */
        emit("%s %s, %s, %s", rng_below(2) ? "udiv" : "sdiv", reg(sf, rd), reg(sf, gen_reg_or_zr()),
             reg(sf, rm));
        break;
    case 9: { /* variable shifts */
        static const char *const ops[] = { "lslv", "lsrv", "asrv", "rorv" };
        emit("%s %s, %s, %s", ops[rng_below(4)], reg(sf, rd), reg(sf, gen_reg_or_zr()), reg(sf, rm));
        break;
    }
    case 10: /* multiply-add */
        emit("%s %s, %s, %s, %s", rng_below(2) ? "madd" : "msub", reg(sf, rd),
             reg(sf, gen_reg_or_zr()), reg(sf, rm), reg(sf, gen_reg_or_zr()));
        break;
    case 11: { /* widening multiply-add */
        static const char *const ops[] = { "smaddl", "smsubl", "umaddl", "umsubl" };
        emit("%s %s, %s, %s, %s", ops[rng_below(4)], reg(1, rd), reg(0, gen_reg_or_zr()), reg(0, rm),
             reg(1, gen_reg_or_zr()));
        break;
    }
    default: /* multiply high */
        emit("%s %s, %s, %s", rng_below(2) ? "smulh" : "umulh", reg(1, rd), reg(1, gen_reg_or_zr()),
             reg(1, rm));
        break;
    }
}

/* ---- loads and stores (buffer: x28 - 2048 .. x28 + 2047) ---- */
struct mem_op {
    const char *name;
    int size;   /* access size in bytes */
    int sf;     /* register width of Rt */
    int load;
};

static const struct mem_op MEM_SINGLE[] = {
    { "ldrb", 1, 0, 1 },  { "ldrh", 2, 0, 1 },  { "ldr", 4, 0, 1 },   { "ldr", 8, 1, 1 },
    { "ldrsb", 1, 0, 1 }, { "ldrsb", 1, 1, 1 }, { "ldrsh", 2, 0, 1 }, { "ldrsh", 2, 1, 1 },
    { "ldrsw", 4, 1, 1 }, { "strb", 1, 0, 0 },  { "strh", 2, 0, 0 },  { "str", 4, 0, 0 },
    { "str", 8, 1, 0 },
};

static int log2_size(int size)
{
    return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

/* Points x20 at a random 16-aligned place within +-1024 of x28 (for writeback forms). */
static void emit_set_base(void)
{
    int off = 16 * rng_range(-64, 64);
    emit("%s x20, x28, #%d", off < 0 ? "sub" : "add", off < 0 ? -off : off);
}

/* After a writeback, exposes the new base (relative to x28) in a data register. */
static void emit_expose_base(void)
{
    emit("sub %s, x20, x28", reg(1, gen_reg()));
}

static void gen_mem_single(void)
{
    const struct mem_op *m = &MEM_SINGLE[rng_below(sizeof(MEM_SINGLE) / sizeof(MEM_SINGLE[0]))];
    int rt = m->load ? gen_reg() : gen_reg_or_zr();
    const char *t = reg(m->sf, rt);
    int sz = m->size, lg = log2_size(sz);
    switch (rng_below(6)) {
    case 0: /* unsigned scaled offset */
        emit("%s %s, [x28, #%d]", m->name, t, sz * rng_range(0, 2040 / sz));
        break;
    case 1: { /* unscaled signed offset (LDUR family), kept aligned */
        char uname[8];
        snprintf(uname, sizeof(uname), "%.2su%s", m->name, m->name + 2);
        emit("%s %s, [x28, #%d]", uname, t, sz * rng_range(-256 / sz, 255 / sz));
        break;
    }
    case 2: /* pre-index */
        emit_set_base();
        emit("%s %s, [x20, #%d]!", m->name, t, sz * rng_range(-256 / sz, 255 / sz));
        emit_expose_base();
        break;
    case 3: /* post-index */
        emit_set_base();
        emit("%s %s, [x20], #%d", m->name, t, sz * rng_range(-256 / sz, 255 / sz));
        emit_expose_base();
        break;
    case 4: { /* 64-bit register offset, scaled or not */
        int scaled = (int)rng_below(2);
        if (scaled || sz == 1) {
            emit("and x21, %s, #0xff", reg(1, gen_reg()));
            if (scaled) {
                emit("%s %s, [x28, x21, lsl #%d]", m->name, t, lg);
            } else {
                emit("%s %s, [x28, x21]", m->name, t);
            }
        } else {
            emit("and x21, %s, #0x%x", reg(1, gen_reg()), 0xff << lg);
            emit("%s %s, [x28, x21]", m->name, t);
        }
        break;
    }
    default: { /* 32-bit register offset, zero- or sign-extended, optionally scaled */
        int sx = (int)rng_below(2);
        int scaled = (int)rng_below(2);
        emit("and w21, %s, #0xff", reg(0, gen_reg()));
        if (sx) {
            emit("sub w21, w21, #0x80");
        }
        if (scaled) {
            emit("%s %s, [x28, w21, %s #%d]", m->name, t, sx ? "sxtw" : "uxtw", lg);
        } else if (sz == 1) {
            emit("%s %s, [x28, w21, %s]", m->name, t, sx ? "sxtw" : "uxtw");
        } else {
            /* unscaled index must stay aligned */
            emit("and w21, w21, #0x%x", ~((1u << lg) - 1));
            emit("%s %s, [x28, w21, %s]", m->name, t, sx ? "sxtw" : "uxtw");
        }
        break;
    }
    }
}

static void gen_mem_pair(void)
{
    static const struct mem_op PAIR[] = {
        { "ldp", 8, 1, 1 }, { "ldp", 4, 0, 1 }, { "ldpsw", 4, 1, 1 },
        { "stp", 8, 1, 0 }, { "stp", 4, 0, 0 }, { "ldnp", 8, 1, 1 }, { "stnp", 4, 0, 0 },
    };
    const struct mem_op *m = &PAIR[rng_below(sizeof(PAIR) / sizeof(PAIR[0]))];
    int rt = m->load ? gen_reg() : gen_reg_or_zr(), rt2;
    do { /* LDP with Rt == Rt2 is CONSTRAINED UNPREDICTABLE */
        rt2 = m->load ? gen_reg() : gen_reg_or_zr();
    } while (m->load && rt2 == rt);
    const char *t = reg(m->sf, rt), *t2 = reg(m->sf, rt2);
    int off = m->size * rng_range(-64, 63);
    int mode = m->name[2] == 'n' ? 0 : (int)rng_below(3);
    switch (mode) {
    case 0:
        emit("%s %s, %s, [x28, #%d]", m->name, t, t2, off);
        break;
    case 1:
        emit_set_base();
        emit("%s %s, %s, [x20, #%d]!", m->name, t, t2, off);
        emit_expose_base();
        break;
    default:
        emit_set_base();
        emit("%s %s, %s, [x20], #%d", m->name, t, t2, off);
        emit_expose_base();
        break;
    }
}

/* ---- forward branches skipping 1-2 instructions ---- */
static void gen_branch(void)
{
    unsigned label = g_label++;
    int sf = (int)rng_below(2);
    switch (rng_below(5)) {
    case 0:
    case 1:
        emit("b.%s .Lc%u_%u", rand_cond(), g_case, label);
        break;
    case 2:
        emit("%s %s, .Lc%u_%u", rng_below(2) ? "cbz" : "cbnz", reg(sf, gen_reg()), g_case,
             label);
        break;
    case 3:
        emit("%s %s, #%u, .Lc%u_%u", rng_below(2) ? "tbz" : "tbnz", reg(sf, gen_reg()),
             rng_below(sf ? 64 : 32), g_case, label);
        break;
    default:
        emit("b .Lc%u_%u", g_case, label);
        break;
    }
    int n = rng_range(1, 2);
    for (int i = 0; i < n; i++) {
        gen_dp_reg();
    }
    printf(".Lc%u_%u:\n", g_case, label);
}

/* ---- initial state ---- */
static uint64_t rand_value(void)
{
    static const uint64_t special[] = {
        0, 1, 2, ~0ull, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x80000000ull,
        0x7fffffffull, 0xffffffffull, 0xffffffff80000000ull, 0x100000000ull, 63, 64, 31, 32,
    };
    switch (rng_below(6)) {
    case 0:
        return special[rng_below(sizeof(special) / sizeof(special[0]))];
    case 1:
        return rng_below(256);
    case 2:
        return (uint64_t)(int64_t)(int32_t)rng_next();
    default:
        return rng_next();
    }
}

static void gen_case(uint64_t seed, unsigned k, FILE *table)
{
    uint64_t regs[16];
    /* Mix seed and case number through the generator first: plain seed arithmetic would
     * make seed s+1 replay seed s's stream shifted by one step. */
    rng_state = seed;
    uint64_t seed_mix = rng_next();
    rng_state = (uint64_t)k;
    rng_state = seed_mix ^ rng_next();
    for (int i = 0; i < 16; i++) {
        regs[i] = rand_value();
    }
    uint64_t nzcv = (uint64_t)rng_below(16) << 28;
    uint64_t buf_seed = rng_next() | 1;

    g_case = k;
    g_label = 0;
    g_ninsn = 0;
    printf("\n    .balign 4\n    .type dt_seq_%u, %%function\ndt_seq_%u:\n", k, k);
    int items = rng_range(4, 12);
    for (int i = 0; i < items; i++) {
        unsigned r = rng_below(100);
        if (r < 25) {
            gen_dp_imm();
        } else if (r < 60) {
            gen_dp_reg();
        } else if (r < 75) {
            gen_mem_single();
        } else if (r < 85) {
            gen_mem_pair();
        } else {
            gen_branch();
        }
    }
    printf("    ret\n    .size dt_seq_%u, . - dt_seq_%u\n", k, k);
    /* struct dt_case: fn, index, ninsn, buf_seed, nzcv, regs[16] */
    fprintf(table, "    .quad dt_seq_%u, %u, %u, 0x%" PRIx64 ", 0x%" PRIx64 "\n", k, k,
            g_ninsn + 1, buf_seed, nzcv);
    for (int i = 0; i < 16; i += 4) {
        fprintf(table, "    .quad 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 "\n",
                regs[i], regs[i + 1], regs[i + 2], regs[i + 3]);
    }
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!*s) {
        return -1;
    }
    *out = strtoull(s, &end, 0);
    return *end ? -1 : 0;
}

int main(int argc, char **argv)
{
    uint64_t seed, count, only = 0;
    if ((argc != 3 && argc != 4) || parse_u64(argv[1], &seed) || parse_u64(argv[2], &count) ||
        (argc == 4 && parse_u64(argv[3], &only)) || count == 0 || count > 10000000 ||
        (argc == 4 && only >= count)) {
        fprintf(stderr, "usage: %s SEED COUNT [ONLY]   (COUNT 1..10000000, ONLY < COUNT)\n",
                argv[0]);
        return 1;
    }
    FILE *table = tmpfile();
    if (!table) {
        perror("gen: tmpfile");
        return 1;
    }
    printf("/* generated by tests/difftest/gen %" PRIu64 " %" PRIu64 " */\n", seed, count);
    printf("    .text\n");
    uint64_t first = argc == 4 ? only : 0, last = argc == 4 ? only + 1 : count;
    for (uint64_t k = first; k < last; k++) {
        gen_case(seed, (unsigned)k, table);
    }
    printf("\n    .data\n    .balign 8\n    .global dt_cases, dt_ncases\n");
    printf("dt_ncases:\n    .quad %" PRIu64 "\ndt_cases:\n", last - first);
    rewind(table);
    char line[512];
    while (fgets(line, sizeof(line), table)) {
        fputs(line, stdout);
    }
    fclose(table);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("gen: write");
        return 1;
    }
    return 0;
}
