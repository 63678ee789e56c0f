/*
 * io-pending.c — the per-vCPU slot for operations completed by another thread (see
 * io-pending.h and DESIGN.md rule 5).
 *
 * Waking: the completer stores the result, then sets done, then kicks the vCPU (cpu_kick
 * signals CPUState.cond under CPUState.lock); the vCPU checks done under that lock before it
 * sleeps, so the wake-up is never lost. Any other kick (pause, work, interrupt, exit) also
 * ends the wait: the vCPU leaves generated code with the slot kept and comes back to the same
 * instruction, which finds the slot.
 */
#include "cpu-exec/io-pending.h"

#include <glib.h>
#include <stdatomic.h>

#include "cpu-exec/sync.h"
#include "cpu-exec/vcpu.h"

struct IOPending {
    atomic_int refs;
    _Atomic bool done;
    uint64_t value; /* written by the completer before done */
    CPUState *cpu;  /* whom to wake */
};

/* The slot, kept in CPUState through an opaque pointer so cpu.h does not grow a type. */
typedef struct IOSlot {
    IOPending *p;
    int kind;
    uint64_t key;
    uint64_t generation; /* CPUState.reset_generation when the operation started */
} IOSlot;

IOPending *io_pending_ref(IOPending *p)
{
    atomic_fetch_add(&p->refs, 1);
    return p;
}

void io_pending_unref(IOPending *p)
{
    if (atomic_fetch_sub(&p->refs, 1) == 1) {
        g_free(p);
    }
}

void io_pending_complete(IOPending *p, uint64_t value)
{
    CPUState *cpu = p->cpu;
    p->value = value;
    atomic_store_explicit(&p->done, true, memory_order_release);
    cpu_kick(cpu);
    io_pending_unref(p);
}

static IOSlot *cpu_io_slot(CPUState *cpu)
{
    if (!cpu->io_slot) {
        cpu->io_slot = g_new0(IOSlot, 1);
    }
    return cpu->io_slot;
}

static void cpu_io_slot_clear(IOSlot *slot)
{
    if (slot->p) {
        io_pending_unref(slot->p);
    }
    *slot = (IOSlot){0};
}

bool cpu_io_pending(CPUState *cpu)
{
    return cpu->io_slot && ((IOSlot *)cpu->io_slot)->p;
}

bool cpu_io_waiting(CPUState *cpu)
{
    IOSlot *slot = cpu->io_slot;
    return slot && slot->p && !atomic_load_explicit(&slot->p->done, memory_order_acquire);
}

void cpu_io_reset(CPUState *cpu)
{
    cpu->reset_generation++;
    if (cpu->io_slot) {
        cpu_io_slot_clear(cpu->io_slot);
    }
}

uint64_t cpu_io_wait(CPUState *cpu, int kind, uint64_t key, IOPendingStartFn start,
                     void *opaque)
{
    IOSlot *slot = cpu_io_slot(cpu);
    uint64_t value;
    if (slot->p && (slot->kind != kind || slot->key != key ||
                    slot->generation != cpu->reset_generation)) {
        cpu_io_slot_clear(slot); /* not this instruction's operation: abandon it */
    }
    if (!slot->p) {
        IOPending *p = g_new0(IOPending, 1);
        atomic_init(&p->refs, 1); /* the slot's reference */
        p->cpu = cpu;
        if (start(opaque, p, &value)) {
            io_pending_unref(p);
            return value;
        }
        *slot = (IOSlot){.p = p, .kind = kind, .key = key, .generation = cpu->reset_generation};
    }

    IOPending *p = slot->p;
    if (vcpu_single_thread() && !atomic_load_explicit(&p->done, memory_order_acquire)) {
        /* One thread runs every vCPU: waiting here would stop the one that may complete the
         * operation. Leave with the slot kept; the vCPU counts as idle until the completer's
         * kick (cpu_io_waiting), then retries the instruction. */
        atomic_store(&cpu->exit_request, 1);
        cpu_loop_exit(cpu);
    }
    sync_mutex_lock(&cpu->lock);
    while (!atomic_load_explicit(&p->done, memory_order_acquire) &&
           !atomic_load(&cpu->exit_request)) {
        sync_cond_wait(&cpu->cond, &cpu->lock);
    }
    sync_mutex_unlock(&cpu->lock);
    if (!atomic_load_explicit(&p->done, memory_order_acquire)) {
        cpu_loop_exit(cpu); /* asked to leave: retry the instruction later, slot kept */
    }
    value = p->value;
    cpu_io_slot_clear(slot);
    return value;
}
