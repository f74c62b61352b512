#!/usr/bin/env bats
# t5008: certctl serve over HTTPS, and in the background (--detach, --stop, certctl
# status), on SQLite and PostgreSQL

load helpers

KEY=t5008-key

setup() {
	common_setup
}

# a detached server left by a failed test is stopped the way a user would
teardown() {
	if [ -n "${CERTCTL_DATA_DIR:-}" ] && [ -f "$CERTCTL_DATA_DIR/certctl.pid" ]; then
		timeout 10 certctl serve --stop >/dev/null 2>&1 || true
	fi
	common_teardown
}

# make_cert: a self-signed P-256 certificate for CN=localhost, SAN localhost and 127.0.0.1
make_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$TEST_DIR/tls.key" -out "$TEST_DIR/tls.crt" -days 2 -subj /CN=localhost \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1 ||
		fail "openssl could not make a certificate"
}

# tls_serve_start ENGINE [ARGS...]: like engine_serve, waiting for https …/health
tls_serve_start() {
	local i
	ENGINE=$1
	shift
	[ "$ENGINE" != pg ] || fresh_pg_db >/dev/null
	engine_args
	_closefds_exec certctl serve --port "$PORT" --tls-cert "$TEST_DIR/tls.crt" \
		--tls-key "$TEST_DIR/tls.key" "${ENGINE_ARGS[@]}" "$@" \
		</dev/null >"$TEST_DIR/serve.out" 2>"$TEST_DIR/serve.log" &
	SERVE_PID=$!
	for ((i = 0; i < 100; i++)); do
		pid_alive "$SERVE_PID" || {
			SERVE_PID=
			fail "serve over TLS exited: $(cat "$TEST_DIR/serve.log")"
		}
		curl -fsS --max-time 1 --cacert "$TEST_DIR/tls.crt" -o /dev/null \
			"https://127.0.0.1:$PORT/health" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "serve over TLS did not answer within 10 s: $(cat "$TEST_DIR/serve.log")"
}

# https PATH [CURL ARGS...]: like http_get, over TLS with the test CA
https() {
	local path=$1
	shift
	HTTP_STATUS=$(curl -sS --max-time 5 --cacert "$TEST_DIR/tls.crt" -o "$TEST_DIR/http.body" \
		-w '%{http_code}' "$@" "https://127.0.0.1:$PORT$path" 2>"$TEST_DIR/http.err") ||
		HTTP_STATUS=000
	HTTP_BODY=$(cat "$TEST_DIR/http.body" 2>/dev/null || true)
}

check_tls() {
	make_cert
	CERTCTL_AUTH_SECRET=$KEY tls_serve_start "$1"
	https /health
	assert_status 200
	https /ready
	assert_status 200
	run curl -sS --max-time 5 --cacert "$TEST_DIR/tls.crt" "https://localhost:$PORT/health"
	assert_success
	assert_output '{"status":"healthy"}'
	# the API over TLS
	https /api/v1/teams -X POST -H "Authorization: Bearer $KEY" -d '{"name":"tls-team"}'
	assert_status 201
	https /api/v1/teams -H "Authorization: Bearer $KEY"
	assert_status 200
	assert_equal "$(jq -r '.data[0].name' <<<"$HTTP_BODY")" tls-team
	https /api/v1/teams
	assert_status 401
	# an unknown CA is refused by the client; plain HTTP gets nothing
	run curl -sS --max-time 5 "https://127.0.0.1:$PORT/health"
	assert_failure
	http_get /health
	[ "$HTTP_STATUS" != 200 ] || fail "plain HTTP answered on the TLS port: $HTTP_BODY"
	run curl -sS --max-time 5 "http://127.0.0.1:$PORT/health"
	assert_failure
	# still serving TLS after that
	https /health
	assert_status 200
	run grep listening "$TEST_DIR/serve.log"
	assert_output --partial "https://127.0.0.1:$PORT"
	serve_stop TERM 0
}

@test "sqlite: serve --tls-cert/--tls-key answers HTTPS that curl --cacert trusts, not plain HTTP" {
	check_tls sqlite
}

@test "postgres: serve --tls-cert/--tls-key answers HTTPS that curl --cacert trusts, not plain HTTP" {
	check_tls pg
}

check_tls_any_host() {
	make_cert
	CERTCTL_AUTH_SECRET=$KEY tls_serve_start "$1" --host 0.0.0.0
	https /health
	assert_status 200
	https /api/v1/teams -H "Authorization: Bearer $KEY"
	assert_status 200
	run grep listening "$TEST_DIR/serve.log"
	assert_output --partial "https://0.0.0.0:$PORT"
	serve_stop TERM 0
}

@test "sqlite: --host 0.0.0.0 with TLS needs no --insecure-http" {
	check_tls_any_host sqlite
}

@test "postgres: --host 0.0.0.0 with TLS needs no --insecure-http" {
	check_tls_any_host pg
}

@test "a TLS certificate without its key, or an unreadable one, stops serve with a message" {
	make_cert
	run timeout 10 certctl serve --port "$PORT" --tls-cert "$TEST_DIR/tls.crt" 3>&- 4>&-
	assert_failure
	[ "$status" -ne 124 ] || fail "serve ran without a TLS key"
	assert_output --partial CERTCTL_TLS_KEY_PATH
	run timeout 10 certctl serve --port "$PORT" --tls-cert "$TEST_DIR/nope.crt" \
		--tls-key "$TEST_DIR/tls.key" 3>&- 4>&-
	assert_failure
	[ "$status" -ne 124 ] || fail "serve ran without a TLS certificate"
	assert_output --partial nope.crt
}

@test "--log-format json: a plain HTTP client on the TLS port leaves only JSON lines in the log" {
	make_cert
	CERTCTL_AUTH_SECRET=$KEY tls_serve_start sqlite --log-format json
	http_get /health
	https /health
	assert_status 200
	serve_stop TERM 0
	# (jq 1.6 -e exits 4, not 2, after a parse error: check each line on its own)
	run jq -R -r '(try fromjson catch null) as $j
		| if ($j | type) == "object" and ($j.msg | type) == "string" then empty else . end' \
		"$TEST_DIR/serve.log"
	assert_success
	[ -z "$output" ] || fail "log lines that are not JSON: $output"
	grep -q '"msg":"listening\|"msg":"certctl serve listening' "$TEST_DIR/serve.log"
}

check_detach() {
	local pid key url=http://127.0.0.1:$PORT
	ENGINE=$1
	[ "$ENGINE" != pg ] || fresh_pg_db >/dev/null
	engine_args
	run _closefds_exec certctl serve --detach --port "$PORT" "${ENGINE_ARGS[@]}"
	assert_success
	assert_file_exist "$CERTCTL_DATA_DIR/certctl.pid"
	pid=$(cat "$CERTCTL_DATA_DIR/certctl.pid")
	[[ $pid =~ ^[0-9]+$ ]] || fail "pid file holds '$pid'"
	pid_alive "$pid" || fail "pid $pid is not running"
	assert_output --partial "pid $pid"
	assert_output --partial "$url"
	# the first admin key, shown once, saved in the credentials file
	key=$(grep -oE 'cc_[A-Za-z0-9_-]{43}' <<<"$output")
	grep -qxF "CERTCTL_API_KEY=$key" "$CERTCTL_DATA_DIR/credentials"
	assert_file_exist "$CERTCTL_DATA_DIR/certctl.log"
	grep -q listening "$CERTCTL_DATA_DIR/certctl.log"
	run grep -F "$key" "$CERTCTL_DATA_DIR/certctl.log"
	assert_failure 1
	http_get /ready
	assert_status 200
	API_KEY=$key api_json POST /api/v1/agents '{"name":"detached-agent","hostname":"h.example"}'
	assert_status 201

	# status: the server, the pid and the counts
	run certctl status --server "$url"
	assert_success
	assert_output --partial "$url (healthy, ready)"
	assert_output --partial "pid $pid"
	assert_output --regexp 'certificates +0 total'
	assert_output --regexp 'agents +1 total'
	assert_output --regexp 'jobs +0 pending'
	run certctl status --server "$url" --format json
	assert_success
	assert_equal "$(jq -r .ready <<<"$output")" true
	assert_equal "$(jq -c '[.healthy, .pid, .summary.total_agents]' <<<"$output")" "[true,$pid,1]"

	# a second --detach finds the first
	run _closefds_exec certctl serve --detach --port "$PORT" "${ENGINE_ARGS[@]}"
	assert_failure
	assert_output --partial 'already running'
	assert_output --partial "$pid"
	pid_alive "$pid" || fail "the second --detach stopped the first"
	assert_equal "$(cat "$CERTCTL_DATA_DIR/certctl.pid")" "$pid"

	# --stop
	run certctl serve --stop
	assert_success
	assert_output --partial "$pid"
	assert_not_exist "$CERTCTL_DATA_DIR/certctl.pid"
	! pid_alive "$pid" || fail "pid $pid still runs after --stop"
	run curl -sS --max-time 2 "$url/health"
	assert_failure
	grep -q 'shutting down' "$CERTCTL_DATA_DIR/certctl.log"
	run certctl status --server "$url"
	assert_failure 1
	assert_output --partial 'is `certctl serve` running?'
	run certctl serve --stop
	assert_failure
}

@test "sqlite: serve --detach runs in the background; status reports it; --stop stops it" {
	check_detach sqlite
}

@test "postgres: serve --detach runs in the background; status reports it; --stop stops it" {
	check_detach pg
}
