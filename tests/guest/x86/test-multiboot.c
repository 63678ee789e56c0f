/*
 * test-multiboot.c — the multiboot v1 information (multiboot spec 0.6.96 section 3.3) as the
 * loader gives it with test-multiboot.args (-m 128, -append): flags, mem_lower/mem_upper,
 * a memory map whose entries are sane (size >= 20, types 1-5, the RAM at 1 MiB available),
 * and the command line. QEMU's loader passes "<kernel path> <-append text>" as cmdline;
 * Tandem must match. Single-threaded bare metal.
 */
#include "runtime.h"

struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
};

struct mb_mmap {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
} __attribute__((packed));

static const char want_append[] = "tandem.mbtest=42,x86";
static const char want_kernel[] = "test-multiboot.elf";

int main(uint32_t magic, uint64_t mbi_addr)
{
    const struct mb_info *mbi = (const struct mb_info *)mbi_addr;
    CHECK_EQ(magic, 0x2BADB002);
    guest_printf("flags %x lower %u upper %u mmap %u bytes\n", mbi->flags, mbi->mem_lower,
                 mbi->mem_upper, mbi->mmap_length);
    /* QEMU 7.2 gives mem (0), boot_device (1), cmdline (2), mods (3, count 0), mmap (6) and
     * boot_loader_name (9) */
    CHECK_EQ(mbi->flags, 0x24f);
    CHECK_EQ(mbi->mods_count, 0);
    CHECK_EQ(mbi->mem_lower, 639);
    /* -m 128: the available e820 region from 1 MiB reaches the top of RAM (127 MiB), or 128
     * KiB less under QEMU, whose SeaBIOS keeps that for its tables; mem_upper is its size in
     * KiB (checked against the map below) */
    CHECK(mbi->mem_upper == 129920 || mbi->mem_upper == 130048);

    /* memory map: entries of size + 4 bytes each */
    uint64_t avail_at_1m = 0, n = 0;
    uint32_t off = 0;
    while (off < mbi->mmap_length) {
        const struct mb_mmap *e = (const struct mb_mmap *)(uint64_t)(mbi->mmap_addr + off);
        CHECK(e->size >= 20);
        CHECK(e->type >= 1 && e->type <= 5);
        CHECK(e->len != 0);
        guest_printf("mmap %lx +%lx type %u\n", e->addr, e->len, e->type);
        if (e->type == 1 && e->addr <= 0x100000 && e->addr + e->len > 0x100000) {
            avail_at_1m = e->addr + e->len;
        }
        off += e->size + 4;
        n++;
    }
    CHECK_EQ(off, mbi->mmap_length);
    CHECK(n >= 2);
    /* the available region at 1 MiB reaches mem_upper (it may stop short of the top by
     * firmware-reserved pages, never go beyond RAM) */
    CHECK(avail_at_1m > 0x100000 + 100 * 1024 * 1024 && avail_at_1m <= 128ull << 20);
    CHECK_EQ(mbi->mem_upper, (avail_at_1m - 0x100000) / 1024);

    const char *cmd = (const char *)(uint64_t)mbi->cmdline;
    guest_printf("cmdline '%s'\n", cmd);
    size_t len = strlen(cmd), la = sizeof(want_append) - 1, lk = sizeof(want_kernel) - 1;
    CHECK(len > la + 1 + lk);
    if (len > la + 1 + lk) {
        CHECK_EQ(strcmp(cmd + len - la, want_append), 0);
        CHECK_EQ(cmd[len - la - 1], ' ');
        CHECK_EQ(memcmp(cmd + len - la - 1 - lk, want_kernel, lk), 0);
    }
    return guest_report();
}
