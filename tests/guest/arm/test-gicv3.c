/*
 * test-gicv3.c — the GICv3 (IHI 0069) of -M virt with gic-version=3 (see test-gicv3.args):
 * distributor at 0x08000000, CPU 0's redistributor at 0x080a0000 (SGI_base +0x10000), the
 * ICC_*_EL1 system register CPU interface; SGIs are group 1 (IRQ). Wakes the redistributor
 * through GICR_WAKER as Linux does. The checks are in test-gic-common.h.
 */
#include "test-gic-common.h"

#define GICR 0x080a0000ul
#define GICR_SGI (GICR + 0x10000ul)

#define ICC_WRITE(enc, v) __asm__ volatile("msr " enc ", %0\n isb" : : "r"((uint64_t)(v)) : "memory")
#define ICC_READ(enc)                                                                          \
    ({                                                                                         \
        uint64_t v_;                                                                           \
        __asm__ volatile("mrs %0, " enc : "=r"(v_) : : "memory");                              \
        v_;                                                                                    \
    })
/* ICC_*_EL1 encodings (op0_op1_CRn_CRm_op2), ARM ARM D19 */
#define ICC_PMR_EL1 "s3_0_c4_c6_0"
#define ICC_IAR1_EL1 "s3_0_c12_c12_0"
#define ICC_EOIR1_EL1 "s3_0_c12_c12_1"
#define ICC_HPPIR1_EL1 "s3_0_c12_c12_2"
#define ICC_BPR1_EL1 "s3_0_c12_c12_3"
#define ICC_SRE_EL1 "s3_0_c12_c12_5"
#define ICC_IGRPEN1_EL1 "s3_0_c12_c12_7"
#define ICC_RPR_EL1 "s3_0_c12_c11_3"
#define ICC_SGI1R_EL1 "s3_0_c12_c11_5"

static void gic_setup(void)
{
    uint64_t pfr0;
    __asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
    CHECK_EQ((pfr0 >> 24) & 0xf, 1); /* GIC system register interface */
    CHECK_EQ((REG32(GICD, 0xffe8) >> 4) & 0xf, 3);
    CHECK_EQ(REG32(GICR, 0x0008) & (1u << 4), 1u << 4); /* GICR_TYPER.Last: one CPU */
    REG32(GICD, 0x000) = 1u << 4 | 1u << 1;             /* ARE, EnableGrp1 */
    REG32(GICR, 0x014) &= ~(1u << 1);                   /* GICR_WAKER.ProcessorSleep = 0 */
    while (REG32(GICR, 0x014) & (1u << 2)) {            /* wait for ChildrenAsleep = 0 */
    }
    REG32(GICR_SGI, 0x080) = 0xffffffff; /* IGROUPR0: group 1 */
    ICC_WRITE(ICC_SRE_EL1, ICC_READ(ICC_SRE_EL1) | 1);
    CHECK_EQ(ICC_READ(ICC_SRE_EL1) & 1, 1);
    ICC_WRITE(ICC_PMR_EL1, 0xff);
    ICC_WRITE(ICC_BPR1_EL1, 0);
    ICC_WRITE(ICC_IGRPEN1_EL1, 1);
}

static void gic_config_sgi(int id, uint8_t prio)
{
    REG8(GICR_SGI, 0x400 + id) = prio;
    REG32(GICR_SGI, 0x100) = 1u << id;
    __asm__ volatile("dsb sy" ::: "memory");
}

static void gic_sgi_self(int id)
{
    /* Aff3.Aff2.Aff1 = 0.0.0, TargetList bit 0 (Aff0 = 0): this CPU */
    ICC_WRITE(ICC_SGI1R_EL1, (uint64_t)id << 24 | 1);
}

static uint32_t gic_iar(void) { return (uint32_t)ICC_READ(ICC_IAR1_EL1); }
static uint32_t gic_hppir(void) { return (uint32_t)ICC_READ(ICC_HPPIR1_EL1); }
static void gic_eoi(uint32_t iar) { ICC_WRITE(ICC_EOIR1_EL1, iar); }
static uint32_t gic_rpr(void) { return (uint32_t)ICC_READ(ICC_RPR_EL1); }
static void gic_set_pmr(uint32_t v) { ICC_WRITE(ICC_PMR_EL1, v); }
