/*
 * mmu-walk.c — VMSAv8-64 stage 1 translation (see mmu-walk.h). Placeholder until the walker
 * lands: the MMU-off flat mapping only; with the MMU on every access is a level 0 translation
 * fault.
 */
#include "target-arm/mmu-walk.h"

#include "cpu-exec/cpu.h"

bool arm_mmu_translate(const ARMMMURegime *r, uint64_t va, ARMMMUAccess access, bool el0,
                       bool pan, ARMPhysRead64 read, void *opaque, ARMMMUResult *res,
                       ARMMMUFault *fault)
{
    if (r->sctlr & 1) {
        *fault = (ARMMMUFault){ARM_FAULT_TRANSLATION, 0};
        return false;
    }
    if (r->pa_bits < 64 && (va >> r->pa_bits)) {
        *fault = (ARMMMUFault){ARM_FAULT_ADDRESS_SIZE, 0};
        return false;
    }
    *res = (ARMMMUResult){.paddr = va, .prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC,
                          .page_size = 4096, .global = true};
    return true;
}

uint32_t arm_mmu_fault_status(const ARMMMUFault *fault)
{
    static const uint32_t base[] = {0, 0x04, 0x08, 0x0c, 0x00, 0x14};
    return base[fault->type] | (uint32_t)(fault->level & 3);
}
