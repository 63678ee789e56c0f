/*
 * test-x86-cc.c — target-x86/cc-helper.c against the host CPU (x86-64: the oracle). Each case
 * runs the real instruction with inline asm (popf to set the flags in, pushf to read them out)
 * on random and edge operands at every operand size, fills cc_op/cc_dst/cc_src/cc_src2 the way
 * the translator will (cc-helper.h) and compares every flag the SDM defines; the undefined
 * ones are masked with x86_cc_undefined_mask(). compute_c and x86_cc_test are checked against
 * compute_all on every case, and x86_cc_test against the host's SETcc.
 *
 * What the host (AMD EPYC) does with the undefined flags, as seen with X86CC_STRICT=1 (which
 * compares them too and prints per-flag mismatch counts instead of failing); the helpers match
 * it where that costs nothing:
 *   AND/OR/XOR/TEST/ANDN/BLS*: AF = 0 (matched).  SHL/SHR/SAR/SHLD/SHRD: AF = 1 (matched);
 *   OF for counts > 1 as the count-1 formula on the result (matched, see cc-helper.h).
 *   ROL/ROR/RCL/RCR: OF for counts > 1 likewise (matched).  MUL/IMUL: SF ZF AF PF unchanged
 *   from before the instruction (not matched: we give SF ZF PF of the low half, AF = 0).
 *   LZCNT/TZCNT: SF AF PF = 0 (matched), OF unchanged (we clear it).  BSF/BSR: CF OF SF AF = 0
 *   (matched), PF = parity of the result (we give 0).  SHLD/SHRD/16 with counts > 16: result
 *   and flags undefined, masked whole.
 *
 * The asm wrappers step over the red zone (lea -128(%rsp)) before pushing: the compiler may
 * keep locals there in this leaf code.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "target-x86/cc-helper.h"

/* ---- host wrappers: one function per instruction and size (the macros only define them) ---- */

#define FLAGS_IN "lea -128(%%rsp), %%rsp\n\tpush %[fin]\n\tpopf\n\t"
#define FLAGS_OUT "\n\tpushf\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp"

typedef uint64_t (*HostOp)(uint64_t a, uint64_t b, uint64_t c, uint64_t fin, uint64_t *fout);

/* a = a OP b */
#define HOST_BIN(name, insn, mod)                                                              \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint64_t fin, uint64_t *fout)     \
    {                                                                                          \
        uint64_t f;                                                                            \
        __asm__ volatile(FLAGS_IN insn " %" mod "[b], %" mod "[a]" FLAGS_OUT                  \
                         : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin)              \
                         : "cc", "memory");                                                    \
        *fout = f;                                                                             \
        return a;                                                                              \
    }
/* a = OP a */
#define HOST_UN(name, insn, mod)                                                               \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint64_t fin, uint64_t *fout)     \
    {                                                                                          \
        uint64_t f;                                                                            \
        __asm__ volatile(FLAGS_IN insn " %" mod "[a]" FLAGS_OUT                                \
                         : [a] "+r"(a), [f] "=&r"(f) : [fin] "r"(fin) : "cc", "memory");       \
        *fout = f;                                                                             \
        return a;                                                                              \
    }
/* a = a OP cl, cl = c */
#define HOST_SHIFT(name, insn, mod)                                                            \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint64_t fin, uint64_t *fout)     \
    {                                                                                          \
        uint64_t f;                                                                            \
        __asm__ volatile(FLAGS_IN insn " %%cl, %" mod "[a]" FLAGS_OUT                          \
                         : [a] "+r"(a), [f] "=&r"(f) : [fin] "r"(fin), "c"(c)                  \
                         : "cc", "memory");                                                    \
        *fout = f;                                                                             \
        return a;                                                                              \
    }
/* a = SHLD/SHRD(a, b, cl) */
#define HOST_DSHIFT(name, insn, mod)                                                           \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint64_t fin, uint64_t *fout)     \
    {                                                                                          \
        uint64_t f;                                                                            \
        __asm__ volatile(FLAGS_IN insn " %%cl, %" mod "[b], %" mod "[a]" FLAGS_OUT            \
                         : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin), "c"(c)      \
                         : "cc", "memory");                                                    \
        *fout = f;                                                                             \
        return a;                                                                              \
    }
/* one-operand MUL/IMUL: rax (and rdx) = rax * b; only the flags are used */
#define HOST_MUL(name, insn, mod)                                                              \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint64_t fin, uint64_t *fout)     \
    {                                                                                          \
        uint64_t f, d = 0;                                                                     \
        __asm__ volatile(FLAGS_IN insn " %" mod "[b]" FLAGS_OUT                                \
                         : "+a"(a), "+d"(d), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin)         \
                         : "cc", "memory");                                                    \
        *fout = f;                                                                             \
        return a;                                                                              \
    }
/* a = OP(b, c) with a destination distinct from the sources (BMI, counts): VEX/three-operand */
#define HOST_TRI(name, insn, mod)                                                              \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint64_t fin, uint64_t *fout)     \
    {                                                                                          \
        uint64_t f;                                                                            \
        __asm__ volatile(FLAGS_IN insn " %" mod "[c], %" mod "[b], %" mod "[a]" FLAGS_OUT     \
                         : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [c] "r"(c), [fin] "r"(fin)  \
                         : "cc", "memory");                                                    \
        *fout = f;                                                                             \
        return a;                                                                              \
    }

#define HOST_SIZES(kind, name, insn)                                                           \
    kind(name##_b, insn, "b") kind(name##_w, insn, "w") kind(name##_l, insn, "k")              \
    kind(name##_q, insn, "q")                                                                  \
    static const HostOp name[4] = {name##_b, name##_w, name##_l, name##_q};
#define HOST_SIZES_WLQ(kind, name, insn)                                                       \
    kind(name##_w, insn, "w") kind(name##_l, insn, "k") kind(name##_q, insn, "q")              \
    static const HostOp name[4] = {NULL, name##_w, name##_l, name##_q};
#define HOST_SIZES_LQ(kind, name, insn)                                                        \
    kind(name##_l, insn, "k") kind(name##_q, insn, "q")                                        \
    static const HostOp name[4] = {NULL, NULL, name##_l, name##_q};

HOST_SIZES(HOST_BIN, host_add, "add")
HOST_SIZES(HOST_BIN, host_adc, "adc")
HOST_SIZES(HOST_BIN, host_sub, "sub")
HOST_SIZES(HOST_BIN, host_sbb, "sbb")
HOST_SIZES(HOST_BIN, host_cmp, "cmp")
HOST_SIZES(HOST_BIN, host_and, "and")
HOST_SIZES(HOST_BIN, host_or, "or")
HOST_SIZES(HOST_BIN, host_xor, "xor")
HOST_SIZES(HOST_BIN, host_test, "test")
HOST_SIZES(HOST_UN, host_inc, "inc")
HOST_SIZES(HOST_UN, host_dec, "dec")
HOST_SIZES(HOST_UN, host_neg, "neg")
HOST_SIZES(HOST_SHIFT, host_shl, "shl")
HOST_SIZES(HOST_SHIFT, host_shr, "shr")
HOST_SIZES(HOST_SHIFT, host_sar, "sar")
HOST_SIZES(HOST_SHIFT, host_rol, "rol")
HOST_SIZES(HOST_SHIFT, host_ror, "ror")
HOST_SIZES(HOST_SHIFT, host_rcl, "rcl")
HOST_SIZES(HOST_SHIFT, host_rcr, "rcr")
HOST_SIZES_WLQ(HOST_DSHIFT, host_shld, "shld")
HOST_SIZES_WLQ(HOST_DSHIFT, host_shrd, "shrd")
HOST_SIZES(HOST_MUL, host_mul, "mul")
HOST_SIZES(HOST_MUL, host_imul, "imul")
HOST_SIZES_LQ(HOST_BIN, host_blsi, "blsi")
HOST_SIZES_LQ(HOST_BIN, host_blsr, "blsr")
HOST_SIZES_LQ(HOST_BIN, host_blsmsk, "blsmsk")
HOST_SIZES_LQ(HOST_TRI, host_andn, "andn")
HOST_SIZES_WLQ(HOST_BIN, host_popcnt, "popcnt")
HOST_SIZES_WLQ(HOST_BIN, host_lzcnt, "lzcnt")
HOST_SIZES_WLQ(HOST_BIN, host_tzcnt, "tzcnt")
HOST_SIZES_WLQ(HOST_BIN, host_bsf, "bsf")
HOST_SIZES_WLQ(HOST_BIN, host_bsr, "bsr")

/* ---- operands ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const uint64_t edges[] = {
    0, 1, 2, 0xe, 0xf, 0x10, 0x7e, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x100, 0x7fff, 0x8000, 0x8001,
    0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x100000000ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0x8000000000000001ull, ~0ull, ~1ull,
};

/* A quarter edge values (± a little), some sparse values, the rest uniform; the upper bits
 * stay random so the helpers must ignore what is above the operation size. */
static uint64_t rnd_operand(void)
{
    uint64_t r = rnd();
    switch (r & 7) {
    case 0: case 1:
        return edges[(r >> 8) % (sizeof(edges) / sizeof(edges[0]))] + ((r >> 16) & 3) - 1;
    case 2:
        return rnd() & rnd() & rnd();
    default:
        return rnd();
    }
}

/* Shift counts: 0, 1, size-1, size, size+1, 31, 32, 63, 64 and any byte. */
static unsigned rnd_count(unsigned n)
{
    static const unsigned cs[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255};
    uint64_t r = rnd();
    if (r & 1) {
        return cs[(r >> 8) % 16];
    }
    if (r & 2) {
        return (n - 1 + ((r >> 8) % 3)) & 0xff;
    }
    return (r >> 8) & 0xff;
}

static uint32_t rnd_flags(void) { return ((uint32_t)rnd() & CC_ARITH) | EFLAGS_FIXED1; }

static uint64_t mask_of(unsigned sh) { return sh == 3 ? ~0ull : (1ull << (8 << sh)) - 1; }

static int64_t sext(uint64_t x, unsigned sh)
{
    unsigned up = 64 - (8u << sh);
    return (int64_t)(x << up) >> up;
}

/* ---- comparison ---- */

static bool strict; /* X86CC_STRICT=1: compare undefined flags too, report instead of failing */
static unsigned long strict_diff[12];

static const char *const flag_names[12] = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "", "", "", "OF"};

/* The lazy record of one case, as the translator leaves it. */
typedef struct Lazy {
    uint32_t cc_op;
    uint64_t dst, src, src2;
} Lazy;

static void check_lazy(const char *what, unsigned sh, uint64_t a, uint64_t b, uint64_t c,
                       uint32_t fin, uint64_t host, Lazy lz, uint32_t undef)
{
    uint32_t got = x86_cc_compute_all(lz.cc_op, lz.dst, lz.src, lz.src2);
    uint32_t mask = CC_ARITH & ~undef;

    if (strict) {
        uint32_t d = ((uint32_t)host ^ got) & CC_ARITH & undef;
        for (int i = 0; i < 12; i++) {
            strict_diff[i] += (d >> i) & 1;
        }
    }
    if ((got & mask) != (host & mask)) {
        cr_assert_fail("%s/%u a=%#llx b=%#llx c=%#llx fin=%#x: host flags %#llx, lazy %#x (mask %#x)",
                 what, 8u << sh, (unsigned long long)a, (unsigned long long)b,
                 (unsigned long long)c, fin, (unsigned long long)(host & CC_ARITH), got, mask);
    }
    uint32_t cf = x86_cc_compute_c(lz.cc_op, lz.dst, lz.src, lz.src2);
    if (cf != (got & CC_C)) {
        cr_assert_fail("%s/%u a=%#llx b=%#llx: compute_c %u, compute_all %#x", what, 8u << sh,
                 (unsigned long long)a, (unsigned long long)b, cf, got);
    }
    for (uint32_t cond = 0; cond < 16; cond++) {
        if (x86_cc_test(cond, lz.cc_op, lz.dst, lz.src, lz.src2) != x86_cc_eval_cond(cond, got)) {
            cr_assert_fail("%s/%u a=%#llx b=%#llx: x86_cc_test(%u) disagrees with compute_all %#x",
                     what, 8u << sh, (unsigned long long)a, (unsigned long long)b, cond, got);
        }
    }
}

static void strict_report(const char *what)
{
    if (!strict) {
        return;
    }
    printf("%-8s undefined flags differing from host:", what);
    for (int i = 0; i < 12; i++) {
        if (strict_diff[i]) {
            printf(" %s:%lu", flag_names[i], strict_diff[i]);
        }
        strict_diff[i] = 0;
    }
    printf("\n");
}

static void test_init(void) { strict = getenv("X86CC_STRICT") != NULL; }

TestSuite(x86_cc, .init = test_init);

/* At least 100,000 cases per instruction over its sizes. */
#define CASES_PER_OP 120000

static unsigned sizes_of(const HostOp *ops)
{
    unsigned k = 0;
    for (unsigned sh = 0; sh < 4; sh++) {
        k += ops[sh] != NULL;
    }
    return k;
}

/* ---- add/sub/logic/inc/dec/neg ---- */

enum ArithKind { K_ADD, K_ADC, K_SUB, K_SBB, K_CMP, K_NEG, K_AND, K_OR, K_XOR, K_TEST, K_INC, K_DEC };

static void run_arith(const char *what, const HostOp *ops, enum ArithKind k, X86FlagInsn fi)
{
    unsigned per = CASES_PER_OP / sizes_of(ops);
    for (unsigned sh = 0; sh < 4; sh++) {
        for (unsigned i = 0; ops[sh] && i < per; i++) {
            uint64_t a = rnd_operand(), b = rnd_operand(), hf;
            uint32_t fin = rnd_flags(), cin = fin & CC_C;
            uint64_t r = ops[sh](a, b, 0, fin, &hf);
            Lazy lz = {0, r, b, 0};
            switch (k) {
            case K_ADD: lz.cc_op = CC_OP_ADDB; break;
            case K_ADC: lz.cc_op = CC_OP_ADCB; lz.src2 = cin; break;
            case K_SUB: lz.cc_op = CC_OP_SUBB; break;
            case K_SBB: lz.cc_op = CC_OP_SBBB; lz.src2 = cin; break;
            case K_CMP: lz.cc_op = CC_OP_SUBB; lz.dst = a - b; break;
            case K_NEG: lz.cc_op = CC_OP_SUBB; lz.src = a; break;
            case K_TEST: lz.cc_op = CC_OP_LOGICB; lz.dst = a & b; break;
            case K_INC: lz.cc_op = CC_OP_INCB; lz.src = cin; break;
            case K_DEC: lz.cc_op = CC_OP_DECB; lz.src = cin; break;
            default: lz.cc_op = CC_OP_LOGICB; break;
            }
            lz.cc_op = x86_cc_op_sized(lz.cc_op, sh);
            check_lazy(what, sh, a, b, 0, fin, hf, lz, x86_cc_undefined_mask(fi, sh, 0));
        }
    }
    strict_report(what);
}

Test(x86_cc, add) { run_arith("add", host_add, K_ADD, X86_FI_ADD); }
Test(x86_cc, adc) { run_arith("adc", host_adc, K_ADC, X86_FI_ADC); }
Test(x86_cc, sub) { run_arith("sub", host_sub, K_SUB, X86_FI_SUB); }
Test(x86_cc, sbb) { run_arith("sbb", host_sbb, K_SBB, X86_FI_SBB); }
Test(x86_cc, cmp) { run_arith("cmp", host_cmp, K_CMP, X86_FI_CMP); }
Test(x86_cc, neg) { run_arith("neg", host_neg, K_NEG, X86_FI_NEG); }
Test(x86_cc, and) { run_arith("and", host_and, K_AND, X86_FI_AND); }
Test(x86_cc, or) { run_arith("or", host_or, K_OR, X86_FI_OR); }
Test(x86_cc, xor) { run_arith("xor", host_xor, K_XOR, X86_FI_XOR); }
Test(x86_cc, test) { run_arith("test", host_test, K_TEST, X86_FI_TEST); }
Test(x86_cc, inc) { run_arith("inc", host_inc, K_INC, X86_FI_INC); }
Test(x86_cc, dec) { run_arith("dec", host_dec, K_DEC, X86_FI_DEC); }

/* ---- shifts ---- */

enum ShiftKind { K_SHL, K_SHR, K_SAR, K_SHLD, K_SHRD };

static void run_shift(const char *what, const HostOp *ops, enum ShiftKind k, X86FlagInsn fi)
{
    unsigned per = CASES_PER_OP / sizes_of(ops);
    for (unsigned sh = 0; sh < 4; sh++) {
        unsigned n = 8u << sh;
        for (unsigned i = 0; ops[sh] && i < per; i++) {
            uint64_t a = rnd_operand(), b = rnd_operand(), hf;
            unsigned c = rnd_count(n), mc = c & (n == 64 ? 63 : 31);
            uint32_t fin = rnd_flags();
            uint64_t r = ops[sh](a, b, c, fin, &hf);
            Lazy lz = {CC_OP_EFLAGS, 0, fin, 0}; /* a zero count changes no flag */
            if (mc != 0) {
                lz.dst = r;
                if (k == K_SHL || k == K_SHLD) {
                    lz.cc_op = x86_cc_op_sized(CC_OP_SHLB, sh);
                    lz.src = a << (mc - 1);
                } else if (k == K_SHRD) {
                    lz.cc_op = x86_cc_op_sized(CC_OP_SHRB, sh);
                    lz.src = r << 1 | ((a >> (mc - 1)) & 1);
                } else {
                    lz.cc_op = x86_cc_op_sized(CC_OP_SHRB, sh);
                    lz.src = k == K_SAR ? (uint64_t)(sext(a, sh) >> (mc - 1))
                                        : (a & mask_of(sh)) >> (mc - 1);
                }
            }
            check_lazy(what, sh, a, b, c, fin, hf, lz, x86_cc_undefined_mask(fi, sh, c));
        }
    }
    strict_report(what);
}

Test(x86_cc, shl) { run_shift("shl", host_shl, K_SHL, X86_FI_SHL); }
Test(x86_cc, shr) { run_shift("shr", host_shr, K_SHR, X86_FI_SHR); }
Test(x86_cc, sar) { run_shift("sar", host_sar, K_SAR, X86_FI_SAR); }
Test(x86_cc, shld) { run_shift("shld", host_shld, K_SHLD, X86_FI_SHLD); }
Test(x86_cc, shrd) { run_shift("shrd", host_shrd, K_SHRD, X86_FI_SHRD); }

/* ---- rotates: the helper computes value and flags from materialised flags ---- */

static void run_rotate(const char *what, const HostOp *ops, X86RotKind kind, X86FlagInsn fi)
{
    unsigned per = CASES_PER_OP / sizes_of(ops);
    for (unsigned sh = 0; sh < 4; sh++) {
        unsigned n = 8u << sh;
        for (unsigned i = 0; i < per; i++) {
            uint64_t a = rnd_operand(), hf;
            unsigned c = rnd_count(n);
            uint32_t fin = rnd_flags(), ef = fin;
            uint64_t r = ops[sh](a, 0, c, fin, &hf);
            uint64_t got = x86_rotate(kind, sh, a, c, &ef);
            if (got != (r & mask_of(sh))) {
                cr_assert_fail("%s/%u a=%#llx count=%u CF=%u: host %#llx, helper %#llx", what, n,
                         (unsigned long long)a, c, fin & CC_C,
                         (unsigned long long)(r & mask_of(sh)), (unsigned long long)got);
            }
            Lazy lz = {CC_OP_EFLAGS, 0, ef, 0};
            check_lazy(what, sh, a, 0, c, fin, hf, lz, x86_cc_undefined_mask(fi, sh, c));
        }
    }
    strict_report(what);
}

Test(x86_cc, rol) { run_rotate("rol", host_rol, X86_ROT_ROL, X86_FI_ROL); }
Test(x86_cc, ror) { run_rotate("ror", host_ror, X86_ROT_ROR, X86_FI_ROR); }
Test(x86_cc, rcl) { run_rotate("rcl", host_rcl, X86_ROT_RCL, X86_FI_RCL); }
Test(x86_cc, rcr) { run_rotate("rcr", host_rcr, X86_ROT_RCR, X86_FI_RCR); }

/* ---- multiplies ---- */

static void run_mul(const char *what, const HostOp *ops, bool is_signed, X86FlagInsn fi)
{
    unsigned per = CASES_PER_OP / 4;
    for (unsigned sh = 0; sh < 4; sh++) {
        unsigned n = 8u << sh;
        for (unsigned i = 0; i < per; i++) {
            uint64_t a = rnd_operand(), b = rnd_operand(), hf, lo, hi;
            uint32_t fin = rnd_flags();
            ops[sh](a, b, 0, fin, &hf);
            if (is_signed) {
                __int128 p = (__int128)sext(a, sh) * sext(b, sh);
                lo = (uint64_t)p & mask_of(sh);
                hi = (uint64_t)(p >> n) & mask_of(sh);
                hi ^= (uint64_t)(sext(lo, sh) >> 63); /* what differs from sign-extending lo */
            } else {
                unsigned __int128 p = (unsigned __int128)(a & mask_of(sh)) * (b & mask_of(sh));
                lo = (uint64_t)p & mask_of(sh);
                hi = (uint64_t)(p >> n) & mask_of(sh);
            }
            Lazy lz = {x86_cc_op_sized(CC_OP_MULB, sh), lo, hi, 0};
            check_lazy(what, sh, a, b, 0, fin, hf, lz, x86_cc_undefined_mask(fi, sh, 0));
        }
    }
    strict_report(what);
}

Test(x86_cc, mul) { run_mul("mul", host_mul, false, X86_FI_MUL); }
Test(x86_cc, imul) { run_mul("imul", host_imul, true, X86_FI_IMUL); }

/* ---- BMI1, POPCNT, LZCNT/TZCNT, BSF/BSR ---- */

enum BitKind { K_BLSI, K_BLSR, K_ANDN, K_POPCNT, K_ZCNT, K_BSF };

static void run_bits(const char *what, const HostOp *ops, enum BitKind k, X86FlagInsn fi)
{
    unsigned per = CASES_PER_OP / sizes_of(ops);
    for (unsigned sh = 0; sh < 4; sh++) {
        for (unsigned i = 0; ops[sh] && i < per; i++) {
            uint64_t a = rnd_operand(), b = rnd_operand(), c = rnd_operand(), hf;
            uint32_t fin = rnd_flags();
            uint64_t r = ops[sh](a, b, c, fin, &hf);
            uint64_t bz = b & mask_of(sh);
            Lazy lz = {0, r, b, 0};
            switch (k) {
            case K_BLSI: lz.cc_op = x86_cc_op_sized(CC_OP_BLSIB, sh); break;
            case K_BLSR: lz.cc_op = x86_cc_op_sized(CC_OP_BLSRB, sh); break;
            case K_ANDN: lz.cc_op = x86_cc_op_sized(CC_OP_LOGICB, sh); break;
            case K_POPCNT: /* fall through: POPCNT, BSF and BSR record the source */
            case K_BSF: lz.cc_op = CC_OP_POPCNT; lz.dst = bz; break;
            default: lz.cc_op = CC_OP_ZCNT; lz.dst = r & mask_of(sh); lz.src = bz; break;
            }
            check_lazy(what, sh, b, c, 0, fin, hf, lz, x86_cc_undefined_mask(fi, sh, 0));
        }
    }
    strict_report(what);
}

Test(x86_cc, blsi) { run_bits("blsi", host_blsi, K_BLSI, X86_FI_BLSI); }
Test(x86_cc, blsr) { run_bits("blsr", host_blsr, K_BLSR, X86_FI_BLSR); }
Test(x86_cc, blsmsk) { run_bits("blsmsk", host_blsmsk, K_BLSR, X86_FI_BLSMSK); }
Test(x86_cc, andn) { run_bits("andn", host_andn, K_ANDN, X86_FI_ANDN); }
Test(x86_cc, popcnt) { run_bits("popcnt", host_popcnt, K_POPCNT, X86_FI_POPCNT); }
Test(x86_cc, lzcnt) { run_bits("lzcnt", host_lzcnt, K_ZCNT, X86_FI_LZCNT); }
Test(x86_cc, tzcnt) { run_bits("tzcnt", host_tzcnt, K_ZCNT, X86_FI_TZCNT); }
Test(x86_cc, bsf) { run_bits("bsf", host_bsf, K_BSF, X86_FI_BSF); }
Test(x86_cc, bsr) { run_bits("bsr", host_bsr, K_BSF, X86_FI_BSR); }

/* ---- conditions against the host's SETcc ---- */

#define SETCC_ALL                                                                              \
    "seto 0(%[p])\n\tsetno 1(%[p])\n\tsetb 2(%[p])\n\tsetae 3(%[p])\n\t"                \
    "sete 4(%[p])\n\tsetne 5(%[p])\n\tsetbe 6(%[p])\n\tseta 7(%[p])\n\t"                \
    "sets 8(%[p])\n\tsetns 9(%[p])\n\tsetp 10(%[p])\n\tsetnp 11(%[p])\n\t"              \
    "setl 12(%[p])\n\tsetge 13(%[p])\n\tsetle 14(%[p])\n\tsetg 15(%[p])"

/* The 16 conditions after popf of @fin (no red zone use: setcc writes through a pointer). */
static void host_setcc_flags(uint64_t fin, uint8_t out[16])
{
    __asm__ volatile("lea -128(%%rsp), %%rsp\n\tpush %[fin]\n\tpopf\n\t"
                     "lea 128(%%rsp), %%rsp\n\t" SETCC_ALL
                     : : [fin] "r"(fin), [p] "r"(out) : "cc", "memory");
}

/* The 16 conditions after "insn b, a" (CMP, TEST, ADD) at one size. */
#define HOST_SETCC(name, insn, mod)                                                            \
    static void name(uint64_t a, uint64_t b, uint8_t out[16])                                  \
    {                                                                                          \
        __asm__ volatile(insn " %" mod "[b], %" mod "[a]\n\t" SETCC_ALL                      \
                         : [a] "+r"(a) : [b] "r"(b), [p] "r"(out) : "cc", "memory");           \
    }
typedef void (*HostSetcc)(uint64_t a, uint64_t b, uint8_t out[16]);
#define HOST_SETCC_SIZES(name, insn)                                                           \
    HOST_SETCC(name##_b, insn, "b") HOST_SETCC(name##_w, insn, "w")                            \
    HOST_SETCC(name##_l, insn, "k") HOST_SETCC(name##_q, insn, "q")                            \
    static const HostSetcc name[4] = {name##_b, name##_w, name##_l, name##_q};

HOST_SETCC_SIZES(host_cmp_setcc, "cmp")
HOST_SETCC_SIZES(host_test_setcc, "test")
HOST_SETCC_SIZES(host_add_setcc, "add")

Test(x86_cc, eval_cond_all_flag_combinations)
{
    for (uint32_t bits = 0; bits < 64; bits++) {
        static const uint32_t flag[6] = {CC_C, CC_P, CC_A, CC_Z, CC_S, CC_O};
        uint32_t ef = EFLAGS_FIXED1;
        uint8_t host[16];
        for (int i = 0; i < 6; i++) {
            ef |= (bits >> i) & 1 ? flag[i] : 0;
        }
        host_setcc_flags(ef, host);
        for (uint32_t cond = 0; cond < 16; cond++) {
            cr_assert_eq(x86_cc_eval_cond(cond, ef), host[cond], "cond %u eflags %#x", cond, ef);
            cr_assert_eq(x86_cc_test(cond, CC_OP_EFLAGS, 0, ef, 0), host[cond]);
        }
    }
}

/* SUB (CMP), LOGIC (TEST) take x86_cc_test's fast paths; ADD the general one. */
Test(x86_cc, test_against_setcc)
{
    for (unsigned sh = 0; sh < 4; sh++) {
        for (unsigned i = 0; i < 40000; i++) {
            uint64_t a = rnd_operand(), b = rnd_operand();
            uint8_t hc[16], ht[16], ha[16];
            host_cmp_setcc[sh](a, b, hc);
            host_test_setcc[sh](a, b, ht);
            host_add_setcc[sh](a, b, ha);
            uint32_t sub = x86_cc_op_sized(CC_OP_SUBB, sh);
            uint32_t logic = x86_cc_op_sized(CC_OP_LOGICB, sh);
            uint32_t add = x86_cc_op_sized(CC_OP_ADDB, sh);
            for (uint32_t cond = 0; cond < 16; cond++) {
                if (x86_cc_test(cond, sub, a - b, b, 0) != hc[cond] ||
                    x86_cc_test(cond, logic, a & b, 0, 0) != ht[cond] ||
                    x86_cc_test(cond, add, a + b, b, 0) != ha[cond]) {
                    cr_assert_fail("size %u cond %u a=%#llx b=%#llx: cmp %u/%u test %u/%u "
                                   "add %u/%u", 8u << sh, cond, (unsigned long long)a,
                                   (unsigned long long)b,
                                   x86_cc_test(cond, sub, a - b, b, 0), hc[cond],
                                   x86_cc_test(cond, logic, a & b, 0, 0), ht[cond],
                                   x86_cc_test(cond, add, a + b, b, 0), ha[cond]);
                }
            }
        }
    }
}

/* XOR reg,reg: the translator records CC_OP_CLR. */
Test(x86_cc, clr_and_eflags)
{
    for (unsigned sh = 0; sh < 4; sh++) {
        uint64_t hf;
        uint64_t a = rnd_operand();
        uint32_t fin = rnd_flags();
        uint64_t r = host_xor[sh](a, a, 0, fin, &hf);
        cr_assert_eq(r & mask_of(sh), 0);
        cr_assert_eq(x86_cc_compute_all(CC_OP_CLR, 0, 0, 0), hf & CC_ARITH & ~CC_A);
    }
    for (uint32_t f = 0; f < 0x1000; f++) {
        cr_assert_eq(x86_cc_compute_all(CC_OP_EFLAGS, 0, f | 0x202, 0), f & CC_ARITH);
        cr_assert_eq(x86_cc_compute_c(CC_OP_EFLAGS, 0, f, 0), f & CC_C);
    }
}
