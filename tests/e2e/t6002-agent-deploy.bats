#!/usr/bin/env bats
# t6002: certctl agent --once runs work items end to end against a real serve (SQLite):
# a Deployment job (fetch, key from the key dir, NGINX-type files, TLS verification against
# openssl s_server, Completed), a failed one (no key), a mismatching verification, and an
# AwaitingCSR job (key generated into the key dir, CSR submitted). Rows the API cannot make
# yet (versions, mappings, jobs) are inserted with SQL.

load helpers

BOOT=t6002-bootstrap-key-0123456789

setup() {
	common_setup
	AGENT_DIR=$TEST_DIR/agent
	KEY_DIR=$AGENT_DIR/keys
	W=$TEST_DIR/w
	mkdir -p "$W" "$TEST_DIR/deploy"
	CERTCTL_AUTH_SECRET=$BOOT CERTCTL_RATE_LIMIT_ENABLED=false serve_start
	run certctl-agent --once --server-url "http://127.0.0.1:$PORT" --key-dir "$KEY_DIR" \
		--api-key "$BOOT"
	assert_success
	AGENT=$(jq -r .agent_id "$AGENT_DIR/agent.json")
	db_q "INSERT INTO teams (id, name) VALUES ('t-e2e', 'e2e');
		INSERT INTO owners (id, name, email, team_id) VALUES ('o-e2e', 'e2e', 'e2e@example.com', 't-e2e');
		INSERT INTO issuers (id, name, type, config) VALUES ('iss-e2e', 'e2e', 'GenericCA', '{}');
		INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES ('rp-e2e', 'e2e', 30);"
}

teardown() { polite_teardown; }

agent_once() {
	CERTCTL_VERIFY_DELAY=0s run certctl-agent --once --server-url "http://127.0.0.1:$PORT" \
		--key-dir "$KEY_DIR" "$@"
}

# make_cert NAME CN: self-signed EC certificate $W/NAME.crt, key $W/NAME.key
make_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$2" \
		-addext "subjectAltName=DNS:$2" -days 10 -keyout "$W/$1.key" -out "$W/$1.crt" 2>/dev/null
}

fingerprint() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}

sq() { printf "'%s'" "${1//\'/\'\'}"; }

# add_cert ID CRT: a managed certificate with one version holding CRT
add_cert() {
	local id=$1 crt=$2
	db_q "INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, issuer_id,
			renewal_policy_id, status, expires_at)
		VALUES ('$id', '$id', 'localhost', 'o-e2e', 't-e2e', 'iss-e2e', 'rp-e2e', 'Active',
			'2099-01-01T00:00:00.000000Z');
		INSERT INTO certificate_versions (id, certificate_id, serial_number, not_before, not_after,
			fingerprint_sha256, pem_chain)
		VALUES ('cv-$id', '$id', '01', '2020-01-01T00:00:00.000000Z', '2099-01-01T00:00:00.000000Z',
			'$(fingerprint "$crt")', $(sq "$(cat "$crt")"));"
}

# add_target ID CONFIG_JSON: an NGINX target of the agent
add_target() {
	db_q "INSERT INTO deployment_targets (id, name, type, agent_id, config)
		VALUES ('$1', '$1', 'NGINX', '$AGENT', $(sq "$2"))"
}

# add_job ID CERT TARGET: a pending Deployment job for the agent
add_job() {
	db_q "INSERT INTO certificate_target_mappings (certificate_id, target_id) VALUES ('$2', '$3');
		INSERT INTO jobs (id, type, certificate_id, target_id, agent_id, status)
		VALUES ('$1', 'Deployment', '$2', '$3', '$AGENT', 'Pending')"
}

# s_server CRT KEY: openssl s_server on a free port ($TLS_PORT) serving CRT
s_server() {
	TLS_PORT=$(free_port)
	bg_start "$TEST_DIR/s_server.log" openssl s_server -accept "127.0.0.1:$TLS_PORT" \
		-cert "$1" -key "$2" -www -quiet
	wait_for 5 curl -sk -o /dev/null "https://127.0.0.1:$TLS_PORT/" ||
		fail "s_server did not start: $(cat "$TEST_DIR/s_server.log")"
}

@test "a Deployment job: files deployed with the key from the key dir, verified, Completed" {
	make_cert served localhost
	s_server "$W/served.crt" "$W/served.key"
	add_cert mc-web "$W/served.crt"
	install -m 0600 "$W/served.key" "$KEY_DIR/mc-web.key"
	add_target tgt-web "{\"cert_path\":\"$TEST_DIR/deploy/cert.pem\",\"key_path\":\"$TEST_DIR/deploy/key.pem\",\"host\":\"127.0.0.1\",\"port\":$TLS_PORT}"
	add_job job-web mc-web tgt-web
	agent_once
	assert_success
	assert_output --partial "verification succeeded"
	cmp "$TEST_DIR/deploy/cert.pem" "$W/served.crt"
	cmp "$TEST_DIR/deploy/key.pem" "$W/served.key"
	assert_equal "$(stat -c %a "$TEST_DIR/deploy/key.pem")" 600
	assert_equal "$(db_q "SELECT status FROM jobs WHERE id = 'job-web'")" Completed
	API_KEY=$BOOT api GET /api/v1/jobs/job-web/verification
	assert_status 200
	assert_equal "$(jq -r .verified <<<"$HTTP_BODY")" true
	assert_equal "$(jq -r .actual_fingerprint <<<"$HTTP_BODY")" "$(fingerprint "$W/served.crt")"
	# the private key never reaches the log
	key_line=$(sed -n 2p "$W/served.key")
	[[ $output != *"$key_line"* ]] || fail "key material in the log"
	# done: not offered again
	agent_once
	assert_success
	refute_output --partial "deployment job"
}

@test "a target serving another certificate: verification failed is recorded, the job completes" {
	make_cert served localhost
	make_cert issued localhost
	s_server "$W/served.crt" "$W/served.key"
	add_cert mc-mis "$W/issued.crt"
	install -m 0600 "$W/issued.key" "$KEY_DIR/mc-mis.key"
	add_target tgt-mis "{\"cert_path\":\"$TEST_DIR/deploy/mis.pem\",\"host\":\"127.0.0.1\",\"port\":\"$TLS_PORT\"}"
	add_job job-mis mc-mis tgt-mis
	agent_once
	assert_success
	assert_output --partial "verification failed"
	assert_equal "$(db_q "SELECT status FROM jobs WHERE id = 'job-mis'")" Completed
	API_KEY=$BOOT api GET /api/v1/jobs/job-mis/verification
	assert_equal "$(jq -r .verified <<<"$HTTP_BODY")" false
	assert_equal "$(jq -r .actual_fingerprint <<<"$HTTP_BODY")" "$(fingerprint "$W/served.crt")"
	[[ $(jq -r .error <<<"$HTTP_BODY") == *"serves another certificate"* ]] ||
		fail "verification error: $HTTP_BODY"
}

@test "no key for the certificate: the job is reported Failed with the reason, exit 1" {
	make_cert issued localhost
	add_cert mc-nokey "$W/issued.crt"
	add_target tgt-nokey "{\"cert_path\":\"$TEST_DIR/deploy/nokey.pem\"}"
	add_job job-nokey mc-nokey tgt-nokey
	agent_once
	assert_failure 1
	# Failed, or queued again by the server for a later attempt
	st=$(db_q "SELECT status || ' ' || attempts FROM jobs WHERE id = 'job-nokey'")
	[[ $st == "Failed "* || $st == "Pending "[1-9]* ]] || fail "job: $st"
	err=$(db_q "SELECT last_error FROM jobs WHERE id = 'job-nokey'")
	[[ $err == "key read failed: "* ]] || fail "last_error: $err"
	[ ! -e "$TEST_DIR/deploy/nokey.pem" ] || fail "deployed without a key"
	# another certificate's key is refused as well
	make_cert other localhost
	install -m 0600 "$W/other.key" "$KEY_DIR/mc-nokey.key"
	db_q "UPDATE jobs SET status = 'Pending', scheduled_at = NULL WHERE id = 'job-nokey'"
	agent_once
	assert_failure 1
	err=$(db_q "SELECT last_error FROM jobs WHERE id = 'job-nokey'")
	[[ $err == *"does not belong to the certificate"* ]] || fail "last_error: $err"
}

@test "a target config without a host: deployed, verification skipped" {
	make_cert issued localhost
	add_cert mc-nohost "$W/issued.crt"
	install -m 0600 "$W/issued.key" "$KEY_DIR/mc-nohost.key"
	add_target tgt-nohost "{\"cert_path\":\"$TEST_DIR/deploy/nohost.pem\"}"
	add_job job-nohost mc-nohost tgt-nohost
	agent_once
	assert_success
	assert_output --partial "verification skipped"
	assert_equal "$(db_q "SELECT status FROM jobs WHERE id = 'job-nohost'")" Completed
	assert_equal "$(db_q "SELECT verification_status FROM jobs WHERE id = 'job-nohost'")" skipped
	cmp "$TEST_DIR/deploy/nohost.pem" "$W/issued.crt"
}

@test "an AwaitingCSR job: P-256 key in the key dir (0600, PKCS#8), CSR submitted" {
	add_target tgt-csr "{\"cert_path\":\"$TEST_DIR/deploy/csr.pem\"}"
	db_q "INSERT INTO managed_certificates (id, name, common_name, sans, owner_id, team_id, issuer_id,
			renewal_policy_id, status)
		VALUES ('mc-csr', 'mc-csr', 'csr.example', '[\"csr.example\",\"10.9.8.7\"]', 'o-e2e',
			't-e2e', 'iss-e2e', 'rp-e2e', 'Pending');
		INSERT INTO certificate_target_mappings (certificate_id, target_id) VALUES ('mc-csr', 'tgt-csr');
		INSERT INTO jobs (id, type, certificate_id, status) VALUES ('job-csr', 'Issuance', 'mc-csr', 'AwaitingCSR')"
	agent_once
	assert_output --partial "CSR job"
	[ -f "$KEY_DIR/mc-csr.key" ] || fail "no key file: $output"
	assert_equal "$(stat -c %a "$KEY_DIR/mc-csr.key")" 600
	head -1 "$KEY_DIR/mc-csr.key" | grep -qx -- '-----BEGIN PRIVATE KEY-----'
	openssl pkey -in "$KEY_DIR/mc-csr.key" -noout -text | grep -q 'NIST CURVE: P-256'
	# the server took the CSR (audited, or the job moved on), whatever it did with it then
	n=$(db_q "SELECT (SELECT count(*) FROM audit_events WHERE action = 'csr_submitted'
		AND resource_id = 'mc-csr') + (SELECT count(*) FROM jobs WHERE id = 'job-csr'
		AND status <> 'AwaitingCSR')")
	[ "$n" -ge 1 ] || fail "the server did not see a CSR: $output"
	[[ $output != *"CSR rejected"* ]] || fail "$output"
}
