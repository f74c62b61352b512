#!/usr/bin/env bats
# t8102: every failure of the client commands is one clear line on stderr with its exit
# status (connection refused, 401, 403, 404, 409, 429, 5xx, usage), and odd answers from a
# server never crash the CLI

load helpers

teardown() { polite_teardown; }

@test "connection refused: 'is certctl serve running?', exit 1" {
	run certctl certs list --server "http://127.0.0.1:$PORT"
	assert_failure 1
	assert_output --partial 'is `certctl serve` running?'
	[ "${#lines[@]}" = 1 ] || fail "more than one line: $output"
}

@test "401 says how to pass a key; 404 names the id (exit 4); 409 and 400" {
	cli_serve
	run env -u CERTCTL_API_KEY certctl certs list
	assert_failure 1
	assert_output --partial 'HTTP 401'
	assert_output --partial '--api-key'
	assert_output --partial 'CERTCTL_API_KEY'
	assert_output --partial 'credentials file'
	run certctl certs list --api-key wrong
	assert_failure 1
	assert_output --partial 'HTTP 401'
	run certctl certs get no-such-cert
	assert_failure 4
	assert_output "certctl certs get: certificate 'no-such-cert' not found (HTTP 404)"
	run certctl jobs get no-such-job
	assert_failure 4
	assert_output --partial "job 'no-such-job' not found"
	run certctl issuers delete iss-local
	assert_failure 1
	assert_output --regexp '^certctl issuers delete: conflict \(HTTP 409\): .+'
	run certctl teams create --data '{"description":"no name"}'
	assert_failure 2
	assert_output --partial 'HTTP 400'
}

@test "429 says when to retry" {
	certctl db seed --demo >/dev/null
	CERTCTL_AUTH_SECRET=$CLI_KEY CERTCTL_RATE_LIMIT_RPS=1 CERTCTL_RATE_LIMIT_BURST=2 serve_start --no-scheduler
	export CERTCTL_SERVER_URL=http://127.0.0.1:$PORT CERTCTL_API_KEY=$CLI_KEY
	local i
	for i in $(seq 1 10); do
		run certctl teams list
		[ "$status" = 0 ] || break
	done
	assert_failure 1
	assert_output --regexp '^certctl teams list: rate limited \(HTTP 429\): retry after [0-9]+ s$'
}

fake_api() {
	bg_start "$TEST_DIR/fake.log" "$E2E_PYTHON" "$BATS_TEST_DIRNAME/lib/fake-api.py" "$PORT"
	wait_for 5 curl -s -o /dev/null "http://127.0.0.1:$PORT/" || fail "fake API did not start"
	export CERTCTL_SERVER_URL=http://127.0.0.1:$PORT CERTCTL_API_KEY=k
}

@test "403, 5xx with the request id, 409 text, 429 Retry-After, HTML 502" {
	fake_api
	run certctl certs get e403
	assert_failure 1
	assert_output "certctl certs get: forbidden (HTTP 403: agent keys may not do that): this API key may not do that"
	run certctl certs get e500
	assert_failure 1
	assert_output "certctl certs get: server error (HTTP 500: database exploded) (request id req-42)"
	run certctl certs renew e409
	assert_failure 1
	assert_output "certctl certs renew: conflict (HTTP 409): certificate renewal already in progress"
	run certctl certs get e429
	assert_failure 1
	assert_output "certctl certs get: rate limited (HTTP 429): retry after 7 s"
	run certctl certs get e502
	assert_failure 1
	assert_output "certctl certs get: server error (HTTP 502)"
}

@test "odd answers: invalid JSON, wrong types, control characters, a bare array" {
	fake_api
	run certctl certs get garbage
	assert_failure 1
	assert_output --partial 'invalid JSON'
	run certctl certs list
	assert_success
	assert_line --index 0 --regexp '^ID +COMMON NAME +STATUS +EXPIRES +ISSUER$'
	assert_output --partial 'ok-1'
	[[ $output != *$'\033'* ]] || fail "an escape reached the terminal"
	run certctl certs list -o json
	assert_success
	run certctl jobs list
	assert_success
	assert_line --regexp '^j1 +Renewal'
	assert_line 'Total: 1'
	run certctl agents list
	assert_success
	assert_line 'Total: 0'
	run certctl certs list --all
	assert_success
}

@test "usage errors exit 2 with a hint" {
	run certctl certs
	assert_failure 2
	run certctl certs lst
	assert_failure 2
	assert_output --partial "did you mean 'list'"
	run certctl certs get
	assert_failure 2
	assert_output --partial 'expected CERT'
	run certctl certs get a b
	assert_failure 2
	run certctl certs list --format yaml
	assert_failure 2
	run certctl certs list --expires-before soonish
	assert_failure 2
	assert_output --partial '+30d'
	run certctl certs list --all --page 2
	assert_failure 2
	run certctl teams update t-x
	assert_failure 2
	assert_output --partial 'nothing to change'
	run certctl profiles create --enabled maybe
	assert_failure 2
	run certctl certs bulk-revoke
	assert_failure 2
	assert_output --partial '--profile-id'
	run certctl certs bulk-revoke --owner-id o-ann </dev/null
	assert_failure 2
	assert_output --partial 'pass --yes'
}
