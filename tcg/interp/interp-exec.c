/*
 * interp-exec.c — the interpreter's dispatch loop: runs a TB's bytecode and whatever it chains
 * to, on the calling vCPU thread, with env as the CPU state.
 *
 * Dispatch is a computed goto through the handler address stored in each op (resolved at
 * gen_code time from interp_handler_table()). Each handler reads its operand words, writes
 * its result, advances pc and jumps to the next handler. The exit word is checked at every
 * TB entry, including chained ones, so kicks always get the vCPU out.
 * State lives only in this function's frame (locals, the temp frame), never on the heap:
 * helpers and slow paths may leave through cpu_loop_exit() (siglongjmp) at any call.
 * Guest RAM is touched with relaxed (or acquire/release) atomics when aligned, so other vCPUs'
 * accesses to the same RAM are not data races in Tandem's own code.
 */
#include <glib.h>
#include <stdatomic.h>
#include <string.h>

#include "cpu-exec/cpu.h"
#include "cpu-exec/softmmu.h"
#include "tcg/backend.h"
#include "tcg/interp/interp.h"
#include "tcg/opt-eval.h"

const char interp_exit_marker = 0;

/* ---- operand access ---- */

static inline uint64_t *cell(const uintptr_t *bs, uintptr_t ref) {
    return (uint64_t *)(bs[ref & 3] + (uintptr_t)((intptr_t)ref >> 2));
}

static inline uint64_t in(const uintptr_t *bs, const uintptr_t *pc, int k) {
    return *cell(bs, pc[k]);
}

static inline void out(const uintptr_t *bs, const uintptr_t *pc, int k, uint64_t v) {
    *cell(bs, pc[k]) = v;
}

/* ---- fences ---- */

/*
 * ThreadSanitizer does not model atomic_thread_fence (GCC refuses it under -fsanitize=thread),
 * so that build orders with a sequentially consistent read-modify-write on a per-thread cell
 * instead: a locked instruction, i.e. a full barrier, on x86-64.
 */
static inline void interp_fence(memory_order order) {
#ifdef __SANITIZE_THREAD__
    static __thread uint32_t cell;
    (void)order;
    __atomic_fetch_add(&cell, 0, __ATOMIC_SEQ_CST);
#else
    atomic_thread_fence(order);
#endif
}

/* ---- guest RAM ---- */

static inline uint64_t guest_ram_load(uintptr_t host, unsigned lg, bool acq) {
    if ((host & ((1u << lg) - 1)) == 0) {
        switch (lg) {
        case 0:
            return acq ? __atomic_load_n((uint8_t *)host, __ATOMIC_ACQUIRE)
                       : __atomic_load_n((uint8_t *)host, __ATOMIC_RELAXED);
        case 1:
            return acq ? __atomic_load_n((uint16_t *)host, __ATOMIC_ACQUIRE)
                       : __atomic_load_n((uint16_t *)host, __ATOMIC_RELAXED);
        case 2:
            return acq ? __atomic_load_n((uint32_t *)host, __ATOMIC_ACQUIRE)
                       : __atomic_load_n((uint32_t *)host, __ATOMIC_RELAXED);
        default:
            return acq ? __atomic_load_n((uint64_t *)host, __ATOMIC_ACQUIRE)
                       : __atomic_load_n((uint64_t *)host, __ATOMIC_RELAXED);
        }
    }
    /* Unaligned: no single atomic access exists; the host (x86-64) is little-endian like the
     * guest, so the low bytes of v are the value. */
    uint64_t v = 0;
    memcpy(&v, (const void *)host, 1u << lg);
    if (acq) {
        interp_fence(memory_order_acquire);
    }
    return v;
}

static inline void guest_ram_store(uintptr_t host, unsigned lg, uint64_t v, bool rel) {
    if ((host & ((1u << lg) - 1)) == 0) {
        switch (lg) {
        case 0:
            if (rel) {
                __atomic_store_n((uint8_t *)host, (uint8_t)v, __ATOMIC_RELEASE);
            } else {
                __atomic_store_n((uint8_t *)host, (uint8_t)v, __ATOMIC_RELAXED);
            }
            return;
        case 1:
            if (rel) {
                __atomic_store_n((uint16_t *)host, (uint16_t)v, __ATOMIC_RELEASE);
            } else {
                __atomic_store_n((uint16_t *)host, (uint16_t)v, __ATOMIC_RELAXED);
            }
            return;
        case 2:
            if (rel) {
                __atomic_store_n((uint32_t *)host, (uint32_t)v, __ATOMIC_RELEASE);
            } else {
                __atomic_store_n((uint32_t *)host, (uint32_t)v, __ATOMIC_RELAXED);
            }
            return;
        default:
            if (rel) {
                __atomic_store_n((uint64_t *)host, v, __ATOMIC_RELEASE);
            } else {
                __atomic_store_n((uint64_t *)host, v, __ATOMIC_RELAXED);
            }
            return;
        }
    }
    if (rel) {
        interp_fence(memory_order_release);
    }
    memcpy((void *)host, &v, 1u << lg);
}

/* Sign- or zero-extends a loaded value to 64 bits as the memop says. */
static inline uint64_t memop_extend(uint32_t oi, uint64_t v) {
    unsigned lg = oi & MO_SIZE;
    if (lg == MO_64) {
        return v;
    }
    unsigned sh = 64 - (8u << lg);
    return (oi & MO_SIGN) ? (uint64_t)((int64_t)(v << sh) >> sh) : (v << sh) >> sh;
}

/* The inline TLB probe: the tag of the page holding the access's last byte must equal the
 * entry's tag exactly (flag bits and page crossings send the access to the slow path). */
static inline bool tlb_hit(uint64_t tag, uint64_t addr, uint32_t oi) {
    uint64_t size = 1ull << (oi & MO_SIZE);
    if ((oi & MO_ALIGN) && (addr & (size - 1))) {
        return false;
    }
    return ((addr + size - 1) & TARGET_PAGE_MASK) == tag;
}

static inline const CPUTLBEntry *tlb_entry(void *env, uintptr_t table_off, uint64_t addr) {
    const CPUTLBEntry *table = (const CPUTLBEntry *)((char *)env + (intptr_t)table_off);
    return &table[(addr >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1)];
}

static inline void store_guest_pc(void *env, const InterpTBHeader *hdr, uint64_t pc) {
    memcpy((char *)env + hdr->pc_offset, &pc, sizeof(pc));
}

/* ---- the loop ---- */

/*
 * One function holds every handler label; `table_out` set means "just return the label
 * table". noinline/noclone keep a single copy, so the label addresses stored in bytecode stay
 * valid.
 */
static __attribute__((noinline, noclone)) uintptr_t interp_run(void *env, TranslationBlock *tb,
                                                               const void *const **table_out) {
    static const void *const handlers[IOP_NB] = {
#define IOP(name, words) [IOP_##name] = &&do_##name,
#include "tcg/interp/interp-ops.def"
#undef IOP
    };
    uint64_t frame[INTERP_MAX_SLOTS];
    const uintptr_t bs[3] = {(uintptr_t)env, (uintptr_t)frame, 0};
    TranslationBlock *cur = tb;
    const InterpTBHeader *hdr;
    const uintptr_t *pc;

    if (table_out) {
        *table_out = handlers;
        return 0;
    }
    frame[INTERP_SLOT_ENV] = (uintptr_t)env;

enter:
    hdr = cur->tc_ptr;
    if (G_UNLIKELY(hdr == NULL || hdr->magic != INTERP_TB_MAGIC)) {
        g_error("interp: TB at pc 0x%" G_GINT64_MODIFIER "x has no interpreter bytecode", cur->pc);
    }
    if (__atomic_load_n((uint32_t *)((char *)env + hdr->exit_request_offset), __ATOMIC_RELAXED)) {
        return (uintptr_t)cur | TB_EXIT_REQUESTED;
    }
    if (hdr->insn_limit_offset != IR_NO_INSN_COUNT &&
        *(uint64_t *)((char *)env + hdr->insn_count_offset) >=
            *(uint64_t *)((char *)env + hdr->insn_limit_offset)) {
        /* Single-thread mode: the quantum is used up; leave as for the exit word. */
        return (uintptr_t)cur | TB_EXIT_REQUESTED;
    }
    if (hdr->insn_count_offset != IR_NO_INSN_COUNT) {
        /* Only this thread writes the counter; the monitor reads it with relaxed loads. */
        uint64_t *count = (uint64_t *)((char *)env + hdr->insn_count_offset);
        __atomic_store_n(count, __atomic_load_n(count, __ATOMIC_RELAXED) + hdr->icount,
                         __ATOMIC_RELAXED);
    }
    pc = interp_tb_code(hdr);
    goto *(const void *)*pc;

    /* ---- arithmetic, logic, bit operations, comparisons, host memory ---- */
do_MOV32:
    out(bs, pc, 1, (uint32_t)in(bs, pc, 2));
    pc += 3;
    goto *(const void *)*pc;

do_MOV64:
    out(bs, pc, 1, in(bs, pc, 2));
    pc += 3;
    goto *(const void *)*pc;

do_ADD32:
    out(bs, pc, 1, (uint32_t)(in(bs, pc, 2) + in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_ADD64:
    out(bs, pc, 1, in(bs, pc, 2) + in(bs, pc, 3));
    pc += 4;
    goto *(const void *)*pc;

do_SUB32:
    out(bs, pc, 1, (uint32_t)(in(bs, pc, 2) - in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_SUB64:
    out(bs, pc, 1, in(bs, pc, 2) - in(bs, pc, 3));
    pc += 4;
    goto *(const void *)*pc;

do_MUL32:
    out(bs, pc, 1, (uint32_t)(in(bs, pc, 2) * in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_MUL64:
    out(bs, pc, 1, in(bs, pc, 2) * in(bs, pc, 3));
    pc += 4;
    goto *(const void *)*pc;

do_MULUH32:
    out(bs, pc, 1, ir_eval_muluh(IR_I32, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_MULUH64:
    out(bs, pc, 1, ir_eval_muluh(IR_I64, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_MULSH32:
    out(bs, pc, 1, ir_eval_mulsh(IR_I32, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_MULSH64:
    out(bs, pc, 1, ir_eval_mulsh(IR_I64, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_DIVS32:
    out(bs, pc, 1, ir_eval_divs(IR_I32, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_DIVS64:
    out(bs, pc, 1, ir_eval_divs(IR_I64, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_DIVU32:
    out(bs, pc, 1, ir_eval_divu(IR_I32, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_DIVU64:
    out(bs, pc, 1, ir_eval_divu(IR_I64, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_REMS32:
    out(bs, pc, 1, ir_eval_rems(IR_I32, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_REMS64:
    out(bs, pc, 1, ir_eval_rems(IR_I64, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_REMU32:
    out(bs, pc, 1, ir_eval_remu(IR_I32, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_REMU64:
    out(bs, pc, 1, ir_eval_remu(IR_I64, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_NEG32:
    out(bs, pc, 1, ir_eval_res(IR_I32, -in(bs, pc, 2)));
    pc += 3;
    goto *(const void *)*pc;

do_NEG64:
    out(bs, pc, 1, ir_eval_res(IR_I64, -in(bs, pc, 2)));
    pc += 3;
    goto *(const void *)*pc;

do_AND32:
    out(bs, pc, 1, (uint32_t)(in(bs, pc, 2) & in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_AND64:
    out(bs, pc, 1, in(bs, pc, 2) & in(bs, pc, 3));
    pc += 4;
    goto *(const void *)*pc;

do_OR32:
    out(bs, pc, 1, (uint32_t)(in(bs, pc, 2) | in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_OR64:
    out(bs, pc, 1, in(bs, pc, 2) | in(bs, pc, 3));
    pc += 4;
    goto *(const void *)*pc;

do_XOR32:
    out(bs, pc, 1, (uint32_t)(in(bs, pc, 2) ^ in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_XOR64:
    out(bs, pc, 1, in(bs, pc, 2) ^ in(bs, pc, 3));
    pc += 4;
    goto *(const void *)*pc;

do_ANDC32:
    out(bs, pc, 1, (uint32_t)(in(bs, pc, 2) & ~in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_ANDC64:
    out(bs, pc, 1, in(bs, pc, 2) & ~in(bs, pc, 3));
    pc += 4;
    goto *(const void *)*pc;

do_ORC32:
    out(bs, pc, 1, (uint32_t)(in(bs, pc, 2) | ~in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_ORC64:
    out(bs, pc, 1, in(bs, pc, 2) | ~in(bs, pc, 3));
    pc += 4;
    goto *(const void *)*pc;

do_NOT32:
    out(bs, pc, 1, ir_eval_res(IR_I32, ~in(bs, pc, 2)));
    pc += 3;
    goto *(const void *)*pc;

do_NOT64:
    out(bs, pc, 1, ir_eval_res(IR_I64, ~in(bs, pc, 2)));
    pc += 3;
    goto *(const void *)*pc;

do_SHL32:
    out(bs, pc, 1, ir_eval_shl(IR_I32, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_SHL64:
    out(bs, pc, 1, ir_eval_shl(IR_I64, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_SHR32:
    out(bs, pc, 1, ir_eval_shr(IR_I32, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_SHR64:
    out(bs, pc, 1, ir_eval_shr(IR_I64, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_SAR32:
    out(bs, pc, 1, ir_eval_sar(IR_I32, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_SAR64:
    out(bs, pc, 1, ir_eval_sar(IR_I64, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_ROTR32:
    out(bs, pc, 1, ir_eval_rotr(IR_I32, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_ROTR64:
    out(bs, pc, 1, ir_eval_rotr(IR_I64, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 4;
    goto *(const void *)*pc;

do_CLZ32:
    out(bs, pc, 1, ir_eval_clz(IR_I32, in(bs, pc, 2)));
    pc += 3;
    goto *(const void *)*pc;

do_CLZ64:
    out(bs, pc, 1, ir_eval_clz(IR_I64, in(bs, pc, 2)));
    pc += 3;
    goto *(const void *)*pc;

do_CTZ32:
    out(bs, pc, 1, ir_eval_ctz(IR_I32, in(bs, pc, 2)));
    pc += 3;
    goto *(const void *)*pc;

do_CTZ64:
    out(bs, pc, 1, ir_eval_ctz(IR_I64, in(bs, pc, 2)));
    pc += 3;
    goto *(const void *)*pc;

do_EXTRACT32:
    out(bs, pc, 1, ir_eval_extract(IR_I32, in(bs, pc, 2), (unsigned)pc[3], (unsigned)pc[4]));
    pc += 5;
    goto *(const void *)*pc;

do_EXTRACT64:
    out(bs, pc, 1, ir_eval_extract(IR_I64, in(bs, pc, 2), (unsigned)pc[3], (unsigned)pc[4]));
    pc += 5;
    goto *(const void *)*pc;

do_SEXTRACT32:
    out(bs, pc, 1, ir_eval_sextract(IR_I32, in(bs, pc, 2), (unsigned)pc[3], (unsigned)pc[4]));
    pc += 5;
    goto *(const void *)*pc;

do_SEXTRACT64:
    out(bs, pc, 1, ir_eval_sextract(IR_I64, in(bs, pc, 2), (unsigned)pc[3], (unsigned)pc[4]));
    pc += 5;
    goto *(const void *)*pc;

do_DEPOSIT32:
    out(bs, pc, 1,
        ir_eval_deposit(IR_I32, in(bs, pc, 2), in(bs, pc, 3), (unsigned)pc[4], (unsigned)pc[5]));
    pc += 6;
    goto *(const void *)*pc;

do_DEPOSIT64:
    out(bs, pc, 1,
        ir_eval_deposit(IR_I64, in(bs, pc, 2), in(bs, pc, 3), (unsigned)pc[4], (unsigned)pc[5]));
    pc += 6;
    goto *(const void *)*pc;

do_BSWAP16:
    out(bs, pc, 1, ir_eval_bswap16(in(bs, pc, 2)));
    pc += 3;
    goto *(const void *)*pc;

do_BSWAP32:
    out(bs, pc, 1, ir_eval_bswap32(in(bs, pc, 2)));
    pc += 3;
    goto *(const void *)*pc;

do_BSWAP64:
    out(bs, pc, 1, ir_eval_bswap64(in(bs, pc, 2)));
    pc += 3;
    goto *(const void *)*pc;

do_EXT8S:
    out(bs, pc, 1, (uint64_t)(int64_t)(int8_t)in(bs, pc, 2));
    pc += 3;
    goto *(const void *)*pc;

do_EXT8U:
    out(bs, pc, 1, (uint8_t)in(bs, pc, 2));
    pc += 3;
    goto *(const void *)*pc;

do_EXT16S:
    out(bs, pc, 1, (uint64_t)(int64_t)(int16_t)in(bs, pc, 2));
    pc += 3;
    goto *(const void *)*pc;

do_EXT16U:
    out(bs, pc, 1, (uint16_t)in(bs, pc, 2));
    pc += 3;
    goto *(const void *)*pc;

do_EXT32S:
    out(bs, pc, 1, (uint64_t)(int64_t)(int32_t)in(bs, pc, 2));
    pc += 3;
    goto *(const void *)*pc;

do_EXT32U:
    out(bs, pc, 1, (uint32_t)in(bs, pc, 2));
    pc += 3;
    goto *(const void *)*pc;

do_SETCOND32:
    out(bs, pc, 1, ir_eval_cond((unsigned)pc[4], IR_I32, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 5;
    goto *(const void *)*pc;

do_SETCOND64:
    out(bs, pc, 1, ir_eval_cond((unsigned)pc[4], IR_I64, in(bs, pc, 2), in(bs, pc, 3)));
    pc += 5;
    goto *(const void *)*pc;

do_NEGSETCOND32:
    out(bs, pc, 1,
        ir_eval_cond((unsigned)pc[4], IR_I32, in(bs, pc, 2), in(bs, pc, 3)) ? 0xffffffffu : 0);
    pc += 5;
    goto *(const void *)*pc;

do_NEGSETCOND64:
    out(bs, pc, 1, ir_eval_cond((unsigned)pc[4], IR_I64, in(bs, pc, 2), in(bs, pc, 3)) ? ~0ull : 0);
    pc += 5;
    goto *(const void *)*pc;

do_MOVCOND32:
    out(bs, pc, 1,
        (uint32_t)(ir_eval_cond((unsigned)pc[6], IR_I32, in(bs, pc, 2), in(bs, pc, 3))
                       ? in(bs, pc, 4)
                       : in(bs, pc, 5)));
    pc += 7;
    goto *(const void *)*pc;

do_MOVCOND64:
    out(bs, pc, 1,
        (ir_eval_cond((unsigned)pc[6], IR_I64, in(bs, pc, 2), in(bs, pc, 3)) ? in(bs, pc, 4)
                                                                             : in(bs, pc, 5)));
    pc += 7;
    goto *(const void *)*pc;

do_LD8U : {
    /* Every host load is a relaxed atomic (a plain mov on x86): the inline jump-cache probe
     * (gen_lookup_and_goto_ptr) reads TranslationBlock.invalid, and generated code reads
     * CPUState words such as exit_request, which other threads write atomically. Host fields
     * read here are naturally aligned. */
    uint8_t v = __atomic_load_n((const uint8_t *)((const char *)in(bs, pc, 2) + (intptr_t)pc[3]),
                                __ATOMIC_RELAXED);
    out(bs, pc, 1, v);
}
    pc += 4;
    goto *(const void *)*pc;

do_LD8S : {
    int8_t v = __atomic_load_n((const int8_t *)((const char *)in(bs, pc, 2) + (intptr_t)pc[3]),
                              __ATOMIC_RELAXED);
    out(bs, pc, 1, (uint64_t)(int64_t)v);
}
    pc += 4;
    goto *(const void *)*pc;

do_LD16U : {
    uint16_t v = __atomic_load_n((const uint16_t *)((const char *)in(bs, pc, 2) + (intptr_t)pc[3]),
                              __ATOMIC_RELAXED);
    out(bs, pc, 1, v);
}
    pc += 4;
    goto *(const void *)*pc;

do_LD16S : {
    int16_t v = __atomic_load_n((const int16_t *)((const char *)in(bs, pc, 2) + (intptr_t)pc[3]),
                              __ATOMIC_RELAXED);
    out(bs, pc, 1, (uint64_t)(int64_t)v);
}
    pc += 4;
    goto *(const void *)*pc;

do_LD32U : {
    uint32_t v = __atomic_load_n((const uint32_t *)((const char *)in(bs, pc, 2) + (intptr_t)pc[3]),
                              __ATOMIC_RELAXED);
    out(bs, pc, 1, v);
}
    pc += 4;
    goto *(const void *)*pc;

do_LD32S : {
    int32_t v = __atomic_load_n((const int32_t *)((const char *)in(bs, pc, 2) + (intptr_t)pc[3]),
                              __ATOMIC_RELAXED);
    out(bs, pc, 1, (uint64_t)(int64_t)v);
}
    pc += 4;
    goto *(const void *)*pc;

do_LD64 : {
    /* Relaxed atomic: host fields read here (jump-cache slots, a TB's key) may be written by
     * other threads with atomic stores; every such field is naturally aligned. */
    uint64_t v = __atomic_load_n(
        (const uint64_t *)((const char *)in(bs, pc, 2) + (intptr_t)pc[3]), __ATOMIC_RELAXED);
    out(bs, pc, 1, v);
}
    pc += 4;
    goto *(const void *)*pc;

do_ST8 : {
    uint8_t v = (uint8_t)in(bs, pc, 1);
    memcpy((char *)in(bs, pc, 2) + (intptr_t)pc[3], &v, sizeof(v));
}
    pc += 4;
    goto *(const void *)*pc;

do_ST16 : {
    uint16_t v = (uint16_t)in(bs, pc, 1);
    memcpy((char *)in(bs, pc, 2) + (intptr_t)pc[3], &v, sizeof(v));
}
    pc += 4;
    goto *(const void *)*pc;

do_ST32 : {
    uint32_t v = (uint32_t)in(bs, pc, 1);
    memcpy((char *)in(bs, pc, 2) + (intptr_t)pc[3], &v, sizeof(v));
}
    pc += 4;
    goto *(const void *)*pc;

do_ST64 : {
    uint64_t v = (uint64_t)in(bs, pc, 1);
    memcpy((char *)in(bs, pc, 2) + (intptr_t)pc[3], &v, sizeof(v));
}
    pc += 4;
    goto *(const void *)*pc;

    /* ---- guest memory ---- */
do_QEMU_LD : {
    uint64_t addr = in(bs, pc, 2), v;
    uint32_t oi = (uint32_t)pc[3];
    const CPUTLBEntry *e = tlb_entry(env, pc[4], addr);
    if (tlb_hit(e->addr_read, addr, oi)) {
        v = guest_ram_load((uintptr_t)(addr + e->addend), oi & MO_SIZE, oi & MO_ACQ);
    } else {
        store_guest_pc(env, hdr, pc[5]);
        v = helper_ld_slow(env, addr, oi);
    }
    out(bs, pc, 1, memop_extend(oi, v));
}
    pc += 6;
    goto *(const void *)*pc;

do_QEMU_ST : {
    uint64_t val = in(bs, pc, 1), addr = in(bs, pc, 2);
    uint32_t oi = (uint32_t)pc[3];
    const CPUTLBEntry *e = tlb_entry(env, pc[4], addr);
    if (tlb_hit(e->addr_write, addr, oi)) {
        guest_ram_store((uintptr_t)(addr + e->addend), oi & MO_SIZE, val, oi & MO_REL);
    } else {
        store_guest_pc(env, hdr, pc[5]);
        helper_st_slow(env, addr, val, oi);
    }
}
    pc += 6;
    goto *(const void *)*pc;

do_CMPXCHG:
    store_guest_pc(env, hdr, pc[6]);
    out(bs, pc, 1,
        helper_atomic_cmpxchg(env, in(bs, pc, 2), in(bs, pc, 3), in(bs, pc, 4), (uint32_t)pc[5]));
    pc += 7;
    goto *(const void *)*pc;

do_MB:
    /* Only store->load needs a real fence on x86-64; the others order the compiler (and
     * would order weaker hosts). */
    if (pc[1] & IR_MB_ST_LD) {
        interp_fence(memory_order_seq_cst);
    } else {
        interp_fence(memory_order_acq_rel);
    }
    pc += 2;
    goto *(const void *)*pc;

    /* ---- helper calls ---- */
do_CALL : {
    uint64_t args[IR_HELPER_MAX_ARGS];
    unsigned n = (unsigned)pc[3];
    for (unsigned k = 0; k < n; k++) {
        args[k] = in(bs, pc, 4 + (int)k);
    }
    out(bs, pc, 2, interp_ffi_call((const IRHelper *)pc[1], args));
    pc += 4 + n;
}
    goto *(const void *)*pc;

    /* ---- control flow ---- */
do_BR:
    pc = (const uintptr_t *)pc[1];
    goto *(const void *)*pc;

do_BRCOND32:
    if (ir_eval_cond((unsigned)pc[3], IR_I32, in(bs, pc, 1), in(bs, pc, 2))) {
        pc = (const uintptr_t *)pc[4];
    } else {
        pc += 5;
    }
    goto *(const void *)*pc;

do_BRCOND64:
    if (ir_eval_cond64((unsigned)pc[3], in(bs, pc, 1), in(bs, pc, 2))) {
        pc = (const uintptr_t *)pc[4];
    } else {
        pc += 5;
    }
    goto *(const void *)*pc;

do_GOTO_TB : {
    TranslationBlock *next = atomic_load_explicit(&cur->jmp_dest[pc[1] & 1], memory_order_acquire);
    if (next) {
        cur = next;
        goto enter;
    }
}
    pc += 2;
    goto *(const void *)*pc;

do_EXIT_TB:
    return pc[1];

do_GOTO_PTR : {
    uintptr_t p = in(bs, pc, 1);
    if (p == (uintptr_t)&interp_exit_marker || p == 0) {
        return 0;
    }
    cur = (TranslationBlock *)p;
}
    goto enter;
}

uintptr_t interp_exec_tb(void *env, TranslationBlock *tb) {
    return interp_run(env, tb, NULL);
}

const void *const *interp_handler_table(void) {
    const void *const *table;
    interp_run(NULL, NULL, &table);
    return table;
}
