/*
 * test-smc.c — self-modifying code: the guest writes instructions into RAM, makes them visible
 * the architectural way (ARM ARM B2.4.4: DC CVAU, DSB ISH, IC IVAU, DSB ISH, ISB) and executes
 * them. Tandem must notice the store to a page holding translated code and retranslate, also
 * when the old code ran thousands of times (translated, chained to itself), when the patch is
 * done byte by byte, and when a block patches its own next instruction.
 * Single CPU, MMU off (all of RAM is executable and writable).
 */
#include "runtime.h"

#define INSN_RET 0xd65f03c0u

typedef uint32_t (*code_fn)(uint32_t);

/* Code buffers: 4 KiB aligned so each test's code starts a page of its own. */
static uint32_t code_a[256] __attribute__((aligned(4096)));
static uint32_t code_b[1024] __attribute__((aligned(4096)));

/* MOVZ Wd, #imm16 (C6.2.191). */
static uint32_t enc_movz_w(unsigned rd, uint32_t imm16)
{
    return 0x52800000u | ((imm16 & 0xffff) << 5) | rd;
}

/* ADD Wd, Wn, #imm12 (C6.2.4, no shift). */
static uint32_t enc_add_imm_w(unsigned rd, unsigned rn, uint32_t imm12)
{
    return 0x11000000u | ((imm12 & 0xfff) << 10) | (rn << 5) | rd;
}

/* Cleans D-cache and invalidates I-cache to the point of unification over [p, p+len), then
 * synchronizes the instruction stream. Line sizes come from CTR_EL0 (DminLine, IminLine). */
static void sync_icache(const void *p, uint64_t len)
{
    uint64_t ctr, start = (uint64_t)p, end = start + len;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    uint64_t dline = 4u << ((ctr >> 16) & 0xf), iline = 4u << (ctr & 0xf);
    for (uint64_t a = start & ~(dline - 1); a < end; a += dline) {
        __asm__ volatile("dc cvau, %0" : : "r"(a) : "memory");
    }
    __asm__ volatile("dsb ish" : : : "memory");
    for (uint64_t a = start & ~(iline - 1); a < end; a += iline) {
        __asm__ volatile("ic ivau, %0" : : "r"(a) : "memory");
    }
    __asm__ volatile("dsb ish\n\tisb" : : : "memory");
}

static code_fn as_fn(uint32_t *code)
{
    return (code_fn)(uintptr_t)code;
}

/* 1: a fresh two-instruction function rewritten with a new immediate every round. */
static void test_patch_immediate(void)
{
    int bad = 0;
    for (uint32_t i = 0; i < 2000; i++) {
        uint32_t imm = (i * 40503u) & 0xffff;
        code_a[0] = enc_movz_w(0, imm);
        code_a[1] = INSN_RET;
        sync_icache(code_a, 8);
        uint32_t got = as_fn(code_a)(0);
        if (got != imm && bad++ < 4) {
            check_eq("patched movz result", got, imm);
        }
    }
    CHECK_EQ(bad, 0);
}

/* 2: a loop run many times (so surely translated and chained to itself) before the add in its
 * body is patched. Code: w1 = 100; loop: add w0, w0, #k; subs w1, w1, #1; b.ne loop; ret. */
static void test_patch_hot_loop(void)
{
    uint32_t *c = code_b + 512; /* other page than test 1, but reused across rounds */
    c[0] = enc_movz_w(1, 100);
    c[1] = enc_add_imm_w(0, 0, 3);
    c[2] = 0x71000421u; /* subs w1, w1, #1 */
    c[3] = 0x54ffffc1u; /* b.ne -8 (back to c[1]) */
    c[4] = INSN_RET;
    sync_icache(c, 20);
    for (int round = 0; round < 20; round++) {
        uint32_t k = 3 + (uint32_t)round * 97;
        uint32_t sum = 0;
        for (int i = 0; i < 300; i++) {
            sum = as_fn(c)(sum);
        }
        check_eq("hot loop before patch", sum, 300u * 100u * k);
        c[1] = enc_add_imm_w(0, 0, k + 97);
        sync_icache(&c[1], 4);
        check_eq("hot loop after patch", as_fn(c)(5), 5 + 100u * (k + 97));
    }
}

/* 3: the patch is written byte by byte (strb), only the immediate's bytes change. */
static void test_patch_bytes(void)
{
    code_a[64] = enc_movz_w(0, 0x1111);
    code_a[65] = INSN_RET;
    sync_icache(&code_a[64], 8);
    for (int i = 0; i < 50; i++) {
        CHECK_EQ(as_fn(&code_a[64])(0), 0x1111);
    }
    uint32_t want = 0x2345;
    uint32_t insn = enc_movz_w(0, want);
    volatile uint8_t *b = (volatile uint8_t *)&code_a[64];
    for (int i = 0; i < 4; i++) {
        b[i] = (uint8_t)(insn >> (8 * i));
    }
    sync_icache(&code_a[64], 4);
    CHECK_EQ(as_fn(&code_a[64])(0), want);
}

/*
 * 4: code that patches its own next instruction. The template (in .text) is copied to RAM:
 *   str w2, [x1]; dc cvau, x1; dsb ish; ic ivau, x1; dsb ish; isb; target: movz w0, #1; ret
 * and called with x1 = address of target and w2 = a new movz. After the ISB the new
 * instruction must run, though it sits in the very block that did the store.
 */
extern const uint32_t smc_self_tmpl[], smc_self_tmpl_end[], smc_self_target[];
__asm__(".pushsection .text\n"
        ".balign 4\n"
        ".global smc_self_tmpl, smc_self_tmpl_end, smc_self_target\n"
        "smc_self_tmpl:\n"
        "  str w2, [x1]\n"
        "  dc cvau, x1\n"
        "  dsb ish\n"
        "  ic ivau, x1\n"
        "  dsb ish\n"
        "  isb\n"
        "smc_self_target:\n"
        "  movz w0, #1\n"
        "  ret\n"
        "smc_self_tmpl_end:\n"
        ".popsection\n");

static void test_patch_self(void)
{
    uint32_t n = (uint32_t)(smc_self_tmpl_end - smc_self_tmpl);
    uint32_t tgt = (uint32_t)(smc_self_target - smc_self_tmpl);
    uint32_t *c = code_b;
    for (uint32_t i = 0; i < n; i++) {
        c[i] = smc_self_tmpl[i];
    }
    sync_icache(c, n * 4);
    int bad = 0;
    for (uint32_t round = 0; round < 500; round++) {
        uint32_t imm = (round * 7919u + 11) & 0xffff;
        uint32_t got;
        register uint64_t x1 __asm__("x1") = (uint64_t)&c[tgt];
        register uint64_t x2 __asm__("x2") = enc_movz_w(0, imm);
        register uint64_t x0 __asm__("x0");
        register code_fn fn = as_fn(c);
        __asm__ volatile("blr %[fn]"
                         : "=r"(x0), "+r"(x1), "+r"(x2)
                         : [fn] "r"(fn)
                         : "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
                           "x13", "x14", "x15", "x16", "x17", "x30", "memory", "cc");
        got = (uint32_t)x0;
        if (got != imm && bad++ < 4) {
            check_eq("self-patched movz result", got, imm);
        }
    }
    CHECK_EQ(bad, 0);
}

/* 5: one page holds two functions; patching one must not break the other (still correct). */
static void test_patch_neighbour(void)
{
    code_a[128] = enc_movz_w(0, 77);
    code_a[129] = INSN_RET;
    code_a[130] = enc_movz_w(0, 88);
    code_a[131] = INSN_RET;
    sync_icache(&code_a[128], 16);
    for (uint32_t i = 0; i < 100; i++) {
        code_a[128] = enc_movz_w(0, 77 + i);
        sync_icache(&code_a[128], 4);
        if (as_fn(&code_a[128])(0) != 77 + i || as_fn(&code_a[130])(0) != 88) {
            check_eq("neighbour functions", as_fn(&code_a[128])(0) * 1000 +
                     as_fn(&code_a[130])(0), (77 + i) * 1000 + 88);
            break;
        }
    }
}

int main(void)
{
    test_patch_immediate();
    test_patch_hot_loop();
    test_patch_bytes();
    test_patch_self();
    test_patch_neighbour();
    return guest_report();
}
