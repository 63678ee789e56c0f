/*
 * loader.h — parsing guest images: ELF64 AArch64 executables and Linux arm64 Image files
 * (Documentation/arch/arm64/booting.rst), and reading whole files with clear error messages.
 * Parsers are pure (no guest memory) so they can be tested on buffers; boards place the
 * results with machine_rom_add(). Main thread only.
 */
#ifndef TANDEM_SYSTEM_LOADER_H
#define TANDEM_SYSTEM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 64

typedef struct ElfSegment {
    uint64_t paddr;  /* guest physical load address (p_paddr) */
    uint64_t offset; /* in the file */
    uint64_t filesz, memsz;
} ElfSegment;

typedef struct ElfImage {
    uint64_t entry;
    int nb_segments;
    ElfSegment segments[ELF_MAX_SEGMENTS];
} ElfImage;

typedef struct Arm64ImageHeader {
    uint64_t text_offset;
    uint64_t image_size; /* 0: kernel older than 3.17, text_offset is then 0x80000 */
    uint64_t flags;
} Arm64ImageHeader;

typedef enum LoaderKind { LOADER_KIND_UNKNOWN, LOADER_KIND_ELF, LOADER_KIND_ARM64_IMAGE } LoaderKind;

/* Reads a whole file; on error prints "<what> '<path>': <reason>" and returns NULL. */
uint8_t *loader_read_file(const char *what, const char *path, size_t *len);

/* Like loader_read_file, but a gzip-compressed file (magic 1f 8b) is returned decompressed,
 * as QEMU's -kernel does. */
uint8_t *loader_read_kernel(const char *what, const char *path, size_t *len);
LoaderKind loader_probe(const uint8_t *data, size_t len);

/* Validates an ELF64 little-endian EM_AARCH64 executable held in data and lists its PT_LOAD
 * segments. On failure returns false and sets *err to a message (caller frees) saying what is
 * wrong, e.g. "x86-64 ELF given to an AArch64 machine". */
bool loader_elf_parse(const uint8_t *data, size_t len, ElfImage *img, char **err);

/* Parses the 64-byte arm64 Image header; false with *err if absent or unusable. */
bool loader_arm64_image_parse(const uint8_t *data, size_t len, Arm64ImageHeader *hdr, char **err);
/* Offset from the 2 MiB aligned RAM base where the Image goes (text_offset, or 2 MiB when the
 * text_offset would put it over the start of RAM that holds the boot area). */
uint64_t loader_arm64_image_load_offset(const Arm64ImageHeader *hdr);
/* Bytes of RAM the kernel occupies from its load address (image_size covers its bss). */
uint64_t loader_arm64_image_footprint(const Arm64ImageHeader *hdr, size_t file_len);

#endif
