#!/usr/bin/env bash
# 04-fleet.sh — one certctl serve (SQLite) under a simulated fleet of FLEET_AGENTS (10,000)
# agents, each heartbeating and polling for work once every FLEET_INTERVAL (60) s:
# 2 × 10,000 / 60 = 333 requests/s, spread evenly, at a fixed rate (lib/fleet.py, an
# open-loop asyncio generator: a new connection per agent cycle, POST .../heartbeat then
# GET .../work on it; latency counted from when each request was due).
#
# The database (lib/fleet-fill.py): the agents, each with its own agent API key (api_keys),
# an NGINX target and a certificate mapped to it; FLEET_PENDING (300) agents have a Pending
# deployment job (their /work is not empty), FLEET_AWAITING (50) certificates a Renewal job
# AwaitingCSR, and FLEET_HISTORY (20,000) completed deployment jobs of the past.
#
# Runs (each on a fresh copy of the database and a fresh server):
#   agent  FLEET_DURATION (120) s, every agent with its own key (what a real fleet does)
#   admin  FLEET_ADMIN_DURATION (60) s, every agent with the admin key (CERTCTL_AUTH_SECRET)
#   control FLEET_CONTROL_DURATION (30) s, the same schedule against GET /health: the floor
#          of what the generator and the loopback stack can measure
# Each reports the achieved rate, p50/p90/p99/p99.9/max latency (both requests, and each),
# errors, the generator's own lag, the server's CPU (utime+stime from /proc/PID/stat over
# the measured window: cores and µs per request), RSS and VmHWM, and the rows written.
#
# Env: FLEET_AGENTS (10000)  FLEET_INTERVAL (60)  FLEET_DURATION (120)  FLEET_WARMUP (10)
#      FLEET_ADMIN_DURATION (60)  FLEET_CONTROL_DURATION (30)  FLEET_MODES ("agent admin control")
#      FLEET_PENDING (300)  FLEET_AWAITING (50)  FLEET_HISTORY (20000)  FLEET_PORT (18480)
#      PERF_DIR (set: one extra 40 s agent-key run under perf record, split by
#      lib/perf-split.py --set fleet)  FLEET_SETUP_SQL (extra SQL run on the filled database,
#      for experiments, e.g. an index)  BENCH_NETNS  BENCH_TMP  KEEP_WORK  CERTCTL
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
enter_netns "$@"
require sqlite3 curl jq python3

FLEET_AGENTS="${FLEET_AGENTS:-10000}"
FLEET_INTERVAL="${FLEET_INTERVAL:-60}"
FLEET_DURATION="${FLEET_DURATION:-120}"
FLEET_WARMUP="${FLEET_WARMUP:-10}"
FLEET_ADMIN_DURATION="${FLEET_ADMIN_DURATION:-60}"
FLEET_CONTROL_DURATION="${FLEET_CONTROL_DURATION:-30}"
FLEET_MODES="${FLEET_MODES-agent admin control}"
FLEET_PENDING="${FLEET_PENDING:-300}"
FLEET_AWAITING="${FLEET_AWAITING:-50}"
FLEET_HISTORY="${FLEET_HISTORY:-20000}"
PORT="${FLEET_PORT:-18480}"
PERF_DIR="${PERF_DIR:-}"
FLEET_SETUP_SQL="${FLEET_SETUP_SQL:-}"
BASE="http://127.0.0.1:$PORT"

bench_init fleet
D0="$WORK/data0"
t0=$(date +%s%N)
CERTCTL_LOG_LEVEL=warn "$CERTCTL_BIN" db migrate --data-dir "$D0" >/dev/null
serve_start "$D0" "$PORT" "$WORK/boot.log" # first boot: iss-local, rp-default
bg_stop "$SERVE_PID"
wait_free "$PORT"
python3 "$BENCH_LIB/fleet-fill.py" "$D0/certctl.db" "$WORK/keys.txt" --agents "$FLEET_AGENTS" \
	--pending "$FLEET_PENDING" --awaiting "$FLEET_AWAITING" --history "$FLEET_HISTORY"
if [ -n "$FLEET_SETUP_SQL" ]; then sqlite3 -bail "$D0/certctl.db" "$FLEET_SETUP_SQL" >/dev/null; fi
result fleet_fill_ms "$((($(date +%s%N) - t0) / 1000000))" ms \
	"agents=$FLEET_AGENTS pending=$FLEET_PENDING awaiting=$FLEET_AWAITING history=$FLEET_HISTORY db_mb=$(du -m "$D0/certctl.db" | cut -f1)"

# fleet_run MODE DURATION [PERF]: a fresh copy of the database, a fresh server, one run
fleet_run() {
	local mode="$1" dur="$2" perf="${3:-}" d="$WORK/data-$1" auth=agent path=agent c0 c1 n0 n1 line rss0 label
	label="fleet_$mode"
	[ -n "$perf" ] && label="fleet_${mode}_perf"
	rm -rf "$d"
	cp -r "$D0" "$d"
	serve_start "$d" "$PORT" "$WORK/serve-$label.log"
	# sanity: an agent key works for its own agent and not for another one
	local id key
	read -r id key <"$WORK/keys.txt"
	[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$BASE/api/v1/agents/$id/work")" = 200 ] ||
		die "GET /agents/$id/work with its key failed"
	[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$BASE/api/v1/agents/ag-fleet-00002/work")" = 403 ] ||
		log "WARNING: an agent key could read another agent's work"
	sleep 2 # the scheduler's first runs (renewal check, agent health) are over
	if [ "$mode" = agent ] && [ -z "$perf" ]; then # what the server costs doing nothing
		c0="$(cpu_ms "$SERVE_PID")"
		sleep 10
		result fleet_idle_server_cpu "$(awk -v a="$c0" -v b="$(cpu_ms "$SERVE_PID")" 'BEGIN{printf "%.3f", (b-a)/100}')" %core \
			"window_s=10 rss_kb=$(status_kb "$SERVE_PID" VmRSS)"
	fi
	case "$mode" in admin) auth="admin" ;; control) path="health" ;; esac
	rss0="$(status_kb "$SERVE_PID" VmRSS)"
	c0="$(cpu_ms "$SERVE_PID")"
	n0="$(date +%s%N)"
	if [ -n "$perf" ]; then
		perf record -F 199 --call-graph dwarf,16384 -o "$PERF_DIR/$label.perf.data" -p "$SERVE_PID" 2>/dev/null &
		local perf_pid=$!
	fi
	line="$(FLEET_ADMIN_KEY="$AUTH_KEY" python3 "$BENCH_LIB/fleet.py" --url "$BASE" --keys "$WORK/keys.txt" \
		--auth "$auth" --path "$path" --interval "$FLEET_INTERVAL" --duration "$dur" --warmup "$FLEET_WARMUP")"
	c1="$(cpu_ms "$SERVE_PID")"
	n1="$(date +%s%N)"
	if [ -n "$perf" ]; then
		kill -INT "$perf_pid"
		wait "$perf_pid" || true
		python3 "$BENCH_LIB/perf-split.py" --set fleet \
			--us-per-op "$(awk -v c="$((${c1%.*} - ${c0%.*}))" -v q="$(kv "${line#FLEET }" requests)" -v w="$dur" -v wu="$FLEET_WARMUP" \
				'BEGIN{printf "%.1f", c*1000/(q*w/(w-wu))}')" "$PERF_DIR/$label.perf.data" >"$PERF_DIR/$label.split.txt" 2>&1 || true
		[ "${KEEP_PERF:-0}" = 1 ] || rm -f "$PERF_DIR/$label.perf.data"
		log "perf: $PERF_DIR/$label.split.txt"
	fi
	log "$label: ${line#FLEET }"
	line="${line#FLEET }"
	local reqs_all wall_ms
	wall_ms=$(((n1 - n0) / 1000000))
	# requests over the whole run (warm-up included) for the server's CPU per request
	reqs_all="$(awk -v q="$(kv "$line" requests)" -v d="$dur" -v w="$FLEET_WARMUP" 'BEGIN{printf "%d", q*d/(d-w)}')"
	result "${label}_rate" "$(kv "$line" rate)" req/s "agents=$FLEET_AGENTS interval_s=$FLEET_INTERVAL duration_s=$dur warmup_s=$FLEET_WARMUP auth=$auth requests=$(kv "$line" requests) errors=$(kv "$line" errors) non200=$(kv "$line" non200) polls_with_jobs=$(kv "$line" polls_with_jobs)"
	result "${label}_p50" "$(kv "$line" p50_ms)" ms
	result "${label}_p90" "$(kv "$line" p90_ms)" ms
	result "${label}_p99" "$(kv "$line" p99_ms)" ms "heartbeat=$(kv "$line" heartbeat_p99_ms) work=$(kv "$line" work_p99_ms) heartbeat_service=$(kv "$line" heartbeat_svc_p99_ms) work_service=$(kv "$line" work_svc_p99_ms)"
	result "${label}_p999" "$(kv "$line" p999_ms)" ms "max=$(kv "$line" max_ms)"
	result "${label}_generator_lag_p99" "$(kv "$line" lag_p99_ms)" ms "p50=$(kv "$line" lag_p50_ms) max=$(kv "$line" lag_max_ms) generator_cpu_s=$(kv "$line" gen_cpu_s)"
	awk -v n="$label" -v c="$(awk -v a="$c0" -v b="$c1" 'BEGIN{print b-a}')" -v q="$reqs_all" -v ms="$wall_ms" \
		'BEGIN { printf "RESULT %s_server_cpu=%.2f unit=%%core cpu_s=%.2f wall_s=%.1f us_per_req=%.0f\n", n, c * 100 / ms, c / 1000, ms / 1000, c * 1000 / q }'
	result "${label}_rss_kb" "$(status_kb "$SERVE_PID" VmRSS)" kB "hwm_kb=$(status_kb "$SERVE_PID" VmHWM) before_kb=$rss0 threads=$(awk '/^Threads:/{print $2}' "/proc/$SERVE_PID/status")"
	bg_stop "$SERVE_PID"
	wait_free "$PORT"
	result "${label}_rows" "$(sqlite3 "$d/certctl.db" "SELECT COUNT(*) FROM audit_events")" audit_rows \
		"heartbeats_recorded=$(sqlite3 "$d/certctl.db" "SELECT COUNT(*) FROM agents WHERE last_heartbeat_at > strftime('%Y-%m-%dT%H:%M:%f000Z','now','-$((dur + 30)) seconds')") keys_used=$(sqlite3 "$d/certctl.db" "SELECT COUNT(*) FROM api_keys WHERE last_used_at IS NOT NULL") db_mb=$(du -m "$d/certctl.db" | cut -f1) log_lines=$(grep -c . "$WORK/serve-$label.log" || true)"
	rm -rf "$d"
	if [ "$(kv "$line" errors)" != 0 ] || [ "$(kv "$line" non200)" != 0 ]; then
		log "WARNING: $label: $(kv "$line" errors) errors, $(kv "$line" non200) non-200 answers"
	fi
}

for m in $FLEET_MODES; do
	case "$m" in
	agent) fleet_run agent "$FLEET_DURATION" ;;
	admin) fleet_run admin "$FLEET_ADMIN_DURATION" ;;
	control) fleet_run control "$FLEET_CONTROL_DURATION" ;;
	*) die "unknown FLEET_MODES entry $m" ;;
	esac
done
if [ -n "$PERF_DIR" ]; then fleet_run agent 40 perf; fi
