#!/usr/bin/env bash
# run-all.sh — run every certctl benchmark and collect the RESULT lines.
#   bench/run-all.sh                    every script (about 25 minutes on 2 cores)
#   ONLY="02" bench/run-all.sh          just those (by number prefix)
#   RUNS=5 WRK_DURATION=15s bench/run-all.sh   (every knob of lib/common.sh works)
#   PERF=1 bench/run-all.sh             03 and 04 add an uncounted run under perf record;
#                                       where the CPU went goes to <results>/perf/*.split.txt
# Output: bench/results/<UTC timestamp>/{machine.txt,console.log,<script>.out,<script>.log,
# results.txt}; BENCH_OUT=DIR puts the timestamped folder elsewhere.
# Builds nothing: run `make` first (it measures build/certctl, or $CERTCTL).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

ONLY="${ONLY:-}"
ts="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="${BENCH_OUT:-$BENCH_ROOT/results}/$ts"
mkdir -p "$OUT"
bin="${CERTCTL:-$REPO_ROOT/build/certctl}"
[ -x "$bin" ] || die "$bin not found: run make first"
# PERF=1: scripts that support it (03, 04) add one uncounted run under perf record
if [ "${PERF:-0}" = 1 ]; then
	export PERF_DIR="$OUT/perf"
	mkdir -p "$PERF_DIR"
fi

{
	echo "date_utc: $(date -u '+%Y-%m-%d %H:%M:%S')"
	echo "certctl: $("$bin" version 2>/dev/null | head -1) ($bin, $(stat -c %s "$bin") bytes)"
	echo "git: $(git -C "$REPO_ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo none)$(git -C "$REPO_ROOT" diff --quiet HEAD -- '*.c' '*.h' 2>/dev/null || echo ' (C sources modified since)')"
	echo "nproc: $(nproc)"
	echo "cpu: $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)"
	echo "mem_total: $(awk '/MemTotal/{print $2, $3}' /proc/meminfo)"
	echo "kernel: $(uname -r)"
	echo "os: $(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/os-release)"
	echo "sqlite3 (lib): $(sqlite3 --version | cut -d' ' -f1)"
	echo "libmicrohttpd: $(dpkg-query -W -f '${Version}' libmicrohttpd12 2>/dev/null || echo '?')"
	echo "openssl: $(openssl version)"
	echo "cfssl: $(cfssl version 2>/dev/null | head -1 || echo missing)"
	echo "wrk: $(wrk -v 2>&1 | head -1)"
	echo "python3: $(python3 --version 2>&1 | cut -d' ' -f2), cryptography $(python3 -c 'import cryptography; print(cryptography.__version__)' 2>/dev/null || echo missing)"
	echo "perf: $(perf version 2>/dev/null || echo missing)"
	echo "knobs: RUNS=$RUNS WRK=-t$WRK_THREADS/-c$WRK_CONNS/-d$WRK_DURATION BENCH_NETNS=${BENCH_NETNS:-1}"
} >"$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

want() {
	[ -z "$ONLY" ] && return 0
	case " $ONLY " in *" ${1%%-*} "*) return 0 ;; esac
	return 1
}

# busy and steal CPU seconds of the whole machine so far, from /proc/stat
cpu_busy() { awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" { printf "%.2f %.2f\n", ($2+$3+$4+$7+$8) / hz, $9 / hz }' /proc/stat; }

run() { # run NAME: bench/NAME.sh; also reports the CPU that other processes used meanwhile
	local name="$1" t0=$SECONDS rc=0 b0 b1 own
	log "=== $name (load average $(cut -d' ' -f1-3 /proc/loadavg)) ===" 2>&1 | tee -a "$OUT/console.log" >&2
	b0="$(cpu_busy)"
	/usr/bin/time -f '%U %S' -o "$OUT/$name.time" "$BENCH_ROOT/$name.sh" >"$OUT/$name.out" 2>"$OUT/$name.log" || rc=$?
	b1="$(cpu_busy)"
	own="$(awk '{print $1 + $2}' "$OUT/$name.time" | tail -1)"
	cat "$OUT/$name.out" >&2
	# foreign CPU: what the machine was busy with beyond this script's process tree (other
	# users' builds and tests disturb the figures; a few seconds is the kernel's own work)
	awk -v b0="${b0% *}" -v b1="${b1% *}" -v s0="${b0#* }" -v s1="${b1#* }" -v own="$own" -v wall=$((SECONDS - t0)) \
		'BEGIN { printf "RESULT bench_foreign_cpu_s=%.1f unit=s wall_s=%d own_cpu_s=%.1f steal_s=%.1f\n", b1 - b0 - own, wall, own, s1 - s0 }' \
		>>"$OUT/$name.out"
	grep '^RESULT ' "$OUT/$name.out" | sed "s/^RESULT /RESULT [$name] /" >>"$OUT/results.txt" || true
	log "=== $name done in $((SECONDS - t0)) s, rc=$rc, $(tail -1 "$OUT/$name.out" | cut -d' ' -f2-) (load average $(cut -d' ' -f1-3 /proc/loadavg)) ===" 2>&1 | tee -a "$OUT/console.log" >&2
	[ "$rc" = 0 ] || echo "FAILED $name rc=$rc (see $OUT/$name.log)" >>"$OUT/results.txt"
}

: >"$OUT/results.txt"
want 01 && run 01-api
want 02 && run 02-footprint
want 03 && run 03-issue
want 04 && run 04-fleet
want 05 && run 05-revocation
log "results: $OUT/results.txt ($(grep -c '^RESULT' "$OUT/results.txt") RESULT lines)"
! grep -q '^FAILED' "$OUT/results.txt"
