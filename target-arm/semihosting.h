/*
 * semihosting.h — Arm semihosting (Semihosting for AArch32 and AArch64, version 2) as the
 * host debugger Tandem plays for HLT #0xF000 when -semihosting is given: console output, the
 * clock, heap info and exiting with a status. Runs on the calling vCPU's own thread.
 */
#ifndef TANDEM_TARGET_ARM_SEMIHOSTING_H
#define TANDEM_TARGET_ARM_SEMIHOSTING_H

#include "target-arm/cpu.h"

/* Operation numbers (semihosting spec, chapter 5). */
enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITEC = 0x03,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_READC = 0x07,
    SYS_ISERROR = 0x08,
    SYS_ISTTY = 0x09,
    SYS_SEEK = 0x0A,
    SYS_FLEN = 0x0C,
    SYS_CLOCK = 0x10,
    SYS_TIME = 0x11,
    SYS_ERRNO = 0x13,
    SYS_GET_CMDLINE = 0x15,
    SYS_HEAPINFO = 0x16,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    SYS_ELAPSED = 0x30,
    SYS_TICKFREQ = 0x31,
};

/* SYS_EXIT reason meaning a normal program exit; the subcode is then the exit status. */
#define ADP_Stopped_ApplicationExit 0x20026

/* The instruction that makes a semihosting call on AArch64: HLT #0xF000. */
#define SEMIHOSTING_A64_HLT_IMM 0xF000

/*
 * Performs the call: operation in w0, parameter (register or block address) in x1, result in
 * x0. Guest memory is read and written with mmu_idx; env->pc must hold the HLT's address (a
 * fault in a parameter block is reported there). SYS_EXIT and SYS_EXIT_EXTENDED request a
 * shutdown with the guest's status and do not return. Owner vCPU thread only.
 */
void semihosting_call(CPUARMState *env, int mmu_idx);

#endif
