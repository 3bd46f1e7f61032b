#!/usr/bin/env bash
# Decoder speed against an earlier revision: runs the decoder benchmarks of
# logscan (BenchmarkDecode*) of REV and of the working tree in turns (A B,
# then B A, ...), so that both see the same machine conditions, and prints
# each benchmark's median time per op, the median of the rounds' ratios
# working tree ÷ REV (below 1 is faster) with their range, and the ratio of
# the fastest runs of each side, the steadiest figure on a busy machine.
#
# Usage: bench/decode.sh [REV] [PATTERN]   (REV defaults to main; PATTERN to
#                                           Decode, a -bench expression)
# Environment: ROUNDS (default 6), BENCHTIME (default 1s).
set -euo pipefail
cd "$(dirname "$0")/.."
REV=${1:-main}
PATTERN=${2:-Decode}
ROUNDS=${ROUNDS:-6}
BENCHTIME=${BENCHTIME:-1s}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
git archive --format=tar "$REV" | tar -x -C "$WORK"
(cd "$WORK" && go test -c -o base.test ./logscan)
go test -c -o "$WORK/new.test" ./logscan
: > "$WORK/runs.txt"
for r in $(seq "$ROUNDS"); do
  order="base new"
  [ $((r % 2)) = 0 ] && order="new base"
  for side in $order; do
    (cd logscan && "$WORK/$side.test" -test.run '^$' -test.bench "$PATTERN" -test.benchtime "$BENCHTIME") |
      awk -v side=$side -v r=$r '/^Benchmark/ { sub(/-[0-9]+$/, "", $1); print side, $1, $3, r }' >> "$WORK/runs.txt"
  done
  echo "round $r done" >&2
done
python3 - "$WORK/runs.txt" "$REV" <<'PY'
import sys, statistics, collections
runs = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    side, name, ns, r = line.split()
    runs[(side, name)][r] = float(ns)
names = sorted({n for _, n in runs})
print(f"| benchmark | {sys.argv[2]} ns/op | working tree ns/op | ratio (median of rounds) | range | ratio of the fastest runs |")
print("|---|---|---|---|---|---|")
for n in names:
    b, w = runs.get(("base", n), {}), runs.get(("new", n), {})
    mb = f"{statistics.median(b.values()):,.0f}" if b else "—"
    mw = f"{statistics.median(w.values()):,.0f}" if w else "—"
    ratios = sorted(w[r] / b[r] for r in b if r in w)
    if not ratios:
        print(f"| {n} | {mb} | {mw} | — | — | — |")
        continue
    # On a shared machine the fastest run of each side is the one least
    # disturbed by other work.
    fastest = min(w.values()) / min(b.values())
    print(f"| {n} | {mb} | {mw} | {statistics.median(ratios):.3f} | {ratios[0]:.3f}–{ratios[-1]:.3f} | {fastest:.3f} |")
PY
