#!/usr/bin/env bats
# t8103: --all over more than 1,000 certificates (cursor and page walks), --page/--per-page
# slices, and no progress output on a pipe

load helpers

teardown() { polite_teardown; }

# 1,200 more certificates, straight into the database, owned like the demo fleet's
seed_many() {
	sqlite3 -batch -cmd '.timeout 5000' "$CERTCTL_DATA_DIR/certctl.db" "
		WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1200)
		INSERT INTO managed_certificates (id, name, common_name, sans, environment, owner_id,
			team_id, issuer_id, renewal_policy_id, status, expires_at, tags, created_at,
			updated_at)
		SELECT printf('bulk-%04d', i), printf('bulk-%04d', i), printf('h%04d.bulk.example', i),
			'[]', 'test', 'o-alice', 't-platform', 'iss-local', 'rp-default', 'Active',
			strftime('%Y-%m-%dT%H:%M:%S', 'now', '+' || (i % 90 + 1) || ' days') || '.000000Z',
			'{}', strftime('%Y-%m-%dT%H:%M:%S', '2025-01-01', '+' || (i / 3) || ' seconds')
				|| '.000000Z', '2025-06-01T00:00:00.000000Z'
		FROM s" || fail "cannot seed certificates"
}

@test "certs list --all follows every page of 1,200+ certificates, table and JSON" {
	cli_serve
	seed_many
	local total
	total=$(certctl certs list -o json | jq .total)
	[ "$total" -gt 1200 ] || fail "total $total"
	run certctl certs list --all -q
	assert_success
	assert_equal "${#lines[@]}" "$total"
	assert_equal "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" "$total"
	certctl certs list --all -o json >"$TEST_DIR/all.json" 2>"$TEST_DIR/all.err"
	assert_equal "$(jq '.data | length' "$TEST_DIR/all.json")" "$total"
	assert_equal "$(jq .total "$TEST_DIR/all.json")" "$total"
	# a pipe gets no progress bar
	[ ! -s "$TEST_DIR/all.err" ] || fail "stderr on a pipe: $(cat "$TEST_DIR/all.err")"
	# filtered, in pages of 100, and sorted (page mode)
	run certctl certs list --all --environment test --per-page 100 -q
	assert_equal "${#lines[@]}" 1200
	run certctl certs list --all --environment test --sort -expires_at -q
	assert_equal "${#lines[@]}" 1200
	run certctl certs list --all --environment test --per-page 100
	assert_line 'Total: 1200'
}

@test "--page and --per-page give the API's slice" {
	cli_serve
	seed_many
	run certctl certs list --page 3 --per-page 7 -q
	assert_success
	api GET '/api/v1/certificates?page=3&per_page=7'
	assert_equal "$output" "$(jq -r '.data[].id' <<<"$HTTP_BODY")"
	run certctl teams list --all -q
	assert_success
	assert_equal "${#lines[@]}" "$(certctl teams list -o json | jq .total)"
}
