#!/usr/bin/env bash
# Benchmark of "debrief logs analyze" against wc -l and peers doing the same
# aggregation (events and 5xx errors per minute) on a generated 1 GB combined
# access log and a 1 GB JSON-lines log, page cache warm.
#
# Usage: bench/logs.sh [SIZE]      (SIZE defaults to 1G; e.g. 256M for a quick run)
# Environment: WORK (scratch folder, default /tmp/debrief-logs-bench),
#              ROUNDS (paired rounds, default 3), SLICE (MB for slow peers, default 100),
#              BASE (a git revision, e.g. main: its debrief runs in every round too,
#                    right after this one, to compare before and after a change),
#              PEERS (0 skips the other tools, for a quick before/after run).
#
# Each round runs wc -l, debrief, DuckDB, mawk and gawk one after the other
# (A B A B ...), so every ratio compares runs made under the same machine
# conditions; the tables give medians over the rounds. jq, Miller and
# GoAccess are too slow for a gigabyte: they run once on a slice and their
# throughput is reported as measured on it.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1G}
WORK=${WORK:-/tmp/debrief-logs-bench}
ROUNDS=${ROUNDS:-3}
SLICE=${SLICE:-100}
BASE=${BASE:-}
PEERS=${PEERS:-1}
mkdir -p "$WORK"
export LC_ALL=C

echo "--- peers" >&2
missing=()
for t in mawk gawk jq mlr goaccess; do command -v $t >/dev/null || missing+=("$t"); done
if [ "$PEERS" != 0 ] && [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  pkgs=("${missing[@]/mlr/miller}")
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq >&2 || true
  $SUDO apt-get install -y -qq "${pkgs[@]}" >&2 || echo "could not install ${pkgs[*]}" >&2
fi
DUCK="$WORK/duckdb-node"
mkdir -p "$DUCK"
if [ "$PEERS" != 0 ] && [ ! -d "$DUCK/node_modules/@duckdb/node-api" ] && command -v npm >/dev/null; then
  mkdir -p "$DUCK" && (cd "$DUCK" && npm init -y >/dev/null && npm install --silent @duckdb/node-api >&2) || echo "could not install @duckdb/node-api" >&2
fi
cat > "$DUCK/agg.js" <<'JS'
// Events and 5xx per minute with DuckDB, printed as a count of groups.
const { DuckDBInstance } = require('@duckdb/node-api');
const [format, file] = process.argv.slice(2);
const src = format === 'json'
  ? `SELECT substr(time, 1, 16) AS m, status FROM read_json('${file}', format='newline_delimited', columns={time: 'VARCHAR', status: 'INTEGER'})`
  : `SELECT substr(c3, 2, 17) AS m, c6 AS status FROM read_csv('${file}', delim=' ', header=false, quote='"', escape='"',
       columns={c0:'VARCHAR',c1:'VARCHAR',c2:'VARCHAR',c3:'VARCHAR',c4:'VARCHAR',c5:'VARCHAR',c6:'INTEGER',c7:'VARCHAR',c8:'VARCHAR',c9:'VARCHAR'})`;
(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const r = await con.runAndReadAll(`SELECT count(*) FROM (SELECT m, count(*) AS n, count(*) FILTER (WHERE status >= 500) AS e FROM (${src}) GROUP BY m)`);
  console.log(String(r.getRows()[0][0]));
})();
JS

echo "--- build" >&2
go build -o "$WORK/debrief" ./cmd/debrief
go build -o "$WORK/debrief-loggen" ./cmd/debrief-loggen
if [ -n "$BASE" ]; then
  rm -rf "$WORK/base" && mkdir -p "$WORK/base"
  git archive "$BASE" | tar -x -C "$WORK/base"
  (cd "$WORK/base" && go build -o "$WORK/debrief-base" ./cmd/debrief)
fi
for f in combined json; do
  if [ ! -s "$WORK/$f.log" ] || [ "$(cat "$WORK/$f.size" 2>/dev/null)" != "$SIZE" ]; then
    echo "--- generating $SIZE $f log" >&2
    "$WORK/debrief-loggen" -format $f -size "$SIZE" -o "$WORK/$f.log" 2>"$WORK/$f.truth.json"
    echo "$SIZE" > "$WORK/$f.size"
  fi
  head -c $((SLICE << 20)) "$WORK/$f.log" | sed '$d' > "$WORK/$f.slice.log"
done

# The same aggregation in awk: minute -> events, 5xx.
AWK_COMBINED='{ m = substr($4, 2, 17); n[m]++; if ($9 >= 500) e[m]++ } END { for (k in n) c++; print c }'
AWK_JSON='{ m = substr($4, 1, 16); n[m]++; if (substr($19, 2, 3) + 0 >= 500) e[m]++ } END { for (k in n) c++; print c }'
JQ_JSON='reduce inputs as $l ({}; .[$l.time[0:16]] |= (.n += 1 | .e += (if $l.status >= 500 then 1 else 0 end))) | length'
JQ_COMBINED='reduce (inputs | capture("\\[(?<m>[^ ]{17})[^\\]]*\\] \"[^\"]*\" (?<s>[0-9]{3})")) as $x ({}; .[$x.m] |= (.n += 1 | .e += (if ($x.s | tonumber) >= 500 then 1 else 0 end))) | length'
MLR_JSON='@n[substr0($time, 0, 15)] += 1; if ($status >= 500) { @e[substr0($time, 0, 15)] += 1 } end { emit @n }'
MLR_COMBINED='@n[substr0($4, 1, 17)] += 1; if ($9 >= 500) { @e[substr0($4, 1, 17)] += 1 } end { emit @n }'

# run NAME FILE CMD... : runs once, appends "name bytes seconds rss_kb
# user_seconds system_seconds" to $RES.
run() {
  local name=$1 file=$2; shift 2
  local out safe=${name//[^a-z0-9]/_}
  /usr/bin/time -f '%e %M %U %S' -o "$WORK/time.txt" "$@" >"$WORK/out.$safe" 2>"$WORK/err.$safe" || echo "  $name failed: $(tail -c 300 "$WORK/err.$safe")" >&2
  out=$(tail -1 "$WORK/time.txt")
  echo "$name $(stat -c %s "$file") $out" >> "$RES"
  echo "  $name: $out (s, KiB, user s, sys s); output: $(head -c 60 "$WORK/out.$safe" | tr '\n' ' ')" >&2
}

RES="$WORK/runs.txt"
: > "$RES"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for f in combined json; do
  log="$WORK/$f.log"
  cat "$log" > /dev/null   # warm the page cache
  if [ $f = combined ]; then A=$AWK_COMBINED; J=$JQ_COMBINED; M=$MLR_COMBINED; FS=' '; else A=$AWK_JSON; J=$JQ_JSON; M=$MLR_JSON; FS='"'; fi
  for r in $(seq "$ROUNDS"); do
    echo "--- $f round $r" >&2
    run "$f:wc" "$log" wc -l "$log"
    # With BASE, the two builds take turns at running first.
    if [ -n "$BASE" ] && [ $((r % 2)) = 0 ]; then
      run "$f:debrief@base" "$log" "$WORK/debrief-base" logs analyze --json --no-progress "$log"
      run "$f:debrief" "$log" "$WORK/debrief" logs analyze --json --no-progress "$log"
    else
      run "$f:debrief" "$log" "$WORK/debrief" logs analyze --json --no-progress "$log"
      [ -n "$BASE" ] && run "$f:debrief@base" "$log" "$WORK/debrief-base" logs analyze --json --no-progress "$log"
    fi
    [ "$PEERS" != 0 ] && [ -f "$DUCK/node_modules/@duckdb/node-api/package.json" ] && run "$f:duckdb" "$log" node "$DUCK/agg.js" $f "$log"
    [ "$PEERS" != 0 ] && command -v mawk >/dev/null && run "$f:mawk" "$log" mawk -F "$FS" "$A" "$log"
    [ "$PEERS" != 0 ] && command -v gawk >/dev/null && run "$f:gawk" "$log" gawk -F "$FS" "$A" "$log"
  done
  [ "$PEERS" = 0 ] && continue
  slice="$WORK/$f.slice.log"
  cat "$slice" > /dev/null
  echo "--- $f slow peers on a ${SLICE} MB slice" >&2
  run "$f:debrief(slice)" "$slice" "$WORK/debrief" logs analyze --json --no-progress "$slice"
  if [ $f = combined ]; then
    command -v jq >/dev/null && run "$f:jq(slice)" "$slice" jq -R -n "$J" "$slice"
    command -v mlr >/dev/null && run "$f:miller(slice)" "$slice" mlr --inidx --ifs space --ojson put -q "$M" "$slice"
    command -v goaccess >/dev/null && run "$f:goaccess(slice)" "$slice" goaccess "$slice" --log-format=COMBINED -o "$WORK/goaccess.json"
  else
    command -v jq >/dev/null && run "$f:jq(slice)" "$slice" jq -n "$J" "$slice"
    command -v mlr >/dev/null && run "$f:miller(slice)" "$slice" mlr --ijsonl --ojson put -q "$M" "$slice"
  fi
done

echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# Report: per tool, median seconds, MB/s and RSS; ratios are medians of the
# per-round ratios. The last column compares processor time (user + system)
# the same way: on a busy machine it moves much less than elapsed time.
python3 - "$RES" "$ROUNDS" <<'PY'
import sys, statistics, collections
path, rounds = sys.argv[1], int(sys.argv[2])
runs = collections.defaultdict(list)
cpu = collections.defaultdict(list)
size = {}
for line in open(path):
    p = line.split()
    if len(p) < 6:
        continue
    runs[p[0]].append((float(p[2]), int(p[3])))
    cpu[p[0]].append(float(p[4]) + float(p[5]))
    size[p[0]] = int(p[1])
for fmt in ("combined", "json"):
    deb = [t for t, _ in runs.get(fmt + ":debrief", [])]
    print(f"\n### {fmt} ({size.get(fmt+':debrief', 0)/1e9:.2f} GB)\n")
    print("| tool | median time | throughput | max RSS | its time ÷ debrief's (median of paired rounds) | its processor time ÷ debrief's |")
    print("|---|---|---|---|---|---|")
    for tool in ("wc", "debrief", "debrief@base", "duckdb", "mawk", "gawk", "debrief(slice)", "jq(slice)", "miller(slice)", "goaccess(slice)"):
        key = f"{fmt}:{tool}"
        if key not in runs:
            continue
        ts = [t for t, _ in runs[key]]
        med = statistics.median(ts)
        rss = max(r for _, r in runs[key]) / 1024
        mbs = size[key] / 1e6 / med if med > 0 else float("inf")
        cratio = "—"
        if tool.endswith("(slice)"):
            d = statistics.median(t for t, _ in runs[f"{fmt}:debrief(slice)"])
            ratio = f"{med / d:.1f}× (on the slice)" if tool != "debrief(slice)" else "—"
        elif tool == "debrief":
            ratio = "—"
        else:
            pairs = [o / d for o, d in zip(ts, deb) if d > 0]
            ratio = f"{statistics.median(pairs):.2f}×" if pairs else "?"
            cpairs = [o / d for o, d in zip(cpu[key], cpu[fmt + ":debrief"]) if d > 0]
            cratio = f"{statistics.median(cpairs):.3f}×" if cpairs else "?"
        print(f"| {tool} | {med:.2f} s | {mbs:,.0f} MB/s | {rss:.0f} MiB | {ratio} | {cratio} |")
PY
