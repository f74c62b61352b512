#!/usr/bin/env bash
# 03-issue.sh — issuance throughput of certctl's Local CA through the API, next to
# `cfssl serve` and `openssl speed` measured by the peer harness in the same run.
#
# CSR submission: POST /api/v1/agents/{id}/csr {"csr_pem", "certificate_id"} with the admin
#   key (agent keygen mode): the server verifies the CSR, signs it and stores a version, a
#   notification and the audit events in one transaction, and answers 202 "csr_signed".
#   wrk -t2 -c64 -d10s (RUNS times, median) with lib/wrk-bodies.lua cycling through
#   ISSUE_N request bodies (lib/gen-csrs.py): ISSUE_N distinct CSRs for ISSUE_N distinct
#   certificates, or ("same") one CSR for all of them, the case cfssl's baseline measures
#   (the Local CA caches the verification of identical CSR bytes). Each case gets a fresh
#   data directory and server.
#   ISSUE_CASES entries are CA:LEAF[:same]: CA ec256 is the self-signed Local CA (ECDSA
#   P-256), CA rsa2048 is sub-CA mode (CERTCTL_CA_CERT_PATH/KEY_PATH, an RSA-2048 CA made
#   by openssl, as 05-issue-cfssl.sh's rsa2048 row); LEAF is the CSR's key.
# Server keygen: CERTCTL_KEYGEN_MODE=server, KEYGEN_N_<leaf> certificates with a Pending
#   Issuance job each (SQL), then `certctl serve` with the job processor every 1 s; the
#   time from the first job's start to the last job's completion (the jobs' own
#   timestamps) gives certificates/s, key generation included. The key type follows the
#   certificate's profile: none -> ECDSA P-256, [{"algorithm":"RSA","min_size":2048}] ->
#   RSA-2048. Also reported: the rate inside one job-processor tick (what the single
#   scheduler thread manages while it works) and the server's CPU per certificate.
# Every case checks a sample of ISSUE_SAMPLE issued certificates with `openssl verify`
# against the CA, and their key type.
# Peers, same run: $PEER_BENCH/05-issue-cfssl.sh (cfssl serve, fixed P-256 CSR, P-256 and
# RSA-2048 CA) and 01-crypto-speed.sh (openssl speed, PEER_SPEED_SECONDS per figure).
#
# Env: ISSUE_N (2000)  ISSUE_CASES  KEYGEN_CASES ("ec256:ec256 ec256:rsa2048")
#      KEYGEN_N_EC256 (3000)  KEYGEN_N_RSA2048 (150)  ISSUE_SAMPLE (5)  ISSUE_PORT (18470)
#      PEERS ("cfssl speed", empty to skip)  PEER_SPEED_SECONDS (1)  BENCH_CACHE (keeps the
#      generated CSRs)  PERF_DIR (set: one extra, uncounted run of each case under
#      `perf record --call-graph dwarf -F PERF_FREQ`, reports written there)
#      ISSUE_SETUP_SQL (extra SQL run on every fresh database, for experiments, e.g. an index)  RUNS  WRK_*  BENCH_NETNS
#      CEILING (1: also measure experiments/ceiling.c, verify + sign with nothing stored,
#      built from build/libcertctl.a; 0 to skip)  BENCH_TMP  KEEP_WORK  CERTCTL
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
enter_netns "$@"
require wrk sqlite3 curl jq python3 openssl
python3 -c 'import cryptography' 2>/dev/null || die "python3 cryptography missing (apt-get install python3-cryptography)"

ISSUE_N="${ISSUE_N:-2000}"
ISSUE_CASES="${ISSUE_CASES-ec256:ec256 ec256:ec256:same ec256:rsa2048 rsa2048:ec256 rsa2048:ec256:same}"
KEYGEN_CASES="${KEYGEN_CASES-ec256:ec256 ec256:rsa2048}"
KEYGEN_N_EC256="${KEYGEN_N_EC256:-3000}"
KEYGEN_N_RSA2048="${KEYGEN_N_RSA2048:-150}"
ISSUE_SAMPLE="${ISSUE_SAMPLE:-5}"
PORT="${ISSUE_PORT:-18470}"
PEERS="${PEERS-cfssl speed}"
PEER_SPEED_SECONDS="${PEER_SPEED_SECONDS:-1}"
BENCH_CACHE="${BENCH_CACHE:-$BENCH_TMP/cache}"
PERF_DIR="${PERF_DIR:-}"
ISSUE_SETUP_SQL="${ISSUE_SETUP_SQL:-}"
PERF_FREQ="${PERF_FREQ:-299}"
BASE="http://127.0.0.1:$PORT"
AGENT=ag-iss-1
export WRK_THREADS

bench_init issue
mkdir -p "$BENCH_CACHE"

# ---- fixtures ----

# bodies KEY [same] -> path of a cached body file (ISSUE_N lines)
bodies() {
	local f="$BENCH_CACHE/csr-bodies-$1-${2:-distinct}-$ISSUE_N.jsonl"
	if [ ! -s "$f" ]; then
		python3 "$BENCH_LIB/gen-csrs.py" --key "$1" --n "$ISSUE_N" ${2:+--same} --out "$f.tmp"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}

# an RSA-2048 CA for sub-CA mode, as the peer harness's make_ca
RSA_CA="$WORK/rsa-ca"
mkdir -p "$RSA_CA"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$RSA_CA/ca.key" 2>/dev/null
openssl req -x509 -new -key "$RSA_CA/ca.key" -sha256 -days 3650 -subj "/CN=certctl-bench issuing CA (rsa2048)" \
	-addext "basicConstraints=critical,CA:true" \
	-addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" -out "$RSA_CA/ca.pem" 2>/dev/null

# ca_env CA -> CA_ENV (array) for serve
ca_env() {
	CA_ENV=()
	[ "$1" = rsa2048 ] && CA_ENV=(CERTCTL_CA_CERT_PATH="$RSA_CA/ca.pem" CERTCTL_CA_KEY_PATH="$RSA_CA/ca.key")
	return 0
}

# the trust anchor to verify against: the sub-CA file, or the self-signed CA's certificate
ca_file() { # ca_file CA DATADIR
	if [ "$1" = rsa2048 ]; then echo "$RSA_CA/ca.pem"; else echo "$2/ca-anchor.pem"; fi
}

# setup DATADIR CA N [PROFILE_RULES] [JOBS]: first boot (iss-local, rp-default), then a team,
# an owner, an agent and N certificates mc-iss-00001… (Active, expiring in 300 days: the
# renewal check leaves them alone) for iss-local; JOBS=1 adds a Pending Issuance job for
# each; PROFILE_RULES (JSON) gives them a profile with those allowed_key_algorithms
setup() {
	local d="$1" ca="$2" n="$3" rules="${4:-}" jobs="${5:-0}" prof=NULL
	ca_env "$ca"
	CERTCTL_AUTH_SECRET="$AUTH_KEY" CERTCTL_LOG_LEVEL=warn CERTCTL_LOG_FILE="$d.boot.log" \
		"$CERTCTL_BIN" db migrate --data-dir "$d" >/dev/null
	serve_with "$d" "$PORT" "$d.boot.log" "${CA_ENV[@]}" CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=1h
	bg_stop "$SERVE_PID"
	wait_free "$PORT"
	if [ -n "$rules" ]; then prof="'prof-iss'"; fi
	sqlite3 -bail "$d/certctl.db" >/dev/null <<SQL
PRAGMA foreign_keys = ON;
BEGIN;
INSERT INTO teams (id, name, description) VALUES ('t-iss', 'issuance', 'bench');
INSERT INTO owners (id, name, email, team_id) VALUES ('o-iss', 'Issuer Bench', 'iss@example.com', 't-iss');
INSERT INTO agents (id, name, hostname, status, last_heartbeat_at, api_key_hash, os, architecture, ip_address, version)
VALUES ('$AGENT', 'iss-agent', 'iss.example.com', 'Online', strftime('%Y-%m-%dT%H:%M:%f000Z','now'),
        lower(hex(randomblob(32))), 'linux', 'amd64', '10.0.0.9', '0.1.0');
$( [ -n "$rules" ] && echo "INSERT INTO certificate_profiles (id, name, allowed_key_algorithms) VALUES ('prof-iss', 'bench-iss', '$rules');")
WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $n)
INSERT INTO managed_certificates (id, name, common_name, sans, environment, owner_id, team_id, issuer_id,
    renewal_policy_id, status, expires_at, certificate_profile_id)
SELECT printf('mc-iss-%05d', n), printf('iss-%05d', n), printf('svc-%05d.bench.test', n),
       json_array(printf('svc-%05d.bench.test', n)), 'production', 'o-iss', 't-iss', 'iss-local',
       'rp-default', 'Active', strftime('%Y-%m-%dT%H:%M:%f000Z','now','+300 days'), $prof
FROM s;
$( [ "$jobs" = 1 ] && echo "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $n)
INSERT INTO jobs (id, type, certificate_id, status, attempts, max_attempts, scheduled_at, created_at)
SELECT printf('job-iss-%05d', n), 'Issuance', printf('mc-iss-%05d', n), 'Pending', 0, 3,
       strftime('%Y-%m-%dT%H:%M:%f000Z','now','-1 seconds'), strftime('%Y-%m-%dT%H:%M:%f000Z','now')
FROM s;")
COMMIT;
SQL
	if [ -n "$ISSUE_SETUP_SQL" ]; then sqlite3 -bail "$d/certctl.db" "$ISSUE_SETUP_SQL" >/dev/null; fi
}

# the self-signed CA's certificate, from its files (<data dir>/ca/iss-local/ca.crt, written at the
# issuer's first use)
anchor() { # anchor CA DATADIR
	local d="$2" f
	[ "$1" = rsa2048 ] && return 0
	f="$(find "$d/ca" -name 'ca.crt' 2>/dev/null | head -1)"
	[ -n "$f" ] || die "no CA certificate found under $d/ca"
	cp "$f" "$d/ca-anchor.pem"
}

# verify_sample CA DATADIR LEAFKEY LABEL: ISSUE_SAMPLE random newest versions, each leaf
# verified against the CA with openssl, and its public key of the expected type
verify_sample() {
	local ca="$1" d="$2" want="$3" label="$4" ok=0 n=0 id pk
	local anchor_f
	anchor "$ca" "$d"
	anchor_f="$(ca_file "$ca" "$d")"
	case "$want" in ec256) want="id-ecPublicKey.*256 bit|256 bit.*id-ecPublicKey" ;; rsa2048) want="rsaEncryption.*2048 bit|2048 bit.*rsaEncryption" ;; esac
	for id in $(sqlite3 "$d/certctl.db" "SELECT id FROM certificate_versions ORDER BY random() LIMIT $ISSUE_SAMPLE"); do
		n=$((n + 1))
		sqlite3 "$d/certctl.db" "SELECT pem_chain FROM certificate_versions WHERE id = '$id'" |
			awk '/BEGIN CERT/{k++} k==1' >"$d/leaf.pem"
		pk="$(openssl x509 -in "$d/leaf.pem" -noout -text | grep -E 'Public Key Algorithm|Public-Key' | tr -s ' \n' ' ')"
		if openssl verify -CAfile "$anchor_f" "$d/leaf.pem" >/dev/null 2>&1 && grep -Eq "$want" <<<"$pk"; then
			ok=$((ok + 1))
		else
			log "$label: version $id does not verify or has the wrong key ($pk)"
		fi
	done
	local sigalg
	sigalg="$(openssl x509 -in "$d/leaf.pem" -noout -text 2>/dev/null | awk '/Signature Algorithm/{print $3; exit}')"
	result "${label}_verified" "$ok" certs "sample=$n anchor=$(basename "$anchor_f") sigalg=$sigalg"
	if [ "$ok" != "$n" ] || [ "$n" = 0 ]; then log "WARNING: $label: $ok of $n sampled certificates verified"; fi
}

# serve_with DATADIR PORT LOG [VAR=VALUE ...]: serve_start with extra environment
serve_with() {
	local d="$1" p="$2" l="$3" a
	shift 3
	for a in "$@"; do export "${a?}"; done
	serve_start "$d" "$p" "$l"
	for a in "$@"; do unset "${a%%=*}"; done
}

# perf_report LABEL [US_PER_CERT]: PERF_DIR/LABEL.split.txt (lib/perf-split.py: the CPU by
# stage of an issuance) and .flat.txt (by shared object and symbol); the perf.data is removed
# unless KEEP_PERF=1
perf_report() {
	python3 "$BENCH_LIB/perf-split.py" --set issue ${2:+--us-per-op "$2"} "$PERF_DIR/$1.perf.data" \
		>"$PERF_DIR/$1.split.txt" 2>&1 || true
	perf report -i "$PERF_DIR/$1.perf.data" --no-children --sort dso,symbol --stdio -g none --percent-limit 0.7 \
		>"$PERF_DIR/$1.flat.txt" 2>/dev/null || true
	[ "${KEEP_PERF:-0}" = 1 ] || rm -f "$PERF_DIR/$1.perf.data"
	log "perf: $PERF_DIR/$1.{split,flat}.txt"
}

# us_per_cert CPU_MS_BEFORE CPU_MS_AFTER: server CPU per request of the last run_wrk, in µs
us_per_cert() { awk -v a="$1" -v b="$2" -v q="$WRK_REQS" 'BEGIN { printf "%.0f", (b - a) * 1000 / q }'; }

# ---- CSR submission ----

declare -A R
csr_case() { # csr_case CA LEAF [same]
	local ca="$1" leaf="$2" same="${3:-}" d label c0 c1 n0 n1 body code
	label="issue_csr${same:+_same}_ca_${ca}_leaf_${leaf}"
	d="$WORK/data-$label"
	export BENCH_BODIES
	BENCH_BODIES="$(bodies "$leaf" "$same")"
	setup "$d" "$ca" "$ISSUE_N"
	ca_env "$ca"
	serve_with "$d" "$PORT" "$WORK/serve-$label.log" "${CA_ENV[@]}"
	# sanity: one submission is signed and stored
	body="$(head -1 "$BENCH_BODIES")"
	code="$(curl -s -o "$WORK/one.json" -w '%{http_code}' -H "Authorization: Bearer $AUTH_KEY" \
		-H 'Content-Type: application/json' --data-binary "$body" "$BASE/api/v1/agents/$AGENT/csr")"
	[ "$code" = 202 ] || die "$label: CSR submission answered $code: $(head -c 300 "$WORK/one.json")"
	[ "$(jq -r .status "$WORK/one.json")" = csr_signed ] ||
		die "$label: CSR submission answered $code: $(head -c 300 "$WORK/one.json")"
	c0="$(cpu_ms "$SERVE_PID")"
	n0="$(date +%s%N)"
	run_wrk "$label" "$BASE/api/v1/agents/$AGENT/csr" "$BENCH_LIB/wrk-bodies.lua"
	c1="$(cpu_ms "$SERVE_PID")"
	n1="$(date +%s%N)"
	R[$label]="$WRK_RPS"
	R[${label}_p99]="$WRK_P99"
	result "${label}_rps" "$WRK_RPS" certs/s "runs=$RUNS wrk=-t$WRK_THREADS/-c$WRK_CONNS/-d$WRK_DURATION errors=$WRK_ERRS non2xx=$WRK_NON2XX bodies=$(wc -l <"$BENCH_BODIES")${same:+ one_csr=1}"
	result "${label}_p50" "$WRK_P50" ms
	result "${label}_p99" "$WRK_P99" ms
	result "${label}_server_cpu_per_cert" "$(us_per_cert "$c0" "$c1")" us \
		"server_cpu_cores=$(awk -v a="$c0" -v b="$c1" -v ms="$(((n1 - n0) / 1000000))" 'BEGIN { printf "%.2f", (b - a) / ms }')"
	result "${label}_rss_kb" "$(status_kb "$SERVE_PID" VmRSS)" kB "hwm_kb=$(status_kb "$SERVE_PID" VmHWM) threads=$(awk '/^Threads:/{print $2}' "/proc/$SERVE_PID/status")"
	if [ "$WRK_ERRS" != 0 ] || [ "$WRK_NON2XX" != 0 ]; then
		log "WARNING: $label had $WRK_ERRS socket errors and $WRK_NON2XX non-2xx answers"
	fi
	if [ -n "$PERF_DIR" ]; then # one more run, not counted, with perf attached
		perf record -F "$PERF_FREQ" --call-graph dwarf,16384 -o "$PERF_DIR/$label.perf.data" -p "$SERVE_PID" -- sleep "${WRK_DURATION%s}" 2>/dev/null &
		local perf_pid=$!
		RUNS=1 run_wrk "$label-perf" "$BASE/api/v1/agents/$AGENT/csr" "$BENCH_LIB/wrk-bodies.lua"
		wait "$perf_pid" || true
		perf_report "$label" "$(us_per_cert "$c0" "$c1")"
	fi
	bg_stop "$SERVE_PID"
	wait_free "$PORT"
	# every 202 stored a version (wrk's count includes the sanity request's absence: +1)
	result "${label}_versions" "$(sqlite3 "$d/certctl.db" 'SELECT COUNT(*) FROM certificate_versions')" rows \
		"requests=$((WRK_REQS + 1)) audit_rows=$(sqlite3 "$d/certctl.db" 'SELECT COUNT(*) FROM audit_events') notifications=$(sqlite3 "$d/certctl.db" 'SELECT COUNT(*) FROM notification_events') db_mb=$(du -m "$d/certctl.db" | cut -f1) log_lines=$(grep -c . "$WORK/serve-$label.log" || true)"
	verify_sample "$ca" "$d" "$leaf" "$label"
	rm -rf "$d" "$d".*
}

for c in $ISSUE_CASES; do
	IFS=: read -r ca leaf same <<<"$c"
	csr_case "$ca" "$leaf" "$same"
done

# ---- server keygen ----

keygen_case() { # keygen_case CA LEAF
	local ca="$1" leaf="$2" label="issue_keygen_ca_${1}_leaf_${2}" n rules="" i d c0 c1 t0 t1 done_n line
	local rate=() tick=() cpu=() wall=()
	case "$leaf" in
	ec256) n="$KEYGEN_N_EC256" ;;
	rsa2048) n="$KEYGEN_N_RSA2048" rules='[{"algorithm":"RSA","min_size":2048}]' ;;
	*) die "unknown leaf key $leaf" ;;
	esac
	for i in $(seq "$RUNS"); do
		d="$WORK/data-$label-$i"
		setup "$d" "$ca" "$n" "$rules" 1
		ca_env "$ca"
		t0="$(date +%s%N)"
		serve_with "$d" "$PORT" "$WORK/serve-$label.log" "${CA_ENV[@]}" CERTCTL_KEYGEN_MODE=server \
			CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=1s
		c0="$(cpu_ms "$SERVE_PID")"
		done_n=0
		while :; do
			done_n="$(sqlite3 "$d/certctl.db" "SELECT COUNT(*) FROM jobs WHERE status IN ('Completed','Failed')" 2>/dev/null || echo "$done_n")"
			[ "$done_n" -ge "$n" ] && break
			[ $(($(date +%s%N) - t0)) -lt $((600 * 1000000000)) ] || die "$label: only $done_n of $n jobs done after 600 s"
			sleep 0.1
		done
		t1="$(date +%s%N)"
		c1="$(cpu_ms "$SERVE_PID")"
		bg_stop "$SERVE_PID"
		wait_free "$PORT"
		# the jobs' own timestamps: first start to last completion; and per tick (jobs that
		# share a started_at were claimed in one job-processor run)
		line="$(python3 - "$d/certctl.db" <<'PY'
import sqlite3, sys, datetime, statistics
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT started_at, completed_at, status FROM jobs").fetchall()
ts = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
ok = [(ts(a), ts(b)) for a, b, st in rows if st == "Completed"]
failed = sum(1 for r in rows if r[2] != "Completed")
t0 = min(a for a, b in ok); t1 = max(b for a, b in ok)
ticks = {}
for a, b in ok: ticks.setdefault(a, []).append(b)
full = [len(v) / (max(v) - a) for a, v in ticks.items() if len(v) >= 50 and max(v) > a]
print("rate=%.1f span_s=%.3f ticks=%d tick_rate=%.1f failed=%d" % (len(ok) / (t1 - t0), t1 - t0,
      len(ticks), statistics.median(full) if full else float("nan"), failed))
PY
)"
		log "$label run $i: n=$n $line server_cpu_ms=$(awk -v a="$c0" -v b="$c1" 'BEGIN{print b-a}') wall_ms=$(((t1 - t0) / 1000000))"
		rate+=("$(kv "$line" rate)")
		tick+=("$(kv "$line" tick_rate)")
		cpu+=("$(awk -v a="$c0" -v b="$c1" -v n="$n" 'BEGIN{printf "%.0f", (b-a)*1000/n}')")
		wall+=("$(awk -v ms="$(((t1 - t0) / 1000000))" -v n="$n" 'BEGIN{printf "%.1f", n*1000/ms}')")
		[ "$(kv "$line" failed)" = 0 ] || log "WARNING: $label run $i: $(kv "$line" failed) jobs not Completed"
		if [ "$i" = "$RUNS" ]; then verify_sample "$ca" "$d" "$leaf" "$label"; fi
		rm -rf "$d" "$d".*
	done
	if [ -n "$PERF_DIR" ]; then # one more run, not counted, with perf attached from the start
		d="$WORK/data-$label-perf"
		setup "$d" "$ca" "$n" "$rules" 1
		serve_with "$d" "$PORT" "$WORK/serve-$label.log" "${CA_ENV[@]}" CERTCTL_KEYGEN_MODE=server \
			CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=1s
		perf record -F "$PERF_FREQ" --call-graph dwarf,16384 -o "$PERF_DIR/$label.perf.data" -p "$SERVE_PID" 2>/dev/null &
		local perf_pid=$!
		until [ "$(sqlite3 "$d/certctl.db" "SELECT COUNT(*) FROM jobs WHERE status IN ('Completed','Failed')" 2>/dev/null || echo 0)" -ge "$n" ]; do sleep 0.1; done
		kill -INT "$perf_pid"
		wait "$perf_pid" || true
		bg_stop "$SERVE_PID"
		wait_free "$PORT"
		perf_report "$label" "$(printf '%s\n' "${cpu[@]}" | median)"
		rm -rf "$d" "$d".*
	fi
	R[$label]="$(printf '%s\n' "${rate[@]}" | median)"
	result "${label}_rps" "${R[$label]}" certs/s "runs=$RUNS n=$n all=$(
		IFS=/
		echo "${rate[*]}"
	) interval=1s max_per_tick=500"
	result "${label}_tick_rate" "$(printf '%s\n' "${tick[@]}" | median)" certs/s "inside one job-processor run"
	result "${label}_wall_rps" "$(printf '%s\n' "${wall[@]}" | median)" certs/s "exec to all done, polled every 100 ms"
	result "${label}_server_cpu_per_cert" "$(printf '%s\n' "${cpu[@]}" | median)" us
}

# ---- this machine's ceiling (CEILING=1) ----
# experiments/ceiling.c: certctl's own CSR reading (with serve's CSR cache) and Local CA
# signing behind libmicrohttpd with serve's thread pool, and nothing else: no database, no
# audit, no authentication. Distinct P-256 CSRs, P-256 CA, the same wrk as the cases above.
ceiling_case() {
	local lib="$REPO_ROOT/build/libcertctl.a" bin="$WORK/ceiling" label=issue_ceiling_ca_ec256_leaf_ec256 c0 c1 pid
	[ -f "$lib" ] || { log "ceiling: $lib not found (run make); skipped"; return 0; }
	cc -std=c17 -O2 -D_GNU_SOURCE -I"$REPO_ROOT" -I"$REPO_ROOT/build/gen" -o "$bin" \
		"$REPO_ROOT/bench/experiments/ceiling.c" -Wl,--whole-archive "$lib" -Wl,--no-whole-archive \
		-lmicrohttpd -ljansson -lsqlite3 -lpthread -lm -ldl || { log "ceiling: build failed; skipped"; return 0; }
	mkdir -p "$WORK/ceiling-ca"
	export BENCH_BODIES
	BENCH_BODIES="$(bodies ec256 "")"
	"$bin" "$PORT" "$WORK/ceiling-ca" >"$WORK/ceiling.log" 2>&1 &
	pid=$!
	_PIDS+=("$pid")
	wait_http "$BASE/health" 20 || die "ceiling did not answer: $(tail -3 "$WORK/ceiling.log")"
	c0="$(cpu_ms "$pid")"
	run_wrk "$label" "$BASE/csr" "$BENCH_LIB/wrk-bodies.lua"
	c1="$(cpu_ms "$pid")"
	R[$label]="$WRK_RPS"
	result "${label}_rps" "$WRK_RPS" certs/s "runs=$RUNS errors=$WRK_ERRS non2xx=$WRK_NON2XX nothing_stored=1"
	result "${label}_p99" "$WRK_P99" ms
	result "${label}_server_cpu_per_cert" "$(us_per_cert "$c0" "$c1")" us
	bg_stop "$pid"
	wait_free "$PORT"
}
if [ "${CEILING:-1}" = 1 ]; then ceiling_case; fi

for c in $KEYGEN_CASES; do
	IFS=: read -r ca leaf <<<"$c"
	keygen_case "$ca" "$leaf"
done

# ---- peers, same run ----
PEER_OUT="$WORK/peers.out"
: >"$PEER_OUT"
case " $PEERS " in *" cfssl "*)
	if [ -x "$PEER_BENCH/05-issue-cfssl.sh" ]; then
		log "peers: $PEER_BENCH/05-issue-cfssl.sh (RUNS=$RUNS)"
		BENCH_TMP="$WORK/peers" ISSUE_CA_KEYS="ec256 rsa2048" ISSUE_LEAF_KEY=ec256 \
			"$PEER_BENCH/05-issue-cfssl.sh" | tee -a "$PEER_OUT" || log "WARNING: 05-issue-cfssl.sh failed"
	else log "peers: $PEER_BENCH/05-issue-cfssl.sh not found"; fi ;;
esac
case " $PEERS " in *" speed "*)
	if [ -x "$PEER_BENCH/01-crypto-speed.sh" ]; then
		log "peers: $PEER_BENCH/01-crypto-speed.sh (SPEED_SECONDS=$PEER_SPEED_SECONDS RUNS=$RUNS)"
		BENCH_TMP="$WORK/peers" SPEED_SECONDS="$PEER_SPEED_SECONDS" \
			"$PEER_BENCH/01-crypto-speed.sh" | tee -a "$PEER_OUT" || log "WARNING: 01-crypto-speed.sh failed"
	else log "peers: $PEER_BENCH/01-crypto-speed.sh not found"; fi ;;
esac

peer() { sed -n "s/^RESULT $1=\([^ ]*\).*/\1/p" "$PEER_OUT" | head -1; }
ratio() { # ratio NAME A B [k=v]: A/B when both are known
	local name="$1" a="$2" b="$3"
	shift 3
	[ -n "$a" ] && [ -n "$b" ] || return 0
	awk -v n="$name" -v a="$a" -v b="$b" -v x="$*" 'BEGIN { if (b > 0) printf "RESULT %s=%.3f unit=x%s\n", n, a / b, (x == "" ? "" : " " x) }'
}
cf_ec="$(peer issue_cfssl_serve_ca_ec256_leaf_ec256_rps)"
cf_rsa="$(peer issue_cfssl_serve_ca_rsa2048_leaf_ec256_rps)"
sp_ec="$(peer speed_ecdsap256_sign)"
sp_ecv="$(peer speed_ecdsap256_verify)"
sp_rsa="$(peer speed_rsa2048_sign)"
ratio issue_ratio_csr_ec256_vs_cfssl "${R[issue_csr_ca_ec256_leaf_ec256]:-}" "$cf_ec" "distinct_csrs/cfssl_fixed_csr"
ratio issue_ratio_csr_same_ec256_vs_cfssl "${R[issue_csr_same_ca_ec256_leaf_ec256]:-}" "$cf_ec" "both_one_fixed_csr aim>=3"
ratio issue_ratio_csr_rsa2048ca_vs_cfssl "${R[issue_csr_ca_rsa2048_leaf_ec256]:-}" "$cf_rsa" "distinct_csrs/cfssl_fixed_csr"
ratio issue_ratio_csr_same_rsa2048ca_vs_cfssl "${R[issue_csr_same_ca_rsa2048_leaf_ec256]:-}" "$cf_rsa" "both_one_fixed_csr"
ratio issue_ratio_ceiling_ec256_vs_cfssl "${R[issue_ceiling_ca_ec256_leaf_ec256]:-}" "$cf_ec" "nothing_stored/cfssl_fixed_csr"
ratio issue_ratio_csr_ec256_vs_ceiling "${R[issue_csr_ca_ec256_leaf_ec256]:-}" "${R[issue_ceiling_ca_ec256_leaf_ec256]:-}" "share_of_the_machine's_ceiling"
ratio issue_ratio_keygen_ec256_vs_cfssl "${R[issue_keygen_ca_ec256_leaf_ec256]:-}" "$cf_ec"
ratio issue_ratio_csr_ec256_vs_openssl_sign "${R[issue_csr_ca_ec256_leaf_ec256]:-}" "$sp_ec" "share_of_one_core_p256_signs"
ratio issue_ratio_csr_ec256_vs_openssl_verify "${R[issue_csr_ca_ec256_leaf_ec256]:-}" "$sp_ecv" "share_of_one_core_p256_verifies"
ratio issue_ratio_csr_rsa2048ca_vs_openssl_sign "${R[issue_csr_ca_rsa2048_leaf_ec256]:-}" "$sp_rsa" "share_of_one_core_rsa2048_signs"
if [ -n "${R[issue_csr_same_ca_ec256_leaf_ec256]:-}" ]; then
	awk -v r="${R[issue_csr_same_ca_ec256_leaf_ec256]}" -v p="${R[issue_csr_same_ca_ec256_leaf_ec256_p99]}" \
		-v d="${R[issue_csr_ca_ec256_leaf_ec256]:-0}" -v dp="${R[issue_csr_ca_ec256_leaf_ec256_p99]:-0}" \
		'BEGIN { printf "RESULT issue_aim_p256_met=%d unit=bool aim=>=15000certs/s,p99<20ms same_csr=%s/%sms distinct=%s/%sms\n", (d >= 15000 && dp < 20), r, p, d, dp }'
fi
