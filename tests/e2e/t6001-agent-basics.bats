#!/usr/bin/env bats
# t6001: certctl agent against a real serve (SQLite): first run with only a bootstrap key
# registers and keeps agent.json, heartbeats, reuse of the id, the per-agent key's limits,
# v2.1 flags, discovery reports without duplicates, backoff while serve is away, SIGTERM

load helpers

BOOT=t6001-bootstrap-key-0123456789

setup() {
	common_setup
	AGENT_DIR=$TEST_DIR/agent
	KEY_DIR=$AGENT_DIR/keys
}

teardown() { polite_teardown; }

agent_serve() {
	CERTCTL_AUTH_SECRET=$BOOT CERTCTL_RATE_LIMIT_ENABLED=false serve_start "$@"
}

# agent_once [ARGS...]: one cycle against the test server
agent_once() {
	run certctl-agent --once --server-url "http://127.0.0.1:$PORT" --key-dir "$KEY_DIR" "$@"
}

agent_id() { jq -r .agent_id "$AGENT_DIR/agent.json"; }
agent_key() { jq -r .api_key "$AGENT_DIR/agent.json"; }

# agent_bg [ARGS...]: the agent in the background (1 s heartbeat and poll), log in agent.log
agent_bg() {
	bg_start "$TEST_DIR/agent.log" certctl-agent --server-url "http://127.0.0.1:$PORT" \
		--key-dir "$KEY_DIR" --heartbeat-interval 1s --poll-interval 1s "$@"
	AGENT_PID=$BG_PID
}

# agent_stop: SIGTERM, exit 0 within 3 s
agent_stop() {
	local i
	kill -TERM "$AGENT_PID"
	for ((i = 0; i < 30; i++)); do
		pid_alive "$AGENT_PID" || break
		sleep 0.1
	done
	pid_alive "$AGENT_PID" && fail "the agent did not exit within 3 s of SIGTERM: $(cat "$TEST_DIR/agent.log")"
	wait "$AGENT_PID" && AGENT_STATUS=0 || AGENT_STATUS=$?
	[ "$AGENT_STATUS" = 0 ] || fail "agent exit status $AGENT_STATUS: $(cat "$TEST_DIR/agent.log")"
}

log_has() { grep -q -- "$1" "$TEST_DIR/agent.log"; }

# make_cert DIR NAME CN: self-signed EC certificate DIR/NAME.crt (key DIR/NAME.key)
make_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$3" \
		-addext "subjectAltName=DNS:$3" -days 10 -keyout "$1/$2.key" -out "$1/$2.crt" 2>/dev/null
}

fingerprint() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}

@test "first run with only a bootstrap key registers, keeps agent.json 0600 and heartbeats" {
	agent_serve
	agent_once --api-key "$BOOT" --name e2e-agent
	assert_success
	assert_output --partial registered
	[ "$(stat -c %a "$AGENT_DIR/agent.json")" = 600 ] || fail "agent.json mode $(stat -c %a "$AGENT_DIR/agent.json")"
	[ "$(stat -c %a "$AGENT_DIR")" = 700 ] || fail "state dir mode $(stat -c %a "$AGENT_DIR")"
	[ "$(stat -c %a "$KEY_DIR")" = 700 ] || fail "key dir mode $(stat -c %a "$KEY_DIR")"
	id=$(agent_id)
	key=$(agent_key)
	[[ $id == agent-* ]] || fail "agent id '$id'"
	[ -n "$key" ] && [ "$key" != "$BOOT" ] || fail "no per-agent key in agent.json"
	# the key is never logged
	[[ $output != *"$key"* ]] || fail "the agent key appears in the log"
	# the agent row: name, host facts, a heartbeat
	API_KEY=$BOOT api GET "/api/v1/agents/$id"
	assert_status 200
	assert_equal "$(jq -r .name <<<"$HTTP_BODY")" e2e-agent
	assert_equal "$(jq -r .hostname <<<"$HTTP_BODY")" "$(hostname)"
	assert_equal "$(jq -r .os <<<"$HTTP_BODY")" linux
	case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
	assert_equal "$(jq -r .architecture <<<"$HTTP_BODY")" "$arch"
	[ "$(jq -r .version <<<"$HTTP_BODY")" = "$(cat "$E2E_TOP/VERSION")" ] ||
		fail "version: $HTTP_BODY"
	hb=$(jq -r .last_heartbeat_at <<<"$HTTP_BODY")
	[[ $hb == 20* ]] || fail "no heartbeat: $HTTP_BODY"
	# the per-agent key is the agent's own, and nothing more
	API_KEY=$key api GET "/api/v1/agents/$id"
	assert_status 200
	API_KEY=$key api GET /api/v1/certificates
	assert_status 403
	API_KEY=$key api GET /api/v1/agents
	assert_status 403
}

@test "a second run reuses the id from agent.json without the bootstrap key" {
	agent_serve
	agent_once --api-key "$BOOT"
	assert_success
	id=$(agent_id)
	sleep 1
	# no key at all now: the state file's is used
	agent_once
	assert_success
	refute_output --partial registered
	assert_equal "$(agent_id)" "$id"
	assert_equal "$(db_q 'SELECT count(*) FROM agents')" 1
	# the second heartbeat moved last_heartbeat_at
	API_KEY=$BOOT api GET "/api/v1/agents/$id"
	hb=$(jq -r .last_heartbeat_at <<<"$HTTP_BODY")
	reg=$(jq -r .registered_at <<<"$HTTP_BODY")
	[[ $hb > $reg ]] || fail "heartbeat $hb not after registration $reg"
	# a bootstrap key given again does not register a second agent either
	agent_once --api-key "$BOOT"
	assert_success
	assert_equal "$(db_q 'SELECT count(*) FROM agents')" 1
}

@test "--agent-id uses the given key; without any key the agent explains what it needs" {
	agent_serve
	agent_once --api-key "$BOOT"
	assert_success
	id=$(agent_id)
	key=$(agent_key)
	rm -rf "$AGENT_DIR"
	agent_once --agent-id "$id" --api-key "$key" --state-dir "$TEST_DIR/elsewhere"
	assert_success
	[ ! -e "$TEST_DIR/elsewhere/agent.json" ] || fail "a state file was written with --agent-id"
	assert_equal "$(db_q 'SELECT count(*) FROM agents')" 1
	# environment variables of v2.1
	CERTCTL_AGENT_ID=$id CERTCTL_API_KEY=$key run certctl-agent --once \
		--server-url "http://127.0.0.1:$PORT" --key-dir "$KEY_DIR"
	assert_success
	# nothing to go on
	rm -rf "$AGENT_DIR"
	agent_once
	assert_failure 1
	assert_output --partial "--api-key or CERTCTL_API_KEY"
	agent_once --agent-id "$id"
	assert_failure 1
	assert_output --partial "--agent-id needs that agent's API key"
	# a wrong key: refused, exit 1 with --once
	agent_once --agent-id "$id" --api-key wrong-key-0000000000
	assert_failure 1
	assert_output --partial "401"
}

@test "v2.1 single-dash flags are accepted" {
	agent_serve
	run certctl-agent -server "http://127.0.0.1:$PORT" -api-key "$BOOT" -name=v21-agent \
		-key-dir "$KEY_DIR" --once
	assert_success
	assert_equal "$(db_q "SELECT name FROM agents")" v21-agent
	run certctl-agent -no-such-flag x
	assert_failure 2
}

@test "a second agent with the same name is refused with a hint" {
	agent_serve
	agent_once --api-key "$BOOT" --name twin
	assert_success
	run certctl-agent --once --server-url "http://127.0.0.1:$PORT" --api-key "$BOOT" \
		--name twin --key-dir "$TEST_DIR/other/keys"
	assert_failure 1
	assert_output --partial "an agent named 'twin' is already registered"
	assert_equal "$(db_q 'SELECT count(*) FROM agents')" 1
}

@test "discovery with --once reports PEM bundles and DER files, and a second scan adds no rows" {
	agent_serve
	mkdir -p "$TEST_DIR/scan/sub" "$TEST_DIR/w"
	make_cert "$TEST_DIR/w" a a.example
	make_cert "$TEST_DIR/w" b b.example
	make_cert "$TEST_DIR/w" c c.example
	cat "$TEST_DIR/w/a.crt" "$TEST_DIR/w/b.crt" >"$TEST_DIR/scan/bundle.pem"
	openssl x509 -in "$TEST_DIR/w/c.crt" -outform DER -out "$TEST_DIR/scan/sub/c.der"
	cp "$TEST_DIR/w/a.key" "$TEST_DIR/scan/a.key"
	agent_once --api-key "$BOOT" --discovery-dirs "$TEST_DIR/scan,$TEST_DIR/none"
	# the missing directory is reported as an error of the scan, not a failure
	assert_success
	assert_output --partial "discovery report accepted"
	id=$(agent_id)
	API_KEY=$BOOT api GET "/api/v1/discovered-certificates?agent_id=$id"
	assert_status 200
	assert_equal "$(jq '.data | length' <<<"$HTTP_BODY")" 3
	assert_equal "$(jq -r '[.data[].common_name] | sort | join(",")' <<<"$HTTP_BODY")" \
		"a.example,b.example,c.example"
	assert_equal "$(jq -r '.data[] | select(.common_name == "c.example") | .source_format' <<<"$HTTP_BODY")" DER
	assert_equal "$(jq -r '.data[] | select(.common_name == "a.example") | .source_path' <<<"$HTTP_BODY")" \
		"$TEST_DIR/scan/bundle.pem"
	assert_equal "$(jq -r '.data[] | select(.common_name == "b.example") | .fingerprint_sha256' <<<"$HTTP_BODY")" \
		"$(fingerprint "$TEST_DIR/w/b.crt")"
	assert_equal "$(jq -r '.data[] | select(.common_name == "a.example") | .status' <<<"$HTTP_BODY")" Unmanaged
	assert_equal "$(db_q "SELECT errors_count FROM discovery_scans")" 1
	# the same files again: a second scan, no new rows
	agent_once --discovery-dirs "$TEST_DIR/scan"
	assert_success
	API_KEY=$BOOT api GET "/api/v1/discovered-certificates?agent_id=$id"
	assert_equal "$(jq '.data | length' <<<"$HTTP_BODY")" 3
	API_KEY=$BOOT api GET "/api/v1/discovery-scans?agent_id=$id"
	assert_equal "$(jq '.data | length' <<<"$HTTP_BODY")" 2
	assert_equal "$(jq -r '[.data[].certificates_new] | sort | join(",")' <<<"$HTTP_BODY")" 0,3
	# nothing found and nothing wrong: no report at all
	mkdir -p "$TEST_DIR/empty"
	agent_once --discovery-dirs "$TEST_DIR/empty"
	assert_success
	assert_equal "$(db_q 'SELECT count(*) FROM discovery_scans')" 2
}

@test "a large scan goes in several reports that each fit serve's body limit" {
	agent_serve
	mkdir -p "$TEST_DIR/many" "$TEST_DIR/w"
	make_cert "$TEST_DIR/w" a a.example
	for i in $(seq 1 700); do cp "$TEST_DIR/w/a.crt" "$TEST_DIR/many/c$i.pem"; done
	agent_once --api-key "$BOOT" --discovery-dirs "$TEST_DIR/many"
	assert_success
	refute_output --partial "413"
	n=$(grep -c 'discovery report accepted' <<<"$output")
	[ "$n" -ge 2 ] || fail "one report only: $output"
	assert_equal "$(db_q 'SELECT count(*) FROM discovered_certificates')" 700
	assert_equal "$(db_q 'SELECT sum(certificates_found) FROM discovery_scans')" 700
}

@test "with serve away the agent backs off, logs it once, and recovers when serve is back" {
	agent_serve
	agent_once --api-key "$BOOT"
	assert_success
	agent_bg
	wait_for 10 log_has "certctl agent running" || fail "$(cat "$TEST_DIR/agent.log")"
	serve_stop TERM 0
	sleep 4
	pid_alive "$AGENT_PID" || fail "the agent died: $(cat "$TEST_DIR/agent.log")"
	# once per state change (and when the reason changes), not once per attempt
	run grep -c 'server unavailable: backing off' "$TEST_DIR/agent.log"
	assert_output 1
	run grep -c 'unavailable' "$TEST_DIR/agent.log"
	[ "$output" -le 2 ] || fail "too many lines: $(cat "$TEST_DIR/agent.log")"
	t0=$(date -u +%Y-%m-%dT%H:%M:%S)
	agent_serve
	wait_for 15 log_has "server reachable again" || fail "no recovery: $(cat "$TEST_DIR/agent.log")"
	# heartbeats flow again
	id=$(agent_id)
	wait_for 5 test "$(db_q "SELECT last_heartbeat_at > '$t0' FROM agents WHERE id = '$id'")" = 1 ||
		fail "no heartbeat after the restart"
	agent_stop
	grep -q 'received SIGTERM, stopping' "$TEST_DIR/agent.log"
}

@test "SIGTERM stops the agent promptly with status 0, also while it waits for serve" {
	agent_serve
	agent_once --api-key "$BOOT"
	assert_success
	# default intervals: it sleeps a minute between heartbeats
	bg_start "$TEST_DIR/agent.log" certctl-agent --server-url "http://127.0.0.1:$PORT" \
		--key-dir "$KEY_DIR"
	AGENT_PID=$BG_PID
	wait_for 10 log_has "certctl agent running" || fail "$(cat "$TEST_DIR/agent.log")"
	agent_stop
	log_has "certctl agent stopped"
	# no server and no state yet: registration is retried until SIGTERM
	serve_stop TERM 0
	rm -rf "$AGENT_DIR"
	bg_start "$TEST_DIR/agent.log" certctl-agent --server-url "http://127.0.0.1:$PORT" \
		--key-dir "$KEY_DIR" --api-key "$BOOT"
	AGENT_PID=$BG_PID
	wait_for 10 log_has "server unavailable: backing off" || fail "$(cat "$TEST_DIR/agent.log")"
	agent_stop
	# SIGINT too
	bg_start "$TEST_DIR/agent.log" certctl-agent --server-url "http://127.0.0.1:$PORT" \
		--key-dir "$KEY_DIR" --api-key "$BOOT"
	AGENT_PID=$BG_PID
	wait_for 10 log_has "server unavailable: backing off" || fail "$(cat "$TEST_DIR/agent.log")"
	kill -INT "$AGENT_PID"
	wait_for 3 eval '! pid_alive "$AGENT_PID"' || fail "no exit after SIGINT"
	wait "$AGENT_PID"
}

@test "--once without a reachable server exits 1 with the reason" {
	run certctl-agent --once --server-url "http://127.0.0.1:$PORT" --key-dir "$KEY_DIR" \
		--api-key "$BOOT"
	assert_failure 1
	assert_output --partial "cannot connect to http://127.0.0.1:$PORT"
	[ ! -e "$AGENT_DIR/agent.json" ] || fail "agent.json written without a registration"
}
