/*
 * debug-exit.h — QEMU's isa-debug-exit device (`-device isa-debug-exit,iobase=0xf4,iosize=0x4`):
 * a guest write of value v to any of its ports ends Tandem with exit status (v << 1) | 1, so a
 * test can never exit 0 through it. The exit goes through runstate_request_shutdown (the path
 * semihosting SYS_EXIT takes), never exit(): the main loop stops the vCPUs and exits.
 * The board maps s->io at s->iobase in its "io" space; writes run with the device lock held.
 */
#ifndef TANDEM_HW_MISC_DEBUG_EXIT_H
#define TANDEM_HW_MISC_DEBUG_EXIT_H

#include <stdint.h>

#include "hw/core/memory.h"

#define DEBUG_EXIT_DEFAULT_IOBASE 0xf4
#define DEBUG_EXIT_DEFAULT_IOSIZE 0x4

typedef struct DebugExitState {
    MemoryRegion io;
    uint16_t iobase, iosize;
} DebugExitState;

/* iosize 1..8 ports (the access sizes accepted); returns -EINVAL for a bad size or a range
 * past port 0xffff (the caller reports the -device option). Main thread. */
int debug_exit_init(DebugExitState *s, uint32_t iobase, uint32_t iosize);
/* The exit status a write of value asks for. */
int debug_exit_status(uint64_t value);

extern const MemoryRegionOps debug_exit_ops;

#endif
