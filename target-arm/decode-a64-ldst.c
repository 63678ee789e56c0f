/*
 * decode-a64-ldst.c — A64 loads and stores (ARM ARM C4.1.4, op0 = x1x0) of the base integer
 * ISA: single registers in every addressing mode, pairs, literals, load-acquire/store-release
 * and the exclusives (the LSE atomics that share their encoding space are in
 * decode-a64-atomic.c). SIMD&FP forms (V = 1) belong to the SIMD decoder and return false here.
 * Runs on the translating vCPU thread; the one helper (128-bit STXP) runs on the owner vCPU.
 *
 * Constrained-unpredictable choices (ARM ARM K1.2), the same as QEMU's so that differential
 * tests agree:
 *   - load with writeback and Rn == Rt (Rn != SP): the loaded value is written first, then the
 *     writeback, so Rn ends up holding the updated address (an allowed UNKNOWN outcome);
 *   - store with writeback and Rn == Rt: the value stored is Rt's value before the writeback;
 *   - LDP with Rt == Rt2: Rt2's load is written last and wins.
 * Exclusives keep no real monitor: LDXR records (address, value), STXR compare-and-swaps the
 * value recorded, which is correct under MTTCG except for the ABA case that the architecture
 * allows a real monitor to fail anyway.
 */
#include <glib.h>
#include <inttypes.h>

#include "cpu-exec/softmmu.h"
#include "hw/core/memory.h"
#include "target-arm/decode-a64-atomic.h"
#include "target-arm/translate.h"

static int helper_stxp128_idx;

/* ---- single-register access ---- */

/*
 * Load or store one register at addr with the (size, opc) pair of the "load/store register"
 * encodings. Returns false for the unallocated combinations; is_prfm tells whether this form
 * treats size = 3, opc = 2 as a prefetch (which is a NOP here).
 */
typedef enum LdstKind { LDST_STORE, LDST_LOAD, LDST_PRFM, LDST_UNALLOC } LdstKind;

typedef struct LdstOp {
    LdstKind kind;
    MemOp mop;
    int sf; /* destination register width for loads (1 = X) */
} LdstOp;

static LdstOp ldst_classify(int size, int opc, bool allow_prfm) {
    LdstOp op = {.kind = LDST_UNALLOC, .mop = (MemOp)size, .sf = 1};
    switch (opc) {
    case 0: op.kind = LDST_STORE; break;
    case 1:
        op.kind = LDST_LOAD;
        op.sf = size == 3;
        break;
    case 2:
        if (size == 3) {
            op.kind = allow_prfm ? LDST_PRFM : LDST_UNALLOC;
        } else {
            op.kind = LDST_LOAD;
            op.mop |= MO_SIGN;
            op.sf = 1;
        }
        break;
    default: /* 3: sign-extend to W, byte and halfword only */
        if (size < 2) {
            op.kind = LDST_LOAD;
            op.mop |= MO_SIGN;
            op.sf = 0;
        }
        break;
    }
    return op;
}

static void gen_ldst_one(DisasContext *s, const LdstOp *op, int rt, IRTemp addr) {
    IRFunc *f = s->f;
    if (op->kind == LDST_STORE) {
        ir_qemu_st(f, read_reg(s, rt, 1), addr, op->mop, s->mmu_idx);
    } else if (op->kind == LDST_LOAD) {
        IRTemp val = ir_temp_new(f);
        ir_qemu_ld(f, val, addr, op->mop, s->mmu_idx);
        write_reg(s, rt, op->sf, val);
    }
}

/* Addresses come from gen_addr_base_offset(): a fresh temp, so writing Rt or Rn afterwards
 * does not change an address still to be used. */
static void gen_writeback(DisasContext *s, int rn, IRTemp addr, int64_t post_offset) {
    if (post_offset) {
        IRTemp t = ir_temp_new(s->f);
        ir_binopi(s->f, IR_ADD, IR_I64, t, addr, (uint64_t)post_offset);
        write_reg_sp(s, rn, 1, t);
    } else {
        write_reg_sp(s, rn, 1, addr);
    }
}

/* ---- load/store register: immediate forms, register offset ---- */

/* LDR/STR (unsigned immediate): size 11 1 V 01 opc imm12 Rn Rt */
static bool trans_ldst_uimm(DisasContext *s, uint32_t insn) {
    int size = (int)(insn >> 30), opc = (int)((insn >> 22) & 3);
    int rn = (int)((insn >> 5) & 31), rt = (int)(insn & 31);
    uint64_t imm12 = (insn >> 10) & 0xfff;
    LdstOp op = ldst_classify(size, opc, true);
    if (op.kind == LDST_UNALLOC) {
        return false;
    }
    if (op.kind == LDST_PRFM) {
        return true;
    }
    gen_ldst_one(s, &op, rt, gen_addr_base_offset(s, rn, (int64_t)(imm12 << size)));
    return true;
}

/*
 * imm9 forms: size 111 V 00 opc 0 imm9 op4 Rn Rt, op4 = 00 unscaled (LDUR/STUR/PRFUM),
 * 01 post-index, 10 unprivileged (LDTR/STTR), 11 pre-index.
 */
static bool trans_ldst_imm9(DisasContext *s, uint32_t insn) {
    int size = (int)(insn >> 30), opc = (int)((insn >> 22) & 3);
    int rn = (int)((insn >> 5) & 31), rt = (int)(insn & 31);
    int64_t imm9 = ((int64_t)(int32_t)(insn << 11)) >> 23;
    int op4 = (int)((insn >> 10) & 3);
    LdstOp op = ldst_classify(size, opc, op4 == 0);
    if (op.kind == LDST_UNALLOC) {
        return false;
    }
    if (op.kind == LDST_PRFM) {
        return true;
    }
    switch (op4) {
    case 0: /* unscaled */
        gen_ldst_one(s, &op, rt, gen_addr_base_offset(s, rn, imm9));
        break;
    case 2: { /* unprivileged (LDTR/STTR, C6.2.x): EL0 permissions at EL1 (without
               * FEAT_UAO); at EL0 an ordinary access */
        int saved = s->mmu_idx;
        s->mmu_idx = ARM_MMU_IDX_EL0;
        gen_ldst_one(s, &op, rt, gen_addr_base_offset(s, rn, imm9));
        s->mmu_idx = saved;
        break;
    }
    case 1: { /* post-index */
        IRTemp addr = gen_addr_base_offset(s, rn, 0);
        gen_ldst_one(s, &op, rt, addr);
        gen_writeback(s, rn, addr, imm9);
        break;
    }
    default: { /* pre-index */
        IRTemp addr = gen_addr_base_offset(s, rn, imm9);
        gen_ldst_one(s, &op, rt, addr);
        gen_writeback(s, rn, addr, 0);
        break;
    }
    }
    return true;
}

/* Register offset: size 111 V 00 opc 1 Rm option S 10 Rn Rt. */
static bool trans_ldst_regoff(DisasContext *s, uint32_t insn) {
    IRFunc *f = s->f;
    int size = (int)(insn >> 30), opc = (int)((insn >> 22) & 3);
    int rm = (int)((insn >> 16) & 31), option = (int)((insn >> 13) & 7);
    int shift = ((insn >> 12) & 1) ? size : 0;
    int rn = (int)((insn >> 5) & 31), rt = (int)(insn & 31);
    if (!(option & 2)) { /* only UXTW (010), LSL/UXTX (011), SXTW (110), SXTX (111) */
        return false;
    }
    LdstOp op = ldst_classify(size, opc, true);
    if (op.kind == LDST_UNALLOC) {
        return false;
    }
    if (op.kind == LDST_PRFM) {
        return true;
    }
    IRTemp off = ir_temp_new(f);
    IRTemp m = read_reg(s, rm, 1);
    switch (option) {
    case 2: /* UXTW */ ir_unop(f, IR_EXT32U, IR_I64, off, m); break;
    case 6: /* SXTW */ ir_unop(f, IR_EXT32S, IR_I64, off, m); break;
    default: /* LSL / SXTX: the full 64 bits */ ir_mov(f, IR_I64, off, m); break;
    }
    if (shift) {
        ir_binopi(f, IR_SHL, IR_I64, off, off, (uint64_t)shift);
    }
    IRTemp addr = ir_temp_new(f);
    ir_add(f, IR_I64, addr, cpu_X[rn], off);
    gen_ldst_one(s, &op, rt, addr);
    return true;
}

/* ---- literal ---- */

/* LDR (literal): opc 011 V 00 imm19 Rt; opc 00 W, 01 X, 10 LDRSW, 11 PRFM. */
static bool trans_ld_literal(DisasContext *s, uint32_t insn) {
    int opc = (int)(insn >> 30), rt = (int)(insn & 31);
    int64_t imm19 = ((int64_t)(int32_t)(insn << 8)) >> 13;
    uint64_t addr = s->pc + (uint64_t)(imm19 * 4);
    LdstOp op = {.kind = LDST_LOAD, .sf = 1};
    switch (opc) {
    case 0:
        op.mop = MO_32;
        op.sf = 0;
        break;
    case 1: op.mop = MO_64; break;
    case 2: op.mop = MO_SL; break;
    default: return true; /* PRFM (literal) */
    }
    gen_ldst_one(s, &op, rt, ir_const(s->f, addr));
    return true;
}

/* ---- pairs ---- */

/*
 * opc 101 V idx L imm7 Rt2 Rn Rt; idx 000 no-allocate (LDNP/STNP), 001 post-index,
 * 010 signed offset, 011 pre-index. opc 00 32-bit, 01 LDPSW (loads only), 10 64-bit.
 */
static bool trans_ldst_pair(DisasContext *s, uint32_t insn) {
    IRFunc *f = s->f;
    int opc = (int)(insn >> 30), idx = (int)((insn >> 23) & 7), is_load = (insn >> 22) & 1;
    int rt2 = (int)((insn >> 10) & 31), rn = (int)((insn >> 5) & 31), rt = (int)(insn & 31);
    int64_t imm7 = ((int64_t)(int32_t)(insn << 10)) >> 25;
    MemOp mop;
    int sf;
    if (idx > 3 || opc == 3) {
        return false;
    }
    if (opc == 1) { /* LDPSW; the store form is STGP (ARMv8.5-MemTag), absent here */
        if (!is_load || idx == 0) {
            return false;
        }
        mop = MO_SL;
        sf = 1;
    } else {
        mop = opc == 0 ? MO_32 : MO_64;
        sf = opc == 2;
    }
    int size = (int)(mop & MO_SIZE);
    int64_t offset = imm7 << size;
    bool post = idx == 1, wback = idx == 1 || idx == 3;
    IRTemp addr = gen_addr_base_offset(s, rn, post ? 0 : offset);
    IRTemp addr2 = ir_temp_new(f);
    ir_binopi(f, IR_ADD, IR_I64, addr2, addr, 1ull << size);
    if (is_load) {
        IRTemp v1 = ir_temp_new(f), v2 = ir_temp_new(f);
        ir_qemu_ld(f, v1, addr, mop, s->mmu_idx);
        ir_qemu_ld(f, v2, addr2, mop, s->mmu_idx);
        write_reg(s, rt, sf, v1);
        write_reg(s, rt2, sf, v2);
    } else {
        /* Both values are read before either store so Rt == Rn cases store the old base. */
        IRTemp v1 = read_reg(s, rt, 1), v2 = read_reg(s, rt2, 1);
        ir_qemu_st(f, v1, addr, mop, s->mmu_idx);
        ir_qemu_st(f, v2, addr2, mop, s->mmu_idx);
    }
    if (wback) {
        gen_writeback(s, rn, addr, post ? offset : 0);
    }
    return true;
}

/* ---- exclusives, acquire/release ---- */

/*
 * STXP of two X registers: a 128-bit compare-and-swap of (exclusive_val, exclusive_high)
 * against memory. The IR has no 128-bit CAS and helpers reach guest memory only through
 * cpu_ld_data/cpu_st_data, so the compare and the two stores run under one lock: atomic with
 * respect to every other 128-bit STXP, and exact with one vCPU. A plain store from another
 * vCPU to the same 16 bytes can still interleave; closing that needs either a host-address
 * probe (then a host cmpxchg16b) or leaving cpu_exec and redoing the STXP inside
 * cpu_exclusive_start() (which may not be called from generated code): the SMP issue.
 * Returns the STXP status: 0 = stored, 1 = failed.
 */
static GMutex stxp128_lock;

static uint64_t helper_stxp128(void *envp, uint64_t addr, uint64_t lo, uint64_t hi,
                               uint32_t mmu_idx) {
    CPUARMState *env = envp;
    CPUState *cpu = env_cpu(env);
    uint64_t status = 1;
    if (addr & 15) {
        cpu->arch->unaligned_access(cpu, addr, ACCESS_STORE, (int)mmu_idx);
    }
    /* Every fault is raised here, before the lock is taken: a longjmp out of the locked
     * section would leave the lock held. The 16 bytes lie in one page; it must translate for
     * a store and be RAM. */
    uint64_t paddr;
    int prot;
    cpu->arch->tlb_fill(cpu, addr, ACCESS_STORE, (int)mmu_idx, &paddr, &prot, false);
    paddr |= addr & ~TARGET_PAGE_MASK;
    if (!address_space_ram_ptr(cpu->as, paddr, 16)) {
        cpu->arch->bus_error(cpu, addr, paddr, ACCESS_STORE);
    }
    g_mutex_lock(&stxp128_lock);
    uint64_t old_lo = cpu_ld_data(cpu, addr, MO_64, (int)mmu_idx);
    uint64_t old_hi = cpu_ld_data(cpu, addr + 8, MO_64, (int)mmu_idx);
    if (old_lo == env->exclusive_val && old_hi == env->exclusive_high) {
        cpu_st_data(cpu, addr, lo, MO_64, (int)mmu_idx);
        cpu_st_data(cpu, addr + 8, hi, MO_64, (int)mmu_idx);
        status = 0;
    }
    g_mutex_unlock(&stxp128_lock);
    return status;
}

/* Barriers around acquire/release accesses. Load-acquire: later accesses stay after it.
 * Store-release: earlier accesses stay before it, and (RCsc, ARM ARM B2.3.7) a later
 * load-acquire may not pass it, which on an x86 host is the one ordering that needs a fence. */
static void gen_acquire_after(DisasContext *s) {
    ir_mb(s->f, IR_MB_LD_LD | IR_MB_LD_ST);
}
static void gen_release_before(DisasContext *s) {
    ir_mb(s->f, IR_MB_LD_ST | IR_MB_ST_ST);
}
static void gen_release_after(DisasContext *s) {
    ir_mb(s->f, IR_MB_ST_LD);
}

static int helper_align_fault_idx;

/* Alignment fault for the exclusive at addr (access ACCESS_LOAD or ACCESS_STORE). */
static void helper_align_fault(void *envp, uint64_t addr, uint32_t access_mmu)
{
    CPUState *cpu = env_cpu((CPUARMState *)envp);
    cpu->arch->unaligned_access(cpu, addr, (int)(access_mmu & 3), (int)(access_mmu >> 2));
}

/* Exclusives must be aligned to their whole size, a pair of X registers to 16 bytes, and
 * the check comes before the monitor compare (ARM ARM B2.5.2, AArch64.ExclusiveMonitorsPass):
 * a branch around a helper that raises the alignment fault. TEMP temps die at labels, so the
 * address to use afterwards is returned in a LOCAL temp. */
static IRTemp gen_check_align(DisasContext *s, IRTemp addr, unsigned bytes, int access) {
    IRFunc *f = s->f;
    int ok = ir_label_new(f);
    IRTemp keep = ir_temp_new_local(f), low = ir_temp_new(f);
    ir_mov(f, IR_I64, keep, addr);
    ir_binopi(f, IR_AND, IR_I64, low, keep, bytes - 1);
    ir_brcond(f, IR_I64, IR_COND_EQ, low, ir_const(f, 0), ok);
    IRTemp args[3] = {f->env, keep, ir_const(f, (uint64_t)(access | s->mmu_idx << 2))};
    gen_sync_pc(s);
    ir_call(f, helper_align_fault_idx, IR_TEMP_NONE, args, 3);
    ir_set_label(f, ok);
    return keep;
}

/* LDXR/LDAXR/LDXP/LDAXP: record the address and the value(s) loaded. */
static void gen_load_exclusive(DisasContext *s, int size, bool pair, bool acquire, int rt, int rt2,
                               IRTemp addr) {
    IRFunc *f = s->f;
    int sf = size == 3;
    IRTemp v1 = ir_temp_new(f);
    MemOp acq = acquire ? MO_ACQ : 0;
    if (!pair) {
        ir_qemu_ld(f, v1, addr, (MemOp)size | MO_ALIGN | acq, s->mmu_idx);
        ir_mov(f, IR_I64, cpu_exclusive_val, v1);
        write_reg(s, rt, sf, v1);
    } else if (size == 2) {
        /* Two W registers: one 64-bit access, so the pair is single-copy atomic. */
        IRTemp hi = ir_temp_new(f);
        ir_qemu_ld(f, v1, addr, MO_64 | MO_ALIGN | acq, s->mmu_idx);
        ir_mov(f, IR_I64, cpu_exclusive_val, v1);
        ir_binopi(f, IR_SHR, IR_I64, hi, v1, 32);
        write_reg(s, rt, 0, v1);
        write_reg(s, rt2, 0, hi);
    } else {
        IRTemp addr2 = ir_temp_new(f), v2 = ir_temp_new(f);
        addr = gen_check_align(s, addr, 16, ACCESS_LOAD);
        ir_binopi(f, IR_ADD, IR_I64, addr2, addr, 8);
        ir_qemu_ld(f, v1, addr, MO_64 | MO_ALIGN | acq, s->mmu_idx);
        ir_qemu_ld(f, v2, addr2, MO_64 | MO_ALIGN | acq, s->mmu_idx);
        ir_mov(f, IR_I64, cpu_exclusive_val, v1);
        ir_mov(f, IR_I64, cpu_exclusive_high, v2);
        write_reg(s, rt, 1, v1);
        write_reg(s, rt2, 1, v2);
    }
    ir_mov(f, IR_I64, cpu_exclusive_addr, addr);
    if (acquire) {
        gen_acquire_after(s);
    }
}

/*
 * STXR/STLXR/STXP/STLXP: status 1 if the address is not the one LDXR recorded, else
 * compare-and-swap against the recorded value; status = whether memory still held it.
 * The monitor is cleared either way (ARM ARM B2.9.5).
 */
static void gen_store_exclusive(DisasContext *s, int size, bool pair, bool release, int rs, int rt,
                                int rt2, int rn) {
    IRFunc *f = s->f;
    IRTemp addr = ir_temp_new_local(f);
    int fail = ir_label_new(f), done = ir_label_new(f);
    ir_mov(f, IR_I64, addr, cpu_X[rn]);
    addr = gen_check_align(s, addr, (pair ? 2u : 1u) << size, ACCESS_STORE);
    ir_brcond(f, IR_I64, IR_COND_NE, addr, cpu_exclusive_addr, fail);
    if (release) {
        gen_release_before(s);
    }
    IRTemp status = ir_temp_new(f);
    MemOp rel = release ? MO_REL : 0;
    if (pair && size == 3) {
        IRTemp args[5] = {f->env, addr, read_reg(s, rt, 1), read_reg(s, rt2, 1),
                          ir_const(f, (uint64_t)s->mmu_idx)};
        gen_sync_pc(s); /* the helper's accesses may fault: report this instruction */
        ir_call(f, helper_stxp128_idx, status, args, 5);
    } else {
        IRTemp newv = ir_temp_new(f), old = ir_temp_new(f);
        MemOp mop = (MemOp)size;
        if (pair) { /* two W registers as one 64-bit value, Rt in the low half */
            IRTemp hi = ir_temp_new(f);
            ir_unop(f, IR_EXT32U, IR_I64, newv, read_reg(s, rt, 1));
            ir_binopi(f, IR_SHL, IR_I64, hi, read_reg(s, rt2, 1), 32);
            ir_or(f, IR_I64, newv, newv, hi);
            mop = MO_64;
        } else {
            ir_mov(f, IR_I64, newv, read_reg(s, rt, 1));
        }
        ir_atomic_cmpxchg(f, old, addr, cpu_exclusive_val, newv, mop | MO_ALIGN | rel, s->mmu_idx);
        ir_setcond(f, IR_I64, IR_COND_NE, status, old, cpu_exclusive_val);
    }
    write_reg(s, rs, 0, status);
    ir_br(f, done);
    ir_set_label(f, fail);
    write_reg(s, rs, 0, ir_const(f, 1));
    ir_set_label(f, done);
    ir_movi(f, IR_I64, cpu_exclusive_addr, ~0ull);
    if (release) {
        gen_release_after(s);
    }
}

/* size 001000 o2 L o1 Rs o0 Rt2 Rn Rt */
static bool trans_ldst_excl(DisasContext *s, uint32_t insn) {
    IRFunc *f = s->f;
    int size = (int)(insn >> 30), o2 = (insn >> 23) & 1, is_load = (insn >> 22) & 1;
    int o1 = (insn >> 21) & 1, rs = (int)((insn >> 16) & 31), o0 = (insn >> 15) & 1;
    int rt2 = (int)((insn >> 10) & 31), rn = (int)((insn >> 5) & 31), rt = (int)(insn & 31);
    if (!o2) {
        if (o1 && size < 2) {
            return trans_a64_cas(s, insn); /* CASP (FEAT_LSE): decode-a64-atomic.c */
        }
        int esize = o1 ? 2 + (size & 1) : size;
        if (is_load) {
            IRTemp addr = gen_addr_base_offset(s, rn, 0);
            gen_load_exclusive(s, esize, o1, o0, rt, rt2, addr);
        } else {
            gen_store_exclusive(s, esize, o1, o0, rs, rt, rt2, rn);
        }
        return true;
    }
    if (o1) {
        return trans_a64_cas(s, insn); /* CAS (FEAT_LSE): decode-a64-atomic.c */
    }
    if (!o0) {
        return false; /* LDLAR/STLLR (ARMv8.1-LOR) */
    }
    IRTemp addr = gen_addr_base_offset(s, rn, 0);
    if (is_load) { /* LDAR, LDARB, LDARH */
        IRTemp v = ir_temp_new(f);
        ir_qemu_ld(f, v, addr, (MemOp)size | MO_ALIGN | MO_ACQ, s->mmu_idx);
        write_reg(s, rt, size == 3, v);
        gen_acquire_after(s);
    } else { /* STLR, STLRB, STLRH */
        gen_release_before(s);
        ir_qemu_st(f, read_reg(s, rt, 1), addr, (MemOp)size | MO_ALIGN | MO_REL, s->mmu_idx);
        gen_release_after(s);
    }
    return true;
}

/* ---- the group decoder ---- */

bool disas_a64_ldst(DisasContext *s, uint32_t insn) {
    if ((insn >> 26) & 1) {
        return disas_a64_ldst_simd(s, insn); /* SIMD&FP registers: decode-a64-ldst-simd.c */
    }
    switch ((insn >> 28) & 3) {
    case 0: /* exclusives and ordered (bit 24 = 1: ARMv8.4 LDAPR/STLUR, absent here) */
        if ((insn & 0x3f000000) != 0x08000000) {
            return false;
        }
        return trans_ldst_excl(s, insn);
    case 1: /* literal (bit 24 = 1 unallocated in ARMv8.0) */
        if ((insn >> 24) & 1) {
            return false;
        }
        return trans_ld_literal(s, insn);
    case 2: return trans_ldst_pair(s, insn);
    default:
        if ((insn >> 24) & 1) {
            return trans_ldst_uimm(s, insn);
        }
        if (!((insn >> 21) & 1)) {
            return trans_ldst_imm9(s, insn);
        }
        if (((insn >> 10) & 3) == 2) {
            return trans_ldst_regoff(s, insn);
        }
        if (((insn >> 10) & 3) == 0) {
            return trans_a64_atomic_memop(s, insn); /* FEAT_LSE: decode-a64-atomic.c */
        }
        return false; /* LDRAA/LDRAB (PAuth) */
    }
}

void a64_ldst_helpers_init(void) {
    a64_atomic_helpers_init();
    static const IRArgType align_args[] = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I32};
    helper_align_fault_idx =
        a64_helper_register("align_fault", (void *)helper_align_fault, IR_ARG_VOID, 3,
                            align_args, IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS);
    static const IRArgType stxp_args[] = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I64, IR_ARG_I64,
                                          IR_ARG_I32};
    helper_stxp128_idx =
        a64_helper_register("stxp128", (void *)helper_stxp128, IR_ARG_I64, 5, stxp_args,
                            IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS);
}
