#!/usr/bin/env bats
# t3002: two certctl serve replicas (own data dirs) on one PostgreSQL database work through
# the same queue of issuance jobs (server keygen): every job runs exactly once, every
# certificate gets exactly one version, both replicas sign with the one Local CA the
# database holds, and the issued certificates verify against it.

load helpers

KEY=t3002-admin-key-0123456789abcdef
N=120

teardown() {
	[ -n "${REPLICA2:-}" ] && kill -TERM "$REPLICA2" 2>/dev/null
	polite_teardown
}

wait_health() { # PORT
	curl -fsS --max-time 1 -o /dev/null "http://127.0.0.1:$1/health" 2>/dev/null
}

all_done() {
	[ "$(db_q "SELECT count(*) FROM jobs WHERE status IN ('Completed', 'Failed')")" = "$N" ]
}

@test "postgres: two replicas run each issuance job once, with one shared Local CA" {
	local port2 i
	export CERTCTL_AUTH_SECRET=$KEY CERTCTL_RATE_LIMIT_ENABLED=false CERTCTL_KEYGEN_MODE=server
	export CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=1s
	ENGINE=pg
	fresh_pg_db >/dev/null
	# the fleet, with nothing running: N certificates and N Pending issuance jobs
	certctl db migrate --database-url "$PG_DB_URL" >/dev/null
	db_q "INSERT INTO teams (id, name) VALUES ('tm', 'tm');
		INSERT INTO owners (id, name, email, team_id) VALUES ('ow', 'ow', 'ow@example.com', 'tm');
		INSERT INTO issuers (id, name, type, config) VALUES ('iss-local', 'Local CA', 'GenericCA', '{}');
		INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES ('rp-default', 'default', 30);
		INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, issuer_id,
			renewal_policy_id, status)
			SELECT 'mc-' || g, 'mc-' || g, 'h' || g || '.example.com', 'ow', 'tm', 'iss-local',
				'rp-default', 'Pending' FROM generate_series(1, $N) g;
		INSERT INTO jobs (id, type, certificate_id, status, scheduled_at)
			SELECT 'job-' || g, 'Issuance', 'mc-' || g, 'Pending', now() - interval '1 minute'
			FROM generate_series(1, $N) g;"
	# both replicas at once, each with its own data dir
	port2=$(free_port)
	serve_start --database-url "$PG_DB_URL"
	bg_start "$TEST_DIR/serve2.log" env CERTCTL_DATA_DIR="$TEST_DIR/data2" \
		certctl serve --port "$port2" --database-url "$PG_DB_URL"
	REPLICA2=$BG_PID
	wait_for 10 wait_health "$port2" || fail "replica 2 did not start: $(cat "$TEST_DIR/serve2.log")"
	wait_for 60 all_done || fail "jobs left: $(db_q "SELECT status, count(*) FROM jobs GROUP BY status")"
	# each job once: all Completed, one version per certificate, no certificate twice
	assert_equal "$(db_q "SELECT count(*) FROM jobs WHERE status = 'Completed'")" "$N"
	assert_equal "$(db_q "SELECT count(*) FROM certificate_versions")" "$N"
	assert_equal "$(db_q "SELECT count(DISTINCT certificate_id) FROM certificate_versions")" "$N"
	assert_equal "$(db_q "SELECT count(*) FROM managed_certificates WHERE status = 'Active'")" "$N"
	assert_equal "$(db_q "SELECT count(*) FROM audit_events WHERE action = 'renewal_job_completed'")" "$N"
	# one CA: stored once, and both replicas hold the same copy
	assert_equal "$(db_q "SELECT count(*) FROM local_ca_material")" 1
	cmp "$CERTCTL_DATA_DIR/ca/iss-local/ca.crt" "$TEST_DIR/data2/ca/iss-local/ca.crt"
	cmp "$CERTCTL_DATA_DIR/ca/iss-local/ca.key" "$TEST_DIR/data2/ca/iss-local/ca.key"
	assert_equal "$(stat -c %a "$TEST_DIR/data2/ca/iss-local/ca.key")" 600
	# a sample of the certificates verifies against it
	for i in 1 7 $((N / 2)) $N; do
		db_q "SELECT pem_chain FROM certificate_versions WHERE certificate_id = 'mc-$i'" \
			>"$TEST_DIR/leaf-$i.pem"
		run openssl verify -CAfile "$CERTCTL_DATA_DIR/ca/iss-local/ca.crt" "$TEST_DIR/leaf-$i.pem"
		assert_success
	done
	kill -TERM "$REPLICA2"
	serve_stop TERM 0
}
