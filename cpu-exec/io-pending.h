/*
 * io-pending.h — operations a vCPU starts but another thread completes (DESIGN.md rule 5):
 * an MMIO read from a device that cannot answer at once (backed by another thread or process,
 * the blocking test device) or a hypercall served elsewhere.
 *
 * The vCPU thread waits for the result without holding the device lock. If anything asks it
 * to leave generated code meanwhile (a pause for a machine reset, work, an interrupt), it
 * leaves without retiring the instruction and keeps the operation in its slot: the retried
 * instruction picks up the completed result instead of starting the operation again. A CPU
 * reset empties the slot, so a result that arrives after the reset never reaches a register.
 *
 * Threads: IOPending is shared by the vCPU (its slot) and the completer (the device); each
 * holds a reference. io_pending_complete() may be called by any thread, once; everything
 * else here runs on the owner vCPU thread.
 */
#ifndef TANDEM_CPU_EXEC_IO_PENDING_H
#define TANDEM_CPU_EXEC_IO_PENDING_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu-exec/cpu.h"

typedef struct IOPending IOPending;

/* Kinds of deferred operation, part of the slot's key with the address or function id: a
 * port read and a memory read at the same number are different operations. */
enum { IO_PENDING_MMIO_READ = 1, IO_PENDING_HYPERCALL = 2, IO_PENDING_PORT_READ = 3 };

/* Completer side (any thread): takes a reference for as long as the operation is owed. */
IOPending *io_pending_ref(IOPending *p);
void io_pending_unref(IOPending *p);
/* Delivers the result, wakes the vCPU and drops the completer's reference. A result for an
 * operation the vCPU has abandoned (it was reset) goes nowhere. */
void io_pending_complete(IOPending *p, uint64_t value);

/*
 * Starts an operation: returns true with *value if it finished at once; false if it is now
 * owed (the function then took a reference on p and completes it later, from any thread).
 * Called on the vCPU thread, without the device lock held on return.
 */
typedef bool (*IOPendingStartFn)(void *opaque, IOPending *p, uint64_t *value);

/*
 * Owner vCPU thread, inside a helper whose guest state is precise at the instruction that
 * needs the result (the slow path or the translator stored its pc). Returns the result of
 * operation (kind, key): the one recorded in the slot by an earlier attempt of this
 * instruction, or a new one started with start(opaque, ...). If the vCPU is asked to leave
 * before the result arrives, leaves through cpu_loop_exit without retiring the instruction
 * (the caller must have made the pc point at it).
 */
uint64_t cpu_io_wait(CPUState *cpu, int kind, uint64_t key, IOPendingStartFn start,
                     void *opaque);

/* Owner thread: true while an operation waits in the slot (interrupts are not taken then:
 * the instruction that started it has not finished). */
bool cpu_io_pending(CPUState *cpu);
/* Owner thread: an operation is owed and its result has not arrived (the single-thread mode
 * treats such a vCPU as idle until the completer's kick). */
bool cpu_io_waiting(CPUState *cpu);

/* Owner thread, from the CPU's reset: forgets the slot, so a late result is dropped. */
void cpu_io_reset(CPUState *cpu);

#endif
