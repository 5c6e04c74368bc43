#!/usr/bin/env bash
# Load test of the dashboard pages of `orderflow serve`: generates a company, builds it,
# starts the server on loopback and runs wrk with many clients on the overview page,
# as a browser asks it (Accept-Encoding: gzip). A page is drawn once per build and kept
# gzipped with its ETag, so the clients read kept bytes.
#
#   bash bench/pages.sh                          # 50,000 order lines, 100 clients, 30 s
#   LINES=1000000 CONNS=100 DURATION=60 bash bench/pages.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${LINES:-50000}
DURATION=${DURATION:-30}
CONNS=${CONNS:-100}
THREADS=${THREADS:-2}
PORT=${PORT:-18081}
PAGE=${PAGE:-/dashboards/overview.html}
OUT=$(pwd)/bench/out/pages
BIN=$OUT/orderflow
URL="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { echo "pages.sh: wrk is not installed: run bash .ci/services.sh (or apt-get install wrk)" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT"
go build -o "$BIN" ./cmd/orderflow
AS_OF=$(date +%F)
echo "== generating $LINES order lines and building them (as of $AS_OF)"
"$BIN" --as-of "$AS_OF" generate --out "$OUT/extracts" --lines "$LINES" --seed 1 >/dev/null
"$BIN" --db "$OUT/of.duckdb" --as-of "$AS_OF" ingest "$OUT/extracts" >/dev/null
"$BIN" --db "$OUT/of.duckdb" --as-of "$AS_OF" build >/dev/null
printf 'db: of.duckdb\nserver:\n  addr: 127.0.0.1:%s\n' "$PORT" >"$OUT/orderflow.yaml"
(cd "$OUT" && exec "$BIN" --config orderflow.yaml serve >"$OUT/serve.log" 2>&1) &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "$URL/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
FIRST=$(curl -fs -H 'Accept-Encoding: gzip' -o "$OUT/page.gz" -w '%{time_total}' "$URL$PAGE")
PLAIN=$(curl -fs -o /dev/null -w '%{size_download}' "$URL$PAGE")
echo "== first draw of $PAGE: ${FIRST}s; $PLAIN bytes, $(stat -c %s "$OUT/page.gz") gzipped"
echo "== wrk: $THREADS threads, $CONNS connections, ${DURATION}s on $PAGE (Accept-Encoding: gzip)"
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -H 'Accept-Encoding: gzip' "$URL$PAGE" | tee "$OUT/wrk.txt"
grep -qE "Non-2xx|Socket errors" "$OUT/wrk.txt" && { echo "FAIL: errors during the run"; exit 1; }
echo "OK"
