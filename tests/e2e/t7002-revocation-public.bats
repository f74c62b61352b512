#!/usr/bin/env bats
# t7002: the revocation status routes are for relying parties — the JSON and DER CRLs and
# the OCSP responder answer without an API key, are rate limited like every route, and the
# certificates carry CERTCTL_PUBLIC_URL in their CRL distribution point and AIA OCSP URL.

load helpers

KEY=t7002-key

has_version() {
	api GET "/api/v1/certificates/$1/versions"
	[ "$(jq -r '.data | length' <<<"$HTTP_BODY")" -ge 1 ]
}

# issue_one ID: a Local CA certificate, its leaf in ID.pem and the CA in ca.pem
issue_one() {
	api_json POST /api/v1/certificates "{\"id\":\"$1\",\"name\":\"$1\",\"common_name\":\"$1.example.com\",\"owner_id\":\"o-alice\",\"team_id\":\"t-platform\",\"issuer_id\":\"iss-local\",\"renewal_policy_id\":\"rp-default\"}"
	assert_status 201
	api POST "/api/v1/certificates/$1/renew"
	assert_status 202
	wait_for 20 has_version "$1" || fail "$1 was not issued: $(tail -20 "$TEST_DIR/serve.log")"
	api GET "/api/v1/certificates/$1/export/pem"
	jq -r .cert_pem <<<"$HTTP_BODY" >"$TEST_DIR/$1.pem"
	jq -r .chain_pem <<<"$HTTP_BODY" >"$TEST_DIR/ca.pem"
}

teams_audited() {
	[ "$(db_q "SELECT COUNT(*) FROM audit_events WHERE resource_type = 'api' AND resource_id LIKE '/api/v1/teams%'")" -ge 1 ]
}

start() {
	export CERTCTL_AUTH_SECRET=$KEY CERTCTL_KEYGEN_MODE=server
	export CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=1s
	API_KEY=$KEY
	certctl db seed --demo >/dev/null || fail "db seed --demo failed"
	serve_start
}

@test "CERTCTL_PUBLIC_URL is what certificates point at for their CRL and OCSP" {
	export CERTCTL_PUBLIC_URL=https://pki.example.test:9443/
	export CERTCTL_RATE_LIMIT_ENABLED=false
	start
	issue_one pub1
	openssl x509 -in "$TEST_DIR/pub1.pem" -noout -text >"$TEST_DIR/pub1.txt"
	grep -q 'URI:https://pki.example.test:9443/api/v1/crl/iss-local$' "$TEST_DIR/pub1.txt" ||
		fail "CRL distribution point: $(cat "$TEST_DIR/pub1.txt")"
	assert_equal "$(openssl x509 -in "$TEST_DIR/pub1.pem" -noout -ocsp_uri)" \
		"https://pki.example.test:9443/api/v1/ocsp/iss-local"
	grep -q "127.0.0.1:$PORT" "$TEST_DIR/pub1.txt" && fail "the listen address leaked in"
	serve_stop TERM 0
}

@test "CRLs and OCSP answer without a key, are not audited, and are rate limited (429)" {
	export CERTCTL_RATE_LIMIT_RPS=2 CERTCTL_RATE_LIMIT_BURST=6
	start
	# a serial nobody issued gets a signed "unknown": enough to see who may ask
	local base=http://127.0.0.1:$PORT/api/v1 serial=1234abcd codes retry
	# no Authorization header at all
	codes=$(for u in crl crl/iss-local "ocsp/iss-local/$serial"; do
		curl -sS -o /dev/null -w '%{http_code} ' "$base/$u"
	done)
	assert_equal "$codes" "200 200 200 "
	curl -fsS "$base/crl" | jq -e '.version == 1 and (.entries | type == "array")' >/dev/null
	# a burst of keyless fetches from one client runs out its bucket
	codes=$(curl -sS -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
		-o /dev/null -o /dev/null -o /dev/null -w '%{http_code}\n' "$base/crl/iss-local?n=[1-8]" |
		sort | uniq -c | awk '{print $2 "x" $1}' | paste -sd' ')
	[[ $codes == *429x* ]] || fail "no 429 in a burst of 8 keyless CRL fetches: $codes"
	curl -sS -D "$TEST_DIR/h" -o /dev/null "$base/ocsp/iss-local/$serial"
	grep -q '^HTTP/1.1 429' "$TEST_DIR/h" || fail "OCSP not limited: $(cat "$TEST_DIR/h")"
	retry=$(tr -d '\r' <"$TEST_DIR/h" | sed -n 's/^Retry-After: //Ip')
	[[ $retry =~ ^[0-9]+$ ]] || fail "no Retry-After: $(cat "$TEST_DIR/h")"
	sleep "$retry"
	curl -fsS -o /dev/null "$base/ocsp/iss-local/$serial" || fail "not answered after Retry-After"
	# relying parties' fetches leave no audit rows (a keyed call after them does)
	api GET /api/v1/teams
	assert_status 200
	wait_for 5 teams_audited || fail "the keyed call was not audited"
	assert_equal "$(db_q "SELECT COUNT(*) FROM audit_events WHERE resource_type = 'api' AND (resource_id LIKE '/api/v1/crl%' OR resource_id LIKE '/api/v1/ocsp%')")" 0
	serve_stop TERM 0
}
