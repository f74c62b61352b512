#!/usr/bin/env bats
# certctl db seed --demo: the demo fleet on SQLite and PostgreSQL, idempotent, served by the API

load helpers

seed_counts() { # ENGINE: the row counts the demo data set promises
	for t in teams:6 owners:6 issuers:13 agents:12 deployment_targets:8 \
		certificate_profiles:5 managed_certificates:32 certificate_target_mappings:34 \
		certificate_versions:16 certificate_revocations:1 jobs:44 agent_groups:6 \
		network_scan_targets:4 discovered_certificates:12; do
		run db_q "SELECT COUNT(*) FROM ${t%%:*}"
		assert_success
		[ "$output" = "${t#*:}" ] || fail "${t%%:*}: $output rows, want ${t#*:}"
	done
}

@test "db seed --demo on SQLite loads the demo fleet, and a second run changes nothing" {
	ENGINE=sqlite
	run certctl db seed --demo
	assert_success
	assert_output --partial "294 rows inserted, 0 already present"
	seed_counts
	run certctl db seed --demo
	assert_success
	assert_output --partial "0 rows inserted, 294 already present"
	seed_counts
	run db_q "SELECT status FROM managed_certificates WHERE id = 'mc-compromised'"
	assert_output Revoked
}

@test "db seed --demo on PostgreSQL loads the same fleet" {
	ENGINE=pg
	fresh_pg_db >/dev/null
	run certctl db seed --demo --database-url "$PG_DB_URL"
	assert_success
	assert_output --partial "294 rows inserted"
	seed_counts
}

@test "the seeded versions are real certificates that openssl verifies against their chain" {
	ENGINE=sqlite
	run certctl db seed --demo
	assert_success
	db_q "SELECT pem_chain FROM certificate_versions WHERE id = 'cv-api-v3'" >"$TEST_DIR/chain.pem"
	awk 'BEGIN{n=0} /BEGIN CERT/{n++} {print > (ENVIRON["TEST_DIR"] "/c" n ".pem")}' \
		"$TEST_DIR/chain.pem"
	run openssl verify -CAfile "$TEST_DIR/c2.pem" "$TEST_DIR/c1.pem"
	assert_success
	fp=$(openssl x509 -in "$TEST_DIR/c1.pem" -outform DER | sha256sum | cut -d' ' -f1)
	run db_q "SELECT fingerprint_sha256 FROM certificate_versions WHERE id = 'cv-api-v3'"
	assert_output "$fp"
}

@test "serve answers for the seeded data" {
	ENGINE=sqlite
	run certctl db seed --demo
	assert_success
	export CERTCTL_AUTH_SECRET=seed-key
	serve_start
	API_KEY=seed-key
	api GET "/api/v1/certificates?per_page=5&sort=-notAfter"
	assert_status 200
	[ "$(echo "$HTTP_BODY" | jq '.total')" = 32 ]
	[ "$(echo "$HTTP_BODY" | jq '.data | length')" = 5 ]
	api GET /api/v1/stats/summary
	assert_status 200
	[ "$(echo "$HTTP_BODY" | jq '.revoked_certificates')" = 1 ]
	serve_stop
}
