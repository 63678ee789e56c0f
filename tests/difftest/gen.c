/*
 * gen.c — random A64 instruction sequences for the differential test (host program).
 *
 *   gen SEED COUNT [ONLY]   writes an assembly file to stdout: COUNT functions dt_seq_<k>, each
 *                           4-14 random items over the base integer ISA and Advanced SIMD
 *                           integer instructions, and the table dt_cases
 *                           (see dt-case.h) with each case's initial x0-x29, SP offset, NZCV,
 *                           buffer seed and pinned registers. With ONLY, just case ONLY is
 *                           written (same text, same initial state): case k depends only on
 *                           (SEED, k), so a failing case can be rebuilt alone (only ADRP
 *                           results may change: the sequence then sits at another page offset).
 * Register contract with the harness (trampoline.S, dt-core.c): each case picks two pinned
 * registers among x0-x29, B (the middle of the 4 KiB scratch buffer) and S (the sequence's own
 * address); they are never written, and values derived from addresses (ADR/ADRP, SP reads,
 * writeback bases) are made position-independent by subtracting B or S at once. Operands come
 * from a per-case working set of the other x0-x29 (plus XZR/SP where the encoding allows). x30
 * starts as the sequence address and is written only by BL/BLR; SP starts inside the buffer,
 * stays 16-aligned and is written only in straight-line top-level code, so its offset is known
 * here. The sequence is entered by BR and ends with an epilogue that stores x30 beside the
 * buffer, puts B in x30 and branches to dt_seq_return. Memory accesses are naturally aligned
 * (bare-metal guests run with the MMU off, where memory is Device type) and stay inside the
 * buffer. Encodings with UNPREDICTABLE or CONSTRAINED UNPREDICTABLE behaviour are never
 * produced (load pair with Rt == Rt2, writeback with Rt == Rn, store-exclusive status equal to
 * a data or base register, an exclusive pair with a different address or size). V0-V31 are
 * loaded from the buffer at B - 1024 on entry and stored back there (FPSR at B + 1024) before
 * the epilogue, so SIMD results and FPSR.QC are part of the hashed state. Text is
 * assembled by aarch64-linux-gnu-as, never encoded here.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
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

/* ---- per-case state ---- */
#define BUF_HALF 2048    /* the buffer is B - 2048 .. B + 2047 */
#define SP_LIMIT 1024    /* |SP - B| stays within this */
#define XFER_X30 2288    /* B + 2048 + 30 * 8: where the epilogue stores x30 (dt-case.h) */
#define MAX_SUBS 2
#define MAX_POOL 8

static unsigned g_case;     /* current case index (labels) */
static unsigned g_label;    /* next label number within the case */
static unsigned g_ninsn;    /* instructions emitted for the current case */
static int g_base;          /* B: buffer middle, pinned */
static int g_pcreg;         /* S: sequence address, pinned */
static int g_work[16];      /* the case's working set of data registers */
static int g_nwork;
static uint32_t g_nowrite;  /* registers that must not be written here (loop counters) */
static uint32_t g_noread;   /* registers holding an address right now (scratch bases) */
static int g_depth;         /* 0 = straight-line top-level code */
static int g_in_loop, g_in_sub;
static int g_sp_off;        /* SP - B, a multiple of 16 within +-SP_LIMIT */
static int g_nsubs;
static uint64_t g_pool[MAX_POOL];
static int g_npool;

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

/* Register name: n in 0..30, 31 = the zero register, 32 = the stack pointer. */
#define VREG_OFF (-1024) /* V0-V31 live at B - 1024 .. B - 513 between sequences */
#define FPSR_OFF 1024    /* FPSR at B + 1024 */
#define R_ZR 31
#define R_SP 32
static const char *reg(int sf, int n)
{
    static char bufs[8][8];
    static unsigned next;
    char *b = bufs[next++ % 8];
    if (n == R_ZR) {
        return sf ? "xzr" : "wzr";
    }
    if (n == R_SP) {
        return sf ? "sp" : "wsp";
    }
    snprintf(b, sizeof(bufs[0]), "%c%d", sf ? 'x' : 'w', n);
    return b;
}

/* A data register to read (never B or S or a live scratch base: they hold addresses). */
static int gen_src(void)
{
    for (;;) {
        int r = g_work[rng_below((unsigned)g_nwork)];
        if (!(g_noread & (1u << r))) {
            return r;
        }
    }
}

/* A data register to read, or now and then the zero register (only where 31 means ZR). */
static int gen_src_or_zr(void)
{
    return rng_below(10) == 0 ? R_ZR : gen_src();
}

/* A data register to write, avoiding g_nowrite and the registers in `avoid`. */
static int gen_dst_avoid(uint32_t avoid)
{
    for (;;) {
        int r = gen_src();
        if (!((g_nowrite | g_noread | avoid) & (1u << r))) {
            return r;
        }
    }
}

static int gen_dst(void)
{
    return gen_dst_avoid(0);
}

/* Makes a register holding "address + x" position-independent: subtracts B. */
static void emit_norm_base(int sf, int rd)
{
    emit("sub %s, %s, %s", reg(sf, rd), reg(sf, rd), reg(sf, g_base));
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

/* Reads SP through add/sub immediate: the result is normalized against B. The flag-setting
 * forms use unshifted immediates only, so the flags do not depend on where the buffer is (any
 * buffer address is above 4095 and below 2^31 on both harnesses). */
static void gen_sp_read_imm(int sf)
{
    static const char *const ops[] = { "add", "adds", "sub", "subs" };
    int op = (int)rng_below(4);
    int rd = gen_dst();
    if (op & 1) {
        if (rng_below(3) == 0) {
            rd = R_ZR; /* cmp/cmn sp */
        }
        emit("%s %s, %s, #%u", ops[op], reg(sf, rd), reg(sf, R_SP), rng_below(4096));
    } else {
        emit("%s %s, %s, #%u%s", ops[op], reg(sf, rd), reg(sf, R_SP), rng_below(4096),
             rng_below(3) == 0 ? ", lsl #12" : "");
    }
    if (rd != R_ZR) {
        emit_norm_base(sf, rd);
    }
}

static void gen_dp_imm(void)
{
    int sf = (int)rng_below(2);
    int rd = gen_dst(), rn = gen_src();
    switch (rng_below(9)) {
    case 0: { /* add/sub immediate; the flag-setting forms may discard the result (cmp/cmn) */
        static const char *const ops[] = { "add", "adds", "sub", "subs" };
        int op = (int)rng_below(4);
        if ((op & 1) && rng_below(4) == 0) {
            rd = R_ZR;
        }
        emit("%s %s, %s, #%u%s", ops[op], reg(sf, rd), reg(sf, rn), rng_below(4096),
             rng_below(3) == 0 ? ", lsl #12" : "");
        break;
    }
    case 1: { /* logical immediate */
        static const char *const ops[] = { "and", "orr", "eor", "ands" };
        int op = (int)rng_below(4);
        if (op == 3 && rng_below(4) == 0) {
            rd = R_ZR; /* tst */
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
        emit("%s %s, %s, #%u, #%u", ops[rng_below(3)], reg(sf, rd), reg(sf, gen_src_or_zr()),
             rng_below((unsigned)w), rng_below((unsigned)w));
        break;
    }
    case 5: /* extract (ror when Rn == Rm) */
        emit("extr %s, %s, %s, #%u", reg(sf, rd), reg(sf, gen_src_or_zr()),
             reg(sf, rng_below(4) ? gen_src_or_zr() : rn), rng_below(sf ? 64 : 32));
        break;
    case 6: /* SP as the source of add/sub immediate */
        gen_sp_read_imm(sf);
        break;
    default: /* logical immediate via the mov alias of orr */
        emit("mov %s, #0x%" PRIx64, reg(sf, rd), rand_bitmask(sf));
        break;
    }
}

/* ---- data processing, register ---- */
static const char *const SHIFT[] = { "lsl", "lsr", "asr", "ror" };
static const char *const EXTEND[] = { "uxtb", "uxth", "uxtw", "sxtb", "sxth", "sxtw", "uxtx",
                                      "sxtx" };

static void gen_dp_reg(void)
{
    int sf = (int)rng_below(2);
    int w = sf ? 64 : 32;
    int rd = gen_dst(), rn = gen_src(), rm = gen_src_or_zr();
    switch (rng_below(14)) {
    case 0: { /* add/sub shifted register */
        static const char *const ops[] = { "add", "adds", "sub", "subs" };
        int op = (int)rng_below(4);
        if ((op & 1) && rng_below(4) == 0) {
            rd = R_ZR;
        }
        emit("%s %s, %s, %s, %s #%u", ops[op], reg(sf, rd), reg(sf, rn), reg(sf, rm),
             SHIFT[rng_below(3)], rng_below((unsigned)w));
        break;
    }
    case 1: { /* add/sub extended register */
        static const char *const ops[] = { "add", "adds", "sub", "subs" };
        int op = (int)rng_below(4);
        int e = (int)rng_below(sf ? 8 : 6);
        if ((op & 1) && rng_below(4) == 0) {
            rd = R_ZR;
        }
        emit("%s %s, %s, %s, %s #%u", ops[op], reg(sf, rd), reg(sf, rn), reg(e >= 6, rm),
             EXTEND[e], rng_below(5));
        break;
    }
    case 2: { /* add/sub extended register reading SP (not flag-setting: flags would depend
               * on the absolute address plus a random index) */
        int e = (int)rng_below(sf ? 8 : 6);
        emit("%s %s, %s, %s, %s #%u", rng_below(2) ? "add" : "sub", reg(sf, rd), reg(sf, R_SP),
             reg(e >= 6, rm), EXTEND[e], rng_below(5));
        emit_norm_base(sf, rd);
        break;
    }
    case 3: { /* logical shifted register */
        static const char *const ops[] = { "and", "bic", "orr", "orn", "eor", "eon", "ands",
                                           "bics" };
        int op = (int)rng_below(8);
        if (op >= 6 && rng_below(4) == 0) {
            rd = R_ZR;
        }
        emit("%s %s, %s, %s, %s #%u", ops[op], reg(sf, rd), reg(sf, gen_src_or_zr()),
             reg(sf, rm), SHIFT[rng_below(4)], rng_below((unsigned)w));
        break;
    }
    case 4: { /* add/subtract with carry */
        static const char *const ops[] = { "adc", "adcs", "sbc", "sbcs" };
        emit("%s %s, %s, %s", ops[rng_below(4)], reg(sf, rd), reg(sf, gen_src_or_zr()),
             reg(sf, rm));
        break;
    }
    case 5: { /* conditional compare, register or 5-bit immediate */
        const char *op = rng_below(2) ? "ccmp" : "ccmn";
        if (rng_below(2)) {
            emit("%s %s, %s, #%u, %s", op, reg(sf, gen_src_or_zr()), reg(sf, rm), rng_below(16),
                 rand_cond());
        } else {
            emit("%s %s, #%u, #%u, %s", op, reg(sf, gen_src_or_zr()), rng_below(32),
                 rng_below(16), rand_cond());
        }
        break;
    }
    case 6: { /* conditional select */
        static const char *const ops[] = { "csel", "csinc", "csinv", "csneg" };
        emit("%s %s, %s, %s, %s", ops[rng_below(4)], reg(sf, rd), reg(sf, gen_src_or_zr()),
             reg(sf, rm), rand_cond());
        break;
    }
    case 7: { /* one-source */
        static const char *const ops[] = { "rev", "rev16", "rbit", "clz", "cls", "rev32" };
        emit("%s %s, %s", ops[rng_below(sf ? 6 : 5)], reg(sf, rd), reg(sf, gen_src_or_zr()));
        break;
    }
    case 8: /* divide (x/0 = 0, INT_MIN/-1 = INT_MIN) */
        emit("%s %s, %s, %s", rng_below(2) ? "udiv" : "sdiv", reg(sf, rd),
             reg(sf, gen_src_or_zr()), reg(sf, rm));
        break;
    case 9: { /* variable shifts */
        static const char *const ops[] = { "lslv", "lsrv", "asrv", "rorv" };
        emit("%s %s, %s, %s", ops[rng_below(4)], reg(sf, rd), reg(sf, gen_src_or_zr()),
             reg(sf, rm));
        break;
    }
    case 10: /* multiply-add */
        emit("%s %s, %s, %s, %s", rng_below(2) ? "madd" : "msub", reg(sf, rd),
             reg(sf, gen_src_or_zr()), reg(sf, rm), reg(sf, gen_src_or_zr()));
        break;
    case 11: { /* widening multiply-add */
        static const char *const ops[] = { "smaddl", "smsubl", "umaddl", "umsubl" };
        emit("%s %s, %s, %s, %s", ops[rng_below(4)], reg(1, rd), reg(0, gen_src_or_zr()),
             reg(0, rm), reg(1, gen_src_or_zr()));
        break;
    }
    case 12: /* csel/cset family again: flags consumers are what branches test */
        emit("csinc %s, %s, %s, %s", reg(sf, rd), reg(sf, R_ZR), reg(sf, R_ZR), rand_cond());
        break;
    default: /* multiply high */
        emit("%s %s, %s, %s", rng_below(2) ? "smulh" : "umulh", reg(1, rd),
             reg(1, gen_src_or_zr()), reg(1, rm));
        break;
    }
}

/* ---- loads and stores (buffer: B - 2048 .. B + 2047) ---- */
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

/* An offset imm, a multiple of align within [lo_enc, hi_enc], such that base_off + imm ..
 * base_off + imm + size - 1 lies in the buffer; INT_MIN when there is none. */
static int pick_off(int base_off, int lo_enc, int hi_enc, int align, int size)
{
    int lo = lo_enc > -BUF_HALF - base_off ? lo_enc : -BUF_HALF - base_off;
    int hi = hi_enc < BUF_HALF - size - base_off ? hi_enc : BUF_HALF - size - base_off;
    lo = lo >= 0 ? (lo + align - 1) / align * align : -(-lo / align * align);
    hi = hi >= 0 ? hi / align * align : -((-hi + align - 1) / align * align);
    if (lo > hi) {
        return INT_MIN;
    }
    return lo + align * rng_range(0, (hi - lo) / align);
}

/* May SP be written here? Only in straight-line top-level code, so its offset stays known. */
static int sp_writable(void)
{
    return g_depth == 0 && !g_in_sub;
}

/* May SP be a base here? Not in subroutines (called with different SP values). */
static int sp_usable(void)
{
    return !g_in_sub;
}

/* Points a fresh register A at B + off (off a multiple of align within +-1024); returns A,
 * which is neither read nor written (except as the base) until emit_end_scratch. */
static int emit_set_scratch(int align, uint32_t avoid)
{
    int a = gen_dst_avoid(avoid);
    int off = align * rng_range(-1024 / align, 1024 / align);
    emit("%s %s, %s, #%d", off < 0 ? "sub" : "add", reg(1, a), reg(1, g_base),
         off < 0 ? -off : off);
    g_noread |= 1u << a;
    return a;
}

/* Done with scratch base A: leaves A = A - B (position-independent) and frees it. */
static void emit_end_scratch(int a)
{
    emit_norm_base(1, a);
    g_noread &= ~(1u << a);
}

/* Base for a plain (no-writeback) access: B, or SP when allowed. Returns the register and its
 * offset from B. */
static int pick_plain_base(int *base_off)
{
    if (sp_usable() && rng_below(3) == 0) {
        *base_off = g_sp_off;
        return R_SP;
    }
    *base_off = 0;
    return g_base;
}

/* Register-offset addressing: computes an index register and prints "[base, index...]" into
 * out. The index range keeps the access in the buffer and aligned. */
static int emit_reg_offset(char *out, size_t outsz, int base, int size)
{
    int lg = log2_size(size);
    int on_sp = base == R_SP;
    unsigned mask = on_sp ? 0x3f : 0xff, bias = on_sp ? 0x20 : 0x80;
    int form = (int)rng_below(4); /* 0 lsl, 1 sxtx, 2 uxtw, 3 sxtw */
    int scaled = (int)rng_below(2);
    int sf = form < 2;
    int is_signed = form == 1 || form == 3;
    int idx = gen_dst();
    if (!scaled && size > 1) {
        /* unscaled: the byte index itself must be aligned */
        emit("and %s, %s, #0x%x", reg(sf, idx), reg(sf, gen_src()), mask << lg & ~(size - 1u));
        if (is_signed) {
            emit("sub %s, %s, #0x%x", reg(sf, idx), reg(sf, idx), bias << lg);
        }
    } else {
        emit("and %s, %s, #0x%x", reg(sf, idx), reg(sf, gen_src()), mask);
        if (is_signed) {
            emit("sub %s, %s, #0x%x", reg(sf, idx), reg(sf, idx), bias);
        }
    }
    static const char *const ext[] = { "lsl", "sxtx", "uxtw", "sxtw" };
    if (scaled) {
        return snprintf(out, outsz, "[%s, %s, %s #%d]", reg(1, base), reg(sf, idx), ext[form], lg);
    }
    if (form == 0) {
        return snprintf(out, outsz, "[%s, %s]", reg(1, base), reg(1, idx));
    }
    return snprintf(out, outsz, "[%s, %s, %s]", reg(1, base), reg(sf, idx), ext[form]);
}

/* Writeback on SP: a multiple of 16 within [lo, hi] keeping SP within +-SP_LIMIT and the access
 * (at SP + imm for pre-index, at SP for post-index) inside the buffer. */
static int pick_sp_writeback(int lo, int hi, int size, int pre)
{
    for (int tries = 0; tries < 20; tries++) {
        int imm = 16 * rng_range(lo / 16, hi / 16);
        int nsp = g_sp_off + imm, addr = pre ? nsp : g_sp_off;
        if (imm >= lo && imm <= hi && nsp >= -SP_LIMIT && nsp <= SP_LIMIT &&
            addr >= -BUF_HALF && addr + size <= BUF_HALF) {
            return imm;
        }
    }
    return INT_MIN;
}

static void gen_mem_single(void)
{
    const struct mem_op *m = &MEM_SINGLE[rng_below(sizeof(MEM_SINGLE) / sizeof(MEM_SINGLE[0]))];
    int sz = m->size;
    int rt = m->load ? gen_dst() : gen_src_or_zr();
    int base_off, base, imm;
    char addr[64];
    switch (rng_below(6)) {
    case 0: /* unsigned scaled offset */
        base = pick_plain_base(&base_off);
        imm = pick_off(base_off, 0, 4095 * sz, sz, sz);
        if (imm == INT_MIN) {
            imm = pick_off(0, 0, 4095 * sz, sz, sz);
            base = g_base;
        }
        emit("%s %s, [%s, #%d]", m->name, reg(m->sf, rt), reg(1, base), imm);
        break;
    case 1: { /* unscaled signed offset (LDUR family), kept aligned */
        char uname[8];
        snprintf(uname, sizeof(uname), "%.2su%s", m->name, m->name + 2);
        base = pick_plain_base(&base_off);
        imm = pick_off(base_off, -256, 255, sz, sz);
        emit("%s %s, [%s, #%d]", uname, reg(m->sf, rt), reg(1, base), imm);
        break;
    }
    case 2:   /* pre-index */
    case 3: { /* post-index */
        int pre = rng_below(2);
        if (sp_writable() && rng_below(3) == 0 &&
            (imm = pick_sp_writeback(-256, 255, sz, pre)) != INT_MIN) {
            emit(pre ? "%s %s, [%s, #%d]!" : "%s %s, [%s], #%d", m->name, reg(m->sf, rt),
                 reg(1, R_SP), imm);
            g_sp_off += imm;
            break;
        }
        /* writeback with Rt == Rn is CONSTRAINED UNPREDICTABLE: A differs from Rt */
        int a = emit_set_scratch(16, rt == R_ZR ? 0 : 1u << rt);
        imm = sz * rng_range(-256 / sz, 255 / sz);
        emit(pre ? "%s %s, [%s, #%d]!" : "%s %s, [%s], #%d", m->name, reg(m->sf, rt),
             reg(1, a), imm);
        emit_end_scratch(a);
        break;
    }
    default: /* register offset: LSL/SXTX (64-bit index) or UXTW/SXTW, scaled or not */
        base = pick_plain_base(&base_off);
        emit_reg_offset(addr, sizeof(addr), base, sz);
        emit("%s %s, %s", m->name, reg(m->sf, rt), addr);
        break;
    }
}

static void gen_mem_pair(void)
{
    static const struct mem_op PAIR[] = {
        { "ldp", 8, 1, 1 }, { "ldp", 4, 0, 1 }, { "ldpsw", 4, 1, 1 }, { "stp", 8, 1, 0 },
        { "stp", 4, 0, 0 }, { "ldnp", 8, 1, 1 }, { "ldnp", 4, 0, 1 }, { "stnp", 8, 1, 0 },
        { "stnp", 4, 0, 0 },
    };
    const struct mem_op *m = &PAIR[rng_below(sizeof(PAIR) / sizeof(PAIR[0]))];
    int rt = m->load ? gen_dst() : gen_src_or_zr(), rt2;
    do { /* LDP with Rt == Rt2 is CONSTRAINED UNPREDICTABLE */
        rt2 = m->load ? gen_dst() : gen_src_or_zr();
    } while (m->load && rt2 == rt);
    const char *t = reg(m->sf, rt), *t2 = reg(m->sf, rt2);
    int sz = m->size;
    int mode = m->name[2] == 'n' ? 0 : (int)rng_below(3);
    int base_off, base, imm;
    if (mode == 0) {
        base = pick_plain_base(&base_off);
        imm = pick_off(base_off, -64 * sz, 63 * sz, sz, 2 * sz);
        emit("%s %s, %s, [%s, #%d]", m->name, t, t2, reg(1, base), imm);
        return;
    }
    int pre = mode == 1;
    if (sp_writable() && rng_below(3) == 0 &&
        (imm = pick_sp_writeback(-64 * sz, 63 * sz, 2 * sz, pre)) != INT_MIN) {
        emit(pre ? "%s %s, %s, [%s, #%d]!" : "%s %s, %s, [%s], #%d", m->name, t, t2,
             reg(1, R_SP), imm);
        g_sp_off += imm;
        return;
    }
    uint32_t avoid = (rt == R_ZR ? 0 : 1u << rt) | (rt2 == R_ZR ? 0 : 1u << rt2);
    int a = emit_set_scratch(16, avoid);
    imm = sz * rng_range(-64, 63);
    emit(pre ? "%s %s, %s, [%s, #%d]!" : "%s %s, %s, [%s], #%d", m->name, t, t2, reg(1, a), imm);
    emit_end_scratch(a);
}

/* ---- exclusives, acquire/release, barriers ---- */

/* Base for an access without offset: B, a scratch register A = B + off (returned in *scratch),
 * or SP. *scratch is -1 unless A was set. */
static int pick_bare_base(int size, int *scratch, uint32_t avoid)
{
    *scratch = -1;
    unsigned r = rng_below(4);
    if (r == 0 && sp_usable()) {
        return R_SP; /* g_sp_off is 16-aligned and inside the buffer */
    }
    if (r == 1) {
        return g_base;
    }
    *scratch = emit_set_scratch(size < 16 ? size : 16, avoid);
    return *scratch;
}

/* LDXR ... STXR on one address and size, optionally with CLREX between (the store then fails:
 * status 1, memory unchanged) or a second STXR after (fails: the first closed the monitor);
 * a few register-only instructions may sit between load and store. */
static void gen_exclusive(void)
{
    static const char *const SUF[] = { "b", "h", "", "" };
    int pair = rng_below(3) == 0;
    int kind = (int)rng_below(4);              /* single: b, h, w, x; pair: w/x by kind & 1 */
    int sf = pair ? (int)(kind & 1) : kind == 3;
    int size = pair ? (sf ? 16 : 8) : 1 << kind;
    int scratch;
    int base = pick_bare_base(size, &scratch, 0);
    uint32_t keep = scratch >= 0 ? 1u << scratch : 0;
    int lt = gen_dst_avoid(keep), lt2 = pair ? gen_dst_avoid(keep | 1u << lt) : -1;
    const char *la = rng_below(2) ? "a" : "";
    if (pair) {
        emit("ld%sxp %s, %s, [%s]", la, reg(sf, lt), reg(sf, lt2), reg(1, base));
    } else {
        emit("ld%sxr%s %s, [%s]", la, SUF[kind], reg(sf, lt), reg(1, base));
    }
    uint32_t saved = g_nowrite;
    g_nowrite |= keep;
    for (int n = (int)rng_below(3); n > 0; n--) {
        gen_dp_reg();
    }
    g_nowrite = saved;
    if (rng_below(4) == 0) {
        emit("clrex");
    }
    int st = gen_src_or_zr(), st2 = pair ? gen_src_or_zr() : R_ZR;
    /* the status register must differ from the data and base registers */
    uint32_t avoid = keep | (st == R_ZR ? 0 : 1u << st) | (st2 == R_ZR ? 0 : 1u << st2);
    int ws = gen_dst_avoid(avoid);
    const char *rl = rng_below(2) ? "l" : "";
    /* a second store-exclusive finds the monitor open (the first one closed it): status 1 */
    for (int again = rng_below(6) == 0 ? 2 : 1; again > 0; again--) {
        if (pair) {
            emit("st%sxp %s, %s, %s, [%s]", rl, reg(0, ws), reg(sf, st), reg(sf, st2),
                 reg(1, base));
        } else {
            emit("st%sxr%s %s, %s, [%s]", rl, SUF[kind], reg(0, ws), reg(sf, st), reg(1, base));
        }
        ws = gen_dst_avoid(avoid);
    }
    if (scratch >= 0) {
        emit_end_scratch(scratch);
    }
}

/* LDAR/STLR in every size; half the time a release store followed by an acquire load of the
 * same address. */
static void gen_acquire_release(void)
{
    static const char *const SUF[] = { "b", "h", "", "" };
    int kind = (int)rng_below(4);
    int sf = kind == 3, size = 1 << kind;
    int scratch;
    int base = pick_bare_base(size, &scratch, 0);
    uint32_t keep = scratch >= 0 ? 1u << scratch : 0;
    int what = (int)rng_below(3); /* 0 load, 1 store, 2 store then load */
    if (what >= 1) {
        emit("stlr%s %s, [%s]", SUF[kind], reg(sf, gen_src_or_zr()), reg(1, base));
    }
    if (what != 1) {
        emit("ldar%s %s, [%s]", SUF[kind], reg(sf, gen_dst_avoid(keep)), reg(1, base));
    }
    if (scratch >= 0) {
        emit_end_scratch(scratch);
    }
}

static void gen_barrier(void)
{
    static const char *const OPT[] = { "sy", "st", "ld", "ish", "ishst", "ishld", "nsh",
                                       "nshst", "nshld", "osh", "oshst", "oshld" };
    switch (rng_below(3)) {
    case 0:
        emit("dmb %s", OPT[rng_below(12)]);
        break;
    case 1:
        emit("dsb %s", OPT[rng_below(12)]);
        break;
    default:
        emit("isb");
        break;
    }
}

/* ---- PC-relative: literal loads from the case's pool, ADR, ADRP ---- */
static void gen_literal(void)
{
    if (g_npool == MAX_POOL) {
        gen_dp_imm();
        return;
    }
    int i = g_npool++;
    g_pool[i] = rng_below(2) ? rng_next() : (uint64_t)(int64_t)(int32_t)(rng_next() | 0x80000000u);
    int rt = gen_dst();
    switch (rng_below(4)) {
    case 0:
    case 1:
        emit("ldr %s, .Lp%u_%d", reg(1, rt), g_case, i);
        break;
    case 2:
        emit("ldr %s, .Lp%u_%d + %u", reg(0, rt), g_case, i, 4 * rng_below(2));
        break;
    default:
        emit("ldrsw %s, .Lp%u_%d + %u", reg(1, rt), g_case, i, 4 * rng_below(2));
        break;
    }
}

/* ADR/ADRP results minus S (the sequence address). Sequences start at the same offset within a
 * 4 KiB page in both harnesses (the generated .text is 4 KiB-aligned), so ADRP's page-relative
 * result minus S is position-independent too. */
static void gen_adr(void)
{
    int rd = gen_dst();
    if (rng_below(2)) {
        int off = 4 * rng_range(-2000, 2000);
        emit("adr %s, . %c %d", reg(1, rd), off < 0 ? '-' : '+', off < 0 ? -off : off);
    } else {
        int pages = rng_range(-300, 300);
        emit("adrp %s, . %c %d", reg(1, rd), pages < 0 ? '-' : '+', 4096 * (pages < 0 ? -pages : pages));
    }
    emit("sub %s, %s, %s", reg(1, rd), reg(1, rd), reg(1, g_pcreg));
}

/* ---- SP writes (top-level straight-line code only) ---- */
static void gen_sp_write(void)
{
    int target = 16 * rng_range(-SP_LIMIT / 16, SP_LIMIT / 16);
    switch (rng_below(4)) {
    case 0: /* SP = B +- off (add sp, xB, #0 is "mov sp, xB") */
        emit("%s sp, %s, #%d", target < 0 ? "sub" : "add", reg(1, g_base),
             target < 0 ? -target : target);
        break;
    case 1: { /* SP +-= imm */
        int d = target - g_sp_off;
        emit("%s sp, sp, #%d", d < 0 ? "sub" : "add", d < 0 ? -d : d);
        break;
    }
    case 2: { /* extended register: SP = SP +- (xI << 4) */
        int d = target - g_sp_off;
        int idx = gen_dst();
        emit("movz %s, #%d", reg(1, idx), (d < 0 ? -d : d) / 16);
        emit("%s sp, sp, %s, lsl #4", d < 0 ? "sub" : "add", reg(1, idx));
        break;
    }
    default: { /* extended register with a sign-extended W index: SP = B + sxtw(wI) << 4 */
        int idx = gen_dst();
        if (target < 0) {
            emit("movn %s, #%d", reg(0, idx), -target / 16 - 1);
        } else {
            emit("movz %s, #%d", reg(0, idx), target / 16);
        }
        emit("add sp, %s, %s, sxtw #4", reg(1, g_base), reg(0, idx));
        break;
    }
    }
    g_sp_off = target;
}

/* ---- control flow ---- */
static void gen_items(int n);

/* A forward branch over a block: usually 1-2 instructions, sometimes a long block of items. */
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
        emit("%s %s, .Lc%u_%u", rng_below(2) ? "cbz" : "cbnz", reg(sf, gen_src()), g_case,
             label);
        break;
    case 3:
        emit("%s %s, #%u, .Lc%u_%u", rng_below(2) ? "tbz" : "tbnz", reg(sf, gen_src()),
             rng_below(sf ? 64 : 32), g_case, label);
        break;
    default:
        emit("b .Lc%u_%u", g_case, label);
        break;
    }
    g_depth++;
    if (g_depth == 1 && rng_below(40) == 0) {
        /* a long block: the branch crosses a page boundary and several blocks of the DBT */
        for (int n = rng_range(100, 400); n > 0; n--) {
            gen_dp_reg();
        }
    } else if (g_depth < 3 && rng_below(4) == 0) {
        gen_items(rng_range(3, 12));
    } else {
        for (int n = rng_range(1, 2); n > 0; n--) {
            gen_dp_reg();
        }
    }
    g_depth--;
    printf(".Lc%u_%u:\n", g_case, label);
}

/* A bounded loop: counter C = 1..6, now and then up to 60 (never written by the body),
 * decremented to the exit test. */
static void gen_loop(void)
{
    unsigned label = g_label++;
    int c = gen_dst();
    int n = rng_below(8) ? rng_range(1, 6) : rng_range(7, 60);
    int variant = (int)rng_below(5);
    emit("movz %s, #%d", reg(variant == 2 ? 0 : 1, c), n);
    printf(".Lc%u_%u:\n", g_case, label);
    uint32_t saved = g_nowrite;
    g_nowrite |= 1u << c;
    g_in_loop++;
    g_depth++;
    gen_items(rng_range(1, 5));
    g_depth--;
    g_in_loop--;
    g_nowrite = saved;
    switch (variant) {
    case 0:
        emit("sub %s, %s, #1", reg(1, c), reg(1, c));
        emit("cbnz %s, .Lc%u_%u", reg(1, c), g_case, label);
        break;
    case 1:
        emit("subs %s, %s, #1", reg(1, c), reg(1, c));
        emit("b.ne .Lc%u_%u", g_case, label);
        break;
    case 2:
        emit("subs %s, %s, #1", reg(0, c), reg(0, c));
        emit("b.gt .Lc%u_%u", g_case, label);
        break;
    case 3: /* runs n + 1 times: until C goes negative */
        emit("sub %s, %s, #1", reg(1, c), reg(1, c));
        emit("tbz %s, #63, .Lc%u_%u", reg(1, c), g_case, label);
        break;
    default: /* unsigned compare against zero, then b.hi */
        emit("sub %s, %s, #1", reg(1, c), reg(1, c));
        emit("cmp %s, #0", reg(1, c));
        emit("b.hi .Lc%u_%u", g_case, label);
        break;
    }
}

/* BL (or ADR x30 + BLR x30) to one of the case's subroutines, placed after the epilogue. */
static void gen_call(void)
{
    int j = (int)rng_below((unsigned)g_nsubs);
    if (rng_below(3) == 0) {
        emit("adr x30, .Ls%u_%d", g_case, j);
        emit("blr x30");
    } else {
        emit("bl .Ls%u_%d", g_case, j);
    }
}

/* One random item; what is allowed depends on where it is (loop body, subroutine, depth). */
/* ---- Advanced SIMD integer (V0-V31 are loaded from and stored to the buffer) ---- */
/* Arrangements, ORDER: the bit masks below index this table. */
static const char *const ARR[] = { "8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d" };
enum { A8B = 1, A16B = 2, A4H = 4, A8H = 8, A2S = 16, A4S = 32, A1D = 64, A2D = 128 };
#define A_BHS (A8B | A16B | A4H | A8H | A2S | A4S)
#define A_ALL (A_BHS | A2D)
#define A_HS (A4H | A8H | A2S | A4S)

struct simd_op {
    const char *name;
    unsigned arr;
};

static const struct simd_op SIMD_SAME[] = {
    {"add", A_ALL}, {"sub", A_ALL}, {"mul", A_BHS}, {"mla", A_BHS}, {"mls", A_BHS},
    {"cmeq", A_ALL}, {"cmgt", A_ALL}, {"cmhi", A_ALL}, {"cmhs", A_ALL}, {"cmge", A_ALL},
    {"cmtst", A_ALL}, {"sqadd", A_ALL}, {"uqadd", A_ALL}, {"sqsub", A_ALL}, {"uqsub", A_ALL},
    {"sshl", A_ALL}, {"ushl", A_ALL}, {"srshl", A_ALL}, {"urshl", A_ALL}, {"sqshl", A_ALL},
    {"uqshl", A_ALL}, {"sqrshl", A_ALL}, {"uqrshl", A_ALL}, {"smax", A_BHS}, {"smin", A_BHS},
    {"umax", A_BHS}, {"umin", A_BHS}, {"smaxp", A_BHS}, {"sminp", A_BHS}, {"umaxp", A_BHS},
    {"uminp", A_BHS}, {"sabd", A_BHS}, {"uabd", A_BHS}, {"saba", A_BHS}, {"uaba", A_BHS},
    {"addp", A_ALL}, {"shadd", A_BHS}, {"uhadd", A_BHS}, {"srhadd", A_BHS}, {"urhadd", A_BHS},
    {"shsub", A_BHS}, {"uhsub", A_BHS}, {"pmul", A8B | A16B}, {"sqdmulh", A_HS},
    {"sqrdmulh", A_HS}, {"and", A8B | A16B}, {"bic", A8B | A16B}, {"orr", A8B | A16B},
    {"orn", A8B | A16B}, {"eor", A8B | A16B}, {"bsl", A8B | A16B}, {"bit", A8B | A16B},
    {"bif", A8B | A16B}, {"zip1", A_ALL}, {"zip2", A_ALL}, {"uzp1", A_ALL}, {"uzp2", A_ALL},
    {"trn1", A_ALL}, {"trn2", A_ALL},
};

static const struct simd_op SIMD_MISC[] = {
    {"rev16", A8B | A16B}, {"rev32", A8B | A16B | A4H | A8H}, {"rev64", A_BHS},
    {"cnt", A8B | A16B}, {"clz", A_BHS}, {"cls", A_BHS}, {"not", A8B | A16B},
    {"rbit", A8B | A16B}, {"abs", A_ALL}, {"neg", A_ALL}, {"sqabs", A_ALL}, {"sqneg", A_ALL},
    {"suqadd", A_ALL}, {"usqadd", A_ALL},
};

/* Two-register misc with "#0": CMEQ/CMGE/CMGT/CMLE/CMLT (zero). */
static const char *const SIMD_CMZ[] = { "cmeq", "cmge", "cmgt", "cmle", "cmlt" };
/* Long results: Vd.<2x>, Vn.<x>, Vm.<x> (and the "2" forms on the upper half). */
static const char *const SIMD_LONG[] = { "saddl", "uaddl", "ssubl", "usubl", "sabal", "uabal",
    "sabdl", "uabdl", "smlal", "umlal", "smlsl", "umlsl", "smull", "umull" };
static const char *const SIMD_WIDE[] = { "saddw", "uaddw", "ssubw", "usubw" };
static const char *const SIMD_HN[] = { "addhn", "raddhn", "subhn", "rsubhn" };
static const char *const SIMD_SQDL[] = { "sqdmlal", "sqdmlsl", "sqdmull" };
static const char *const SIMD_XTN[] = { "xtn", "sqxtn", "uqxtn", "sqxtun" };
static const char *const SIMD_ACROSS[] = { "addv", "smaxv", "sminv", "umaxv", "uminv" };
static const char *const SIMD_SHR[] = { "sshr", "ushr", "ssra", "usra", "srshr", "urshr",
    "srsra", "ursra", "sri" };
static const char *const SIMD_SHL[] = { "shl", "sli", "sqshl", "uqshl", "sqshlu" };
static const char *const SIMD_SHRN[] = { "shrn", "rshrn", "sqshrn", "uqshrn", "sqrshrn",
    "uqrshrn", "sqshrun", "sqrshrun" };
static const char *const SIMD_ELEM[] = { "mul", "mla", "mls", "sqdmulh", "sqrdmulh" };
static const char *const SIMD_ELEM_LONG[] = { "smull", "umull", "smlal", "umlal", "smlsl",
    "umlsl", "sqdmull", "sqdmlal", "sqdmlsl" };

#define NELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define PICK(a) ((a)[rng_below((unsigned)NELEMS(a))])

static int vreg(void) { return (int)rng_below(32); }

/* A random arrangement index among the bits of mask. */
static int pick_arr(unsigned mask)
{
    for (;;) {
        int i = (int)rng_below(8);
        if (mask & (1u << i)) {
            return i;
        }
    }
}

static void gen_simd_vector(void)
{
    int d = vreg(), n = vreg(), m = vreg();
    switch (rng_below(14)) {
    case 0: case 1: case 2: {
        const struct simd_op *op = &SIMD_SAME[rng_below((unsigned)NELEMS(SIMD_SAME))];
        const char *t = ARR[pick_arr(op->arr)];
        emit("%s v%d.%s, v%d.%s, v%d.%s", op->name, d, t, n, t, m, t);
        break;
    }
    case 3: {
        const struct simd_op *op = &SIMD_MISC[rng_below((unsigned)NELEMS(SIMD_MISC))];
        const char *t = ARR[pick_arr(op->arr)];
        emit("%s v%d.%s, v%d.%s", op->name, d, t, n, t);
        break;
    }
    case 4: {
        int a = pick_arr(A_ALL);
        const char *cm = PICK(SIMD_CMZ);
        emit("%s v%d.%s, v%d.%s, #0", cm, d, ARR[a], n, ARR[a]);
        break;
    }
    case 5: { /* long / wide / narrow-high / saturating doubling / pairwise long / shll */
        int sz = (int)rng_below(3), q = (int)rng_below(2), a = sz * 2 + q, w = sz * 2 + 3;
        const char *two = q ? "2" : "";
        switch (rng_below(7)) {
        case 0: emit("%s%s v%d.%s, v%d.%s, v%d.%s", PICK(SIMD_LONG), two, d, ARR[w], n, ARR[a], m, ARR[a]); break;
        case 1: emit("%s%s v%d.%s, v%d.%s, v%d.%s", PICK(SIMD_WIDE), two, d, ARR[w], n, ARR[w], m, ARR[a]); break;
        case 2: emit("%s%s v%d.%s, v%d.%s, v%d.%s", PICK(SIMD_HN), two, d, ARR[a], n, ARR[w], m, ARR[w]); break;
        case 3:
            if (sz == 0) {
                emit("pmull%s v%d.8h, v%d.%s, v%d.%s", two, d, n, ARR[a], m, ARR[a]);
            } else {
                emit("%s%s v%d.%s, v%d.%s, v%d.%s", PICK(SIMD_SQDL), two, d, ARR[w], n, ARR[a], m, ARR[a]);
            }
            break;
        case 4: emit("%s%s v%d.%s, v%d.%s", PICK(SIMD_XTN), two, d, ARR[a], n, ARR[w]); break;
        case 5: emit("shll%s v%d.%s, v%d.%s, #%d", two, d, ARR[w], n, ARR[a], 8 << sz); break;
        default: {
            static const char *const p[] = { "saddlp", "uaddlp", "sadalp", "uadalp" };
            int b = pick_arr(A_BHS); /* Vd has half as many elements, each twice as wide */
            static const char *const wide[] = { "4h", "8h", "2s", "4s", "1d", "2d" };
            emit("%s v%d.%s, v%d.%s", PICK(p), d, wide[b], n, ARR[b]);
            break;
        }
        }
        break;
    }
    case 6: { /* across lanes */
        int a = pick_arr(A8B | A16B | A4H | A8H | A4S);
        static const char sc[] = "bhs";
        if (rng_below(3) == 0) {
            static const char sw[] = "hsd";
            emit("%s %c%d, v%d.%s", rng_below(2) ? "saddlv" : "uaddlv", sw[a / 2], d, n, ARR[a]);
        } else {
            emit("%s %c%d, v%d.%s", PICK(SIMD_ACROSS), sc[a / 2], d, n, ARR[a]);
        }
        break;
    }
    case 7: { /* shift by immediate */
        int a = pick_arr(A_ALL), eb = 8 << (a / 2);
        if (rng_below(2)) {
            emit("%s v%d.%s, v%d.%s, #%d", PICK(SIMD_SHR), d, ARR[a], n, ARR[a], rng_range(1, eb));
        } else {
            emit("%s v%d.%s, v%d.%s, #%d", PICK(SIMD_SHL), d, ARR[a], n, ARR[a], rng_range(0, eb - 1));
        }
        break;
    }
    case 8: { /* narrowing and widening shifts */
        int sz = (int)rng_below(3), q = (int)rng_below(2), a = sz * 2 + q, w = sz * 2 + 3;
        const char *two = q ? "2" : "";
        if (rng_below(2)) {
            emit("%s%s v%d.%s, v%d.%s, #%d", PICK(SIMD_SHRN), two, d, ARR[a], n, ARR[w], rng_range(1, 8 << sz));
        } else {
            emit("%s%s v%d.%s, v%d.%s, #%d", rng_below(2) ? "sshll" : "ushll", two, d, ARR[w], n, ARR[a], rng_range(0, (8 << sz) - 1));
        }
        break;
    }
    case 9: { /* by element */
        int s = (int)rng_below(2), q = (int)rng_below(2);
        int mm = s ? vreg() : (int)rng_below(16), idx = (int)rng_below(s ? 4 : 8);
        const char *es = s ? "s" : "h";
        if (rng_below(2)) {
            int a = (s + 1) * 2 + q;
            emit("%s v%d.%s, v%d.%s, v%d.%s[%d]", PICK(SIMD_ELEM), d, ARR[a], n, ARR[a], mm, es, idx);
        } else {
            int a = (s + 1) * 2 + q, w = (s + 2) * 2 + 1;
            emit("%s%s v%d.%s, v%d.%s, v%d.%s[%d]", PICK(SIMD_ELEM_LONG), q ? "2" : "", d, ARR[w], n, ARR[a], mm, es, idx);
        }
        break;
    }
    case 10: { /* copy */
        int sz = (int)rng_below(4), idx = (int)rng_below(16u >> sz);
        static const char es[] = "bhsd";
        int a = sz == 3 ? 7 : sz * 2 + (int)rng_below(2);
        switch (rng_below(6)) {
        case 0: emit("dup v%d.%s, v%d.%c[%d]", d, ARR[a], n, es[sz], idx); break;
        case 1: emit("dup v%d.%s, %s", d, ARR[a], reg(sz == 3, gen_src())); break;
        case 2: emit("ins v%d.%c[%d], %s", d, es[sz], idx, reg(sz == 3, gen_src())); break;
        case 3: emit("ins v%d.%c[%d], v%d.%c[%d]", d, es[sz], idx, n, es[sz], (int)rng_below(16u >> sz)); break;
        case 4: emit("umov %s, v%d.%c[%d]", reg(sz == 3, gen_dst()), n, es[sz], idx); break;
        default:
            if (sz == 3) {
                emit("dup %c%d, v%d.%c[%d]", es[sz], d, n, es[sz], idx);
            } else {
                emit("smov %s, v%d.%c[%d]", reg(sz == 2 ? 1 : (int)rng_below(2), gen_dst()), n, es[sz], idx);
            }
            break;
        }
        break;
    }
    case 11: { /* EXT, TBL, TBX */
        int q = (int)rng_below(2);
        const char *t = q ? "16b" : "8b";
        if (rng_below(2)) {
            emit("ext v%d.%s, v%d.%s, v%d.%s, #%d", d, t, n, t, m, t, (int)rng_below(q ? 16 : 8));
        } else {
            int len = rng_range(1, 4);
            char list[64];
            int p = snprintf(list, sizeof(list), "{");
            for (int i = 0; i < len; i++) {
                p += snprintf(list + p, sizeof(list) - (size_t)p, "%sv%d.16b", i ? ", " : "", (n + i) % 32);
            }
            snprintf(list + p, sizeof(list) - (size_t)p, "}");
            emit("%s v%d.%s, %s, v%d.%s", rng_below(2) ? "tbl" : "tbx", d, t, list, m, t);
        }
        break;
    }
    case 12: { /* modified immediate */
        int imm8 = (int)rng_below(256), q = (int)rng_below(2);
        switch (rng_below(7)) {
        case 6: { /* FMOV (vector, immediate): (-1)^s * (16 + m) / 16 * 2^e, e in -3 .. 4 */
            static const char *const arr[] = { "2s", "4s", "2d" };
            int e = rng_range(-3, 4), mnt = rng_range(16, 31);
            double v = (rng_below(2) ? -1.0 : 1.0) * mnt / 16.0;
            for (; e > 0; e--) {
                v *= 2;
            }
            for (; e < 0; e++) {
                v /= 2;
            }
            emit("fmov v%d.%s, #%.7f", d, arr[q ? 1 + (int)rng_below(2) : 0], v);
            break;
        }
        case 0: emit("movi v%d.%s, #%d", d, q ? "16b" : "8b", imm8); break;
        case 1: emit("%s v%d.%s, #%d, lsl #%d", rng_below(2) ? "movi" : "mvni", d, q ? "4s" : "2s", imm8, 8 * (int)rng_below(4)); break;
        case 2: emit("%s v%d.%s, #%d, lsl #%d", rng_below(2) ? "orr" : "bic", d, q ? "8h" : "4h", imm8, 8 * (int)rng_below(2)); break;
        case 3: emit("%s v%d.%s, #%d, lsl #%d", rng_below(2) ? "orr" : "bic", d, q ? "4s" : "2s", imm8, 8 * (int)rng_below(4)); break;
        case 4: emit("%s v%d.%s, #%d, msl #%d", rng_below(2) ? "movi" : "mvni", d, q ? "4s" : "2s", imm8, 8 * rng_range(1, 2)); break;
        default: {
            uint64_t v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (rng_below(2) ? 0xffull : 0) << (8 * i);
            }
            if (q) {
                emit("movi v%d.2d, #0x%" PRIx64, d, v);
            } else {
                emit("movi d%d, #0x%" PRIx64, d, v);
            }
            break;
        }
        }
        break;
    }
    default: { /* scalar forms */
        static const char es[] = "bhsd";
        int sz = (int)rng_below(4);
        switch (rng_below(8)) {
        case 0: {
            static const char *const o[] = { "add", "sub", "cmeq", "cmgt", "cmhi", "cmhs", "cmge", "cmtst", "sshl", "ushl", "srshl", "urshl" };
            emit("%s d%d, d%d, d%d", PICK(o), d, n, m);
            break;
        }
        case 1: {
            static const char *const o[] = { "sqadd", "uqadd", "sqsub", "uqsub", "sqshl", "uqshl", "sqrshl", "uqrshl" };
            emit("%s %c%d, %c%d, %c%d", PICK(o), es[sz], d, es[sz], n, es[sz], m);
            break;
        }
        case 2: {
            static const char *const o[] = { "abs", "neg", "sqabs", "sqneg", "suqadd", "usqadd" };
            int s2 = rng_below(2) ? 3 : sz;
            const char *op = PICK(o);
            if (op[0] == 'a' || op[0] == 'n') {
                s2 = 3;
            }
            emit("%s %c%d, %c%d", op, es[s2], d, es[s2], n);
            break;
        }
        case 3: {
            int s2 = (int)rng_below(3);
            static const char *const o[] = { "sqxtn", "uqxtn", "sqxtun" };
            emit("%s %c%d, %c%d", PICK(o), es[s2], d, es[s2 + 1], n);
            break;
        }
        case 4: emit("addp d%d, v%d.2d", d, n); break;
        case 5: {
            static const char *const o[] = { "sshr", "ushr", "ssra", "usra", "srshr", "urshr", "srsra", "ursra", "sri" };
            if (rng_below(2)) {
                emit("%s d%d, d%d, #%d", PICK(o), d, n, rng_range(1, 64));
            } else {
                static const char *const l[] = { "shl", "sli" };
                emit("%s d%d, d%d, #%d", PICK(l), d, n, rng_range(0, 63));
            }
            break;
        }
        case 6: {
            static const char *const o[] = { "sqshl", "uqshl", "sqshlu" };
            emit("%s %c%d, %c%d, #%d", PICK(o), es[sz], d, es[sz], n, rng_range(0, (8 << sz) - 1));
            break;
        }
        default: {
            int s2 = rng_range(1, 2);
            if (rng_below(2)) {
                static const char *const o[] = { "sqdmulh", "sqrdmulh" };
                emit("%s %c%d, %c%d, %c%d", PICK(o), es[s2], d, es[s2], n, es[s2], m);
            } else {
                emit("%s %c%d, %c%d, %c%d", PICK(SIMD_SQDL), es[s2 + 1], d, es[s2], n, es[s2], m);
            }
            break;
        }
        }
        break;
    }
    }
}

/* SIMD&FP loads and stores inside the buffer: LDR/STR B-Q, LDP/STP, LD1-4/ST1-4, LD1R. */
static void gen_simd_mem(void)
{
    static const char es[] = "bhsdq";
    int t = vreg();
    switch (rng_below(5)) {
    case 4: { /* LDR/STR register offset: B-D through the integer generator's index forms */
        int sz = (int)rng_below(5);
        char addr[64];
        if (sz < 4) {
            emit_reg_offset(addr, sizeof(addr), g_base, 1 << sz);
        } else { /* Q: a scaled unsigned index 0 .. 127 keeps the access in the buffer */
            int idx = gen_dst();
            emit("and %s, %s, #0x7f", reg(1, idx), reg(1, gen_src()));
            snprintf(addr, sizeof(addr), "[%s, %s, lsl #4]", reg(1, g_base), reg(1, idx));
        }
        emit("%s %c%d, %s", rng_below(2) ? "ldr" : "str", es[sz], t, addr);
        break;
    }
    case 0: { /* LDR/STR (unsigned offset or unscaled) off B */
        int sz = (int)rng_below(5), bytes = 1 << sz;
        /* unsigned scaled offsets up to 1 KiB, or LDUR/STUR's -256 .. -1 */
        int off = bytes * (rng_below(4) ? rng_range(0, 1024 / bytes - 1) : rng_range(-256 / bytes, -1));
        emit("%s %c%d, [%s, #%d]", rng_below(2) ? "ldr" : "str", es[sz], t, reg(1, g_base), off);
        break;
    }
    case 1: { /* LDP/STP S, D, Q */
        int sz = rng_range(2, 4), bytes = 1 << sz, t2;
        do {
            t2 = vreg();
        } while (t2 == t);
        int off = bytes * rng_range(-32, 31);
        emit("%s %c%d, %c%d, [%s, #%d]", rng_below(2) ? "ldp" : "stp", es[sz], t, es[sz], t2, reg(1, g_base), off);
        break;
    }
    case 2: { /* LD1-4/ST1-4 (multiple structures), post-indexed by the size */
        int a = pick_arr(A_ALL), k = rng_range(1, 4), q = a & 1;
        if (k > 1 && a == 6) {
            a = 7;
        }
        int s = emit_set_scratch(16, 0);
        char list[80];
        int p = snprintf(list, sizeof(list), "{");
        for (int i = 0; i < k; i++) {
            p += snprintf(list + p, sizeof(list) - (size_t)p, "%sv%d.%s", i ? ", " : "", (t + i) % 32, ARR[a]);
        }
        snprintf(list + p, sizeof(list) - (size_t)p, "}");
        int n = rng_range(1, 4);
        bool ld = rng_below(2);
        int total = k * (q || a == 7 ? 16 : 8);
        if (rng_below(3) == 0) { /* post-index by a register holding the same amount */
            int inc = gen_dst_avoid(1u << s);
            emit("mov %s, #%d", reg(1, inc), total);
            emit("%s%d %s, [%s], %s", ld ? "ld" : "st", n == 1 ? 1 : k, list, reg(1, s), reg(1, inc));
        } else if (rng_below(2)) {
            emit("%s%d %s, [%s], #%d", ld ? "ld" : "st", n == 1 ? 1 : k, list, reg(1, s), total);
        } else {
            emit("%s%d %s, [%s]", ld ? "ld" : "st", n == 1 ? 1 : k, list, reg(1, s));
        }
        emit_end_scratch(s);
        break;
    }
    default: { /* single structure lanes and LDnR */
        int sz = (int)rng_below(4), k = rng_range(1, 4), s = emit_set_scratch(8, 0);
        static const char *const arrs[4][2] = { {"8b", "16b"}, {"4h", "8h"}, {"2s", "4s"}, {"1d", "2d"} };
        char list[80];
        int rep = rng_below(3) == 0;
        const char *ar = rep ? arrs[sz][rng_below(2)] : (const char[]){es[sz], 0};
        int p = snprintf(list, sizeof(list), "{");
        for (int i = 0; i < k; i++) {
            p += snprintf(list + p, sizeof(list) - (size_t)p, "%sv%d.%s", i ? ", " : "", (t + i) % 32, ar);
        }
        snprintf(list + p, sizeof(list) - (size_t)p, "}");
        if (rep) {
            emit("ld%dr %s, [%s], #%d", k, list, reg(1, s), k << sz);
        } else {
            emit("%s%d %s[%d], [%s], #%d", rng_below(2) ? "ld" : "st", k, list, (int)rng_below(16u >> sz), reg(1, s), k << sz);
        }
        emit_end_scratch(s);
        break;
    }
    }
}

static void gen_simd(void)
{
    if (rng_below(5) == 0) {
        gen_simd_mem();
    } else {
        gen_simd_vector();
    }
}

static void gen_item(void)
{
    for (;;) {
        if (rng_below(100) < 35) {
            gen_simd();
            return;
        }
        unsigned r = rng_below(100);
        if (r < 17) {
            gen_dp_imm();
        } else if (r < 42) {
            gen_dp_reg();
        } else if (r < 55) {
            gen_mem_single();
        } else if (r < 63) {
            gen_mem_pair();
        } else if (r < 68) {
            gen_exclusive();
        } else if (r < 71) {
            gen_acquire_release();
        } else if (r < 73) {
            gen_barrier();
        } else if (r < 76) {
            gen_literal();
        } else if (r < 79) {
            gen_adr();
        } else if (r < 87) {
            gen_branch();
        } else if (r < 91) {
            if (g_in_loop || g_depth >= 2) {
                continue;
            }
            gen_loop();
        } else if (r < 95) {
            if (g_in_sub || g_in_loop || g_nsubs == 0) {
                continue;
            }
            gen_call();
        } else {
            if (!sp_writable()) {
                continue;
            }
            gen_sp_write();
        }
        return;
    }
}

static void gen_items(int n)
{
    for (int i = 0; i < n; i++) {
        gen_item();
    }
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
    uint64_t regs[30];
    /* Mix seed and case number through the generator first: plain seed arithmetic would
     * make seed s+1 replay seed s's stream shifted by one step. */
    rng_state = seed;
    uint64_t seed_mix = rng_next();
    rng_state = (uint64_t)k;
    rng_state = seed_mix ^ rng_next();
    for (int i = 0; i < 30; i++) {
        regs[i] = rand_value();
    }
    uint64_t nzcv = (uint64_t)rng_below(16) << 28;
    uint64_t buf_seed = rng_next() | 1;

    /* pinned registers, then a working set of 6-14 of the remaining x0-x29 */
    int perm[30];
    for (int i = 0; i < 30; i++) {
        perm[i] = i;
    }
    for (int i = 29; i > 0; i--) {
        int j = (int)rng_below((unsigned)i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    g_base = perm[0];
    g_pcreg = perm[1];
    g_nwork = rng_range(6, 14);
    for (int i = 0; i < g_nwork; i++) {
        g_work[i] = perm[2 + i];
    }
    g_sp_off = 16 * rng_range(-32, 32);
    int sp_init = g_sp_off;
    g_nowrite = 0;
    g_noread = 0;
    g_depth = 0;
    g_in_loop = 0;
    g_in_sub = 0;
    g_nsubs = rng_below(3) == 0 ? rng_range(1, MAX_SUBS) : 0;
    g_npool = 0;
    g_case = k;
    g_label = 0;
    g_ninsn = 0;

    printf("\n    .balign 4\n    .type dt_seq_%u, %%function\ndt_seq_%u:\n", k, k);
    /* V0-V31 start from the (seeded) buffer at B - 1024 and FPSR from zero */
    for (int i = 0; i < 16; i++) {
        emit("ldp q%d, q%d, [%s, #%d]", 2 * i, 2 * i + 1, reg(1, g_base), VREG_OFF + 32 * i);
    }
    emit("msr fpsr, xzr");
    gen_items(rng_range(4, 14));
    /* V0-V31 and FPSR (QC) go back to the hashed buffer */
    for (int i = 0; i < 16; i++) {
        emit("stp q%d, q%d, [%s, #%d]", 2 * i, 2 * i + 1, reg(1, g_base), VREG_OFF + 32 * i);
    }
    /* epilogue (dt-case.h): x30 beside the buffer, B in x30, back to the trampoline */
    emit("str x30, [%s, #%d]", reg(1, g_base), XFER_X30);
    emit("mrs x30, fpsr");
    emit("str x30, [%s, #%d]", reg(1, g_base), FPSR_OFF);
    emit("mov x30, %s", reg(1, g_base));
    emit("b dt_seq_return");
    g_in_sub = 1;
    g_depth = 1;
    for (int j = 0; j < g_nsubs; j++) {
        printf(".Ls%u_%d:\n", k, j);
        gen_items(rng_range(1, 6));
        emit("ret");
    }
    printf("    .size dt_seq_%u, . - dt_seq_%u\n", k, k);
    if (g_npool) {
        /* a symbol of its own keeps the pool out of dt_seq_k's disassembly */
        printf("dt_pool_%u:\n    .balign 8\n", k);
        for (int i = 0; i < g_npool; i++) {
            printf(".Lp%u_%d:\n    .quad 0x%" PRIx64 "\n", k, i, g_pool[i]);
        }
    }
    /* struct dt_case: fn, index, ninsn, buf_seed, nzcv, sp_off, base_reg, pc_reg, regs[30] */
    fprintf(table, "    .quad dt_seq_%u, %u, %u, 0x%" PRIx64 ", 0x%" PRIx64 ", %d, %d, %d\n", k,
            k, g_ninsn, buf_seed, nzcv, sp_init, g_base, g_pcreg);
    for (int i = 0; i < 30; i += 6) {
        fprintf(table, "    .quad 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64
                ", 0x%" PRIx64 ", 0x%" PRIx64 "\n", regs[i], regs[i + 1], regs[i + 2],
                regs[i + 3], regs[i + 4], regs[i + 5]);
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
    /* 4 KiB alignment: sequences sit at the same page offset in both harnesses (ADRP) */
    printf("    .text\n    .balign 4096\n");
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
