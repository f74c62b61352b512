#!/usr/bin/env bash
# 01-api.sh — certctl serve on SQLite with API_CERTS (100,000) certificates under
# wrk -t2 -c64 -d10s, RUNS times each (median):
#   GET /health                                  the server's ceiling (no auth, no database)
#   GET /api/v1/certificates?per_page=50         the first page of the list, Bearer key
#   GET /api/v1/certificates/{id}                random ids (API_IDS of them, lib/wrk-ids.lua)
# Prints RESULT lines: req/s, p50 and p99 latency, errors, the server's CPU time per request,
# the list and get rates as a share of /health, and RSS after the load.
# The load starts once the server is idle (lib/common.sh wait_idle): a first start over this
# database queues about 50,000 renewals, and the job processor takes a while over them.
# Builds nothing: it measures build/certctl (or $CERTCTL), copied to the scratch dir.
# Env: API_CERTS (100000)  API_IDS (10000)  API_PORT (18450)  RUNS  WRK_*  BENCH_NETNS
#      BENCH_TMP  KEEP_WORK  CERTCTL
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
enter_netns "$@"
require wrk sqlite3 curl jq python3

API_CERTS="${API_CERTS:-100000}"
API_IDS="${API_IDS:-10000}"
PORT="${API_PORT:-18450}"
BASE="http://127.0.0.1:$PORT"

bench_init api
D="$WORK/data"
t0=$(date +%s%N)
"$BENCH_LIB/fill-certs.sh" "$API_CERTS" "$D"
log "filled $API_CERTS certificates in $((($(date +%s%N) - t0) / 1000000)) ms ($(du -m "$D/certctl.db" | cut -f1) MB)"
result api_fill_ms "$((($(date +%s%N) - t0) / 1000000))" ms "certs=$API_CERTS"
sqlite3 "$D/certctl.db" "SELECT id FROM managed_certificates ORDER BY random() LIMIT $API_IDS" >"$WORK/ids.txt"
export BENCH_IDS="$WORK/ids.txt"

serve_start "$D" "$PORT" "$WORK/serve.log"
log "certctl serve pid $SERVE_PID on $BASE"
# the first start queues the renewals due in the bench database (about half of it) and the
# job processor works through them: measured during that, the list would race the writes
# that empty its page cache, so the load waits until the server is idle
wait_idle "$SERVE_PID" 300

# sanity: what wrk will hammer answers correctly
auth=(-H "Authorization: Bearer $AUTH_KEY")
list="$(curl -sf "${auth[@]}" "$BASE/api/v1/certificates?per_page=50")" || die "list failed"
[ "$(jq '.total' <<<"$list")" = "$API_CERTS" ] || die "list total is $(jq .total <<<"$list"), expected $API_CERTS"
[ "$(jq '.data | length' <<<"$list")" = 50 ] || die "list returned $(jq '.data|length' <<<"$list") items"
one="$(head -1 "$WORK/ids.txt")"
[ "$(curl -sf "${auth[@]}" "$BASE/api/v1/certificates/$one" | jq -r .id)" = "$one" ] || die "GET $one failed"
code="$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/v1/certificates?per_page=50")"
[ "$code" = 401 ] || die "list without a key answered $code, expected 401"
code="$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "$BASE/api/v1/certificates/mc-does-not-exist")"
[ "$code" = 404 ] || die "GET of an unknown id answered $code, expected 404"
list_bytes="$(curl -s "${auth[@]}" "$BASE/api/v1/certificates?per_page=50" | wc -c)"
get_bytes="$(curl -s "${auth[@]}" "$BASE/api/v1/certificates/$one" | wc -c)"

declare -A RPS
measure() { # measure NAME PATH LUA [k=v ...]
	local name="$1" path="$2" lua="$3" c0 c1 n0 n1
	shift 3
	c0="$(cpu_ms "$SERVE_PID")"
	n0="$(date +%s%N)"
	run_wrk "$name" "$BASE$path" "$lua"
	c1="$(cpu_ms "$SERVE_PID")"
	n1="$(date +%s%N)"
	RPS[$name]="$WRK_RPS"
	result "api_${name}_rps" "$WRK_RPS" req/s "runs=$RUNS wrk=-t$WRK_THREADS/-c$WRK_CONNS/-d$WRK_DURATION errors=$WRK_ERRS non2xx=$WRK_NON2XX" "$@"
	result "api_${name}_p50" "$WRK_P50" ms
	result "api_${name}_p99" "$WRK_P99" ms
	# the server's CPU time (user+sys) over all runs / the requests wrk completed; and the
	# cores it kept busy (the rest of the 2 cores is wrk and the kernel's loopback work)
	awk -v n="$name" -v c0="$c0" -v c1="$c1" -v q="$WRK_REQS" -v ms="$(((n1 - n0) / 1000000))" \
		'BEGIN { c = c1 - c0; printf "RESULT api_%s_server_cpu_per_req=%.1f unit=us server_cpu_cores=%.2f\n", n, c * 1000 / q, c / ms }'
	if [ "$WRK_ERRS" != 0 ] || [ "$WRK_NON2XX" != 0 ]; then
		log "WARNING: $name had $WRK_ERRS socket errors and $WRK_NON2XX non-2xx answers"
	fi
}

measure health /health "$BENCH_LIB/wrk-plain.lua"
measure list "/api/v1/certificates?per_page=50" "$BENCH_LIB/wrk-plain.lua" "bytes=$list_bytes certs=$API_CERTS"
measure get /api/v1/certificates/ "$BENCH_LIB/wrk-ids.lua" "bytes=$get_bytes ids=$API_IDS certs=$API_CERTS"

pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a * 100 / b }'; }
result api_list_vs_health "$(pct "${RPS[list]}" "${RPS[health]}")" % "aim>=30"
result api_get_vs_health "$(pct "${RPS[get]}" "${RPS[health]}")" %
sleep 2
result api_rss_after_load_kb "$(status_kb "$SERVE_PID" VmRSS)" kB \
	"hwm_kb=$(status_kb "$SERVE_PID" VmHWM) threads=$(awk '/^Threads:/{print $2}' "/proc/$SERVE_PID/status")"
bg_stop "$SERVE_PID"
result api_audit_rows "$(sqlite3 "$D/certctl.db" 'SELECT COUNT(*) FROM audit_events')" rows \
	"db_mb=$(du -m "$D/certctl.db" | cut -f1)"
warns="$(grep -c . "$WORK/serve.log" || true)"
[ "$warns" = 0 ] || log "serve.log: $warns lines, e.g. $(head -2 "$WORK/serve.log")"
result api_log_lines "$warns" lines "level=warn"
