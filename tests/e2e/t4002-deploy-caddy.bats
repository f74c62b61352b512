#!/usr/bin/env bats
# t4002: a Caddy target in admin API mode against a real Caddy on loopback. Caddy starts
# serving a throwaway self-signed certificate (its admin API on another loopback port);
# certctl serve (Local CA, agent keygen) and a running certctl agent issue a certificate,
# and the agent loads it into Caddy's running config (apps.tls.certificates.load_pem, no
# file, no restart): openssl s_client sees its fingerprint and the job records a successful
# verification. Renewed and deployed again, the certctl entry is replaced, not added to.

load helpers

KEY=t4002-admin-key-0123456789abcdef

setup() {
	common_setup
	[ "$(id -u)" = 0 ] || skip "needs root"
	command -v caddy >/dev/null || skip "caddy is not installed"
	CADDY_DIR=$TEST_DIR/caddy
	AGENT_DIR=$TEST_DIR/agent
	mkdir -p "$CADDY_DIR" "$AGENT_DIR"
	API_KEY=$KEY
	CADDY_PID=
}

teardown() {
	[ -n "${AGENT_PID:-}" ] && kill -TERM "$AGENT_PID" 2>/dev/null
	caddy_stop
	polite_teardown
}

# free_port_not PORT...: a free port that is none of these
free_port_not() {
	local p
	while p=$(free_port) && [[ " $* " == *" $p "* ]]; do :; done
	echo "$p"
}

# caddy_start: Caddy on two free loopback ports: its admin API on ADMIN_PORT, HTTPS on
# SVC_PORT serving a throwaway certificate (tagged "throwaway" in load_pem). No ACME, no
# HTTP/3 (UDP), state and autosave under $CADDY_DIR.
caddy_start() {
	ADMIN_PORT=$(free_port_not "$PORT")
	SVC_PORT=$(free_port_not "$PORT" "$ADMIN_PORT")
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=old \
		-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 2 \
		-keyout "$CADDY_DIR/old.key" -out "$CADDY_DIR/old.pem" 2>/dev/null
	# the SNI "localhost" policy, and one for clients that send no SNI (the agent's probe
	# of 127.0.0.1) that looks the certificate up as "localhost"
	jq -n --rawfile c "$CADDY_DIR/old.pem" --rawfile k "$CADDY_DIR/old.key" \
		--arg admin "127.0.0.1:$ADMIN_PORT" --arg listen "127.0.0.1:$SVC_PORT" \
		--arg storage "$CADDY_DIR/storage" '{
		admin: {listen: $admin},
		storage: {module: "file_system", root: $storage},
		apps: {
			http: {servers: {svc: {
				listen: [$listen], protocols: ["h1", "h2"],
				automatic_https: {disable: true},
				tls_connection_policies: [{match: {sni: ["localhost"]}},
					{default_sni: "localhost"}],
				routes: [{handle: [{handler: "static_response", body: "ok"}]}]}}},
			tls: {certificates: {load_pem: [{certificate: $c, key: $k, tags: ["throwaway"]}]}}
		}}' >"$CADDY_DIR/caddy.json"
	bg_start "$TEST_DIR/caddy.log" env HOME="$CADDY_DIR" XDG_CONFIG_HOME="$CADDY_DIR/config" \
		XDG_DATA_HOME="$CADDY_DIR/data" caddy run --config "$CADDY_DIR/caddy.json"
	CADDY_PID=$BG_PID
	wait_for 10 eval '[ -n "$(served_fp)" ]' || fail "caddy serves nothing: $(cat "$TEST_DIR/caddy.log")"
	OLD_FP=$(served_fp)
}

# caddy_stop: POST /stop to its admin API, then a kill if it is still there
caddy_stop() {
	[ -n "${CADDY_PID:-}" ] || return 0
	curl -sS --max-time 5 -X POST "http://127.0.0.1:$ADMIN_PORT/stop" >/dev/null 2>&1
	wait_for 5 eval '! pid_alive "$CADDY_PID"' || kill -KILL "$CADDY_PID" 2>/dev/null
	wait "$CADDY_PID" 2>/dev/null
	CADDY_PID=
	return 0
}

# the SHA-256 fingerprint (lower hex) of what Caddy serves for SNI localhost
served_fp() {
	timeout 10 openssl s_client -connect "127.0.0.1:$SVC_PORT" -servername localhost \
		</dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 2>/dev/null |
		sed -n 's/^sha256 Fingerprint=//Ip' | tr -d : | tr 'A-F' 'a-f'
}

# the tags of Caddy's load_pem entries, one line each
load_pem_tags() {
	curl -sS --max-time 5 "http://127.0.0.1:$ADMIN_PORT/config/apps/tls/certificates/load_pem" |
		jq -r '.[] | .tags | join(",")'
}

# serve with the job processor every second, and the agent (1 s loops)
lifecycle_start() {
	CERTCTL_AUTH_SECRET=$KEY CERTCTL_RATE_LIMIT_ENABLED=false \
		CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=1s serve_start
	CERTCTL_VERIFY_DELAY=0s bg_start "$TEST_DIR/agent.log" certctl-agent \
		--server-url "http://127.0.0.1:$PORT" --api-key "$KEY" --state-dir "$AGENT_DIR" \
		--key-dir "$AGENT_DIR/keys" --heartbeat-interval 1s --poll-interval 1s
	AGENT_PID=$BG_PID
	wait_for 10 test -s "$AGENT_DIR/agent.json" || fail "agent did not register: $(cat "$TEST_DIR/agent.log")"
	AGENT=$(jq -r .agent_id "$AGENT_DIR/agent.json")
}

# team, owner, the Caddy target (API mode) and a certificate mapped to it; sets CERT
make_cert() {
	local team owner target
	api_json POST /api/v1/teams '{"name":"web"}'
	assert_status 201
	team=$(jq -r .id <<<"$HTTP_BODY")
	api_json POST /api/v1/owners "{\"name\":\"ops\",\"email\":\"ops@example.com\",\"team_id\":\"$team\"}"
	assert_status 201
	owner=$(jq -r .id <<<"$HTTP_BODY")
	api_json POST /api/v1/targets "$(jq -nc --arg a "$AGENT" \
		--arg admin "http://127.0.0.1:$ADMIN_PORT" --argjson port "$SVC_PORT" \
		'{name: "caddy", type: "Caddy", agent_id: $a, config: {mode: "api",
		  admin_api: $admin, host: "127.0.0.1", port: $port}}')"
	assert_status 201
	target=$(jq -r .id <<<"$HTTP_BODY")
	api_json POST /api/v1/certificates "{\"name\":\"caddy\",\"common_name\":\"localhost\",
		\"sans\":[\"localhost\",\"127.0.0.1\"],\"owner_id\":\"$owner\",\"team_id\":\"$team\",
		\"issuer_id\":\"iss-local\",\"renewal_policy_id\":\"rp-default\",
		\"target_ids\":[\"$target\"]}"
	assert_status 201
	CERT=$(jq -r .id <<<"$HTTP_BODY")
}

newest_fp() {
	api GET "/api/v1/certificates/$CERT/versions?per_page=1"
	jq -r '.data[0].fingerprint_sha256 // empty' <<<"$HTTP_BODY"
}

served_is() {
	[ -n "$1" ] && [ "$(served_fp)" = "$1" ]
}

# Completed deployment jobs of the certificate whose verification succeeded
verified_count() {
	local job n=0
	for job in $(db_q "SELECT id FROM jobs WHERE certificate_id = '$CERT'
		AND type = 'Deployment' AND status = 'Completed'"); do
		api GET "/api/v1/jobs/$job/verification"
		[ "$(jq -r .verified <<<"$HTTP_BODY")" = true ] && n=$((n + 1))
	done
	echo "$n"
}

# renew and wait until Caddy serves the new version, verified by the agent; sets FP
renew_and_serve() {
	local before want=$1
	before=$(newest_fp)
	api POST "/api/v1/certificates/$CERT/renew"
	assert_status 202
	wait_for 30 eval '[ -n "$(newest_fp)" ] && [ "$(newest_fp)" != "$before" ]' ||
		fail "no new version: $(tail -20 "$TEST_DIR/agent.log")"
	FP=$(newest_fp)
	wait_for 30 served_is "$FP" ||
		fail "caddy does not serve $FP: $(tail -20 "$TEST_DIR/agent.log")"
	wait_for 10 eval '[ "$(verified_count)" -ge "$want" ]' ||
		fail "no successful verification recorded: $(tail -20 "$TEST_DIR/agent.log")"
}

@test "caddy api: issued, loaded through the admin API with no restart, verified" {
	caddy_start
	lifecycle_start
	make_cert
	renew_and_serve 1
	[ "$FP" != "$OLD_FP" ] || fail "still the old certificate"
	# ours goes first in load_pem (it wins the handshake); the throwaway stays
	run load_pem_tags
	assert_output "certctl:$CERT
throwaway"
	# the served chain verifies against the Local CA
	openssl s_client -connect "127.0.0.1:$SVC_PORT" -servername localhost -showcerts \
		</dev/null 2>/dev/null | sed -n '/BEGIN CERT/,/END CERT/p' >"$TEST_DIR/served.pem"
	api GET "/api/v1/certificates/$CERT/versions?per_page=1"
	jq -r '.data[0].pem_chain' <<<"$HTTP_BODY" | awk '/BEGIN/{n++} n==2' >"$TEST_DIR/ca.pem"
	run openssl verify -CAfile "$TEST_DIR/ca.pem" "$TEST_DIR/served.pem"
	assert_success
	# one deployment job, and the agent says where and how
	run db_q "SELECT COUNT(*) FROM jobs WHERE certificate_id = '$CERT' AND type = 'Deployment'
		AND status = 'Completed'"
	assert_output 1
	run grep -F "address=http://127.0.0.1:$ADMIN_PORT message=\"loaded into Caddy through the admin API at http://127.0.0.1:$ADMIN_PORT (added load_pem entry 0 of 2)\"" "$TEST_DIR/agent.log"
	assert_success
	# Caddy was never restarted and certctl wrote no file
	pid_alive "$CADDY_PID" || fail "caddy is gone"
	assert_equal "$(grep -c 'serving initial configuration' "$TEST_DIR/caddy.log")" 1
	assert_equal "$(stat -c %a "$AGENT_DIR/keys/$CERT.key")" 600
}

@test "caddy api: a renewal and a manual deployment replace the certctl entry" {
	caddy_start
	lifecycle_start
	make_cert
	renew_and_serve 1
	local first=$FP
	renew_and_serve 2
	[ "$FP" != "$first" ] || fail "the renewal served the same certificate"
	# POST /deploy: the same version once more, through a new job
	api_json POST "/api/v1/certificates/$CERT/deploy" '{}'
	assert_status 202
	assert_equal "$(jq -r .jobs <<<"$HTTP_BODY")" 1
	wait_for 30 eval '[ "$(verified_count)" -ge 3 ]' ||
		fail "the manual deployment did not complete: $(tail -20 "$TEST_DIR/agent.log")"
	served_is "$FP" || fail "caddy does not serve $FP"
	run load_pem_tags
	assert_output "certctl:$CERT
throwaway"
	run db_q "SELECT COUNT(*) FROM jobs WHERE certificate_id = '$CERT' AND type = 'Deployment'
		AND status = 'Completed'"
	assert_output 3
}
