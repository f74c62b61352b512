#!/usr/bin/env bash
# 02-footprint.sh — certctl serve's start-up time and memory, with FOOT_SIZES (10,000 and
# 100,000) certificates on SQLite, next to the peers measured in the same run.
#
#   start-up   time from exec to the first 200 on GET /health, polled every ~2 ms by
#              lib/probe.py (the peer harness's probe); median of FOOT_STARTS (10) starts
#   idle RSS   VmRSS (/proc/PID/status) FOOT_IDLE_SETTLE (8) s after that first 200; median.
#              Not the peers' 2 s: a first start over the bench database runs the renewal
#              check on 10,000 certificates and queues about 5,000 renewals (3.3 s on a slow
#              day), and at 2 s serve is measured in the middle of that, not idle. The
#              peers do nothing at start; they keep FOOT_SETTLE (2)
#   after load VmRSS and VmHWM 2 s after one wrk run of the list (per_page=50) and one of
#              random single GETs (wrk -t2 -c64 -dWRK_DURATION each)
#   peers      /work/shared/bench/08-footprint.sh with FOOT_TARGETS=PEER_TARGETS
#              (cfssl serve, openssl ocsp with a 10,000-entry index), FOOT_PEER_RUNS (10) runs
#
# Env: FOOT_SIZES  FOOT_STARTS  FOOT_SETTLE  FOOT_IDLE_SETTLE  FOOT_PORT (18460)  PEER_TARGETS  FOOT_PEER_RUNS
#      PEER_BENCH  BENCH_CACHE (keeps the peers' CA fixture between runs)  WRK_*  CERTCTL
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
enter_netns "$@"
require python3 wrk sqlite3 curl

FOOT_SIZES="${FOOT_SIZES:-10000 100000}"
FOOT_STARTS="${FOOT_STARTS:-10}"
FOOT_SETTLE="${FOOT_SETTLE:-2}"
FOOT_IDLE_SETTLE="${FOOT_IDLE_SETTLE:-8}"
PORT="${FOOT_PORT:-18460}"
PEER_TARGETS="${PEER_TARGETS-cfssl-serve openssl-ocsp}"
FOOT_PEER_RUNS="${FOOT_PEER_RUNS:-$FOOT_STARTS}"
BENCH_CACHE="${BENCH_CACHE:-$BENCH_TMP/cache}"

bench_init footprint
BASE="http://127.0.0.1:$PORT"

for n in $FOOT_SIZES; do
	D="$WORK/data-$n"
	"$BENCH_LIB/fill-certs.sh" "$n" "$D"
	sqlite3 "$D/certctl.db" "SELECT id FROM managed_certificates ORDER BY random() LIMIT 10000" >"$WORK/ids-$n.txt"
	log "$n certificates: $(du -m "$D/certctl.db" | cut -f1) MB"

	# start-up and idle RSS: FOOT_STARTS fresh processes
	st=() rss=() hwm=()
	serve_cmd "$D" "$PORT" "$WORK/serve-$n.log"
	for i in $(seq "$FOOT_STARTS"); do
		line="$(env "${SERVE_ENV[@]}" python3 "$BENCH_LIB/probe.py" --settle "$FOOT_IDLE_SETTLE" --log "$WORK/probe-$n.log" \
			--url "$BASE/health" -- "${SERVE_CMD[@]}")"
		case "$line" in "PROBE startup_ms="*) ;; *) die "probe failed: $line ($(tail -3 "$WORK/probe-$n.log" "$WORK/serve-$n.log"))" ;; esac
		log "certctl $n certs, start $i: ${line#PROBE }"
		st+=("$(kv "$line" startup_ms)")
		rss+=("$(kv "$line" rss_kb)")
		hwm+=("$(kv "$line" hwm_kb)")
		threads="$(kv "$line" threads)"
		wait_free "$PORT"
	done
	range="$(printf '%s\n' "${st[@]}" | sort -g | sed -n '1p;$p' | paste -sd-)"
	result "footprint_certctl_${n}certs_startup_ms" "$(printf '%s\n' "${st[@]}" | median)" ms \
		"runs=$FOOT_STARTS range=$range"
	result "footprint_certctl_${n}certs_idle_rss_kb" "$(printf '%s\n' "${rss[@]}" | median)" kB \
		"hwm_kb=$(printf '%s\n' "${hwm[@]}" | median) threads=$threads settle_s=$FOOT_IDLE_SETTLE"

	# RSS after load
	serve_start "$D" "$PORT" "$WORK/serve-$n.log"
	sleep "$FOOT_SETTLE"
	idle="$(status_kb "$SERVE_PID" VmRSS)"
	export BENCH_IDS="$WORK/ids-$n.txt"
	RUNS=1 run_wrk "list-$n" "$BASE/api/v1/certificates?per_page=50" "$BENCH_LIB/wrk-plain.lua"
	RUNS=1 run_wrk "get-$n" "$BASE/api/v1/certificates/" "$BENCH_LIB/wrk-ids.lua"
	sleep "$FOOT_SETTLE"
	result "footprint_certctl_${n}certs_rss_after_load_kb" "$(status_kb "$SERVE_PID" VmRSS)" kB \
		"hwm_kb=$(status_kb "$SERVE_PID" VmHWM) idle_before_kb=$idle threads=$(awk '/^Threads:/{print $2}' "/proc/$SERVE_PID/status") load=list+get,wrk-t$WRK_THREADS/-c$WRK_CONNS/-d$WRK_DURATION"
	bg_stop "$SERVE_PID"
	wait_free "$PORT"
	rm -rf "$D"
done

# the peers, in the same run and the same network namespace
if [ -n "$PEER_TARGETS" ]; then
	if [ -x "$PEER_BENCH/08-footprint.sh" ]; then
		mkdir -p "$BENCH_CACHE"
		log "peers: $PEER_BENCH/08-footprint.sh ($PEER_TARGETS), RUNS=$FOOT_PEER_RUNS"
		FOOT_TARGETS="$PEER_TARGETS" RUNS="$FOOT_PEER_RUNS" FOOT_SETTLE="$FOOT_SETTLE" \
			BENCH_TMP="$WORK/peers" FIXTURE_DIR="$BENCH_CACHE/fixture-ec256" \
			"$PEER_BENCH/08-footprint.sh" || log "WARNING: the peer footprint script failed (rc=$?)"
	else
		log "peers skipped: $PEER_BENCH/08-footprint.sh not found (set PEER_BENCH)"
	fi
fi
