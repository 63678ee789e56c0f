/* crt0.S — entry of every AArch64 guest test: enable FP/SIMD (CPACR_EL1.FPEN = 0b11: out of
 * reset it traps, and gcc may use SIMD registers for copies), set the stack, clear .bss, call
 * main(x0 = DTB address as given by the loader), then exit with main's return value
 * (semihosting). */
    .section .text.boot, "ax"
    .global _start
_start:
    mov x19, x0
    mov x1, #(3 << 20)
    msr cpacr_el1, x1
    isb
    ldr x1, =__stack_top
    mov sp, x1
    ldr x1, =__bss_start
    ldr x2, =__bss_end
1:  cmp x1, x2
    b.hs 2f
    str xzr, [x1], #8
    b 1b
2:  mov x0, x19
    bl main
    bl guest_exit
3:  b 3b
