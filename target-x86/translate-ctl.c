/*
 * translate-ctl.c — control and system groups: BRANCH (Jcc, JMP, CALL, RET, LOOP/JrCXZ, far
 * transfers and IRET through seg-helper.c), INTERRUPT (INT n, INT3, INTO, INT1, BOUND, UD2), IO
 * (IN, OUT, INS/OUTS, with the IOPL / TSS I/O-bitmap check), SEG (MOV Sreg, LDS..LSS, ARPL) and
 * SYSTEM (HLT, descriptor tables, MOV CR/DR, MSRs, CPUID, RDTSC(P), SYSCALL family, SWAPGS,
 * fences, cache and TLB maintenance). Translating vCPU thread only; helper indices are set
 * once by x86_tr_sys_init at start-up. Port I/O helpers run on the vCPU thread and reach the
 * devices through the board's I/O address space (device lock taken by the dispatcher).
 */
#include <inttypes.h>
#include <string.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/io-pending.h"
#include "cpu-exec/softmmu.h"
#include "hw/core/memory.h"
#include "system/log.h"
#include "target-x86/cc-helper.h"
#include "target-x86/cpuid.h"
#include "target-x86/excp-helper.h"
#include "target-x86/misc-helper.h"
#include "target-x86/seg-helper.h"
#include "target-x86/smm-helper.h"
#include "target-x86/translate.h"

static int h_raise_interrupt, h_load_seg, h_ljmp, h_lcall, h_lret, h_iret, h_lldt, h_ltr,
    h_lar, h_lsl, h_verr, h_verw, h_in, h_out, h_rdmsr, h_wrmsr, h_read_cr, h_write_cr,
    h_lmsw, h_clts, h_invlpg, h_rdtsc, h_rdtscp, h_syscall, h_sysret, h_sysenter, h_sysexit,
    h_hlt, h_rsm, h_cpuid, h_bound, h_read_dr, h_write_dr, h_check_io;


/* ---- port I/O ---- */

/* Protected mode with CPL > IOPL (or VM86): every byte of the access must be allowed by the
 * I/O permission bitmap of the 32/64-bit TSS (SDM vol. 1 19.5.2), else #GP(0). */
static void helper_check_io(CPUX86State *env, uint32_t port, uint32_t size)
{
    CPUState *cpu = cpu_from_env(env);
    const X86Segment *tr = &env->tr;
    unsigned type = (tr->flags >> DESC_TYPE_SHIFT) & 15;
    if (!(tr->flags & DESC_P_MASK) || (type != 9 && type != 11) || tr->limit < 103) {
        x86_raise_exception_err(env, 13, 0);
    }
    uint32_t base = (uint32_t)cpu_ld_data(cpu, tr->base + 0x66, MO_16, X86_MMU_KERNEL);
    uint32_t byte = base + (port >> 3);
    if (byte + 1 > tr->limit) {
        x86_raise_exception_err(env, 13, 0);
    }
    uint32_t bits = (uint32_t)cpu_ld_data(cpu, tr->base + byte, MO_16, X86_MMU_KERNEL);
    if ((bits >> (port & 7)) & ((1u << size) - 1)) {
        x86_raise_exception_err(env, 13, 0);
    }
}

/* Unclaimed ports read as all ones and swallow writes, as on a PC's ISA bus. A device that
 * may defer its reads is waited for without the device lock (DESIGN.md rule 5): if the vCPU
 * is asked to leave meanwhile, cpu_io_wait leaves with env->rip at the IN (the helper is
 * flagged IR_CALL_MAY_RAISE) and the retried IN takes the result from the slot. INS reaches
 * here too: a REP INS leaves between elements with RCX/RDI counting the ones done (the
 * restart SDM vol. 2 "REP" allows) and resumes with the element it was waiting for. */
static uint64_t helper_in(CPUX86State *env, uint32_t port, uint32_t size)
{
    CPUState *cpu = cpu_from_env(env);
    X86CPU *xcpu = x86_cpu(cpu);
    uint64_t off, v = ~0ull;
    MemoryRegion *mr = xcpu->io_as ? address_space_find(xcpu->io_as, port & 0xffff, &off) : NULL;
    MemTxResult res = MEMTX_ERROR;
    if (mr && mr->ops && mr->ops->read_deferred) {
        v = cpu_io_read_deferred(cpu, IO_PENDING_PORT_READ, (uint64_t)(port & 0xffff) << 4 | size,
                                 mr, off, size, &res);
    } else if (mr) {
        res = memory_region_dispatch_read(mr, off, &v, size);
    }
    if (res != MEMTX_OK) {
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("vCPU %d: in%c from unclaimed port 0x%04x reads all ones\n",
                 cpu_from_env(env)->cpu_index, "bw?l"[size - 1], port & 0xffff);
        }
        v = ~0ull;
    }
    return size == 4 ? (uint32_t)v : v & ((1ull << (size * 8)) - 1);
}

static void helper_out(CPUX86State *env, uint32_t port, uint64_t value, uint32_t size)
{
    X86CPU *xcpu = x86_cpu(cpu_from_env(env));
    uint64_t off;
    MemoryRegion *mr = xcpu->io_as ? address_space_find(xcpu->io_as, port & 0xffff, &off) : NULL;
    if (!mr || memory_region_dispatch_write(mr, off, value, size) != MEMTX_OK) {
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("vCPU %d: out%c 0x%" PRIx64 " to unclaimed port 0x%04x ignored\n",
                 cpu_from_env(env)->cpu_index, "bw?l"[size - 1], value, port & 0xffff);
        }
    }
}

/* Emits the I/O permission check for a port in a temp, if CPL/IOPL need one. */
static void gen_check_io(DisasContext *s, IRTemp port, int size)
{
    unsigned iopl = (s->flags >> HF_IOPL_SHIFT) & 3;
    if ((s->flags & HF_PE) && ((s->flags & HF_VM86) || (unsigned)s->cpl > iopl)) {
        IRTemp args[2] = {port, ir_const(s->f, (uint64_t)size)};
        gen_helper(s, h_check_io, 2, args);
    }
}

static IRTemp gen_in(DisasContext *s, IRTemp port, int ot)
{
    IRTemp args[2] = {port, ir_const(s->f, 1u << ot)};
    return gen_helper(s, h_in, 2, args);
}

static void gen_out(DisasContext *s, IRTemp port, IRTemp val, int ot)
{
    IRTemp args[3] = {port, val, ir_const(s->f, 1u << ot)};
    gen_helper(s, h_out, 3, args);
}

bool x86_tr_io(DisasContext *s, X86Insn *insn)
{
    IRFunc *f = s->f;
    int ot = insn_ot(insn);
    if (ot == 3) {
        ot = 2;
    }
    IRTemp port;
    if ((X86OpEnc)insn->entry->ops == X86_OPS_I) {
        port = ir_const(f, (uint64_t)insn->imm & 0xff);
    } else {
        port = gen_reg_read(s, 1, R_EDX);
    }
    gen_check_io(s, port, 1 << ot);
    if (insn->entry->mnem[0] == 'i') {
        gen_reg_write(s, ot, R_EAX, gen_in(s, port, ot));
    } else {
        gen_out(s, port, gen_reg_read(s, ot, R_EAX), ot);
    }
    /* A device write may have raised an interrupt or requested a reset/shutdown: let the
     * loop look before the next instruction. */
    gen_end_tb_update(s);
    return true;
}

bool x86_tr_string_io(DisasContext *s, X86Insn *insn)
{
    IRFunc *f = s->f;
    int ot = insn_ot(insn);
    if (ot == 3) {
        ot = 2;
    }
    bool in = insn->entry->mnem[0] == 'i';
    int loop = -1, done = -1;
    IRTemp port = gen_reg_read(s, 1, R_EDX);
    gen_check_io(s, port, 1 << ot);
    int aot = insn_aot(insn);
    if (insn->rep) {
        loop = ir_label_new(f);
        done = ir_label_new(f);
        if (s->cc_op != X86_CC_OP_DYNAMIC) {
            ir_movi(f, IR_I64, cpu_cc_op, (uint64_t)s->cc_op);
            s->cc_op = X86_CC_OP_DYNAMIC;
        }
        ir_set_label(f, loop);
        IRTemp c = gen_reg_read(s, aot, R_ECX);
        ir_brcond(f, IR_I64, IR_COND_EQ, c, ir_const(f, 0), done);
    }
    int idx = in ? R_EDI : R_ESI;
    IRTemp off = gen_reg_read(s, aot, idx);
    int seg = in ? R_ES : (insn->seg_override >= 0 ? insn->seg_override : R_DS);
    IRTemp addr = gen_seg_linear(s, seg, off);
    IRTemp p = gen_reg_read(s, 1, R_EDX);
    if (in) {
        /* The port is read before the store: a store that faults makes the restarted
         * instruction read the port again (a device with read side effects loses a datum). */
        IRTemp v = gen_in(s, p, ot);
        gen_st(s, ot, addr, v);
    } else {
        gen_out(s, p, gen_ld(s, ot, addr), ot);
    }
    gen_string_step(s, idx, ot);
    if (insn->rep) {
        IRTemp c = ir_temp_new(f);
        ir_binopi(f, IR_SUB, IR_I64, c, cpu_regs[R_ECX], 1);
        gen_reg_write(s, aot, R_ECX, c);
        ir_br(f, loop);
        ir_set_label(f, done);
    }
    gen_end_tb_update(s);
    return true;
}

/* ---- segments ---- */

void gen_load_seg(DisasContext *s, int seg, IRTemp sel)
{
    IRTemp args[2] = {ir_const(s->f, (uint64_t)seg), sel};
    gen_helper(s, h_load_seg, 2, args);
}

void gen_inhibit_irq(DisasContext *s)
{
    IRTemp h = ir_temp_new(s->f);
    ir_ld(s->f, IR_LD32U, h, s->f->env, X86_ENV_OFF(hflags));
    ir_binopi(s->f, IR_OR, IR_I64, h, h, HF_INHIBIT_IRQ);
    ir_st(s->f, IR_ST32, h, s->f->env, X86_ENV_OFF(hflags));
}

/* Far pointer m16:16/32/64 at the ModRM operand: offset then selector. */
static void gen_far_ptr(DisasContext *s, int ot, IRTemp *sel, IRTemp *off)
{
    IRFunc *f = s->f;
    IRTemp a = gen_lea_modrm(s);
    IRTemp la = ir_temp_new(f);
    ir_mov(f, IR_I64, la, a);
    *off = gen_ld(s, ot, la);
    IRTemp a2 = ir_temp_new(f);
    ir_binopi(f, IR_ADD, IR_I64, a2, la, 1u << ot);
    if (!s->code64) {
        ir_unop(f, IR_EXT32U, IR_I64, a2, a2);
    }
    *sel = gen_ld(s, 1, a2);
}

bool x86_tr_seg(DisasContext *s, X86Insn *insn)
{
    IRFunc *f = s->f;
    const char *m = insn->entry->mnem;
    int ot = insn_ot(insn);
    if (!strcmp(m, "mov")) {
        int seg = insn->reg & 7;
        if ((X86OpEnc)insn->entry->ops == X86_OPS_MR) {
            IRTemp v = ir_temp_new(f);
            ir_ld(f, IR_LD32U, v, f->env, X86_ENV_OFF(segs[seg].selector));
            /* To a register: zero-extended to the operand size; to memory: 16 bits. */
            gen_rm_write(s, insn->mem ? 1 : (ot == 0 ? 1 : ot), IR_TEMP_NONE, v);
            return true;
        }
        IRTemp v = gen_rm_read(s, 1, NULL);
        gen_load_seg(s, seg, v);
        if (seg == R_SS) {
            gen_inhibit_irq(s);
        }
        gen_end_tb_update(s);
        return true;
    }
    static const char *const lxs[] = {"les", "lds", "lss", "lfs", "lgs"};
    static const int lxs_seg[] = {R_ES, R_DS, R_SS, R_FS, R_GS};
    for (int i = 0; i < 5; i++) {
        if (!strcmp(m, lxs[i])) {
            IRTemp sel, off;
            gen_far_ptr(s, ot, &sel, &off);
            IRTemp loff = ir_temp_new_local(f);
            ir_mov(f, IR_I64, loff, off);
            gen_load_seg(s, lxs_seg[i], sel);
            gen_reg_write(s, ot, insn->reg, loff);
            gen_end_tb_update(s);
            return true;
        }
    }
    if (!strcmp(m, "arpl")) {
        if (!(s->flags & HF_PE) || (s->flags & HF_VM86)) {
            gen_illegal(s, NULL);
            return true;
        }
        IRTemp addr;
        IRTemp d = gen_rm_read(s, 1, &addr), src = gen_reg_read(s, 1, insn->reg);
        IRTemp drpl = ir_temp_new(f), srpl = ir_temp_new(f), nd = ir_temp_new(f), z = ir_temp_new(f);
        ir_binopi(f, IR_AND, IR_I64, drpl, d, 3);
        ir_binopi(f, IR_AND, IR_I64, srpl, src, 3);
        ir_setcond(f, IR_I64, IR_COND_LTU, z, drpl, srpl);
        ir_binopi(f, IR_AND, IR_I64, nd, d, ~3ull);
        ir_or(f, IR_I64, nd, nd, srpl);
        ir_movcond(f, IR_I64, IR_COND_NE, nd, z, ir_const(f, 0), nd, d);
        gen_rm_write(s, 1, addr, nd);
        gen_compute_eflags(s);
        IRTemp zf = ir_temp_new(f);
        ir_binopi(f, IR_SHL, IR_I64, zf, z, 6);
        ir_binopi(f, IR_AND, IR_I64, cpu_cc_src, cpu_cc_src, ~(uint64_t)CC_Z);
        ir_or(f, IR_I64, cpu_cc_src, cpu_cc_src, zf);
        return true;
    }
    return false;
}

/* ---- BRANCH ---- */

/* eip arithmetic wraps at the operand size outside 64-bit mode (SDM JMP: "IP/EIP ... is
 * truncated"). */
static uint64_t eip_mask(DisasContext *s, int ot)
{
    if (s->code64) {
        return ot == 1 ? 0xffff : ~0ull;
    }
    return ot == 1 ? 0xffff : 0xffffffffu;
}

bool x86_tr_branch(DisasContext *s, X86Insn *insn)
{
    IRFunc *f = s->f;
    const char *m = insn->entry->mnem;
    int ot = s->code64 ? (insn->opsize == 16 ? 1 : 3) : insn_ot(insn);
    uint64_t next = s_eip_next(s);
    uint64_t target = (next + (uint64_t)insn->imm) & eip_mask(s, ot);
    if (m[0] == 'j' && strcmp(m, "jmp") && strcmp(m, "jmpf") && strcmp(m, "jrcxz")) {
        int cc = insn->opcode & 15;
        int taken = ir_label_new(f);
        gen_brcond_cc(s, cc, taken);
        gen_jmp_eip(s, 0, next);
        ir_set_label(f, taken);
        gen_jmp_eip(s, 1, target);
        return true;
    }
    if (!strcmp(m, "jmp")) {
        if ((X86OpEnc)insn->entry->ops == X86_OPS_D) {
            gen_jmp_eip(s, 0, target);
        } else {
            IRTemp t = gen_rm_read(s, ot, NULL);
            gen_jmp_reg(s, t);
        }
        return true;
    }
    if (!strcmp(m, "call")) {
        IRTemp dest;
        if ((X86OpEnc)insn->entry->ops == X86_OPS_D) {
            gen_push(s, ot, ir_const(f, next & eip_mask(s, ot)));
            gen_jmp_eip(s, 0, target);
            return true;
        }
        dest = gen_rm_read(s, ot, NULL);
        IRTemp ld = ir_temp_new_local(f);
        ir_mov(f, IR_I64, ld, dest);
        gen_push(s, ot, ir_const(f, next & eip_mask(s, ot)));
        gen_jmp_reg(s, ld);
        return true;
    }
    if (!strcmp(m, "ret")) {
        IRTemp v = gen_pop(s, ot);
        IRTemp lv = ir_temp_new(f);
        ir_mov(f, IR_I64, lv, v);
        gen_pop_commit(s, ot);
        if ((X86OpEnc)insn->entry->ops == X86_OPS_I) {
            IRTemp sp = ir_temp_new(f);
            ir_binopi(f, IR_ADD, IR_I64, sp, cpu_regs[R_ESP], (uint64_t)insn->imm & 0xffff);
            gen_sp_write(s, sp);
        }
        gen_jmp_reg(s, lv);
        return true;
    }
    if (!strcmp(m, "loop") || !strcmp(m, "loope") || !strcmp(m, "loopne") || !strcmp(m, "jrcxz")) {
        int aot = insn_aot(insn);
        int taken = ir_label_new(f), not_taken = ir_label_new(f);
        IRTemp c = gen_reg_read(s, aot, R_ECX);
        if (m[0] == 'l') {
            IRTemp d = ir_temp_new(f);
            ir_binopi(f, IR_SUB, IR_I64, d, c, 1);
            gen_reg_write(s, aot, R_ECX, d);
            IRTemp dm = gen_reg_read(s, aot, R_ECX);
            if (!strcmp(m, "loop")) {
                ir_brcond(f, IR_I64, IR_COND_NE, dm, ir_const(f, 0), taken);
            } else {
                ir_brcond(f, IR_I64, IR_COND_EQ, dm, ir_const(f, 0), not_taken);
                gen_brcond_cc(s, !strcmp(m, "loope") ? X86_COND_E : X86_COND_NE, taken);
            }
        } else {
            ir_brcond(f, IR_I64, IR_COND_EQ, c, ir_const(f, 0), taken);
        }
        ir_set_label(f, not_taken);
        gen_jmp_eip(s, 0, next);
        ir_set_label(f, taken);
        gen_jmp_eip(s, 1, target);
        return true;
    }
    int shift = insn->opsize == 16 ? 0 : insn->opsize == 32 ? 1 : 2;
    if (!strcmp(m, "jmpf") || !strcmp(m, "callf")) {
        IRTemp sel, off;
        if ((X86OpEnc)insn->entry->ops == X86_OPS_ZO) { /* ptr16:16/32 immediate */
            sel = ir_const(f, insn->imm2);
            off = ir_const(f, (uint64_t)insn->imm & (insn->opsize == 16 ? 0xffff : 0xffffffffu));
        } else {
            gen_far_ptr(s, insn_ot(insn), &sel, &off);
        }
        if (m[0] == 'j') {
            IRTemp args[3] = {sel, off, ir_const(f, next)};
            gen_helper(s, h_ljmp, 3, args);
        } else {
            IRTemp args[4] = {sel, off, ir_const(f, (uint64_t)shift), ir_const(f, next)};
            gen_helper(s, h_lcall, 4, args);
        }
        s->cc_op = X86_CC_OP_DYNAMIC;
        gen_end_tb_update(s);
        gen_exit_tb(s);
        s->is_jmp = X86_DISAS_NORETURN;
        return true;
    }
    if (!strcmp(m, "retf") || !strcmp(m, "iret")) {
        if (m[0] == 'r') {
            IRTemp args[2] = {ir_const(f, (uint64_t)shift),
                              ir_const(f, (X86OpEnc)insn->entry->ops == X86_OPS_I
                                              ? (uint64_t)insn->imm & 0xffff : 0)};
            gen_helper(s, h_lret, 2, args);
        } else {
            IRTemp a[2] = {ir_const(f, (uint64_t)shift), ir_const(f, s_eip_next(s))};
            gen_helper(s, h_iret, 2, a);
        }
        s->cc_op = X86_CC_OP_DYNAMIC;
        gen_exit_tb(s);
        s->is_jmp = X86_DISAS_NORETURN;
        return true;
    }
    return false;
}

/* ---- INTERRUPT ---- */

static void gen_int(DisasContext *s, int vector, int kind)
{
    IRTemp args[3] = {ir_const(s->f, (uint64_t)vector), ir_const(s->f, (uint64_t)kind),
                      ir_const(s->f, s_eip_next(s))};
    gen_helper(s, h_raise_interrupt, 3, args);
    ir_exit_tb(s->f, 0);
    s->is_jmp = X86_DISAS_NORETURN;
}

static void helper_bound(CPUX86State *env, uint64_t addr, uint64_t idx, uint32_t ot)
{
    CPUState *cpu = cpu_from_env(env);
    int mi = x86_mmu_idx(env);
    int64_t lo, hi, v;
    if (ot == 1) {
        lo = (int16_t)cpu_ld_data(cpu, addr, MO_16, mi);
        hi = (int16_t)cpu_ld_data(cpu, (uint32_t)(addr + 2), MO_16, mi);
        v = (int16_t)idx;
    } else {
        lo = (int32_t)cpu_ld_data(cpu, addr, MO_32, mi);
        hi = (int32_t)cpu_ld_data(cpu, (uint32_t)(addr + 4), MO_32, mi);
        v = (int32_t)idx;
    }
    if (v < lo || v > hi) {
        x86_raise_exception(env, 5);
    }
}

bool x86_tr_interrupt(DisasContext *s, X86Insn *insn)
{
    const char *m = insn->entry->mnem;
    if (!strcmp(m, "int")) {
        gen_int(s, (int)(insn->imm & 0xff), X86_INT_SOFT);
    } else if (!strcmp(m, "int3")) {
        gen_int(s, 3, X86_INT_SOFT_TRAP);
    } else if (!strcmp(m, "int1")) {
        gen_int(s, 1, X86_INT_ICEBP);
    } else if (!strcmp(m, "into")) {
        int skip = ir_label_new(s->f);
        gen_brcond_cc(s, X86_COND_NO, skip);
        gen_int(s, 4, X86_INT_SOFT_TRAP);
        ir_set_label(s->f, skip);
        s->is_jmp = X86_DISAS_NEXT;
        gen_end_tb_update(s);
    } else if (!strcmp(m, "ud2")) {
        gen_exception(s, 6);
    } else if (!strcmp(m, "bound")) {
        IRTemp args[3] = {gen_lea_modrm(s), gen_reg_read(s, insn_ot(insn), insn->reg),
                          ir_const(s->f, (uint64_t)insn_ot(insn))};
        gen_helper(s, h_bound, 3, args);
    } else {
        return false;
    }
    return true;
}

/* ---- SYSTEM ---- */

static uint64_t helper_read_dr(CPUX86State *env, uint32_t n)
{
    if ((n == 4 || n == 5) && !(env->cr[4] & CR4_DE)) {
        n += 2;
    } else if (n == 4 || n == 5) {
        x86_raise_exception(env, 6);
    }
    return env->dr[n];
}

static void helper_write_dr(CPUX86State *env, uint32_t n, uint64_t v)
{
    if ((n == 4 || n == 5) && !(env->cr[4] & CR4_DE)) {
        n += 2;
    } else if (n == 4 || n == 5) {
        x86_raise_exception(env, 6);
    }
    if (n >= 6 && (env->hflags & HF_LMA) && (v >> 32)) {
        x86_raise_exception_err(env, 13, 0);
    }
    /* Breakpoints are stored, not armed (documented limitation). */
    env->dr[n] = n == 6 ? (v | 0xffff0ff0u) : n == 7 ? (v | 0x400) : v;
}

static void gen_desc_table(DisasContext *s, X86Insn *insn, bool load, bool idt)
{
    IRFunc *f = s->f;
    IRTemp a = gen_lea_modrm(s);
    IRTemp la = ir_temp_new_local(f);
    ir_mov(f, IR_I64, la, a);
    IRTemp a2 = ir_temp_new(f);
    ir_binopi(f, IR_ADD, IR_I64, a2, la, 2);
    int32_t base_off = idt ? X86_ENV_OFF(idt.base) : X86_ENV_OFF(gdt.base);
    int32_t lim_off = idt ? X86_ENV_OFF(idt.limit) : X86_ENV_OFF(gdt.limit);
    if (load) {
        IRTemp lim = gen_ld(s, 1, la);
        IRTemp llim = ir_temp_new_local(f);
        ir_mov(f, IR_I64, llim, lim);
        IRTemp base = gen_ld(s, s->code64 ? 3 : 2, a2);
        if (!s->code64 && insn->opsize == 16) {
            ir_binopi(f, IR_AND, IR_I64, base, base, 0xffffff);
        }
        ir_st(f, IR_ST64, base, f->env, base_off);
        ir_st(f, IR_ST32, llim, f->env, lim_off);
    } else {
        IRTemp lim = ir_temp_new(f), base = ir_temp_new(f);
        ir_ld(f, IR_LD32U, lim, f->env, lim_off);
        ir_ld(f, IR_LD64, base, f->env, base_off);
        gen_st(s, 1, la, lim);
        gen_st(s, s->code64 ? 3 : 2, a2, base);
    }
}

bool x86_tr_system(DisasContext *s, X86Insn *insn)
{
    IRFunc *f = s->f;
    const char *m = insn->entry->mnem;
    int ot = insn_ot(insn);
    if (!strcmp(m, "hlt")) {
        if (!gen_check_cpl0(s)) {
            IRTemp a = ir_const(f, s_eip_next(s));
            gen_helper(s, h_hlt, 1, &a);
            ir_exit_tb(f, 0);
            s->is_jmp = X86_DISAS_NORETURN;
        }
        return true;
    }
    if (!strcmp(m, "cpuid")) {
        gen_helper(s, h_cpuid, 0, NULL);
        return true;
    }
    if (!strcmp(m, "rdtsc") || !strcmp(m, "rdtscp")) {
        gen_helper(s, m[5] ? h_rdtscp : h_rdtsc, 0, NULL);
        return true;
    }
    if (!strcmp(m, "rdmsr") || !strcmp(m, "wrmsr")) {
        if (!gen_check_cpl0(s)) {
            gen_helper(s, m[0] == 'r' ? h_rdmsr : h_wrmsr, 0, NULL);
            if (m[0] == 'w') {
                gen_end_tb_update(s);
            }
        }
        return true;
    }
    if (!strcmp(m, "mov") && insn->map == X86_MAP_0F) {
        /* 0F 20/22 MOV CR, 0F 21/23 MOV DR: always 64-bit operands in 64-bit mode. */
        int rot = s->code64 ? 3 : 2;
        bool cr = !(insn->opcode & 1);
        bool to = insn->opcode & 2;
        int n = insn->reg;
        if (gen_check_cpl0(s)) {
            return true;
        }
        if (cr && n == 0 && (insn->prefixes & X86_PFX_LOCK)) {
            n = 8; /* LOCK MOV CR0 = CR8 (AMD alt encoding) */
        }
        if (cr && n != 0 && n != 2 && n != 3 && n != 4 && n != 8) {
            gen_illegal(s, NULL);
            return true;
        }
        if (!cr && n > 7) {
            gen_illegal(s, NULL);
            return true;
        }
        if (to) {
            IRTemp v = gen_reg_read(s, rot, insn->rm);
            IRTemp args[2] = {ir_const(f, (uint64_t)n), v};
            gen_helper(s, cr ? h_write_cr : h_write_dr, 2, args);
            gen_end_tb_update(s);
        } else {
            IRTemp a = ir_const(f, (uint64_t)n);
            IRTemp v = gen_helper(s, cr ? h_read_cr : h_read_dr, 1, &a);
            gen_reg_write(s, rot, insn->rm, v);
        }
        return true;
    }
    if (!strcmp(m, "lgdt") || !strcmp(m, "lidt")) {
        if (!gen_check_cpl0(s)) {
            gen_desc_table(s, insn, true, m[1] == 'i');
        }
        return true;
    }
    if (!strcmp(m, "sgdt") || !strcmp(m, "sidt")) {
        gen_desc_table(s, insn, false, m[1] == 'i');
        return true;
    }
    if (!strcmp(m, "smsw")) {
        IRTemp v = ir_temp_new(f);
        ir_ld(f, IR_LD64, v, f->env, X86_ENV_OFF(cr[0]));
        gen_rm_write(s, insn->mem ? 1 : ot, IR_TEMP_NONE, v);
        return true;
    }
    if (!strcmp(m, "lmsw")) {
        if (!gen_check_cpl0(s)) {
            IRTemp v = gen_rm_read(s, 1, NULL);
            gen_helper(s, h_lmsw, 1, &v);
            gen_end_tb_update(s);
        }
        return true;
    }
    if (!strcmp(m, "clts")) {
        if (!gen_check_cpl0(s)) {
            gen_helper(s, h_clts, 0, NULL);
            gen_end_tb_update(s);
        }
        return true;
    }
    if (!strcmp(m, "invlpg")) {
        if (!gen_check_cpl0(s)) {
            IRTemp a = gen_lea_modrm(s);
            gen_helper(s, h_invlpg, 1, &a);
            gen_end_tb_update(s);
        }
        return true;
    }
    if (!strcmp(m, "invd") || !strcmp(m, "wbinvd")) {
        gen_check_cpl0(s);
        return true;
    }
    if (!strcmp(m, "lfence") || !strcmp(m, "sfence") || !strcmp(m, "mfence")) {
        ir_mb(f, m[0] == 'm' ? IR_MB_ALL : m[0] == 'l' ? IR_MB_LD_LD | IR_MB_LD_ST : IR_MB_ST_ST);
        return true;
    }
    if (!strcmp(m, "clflush") || !strcmp(m, "clflushopt")) {
        gen_ld(s, 0, gen_lea_modrm(s)); /* faults like a byte load (SDM CLFLUSH) */
        return true;
    }
    if (!strcmp(m, "rsm")) { /* helper_rsm always leaves the TB */
        gen_helper(s, h_rsm, 0, NULL);
        s->cc_op = X86_CC_OP_DYNAMIC;
        gen_exit_tb(s);
        s->is_jmp = X86_DISAS_NORETURN;
        return true;
    }
    if (!strcmp(m, "syscall")) {
        IRTemp a = ir_const(f, s_eip_next(s));
        gen_helper(s, h_syscall, 1, &a);
        s->cc_op = X86_CC_OP_DYNAMIC;
        gen_exit_tb(s);
        s->is_jmp = X86_DISAS_NORETURN;
        return true;
    }
    if (!strcmp(m, "sysret") || !strcmp(m, "sysexit")) {
        IRTemp a = ir_const(f, (insn->rex & X86_REX_W) ? MO_64 : MO_32); /* a MemOp */
        gen_helper(s, m[3] == 'r' ? h_sysret : h_sysexit, 1, &a);
        s->cc_op = X86_CC_OP_DYNAMIC;
        gen_exit_tb(s);
        s->is_jmp = X86_DISAS_NORETURN;
        return true;
    }
    if (!strcmp(m, "sysenter")) {
        gen_helper(s, h_sysenter, 0, NULL);
        s->cc_op = X86_CC_OP_DYNAMIC;
        gen_exit_tb(s);
        s->is_jmp = X86_DISAS_NORETURN;
        return true;
    }
    if (!strcmp(m, "swapgs")) {
        if (!s->code64) {
            gen_illegal(s, NULL);
        } else if (!gen_check_cpl0(s)) {
            IRTemp a = ir_temp_new(f), b = ir_temp_new(f);
            ir_ld(f, IR_LD64, a, f->env, X86_ENV_OFF(segs[R_GS].base));
            ir_ld(f, IR_LD64, b, f->env, X86_ENV_OFF(kernel_gs_base));
            ir_st(f, IR_ST64, b, f->env, X86_ENV_OFF(segs[R_GS].base));
            ir_st(f, IR_ST64, a, f->env, X86_ENV_OFF(kernel_gs_base));
        }
        return true;
    }
    if (!strcmp(m, "rdfsbase") || !strcmp(m, "rdgsbase") || !strcmp(m, "wrfsbase") ||
        !strcmp(m, "wrgsbase")) {
        if (!s->code64 || !(x86_env(s->cpu)->cr[4] & CR4_FSGSBASE)) {
            gen_illegal(s, NULL);
            return true;
        }
        int seg = m[2] == 'f' ? R_FS : R_GS;
        int rot = (insn->rex & X86_REX_W) ? 3 : 2;
        if (m[0] == 'r') {
            IRTemp v = ir_temp_new(f);
            ir_ld(f, IR_LD64, v, f->env, X86_ENV_OFF(segs[seg].base));
            gen_reg_write(s, rot, insn->rm, v);
        } else {
            IRTemp v = gen_reg_read(s, rot, insn->rm);
            ir_st(f, IR_ST64, v, f->env, X86_ENV_OFF(segs[seg].base));
        }
        return true;
    }
    if (!strcmp(m, "sldt") || !strcmp(m, "str")) {
        if (!(s->flags & HF_PE) || (s->flags & HF_VM86)) {
            gen_illegal(s, NULL);
            return true;
        }
        IRTemp v = ir_temp_new(f);
        ir_ld(f, IR_LD32U, v, f->env, m[1] == 'l' ? X86_ENV_OFF(ldt.selector) : X86_ENV_OFF(tr.selector));
        gen_rm_write(s, insn->mem ? 1 : ot, IR_TEMP_NONE, v);
        return true;
    }
    if (!strcmp(m, "lldt") || !strcmp(m, "ltr")) {
        if (!(s->flags & HF_PE) || (s->flags & HF_VM86)) {
            gen_illegal(s, NULL);
            return true;
        }
        if (!gen_check_cpl0(s)) {
            IRTemp v = gen_rm_read(s, 1, NULL);
            gen_helper(s, m[1] == 'l' ? h_lldt : h_ltr, 1, &v);
        }
        return true;
    }
    if (!strcmp(m, "verr") || !strcmp(m, "verw")) {
        if (!(s->flags & HF_PE) || (s->flags & HF_VM86)) {
            gen_illegal(s, NULL);
            return true;
        }
        IRTemp v = gen_rm_read(s, 1, NULL);
        gen_helper(s, m[3] == 'r' ? h_verr : h_verw, 1, &v);
        s->cc_op = X86_CC_OP_DYNAMIC;
        return true;
    }
    if (!strcmp(m, "lar") || !strcmp(m, "lsl")) {
        if (!(s->flags & HF_PE) || (s->flags & HF_VM86)) {
            gen_illegal(s, NULL);
            return true;
        }
        IRTemp sel = gen_rm_read(s, 1, NULL);
        IRTemp v = gen_helper(s, m[1] == 'a' ? h_lar : h_lsl, 1, &sel);
        IRTemp lv = ir_temp_new_local(f);
        ir_mov(f, IR_I64, lv, v);
        s->cc_op = X86_CC_OP_DYNAMIC;
        /* written only when ZF = 1 */
        int skip = ir_label_new(f);
        gen_brcond_cc(s, X86_COND_NE, skip);
        gen_reg_write(s, ot, insn->reg, lv);
        ir_set_label(f, skip);
        return true;
    }
    if (!strcmp(m, "clac") || !strcmp(m, "stac")) {
        if (!gen_check_cpl0(s)) {
            IRTemp e = ir_temp_new(f);
            ir_ld(f, IR_LD32U, e, f->env, X86_ENV_OFF(eflags));
            ir_binopi(f, m[0] == 'c' ? IR_AND : IR_OR, IR_I64, e, e,
                      m[0] == 'c' ? ~(uint64_t)AC_MASK : AC_MASK);
            ir_st(f, IR_ST32, e, f->env, X86_ENV_OFF(eflags));
            gen_end_tb_update(s); /* HF_SMAP_AC is recomputed by the next x86_update_hflags */
        }
        return true;
    }
    return false;
}

/* ---- registration ---- */

#define REG(var, name, fn, ret, flags, ...)                                                       \
    do {                                                                                          \
        static const IRArgType a_[] = {IR_ARG_PTR, __VA_ARGS__};                                  \
        var = x86_helper_register(name, (void *)(fn), ret, (int)G_N_ELEMENTS(a_), a_, flags);   \
    } while (0)
#define REG0(var, name, fn, ret, flags)                                                           \
    do {                                                                                          \
        static const IRArgType a_[] = {IR_ARG_PTR};                                               \
        var = x86_helper_register(name, (void *)(fn), ret, 1, a_, flags);                         \
    } while (0)

void x86_tr_sys_init(void)
{
    const uint32_t R = IR_CALL_MAY_RAISE;
    REG(h_raise_interrupt, "raise_interrupt", helper_raise_interrupt, IR_ARG_VOID, R, IR_ARG_I32,
        IR_ARG_I32, IR_ARG_I64);
    REG(h_load_seg, "load_seg", helper_load_seg, IR_ARG_VOID, R, IR_ARG_I32, IR_ARG_I32);
    REG(h_ljmp, "ljmp", helper_ljmp, IR_ARG_VOID, R, IR_ARG_I32, IR_ARG_I64, IR_ARG_I64);
    REG(h_lcall, "lcall", helper_lcall, IR_ARG_VOID, R, IR_ARG_I32, IR_ARG_I64, IR_ARG_I32,
        IR_ARG_I64);
    REG(h_lret, "lret", helper_lret, IR_ARG_VOID, R, IR_ARG_I32, IR_ARG_I32);
    REG(h_iret, "iret", helper_iret, IR_ARG_VOID, R, IR_ARG_I32, IR_ARG_I64);
    REG(h_lldt, "lldt", helper_lldt, IR_ARG_VOID, R, IR_ARG_I32);
    REG(h_ltr, "ltr", helper_ltr, IR_ARG_VOID, R, IR_ARG_I32);
    REG(h_lar, "lar", helper_lar, IR_ARG_I64, R, IR_ARG_I32);
    REG(h_lsl, "lsl", helper_lsl, IR_ARG_I64, R, IR_ARG_I32);
    REG(h_verr, "verr", helper_verr, IR_ARG_VOID, R, IR_ARG_I32);
    REG(h_verw, "verw", helper_verw, IR_ARG_VOID, R, IR_ARG_I32);
    REG(h_check_io, "check_io", helper_check_io, IR_ARG_VOID, R, IR_ARG_I32, IR_ARG_I32);
    REG(h_in, "in", helper_in, IR_ARG_I64, IR_CALL_NO_WRITE_GLOBALS | R, IR_ARG_I32, IR_ARG_I32);
    REG(h_out, "out", helper_out, IR_ARG_VOID, IR_CALL_NO_WRITE_GLOBALS, IR_ARG_I32, IR_ARG_I64,
        IR_ARG_I32);
    REG0(h_rdmsr, "rdmsr", helper_rdmsr, IR_ARG_VOID, R);
    REG0(h_wrmsr, "wrmsr", helper_wrmsr, IR_ARG_VOID, R);
    REG(h_read_cr, "read_cr", helper_read_cr, IR_ARG_I64, R, IR_ARG_I32);
    REG(h_write_cr, "write_cr", helper_write_cr, IR_ARG_VOID, R, IR_ARG_I32, IR_ARG_I64);
    REG(h_read_dr, "read_dr", helper_read_dr, IR_ARG_I64, R, IR_ARG_I32);
    REG(h_write_dr, "write_dr", helper_write_dr, IR_ARG_VOID, R, IR_ARG_I32, IR_ARG_I64);
    REG(h_lmsw, "lmsw", helper_lmsw, IR_ARG_VOID, R, IR_ARG_I32);
    REG0(h_clts, "clts", helper_clts, IR_ARG_VOID, R);
    REG(h_invlpg, "invlpg", helper_invlpg, IR_ARG_VOID, R, IR_ARG_I64);
    REG0(h_rdtsc, "rdtsc", helper_rdtsc, IR_ARG_VOID, R);
    REG0(h_rdtscp, "rdtscp", helper_rdtscp, IR_ARG_VOID, R);
    REG(h_syscall, "syscall", helper_syscall, IR_ARG_VOID, R, IR_ARG_I64);
    REG(h_sysret, "sysret", helper_sysret, IR_ARG_VOID, R, IR_ARG_I32);
    REG0(h_sysenter, "sysenter", helper_sysenter, IR_ARG_VOID, R);
    REG(h_sysexit, "sysexit", helper_sysexit, IR_ARG_VOID, R, IR_ARG_I32);
    REG(h_hlt, "hlt", helper_hlt, IR_ARG_VOID, R, IR_ARG_I64);
    REG0(h_rsm, "rsm", helper_rsm, IR_ARG_VOID, R);
    REG0(h_cpuid, "cpuid", helper_cpuid, IR_ARG_VOID, 0);
    REG(h_bound, "bound", helper_bound, IR_ARG_VOID, R, IR_ARG_I64, IR_ARG_I64, IR_ARG_I32);
}
