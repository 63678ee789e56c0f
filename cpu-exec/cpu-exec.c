/*
 * cpu-exec.c — the execution loop of one vCPU: find the TB for the current guest state
 * (jump cache, global table, else translate), chain it to the TB we just left, run it, decode
 * how it exited. Also start-up (code buffer, generic helpers, backend), the indirect-branch
 * lookup helper, and the ways out of generated code (cpu_loop_exit, cpu_halt, cpu_fatal).
 *
 * cpu_exec() and the helpers run on the owner vCPU thread only. The loop talks to the target
 * only through CPUArchOps and to the code generator only through Backend, so unit tests can
 * drive it with test doubles. cpu_loop_exit() longjmps back into cpu_exec(); whatever the
 * abandoned code held (page locks of a translation) is released where it lands.
 */
#include <glib.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/internal.h"
#include "cpu-exec/io-pending.h"
#include "cpu-exec/softmmu.h"
#include "cpu-exec/vcpu.h"
#include "system/log.h"

#define CODE_BUFFER_BYTES (256u << 20)
/* Start of vCPU 0's region reserved for the backend prologue and shared stubs. */
#define PROLOGUE_BYTES (64u << 10)

const Backend *g_cpu_exec_backend;
static int g_max_vcpus;
int g_helper_lookup_tb_ptr = -1;
int g_helper_ld_slow = -1, g_helper_st_slow = -1, g_helper_atomic_cmpxchg = -1;

const Backend *cpu_exec_backend(void) { return g_cpu_exec_backend; }
size_t cpu_exec_prologue_size(void) { return PROLOGUE_BYTES; }

int cpu_exec_fetch_mmu_idx(CPUState *cpu, uint32_t flags)
{
    return cpu->arch->fetch_mmu_idx ? cpu->arch->fetch_mmu_idx(cpu, flags) : 0;
}

/* ---- start-up ---- */

static void *helper_lookup_tb_ptr(void *env);

static int cpu_exec_register_helper(const char *name, void *fn, IRArgType ret, int nargs,
                                    const IRArgType *args, uint32_t flags)
{
    IRHelper h = {.name = name, .fn = fn, .ret = ret, .nargs = (uint8_t)nargs, .flags = flags};
    for (int i = 0; i < nargs; i++) {
        h.args[i] = args[i];
    }
    return ir_helper_register(&h);
}

bool cpu_exec_init_all(const Backend *backend, int max_vcpus)
{
    static const IRArgType lookup_args[] = {IR_ARG_PTR};
    static const IRArgType ld_args[] = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I32};
    static const IRArgType st_args[] = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I64, IR_ARG_I32};
    static const IRArgType cmpxchg_args[] = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I64, IR_ARG_I64,
                                             IR_ARG_I32};

    if (g_cpu_exec_backend) {
        fprintf(stderr, "tandem: cpu_exec_init_all called twice\n");
        return false;
    }
    if (max_vcpus < 1) {
        fprintf(stderr, "tandem: invalid number of vCPUs %d\n", max_vcpus);
        return false;
    }
    if (!code_buffer_init(CODE_BUFFER_BYTES)) {
        return false;
    }
    g_max_vcpus = max_vcpus;

    /* The lookup reads the pc and flags from env but changes no guest register. */
    g_helper_lookup_tb_ptr =
        cpu_exec_register_helper("lookup_tb_ptr", (void *)helper_lookup_tb_ptr, IR_ARG_PTR, 1,
                                 lookup_args, IR_CALL_NO_WRITE_GLOBALS);
    /* Slow paths may raise a guest exception (leave through cpu_loop_exit); when they return
     * they have changed no guest register. */
    g_helper_ld_slow =
        cpu_exec_register_helper("ld_slow", (void *)helper_ld_slow, IR_ARG_I64, 3, ld_args,
                                 IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS);
    g_helper_st_slow =
        cpu_exec_register_helper("st_slow", (void *)helper_st_slow, IR_ARG_VOID, 4, st_args,
                                 IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS);
    g_helper_atomic_cmpxchg = cpu_exec_register_helper(
        "atomic_cmpxchg", (void *)helper_atomic_cmpxchg, IR_ARG_I64, 5, cmpxchg_args,
        IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS);

    tb_cache_init();

    CodeRegion r0;
    code_buffer_region(0, max_vcpus, &r0);
    if (r0.size <= 2 * PROLOGUE_BYTES) {
        fprintf(stderr, "tandem: code buffer too small for %d vCPUs\n", max_vcpus);
        return false;
    }
    CodeRegion prologue = {.rw = r0.rw, .rx = r0.rx, .size = PROLOGUE_BYTES, .used = 0};
    g_cpu_exec_backend = backend;
    if (!backend->init(&prologue)) {
        fprintf(stderr, "tandem: %s backend initialisation failed\n", backend->name);
        g_cpu_exec_backend = NULL;
        return false;
    }
    return true;
}

void cpu_exec_vcpu_init(CPUState *cpu)
{
    g_assert(g_cpu_exec_backend);
    if (cpu->cpu_index < 0 || cpu->cpu_index >= g_max_vcpus) {
        cpu_fatal(cpu, "vCPU index %d outside the %d vCPUs cpu_exec_init_all was given",
                  cpu->cpu_index, g_max_vcpus);
    }
    if (!cpu->ir) {
        cpu->ir = g_new0(IRFunc, 1);
        ir_func_init(cpu->ir);
    }
    if (!cpu->code_region) {
        CodeRegion *r = g_new0(CodeRegion, 1);
        code_buffer_region(cpu->cpu_index, g_max_vcpus, r);
        cpu->code_region = r;
        tb_gen_reset_region(cpu);
    }
    tlb_init(cpu);
}

/* ---- leaving generated code ---- */

void cpu_loop_exit(CPUState *cpu) { siglongjmp(cpu->jmp_env, 1); }

void cpu_halt(CPUState *cpu)
{
    cpu->halted = true;
    cpu_loop_exit(cpu);
}

void cpu_fatal(CPUState *cpu, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "tandem: vCPU %d: ", cpu->cpu_index);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    if (cpu->arch && cpu->arch->dump_state) {
        cpu->arch->dump_state(cpu, stderr);
    }
    fflush(stderr);
    exit(1);
}

/* ---- TB lookup ---- */

static inline bool tb_matches(const TranslationBlock *tb, uint64_t pc, uint64_t cs_base,
                              uint32_t flags, uint32_t cflags)
{
    return tb && tb->pc == pc && tb->cs_base == cs_base && tb->flags == flags &&
           tb->cflags == cflags &&
           !atomic_load_explicit(&tb->invalid, memory_order_relaxed);
}

static void cpu_exec_log_trace(CPUState *cpu, const TranslationBlock *tb)
{
    tlog("Trace %d: %p [%016" PRIx64 "/%016" PRIx64 "/%08x/%08x]\n", cpu->cpu_index,
         tb->tc_ptr, tb->phys_pc, tb->pc, tb->flags, tb->cflags);
}

/* Finds or makes the TB for this key. May raise (fetch fault) or leave the loop (flush). */
static TranslationBlock *tb_find(CPUState *cpu, uint64_t pc, uint64_t cs_base, uint32_t flags,
                                 uint32_t cflags)
{
    uint32_t idx = tb_jmp_cache_hash(pc);
    TranslationBlock *tb = atomic_load_explicit(&cpu->tb_jmp_cache[idx], memory_order_acquire);
    if (tb_matches(tb, pc, cs_base, flags, cflags)) {
        return tb;
    }
    int mmu_idx = cpu_exec_fetch_mmu_idx(cpu, flags);
    uint64_t phys_pc = tlb_code_phys(cpu, pc, mmu_idx);
    tb = tb_cache_lookup(phys_pc, pc, cs_base, flags, cflags);
    if (!tb) {
        tb = tb_gen_code(cpu, pc, cs_base, phys_pc, flags, cflags);
    }
    tb_jmp_cache_set(cpu, tb, tlb_code_nonglobal(cpu, pc, mmu_idx));
    return tb;
}

/*
 * Indirect branches: the TB for the pc now in env, or the backend's exit address (generated
 * code then returns 0 to cpu_exec, which translates). Never translates or fills the TLB, so
 * it cannot raise.
 */
static void *helper_lookup_tb_ptr(void *env)
{
    CPUState *cpu = cpu_from_env(env);
    const Backend *be = g_cpu_exec_backend;
    uint64_t pc, cs_base, phys_pc;
    uint32_t flags;
    cpu->arch->get_tb_key(cpu, &pc, &cs_base, &flags);
    uint32_t idx = tb_jmp_cache_hash(pc);
    TranslationBlock *tb = atomic_load_explicit(&cpu->tb_jmp_cache[idx], memory_order_acquire);
    if (!tb_matches(tb, pc, cs_base, flags, 0)) {
        int mmu_idx = cpu_exec_fetch_mmu_idx(cpu, flags);
        if (!tlb_code_phys_probe(cpu, pc, mmu_idx, &phys_pc)) {
            return (void *)be->exit_ptr();
        }
        tb = tb_cache_lookup(phys_pc, pc, cs_base, flags, 0);
        if (!tb) {
            return (void *)be->exit_ptr();
        }
        tb_jmp_cache_set(cpu, tb, tlb_code_nonglobal(cpu, pc, mmu_idx));
    }
    cpu->current_tb = tb;
    if (log_enabled(LOG_EXEC)) {
        cpu_exec_log_trace(cpu, tb);
    }
    return (void *)be->tb_entry_ptr(tb);
}

void gen_lookup_and_goto_ptr(IRFunc *f, IRTemp pc)
{
    const Backend *be = g_cpu_exec_backend;
    const TranslationBlock *cur = f->tb;
    IRTemp t = ir_temp_new(f);
    /* -d exec logs every TB entry in the helper. */
    if (be->tb_entry_offset != 0 && cur && !log_enabled(LOG_EXEC)) {
        _Static_assert(offsetof(TranslationBlock, cflags) == offsetof(TranslationBlock, flags) + 4,
                       "flags and cflags are compared as one word");
        int miss = ir_label_new(f);
        IRTemp slot = ir_temp_new(f), tmp = ir_temp_new(f), tb = ir_temp_new(f);
        /* slot = env + tb_jmp_cache_hash(pc) * 8, as cpu-exec/internal.h hashes */
        ir_binopi(f, IR_SHR, IR_I64, slot, pc, 2);
        ir_binopi(f, IR_SHR, IR_I64, tmp, pc, TARGET_PAGE_BITS + 2);
        ir_xor(f, IR_I64, slot, slot, tmp);
        ir_binopi(f, IR_AND, IR_I64, slot, slot, TB_JMP_CACHE_SIZE - 1);
        ir_binopi(f, IR_SHL, IR_I64, slot, slot, 3);
        ir_add(f, IR_I64, slot, f->env, slot);
        ir_ld(f, IR_LD64, tb, slot, CPU_ENV_FIELD_OFFSET(tb_jmp_cache));
        ir_brcond(f, IR_I64, IR_COND_EQ, tb, ir_const(f, 0), miss);
        /* tb_matches(): same pc, this TB's flags and cs_base, cflags 0, still valid */
        ir_ld(f, IR_LD64, tmp, tb, offsetof(TranslationBlock, pc));
        ir_brcond(f, IR_I64, IR_COND_NE, tmp, pc, miss);
        ir_ld(f, IR_LD64, tmp, tb, offsetof(TranslationBlock, flags));
        ir_brcond(f, IR_I64, IR_COND_NE, tmp, ir_const(f, cur->flags), miss);
        /* An indirect branch keeps the code segment (far transfers end the TB in cpu_exec). */
        ir_ld(f, IR_LD64, tmp, tb, offsetof(TranslationBlock, cs_base));
        ir_brcond(f, IR_I64, IR_COND_NE, tmp, ir_const(f, cur->cs_base), miss);
        ir_ld(f, IR_LD8U, tmp, tb, offsetof(TranslationBlock, invalid));
        ir_brcond(f, IR_I64, IR_COND_NE, tmp, ir_const(f, 0), miss);
        if (be->tb_entry_offset == TB_ENTRY_IS_TB) {
            ir_goto_ptr(f, tb);
        } else {
            ir_ld(f, IR_LD64, tmp, tb, be->tb_entry_offset);
            ir_goto_ptr(f, tmp);
        }
        ir_set_label(f, miss);
    }
    ir_call(f, g_helper_lookup_tb_ptr, t, &f->env, 1);
    ir_goto_ptr(f, t);
}

/* ---- the loop ---- */

int cpu_exec(CPUState *cpu)
{
    const Backend *be = g_cpu_exec_backend;
    const CPUArchOps *arch = cpu->arch;
    void *env = cpu_env(cpu);

    if (sigsetjmp(cpu->jmp_env, 0) != 0) {
        /* Back from cpu_loop_exit: a helper raised, halted, or a translation gave up. */
        tb_page_unlock_held();
        cpu->current_tb = NULL;
    }

    /* Exit value of the previous TB if it may be chained from: tb | slot. */
    uintptr_t last_exit = 0;
    uint32_t flush_gen = tb_flush_count();
    for (;;) {
        if (cpu->halted) {
            return EXCP_HALTED;
        }
        if (atomic_load_explicit(&cpu->exit_request, memory_order_acquire)) {
            atomic_store(&cpu->exit_request, 0);
            return EXCP_INTERRUPT;
        }
        /* Single-thread mode: the quantum is used up (a TB refused to run, or about to). */
        if (vcpu_single_thread() && cpu->insn_count >= cpu->insn_limit) {
            return EXCP_INTERRUPT;
        }
        uint32_t request = atomic_load_explicit(&cpu->interrupt_request, memory_order_acquire);
        /* An instruction waiting for a deferred result (io-pending.h) has not finished:
         * interrupts wait until it has. */
        if (request && !cpu_io_pending(cpu) && arch->exec_interrupt(cpu, request)) {
            last_exit = 0; /* the guest state jumped: no chain from the old TB */
            if (cpu->halted) {
                return EXCP_HALTED;
            }
        }

        uint64_t pc, cs_base;
        uint32_t flags;
        arch->get_tb_key(cpu, &pc, &cs_base, &flags);
        TranslationBlock *tb = tb_find(cpu, pc, cs_base, flags, 0);
        if (tb_flush_count() != flush_gen) {
            /* Every TB from before the flush is gone, including the one we came from. */
            flush_gen = tb_flush_count();
            last_exit = 0;
        }
        /* With -d exec every TB entry must pass through here or the lookup helper to be
         * logged, so nothing is chained. */
        if (last_exit && !log_enabled(LOG_EXEC)) {
            TranslationBlock *from = (TranslationBlock *)(last_exit & ~(uintptr_t)TB_EXIT_MASK);
            bool from_published = atomic_load_explicit(&from->published, memory_order_acquire);
            if (from_published && !(from->cflags & CF_NO_CHAIN) && !(tb->cflags & CF_NO_CHAIN)) {
                tb_add_jump(from, (int)(last_exit & TB_EXIT_MASK), tb);
            }
        }
        if (log_enabled(LOG_CPU)) {
            log_lock();
            arch->dump_state(cpu, log_file());
            log_unlock();
        }
        if (log_enabled(LOG_EXEC)) {
            cpu_exec_log_trace(cpu, tb);
        }

        if (!vcpu_single_thread()) {
            /* Dispatched TBs only (chained ones are not seen here): cpu.h, insn_count. */
            __atomic_store_n(&cpu->insn_count, cpu->insn_count + tb->icount, __ATOMIC_RELAXED);
        }
        cpu->current_tb = tb;
        uintptr_t ret = be->exec(env, tb);
        cpu->current_tb = NULL;

        unsigned code = (unsigned)(ret & TB_EXIT_MASK);
        if (code == TB_EXIT_REQUESTED) {
            /* The TB saw the exit word at its entry; a chained jump into it stored no pc.
             * The guest pc register is an offset from the code segment base (x86 RIP/EIP;
             * 0 on ARM): a TB with a base is never 64-bit code, so the offset is 32 bits. */
            const TranslationBlock *refused =
                (const TranslationBlock *)(ret & ~(uintptr_t)TB_EXIT_MASK);
            uint64_t pc = refused->pc - refused->cs_base;
            *(uint64_t *)((char *)env + arch->pc_offset) =
                refused->cs_base ? (uint32_t)pc : pc;
        }
        if ((ret & ~(uintptr_t)TB_EXIT_MASK) != 0 &&
            (code == TB_EXIT_IDX0 || code == TB_EXIT_IDX1)) {
            last_exit = ret;
        } else {
            /* 0: nothing to chain from; TB_EXIT_REQUESTED: the top of the loop sees the exit
             * word that made the TB refuse to run. */
            last_exit = 0;
        }
    }
}
