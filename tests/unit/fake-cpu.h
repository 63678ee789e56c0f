/*
 * fake-cpu.h — test doubles shared by the cpu-exec unit tests: a minimal architecture (pc in
 * env, flat address translation, wake on CPU_INTERRUPT_HARD, a one-instruction translator that
 * fetches through the softmmu) and a backend whose "code" is a call to a test-chosen function.
 * Everything lives in this header as static definitions; each test binary includes it once.
 * The hooks count their calls with atomics so tests can watch vCPU threads from outside.
 */
#ifndef TANDEM_TESTS_UNIT_FAKE_CPU_H
#define TANDEM_TESTS_UNIT_FAKE_CPU_H

#include <criterion/criterion.h>
#include <glib.h>
#include <stdatomic.h>
#include <string.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/softmmu.h"
#include "cpu-exec/vcpu.h"
#include "hw/core/memory.h"

#define FAKE_RAM_BASE 0x40000000ull
#define FAKE_RAM_SIZE (4ull << 20)

typedef struct FakeEnv {
    uint64_t pc;
    uint64_t steps; /* TBs run by this vCPU (owner thread only) */
} FakeEnv;

typedef struct FakeCPU {
    CPUState parent;
    _Alignas(64) FakeEnv env;
} FakeCPU;

/* What a fake TB does when run; returns the exit value (0 or tb | TB_EXIT_*). */
typedef uintptr_t (*FakeTBBody)(CPUState *cpu, TranslationBlock *tb);

static FakeTBBody fake_tb_body;
static atomic_int fake_get_key_calls; /* one per cpu_exec loop iteration */
static atomic_int fake_translations;
static atomic_int fake_has_work_calls; /* one per idle check of a halted vCPU */
static atomic_int fake_exec_calls;
static atomic_int fake_in_exec; /* vCPUs inside Backend.exec right now */
static atomic_int fake_set_jmp_calls;
static size_t fake_code_bytes = 64; /* host bytes each TB takes in the region */

static MemoryRegion fake_ram;
static AddressSpace fake_as;

/* ---- architecture ---- */

static void fake_get_tb_key(CPUState *cpu, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    atomic_fetch_add(&fake_get_key_calls, 1);
    *pc = ((FakeCPU *)cpu)->env.pc;
    *cs_base = 0;
    *flags = 0;
}

static int fake_translate(CPUState *cpu, TranslationBlock *tb, IRFunc *f, int max_insns)
{
    uint64_t paddr;
    (void)cpu_ldl_code(cpu, tb->pc, 0, &paddr);
    tb->phys_pc = paddr;
    tb->size = 4;
    tb->icount = 1;
    ir_exit_tb(f, 0);
    atomic_fetch_add(&fake_translations, 1);
    return 1;
}

static bool fake_has_work(CPUState *cpu)
{
    atomic_fetch_add(&fake_has_work_calls, 1);
    return (atomic_load(&cpu->interrupt_request) & CPU_INTERRUPT_HARD) != 0;
}

static bool fake_exec_interrupt(CPUState *cpu, uint32_t request) { return false; }

static void fake_dump_state(CPUState *cpu, FILE *out)
{
    fprintf(out, "PC=%016llx\n", (unsigned long long)((FakeCPU *)cpu)->env.pc);
}

/* Optional: changes the flat translation of vaddr (*paddr) and returns extra prot bits
 * (PAGE_NONGLOBAL, PAGE_LG) for tests of TLB maintenance. */
static int (*fake_fill_hook)(uint64_t vaddr, uint64_t *paddr);

static bool fake_tlb_fill(CPUState *cpu, uint64_t vaddr, int access, int mmu_idx,
                          uint64_t *paddr, int *prot, bool probe)
{
    *paddr = vaddr & TARGET_PAGE_MASK;
    *prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
    if (fake_fill_hook) {
        *prot |= fake_fill_hook(vaddr, paddr);
    }
    return true;
}

static G_NORETURN void fake_bus_error(CPUState *cpu, uint64_t vaddr, uint64_t paddr, int access)
{
    cpu_fatal(cpu, "bus error at 0x%llx", (unsigned long long)paddr);
}

static const CPUArchOps fake_arch = {
    .name = "fake",
    .get_tb_key = fake_get_tb_key,
    .translate = fake_translate,
    .has_work = fake_has_work,
    .exec_interrupt = fake_exec_interrupt,
    .dump_state = fake_dump_state,
    .tlb_fill = fake_tlb_fill,
    .bus_error = fake_bus_error,
    .pc_offset = (int32_t)offsetof(FakeEnv, pc),
};

/* ---- backend ---- */

static const uint8_t fake_exit_stub;

static bool fake_backend_init(CodeRegion *prologue) { return true; }

static bool fake_gen_code(CodeRegion *r, TranslationBlock *tb, IRFunc *f)
{
    uint8_t *p = code_region_alloc(r, fake_code_bytes, 16);
    if (!p) {
        return false;
    }
    tb->tc_ptr = code_buffer_rx_of(p);
    tb->tc_size = (uint32_t)fake_code_bytes;
    tb->jmp_insn_offset[0] = 0; /* slot 0 is patchable */
    return true;
}

static uintptr_t fake_exec(void *env, TranslationBlock *tb)
{
    CPUState *cpu = cpu_from_env(env);
    /* Generated code checks the exit word at every TB entry. */
    if (atomic_load(&cpu->exit_request)) {
        return (uintptr_t)tb | TB_EXIT_REQUESTED;
    }
    atomic_fetch_add(&fake_in_exec, 1);
    atomic_fetch_add(&fake_exec_calls, 1);
    ((FakeEnv *)env)->steps++;
    uintptr_t ret = fake_tb_body ? fake_tb_body(cpu, tb) : 0;
    atomic_fetch_sub(&fake_in_exec, 1);
    return ret;
}

static void fake_set_jmp_target(TranslationBlock *tb, int n, TranslationBlock *dest)
{
    atomic_fetch_add(&fake_set_jmp_calls, 1);
}

static const void *fake_tb_entry_ptr(TranslationBlock *dest) { return dest->tc_ptr; }
static const void *fake_exit_ptr(void) { return &fake_exit_stub; }

static const Backend fake_backend = {
    .name = "fake",
    .init = fake_backend_init,
    .gen_code = fake_gen_code,
    .exec = fake_exec,
    .set_jmp_target = fake_set_jmp_target,
    .tb_entry_ptr = fake_tb_entry_ptr,
    .exit_ptr = fake_exit_ptr,
    .tb_entry_offset = offsetof(TranslationBlock, tc_ptr),
};

/* ---- machine ---- */

/* Start-up as system/main does it: memory map, then cpu_exec_init_all. */
static void fake_machine_init(int max_vcpus)
{
    memory_region_init_ram(&fake_ram, "ram", FAKE_RAM_SIZE);
    address_space_init(&fake_as, "memory");
    address_space_map(&fake_as, FAKE_RAM_BASE, &fake_ram);
    cr_assert(cpu_exec_init_all(&fake_backend, max_vcpus));
}

static FakeCPU *fake_cpu_new(int index, bool halted)
{
    FakeCPU *fc = g_aligned_alloc0(1, sizeof(FakeCPU), 64);
    CPUState *cpu = &fc->parent;
    cpu->cpu_index = index;
    cpu->env_ptr = &fc->env;
    cpu->arch = &fake_arch;
    cpu->as = &fake_as;
    cpu->halted = halted;
    g_mutex_init(&cpu->lock);
    g_cond_init(&cpu->cond);
    g_queue_init(&cpu->work);
    fc->env.pc = FAKE_RAM_BASE + 0x1000 * (uint64_t)index;
    return fc;
}

/* Polls cond (a statement expression) for up to 5 s. */
#define FAKE_WAIT_FOR(cond)                                                                    \
    ({                                                                                         \
        bool ok_ = false;                                                                      \
        for (int i_ = 0; i_ < 5000 && !(ok_ = (cond)); i_++) {                                 \
            g_usleep(1000);                                                                    \
        }                                                                                      \
        ok_;                                                                                   \
    })

#endif
