/*
 * cpu-apic.h — the glue between an X86CPU and its local APIC (hw/intc/apic.h): the
 * APICCpuLink that turns APIC requests into the CPU's interrupt_request bits, and the
 * X86APICHooks (target-x86/misc-helper.h) through which RDMSR/WRMSR and MOV CR8 reach the
 * device. The device knows nothing of the CPU and misc-helper.c nothing of the device; a board
 * that gives its CPUs APICs calls x86_cpu_apic_create for each (main thread, board init).
 */
#ifndef TANDEM_TARGET_X86_CPU_APIC_H
#define TANDEM_TARGET_X86_CPU_APIC_H

#include "hw/intc/apic.h"
#include "target-x86/cpu.h"

/* Creates cpu's local APIC on bus (CPU index = APIC bus index, APIC ID = cpu->apic_id) in
 * the power-on state, stores it in cpu->apic and installs the APIC hooks (x86_apic_hooks).
 * Main thread, before the vCPUs start. */
X86LocalAPIC *x86_cpu_apic_create(X86CPU *cpu, APICBus *bus);

#endif
