/*
 * chardev.h — character back-ends (stdio, file, null) that serial devices talk to.
 * Output is written synchronously by the caller (device lock held). Input is read by a
 * back-end thread that calls the frontend's receive callback with the device lock taken.
 */
#ifndef TANDEM_HW_CORE_CHARDEV_H
#define TANDEM_HW_CORE_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Chardev Chardev;

/* Frontend side: how many bytes it can take now, and delivery of them. */
typedef struct ChardevFrontend {
    int (*can_receive)(void *opaque);
    void (*receive)(void *opaque, const uint8_t *buf, int len);
    void *opaque;
} ChardevFrontend;

/* spec: "stdio", "null", "file:PATH". Returns NULL with a message on error. */
Chardev *chardev_new(const char *spec);
/* For a user of stdio that is not a chardev (the monitor): false if a chardev already has it.
 * Main thread, start-up. */
bool chardev_claim_stdio(void);
void chardev_write(Chardev *chr, const uint8_t *buf, size_t len);
void chardev_set_frontend(Chardev *chr, const ChardevFrontend *fe);
/* Stops and joins the input threads; only on the orderly shutdown path, once no vCPU runs
 * (an input thread may be waiting for the device lock). */
void chardev_join_input_threads(void);
/* Restores the terminal (stdio in raw mode) at exit. */
void chardev_cleanup_all(void);

#endif
