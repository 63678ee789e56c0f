/*
 * mmu-walk.c — VMSAv8-64 stage 1 translation of the EL1&0 regime (ARM ARM DDI 0487, D8, and
 * the AArch64.S1Translate / AArch64.CheckS1Permission pseudocode of ARMv8.0 + PAN).
 *
 * A pure function of its arguments (see mmu-walk.h): no global state, callable from any thread.
 * Fault priority follows D8 "Prioritization of Synchronous aborts": translation and walk
 * external aborts first (in walk order), then address size, access flag, permission.
 *
 * IMPLEMENTATION DEFINED / CONSTRAINED UNPREDICTABLE choices (D8.1.x, "Reserved values"):
 *  - TG0 = 0b11 / TG1 = 0b00 (reserved), and 16K when !has_16k, act as 4 KiB (mmu.c's TLBI
 *    by address uses arm_mmu_granule_bits too, so the two cannot disagree).
 *  - TxSZ outside 16..39 (ARMv8.0 has no LVA / TTST) is clamped into that range.
 *  - TCR.IPS values above the implemented PA size (and the reserved 0b110/0b111) act as the
 *    implemented size: output size = min(IPS, pa_bits).
 *  - Descriptor bits [51:48] (RES0 in ARMv8.0 without LPA) are ignored; bits [47:outsize] of an
 *    output or next-level address give an address size fault.
 *  - TTBR.BADDR bits below the start-level table's alignment are treated as zero; TTBR bit 0
 *    (CnP, ARMv8.2) is ignored.
 *  - A level 0 block (4K), a level 1 block with the 16K or 64K granule (needs 52-bit LPA) is
 *    an invalid descriptor: translation fault at that level.
 */
#include "target-arm/mmu-walk.h"

#include "cpu-exec/cpu.h"

/* ---- TCR_EL1 fields (D17.2.131) ---- */
#define TCR_T0SZ_SHIFT 0
#define TCR_EPD0 (1ull << 7)
#define TCR_TG0_SHIFT 14
#define TCR_T1SZ_SHIFT 16
#define TCR_A1 (1ull << 22)
#define TCR_EPD1 (1ull << 23)
#define TCR_TG1_SHIFT 30
#define TCR_IPS_SHIFT 32
#define TCR_AS (1ull << 36)
#define TCR_TBI0 (1ull << 37)
#define TCR_TBI1 (1ull << 38)

#define SCTLR_M (1ull << 0)
#define SCTLR_WXN (1ull << 19)

/* ---- Descriptor fields (D8.3, VMSAv8-64 translation table format descriptors) ---- */
#define DESC_ATTRINDX_SHIFT 2
#define DESC_AP1 (1ull << 6) /* AP[1]: EL0 access */
#define DESC_AP2 (1ull << 7) /* AP[2]: read-only */
#define DESC_SH_SHIFT 8
#define DESC_AF (1ull << 10)
#define DESC_NG (1ull << 11)
#define DESC_PXN (1ull << 53)
#define DESC_UXN (1ull << 54)
#define DESC_PXNTABLE (1ull << 59)
#define DESC_UXNTABLE (1ull << 60)
#define DESC_APTABLE0 (1ull << 61) /* no EL0 access at later levels */
#define DESC_APTABLE1 (1ull << 62) /* no write access at later levels */
#define ADDR_MASK_48 0x0000ffffffffffffull

/* The half of the address space being walked, decoded from TCR and the TTBR. */
typedef struct WalkParams {
    uint64_t ttbr;
    unsigned va_bits;   /* 64 - TxSZ (clamped) */
    unsigned gran_bits; /* 12, 14 or 16 */
    unsigned out_bits;  /* min(IPS, pa_bits) */
    bool tbi, epd, hi;
} WalkParams;

static bool mmu_fail(ARMMMUFault *fault, ARMFaultType type, int level) {
    *fault = (ARMMMUFault){type, level};
    return false;
}

/* TG0 (00 4K, 01 64K, 10 16K) and TG1 (01 16K, 10 4K, 11 64K) to log2(granule). */
unsigned arm_mmu_granule_bits(const ARMMMURegime *r, bool hi) {
    unsigned tg = hi ? (r->tcr >> TCR_TG1_SHIFT) & 3 : (r->tcr >> TCR_TG0_SHIFT) & 3;
    bool is16 = hi ? tg == 1 : tg == 2;
    bool is64 = hi ? tg == 3 : tg == 1;
    if (is64) {
        return 16;
    }
    if (is16 && r->has_16k) {
        return 14;
    }
    return 12;
}

/* TCR.IPS (D17.2.131): 32, 36, 40, 42, 44, 48 bits; capped to the implemented PA size. */
static unsigned mmu_out_bits(const ARMMMURegime *r) {
    static const unsigned ips_bits[8] = {32, 36, 40, 42, 44, 48, 48, 48};
    unsigned bits = ips_bits[(r->tcr >> TCR_IPS_SHIFT) & 7];
    unsigned pa = r->pa_bits > 48 ? 48 : r->pa_bits;
    return bits < pa ? bits : pa;
}

static void mmu_walk_params(const ARMMMURegime *r, bool hi, WalkParams *p) {
    unsigned txsz = hi ? (r->tcr >> TCR_T1SZ_SHIFT) & 63 : (r->tcr >> TCR_T0SZ_SHIFT) & 63;
    if (txsz < 16) {
        txsz = 16;
    } else if (txsz > 39) {
        txsz = 39;
    }
    *p = (WalkParams){
        .ttbr = hi ? r->ttbr1 : r->ttbr0,
        .va_bits = 64 - txsz,
        .gran_bits = arm_mmu_granule_bits(r, hi),
        .out_bits = mmu_out_bits(r),
        .tbi = (r->tcr & (hi ? TCR_TBI1 : TCR_TBI0)) != 0,
        .epd = (r->tcr & (hi ? TCR_EPD1 : TCR_EPD0)) != 0,
        .hi = hi,
    };
}

/* Is va inside the range of its TTBR: bits [top:va_bits] all 0 (TTBR0) or all 1 (TTBR1), where
 * top is 55 with TBI, else 63 (AArch64.S1Translate, AddrTop). */
static bool mmu_va_in_range(const WalkParams *p, uint64_t va) {
    unsigned top = p->tbi ? 55 : 63;
    uint64_t field = (va >> p->va_bits) & ((2ull << (top - p->va_bits)) - 1);
    uint64_t ones = (2ull << (top - p->va_bits)) - 1;
    return p->hi ? field == ones : field == 0;
}

/* ---- Permissions (AArch64.CheckS1Permission, D8.4) ---- */

/* Accumulated hierarchical table attributes plus the leaf's. */
typedef struct LeafPerms {
    bool ap_ro;  /* AP[2] | APTable[1] */
    bool ap_el0; /* AP[1] & !APTable[0] */
    bool uxn;    /* UXN | UXNTable */
    bool pxn;    /* PXN | PXNTable */
} LeafPerms;

/* PAGE_* allowed for this privilege. */
static int mmu_compute_prot(const ARMMMURegime *r, const LeafPerms *lp, bool el0, bool pan) {
    bool wxn = (r->sctlr & SCTLR_WXN) != 0;
    bool priv_r = true, priv_w = !lp->ap_ro;
    bool user_r = lp->ap_el0, user_w = lp->ap_el0 && !lp->ap_ro;
    /* Writable at EL0 implies PXN; WXN makes writable-at-this-EL imply XN. */
    bool user_xn = lp->uxn || (user_w && wxn);
    bool priv_xn = lp->pxn || (priv_w && wxn) || user_w;
    int prot = 0;
    if (el0) {
        prot |= user_r ? PAGE_READ : 0;
        prot |= user_w ? PAGE_WRITE : 0;
        prot |= user_xn ? 0 : PAGE_EXEC;
        return prot;
    }
    /* PAN (ARMv8.1, D8.4.2): privileged data accesses to EL0-accessible memory fault;
     * instruction fetches are not affected. */
    if (pan && lp->ap_el0) {
        priv_r = priv_w = false;
    }
    prot |= priv_r ? PAGE_READ : 0;
    prot |= priv_w ? PAGE_WRITE : 0;
    prot |= priv_xn ? 0 : PAGE_EXEC;
    return prot;
}

static bool mmu_access_allowed(int prot, ARMMMUAccess access) {
    switch (access) {
    case ARM_MMU_LOAD: return prot & PAGE_READ;
    case ARM_MMU_STORE: return prot & PAGE_WRITE;
    case ARM_MMU_FETCH: return prot & PAGE_EXEC;
    }
    return false;
}

/* ---- The walk ---- */

static bool mmu_translate_off(const ARMMMURegime *r, uint64_t va, ARMMMUResult *res,
                              ARMMMUFault *fault) {
    if (r->pa_bits < 64 && (va >> r->pa_bits)) {
        return mmu_fail(fault, ARM_FAULT_ADDRESS_SIZE, 0);
    }
    *res = (ARMMMUResult){
        .paddr = va, .prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC, .page_size = 4096, .global = true};
    return true;
}

bool arm_mmu_translate(const ARMMMURegime *r, uint64_t va, ARMMMUAccess access, bool el0, bool pan,
                       ARMPhysRead64 read, void *opaque, ARMMMUResult *res, ARMMMUFault *fault) {
    if (!(r->sctlr & SCTLR_M)) {
        return mmu_translate_off(r, va, res, fault);
    }
    /* The TTBR is chosen by VA[55] when TBI applies and by VA[63] otherwise; both TBI bits
     * are looked at through the selected half's parameters, so pick by bit 55 and let the
     * range check reject an address whose bits 63 and 55 disagree without TBI. */
    WalkParams p;
    mmu_walk_params(r, (va >> 55) & 1, &p);
    if (p.epd || !mmu_va_in_range(&p, va)) {
        return mmu_fail(fault, ARM_FAULT_TRANSLATION, 0);
    }

    unsigned gb = p.gran_bits, stride = gb - 3;
    /* Levels needed to resolve va_bits - gb bits, stride bits per level, ending at level 3. */
    const int start_level = 4 - (int)((p.va_bits - gb + stride - 1) / stride);
    int level = start_level;
    /* Bits the start level resolves (fewer than stride when va_bits is not a multiple). */
    unsigned start_bits = p.va_bits - (gb + stride * (unsigned)(3 - level));
    uint64_t table = p.ttbr & ADDR_MASK_48 & ~((8ull << start_bits) - 1);
    if (table >> p.out_bits) {
        /* ARMv8.0 AArch64.TranslationTableWalk: TTBR base beyond the output size. */
        return mmu_fail(fault, ARM_FAULT_ADDRESS_SIZE, 0);
    }

    LeafPerms lp = {0};
    bool el0_denied = false; /* APTable[0] seen */
    uint64_t desc;
    for (;;) {
        unsigned shift = gb + stride * (unsigned)(3 - level);
        unsigned bits = level == start_level ? start_bits : stride;
        uint64_t index = (va >> shift) & ((1ull << bits) - 1);
        if (!read(opaque, table + index * 8, &desc)) {
            return mmu_fail(fault, ARM_FAULT_SYNC_EXTERNAL_WALK, level);
        }
        if (!(desc & 1)) {
            return mmu_fail(fault, ARM_FAULT_TRANSLATION, level);
        }
        bool is_table_or_page = (desc & 2) != 0;
        if (level == 3) {
            if (!is_table_or_page) { /* 0b01 at level 3 is reserved */
                return mmu_fail(fault, ARM_FAULT_TRANSLATION, level);
            }
            break;
        }
        if (!is_table_or_page) {
            /* Block: level 1 with 4K, level 2 with every granule (D8.3.1). */
            if (level == 0 || (level == 1 && gb != 12)) {
                return mmu_fail(fault, ARM_FAULT_TRANSLATION, level);
            }
            break;
        }
        uint64_t next = desc & ADDR_MASK_48 & ~((1ull << gb) - 1);
        if (next >> p.out_bits) {
            return mmu_fail(fault, ARM_FAULT_ADDRESS_SIZE, level);
        }
        lp.ap_ro |= (desc & DESC_APTABLE1) != 0;
        el0_denied |= (desc & DESC_APTABLE0) != 0;
        lp.uxn |= (desc & DESC_UXNTABLE) != 0;
        lp.pxn |= (desc & DESC_PXNTABLE) != 0;
        table = next;
        level++;
    }

    unsigned map_bits = gb + stride * (unsigned)(3 - level);
    uint64_t oa = desc & ADDR_MASK_48 & ~((1ull << map_bits) - 1);
    if (oa >> p.out_bits) {
        return mmu_fail(fault, ARM_FAULT_ADDRESS_SIZE, level);
    }
    if (!(desc & DESC_AF)) {
        /* ARMv8.0 has no hardware access flag management: software must set AF. */
        return mmu_fail(fault, ARM_FAULT_ACCESS_FLAG, level);
    }
    lp.ap_ro |= (desc & DESC_AP2) != 0;
    lp.ap_el0 = (desc & DESC_AP1) && !el0_denied;
    lp.uxn |= (desc & DESC_UXN) != 0;
    lp.pxn |= (desc & DESC_PXN) != 0;
    int prot = mmu_compute_prot(r, &lp, el0, pan);
    if (!mmu_access_allowed(prot, access)) {
        return mmu_fail(fault, ARM_FAULT_PERMISSION, level);
    }

    uint64_t asid_ttbr = (r->tcr & TCR_A1) ? r->ttbr1 : r->ttbr0;
    uint16_t asid = (uint16_t)(asid_ttbr >> 48);
    if (!(r->tcr & TCR_AS)) {
        asid &= 0xff;
    }
    unsigned attrindx = (desc >> DESC_ATTRINDX_SHIFT) & 7;
    *res = (ARMMMUResult){
        .paddr = oa | (va & ((1ull << map_bits) - 1)),
        .prot = prot,
        .page_size = 1ull << map_bits,
        .attr = (uint8_t)(r->mair >> (8 * attrindx)),
        .sh = (desc >> DESC_SH_SHIFT) & 3,
        .global = !(desc & DESC_NG),
        .asid = asid,
    };
    return true;
}

/* D17.2.40 (ESR_ELx ISS encoding for Data/Instruction Aborts): DFSC/IFSC. */
uint32_t arm_mmu_fault_status(const ARMMMUFault *fault) {
    switch (fault->type) {
    case ARM_FAULT_ADDRESS_SIZE: return (uint32_t)(fault->level & 3);
    case ARM_FAULT_TRANSLATION: return 0x04 | (uint32_t)(fault->level & 3);
    case ARM_FAULT_ACCESS_FLAG: return 0x08 | (uint32_t)(fault->level & 3);
    case ARM_FAULT_PERMISSION: return 0x0c | (uint32_t)(fault->level & 3);
    case ARM_FAULT_SYNC_EXTERNAL_WALK: return 0x14 | (uint32_t)(fault->level & 3);
    case ARM_FAULT_NONE: break;
    }
    return 0;
}
