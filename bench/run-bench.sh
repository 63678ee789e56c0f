#!/bin/bash
# run-bench.sh — the benchmark (make bench): runs the same integer workload (bench/workload.c)
# on Tandem (backend=jit and backend=interp), on qemu-system-aarch64 with the same flags, and
# natively; checks that every run prints the same checksums (MISMATCH otherwise) and prints the
# best-of-N wall time of each plus the ratios tandem-jit/qemu, jit/interp and jit/native.
# Times are reported, never asserted; the exit status is 1 only on a mismatch or a failed run.
# Environment: TANDEM=build/tandem QEMU=qemu-system-aarch64 GUEST=build/bench/workload.elf BENCH_LABEL=
#              NATIVE=build/bench/workload-native RUNS=3 BENCH_TIMEOUT=600
# An emulator that is missing is reported as skipped; the others still run.
# BENCH_ARCH=x86 (make bench-x86): the x86-64 build (bench/shim-pc.c, GUEST defaults to
# build/bench/workload-pc.elf) on -M pc with isa-debug-exit under qemu-system-x86_64 and Tandem;
# a run that returns 0 exits with status 1 there (tests/guest/x86/lib/runtime.h), and only the
# checksum lines of its console are compared (the firmware prints banners first). A failed
# Tandem run prints "tandem-jit FAILED (exit status N)" and its error, then ratios say n/a.
set -u
cd "$(dirname "$0")/.." || exit 1
BENCH_ARCH=${BENCH_ARCH:-arm64}
TANDEM=${TANDEM:-build/tandem}
if [ "$BENCH_ARCH" = x86 ]; then
    QEMU=${QEMU:-qemu-system-x86_64}
    GUEST=${GUEST:-build/bench/workload-pc.elf}
    BENCH_TIMEOUT=${BENCH_TIMEOUT:-120}
fi
QEMU=${QEMU:-qemu-system-aarch64}
GUEST=${GUEST:-build/bench/workload.elf}
NATIVE=${NATIVE:-build/bench/workload-native}
RUNS=${RUNS:-3}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for f in "$GUEST" "$NATIVE"; do
    [ -f "$f" ] || { echo "run-bench: $f not built (run make bench)" >&2; exit 1; }
done

declare -A best
status=0

# Keeps the checksum lines ("name" and 16 hex digits) of an x86 console; cat elsewhere.
console_filter() {
    if [ "$BENCH_ARCH" = x86 ]; then
        grep -E '^[a-z0-9]+ [0-9a-f]{16}$' || true
    else
        cat
    fi
}

# measure NAME CMD...: best wall time of RUNS runs; output of the first run kept in $WORK/NAME
# (WANT_RC: the exit status of a good run, 0 unless set)
measure() {
    local name=$1 t0 t1 dt rc
    shift
    if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
        printf '%-14s skipped (%s not found)\n' "$name" "$1"
        return
    fi
    for ((r = 0; r < RUNS; r++)); do
        t0=$(date +%s.%N)
        timeout "$BENCH_TIMEOUT" "$@" </dev/null 2>"$WORK/$name.err" | tr -d '\r' | console_filter \
            > "$WORK/$name.run"
        rc=${PIPESTATUS[0]}
        t1=$(date +%s.%N)
        if [ "$rc" -ne "${WANT_RC:-0}" ]; then
            printf '%-14s FAILED (exit status %s)\n' "$name" "$rc"
            [ "$rc" -eq 124 ] && echo "    timeout after ${BENCH_TIMEOUT}s"
            head -n 5 "$WORK/$name.err" | sed 's/^/    /'
            status=1
            return
        fi
        # On x86 an emulator's own error exit (status 1) looks like a good run: the last
        # kernel's checksum must be there too.
        if [ "$BENCH_ARCH" = x86 ] && ! grep -q '^sort ' "$WORK/$name.run"; then
            printf '%-14s FAILED (exit status %s, no checksums)\n' "$name" "$rc"
            head -n 5 "$WORK/$name.err" | sed 's/^/    /'
            status=1
            return
        fi
        [ $r -eq 0 ] && mv "$WORK/$name.run" "$WORK/$name.out"
        dt=$(awk "BEGIN { printf \"%.3f\", $t1 - $t0 }")
        if [ -z "${best[$name]:-}" ] || awk "BEGIN { exit !($dt < ${best[$name]}) }"; then
            best[$name]=$dt
        fi
    done
    printf '%-14s %8.3f s  (best of %d)\n' "$name" "${best[$name]}" "$RUNS"
}

VIRT=(-M virt -cpu cortex-a57 -nographic -semihosting -kernel "$GUEST")
GOOD_RC=0
if [ "$BENCH_ARCH" = x86 ]; then
    VIRT=(-M pc -nographic -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x4 -kernel "$GUEST")
    GOOD_RC=1
fi
echo "benchmark: $GUEST${BENCH_LABEL:+ ($BENCH_LABEL)} (best of $RUNS wall-clock runs)"
measure native "$NATIVE"
WANT_RC=$GOOD_RC measure qemu "$QEMU" "${VIRT[@]}"
WANT_RC=$GOOD_RC measure tandem-jit "$TANDEM" "${VIRT[@]}" -accel tcg,backend=jit
WANT_RC=$GOOD_RC measure tandem-interp "$TANDEM" "${VIRT[@]}" -accel tcg,backend=interp

# every completed run must print exactly what the native run printed
for name in qemu tandem-jit tandem-interp; do
    [ -f "$WORK/$name.out" ] || continue
    if ! cmp -s "$WORK/native.out" "$WORK/$name.out"; then
        echo "MISMATCH: $name output differs from native:"
        diff "$WORK/native.out" "$WORK/$name.out" | head -n 20 | sed 's/^/    /'
        status=1
    fi
done
[ $status -eq 0 ] && echo "outputs: identical ($(wc -l < "$WORK/native.out") checksums)"

ratio() { # label, numerator name, denominator name
    if [ -n "${best[$2]:-}" ] && [ -n "${best[$3]:-}" ]; then
        awk -v a="${best[$2]}" -v b="${best[$3]}" -v l="$1" \
            'BEGIN { if (b > 0) printf "%-22s %8.2fx\n", l, a / b }'
    else
        printf '%-22s   n/a\n' "$1"
    fi
}
echo "ratios (time / time; below 1 means the first is faster):"
ratio "tandem-jit / qemu" tandem-jit qemu
ratio "tandem-jit / interp" tandem-jit tandem-interp
ratio "tandem-jit / native" tandem-jit native
ratio "qemu / native" qemu native
exit $status
