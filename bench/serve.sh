#!/usr/bin/env bash
# Benchmark of "debrief serve" with 10,000 reports stored, on SQLite and on
# PostgreSQL: GET one report (JSON and Markdown), a list page, a filtered
# list and a search, each at 64 concurrent clients over loopback, beside a
# bare net/http handler that answers a fixed body of the same size in the
# same run (bench/serveload). Prints a Markdown table.
#
# Usage: bench/serve.sh
# Environment: WORK (scratch folder, default /tmp/debrief-serve-bench),
#              N (reports, default 10000), C (clients, default 64),
#              D (time per endpoint, default 10s), DBS (default "sqlite postgres").
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/debrief-serve-bench}
N=${N:-10000}
C=${C:-64}
D=${D:-10s}
DBS=${DBS:-sqlite postgres}
mkdir -p "$WORK"
chmod 755 "$WORK"
go build -o "$WORK/debrief" ./cmd/debrief
go build -o "$WORK/serveload" ./bench/serveload

pg_start() {
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bin" ] || { echo "PostgreSQL is not installed" >&2; return 1; }
  local as=(); [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
  PGDIR="$WORK/pg"; rm -rf "$PGDIR"; mkdir -p "$PGDIR"
  [ "$(id -u)" = 0 ] && chown postgres "$PGDIR"
  (cd "$PGDIR" && "${as[@]}" "$bin/initdb" -D "$PGDIR/data" -U debrief --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null)
  (cd "$PGDIR" && "${as[@]}" "$bin/pg_ctl" -D "$PGDIR/data" -w -l "$PGDIR/log" -o "-k $PGDIR -p 55432 -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null)
  PGSTOP=("${as[@]}" "$bin/pg_ctl" -D "$PGDIR/data" -m fast stop)
  "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p 55432 -U debrief debrief
}

for db in $DBS; do
  case $db in
    sqlite) dsn="$WORK/bench.db"; rm -f "$dsn" "$dsn-wal" "$dsn-shm" ;;
    postgres) pg_start; dsn="postgres://debrief@127.0.0.1:55432/debrief?sslmode=disable" ;;
  esac
  echo "--- $db: storing $N reports" >&2
  "$WORK/serveload" seed -db "$dsn" -n "$N" -example examples/2026-03-14-checkout-outage.md
  "$WORK/debrief" user add --db "$dsn" --role viewer bench@example.com >&2
  token=$("$WORK/debrief" token create --db "$dsn" bench@example.com bench 2>/dev/null)
  "$WORK/debrief" serve --db "$dsn" --addr 127.0.0.1:58080 --log-format json 2>"$WORK/serve-$db.log" >/dev/null &
  pid=$!
  for _ in $(seq 100); do curl -fs http://127.0.0.1:58080/readyz >/dev/null 2>&1 && break; sleep 0.1; done
  echo "--- $db: loading" >&2
  "$WORK/serveload" run -url http://127.0.0.1:58080 -token "$token" -c "$C" -d "$D" -n "$N" -label "$db" | { [ "$db" = "${DBS%% *}" ] && cat || tail -n +3; }
  kill -TERM $pid; wait $pid || true
  if [ "$db" = postgres ]; then "${PGSTOP[@]}" >/dev/null; fi
done
