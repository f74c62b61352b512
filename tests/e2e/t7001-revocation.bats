#!/usr/bin/env bats
# t7001: revocation through a real certctl serve, on SQLite and PostgreSQL: certificates
# issued by the Local CA point at this server's CRL and OCSP URLs; a revocation shows in
# both as soon as the call returns, read back with `openssl crl -verify` and `openssl
# ocsp` (POST, and the RFC 6960 GET form); a serve killed with SIGKILL in the middle of a
# bulk revocation finishes the job after restart, revoking each certificate exactly once.

load helpers

KEY=t7001-key

rev_env() {
	export CERTCTL_AUTH_SECRET=$KEY
	export CERTCTL_KEYGEN_MODE=server
	export CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=1s
	export CERTCTL_RATE_LIMIT_ENABLED=false
	# no CERTCTL_PUBLIC_URL: the URLs in certificates default to the listen address
	unset CERTCTL_PUBLIC_URL
	API_KEY=$KEY
}

has_version() {
	api GET "/api/v1/certificates/$1/versions"
	[ "$(jq -r '.data | length' <<<"$HTTP_BODY")" -ge 1 ]
}

# issue ID...: certificates of owner ow-r issued by the Local CA; their leaf in ID.pem and
# the CA in ca.pem
issue() {
	local id
	for id in "$@"; do
		api_json POST /api/v1/certificates "{\"id\":\"$id\",\"name\":\"$id\",\"common_name\":\"$id.example.com\",\"owner_id\":\"ow-r\",\"team_id\":\"tm-r\",\"issuer_id\":\"iss-local\",\"renewal_policy_id\":\"rp-default\"}"
		assert_status 201
		api POST "/api/v1/certificates/$id/renew"
		assert_status 202
	done
	for id in "$@"; do
		wait_for 20 has_version "$id" || fail "$id was not issued: $(tail -20 "$TEST_DIR/serve.log")"
		api GET "/api/v1/certificates/$id/export/pem"
		assert_status 200
		jq -r .cert_pem <<<"$HTTP_BODY" >"$TEST_DIR/$id.pem"
		jq -r .chain_pem <<<"$HTTP_BODY" >"$TEST_DIR/ca.pem"
	done
}

# ocsp_post ID: openssl ocsp over POST against the URL in the certificate; prints its verdict
ocsp_post() {
	local url
	url=$(openssl x509 -in "$TEST_DIR/$1.pem" -noout -ocsp_uri)
	openssl ocsp -issuer "$TEST_DIR/ca.pem" -cert "$TEST_DIR/$1.pem" -url "$url" \
		-CAfile "$TEST_DIR/ca.pem" 2>&1
}

# ocsp_get ID: the RFC 6960 GET form (base64 in the path, '/' and '+' as they come)
ocsp_get() {
	openssl ocsp -issuer "$TEST_DIR/ca.pem" -cert "$TEST_DIR/$1.pem" -no_nonce \
		-reqout "$TEST_DIR/req.der" >/dev/null 2>&1
	curl -fsS -o "$TEST_DIR/resp.der" \
		"http://127.0.0.1:$PORT/api/v1/ocsp/iss-local/$(base64 -w0 "$TEST_DIR/req.der")" ||
		return 1
	openssl ocsp -respin "$TEST_DIR/resp.der" -issuer "$TEST_DIR/ca.pem" \
		-cert "$TEST_DIR/$1.pem" -CAfile "$TEST_DIR/ca.pem" 2>&1
}

# crl_serials: the serials (upper-case hex) of the verified DER CRL, one per line
crl_serials() {
	curl -fsS -o "$TEST_DIR/crl.der" "http://127.0.0.1:$PORT/api/v1/crl/iss-local" ||
		fail "no CRL"
	openssl crl -inform DER -in "$TEST_DIR/crl.der" -CAfile "$TEST_DIR/ca.pem" -verify \
		-noout -text >"$TEST_DIR/crl.txt" 2>&1 || fail "CRL: $(cat "$TEST_DIR/crl.txt")"
	grep -q 'verify OK' "$TEST_DIR/crl.txt" || fail "CRL not verified: $(cat "$TEST_DIR/crl.txt")"
	sed -n 's/^ *Serial Number: *//p' "$TEST_DIR/crl.txt"
}

serial_of() {
	openssl x509 -in "$TEST_DIR/$1.pem" -noout -serial | cut -d= -f2 | sed 's/^0*//'
}

revocation_flow() {
	rev_env
	engine_serve "$1"
	api_json POST /api/v1/teams '{"id":"tm-r","name":"r"}'
	assert_status 201
	api_json POST /api/v1/owners '{"id":"ow-r","name":"r","email":"r@example.com","team_id":"tm-r"}'
	assert_status 201
	issue r1 r2 r3
	# the certificates point at this server (the listen address: no CERTCTL_PUBLIC_URL)
	openssl x509 -in "$TEST_DIR/r1.pem" -noout -text >"$TEST_DIR/r1.txt"
	grep -q "URI:http://127.0.0.1:$PORT/api/v1/crl/iss-local" "$TEST_DIR/r1.txt" ||
		fail "no CRL distribution point: $(cat "$TEST_DIR/r1.txt")"
	assert_equal "$(openssl x509 -in "$TEST_DIR/r1.pem" -noout -ocsp_uri)" \
		"http://127.0.0.1:$PORT/api/v1/ocsp/iss-local"
	run ocsp_post r1
	assert_output --partial "r1.pem: good"
	assert_output --partial "Response verify OK"
	[ -z "$(crl_serials)" ] || fail "a CRL with entries before any revocation"

	# one revocation, one bulk revocation by id: both visible as soon as the calls return
	api_json POST /api/v1/certificates/r1/revoke '{"reason":"keyCompromise"}'
	assert_status 200
	api_json POST /api/v1/certificates/bulk-revoke '{"certificate_ids":["r2","nope"],"reason":"superseded"}'
	assert_status 200
	assert_equal "$(jq -r '.status, .total_revoked, .not_found[0]' <<<"$HTTP_BODY" | paste -sd' ')" "Completed 1 nope"
	run ocsp_post r1
	assert_output --partial "r1.pem: revoked"
	assert_output --partial "Reason: keyCompromise"
	assert_output --partial "Response verify OK"
	run ocsp_post r2
	assert_output --partial "r2.pem: revoked"
	assert_output --partial "Reason: superseded"
	run ocsp_post r3
	assert_output --partial "r3.pem: good"
	for id in r1 r2 r3; do
		run ocsp_get "$id"
		assert_output --partial "Response verify OK"
	done
	run ocsp_get r1
	assert_output --partial "r1.pem: revoked"
	run ocsp_get r3
	assert_output --partial "r3.pem: good"
	# a serial this CA never issued
	run openssl ocsp -issuer "$TEST_DIR/ca.pem" -serial 0x123456789 \
		-url "http://127.0.0.1:$PORT/api/v1/ocsp/iss-local" -CAfile "$TEST_DIR/ca.pem"
	assert_output --partial "0x123456789: unknown"
	# openssl pads serials to whole bytes: strip the pad before sorting
	crl_serials | sed 's/^0*//' | sort >"$TEST_DIR/got"
	printf '%s\n' "$(serial_of r1)" "$(serial_of r2)" | tr a-f A-F | sort >"$TEST_DIR/want"
	diff "$TEST_DIR/want" "$TEST_DIR/got" || fail "CRL serials differ"
	grep -q 'Key Compromise' "$TEST_DIR/crl.txt"
	grep -q 'Superseded' "$TEST_DIR/crl.txt"

	# connections that open and close without a request (as openssl ocsp does) do not wedge it
	for _ in 1 2 3 4 5 6 7 8; do
		exec 9<>"/dev/tcp/127.0.0.1/$PORT"
		exec 9>&-
	done
	run timeout 5 openssl ocsp -issuer "$TEST_DIR/ca.pem" -cert "$TEST_DIR/r3.pem" \
		-url "http://127.0.0.1:$PORT/api/v1/ocsp/iss-local" -CAfile "$TEST_DIR/ca.pem"
	assert_output --partial "r3.pem: good"
	# malformed requests get an OCSP error answer, not a 5xx
	curl -sS -o "$TEST_DIR/bad.der" -w '%{http_code}' -H 'Content-Type: application/ocsp-request' \
		--data-binary 'not DER' "http://127.0.0.1:$PORT/api/v1/ocsp/iss-local" >"$TEST_DIR/code"
	assert_equal "$(cat "$TEST_DIR/code")" 200
	run openssl ocsp -respin "$TEST_DIR/bad.der" -resp_text
	assert_output --partial "malformedrequest"
	serve_stop TERM 0
}

@test "sqlite: revocations show in the CRL and OCSP at once, verified by openssl" {
	revocation_flow sqlite
}

@test "postgres: revocations show in the CRL and OCSP at once, verified by openssl" {
	revocation_flow pg
}

# seed N: N issued certificates of owner ow-bulk (fake serials), straight into the database
seed() {
	local n=$1
	db_q "INSERT INTO teams (id, name) VALUES ('tm-bulk', 'bulk');
		INSERT INTO owners (id, name, email, team_id) VALUES ('ow-bulk', 'bulk', 'b@example.com', 'tm-bulk')"
	case $ENGINE in
	sqlite)
		db_q "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n)
			INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id,
				issuer_id, renewal_policy_id, status)
			SELECT printf('b%06d', i), printf('b%06d', i), 'b.example.com', 'ow-bulk',
				'tm-bulk', 'iss-local', 'rp-default', 'Active' FROM s;
			INSERT INTO certificate_versions (id, certificate_id, serial_number, not_before,
				not_after, fingerprint_sha256, pem_chain)
			SELECT 'v' || id, id, printf('%x', 1048576 + rowid), '2026-01-01T00:00:00Z',
				'2027-01-01T00:00:00Z', 'fp' || id, 'pem' FROM managed_certificates
			WHERE owner_id = 'ow-bulk'"
		;;
	pg)
		db_q "INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id,
				issuer_id, renewal_policy_id, status)
			SELECT 'b' || lpad(i::text, 6, '0'), 'b' || lpad(i::text, 6, '0'), 'b.example.com',
				'ow-bulk', 'tm-bulk', 'iss-local', 'rp-default', 'Active'
			FROM generate_series(1, $n) AS i;
			INSERT INTO certificate_versions (id, certificate_id, serial_number, not_before,
				not_after, fingerprint_sha256, pem_chain)
			SELECT 'v' || id, id, to_hex(1048576 + substr(id, 2)::int), '2026-01-01',
				'2027-01-01', 'fp' || id, 'pem' FROM managed_certificates
			WHERE owner_id = 'ow-bulk'"
		;;
	esac
}

job_done() {
	api GET "/api/v1/jobs/$JOB"
	[ "$(jq -r .status <<<"$HTTP_BODY")" = Completed ]
}

crash_flow() {
	local n=$2 done_at_kill revoked
	rev_env
	engine_serve "$1"
	seed "$n"
	api_json POST /api/v1/certificates/bulk-revoke '{"owner_id":"ow-bulk","reason":"cessationOfOperation"}'
	assert_status 202
	JOB=$(jq -r .job_id <<<"$HTTP_BODY")
	assert_equal "$(jq -r .affected_count <<<"$HTTP_BODY")" "$n"
	# kill -9 as soon as the background run is under way
	for _ in $(seq 400); do
		revoked=$(db_q "SELECT COUNT(*) FROM certificate_revocations")
		[ "$revoked" -gt 0 ] && break
		sleep 0.02
	done
	kill -KILL "$SERVE_PID"
	wait "$SERVE_PID" 2>/dev/null || true
	SERVE_PID=
	done_at_kill=$(db_q "SELECT COUNT(*) FROM certificate_revocations")
	[ "$done_at_kill" -gt 0 ] && [ "$done_at_kill" -lt "$n" ] ||
		fail "killed with $done_at_kill of $n revoked: not in the middle"
	echo "# killed with $done_at_kill of $n revoked" >&3
	# the database is consistent at the kill: every revoked certificate has its record
	assert_equal "$(db_q "SELECT COUNT(*) FROM managed_certificates WHERE status = 'Revoked'")" "$done_at_kill"

	engine_args
	serve_start "${ENGINE_ARGS[@]}"
	wait_for 90 job_done || fail "the job did not finish after restart: $HTTP_BODY
$(tail -20 "$TEST_DIR/serve.log")"
	assert_equal "$(jq -r '.progress.done, .result.total_revoked, .result.total_failed' <<<"$HTTP_BODY" | paste -sd' ')" "$n $n 0"
	# exactly once: one record, one status change and one audit event per certificate
	assert_equal "$(db_q "SELECT COUNT(*) FROM certificate_revocations")" "$n"
	assert_equal "$(db_q "SELECT COUNT(DISTINCT serial_number) FROM certificate_revocations")" "$n"
	assert_equal "$(db_q "SELECT COUNT(*) FROM managed_certificates WHERE status = 'Revoked'")" "$n"
	assert_equal "$(db_q "SELECT COUNT(*) FROM audit_events WHERE action = 'certificate_revoked'")" "$n"
	assert_equal "$(db_q "SELECT COUNT(*) FROM audit_events WHERE action = 'bulk_revocation_initiated'")" 1
	# the CRL and OCSP agree with the database
	api GET /api/v1/certificates/b000001/export/pem
	curl -fsS "http://127.0.0.1:$PORT/api/v1/crl/iss-local" -o "$TEST_DIR/crl.der"
	openssl crl -inform DER -in "$TEST_DIR/crl.der" -noout -text >"$TEST_DIR/crl.txt"
	assert_equal "$(grep -c 'Serial Number:' "$TEST_DIR/crl.txt")" "$n"
	assert_equal "$(grep -c 'Cessation Of Operation' "$TEST_DIR/crl.txt")" "$n"
	curl -fsS -o "$TEST_DIR/o.der" "http://127.0.0.1:$PORT/api/v1/ocsp/iss-local/100001"
	run openssl ocsp -respin "$TEST_DIR/o.der" -resp_text -noverify
	assert_output --partial "Cert Status: revoked"
	serve_stop TERM 0
}

@test "sqlite: serve killed with SIGKILL mid bulk revocation of 60,000 resumes; each revoked once" {
	crash_flow sqlite 60000
}

@test "postgres: serve killed with SIGKILL mid bulk revocation of 15,000 resumes; each revoked once" {
	crash_flow pg 15000
}

@test "bulk revoke: empty criteria, a bad reason, malformed JSON, no key, too big; nothing changes" {
	rev_env
	export CERTCTL_MAX_BODY_SIZE=1024
	serve_start
	api_json POST /api/v1/certificates/bulk-revoke '{}'
	assert_status 400
	assert_json_error 400
	api_json POST /api/v1/certificates/bulk-revoke '{"owner_id":"x","reason":"nope"}'
	assert_status 400
	api_json POST /api/v1/certificates/bulk-revoke '{"owner_id":'
	assert_status 400
	http_get /api/v1/certificates/bulk-revoke -X POST -H 'Content-Type: application/json' \
		--data-binary '{"owner_id":"x"}'
	assert_status 401
	api_json POST /api/v1/certificates/bulk-revoke "{\"certificate_ids\":[$(printf '"%0100d",' $(seq 20))\"x\"]}"
	assert_status 413
	assert_equal "$(db_q 'SELECT COUNT(*) FROM jobs')" 0
	serve_stop TERM 0
}
