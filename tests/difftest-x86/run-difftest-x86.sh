#!/bin/bash
# run-difftest-x86.sh — the x86-64 differential test against the host CPU: gen-x86 writes
# DTX_COUNT random user-level sequences for DTX_SEED; dtx-native runs them natively and writes
# the masked state hashes; the bare-metal guest (harness-guest.c + tests/guest/x86 runtime)
# embeds sequences and hashes, runs the sequences under $EMU and compares. Exit status 1 of
# the emulator (isa-debug-exit with 0) is PASS. On a mismatch the first few sequences are shown
# with their disassembly (objdump) and the registers that differ (host | emulator).
#
#   tests/difftest-x86/run-difftest-x86.sh
# Environment:
#   EMU=build/tandem        emulator (a qemu-system-x86_64 compatible command line)
#   DTX_EMU_ARGS=""         extra emulator arguments (the oracle target passes -cpu max)
#   DTX_SEED=1              seed; DTX_SEED=random picks and prints one
#   DTX_COUNT=10000         number of sequences
#   DTX_QUIRKS=0            oracle quirk switches (DTX_Q_* in dtx-core.h; the oracle target: 3)
#   DTX_SHOW=3              mismatches shown in detail
#   DTX_TIMEOUT=600         seconds for the emulator run
#   DTX_NO_BUILD=1          the generator and guest runtime objects are already built
#   DTX_TAG=""              suffix of the work directory (runs of one seed on several
#                           emulator configurations keep their own artefacts)
# Prints "difftest-x86: ..." summary lines and PASS/FAIL; exit 1 on failure. PASS needs the
# emulator's exit status 1, the guest's summary with 0 mismatches and its PASS line.
set -u
cd "$(dirname "$0")/../.." || exit 1

EMU=${EMU:-build/tandem}
DTX_EMU_ARGS=${DTX_EMU_ARGS:-}
DTX_SEED=${DTX_SEED:-1}
DTX_COUNT=${DTX_COUNT:-10000}
DTX_TIMEOUT=${DTX_TIMEOUT:-600}
DTX_QUIRKS=${DTX_QUIRKS:-0}
DTX_SHOW=${DTX_SHOW:-3}
if [ "$DTX_SEED" = random ]; then
    DTX_SEED=$(( $(od -An -N4 -tu4 /dev/urandom) ))
fi
CC=${CC:-gcc}
OBJDUMP=${OBJDUMP:-objdump}
DIR=tests/difftest-x86
LIB=tests/guest/x86/lib
GEN=build/difftest-x86/gen-x86
RT_OBJS=(build/guest/x86/lib/crt0.o build/guest/x86/lib/idt.o build/guest/x86/lib/runtime.o
         build/guest/x86/lib/guest-common.o)
GUEST_FLAGS=(-m64 -O2 -g -ffreestanding -nostdlib -static -no-pie -fno-pic -mno-red-zone
             -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none
             -mgeneral-regs-only -Wall -Wextra -Werror -Wno-unused-parameter
             "-I$LIB" -Itests/guest/common "-I$DIR"
             -Wl,--no-warn-rwx-segments -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none
             -T "$LIB/link.ld")

if [ -z "${DTX_NO_BUILD:-}" ]; then
    make --no-print-directory -s "$GEN" "${RT_OBJS[@]}" || exit 1
fi
if ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
    echo "run-difftest-x86: emulator '$EMU' not found (set EMU=...)" >&2
    exit 1
fi

w=build/difftest-x86/seed$DTX_SEED-n$DTX_COUNT${DTX_TAG:+-$DTX_TAG}
mkdir -p "$w"
fail() { echo "FAIL difftest-x86 seed $DTX_SEED: $*"; exit 1; }
start=$(date +%s)
"$GEN" "$DTX_SEED" "$DTX_COUNT" > "$w/seqs.S" || fail "generator failed"
"$CC" -c "$w/seqs.S" -o "$w/seqs.o" 2> "$w/as.err" || { head "$w/as.err"; fail "generated assembly does not assemble"; }
"$CC" -std=gnu11 -O2 -Wall -Wextra -Werror -no-pie "-I$DIR" -o "$w/dtx-native" \
    "$DIR/harness-native.c" "$DIR/dtx-core.c" "$DIR/dtx-tramp.S" "$w/seqs.o" ||
    fail "native harness build failed"
"$w/dtx-native" --hashes "$DTX_QUIRKS" > "$w/expected.S" || fail "native run failed"
"$CC" "${GUEST_FLAGS[@]}" "${RT_OBJS[@]}" -DDTX_SHOW_MAX="$DTX_SHOW" "$DIR/harness-guest.c" "$DIR/dtx-core.c" \
    "$DIR/dtx-tramp.S" "$w/seqs.o" "$w/expected.S" -o "$w/guest.elf64" ||
    fail "guest build failed"
objcopy -O elf32-i386 "$w/guest.elf64" "$w/guest.elf" || fail "objcopy failed"

# shellcheck disable=SC2086
timeout -k 2 "$DTX_TIMEOUT" "$EMU" -M pc $DTX_EMU_ARGS -nographic -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x4 -kernel "$w/guest.elf" \
    </dev/null 2> "$w/emu.err" | tr -d '\r' > "$w/emu.txt"
rc=${PIPESTATUS[0]}
secs=$(( $(date +%s) - start ))
grep '^difftest-x86:' "$w/emu.txt" | sed "s|\$| on $(basename "$EMU") (${secs}s)|"

# the first mismatches: disassembly and the differing registers
for k in $(sed -n 's/^MISMATCH \([0-9]*\)$/\1/p' "$w/emu.txt"); do
    echo "  mismatch: seed $DTX_SEED, sequence $k:"
    "$OBJDUMP" -d --no-show-raw-insn --disassemble="dtx_seq_$k" "$w/dtx-native" |
        grep -P '^ +[0-9a-f]+:\t' | sed 's/^/      /'
    "$w/dtx-native" -v "$k" "$DTX_QUIRKS" > "$w/native-$k.txt"
    sed -n "/^MISMATCH $k\$/,/^END $k\$/p" "$w/emu.txt" | sed '1d;$d' > "$w/emu-$k.txt"
    echo "    differing state (host | $(basename "$EMU")):"
    paste -d '|' "$w/native-$k.txt" "$w/emu-$k.txt" |
        awk -F '|' '$1 != $2 { printf("      %-44s | %s\n", $1, $2) }'
done

# status 1 alone is not enough: an emulator that refuses its command line may exit with 1 too
if [ "$rc" -eq 1 ] && grep -q '^difftest-x86: .* 0 mismatched' "$w/emu.txt" &&
   grep -qx PASS "$w/emu.txt"; then
    echo "PASS difftest-x86 seed $DTX_SEED ($DTX_COUNT sequences) on $(basename "$EMU")"
    rm -rf "$w"
    exit 0
fi
[ "$rc" -eq 124 ] && echo "  timeout after ${DTX_TIMEOUT}s"
if ! grep -q '^difftest-x86:' "$w/emu.txt"; then
    tail -n 5 "$w/emu.txt" | sed 's/^/    out: /'
    head -n 12 "$w/emu.err" | sed 's/^/    err: /'
fi
echo "FAIL difftest-x86 seed $DTX_SEED ($DTX_COUNT sequences) on $(basename "$EMU") (exit $rc); files in $w"
exit 1
