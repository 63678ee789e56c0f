/*
 * test-lifecycle.h — what the vCPU life-cycle tests share: the power controller
 * (docs/power-controller.md) and the test device (docs/testdev.md) registers, PSCI ids, and
 * secondary entry with a per-CPU stack (x0 = context = a struct lifecycle_cpu *).
 */
#ifndef TEST_LIFECYCLE_H
#define TEST_LIFECYCLE_H

#include <stdint.h>

#include "runtime.h"

#define PWR_BASE 0x090e0000ul
#define PWR_ID 0x00
#define PWR_NUM_CPUS 0x08
#define PWR_CPU 0x10
#define PWR_CMD 0x14
#define PWR_STATUS 0x18
#define PWR_ENTRY 0x20
#define PWR_CONTEXT 0x28
#define PWR_STATE 0x30
#define PWR_INSNS 0x38
enum { CMD_HALT = 1, CMD_RESUME = 2, CMD_START = 3, CMD_OFF = 4, CMD_SYSTEM_RESET = 5 };
enum { ST_OK = 0, ST_BAD_CPU = 1, ST_BAD_CMD = 2, ST_BAD_ENTRY = 3 };
enum { S_ON = 0, S_OFF = 1, S_ON_PENDING = 2, S_POWER = 3, S_HALTED = 4, S_HELD = 8 };

#define TD_BASE 0x090f0000ul
#define TD_ID 0x00
#define TD_BLOCK 0x08
#define TD_RELEASE 0x10
#define TD_PENDING 0x18
#define TD_KICK 0x20
#define TD_STALE 0x28
#define TD_ARG 0x30
#define TD_SCRATCH(n) (0x40 + 8 * (n))
#define TD_POISON 0xdeadbeefdeadbeefull
#define HVC_TESTDEV_WAIT 0xc6000001u

#define PSCI_CPU_ON64 0xc4000003u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_AFFINITY_INFO64 0xc4000004u
#define PSCI_SYSTEM_RESET 0x84000009u

static inline uint32_t rd32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline uint64_t rd64(uintptr_t a) { return *(volatile uint64_t *)a; }
static inline void wr32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline void wr64(uintptr_t a, uint64_t v) { *(volatile uint64_t *)a = v; }

/* One power-controller command on cpu: returns STATUS. */
static inline uint32_t pwr_cmd(int cpu, uint32_t cmd)
{
    /* What the target is to find in memory is written before the command goes out. */
    __asm__ volatile("dsb sy" ::: "memory");
    wr32(PWR_BASE + PWR_CPU, (uint32_t)cpu);
    wr32(PWR_BASE + PWR_CMD, cmd);
    return rd32(PWR_BASE + PWR_STATUS);
}

static inline uint32_t pwr_start(int cpu, uint64_t entry, uint64_t context)
{
    wr64(PWR_BASE + PWR_ENTRY, entry);
    wr64(PWR_BASE + PWR_CONTEXT, context);
    return pwr_cmd(cpu, CMD_START);
}

static inline uint32_t pwr_state(int cpu)
{
    wr32(PWR_BASE + PWR_CPU, (uint32_t)cpu);
    return rd32(PWR_BASE + PWR_STATE);
}

static inline uint64_t pwr_insns(int cpu)
{
    wr32(PWR_BASE + PWR_CPU, (uint32_t)cpu);
    return rd64(PWR_BASE + PWR_INSNS);
}

/* Polls (bounded) until (state(cpu) & mask) == want; returns 1 if it got there. */
static inline int pwr_wait_state(int cpu, uint32_t mask, uint32_t want)
{
    for (long i = 0; i < 20000000; i++) {
        if ((pwr_state(cpu) & mask) == want) {
            return 1;
        }
    }
    return 0;
}

static inline void spin(long n)
{
    for (volatile long i = 0; i < n; i++) {
    }
}

static inline uint64_t read_mpidr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
    return v;
}

/* What a secondary gets in x0: its stack and what to do. */
struct lifecycle_cpu {
    uint64_t stack_top;
    void (*fn)(struct lifecycle_cpu *self);
    volatile uint64_t arg;
};

/* Secondary entry: sp = context->stack_top, then context->fn(context). */
void lifecycle_entry(void);
__asm__(".section .text\n"
        ".global lifecycle_entry\n"
        "lifecycle_entry:\n"
        "  ldr x1, [x0]\n"
        "  mov sp, x1\n"
        "  ldr x1, [x0, #8]\n"
        "  blr x1\n"
        "  b .\n");

#endif
