/*
 * irq.h — interrupt lines between devices and interrupt controllers / CPUs.
 * An IRQLine is a handler plus opaque and line number; raising it calls the handler on the
 * calling thread (the caller holds the device lock).
 */
#ifndef TANDEM_HW_CORE_IRQ_H
#define TANDEM_HW_CORE_IRQ_H

typedef void (*IRQHandler)(void *opaque, int n, int level);

typedef struct IRQLine {
    IRQHandler handler;
    void *opaque;
    int n;
} IRQLine;

static inline void irq_set_level(const IRQLine *irq, int level)
{
    if (irq && irq->handler) {
        irq->handler(irq->opaque, irq->n, level);
    }
}

#endif
