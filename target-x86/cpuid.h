/*
 * cpuid.h — the CPUID instruction (Intel SDM vol. 2A, CPUID; AMD APM vol. 3, appendix E) and the
 * feature bits other helpers test (CR4 and EFER reserved-bit checks, RDTSCP, x2APIC).
 * x86_cpuid_query is a pure function of the CPU model, its APIC ID, the machine's CPU count and
 * two dynamic bits (CR4.OSXSAVE, IA32_APIC_BASE.EN): any thread may call it for a CPU whose
 * state it may read; helper_cpuid runs on the owner vCPU thread.
 * Topology: every CPU of the machine is a core of one package, one thread per core, APIC IDs
 * 0..n-1 (what QEMU 7.2's -smp n gives on -M pc).
 */
#ifndef TANDEM_TARGET_X86_CPUID_H
#define TANDEM_TARGET_X86_CPUID_H

#include <stdbool.h>
#include <stdint.h>

#include "target-x86/cpu.h"

/* ---- leaf 1 EDX ---- */
#define CPUID_FPU (1u << 0)
#define CPUID_VME (1u << 1)
#define CPUID_DE (1u << 2)
#define CPUID_PSE (1u << 3)
#define CPUID_TSC (1u << 4)
#define CPUID_MSR (1u << 5)
#define CPUID_PAE (1u << 6)
#define CPUID_MCE (1u << 7)
#define CPUID_CX8 (1u << 8)
#define CPUID_APIC (1u << 9)
#define CPUID_SEP (1u << 11)
#define CPUID_MTRR (1u << 12)
#define CPUID_PGE (1u << 13)
#define CPUID_MCA (1u << 14)
#define CPUID_CMOV (1u << 15)
#define CPUID_PAT (1u << 16)
#define CPUID_PSE36 (1u << 17)
#define CPUID_CLFLUSH (1u << 19)
#define CPUID_MMX (1u << 23)
#define CPUID_FXSR (1u << 24)
#define CPUID_SSE (1u << 25)
#define CPUID_SSE2 (1u << 26)
#define CPUID_HTT (1u << 28)
/* ---- leaf 1 ECX ---- */
#define CPUID_EXT_SSE3 (1u << 0)
#define CPUID_EXT_SSSE3 (1u << 9)
#define CPUID_EXT_CX16 (1u << 13)
#define CPUID_EXT_PCID (1u << 17)
#define CPUID_EXT_SSE41 (1u << 19)
#define CPUID_EXT_SSE42 (1u << 20)
#define CPUID_EXT_X2APIC (1u << 21)
#define CPUID_EXT_POPCNT (1u << 23)
#define CPUID_EXT_TSC_DEADLINE (1u << 24)
#define CPUID_EXT_XSAVE (1u << 26)
#define CPUID_EXT_OSXSAVE (1u << 27)
/* ---- leaf 7 subleaf 0 EBX / ECX ---- */
#define CPUID_7_EBX_FSGSBASE (1u << 0)
#define CPUID_7_EBX_SMEP (1u << 7)
#define CPUID_7_EBX_SMAP (1u << 20)
#define CPUID_7_ECX_UMIP (1u << 2)
/* ---- leaf 0x80000001 EDX / ECX ---- */
#define CPUID_EXT2_SYSCALL (1u << 11)
#define CPUID_EXT2_NX (1u << 20)
#define CPUID_EXT2_RDTSCP (1u << 27)
#define CPUID_EXT2_LM (1u << 29)
#define CPUID_EXT3_LAHF_LM (1u << 0)
#define CPUID_EXT3_CMP_LEGACY (1u << 1)
/* ---- leaf 6 EAX ---- */
#define CPUID_6_EAX_ARAT (1u << 2)

/* Address sizes reported by leaf 0x80000008 (QEMU 7.2's TCG default: 40 physical, 48 linear);
 * physical-address bits above X86_PHYS_ADDR_BITS are reserved in CR3, MTRRs, APIC_BASE. */
#define X86_PHYS_ADDR_BITS 40
#define X86_VIRT_ADDR_BITS 48

/* The CPUID answer for (leaf, subleaf) on this CPU: out = { EAX, EBX, ECX, EDX }. */
void x86_cpuid_query(X86CPU *cpu, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
/* CPUID: leaf in EAX, subleaf in ECX; writes EAX, EBX, ECX, EDX (upper halves cleared). */
void helper_cpuid(CPUX86State *env);

/* True when the model's vendor string is "GenuineIntel" (vendor-specific CPUID, SYSCALL). */
bool x86_cpu_is_intel(const X86CPU *cpu);
/* CR4 bits the model supports (SDM vol. 3A 2.5: setting any other bit raises #GP). */
uint64_t x86_cpu_cr4_valid_mask(const X86CPU *cpu);
/* EFER bits software may write (SCE / LME / LMA / NXE as the model advertises them). */
uint64_t x86_cpu_efer_valid_mask(const X86CPU *cpu);
/* CPUs in the machine (1 without a machine: unit tests). */
int x86_cpu_count(const X86CPU *cpu);

#endif
