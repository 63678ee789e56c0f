/*
 * fpu-x87-host.c — runs one guest x87 instruction on the host x87 (the host is x86-64).
 *
 * For every two-byte encoding D8..DF + ModRM with mod = 3, and for the memory forms rewritten
 * to ModRM mod = 0, rm = 6 ([rsi]), a stub is generated once into an executable page:
 *     test edx, edx ; frstor [rdi] ; <op> <modrm> ; fnsave [rdi] ; pushfq ; pop rax ; ret
 * called as rflags = stub(image, mem, cond). FRSTOR loads the guest state, the instruction
 * runs on real hardware, FNSAVE stores the result and re-initialises the host FPU (CW 037F,
 * the SysV default, so the callee-saved x87 control word is intact). The guest's exception
 * flags and ES are cleared in the image first: an unmasked exception then only sets ES in the
 * host, and FNSAVE does not wait, so the host never takes #MF (SIGFPE). "test edx, edx" sets
 * ZF from cond for FCMOVNE, through which every FCMOVcc runs.
 * Thread safety: the stub page is written once under pthread_once, then only executed.
 */
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#include <glib.h>

#include "target-x86/fpu-x87.h"

#define X87_STUB_SIZE 16
#define X87_STUB_COUNT (8 * 256)

typedef uint64_t X87Stub(void *image, void *mem, uint32_t cond);

static uint8_t *x87_stubs;
static pthread_once_t x87_stubs_once = PTHREAD_ONCE_INIT;

static void x87_stubs_generate(void) {
    size_t size = X87_STUB_SIZE * X87_STUB_COUNT;
    uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        g_error("fpu-x87: cannot map the x87 stub page");
    }
    for (unsigned i = 0; i < X87_STUB_COUNT; i++) {
        static const uint8_t head[] = {0x85, 0xd2, 0xdd, 0x27}; /* test edx,edx; frstor [rdi] */
        static const uint8_t tail[] = {0xdd, 0x37, 0x9c, 0x58, 0xc3}; /* fnsave; pushfq; pop; ret */
        uint8_t *s = p + i * X87_STUB_SIZE;
        memset(s, 0xcc, X87_STUB_SIZE);
        memcpy(s, head, sizeof(head));
        s[4] = 0xd8 + (i >> 8);
        s[5] = i & 0xff;
        memcpy(s + 6, tail, sizeof(tail));
    }
    if (mprotect(p, size, PROT_READ | PROT_EXEC) != 0) {
        g_error("fpu-x87: cannot make the x87 stub page executable");
    }
    x87_stubs = p;
}

/* ---- state access ---- */

uint16_t x87_status_get(const CPUX86State *env) {
    return (uint16_t)((env->fpus & ~X87_SW_TOP) | ((env->fpstt & 7) << 11));
}

void x87_status_set(CPUX86State *env, uint16_t sw) {
    env->fpus = sw & ~X87_SW_TOP;
    env->fpstt = (sw >> 11) & 7;
}

/* SDM vol. 1, figure 8-7: 00 valid, 01 zero, 10 special (NaN, infinity, denormal, unnormal,
 * pseudo forms), 11 empty. */
static unsigned x87_tag_classify(const X87Reg *r) {
    unsigned e = r->exp & 0x7fff;
    if (e == 0x7fff) {
        return 2;
    }
    if (e == 0) {
        return r->mant == 0 ? 1 : 2;
    }
    return (r->mant >> 63) ? 0 : 2;
}

uint16_t x87_tag_word_get(const CPUX86State *env) {
    uint16_t tw = 0;
    for (int i = 0; i < 8; i++) {
        unsigned t = env->fptags[i] ? 3 : x87_tag_classify(&env->fpregs[i]);
        tw |= (uint16_t)(t << (2 * i));
    }
    return tw;
}

void x87_tag_word_set(CPUX86State *env, uint16_t tw) {
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = ((tw >> (2 * i)) & 3) == 3;
    }
}

void x87_reg_to_bytes(const X87Reg *r, uint8_t out[10]) {
    for (int i = 0; i < 8; i++) {
        out[i] = (uint8_t)(r->mant >> (8 * i));
    }
    out[8] = (uint8_t)r->exp;
    out[9] = (uint8_t)(r->exp >> 8);
}

void x87_reg_from_bytes(X87Reg *r, const uint8_t in[10]) {
    uint64_t m = 0;
    for (int i = 7; i >= 0; i--) {
        m = m << 8 | in[i];
    }
    r->mant = m;
    r->exp = (uint16_t)(in[8] | in[9] << 8);
}

void x87_reset(CPUX86State *env) {
    env->fpuc = X87_CW_DEFAULT;
    env->fpus = 0;
    env->fpstt = 0;
    memset(env->fptags, 1, sizeof(env->fptags));
    env->fpop = 0;
    env->fpip = env->fpdp = 0;
    env->fpcs = env->fpds = 0;
}

void x86_fpu_enter_mmx(CPUX86State *env) {
    env->fpstt = 0;
    memset(env->fptags, 0, sizeof(env->fptags));
}

/* ---- host execution ---- */

static void put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static uint16_t get16(const uint8_t *p) {
    return (uint16_t)(p[0] | p[1] << 8);
}

uint64_t x87_host_run(const CPUX86State *env, uint32_t insn, void *mem, bool cond, X87Image *img) {
    pthread_once(&x87_stubs_once, x87_stubs_generate);
    g_assert(x87_insn_valid(insn));
    uint32_t modrm = insn & 0xff;
    if (modrm < 0xc0) {
        modrm = (modrm & 0x38) | 0x06; /* [rsi] */
    }
    unsigned index = ((insn >> 8) & 7) << 8 | modrm;

    memset(img->b, 0, sizeof(img->b));
    put16(img->b + 0, env->fpuc);
    put16(img->b + 4, x87_status_get(env) & ~(X87_SW_EXC | X87_SW_SF | X87_SW_ES | X87_SW_B));
    put16(img->b + 8, x87_tag_word_get(env));
    for (int i = 0; i < 8; i++) {
        x87_reg_to_bytes(&env->fpregs[(env->fpstt + i) & 7], img->b + 28 + 10 * i);
    }
    X87Stub *stub = (X87Stub *)(void *)(x87_stubs + index * X87_STUB_SIZE);
    return stub(img->b, mem, cond);
}

void x87_image_commit(CPUX86State *env, const X87Image *img) {
    uint16_t sw = get16(img->b + 4);
    uint16_t flags = (uint16_t)((env->fpus | sw) & (X87_SW_EXC | X87_SW_SF));
    sw = (uint16_t)((sw & ~(X87_SW_EXC | X87_SW_SF | X87_SW_ES | X87_SW_B)) | flags);
    if (flags & X87_SW_EXC & ~env->fpuc) {
        sw |= X87_SW_ES | X87_SW_B;
    }
    x87_status_set(env, sw);
    x87_tag_word_set(env, get16(img->b + 8));
    for (int i = 0; i < 8; i++) {
        x87_reg_from_bytes(&env->fpregs[(env->fpstt + i) & 7], img->b + 28 + 10 * i);
    }
}
