// oracle-stub.S — the code the fpdiff oracle patches: loads X0-X3, V0-V3, FPCR and NZCV from
// a FPDiffState (x0), runs the one instruction in fp_stub_slot, stores everything back with
// FPSR. Lives in .data so the oracle can mprotect it RWX and patch the slot (AArch64 Linux,
// run under qemu-aarch64). Layout: x[4] @0, v[4][2] @32, fpcr @96, nzcv @104, fpsr @112.
    .data
    .balign 4096
    .global fp_stub
    .global fp_stub_slot
fp_stub:
    mov x9, x0
    ldp q0, q1, [x9, #32]
    ldp q2, q3, [x9, #64]
    ldp x0, x1, [x9]
    ldp x2, x3, [x9, #16]
    ldr x10, [x9, #96]
    msr fpcr, x10
    msr fpsr, xzr
    ldr x10, [x9, #104]
    msr nzcv, x10
fp_stub_slot:
    nop
    mrs x10, fpsr
    str x10, [x9, #112]
    mrs x10, nzcv
    str x10, [x9, #104]
    stp x0, x1, [x9]
    stp x2, x3, [x9, #16]
    stp q0, q1, [x9, #32]
    stp q2, q3, [x9, #64]
    msr fpcr, xzr
    ret
    .balign 4096
