#!/usr/bin/env bats
# t5009: serve on a PostgreSQL cluster of its own that goes away and comes back: /ready
# follows the database, /health does not, the pool reconnects

load helpers

KEY=t5009-key

setup() {
	common_setup
	PGDIR=
}

teardown() {
	local rc=0
	common_teardown || rc=$?
	if [ -n "${PGDIR:-}" ]; then
		"$PG_TMP" destroy "$PGDIR" >/dev/null 2>&1 || {
			echo "# teardown: cannot destroy the cluster in $PGDIR" >&3
			rc=1
		}
	fi
	return $rc
}

ready_is() {
	http_get /ready
	[ "$HTTP_STATUS" = "$1" ]
}

@test "postgres: /ready is 503 while the cluster is down, 200 again within 10 s of its return" {
	local pgport url
	command -v psql >/dev/null && ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 ||
		skip "no PostgreSQL server binaries"
	# a short path the postgres user can reach (the unix socket lives in it)
	PGDIR=$(mktemp -d /tmp/cc5009.XXXXXX)
	pgport=$(free_port)
	"$PG_TMP" start "$PGDIR" "$pgport" >"$TEST_DIR/pg.url" 2>"$TEST_DIR/pg.err" ||
		fail "pg-tmp start failed: $(cat "$TEST_DIR/pg.err")"
	url=$(cat "$TEST_DIR/pg.url")
	[[ $url == postgresql://* ]] || fail "pg-tmp printed '$url'"

	CERTCTL_AUTH_SECRET=$KEY serve_start --database-url "$url"
	API_KEY=$KEY
	http_get /ready
	assert_status 200
	api_json POST /api/v1/teams '{"name":"before-the-outage"}'
	assert_status 201

	# the cluster goes away
	"$PG_TMP" stop "$PGDIR"
	wait_for 5 ready_is 503 || fail "/ready answered $HTTP_STATUS with the database down: $HTTP_BODY"
	assert_equal "$(jq -r .status <<<"$HTTP_BODY")" "not ready"
	http_get /health
	assert_status 200
	assert_equal "$HTTP_BODY" '{"status":"healthy"}'
	api GET /api/v1/teams
	assert_json_error 503
	pid_alive "$SERVE_PID" || fail "serve exited when the database went away"

	# and comes back on the same port
	"$PG_TMP" start "$PGDIR" "$pgport" >/dev/null 2>"$TEST_DIR/pg.err" ||
		fail "pg-tmp start (again) failed: $(cat "$TEST_DIR/pg.err")"
	wait_for 10 ready_is 200 || fail "/ready still $HTTP_STATUS 10 s after the database came back"
	api GET /api/v1/teams
	assert_status 200
	assert_equal "$(jq -r '.data[].name' <<<"$HTTP_BODY")" before-the-outage
	api_json POST /api/v1/teams '{"name":"after-the-outage"}'
	assert_status 201
	# the API calls made during the outage were kept and recorded once it was over
	outage_audited() {
		[ "$(psql_q "$url" "SELECT count(*) FROM audit_events WHERE action = 'api_get'
			AND details->>'status' = '503' AND details->>'path' = '/api/v1/teams'")" = 1 ]
	}
	wait_for 10 outage_audited || fail "the audit event of the outage call is missing"
	run grep 'API audit events wait for the database' "$TEST_DIR/serve.log"
	assert_success
	run grep 'not ready' "$TEST_DIR/serve.log"
	assert_success
	serve_stop TERM 0
}
