/*
 * dtx-features.h — CPUID feature bits a generated x86 difftest sequence may need beyond the
 * x86-64 baseline (SSE, SSE2): gen-x86.c records them per sequence in dtx_table, and both
 * harnesses skip a sequence whose features their CPU does not advertise (dtx-core.c reads
 * CPUID: leaf 1 ECX, leaf 7 EBX, leaf 80000001H ECX; SDM vol. 2 CPUID tables 3-10, 3-8).
 * Only #defines (included by host and guest C).
 */
#ifndef DTX_FEATURES_H
#define DTX_FEATURES_H

#define DTX_F_SSE3 0x01u   /* CPUID.1:ECX[0] */
#define DTX_F_SSSE3 0x02u  /* CPUID.1:ECX[9] */
#define DTX_F_SSE41 0x04u  /* CPUID.1:ECX[19] */
#define DTX_F_SSE42 0x08u  /* CPUID.1:ECX[20] */
#define DTX_F_POPCNT 0x10u /* CPUID.1:ECX[23] */
#define DTX_F_LZCNT 0x20u  /* CPUID.80000001H:ECX[5] (ABM) */
#define DTX_F_BMI1 0x40u   /* CPUID.(7,0):EBX[3] (TZCNT) */
#define DTX_F_LAHF 0x80u   /* CPUID.80000001H:ECX[0] (LAHF/SAHF in 64-bit mode) */
/* Not a CPUID bit: the SSE3 horizontal add/subtract family, present with SSE3 unless the
 * DTX_Q_NO_NAN_DAZ oracle quirk is on (QEMU 7.2 picks a different NaN operand there). */
#define DTX_F_FP_HORIZ 0x100u

#endif
