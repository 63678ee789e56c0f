#!/bin/bash
# run-difftest.sh — the random differential test: generated A64 sequences run as a Linux
# user-mode program under qemu-aarch64 (the oracle) and as a bare-metal guest under the emulator
# being tested; the text outputs (one hash of x0-x30, SP, NZCV and the scratch buffer per sequence,
# the buffer holding V0-V31 and FPSR at the end, see gen.c) must be identical. On a mismatch the first differing sequence is rebuilt alone with full
# register dumps and printed with its disassembly. Before running, every generated instruction
# is checked to disassemble (objdump) as the mnemonic the generator meant (or one of its aliases).
#
#   tests/difftest/run-difftest.sh
# Environment:
#   EMU=build/tandem         emulator under test; Tandem runs with each of DT_BACKENDS
#   DT_BACKENDS="jit interp" ORACLE=qemu-aarch64
#   DT_SEED=1000             first seed (file i uses DT_SEED+i); DT_SEED=random picks and prints one
#   DT_FILES=5 DT_PER_FILE=2000 DT_JOBS=2 DT_TIMEOUT=60 (seconds per run)
#   DT_NO_BUILD=1            do not run `make build/difftest/gen` first
# Prints one line per file and emulator run, then "N passed, N failed"; exit 1 on any failure.
set -u
cd "$(dirname "$0")/../.." || exit 1

EMU=${EMU:-build/tandem}
ORACLE=${ORACLE:-qemu-aarch64}
DT_FILES=${DT_FILES:-5}
DT_PER_FILE=${DT_PER_FILE:-2000}
DT_JOBS=${DT_JOBS:-2}
DT_TIMEOUT=${DT_TIMEOUT:-60}
DT_SEED=${DT_SEED:-1000}
if [ "$DT_SEED" = random ]; then
    DT_SEED=$(( $(od -An -N4 -tu4 /dev/urandom) ))
fi
GEN=build/difftest/gen
DIR=tests/difftest
LIB=tests/guest/arm/lib
GUEST_CC=${GUEST_CC:-aarch64-linux-gnu-gcc}
OBJDUMP=${OBJDUMP:-aarch64-linux-gnu-objdump}
VIRT_FLAGS=(-O2 -ffreestanding -nostdlib -mgeneral-regs-only -static
            "-Wl,--no-warn-rwx-segments" "-I$LIB" "-Itests/guest/common" "-I$DIR" -T "$LIB/link.ld"
            "$LIB/crt0.S" "$LIB/runtime.c" "tests/guest/common/guest-common.c" "$DIR/harness-virt.c" "$DIR/dt-core.c" "$DIR/trampoline.S")
LINUX_FLAGS=(-O2 -static "-I$DIR" "$DIR/harness-linux.c" "$DIR/dt-core.c" "$DIR/trampoline.S")

case "$(basename "$EMU")" in
    tandem*) backends=${DT_BACKENDS:-jit interp} ;;
    *) backends="-" ;;
esac

# ---- encoding sanity: objdump must decode each instruction as the generated mnemonic ----
# Prints the offending lines and fails when a mnemonic differs beyond the listed aliases.
check_encodings() {
    local src=$1 obj=$2
    "$OBJDUMP" -d --no-show-raw-insn "$obj" | awk -v src="$src" '
    BEGIN {
        # generated mnemonic -> aliases objdump may print for it (ARM ARM "preferred disassembly")
        split("add:mov adds:cmn subs:cmp,negs sub:neg orr:mov ands:tst movz:mov movn:mov " \
              "sbfm:asr,sbfiz,sbfx,sxtb,sxth,sxtw bfm:bfi,bfxil,bfc " \
              "ubfm:lsl,lsr,ubfiz,ubfx,uxtb,uxth extr:ror mov:orr,movz,movn " \
              "orn:mvn sbc:ngc sbcs:ngcs csinc:cinc,cset csinv:cinv,csetm csneg:cneg " \
              "lslv:lsl lsrv:lsr asrv:asr rorv:ror madd:mul msub:mneg smaddl:smull " \
              "smsubl:smnegl umaddl:umull umsubl:umnegl " \
              "ldr:ldur str:stur umov:mov ins:mov dup:mov not:mvn sshll:sxtl ushll:uxtl " \
              "sshll2:sxtl2 ushll2:uxtl2", pairs, " ")
        for (i in pairs) {
            split(pairs[i], kv, ":"); n = split(kv[2], al, ",")
            for (j = 1; j <= n; j++) ok[kv[1] "/" al[j]] = 1
        }
        cond["hs"] = "cs"; cond["lo"] = "cc"
        # the generated text: mnemonic list per function
        while ((getline line < src) > 0) {
            if (line ~ /^dt_seq_[0-9]+:/) { fn = line; sub(/:.*/, "", fn); cnt = 0; continue }
            if (line ~ /^    [a-z]/ && fn != "") {
                split(line, words, /[ \t]+/); want[fn, ++cnt] = words[2]; text[fn, cnt] = line
                nwant[fn] = cnt
            }
        }
        bad = 0
    }
    /^[0-9a-f]+ <dt_seq_[0-9]+>:/ { fn = $2; gsub(/[<>:]/, "", fn); got = 0; next }
    /^ +[0-9a-f]+:\t/ && fn ~ /^dt_seq_/ {
        split($0, cols, "\t"); m = cols[2]; sub(/ .*/, "", m)
        got++; ngot[fn] = got; wm = want[fn, got]
        if (m ~ /^b\./) { c = substr(m, 3); if (c in cond) m = "b." cond[c] }
        if (m == ".inst" || m ~ /undefined/ || (m != wm && !((wm "/" m) in ok))) {
            if (bad++ < 10) printf("    encoding check: %s #%d: generated \"%s\", decoded \"%s\"\n",
                                   fn, got, text[fn, got], $0)
        }
        next
    }
    /^$/ { fn = "" }
    END {
        for (g in nwant) if (ngot[g] != nwant[g]) {
            if (bad++ < 10) printf("    encoding check: %s has %d instructions, objdump shows %d\n",
                                   g, nwant[g], ngot[g])
        }
        exit bad != 0
    }'
}

# ---- one emulator run of a bare-metal harness ----
run_virt() { # $1 = elf, $2 = backend or "-", $3 = file for stderr
    local accel=()
    [ "$2" != "-" ] && accel=(-accel "tcg,backend=$2")
    timeout -k 2 "$DT_TIMEOUT" "$EMU" -M virt -cpu cortex-a57 -nographic -semihosting \
        -kernel "$1" "${accel[@]}" </dev/null 2>"$3" | tr -d '\r'
    return "${PIPESTATUS[0]}"
}

# ---- shows the first mismatching case: rebuilt alone, full dumps from both sides ----
explain_mismatch() { # $1 = work dir, $2 = seed, $3 = case index, $4 = backend
    local w=$1 seed=$2 k=$3 b=$4
    "$GEN" "$seed" "$DT_PER_FILE" "$k" > "$w/one.S" || return
    "$GUEST_CC" "${LINUX_FLAGS[@]}" "$w/one.S" -o "$w/one-linux" || return
    "$GUEST_CC" -DDT_VERBOSE=1 "${VIRT_FLAGS[@]}" "$w/one.S" -o "$w/one-virt.elf" || return
    echo "    first mismatch: seed $seed, sequence $k:"
    "$OBJDUMP" -d --no-show-raw-insn --disassemble="dt_seq_$k" "$w/one-linux" |
        grep -P '^ +[0-9a-f]+:\t' | sed 's/^/      /'
    "$ORACLE" "$w/one-linux" -v > "$w/one-ref.txt" 2>&1
    run_virt "$w/one-virt.elf" "$b" "$w/one-emu.err" > "$w/one-emu.txt"
    echo "    state: oracle ($ORACLE) | $(basename "$EMU") $b"
    diff -y -W 140 "$w/one-ref.txt" "$w/one-emu.txt" | grep -v '^done' | sed 's/^/      /'
}

# ---- one file: generate, check, build, run the oracle and every backend ----
run_file() { # $1 = seed
    local seed=$1 w="build/difftest/work-$1" b rc first k
    mkdir -p "$w"
    if ! "$GEN" "$seed" "$DT_PER_FILE" > "$w/seqs.S"; then
        echo "FAIL seed $seed: generator failed"; return
    fi
    if ! "$GUEST_CC" -c "$w/seqs.S" -o "$w/seqs.o" 2> "$w/as.err"; then
        echo "FAIL seed $seed: generated assembly does not assemble"; head "$w/as.err"; return
    fi
    if ! check_encodings "$w/seqs.S" "$w/seqs.o" > "$w/enc.err"; then
        echo "FAIL seed $seed: encoding check"; cat "$w/enc.err"; return
    fi
    if ! "$GUEST_CC" "${LINUX_FLAGS[@]}" "$w/seqs.o" -o "$w/linux" ||
       ! "$GUEST_CC" "${VIRT_FLAGS[@]}" "$w/seqs.o" -o "$w/virt.elf"; then
        echo "FAIL seed $seed: harness build failed"; return
    fi
    if ! timeout "$DT_TIMEOUT" "$ORACLE" "$w/linux" > "$w/ref.txt" ||
       [ "$(tail -n 1 "$w/ref.txt")" != "done $DT_PER_FILE" ]; then
        echo "FAIL seed $seed: oracle $ORACLE did not complete"; return
    fi
    local all_ok=1
    for b in $backends; do
        local label
        label="seed $seed ($DT_PER_FILE sequences) on $(basename "$EMU")"
        [ "$b" != "-" ] && label="$label [$b]"
        run_virt "$w/virt.elf" "$b" "$w/emu-$b.err" > "$w/emu-$b.txt"
        rc=$?
        if cmp -s "$w/ref.txt" "$w/emu-$b.txt"; then
            if [ $rc -eq 0 ]; then echo "PASS $label"; continue; fi
            echo "FAIL $label: exit status $rc"
        else
            first=$(cmp "$w/ref.txt" "$w/emu-$b.txt" 2>&1 | sed -n 's/.* line \([0-9]*\).*/\1/p')
            [ $rc -eq 124 ] && echo "FAIL $label: timeout after ${DT_TIMEOUT}s" ||
                echo "FAIL $label: output differs from the oracle at line ${first:-?} (exit $rc)"
            k=$(sed -n "${first:-1}p" "$w/ref.txt" | awk '{print $1}')
            if [ $rc -ne 0 ]; then
                # a crash or a hang: the last lines printed and stderr say where it stopped
                tail -n 3 "$w/emu-$b.txt" | sed 's/^/    out: /'
                head -n 12 "$w/emu-$b.err" | sed 's/^/    err: /'
            fi
            if [ -n "$k" ] && [ "$k" != "done" ]; then
                explain_mismatch "$w" "$seed" "$k" "$b"
            else
                tail -n 5 "$w/emu-$b.txt" | sed 's/^/    out: /'
            fi
        fi
        all_ok=0
    done
    [ $all_ok -eq 1 ] && rm -rf "$w"
}

if [ "${1:-}" = "--one" ]; then
    EMU=$EMU run_file "$2" > "$RESULTS_DIR/$2" 2>&1
    exit 0
fi

for tool in "$ORACLE" "$GUEST_CC" "$OBJDUMP"; do
    command -v "$tool" >/dev/null || { echo "run-difftest: '$tool' not found" >&2; exit 1; }
done
if ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
    echo "run-difftest: emulator '$EMU' not found (set EMU=...)" >&2
    exit 1
fi
if [ -z "${DT_NO_BUILD:-}" ]; then
    make --no-print-directory -s "$GEN" || exit 1
fi

echo "difftest: $DT_FILES files x $DT_PER_FILE sequences, seeds $DT_SEED..$((DT_SEED + DT_FILES - 1)), oracle $ORACLE, emulator $EMU"
export EMU ORACLE DT_FILES DT_PER_FILE DT_TIMEOUT GUEST_CC OBJDUMP
RESULTS_DIR=$(mktemp -d)
export RESULTS_DIR
for ((i = 0; i < DT_FILES; i++)); do
    printf '%s\0' $((DT_SEED + i))
done | xargs -0 -n 1 -P "$DT_JOBS" "$0" --one
passed=0 failed=0
for ((i = 0; i < DT_FILES; i++)); do
    f="$RESULTS_DIR/$((DT_SEED + i))"
    if [ -f "$f" ]; then cat "$f"; else echo "FAIL seed $((DT_SEED + i)): no result"; fi
    p=$(grep -c '^PASS ' "$f" 2>/dev/null); q=$(grep -c '^FAIL ' "$f" 2>/dev/null)
    [ -f "$f" ] || q=1
    passed=$((passed + ${p:-0})) failed=$((failed + ${q:-0}))
done
rm -rf "$RESULTS_DIR"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
