/*
 * test-smp-xmodify.c — cross-modifying code on two vCPUs (test-smp-xmodify.args: -smp 2), MMU
 * off. ARM ARM B2.2.5 / B2.4.4: the writer stores the new instruction, DC CVAU, DSB ISH, IC
 * IVAU (or IC IALLUIS), DSB ISH; the reader, once it sees the writer's flag, executes ISB and
 * from then on must run the new instruction.
 *
 * Part 1 (the plain sequence): CPU 1 keeps calling `movz w0, #imm; ret` in a page of its own;
 * each round CPU 0 rewrites the immediate, alternating IC IVAU and IC IALLUIS, and CPU 1 must
 * get the new value after its ISB.
 * Part 2 (the race of review finding 1): CPU 1 keeps calling `b target` (B may be modified while
 * it runs, B2.2.5) while CPU 0, in one straight-line block, stores a new B (invalidating
 * CPU 1's translation), stores data in the same page (so its TLB holds a write entry made while
 * the page held no code), waits about a microsecond while CPU 1 translates the page again, and
 * stores the final B. That last store must still reach CPU 1 after IC IALLUIS and ISB: it
 * does only if translating the page made CPU 0's write entry send stores through the
 * self-modifying-code check first.
 */
#include "runtime.h"

/* Rounds of part 1 come from the test device's ARG (test-smp-xmodify.args: 200 in make
 * check, .full.args: 1,000 in make check-full, where a loaded host makes every round a pair
 * of host thread handshakes); part 2 runs 3/10 as many races. */
#define TESTDEV_ARG 0x090f0030ul
static uint32_t rounds, races;

static uint8_t stack1[8192] __attribute__((aligned(16)));
/* Code pages, written at run time (RAM is executable with the MMU off). */
static uint32_t movz_page[1024] __attribute__((aligned(4096)));
static uint32_t branch_page[1024] __attribute__((aligned(4096)));
static uint32_t target_page[1024] __attribute__((aligned(4096)));

static volatile uint32_t phase;     /* 1: part 1, 2: part 2, 3: done */
static volatile uint32_t posted;    /* round whose code CPU 0 has published */
static volatile uint32_t checked;   /* round CPU 1 has checked */
static volatile uint32_t bad_part1, bad_part2, calls_part2;
static volatile uint32_t cpu1_done;

#define MOVZ_W0(imm) (0x52800000u | ((uint32_t)(imm) & 0xffff) << 5)
#define RET 0xd65f03c0u
static uint32_t insn_b(const void *from, const void *to)
{
    return 0x14000000u | ((uint32_t)(((intptr_t)to - (intptr_t)from) >> 2) & 0x03ffffffu);
}

static uint32_t call(const void *fn)
{
    register uint64_t x0 __asm__("x0") = 0;
    register uint64_t x9 __asm__("x9") = (uint64_t)fn;
    __asm__ volatile("blr x9"
                     : "+r"(x0), "+r"(x9)
                     :
                     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x10", "x11", "x12", "x13",
                       "x14", "x15", "x16", "x17", "x30", "memory", "cc");
    return (uint32_t)x0;
}

static void sync_ivau(void *p)
{
    __asm__ volatile("dc cvau, %0\n dsb ish\n ic ivau, %0\n dsb ish" : : "r"(p) : "memory");
}

static void sync_ialluis(void *p)
{
    __asm__ volatile("dc cvau, %0\n dsb ish\n ic ialluis\n dsb ish" : : "r"(p) : "memory");
}

/* ---- CPU 1 ---- */

void secondary_main(uint64_t context)
{
    uint32_t seen = 0;
    while (phase == 1) {
        uint32_t r = posted;
        if (r == seen) {
            call(movz_page); /* keep the old translation hot */
            continue;
        }
        __asm__ volatile("dmb ish\n isb" ::: "memory");
        if (call(movz_page) != (r & 0xffff)) {
            bad_part1++;
        }
        seen = r;
        __asm__ volatile("dmb ish" ::: "memory");
        checked = r;
    }
    while (phase == 2) {
        uint32_t r = posted;
        if (r == seen) {
            call(branch_page); /* races with CPU 0's stores: old or new target, both fine */
            calls_part2++;
            continue;
        }
        __asm__ volatile("dmb ish\n isb" ::: "memory");
        if (call(branch_page) != 2) {
            bad_part2++;
        }
        seen = r;
        __asm__ volatile("dmb ish" ::: "memory");
        checked = r;
    }
    __asm__ volatile("dmb ish" ::: "memory");
    cpu1_done = 1;
    for (;;) {
        __asm__ volatile("wfe");
    }
}

/* ---- CPU 0 ---- */

static void wait_checked(uint32_t r)
{
    while (checked != r) {
    }
    __asm__ volatile("dmb ish" ::: "memory");
}

/* Before CPU 1 starts: it calls the page at once. */
static void part1_init(void)
{
    movz_page[0] = MOVZ_W0(0);
    movz_page[1] = RET;
    sync_ivau(movz_page);
    __asm__ volatile("isb" ::: "memory");
}

static void part1(void)
{
    for (uint32_t r = 1; r <= rounds; r++) {
        movz_page[0] = MOVZ_W0(r);
        if (r & 1) {
            sync_ivau(movz_page);
        } else {
            sync_ialluis(movz_page);
        }
        posted = r; /* ordered after the DSB ISH */
        wait_checked(r);
    }
}

/* One block without branches: the new B, a data store to the same page, ~450 dependent
 * divisions (about a microsecond), the final B, then the maintenance sequence. */
static void race_once(uint32_t b_first, uint32_t b_final)
{
    uint64_t x = 0x123456789abcdefull, one = 1;
    __asm__ volatile("str %w[b1], [%[f]]\n"
                     "str %w[b1], [%[f], #2048]\n"
                     ".rept 450\n udiv %[x], %[x], %[one]\n .endr\n"
                     "str %w[b2], [%[f]]\n"
                     "dc cvau, %[f]\n dsb ish\n ic ialluis\n dsb ish\n"
                     : [x] "+r"(x)
                     : [b1] "r"(b_first), [b2] "r"(b_final), [f] "r"(branch_page), [one] "r"(one)
                     : "memory");
}

static void part2(void)
{
    /* Two targets in another page, so the branch page holds one TB only. */
    target_page[0] = MOVZ_W0(1);
    target_page[1] = RET;
    target_page[16] = MOVZ_W0(2);
    target_page[17] = RET;
    uint32_t to1 = insn_b(branch_page, &target_page[0]);
    uint32_t to2 = insn_b(branch_page, &target_page[16]);
    branch_page[0] = to2;
    sync_ivau(target_page);
    sync_ivau(&target_page[16]);
    sync_ivau(branch_page);
    __asm__ volatile("isb" ::: "memory");
    phase = 2;
    for (uint32_t r = rounds + 1; r <= rounds + races; r++) {
        /* CPU 1 keeps running the branch page meanwhile; give it time to translate it. */
        for (uint32_t c = calls_part2; calls_part2 - c < 20;) {
        }
        race_once(to1, to2);
        posted = r;
        wait_checked(r);
    }
}

int main(void)
{
    rounds = (uint32_t)*(volatile uint64_t *)TESTDEV_ARG;
    races = rounds * 3 / 10;
    CHECK_EQ(rounds >= 10, 1);
    part1_init();
    phase = 1;
    __asm__ volatile("dmb ish" ::: "memory");
    CHECK_EQ(psci_hvc(0xc4000003u, 1, (uint64_t)secondary_entry,
                      (uint64_t)&stack1[sizeof(stack1)], 0), 0);
    part1();
    part2(); /* round numbers go on from part 1 */
    phase = 3;
    while (!cpu1_done) {
    }
    CHECK_EQ(bad_part1, 0);
    CHECK_EQ(bad_part2, 0);
    return guest_report();
}
