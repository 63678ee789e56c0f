#!/usr/bin/env bash
# summarize-check.sh LOG — totals every suite's results in a `make check` log: criterion's
# "Synthesis: Tested: N | Passing: P | Failing: F | Crashing: C" lines and the plain
# "N passed, N failed" lines of the guest, difftest, CLI and TSan runners; prints one line.
set -u
log=${1:?usage: summarize-check.sh LOG}
awk '
  /Synthesis: Tested:/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Passing:") p += $(i + 1)
      if ($i == "Failing:") f += $(i + 1)
      if ($i == "Crashing:") f += $(i + 1)
    }
  }
  /[0-9]+ passed, [0-9]+ failed/ {
    match($0, /[0-9]+ passed, [0-9]+ failed/)
    split(substr($0, RSTART, RLENGTH), w, " ")
    p += w[1]; f += w[3]
  }
  END { printf "check: %d passed, %d failed\n", p, f }
' "$log"
