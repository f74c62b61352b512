#!/usr/bin/env bats
# t8101: every resource command against a running serve with the demo fleet — tables with
# Total lines, the API's JSON unchanged with --format json, filters as options, and the
# write verbs (create, update, delete, actions)

load helpers

teardown() { polite_teardown; }

setup() {
	common_setup
	cli_serve
}

@test "every list verb prints a table and the API's total; JSON mode is the API's JSON" {
	local c total bad=''
	for c in certs agents jobs issuers targets profiles policies owners teams agent-groups \
		notifications discover; do
		run certctl "$c" list --per-page 500
		[ "$status" = 0 ] || { bad+="$c list: status $status: $output"$'\n'; continue; }
		[[ ${lines[0]} == ID\ * ]] || bad+="$c list: header '${lines[0]}'"$'\n'
		total=$(certctl "$c" list -o json --per-page 500 | jq .total)
		[ "${lines[-1]}" = "Total: $total" ] || bad+="$c list: '${lines[-1]}' want $total"$'\n'
	done
	run certctl audit list
	assert_success
	assert_line --index 0 --regexp '^ID +TIME +ACTOR +ACTION'
	[ -z "$bad" ] || fail "$bad"
	same_json "/api/v1/certificates?status=Expiring" certs list --status Expiring
	same_json "/api/v1/teams" teams list
	same_json "/api/v1/certificates/mc-api-prod" certs get mc-api-prod
	local agent
	agent=$(certctl agents list -q | head -1)
	same_json "/api/v1/agents/$agent" agents get "$agent"
	same_json "/api/v1/discovery-summary" discover summary
}

@test "certs list: filters, sort, fields, quiet ids, human times" {
	run certctl certs list --status Expired --per-page 500
	assert_success
	[ "$(printf '%s\n' "${lines[@]:1}" | grep -c ' Expired ')" -ge 1 ]
	! printf '%s\n' "${lines[@]:1}" | grep -E '^mc-' | grep -v ' Expired ' || fail "not only Expired: $output"
	assert_output --regexp '[0-9]+ (days|months?) ago'
	run certctl certs list --issuer-id iss-local -q --per-page 500
	assert_success
	for id in "${lines[@]}"; do
		[ "$(certctl certs get "$id" -o json | jq -r .issuer_id)" = iss-local ] || fail "$id"
	done
	local n_api n_cli
	n_api=$(curl -s -H "Authorization: Bearer $CLI_KEY" \
		"http://127.0.0.1:$PORT/api/v1/certificates?expires_before=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)" | jq .total)
	n_cli=$(certctl certs list --expires-before +30d -o json | jq .total)
	assert_equal "$n_cli" "$n_api"
	run certctl certs list --fields id,status --sort -expires_at --per-page 3
	assert_success
	assert_line --index 0 --regexp '^ID +STATUS$'
	assert_equal "${#lines[@]}" 5 # bats drops the empty line
	run certctl certs list --owner-id o-nobody
	assert_success
	assert_line 'Total: 0'
}

@test "tables fit the terminal width; a pipe gets whole cells" {
	run env COLUMNS=60 certctl certs list --per-page 20
	assert_success
	local l
	for l in "${lines[@]}"; do
		[ "$(printf "%s" "$l" | wc -m)" -le 60 ] || fail "line longer than 60: $l"
	done
	assert_output --partial '…'
	run certctl certs list --per-page 20
	refute_output --partial '…'
}

@test "certs create, get, update, renew, versions, deployments, export, delete" {
	run certctl certs create --id cli-c1 --name cli-c1 --common-name cli.example.com \
		--sans cli.example.com,www.cli.example.com --owner-id o-alice --team-id t-platform \
		--issuer-id iss-local --renewal-policy-id rp-default --tags '{"by":"cli"}'
	assert_success
	assert_line --regexp '^ID: +cli-c1$'
	assert_line --regexp '^SANs: +cli.example.com,www.cli.example.com$'
	run certctl certs update cli-c1 --environment staging -q
	assert_success
	assert_output cli-c1
	assert_equal "$(certctl certs get cli-c1 -o json | jq -r .environment)" staging
	run certctl certs renew cli-c1
	assert_success
	assert_line --index 0 'renewal queued for certificate cli-c1'
	run certctl certs versions mc-api-prod
	assert_success
	assert_line --index 0 --regexp '^ID +SERIAL +NOT BEFORE +NOT AFTER'
	run certctl certs deployments mc-api-prod
	assert_success
	run certctl certs export mc-api-prod
	assert_success
	openssl x509 -noout -subject <<<"$output" | grep -q 'api' || fail "not a certificate: $output"
	run certctl certs export mc-api-prod --output "$TEST_DIR/c.pem"
	assert_success
	openssl x509 -noout -in "$TEST_DIR/c.pem"
	run certctl certs export mc-api-prod --pkcs12 --output "$TEST_DIR/c.p12"
	assert_success
	openssl pkcs12 -info -in "$TEST_DIR/c.p12" -passin pass: -nokeys >/dev/null 2>&1 ||
		openssl pkcs12 -legacy -info -in "$TEST_DIR/c.p12" -passin pass: -nokeys >/dev/null
	run certctl certs delete cli-c1
	assert_success
	assert_output 'deleted certificate cli-c1'
}

@test "teams, owners, issuers, targets, profiles, policies, agent-groups: create to delete" {
	run certctl teams create --name "CLI team" --description made-by-cli -q
	assert_success
	local team=$output
	run certctl teams update "$team" --description changed
	assert_success
	assert_line --regexp '^Description: +changed$'
	run certctl owners create --name "CLI owner" --email cli@example.com --team-id "$team" -q
	assert_success
	run certctl owners delete "$output"
	assert_success
	run certctl teams delete "$team"
	assert_success
	run certctl profiles create --name cli-prof --max-ttl-seconds 86400 \
		--allowed-ekus serverAuth,clientAuth --enabled true -o json
	assert_success
	assert_equal "$(jq -c .allowed_ekus <<<"$output")" '["serverAuth","clientAuth"]'
	run certctl policies list --enabled true
	assert_success
	run certctl policies violations "$(certctl policies list -q | head -1)"
	assert_success
	run certctl agent-groups members "$(certctl agent-groups list -q | head -1)"
	assert_success
	assert_line --regexp '^Total: [0-9]+$'
	run certctl issuers test iss-local
	assert_success
	assert_line --index 0 'issuer iss-local: connection test'
	run certctl targets list --agent-id ag-web-01
	assert_success
}

@test "jobs, agents, notifications, audit export, discover, status and version" {
	run certctl jobs list --status Failed --per-page 500
	assert_success
	run certctl jobs get "$(certctl jobs list -q | head -1)"
	assert_success
	assert_line --regexp '^Status: '
	local pending
	pending=$(certctl jobs list --status Pending -q | head -1)
	if [ -n "$pending" ]; then
		run certctl jobs cancel "$pending"
		assert_success
		assert_output "job $pending cancelled"
	fi
	run certctl agents list --status Online
	assert_success
	run certctl notifications list
	assert_success
	run certctl notifications read "$(certctl notifications list -q | head -1)"
	assert_success
	run certctl audit export
	assert_success
	jq -e . <<<"${lines[0]}" >/dev/null
	run certctl audit export --csv --output "$TEST_DIR/audit.csv"
	assert_success
	head -1 "$TEST_DIR/audit.csv" | grep -q '^id,timestamp,actor'
	run certctl discover list
	assert_success
	run certctl discover scans
	assert_success
	local found
	found=$(certctl discover list --status Unmanaged -q | head -1)
	if [ -n "$found" ]; then
		run certctl discover dismiss "$found"
		assert_success
	fi
	run certctl status
	assert_success
	run certctl version
	assert_success
}
