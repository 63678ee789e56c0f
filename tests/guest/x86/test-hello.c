/*
 * test-hello.c — the smallest x86-64 guest: crt0 reached main in long mode with the multiboot
 * magic, the UART prints, printf-lite formats, and the exit device reports PASS.
 * Single-threaded bare metal.
 */
#include "runtime.h"

int main(uint32_t magic, uint64_t mbi)
{
    uart_puts("hello from x86-64\n");
    CHECK_EQ(magic, 0x2BADB002);
    CHECK(mbi != 0);
    guest_printf("printf: %d %u %x %lx %s %c %%\n", -42, 42u, 0xbeefu, 0x123456789abcul, "str", 'c');
    return guest_report();
}
