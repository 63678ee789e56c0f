/*
 * reset-control.h — the PC reset control register at I/O port 0xCF9 (Intel PIIX4/ICH "RST_CNT",
 * the FADT RESET_REG): bit 1 selects a system (hard) reset, bit 2 performs the reset on a write
 * that sets it, so writing 0x06 or 0x0E resets the machine through runstate_request_reset
 * (with -no-reboot that is a shutdown with status 0). Bit 2 reads back 0.
 * The board maps s->io (1 port) at 0xcf9; accesses run with the device lock held.
 */
#ifndef TANDEM_HW_X86_RESET_CONTROL_H
#define TANDEM_HW_X86_RESET_CONTROL_H

#include <stdint.h>

#include "hw/core/memory.h"

#define RESET_CONTROL_PORT 0xcf9
#define RST_CNT_SYS_RST (1u << 1)
#define RST_CNT_RST_CPU (1u << 2)
#define RST_CNT_FULL_RST (1u << 3)

typedef struct ResetControlState {
    MemoryRegion io;
    uint8_t value;
} ResetControlState;

void reset_control_init(ResetControlState *s);
void reset_control_reset(ResetControlState *s);

extern const MemoryRegionOps reset_control_ops;

#endif
