#!/bin/bash
# run-guest-tests.sh — runs the bare-metal AArch64 guest tests (build/guest/arm/test-*.elf) on an
# emulator and checks each one: exit status 0 (GUEST_PASS_STATUS) and output whose last line is "PASS", or output
# equal to tests/guest/arm/<name>.expected when that file exists. Any ThreadSanitizer report on
# stderr is a failure too. Prints one line per test and backend, then exactly "N passed, N failed";
# exits 1 if anything failed.
#
#   tests/run-guest-tests.sh [build/guest/arm/test-x.elf ...]     (default: every test source)
# Environment:
#   EMU=build/tandem          emulator binary; Tandem runs each test with backend=jit and interp,
#                             any other emulator (e.g. EMU=qemu-system-aarch64, the oracle) once
#   GUEST_BACKENDS="jit interp"  backends for Tandem
#   GUEST_TIMEOUT=20          seconds per run;  GUEST_JOBS=2  runs in parallel
#   GUEST_NO_BUILD=1          do not run `make guest-elfs` first
#   GUEST_ACCEL=thread=single extra -accel tcg,<GUEST_ACCEL> for Tandem (merged with backend=)
#   Other guest architectures (tests/guest/x86.mk sets all four; the defaults are the AArch64 ones):
#   GUEST_SRC_DIR=tests/guest/arm  GUEST_ELF_DIR=build/guest/arm
#   GUEST_MACHINE_ARGS="-M virt -cpu cortex-a57 -nographic -semihosting"
#   GUEST_PASS_STATUS=0       the emulator's exit status of a passing test (x86: 1, written
#                             0 to isa-debug-exit gives (0 << 1) | 1)
# A test may add emulator arguments in tests/guest/arm/<name>.args (e.g. "-smp 4"); with
#   GUEST_FULL=1, tests/guest/arm/<name>.full.args replaces them where it exists (the long
#   stress counts of `make check-full`).
set -u
cd "$(dirname "$0")/.." || exit 1

EMU=${EMU:-build/tandem}
TIMEOUT=${GUEST_TIMEOUT:-20}
JOBS=${GUEST_JOBS:-2}
SRC_DIR=${GUEST_SRC_DIR:-tests/guest/arm}
ELF_DIR=${GUEST_ELF_DIR:-build/guest/arm}
read -r -a MACHINE_ARGS <<< "${GUEST_MACHINE_ARGS:--M virt -cpu cortex-a57 -nographic -semihosting}"
PASS_STATUS=${GUEST_PASS_STATUS:-0}

# ---- one run: $1 = elf, $2 = backend ("-" for none); prints the result line ----
run_one() {
    local elf=$1 backend=$2
    local name out err rc accel=() extra=() label status
    name=$(basename "$elf" .elf)
    label="$name"
    if [ "$backend" != "-" ]; then
        accel=(-accel "tcg,backend=$backend")
        label="$name [$backend]"
        if [ -n "${GUEST_ACCEL:-}" ]; then
            accel+=(-accel "tcg,$GUEST_ACCEL")
            label="$name [$backend,$GUEST_ACCEL]"
        fi
    fi
    if [ -n "${GUEST_FULL:-}" ] && [ -f "$SRC_DIR/$name.full.args" ]; then
        read -r -a extra < "$SRC_DIR/$name.full.args"
    elif [ -f "$SRC_DIR/$name.args" ]; then
        read -r -a extra < "$SRC_DIR/$name.args"
    fi
    # Tandem's own test device does not exist elsewhere: on another emulator (the oracle)
    # its -device pair is dropped, and the tests detect its absence and skip what need it.
    case "$(basename "$EMU")" in
        tandem*) ;;
        *)  local kept=() i
            for ((i = 0; i < ${#extra[@]}; i++)); do
                if [ "${extra[$i]}" = "-device" ] && [[ "${extra[$((i + 1))]:-}" == tandem-testdev* ]]; then
                    i=$((i + 1))
                else
                    kept+=("${extra[$i]}")
                fi
            done
            extra=("${kept[@]}") ;;
    esac
    out=$(mktemp) err=$(mktemp)
    local t0 t1
    t0=$(date +%s.%N)
    timeout -k 2 "$TIMEOUT" "$EMU" "${MACHINE_ARGS[@]}" \
        "${extra[@]}" -kernel "$elf" "${accel[@]}" </dev/null >"$out" 2>"$err"
    rc=$?
    t1=$(date +%s.%N)
    tr -d '\r' < "$out" > "$out.n"
    status=""
    if [ ! -f "$elf" ]; then
        status="not built"
    elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        status="timeout after ${TIMEOUT}s"
    elif grep -q "ThreadSanitizer" "$err"; then
        status="ThreadSanitizer report"
    elif [ $rc -ne "$PASS_STATUS" ]; then
        status="exit status $rc"
    elif [ -f "$SRC_DIR/$name.expected" ]; then
        if ! cmp -s "$out.n" "$SRC_DIR/$name.expected"; then
            status="output differs from $name.expected"
        fi
    elif [ "$(grep -v '^[[:space:]]*$' "$out.n" | tail -n 1 | tr -d '[:space:]')" != "PASS" ]; then
        status="output does not end with PASS"
    fi
    # Build the whole report first and print it with one write, so parallel runs never
    # interleave inside a report.
    local rep
    if [ -z "$status" ]; then
        rep=$(printf 'PASS %s (%ss)' "$label" "$(awk "BEGIN{printf \"%.2f\", $t1 - $t0}")")
    else
        rep="FAIL $label: $status"
        if [ -f "$SRC_DIR/$name.expected" ] && [ -f "$elf" ]; then
            rep+=$'\n'$(diff -u "$SRC_DIR/$name.expected" "$out.n" | head -n 20 | sed 's/^/    /')
        else
            rep+=$'\n'$(tail -n 10 "$out.n" | sed 's/^/    out: /')
        fi
        rep+=$'\n'$(grep -v '^[[:space:]]*$' "$err" | head -n 10 | sed 's/^/    err: /')
    fi
    printf '%s\n' "$rep" | sed '/^$/d'
    rm -f "$out" "$out.n" "$err"
}

# Internal: one run of a parallel batch, report into $RESULTS_DIR/<index> (printed in order).
if [ "${1:-}" = "--one" ]; then
    run_one "$3" "$4" > "$RESULTS_DIR/$2"
    exit 0
fi

if ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
    echo "run-guest-tests: emulator '$EMU' not found (set EMU=...)" >&2
    exit 1
fi

if [ $# -gt 0 ]; then
    elfs=("$@")
else
    elfs=()
    for src in "$SRC_DIR"/test-*.c "$SRC_DIR"/test-*.S; do
        [ -e "$src" ] || continue
        base=$(basename "$src")
        elfs+=("$ELF_DIR/${base%.*}.elf")
    done
fi
if [ ${#elfs[@]} -eq 0 ]; then
    echo "run-guest-tests: no guest tests found" >&2
    exit 1
fi
if [ -z "${GUEST_NO_BUILD:-}" ]; then
    to_build=()
    for elf in "${elfs[@]}"; do
        case "$elf" in "$ELF_DIR"/*) to_build+=("$elf") ;; esac
    done
    if [ ${#to_build[@]} -gt 0 ]; then
        make --no-print-directory -s "${to_build[@]}" || exit 1
    fi
fi

case "$(basename "$EMU")" in
    tandem*) backends=${GUEST_BACKENDS:-jit interp} ;;
    *) backends="-" ;;
esac

RESULTS_DIR=$(mktemp -d)
jobs_file="$RESULTS_DIR/.jobs"
n=0
for elf in "${elfs[@]}"; do
    for b in $backends; do
        n=$((n + 1))
        printf '%s\0%s\0%s\0' "$(printf '%05d' $n)" "$elf" "$b"
    done
done > "$jobs_file"
EMU="$EMU" GUEST_TIMEOUT="$TIMEOUT" RESULTS_DIR="$RESULTS_DIR" \
    xargs -0 -n 3 -P "$JOBS" "$0" --one < "$jobs_file"
rm -f "$jobs_file"
results=$(cat "$RESULTS_DIR"/* 2>/dev/null)
rm -rf "$RESULTS_DIR"
[ -n "$results" ] && printf '%s\n' "$results"
passed=$(printf '%s\n' "$results" | grep -c '^PASS ')
failed=$(printf '%s\n' "$results" | grep -c '^FAIL ')
missing=$((n - passed - failed))
if [ $missing -gt 0 ]; then
    echo "FAIL: $missing runs produced no result"
    failed=$((failed + missing))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
