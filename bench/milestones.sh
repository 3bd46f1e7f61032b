#!/bin/sh
# Compares the cost of finding milestones and deriving metrics
# (BenchmarkComputeMetrics) at a base commit and at the working tree, in one
# run on one machine. Usage: bench/milestones.sh [BASE] (default: main).
set -eu
base=${1:-main}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$root" archive "$base" | tar -x -C "$tmp"
cp "$root/markdown/milestones_bench_test.go" "$tmp/markdown/"
export DEBRIEF_SHARED="${DEBRIEF_SHARED:-$root/../shared}"
run() { (cd "$1" && go test -run '^$' -bench '^BenchmarkComputeMetrics$' -benchtime 2s -count 3 ./markdown | awk '/^BenchmarkComputeMetrics/ {print $3}'); }
b=$(run "$tmp" | sort -n | head -1)
n=$(run "$root" | sort -n | head -1)
echo "base ($base): $b ns/op, now: $n ns/op, ratio now/base: $(echo "scale=2; $n / $b" | bc)"
