/*
 * psci.h — the Power State Coordination Interface (Arm DEN 0022) as the firmware Tandem plays
 * for HVC #0 / SMC #0: function IDs, return codes, and the call entry point. The answers match
 * QEMU 7.2's virt board (PSCI 1.1, the same feature set), so device trees and guests written
 * for QEMU work unchanged. psci_call() runs on the calling vCPU's own thread.
 */
#ifndef TANDEM_TARGET_ARM_PSCI_H
#define TANDEM_TARGET_ARM_PSCI_H

#include "target-arm/cpu.h"

/* Function IDs (DEN 0022 5.1): SMC32 in 0x84000000.., SMC64 in 0xC4000000.. (macros: the
 * values do not fit an int enum). */
#define PSCI_FN_PSCI_VERSION 0x84000000u
#define PSCI_FN_CPU_SUSPEND 0x84000001u
#define PSCI_FN_CPU_OFF 0x84000002u
#define PSCI_FN_CPU_ON 0x84000003u
#define PSCI_FN_AFFINITY_INFO 0x84000004u
#define PSCI_FN_MIGRATE 0x84000005u
#define PSCI_FN_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_FN_MIGRATE_INFO_UP_CPU 0x84000007u
#define PSCI_FN_SYSTEM_OFF 0x84000008u
#define PSCI_FN_SYSTEM_RESET 0x84000009u
#define PSCI_FN_PSCI_FEATURES 0x8400000Au
#define PSCI_FN_SYSTEM_RESET2 0x84000012u
#define PSCI_FN64_CPU_SUSPEND 0xC4000001u
#define PSCI_FN64_CPU_ON 0xC4000003u
#define PSCI_FN64_AFFINITY_INFO 0xC4000004u
#define PSCI_FN64_SYSTEM_RESET2 0xC4000012u

/* CPU_SUSPEND power_state, original format (DEN 0022 5.4.2.1): StateID in 15:0, StateType in
 * 16 (1 = power-down), PowerLevel in 25:24; bits 31:26 and 23:17 are reserved (zero). */
#define PSCI_POWER_STATE_TYPE_POWERDOWN (1u << 16)
#define PSCI_POWER_STATE_LEVEL_SHIFT 24
#define PSCI_POWER_STATE_RESERVED 0xfcfe0000u

/* SYSTEM_RESET2 reset_type (DEN 0022 5.16): bit 31 set = vendor-specific; architectural
 * type 0 is SYSTEM_WARM_RESET, the others are reserved. */
#define PSCI_RESET2_VENDOR (1u << 31)
#define PSCI_RESET2_SYSTEM_WARM_RESET 0u

/* Return codes (DEN 0022 5.2.2). */
enum {
    PSCI_RET_SUCCESS = 0,
    PSCI_RET_NOT_SUPPORTED = -1,
    PSCI_RET_INVALID_PARAMETERS = -2,
    PSCI_RET_DENIED = -3,
    PSCI_RET_ALREADY_ON = -4,
    PSCI_RET_ON_PENDING = -5,
    PSCI_RET_INTERNAL_FAILURE = -6,
    PSCI_RET_NOT_PRESENT = -7,
    PSCI_RET_DISABLED = -8,
    PSCI_RET_INVALID_ADDRESS = -9,
};

/* AFFINITY_INFO answers. */
enum { PSCI_AFFINITY_ON = 0, PSCI_AFFINITY_OFF = 1, PSCI_AFFINITY_ON_PENDING = 2 };

/* PSCI_VERSION answer: major in bits 31:16, minor in 15:0 (1.1, as QEMU 7.2). */
#define PSCI_VERSION_VALUE 0x00010001u

/*
 * Performs the PSCI call in env's x0 (arguments x1..x3) and writes the result to x0. The
 * caller stored pc = the address after the HVC/SMC, so calls that halt or power off this CPU
 * (CPU_SUSPEND, CPU_OFF, SYSTEM_OFF, SYSTEM_RESET, SYSTEM_RESET2) leave the CPU loop with the
 * instruction retired; a power-down CPU_SUSPEND leaves it in its resume state (entry point,
 * context id), halted. Owner vCPU thread only.
 */
void psci_call(CPUARMState *env);

#endif
