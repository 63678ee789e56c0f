/*
 * decode-map1.c — the one-byte opcode map (Intel SDM vol. 2 appendix A, table A-2) with its
 * ModRM.reg groups (table A-6: groups 1, 1A, 2, 3, 4, 5, 11) and the x87 escape D8-DF (tables
 * A-7..A-22: memory forms by ModRM.reg, register forms by reg and rm). Prefix bytes (26 2E 36 3E
 * 64-67 F0 F2 F3) and 40-4F in 64-bit mode are consumed by the decoder before the table lookup,
 * so their slots are never reached as opcodes (in 16/32-bit mode 40-4F are INC/DEC). Const data.
 */
#include "target-x86/decode-tables.h"

/* ALU rows 00-05 .. 38-3D: Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev  AL,Ib  rAX,Iz (SDM table A-2). */
#define ALU6(m, lk)                                                                               \
    X86_I(m, ALU, MR, NONE, FM | FB | (lk)), X86_I(m, ALU, MR, NONE, FM | (lk)),                  \
        X86_I(m, ALU, RM, NONE, FM | FB), X86_I(m, ALU, RM, NONE, FM),                            \
        X86_I(m, ALU, I, 8, FB), X86_I(m, ALU, I, Z, 0)

/* Group 1 (80-83): /0-/7 ADD OR ADC SBB AND SUB XOR CMP, immediate per opcode. */
#define GRP1(f, imm)                                                                              \
    X86_GRP(f, X86_I("add", ALU, MI, imm, FL), X86_I("or", ALU, MI, imm, FL),                     \
            X86_I("adc", ALU, MI, imm, FL), X86_I("sbb", ALU, MI, imm, FL),                       \
            X86_I("and", ALU, MI, imm, FL), X86_I("sub", ALU, MI, imm, FL),                       \
            X86_I("xor", ALU, MI, imm, FL), X86_I("cmp", ALU, MI, imm, 0))

/* Group 2 (C0 C1 D0-D3): /0-/7 ROL ROR RCL RCR SHL SHR SAL(alias of SHL) SAR. */
#define GRP2(f, o, imm)                                                                           \
    X86_GRP(f, X86_I("rol", SHIFT, o, imm, 0), X86_I("ror", SHIFT, o, imm, 0),                    \
            X86_I("rcl", SHIFT, o, imm, 0), X86_I("rcr", SHIFT, o, imm, 0),                       \
            X86_I("shl", SHIFT, o, imm, 0), X86_I("shr", SHIFT, o, imm, 0),                       \
            X86_I("sal", SHIFT, o, imm, 0), X86_I("sar", SHIFT, o, imm, 0))

/* Group 3 (F6 F7): TEST (/1 is an undocumented alias of /0), NOT NEG MUL IMUL DIV IDIV. */
#define GRP3(f, imm)                                                                              \
    X86_GRP(f, X86_I("test", ALU, MI, imm, 0), X86_I("test", ALU, MI, imm, 0),                    \
            X86_I("not", ALU, M, NONE, FL), X86_I("neg", ALU, M, NONE, FL),                       \
            X86_I("mul", MULDIV, M, NONE, 0), X86_I("imul", MULDIV, M, NONE, 0),                  \
            X86_I("div", MULDIV, M, NONE, 0), X86_I("idiv", MULDIV, M, NONE, 0))

#define SREG(o, f) X86_I("mov", SEG, o, NONE, f)
#define JCC8(m) X86_I(m, BRANCH, D, REL8, FF64 | FEND)
#define X87(m) X86_I(m, X87, M, NONE, 0)
#define X87R(m) X86_I(m, X87, ZO, NONE, 0)

/* x87 arithmetic: D8/DC/DA/DE memory forms /0-/7. */
#define X87_ARITH(p) X87(p "add"), X87(p "mul"), X87(p "com"), X87(p "comp"), X87(p "sub"),       \
                     X87(p "subr"), X87(p "div"), X87(p "divr")

/* clang-format off */
const X86OpEntry x86_map1[256] = {
    /* 00-05 */ ALU6("add", FL),
    /* 06 */ X86_I("push es", STACK, ZO, NONE, FI64),
    /* 07 */ X86_I("pop es", STACK, ZO, NONE, FI64 | FEND),
    /* 08-0d */ ALU6("or", FL),
    /* 0e */ X86_I("push cs", STACK, ZO, NONE, FI64),
    /* 0f */ X86_UD, /* two-byte escape, handled by the decoder */
    /* 10-15 */ ALU6("adc", FL),
    /* 16 */ X86_I("push ss", STACK, ZO, NONE, FI64),
    /* 17 */ X86_I("pop ss", STACK, ZO, NONE, FI64 | FEND),
    /* 18-1d */ ALU6("sbb", FL),
    /* 1e */ X86_I("push ds", STACK, ZO, NONE, FI64),
    /* 1f */ X86_I("pop ds", STACK, ZO, NONE, FI64 | FEND),
    /* 20-25 */ ALU6("and", FL),
    /* 26 */ X86_UD, /* ES: */
    /* 27 */ X86_I("daa", BCD, ZO, NONE, FI64),
    /* 28-2d */ ALU6("sub", FL),
    /* 2e */ X86_UD, /* CS: */
    /* 2f */ X86_I("das", BCD, ZO, NONE, FI64),
    /* 30-35 */ ALU6("xor", FL),
    /* 36 */ X86_UD, /* SS: */
    /* 37 */ X86_I("aaa", BCD, ZO, NONE, FI64),
    /* 38 */ X86_I("cmp", ALU, MR, NONE, FM | FB),
    /* 39 */ X86_I("cmp", ALU, MR, NONE, FM),
    /* 3a */ X86_I("cmp", ALU, RM, NONE, FM | FB),
    /* 3b */ X86_I("cmp", ALU, RM, NONE, FM),
    /* 3c */ X86_I("cmp", ALU, I, 8, FB),
    /* 3d */ X86_I("cmp", ALU, I, Z, 0),
    /* 3e */ X86_UD, /* DS: */
    /* 3f */ X86_I("aas", BCD, ZO, NONE, FI64),
    /* 40-47 INC Zv, 48-4f DEC Zv (REX in 64-bit mode) */
    X86_I("inc", ALU, O, NONE, FI64), X86_I("inc", ALU, O, NONE, FI64),
    X86_I("inc", ALU, O, NONE, FI64), X86_I("inc", ALU, O, NONE, FI64),
    X86_I("inc", ALU, O, NONE, FI64), X86_I("inc", ALU, O, NONE, FI64),
    X86_I("inc", ALU, O, NONE, FI64), X86_I("inc", ALU, O, NONE, FI64),
    X86_I("dec", ALU, O, NONE, FI64), X86_I("dec", ALU, O, NONE, FI64),
    X86_I("dec", ALU, O, NONE, FI64), X86_I("dec", ALU, O, NONE, FI64),
    X86_I("dec", ALU, O, NONE, FI64), X86_I("dec", ALU, O, NONE, FI64),
    X86_I("dec", ALU, O, NONE, FI64), X86_I("dec", ALU, O, NONE, FI64),
    /* 50-57 PUSH Zv, 58-5f POP Zv */
    X86_I("push", STACK, O, NONE, FD64), X86_I("push", STACK, O, NONE, FD64),
    X86_I("push", STACK, O, NONE, FD64), X86_I("push", STACK, O, NONE, FD64),
    X86_I("push", STACK, O, NONE, FD64), X86_I("push", STACK, O, NONE, FD64),
    X86_I("push", STACK, O, NONE, FD64), X86_I("push", STACK, O, NONE, FD64),
    X86_I("pop", STACK, O, NONE, FD64), X86_I("pop", STACK, O, NONE, FD64),
    X86_I("pop", STACK, O, NONE, FD64), X86_I("pop", STACK, O, NONE, FD64),
    X86_I("pop", STACK, O, NONE, FD64), X86_I("pop", STACK, O, NONE, FD64),
    X86_I("pop", STACK, O, NONE, FD64), X86_I("pop", STACK, O, NONE, FD64),
    /* 60 */ X86_I("pusha", STACK, ZO, NONE, FI64),
    /* 61 */ X86_I("popa", STACK, ZO, NONE, FI64),
    /* 62 BOUND Gv,Ma; EVEX in 64-bit mode or with a register-form ModRM */
    X86_VEXESC(X86_I("bound", INTERRUPT, RM, NONE, FM | FMEM | FI64)),
    /* 63 ARPL Ew,Gw; MOVSXD Gv,Ed in 64-bit mode */
    X86_MODE(X86_I("arpl", SEG, MR, NONE, FM), X86_I("movsxd", MOV, RM, NONE, FM)),
    /* 64-67 */ X86_UD, X86_UD, X86_UD, X86_UD, /* FS: GS: opsize adsize */
    /* 68 */ X86_I("push", STACK, I, Z, FD64),
    /* 69 */ X86_I("imul", MULDIV, RMI, Z, FM),
    /* 6a */ X86_I("push", STACK, I, 8, FD64),
    /* 6b */ X86_I("imul", MULDIV, RMI, 8, FM),
    /* 6c */ X86_I("insb", STRING, ZO, NONE, FB | FREP),
    /* 6d */ X86_I("ins", STRING, ZO, NONE, FREP),
    /* 6e */ X86_I("outsb", STRING, ZO, NONE, FB | FREP),
    /* 6f */ X86_I("outs", STRING, ZO, NONE, FREP),
    /* 70-7f Jcc Jb */
    JCC8("jo"), JCC8("jno"), JCC8("jb"), JCC8("jae"), JCC8("je"), JCC8("jne"), JCC8("jbe"),
    JCC8("ja"), JCC8("js"), JCC8("jns"), JCC8("jp"), JCC8("jnp"), JCC8("jl"), JCC8("jge"),
    JCC8("jle"), JCC8("jg"),
    /* 80 */ GRP1(FB, 8),
    /* 81 */ GRP1(0, Z),
    /* 82 */ GRP1(FB | FI64, 8),
    /* 83 */ GRP1(0, 8),
    /* 84 */ X86_I("test", ALU, MR, NONE, FM | FB),
    /* 85 */ X86_I("test", ALU, MR, NONE, FM),
    /* 86 */ X86_I("xchg", XCHG, MR, NONE, FM | FB | FL),
    /* 87 */ X86_I("xchg", XCHG, MR, NONE, FM | FL),
    /* 88 */ X86_I("mov", MOV, MR, NONE, FM | FB),
    /* 89 */ X86_I("mov", MOV, MR, NONE, FM),
    /* 8a */ X86_I("mov", MOV, RM, NONE, FM | FB),
    /* 8b */ X86_I("mov", MOV, RM, NONE, FM),
    /* 8c MOV Ev,Sw: Sreg ES CS SS DS FS GS, 6 and 7 are #UD (REX.R is ignored) */
    X86_GRP(0, SREG(MR, 0), SREG(MR, 0), SREG(MR, 0), SREG(MR, 0), SREG(MR, 0), SREG(MR, 0),
            X86_UD, X86_UD),
    /* 8d LEA Gv,M */ X86_I("lea", MOV, RM, NONE, FM | FMEM),
    /* 8e MOV Sw,Ew: loading CS is #UD */
    X86_GRP(0, SREG(RM, FEND), X86_UD, SREG(RM, FEND), SREG(RM, FEND), SREG(RM, FEND),
            SREG(RM, FEND), X86_UD, X86_UD),
    /* 8f group 1A: /0 POP Ev (the rest is AMD XOP, undefined here) */
    X86_GRP(0, X86_I("pop", STACK, M, NONE, FD64), X86_UD, X86_UD, X86_UD, X86_UD, X86_UD,
            X86_UD, X86_UD),
    /* 90 NOP (XCHG r8,rAX with REX.B), F3 90 PAUSE; 66 stays the operand size */
    X86_PFX(X86F_OSZ_KEEP, X86_I("nop", XCHG, O, NONE, 0), X86_UD,
            X86_I("pause", MISC, ZO, NONE, 0), X86_I("nop", XCHG, O, NONE, 0)),
    /* 91-97 XCHG Zv,rAX */
    X86_I("xchg", XCHG, O, NONE, 0), X86_I("xchg", XCHG, O, NONE, 0),
    X86_I("xchg", XCHG, O, NONE, 0), X86_I("xchg", XCHG, O, NONE, 0),
    X86_I("xchg", XCHG, O, NONE, 0), X86_I("xchg", XCHG, O, NONE, 0),
    X86_I("xchg", XCHG, O, NONE, 0),
    /* 98 */ X86_I("cbw", MOV, ZO, NONE, 0), /* CBW/CWDE/CDQE */
    /* 99 */ X86_I("cwd", MOV, ZO, NONE, 0), /* CWD/CDQ/CQO */
    /* 9a CALLF Ap */ X86_I("callf", BRANCH, ZO, PTR, FI64 | FEND),
    /* 9b */ X86_I("fwait", X87, ZO, NONE, 0),
    /* 9c */ X86_I("pushf", STACK, ZO, NONE, FD64),
    /* 9d */ X86_I("popf", STACK, ZO, NONE, FD64 | FEND),
    /* 9e */ X86_I("sahf", FLAGS, ZO, NONE, 0),
    /* 9f */ X86_I("lahf", FLAGS, ZO, NONE, 0),
    /* a0 */ X86_I("mov", MOV, FD, MOFFS, FB),
    /* a1 */ X86_I("mov", MOV, FD, MOFFS, 0),
    /* a2 */ X86_I("mov", MOV, TD, MOFFS, FB),
    /* a3 */ X86_I("mov", MOV, TD, MOFFS, 0),
    /* a4 */ X86_I("movsb", STRING, ZO, NONE, FB | FREP),
    /* a5 */ X86_I("movs", STRING, ZO, NONE, FREP),
    /* a6 */ X86_I("cmpsb", STRING, ZO, NONE, FB | FREP),
    /* a7 */ X86_I("cmps", STRING, ZO, NONE, FREP),
    /* a8 */ X86_I("test", ALU, I, 8, FB),
    /* a9 */ X86_I("test", ALU, I, Z, 0),
    /* aa */ X86_I("stosb", STRING, ZO, NONE, FB | FREP),
    /* ab */ X86_I("stos", STRING, ZO, NONE, FREP),
    /* ac */ X86_I("lodsb", STRING, ZO, NONE, FB | FREP),
    /* ad */ X86_I("lods", STRING, ZO, NONE, FREP),
    /* ae */ X86_I("scasb", STRING, ZO, NONE, FB | FREP),
    /* af */ X86_I("scas", STRING, ZO, NONE, FREP),
    /* b0-b7 MOV Zb,Ib */
    X86_I("mov", MOV, OI, 8, FB), X86_I("mov", MOV, OI, 8, FB), X86_I("mov", MOV, OI, 8, FB),
    X86_I("mov", MOV, OI, 8, FB), X86_I("mov", MOV, OI, 8, FB), X86_I("mov", MOV, OI, 8, FB),
    X86_I("mov", MOV, OI, 8, FB), X86_I("mov", MOV, OI, 8, FB),
    /* b8-bf MOV Zv,Iv (imm64 with REX.W) */
    X86_I("mov", MOV, OI, V, 0), X86_I("mov", MOV, OI, V, 0), X86_I("mov", MOV, OI, V, 0),
    X86_I("mov", MOV, OI, V, 0), X86_I("mov", MOV, OI, V, 0), X86_I("mov", MOV, OI, V, 0),
    X86_I("mov", MOV, OI, V, 0), X86_I("mov", MOV, OI, V, 0),
    /* c0 */ GRP2(FB, MI, 8),
    /* c1 */ GRP2(0, MI, 8),
    /* c2 */ X86_I("ret", BRANCH, I, 16, FF64 | FEND),
    /* c3 */ X86_I("ret", BRANCH, ZO, NONE, FF64 | FEND),
    /* c4 LES Gz,Mp; VEX3 in 64-bit mode or with a register-form ModRM */
    X86_VEXESC(X86_I("les", SEG, RM, NONE, FM | FMEM | FI64)),
    /* c5 LDS Gz,Mp; VEX2 likewise */
    X86_VEXESC(X86_I("lds", SEG, RM, NONE, FM | FMEM | FI64)),
    /* c6 group 11: /0 MOV Eb,Ib (C6 F8 XABORT: no RTM) */
    X86_GRP(FB, X86_I("mov", MOV, MI, 8, 0), X86_UD, X86_UD, X86_UD, X86_UD, X86_UD, X86_UD,
            X86_UD),
    /* c7 group 11: /0 MOV Ev,Iz (C7 F8 XBEGIN: no RTM) */
    X86_GRP(0, X86_I("mov", MOV, MI, Z, 0), X86_UD, X86_UD, X86_UD, X86_UD, X86_UD, X86_UD,
            X86_UD),
    /* c8 */ X86_I("enter", STACK, ZO, 16_8, FD64),
    /* c9 */ X86_I("leave", STACK, ZO, NONE, FD64),
    /* ca */ X86_I("retf", BRANCH, I, 16, FEND),
    /* cb */ X86_I("retf", BRANCH, ZO, NONE, FEND),
    /* cc */ X86_I("int3", INTERRUPT, ZO, NONE, FEND),
    /* cd */ X86_I("int", INTERRUPT, I, 8, FEND),
    /* ce */ X86_I("into", INTERRUPT, ZO, NONE, FI64 | FEND),
    /* cf */ X86_I("iret", BRANCH, ZO, NONE, FEND),
    /* d0 */ GRP2(FB, M1, NONE),
    /* d1 */ GRP2(0, M1, NONE),
    /* d2 */ GRP2(FB, MC, NONE),
    /* d3 */ GRP2(0, MC, NONE),
    /* d4 */ X86_I("aam", BCD, I, 8, FI64),
    /* d5 */ X86_I("aad", BCD, I, 8, FI64),
    /* d6 */ X86_I("salc", FLAGS, ZO, NONE, FI64), /* undocumented, on all Intel/AMD CPUs */
    /* d7 */ X86_I("xlat", MISC, ZO, NONE, 0),
    /* d8 */ X86_MODSPLIT(0, X86_GRP(0, X87_ARITH("f")),
                X86_GRP(0, X87R("fadd"), X87R("fmul"), X87R("fcom"), X87R("fcomp"), X87R("fsub"),
                        X87R("fsubr"), X87R("fdiv"), X87R("fdivr"))),
    /* d9 */ X86_MODSPLIT(0,
                X86_GRP(0, X87("fld"), X86_UD, X87("fst"), X87("fstp"), X87("fldenv"),
                        X87("fldcw"), X87("fnstenv"), X87("fnstcw")),
                X86_GRP(0, X87R("fld"), X87R("fxch"),
                        X86_RMT(X87R("fnop"), X86_UD, X86_UD, X86_UD, X86_UD, X86_UD, X86_UD, X86_UD),
                        X87R("fstp"), /* D9 D8-DF: reserved alias FSTP1 */
                        X86_RMT(X87R("fchs"), X87R("fabs"), X86_UD, X86_UD, X87R("ftst"), X87R("fxam"),
                                X86_UD, X86_UD),
                        X86_RMT(X87R("fld1"), X87R("fldl2t"), X87R("fldl2e"), X87R("fldpi"),
                                X87R("fldlg2"), X87R("fldln2"), X87R("fldz"), X86_UD),
                        X86_RMT(X87R("f2xm1"), X87R("fyl2x"), X87R("fptan"), X87R("fpatan"),
                                X87R("fxtract"), X87R("fprem1"), X87R("fdecstp"), X87R("fincstp")),
                        X86_RMT(X87R("fprem"), X87R("fyl2xp1"), X87R("fsqrt"), X87R("fsincos"),
                                X87R("frndint"), X87R("fscale"), X87R("fsin"), X87R("fcos")))),
    /* da */ X86_MODSPLIT(0, X86_GRP(0, X87_ARITH("fi")),
                X86_GRP(0, X87R("fcmovb"), X87R("fcmove"), X87R("fcmovbe"), X87R("fcmovu"), X86_UD,
                        X86_RMT(X86_UD, X87R("fucompp"), X86_UD, X86_UD, X86_UD, X86_UD, X86_UD,
                                X86_UD),
                        X86_UD, X86_UD)),
    /* db */ X86_MODSPLIT(0,
                X86_GRP(0, X87("fild"), X87("fisttp"), X87("fist"), X87("fistp"), X86_UD,
                        X87("fld"), X86_UD, X87("fstp")),
                X86_GRP(0, X87R("fcmovnb"), X87R("fcmovne"), X87R("fcmovnbe"), X87R("fcmovnu"),
                        X86_RMT(X87R("fneni"), X87R("fndisi"), X87R("fnclex"), X87R("fninit"),
                                X87R("fnsetpm"), X86_UD, X86_UD, X86_UD),
                        X87R("fucomi"), X87R("fcomi"), X86_UD)),
    /* dc */ X86_MODSPLIT(0, X86_GRP(0, X87_ARITH("f")),
                /* /2 /3: reserved aliases FCOM2/FCOMP3 (executed by real CPUs) */
                X86_GRP(0, X87R("fadd"), X87R("fmul"), X87R("fcom"), X87R("fcomp"), X87R("fsubr"),
                        X87R("fsub"),
                        X87R("fdivr"), X87R("fdiv"))),
    /* dd */ X86_MODSPLIT(0,
                X86_GRP(0, X87("fld"), X87("fisttp"), X87("fst"), X87("fstp"), X87("frstor"),
                        X86_UD, X87("fnsave"), X87("fnstsw")),
                X86_GRP(0, X87R("ffree"), X87R("fxch") /* alias FXCH4 */, X87R("fst"), X87R("fstp"), X87R("fucom"),
                        X87R("fucomp"), X86_UD, X86_UD)),
    /* de */ X86_MODSPLIT(0, X86_GRP(0, X87_ARITH("fi")),
                X86_GRP(0, X87R("faddp"), X87R("fmulp"), X87R("fcomp") /* alias FCOMP5 */,
                        X86_RMT(X86_UD, X87R("fcompp"), X86_UD, X86_UD, X86_UD, X86_UD, X86_UD,
                                X86_UD),
                        X87R("fsubrp"), X87R("fsubp"), X87R("fdivrp"), X87R("fdivp"))),
    /* df */ X86_MODSPLIT(0,
                X86_GRP(0, X87("fild"), X87("fisttp"), X87("fist"), X87("fistp"), X87("fbld"),
                        X87("fild"), X87("fbstp"), X87("fistp")),
                /* /0 FFREEP, /1 FXCH7, /2 /3 FSTP8/FSTP9: reserved aliases real CPUs execute */
                X86_GRP(0, X87R("ffreep"), X87R("fxch"), X87R("fstp"), X87R("fstp"),
                        X86_RMT(X87R("fnstsw"), X86_UD, X86_UD, X86_UD, X86_UD, X86_UD, X86_UD,
                                X86_UD),
                        X87R("fucomip"), X87R("fcomip"), X86_UD)),
    /* e0 */ X86_I("loopne", BRANCH, D, REL8, FF64 | FEND),
    /* e1 */ X86_I("loope", BRANCH, D, REL8, FF64 | FEND),
    /* e2 */ X86_I("loop", BRANCH, D, REL8, FF64 | FEND),
    /* e3 */ X86_I("jrcxz", BRANCH, D, REL8, FF64 | FEND),
    /* e4 */ X86_I("in", IO, I, 8, FB),
    /* e5 */ X86_I("in", IO, I, 8, 0),
    /* e6 */ X86_I("out", IO, I, 8, FB),
    /* e7 */ X86_I("out", IO, I, 8, 0),
    /* e8 */ X86_I("call", BRANCH, D, RELZ, FF64 | FEND),
    /* e9 */ X86_I("jmp", BRANCH, D, RELZ, FF64 | FEND),
    /* ea JMPF Ap */ X86_I("jmpf", BRANCH, ZO, PTR, FI64 | FEND),
    /* eb */ X86_I("jmp", BRANCH, D, REL8, FF64 | FEND),
    /* ec */ X86_I("in", IO, ZO, NONE, FB),
    /* ed */ X86_I("in", IO, ZO, NONE, 0),
    /* ee */ X86_I("out", IO, ZO, NONE, FB),
    /* ef */ X86_I("out", IO, ZO, NONE, 0),
    /* f0 */ X86_UD, /* LOCK */
    /* f1 */ X86_I("int1", INTERRUPT, ZO, NONE, FEND),
    /* f2 f3 */ X86_UD, X86_UD, /* REPNE REP */
    /* f4 */ X86_I("hlt", SYSTEM, ZO, NONE, FEND),
    /* f5 */ X86_I("cmc", FLAGS, ZO, NONE, 0),
    /* f6 */ GRP3(FB, 8),
    /* f7 */ GRP3(0, Z),
    /* f8 */ X86_I("clc", FLAGS, ZO, NONE, 0),
    /* f9 */ X86_I("stc", FLAGS, ZO, NONE, 0),
    /* fa */ X86_I("cli", FLAGS, ZO, NONE, 0),
    /* fb */ X86_I("sti", FLAGS, ZO, NONE, FEND),
    /* fc */ X86_I("cld", FLAGS, ZO, NONE, 0),
    /* fd */ X86_I("std", FLAGS, ZO, NONE, 0),
    /* fe group 4: INC/DEC Eb */
    X86_GRP(FB, X86_I("inc", ALU, M, NONE, FL), X86_I("dec", ALU, M, NONE, FL), X86_UD, X86_UD,
            X86_UD, X86_UD, X86_UD, X86_UD),
    /* ff group 5 */
    X86_GRP(0, X86_I("inc", ALU, M, NONE, FL), X86_I("dec", ALU, M, NONE, FL),
            X86_I("call", BRANCH, M, NONE, FF64 | FEND),
            X86_I("callf", BRANCH, M, NONE, FMEM | FEND),
            X86_I("jmp", BRANCH, M, NONE, FF64 | FEND),
            X86_I("jmpf", BRANCH, M, NONE, FMEM | FEND),
            X86_I("push", STACK, M, NONE, FD64), X86_UD),
};
/* clang-format on */
