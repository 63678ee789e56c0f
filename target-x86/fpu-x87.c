/*
 * fpu-x87.c — x87 instruction helpers called from generated code: the encoding tables
 * (which D8-DF forms exist, which wait, which store), the arithmetic/stack forms run on the
 * host FPU (fpu-x87-host.c), memory operands, the control/status instructions and FWAIT.
 *
 * Pending unmasked exceptions (SDM vol. 1, 8.7): an instruction that raises one sets ES/B and
 * completes; the next waiting instruction delivers #MF when CR0.NE = 1. With CR0.NE = 0 the
 * PC/AT routes FERR# to IRQ13 through the 8259; that legacy path is not modelled (the
 * instruction just proceeds), which no OS since the 486 depends on.
 * Faults (#PF on a store) leave the x87 state unchanged: results are committed after the store.
 * Runs on the owner vCPU thread only.
 */
#include <string.h>

#include "cpu-exec/softmmu.h"
#include "target-x86/excp-helper.h"
#include "target-x86/fpu-x87.h"

/* ---- encodings (SDM vol. 2, appendix A.4, tables A-7 .. A-22) ---- */

bool x87_insn_valid(uint32_t insn) {
    unsigned op = (insn >> 8) & 0xff, modrm = insn & 0xff, reg = (modrm >> 3) & 7;
    if (op < 0xd8 || op > 0xdf) {
        return false;
    }
    if (modrm < 0xc0) {
        switch (op) {
        case 0xd9: return reg != 1;
        case 0xdb: return reg != 4 && reg != 6;
        case 0xdd: return reg != 5;
        default: return true;
        }
    }
    switch (op) {
    case 0xd8: return true;
    case 0xd9:
        if (modrm < 0xd0 || modrm >= 0xf0) {
            return true; /* FLD ST(i), FXCH, F2XM1 .. FCOS */
        }
        if (modrm >= 0xd8 && modrm < 0xe0) {
            return true; /* FSTP1: alias of FSTP ST(i) (DD D8+i) */
        }
        switch (modrm) {
        case 0xd0:
        case 0xe0:
        case 0xe1:
        case 0xe4:
        case 0xe5: return true;
        default: return modrm >= 0xe8 && modrm <= 0xee; /* FLD1 .. FLDZ */
        }
    case 0xda: return modrm < 0xe0 || modrm == 0xe9;
    case 0xdb:
        return modrm < 0xe0 || (modrm >= 0xe0 && modrm <= 0xe4) || (modrm >= 0xe8 && modrm < 0xf8);
    /* The undocumented register forms below are executed by Intel and AMD CPUs as aliases
     * (the host runs the same bytes): DC D0+i FCOM2 and DC D8+i FCOMP3 (= D8 D0+i / D8 D8+i),
     * DD C8+i FXCH4, DE D0+i FCOMP5, DF C0+i FFREEP (FFREE then pop), DF C8+i FXCH7,
     * DF D0+i FSTP8 and DF D8+i FSTP9 (= DD D8+i). Still #UD: the rest of the gaps. */
    case 0xdc: return true;
    case 0xdd: return modrm < 0xf0;
    case 0xde: return reg != 3 || modrm == 0xd9;
    default: /* 0xdf */ return modrm <= 0xe0 || (modrm >= 0xe8 && modrm < 0xf8);
    }
}

bool x87_insn_waits(uint32_t insn) {
    unsigned op = (insn >> 8) & 0xff, modrm = insn & 0xff, reg = (modrm >> 3) & 7;
    if (modrm < 0xc0) {
        return !((op == 0xd9 && (reg == 6 || reg == 7)) || (op == 0xdd && (reg == 6 || reg == 7)));
    }
    if (op == 0xdb && modrm >= 0xe0 && modrm <= 0xe4) {
        return false; /* FNENI, FNDISI, FNCLEX, FNINIT, FNSETPM */
    }
    return !(op == 0xdf && modrm == 0xe0); /* FNSTSW AX */
}

unsigned x87_insn_store_size(uint32_t insn) {
    unsigned op = (insn >> 8) & 0xff, modrm = insn & 0xff, reg = (modrm >> 3) & 7;
    if (modrm >= 0xc0) {
        return 0;
    }
    switch (op) {
    case 0xd9: return (reg == 2 || reg == 3) ? 4 : 0;
    case 0xdb: return (reg >= 1 && reg <= 3) ? 4 : reg == 7 ? 10 : 0;
    case 0xdd: return (reg >= 1 && reg <= 3) ? 8 : 0;
    case 0xdf: return (reg >= 1 && reg <= 3) ? 2 : reg == 6 ? 10 : reg == 7 ? 8 : 0;
    default: return 0;
    }
}

/* ---- pending exceptions ---- */

void helper_fwait(CPUX86State *env) {
    if ((env->fpus & X87_SW_ES) && (env->cr[0] & CR0_NE)) {
        x86_raise_exception(env, EXCP_MF);
    }
}

/* Every waiting instruction starts here; fpop follows the last non-control instruction. */
static void x87_begin(CPUX86State *env, uint32_t insn) {
    helper_fwait(env);
    env->fpop = insn & 0x7ff;
}

/* ---- arithmetic, stack and compare forms ---- */

static void x87_run_commit(CPUX86State *env, uint32_t insn, void *mem, bool cond) {
    X87Image img;
    uint64_t rflags = x87_host_run(env, insn, mem, cond, &img);
    unsigned op = (insn >> 8) & 0xff, modrm = insn & 0xff;
    bool comi = (op == 0xdb || op == 0xdf) && modrm >= 0xe8 && modrm < 0xf8;
    x87_image_commit(env, &img);
    if (comi) {
        /* FCOMI/FUCOMI(P): ZF PF CF from the comparison, OF SF AF cleared; an unmasked
         * invalid operation leaves EFLAGS alone (SDM vol. 2, FCOMI). */
        uint16_t sw = (uint16_t)(img.b[4] | img.b[5] << 8);
        if (!((sw & X87_SW_IE) && !(env->fpuc & X87_SW_IE))) {
            x86_eflags_set(env, (uint32_t)rflags & (CC_Z | CC_P | CC_C),
                           CC_O | CC_S | CC_Z | CC_A | CC_P | CC_C);
        }
    }
}

void helper_x87_op(CPUX86State *env, uint32_t insn) {
    unsigned op = (insn >> 8) & 0xff, modrm = insn & 0xff;
    if (op == 0xdb && modrm >= 0xe0 && modrm <= 0xe4) {
        if (modrm == 0xe2) {
            helper_fnclex(env);
        } else if (modrm == 0xe3) {
            helper_fninit(env);
        }
        return; /* FNENI, FNDISI, FNSETPM: no-ops since the 80287/80387 */
    }
    if (op == 0xdf && modrm == 0xe0) {
        return; /* FNSTSW AX: the translator writes AX from helper_fnstsw */
    }
    x87_begin(env, insn);
    x87_run_commit(env, insn, NULL, false);
}

void helper_x87_fcmov(CPUX86State *env, uint32_t insn, uint32_t cond) {
    x87_begin(env, insn);
    x87_run_commit(env, X87_INSN(0xdb, 0xc8 | (insn & 7)), NULL, cond != 0);
}

void helper_x87_op_m32(CPUX86State *env, uint32_t insn, uint32_t value) {
    uint8_t mem[16] = {0};
    for (int i = 0; i < 4; i++) {
        mem[i] = (uint8_t)(value >> (8 * i));
    }
    x87_begin(env, insn);
    x87_run_commit(env, insn, mem, false);
}

void helper_x87_op_m64(CPUX86State *env, uint32_t insn, uint64_t value) {
    uint8_t mem[16] = {0};
    for (int i = 0; i < 8; i++) {
        mem[i] = (uint8_t)(value >> (8 * i));
    }
    x87_begin(env, insn);
    x87_run_commit(env, insn, mem, false);
}

void helper_x87_ld_m80(CPUX86State *env, uint32_t insn, uint64_t addr, uint32_t mmu_idx) {
    CPUState *cpu = cpu_from_env(env);
    uint8_t mem[16] = {0};
    x87_begin(env, insn);
    uint64_t lo = cpu_ld_data(cpu, addr, MO_64, (int)mmu_idx);
    uint64_t hi = cpu_ld_data(cpu, addr + 8, MO_16, (int)mmu_idx);
    for (int i = 0; i < 8; i++) {
        mem[i] = (uint8_t)(lo >> (8 * i));
    }
    mem[8] = (uint8_t)hi;
    mem[9] = (uint8_t)(hi >> 8);
    x87_run_commit(env, insn, mem, false);
}

void helper_x87_st_mem(CPUX86State *env, uint32_t insn, uint64_t addr, uint32_t mmu_idx) {
    CPUState *cpu = cpu_from_env(env);
    unsigned size = x87_insn_store_size(insn);
    uint8_t mem[16], other[16];
    X87Image img;
    g_assert(size != 0);
    x87_begin(env, insn);
    memset(mem, 0, sizeof(mem));
    x87_host_run(env, insn, mem, false, &img);
    uint16_t sw = (uint16_t)(img.b[4] | img.b[5] << 8);
    bool store = true;
    if (sw & X87_SW_EXC & ~env->fpuc) {
        /* An unmasked exception may have suppressed the store (SDM vol. 1, 8.5): run again
         * over a different fill; the hardware stored iff either run changed its buffer. */
        X87Image again;
        memset(other, 0xff, sizeof(other));
        x87_host_run(env, insn, other, false, &again);
        store = false;
        for (unsigned i = 0; i < size; i++) {
            store |= mem[i] != 0 || other[i] != 0xff;
        }
    }
    if (store) {
        uint64_t v = 0;
        for (unsigned i = 0; i < size && i < 8; i++) {
            v |= (uint64_t)mem[i] << (8 * i);
        }
        switch (size) {
        case 2: cpu_st_data(cpu, addr, v, MO_16, (int)mmu_idx); break;
        case 4: cpu_st_data(cpu, addr, v, MO_32, (int)mmu_idx); break;
        case 8: cpu_st_data(cpu, addr, v, MO_64, (int)mmu_idx); break;
        default:
            /* 10 bytes: the last two first, so a fault on the second page stores nothing. */
            cpu_st_data(cpu, addr + 8, (uint64_t)(mem[8] | mem[9] << 8), MO_16, (int)mmu_idx);
            cpu_st_data(cpu, addr, v, MO_64, (int)mmu_idx);
            break;
        }
    }
    x87_image_commit(env, &img);
}

/* ---- control and status ---- */

void helper_fldcw(CPUX86State *env, uint32_t cw) {
    helper_fwait(env);
    /* Bits 6, 13-15 are reserved and read back as in FNSTCW on real parts: bit 6 as 1. */
    env->fpuc = (uint16_t)((cw & 0x1f3f) | 0x0040);
    /* Unmasking a flag that is already set makes it pending (SDM vol. 2, FLDCW). */
    if (env->fpus & X87_SW_EXC & ~env->fpuc) {
        env->fpus |= X87_SW_ES | X87_SW_B;
    } else {
        env->fpus &= (uint16_t) ~(X87_SW_ES | X87_SW_B);
    }
}

uint32_t helper_fnstsw(CPUX86State *env) {
    return x87_status_get(env);
}

void helper_fnclex(CPUX86State *env) {
    env->fpus &= (uint16_t) ~(X87_SW_EXC | X87_SW_SF | X87_SW_ES | X87_SW_B);
}

void helper_fninit(CPUX86State *env) {
    x87_reset(env);
}

void helper_emms(CPUX86State *env) {
    memset(env->fptags, 1, sizeof(env->fptags));
}
