/*
 * fpu-x87-env.c — the x87 environment and state images: FLDENV/FNSTENV (14/28 bytes, real
 * and protected formats, SDM vol. 1, 8.1.10 figures 8-9..8-12), FRSTOR/FNSAVE (environment +
 * ST(0)..ST(7) as 80-bit values, figures 8-13/8-14) and FXSAVE/FXRSTOR (legacy area with
 * MXCSR and XMM0-15, SDM vol. 1, 10.5.1 tables 10-2/10-3).
 *
 * The formats are built in byte buffers (pure, unit-tested); the helpers move a whole buffer
 * to or from guest memory before changing any state, so a #PF part way leaves the FPU as it
 * was. Owner vCPU thread only.
 */
#include <string.h>

#include "cpu-exec/softmmu.h"
#include "target-x86/excp-helper.h"
#include "target-x86/fpu-x87.h"

static void put16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v) {
    put16(p, v);
    put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v) {
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get16(const uint8_t *p) {
    return (uint32_t)(p[0] | p[1] << 8);
}
static uint32_t get32(const uint8_t *p) {
    return get16(p) | get16(p + 2) << 16;
}
static uint64_t get64(const uint8_t *p) {
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* ---- FSTENV / FLDENV ---- */

unsigned x87_env_store(const CPUX86State *env, uint8_t *out, bool data32, bool prot) {
    uint32_t cw = env->fpuc, sw = x87_status_get(env), tw = x87_tag_word_get(env);
    uint32_t ip = (uint32_t)env->fpip, dp = (uint32_t)env->fpdp, fop = env->fpop & 0x7ff;
    if (!data32) {
        memset(out, 0, 14);
        put16(out + 0, cw);
        put16(out + 2, sw);
        put16(out + 4, tw);
        if (prot) {
            put16(out + 6, ip);
            put16(out + 8, env->fpcs);
            put16(out + 10, dp);
            put16(out + 12, env->fpds);
        } else { /* 20-bit linear pointers: bits 19:16 in the top nibble of the next word */
            put16(out + 6, ip);
            put16(out + 8, ((ip >> 16) & 0xf) << 12 | fop);
            put16(out + 10, dp);
            put16(out + 12, ((dp >> 16) & 0xf) << 12);
        }
        return 14;
    }
    memset(out, 0, 28);
    /* Reserved upper halves read as 1s on Intel parts (figure 8-9 marks them reserved). */
    put32(out + 0, 0xffff0000u | cw);
    put32(out + 4, 0xffff0000u | sw);
    put32(out + 8, 0xffff0000u | tw);
    if (prot) {
        put32(out + 12, ip);
        put32(out + 16, fop << 16 | env->fpcs);
        put32(out + 20, dp);
        put32(out + 24, 0xffff0000u | env->fpds);
    } else {
        put32(out + 12, 0xffff0000u | (ip & 0xffff));
        put32(out + 16, (ip >> 16) << 12 | fop);
        put32(out + 20, 0xffff0000u | (dp & 0xffff));
        put32(out + 24, (dp >> 16) << 12);
    }
    return 28;
}

void x87_env_load(CPUX86State *env, const uint8_t *in, bool data32, bool prot) {
    if (!data32) {
        env->fpuc = (uint16_t)get16(in + 0);
        x87_status_set(env, (uint16_t)get16(in + 2));
        x87_tag_word_set(env, (uint16_t)get16(in + 4));
        if (prot) {
            env->fpip = get16(in + 6);
            env->fpcs = (uint16_t)get16(in + 8);
            env->fpdp = get16(in + 10);
            env->fpds = (uint16_t)get16(in + 12);
        } else {
            env->fpip = get16(in + 6) | (get16(in + 8) >> 12) << 16;
            env->fpop = get16(in + 8) & 0x7ff;
            env->fpdp = get16(in + 10) | (get16(in + 12) >> 12) << 16;
        }
    } else {
        env->fpuc = (uint16_t)get16(in + 0);
        x87_status_set(env, (uint16_t)get16(in + 4));
        x87_tag_word_set(env, (uint16_t)get16(in + 8));
        if (prot) {
            env->fpip = get32(in + 12);
            env->fpcs = (uint16_t)get16(in + 16);
            env->fpop = (get32(in + 16) >> 16) & 0x7ff;
            env->fpdp = get32(in + 20);
            env->fpds = (uint16_t)get16(in + 24);
        } else {
            env->fpip = get16(in + 12) | ((get32(in + 16) >> 12) & 0xffff) << 16;
            env->fpop = get32(in + 16) & 0x7ff;
            env->fpdp = get16(in + 20) | ((get32(in + 24) >> 12) & 0xffff) << 16;
        }
    }
    /* ES/B follow the loaded flags and masks (SDM vol. 2, FLDENV: a pending exception so
     * loaded is delivered by the next waiting instruction). */
    if (env->fpus & X87_SW_EXC & ~env->fpuc) {
        env->fpus |= X87_SW_ES | X87_SW_B;
    } else {
        env->fpus &= (uint16_t) ~(X87_SW_ES | X87_SW_B);
    }
}

/* ---- FXSAVE / FXRSTOR ---- */

void x87_fxsave_store(const CPUX86State *env, uint8_t out[416], bool rexw, unsigned nregs_xmm) {
    memset(out, 0, 416);
    put16(out + 0, env->fpuc);
    put16(out + 2, x87_status_get(env));
    uint8_t ftw = 0; /* abridged: 1 = valid (not empty), table 10-2 */
    for (int i = 0; i < 8; i++) {
        ftw |= (uint8_t)(!env->fptags[i] << i);
    }
    out[4] = ftw;
    put16(out + 6, env->fpop & 0x7ff);
    if (rexw) {
        put64(out + 8, env->fpip);
        put64(out + 16, env->fpdp);
    } else {
        put32(out + 8, (uint32_t)env->fpip);
        put16(out + 12, env->fpcs);
        put32(out + 16, (uint32_t)env->fpdp);
        put16(out + 20, env->fpds);
    }
    put32(out + 24, env->mxcsr);
    put32(out + 28, X87_MXCSR_MASK);
    for (int i = 0; i < 8; i++) {
        x87_reg_to_bytes(&env->fpregs[(env->fpstt + i) & 7], out + 32 + 16 * i);
    }
    for (unsigned i = 0; i < nregs_xmm; i++) {
        put64(out + 160 + 16 * i, env->xmm[i][0]);
        put64(out + 168 + 16 * i, env->xmm[i][1]);
    }
}

bool x87_fxsave_load(CPUX86State *env, const uint8_t in[416], bool rexw, unsigned nregs_xmm) {
    uint32_t mxcsr = get32(in + 24);
    if (mxcsr & ~X87_MXCSR_MASK) {
        return false;
    }
    env->mxcsr = mxcsr;
    env->fpuc = (uint16_t)get16(in + 0);
    x87_status_set(env, (uint16_t)get16(in + 2));
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = !((in[4] >> i) & 1);
    }
    env->fpop = get16(in + 6) & 0x7ff;
    if (rexw) {
        env->fpip = get64(in + 8);
        env->fpdp = get64(in + 16);
    } else {
        env->fpip = get32(in + 8);
        env->fpcs = (uint16_t)get16(in + 12);
        env->fpdp = get32(in + 16);
        env->fpds = (uint16_t)get16(in + 20);
    }
    for (int i = 0; i < 8; i++) {
        x87_reg_from_bytes(&env->fpregs[(env->fpstt + i) & 7], in + 32 + 16 * i);
    }
    for (unsigned i = 0; i < nregs_xmm; i++) {
        env->xmm[i][0] = get64(in + 160 + 16 * i);
        env->xmm[i][1] = get64(in + 168 + 16 * i);
    }
    return true;
}

/* ---- guest memory ---- */

static void mem_read(CPUX86State *env, uint64_t addr, uint8_t *buf, unsigned n, int mmu_idx) {
    CPUState *cpu = cpu_from_env(env);
    for (unsigned i = 0; i < n;) {
        if (n - i >= 8) {
            put64(buf + i, cpu_ld_data(cpu, addr + i, MO_64, mmu_idx));
            i += 8;
        } else {
            put16(buf + i, (uint32_t)cpu_ld_data(cpu, addr + i, MO_16, mmu_idx));
            i += 2;
        }
    }
}

/* Writes the last byte's page first, so a fault on it (the usual page-crossing case) comes
 * before anything is written. */
static void mem_write(CPUX86State *env, uint64_t addr, const uint8_t *buf, unsigned n,
                      int mmu_idx) {
    CPUState *cpu = cpu_from_env(env);
    cpu_st_data(cpu, addr + n - 2, get16(buf + n - 2), MO_16, mmu_idx);
    for (unsigned i = 0; i < n;) {
        if (n - i >= 8) {
            cpu_st_data(cpu, addr + i, get64(buf + i), MO_64, mmu_idx);
            i += 8;
        } else {
            cpu_st_data(cpu, addr + i, get16(buf + i), MO_16, mmu_idx);
            i += 2;
        }
    }
}

static bool x87_env_prot(const CPUX86State *env) {
    return (env->hflags & HF_PE) && !(env->hflags & HF_VM86);
}

void helper_fldenv(CPUX86State *env, uint64_t addr, uint32_t mmu_idx, uint32_t flags) {
    bool data32 = flags & X87_ENV_DATA32;
    uint8_t buf[28];
    helper_fwait(env);
    mem_read(env, addr, buf, data32 ? 28 : 14, (int)mmu_idx);
    x87_env_load(env, buf, data32, x87_env_prot(env));
}

void helper_fnstenv(CPUX86State *env, uint64_t addr, uint32_t mmu_idx, uint32_t flags) {
    uint8_t buf[28];
    unsigned n = x87_env_store(env, buf, flags & X87_ENV_DATA32, x87_env_prot(env));
    mem_write(env, addr, buf, n, (int)mmu_idx);
    /* FNSTENV masks all exceptions after saving (SDM vol. 2, FSTENV). */
    env->fpuc |= X87_CW_EXC_MASKS;
}

void helper_frstor(CPUX86State *env, uint64_t addr, uint32_t mmu_idx, uint32_t flags) {
    bool data32 = flags & X87_ENV_DATA32;
    unsigned n = data32 ? 28 : 14;
    uint8_t buf[108];
    helper_fwait(env);
    mem_read(env, addr, buf, n + 80, (int)mmu_idx);
    x87_env_load(env, buf, data32, x87_env_prot(env));
    for (int i = 0; i < 8; i++) {
        x87_reg_from_bytes(&env->fpregs[(env->fpstt + i) & 7], buf + n + 10 * i);
    }
}

void helper_fnsave(CPUX86State *env, uint64_t addr, uint32_t mmu_idx, uint32_t flags) {
    uint8_t buf[108];
    unsigned n = x87_env_store(env, buf, flags & X87_ENV_DATA32, x87_env_prot(env));
    for (int i = 0; i < 8; i++) {
        x87_reg_to_bytes(&env->fpregs[(env->fpstt + i) & 7], buf + n + 10 * i);
    }
    mem_write(env, addr, buf, n + 80, (int)mmu_idx);
    x87_reset(env);
}

void helper_fxsave(CPUX86State *env, uint64_t addr, uint32_t mmu_idx, uint32_t flags) {
    uint8_t buf[416];
    unsigned nregs = (flags & X86_FXSAVE_LONG) ? 16 : 8;
    if (addr & 15) {
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
    x87_fxsave_store(env, buf, flags & X86_FXSAVE_REXW, nregs);
    mem_write(env, addr, buf, 160 + 16 * nregs, (int)mmu_idx);
}

void helper_fxrstor(CPUX86State *env, uint64_t addr, uint32_t mmu_idx, uint32_t flags) {
    uint8_t buf[416];
    unsigned nregs = (flags & X86_FXSAVE_LONG) ? 16 : 8;
    if (addr & 15) {
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
    memset(buf, 0, sizeof(buf));
    mem_read(env, addr, buf, 160 + 16 * nregs, (int)mmu_idx);
    if (!x87_fxsave_load(env, buf, flags & X86_FXSAVE_REXW, nregs)) {
        x86_raise_exception_err(env, EXCP_GP, 0);
    }
}
