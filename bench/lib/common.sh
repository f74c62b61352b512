# shellcheck shell=bash
# shellcheck disable=SC2034  # WRK_*, SERVE_* and BENCH_* are outputs for the sourcing script
# Helpers for certctl's own benchmarks (bench/*.sh). Same conventions as the peer harness
# in /work/shared/bench (lib/common.sh there): `RESULT name=value unit=... [k=v ...]` lines
# on stdout, progress on stderr, medians of RUNS, servers stopped by PID only.
#
# Knobs (environment):
#   RUNS          repetitions per wrk measurement, median reported (default 3)
#   WRK_THREADS / WRK_CONNS / WRK_DURATION   wrk -t / -c / -d (2 / 64 / 10s)
#   CERTCTL       binary to measure (default: build/certctl; copied to the scratch dir first,
#                 so a rebuild during the run does not change what is measured)
#   BENCH_TMP     parent of the scratch dirs (default ${TMPDIR:-/tmp}/certctl-bench)
#   BENCH_NETNS   1 (default): run inside a private network namespace (unshare -n) whose
#                 only interface is lo, so no port can clash with other servers; 0: host
#   KEEP_WORK     1: keep the scratch dir
#   PEER_BENCH    the peer harness (default /work/shared/bench)

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$BENCH_ROOT/.." && pwd)"
BENCH_LIB="$BENCH_ROOT/lib"
export BENCH_ROOT BENCH_LIB
RUNS="${RUNS:-3}"
WRK_THREADS="${WRK_THREADS:-2}"
WRK_CONNS="${WRK_CONNS:-64}"
WRK_DURATION="${WRK_DURATION:-10s}"
BENCH_TMP="${BENCH_TMP:-${TMPDIR:-/tmp}/certctl-bench}"
KEEP_WORK="${KEEP_WORK:-0}"
PEER_BENCH="${PEER_BENCH:-/work/shared/bench}"
AUTH_KEY="${AUTH_KEY:-bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export LC_ALL=C

_PIDS=()
WORK=""

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FATAL: $*"; exit 1; }

# result METRIC VALUE UNIT [k=v ...]
result() {
	local m="$1" v="$2" u="$3"
	shift 3
	printf 'RESULT %s=%s unit=%s' "$m" "$v" "$u"
	[ "$#" -gt 0 ] && printf ' %s' "$@"
	printf '\n'
}

require() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || die "missing tool: $c (apt-get install $c)"
	done
}

# re-exec the calling script in a network namespace of its own (only lo), once
enter_netns() {
	if [ "${BENCH_NETNS:-1}" = 1 ] && [ "${_BENCH_IN_NETNS:-0}" != 1 ]; then
		if unshare -n true 2>/dev/null; then
			export _BENCH_IN_NETNS=1
			exec unshare -n bash "$0" "$@"
		fi
		log "unshare -n unavailable: running on the host network (servers bind 127.0.0.1)"
	fi
	if [ "${_BENCH_IN_NETNS:-0}" = 1 ]; then ip link set lo up; fi
}

bench_init() {
	mkdir -p "$BENCH_TMP"
	WORK="$(mktemp -d "$BENCH_TMP/$1.XXXXXX")"
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	log "scratch dir $WORK"
	local src="${CERTCTL:-$REPO_ROOT/build/certctl}"
	[ -x "$src" ] || die "$src not found: run make first (the benchmarks build nothing)"
	cp "$src" "$WORK/certctl"
	CERTCTL_BIN="$WORK/certctl"
	export CERTCTL="$CERTCTL_BIN" # for lib/fill-certs.sh
	log "measuring $("$CERTCTL_BIN" version 2>/dev/null | head -1) ($src)"
}

bench_cleanup() {
	local rc=$? p
	for p in "${_PIDS[@]}"; do bg_stop "$p"; done
	if [ -n "$WORK" ] && [ -d "$WORK" ]; then
		if [ "$KEEP_WORK" = 1 ]; then log "keeping $WORK"; else rm -rf "$WORK"; fi
	fi
	rmdir "$BENCH_TMP" 2>/dev/null || true
	return $rc
}

# serve_cmd DATADIR PORT LOGFILE -> SERVE_ENV and SERVE_CMD (arrays): certctl serve with
# the benchmark settings: a configured API key (so no bootstrap key is created), no rate
# limit, logs to a file at warn level so that logging does not dominate. Run it as
# env "${SERVE_ENV[@]}" "${SERVE_CMD[@]}" (the environment can also be given to a wrapper,
# e.g. probe.py, so that no env(1) exec is timed)
serve_cmd() {
	SERVE_ENV=(CERTCTL_AUTH_SECRET="$AUTH_KEY" CERTCTL_RATE_LIMIT_ENABLED=false
		CERTCTL_LOG_LEVEL=warn CERTCTL_LOG_FILE="$3")
	SERVE_CMD=("$CERTCTL_BIN" serve --data-dir "$1" --host 127.0.0.1 --port "$2")
}

# serve_start DATADIR PORT LOGFILE -> SERVE_PID, once /health answers 200
serve_start() {
	serve_cmd "$@"
	env "${SERVE_ENV[@]}" "${SERVE_CMD[@]}" >>"$3.stdout" 2>&1 &
	SERVE_PID=$!
	_PIDS+=("$SERVE_PID")
	wait_http "http://127.0.0.1:$2/health" 20 ||
		die "serve did not answer (log: $(tail -3 "$3" "$3.stdout" 2>/dev/null))"
}

descendants() {
	local c
	# shellcheck disable=SC2013  # the children files hold space-separated PIDs
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}

# bg_stop PID: TERM it (and descendants), wait up to 10 s, then KILL
bg_stop() {
	local pid="$1" kids p i alive keep=()
	kids="$(descendants "$pid")"
	# shellcheck disable=SC2086
	kill -TERM "$pid" $kids 2>/dev/null || true
	for i in $(seq 100); do
		alive=0
		for p in $pid $kids; do
			kill -0 "$p" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ] && alive=1
		done
		[ "$alive" = 0 ] && break
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -KILL "$pid" $kids 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	for p in "${_PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
	_PIDS=("${keep[@]}")
}

# wait_http URL [timeout_s]: until it answers 200
wait_http() {
	local url="$1" t="${2:-20}" deadline
	deadline=$(($(date +%s) + t))
	while [ "$(date +%s)" -lt "$deadline" ]; do
		[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null)" = 200 ] && return 0
		sleep 0.02
	done
	return 1
}

# wait_free PORT: until nothing listens on PORT any more
wait_free() {
	local i
	for i in $(seq 200); do
		[ -z "$(ss -ltnH "sport = :$1" 2>/dev/null)" ] && return 0
		sleep 0.05
	done
}

# status_kb PID FIELD -> the value of FIELD (VmRSS, VmHWM, ...) in /proc/PID/status, kB
# cpu_ms PID: the process's CPU time (user + sys) so far, in ms, from /proc/PID/stat
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$1/stat"; }

# wait_idle PID [MAX_S]: until the process used under 20 ms of CPU in a second (its
# start-up work done: a first start over a large database runs the renewal check and the
# job processor over every certificate), at most MAX_S (120) s; logs how long it took
wait_idle() {
	local pid=$1 max=${2:-120} t0 prev now i
	t0=$(date +%s)
	prev=$(cpu_ms "$pid")
	for ((i = 0; i < max; i++)); do
		sleep 1
		now=$(cpu_ms "$pid")
		if awk -v a="$prev" -v b="$now" 'BEGIN { exit !(b - a < 20) }'; then
			log "pid $pid idle after $(($(date +%s) - t0)) s"
			return 0
		fi
		prev=$now
	done
	log "WARNING: pid $pid still busy after $max s"
}

status_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }

median() {
	sort -g | awk '{a[NR]=$1} END{ if (NR==0) {print "NaN"; exit}
    if (NR%2) printf "%s\n", a[(NR+1)/2]; else printf "%.6g\n", (a[NR/2]+a[NR/2+1])/2 }'
}

# kv "k1=v1 k2=v2" KEY -> v
kv() { printf '%s\n' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k{print $2; exit}'; }

# run_wrk LABEL URL LUA: RUNS wrk runs with the API key header; sets WRK_RPS WRK_P50 WRK_P99
# (medians), WRK_ERRS (socket errors), WRK_NON2XX and WRK_REQS (requests), summed over runs
run_wrk() {
	local label="$1" url="$2" lua="$3" i out line rps=() p50=() p99=() errs=0 non2xx=0 reqs=0
	for i in $(seq "$RUNS"); do
		out="$(wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"$WRK_DURATION" --timeout 5s \
			-H "Authorization: Bearer $AUTH_KEY" -s "$lua" "$url" 2>&1)" || true
		line="$(printf '%s\n' "$out" | grep '^WRKRESULT ' | tail -1)"
		[ -n "$line" ] || {
			printf '%s\n' "$out" >&2
			die "wrk produced no WRKRESULT line ($label)"
		}
		log "$label run $i: ${line#WRKRESULT }"
		rps+=("$(kv "$line" rps)")
		p50+=("$(kv "$line" p50_ms)")
		p99+=("$(kv "$line" p99_ms)")
		errs=$((errs + $(kv "$line" err_connect) + $(kv "$line" err_read) + $(kv "$line" err_write) + $(kv "$line" err_timeout)))
		non2xx=$((non2xx + $(kv "$line" err_status)))
		reqs=$((reqs + $(kv "$line" requests)))
	done
	WRK_RPS="$(printf '%s\n' "${rps[@]}" | median)"
	WRK_P50="$(printf '%s\n' "${p50[@]}" | median)"
	WRK_P99="$(printf '%s\n' "${p99[@]}" | median)"
	WRK_ERRS="$errs"
	WRK_NON2XX="$non2xx"
	WRK_REQS="$reqs"
}
