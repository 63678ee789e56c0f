/*
 * disas.c — capstone disassembly for -d in_asm / out_asm and for error messages.
 *
 * Any thread may call. Opening a capstone handle is costly, so each thread keeps one handle
 * per (arch, mode) it has used, in thread-local storage closed when the thread exits; handles
 * are never shared between threads (capstone handles are not thread-safe).
 */
#include "system/disas.h"

#include <capstone/capstone.h>
#include <glib.h>
#include <inttypes.h>
#include <string.h>

typedef struct DisasHandle {
    int arch, mode;
    csh handle;
    bool ok;
} DisasHandle;

static void disas_handles_free(gpointer p)
{
    GArray *arr = p;
    for (guint i = 0; i < arr->len; i++) {
        DisasHandle *h = &g_array_index(arr, DisasHandle, i);
        if (h->ok) {
            cs_close(&h->handle);
        }
    }
    g_array_free(arr, TRUE);
}

static GPrivate disas_tls = G_PRIVATE_INIT(disas_handles_free);

/* The calling thread's handle for arch/mode, or NULL if capstone does not support it. */
static csh *disas_get_handle(int cs_arch, int cs_mode)
{
    GArray *arr = g_private_get(&disas_tls);
    if (!arr) {
        arr = g_array_new(FALSE, TRUE, sizeof(DisasHandle));
        g_private_set(&disas_tls, arr);
    }
    for (guint i = 0; i < arr->len; i++) {
        DisasHandle *h = &g_array_index(arr, DisasHandle, i);
        if (h->arch == cs_arch && h->mode == cs_mode) {
            return h->ok ? &h->handle : NULL;
        }
    }
    DisasHandle nh = {.arch = cs_arch, .mode = cs_mode};
    nh.ok = cs_open((enum cs_arch)cs_arch, (enum cs_mode)cs_mode, &nh.handle) == CS_ERR_OK;
    g_array_append_val(arr, nh);
    DisasHandle *h = &g_array_index(arr, DisasHandle, arr->len - 1);
    return h->ok ? &h->handle : NULL;
}

void disas_one(char *buf, size_t buflen, int cs_arch, int cs_mode, const void *code, size_t size,
               uint64_t addr)
{
    csh *h = disas_get_handle(cs_arch, cs_mode);
    cs_insn *insn = NULL;
    size_t n = h ? cs_disasm(*h, code, size, addr, 1, &insn) : 0;
    if (n == 0) {
        snprintf(buf, buflen, "(bad)");
        return;
    }
    if (insn[0].op_str[0]) {
        snprintf(buf, buflen, "%s %s", insn[0].mnemonic, insn[0].op_str);
    } else {
        snprintf(buf, buflen, "%s", insn[0].mnemonic);
    }
    cs_free(insn, n);
}

void disas_block(FILE *out, int cs_arch, int cs_mode, const void *code, size_t size, uint64_t addr)
{
    csh *h = disas_get_handle(cs_arch, cs_mode);
    const uint8_t *p = code;
    size_t left = size;
    uint64_t pc = addr;
    /* Disassemble in a loop so an undecodable instruction does not hide the rest. */
    while (left > 0) {
        cs_insn *insn = NULL;
        size_t n = h ? cs_disasm(*h, p, left, pc, 0, &insn) : 0;
        size_t used = 0;
        for (size_t i = 0; i < n; i++) {
            fprintf(out, "0x%016" PRIx64 ":  %s %s\n", insn[i].address, insn[i].mnemonic,
                    insn[i].op_str);
            used += insn[i].size;
        }
        if (n) {
            cs_free(insn, n);
        }
        p += used;
        left -= used;
        pc += used;
        if (left > 0) {
            /* Skip one unit: 4 bytes for fixed-width ISAs, 1 byte for x86. */
            size_t skip = (cs_arch == CS_ARCH_X86) ? 1 : MIN((size_t)4, left);
            fprintf(out, "0x%016" PRIx64 ":  (bad)\n", pc);
            p += skip;
            left -= skip;
            pc += skip;
        }
    }
}
