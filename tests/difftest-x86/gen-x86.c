/*
 * gen-x86.c — generator of the x86-64 differential test: writes GNU assembler (AT&T syntax)
 * with `count` random user-level instruction sequences dtx_seq_<k> (each ends in RET) and the
 * table dtx_table[k] = {code address, flags left undefined at the end, CPUID features used}.
 *   gen-x86 <seed> <count>
 * Sequence k depends only on (seed, k), so a sequence can be replayed with any count > k.
 * Invariants of every sequence (dtx-tramp.S runs them; dtx-core.c compares them):
 *  - RSP and RBP are never named: RBP holds dtx_mem + 128 and every memory operand is
 *    disp(%rbp) inside the 256-byte scratch buffer (packed SSE accesses 16-byte aligned).
 *  - No instruction reads an arithmetic flag the SDM leaves undefined at that point (a CMP that
 *    defines them all is inserted first); the flags undefined at the end are in the table.
 *  - Instruction groups: integer ALU/shift/mul/div/bit/misc, SSE..SSE4.2 (packed, scalar,
 *    conversions, shuffles, string compares, CRC32, stores, LDMXCSR/STMXCSR, MASKMOVDQU) and
 *    MMX (with SSSE3 forms and the MMX <-> XMM conversions); MM0-7 are part of the compared
 *    state. Implementation-specific results (RCPPS/RSQRTPS) are not generated.
 *  - RDI is made an offset from RBP again after MASKMOVQ/MASKMOVDQU (lea / sub).
 *  - No register ever holds an architecturally undefined value (BSF/BSR of zero: the
 *    destination is overwritten right after), no #DE (DIV/IDIV operands set up before),
 *    no privileged, BCD or x87 instruction.
 * Flag rules: Intel SDM vol. 2, "Flags Affected" of each instruction.
 * Single-threaded host program.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtx-features.h"

#define CF 0x001u
#define PF 0x004u
#define AF 0x010u
#define ZF 0x040u
#define SF 0x080u
#define OF 0x800u
#define ALLF (CF | PF | AF | ZF | SF | OF)

static uint64_t rng;
static unsigned undef; /* arithmetic flags currently undefined */
static unsigned feats; /* DTX_F_* used by the current sequence */

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static unsigned rn(unsigned n) { return (unsigned)(rnd() % n); }

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("    ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
}

static const char *const r64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const r32[16] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                                    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
static const char *const r16[16] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
                                    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
static const char *const r8[16] = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
                                   "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
static const char *const r8h[4] = {"ah", "ch", "dh", "bh"};

/* a GPR number other than RSP (4) and RBP (5) */
static int gpr(void)
{
    int r = rn(14);
    return r >= 4 ? r + 2 : r;
}
/* a GPR other than RSP, RBP and the two given */
static int gpr_not(int a, int b)
{
    int r;
    do {
        r = gpr();
    } while (r == a || r == b);
    return r;
}

static char sfx(int size) { return size == 1 ? 'b' : size == 2 ? 'w' : size == 4 ? 'l' : 'q'; }
static int width(int size) { return size * 8; }

/* Operand text. A register operand of size 1 may be a high-byte register (AH..BH) when
 * legacy_ok (no REX in the instruction). */
typedef struct {
    char s[40];
    int rex; /* 1: needs REX (SIL, R8B..); -1: high byte, forbids REX */
} Opnd;

static Opnd reg_op(int size, int r)
{
    Opnd o = {.rex = 0};
    const char *n = size == 1 ? r8[r] : size == 2 ? r16[r] : size == 4 ? r32[r] : r64[r];
    snprintf(o.s, sizeof(o.s), "%%%s", n);
    if (size == 1 && r >= 4)
        o.rex = 1;
    return o;
}
/* a random register operand of the size; high bytes allowed unless forbid_high */
static Opnd rand_reg(int size, int forbid_high, int *num)
{
    int r = gpr();
    if (num)
        *num = r;
    if (size == 1 && !forbid_high && rn(5) == 0) {
        Opnd o = {.rex = -1};
        int h = rn(4);
        snprintf(o.s, sizeof(o.s), "%%%s", r8h[h]);
        if (num)
            *num = h; /* AH..BH alias RAX..RBX */
        return o;
    }
    return reg_op(size, r);
}
/* a second register compatible with o (no high byte next to a REX register) */
static Opnd rand_reg_with(int size, Opnd o, int *num)
{
    for (;;) {
        Opnd p = rand_reg(size, o.rex == 1, num);
        if (!(o.rex == -1 && p.rex == 1))
            return p;
    }
}
static Opnd mem_op(int size, int align)
{
    Opnd o = {.rex = 0};
    int d = -128 + (int)rn(256 - size + 1);
    if (align > 1)
        d &= -align;
    snprintf(o.s, sizeof(o.s), "%d(%%rbp)", d);
    return o;
}

static uint64_t rand_val(int size)
{
    static const uint64_t special[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
                                       0x7fffffff, 0x80000000, 0xffffffff,
                                       0x7fffffffffffffffull, 0x8000000000000000ull,
                                       0xffffffffffffffffull, 0x100, 0x10000, 0x100000000ull};
    uint64_t v;
    switch (rn(4)) {
    case 0: v = special[rn(sizeof(special) / sizeof(special[0]))]; break;
    case 1: v = rn(16) - 8; break;
    default: v = rnd(); break;
    }
    return size == 8 ? v : v & ((1ull << (size * 8)) - 1);
}
/* an immediate usable with an instruction of this size (imm32 sign-extended for 64-bit) */
static int64_t rand_imm(int size)
{
    uint64_t v = rand_val(size);
    if (size == 8 || size == 4)
        return (int32_t)v;
    if (size == 2)
        return (int16_t)v;
    return (int8_t)v;
}

/* CMP of two random registers: defines all six arithmetic flags. */
static void need_flags(unsigned reads)
{
    if (reads & undef) {
        emit("cmpq %%%s, %%%s", r64[gpr()], r64[gpr()]);
        undef = 0;
    }
}
static void flags_after(unsigned defined, unsigned undefined)
{
    undef = (undef & ~defined) | undefined;
}

/* condition codes: name and flags read (SDM vol. 1 appendix B) */
static const struct {
    const char *n;
    unsigned reads;
} conds[16] = {{"o", OF}, {"no", OF}, {"b", CF}, {"ae", CF}, {"e", ZF}, {"ne", ZF},
               {"be", CF | ZF}, {"a", CF | ZF}, {"s", SF}, {"ns", SF}, {"p", PF},
               {"np", PF}, {"l", SF | OF}, {"ge", SF | OF}, {"le", ZF | SF | OF},
               {"g", ZF | SF | OF}};

static int rand_size(void) { return 1 << rn(4); }
static int rand_size_no8(void) { return 2 << rn(3); }

/* mov of a constant into a register of the size (no flags) */
static void mov_const(int size, int r, uint64_t v)
{
    if (size == 8)
        emit("movabsq $0x%" PRIx64 ", %%%s", v, r64[r]);
    else
        emit("mov%c $0x%" PRIx64 ", %s", sfx(size), v, reg_op(size, r).s);
}

/* ---- integer groups ---- */

static void gen_alu2(void)
{
    static const char *const ops[] = {"add", "adc", "sub", "sbb", "and", "or", "xor", "cmp",
                                      "test"};
    int op = rn(9), size = rand_size();
    const char *m = ops[op];
    unsigned reads = (op == 1 || op == 3) ? CF : 0;
    need_flags(reads);
    Opnd d, s;
    switch (rn(5)) {
    case 0: d = rand_reg(size, 0, NULL); s = rand_reg_with(size, d, NULL); break;
    case 1:
        d = rand_reg(size, 0, NULL);
        snprintf(s.s, sizeof(s.s), "$%" PRId64, rand_imm(size));
        break;
    case 2:
        d = mem_op(size, 1);
        snprintf(s.s, sizeof(s.s), "$%" PRId64, rand_imm(size));
        break;
    case 3: d = mem_op(size, 1); s = rand_reg(size, 0, NULL); break;
    default:
        if (op == 8) { /* TEST has no r, r/m form distinct from r/m, r */
            d = mem_op(size, 1);
            s = rand_reg(size, 0, NULL);
        } else {
            s = mem_op(size, 1);
            d = rand_reg(size, 0, NULL);
        }
        break;
    }
    emit("%s%c %s, %s", m, sfx(size), s.s, d.s);
    if (op >= 4 && op != 7)
        flags_after(ALLF & ~AF, AF);
    else
        flags_after(ALLF, 0);
}

static void gen_alu1(void)
{
    static const char *const ops[] = {"inc", "dec", "neg", "not"};
    int op = rn(4), size = rand_size();
    Opnd d = rn(3) ? rand_reg(size, 0, NULL) : mem_op(size, 1);
    emit("%s%c %s", ops[op], sfx(size), d.s);
    if (op < 2)
        flags_after(OF | SF | ZF | AF | PF, 0);
    else if (op == 2)
        flags_after(ALLF, 0);
}

static unsigned rand_count(int size)
{
    int w = width(size);
    switch (rn(6)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return w - 1 + rn(3); /* w-1, w, w+1 */
    case 3: return 31 + rn(2) * 32 + rn(2); /* 31/32/63/64: masking */
    default: return rn(256);
    }
}

/* count operand: an immediate or CL loaded with the count */
static void count_operand(unsigned c, char *buf, size_t n)
{
    if (rn(2)) {
        snprintf(buf, n, "$%u", c);
    } else {
        emit("movb $%u, %%cl", c);
        snprintf(buf, n, "%%cl");
    }
}

static void gen_shift(void)
{
    static const char *const ops[] = {"shl", "shr", "sar", "rol", "ror", "rcl", "rcr"};
    int op = rn(7), size = rand_size();
    unsigned c = rand_count(size), mc = c & (size == 8 ? 63 : 31);
    char cnt[8];
    if (op >= 5)
        need_flags(CF);
    count_operand(c, cnt, sizeof(cnt));
    /* a CL count may also be (part of) the destination: it is read before the write */
    Opnd d = rn(3) == 0 ? mem_op(size, 1) : rand_reg(size, 0, NULL);
    emit("%s%c %s, %s", ops[op], sfx(size), cnt, d.s);
    if (mc == 0)
        return;
    if (op < 3) {
        unsigned u = AF | (mc > 1 ? OF : 0);
        if (op < 2 && mc >= (unsigned)width(size))
            u |= CF;
        flags_after(CF | SF | ZF | PF | OF, u);
    } else {
        flags_after(CF | OF, mc > 1 ? OF : 0);
    }
}

static void gen_shxd(void)
{
    int size = rand_size_no8(), left = rn(2);
    unsigned c;
    if (size == 2)
        c = rn(16) + (rn(4) == 0 ? 32 : 0); /* masked count <= 15: 16-bit results defined */
    else
        c = rand_count(size);
    unsigned mc = c & (size == 8 ? 63 : 31);
    char cnt[8];
    count_operand(c, cnt, sizeof(cnt));
    int rs;
    Opnd s = rand_reg(size, 0, &rs);
    Opnd d = rn(3) == 0 ? mem_op(size, 1) : rand_reg(size, 0, NULL);
    emit("sh%cd%c %s, %s, %s", left ? 'l' : 'r', sfx(size), cnt, s.s, d.s);
    if (mc)
        flags_after(CF | SF | ZF | PF | OF, AF | (mc > 1 ? OF : 0));
}

static void gen_mul(void)
{
    int form = rn(4), size = rand_size();
    if (form >= 2 && size == 1)
        size = 4;
    Opnd s = rn(3) == 0 ? mem_op(size, 1) : rand_reg(size, 0, NULL);
    switch (form) {
    case 0: emit("mul%c %s", sfx(size), s.s); break;
    case 1: emit("imul%c %s", sfx(size), s.s); break;
    case 2: emit("imul%c %s, %s", sfx(size), s.s, rand_reg(size, 0, NULL).s); break;
    default:
        emit("imul%c $%" PRId64 ", %s, %s", sfx(size), rand_imm(size), s.s,
             rand_reg(size, 0, NULL).s);
        break;
    }
    flags_after(CF | OF, SF | ZF | AF | PF);
}

static void gen_div(void)
{
    int size = rand_size(), sgn = rn(2), r = 0;
    uint64_t mask = size == 8 ? ~0ull : (1ull << (size * 8)) - 1, d;
    if (sgn) {
        do {
            d = rn(2) ? rnd() & mask : (uint64_t)(int64_t)(rn(64) - 32) & mask;
            int64_t sd = size == 8 ? (int64_t)d : size == 4 ? (int32_t)d
                                                : size == 2 ? (int16_t)d : (int8_t)d;
            if (sd >= 2 || sd <= -2)
                break;
        } while (1);
    } else {
        do {
            d = rn(2) ? rnd() & mask : rn(300) & mask;
        } while (d == 0);
    }
    /* the divisor: a register other than RAX/RDX, or memory */
    Opnd s;
    if (rn(3) == 0) {
        s = mem_op(size, 1);
        if (size == 8 && (int64_t)d != (int32_t)d) {
            r = gpr_not(0, 2);
            mov_const(8, r, d);
            emit("movq %%%s, %s", r64[r], s.s);
        } else {
            emit("mov%c $%" PRId64 ", %s", sfx(size), size == 8 ? (int64_t)d : (int64_t)d, s.s);
        }
    } else {
        r = gpr_not(0, 2);
        mov_const(size, r, d);
        s = reg_op(size, r);
    }
    if (sgn) {
        static const char *const ext[] = {"", "cbtw", "cwtd", "", "cltd", "", "", "", "cqto"};
        emit("%s", ext[size]);
        emit("idiv%c %s", sfx(size), s.s);
    } else {
        uint64_t x = rnd() % d;
        if (size == 1)
            emit("movb $%" PRIu64 ", %%ah", x);
        else
            mov_const(size, 2, x);
        emit("div%c %s", sfx(size), s.s);
    }
    flags_after(0, ALLF);
}

static void gen_bt(void)
{
    static const char *const ops[] = {"bt", "bts", "btr", "btc"};
    int op = rn(4), size = rand_size_no8();
    switch (rn(4)) {
    case 0: {
        Opnd d = rand_reg(size, 0, NULL);
        emit("%s%c %s, %s", ops[op], sfx(size), rand_reg(size, 0, NULL).s, d.s);
        break;
    }
    case 1:
        emit("%s%c $%u, %s", ops[op], sfx(size), rn(256), rand_reg(size, 0, NULL).s);
        break;
    case 2: emit("%s%c $%u, %s", ops[op], sfx(size), rn(256), mem_op(size, 1).s); break;
    default: {
        /* register bit offset into memory: offset in [-256, 255] so the access stays in the
         * buffer (disp in [-64, 56]) */
        int r = gpr();
        int k = (int)rn(512) - 256;
        mov_const(size, r, (uint64_t)(int64_t)k & (size == 8 ? ~0ull : (1ull << (size * 8)) - 1));
        int disp = -64 + (int)rn(121);
        emit("%s%c %s, %d(%%rbp)", ops[op], sfx(size), reg_op(size, r).s, disp);
        break;
    }
    }
    flags_after(CF, OF | SF | AF | PF);
}

static void gen_bsf(void)
{
    int size = rand_size_no8(), bsr = rn(2), rd, rs;
    int zero = rn(8) == 0;
    Opnd s;
    if (rn(3) == 0) {
        s = mem_op(size, 1);
        if (zero)
            emit("mov%c $0, %s", sfx(size), s.s);
        else
            emit("bts%c $%u, %s", sfx(size), rn(width(size)), s.s);
    } else {
        s = rand_reg(size, 0, &rs);
        if (zero)
            emit("mov%c $0, %s", sfx(size), s.s);
        else
            emit("bts%c $%u, %s", sfx(size), rn(width(size)), s.s);
    }
    if (!zero)
        flags_after(CF, OF | SF | AF | PF);
    Opnd d = rand_reg(size, 0, &rd);
    emit("bs%c%c %s, %s", bsr ? 'r' : 'f', sfx(size), s.s, d.s);
    flags_after(ZF, CF | OF | SF | AF | PF);
    if (zero) /* destination undefined (SDM BSF/BSR): overwrite it */
        mov_const(8, rd, rnd());
}

static void gen_cnt(void)
{
    int kind = rn(3), size = rand_size_no8();
    static const char *const ops[] = {"popcnt", "lzcnt", "tzcnt"};
    static const unsigned f[] = {DTX_F_POPCNT, DTX_F_LZCNT, DTX_F_BMI1};
    Opnd s = rn(3) == 0 ? mem_op(size, 1) : rand_reg(size, 0, NULL);
    if (rn(6) == 0)
        emit("mov%c $0, %s", sfx(size), s.s);
    emit("%s%c %s, %s", ops[kind], sfx(size), s.s, rand_reg(size, 0, NULL).s);
    feats |= f[kind];
    if (kind == 0)
        flags_after(ALLF, 0);
    else
        flags_after(ZF | CF, OF | SF | PF | AF);
}

static void gen_misc(void)
{
    int size, r;
    switch (rn(14)) {
    case 0: {
        size = 4 << rn(2);
        emit("bswap %s", rand_reg(size, 0, NULL).s);
        break;
    }
    case 1: { /* MOVSX/MOVZX */
        static const char *const f[] = {"movsbw", "movsbl", "movsbq", "movswl", "movswq",
                                        "movslq", "movzbw", "movzbl", "movzbq", "movzwl",
                                        "movzwq"};
        static const int ss[] = {1, 1, 1, 2, 2, 4, 1, 1, 1, 2, 2};
        static const int ds[] = {2, 4, 8, 4, 8, 8, 2, 4, 8, 4, 8};
        int i = rn(11);
        Opnd d = rand_reg(ds[i], 0, NULL);
        Opnd s = rn(3) == 0 ? mem_op(ss[i], 1) : rand_reg(ss[i], 1, NULL);
        emit("%s %s, %s", f[i], s.s, d.s);
        break;
    }
    case 2: { /* CMOVcc */
        int c = rn(16);
        size = rand_size_no8();
        need_flags(conds[c].reads);
        Opnd s = rn(3) == 0 ? mem_op(size, 1) : rand_reg(size, 0, NULL);
        emit("cmov%s%c %s, %s", conds[c].n, sfx(size), s.s, rand_reg(size, 0, NULL).s);
        break;
    }
    case 3: { /* SETcc */
        int c = rn(16);
        need_flags(conds[c].reads);
        emit("set%s %s", conds[c].n, rn(3) == 0 ? mem_op(1, 1).s : rand_reg(1, 0, NULL).s);
        break;
    }
    case 4: { /* LEA */
        static const int sizes[] = {2, 4, 8};
        size = sizes[rn(3)];
        int a32 = rn(4) == 0, b = gpr(), i = gpr(), sc = 1 << rn(4);
        const char *const *rr = a32 ? r32 : r64;
        int disp = rn(2) ? (int)rn(256) - 128 : (int32_t)rnd();
        Opnd d = rand_reg(size, 0, NULL);
        switch (rn(3)) {
        case 0: emit("lea%c %d(%%%s), %s", sfx(size), disp, rr[b], d.s); break;
        case 1: emit("lea%c %d(,%%%s,%d), %s", sfx(size), disp, rr[i], sc, d.s); break;
        default: emit("lea%c %d(%%%s,%%%s,%d), %s", sfx(size), disp, rr[b], rr[i], sc, d.s); break;
        }
        break;
    }
    case 5: { /* XCHG */
        size = rand_size();
        Opnd a = rand_reg(size, 0, NULL);
        Opnd b = rn(2) ? mem_op(size, 1) : rand_reg_with(size, a, NULL);
        emit("xchg%c %s, %s", sfx(size), a.s, b.s);
        break;
    }
    case 6: { /* XADD / CMPXCHG */
        size = rand_size();
        Opnd a = rand_reg(size, 0, NULL);
        Opnd b = rn(2) ? mem_op(size, 1) : rand_reg_with(size, a, NULL);
        emit("%s%c %s, %s", rn(2) ? "xadd" : "cmpxchg", sfx(size), a.s, b.s);
        flags_after(ALLF, 0);
        break;
    }
    case 7: {
        static const char *const f[] = {"cbtw", "cwtl", "cltq", "cwtd", "cltd", "cqto"};
        emit("%s", f[rn(6)]);
        break;
    }
    case 8: /* LAHF / SAHF (CPUID 80000001H:ECX.LAHF-SAHF in 64-bit mode) */
        feats |= DTX_F_LAHF;
        if (rn(2)) {
            need_flags(SF | ZF | AF | PF | CF);
            emit("lahf");
        } else {
            emit("sahf");
            flags_after(SF | ZF | AF | PF | CF, 0);
        }
        break;
    case 9: {
        static const char *const f[] = {"clc", "stc", "cmc"};
        int i = rn(3);
        if (i == 2)
            need_flags(CF);
        emit("%s", f[i]);
        flags_after(CF, 0);
        break;
    }
    case 10: /* MOV immediates */
        size = rand_size();
        r = gpr();
        if (size == 8 && rn(2))
            mov_const(8, r, rand_val(8));
        else
            emit("mov%c $%" PRId64 ", %s", sfx(size), rand_imm(size),
                 rn(3) == 0 ? mem_op(size, 1).s : reg_op(size, r).s);
        break;
    case 11: { /* MOV reg/mem */
        size = rand_size();
        Opnd a = rand_reg(size, 0, NULL);
        if (rn(2))
            emit("mov%c %s, %s", sfx(size), a.s, rn(2) ? mem_op(size, 1).s : rand_reg_with(size, a, NULL).s);
        else
            emit("mov%c %s, %s", sfx(size), mem_op(size, 1).s, a.s);
        break;
    }
    case 12:
        gen_cnt();
        break;
    default:
        gen_bsf();
        break;
    }
}

/* ---- SSE ---- */

static int xr(void) { return rn(16); }

/* second operand: xmm register or memory (aligned to 16 when the op needs it) */
static void xsrc(char *buf, size_t n, int msize, int align)
{
    if (rn(4) == 0)
        snprintf(buf, n, "%s", mem_op(msize, align).s);
    else
        snprintf(buf, n, "%%xmm%d", xr());
}

static const struct {
    const char *n;
    unsigned f;
    int msize; /* memory operand size; 16 = aligned m128, 0 = register only */
} sse2op[] = {
    /* SSE2 integer */
    {"paddb", 0, 16}, {"paddw", 0, 16}, {"paddd", 0, 16}, {"paddq", 0, 16}, {"psubb", 0, 16},
    {"psubw", 0, 16}, {"psubd", 0, 16}, {"psubq", 0, 16}, {"paddsb", 0, 16}, {"paddsw", 0, 16},
    {"paddusb", 0, 16}, {"paddusw", 0, 16}, {"psubsb", 0, 16}, {"psubsw", 0, 16},
    {"psubusb", 0, 16}, {"psubusw", 0, 16}, {"pmullw", 0, 16}, {"pmulhw", 0, 16},
    {"pmulhuw", 0, 16}, {"pmuludq", 0, 16}, {"pmaddwd", 0, 16}, {"psadbw", 0, 16},
    {"pavgb", 0, 16}, {"pavgw", 0, 16}, {"pminub", 0, 16}, {"pmaxub", 0, 16},
    {"pminsw", 0, 16}, {"pmaxsw", 0, 16}, {"pand", 0, 16}, {"pandn", 0, 16}, {"por", 0, 16},
    {"pxor", 0, 16}, {"pcmpeqb", 0, 16}, {"pcmpeqw", 0, 16}, {"pcmpeqd", 0, 16},
    {"pcmpgtb", 0, 16}, {"pcmpgtw", 0, 16}, {"pcmpgtd", 0, 16}, {"packsswb", 0, 16},
    {"packssdw", 0, 16}, {"packuswb", 0, 16}, {"punpcklbw", 0, 16}, {"punpcklwd", 0, 16},
    {"punpckldq", 0, 16}, {"punpcklqdq", 0, 16}, {"punpckhbw", 0, 16}, {"punpckhwd", 0, 16},
    {"punpckhdq", 0, 16}, {"punpckhqdq", 0, 16}, {"psllw", 0, 16}, {"pslld", 0, 16},
    {"psllq", 0, 16}, {"psrlw", 0, 16}, {"psrld", 0, 16}, {"psrlq", 0, 16}, {"psraw", 0, 16},
    {"psrad", 0, 16}, {"movdqa", 0, 16}, {"movdqu", 0, 16},
    /* SSE/SSE2 floating point */
    {"addps", 0, 16}, {"addpd", 0, 16}, {"addss", 0, 4}, {"addsd", 0, 8}, {"subps", 0, 16},
    {"subpd", 0, 16}, {"subss", 0, 4}, {"subsd", 0, 8}, {"mulps", 0, 16}, {"mulpd", 0, 16},
    {"mulss", 0, 4}, {"mulsd", 0, 8}, {"divps", 0, 16}, {"divpd", 0, 16}, {"divss", 0, 4},
    {"divsd", 0, 8}, {"minps", 0, 16}, {"minpd", 0, 16}, {"minss", 0, 4}, {"minsd", 0, 8},
    {"maxps", 0, 16}, {"maxpd", 0, 16}, {"maxss", 0, 4}, {"maxsd", 0, 8}, {"sqrtps", 0, 16},
    {"sqrtpd", 0, 16}, {"sqrtss", 0, 4}, {"sqrtsd", 0, 8}, {"andps", 0, 16}, {"andpd", 0, 16},
    {"andnps", 0, 16}, {"andnpd", 0, 16}, {"orps", 0, 16}, {"orpd", 0, 16}, {"xorps", 0, 16},
    {"xorpd", 0, 16}, {"unpcklps", 0, 16}, {"unpckhps", 0, 16}, {"unpcklpd", 0, 16},
    {"unpckhpd", 0, 16}, {"cvtps2pd", 0, 8}, {"cvtpd2ps", 0, 16}, {"cvtdq2ps", 0, 16},
    {"cvtps2dq", 0, 16}, {"cvttps2dq", 0, 16}, {"cvtdq2pd", 0, 8}, {"cvtpd2dq", 0, 16},
    {"cvttpd2dq", 0, 16}, {"cvtss2sd", 0, 4}, {"cvtsd2ss", 0, 8}, {"movaps", 0, 16},
    {"movups", 0, 16}, {"movss", 0, 4}, {"movsd", 0, 8},
    /* SSE3 */
    {"haddps", DTX_F_SSE3 | DTX_F_FP_HORIZ, 16}, {"haddpd", DTX_F_SSE3 | DTX_F_FP_HORIZ, 16}, {"hsubps", DTX_F_SSE3 | DTX_F_FP_HORIZ, 16},
    {"hsubpd", DTX_F_SSE3 | DTX_F_FP_HORIZ, 16}, {"addsubps", DTX_F_SSE3, 16}, {"addsubpd", DTX_F_SSE3, 16},
    {"movddup", DTX_F_SSE3, 8}, {"movshdup", DTX_F_SSE3, 16}, {"movsldup", DTX_F_SSE3, 16},
    /* SSSE3 */
    {"pshufb", DTX_F_SSSE3, 16}, {"phaddw", DTX_F_SSSE3, 16}, {"phaddd", DTX_F_SSSE3, 16},
    {"phaddsw", DTX_F_SSSE3, 16}, {"phsubw", DTX_F_SSSE3, 16}, {"phsubd", DTX_F_SSSE3, 16},
    {"pabsb", DTX_F_SSSE3, 16}, {"pabsw", DTX_F_SSSE3, 16}, {"pabsd", DTX_F_SSSE3, 16},
    {"psignb", DTX_F_SSSE3, 16}, {"psignw", DTX_F_SSSE3, 16}, {"psignd", DTX_F_SSSE3, 16},
    {"pmaddubsw", DTX_F_SSSE3, 16}, {"pmulhrsw", DTX_F_SSSE3, 16},
    /* SSE4.1 */
    {"pminsb", DTX_F_SSE41, 16}, {"pminsd", DTX_F_SSE41, 16}, {"pminuw", DTX_F_SSE41, 16},
    {"pminud", DTX_F_SSE41, 16}, {"pmaxsb", DTX_F_SSE41, 16}, {"pmaxsd", DTX_F_SSE41, 16},
    {"pmaxuw", DTX_F_SSE41, 16}, {"pmaxud", DTX_F_SSE41, 16}, {"pmulld", DTX_F_SSE41, 16},
    {"pmuldq", DTX_F_SSE41, 16}, {"pcmpeqq", DTX_F_SSE41, 16}, {"packusdw", DTX_F_SSE41, 16},
    {"pmovsxbw", DTX_F_SSE41, 8}, {"pmovzxbw", DTX_F_SSE41, 8}, {"pmovsxwd", DTX_F_SSE41, 8},
    {"pmovzxdq", DTX_F_SSE41, 8}, {"pmovsxbd", DTX_F_SSE41, 4}, {"pmovzxbq", DTX_F_SSE41, 2},
    {"phminposuw", DTX_F_SSE41, 16}, {"pmovsxbd", DTX_F_SSE41, 4}, {"pmovsxbq", DTX_F_SSE41, 2},
    {"pmovsxwq", DTX_F_SSE41, 4}, {"pmovsxdq", DTX_F_SSE41, 8}, {"pmovzxbd", DTX_F_SSE41, 4},
    {"pmovzxwd", DTX_F_SSE41, 8}, {"pmovzxwq", DTX_F_SSE41, 4}, {"phsubsw", DTX_F_SSSE3, 16},
    /* SSE4.2 */
    {"pcmpgtq", DTX_F_SSE42, 16},
    /* (RCPPS/RSQRTPS/RCPSS/RSQRTSS are left out: their approximations differ between
     * implementations, SDM vol. 2 RCPPS "relative error ... 1.5 * 2^-12") */
};

static const struct {
    const char *n;
    unsigned f, immmax;
    int msize;
} sseimm[] = {
    {"pshufd", 0, 256, 16}, {"pshuflw", 0, 256, 16}, {"pshufhw", 0, 256, 16},
    {"shufps", 0, 256, 16}, {"shufpd", 0, 4, 16}, {"cmpps", 0, 8, 16}, {"cmppd", 0, 8, 16},
    {"cmpss", 0, 8, 4}, {"cmpsd", 0, 8, 8}, {"psllw", 0, 20, 0}, {"pslld", 0, 36, 0},
    {"psllq", 0, 68, 0}, {"psrlw", 0, 20, 0}, {"psrld", 0, 36, 0}, {"psrlq", 0, 68, 0},
    {"psraw", 0, 20, 0}, {"psrad", 0, 36, 0}, {"pslldq", 0, 20, 0}, {"psrldq", 0, 20, 0},
    {"palignr", DTX_F_SSSE3, 34, 16}, {"blendps", DTX_F_SSE41, 16, 16},
    {"blendpd", DTX_F_SSE41, 4, 16}, {"pblendw", DTX_F_SSE41, 256, 16},
    {"roundps", DTX_F_SSE41, 16, 16}, {"roundsd", DTX_F_SSE41, 16, 8},
    {"insertps", DTX_F_SSE41, 256, 4}, {"roundss", DTX_F_SSE41, 16, 4},
    {"roundpd", DTX_F_SSE41, 16, 16}, {"mpsadbw", DTX_F_SSE41, 8, 16},
    {"dppd", DTX_F_SSE41, 256, 16}, {"dpps", DTX_F_SSE41, 256, 16},
};

static void gen_sse(void)
{
    char s[40];
    switch (rn(10)) {
    case 0: case 1: case 2: case 3: case 4: {
        int i = rn(sizeof(sse2op) / sizeof(sse2op[0]));
        feats |= sse2op[i].f;
        xsrc(s, sizeof(s), sse2op[i].msize, sse2op[i].msize == 16 ? 16 : 1);
        emit("%s %s, %%xmm%d", sse2op[i].n, s, xr());
        break;
    }
    case 5: case 6: {
        int i = rn(sizeof(sseimm) / sizeof(sseimm[0]));
        feats |= sseimm[i].f;
        if (sseimm[i].msize)
            xsrc(s, sizeof(s), sseimm[i].msize, sseimm[i].msize == 16 ? 16 : 1);
        else
            snprintf(s, sizeof(s), "%%xmm%d", xr());
        if (sseimm[i].msize == 0) /* shift by immediate: register only, one operand */
            emit("%s $%u, %%xmm%d", sseimm[i].n, rn(sseimm[i].immmax), xr());
        else
            emit("%s $%u, %s, %%xmm%d", sseimm[i].n, rn(sseimm[i].immmax), s, xr());
        break;
    }
    case 7: { /* compares into EFLAGS: ZF PF CF from the result, OF SF AF cleared */
        static const char *const f[] = {"comiss", "ucomiss", "comisd", "ucomisd"};
        int i = rn(4);
        xsrc(s, sizeof(s), i < 2 ? 4 : 8, 1);
        emit("%s %s, %%xmm%d", f[i], s, xr());
        flags_after(ALLF, 0);
        break;
    }
    case 8: { /* GPR <-> XMM */
        int r = gpr(), x = xr();
        switch (rn(11)) {
        case 0: emit("movd %%%s, %%xmm%d", r32[r], x); break;
        case 1: emit("movq %%%s, %%xmm%d", r64[r], x); break;
        case 2: emit("movd %%xmm%d, %%%s", x, r32[r]); break;
        case 3: emit("movq %%xmm%d, %%%s", x, r64[r]); break;
        case 4: emit("pmovmskb %%xmm%d, %%%s", x, r32[r]); break;
        case 5: emit("movmskp%c %%xmm%d, %%%s", rn(2) ? 's' : 'd', x, r32[r]); break;
        case 6: emit("pextrw $%u, %%xmm%d, %%%s", rn(8), x, r32[r]); break;
        case 7: emit("pinsrw $%u, %%%s, %%xmm%d", rn(8), r32[r], x); break;
        case 8: {
            int q = rn(2);
            emit("cvtsi2s%c%c %%%s, %%xmm%d", rn(2) ? 's' : 'd', q ? 'q' : 'l',
                 q ? r64[r] : r32[r], x);
            break;
        }
        case 9: {
            int q = rn(2);
            emit("cvt%ss%c2si %%xmm%d, %%%s", rn(2) ? "t" : "", rn(2) ? 's' : 'd', x,
                 q ? r64[r] : r32[r]);
            break;
        }
        default:
            feats |= DTX_F_SSE41;
            switch (rn(4)) {
            case 0: emit("pextrd $%u, %%xmm%d, %%%s", rn(4), x, r32[r]); break;
            case 1: emit("pinsrq $%u, %%%s, %%xmm%d", rn(2), r64[r], x); break;
            case 2: emit("pextrb $%u, %%xmm%d, %%%s", rn(16), x, r32[r]); break;
            default:
                emit("ptest %%xmm%d, %%xmm%d", xr(), x);
                flags_after(ALLF, 0);
                break;
            }
            break;
        }
        break;
    }
    default: { /* moves with memory / between halves */
        int x = xr();
        switch (rn(7)) {
        case 0: emit("movdqa %%xmm%d, %s", x, mem_op(16, 16).s); break;
        case 1: emit("movups %%xmm%d, %s", x, mem_op(16, 1).s); break;
        case 2: emit("movs%c %%xmm%d, %s", rn(2) ? 's' : 'd', x, mem_op(8, 1).s); break;
        case 3: emit("movhlps %%xmm%d, %%xmm%d", xr(), x); break;
        case 4: emit("movlhps %%xmm%d, %%xmm%d", xr(), x); break;
        case 5: emit("mov%cp%c %s, %%xmm%d", rn(2) ? 'h' : 'l', rn(2) ? 's' : 'd',
                     mem_op(8, 1).s, x); break;
        default: emit("movq %s, %%xmm%d", mem_op(8, 1).s, x); break;
        }
        break;
    }
    }
}

/* SSE4.1/4.2 forms with implicit or GPR operands, stores, LDMXCSR/STMXCSR */
static void gen_sse_more(void)
{
    char s[40];
    int x = xr(), r = gpr();
    switch (rn(12)) {
    case 0: { /* BLENDVPS/PD, PBLENDVB: XMM0 is the implicit mask */
        static const char *const f[] = {"blendvps", "blendvpd", "pblendvb"};
        feats |= DTX_F_SSE41;
        xsrc(s, sizeof(s), 16, 16);
        emit("%s %%xmm0, %s, %%xmm%d", f[rn(3)], s, x);
        break;
    }
    case 1: { /* PCMPESTRI/M, PCMPISTRI/M: ECX or XMM0; CF ZF SF OF defined, AF PF cleared */
        static const char *const f[] = {"pcmpestri", "pcmpestrm", "pcmpistri", "pcmpistrm"};
        feats |= DTX_F_SSE42;
        xsrc(s, sizeof(s), 16, 1);
        emit("%s $%u, %s, %%xmm%d", f[rn(4)], rn(128), s, x);
        flags_after(ALLF, 0);
        break;
    }
    case 2: { /* CRC32 */
        int size = rand_size();
        feats |= DTX_F_SSE42;
        Opnd src = rn(3) == 0 ? mem_op(size, 1) : rand_reg(size, 1, NULL);
        emit("crc32%c %s, %%%s", sfx(size), src.s, size == 8 ? r64[r] : r32[r]);
        break;
    }
    case 3: /* PINSRB/D/Q, from a GPR or memory */
        feats |= DTX_F_SSE41;
        switch (rn(3)) {
        case 0: emit("pinsrb $%u, %s, %%xmm%d", rn(16), rn(2) ? mem_op(1, 1).s : reg_op(4, r).s, x); break;
        case 1: emit("pinsrd $%u, %s, %%xmm%d", rn(4), rn(2) ? mem_op(4, 1).s : reg_op(4, r).s, x); break;
        default: emit("pinsrq $%u, %s, %%xmm%d", rn(2), rn(2) ? mem_op(8, 1).s : reg_op(8, r).s, x); break;
        }
        break;
    case 4: /* PEXTRB/W/D/Q, EXTRACTPS to a GPR or memory */
        feats |= DTX_F_SSE41;
        switch (rn(5)) {
        case 0: emit("pextrb $%u, %%xmm%d, %s", rn(16), x, rn(2) ? mem_op(1, 1).s : reg_op(4, r).s); break;
        case 1: emit("pextrw $%u, %%xmm%d, %s", rn(8), x, mem_op(2, 1).s); break;
        case 2: emit("pextrd $%u, %%xmm%d, %s", rn(4), x, mem_op(4, 1).s); break;
        case 3: emit("pextrq $%u, %%xmm%d, %s", rn(2), x, rn(2) ? mem_op(8, 1).s : reg_op(8, r).s); break;
        default: emit("extractps $%u, %%xmm%d, %s", rn(4), x, rn(2) ? mem_op(4, 1).s : reg_op(4, r).s); break;
        }
        break;
    case 5: { /* stores */
        static const char *const f[] = {"movntps", "movntpd", "movntdq", "movaps", "movapd",
                                        "movupd", "movdqu"};
        int i = rn(7);
        emit("%s %%xmm%d, %s", f[i], x, mem_op(16, i < 5 ? 16 : 1).s);
        break;
    }
    case 6: { /* 64/32-bit stores */
        static const char *const f[] = {"movlps", "movhps", "movlpd", "movhpd", "movq", "movd"};
        int i = rn(6);
        emit("%s %%xmm%d, %s", f[i], x, mem_op(i == 5 ? 4 : 8, 1).s);
        break;
    }
    case 7: /* loads only memory can give */
        if (rn(2)) {
            feats |= DTX_F_SSE41;
            emit("movntdqa %s, %%xmm%d", mem_op(16, 16).s, x);
        } else {
            feats |= DTX_F_SSE3;
            emit("lddqu %s, %%xmm%d", mem_op(16, 1).s, x);
        }
        break;
    case 8: { /* LDMXCSR (exceptions stay masked) / STMXCSR */
        Opnd m = mem_op(4, 1);
        if (rn(2)) {
            uint32_t v = 0x1f80 | (uint32_t)rn(4) << 13 | (rn(4) ? 0 : 0x8000) |
                         (rn(4) ? 0 : 0x40) | (rn(2) ? rn(64) : 0);
            emit("movl $0x%x, %s", v, m.s);
            emit("ldmxcsr %s", m.s);
        } else {
            /* the DE bit of the stored copy is cleared: the final MXCSR still compares it,
             * and the oracle's DTX_Q_MXCSR_DE quirk can only mask the register */
            emit("stmxcsr %s", m.s);
            emit("andb $0xfd, %s", m.s);
            flags_after(ALLF & ~AF, AF);
        }
        break;
    }
    case 9: { /* conversions from memory */
        int q = rn(2);
        if (rn(2))
            emit("cvtsi2s%c%c %s, %%xmm%d", rn(2) ? 's' : 'd', q ? 'q' : 'l',
                 mem_op(q ? 8 : 4, 1).s, x);
        else {
            int d = rn(2);
            emit("cvt%ss%c2si %s, %%%s", rn(2) ? "t" : "", d ? 'd' : 's', mem_op(d ? 8 : 4, 1).s,
                 q ? r64[r] : r32[r]);
        }
        break;
    }
    case 10: /* PTEST with memory */
        feats |= DTX_F_SSE41;
        emit("ptest %s, %%xmm%d", mem_op(16, 16).s, x);
        flags_after(ALLF, 0);
        break;
    default: /* MASKMOVDQU: DS:RDI into the buffer, RDI made an offset again afterwards */
        emit("lea %d(%%rbp), %%rdi", -128 + 16 * (int)rn(15));
        emit("maskmovdqu %%xmm%d, %%xmm%d", xr(), x);
        emit("sub %%rbp, %%rdi");
        flags_after(ALLF, 0);
        break;
    }
}

/* MMX (SDM vol. 1 ch. 9), SSSE3 on MM registers, and the MMX <-> SSE conversions */
static const struct {
    const char *n;
    unsigned f;
} mmxop[] = {
    {"paddb", 0}, {"paddw", 0}, {"paddd", 0}, {"paddq", 0}, {"psubb", 0}, {"psubw", 0},
    {"psubd", 0}, {"psubq", 0}, {"paddsb", 0}, {"paddsw", 0}, {"paddusb", 0}, {"paddusw", 0},
    {"psubsb", 0}, {"psubsw", 0}, {"psubusb", 0}, {"psubusw", 0}, {"pmullw", 0},
    {"pmulhw", 0}, {"pmulhuw", 0}, {"pmuludq", 0}, {"pmaddwd", 0}, {"psadbw", 0},
    {"pavgb", 0}, {"pavgw", 0}, {"pminub", 0}, {"pmaxub", 0}, {"pminsw", 0}, {"pmaxsw", 0},
    {"pand", 0}, {"pandn", 0}, {"por", 0}, {"pxor", 0}, {"pcmpeqb", 0}, {"pcmpeqw", 0},
    {"pcmpeqd", 0}, {"pcmpgtb", 0}, {"pcmpgtw", 0}, {"pcmpgtd", 0}, {"packsswb", 0},
    {"packssdw", 0}, {"packuswb", 0}, {"punpcklbw", 0}, {"punpcklwd", 0}, {"punpckldq", 0},
    {"punpckhbw", 0}, {"punpckhwd", 0}, {"punpckhdq", 0}, {"psllw", 0}, {"pslld", 0},
    {"psllq", 0}, {"psrlw", 0}, {"psrld", 0}, {"psrlq", 0}, {"psraw", 0}, {"psrad", 0},
    {"movq", 0}, {"pshufb", DTX_F_SSSE3}, {"phaddw", DTX_F_SSSE3}, {"phaddd", DTX_F_SSSE3},
    {"phaddsw", DTX_F_SSSE3}, {"phsubw", DTX_F_SSSE3}, {"phsubd", DTX_F_SSSE3},
    {"phsubsw", DTX_F_SSSE3}, {"pabsb", DTX_F_SSSE3}, {"pabsw", DTX_F_SSSE3},
    {"pabsd", DTX_F_SSSE3}, {"psignb", DTX_F_SSSE3}, {"psignw", DTX_F_SSSE3},
    {"psignd", DTX_F_SSSE3}, {"pmaddubsw", DTX_F_SSSE3}, {"pmulhrsw", DTX_F_SSSE3},
};

static void gen_mmx(void)
{
    int m = rn(8), r = gpr();
    char s[40];
    if (rn(4) == 0)
        snprintf(s, sizeof(s), "%s", mem_op(8, 1).s);
    else
        snprintf(s, sizeof(s), "%%mm%d", rn(8));
    switch (rn(8)) {
    case 0: case 1: case 2: {
        int i = rn(sizeof(mmxop) / sizeof(mmxop[0]));
        feats |= mmxop[i].f;
        emit("%s %s, %%mm%d", mmxop[i].n, s, m);
        break;
    }
    case 3: { /* immediates */
        static const char *const f[] = {"psllw", "pslld", "psllq", "psrlw", "psrld", "psrlq",
                                        "psraw", "psrad"};
        switch (rn(3)) {
        case 0: emit("%s $%u, %%mm%d", f[rn(8)], rn(70), m); break;
        case 1: emit("pshufw $%u, %s, %%mm%d", rn(256), s, m); break;
        default:
            feats |= DTX_F_SSSE3;
            emit("palignr $%u, %s, %%mm%d", rn(20), s, m);
            break;
        }
        break;
    }
    case 4: /* GPR <-> MM */
        switch (rn(6)) {
        case 0: emit("movd %%%s, %%mm%d", r32[r], m); break;
        case 1: emit("movq %%%s, %%mm%d", r64[r], m); break;
        case 2: emit("movd %%mm%d, %%%s", m, r32[r]); break;
        case 3: emit("movq %%mm%d, %%%s", m, r64[r]); break;
        case 4: emit("pextrw $%u, %%mm%d, %%%s", rn(4), m, r32[r]); break;
        default: emit("pmovmskb %%mm%d, %%%s", m, r32[r]); break;
        }
        break;
    case 5:
        if (rn(2))
            emit("pinsrw $%u, %s, %%mm%d", rn(4), rn(2) ? mem_op(2, 1).s : reg_op(4, r).s, m);
        else
            emit("%s %%mm%d, %s", rn(2) ? "movq" : "movntq", m, mem_op(8, 1).s);
        break;
    case 6: { /* MMX <-> XMM */
        int x = xr();
        switch (rn(8)) {
        case 0: emit("movq2dq %%mm%d, %%xmm%d", m, x); break;
        case 1: emit("movdq2q %%xmm%d, %%mm%d", x, m); break;
        case 2: emit("cvtpi2ps %s, %%xmm%d", s, x); break;
        case 3: emit("cvtpi2pd %s, %%xmm%d", s, x); break;
        case 4: emit("cvt%sps2pi %%xmm%d, %%mm%d", rn(2) ? "t" : "", x, m); break;
        case 5: emit("cvt%spd2pi %%xmm%d, %%mm%d", rn(2) ? "t" : "", x, m); break;
        case 6: emit("cvt%sps2pi %s, %%mm%d", rn(2) ? "t" : "", mem_op(8, 1).s, m); break;
        default: emit("cvt%spd2pi %s, %%mm%d", rn(2) ? "t" : "", mem_op(16, 16).s, m); break;
        }
        break;
    }
    default:
        if (rn(4) == 0) {
            emit("emms");
        } else { /* MASKMOVQ */
            emit("lea %d(%%rbp), %%rdi", -128 + 8 * (int)rn(31));
            emit("maskmovq %%mm%d, %%mm%d", rn(8), m);
            emit("sub %%rbp, %%rdi");
            flags_after(ALLF, 0);
        }
        break;
    }
}

static void gen_seq(uint64_t seed, unsigned k)
{
    rng = seed * 0x100000001b3ull ^ ((uint64_t)k << 20) ^ 0x5eed;
    rnd();
    undef = 0;
    feats = 0;
    printf("    .globl dtx_seq_%u\n    .type dtx_seq_%u, @function\ndtx_seq_%u:\n", k, k, k);
    int n = 2 + rn(11);
    for (int i = 0; i < n; i++) {
        switch (rn(16)) {
        case 0: case 1: case 2: gen_alu2(); break;
        case 3: gen_alu1(); break;
        case 4: case 5: gen_shift(); break;
        case 6: gen_shxd(); break;
        case 7: gen_mul(); break;
        case 8: gen_div(); break;
        case 9: gen_bt(); break;
        case 10: case 11: gen_misc(); break;
        case 12: gen_sse_more(); break;
        case 13: gen_mmx(); break;
        default: gen_sse(); break;
        }
    }
    emit("ret");
    printf("    .size dtx_seq_%u, .-dtx_seq_%u\n", k, k);
    printf("    .pushsection .rodata\n    .quad dtx_seq_%u\n    .long 0x%x, 0x%x\n"
           "    .popsection\n", k, undef, feats);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s <seed> <count>\n", argv[0]);
        return 2;
    }
    uint64_t seed = strtoull(argv[1], NULL, 0);
    unsigned count = (unsigned)strtoul(argv[2], NULL, 0);
    if (count == 0) {
        fprintf(stderr, "gen-x86: count must be > 0\n");
        return 2;
    }
    printf("# generated by gen-x86 %" PRIu64 " %u: do not edit\n", seed, count);
    printf("    .section .rodata\n    .balign 8\n    .globl dtx_seed, dtx_count, dtx_table\n"
           "dtx_seed: .quad %" PRIu64 "\ndtx_count: .quad %u\ndtx_table:\n", seed, count);
    printf("    .text\n");
    for (unsigned k = 0; k < count; k++)
        gen_seq(seed, k);
    printf("    .section .note.GNU-stack,\"\",@progbits\n");
    return 0;
}
