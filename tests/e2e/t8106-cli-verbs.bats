#!/usr/bin/env bats
# t8106: every verb of the configuration resources (issuers, targets, profiles, policies,
# owners, teams, agent-groups) against a running serve in table and JSON mode with a filter
# of each list; jobs approve/reject of a job gated by a profile, jobs cancel; discover
# get/claim/dismiss; certs deploy; every list filter of certs (and of jobs, agents,
# notifications, discover, audit) against the rows it returns

load helpers

teardown() { polite_teardown; }

setup() {
	common_setup
	cli_serve
}

# crud RES NOUN PATH FIELD VALUE CREATE-OPTIONS... -- UPDATE-OPTIONS...: create (table),
# get and list (table and JSON), update (table and JSON: FIELD becomes VALUE), delete
# (table, then JSON on a second one made with -o json); the id gone afterwards (exit 4)
crud() {
	local res=$1 noun=$2 path=$3 field=$4 value=$5 id id2 label
	local -a create=() update=()
	shift 5
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		create+=("$1")
		shift
	done
	shift
	update=("$@")

	run certctl "$res" create "${create[@]}"
	assert_success
	assert_line --regexp '^ID: +[^ ]+$'
	assert_line --regexp '^Created At: +[0-9T:.-]+Z \(just now\)$'
	id=$(sed -n 's/^ID: *//p' <<<"$output")
	api GET "/api/v1/$path/$id"
	assert_status 200

	run certctl "$res" get "$id"
	assert_success
	assert_line --index 0 --regexp "^ID: +$id\$"
	same_json "/api/v1/$path/$id" "$res" get "$id"

	run certctl "$res" list --per-page 500
	assert_success
	assert_line --index 0 --regexp '^ID +NAME'
	assert_line --regexp "^$id "
	same_json "/api/v1/$path?per_page=500" "$res" list --per-page 500

	run certctl "$res" update "$id" "${update[@]}"
	assert_success
	label=$(sed -n "s/^\([A-Za-z][A-Za-z ]*\): *$(sed 's/[.[\*^$]/\\&/g' <<<"$value")\$/\1/p" <<<"$output")
	[ -n "$label" ] || fail "$res update: no line showing '$value': $output"
	run certctl "$res" update "$id" "${update[@]}" -o json
	assert_success
	assert_equal "$(jq -r ".$field | if type == \"boolean\" then (if . then \"yes\" else \"no\" end) else tostring end" <<<"$output")" "$value"
	api GET "/api/v1/$path/$id"
	assert_equal "$(jq -c ".$field" <<<"$HTTP_BODY")" "$(jq -c ".$field" <<<"$output")"

	run certctl "$res" delete "$id"
	assert_success
	assert_output "deleted $noun $id"
	run certctl "$res" get "$id"
	assert_failure 4
	assert_output "certctl $res get: $noun '$id' not found (HTTP 404)"

	# JSON mode: create prints the API's object, delete prints the API's (empty) body
	run certctl "$res" create "${create[@]}" -o json
	assert_success
	id2=$(jq -er .id <<<"$output") || fail "$res create -o json: $output"
	[ "$id2" != "$id" ] || fail "the same id twice: $id"
	run certctl "$res" delete "$id2" -o json
	assert_success
	assert_output ''
	api GET "/api/v1/$path/$id2"
	assert_status 404
}

# only_rows JQ-PREDICATE CMD...: CMD -o json --all lists at least one item, and each
# satisfies the predicate
only_rows() {
	local pred=$1 n bad
	shift
	run certctl "$@" --all -o json
	assert_success
	n=$(jq '.data | length' <<<"$output")
	[ "$n" -gt 0 ] || fail "$*: no rows"
	bad=$(jq -c "[.data[] | select(($pred) | not) | .id]" <<<"$output")
	assert_equal "$bad" '[]'
}

@test "issuers: create, get, list, update, delete, test; filters" {
	crud issuers issuer issuers name cli-issuer-2 \
		--name cli-issuer --type GenericCA --config '{}' --enabled false -- --name cli-issuer-2
	run certctl issuers test iss-local -o json
	assert_success
	jq -e 'type == "object"' <<<"$output" >/dev/null
	only_rows '.type == "ACME"' issuers list --type ACME
	only_rows '.enabled == false' issuers list --enabled false
	only_rows '.enabled == true' issuers list --enabled true
}

@test "targets: create, get, list, update, delete, test; filters" {
	crud targets target targets enabled no \
		--name cli-target --type NGINX --agent-id ag-web-prod \
		--config '{"cert_path":"/tmp/c.pem","key_path":"/tmp/k.pem"}' -- --enabled false
	run certctl targets test tgt-nginx-prod
	assert_success
	assert_line --index 0 'target tgt-nginx-prod: connection test'
	only_rows '.agent_id == "ag-web-prod"' targets list --agent-id ag-web-prod
	only_rows '.type == "NGINX"' targets list --type NGINX
}

@test "profiles: create, get, list, update, delete; filters" {
	crud profiles profile profiles max_ttl_seconds 3600 \
		--name cli-profile --max-ttl-seconds 86400 --allowed-ekus serverAuth \
		--requires-approval false -- --max-ttl-seconds 3600
	run certctl profiles update prof-smime --enabled false -q
	assert_output prof-smime
	only_rows '.enabled == false' profiles list --enabled false
	only_rows '.enabled == true' profiles list --enabled true
}

@test "policies: create, get, list, update, delete, violations; filters" {
	crud policies policy policies severity Critical \
		--name cli-policy --type AllowedDomains --config '{"domains":["example.com"]}' \
		--severity Warning --enabled true -- --severity Critical
	only_rows '.type == "AllowedDomains"' policies list --type AllowedDomains
	only_rows '.severity == "Warning"' policies list --severity Warning
	only_rows '.enabled == false' policies list --enabled false
	# violations: table and JSON, of the rule with the most
	local rule
	rule=$(db_q "SELECT rule_id FROM policy_violations GROUP BY rule_id ORDER BY count(*) DESC LIMIT 1")
	[ -n "$rule" ] || fail "the demo fleet has no policy violations"
	run certctl policies violations "$rule"
	assert_success
	assert_line --index 0 --regexp '^ID +CERTIFICATE +SEVERITY +MESSAGE +CREATED$'
	assert_line "Total: $(db_q "SELECT count(*) FROM policy_violations WHERE rule_id = '$rule'")"
	same_json "/api/v1/policies/$rule/violations" policies violations "$rule"
}

@test "owners: create, get, list, update, delete; filters" {
	crud owners owner owners email new@example.com \
		--name "CLI owner" --email cli@example.com --team-id t-platform -- --email new@example.com
	only_rows '.team_id == "t-platform"' owners list --team-id t-platform
	local mail
	mail=$(certctl owners list -o json | jq -r '.data[0].email')
	only_rows ".email == \"$mail\"" owners list --email "$mail"
}

@test "teams: create, get, list, update, delete; filters" {
	crud teams team teams description changed \
		--name "CLI team" --description made-by-cli -- --description changed
	only_rows '.name == "Data"' teams list --name Data
	only_rows '.created_at > "2000"' teams list --created-after 2000-01-01
	run certctl teams list --created-after +1d -q
	assert_success
	assert_output ''
}

@test "agent-groups: create, get, list, update, delete, members; filters" {
	crud agent-groups 'agent group' agent-groups match_os windows \
		--name cli-group --match-os linux --description by-cli -- --match-os windows
	only_rows '.name == "linux-prod"' agent-groups list --name linux-prod
	run certctl agent-groups members ag-linux-prod
	assert_success
	assert_line --index 0 --regexp '^ID +NAME +HOSTNAME +STATUS$'
	local n
	n=$(certctl agent-groups members ag-linux-prod -o json | jq .total)
	[ "$n" -gt 0 ] || fail "ag-linux-prod has no members"
	assert_line "Total: $n"
	same_json /api/v1/agent-groups/ag-linux-prod/members agent-groups members ag-linux-prod
	# every member runs linux
	run certctl agent-groups members ag-linux-prod -o json
	assert_equal "$(jq -c '[.data[] | select(.os != "linux") | .id]' <<<"$output")" '[]'
}

@test "jobs approve and reject: renewals gated by a profile that requires approval" {
	local prof job1 job2
	prof=$(certctl profiles create --name gated --requires-approval true -q)
	[ -n "$prof" ] || fail "no profile"
	for c in gated-1 gated-2; do
		certctl certs create --id "$c" --name "$c" --common-name "$c.example.com" \
			--owner-id o-alice --team-id t-platform --issuer-id iss-local \
			--renewal-policy-id rp-default --profile-id "$prof" -q >/dev/null
		run certctl certs renew "$c"
		assert_success
		assert_line --regexp '^Job Status: +AwaitingApproval$'
	done
	job1=$(certctl jobs list --certificate-id gated-1 --status AwaitingApproval -q)
	job2=$(certctl jobs list --certificate-id gated-2 --status AwaitingApproval -q)
	[ -n "$job1" ] && [ -n "$job2" ] || fail "no jobs awaiting approval: '$job1' '$job2'"

	run certctl jobs approve "$job1"
	assert_success
	assert_line --index 0 "job $job1 approved"
	assert_equal "$(certctl jobs get "$job1" -o json | jq -r .status)" Pending
	run certctl jobs approve "$job1"
	assert_failure 1
	assert_output --partial 'conflict (HTTP 409)'
	assert_output --partial 'must be AwaitingApproval'

	run certctl jobs reject "$job2" --reason "change freeze" -o json
	assert_success
	jq -e . <<<"$output" >/dev/null
	run certctl jobs get "$job2" -o json
	assert_equal "$(jq -c '[.status, .last_error]' <<<"$output")" '["Failed","rejected: change freeze"]'
	run certctl audit list --action job_rejected --resource-id "$job2" -o json
	assert_equal "$(jq -r '.data[0].details.reason' <<<"$output")" 'change freeze'
	run certctl jobs reject "$job2" -r again
	assert_failure 1
	assert_output --partial 'conflict (HTTP 409)'

	# a third one, rejected without a reason, from the table mode
	certctl certs renew gated-2 >/dev/null
	job2=$(certctl jobs list --certificate-id gated-2 --status AwaitingApproval -q)
	run certctl jobs reject "$job2"
	assert_success
	assert_line --index 0 "job $job2 rejected"
	assert_equal "$(certctl jobs get "$job2" -o json | jq -r .last_error)" 'rejected by user'
	run certctl jobs approve no-such-job
	assert_failure 4
	assert_output "certctl jobs approve: job 'no-such-job' not found (HTTP 404)"
}

@test "discover get and claim: details, JSON, the link made, unknown ids named" {
	local found
	found=$(certctl discover list --status Unmanaged -q | head -1)
	[ -n "$found" ] || fail "the demo fleet has no unmanaged discovered certificate"
	run certctl discover get "$found"
	assert_success
	assert_line --index 0 --regexp "^ID: +$found\$"
	assert_line --regexp '^Status: +Unmanaged$'
	assert_line --regexp '^Fingerprint SHA-256: +[0-9a-f]{64}$'
	same_json "/api/v1/discovered-certificates/$found" discover get "$found"

	run certctl discover claim "$found" mc-api-prod
	assert_success
	assert_line --index 0 "discovered certificate $found claimed"
	run certctl discover get "$found" -o json
	assert_equal "$(jq -c '[.status, .managed_certificate_id]' <<<"$output")" '["Managed","mc-api-prod"]'
	assert_equal "$(db_q "SELECT count(*) FROM audit_events WHERE action = 'discovery_cert_claimed' AND resource_id = '$found'")" 1

	found=$(certctl discover list --status Unmanaged -q | head -1)
	run certctl discover claim "$found" mc-api-prod -o json
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" claimed

	run certctl discover get no-such-find
	assert_failure 4
	assert_output "certctl discover get: discovered certificate 'no-such-find' not found (HTTP 404)"
	run certctl discover claim no-such-find mc-api-prod
	assert_failure 4
	assert_output --partial "'no-such-find' not found"
	# the managed certificate is the one missing: the error names it, not the found one
	found=$(certctl discover list --status Unmanaged -q | head -1)
	run certctl discover claim "$found" no-such-cert
	assert_failure 4
	assert_output --partial "'no-such-cert' not found"
	refute_output --partial "'$found'"
	run certctl discover claim "$found"
	assert_failure 2
}

@test "certs list: every filter of the API is a flag and returns only matching rows" {
	local f flags want got
	# the flags are those of GET /api/v1/certificates (api-routes.md 3.2)
	flags=$(certctl help certs list)
	for f in status environment owner-id team-id issuer-id profile-id agent-id \
		expires-before expires-after created-after updated-after page per-page sort fields all; do
		grep -q -- "--$f" <<<"$flags" || fail "certs list has no --$f"
	done
	# give some certificates a profile, an environment and a later update
	certctl certs update mc-api-prod --profile-id prof-standard-tls --environment cli-env -q >/dev/null
	certctl certs update mc-jenkins --profile-id prof-standard-tls -q >/dev/null
	certctl certs list --all -o json >"$TEST_DIR/all.json"

	# expected ids from the full list, by jq; got: the CLI with the flag
	check() {
		local pred=$1
		shift
		want=$(jq -r ".data[] | select($pred) | .id" "$TEST_DIR/all.json" | sort)
		got=$(certctl certs list --all -q "$@" | sort)
		# some rows but not all: a flag the server ignored would fail
		[ -n "$want" ] || fail "nothing matches $pred: not a useful check"
		[ "$(wc -l <<<"$want")" -lt "$(jq '.data | length' "$TEST_DIR/all.json")" ] ||
			fail "every certificate matches $pred: not a useful check"
		assert_equal "$got" "$want"
	}
	check '.status == "Expired"' --status Expired
	check '.environment == "cli-env"' --environment cli-env
	check '.owner_id == "o-alice"' --owner-id o-alice
	check '.team_id == "t-platform"' --team-id t-platform
	check '.issuer_id == "iss-acme-le"' --issuer-id iss-acme-le
	check '.certificate_profile_id == "prof-standard-tls"' --profile-id prof-standard-tls
	check ".expires_at < \"$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)\" and .expires_at > \"2000\"" \
		--expires-before +30d --expires-after 2000-01-01
	check ".expires_at > \"$(date -u -d '+90 days' +%Y-%m-%dT%H:%M:%S)\"" --expires-after +90d
	check ".created_at > \"$(date -u -d '-60 days' +%Y-%m-%dT%H:%M:%S)\"" --created-after -60d
	# updated in this test: only the two changed above are newer than a minute ago
	got=$(certctl certs list --all -q --updated-after -1m | sort)
	assert_equal "$got" "$(printf '%s\n' mc-api-prod mc-jenkins)"
	# agent: certificates mapped to a target of the agent (from the database)
	want=$(db_q "SELECT DISTINCT m.certificate_id FROM certificate_target_mappings m
		JOIN deployment_targets t ON t.id = m.target_id WHERE t.agent_id = 'ag-web-prod'" | sort)
	[ -n "$want" ] || fail "ag-web-prod deploys nothing"
	[ "$(wc -l <<<"$want")" -lt "$(jq '.data | length' "$TEST_DIR/all.json")" ] ||
		fail "ag-web-prod deploys every certificate: not a useful check"
	got=$(certctl certs list --all -q --agent-id ag-web-prod | sort)
	assert_equal "$got" "$want"
	# filters combine (AND)
	check '.owner_id == "o-alice" and .status == "Active"' --owner-id o-alice --status Active
}

@test "jobs cancel, discover dismiss and certs deploy, each on an item made for it" {
	local job found
	# a renewal queued now is Pending (or AwaitingCSR): cancel it, twice is a conflict
	certctl certs renew mc-jenkins >/dev/null
	job=$(certctl jobs list --certificate-id mc-jenkins -o json |
		jq -r '[.data[] | select(.status == "Pending" or .status == "AwaitingCSR")][0].id')
	[ "$job" != null ] || fail "no queued job for mc-jenkins"
	run certctl jobs cancel "$job"
	assert_success
	assert_line --index 0 "job $job cancelled"
	assert_equal "$(certctl jobs get "$job" -o json | jq -r .status)" Cancelled
	run certctl jobs cancel "$job"
	assert_failure 1
	assert_output --partial 'conflict (HTTP 409)'

	found=$(certctl discover list --status Unmanaged -q | head -1)
	[ -n "$found" ] || fail "the demo fleet has no unmanaged discovered certificate"
	run certctl discover dismiss "$found"
	assert_success
	assert_line --index 0 "discovered certificate $found dismissed"
	assert_equal "$(certctl discover get "$found" -o json | jq -r .status)" Dismissed
	run certctl discover list --status Dismissed -q
	assert_line "$found"
	run certctl discover list --status Unmanaged -q
	refute_line "$found"

	local before
	before=$(db_q "SELECT count(*) FROM jobs WHERE type = 'Deployment' AND certificate_id = 'mc-api-prod'")
	run certctl certs deploy mc-api-prod
	assert_success
	assert_line --index 0 'deployment queued for certificate mc-api-prod'
	[ "$(db_q "SELECT count(*) FROM jobs WHERE type = 'Deployment' AND certificate_id = 'mc-api-prod'")" -gt "$before" ] ||
		fail "no deployment job queued"
	run certctl certs deploy no-such-cert
	assert_failure 4
}

@test "the other lists: jobs, agents, notifications, discover and audit filters return only matching rows" {
	only_rows '.type == "Renewal"' jobs list --type Renewal
	only_rows '.status == "Failed"' jobs list --status Failed
	only_rows '.certificate_id == "mc-api-prod"' jobs list --certificate-id mc-api-prod
	only_rows '.type == "Deployment" and .status == "Completed"' jobs list --type Deployment --status Completed
	only_rows '.status == "Online"' agents list --status Online
	only_rows '.os == "linux"' agents list --os linux
	only_rows '.architecture == "arm64"' agents list --architecture arm64
	only_rows '.channel == "Email"' notifications list --channel Email
	only_rows '.status == "Dismissed"' discover list --status Dismissed
	only_rows '.agent_id == "ag-web-prod"' discover list --agent-id ag-web-prod
	only_rows '.agent_id == "ag-web-prod"' discover scans --agent-id ag-web-prod
	certctl teams create --name audited -q >/dev/null
	# the API audit row is written after the reply
	has_post() { [ -n "$(certctl audit list --action api_post -q)" ]; }
	wait_for 5 has_post || fail "no api_post audit event"
	only_rows '.action == "api_post"' audit list --action api_post
	only_rows '.resource_type == "certificate"' audit list --resource-type certificate
	only_rows '.resource_id == "mc-api-prod"' audit list --resource-id mc-api-prod
	# notifications get: details and the API's JSON
	local n
	n=$(certctl notifications list -q | head -1)
	[ -n "$n" ] || fail "no notifications"
	run certctl notifications get "$n"
	assert_success
	assert_line --index 0 --regexp "^ID: +$n\$"
	same_json "/api/v1/notifications/$n" notifications get "$n"
}
