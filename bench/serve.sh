#!/usr/bin/env bash
# Load test of `orderflow serve`: generates a company, builds it, starts the server on
# loopback, and runs wrk against the KPI API while the scheduled pull job ingests a
# newer extract dropped into its watched folder and rebuilds the models.
#
#   bash bench/serve.sh                    # 50,000 order lines, 180 s, 16 connections
#   LINES=200000 DURATION=120 bash bench/serve.sh
#
# The questions: the headline KPIs (seven, from six marts) of each of the last 8 weeks,
# cut by country, customer or site (24 URLs, asked in turn). It reports requests per second and latency
# percentiles, and fails when an answer is not 200 or when a figure served is not
# exactly one committed build's: every answer must be byte for byte the one of the build
# before the ingest or of the build after it (no stale or partial figure: the server
# reads a snapshot taken after each build, and keeps each answer for that build).
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${LINES:-50000}
DURATION=${DURATION:-180}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
DROP_AFTER=${DROP_AFTER:-2}
OUT=$(pwd)/bench/out/serve
KPIS=service_rate,otif_line,otif_order,backlog_value,days_late_mean,claim_rate,freight_cost_per_kg
BIN=$OUT/orderflow
URL="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { echo "serve.sh: wrk is not installed: run bash .ci/services.sh (or apt-get install wrk)" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT/inbox"

echo "== building the binary"
go build -o "$BIN" ./cmd/orderflow
AS_OF=$(date +%F) # the server's jobs build as of today: so does the first build

echo "== generating $LINES order lines and building them (as of $AS_OF)"
"$BIN" --as-of "$AS_OF" generate --out "$OUT/extracts" --lines "$LINES" --seed 1 >/dev/null
"$BIN" --as-of "$AS_OF" generate --out "$OUT/next" --lines "$LINES" --seed 2 >/dev/null
"$BIN" --db "$OUT/of.duckdb" --as-of "$AS_OF" ingest "$OUT/extracts" >/dev/null
"$BIN" --db "$OUT/of.duckdb" --as-of "$AS_OF" build >/dev/null

cat >"$OUT/orderflow.yaml" <<YAML
db: of.duckdb
sources:
  - {name: drop, folder: inbox, settle: 1s}
schedules:
  - {name: pull, job: pull, cron: "*/5 * * * * *"}   # every 5 seconds
server:
  addr: 127.0.0.1:$PORT
report:
  folder: reports
YAML

echo "== starting orderflow serve on $URL"
(cd "$OUT" && exec "$BIN" --config orderflow.yaml serve >"$OUT/serve.log" 2>&1) &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "$URL/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "$URL/healthz" >/dev/null || { echo "serve.sh: the server did not start:" >&2; cat "$OUT/serve.log" >&2; exit 1; }

built_at() { grep -i '^X-Orderflow-Built-At:' "$1" | tr -d '\r' | cut -d' ' -f2; }
: >"$OUT/paths.txt"
for by in country customer site; do
  for n in 1 2 3 4 5 6 7 8; do
    echo "/api/kpi?kpi=$KPIS&by=$by&from=$(date -d "$AS_OF - $n weeks" +%G-W%V)" >>"$OUT/paths.txt"
  done
done
# The answers of the first build, each computed for the first time (not from the cache).
mkdir -p "$OUT/a" "$OUT/b"
i=0
while read -r path; do
  i=$((i + 1))
  curl -fs -D "$OUT/a/$i.headers" -o "$OUT/a/$i.body" -w '%{time_total}\n' "$URL$path" >>"$OUT/a/times.txt"
done <"$OUT/paths.txt"
A_BUILT=$(built_at "$OUT/a/1.headers")
UNCACHED=$(awk '{s+=$1; if ($1>m) m=$1} END {printf "mean %.1f ms, max %.1f ms over %d questions", 1000*s/NR, 1000*m, NR}' "$OUT/a/times.txt")

echo "== wrk: $THREADS threads, $CONNS connections, ${DURATION}s on the $(wc -l <"$OUT/paths.txt") questions of $OUT/paths.txt; the new extract lands after ${DROP_AFTER}s"
(sleep "$DROP_AFTER" && cp "$OUT"/next/*.csv "$OUT/inbox/") &
mkdir -p "$OUT/answers"
BENCH_OUT="$OUT/answers" BENCH_PATHS="$OUT/paths.txt" wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s bench/serve.lua "$URL" | tee "$OUT/wrk.txt"

echo "== waiting for the scheduled pull and its build to finish"
for _ in $(seq 1 300); do
  if curl -fs "$URL/api/jobs?job=pull/build&limit=1" | grep -q '"outcome": "success"'; then break; fi
  sleep 1
done
i=0
while read -r path; do
  i=$((i + 1))
  curl -fs -D "$OUT/b/$i.headers" -o "$OUT/b/$i.body" "$URL$path"
done <"$OUT/paths.txt"
B_BUILT=$(built_at "$OUT/b/1.headers")
curl -fs "$URL/api/jobs?limit=5" >"$OUT/jobs.json"

status=0
[ "$A_BUILT" != "$B_BUILT" ] || { echo "FAIL: no new build after the ingest (see $OUT/serve.log)"; status=1; }
cmp -s "$OUT/a/1.body" "$OUT/b/1.body" && echo "note: the new build gives the same figures; the consistency check is weak"
new_seen=0
for f in "$OUT"/answers/answer-*.txt; do
  path=$(sed -n 1p "$f")
  when=$(sed -n 2p "$f")
  tail -n +3 "$f" >"$f.body"
  i=$(grep -nxF "$path" "$OUT/paths.txt" | cut -d: -f1)
  if [ -z "$i" ]; then echo "FAIL: $f answers an unknown question $path"; status=1; continue; fi
  if [ "$when" = "$A_BUILT" ] && cmp -s "$f.body" "$OUT/a/$i.body"; then continue; fi
  if [ "$when" = "$B_BUILT" ] && cmp -s "$f.body" "$OUT/b/$i.body"; then new_seen=1; continue; fi
  echo "FAIL: $f ($path, built at $when) is neither the figures of the build of $A_BUILT nor of $B_BUILT"
  status=1
done
grep -q "non-200 answers 0, socket errors 0" "$OUT/wrk.txt" || { echo "FAIL: errors during the run"; status=1; }
[ $new_seen = 1 ] || echo "note: the new build did not land during the run (lengthen DURATION); only the old figures were served"
echo "== builds served: $A_BUILT (before the ingest), $B_BUILT (after); $(ls "$OUT"/answers/answer-*.txt | wc -l) distinct answers checked"
echo "first answers of a build (computed, not cached): $UNCACHED"
grep -E "^requests " "$OUT/wrk.txt"
grep -E "msg=\"job done\".*job=pull/build" "$OUT/serve.log" | sed 's/^.*duration=\([^ ]*\).*$/scheduled ingest + build + snapshot: build took \1/' | head -1
[ $status = 0 ] && echo "OK: no error, every answer was one committed build's figures"
exit $status
