/*
 * test-x86-sse.c — target-x86/sse-*.c against the host CPU (x86-64 with SSE4.2: the oracle).
 * Each guest instruction is assembled at run time into a small host function
 * (movdqu (%rdi),%xmm0; movdqu (%rsi),%xmm1; <insn> %xmm1,%xmm0 [,imm]; movdqu %xmm0,(%rdi))
 * in an executable page, so every immediate can be tried without a wrapper per value; MMX
 * forms use mm0/mm1 the same way. Inputs are random with edge values mixed in (0, -1, min,
 * max, NaNs, infinities, denormals, zeros); FP ops run under every rounding mode with FTZ and
 * DAZ on and off, comparing results and MXCSR flags. The raise functions and x86_eflags_set
 * are doubles defined here (unmasked exceptions longjmp back with the vector).
 */
#include <criterion/criterion.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "target-x86/sse-helper.h"

/* ---- doubles of the functions the helpers call ---- */
static jmp_buf raise_jmp;
static uint32_t eflags_seen;

void x86_raise_exception(CPUX86State *env, int vector) { longjmp(raise_jmp, vector); }
void x86_raise_exception_err(CPUX86State *env, int vector, uint32_t err) { longjmp(raise_jmp, vector); }
void x86_eflags_set(CPUX86State *env, uint32_t value, uint32_t mask) { eflags_seen = value & mask; }

/* ---- run-time assembled host instruction ---- */
static uint8_t *code_page;

typedef void (*HostFn)(void *a, const void *b);

/* Builds: load operands, insn (opcode bytes, ModRM 0xC1 = reg 0, rm 1, optional imm8), store. */
static HostFn host_build(const char *opc, unsigned opc_len, int imm, bool mmx)
{
    static unsigned slot;
    uint8_t *p = code_page + (slot++ % 64) * 64, *start = p;
    static const uint8_t ld_x[] = {0xf3, 0x0f, 0x6f, 0x07, 0xf3, 0x0f, 0x6f, 0x0e};
    static const uint8_t st_x[] = {0xf3, 0x0f, 0x7f, 0x07, 0xc3};
    static const uint8_t ld_m[] = {0x0f, 0x6f, 0x07, 0x0f, 0x6f, 0x0e};
    static const uint8_t st_m[] = {0x0f, 0x7f, 0x07, 0x0f, 0x77, 0xc3};
    memcpy(p, mmx ? ld_m : ld_x, mmx ? sizeof(ld_m) : sizeof(ld_x));
    p += mmx ? sizeof(ld_m) : sizeof(ld_x);
    memcpy(p, opc, opc_len);
    p += opc_len;
    *p++ = 0xc1;
    if (imm >= 0) *p++ = (uint8_t)imm;
    memcpy(p, mmx ? st_m : st_x, mmx ? sizeof(st_m) : sizeof(st_x));
    __builtin___clear_cache((char *)start, (char *)start + 64);
    return (HostFn)start;
}

static void setup(void)
{
    code_page = mmap(NULL, 16384, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert(code_page != MAP_FAILED);
    srand(1234);
}

static uint64_t rnd64(void)
{
    return ((uint64_t)rand() << 62) ^ ((uint64_t)rand() << 31) ^ (uint64_t)rand();
}

/* Random element with edge values mixed in (esz bytes). */
static void fill_int(X86Vec *v, unsigned n)
{
    static const uint64_t edge[] = {0, ~0ull, 0x8080808080808080ull, 0x7f7f7f7f7f7f7f7full,
                                    0x8000800080008000ull, 0x7fff7fff7fff7fffull, 0x0001000100010001ull,
                                    0x80000000ffffffffull};
    for (unsigned i = 0; i < n / 8; i++) {
        v->q[i] = (rand() % 4 == 0) ? edge[rand() % 8] : rnd64();
    }
}

typedef struct IntCase {
    uint32_t op;
    const char *opc;
    unsigned len;
    int imm; /* -1: none; 256: try random imm8 */
} IntCase;

#define OPC(s) s, sizeof(s) - 1

static const IntCase int_cases[] = {
    {SSE_PADDB, OPC("\x66\x0f\xfc"), -1}, {SSE_PADDW, OPC("\x66\x0f\xfd"), -1},
    {SSE_PADDD, OPC("\x66\x0f\xfe"), -1}, {SSE_PADDQ, OPC("\x66\x0f\xd4"), -1},
    {SSE_PADDSB, OPC("\x66\x0f\xec"), -1}, {SSE_PADDSW, OPC("\x66\x0f\xed"), -1},
    {SSE_PADDUSB, OPC("\x66\x0f\xdc"), -1}, {SSE_PADDUSW, OPC("\x66\x0f\xdd"), -1},
    {SSE_PSUBB, OPC("\x66\x0f\xf8"), -1}, {SSE_PSUBW, OPC("\x66\x0f\xf9"), -1},
    {SSE_PSUBD, OPC("\x66\x0f\xfa"), -1}, {SSE_PSUBQ, OPC("\x66\x0f\xfb"), -1},
    {SSE_PSUBSB, OPC("\x66\x0f\xe8"), -1}, {SSE_PSUBSW, OPC("\x66\x0f\xe9"), -1},
    {SSE_PSUBUSB, OPC("\x66\x0f\xd8"), -1}, {SSE_PSUBUSW, OPC("\x66\x0f\xd9"), -1},
    {SSE_PMULLW, OPC("\x66\x0f\xd5"), -1}, {SSE_PMULHW, OPC("\x66\x0f\xe5"), -1},
    {SSE_PMULHUW, OPC("\x66\x0f\xe4"), -1}, {SSE_PMULUDQ, OPC("\x66\x0f\xf4"), -1},
    {SSE_PMADDWD, OPC("\x66\x0f\xf5"), -1}, {SSE_PMULLD, OPC("\x66\x0f\x38\x40"), -1},
    {SSE_PMULDQ, OPC("\x66\x0f\x38\x28"), -1}, {SSE_PMULHRSW, OPC("\x66\x0f\x38\x0b"), -1},
    {SSE_PMADDUBSW, OPC("\x66\x0f\x38\x04"), -1}, {SSE_PAVGB, OPC("\x66\x0f\xe0"), -1},
    {SSE_PAVGW, OPC("\x66\x0f\xe3"), -1}, {SSE_PMINUB, OPC("\x66\x0f\xda"), -1},
    {SSE_PMAXUB, OPC("\x66\x0f\xde"), -1}, {SSE_PMINSW, OPC("\x66\x0f\xea"), -1},
    {SSE_PMAXSW, OPC("\x66\x0f\xee"), -1}, {SSE_PMINSB, OPC("\x66\x0f\x38\x38"), -1},
    {SSE_PMAXSB, OPC("\x66\x0f\x38\x3c"), -1}, {SSE_PMINUW, OPC("\x66\x0f\x38\x3a"), -1},
    {SSE_PMAXUW, OPC("\x66\x0f\x38\x3e"), -1}, {SSE_PMINSD, OPC("\x66\x0f\x38\x39"), -1},
    {SSE_PMAXSD, OPC("\x66\x0f\x38\x3d"), -1}, {SSE_PMINUD, OPC("\x66\x0f\x38\x3b"), -1},
    {SSE_PMAXUD, OPC("\x66\x0f\x38\x3f"), -1}, {SSE_PCMPEQB, OPC("\x66\x0f\x74"), -1},
    {SSE_PCMPEQW, OPC("\x66\x0f\x75"), -1}, {SSE_PCMPEQD, OPC("\x66\x0f\x76"), -1},
    {SSE_PCMPEQQ, OPC("\x66\x0f\x38\x29"), -1}, {SSE_PCMPGTB, OPC("\x66\x0f\x64"), -1},
    {SSE_PCMPGTW, OPC("\x66\x0f\x65"), -1}, {SSE_PCMPGTD, OPC("\x66\x0f\x66"), -1},
    {SSE_PCMPGTQ, OPC("\x66\x0f\x38\x37"), -1}, {SSE_PAND, OPC("\x66\x0f\xdb"), -1},
    {SSE_PANDN, OPC("\x66\x0f\xdf"), -1}, {SSE_POR, OPC("\x66\x0f\xeb"), -1},
    {SSE_PXOR, OPC("\x66\x0f\xef"), -1}, {SSE_PACKSSWB, OPC("\x66\x0f\x63"), -1},
    {SSE_PACKSSDW, OPC("\x66\x0f\x6b"), -1}, {SSE_PACKUSWB, OPC("\x66\x0f\x67"), -1},
    {SSE_PACKUSDW, OPC("\x66\x0f\x38\x2b"), -1}, {SSE_PUNPCKLBW, OPC("\x66\x0f\x60"), -1},
    {SSE_PUNPCKLWD, OPC("\x66\x0f\x61"), -1}, {SSE_PUNPCKLDQ, OPC("\x66\x0f\x62"), -1},
    {SSE_PUNPCKLQDQ, OPC("\x66\x0f\x6c"), -1}, {SSE_PUNPCKHBW, OPC("\x66\x0f\x68"), -1},
    {SSE_PUNPCKHWD, OPC("\x66\x0f\x69"), -1}, {SSE_PUNPCKHDQ, OPC("\x66\x0f\x6a"), -1},
    {SSE_PUNPCKHQDQ, OPC("\x66\x0f\x6d"), -1}, {SSE_PSHUFD, OPC("\x66\x0f\x70"), 256},
    {SSE_PSHUFHW, OPC("\xf3\x0f\x70"), 256}, {SSE_PSHUFLW, OPC("\xf2\x0f\x70"), 256},
    {SSE_PSHUFB, OPC("\x66\x0f\x38\x00"), -1}, {SSE_PALIGNR, OPC("\x66\x0f\x3a\x0f"), 256},
    {SSE_PSADBW, OPC("\x66\x0f\xf6"), -1}, {SSE_PHADDW, OPC("\x66\x0f\x38\x01"), -1},
    {SSE_PHADDD, OPC("\x66\x0f\x38\x02"), -1}, {SSE_PHADDSW, OPC("\x66\x0f\x38\x03"), -1},
    {SSE_PHSUBW, OPC("\x66\x0f\x38\x05"), -1}, {SSE_PHSUBD, OPC("\x66\x0f\x38\x06"), -1},
    {SSE_PHSUBSW, OPC("\x66\x0f\x38\x07"), -1}, {SSE_PSIGNB, OPC("\x66\x0f\x38\x08"), -1},
    {SSE_PSIGNW, OPC("\x66\x0f\x38\x09"), -1}, {SSE_PSIGND, OPC("\x66\x0f\x38\x0a"), -1},
    {SSE_PABSB, OPC("\x66\x0f\x38\x1c"), -1}, {SSE_PABSW, OPC("\x66\x0f\x38\x1d"), -1},
    {SSE_PABSD, OPC("\x66\x0f\x38\x1e"), -1}, {SSE_PBLENDW, OPC("\x66\x0f\x3a\x0e"), 256},
    {SSE_MPSADBW, OPC("\x66\x0f\x3a\x42"), 256}, {SSE_PHMINPOSUW, OPC("\x66\x0f\x38\x41"), -1},
    {SSE_PMOVSXBW, OPC("\x66\x0f\x38\x20"), -1}, {SSE_PMOVSXBD, OPC("\x66\x0f\x38\x21"), -1},
    {SSE_PMOVSXBQ, OPC("\x66\x0f\x38\x22"), -1}, {SSE_PMOVSXWD, OPC("\x66\x0f\x38\x23"), -1},
    {SSE_PMOVSXWQ, OPC("\x66\x0f\x38\x24"), -1}, {SSE_PMOVSXDQ, OPC("\x66\x0f\x38\x25"), -1},
    {SSE_PMOVZXBW, OPC("\x66\x0f\x38\x30"), -1}, {SSE_PMOVZXBD, OPC("\x66\x0f\x38\x31"), -1},
    {SSE_PMOVZXBQ, OPC("\x66\x0f\x38\x32"), -1}, {SSE_PMOVZXWD, OPC("\x66\x0f\x38\x33"), -1},
    {SSE_PMOVZXWQ, OPC("\x66\x0f\x38\x34"), -1}, {SSE_PMOVZXDQ, OPC("\x66\x0f\x38\x35"), -1},
    {SSE_PSRLW, OPC("\x66\x0f\xd1"), -1}, {SSE_PSRLD, OPC("\x66\x0f\xd2"), -1},
    {SSE_PSRLQ, OPC("\x66\x0f\xd3"), -1}, {SSE_PSRAW, OPC("\x66\x0f\xe1"), -1},
    {SSE_PSRAD, OPC("\x66\x0f\xe2"), -1}, {SSE_PSLLW, OPC("\x66\x0f\xf1"), -1},
    {SSE_PSLLD, OPC("\x66\x0f\xf2"), -1}, {SSE_PSLLQ, OPC("\x66\x0f\xf3"), -1},
    {SSE_SHUFPS, OPC("\x0f\xc6"), 256}, {SSE_SHUFPD, OPC("\x66\x0f\xc6"), 256},
    {SSE_UNPCKLPS, OPC("\x0f\x14"), -1}, {SSE_UNPCKHPS, OPC("\x0f\x15"), -1},
    {SSE_UNPCKLPD, OPC("\x66\x0f\x14"), -1}, {SSE_UNPCKHPD, OPC("\x66\x0f\x15"), -1},
    {SSE_BLENDPS, OPC("\x66\x0f\x3a\x0c"), 256}, {SSE_BLENDPD, OPC("\x66\x0f\x3a\x0d"), 256},
    {SSE_INSERTPS, OPC("\x66\x0f\x3a\x21"), 256},
};

/* Shift ops: also the count forms with small counts. */
static bool is_shift(uint32_t op) { return op >= SSE_PSRLW && op <= SSE_PSLLQ; }

Test(x86_sse, int_xmm_vs_host, .init = setup)
{
    static CPUX86State env;
    for (unsigned c = 0; c < sizeof(int_cases) / sizeof(int_cases[0]); c++) {
        const IntCase *ic = &int_cases[c];
        for (int iter = 0; iter < 300; iter++) {
            int imm = ic->imm == 256 ? rand() & 0xff : ic->imm;
            X86Vec a, b, ha, hb;
            fill_int(&a, 16);
            fill_int(&b, 16);
            if (is_shift(ic->op)) b.q[0] = (iter & 1) ? (uint64_t)(rand() % 70) : b.q[0];
            if (ic->op == SSE_PSHUFB) b.q[0] &= (iter & 1) ? 0x0f0f0f0f0f0f0f0full : ~0ull;
            ha = a;
            hb = b;
            HostFn fn = host_build(ic->opc, ic->len, imm, false);
            fn(&ha, &hb);
            memcpy(env.xmm[1], &a, 16);
            memcpy(env.xmm[2], &b, 16);
            helper_sse_int(&env, env.xmm[1], env.xmm[2], ic->op, (uint32_t)imm);
            cr_assert(memcmp(env.xmm[1], &ha, 16) == 0,
                      "op %u imm %d: a %016lx%016lx b %016lx%016lx: got %016lx%016lx want %016lx%016lx",
                      ic->op, imm, a.q[1], a.q[0], b.q[1], b.q[0], env.xmm[1][1], env.xmm[1][0],
                      ha.q[1], ha.q[0]);
        }
    }
}

/* Immediate shifts (66 0F 71/72/73 /r ib), ModRM C1 gives /0 — so use C1 | reg << 3 opcodes */
Test(x86_sse, shift_imm_vs_host, .init = setup)
{
    static const struct { uint32_t op; uint8_t opc, reg; } cases[] = {
        {SSE_PSRLW, 0x71, 2}, {SSE_PSRAW, 0x71, 4}, {SSE_PSLLW, 0x71, 6},
        {SSE_PSRLD, 0x72, 2}, {SSE_PSRAD, 0x72, 4}, {SSE_PSLLD, 0x72, 6},
        {SSE_PSRLQ, 0x73, 2}, {SSE_PSRLDQ, 0x73, 3}, {SSE_PSLLQ, 0x73, 6}, {SSE_PSLLDQ, 0x73, 7},
    };
    static CPUX86State env;
    for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        for (unsigned imm = 0; imm < 256; imm++) {
            uint8_t *p = code_page + 64 * 70;
            static const uint8_t pre[] = {0xf3, 0x0f, 0x6f, 0x07};
            memcpy(p, pre, 4);
            uint8_t insn[] = {0x66, 0x0f, cases[c].opc, (uint8_t)(0xc0 | (cases[c].reg << 3)), (uint8_t)imm,
                              0xf3, 0x0f, 0x7f, 0x07, 0xc3};
            memcpy(p + 4, insn, sizeof(insn));
            X86Vec a, ha;
            fill_int(&a, 16);
            ha = a;
            ((HostFn)p)(&ha, NULL);
            memcpy(env.xmm[3], &a, 16);
            helper_sse_int(&env, env.xmm[3], NULL, cases[c].op, imm);
            cr_assert(memcmp(env.xmm[3], &ha, 16) == 0, "shift op %u imm %u", cases[c].op, imm);
        }
    }
}

Test(x86_sse, int_mmx_vs_host, .init = setup)
{
    static const IntCase mmx[] = {
        {SSE_PADDB, OPC("\x0f\xfc"), -1}, {SSE_PADDSW, OPC("\x0f\xed"), -1},
        {SSE_PSUBUSB, OPC("\x0f\xd8"), -1}, {SSE_PMADDWD, OPC("\x0f\xf5"), -1},
        {SSE_PMULUDQ, OPC("\x0f\xf4"), -1}, {SSE_PACKSSWB, OPC("\x0f\x63"), -1},
        {SSE_PACKUSWB, OPC("\x0f\x67"), -1}, {SSE_PACKSSDW, OPC("\x0f\x6b"), -1},
        {SSE_PUNPCKLBW, OPC("\x0f\x60"), -1}, {SSE_PUNPCKHDQ, OPC("\x0f\x6a"), -1},
        {SSE_PSHUFW, OPC("\x0f\x70"), 256}, {SSE_PSHUFB, OPC("\x0f\x38\x00"), -1},
        {SSE_PALIGNR, OPC("\x0f\x3a\x0f"), 256}, {SSE_PSADBW, OPC("\x0f\xf6"), -1},
        {SSE_PHADDW, OPC("\x0f\x38\x01"), -1}, {SSE_PHSUBD, OPC("\x0f\x38\x06"), -1},
        {SSE_PHADDSW, OPC("\x0f\x38\x03"), -1}, {SSE_PMULHRSW, OPC("\x0f\x38\x0b"), -1},
        {SSE_PMADDUBSW, OPC("\x0f\x38\x04"), -1}, {SSE_PSIGNW, OPC("\x0f\x38\x09"), -1},
        {SSE_PABSB, OPC("\x0f\x38\x1c"), -1}, {SSE_PSRAW, OPC("\x0f\xe1"), -1},
        {SSE_PSLLQ, OPC("\x0f\xf3"), -1}, {SSE_PAVGW, OPC("\x0f\xe3"), -1},
    };
    static CPUX86State env;
    for (unsigned c = 0; c < sizeof(mmx) / sizeof(mmx[0]); c++) {
        for (int iter = 0; iter < 300; iter++) {
            int imm = mmx[c].imm == 256 ? rand() & 0xff : -1;
            X86Vec a = {0}, b = {0}, ha, hb;
            fill_int(&a, 8);
            fill_int(&b, 8);
            if (is_shift(mmx[c].op)) b.q[0] = rand() % 70;
            ha = a;
            hb = b;
            host_build(mmx[c].opc, mmx[c].len, imm, true)(&ha, &hb);
            env.fpregs[2].mant = a.q[0];
            env.fpregs[5].mant = b.q[0];
            env.fpstt = 3;
            env.fptags[0] = 1;
            helper_sse_int(&env, &env.fpregs[2].mant, &env.fpregs[5].mant, mmx[c].op | SSE_W64,
                           (uint32_t)imm);
            cr_assert_eq(env.fpregs[2].mant, ha.q[0], "mmx op %u imm %d", mmx[c].op, imm);
            cr_assert_eq(env.fpregs[2].exp, 0xffff);
            cr_assert_eq(env.fpstt, 0);
            cr_assert_eq(env.fptags[0], 0);
        }
    }
}

Test(x86_sse, blendv_ptest_movmsk_insert_extract, .init = setup)
{
    static CPUX86State env;
    for (int iter = 0; iter < 1000; iter++) {
        X86Vec a, b, m, ha, hb;
        fill_int(&a, 16);
        fill_int(&b, 16);
        fill_int(&m, 16);
        /* PBLENDVB/BLENDVPS/BLENDVPD use xmm0 implicitly: host function loads a into xmm0, so
         * reproduce with helper d == xmm0 semantics checked against the C definition. */
        memcpy(env.xmm[0], &m, 16);
        memcpy(env.xmm[1], &a, 16);
        memcpy(env.xmm[2], &b, 16);
        helper_sse_int(&env, env.xmm[1], env.xmm[2], SSE_PBLENDVB, 0);
        for (int i = 0; i < 16; i++) {
            uint8_t want = (m.b[i] & 0x80) ? b.b[i] : a.b[i];
            cr_assert_eq(((uint8_t *)env.xmm[1])[i], want);
        }
        uint64_t mk = helper_sse_movmsk(&env, &a, 1);
        uint32_t hm;
        __asm__("movdqu %1, %%xmm7\n\tpmovmskb %%xmm7, %0" : "=r"(hm) : "m"(a) : "xmm7");
        cr_assert_eq(mk, hm);
        /* PTEST */
        ha = a;
        hb = b;
        if (iter % 3 == 0) hb.q[0] = hb.q[1] = 0;
        bool zf, cf;
        __asm__("movdqu %2, %%xmm6\n\tmovdqu %3, %%xmm7\n\tptest %%xmm7, %%xmm6"
                : "=@ccz"(zf), "=@ccc"(cf) : "m"(ha), "m"(hb) : "xmm6", "xmm7");
        helper_sse_ptest(&env, &ha, &hb);
        cr_assert_eq(eflags_seen, (zf ? CC_Z : 0u) | (cf ? CC_C : 0u));
        /* insert / extract */
        unsigned idx = rand() & 15;
        memcpy(env.xmm[4], &a, 16);
        helper_sse_insert(&env, env.xmm[4], 0xab, 1, idx);
        cr_assert_eq(helper_sse_extract(&env, env.xmm[4], 1, idx), 0xab);
        cr_assert_eq(helper_sse_extract(&env, env.xmm[4], 8, idx), ((uint64_t *)env.xmm[4])[idx & 1]);
    }
}

/* ---- floating point ---- */
static uint32_t rnd_f32(void)
{
    static const uint32_t edge[] = {0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00001, 0xffa00000,
                                    0x00000001, 0x807fffff, 0x00800000, 0x3f800000, 0x7f7fffff, 0x4f000000,
                                    0xcf000000, 0x5f000000};
    if (rand() % 3 == 0) return edge[rand() % 14];
    uint32_t x = (uint32_t)rnd64();
    if (rand() % 2) x = (x & 0x807fffff) | ((uint32_t)(112 + rand() % 40) << 23); /* moderate */
    return x;
}
static uint64_t rnd_f64(void)
{
    static const uint64_t edge[] = {0, 1ull << 63, 0x7ff0000000000000ull, 0xfff0000000000000ull,
                                    0x7ff8000000000001ull, 0xfff4000000000000ull, 1, 0x800fffffffffffffull,
                                    0x0010000000000000ull, 0x3ff0000000000000ull, 0x7fefffffffffffffull,
                                    0x41e0000000000000ull, 0xc3e0000000000000ull, 0x3690000000000000ull};
    if (rand() % 3 == 0) return edge[rand() % 14];
    uint64_t x = rnd64();
    if (rand() % 2) x = (x & 0x800fffffffffffffull) | ((uint64_t)(990 + rand() % 70) << 52);
    return x;
}

typedef struct FpCase {
    uint32_t op;
    const char *opc;
    unsigned len;
    int imm;   /* -1 none, 256 random imm8, 8 random 0..7, 16 random 0..15 */
    bool dbl;  /* operands are doubles */
} FpCase;

static const FpCase fp_cases[] = {
    {SSE_ADDPS, OPC("\x0f\x58"), -1, 0}, {SSE_ADDSS, OPC("\xf3\x0f\x58"), -1, 0},
    {SSE_ADDPD, OPC("\x66\x0f\x58"), -1, 1}, {SSE_ADDSD, OPC("\xf2\x0f\x58"), -1, 1},
    {SSE_SUBPS, OPC("\x0f\x5c"), -1, 0}, {SSE_SUBSD, OPC("\xf2\x0f\x5c"), -1, 1},
    {SSE_MULPS, OPC("\x0f\x59"), -1, 0}, {SSE_MULSD, OPC("\xf2\x0f\x59"), -1, 1},
    {SSE_MULPD, OPC("\x66\x0f\x59"), -1, 1}, {SSE_MULSS, OPC("\xf3\x0f\x59"), -1, 0},
    {SSE_DIVPS, OPC("\x0f\x5e"), -1, 0}, {SSE_DIVSD, OPC("\xf2\x0f\x5e"), -1, 1},
    {SSE_DIVPD, OPC("\x66\x0f\x5e"), -1, 1}, {SSE_DIVSS, OPC("\xf3\x0f\x5e"), -1, 0},
    {SSE_MINPS, OPC("\x0f\x5d"), -1, 0}, {SSE_MAXPD, OPC("\x66\x0f\x5f"), -1, 1},
    {SSE_MINSD, OPC("\xf2\x0f\x5d"), -1, 1}, {SSE_MAXSS, OPC("\xf3\x0f\x5f"), -1, 0},
    {SSE_SQRTPS, OPC("\x0f\x51"), -1, 0}, {SSE_SQRTSD, OPC("\xf2\x0f\x51"), -1, 1},
    {SSE_SQRTPD, OPC("\x66\x0f\x51"), -1, 1}, {SSE_SQRTSS, OPC("\xf3\x0f\x51"), -1, 0},
    {SSE_RCPPS, OPC("\x0f\x53"), -1, 0}, {SSE_RSQRTSS, OPC("\xf3\x0f\x52"), -1, 0},
    {SSE_CMPPS, OPC("\x0f\xc2"), 8, 0}, {SSE_CMPSS, OPC("\xf3\x0f\xc2"), 8, 0},
    {SSE_CMPPD, OPC("\x66\x0f\xc2"), 8, 1}, {SSE_CMPSD, OPC("\xf2\x0f\xc2"), 8, 1},
    {SSE_HADDPS, OPC("\xf2\x0f\x7c"), -1, 0}, {SSE_HADDPD, OPC("\x66\x0f\x7c"), -1, 1},
    {SSE_HSUBPS, OPC("\xf2\x0f\x7d"), -1, 0}, {SSE_HSUBPD, OPC("\x66\x0f\x7d"), -1, 1},
    {SSE_ADDSUBPS, OPC("\xf2\x0f\xd0"), -1, 0}, {SSE_ADDSUBPD, OPC("\x66\x0f\xd0"), -1, 1},
    {SSE_ROUNDPS, OPC("\x66\x0f\x3a\x08"), 16, 0}, {SSE_ROUNDPD, OPC("\x66\x0f\x3a\x09"), 16, 1},
    {SSE_ROUNDSS, OPC("\x66\x0f\x3a\x0a"), 16, 0}, {SSE_ROUNDSD, OPC("\x66\x0f\x3a\x0b"), 16, 1},
    {SSE_DPPS, OPC("\x66\x0f\x3a\x40"), 256, 0}, {SSE_DPPD, OPC("\x66\x0f\x3a\x41"), 256, 1},
    {SSE_CVTPS2PD, OPC("\x0f\x5a"), -1, 0}, {SSE_CVTPD2PS, OPC("\x66\x0f\x5a"), -1, 1},
    {SSE_CVTSS2SD, OPC("\xf3\x0f\x5a"), -1, 0}, {SSE_CVTSD2SS, OPC("\xf2\x0f\x5a"), -1, 1},
    {SSE_CVTDQ2PS, OPC("\x0f\x5b"), -1, 0}, {SSE_CVTPS2DQ, OPC("\x66\x0f\x5b"), -1, 0},
    {SSE_CVTTPS2DQ, OPC("\xf3\x0f\x5b"), -1, 0}, {SSE_CVTDQ2PD, OPC("\xf3\x0f\xe6"), -1, 0},
    {SSE_CVTPD2DQ, OPC("\xf2\x0f\xe6"), -1, 1}, {SSE_CVTTPD2DQ, OPC("\x66\x0f\xe6"), -1, 1},
};

static void fill_fp(X86Vec *v, bool dbl)
{
    for (int i = 0; i < 4; i++) v->l[i] = rnd_f32();
    if (dbl) for (int i = 0; i < 2; i++) v->q[i] = rnd_f64();
}

static uint32_t host_mxcsr_run(HostFn fn, void *a, const void *b, uint32_t mode)
{
    uint32_t saved, csr = (mode & ~MXCSR_FLAGS) | MXCSR_MASKS, out;
    __asm__ volatile("stmxcsr %0" : "=m"(saved));
    __asm__ volatile("ldmxcsr %0" : : "m"(csr));
    fn(a, b);
    __asm__ volatile("stmxcsr %0" : "=m"(out));
    __asm__ volatile("ldmxcsr %0" : : "m"(saved));
    return out & MXCSR_FLAGS;
}

Test(x86_sse, fp_vs_host_all_modes, .init = setup)
{
    static CPUX86State env;
    for (unsigned c = 0; c < sizeof(fp_cases) / sizeof(fp_cases[0]); c++) {
        const FpCase *fc = &fp_cases[c];
        for (unsigned mode = 0; mode < 16; mode++) { /* RC x FTZ x DAZ */
            uint32_t csr = ((mode & 3) << MXCSR_RC_SHIFT) | ((mode & 4) ? MXCSR_FZ : 0) |
                           ((mode & 8) ? MXCSR_DAZ : 0);
            for (int iter = 0; iter < 60; iter++) {
                int imm = fc->imm == 256 ? rand() & 0xff : fc->imm == 8 ? rand() & 7 :
                          fc->imm == 16 ? rand() & 15 : -1;
                X86Vec a, b, ha, hb;
                fill_fp(&a, fc->dbl);
                fill_fp(&b, fc->dbl);
                ha = a;
                hb = b;
                uint32_t hflags = host_mxcsr_run(host_build(fc->opc, fc->len, imm, false), &ha, &hb, csr);
                env.mxcsr = csr | MXCSR_MASKS;
                memcpy(env.xmm[1], &a, 16);
                memcpy(env.xmm[2], &b, 16);
                helper_sse_fp(&env, env.xmm[1], env.xmm[2], fc->op, (uint32_t)imm);
                cr_assert(memcmp(env.xmm[1], &ha, 16) == 0, "fp op %u mode %u imm %d", fc->op, mode, imm);
                cr_assert_eq(env.mxcsr & MXCSR_FLAGS, hflags, "fp op %u mode %u flags", fc->op, mode);
            }
        }
    }
}

Test(x86_sse, fp_unmasked_raises_and_keeps_dest, .init = setup)
{
    static CPUX86State env;
    X86Vec a = {0}, b = {0};
    a.f[0] = 1.0f;
    b.f[0] = 0.0f; /* divide by zero */
    memcpy(env.xmm[1], &a, 16);
    memcpy(env.xmm[2], &b, 16);
    env.mxcsr = MXCSR_RESET & ~(MXCSR_ZE << MXCSR_MASK_SHIFT);
    env.cr[4] = CR4_OSXMMEXCPT;
    int v = setjmp(raise_jmp);
    if (v == 0) {
        helper_sse_fp(&env, env.xmm[1], env.xmm[2], SSE_DIVSS, 0);
        cr_assert_fail("no exception");
    }
    cr_assert_eq(v, X86_EXCP_XM);
    cr_assert(env.mxcsr & MXCSR_ZE);
    cr_assert(memcmp(env.xmm[1], &a, 16) == 0);
    env.cr[4] = 0;
    v = setjmp(raise_jmp);
    if (v == 0) {
        helper_sse_fp(&env, env.xmm[1], env.xmm[2], SSE_DIVSS, 0);
        cr_assert_fail("no exception");
    }
    cr_assert_eq(v, X86_EXCP_UD);
    /* exact tiny result with UM unmasked still underflows (SDM 11.5.2.4) */
    env.mxcsr = MXCSR_RESET & ~(MXCSR_UE << MXCSR_MASK_SHIFT);
    a.l[0] = 0x00000002; /* denormal / 2 = exact denormal */
    b.f[0] = 2.0f;
    memcpy(env.xmm[1], &a, 16);
    memcpy(env.xmm[2], &b, 16);
    v = setjmp(raise_jmp);
    if (v == 0) {
        helper_sse_fp(&env, env.xmm[1], env.xmm[2], SSE_DIVSS, 0);
        cr_assert_fail("no exception");
    }
    cr_assert(env.mxcsr & MXCSR_UE);
    /* LDMXCSR reserved bit */
    v = setjmp(raise_jmp);
    if (v == 0) {
        helper_sse_ldmxcsr(&env, 0x10000);
        cr_assert_fail("no #GP");
    }
    cr_assert_eq(v, X86_EXCP_GP);
    helper_sse_ldmxcsr(&env, 0xffff);
    cr_assert_eq(helper_sse_stmxcsr(&env), 0xffff);
}

Test(x86_sse, cvt_scalar_and_comis_vs_host, .init = setup)
{
    static CPUX86State env;
    for (unsigned mode = 0; mode < 16; mode++) {
        uint32_t csr = ((mode & 3) << MXCSR_RC_SHIFT) | ((mode & 4) ? MXCSR_FZ : 0) | ((mode & 8) ? MXCSR_DAZ : 0);
        for (int iter = 0; iter < 400; iter++) {
            X86Vec v;
            fill_fp(&v, iter & 1);
            uint32_t hostcsr = csr | MXCSR_MASKS, saved, out;
            uint64_t want;
            uint32_t w32;
            __asm__ volatile("stmxcsr %0" : "=m"(saved));
            __asm__ volatile("ldmxcsr %0" : : "m"(hostcsr));
            if (iter & 1) {
                __asm__ volatile("cvtsd2si %1, %0" : "=r"(want) : "x"(v.d[0]));
                __asm__ volatile("cvttsd2si %1, %0" : "=r"(w32) : "x"(v.d[0]));
            } else {
                __asm__ volatile("cvtss2si %1, %0" : "=r"(want) : "x"(v.f[0]));
                __asm__ volatile("cvttss2si %1, %0" : "=r"(w32) : "x"(v.f[0]));
            }
            __asm__ volatile("stmxcsr %0" : "=m"(out));
            __asm__ volatile("ldmxcsr %0" : : "m"(saved));
            env.mxcsr = hostcsr;
            uint64_t got = helper_sse_cvts2si(&env, &v, ((iter & 1) ? SSE_CVTSD2SI : SSE_CVTSS2SI) | SSE_CVT_64);
            uint64_t got32 = helper_sse_cvts2si(&env, &v, (iter & 1) ? SSE_CVTTSD2SI : SSE_CVTTSS2SI);
            cr_assert_eq(got, want);
            cr_assert_eq(got32, w32);
            cr_assert_eq(env.mxcsr & MXCSR_FLAGS, out & MXCSR_FLAGS);
            /* CVTSI2SS/SD 64 */
            uint64_t iv = rnd64();
            X86Vec d = v, hd = v;
            env.mxcsr = hostcsr;
            helper_sse_cvtsi2s(&env, &d, iv, ((iter & 1) ? SSE_CVTSI2SD : SSE_CVTSI2SS) | SSE_CVT_64);
            __asm__ volatile("ldmxcsr %0" : : "m"(hostcsr));
            if (iter & 1) {
                double x = hd.d[0];
                __asm__ volatile("cvtsi2sdq %1, %0" : "+x"(x) : "r"(iv));
                hd.d[0] = x;
            } else {
                float x = hd.f[0];
                __asm__ volatile("cvtsi2ssq %1, %0" : "+x"(x) : "r"(iv));
                hd.f[0] = x;
            }
            __asm__ volatile("ldmxcsr %0" : : "m"(saved));
            cr_assert(memcmp(&d, &hd, 16) == 0);
            /* COMISS / UCOMISD */
            X86Vec b;
            fill_fp(&b, iter & 1);
            bool zf, pf, cf;
            __asm__ volatile("ldmxcsr %0" : : "m"(hostcsr));
            if (iter & 1) {
                __asm__ volatile("ucomisd %4, %3" : "=@ccz"(zf), "=@ccp"(pf), "=@ccc"(cf) : "x"(v.d[0]), "x"(b.d[0]));
            } else {
                __asm__ volatile("comiss %4, %3" : "=@ccz"(zf), "=@ccp"(pf), "=@ccc"(cf) : "x"(v.f[0]), "x"(b.f[0]));
            }
            __asm__ volatile("ldmxcsr %0" : : "m"(saved));
            env.mxcsr = hostcsr;
            helper_sse_comis(&env, &v, &b, (iter & 1) ? 3 : 0);
            cr_assert_eq(eflags_seen, (zf ? CC_Z : 0u) | (pf ? CC_P : 0u) | (cf ? CC_C : 0u));
        }
    }
}

/* ---- SSE4.2 strings: every imm8, both explicit and implicit forms ---- */
typedef struct StrOut {
    uint64_t rcx, flags;
    uint8_t xmm0[16];
} StrOut;
typedef void (*StrFn)(const void *a, const void *b, uint64_t la, uint64_t lb, StrOut *out);

static StrFn str_build(uint8_t opc, uint8_t imm, bool w)
{
    uint8_t *p = code_page + 64 * 72;
    uint8_t *q = p;
    static const uint8_t head[] = {0xf3, 0x0f, 0x6f, 0x07, 0xf3, 0x0f, 0x6f, 0x0e, 0x48, 0x89, 0xd0,
                                   0x48, 0x89, 0xca, 0x31, 0xc9};
    memcpy(q, head, sizeof(head));
    q += sizeof(head);
    *q++ = 0x66;
    if (w) *q++ = 0x48;
    *q++ = 0x0f; *q++ = 0x3a; *q++ = opc; *q++ = 0xc1; *q++ = imm;
    static const uint8_t tail[] = {0x9c, 0x58, 0x49, 0x89, 0x08, 0x49, 0x89, 0x40, 0x08,
                                   0xf3, 0x41, 0x0f, 0x7f, 0x40, 0x10, 0xc3};
    memcpy(q, tail, sizeof(tail));
    __builtin___clear_cache((char *)p, (char *)q + sizeof(tail));
    return (StrFn)p;
}

static void fill_str(X86Vec *v, bool word)
{
    /* small alphabet so matches happen, occasional nulls */
    for (int i = 0; i < 16; i++) v->b[i] = (uint8_t)("abc\0zAB\x80\xff"[rand() % 9]);
    if (word && rand() % 2) for (int i = 0; i < 8; i++) v->w[i] = (uint16_t)(rand() % 3 == 0 ? 0x8000 + rand() % 3 : rand() % 4);
}

Test(x86_sse, pcmpstr_vs_host, .init = setup)
{
    static CPUX86State env;
    for (unsigned kind = 0; kind < 4; kind++) {
        for (unsigned imm = 0; imm < 128; imm++) {
            for (int wflag = 0; wflag < 2; wflag++) {
                StrFn fn = str_build((uint8_t)(0x60 + kind), (uint8_t)imm, wflag);
                for (int iter = 0; iter < 30; iter++) {
                    X86Vec a, b;
                    fill_str(&a, imm & 1);
                    fill_str(&b, imm & 1);
                    int64_t la = rand() % 40 - 20, lb = rand() % 40 - 20;
                    if (wflag && iter % 5 == 0) la = (int64_t)0x100000005ull;
                    StrOut out;
                    fn(&a, &b, (uint64_t)la, (uint64_t)lb, &out);
                    memset(&env, 0, sizeof(env));
                    env.regs[R_EAX] = (uint64_t)la;
                    env.regs[R_EDX] = (uint64_t)lb;
                    memcpy(env.xmm[1], &a, 16);
                    memcpy(env.xmm[2], &b, 16);
                    helper_sse_pcmpstr(&env, env.xmm[1], env.xmm[2], kind | (wflag ? SSE_STR_W : 0), imm);
                    uint32_t fmask = CC_C | CC_Z | CC_S | CC_O | CC_A | CC_P;
                    cr_assert_eq(eflags_seen, out.flags & fmask, "kind %u imm %#x: flags %#x want %#lx",
                                 kind, imm, eflags_seen, out.flags & fmask);
                    if (kind & 1) {
                        cr_assert_eq(env.regs[R_ECX], out.rcx, "kind %u imm %#x ecx", kind, imm);
                    } else {
                        cr_assert(memcmp(env.xmm[0], out.xmm0, 16) == 0, "kind %u imm %#x mask", kind, imm);
                    }
                }
            }
        }
    }
}

Test(x86_sse, crc32_vs_host, .init = setup)
{
    for (int iter = 0; iter < 10000; iter++) {
        uint64_t crc = rnd64() & 0xffffffff, v = rnd64(), h8 = crc, h16 = crc, h32 = crc, h64 = crc;
        __asm__("crc32b %b1, %k0" : "+r"(h8) : "r"(v));
        __asm__("crc32w %w1, %k0" : "+r"(h16) : "r"(v));
        __asm__("crc32l %k1, %k0" : "+r"(h32) : "r"(v));
        __asm__("crc32q %1, %0" : "+r"(h64) : "r"(v));
        cr_assert_eq(helper_sse_crc32(NULL, crc, v, 1), h8 & 0xffffffff);
        cr_assert_eq(helper_sse_crc32(NULL, crc, v, 2), h16 & 0xffffffff);
        cr_assert_eq(helper_sse_crc32(NULL, crc, v, 4), h32 & 0xffffffff);
        cr_assert_eq(helper_sse_crc32(NULL, crc, v, 8), h64);
    }
}

Test(x86_sse, mmx_conversions_vs_host, .init = setup)
{
    static CPUX86State env;
    for (int iter = 0; iter < 2000; iter++) {
        X86Vec x, h;
        fill_fp(&x, false);
        uint64_t mm = rnd64(), got_mm;
        /* CVTPI2PS xmm, m64: low two floats converted, DEST[127:64] kept */
        h = x;
        __asm__ volatile("movdqu %1, %%xmm5\n\tcvtpi2ps %2, %%xmm5\n\tmovdqu %%xmm5, %0"
                         : "=m"(h) : "m"(x), "m"(mm) : "xmm5");
        env.mxcsr = MXCSR_RESET;
        memcpy(env.xmm[3], &x, 16);
        env.fpregs[1].mant = mm;
        helper_sse_fp(&env, env.xmm[3], &env.fpregs[1].mant, SSE_CVTPI2PS, 0);
        cr_assert(memcmp(env.xmm[3], &h, 16) == 0);
        /* CVTTPS2PI mm, xmm */
        __asm__ volatile("movdqu %1, %%xmm5\n\tcvttps2pi %%xmm5, %%mm3\n\tmovq %%mm3, %0\n\temms"
                         : "=m"(got_mm) : "m"(x) : "xmm5", "mm3");
        env.fpstt = 5;
        env.mxcsr = MXCSR_RESET;
        helper_sse_fp(&env, &env.fpregs[6].mant, &x, SSE_CVTTPS2PI, 0);
        cr_assert_eq(env.fpregs[6].mant, got_mm);
        cr_assert_eq(env.fpregs[6].exp, 0xffff);
        cr_assert_eq(env.fpstt, 0);
    }
}
