/*
 * loader-multiboot.c — Multiboot 0.6.96 kernels. The guest memory layout matches what QEMU's
 * multiboot loader produces, so kernels tested there find the same addresses:
 *   kernel:   ELF PT_LOAD segments at p_paddr, or the a.out kludge range at load_addr;
 *   info:     at the first page boundary after the kernel: the module list (16 bytes each),
 *             then the module command lines, the kernel command line ("<path> <append>"),
 *             the boot loader name; the whole area rounded up to a page;
 *   modules:  after that, each at a page boundary (header flag bit 0 is always honoured);
 *   mmap:     0x9000 (24-byte entries, size field 20), MBI at 0x9500, boot GDT at 0x9600.
 * Every rejection is one message naming the file; nothing here trusts a field of the image.
 * Main thread only (board init).
 */
#include "system/loader-multiboot.h"

#include <elf.h>
#include <glib.h>
#include <inttypes.h>
#include <string.h>

#include "system/loader-x86-internal.h"
#include "system/loader.h"
#include "system/log.h"

#define MB_PAGE 0x1000ull
#define MB_MOD_SIZE 16 /* mod_start, mod_end, string, reserved */
#define MB_LOADER_NAME "tandem"

typedef struct MultibootImage {
    uint64_t entry;
    int nb_segments;
    ElfSegment segments[ELF_MAX_SEGMENTS];
} MultibootImage;

static uint32_t mb_ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void mb_st32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static uint64_t mb_page_align(uint64_t v) { return (v + MB_PAGE - 1) & ~(MB_PAGE - 1); }

MultibootFind multiboot_find_header(const uint8_t *data, size_t len, MultibootHeader *hdr)
{
    MultibootFind res = MULTIBOOT_ABSENT;
    size_t limit = MIN(len, (size_t)MULTIBOOT_SEARCH);
    for (size_t off = 0; off + 12 <= limit; off += 4) {
        if (mb_ld32(data + off) != MULTIBOOT_HEADER_MAGIC) {
            continue;
        }
        uint32_t flags = mb_ld32(data + off + 4);
        if ((uint32_t)(MULTIBOOT_HEADER_MAGIC + flags + mb_ld32(data + off + 8)) != 0) {
            res = MULTIBOOT_BAD_CHECKSUM; /* keep looking: the bytes may be data */
            continue;
        }
        memset(hdr, 0, sizeof(*hdr));
        hdr->offset = (uint32_t)off;
        hdr->flags = flags;
        if (flags & MULTIBOOT_AOUT_KLUDGE) {
            if (len - off < 32) {
                return MULTIBOOT_ABSENT; /* truncated header: reported as missing fields */
            }
            hdr->header_addr = mb_ld32(data + off + 12);
            hdr->load_addr = mb_ld32(data + off + 16);
            hdr->load_end_addr = mb_ld32(data + off + 20);
            hdr->bss_end_addr = mb_ld32(data + off + 24);
            hdr->entry_addr = mb_ld32(data + off + 28);
        }
        return MULTIBOOT_FOUND;
    }
    return res;
}

/* ---- the kernel image ---- */

/* The a.out kludge (section 3.1.3): the file from the header back to load_addr is loaded at
 * load_addr; load_end_addr 0 = to the end of the file, bss_end_addr 0 = no bss. */
static bool mb_parse_kludge(const MultibootHeader *h, size_t len, MultibootImage *img,
                            char **err)
{
    if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > h->offset) {
        *err = g_strdup_printf("multiboot header_addr 0x%x and load_addr 0x%x put the load "
                               "start before the beginning of the file",
                               h->header_addr, h->load_addr);
        return false;
    }
    uint64_t file_off = h->offset - (h->header_addr - h->load_addr);
    uint64_t filesz = len - file_off;
    if (h->load_end_addr) {
        if (h->load_end_addr < h->load_addr) {
            *err = g_strdup_printf("multiboot load_end_addr 0x%x is below load_addr 0x%x",
                                   h->load_end_addr, h->load_addr);
            return false;
        }
        filesz = h->load_end_addr - h->load_addr;
        if (filesz > len - file_off) {
            *err = g_strdup_printf("truncated multiboot image (load_end_addr 0x%x needs 0x%" PRIx64
                                   " bytes from offset 0x%" PRIx64 ", the file has 0x%zx)",
                                   h->load_end_addr, filesz, file_off, len);
            return false;
        }
    }
    uint64_t memsz = filesz;
    if (h->bss_end_addr) {
        if (h->bss_end_addr < h->load_addr + filesz) {
            *err = g_strdup_printf("multiboot bss_end_addr 0x%x is below the end of the loaded "
                                   "image 0x%" PRIx64, h->bss_end_addr, h->load_addr + filesz);
            return false;
        }
        memsz = h->bss_end_addr - h->load_addr;
    }
    if ((uint64_t)h->load_addr + memsz > (1ull << 32)) {
        *err = g_strdup("multiboot image extends past 4 GiB");
        return false;
    }
    img->nb_segments = 1;
    img->segments[0] = (ElfSegment){ .paddr = h->load_addr, .offset = file_off,
                                     .filesz = filesz, .memsz = memsz };
    img->entry = h->entry_addr;
    return true;
}

/* One program header, whatever the ELF class. */
typedef struct MbPhdr {
    uint32_t type;
    uint64_t offset, vaddr, paddr, filesz, memsz;
} MbPhdr;

static void mb_read_phdr(const uint8_t *p, bool is64, MbPhdr *ph)
{
    if (is64) {
        Elf64_Phdr e;
        memcpy(&e, p, sizeof(e));
        *ph = (MbPhdr){ e.p_type, e.p_offset, e.p_vaddr, e.p_paddr, e.p_filesz, e.p_memsz };
    } else {
        Elf32_Phdr e;
        memcpy(&e, p, sizeof(e));
        *ph = (MbPhdr){ e.p_type, e.p_offset, e.p_vaddr, e.p_paddr, e.p_filesz, e.p_memsz };
    }
}

/* ELF32 i386 (what QEMU accepts) or ELF64 x86-64 (Tandem only). Segments go to p_paddr. */
static bool mb_parse_elf(const uint8_t *data, size_t len, MultibootImage *img, char **err)
{
    if (len < EI_NIDENT || (data[EI_CLASS] != ELFCLASS32 && data[EI_CLASS] != ELFCLASS64)) {
        *err = g_strdup("invalid ELF identification");
        return false;
    }
    bool is64 = data[EI_CLASS] == ELFCLASS64;
    if (data[EI_DATA] != ELFDATA2LSB) {
        *err = g_strdup("big-endian ELF given to an x86 machine");
        return false;
    }
    size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    size_t phsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    if (len < ehsize) {
        *err = g_strdup("truncated ELF file (header incomplete)");
        return false;
    }
    uint16_t machine, type, phentsize, phnum;
    uint64_t entry, phoff;
    if (is64) {
        Elf64_Ehdr eh;
        memcpy(&eh, data, sizeof(eh));
        machine = eh.e_machine, type = eh.e_type, phentsize = eh.e_phentsize;
        phnum = eh.e_phnum, entry = eh.e_entry, phoff = eh.e_phoff;
    } else {
        Elf32_Ehdr eh;
        memcpy(&eh, data, sizeof(eh));
        machine = eh.e_machine, type = eh.e_type, phentsize = eh.e_phentsize;
        phnum = eh.e_phnum, entry = eh.e_entry, phoff = eh.e_phoff;
    }
    if (machine != (is64 ? EM_X86_64 : EM_386)) {
        *err = g_strdup_printf("%s ELF for machine type %u, not %s", is64 ? "64-bit" : "32-bit",
                               machine, is64 ? "x86-64" : "i386");
        return false;
    }
    if (type != ET_EXEC) {
        *err = g_strdup("ELF file is not an executable");
        return false;
    }
    if (phnum == 0 || phentsize != phsize) {
        *err = g_strdup("ELF file has no usable program headers");
        return false;
    }
    if (phoff > len || (uint64_t)phnum * phsize > len - phoff) {
        *err = g_strdup("truncated ELF file (program headers past the end of the file)");
        return false;
    }
    img->nb_segments = 0;
    bool entry_in_paddr = false;
    uint64_t entry_from_vaddr = 0;
    bool entry_in_vaddr = false;
    for (unsigned i = 0; i < phnum; i++) {
        MbPhdr ph;
        mb_read_phdr(data + phoff + (uint64_t)i * phsize, is64, &ph);
        if (ph.type != PT_LOAD || ph.memsz == 0) {
            continue;
        }
        if (ph.filesz > ph.memsz) {
            *err = g_strdup_printf("ELF segment %u is larger in the file than in memory", i);
            return false;
        }
        if (ph.offset > len || ph.filesz > len - ph.offset) {
            *err = g_strdup_printf("truncated ELF file (segment %u extends past the end of the "
                                   "file)", i);
            return false;
        }
        if (ph.paddr + ph.memsz < ph.paddr) {
            *err = g_strdup_printf("ELF segment %u wraps around the address space", i);
            return false;
        }
        if (img->nb_segments == ELF_MAX_SEGMENTS) {
            *err = g_strdup_printf("ELF file has more than %d loadable segments",
                                   ELF_MAX_SEGMENTS);
            return false;
        }
        img->segments[img->nb_segments++] = (ElfSegment){ .paddr = ph.paddr, .offset = ph.offset,
                                                          .filesz = ph.filesz,
                                                          .memsz = ph.memsz };
        if (entry >= ph.paddr && entry - ph.paddr < ph.memsz) {
            entry_in_paddr = true;
        }
        if (!entry_in_vaddr && entry >= ph.vaddr && entry - ph.vaddr < ph.memsz) {
            entry_in_vaddr = true;
            entry_from_vaddr = ph.paddr + (entry - ph.vaddr);
        }
    }
    if (img->nb_segments == 0) {
        *err = g_strdup("ELF file has no loadable segment");
        return false;
    }
    /* The CPU starts with paging off, so the entry must be physical. A higher-half kernel
     * whose e_entry is a virtual address inside a segment enters at the matching physical
     * address (the segment's p_paddr + the offset), as GRUB does. */
    img->entry = entry_in_paddr || !entry_in_vaddr ? entry : entry_from_vaddr;
    return true;
}

/* ---- modules, command lines and the MBI ---- */

typedef struct MbModule {
    char *spec;  /* "file args": the module's command line */
    char *file;  /* up to the first space */
    uint8_t *data;
    size_t len;
} MbModule;

/* Splits the -initrd value at commas; ",," stands for one literal comma (QEMU's option value
 * syntax, which its multiboot loader uses for this list). */
static GPtrArray *mb_split_modules(const char *list)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);
    for (const char *p = list;; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(cur, ',');
            p++;
        } else if (*p == ',' || *p == '\0') {
            g_ptr_array_add(out, g_string_free(cur, FALSE));
            if (*p == '\0') {
                break;
            }
            cur = g_string_new(NULL);
        } else {
            g_string_append_c(cur, *p);
        }
    }
    return out;
}

static void mb_free_modules(MbModule *mods, int n)
{
    for (int i = 0; i < n; i++) {
        g_free(mods[i].spec);
        g_free(mods[i].file);
        g_free(mods[i].data);
    }
    g_free(mods);
}

static MbModule *mb_read_modules(const char *initrd, int *count)
{
    *count = 0;
    if (!initrd) {
        return NULL;
    }
    GPtrArray *specs = mb_split_modules(initrd);
    MbModule *mods = g_new0(MbModule, specs->len);
    for (guint i = 0; i < specs->len; i++) {
        MbModule *mod = &mods[i];
        const char *spec = g_ptr_array_index(specs, i);
        const char *space = strchr(spec, ' ');
        mod->spec = g_strdup(spec);
        mod->file = space ? g_strndup(spec, (gsize)(space - spec)) : g_strdup(spec);
        *count = (int)i + 1;
        if (mod->file[0] == '\0') {
            error_report("-initrd '%s': module %u has no file name", initrd, i + 1);
            break;
        }
        mod->data = loader_read_file("-initrd module", mod->file, &mod->len);
        if (!mod->data) {
            break;
        }
        if (i + 1 == specs->len) {
            g_ptr_array_free(specs, TRUE);
            return mods;
        }
    }
    g_ptr_array_free(specs, TRUE);
    mb_free_modules(mods, *count);
    *count = -1;
    return NULL;
}

/* The memory map in the MBI's format (section 3.3): each entry is size (20, not counting
 * itself), base_addr, length, type. */
static bool mb_add_mmap(Machine *m, const char *path, const X86BootMemory *mem, uint8_t *mbi)
{
    if (mem->nb_e820 > (int)MULTIBOOT_MMAP_MAX) {
        error_report("-kernel '%s': %d e820 entries do not fit the multiboot memory map "
                     "(at most %u)", path, mem->nb_e820, (unsigned)MULTIBOOT_MMAP_MAX);
        return false;
    }
    uint8_t buf[MULTIBOOT_MMAP_MAX * 24];
    for (int i = 0; i < mem->nb_e820; i++) {
        uint8_t *e = buf + i * 24;
        mb_st32(e, 20);
        memcpy(e + 4, &mem->e820[i].addr, 8);
        memcpy(e + 12, &mem->e820[i].len, 8);
        mb_st32(e + 20, mem->e820[i].type);
    }
    uint32_t mmap_len = (uint32_t)mem->nb_e820 * 24;
    mb_st32(mbi + 44, mmap_len);
    mb_st32(mbi + 48, MULTIBOOT_MMAP_ADDR);
    return machine_rom_add(m, "multiboot memory map", MULTIBOOT_MMAP_ADDR, buf, mmap_len,
                           mmap_len);
}

/* Places the info area (module list + strings) at info_addr and the modules after it; fills
 * the MBI's cmdline, mods and boot loader name fields. */
static bool mb_add_info(Machine *m, const char *path, const char *append, MbModule *mods,
                        int nmods, uint64_t info_addr, uint8_t *mbi)
{
    GByteArray *info = g_byte_array_new();
    g_byte_array_set_size(info, (guint)nmods * MB_MOD_SIZE);
    memset(info->data, 0, info->len);
    char *kcmdline = g_strdup_printf("%s %s", path, append ? append : "");
    uint64_t strings_len = strlen(kcmdline) + 1 + strlen(MB_LOADER_NAME) + 1;
    for (int i = 0; i < nmods; i++) {
        strings_len += strlen(mods[i].spec) + 1;
    }
    uint64_t mod_addr = mb_page_align(info_addr + info->len + strings_len);
    bool ok = true;
    for (int i = 0; i < nmods && ok; i++) {
        uint32_t string_addr = (uint32_t)(info_addr + info->len);
        g_byte_array_append(info, (const guint8 *)mods[i].spec, (guint)strlen(mods[i].spec) + 1);
        uint8_t *e = info->data + i * MB_MOD_SIZE; /* after the append: it may move the data */
        mb_st32(e + 8, string_addr);
        if (mod_addr + mods[i].len > (1ull << 32)) {
            error_report("-initrd module '%s': does not fit below 4 GiB", mods[i].file);
            ok = false;
            break;
        }
        mb_st32(e, (uint32_t)mod_addr);
        mb_st32(e + 4, (uint32_t)(mod_addr + mods[i].len));
        char *name = g_strdup_printf("-initrd module '%s'", mods[i].file);
        ok = machine_rom_add(m, name, mod_addr, mods[i].data, mods[i].len,
                             mb_page_align(mods[i].len));
        g_free(name);
        mod_addr = mb_page_align(mod_addr + mods[i].len);
    }
    mb_st32(mbi + 16, (uint32_t)(info_addr + info->len));
    g_byte_array_append(info, (const guint8 *)kcmdline, (guint)strlen(kcmdline) + 1);
    mb_st32(mbi + 64, (uint32_t)(info_addr + info->len));
    g_byte_array_append(info, (const guint8 *)MB_LOADER_NAME, sizeof(MB_LOADER_NAME));
    mb_st32(mbi + 20, (uint32_t)nmods);
    mb_st32(mbi + 24, (uint32_t)info_addr);
    g_free(kcmdline);
    if (ok) {
        ok = machine_rom_add(m, "multiboot module list and command lines", info_addr,
                             info->data, info->len, mb_page_align(info->len));
    }
    g_byte_array_free(info, TRUE);
    return ok;
}

/* ---- the whole load ---- */

bool multiboot_load(Machine *m, const char *path, const uint8_t *data, size_t len,
                    const char *append, const char *initrd, const X86BootMemory *mem,
                    X86BootState *st)
{
    MultibootHeader h;
    switch (multiboot_find_header(data, len, &h)) {
    case MULTIBOOT_FOUND:
        break;
    case MULTIBOOT_BAD_CHECKSUM:
        error_report("-kernel '%s': multiboot header has a bad checksum", path);
        return false;
    case MULTIBOOT_ABSENT:
        error_report("-kernel '%s': no multiboot header in the first 8 KiB", path);
        return false;
    }
    if (h.flags & MULTIBOOT_VIDEO_MODE) {
        /* As QEMU: the kernel asked for a graphics mode; there is no VBE here, boot anyway
         * (the MBI does not claim one: flags bits 11 and 12 stay clear). */
        error_report("-kernel '%s': warning: multiboot video mode request ignored", path);
    }
    MultibootImage *img = g_new0(MultibootImage, 1);
    char *err = NULL;
    bool ok;
    if (h.flags & MULTIBOOT_AOUT_KLUDGE) {
        ok = mb_parse_kludge(&h, len, img, &err);
    } else if (len >= SELFMAG && memcmp(data, ELFMAG, SELFMAG) == 0) {
        ok = mb_parse_elf(data, len, img, &err);
    } else {
        err = g_strdup("multiboot image is neither ELF nor has the a.out kludge addresses "
                       "(header flag bit 16)");
        ok = false;
    }
    if (ok && img->entry >= (1ull << 32)) {
        err = g_strdup_printf("entry point 0x%" PRIx64 " is above 4 GiB (multiboot starts the "
                              "CPU in 32-bit mode)", img->entry);
        ok = false;
    }
    if (!ok) {
        error_report("-kernel '%s': %s", path, err);
        g_free(err);
        g_free(img);
        return false;
    }
    uint64_t kernel_end = 0;
    for (int i = 0; i < img->nb_segments && ok; i++) {
        const ElfSegment *s = &img->segments[i];
        char *name = g_strdup_printf("-kernel '%s' segment %d", path, i);
        ok = machine_rom_add(m, name, s->paddr, data + s->offset, s->filesz, s->memsz);
        g_free(name);
        kernel_end = MAX(kernel_end, s->paddr + s->memsz);
    }
    int nmods = 0;
    MbModule *mods = NULL;
    if (ok) {
        mods = mb_read_modules(initrd, &nmods);
        ok = nmods >= 0;
    }
    uint8_t mbi[MULTIBOOT_MBI_SIZE] = { 0 };
    if (ok) {
        ok = mb_add_info(m, path, append, mods, nmods, mb_page_align(kernel_end), mbi) &&
             mb_add_mmap(m, path, mem, mbi);
    }
    if (nmods > 0) {
        mb_free_modules(mods, nmods);
    }
    if (ok) {
        /* Section 3.3: mem_lower is the RAM from 0 (at most 640 KiB), mem_upper the RAM from
         * 1 MiB up to the first hole, both in KiB. Boot device 0x8000ffff: BIOS drive 0x80,
         * no partition, as QEMU reports. */
        mb_st32(mbi + 0, MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_BOOTDEV | MULTIBOOT_INFO_CMDLINE |
                             MULTIBOOT_INFO_MODS | MULTIBOOT_INFO_MEM_MAP |
                             MULTIBOOT_INFO_LOADER_NAME);
        mb_st32(mbi + 4, (uint32_t)MIN(x86_e820_ram_from(mem, 0) >> 10, 640));
        mb_st32(mbi + 8, (uint32_t)MIN(x86_e820_ram_from(mem, 0x100000) >> 10, UINT32_MAX));
        mb_st32(mbi + 12, 0x8000ffff);
        ok = machine_rom_add(m, "multiboot information", MULTIBOOT_MBI_ADDR, mbi, sizeof(mbi),
                             sizeof(mbi)) &&
             x86_boot_state_init(m, "multiboot", MULTIBOOT_GDT_ADDR, X86_BOOT_FLAT32, st);
    }
    if (ok) {
        st->rip = img->entry;
        st->regs[X86_BOOT_RAX] = MULTIBOOT_BOOTLOADER_MAGIC;
        st->regs[X86_BOOT_RBX] = MULTIBOOT_MBI_ADDR;
    }
    g_free(img);
    return ok;
}
