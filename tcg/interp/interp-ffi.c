/*
 * interp-ffi.c — helper calls for the interpreter through libffi.
 *
 * interp_ffi_prepare_all() runs once from Backend.init, after every helper is registered and
 * before any vCPU thread exists: it builds one ffi_cif per helper and caches it in
 * IRHelper.ffi_cif (the cif and its type array live for the whole process). Afterwards the
 * cifs are only read, so interp_ffi_call() may run on any vCPU thread without locks.
 * A helper may leave through cpu_loop_exit() (siglongjmp): nothing here holds state across the
 * call, so abandoning ffi_call() frames is harmless.
 */
#include <ffi.h>
#include <glib.h>

#include "tcg/interp/interp.h"

static ffi_type *ffi_type_of(IRArgType t) {
    switch (t) {
    case IR_ARG_VOID: return &ffi_type_void;
    case IR_ARG_I32: return &ffi_type_uint32;
    case IR_ARG_I64: return &ffi_type_uint64;
    case IR_ARG_PTR: return &ffi_type_pointer;
    }
    return NULL;
}

typedef struct InterpCif {
    ffi_cif cif;
    ffi_type *args[IR_HELPER_MAX_ARGS];
} InterpCif;

bool interp_ffi_prepare_all(void) {
    int n = ir_helper_count();
    for (int i = 0; i < n; i++) {
        IRHelper *h = ir_helper_get_mut(i);
        if (h->ffi_cif) {
            continue;
        }
        InterpCif *c = g_new0(InterpCif, 1);
        ffi_type *ret = ffi_type_of(h->ret);
        bool ok = ret != NULL && h->nargs <= IR_HELPER_MAX_ARGS;
        for (int k = 0; ok && k < h->nargs; k++) {
            c->args[k] = ffi_type_of(h->args[k]);
            ok = c->args[k] != NULL && h->args[k] != IR_ARG_VOID;
        }
        if (!ok || ffi_prep_cif(&c->cif, FFI_DEFAULT_ABI, h->nargs, ret, c->args) != FFI_OK) {
            fprintf(stderr, "tandem: interp: cannot prepare a libffi call for helper %s\n",
                    h->name ? h->name : "(unnamed)");
            g_free(c);
            return false;
        }
        h->ffi_cif = c;
    }
    return true;
}

uint64_t interp_ffi_call(const IRHelper *h, const uint64_t *args) {
    /* libffi reads each argument through a pointer to an object of the argument's own type. */
    uint64_t v64[IR_HELPER_MAX_ARGS];
    uint32_t v32[IR_HELPER_MAX_ARGS];
    void *ptrs[IR_HELPER_MAX_ARGS];
    void *avalue[IR_HELPER_MAX_ARGS];
    for (int k = 0; k < h->nargs; k++) {
        switch (h->args[k]) {
        case IR_ARG_I32:
            v32[k] = (uint32_t)args[k];
            avalue[k] = &v32[k];
            break;
        case IR_ARG_PTR:
            ptrs[k] = (void *)(uintptr_t)args[k];
            avalue[k] = &ptrs[k];
            break;
        default:
            v64[k] = args[k];
            avalue[k] = &v64[k];
            break;
        }
    }
    /* Integer results narrower than a register come back widened to ffi_arg. */
    ffi_arg ret = 0;
    ffi_call(&((InterpCif *)h->ffi_cif)->cif, FFI_FN(h->fn), &ret, avalue);
    switch (h->ret) {
    case IR_ARG_VOID: return 0;
    case IR_ARG_I32: return (uint32_t)ret;
    default: return (uint64_t)ret;
    }
}
