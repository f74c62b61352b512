#!/usr/bin/env bash
# 05-revocation.sh — revocation at scale (issue 6), next to the peers measured in the same run:
#   bulk   POST /api/v1/certificates/bulk-revoke {"owner_id": …} over BULK_SIZES (10,000 and
#          100,000) issued certificates seeded straight into SQLite (as t7001's `seed`: one
#          certificate and version each, expiring in a year), timed from just before the POST
#          to the first GET /api/v1/jobs/{id} that shows Completed (lib/bulk-time.py, polls
#          every 20 ms on one keep-alive connection); also the server's own duration
#          (jobs.completed_at - started_at), its CPU, and the rows written (one revocation
#          record and one audit event per certificate). BULK_PG_SIZES (10,000) does the same
#          on a throwaway PostgreSQL cluster (scripts/pg-tmp; fsync off). Median of RUNS,
#          each on a fresh database and server.
#   crl    GET /api/v1/crl/iss-local with CRL_N (100,000) revocation records of the Local CA
#          (random 128-bit serials as the peer harness's 04-crl.sh draws them, seeded by
#          lib/rev-seed.py), per reason in CRL_REASONS ("unspecified" adds no reasonCode,
#          like the peers' default; "keyCompromise" adds one to every entry): the first GET
#          of a fresh server (the build), CRL_CACHED (20) GETs of the cached CRL, and the GET
#          right after one revocation through the API (a rebuild); RUNS fresh servers each,
#          median. The CRL is checked with `openssl crl -verify` and its entry count. Peers:
#          $PEER_BENCH/04-crl.sh with CRL_SIZES=CRL_N (openssl ca -gencrl, cfssl gencrl;
#          whole processes), plain and with CRL_REASON=keyCompromise (openssl only).
#   ocsp   the peer harness's OCSP fixture (lib/fixture-ca.sh: 10,000 certificates, 1,000
#          revoked, 300 requests good/revoked/unknown 1:1:1) loaded into certctl: the
#          fixture CA as the Local CA's sub-CA (CERTCTL_CA_CERT_PATH/KEY_PATH), its
#          certificates as certificates+versions of iss-local (lib/rev-seed.py), its revoked
#          ones revoked by one bulk revocation by certificate_ids; then
#          $PEER_BENCH/ocsp-target.sh (the peers' sanity check and wrk load, POST and GET,
#          keep-alive and Connection: close per OCSP_CLOSE_LIST) and the empty-connection
#          check (`openssl ocsp` wedges on a connection closed without a request): 200
#          connections opened and closed without a byte, then the server's CPU over 2 s
#          and an openssl ocsp query with a 5 s timeout. Peers in the same run:
#          $PEER_BENCH/02-ocsp-openssl.sh (-multi 1 and 2) and 03-ocsp-cfssl.sh.
# Prints RESULT lines (peers' lines as they print them). Builds nothing: it measures
# build/certctl (or $CERTCTL), copied to the scratch dir. Run as root (network namespace;
# pg-tmp runs PostgreSQL as the postgres user).
# Env: REV_PARTS ("bulk crl ocsp")  BULK_SIZES ("10000 100000")  BULK_PG_SIZES ("10000",
#      empty to skip)  CRL_N (100000)  CRL_REASONS ("unspecified keyCompromise")
#      CRL_CACHED (20)  OCSP_CLOSE_LIST ("0 1")  PEERS ("crl ocsp", empty to skip)
#      REV_PORT (18480)  REV_PG_PORT (18481)  PG_TMP (/work/shared/scripts/pg-tmp)
#      BENCH_CACHE (keeps the OCSP fixture)  RUNS  WRK_*  BENCH_NETNS  BENCH_TMP  KEEP_WORK
#      PEER_BENCH  CERTCTL
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
enter_netns "$@"
require wrk sqlite3 curl jq python3 openssl ss

REV_PARTS="${REV_PARTS-bulk crl ocsp}"
BULK_SIZES="${BULK_SIZES-10000 100000}"
BULK_PG_SIZES="${BULK_PG_SIZES-10000}"
CRL_N="${CRL_N:-100000}"
CRL_REASONS="${CRL_REASONS-unspecified keyCompromise}"
CRL_CACHED="${CRL_CACHED:-20}"
OCSP_CLOSE_LIST="${OCSP_CLOSE_LIST-0 1}"
PEERS="${PEERS-crl ocsp}"
PORT="${REV_PORT:-18480}"
PG_PORT="${REV_PG_PORT:-18481}"
PG_TMP="${PG_TMP:-/work/shared/scripts/pg-tmp}"
BENCH_CACHE="${BENCH_CACHE:-$BENCH_TMP/cache}"
BASE="http://127.0.0.1:$PORT"
export RUNS WRK_THREADS WRK_CONNS WRK_DURATION

bench_init revocation
PEER_OUT="$WORK/peers.out"
: >"$PEER_OUT"
PG_DIR=""
pg_cleanup() { if [ -n "$PG_DIR" ]; then "$PG_TMP" destroy "$PG_DIR" >/dev/null 2>&1 || true; fi; }
trap 'pg_cleanup; bench_cleanup' EXIT

want_part() { case " $REV_PARTS " in *" $1 "*) return 0 ;; esac; return 1; }
want_peer() { case " $PEERS " in *" $1 "*) return 0 ;; esac; return 1; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
sq() { sqlite3 -batch -cmd '.timeout 5000' "$1/certctl.db" "$2"; }

# fresh_db DIR [serve env...]: a migrated database with what the first boot adds (iss-local,
# rp-default); the server that made them is stopped again
fresh_db() {
	local d="$1"
	shift
	mkdir -p "$d"
	start "$d" "$@"
	bg_stop "$SERVE_PID"
}

# start DIR [env...]: serve on DIR with extra environment; sets SERVE_PID
start() {
	local d="$1"
	shift
	serve_cmd "$d" "$PORT" "$d/serve.log"
	env "${SERVE_ENV[@]}" "$@" "${SERVE_CMD[@]}" >>"$d/serve.log.stdout" 2>&1 &
	SERVE_PID=$!
	_PIDS+=("$SERVE_PID")
	wait_http "$BASE/health" 30 || die "serve did not answer (log: $(tail -3 "$d/serve.log" "$d/serve.log.stdout" 2>/dev/null))"
}

# ---------------------------------------------------------------------------------- bulk
# seed_bulk_sql N ENGINE: N issued Active certificates of owner ow-bulk (t7001's seed)
seed_bulk_sql() {
	local n="$1"
	case "$2" in
	sqlite) cat <<SQL ;;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO teams (id, name) VALUES ('tm-bulk', 'bulk');
INSERT INTO owners (id, name, email, team_id) VALUES ('ow-bulk', 'bulk', 'b@example.com', 'tm-bulk');
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n)
INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, issuer_id,
	renewal_policy_id, status, expires_at)
SELECT printf('b%07d', i), printf('b%07d', i), 'b.example.com', 'ow-bulk', 'tm-bulk',
	'iss-local', 'rp-default', 'Active',
	strftime('%Y-%m-%dT%H:%M:%S.000000Z', 'now', '+365 days') FROM s;
INSERT INTO certificate_versions (id, certificate_id, serial_number, not_before, not_after,
	fingerprint_sha256, pem_chain)
SELECT 'v' || id, id, printf('%x', 1048576 + rowid), strftime('%Y-%m-%dT%H:%M:%S.000000Z', 'now', '-1 days'),
	expires_at, 'fp' || id, 'pem' FROM managed_certificates WHERE owner_id = 'ow-bulk';
COMMIT;
SQL
	pg) cat <<SQL ;;
BEGIN;
INSERT INTO teams (id, name) VALUES ('tm-bulk', 'bulk');
INSERT INTO owners (id, name, email, team_id) VALUES ('ow-bulk', 'bulk', 'b@example.com', 'tm-bulk');
INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, issuer_id,
	renewal_policy_id, status, expires_at)
SELECT 'b' || lpad(i::text, 7, '0'), 'b' || lpad(i::text, 7, '0'), 'b.example.com', 'ow-bulk',
	'tm-bulk', 'iss-local', 'rp-default', 'Active', now() + interval '365 days'
FROM generate_series(1, $n) AS i;
INSERT INTO certificate_versions (id, certificate_id, serial_number, not_before, not_after,
	fingerprint_sha256, pem_chain)
SELECT 'v' || id, id, to_hex(1048576 + substr(id, 2)::int), now() - interval '1 day', expires_at,
	'fp' || id, 'pem' FROM managed_certificates WHERE owner_id = 'ow-bulk';
COMMIT;
SQL
	esac
}

# bulk_one ENGINE N RUN: one timed bulk revocation on a fresh database; appends to BULK_*
bulk_one() {
	local engine="$1" n="$2" run="$3" d="$WORK/bulk-$1-$2-$3" c0 out srv db_args=() url="" q
	mkdir -p "$d"
	if [ "$engine" = pg ]; then
		q="psql -X -q -A -t -v ON_ERROR_STOP=1"
		"$PG_TMP" psql "$PG_DIR" -q -c "CREATE DATABASE b${n}_$run OWNER certctl" >/dev/null
		url="$(sed "s#/certctl\$#/b${n}_$run#" "$PG_DIR/url")"
		db_args=(CERTCTL_DATABASE_URL="$url")
		fresh_db "$d" "${db_args[@]}"
		seed_bulk_sql "$n" pg | $q "$url" >/dev/null
	else
		fresh_db "$d"
		seed_bulk_sql "$n" sqlite | sqlite3 -bail "$d/certctl.db" >/dev/null
	fi
	start "$d" "${db_args[@]}"
	c0="$(cpu_ms "$SERVE_PID")"
	out="$(python3 "$BENCH_LIB/bulk-time.py" "$BASE" "$AUTH_KEY" \
		'{"owner_id":"ow-bulk","reason":"keyCompromise"}')" || die "bulk revocation failed: $out"
	log "bulk $engine n=$n run $run: $out server_cpu_ms=$(awk -v a="$c0" -v b="$(cpu_ms "$SERVE_PID")" 'BEGIN{print b-a}')"
	if [ "$(kv "$out" status)" != Completed ] || [ "$(kv "$out" revoked)" != "$n" ]; then
		die "bulk revocation of $n: $out"
	fi
	BULK_DONE+=("$(kv "$out" done_ms)")
	BULK_POST+=("$(kv "$out" post_ms)")
	BULK_CPU+=("$(awk -v a="$c0" -v b="$(cpu_ms "$SERVE_PID")" 'BEGIN{print b-a}')")
	bg_stop "$SERVE_PID"
	if [ "$engine" = pg ]; then
		srv="$($q "$url" -c "SELECT EXTRACT(EPOCH FROM completed_at - started_at) * 1000 FROM jobs WHERE type = 'BulkRevocation'")"
		BULK_ROWS="$($q "$url" -c "SELECT (SELECT COUNT(*) FROM certificate_revocations) || '/' || (SELECT COUNT(*) FROM audit_events WHERE action = 'certificate_revoked') || '/' || (SELECT COUNT(*) FROM managed_certificates WHERE status = 'Revoked')")"
		"$PG_TMP" psql "$PG_DIR" -q -c "DROP DATABASE b${n}_$run" >/dev/null || true
	else
		srv="$(sq "$d" "SELECT (julianday(completed_at) - julianday(started_at)) * 86400000 FROM jobs WHERE type = 'BulkRevocation'")"
		BULK_ROWS="$(sq "$d" "SELECT (SELECT COUNT(*) FROM certificate_revocations) || '/' || (SELECT COUNT(*) FROM audit_events WHERE action = 'certificate_revoked') || '/' || (SELECT COUNT(*) FROM managed_certificates WHERE status = 'Revoked')")"
		BULK_DB_MB="$(du -m "$d/certctl.db" | cut -f1)"
	fi
	[ "$BULK_ROWS" = "$n/$n/$n" ] || die "bulk revocation of $n wrote $BULK_ROWS (records/audit events/statuses)"
	BULK_SRV+=("$srv")
	rm -rf "$d"
}

bulk_case() { # bulk_case ENGINE N
	local engine="$1" n="$2" i med
	BULK_DONE=() BULK_POST=() BULK_CPU=() BULK_SRV=() BULK_DB_MB=""
	for i in $(seq "$RUNS"); do bulk_one "$engine" "$n" "$i"; done
	med="$(printf '%s\n' "${BULK_DONE[@]}" | median)"
	result "bulk_${engine}_n${n}_s" "$(awk -v m="$med" 'BEGIN{printf "%.2f", m/1000}')" s \
		"runs=$RUNS from=POST to=job_Completed_seen per_s=$(awk -v m="$med" -v n="$n" 'BEGIN{printf "%.0f", n*1000/m}') all_ms=$(printf '%s,' "${BULK_DONE[@]}" | sed 's/,$//')$([ "$engine:$n" = sqlite:100000 ] && echo ' aim<5')"
	result "bulk_${engine}_n${n}_server_s" "$(printf '%s\n' "${BULK_SRV[@]}" | median | awk '{printf "%.2f", $1/1000}')" s "from=jobs.started_at to=completed_at"
	result "bulk_${engine}_n${n}_post_ms" "$(printf '%s\n' "${BULK_POST[@]}" | median)" ms "status=$([ "$n" -gt 2000 ] && echo 202 || echo 200) note=the_POST_alone"
	result "bulk_${engine}_n${n}_server_cpu_us_per_cert" "$(printf '%s\n' "${BULK_CPU[@]}" | median | awk -v n="$n" '{printf "%.1f", $1*1000/n}')" us \
		"rows=$BULK_ROWS (records/audit/statuses)${BULK_DB_MB:+ db_mb=$BULK_DB_MB}"
}

if want_part bulk; then
	for n in $BULK_SIZES; do bulk_case sqlite "$n"; done
	if [ -n "$BULK_PG_SIZES" ]; then
		if [ -x "$PG_TMP" ] && [ "$(id -u)" = 0 ]; then
			PG_DIR="$(mktemp -d /tmp/ccrev-pg.XXXXXX)"
			rmdir "$PG_DIR"
			"$PG_TMP" start "$PG_DIR" "$PG_PORT" >/dev/null || die "pg-tmp start failed"
			log "PostgreSQL: $("$PG_TMP" psql "$PG_DIR" -A -t -c 'SHOW server_version') in $PG_DIR (fsync=off, synchronous_commit=off)"
			for n in $BULK_PG_SIZES; do bulk_case pg "$n"; done
			pg_cleanup
			PG_DIR=""
		else
			log "PostgreSQL skipped: needs root and $PG_TMP"
		fi
	fi
fi

# ----------------------------------------------------------------------------------- crl
# a P-256 CA as the peers' 04-crl.sh makes one, as the Local CA's sub-CA
CA_DIR="$WORK/ca"
make_ca() {
	mkdir -p "$CA_DIR"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$CA_DIR/ca.key" 2>/dev/null
	openssl req -x509 -new -key "$CA_DIR/ca.key" -sha256 -days 3650 -subj "/CN=certctl-bench CRL CA (ec256)" \
		-addext "basicConstraints=critical,CA:true" \
		-addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" -out "$CA_DIR/ca.pem" 2>/dev/null
}

# crl_check FILE N: verified against the CA, N entries
crl_check() {
	local out cnt
	out="$(openssl crl -inform DER -in "$1" -CAfile "$CA_DIR/ca.pem" -verify -noout 2>&1)"
	grep -q 'verify OK' <<<"$out" || die "the CRL does not verify: $out"
	cnt="$(openssl crl -inform DER -in "$1" -noout -text | grep -c 'Serial Number:')"
	[ "$cnt" = "$2" ] || die "the CRL has $cnt entries, expected $2"
}

get_ms() { # get_ms OUTFILE: one GET of the CRL, its time in ms (curl's time_total)
	curl -s -o "$1" -w '%{http_code} %{time_total}' "$BASE/api/v1/crl/iss-local" |
		awk '$1 != 200 { exit 1 } { printf "%.2f\n", $2 * 1000 }'
}

crl_case() { # crl_case REASON
	local reason="$1" d="$WORK/crl-$1" i build=() cached=() rebuild=() one c0 cpu=() sz
	fresh_db "$d" CERTCTL_CA_CERT_PATH="$CA_DIR/ca.pem" CERTCTL_CA_KEY_PATH="$CA_DIR/ca.key"
	python3 "$BENCH_LIB/rev-seed.py" crl "$d/certctl.db" "$CRL_N" "$RUNS" "$reason" >&2
	for i in $(seq "$RUNS"); do
		start "$d" CERTCTL_CA_CERT_PATH="$CA_DIR/ca.pem" CERTCTL_CA_KEY_PATH="$CA_DIR/ca.key"
		c0="$(cpu_ms "$SERVE_PID")"
		one="$(get_ms "$d/crl.der")" || die "GET /api/v1/crl/iss-local failed"
		cpu+=("$(awk -v a="$c0" -v b="$(cpu_ms "$SERVE_PID")" 'BEGIN{print b-a}')")
		build+=("$one")
		[ "$i" = 1 ] && crl_check "$d/crl.der" "$CRL_N"
		for _ in $(seq "$CRL_CACHED"); do cached+=("$(get_ms /dev/null)"); done
		# one more revocation: the next GET rebuilds
		curl -sf -o /dev/null -H "Authorization: Bearer $AUTH_KEY" -H 'Content-Type: application/json' \
			--data-binary "{\"reason\":\"$reason\"}" "$BASE/api/v1/certificates/crl-active-$i/revoke" ||
			die "revoking crl-active-$i failed"
		rebuild+=("$(get_ms "$d/crl2.der")")
		log "crl $reason run $i: build ${one} ms (server CPU ${cpu[-1]} ms), rebuild after a revocation ${rebuild[-1]} ms"
		bg_stop "$SERVE_PID"
	done
	crl_check "$d/crl2.der" "$((CRL_N + RUNS))"
	sz="$(wc -c <"$d/crl.der")"
	result "crl_certctl_n${CRL_N}_${reason}_build_ms" "$(printf '%s\n' "${build[@]}" | median)" ms \
		"runs=$RUNS first_GET_of_a_fresh_server all_ms=$(printf '%s,' "${build[@]}" | sed 's/,$//') der_bytes=$sz bytes_per_entry=$(awk -v s="$sz" -v n="$CRL_N" 'BEGIN{printf "%.1f", s/n}') server_cpu_ms=$(printf '%s\n' "${cpu[@]}" | median) aim<200"
	result "crl_certctl_n${CRL_N}_${reason}_rebuild_ms" "$(printf '%s\n' "${rebuild[@]}" | median)" ms "after_one_revocation_through_the_API"
	result "crl_certctl_n${CRL_N}_${reason}_cached_ms" "$(printf '%s\n' "${cached[@]}" | median)" ms \
		"gets=$((RUNS * CRL_CACHED)) p_max=$(printf '%s\n' "${cached[@]}" | sort -g | tail -1)"
	rm -rf "$d"
}

if want_part crl; then
	make_ca
	for r in $CRL_REASONS; do crl_case "$r"; done | tee "$WORK/crl.out"
	if want_peer crl && [ -x "$PEER_BENCH/04-crl.sh" ]; then
		log "peers: $PEER_BENCH/04-crl.sh (CRL_SIZES=$CRL_N)"
		BENCH_TMP="$WORK/peers" CRL_SIZES="$CRL_N" "$PEER_BENCH/04-crl.sh" | tee -a "$PEER_OUT" ||
			log "WARNING: 04-crl.sh failed"
		case " $CRL_REASONS " in *" keyCompromise "*)
			log "peers: $PEER_BENCH/04-crl.sh (CRL_SIZES=$CRL_N CRL_REASON=keyCompromise)"
			# cfssl gencrl cannot emit reason codes: only openssl's line is kept
			BENCH_TMP="$WORK/peers" CRL_SIZES="$CRL_N" CRL_REASON=keyCompromise "$PEER_BENCH/04-crl.sh" |
				grep -v '^RESULT crl_cfssl' |
				sed 's/^\(RESULT crl_[a-z]*_[a-z0-9]*_n[0-9]*\)_s=/\1_keyCompromise_s=/' | tee -a "$PEER_OUT" ||
				log "WARNING: 04-crl.sh (keyCompromise) failed"
			;;
		esac
	fi
fi

# ---------------------------------------------------------------------------------- ocsp
empty_conns() { # empty_conns N: N connections opened and closed without sending a byte
	python3 - "$PORT" "$1" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    s.close()
PY
}

if want_part ocsp; then
	FX="$BENCH_CACHE/fixture-ec256"
	mkdir -p "$BENCH_CACHE"
	"$PEER_BENCH/lib/fixture-ca.sh" "$FX" >&2
	d="$WORK/ocsp"
	fx_env=(CERTCTL_CA_CERT_PATH="$FX/ca.pem" CERTCTL_CA_KEY_PATH="$FX/ca.key")
	fresh_db "$d" "${fx_env[@]}"
	python3 "$BENCH_LIB/rev-seed.py" fixture "$d/certctl.db" "$FX" "$d/revoke.json" >&2
	start "$d" "${fx_env[@]}"
	# the fixture CA was accepted as the Local CA (it has CA:TRUE and keyCertSign)
	[ "$(curl -sf -H "Authorization: Bearer $AUTH_KEY" "$BASE/api/v1/issuers/iss-local" | jq -r .config.ca_cert_path)" = "$FX/ca.pem" ] ||
		die "iss-local does not use the fixture CA"
	out="$(curl -sf -H "Authorization: Bearer $AUTH_KEY" -H 'Content-Type: application/json' \
		--data-binary "{\"certificate_ids\":$(cat "$d/revoke.json"),\"reason\":\"keyCompromise\"}" \
		"$BASE/api/v1/certificates/bulk-revoke")" || die "bulk revocation of the fixture's revoked certificates failed"
	nrev="$(jq length "$d/revoke.json")"
	[ "$(jq -r '.status + " " + (.total_revoked|tostring)' <<<"$out")" = "Completed $nrev" ] ||
		die "fixture revocation: $(head -c 300 <<<"$out")"
	log "fixture loaded: $(sq "$d" 'SELECT COUNT(*) FROM certificate_versions') certificates, $nrev revoked"
	c0="$(cpu_ms "$SERVE_PID")"
	for c in $OCSP_CLOSE_LIST; do
		tag=""
		[ "$c" = 1 ] && tag="_close"
		OCSP_URL="$BASE/api/v1/ocsp/iss-local/" OCSP_PATH_PREFIX=/api/v1/ocsp/iss-local/ \
			FIXTURE_DIR="$FX" OCSP_LABEL="certctl$tag" SERVER_PID="$SERVE_PID" OCSP_CONN_CLOSE="$c" \
			BENCH_TMP="$WORK/peers" "$PEER_BENCH/ocsp-target.sh" | tee -a "$WORK/ocsp-certctl.out"
	done
	c1="$(cpu_ms "$SERVE_PID")"
	result ocsp_certctl_server_cpu_ms "$(awk -v a="$c0" -v b="$c1" 'BEGIN{printf "%.0f", b-a}')" ms \
		"over_all_ocsp_target_runs threads=$(awk '/^Threads:/{print $2}' "/proc/$SERVE_PID/status")"
	# connections that open and close without a request
	c0="$(cpu_ms "$SERVE_PID")"
	empty_conns 200
	sleep 2
	c1="$(cpu_ms "$SERVE_PID")"
	s="$(head -1 "$FX/serials-good.txt")"
	t0="$(date +%s%N)"
	ans="$(timeout 5 openssl ocsp -issuer "$FX/ca.pem" -serial "0x$s" -url "$BASE/api/v1/ocsp/iss-local" \
		-CAfile "$FX/ca.pem" -no_nonce 2>&1 || true)"
	if grep -q "0x$s: good" <<<"$ans" && grep -q 'Response verify OK' <<<"$ans"; then v=ok; else v=FAILED; fi
	result ocsp_certctl_empty_connections "$v" text "conns=200 server_cpu_ms_in_2s_after=$(awk -v a="$c0" -v b="$c1" 'BEGIN{printf "%.0f", b-a}') next_query_ms=$(ms_since "$t0")"
	[ "$v" = ok ] || log "WARNING: after empty connections: $ans"
	result ocsp_certctl_rss_kb "$(status_kb "$SERVE_PID" VmRSS)" kB "after_load certs=10000"
	bg_stop "$SERVE_PID"
	warns="$(grep -c . "$d/serve.log" || true)"
	result ocsp_certctl_log_lines "$warns" lines "level=warn"

	if want_peer ocsp; then
		for p in 02-ocsp-openssl 03-ocsp-cfssl; do
			if [ -x "$PEER_BENCH/$p.sh" ]; then
				log "peers: $PEER_BENCH/$p.sh (RUNS=$RUNS)"
				BENCH_TMP="$WORK/peers" FIXTURE_DIR="$FX" "$PEER_BENCH/$p.sh" | tee -a "$PEER_OUT" ||
					log "WARNING: $p.sh failed"
			else log "peers: $PEER_BENCH/$p.sh not found"; fi
		done
	fi
fi

# ---- ratios against the peers of this run ----
peer() { sed -n "s/^RESULT $1=\([^ ]*\).*/\1/p" "$PEER_OUT" | head -1; }
ratio() { # ratio NAME A B [k=v]
	local name="$1" a="$2" b="$3"
	shift 3
	[ -n "$a" ] && [ -n "$b" ] || return 0
	awk -v n="$name" -v a="$a" -v b="$b" -v x="$*" 'BEGIN { if (b > 0) printf "RESULT %s=%.2f unit=x%s\n", n, a / b, (x == "" ? "" : " " x) }'
}
if [ -s "$PEER_OUT" ]; then
	# CRL: our first GET (build, HTTP included) against the peers' whole process
	for r in $CRL_REASONS; do
		b="$(sed -n "s/^RESULT crl_certctl_n${CRL_N}_${r}_build_ms=\([^ ]*\).*/\1/p" "$WORK/crl.out" 2>/dev/null | head -1)"
		[ -n "$b" ] || continue
		sfx=""
		[ "$r" = unspecified ] || sfx="_$r"
		ratio "crl_ratio_certctl_${r}_vs_openssl" "$(peer "crl_openssl_ec256_n${CRL_N}${sfx}_s" | awk '{print $1 * 1000}')" "$b" "openssl_time/certctl_time"
		[ "$r" = unspecified ] && ratio crl_ratio_certctl_vs_cfssl "$(peer "crl_cfssl_ec256_n${CRL_N}_s" | awk '{print $1 * 1000}')" "$b" "cfssl_time/certctl_time"
	done
	ours_post="$(sed -n 's/^RESULT ocsp_certctl_post_rps=\([^ ]*\).*/\1/p' "$WORK/ocsp-certctl.out" 2>/dev/null | head -1)"
	ratio ocsp_ratio_certctl_vs_cfssl_ka "$ours_post" "$(peer ocsp_cfssl_ec256_ka_post_rps)" "both_keep-alive_POST"
	ratio ocsp_ratio_certctl_vs_openssl_m2 "$ours_post" "$(peer ocsp_openssl_ec256_m2_post_rps)" "POST"
fi
