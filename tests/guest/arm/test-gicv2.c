/*
 * test-gicv2.c — the GICv2 (IHI 0048B) of -M virt (gic-version=2, the default): distributor at
 * 0x08000000, memory-mapped CPU interface at 0x08010000; SGIs are group 0 and, with FIQEn
 * clear, signalled as IRQ. The checks are in test-gic-common.h.
 */
#include "test-gic-common.h"

#define GICC 0x08010000ul

static void gic_setup(void)
{
    REG32(GICD, 0x000) = 1; /* GICD_CTLR.EnableGrp0 */
    REG32(GICC, 0x000) = 1; /* GICC_CTLR.EnableGrp0 */
    REG32(GICC, 0x004) = 0xff;
    REG32(GICC, 0x008) = 0; /* BPR: full preemption */
    CHECK_EQ((REG32(GICC, 0x0fc) >> 16) & 0xf, 2); /* GICC_IIDR: architecture version 2 */
}

static void gic_config_sgi(int id, uint8_t prio)
{
    REG8(GICD, 0x400 + id) = prio;
    REG32(GICD, 0x100) = 1u << id;
}

static void gic_sgi_self(int id)
{
    REG32(GICD, 0xf00) = 2u << 24 | (uint32_t)id; /* TargetListFilter = requester only */
}

static uint32_t gic_iar(void) { return REG32(GICC, 0x00c); }
static uint32_t gic_hppir(void) { return REG32(GICC, 0x018); }
static void gic_eoi(uint32_t iar) { REG32(GICC, 0x010) = iar; }
static uint32_t gic_rpr(void) { return REG32(GICC, 0x014); }
static void gic_set_pmr(uint32_t v) { REG32(GICC, 0x004) = v; }
