#!/bin/bash
# run.sh — the deterministic single-thread mode (-accel tcg,thread=single): runs a guest test
# twice per backend with its tests/guest/arm/<name>.args (which choose thread=single) and
# requires the two outputs to be identical and to end with PASS; tests/rr/<name>.check, where
# it exists, then checks the output's values (exit 0 = fine, else prints why).
# test-smp-rr.elf: 4 vCPUs racing on a plain counter, timer interrupts, WFI: the interleaving
# fingerprint, every CPU's timer ticks and CNTPCT at its end, and every CPU's
# executed-instruction count (power controller INSNS). test-smp-rtc.elf: the PL031 with
# -rtc base=2020-01-01T00:00:00 follows the virtual clock. The one-thread-per-vCPU mode may
# differ from run to run and is not compared.
# Usage: tests/rr/run.sh EMU ELF [backends...]   (default backends: jit interp)
# Prints one line per backend and "N passed, N failed"; exits 1 on any failure.
set -u
EMU=$1 ELF=$2
shift 2
BACKENDS=${*:-jit interp}
TIMEOUT=${RR_TIMEOUT:-60}
NAME=$(basename "$ELF" .elf)
HERE=$(dirname "$0")
ARGS=()
if [ -f "$HERE/../guest/arm/$NAME.args" ]; then
    read -r -a ARGS < "$HERE/../guest/arm/$NAME.args"
fi
CHECK="$HERE/$NAME.check"
passed=0 failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { # $1 backend, $2 output file
    timeout -k 2 "$TIMEOUT" "$EMU" -M virt -cpu cortex-a57 -nographic -semihosting \
        "${ARGS[@]}" -accel tcg,thread=single -accel "tcg,backend=$1" -kernel "$ELF" </dev/null \
        >"$2" 2>"$2.err"
}

for b in $BACKENDS; do
    run "$b" "$work/a" ; rc_a=$?
    run "$b" "$work/b" ; rc_b=$?
    why=""
    if [ $rc_a -ne 0 ] || [ $rc_b -ne 0 ]; then
        why="exit status $rc_a / $rc_b"
    elif grep -q ThreadSanitizer "$work/a.err" "$work/b.err"; then
        why="ThreadSanitizer report"
    elif [ "$(tail -n 1 "$work/a" | tr -d '\r[:space:]')" != PASS ]; then
        why="output does not end with PASS"
    elif ! cmp -s "$work/a" "$work/b"; then
        why="the two runs differ"
    elif [ -f "$CHECK" ] && ! why=$(bash "$CHECK" "$work/a"); then
        why=${why:-"$NAME.check failed"}
    else
        why=""
    fi
    if [ -z "$why" ]; then
        echo "PASS rr-determinism $NAME [$b]: $(head -n 1 "$work/a" | tr -d '\r')"
        passed=$((passed + 1))
    else
        echo "FAIL rr-determinism $NAME [$b]: $why"
        diff "$work/a" "$work/b" | head -n 20 | sed 's/^/    /'
        head -n 10 "$work/a.err" | sed 's/^/    err: /'
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
