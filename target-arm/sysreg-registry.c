/*
 * sysreg-registry.c — the table of AArch64 system registers, keyed by encoding (sysreg.h).
 * Filled on the main thread before any vCPU runs (arm_sysreg_define), then read without locks
 * by translating vCPU threads.
 */
#include <glib.h>

#include "target-arm/sysreg.h"

static GHashTable *sysreg_table; /* key: ARM_SYSREG_KEY -> ARMSysReg * (copies) */

void arm_sysreg_define(const ARMSysReg *regs, size_t n)
{
    if (!sysreg_table) {
        sysreg_table = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    }
    for (size_t i = 0; i < n; i++) {
        const ARMSysReg *r = &regs[i];
        uint32_t key = ARM_SYSREG_KEY(r->op0, r->op1, r->crn, r->crm, r->op2);
        g_hash_table_replace(sysreg_table, GUINT_TO_POINTER(key), g_memdup2(r, sizeof(*r)));
    }
}

const ARMSysReg *arm_sysreg_find(int op0, int op1, int crn, int crm, int op2)
{
    if (!sysreg_table) {
        return NULL;
    }
    return g_hash_table_lookup(sysreg_table,
                               GUINT_TO_POINTER(ARM_SYSREG_KEY(op0, op1, crn, crm, op2)));
}
