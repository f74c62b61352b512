#!/usr/bin/env bats
# t2001: S/MIME end to end through certctl serve in server keygen mode — a profile with the
# emailProtection EKU, a certificate named by an e-mail address, a renewal request: the
# job processor issues a leaf whose SAN is the e-mail address, whose EKU is E-mail
# Protection and whose KeyUsage is digitalSignature + contentCommitment (the seed's
# "Adaptive KeyUsage"), read back with openssl. A Warning policy rule on the way records
# its violation without stopping the issuance.

load helpers

KEY=t2001-key
MAIL=alice@example.com

smime_env() {
	export CERTCTL_AUTH_SECRET=$KEY
	export CERTCTL_KEYGEN_MODE=server
	export CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=1s
	API_KEY=$KEY
}

has_version() {
	api GET /api/v1/certificates/c-smime/versions
	[ "$(jq -r '.data | length' <<<"$HTTP_BODY")" -ge 1 ]
}

smime_flow() {
	api_json POST /api/v1/teams '{"id":"tm-mail","name":"mail"}'
	assert_status 201
	api_json POST /api/v1/owners "{\"id\":\"ow-alice\",\"name\":\"Alice\",\"email\":\"$MAIL\",\"team_id\":\"tm-mail\"}"
	assert_status 201
	api_json POST /api/v1/profiles '{"id":"prof-mail","name":"mail","allowed_ekus":["emailProtection"],"required_san_patterns":["@example\\.com$"],"max_ttl_seconds":31536000}'
	assert_status 201
	api_json POST /api/v1/policies '{"id":"rule-corp","name":"corp only","type":"AllowedDomains","severity":"Warning","config":{"domains":["corp.example"]}}'
	assert_status 201
	api_json POST /api/v1/certificates "{\"id\":\"c-smime\",\"name\":\"alice-mail\",\"common_name\":\"$MAIL\",\"sans\":[\"$MAIL\"],\"owner_id\":\"ow-alice\",\"team_id\":\"tm-mail\",\"issuer_id\":\"iss-local\",\"renewal_policy_id\":\"rp-default\",\"certificate_profile_id\":\"prof-mail\"}"
	assert_status 201
	api POST /api/v1/certificates/c-smime/renew
	assert_status 202
	assert_equal "$(jq -r .job_status <<<"$HTTP_BODY")" Pending
	wait_for 15 has_version || fail "no version issued: $HTTP_BODY
$(cat "$TEST_DIR/serve.log")"
	jq -r '.data[0].pem_chain' <<<"$HTTP_BODY" >"$TEST_DIR/chain.pem"
	openssl x509 -in "$TEST_DIR/chain.pem" -noout -text >"$TEST_DIR/leaf.txt"
	grep -q "Subject: CN *= *$MAIL" "$TEST_DIR/leaf.txt" || fail "subject: $(cat "$TEST_DIR/leaf.txt")"
	grep -q "email:$MAIL" "$TEST_DIR/leaf.txt" || fail "no e-mail SAN: $(cat "$TEST_DIR/leaf.txt")"
	grep -A1 'X509v3 Extended Key Usage' "$TEST_DIR/leaf.txt" | grep -qx ' *E-mail Protection' ||
		fail "EKU: $(cat "$TEST_DIR/leaf.txt")"
	grep -A1 'X509v3 Key Usage: critical' "$TEST_DIR/leaf.txt" |
		grep -qx ' *Digital Signature, Non Repudiation' ||
		fail "KeyUsage: $(cat "$TEST_DIR/leaf.txt")"
	# the leaf verifies against the Local CA (the chain of the export)
	api GET /api/v1/certificates/c-smime/export/pem
	assert_status 200
	jq -r .cert_pem <<<"$HTTP_BODY" >"$TEST_DIR/leaf.pem"
	jq -r .chain_pem <<<"$HTTP_BODY" >"$TEST_DIR/ca.pem"
	run openssl verify -purpose smimesign -CAfile "$TEST_DIR/ca.pem" "$TEST_DIR/leaf.pem"
	assert_success
	# the Warning rule recorded its violation, once, and let the issuance through
	api GET /api/v1/policies/rule-corp/violations
	assert_status 200
	assert_equal "$(jq -r .total <<<"$HTTP_BODY")" 1
	assert_equal "$(jq -r '.data[0].message' <<<"$HTTP_BODY")" "name $MAIL is not in an allowed domain"
	assert_equal "$(jq -r '.data[0].severity' <<<"$HTTP_BODY")" Warning
	assert_equal "$(db_q "SELECT count(*) FROM audit_events WHERE action = 'policy_violation' AND resource_id = 'c-smime'")" 1
	assert_equal "$(db_q "SELECT status FROM jobs WHERE certificate_id = 'c-smime' AND type = 'Issuance'")" Completed
}

@test "sqlite: an S/MIME certificate is issued with the e-mail SAN, E-mail Protection and Digital Signature + Non Repudiation" {
	smime_env
	engine_serve sqlite
	smime_flow
	serve_stop TERM 0
}

@test "postgres: the same S/MIME issuance and policy violation" {
	smime_env
	engine_serve pg
	smime_flow
	serve_stop TERM 0
}
