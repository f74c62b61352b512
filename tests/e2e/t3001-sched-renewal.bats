#!/usr/bin/env bats
# t3001: the scheduler of certctl serve — a certificate 10 days from expiry turns Expiring,
# gets its expiration warnings and (policy auto_renew) one Renewal job within seconds of
# start; two serve replicas on one PostgreSQL database queue one job, not two

load helpers

KEY=t3001-key

# fast loops; the renewal check has a 1 m floor but runs at once on start
fast_env() {
	export CERTCTL_AUTH_SECRET=$KEY
	export CERTCTL_SCHEDULER_RENEWAL_CHECK_INTERVAL=1m
	export CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=1s
	export CERTCTL_SCHEDULER_AGENT_HEALTH_CHECK_INTERVAL=1s
	export CERTCTL_SCHEDULER_NOTIFICATION_PROCESS_INTERVAL=1s
	export CERTCTL_SCHEDULER_SHORT_LIVED_INTERVAL=1s
	API_KEY=$KEY
}

# fixtures through the API (the scheduler off), then expiries set in the database:
# c-manual (auto_renew false) and c-auto (rp-default, auto_renew true), both 10 days out
make_certs() {
	local id pol
	api_json POST /api/v1/teams '{"id":"tm-sched","name":"sched"}'
	assert_status 201
	api_json POST /api/v1/owners '{"id":"ow-sched","name":"Sam","email":"sam@example.com","team_id":"tm-sched"}'
	assert_status 201
	db_q "INSERT INTO renewal_policies (id, name, renewal_window_days, auto_renew) VALUES ('rp-manual', 'manual', 30, FALSE)"
	for id in c-manual c-auto; do
		pol=rp-default
		[ "$id" = c-manual ] && pol=rp-manual
		api_json POST /api/v1/certificates "{\"id\":\"$id\",\"name\":\"$id\",\"common_name\":\"$id.example.com\",\"owner_id\":\"ow-sched\",\"team_id\":\"tm-sched\",\"issuer_id\":\"iss-local\",\"renewal_policy_id\":\"$pol\",\"status\":\"Active\"}"
		assert_status 201
	done
	if [ "$ENGINE" = pg ]; then
		db_q "UPDATE managed_certificates SET expires_at = now() + interval '10 days' WHERE id IN ('c-manual', 'c-auto')"
	else
		db_q "UPDATE managed_certificates SET expires_at = strftime('%Y-%m-%dT%H:%M:%f000Z', 'now', '+10 days') WHERE id IN ('c-manual', 'c-auto')"
	fi
}

renewal_jobs() {
	db_q "SELECT count(*) FROM jobs WHERE certificate_id = 'c-auto' AND type = 'Renewal'"
}

has_renewal_job() {
	[ "$(renewal_jobs)" -ge 1 ]
}

manual_is_expiring() {
	api GET /api/v1/certificates/c-manual
	[ "$(jq -r .status <<<"$HTTP_BODY")" = Expiring ]
}

check_scheduled() {
	wait_for 10 manual_is_expiring || fail "c-manual is not Expiring: $HTTP_BODY
$(cat "$TEST_DIR/serve.log")"
	wait_for 10 has_renewal_job || fail "no Renewal job for c-auto: $(cat "$TEST_DIR/serve.log")"
	# 10 days out: the 30 and 14 day warnings, e-mail to the owner, pending (no notifier)
	api GET "/api/v1/notifications?certificate_id=c-manual"
	assert_status 200
	assert_equal "$(jq -r '[.data[] | select(.type == "ExpirationWarning")] | length' <<<"$HTTP_BODY")" 2
	assert_equal "$(jq -r '[.data[].recipient] | unique | join(",")' <<<"$HTTP_BODY")" sam@example.com
	assert_equal "$(jq -r '[.data[].status] | unique | join(",")' <<<"$HTTP_BODY")" pending
	assert_equal "$(db_q "SELECT count(*) FROM notification_events WHERE certificate_id = 'c-auto' AND type = 'ExpirationWarning'")" 2
	# the auto-renewed one: one Renewal job, the certificate RenewalInProgress, audited
	api GET "/api/v1/jobs?certificate_id=c-auto"
	assert_status 200
	assert_equal "$(jq -r '[.data[] | select(.type == "Renewal")] | length' <<<"$HTTP_BODY")" 1
	api GET /api/v1/certificates/c-auto
	assert_equal "$(jq -r .status <<<"$HTTP_BODY")" RenewalInProgress
	assert_equal "$(db_q "SELECT count(*) FROM audit_events WHERE action = 'renewal_job_created' AND resource_id = 'c-auto'")" 1
	assert_equal "$(db_q "SELECT count(*) FROM audit_events WHERE action = 'expiration_alert_sent'")" 4
	# nothing for the manual one
	assert_equal "$(db_q "SELECT count(*) FROM jobs WHERE certificate_id = 'c-manual'")" 0
}

@test "sqlite: a certificate 10 days from expiry turns Expiring, is warned about and renewed" {
	fast_env
	ENGINE=sqlite
	serve_start --no-scheduler
	make_certs
	serve_stop TERM 0
	grep -q -- '--no-scheduler' "$TEST_DIR/serve.log" || fail "no --no-scheduler warning"
	assert_equal "$(db_q "SELECT status FROM managed_certificates WHERE id = 'c-manual'")" Active
	serve_start
	check_scheduled
	grep -q 'scheduler started' "$TEST_DIR/serve.log" || fail "no scheduler start line"
	# the stop is prompt although the renewal check waits a minute
	serve_stop TERM 0
}

lease_taken() {
	[ "$(db_q "SELECT count(*) FROM scheduler_leases WHERE name = 'renewal_check'")" = 1 ]
}

gone() { # PID
	! pid_alive "$1"
}

wait_health() { # PORT
	curl -fsS --max-time 1 -o /dev/null "http://127.0.0.1:$1/health" 2>/dev/null
}

@test "postgres: two serve replicas on one database queue one Renewal job, not two" {
	local port2 replica2 i
	fast_env
	engine_serve pg --no-scheduler
	make_certs
	serve_stop TERM 0
	# both replicas at once: each runs its renewal check on start
	port2=$(free_port)
	serve_start --database-url "$PG_DB_URL"
	wait_for 10 lease_taken || fail "replica 1 took no renewal_check lease: $(cat "$TEST_DIR/serve.log")"
	bg_start "$TEST_DIR/serve2.log" env CERTCTL_DATA_DIR="$TEST_DIR/data2" \
		certctl serve --port "$port2" --database-url "$PG_DB_URL" --log-level debug
	replica2=$BG_PID
	wait_for 10 wait_health "$port2" || fail "replica 2 did not start: $(cat "$TEST_DIR/serve2.log")"
	check_scheduled
	# replica 2 found the renewal check taken by replica 1
	wait_for 5 grep -q 'loop=renewal_check: another replica holds it' "$TEST_DIR/serve2.log" ||
		fail "replica 2 did not skip the renewal check: $(cat "$TEST_DIR/serve2.log")"
	# give the second replica every chance to add a duplicate
	for ((i = 0; i < 3; i++)); do
		sleep 1
		assert_equal "$(renewal_jobs)" 1
	done
	assert_equal "$(db_q "SELECT count(*) FROM notification_events WHERE type = 'ExpirationWarning'")" 4
	# the renewal check's lease has one holder
	assert_equal "$(db_q "SELECT count(*) FROM scheduler_leases WHERE name = 'renewal_check'")" 1
	kill -TERM "$replica2"
	wait_for 5 gone "$replica2" || fail "replica 2 did not stop on SIGTERM"
	serve_stop TERM 0
	# both gave their leases back
	assert_equal "$(db_q "SELECT count(*) FROM scheduler_leases")" 0
}
