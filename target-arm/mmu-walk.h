/*
 * mmu-walk.h — VMSAv8-64 stage 1 translation of the EL1&0 regime (ARM ARM D8): the page-table
 * walk with 4K, 16K and 64K granules, TTBR0/TTBR1 selection, TBI, permissions (AP, UXN, PXN,
 * hierarchical APTable/UXNTable/PXNTable, WXN, PAN), the access flag, and fault reporting.
 *
 * A pure function of its inputs: register values come in an ARMMMURegime, descriptors are read
 * through a callback, so unit tests drive it with fake memory and mmu.c with guest RAM. Safe to
 * call from any thread; mmu.c calls it on the owner vCPU thread.
 */
#ifndef TANDEM_TARGET_ARM_MMU_WALK_H
#define TANDEM_TARGET_ARM_MMU_WALK_H

#include <stdbool.h>
#include <stdint.h>

/* The registers that define the EL1&0 regime, and what the CPU model supports. */
typedef struct ARMMMURegime {
    uint64_t sctlr; /* SCTLR_EL1: M (bit 0), WXN (bit 19) are used */
    uint64_t tcr;   /* TCR_EL1 */
    uint64_t ttbr0, ttbr1;
    uint64_t mair;
    unsigned pa_bits; /* implemented PA size (ID_AA64MMFR0_EL1.PARange: 44 for Cortex-A57) */
    bool has_16k;     /* 16 KiB granule supported (else TG0/TG1 selecting it act as 4 KiB) */
} ARMMMURegime;

/* Who is asking (the access's privilege) and for what. */
typedef enum ARMMMUAccess { ARM_MMU_LOAD = 0, ARM_MMU_STORE = 1, ARM_MMU_FETCH = 2 } ARMMMUAccess;

typedef enum ARMFaultType {
    ARM_FAULT_NONE,
    ARM_FAULT_TRANSLATION,  /* level 0..3 */
    ARM_FAULT_ACCESS_FLAG,  /* level 1..3 */
    ARM_FAULT_PERMISSION,   /* level 1..3 */
    ARM_FAULT_ADDRESS_SIZE, /* level 0..3 */
    ARM_FAULT_SYNC_EXTERNAL_WALK, /* a descriptor read hit no RAM; level 0..3 */
} ARMFaultType;

typedef struct ARMMMUFault {
    ARMFaultType type;
    int level;
} ARMMMUFault;

typedef struct ARMMMUResult {
    uint64_t paddr;     /* physical address of va (full address, not page-aligned) */
    int prot;           /* PAGE_READ | PAGE_WRITE | PAGE_EXEC allowed for this privilege */
    uint64_t page_size; /* size of the mapping: granule or block size (4K when MMU off) */
    uint8_t attr;       /* MAIR attribute byte of the mapping (0 = Device-nGnRnE, MMU off) */
    uint8_t sh;         /* SH[1:0] of the final descriptor */
    bool global;        /* nG == 0 */
    uint16_t asid;      /* ASID of the TTBR used (TCR.A1 picks TTBR0 or TTBR1; TCR.AS 8/16) */
} ARMMMUResult;

/* Reads the 64-bit little-endian descriptor at physical address pa; false if nothing (RAM)
 * is there. */
typedef bool (*ARMPhysRead64)(void *opaque, uint64_t pa, uint64_t *val);

/*
 * Translates va for an access of kind `access` at privilege `el0` (true for EL0 accesses and
 * LDTR/STTR at EL1), with PSTATE.PAN `pan` (only affects privileged data accesses).
 * On success fills *res (prot says every access this privilege may make to the page, so it can
 * be cached in a TLB) and returns true. When the access itself is not allowed, or the walk
 * fails, fills *fault and returns false; res is then undefined.
 * MMU off (SCTLR.M = 0): flat mapping, RWX, Device attributes; an address above pa_bits gives
 * an address size fault at level 0.
 */
bool arm_mmu_translate(const ARMMMURegime *r, uint64_t va, ARMMMUAccess access, bool el0,
                       bool pan, ARMPhysRead64 read, void *opaque, ARMMMUResult *res,
                       ARMMMUFault *fault);

/* log2 of the translation granule of the TTBR0 (hi = false) or TTBR1 (hi = true) half, from
 * TCR.TG0/TG1; reserved encodings and an unsupported 16K act as 4 KiB. */
unsigned arm_mmu_granule_bits(const ARMMMURegime *r, bool hi);

/* The fault status code (DFSC/IFSC, ESR_ELx ISS[5:0]) of a fault, ARM ARM D17.2.40. */
uint32_t arm_mmu_fault_status(const ARMMMUFault *fault);

#endif
