#!/usr/bin/env bash
# ab.sh LABEL BINARY [VAR=VALUE ...] — one quick A/B point for docs/benchmarks.md: copies
# the filled data dir SRC, starts BINARY serve with the given environment, runs wrk (-t2
# -c64 -dD, default 5s) on the list (per_page=50) and on random single GETs, prints req/s,
# p99 and the server's CPU time per request. With a binary built from knobs.patch the
# environment switches the experiments on (BENCH_PRAGMA, BENCH_AUDIT_LINGER_MS,
# BENCH_NO_AUDIT, BENCH_NO_TARGETS, BENCH_LIST_CACHE); see docs/benchmarks.md.
#   bench/lib/fill-certs.sh 100000 /tmp/f100k
#   SRC=/tmp/f100k bench/experiments/ab.sh base ./certctl-knobs
#   SRC=/tmp/f100k bench/experiments/ab.sh linger ./certctl-knobs BENCH_AUDIT_LINGER_MS=500
# Host network, port AB_PORT (38506). Not part of run-all.sh.
set -euo pipefail
[ "$#" -ge 2 ] || { echo "usage: SRC=DATADIR $0 LABEL BINARY [VAR=VALUE ...]" >&2; exit 2; }
label="$1" bin="$2"
shift 2
: "${SRC:?SRC=a data dir filled by bench/lib/fill-certs.sh}"
BENCH_LIB="$(cd "$(dirname "$0")/../lib" && pwd)"
export BENCH_LIB
port="${AB_PORT:-38506}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/certctl-ab.XXXXXX")"
P=""
trap '[ -z "$P" ] || { kill "$P" 2>/dev/null; wait "$P" 2>/dev/null; }; rm -rf "$tmp"' EXIT
cp -r "$SRC" "$tmp/d"
env "$@" CERTCTL_AUTH_SECRET=benchkey CERTCTL_RATE_LIMIT_ENABLED=false CERTCTL_LOG_LEVEL=warn \
	CERTCTL_LOG_FILE="$tmp/serve.log" "$bin" serve --data-dir "$tmp/d" --port "$port" >/dev/null 2>&1 &
P=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.05; done
sqlite3 "$tmp/d/certctl.db" "SELECT id FROM managed_certificates ORDER BY random() LIMIT 10000" >"$tmp/ids.txt"
export BENCH_IDS="$tmp/ids.txt"
hz="$(getconf CLK_TCK)"
get() { printf '%s\n' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k{print $2}'; }
out=""
for t in "list|/api/v1/certificates?per_page=50|wrk-plain.lua" "get|/api/v1/certificates/|wrk-ids.lua"; do
	IFS='|' read -r n p l <<<"$t"
	c0="$(awk '{print $14+$15}' "/proc/$P/stat")"
	line="$(wrk -t2 -c64 -d"${D:-5s}" -H 'Authorization: Bearer benchkey' -s "$BENCH_LIB/$l" \
		"http://127.0.0.1:$port$p" | grep WRKRESULT)"
	c1="$(awk '{print $14+$15}' "/proc/$P/stat")"
	out="$out $n: $(printf '%.0f' "$(get "$line" rps)")/s p99=$(get "$line" p99_ms)ms cpu=$(awk -v a="$c0" -v b="$c1" -v r="$(get "$line" requests)" -v hz="$hz" 'BEGIN{printf "%.0f", (b-a)*1e6/hz/r}')us |"
done
echo "$label:$out"
