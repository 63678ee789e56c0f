/*
 * vclock.h — the guest's virtual clock and the timers that run on it.
 *
 * DESIGN.md "Time": every guest clock (ARM CNTPCT/CNTVCT, timer devices) derives from this one
 * clock: nanoseconds of the host's CLOCK_MONOTONIC since the process started, minus the time
 * the machine spent paused. It never goes backwards and stands still while paused.
 *
 * Timers: a VTimer calls cb(opaque) on the one timer thread, with the device lock held, once the
 * virtual clock reaches its deadline. vtimer_mod/del/pending may be called from any thread, with
 * or without the device lock held, and from a timer callback.
 * Lock order: device lock -> timer list lock. The timer thread never holds the list lock while
 * it takes the device lock, and no callback runs with the list lock held.
 * Guarantee: a caller holding the device lock that deletes or re-arms a timer is sure the old
 * deadline's callback will not run afterwards (the timer thread re-checks under both locks).
 */
#ifndef TANDEM_HW_CORE_VCLOCK_H
#define TANDEM_HW_CORE_VCLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* A deadline no timer reaches (an unarmed timer). */
#define VCLOCK_NEVER INT64_MAX

typedef struct VTimer VTimer;
typedef void (*VTimerCallback)(void *opaque);

/* Virtual nanoseconds. Lock-free, any thread; monotonic across threads. */
int64_t vclock_get_ns(void);

/* Stop and restart the virtual clock (main loop, around pausing the machine). Timers do not
 * fire while paused. Nested calls are not counted: pause while paused is a no-op. */
void vclock_pause(void);
void vclock_resume(void);
bool vclock_is_paused(void);

/* Starts the timer thread (main thread, once, before vCPUs run); timers may be created and
 * armed before it. vclock_shutdown stops and joins it; the caller must not hold the device
 * lock (the thread may be waiting for it to run a callback). Both may be called again after
 * each other (unit tests). */
void vclock_init(void);
void vclock_shutdown(void);

/*
 * Instruction-driven mode (DESIGN.md "Time", deterministic single-thread mode): before
 * vclock_init, main makes the clock read insns() + a skip offset, in ns (1 ns per guest
 * instruction); vclock_init then starts no timer thread and the caller of vclock_run_timers
 * (the round-robin vCPU thread, between quanta, no device lock held) fires the due timers.
 * vclock_warp_to_next moves the clock to the earliest deadline (false: no timer armed).
 * vclock_next_deadline: earliest armed deadline, VCLOCK_NEVER if none or paused.
 */
void vclock_set_insn_source(int64_t (*insns)(void));
bool vclock_insn_mode(void);
int64_t vclock_next_deadline(void);
void vclock_run_timers(void);
bool vclock_warp_to_next(void);

/* Creates an unarmed timer. */
VTimer *vtimer_new(VTimerCallback cb, void *opaque);
/* Arms the timer for deadline_ns on the virtual clock (a deadline in the past fires as soon as
 * possible); replaces an earlier deadline. VCLOCK_NEVER disarms. */
void vtimer_mod_ns(VTimer *t, int64_t deadline_ns);
/* Disarms the timer. */
void vtimer_del(VTimer *t);
/* Armed and its callback not yet started. */
bool vtimer_pending(VTimer *t);
/* The armed deadline, or VCLOCK_NEVER. */
int64_t vtimer_deadline_ns(VTimer *t);
/* Disarms and frees the timer. Call it with the device lock held (or with the timer thread
 * stopped), so that its callback cannot be running. */
void vtimer_free(VTimer *t);

#endif
