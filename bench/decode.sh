#!/usr/bin/env bash
# Decoder speed against an earlier revision: runs the decoder benchmarks of
# logscan (BenchmarkDecode*) of REV and of the working tree in turns (A B A B
# ...), so that both see the same machine conditions, and prints each
# benchmark's median time per op and the ratio working tree ÷ REV (below 1
# is faster).
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
  for side in base new; do
    (cd logscan && "$WORK/$side.test" -test.run '^$' -test.bench "$PATTERN" -test.benchtime "$BENCHTIME") |
      awk -v side=$side '/^Benchmark/ { sub(/-[0-9]+$/, "", $1); print side, $1, $3 }' >> "$WORK/runs.txt"
  done
  echo "round $r done" >&2
done
python3 - "$WORK/runs.txt" "$REV" <<'PY'
import sys, statistics, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    side, name, ns = line.split()
    runs[(side, name)].append(float(ns))
names = sorted({n for _, n in runs})
print(f"| benchmark | {sys.argv[2]} ns/op | working tree ns/op | ratio |")
print("|---|---|---|---|")
for n in names:
    b, w = runs.get(("base", n)), runs.get(("new", n))
    if not b or not w:
        print(f"| {n} | {statistics.median(b) if b else '—'} | {statistics.median(w) if w else '—'} | — |")
        continue
    mb, mw = statistics.median(b), statistics.median(w)
    print(f"| {n} | {mb:,.0f} | {mw:,.0f} | {mw / mb:.3f} |")
PY
