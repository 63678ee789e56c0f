/*
 * test-tb-cache.c — the TB cache and what keeps it coherent: global table insert / lookup /
 * remove, lock-free readers racing a writer, jump-cache invalidation in every vCPU, chaining
 * and unchaining, invalidation by physical range, self-modifying code seen through the
 * execution loop, and the flush when a code region fills up. Runs under ThreadSanitizer too.
 */
#include "tests/unit/fake-cpu.h"

#include "cpu-exec/internal.h"

static void tb_init_key(TranslationBlock *tb, uint64_t phys_pc, uint64_t pc, uint32_t flags)
{
    memset(tb, 0, sizeof(*tb));
    tb->phys_pc = phys_pc;
    tb->pc = pc;
    tb->flags = flags;
    tb->size = 4;
    tb->page_addr[0] = phys_pc & TARGET_PAGE_MASK;
    tb->page_addr[1] = (uint64_t)-1;
    tb->jmp_insn_offset[0] = tb->jmp_insn_offset[1] = 0;
    tb->hash = tb_hash_key(phys_pc, pc, 0, flags, 0);
}

/* ---- global table ---- */

Test(tb_cache, insert_lookup_remove)
{
    static TranslationBlock a, b, c;
    tb_cache_init();
    tb_init_key(&a, 0x1000, 0xffff0000, 1);
    tb_init_key(&b, 0x1000, 0xffff0000, 2); /* differs only in flags */
    tb_init_key(&c, 0x2000, 0xffff0000, 1); /* differs only in phys_pc */
    cr_assert_eq(tb_cache_insert(&a), &a);
    cr_assert_eq(tb_cache_insert(&b), &b);
    cr_assert_eq(tb_cache_insert(&c), &c);
    cr_assert_eq(tb_cache_count(), 3);
    cr_assert_eq(tb_cache_lookup(0x1000, 0xffff0000, 0, 1, 0), &a);
    cr_assert_eq(tb_cache_lookup(0x1000, 0xffff0000, 0, 2, 0), &b);
    cr_assert_eq(tb_cache_lookup(0x2000, 0xffff0000, 0, 1, 0), &c);
    cr_assert_null(tb_cache_lookup(0x1000, 0xffff0000, 0, 1, CF_NO_CHAIN));
    cr_assert_null(tb_cache_lookup(0x1000, 0xffff0004, 0, 1, 0));

    tb_cache_remove(&b);
    cr_assert_null(tb_cache_lookup(0x1000, 0xffff0000, 0, 2, 0));
    cr_assert_eq(tb_cache_lookup(0x1000, 0xffff0000, 0, 1, 0), &a);
    cr_assert_eq(tb_cache_count(), 2);
    tb_cache_remove(&b); /* absent: no effect */
    cr_assert_eq(tb_cache_count(), 2);
}

Test(tb_cache, racing_insert_keeps_first)
{
    static TranslationBlock first, second, third;
    tb_cache_init();
    tb_init_key(&first, 0x5000, 0x5000, 0);
    tb_init_key(&second, 0x5000, 0x5000, 0);
    cr_assert_eq(tb_cache_insert(&first), &first);
    cr_assert_eq(tb_cache_insert(&second), &first, "the loser must use the winner's TB");
    cr_assert_eq(tb_cache_count(), 1);
    /* An invalid TB no longer counts: a fresh translation may take its key. */
    atomic_store(&first.invalid, true);
    cr_assert_null(tb_cache_lookup(0x5000, 0x5000, 0, 0, 0));
    tb_init_key(&third, 0x5000, 0x5000, 0);
    cr_assert_eq(tb_cache_insert(&third), &third);
    cr_assert_eq(tb_cache_lookup(0x5000, 0x5000, 0, 0, 0), &third);
}

/* ---- readers racing a writer ---- */

#define STABLE_TBS 20000
#define TRANSIENT_TBS 20000
#define WRITER_ROUNDS 4
#define READERS 4

static TranslationBlock *stable_tbs;
static TranslationBlock *transient_tbs; /* WRITER_ROUNDS * TRANSIENT_TBS, never reused */
static atomic_bool writer_done;
static atomic_int reader_errors;

static gpointer reader_main(gpointer arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    do {
        for (int i = 0; i < STABLE_TBS; i += 7) {
            TranslationBlock *tb = &stable_tbs[i];
            if (tb_cache_lookup(tb->phys_pc, tb->pc, 0, tb->flags, 0) != tb) {
                atomic_fetch_add(&reader_errors, 1);
            }
        }
        for (int i = 0; i < 2000; i++) {
            seed = seed * 1103515245u + 12345u;
            uint64_t key = 0x100000000ull + (uint64_t)(seed % TRANSIENT_TBS) * 4;
            TranslationBlock *tb = tb_cache_lookup(key, key, 0, 0, 0);
            if (tb && (tb->pc != key || tb->phys_pc != key)) {
                atomic_fetch_add(&reader_errors, 1);
            }
        }
    } while (!atomic_load(&writer_done));
    return NULL;
}

Test(tb_cache, lock_free_readers_race_writer, .timeout = 120)
{
    tb_cache_init();
    stable_tbs = g_new0(TranslationBlock, STABLE_TBS);
    transient_tbs = g_new0(TranslationBlock, (size_t)WRITER_ROUNDS * TRANSIENT_TBS);
    for (int i = 0; i < STABLE_TBS; i++) {
        tb_init_key(&stable_tbs[i], (uint64_t)i * 4, (uint64_t)i * 4, 0);
        cr_assert_eq(tb_cache_insert(&stable_tbs[i]), &stable_tbs[i]);
    }
    GThread *readers[READERS];
    for (int i = 0; i < READERS; i++) {
        readers[i] = g_thread_new("reader", reader_main, (gpointer)(uintptr_t)(i + 1));
    }
    for (int r = 0; r < WRITER_ROUNDS; r++) {
        TranslationBlock *set = &transient_tbs[(size_t)r * TRANSIENT_TBS];
        for (int i = 0; i < TRANSIENT_TBS; i++) {
            uint64_t key = 0x100000000ull + (uint64_t)i * 4;
            tb_init_key(&set[i], key, key, 0);
            cr_assert_eq(tb_cache_insert(&set[i]), &set[i]);
        }
        for (int i = 0; i < TRANSIENT_TBS; i++) {
            /* Removed TBs are never reused (as between two flushes). */
            tb_cache_remove(&set[i]);
        }
    }
    atomic_store(&writer_done, true);
    for (int i = 0; i < READERS; i++) {
        g_thread_join(readers[i]);
    }
    cr_assert_eq(atomic_load(&reader_errors), 0);
    cr_assert_eq(tb_cache_count(), STABLE_TBS);
}

/* ---- jump caches ---- */

Test(tb_cache, jump_cache_invalidation_reaches_every_vcpu)
{
    fake_machine_init(2);
    FakeCPU *c0 = fake_cpu_new(0, false), *c1 = fake_cpu_new(1, false);
    vcpu_register(&c0->parent);
    vcpu_register(&c1->parent);
    static TranslationBlock tb, other;
    tb_init_key(&tb, FAKE_RAM_BASE, FAKE_RAM_BASE, 0);
    tb_init_key(&other, FAKE_RAM_BASE + 0x40, FAKE_RAM_BASE + 0x40, 0);
    uint32_t i = tb_jmp_cache_hash(tb.pc), j = tb_jmp_cache_hash(other.pc);
    cr_assert_neq(i, j);
    tb_jmp_cache_set(&c0->parent, &tb, false);
    tb_jmp_cache_set(&c1->parent, &tb, false);
    tb_jmp_cache_set(&c1->parent, &other, false);

    tb_jmp_cache_remove_all(&tb);
    cr_assert_null(atomic_load(&c0->parent.tb_jmp_cache[i]));
    cr_assert_null(atomic_load(&c1->parent.tb_jmp_cache[i]));
    cr_assert_eq(atomic_load(&c1->parent.tb_jmp_cache[j]), &other);

    /* A TLB flush empties the jump cache with it. */
    tlb_flush(&c1->parent);
    cr_assert_null(atomic_load(&c1->parent.tb_jmp_cache[j]));
}

/* ---- chaining and invalidation ---- */

Test(tb_cache, invalidation_unchains_and_unpublishes)
{
    fake_machine_init(1);
    FakeCPU *c0 = fake_cpu_new(0, false);
    vcpu_register(&c0->parent);
    static TranslationBlock a, b, far;
    tb_init_key(&a, 0x10000, 0x10000, 0);
    tb_init_key(&b, 0x10100, 0x10100, 0);
    tb_init_key(&far, 0x20000, 0x20000, 0);
    TBPageLocks pl;
    tb_page_lock_pair(&pl, 0x10000, 0x20000);
    cr_assert(tb_page_mark_code(0x10000));
    cr_assert_not(tb_page_mark_code(0x10000), "second mark reports no change");
    cr_assert(tb_page_mark_code(0x20000));
    tb_cache_insert(&a);
    tb_page_add(&a);
    tb_cache_insert(&b);
    tb_page_add(&b);
    tb_cache_insert(&far);
    tb_page_add(&far);
    tb_page_unlock_pair(&pl);

    tb_add_jump(&a, 0, &b);   /* a -> b */
    tb_add_jump(&far, 0, &b); /* far -> b */
    tb_add_jump(&b, 0, &a);   /* b -> a */
    cr_assert_eq(atomic_load(&fake_set_jmp_calls), 3);
    cr_assert_eq(atomic_load(&a.jmp_dest[0]), &b);
    cr_assert_eq(b.nb_incoming, 2);
    tb_add_jump(&a, 0, &far); /* slot already chained: ignored */
    cr_assert_eq(atomic_load(&a.jmp_dest[0]), &b);
    atomic_store(&c0->parent.tb_jmp_cache[tb_jmp_cache_hash(b.pc)], &b);

    /* A store to b's bytes only: a stays. */
    tb_invalidate_phys_range(0x10102, 0x10103);
    cr_assert(atomic_load(&b.invalid));
    cr_assert_not(atomic_load(&a.invalid));
    cr_assert_null(tb_cache_lookup(0x10100, 0x10100, 0, 0, 0));
    cr_assert_eq(tb_cache_lookup(0x10000, 0x10000, 0, 0, 0), &a);
    cr_assert_null(atomic_load(&a.jmp_dest[0]), "incoming jump reset");
    cr_assert_null(atomic_load(&far.jmp_dest[0]), "incoming jump reset");
    cr_assert_null(atomic_load(&b.jmp_dest[0]), "outgoing jump reset");
    cr_assert_eq(a.nb_incoming, 0);
    cr_assert_null(atomic_load(&c0->parent.tb_jmp_cache[tb_jmp_cache_hash(b.pc)]));
    cr_assert(tb_page_has_code(0x10000), "a still lives there");

    tb_add_jump(&a, 0, &b); /* chaining to an invalid TB never happens */
    cr_assert_null(atomic_load(&a.jmp_dest[0]));

    tb_invalidate_phys_range(0x10000, 0x11000);
    cr_assert(atomic_load(&a.invalid));
    cr_assert_not(tb_page_has_code(0x10000), "an empty page loses its code flag");
    cr_assert(tb_page_has_code(0x20000));
    cr_assert_eq(tb_cache_count(), 1);

    uint32_t flushes = tb_flush_count();
    tb_flush_all();
    cr_assert_eq(tb_flush_count(), flushes + 1);
    cr_assert_eq(tb_cache_count(), 0);
    cr_assert_not(tb_page_has_code(0x20000));
}

/* ---- through the execution loop ---- */

static int smc_runs;

/* The TB at RAM_BASE rewrites its own instruction word on the first run, then halts. */
static uintptr_t smc_body(CPUState *cpu, TranslationBlock *tb)
{
    if (++smc_runs == 1) {
        cpu_st_data(cpu, tb->pc, 0xd503201f, MO_32, 0);
        return 0;
    }
    cpu_halt(cpu);
}

Test(tb_cache, self_modifying_store_forces_retranslation)
{
    fake_machine_init(1);
    FakeCPU *c0 = fake_cpu_new(0, false);
    CPUState *cpu = &c0->parent;
    vcpu_register(cpu);
    cpu_exec_vcpu_init(cpu);
    c0->env.pc = FAKE_RAM_BASE;
    fake_tb_body = smc_body;

    cr_assert_eq(cpu_exec(cpu), EXCP_HALTED);
    cr_assert_eq(smc_runs, 2);
    cr_assert_eq(atomic_load(&fake_translations), 2, "the store must invalidate the TB");
    cr_assert_eq(cpu_ld_data(cpu, FAKE_RAM_BASE, MO_32, 0), 0xd503201f);
    cr_assert(tb_page_has_code(FAKE_RAM_BASE), "the new TB covers the page");

    /* Data stores next to code leave the code alone. */
    cpu->halted = false;
    cpu_st_data(cpu, FAKE_RAM_BASE + 0x800, 0x1122334455667788ull, MO_64, 0);
    cr_assert_eq(cpu_exec(cpu), EXCP_HALTED);
    cr_assert_eq(atomic_load(&fake_translations), 2);
}

static uintptr_t walk_body(CPUState *cpu, TranslationBlock *tb)
{
    FakeCPU *fc = (FakeCPU *)cpu;
    if (fc->env.steps == 600) {
        cpu_halt(cpu);
    }
    fc->env.pc += 4;
    return (uintptr_t)tb | TB_EXIT_IDX0; /* ask to be chained */
}

Test(tb_cache, full_code_region_flushes_and_continues)
{
    fake_code_bytes = 1 << 20; /* 256 TBs fill the 256 MiB buffer */
    fake_machine_init(1);
    FakeCPU *c0 = fake_cpu_new(0, false);
    CPUState *cpu = &c0->parent;
    vcpu_register(cpu);
    cpu_exec_vcpu_init(cpu);
    c0->env.pc = FAKE_RAM_BASE;
    fake_tb_body = walk_body;

    cr_assert_eq(cpu_exec(cpu), EXCP_HALTED);
    cr_assert_eq(c0->env.steps, 600);
    /* Each flush may cost the translation that did not fit once more. */
    int flushes = (int)tb_flush_count();
    cr_assert_geq(flushes, 2);
    cr_assert_geq(atomic_load(&fake_translations), 600);
    cr_assert_leq(atomic_load(&fake_translations), 600 + flushes);
    cr_assert_gt(atomic_load(&fake_set_jmp_calls), 0, "consecutive TBs were chained");
    cr_assert_lt(tb_cache_count(), 256);
}

Test(tb_cache, kick_makes_cpu_exec_return)
{
    fake_machine_init(1);
    FakeCPU *c0 = fake_cpu_new(0, false);
    CPUState *cpu = &c0->parent;
    cpu_exec_vcpu_init(cpu);
    cpu_kick(cpu);
    cr_assert_eq(cpu_exec(cpu), EXCP_INTERRUPT);
    cr_assert_eq(atomic_load(&cpu->exit_request), 0, "the exit word is consumed");
    cr_assert_eq(atomic_load(&fake_exec_calls), 0);
}

/* Stores that share a page with code but not a 64-byte chunk of any TB skip the TB list; the
 * chunks follow the TBs that remain after an invalidation. */
Test(tb_cache, store_beside_code_leaves_tbs)
{
    fake_machine_init(1);
    static TranslationBlock a, b, c;
    tb_init_key(&a, 0x30000 + 0x3c, 0x30000 + 0x3c, 0); /* bytes 0x3c..0x43: chunks 0 and 1 */
    a.size = 8;
    tb_init_key(&b, 0x30000 + 0x200, 0x30000 + 0x200, 0); /* chunk 8 */
    tb_init_key(&c, 0x30000 + 0xffc, 0x30000 + 0xffc, 0); /* the last chunk */
    TBPageLocks pl;
    tb_page_lock_pair(&pl, 0x30000, (uint64_t)-1);
    cr_assert(tb_page_mark_code(0x30000));
    TranslationBlock *all[] = {&a, &b, &c};
    for (int i = 0; i < 3; i++) {
        tb_cache_insert(all[i]);
        tb_page_add(all[i]);
    }
    tb_page_unlock_pair(&pl);

    tb_invalidate_phys_range(0x30800, 0x30808); /* data in chunk 32 */
    tb_invalidate_phys_range(0x30080, 0x30081); /* chunk 2, next to a's */
    tb_invalidate_phys_range(0x301fc, 0x30200); /* chunk 7, the bytes before b */
    for (int i = 0; i < 3; i++) {
        cr_assert_not(atomic_load(&all[i]->invalid), "TB %d invalidated by a store beside it", i);
    }
    tb_invalidate_phys_range(0x30040, 0x30041); /* a's second chunk */
    cr_assert(atomic_load(&a.invalid));
    tb_invalidate_phys_range(0x30000, 0x30040); /* a's first chunk: only a covered it */
    cr_assert_not(atomic_load(&b.invalid) || atomic_load(&c.invalid));
    tb_invalidate_phys_range(0x30fff, 0x31000);
    cr_assert(atomic_load(&c.invalid));
    cr_assert_not(atomic_load(&b.invalid));
    tb_invalidate_phys_range(0x30203, 0x30204);
    cr_assert(atomic_load(&b.invalid));
    cr_assert_not(tb_page_has_code(0x30000));
}
