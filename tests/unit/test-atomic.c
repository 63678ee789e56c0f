/*
 * test-atomic.c — guest compare-and-swap through the softmmu (helper_atomic_cmpxchg,
 * cpu_atomic_cmpxchg16): values, old value and sign extension for aligned, misaligned and
 * page-crossing operands and for a device; then atomicity against other vCPUs, with real vCPU
 * threads whose fake TBs run increment loops the way translated LOCK ADD / CMPXCHG16B loops do
 * (read, compute, compare-and-swap, retry): a 128-bit counter, a page-crossing 8-byte counter
 * while other vCPUs increment its high half with aligned host atomics (the exclusive section
 * must keep them out between its read and its write), and misaligned counters inside and across
 * a host cache line. A lost update shows as a wrong final count. Runs under ThreadSanitizer too.
 */
#include "tests/unit/fake-cpu.h"

#include "cpu-exec/internal.h"

#define NCPUS 4
#define PER_TB 1000 /* increments per fake TB: the loop top (exclusive sections) comes between */

/* Counters, away from the code pages the vCPUs fetch (FAKE_RAM_BASE + 0x1000 * index). */
#define VA(off) (FAKE_RAM_BASE + 0x100000 + (off))
#define SPLIT_VA VA(0x0ffc)   /* 8 bytes, 4 on each side of a page boundary */
#define HIGH_VA VA(0x1000)    /* its high half: aligned 4 bytes */
#define WIDE_VA VA(0x2000)    /* 16 bytes, aligned */
#define ACROSS_VA VA(0x303c)  /* 8 bytes across a 64-byte line */
#define INLINE_VA VA(0x3083)  /* 8 bytes misaligned inside a line */

static MemoryRegion dev;
static uint8_t dev_regs[64]; /* device lock held by the dispatcher */

static uint64_t dev_read(void *opaque, uint64_t offset, unsigned size)
{
    uint64_t v = 0;
    memcpy(&v, dev_regs + offset, size);
    return v;
}

static void dev_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    memcpy(dev_regs + offset, &value, size);
}

static const MemoryRegionOps dev_ops = {.read = dev_read, .write = dev_write};
#define DEV_BASE 0x80000000ull

static void machine(int ncpus)
{
    fake_machine_init(ncpus);
    memory_region_init_io(&dev, "dev", 0x1000, &dev_ops, NULL);
    address_space_map(&fake_as, DEV_BASE, &dev);
}

static CPUState *single_cpu(void)
{
    machine(1);
    FakeCPU *fc = fake_cpu_new(0, false);
    cpu_exec_vcpu_init(&fc->parent);
    return &fc->parent;
}

static uint64_t cas(CPUState *cpu, uint64_t va, uint64_t cmp, uint64_t nv, MemOp mop)
{
    return helper_atomic_cmpxchg(cpu_env(cpu), va, cmp, nv, make_memop_idx(mop, 0));
}

/* ---- values ---- */

Test(atomic, cmpxchg_values_any_alignment)
{
    CPUState *cpu = single_cpu();
    static const uint64_t vas[] = {VA(0x4000), VA(0x4003), ACROSS_VA, INLINE_VA, SPLIT_VA,
                                   VA(0x4ffe)};
    for (unsigned i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
        uint64_t va = vas[i];
        cpu_st_data(cpu, va, 0x1122334455667788ull, MO_64, 0);
        /* failure: old returned, nothing written */
        cr_assert_eq(cas(cpu, va, 1, 2, MO_64), 0x1122334455667788ull, "va %#lx", (long)va);
        cr_assert_eq(cpu_ld_data(cpu, va, MO_64, 0), 0x1122334455667788ull);
        /* success */
        cr_assert_eq(cas(cpu, va, 0x1122334455667788ull, 0x8877665544332211ull, MO_64),
                     0x1122334455667788ull);
        cr_assert_eq(cpu_ld_data(cpu, va, MO_64, 0), 0x8877665544332211ull, "va %#lx", (long)va);
        /* 32 bits: the bytes above stay, a signed op sign-extends the old value */
        cr_assert_eq(cas(cpu, va, 0x44332211, 0xdeadbeef, MO_32), 0x44332211);
        cr_assert_eq(cpu_ld_data(cpu, va, MO_64, 0), 0x88776655deadbeefull);
        cr_assert_eq(cas(cpu, va, 0xdeadbeef, 1, MO_SL), 0xffffffffdeadbeefull);
        cr_assert_eq(cpu_ld_data(cpu, va, MO_64, 0), 0x8877665500000001ull);
        /* 16 bits */
        cr_assert_eq(cas(cpu, va + 1, 0, 0xabcd, MO_16), 0);
        cr_assert_eq(cpu_ld_data(cpu, va, MO_64, 0), 0x8877665500abcd01ull);
        cr_assert_eq(cas(cpu, va + 1, 0xabce, 0xffff, MO_16), 0xabcd);
        cr_assert_eq(cpu_ld_data(cpu, va, MO_64, 0), 0x8877665500abcd01ull);
    }
}

Test(atomic, cmpxchg_on_a_device)
{
    CPUState *cpu = single_cpu();
    cpu_st_data(cpu, DEV_BASE + 8, 0x55, MO_32, 0);
    cr_assert_eq(cas(cpu, DEV_BASE + 8, 0x55, 0x66, MO_32), 0x55);
    cr_assert_eq(dev_regs[8], 0x66);
    cr_assert_eq(cas(cpu, DEV_BASE + 8, 0x55, 0x77, MO_32), 0x66);
    cr_assert_eq(dev_regs[8], 0x66, "a failed compare writes nothing to a device");
    /* 16 bytes: two device accesses inside one exclusive section */
    uint64_t cmp[2] = {0, 0}, nv[2] = {1, 2}, old[2];
    cr_assert(cpu_atomic_cmpxchg16(cpu, DEV_BASE + 16, cmp, nv, 0, old));
    cr_assert_eq(cpu_ld_data(cpu, DEV_BASE + 16, MO_64, 0), 1);
    cr_assert_eq(cpu_ld_data(cpu, DEV_BASE + 24, MO_64, 0), 2);
    cr_assert_not(cpu_atomic_cmpxchg16(cpu, DEV_BASE + 16, cmp, nv, 0, old));
    cr_assert(old[0] == 1 && old[1] == 2);
}

Test(atomic, cmpxchg16_values)
{
    CPUState *cpu = single_cpu();
    cpu_st_data(cpu, WIDE_VA, 0x1111, MO_64, 0);
    cpu_st_data(cpu, WIDE_VA + 8, 0x2222, MO_64, 0);
    uint64_t cmp[2] = {0x1111, 0x2223}, nv[2] = {0xaaaa, 0xbbbb}, old[2] = {0, 0};
    cr_assert_not(cpu_atomic_cmpxchg16(cpu, WIDE_VA, cmp, nv, 0, old));
    cr_assert(old[0] == 0x1111 && old[1] == 0x2222);
    cr_assert_eq(cpu_ld_data(cpu, WIDE_VA + 8, MO_64, 0), 0x2222);
    cmp[1] = 0x2222;
    cr_assert(cpu_atomic_cmpxchg16(cpu, WIDE_VA, cmp, nv, 0, old));
    cr_assert(old[0] == 0x1111 && old[1] == 0x2222);
    cr_assert_eq(cpu_ld_data(cpu, WIDE_VA, MO_64, 0), 0xaaaa);
    cr_assert_eq(cpu_ld_data(cpu, WIDE_VA + 8, MO_64, 0), 0xbbbb);
}

/* ---- atomicity against other vCPUs ---- */

enum { OP_WIDE, OP_SPLIT, OP_HIGH, OP_ACROSS, OP_INLINE };

static FakeCPU *cpus[NCPUS];
static int op_of[NCPUS];       /* set before the threads start */
static int remaining[NCPUS];   /* owner thread only */
static atomic_int cpus_done;
static atomic_int cpus_started;
static bool started[NCPUS]; /* owner thread only */

static void add_one(CPUState *cpu, uint64_t va, MemOp mop)
{
    uint64_t old = cpu_ld_data(cpu, va, mop, 0);
    for (;;) {
        uint64_t seen = cas(cpu, va, old, old + 1, mop);
        if (seen == old) {
            return;
        }
        old = seen;
    }
}

static void add_one_wide(CPUState *cpu)
{
    uint64_t old[2] = {cpu_ld_data(cpu, WIDE_VA, MO_64, 0),
                       cpu_ld_data(cpu, WIDE_VA + 8, MO_64, 0)};
    for (;;) {
        uint64_t cmp[2] = {old[0], old[1]};
        uint64_t nv[2] = {cmp[0] + 1, cmp[1] + (cmp[0] + 1 == 0)};
        if (cpu_atomic_cmpxchg16(cpu, WIDE_VA, cmp, nv, 0, old)) {
            return;
        }
    }
}

static uintptr_t increment_body(CPUState *cpu, TranslationBlock *tb)
{
    int i = cpu->cpu_index;
    if (!started[i]) {
        started[i] = true;
        atomic_fetch_add(&cpus_started, 1);
    }
    if (atomic_load(&cpus_started) < NCPUS) {
        return 0; /* all start together, for contention (2 host CPUs may run 4 vCPUs) */
    }
    for (int k = 0; k < PER_TB && remaining[i] > 0; k++) {
        switch (op_of[i]) {
        case OP_WIDE: add_one_wide(cpu); break;
        case OP_SPLIT: add_one(cpu, SPLIT_VA, MO_64); break;
        case OP_HIGH: add_one(cpu, HIGH_VA, MO_32); break;
        case OP_ACROSS: add_one(cpu, ACROSS_VA, MO_64); break;
        default: add_one(cpu, INLINE_VA, MO_64); break;
        }
        remaining[i]--;
    }
    if (remaining[i] == 0) {
        remaining[i] = -1;
        atomic_fetch_add(&cpus_done, 1);
    }
    if (remaining[i] < 0) {
        cpu_halt(cpu);
    }
    return 0; /* back to the loop top, where exclusive sections are let in */
}

/* Runs NCPUS vCPUs, vCPU i doing n[i] increments of kind ops[i], until all are done. */
static CPUState *run_vcpus(const int ops[NCPUS], const int n[NCPUS], void (*setup)(CPUState *))
{
    machine(NCPUS + 1);
    fake_tb_body = increment_body;
    for (int i = 0; i < NCPUS; i++) {
        cpus[i] = fake_cpu_new(i, false);
        op_of[i] = ops[i];
        remaining[i] = n[i];
        vcpu_register(&cpus[i]->parent);
    }
    /* A spare vCPU (never started) to set up and read memory from this thread. */
    FakeCPU *probe = fake_cpu_new(NCPUS, true);
    cpu_exec_vcpu_init(&probe->parent);
    setup(&probe->parent);
    for (int i = 0; i < NCPUS; i++) {
        vcpu_thread_start(&cpus[i]->parent);
    }
    bool done = false;
    for (int t = 0; t < 120000 && !done; t++) {
        done = atomic_load(&cpus_done) == NCPUS;
        if (!done) {
            g_usleep(1000);
        }
    }
    cr_assert(done, "only %d of %d vCPUs finished", atomic_load(&cpus_done), NCPUS);
    vcpus_stop_and_join();
    return &probe->parent;
}

/* Enough that a non-atomic version loses updates on a 2-CPU host (checked by breaking it). */
#define N_WIDE 200000
#define N_SPLIT 20000  /* each an exclusive section */
#define N_HIGH 100000  /* host atomics, running beside the sections */

static void setup_wide(CPUState *cpu)
{
    cpu_st_data(cpu, WIDE_VA, ~0ull - 999, MO_64, 0); /* carries into the high half */
    cpu_st_data(cpu, WIDE_VA + 8, 7, MO_64, 0);
}

Test(atomic, cmpxchg16_counter_from_four_vcpus, .timeout = 120)
{
    static const int ops[NCPUS] = {OP_WIDE, OP_WIDE, OP_WIDE, OP_WIDE};
    static const int n[NCPUS] = {N_WIDE, N_WIDE, N_WIDE, N_WIDE};
    CPUState *cpu = run_vcpus(ops, n, setup_wide);
    cr_assert_eq(cpu_ld_data(cpu, WIDE_VA, MO_64, 0), (uint64_t)(NCPUS * N_WIDE - 1000));
    cr_assert_eq(cpu_ld_data(cpu, WIDE_VA + 8, MO_64, 0), 8);
}

static void setup_split(CPUState *cpu)
{
    cpu_st_data(cpu, SPLIT_VA, 0, MO_64, 0);
}

Test(atomic, page_crossing_add_excludes_host_atomics, .timeout = 120)
{
    /* Two vCPUs add 1 to the 8 bytes across the page (exclusive section), two add 1 to its
     * high half alone (host atomic): the low half never carries, so each half counts its own
     * adds only if no high-half add fell between a crossing add's read and write. */
    static const int ops[NCPUS] = {OP_SPLIT, OP_HIGH, OP_SPLIT, OP_HIGH};
    static const int n[NCPUS] = {N_SPLIT, N_HIGH, N_SPLIT, N_HIGH};
    CPUState *cpu = run_vcpus(ops, n, setup_split);
    cr_assert_eq(cpu_ld_data(cpu, SPLIT_VA, MO_32, 0), 2 * N_SPLIT);
    cr_assert_eq(cpu_ld_data(cpu, HIGH_VA, MO_32, 0), 2 * N_HIGH);
}

static void setup_lines(CPUState *cpu)
{
    cpu_st_data(cpu, ACROSS_VA, 0, MO_64, 0);
    cpu_st_data(cpu, INLINE_VA, 0, MO_64, 0);
}

Test(atomic, misaligned_counters_inside_and_across_a_line, .timeout = 120)
{
    static const int ops[NCPUS] = {OP_ACROSS, OP_INLINE, OP_ACROSS, OP_INLINE};
    static const int n[NCPUS] = {N_SPLIT, N_HIGH, N_SPLIT, N_HIGH};
    CPUState *cpu = run_vcpus(ops, n, setup_lines);
    cr_assert_eq(cpu_ld_data(cpu, ACROSS_VA, MO_64, 0), 2 * N_SPLIT);
    cr_assert_eq(cpu_ld_data(cpu, INLINE_VA, MO_64, 0), 2 * N_HIGH);
}
