/*
 * vendor-hvc.h — Tandem's own hypercalls in the SMCCC "vendor specific hypervisor service"
 * range (Arm DEN 0028, owning entity 6: function ids 0xC6000000-0xC600FFFF), reached through
 * the PSCI conduit. Owner vCPU thread only.
 *
 *   0xC6000001 TESTDEV_WAIT: returns in x0 the value the test device releases next (waits
 *              like a read of its BLOCK register; docs/testdev.md). NOT_SUPPORTED without
 *              -device tandem-testdev.
 */
#ifndef TANDEM_TARGET_ARM_VENDOR_HVC_H
#define TANDEM_TARGET_ARM_VENDOR_HVC_H

#include <stdbool.h>
#include <stdint.h>

#include "target-arm/cpu.h"

#define TANDEM_HVC_TESTDEV_WAIT 0xc6000001u

/* If fn is one of Tandem's hypercalls, runs it and returns true with the value for x0.
 * env->pc must be the instruction after the call (it is moved back while the call waits,
 * so that a vCPU asked to leave retries the call). */
bool arm_vendor_hvc(CPUARMState *env, uint32_t fn, uint64_t *ret);

#endif
