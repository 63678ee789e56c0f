/*
 * loader.c — reads image files and parses ELF64 AArch64 executables and Linux arm64 Image
 * headers. Nothing here touches guest memory: boards turn the parsed result into ROM blobs.
 *
 * Every rejection names what is wrong in words a user can act on (wrong architecture, 32-bit,
 * truncated, no loadable segment) rather than a field value; callers prefix the file name.
 * Main thread only (start-up).
 */
#include "system/loader.h"

#include <elf.h>
#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/stat.h>

#include "system/log.h"

#define ARM64_IMAGE_MAGIC 0x644d5241u /* "ARM\x64" at offset 0x38 */
#define ARM64_IMAGE_HEADER_SIZE 64

uint8_t *loader_read_file(const char *what, const char *path, size_t *len)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        error_report("%s '%s': %s", what, path, g_strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        error_report("%s '%s': is a directory, not a file", what, path);
        return NULL;
    }
    gchar *contents = NULL;
    gsize size = 0;
    GError *gerr = NULL;
    if (!g_file_get_contents(path, &contents, &size, &gerr)) {
        error_report("%s '%s': %s", what, path, gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    *len = size;
    return (uint8_t *)contents;
}

/* Kernels are often shipped gzip-compressed (Debian's arm64 vmlinuz is a gzipped Image);
 * QEMU's -kernel accepts them, so Tandem does too. At most this many bytes come out. */
#define KERNEL_GUNZIP_MAX (1ull << 30)

static uint8_t *loader_gunzip(const char *what, const char *path, const uint8_t *in,
                              size_t in_len, size_t *out_len)
{
    GZlibDecompressor *dec = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
    GByteArray *out = g_byte_array_new();
    uint8_t chunk[1 << 16];
    size_t in_pos = 0;
    GError *gerr = NULL;
    for (;;) {
        gsize read = 0, written = 0;
        GConverterResult r = g_converter_convert(G_CONVERTER(dec), in + in_pos, in_len - in_pos,
                                                 chunk, sizeof(chunk), G_CONVERTER_INPUT_AT_END,
                                                 &read, &written, &gerr);
        if (r == G_CONVERTER_ERROR) {
            error_report("%s '%s': gzip data is corrupt: %s", what, path, gerr->message);
            g_error_free(gerr);
            g_object_unref(dec);
            g_byte_array_free(out, TRUE);
            return NULL;
        }
        in_pos += read;
        g_byte_array_append(out, chunk, (guint)written);
        if (out->len > KERNEL_GUNZIP_MAX) {
            error_report("%s '%s': decompresses to more than 1 GiB", what, path);
            g_object_unref(dec);
            g_byte_array_free(out, TRUE);
            return NULL;
        }
        if (r == G_CONVERTER_FINISHED) {
            break;
        }
    }
    g_object_unref(dec);
    *out_len = out->len;
    return g_byte_array_free(out, FALSE);
}

uint8_t *loader_read_kernel(const char *what, const char *path, size_t *len)
{
    uint8_t *data = loader_read_file(what, path, len);
    if (data && *len >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
        size_t out_len = 0;
        uint8_t *out = loader_gunzip(what, path, data, *len, &out_len);
        g_free(data);
        *len = out_len;
        return out;
    }
    return data;
}

LoaderKind loader_probe(const uint8_t *data, size_t len)
{
    if (len >= SELFMAG && memcmp(data, ELFMAG, SELFMAG) == 0) {
        return LOADER_KIND_ELF;
    }
    if (len >= ARM64_IMAGE_HEADER_SIZE) {
        uint32_t magic;
        memcpy(&magic, data + 0x38, 4);
        if (magic == ARM64_IMAGE_MAGIC) {
            return LOADER_KIND_ARM64_IMAGE;
        }
    }
    return LOADER_KIND_UNKNOWN;
}

/* ---- ELF ---- */

static const char *elf_machine_name(unsigned m)
{
    switch (m) {
    case EM_386: return "i386";
    case EM_X86_64: return "x86-64";
    case EM_ARM: return "ARM (AArch32)";
    case EM_MIPS: return "MIPS";
    case EM_PPC: return "PowerPC";
    case EM_PPC64: return "PowerPC64";
    case EM_S390: return "s390";
    case EM_RISCV: return "RISC-V";
    case EM_SPARCV9: return "SPARC64";
    default: return NULL;
    }
}

bool loader_elf_parse(const uint8_t *data, size_t len, ElfImage *img, char **err)
{
    memset(img, 0, sizeof(*img));
    if (len < SELFMAG || memcmp(data, ELFMAG, SELFMAG) != 0) {
        *err = g_strdup("not an ELF file");
        return false;
    }
    if (len < EI_NIDENT) {
        *err = g_strdup("truncated ELF file (identification incomplete)");
        return false;
    }
    if (data[EI_CLASS] == ELFCLASS32) {
        unsigned m = len >= sizeof(Elf32_Ehdr) ? ((const Elf32_Ehdr *)(const void *)data)->e_machine : 0;
        const char *name = elf_machine_name(m);
        *err = g_strdup_printf("32-bit %s%sELF given to an AArch64 machine (a 64-bit ELF is "
                               "needed)", name ? name : "", name ? " " : "");
        return false;
    }
    if (data[EI_CLASS] != ELFCLASS64) {
        *err = g_strdup("invalid ELF class");
        return false;
    }
    if (data[EI_DATA] != ELFDATA2LSB) {
        *err = g_strdup("big-endian ELF given to a little-endian AArch64 machine");
        return false;
    }
    if (len < sizeof(Elf64_Ehdr)) {
        *err = g_strdup("truncated ELF file (header incomplete)");
        return false;
    }
    Elf64_Ehdr eh;
    memcpy(&eh, data, sizeof(eh));
    if (eh.e_machine != EM_AARCH64) {
        const char *name = elf_machine_name(eh.e_machine);
        if (name) {
            *err = g_strdup_printf("%s ELF given to an AArch64 machine", name);
        } else {
            *err = g_strdup_printf("ELF for machine type %u given to an AArch64 machine",
                                   eh.e_machine);
        }
        return false;
    }
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
        *err = g_strdup(eh.e_type == ET_REL ? "relocatable object (.o), not a linked executable"
                                            : "ELF file is not an executable");
        return false;
    }
    if (eh.e_phnum == 0) {
        *err = g_strdup("ELF file has no program headers");
        return false;
    }
    if (eh.e_phentsize != sizeof(Elf64_Phdr)) {
        *err = g_strdup_printf("unexpected ELF program header size %u", eh.e_phentsize);
        return false;
    }
    if (eh.e_phoff > len || (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > len - eh.e_phoff) {
        *err = g_strdup("truncated ELF file (program headers past the end of the file)");
        return false;
    }
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, data + eh.e_phoff + i * sizeof(Elf64_Phdr), sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) {
            continue;
        }
        if (ph.p_filesz > ph.p_memsz) {
            *err = g_strdup_printf("ELF segment %u is larger in the file than in memory", i);
            return false;
        }
        if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset) {
            *err = g_strdup_printf("truncated ELF file (segment %u extends past the end of the "
                                   "file)", i);
            return false;
        }
        if (ph.p_paddr + ph.p_memsz < ph.p_paddr) {
            *err = g_strdup_printf("ELF segment %u wraps around the address space", i);
            return false;
        }
        if (img->nb_segments == ELF_MAX_SEGMENTS) {
            *err = g_strdup_printf("ELF file has more than %d loadable segments",
                                   ELF_MAX_SEGMENTS);
            return false;
        }
        ElfSegment *s = &img->segments[img->nb_segments++];
        s->paddr = ph.p_paddr;
        s->offset = ph.p_offset;
        s->filesz = ph.p_filesz;
        s->memsz = ph.p_memsz;
    }
    if (img->nb_segments == 0) {
        *err = g_strdup("ELF file has no loadable segment");
        return false;
    }
    img->entry = eh.e_entry;
    return true;
}

/* ---- Linux arm64 Image ---- */

bool loader_arm64_image_parse(const uint8_t *data, size_t len, Arm64ImageHeader *hdr, char **err)
{
    if (loader_probe(data, len) != LOADER_KIND_ARM64_IMAGE) {
        *err = g_strdup("not a Linux arm64 Image (no \"ARM\\x64\" magic at offset 0x38)");
        return false;
    }
    /* booting.rst header: code0, code1, text_offset, image_size, flags, res2..4, magic, res5 */
    memcpy(&hdr->text_offset, data + 0x08, 8);
    memcpy(&hdr->image_size, data + 0x10, 8);
    memcpy(&hdr->flags, data + 0x18, 8);
    if (hdr->image_size == 0) {
        /* Kernels before 3.17 leave these fields zero; text_offset was then fixed. */
        hdr->text_offset = 0x80000;
        hdr->flags = 0;
    }
    if (hdr->flags & 1) {
        *err = g_strdup("big-endian arm64 Image given to a little-endian machine");
        return false;
    }
    if (hdr->text_offset & 0xfff) {
        *err = g_strdup_printf("arm64 Image text_offset 0x%" PRIx64 " is not page aligned",
                               hdr->text_offset);
        return false;
    }
    return true;
}

uint64_t loader_arm64_image_load_offset(const Arm64ImageHeader *hdr)
{
    /* The first page of RAM is where a boot stub or the DTB lives; a zero text_offset (allowed
     * by booting.rst: "anywhere 2 MiB aligned") moves the kernel to the next 2 MiB boundary,
     * which is also where QEMU's virt board puts it. */
    return hdr->text_offset < 0x1000 ? 0x200000 : hdr->text_offset;
}

uint64_t loader_arm64_image_footprint(const Arm64ImageHeader *hdr, size_t file_len)
{
    return MAX(hdr->image_size, (uint64_t)file_len);
}
