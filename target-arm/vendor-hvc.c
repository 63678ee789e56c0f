/*
 * vendor-hvc.c — Tandem's vendor hypercalls (see vendor-hvc.h). A call that waits does so
 * through the vCPU's in-flight slot (cpu-exec/io-pending.h): if the machine resets while it
 * waits, the late result is dropped and the reset state stands (DESIGN.md rule 5).
 */
#include "target-arm/vendor-hvc.h"

#include "cpu-exec/io-pending.h"
#include "hw/misc/testdev.h"
#include "target-arm/psci.h"

bool arm_vendor_hvc(CPUARMState *env, uint32_t fn, uint64_t *ret)
{
    if (fn != TANDEM_HVC_TESTDEV_WAIT) {
        return false;
    }
    TestDevState *dev = testdev_instance();
    if (!dev) {
        *ret = (uint64_t)(int64_t)PSCI_RET_NOT_SUPPORTED;
        return true;
    }
    uint64_t next = env->pc;
    env->pc = next - 4; /* until the result is in, the HVC has not retired */
    *ret = cpu_io_wait(env_cpu(env), IO_PENDING_HYPERCALL, fn, testdev_hypercall_start, dev);
    env->pc = next;
    return true;
}
