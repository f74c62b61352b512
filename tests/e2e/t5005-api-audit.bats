#!/usr/bin/env bats
# t5005: the API audit trail (one audit_events row per API request, written
# asynchronously) and its append-only table, on SQLite and PostgreSQL

load helpers

KEY=t5005-key

# api_rows [WHERE]: number of API audit rows (resource_type 'api') matching WHERE
api_rows() {
	db_q "SELECT count(*) FROM audit_events WHERE resource_type = 'api'${1:+ AND $1}"
}

# wait_rows N [WHERE]: waits up to 5 s for at least N such rows
rows_at_least() {
	[ "$(api_rows "${2:-}")" -ge "$1" ]
}
wait_rows() {
	wait_for 5 rows_at_least "$@" ||
		fail "fewer than $1 audit rows${2:+ with $2} after 5 s: $(db_q 'SELECT action, resource_id, details FROM audit_events')"
}

check_audit_rows() {
	local body='{"name":"audited-team","description":"made by t5005"}' body2='{"description":"changed"}'
	local id got want
	CERTCTL_AUTH_SECRET=$KEY engine_serve "$1"
	API_KEY=$KEY
	api_json POST /api/v1/teams "$body"
	assert_status 201
	[[ $HTTP_BODY =~ \"id\":\"([^\"]+)\" ]] || fail "no id: $HTTP_BODY"
	id=${BASH_REMATCH[1]}
	api GET '/api/v1/teams?per_page=5&sort=name'
	assert_status 200
	api_json PUT "/api/v1/teams/$id" "$body2"
	assert_status 200
	api DELETE "/api/v1/teams/$id"
	assert_status 204
	# /health and /ready leave no trace
	http_get /health
	http_get /ready
	http_get /health -I
	http_get '/ready?x=1'
	# a marker: the writer keeps the order, so once it is there, all before it are
	api GET /api/v1/owners
	wait_rows 1 "resource_id = '/api/v1/owners'"

	got=$(db_q "SELECT action || '|' || actor || '|' || actor_type || '|' || resource_type || '|' ||
			resource_id || '|' || details FROM audit_events WHERE resource_type = 'api'" |
		jq -R -r 'split("|") | (.[5:] | join("|") | fromjson) as $d
			| (.[0:5] + [$d.method, $d.path, ($d.status | tostring),
				(if $d.body_hash == "" then "-" else $d.body_hash end),
				($d.latency_ms | if type == "number" and . >= 0 then "ms" else tojson end)])
			| join(" ")' | sort) || fail "audit details are not JSON"
	want=$(sort <<-EOF
		api_post api-key-user User api /api/v1/teams POST /api/v1/teams 201 $(printf '%s' "$body" | sha256sum | cut -c1-16) ms
		api_get api-key-user User api /api/v1/teams GET /api/v1/teams 200 - ms
		api_put api-key-user User api /api/v1/teams/$id PUT /api/v1/teams/$id 200 $(printf '%s' "$body2" | sha256sum | cut -c1-16) ms
		api_delete api-key-user User api /api/v1/teams/$id DELETE /api/v1/teams/$id 204 - ms
		api_get api-key-user User api /api/v1/owners GET /api/v1/owners 200 - ms
	EOF
	)
	assert_equal "$got" "$want"
	assert_equal "$(db_q "SELECT count(*) FROM audit_events WHERE resource_id LIKE '/health%' OR resource_id LIKE '/ready%'")" 0
	serve_stop TERM 0
}

@test "sqlite: API requests leave api_<method> audit rows with status, body hash and latency" {
	check_audit_rows sqlite
}

@test "postgres: API requests leave api_<method> audit rows with status, body hash and latency" {
	check_audit_rows pg
}

check_append_only() {
	local n sql
	CERTCTL_AUTH_SECRET=$KEY engine_serve "$1"
	API_KEY=$KEY api_json POST /api/v1/teams '{"name":"t"}'
	API_KEY=$KEY api GET /api/v1/teams
	wait_rows 2
	n=$(db_q 'SELECT count(*) FROM audit_events')
	for sql in "UPDATE audit_events SET actor = 'mallory'" \
		"UPDATE audit_events SET details = '{}' WHERE action = 'api_post'" \
		"DELETE FROM audit_events" \
		"DELETE FROM audit_events WHERE action = 'api_get'"; do
		run db_q "$sql"
		assert_failure
		assert_output --partial 'append-only'
	done
	if [ "$ENGINE" = pg ]; then
		run db_q 'TRUNCATE audit_events'
		assert_failure
		assert_output --partial 'append-only'
	fi
	assert_equal "$(db_q 'SELECT count(*) FROM audit_events')" "$n"
	assert_equal "$(db_q "SELECT count(*) FROM audit_events WHERE actor = 'mallory'")" 0
	# inserting still works, for the server
	API_KEY=$KEY api GET /api/v1/agents
	wait_rows 1 "resource_id = '/api/v1/agents'"
	serve_stop TERM 0
}

@test "sqlite: UPDATE and DELETE on audit_events fail in the database" {
	check_append_only sqlite
}

@test "postgres: UPDATE, DELETE and TRUNCATE on audit_events fail in the database" {
	check_append_only pg
}

check_no_overwrite() {
	local id row upsert
	CERTCTL_AUTH_SECRET=$KEY engine_serve "$1"
	API_KEY=$KEY api GET /api/v1/teams
	wait_rows 1
	id=$(db_q "SELECT id FROM audit_events WHERE resource_type = 'api' ORDER BY id LIMIT 1")
	row=$(db_q "SELECT actor, action, resource_id FROM audit_events WHERE id = '$id'")
	if [ "$ENGINE" = sqlite ]; then
		upsert="INSERT OR REPLACE INTO audit_events (id, actor, actor_type, action, resource_type,
			resource_id, details, timestamp) VALUES ('$id', 'mallory', 'User', 'forged', 'api',
			'/forged', '{}', '2020-01-01T00:00:00Z')"
	else
		upsert="INSERT INTO audit_events (id, actor, actor_type, action, resource_type,
			resource_id, details, timestamp) VALUES ('$id', 'mallory', 'User', 'forged', 'api',
			'/forged', '{}', '2020-01-01T00:00:00Z')
			ON CONFLICT (id) DO UPDATE SET actor = EXCLUDED.actor, action = EXCLUDED.action,
			resource_id = EXCLUDED.resource_id"
	fi
	run db_q "$upsert"
	assert_equal "$(db_q "SELECT actor, action, resource_id FROM audit_events WHERE id = '$id'")" "$row"
	assert_failure
	serve_stop TERM 0
}

@test "sqlite: INSERT OR REPLACE cannot overwrite an audit row" {
	check_no_overwrite sqlite
}

@test "postgres: INSERT … ON CONFLICT DO UPDATE cannot overwrite an audit row" {
	check_no_overwrite pg
}
