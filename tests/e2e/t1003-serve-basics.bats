#!/usr/bin/env bats
# t1003: certctl serve: zero configuration, /health, /ready, signals, listen errors, logs

load helpers

@test "serve with only CERTCTL_DATA_DIR creates the SQLite file and answers /health and /ready" {
	serve_start
	assert_file_exist "$CERTCTL_DATA_DIR/certctl.db"
	assert_equal "$(stat -c %a "$CERTCTL_DATA_DIR")" 700
	http_get /health
	assert_equal "$HTTP_STATUS" 200
	assert_equal "$HTTP_BODY" '{"status":"healthy"}'
	[[ $HTTP_HEADERS == *$'\n'[Cc]ontent-[Tt]ype:\ application/json* ]] ||
		fail "no JSON content type: $HTTP_HEADERS"
	http_get /ready
	assert_equal "$HTTP_STATUS" 200
	assert_equal "$HTTP_BODY" '{"status":"ready"}'
	# migrated at start
	assert_equal "$(sqlite3 "$CERTCTL_DATA_DIR/certctl.db" 'SELECT max(version) FROM schema_migrations')" \
		"$(migration_latest sqlite)"
	serve_stop TERM 0
}

@test "serve logs one line with the URL and the database" {
	serve_start
	serve_stop TERM 0
	run grep -E 'listening' "$TEST_DIR/serve.log"
	assert_success
	assert_equal "${#lines[@]}" 1
	assert_output --partial "http://127.0.0.1:$PORT"
	assert_output --partial "sqlite:$CERTCTL_DATA_DIR/certctl.db"
}

@test "SIGTERM stops serve with status 0 within 5 s, logging shutting down" {
	serve_start
	serve_stop TERM 0
	run grep -c 'shutting down' "$TEST_DIR/serve.log"
	assert_output 1
	grep -q 'SIGTERM' "$TEST_DIR/serve.log"
	# the port is free again
	run curl -sS --max-time 2 "http://127.0.0.1:$PORT/health"
	assert_failure
}

@test "SIGINT stops serve with status 0 within 5 s, logging shutting down" {
	serve_start
	serve_stop INT 0
	run grep 'shutting down' "$TEST_DIR/serve.log"
	assert_success
	assert_output --partial SIGINT
}

@test "an open, unfinished request does not hold up SIGTERM" {
	serve_start
	# an idle keep-alive connection must not hold the shutdown up
	exec {sock}<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /health HTTP/1.1\r\nHost: x\r\n' >&$sock
	serve_stop TERM 0
	exec {sock}>&-
}

@test "a port held by another process: serve exits non-zero with a clear message" {
	bg_start "$TEST_DIR/holder.out" "$E2E_PYTHON" -S -I -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
print("ready", flush=True); time.sleep(30)' "$PORT"
	local holder=$BG_PID i
	for ((i = 0; i < 50; i++)); do grep -q ready "$TEST_DIR/holder.out" && break; sleep 0.1; done
	grep -q ready "$TEST_DIR/holder.out" || fail "the port holder did not start: $(cat "$TEST_DIR/holder.out")"
	run timeout 5 certctl serve --port "$PORT" 3>&- 4>&-
	kill "$holder"
	assert_failure
	[ "$status" -ne 124 ] || fail "serve was still running after 5 s on a busy port"
	assert_output --partial "cannot listen on 127.0.0.1:$PORT"
}

@test "a port held by another certctl serve: the second exits non-zero" {
	serve_start
	run timeout 3 certctl serve --port "$PORT" --data-dir "$TEST_DIR/second" 3>&- 4>&-
	[ "$status" -ne 124 ] ||
		fail "a second serve shared port $PORT with the first (SO_REUSEPORT?) instead of failing"
	assert_failure
	assert_output --partial "$PORT"
	serve_stop TERM 0
}

@test "--host 0.0.0.0 without TLS is refused, pointing at --insecure-http" {
	run timeout 10 certctl serve --port "$PORT" --host 0.0.0.0 3>&- 4>&-
	assert_failure
	assert_output --partial '0.0.0.0'
	assert_output --partial -- '--insecure-http'
	run env CERTCTL_SERVER_HOST=0.0.0.0 timeout 10 certctl serve --port "$PORT" 3>&- 4>&-
	assert_failure
	assert_output --partial -- '--insecure-http'
}

@test "--host 0.0.0.0 --insecure-http serves (checked on 127.0.0.1)" {
	serve_start --host 0.0.0.0 --insecure-http
	http_get /health
	assert_equal "$HTTP_STATUS" 200
	run grep 'listening' "$TEST_DIR/serve.log"
	assert_output --partial "0.0.0.0:$PORT"
	serve_stop TERM 0
}

@test "--log-format json makes every log line valid JSON" {
	serve_start --log-format json
	http_get /health
	http_get /nosuch
	serve_stop TERM 0
	local n
	n=$(grep -c . "$TEST_DIR/serve.log")
	[ "$n" -ge 3 ] || fail "only $n log lines"
	run jq -e -c 'select(type != "object" or (.msg | type) != "string" or (.level | type) != "string")' \
		"$TEST_DIR/serve.log"
	# jq fails on a line that is not JSON; -e fails when nothing is selected
	assert_failure 4
	run jq -r 'select(.msg | test("listening")) | .url' "$TEST_DIR/serve.log"
	assert_output "http://127.0.0.1:$PORT"
	run jq -r 'select(.msg | test("shutting down")) | .level' "$TEST_DIR/serve.log"
	assert_output info
}

@test "CERTCTL_LOG_FORMAT=json works like the flag" {
	CERTCTL_LOG_FORMAT=json serve_start
	serve_stop TERM 0
	run jq -e -s 'length > 0 and all(.[]; has("time") and has("level") and has("msg"))' \
		"$TEST_DIR/serve.log"
	assert_success
}

@test "SIGHUP reopens --log-file: after a move, the new file gets the shutdown line" {
	local log=$TEST_DIR/certctl.log
	serve_start --log-file "$log"
	assert_file_exist "$log"
	grep -q 'listening' "$log"
	mv "$log" "$log.1"
	kill -HUP "$SERVE_PID"
	local i
	for ((i = 0; i < 50; i++)); do [ -f "$log" ] && break; sleep 0.1; done
	assert_file_exist "$log"
	# still serving after HUP
	http_get /health
	assert_equal "$HTTP_STATUS" 200
	serve_stop TERM 0
	run grep 'shutting down' "$log"
	assert_success
	run grep 'shutting down' "$log.1"
	assert_failure
	run grep 'listening' "$log.1"
	assert_success
}

@test "serve on a fresh PostgreSQL database migrates it and answers /ready" {
	fresh_pg_db >/dev/null
	serve_start --database-url "$PG_DB_URL"
	http_get /ready
	assert_equal "$HTTP_STATUS" 200
	assert_equal "$HTTP_BODY" '{"status":"ready"}'
	assert_equal "$(psql_q "$PG_DB_URL" 'SELECT count(*), max(version) FROM schema_migrations')" \
		"$(migration_count pg)|$(migration_latest pg)"
	run grep 'listening' "$TEST_DIR/serve.log"
	assert_output --partial "/${PG_DB_URL##*/}"
	refute_output --partial ':certctl@'
	assert_not_exist "$CERTCTL_DATA_DIR/certctl.db"
	serve_stop TERM 0
}

@test "serve with an unreachable PostgreSQL exits non-zero without hanging" {
	local port
	port=$(free_port)
	run timeout 10 certctl serve --port "$PORT" \
		--database-url "postgresql://certctl:pw-Sup3rSecret@127.0.0.1:$port/certctl" 3>&- 4>&-
	assert_failure
	[ "$status" -ne 124 ] || fail "serve kept running without a database"
	assert_output --partial "127.0.0.1"
	refute_output --partial 'pw-Sup3rSecret'
}

@test "an unknown route answers 404 with a JSON body" {
	serve_start
	http_get /no/such/route
	assert_equal "$HTTP_STATUS" 404
	jq -e 'type == "object"' <<<"$HTTP_BODY" >/dev/null || fail "not a JSON object: $HTTP_BODY"
	[[ $HTTP_HEADERS == *$'\n'[Cc]ontent-[Tt]ype:\ application/json* ]] ||
		fail "no JSON content type: $HTTP_HEADERS"
	serve_stop TERM 0
}

@test "serve rejects positional arguments" {
	run timeout 10 certctl serve extra 3>&- 4>&-
	assert_failure 2
	assert_output --partial "'extra'"
}

@test "libpq, libcurl, OpenSSL, readline and ncurses are loaded on first use: not by serve on SQLite, libpq by serve on PostgreSQL" {
	export CERTCTL_AUTH_SECRET=t1003-lazy
	API_KEY=t1003-lazy
	serve_start
	serve_stop TERM 0
	# started again: the first start made the Local CA's key, which needs libcrypto
	serve_start
	http_get /health
	assert_equal "$HTTP_STATUS" 200
	http_get /api/v1/auth/info
	assert_equal "$HTTP_STATUS" 200
	run grep -E '/lib(pq|curl|readline|ncursesw|tinfo|crypto|ssl)\.so' "/proc/$SERVE_PID/maps"
	assert_failure
	# the first key to check loads libcrypto (its SHA-256); libssl stays out: serve dials no TLS
	api GET /api/v1/certificates
	assert_equal "$HTTP_STATUS" 200
	grep -q '/libcrypto\.so' "/proc/$SERVE_PID/maps" || fail "the key was checked without libcrypto?"
	run grep -E '/lib(ssl|pq|curl)\.so' "/proc/$SERVE_PID/maps"
	assert_failure
	serve_stop TERM 0
	engine_serve pg
	http_get /ready
	assert_equal "$HTTP_STATUS" 200
	grep -q '/libpq\.so' "/proc/$SERVE_PID/maps" || fail "serve on PostgreSQL has not loaded libpq"
	run grep -E '/libcurl\.so' "/proc/$SERVE_PID/maps"
	assert_failure
	serve_stop TERM 0
	# the CLI's client and `certctl version` load libcurl when they need it
	run certctl version -v
	assert_success
	assert_output --regexp 'libcurl +[0-9]+\.'
	assert_output --regexp 'libpq +[0-9]+\.'
	assert_output --regexp 'OpenSSL +3\.'
}

@test "the access log has a line per request: request id, method, path, status, bytes, latency, client" {
	serve_start
	http_get /api/v1/auth/info -H 'X-Request-ID: t1003-access-1'
	assert_equal "$HTTP_STATUS" 200
	local bytes=${#HTTP_BODY}
	http_get /no/such/route -H 'X-Request-ID: t1003-access-2'
	assert_equal "$HTTP_STATUS" 404
	serve_stop TERM 0
	grep -E "request req=t1003-access-1 method=GET path=/api/v1/auth/info status=200 bytes=($bytes|$((bytes + 1))) latency_ms=[0-9]+ client=127\.0\.0\.1" "$TEST_DIR/serve.log" ||
		fail "no access line for the first request: $(grep t1003-access "$TEST_DIR/serve.log")"
	grep -qE "request req=t1003-access-2 method=GET path=/no/such/route status=404 bytes=[0-9]+ latency_ms=[0-9]+" "$TEST_DIR/serve.log" ||
		fail "no access line for the 404: $(grep t1003-access "$TEST_DIR/serve.log")"
}
