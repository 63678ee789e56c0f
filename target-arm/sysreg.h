/*
 * sysreg.h — the registry of AArch64 system registers (MRS/MSR) and how the translator
 * accesses them. Every register is one ARMSysReg: its encoding (op0, op1, CRn, CRm, op2 as in
 * the ARM ARM register descriptions), the lowest EL that may read and write it, and either a
 * field of CPUARMState, a constant, or read/write functions.
 *
 * Threads: registers are defined on the main thread before any vCPU starts (the CPU's own in
 * arm_translate_init, device ones such as the GICv3 CPU interface or the generic timer when
 * the board is built) and the registry is read-only afterwards. Read/write/access functions
 * run on the owner vCPU thread in the middle of a TB; a function that touches device state
 * takes the device lock itself.
 */
#ifndef TANDEM_TARGET_ARM_SYSREG_H
#define TANDEM_TARGET_ARM_SYSREG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target-arm/cpu.h"

typedef struct ARMSysReg ARMSysReg;

/* Run-time access check result (for rules that depend on state not in the TB flags). */
typedef enum ARMSysRegAccess {
    SR_ACCESS_OK,
    SR_ACCESS_UNDEF, /* UNDEFINED: EC 0x00 (unknown reason) */
    SR_ACCESS_TRAP,  /* trapped to EL1 as a system register access: EC 0x18 with the ISS */
} ARMSysRegAccess;

typedef uint64_t (*ARMSysRegReadFn)(CPUARMState *env, const ARMSysReg *r);
typedef void (*ARMSysRegWriteFn)(CPUARMState *env, const ARMSysReg *r, uint64_t value);
typedef ARMSysRegAccess (*ARMSysRegAccessFn)(CPUARMState *env, const ARMSysReg *r,
                                             bool is_read);

enum {
    SR_NONE = 0xff, /* read_el / write_el: no EL may do this (read-only or write-only) */
};

/* flags */
enum {
    SR_F_CONST = 1 << 0,   /* reads return .value, no function or field */
    SR_F_END_TB = 1 << 1,  /* a write changes translation or interrupt state: the TB ends after
                              it (and the register's write function flushes what it must) */
    SR_F_IO = 1 << 2,      /* reads have side effects or change over time: never cached */
};

struct ARMSysReg {
    const char *name;
    uint8_t op0, op1, crn, crm, op2;
    uint8_t read_el, write_el; /* lowest EL allowed (0 or 1), or SR_NONE */
    uint32_t flags;            /* SR_F_* */
    int32_t field;             /* offset of a uint64_t in CPUARMState, or -1 */
    uint64_t value;            /* SR_F_CONST */
    ARMSysRegReadFn read;      /* NULL: the field (or value) */
    ARMSysRegWriteFn write;    /* NULL: store to the field (if writable) */
    ARMSysRegAccessFn access;  /* optional extra run-time check */
    void *opaque;              /* for the functions (e.g. the GIC) */
};

#define ARM_SYSREG_KEY(op0, op1, crn, crm, op2)                                                 \
    ((uint32_t)(op0) << 14 | (uint32_t)(op1) << 11 | (uint32_t)(crn) << 7 |                     \
     (uint32_t)(crm) << 3 | (uint32_t)(op2))

/* Adds registers to the registry. A register whose encoding is already defined replaces the
 * earlier definition (a device may take over a register the CPU defines). Main thread only,
 * before any vCPU runs. */
void arm_sysreg_define(const ARMSysReg *regs, size_t n);
/* The register with this encoding, or NULL. Lock-free. */
const ARMSysReg *arm_sysreg_find(int op0, int op1, int crn, int crm, int op2);
/* Defines the CPU's own registers (sysreg.c); called by arm_translate_init. */
void arm_sysreg_define_cpu(void);

/* ISS of a trapped MSR/MRS (EC 0x18), ARM ARM D17.2.37 "ISS encoding for an exception from
 * MSR, MRS, or System instruction execution in AArch64 state". */
static inline uint32_t arm_sysreg_iss(int op0, int op1, int crn, int crm, int op2, int rt,
                                      bool is_read)
{
    return (uint32_t)op0 << 20 | (uint32_t)op2 << 17 | (uint32_t)op1 << 14 |
           (uint32_t)crn << 10 | (uint32_t)rt << 5 | (uint32_t)crm << 1 | (is_read ? 1u : 0u);
}

#endif
