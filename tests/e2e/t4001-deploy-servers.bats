#!/usr/bin/env bats
# t4001: the whole lifecycle against real web servers on loopback. certctl serve (Local CA,
# agent keygen) and a running certctl agent; a private nginx, HAProxy and Apache started by
# ../shared/scripts/svc-tmp with a throwaway certificate. A certificate mapped to the
# server's target is issued from the agent's CSR, deployed, validated, reloaded and
# verified (openssl s_client sees the new fingerprint, the job records success); a short
# TTL makes the scheduler renew it and the new serial is served with no manual step; a
# failing validate command leaves the old files and the old certificate in place.

load helpers

KEY=t4001-admin-key-0123456789abcdef

setup() {
	common_setup
	[ "$(id -u)" = 0 ] || skip "svc-tmp needs root"
	SHARED=$(cd "$BATS_TEST_DIRNAME/../../../shared" 2>/dev/null && pwd -P) ||
		skip "../shared is not beside the repository"
	SVC_TMP=$SHARED/scripts/svc-tmp
	SVC=$TEST_DIR/svc
	AGENT_DIR=$TEST_DIR/agent
	mkdir -p "$SVC" "$AGENT_DIR"
	API_KEY=$KEY
	SVC_STARTED=
}

teardown() {
	[ -n "${AGENT_PID:-}" ] && kill -TERM "$AGENT_PID" 2>/dev/null
	[ -n "$SVC_STARTED" ] && "$SVC_TMP" stop "$SVC" >/dev/null 2>&1
	polite_teardown
}

# serve with fast loops (jobs every second, renewal check every RENEWAL_EVERY), on SQLite or,
# with ENGINE=pg, on a fresh PostgreSQL database
lifecycle_serve() {
	local args=()
	if [ "${ENGINE:-sqlite}" = pg ]; then
		fresh_pg_db >/dev/null
		args=(--database-url "$PG_DB_URL")
	fi
	CERTCTL_AUTH_SECRET=$KEY CERTCTL_RATE_LIMIT_ENABLED=false \
		CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=1s \
		CERTCTL_SCHEDULER_RENEWAL_CHECK_INTERVAL=${RENEWAL_EVERY:-1h} serve_start "${args[@]}"
}

# the agent registers with the bootstrap key, then runs in the background (1 s loops)
agent_start() {
	CERTCTL_VERIFY_DELAY=0s bg_start "$TEST_DIR/agent.log" certctl-agent \
		--server-url "http://127.0.0.1:$PORT" --api-key "$KEY" --state-dir "$AGENT_DIR" \
		--key-dir "$AGENT_DIR/keys" --heartbeat-interval 1s --poll-interval 1s
	AGENT_PID=$BG_PID
	wait_for 10 test -s "$AGENT_DIR/agent.json" || fail "agent did not register: $(cat "$TEST_DIR/agent.log")"
	AGENT=$(jq -r .agent_id "$AGENT_DIR/agent.json")
}

# svc_start KIND: the server on a free port with a self-signed certificate in $SVC
svc_start() {
	local kind=$1 key
	command -v "${2:-$kind}" >/dev/null || skip "$kind is not installed"
	SVC_PORT=$(free_port)
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=old \
		-days 2 -keyout "$SVC/key.pem" -out "$SVC/cert.pem" 2>/dev/null
	key=$SVC/key.pem
	if [ "$kind" = haproxy ]; then
		cat "$SVC/cert.pem" "$SVC/key.pem" >"$SVC/combined.pem"
		chmod 600 "$SVC/combined.pem"
		run "$SVC_TMP" start haproxy "$SVC" "$SVC_PORT" "$SVC/combined.pem" -
	else
		run "$SVC_TMP" start "$kind" "$SVC" "$SVC_PORT" "$SVC/cert.pem" "$key"
	fi
	assert_success
	SVC_STARTED=1
	OLD_FP=$(served_fp)
	[ -n "$OLD_FP" ] || fail "$kind serves nothing on $SVC_PORT"
}

# the SHA-256 fingerprint (lower hex) of what the server serves
served_fp() {
	"$SHARED/scripts/served-cert" "127.0.0.1:$SVC_PORT" 2>/dev/null |
		sed -n 's/^sha256 Fingerprint=//Ip' | tr -d : | tr 'A-F' 'a-f'
}

served_serial() {
	"$SHARED/scripts/served-cert" "127.0.0.1:$SVC_PORT" 2>/dev/null | sed -n 's/^serial=//p'
}

# target_config TYPE [VALIDATE]: the JSON config of a target deploying to $SVC
target_config() {
	local validate=${2:-$SVC_TMP test $SVC}
	case $1 in
	HAProxy)
		jq -nc --arg pem "$SVC/combined.pem" --arg v "$validate" --arg r "$SVC_TMP reload $SVC" \
			--argjson port "$SVC_PORT" \
			'{pem_path: $pem, validate_command: $v, reload_command: $r, host: "127.0.0.1", port: $port}'
		;;
	*)
		jq -nc --arg c "$SVC/cert.pem" --arg k "$SVC/key.pem" --arg v "$validate" \
			--arg r "$SVC_TMP reload $SVC" --argjson port "$SVC_PORT" \
			'{cert_path: $c, key_path: $k, validate_command: $v, reload_command: $r,
			  host: "127.0.0.1", port: $port}'
		;;
	esac
}

# make_cert TYPE [PROFILE_ID] [VALIDATE]: team, owner, target and certificate through the
# API; sets TARGET and CERT
make_cert() {
	local type=$1 profile=${2:-} extra=""
	api_json POST /api/v1/teams '{"name":"web"}'
	assert_status 201
	local team
	team=$(jq -r .id <<<"$HTTP_BODY")
	api_json POST /api/v1/owners "{\"name\":\"ops\",\"email\":\"ops@example.com\",\"team_id\":\"$team\"}"
	assert_status 201
	local owner
	owner=$(jq -r .id <<<"$HTTP_BODY")
	api_json POST /api/v1/targets "$(jq -nc --arg a "$AGENT" --arg t "$type" \
		--argjson c "$(target_config "$type" "${3:-}")" \
		'{name: "svc", type: $t, agent_id: $a, config: $c}')"
	assert_status 201
	TARGET=$(jq -r .id <<<"$HTTP_BODY")
	[ -z "$profile" ] || extra=",\"certificate_profile_id\":\"$profile\""
	api_json POST /api/v1/certificates "{\"name\":\"svc\",\"common_name\":\"localhost\",
		\"sans\":[\"localhost\",\"127.0.0.1\"],\"owner_id\":\"$owner\",\"team_id\":\"$team\",
		\"issuer_id\":\"iss-local\",\"renewal_policy_id\":\"rp-default\",
		\"target_ids\":[\"$TARGET\"]$extra}"
	assert_status 201
	CERT=$(jq -r .id <<<"$HTTP_BODY")
}

# the fingerprint of the certificate's newest version
newest_fp() {
	api GET "/api/v1/certificates/$CERT/versions?per_page=1"
	jq -r '.data[0].fingerprint_sha256 // empty' <<<"$HTTP_BODY"
}

served_is_newest() {
	local want
	want=$(newest_fp)
	[ -n "$want" ] && [ "$(served_fp)" = "$want" ]
}

served_not_old() {
	[ "$(served_fp)" != "$OLD_FP" ]
}

# the newest deployment job of the certificate finished with verification "success"
verified() {
	local job
	job=$(db_q "SELECT id FROM jobs WHERE certificate_id = '$CERT' AND type = 'Deployment'
		AND status = 'Completed' ORDER BY created_at DESC LIMIT 1")
	[ -n "$job" ] || return 1
	api GET "/api/v1/jobs/$job/verification"
	[ "$(jq -r .verified <<<"$HTTP_BODY")" = true ]
}

# issue, deploy and verify through the agent, with nothing done by hand after creation
deploy_flow() {
	local type=$1 kind=$2
	svc_start "$kind" "${3:-$kind}"
	lifecycle_serve
	agent_start
	make_cert "$type"
	api POST "/api/v1/certificates/$CERT/renew"
	assert_status 202
	wait_for 30 served_is_newest ||
		fail "$kind does not serve the issued certificate: $(tail -20 "$TEST_DIR/agent.log")"
	# an old worker may still answer a connection or two right after the reload
	wait_for 10 served_not_old || fail "still the old certificate"
	wait_for 10 verified || fail "no successful verification recorded"
	# the chain verifies against the Local CA, as served
	openssl s_client -connect "127.0.0.1:$SVC_PORT" -servername localhost -showcerts \
		</dev/null 2>/dev/null | sed -n '/BEGIN CERT/,/END CERT/p' >"$TEST_DIR/served.pem"
	api GET /api/v1/certificates/$CERT/versions?per_page=1
	jq -r '.data[0].pem_chain' <<<"$HTTP_BODY" | awk '/BEGIN/{n++} n==2' >"$TEST_DIR/ca.pem"
	run openssl verify -CAfile "$TEST_DIR/ca.pem" "$TEST_DIR/served.pem"
	assert_success
	# the key never left the agent: the server kept none, the agent's is 0600
	assert_equal "$(db_q 'SELECT COUNT(*) FROM server_keys')" 0
	assert_equal "$(stat -c %a "$AGENT_DIR/keys/$CERT.key")" 600
	assert_equal "$(db_q "SELECT status FROM managed_certificates WHERE id = '$CERT'")" Active
}

@test "nginx: issued from the agent's CSR, deployed, reloaded and verified" {
	deploy_flow NGINX nginx
}

@test "postgres: nginx, the same flow on PostgreSQL" {
	ENGINE=pg deploy_flow NGINX nginx
}

@test "haproxy: the combined PEM is deployed, reloaded and verified" {
	deploy_flow HAProxy haproxy
}

@test "apache: issued, deployed, reloaded and verified" {
	deploy_flow Apache apache apache2
}

@test "nginx: a short TTL is renewed by the scheduler and the new serial is served" {
	svc_start nginx
	RENEWAL_EVERY=2s lifecycle_serve
	agent_start
	# a profile capping certificates at 10 minutes: always inside the 30-day window
	api_json POST /api/v1/profiles '{"name":"short","max_ttl_seconds":600,"allow_short_lived":true}'
	assert_status 201
	make_cert NGINX "$(jq -r .id <<<"$HTTP_BODY")"
	# no renew request: the scheduler issues it (never issued, auto renew), then renews it
	wait_for 30 served_is_newest || fail "nothing served: $(tail -20 "$TEST_DIR/agent.log")"
	# compared by the recorded versions: right after a reload an old nginx worker may still
	# answer a handshake with the certificate it had before
	local first
	first=$(newest_fp)
	wait_for 40 eval 'served_is_newest && [ "$(newest_fp)" != "$first" ]' ||
		fail "version $first was never replaced: $(tail -20 "$TEST_DIR/agent.log")"
	run db_q "SELECT COUNT(*) > 1 FROM certificate_versions WHERE certificate_id = '$CERT'"
	assert_output 1
	run db_q "SELECT COUNT(*) FROM jobs WHERE certificate_id = '$CERT' AND type = 'Renewal'"
	[ "$output" -ge 1 ]
}

@test "nginx: a failing validate command leaves the old files and the old certificate" {
	svc_start nginx
	lifecycle_serve
	agent_start
	cp -p "$SVC/cert.pem" "$TEST_DIR/cert.before"
	cp -p "$SVC/key.pem" "$TEST_DIR/key.before"
	make_cert NGINX "" /bin/false
	api POST "/api/v1/certificates/$CERT/renew"
	assert_status 202
	# the job is issued, then its deployment fails and is retried later
	wait_for 30 eval "[ \"\$(db_q \"SELECT COUNT(*) FROM jobs WHERE certificate_id = '$CERT'
		AND type = 'Deployment' AND last_error LIKE '%false%'\")\" -ge 1 ]" ||
		fail "no failed deployment: $(tail -20 "$TEST_DIR/agent.log")"
	cmp "$SVC/cert.pem" "$TEST_DIR/cert.before"
	cmp "$SVC/key.pem" "$TEST_DIR/key.before"
	assert_equal "$(stat -c %a "$SVC/key.pem")" "$(stat -c %a "$TEST_DIR/key.before")"
	assert_equal "$(served_fp)" "$OLD_FP"
	[ -z "$(ls "$SVC" | grep -e certctl-prev -e '\.tmp')" ] || fail "leftovers: $(ls "$SVC")"
}
