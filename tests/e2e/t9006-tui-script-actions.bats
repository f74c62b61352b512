#!/usr/bin/env bats
# t9006: actions of certctl tui driven by CERTCTL_TUI_SCRIPT (no terminal, each command once
# every request is answered), each checked on the server afterwards: bulk renew and owner
# reassignment, the issuer and target wizards, CRUD of the resource screens, discovery and
# network scans, jobs

load helpers
load lib/tui

# renewals CERT: how many renewal jobs the server has for CERT
renewals() {
	api GET "/api/v1/jobs?certificate_id=$1&type=Renewal&per_page=500"
	jq '[.data[] | select(.type == "Renewal" and .certificate_id == "'"$1"'")] | length' \
		<<<"$HTTP_BODY"
}

# owners_map: "id owner_id" of every certificate, sorted
owners_map() {
	api GET '/api/v1/certificates?per_page=500'
	jq -r '.data[] | "\(.id) \(.owner_id)"' <<<"$HTTP_BODY" | sort
}

# select_script NAME...: script lines that search each NAME and select its row
select_script() {
	local n
	for n in "$@"; do
		printf 'key /\ntype %s\nkey Enter Space Esc\n' "$n"
	done
}

@test "certificates: bulk renew of the selection queues a job for exactly those" {
	local c before=()
	local certs=(mc-vpn mc-grafana mc-jenkins mc-old-blog mc-pay-prod mc-cdn-prod)
	for c in "${certs[@]}"; do before+=("$(renewals "$c")"); done
	{
		printf 'key :\ntype certificates\nkey Enter\n'
		select_script vpn grafana jenkins old-blog
		printf 'save-screen %s\nkey r\nsave-screen %s\nkey y\nsave-screen %s\n' \
			"$TEST_DIR/sel" "$TEST_DIR/ask" "$TEST_DIR/done"
	} >"$TEST_DIR/script"
	run tui_script
	assert_success
	run cat "$TEST_DIR/sel"
	assert_output --partial '32/32 shown · 4 selected'
	run cat "$TEST_DIR/ask"
	assert_output --partial 'Renew the 4 selected certificates now?'
	# old-blog has expired: the server refuses it, the summary says so
	run cat "$TEST_DIR/done"
	assert_output --partial 'renewal queued: 3 of 4, 1 failed (cannot renew expired'
	assert_output --regexp 'vpn +vpn.example.com +RenewalInP'
	local i want
	for i in "${!certs[@]}"; do
		case ${certs[$i]} in
		mc-vpn | mc-grafana | mc-jenkins) want=$((before[i] + 1)) ;;
		*) want=${before[$i]} ;;
		esac
		assert_equal "${certs[$i]}: $(renewals "${certs[$i]}")" "${certs[$i]}: $want"
	done
}

@test "certificates: reassign the owner of the selection, the others keep theirs" {
	owners_map >"$TEST_DIR/before"
	grep -qx 'mc-vpn o-bob' "$TEST_DIR/before"
	grep -qx 'mc-grafana o-alice' "$TEST_DIR/before"
	# the owner form offers the server's owners in its order: Right to o-eve
	api GET '/api/v1/owners?per_page=500'
	local idx
	idx=$(jq '[.data[].id] | index("o-eve")' <<<"$HTTP_BODY")
	[ "$idx" -gt 0 ]
	{
		printf 'key :\ntype certificates\nkey Enter\n'
		select_script vpn grafana pay-staging
		printf 'key o\n'
		for ((i = 0; i < idx; i++)); do printf 'key Right\n'; done
		printf 'save-screen %s\nkey Enter\nsave-screen %s\n' "$TEST_DIR/form" "$TEST_DIR/done"
	} >"$TEST_DIR/script"
	run tui_script
	assert_success
	run cat "$TEST_DIR/form"
	assert_output --partial 'Reassign owner'
	assert_output --partial '3 certificates'
	assert_output --regexp 'New owner\* ‹ o-eve'
	run cat "$TEST_DIR/done"
	assert_output --partial 'owner reassigned: 3 of 3'
	assert_output --regexp 'grafana +grafana.intern.* o-eve'
	owners_map >"$TEST_DIR/after"
	# exactly the three changed owner
	sed -E 's/^(mc-vpn|mc-grafana|mc-pay-staging) .*/\1 o-eve/' "$TEST_DIR/before" >"$TEST_DIR/want"
	run diff "$TEST_DIR/want" "$TEST_DIR/after"
	assert_success
	[ "$(grep -c ' o-eve$' "$TEST_DIR/after")" -gt 3 ] # o-eve owned others before
}

# index_of PATH ID: the position of ID in the list PATH (the order a choice field shows)
index_of() {
	api GET "$1"
	jq '[.data[].id] | index("'"$2"'")' <<<"$HTTP_BODY"
}

# rights N: script lines pressing Right N times
rights() {
	local i
	for ((i = 0; i < $1; i++)); do printf 'key Right\n'; done
}

@test "issuers: the create wizard (type, then its fields) and t test the connection" {
	cat >"$TEST_DIR/script" <<EOS
key :
type issuers
key Enter n
type lab-vault
key Tab V
save-screen $TEST_DIR/step1
key Enter
save-screen $TEST_DIR/step2
type http://127.0.0.1:8200
key Tab
type pki_int
key Tab
type web-servers
key Tab
type s.secret-token
key Enter
save-screen $TEST_DIR/saved
key /
type lab-vault
key Enter t
save-screen $TEST_DIR/tested
EOS
	LINES=30 COLUMNS=100 run tui_script
	assert_success
	run cat "$TEST_DIR/step1"
	assert_output --partial 'New issuer — step 1 of 2'
	assert_output --partial 'Type* ‹ VaultPKI ›'
	run cat "$TEST_DIR/step2"
	assert_output --partial 'New issuer VaultPKI — step 2 of 2: lab-vault'
	assert_output --partial 'Vault address*'
	run cat "$TEST_DIR/saved"
	assert_output --regexp 'lab-vault +VaultPKI +yes +untested'
	api GET '/api/v1/issuers?per_page=500'
	jq '.data[] | select(.name == "lab-vault")' <<<"$HTTP_BODY" >"$TEST_DIR/iss.json"
	assert_equal "$(jq -r '[.type, .config.address, .config.mount, .config.role] | join(" ")' \
		"$TEST_DIR/iss.json")" 'VaultPKI http://127.0.0.1:8200 pki_int web-servers'
	# the token went to the server (it redacts it in answers)
	assert_equal "$(jq -r .config.token "$TEST_DIR/iss.json")" '********'
	run cat "$TEST_DIR/tested"
	assert_output --partial 'test: connection_successful'
	api GET "/api/v1/issuers/$(jq -r .id "$TEST_DIR/iss.json")"
	assert_equal "$(jq -r .test_status <<<"$HTTP_BODY")" success
	[ "$(jq -r .last_tested_at <<<"$HTTP_BODY")" != null ]
}

@test "targets: the create wizard with the agent from a list, per-type fields, t test" {
	local online offline
	online=$(index_of '/api/v1/agents?per_page=500' ag-edge-01)
	offline=$(index_of '/api/v1/agents?per_page=500' ag-mac-dev)
	{
		printf 'key :\ntype targets\nkey Enter n\ntype edge-haproxy\nkey Tab H Tab\n'
		rights "$online"
		printf 'save-screen %s\nkey Enter\nsave-screen %s\n' "$TEST_DIR/step1" "$TEST_DIR/step2"
		printf 'type /etc/haproxy/certs/edge.pem\nkey Tab\ntype haproxy -c -f /etc/haproxy/haproxy.cfg\nkey Enter\n'
		# a second one on an offline agent: its test fails
		printf 'key n\ntype dev-nginx\nkey Tab N Tab\n'
		rights "$offline"
		printf 'key Enter\ntype /srv/dev.crt\nkey Tab\ntype /srv/dev.key\nkey Enter\n'
		printf 'save-screen %s\n' "$TEST_DIR/saved"
		printf 'key /\ntype edge-haproxy\nkey Enter t\nsave-screen %s\nkey Esc /\n' "$TEST_DIR/t1"
		printf 'type dev-nginx\nkey Enter t\nsave-screen %s\n' "$TEST_DIR/t2"
	} >"$TEST_DIR/script"
	LINES=30 COLUMNS=100 run tui_script
	assert_success
	run cat "$TEST_DIR/step1"
	assert_output --regexp 'Type\* +‹ HAProxy ›'
	assert_output --regexp 'Agent\* +‹ ag-edge-01 \(edge-01\) ›'
	run cat "$TEST_DIR/step2"
	assert_output --partial 'New target HAProxy — step 2 of 2: edge-haproxy'
	assert_output --partial 'Combined PEM file*'
	run cat "$TEST_DIR/saved"
	assert_output --regexp 'edge-haproxy +HAProxy +ag-edge-01'
	assert_output --regexp 'dev-nginx +NGINX +ag-mac-dev'
	api GET '/api/v1/targets?per_page=500'
	assert_equal "$(jq -c '.data[] | select(.name == "edge-haproxy") | [.type, .agent_id, .config]' \
		<<<"$HTTP_BODY")" \
		'["HAProxy","ag-edge-01",{"pem_path":"/etc/haproxy/certs/edge.pem","validate_command":"haproxy -c -f /etc/haproxy/haproxy.cfg"}]'
	# (the server redacts config values named like a key in its answers)
	assert_equal "$(jq -c '.data[] | select(.name == "dev-nginx") | [.type, .agent_id, .config]' \
		<<<"$HTTP_BODY")" '["NGINX","ag-mac-dev",{"cert_path":"/srv/dev.crt","key_path":"********"}]'
	run cat "$TEST_DIR/t1"
	assert_output --partial 'test: success: Agent is online and reachable'
	run cat "$TEST_DIR/t2"
	assert_output --regexp 'test: failed: '
	api GET '/api/v1/targets?per_page=500'
	assert_equal "$(jq -r '[.data[] | select(.name == "edge-haproxy" or .name == "dev-nginx") |
		"\(.name)=\(.test_status)"] | sort | join(" ")' <<<"$HTTP_BODY")" \
		'dev-nginx=failed edge-haproxy=success'
}

# on SCREEN [NAME]: runs the script from stdin on SCREEN, after a search for NAME (its row is
# then the current one); the screen at the end is in $TEST_DIR/end
on() {
	{
		printf 'key :\ntype %s\nkey Enter\n' "$1"
		[ -z "${2:-}" ] || printf 'key /\ntype %s\nkey Enter\n' "$2"
		cat
		printf 'save-screen %s\n' "$TEST_DIR/end"
	} >"$TEST_DIR/script"
	LINES=30 COLUMNS=120 run tui_script
	assert_success
}

# item COLLECTION NAME: the object of COLLECTION (/api/v1/teams) named NAME, compact
item() {
	api GET "$1?per_page=500"
	jq -c '.data[] | select(.name == "'"$2"'")' <<<"$HTTP_BODY"
}

@test "teams and owners: n creates, e edits, d deletes — the server after each" {
	on teams <<EOS
key n
type QA crew
key Tab
type release testing
key Enter
EOS
	run item /api/v1/teams 'QA crew'
	assert_equal "$(jq -r .description <<<"$output")" 'release testing'
	team=$(jq -r .id <<<"$output")
	on teams 'QA crew' <<EOS
key e Tab C-u
type release and load testing
key Enter
EOS
	assert_equal "$(item /api/v1/teams 'QA crew' | jq -r '[.id, .description] | join(" ")')" \
		"$team release and load testing"
	# an owner in that team
	on owners <<EOS
key n
type Grace Hopper
key Tab
type grace@example.com
key Tab
type $team
key Enter
EOS
	run item /api/v1/owners 'Grace Hopper'
	assert_equal "$(jq -r '[.email, .team_id] | join(" ")' <<<"$output")" "grace@example.com $team"
	owner=$(jq -r .id <<<"$output")
	on owners 'Grace Hopper' <<EOS
key e Tab C-u
type grace.hopper@example.com
key Enter
EOS
	assert_equal "$(item /api/v1/owners 'Grace Hopper' | jq -r '[.id, .email, .team_id] | join(" ")')" \
		"$owner grace.hopper@example.com $team"
	on owners 'Grace Hopper' <<EOS
key d
save-screen $TEST_DIR/ask
key y
EOS
	grep -q "Delete" "$TEST_DIR/ask" || fail "no confirmation: $(cat "$TEST_DIR/ask")"
	api GET "/api/v1/owners/$owner"
	assert_status 404
	grep -q 'deleted' "$TEST_DIR/end"
	on teams 'QA crew' <<EOS
key d y
EOS
	api GET "/api/v1/teams/$team"
	assert_status 404
	# the others are still there
	api GET /api/v1/teams/t-platform
	assert_status 200
}

@test "policies and profiles: n creates, e edits, d deletes — the server after each" {
	on policies <<EOS
key n
type prod-only
key Tab A A A Tab E
save-screen $TEST_DIR/form
key Tab C-u
type {"environments":["production"]}
key Enter
EOS
	run cat "$TEST_DIR/form"
	assert_output --regexp 'Type\* +‹ AllowedEnvironments ›'
	assert_output --regexp 'Severity\* +‹ Error ›'
	run item /api/v1/policies prod-only
	assert_equal "$(jq -c '[.type, .severity, .config, .enabled]' <<<"$output")" \
		'["AllowedEnvironments","Error",{"environments":["production"]},true]'
	pol=$(jq -r .id <<<"$output")
	# e: severity Critical, disabled
	on policies prod-only <<EOS
key e Tab Tab C Tab Tab Tab N
key Enter
EOS
	assert_equal "$(item /api/v1/policies prod-only | jq -c '[.id, .type, .severity, .config, .enabled]')" \
		'["'"$pol"'","AllowedEnvironments","Critical",{"environments":["production"]},false]'
	on policies prod-only <<EOS
key d y
EOS
	api GET "/api/v1/policies/$pol"
	assert_status 404
	on profiles <<EOS
key n
type mtls-internal
key Tab
type service to service
key Tab
type 86400
key Tab C-u
type serverAuth, clientAuth
key Tab Tab Tab Tab Y
key Enter
EOS
	run item /api/v1/profiles mtls-internal
	assert_equal "$(jq -c '[.description, .max_ttl_seconds, .allowed_ekus, .requires_approval]' <<<"$output")" \
		'["service to service",86400,["serverAuth","clientAuth"],true]'
	prof=$(jq -r .id <<<"$output")
	on profiles mtls-internal <<EOS
key e Tab Tab C-u
type 3600
key Enter
EOS
	assert_equal "$(item /api/v1/profiles mtls-internal | jq -c '[.id, .max_ttl_seconds, .allowed_ekus, .requires_approval]')" \
		'["'"$prof"'",3600,["serverAuth","clientAuth"],true]'
	on profiles mtls-internal <<EOS
key d y
EOS
	api GET "/api/v1/profiles/$prof"
	assert_status 404
}

# members GROUP: the agent ids the server counts in GROUP, sorted, on one line
members() {
	api GET "/api/v1/agent-groups/$1/members"
	jq -r '[(.data // [])[].id] | sort | join(" ")' <<<"$HTTP_BODY"
}

@test "agent groups: n, e, d, and the members on its page: include, exclude, remove" {
	on agent-groups <<EOS
key n
type windows-fleet
key Tab
type the IIS boxes
key Tab
type windows
key Enter
EOS
	run item /api/v1/agent-groups windows-fleet
	assert_equal "$(jq -c '[.description, .match_os, .enabled]' <<<"$output")" \
		'["the IIS boxes","windows",true]'
	grp=$(jq -r .id <<<"$output")
	assert_equal "$(members "$grp")" ag-iis-prod
	# its page: n includes an agent by hand
	on agent-groups windows-fleet <<EOS
key Enter
key n
type ag-mac-dev
save-screen $TEST_DIR/add
key Enter
EOS
	grep -Eq 'Membership\* +‹ include ›' "$TEST_DIR/add" || fail "$(cat "$TEST_DIR/add")"
	grep -q 'membership saved' "$TEST_DIR/end" || fail "$(cat "$TEST_DIR/end")"
	grep -q 'mac-dev-frank' "$TEST_DIR/end" || fail "$(cat "$TEST_DIR/end")"
	assert_equal "$(members "$grp")" 'ag-iis-prod ag-mac-dev'
	# an exclusion wins over the dynamic criteria
	on agent-groups windows-fleet <<EOS
key Enter
key n
type ag-iis-prod
key Tab e Enter
EOS
	assert_equal "$(members "$grp")" ag-mac-dev
	run grep 'iis-prod-01' "$TEST_DIR/end"
	assert_failure
	# d on the member's row removes it
	on agent-groups windows-fleet <<EOS
key Enter
key G
key d
save-screen $TEST_DIR/ask
key y
EOS
	grep -q 'Remove agent ag-mac-dev from the group?' "$TEST_DIR/ask" || fail "$(cat "$TEST_DIR/ask")"
	assert_equal "$(members "$grp")" ''
	# e on the list, then d
	on agent-groups windows-fleet <<EOS
key e Tab C-u
type every Windows server
key Enter
EOS
	assert_equal "$(item /api/v1/agent-groups windows-fleet | jq -c '[.id, .description, .match_os]')" \
		'["'"$grp"'","every Windows server","windows"]'
	on agent-groups windows-fleet <<EOS
key d y
EOS
	api GET "/api/v1/agent-groups/$grp"
	assert_status 404
}

@test "network scans: n creates, e edits, r asks the server to scan now, d deletes" {
	on network-scans <<EOS
key n
type dmz-b
key Tab
type 192.0.2.0/28, 198.51.100.7
key Tab C-u
type [443, 8443]
key Tab C-u
type 12
key Enter
EOS
	run item /api/v1/network-scan-targets dmz-b
	assert_equal "$(jq -c '[.cidrs, .ports, .scan_interval_hours, .timeout_ms, .enabled]' <<<"$output")" \
		'[["192.0.2.0/28","198.51.100.7"],[443,8443],12,5000,true]'
	nst=$(jq -r .id <<<"$output")
	on network-scans dmz-b <<EOS
key e Tab Tab Tab C-u
type 48
key Enter
EOS
	assert_equal "$(item /api/v1/network-scan-targets dmz-b | jq -c '[.id, .ports, .scan_interval_hours]')" \
		'["'"$nst"'",[443,8443],48]'
	# r: scan now. This server does not run network scans yet (no handler for the
	# route): the TUI says so and no scan appears
	api GET '/api/v1/discovery-scans?per_page=500'
	scans=$(jq '.data | length' <<<"$HTTP_BODY")
	on network-scans dmz-b <<EOS
key r
EOS
	grep -q "scan now: the server does not offer /api/v1/network-scan-targets/$nst/scan" \
		"$TEST_DIR/end" || fail "$(cat "$TEST_DIR/end")"
	grep -q "method=POST path=/api/v1/network-scan-targets/$nst/scan status=404" "$TEST_DIR/serve.log"
	api GET '/api/v1/discovery-scans?per_page=500'
	assert_equal "$(jq '.data | length' <<<"$HTTP_BODY")" "$scans"
	on network-scans dmz-b <<EOS
key d y
EOS
	api GET "/api/v1/network-scan-targets/$nst"
	assert_status 404
	api GET /api/v1/network-scan-targets/nst-edge
	assert_status 200
}

@test "discovery: h shows an agent's new scan, c claims what it found, D dismisses" {
	local fp
	fp=$(printf 't9006' | sha256sum | cut -d' ' -f1)
	api_json POST /api/v1/agents/ag-web-prod/discoveries '{"directories":["/srv/t9006"],
		"scan_duration_ms":1234,"certificates":[{"fingerprint_sha256":"'"$fp"'",
		"common_name":"found.t9006.test","source_path":"/srv/t9006/found.pem",
		"not_after":"2027-01-01T00:00:00Z"}]}'
	assert_status 202
	scan=$(jq -r .id <<<"$HTTP_BODY")
	on discovery <<EOS
key h
save-screen $TEST_DIR/history
EOS
	run cat "$TEST_DIR/history"
	assert_output --partial 'certctl │ Discovery scans'
	assert_output --regexp 'ag-web-prod +/srv/t9006 +1 +1 +0 +1234'
	# c: claim the new one as the managed certificate mc-api-prod
	on discovery found.t9006 <<EOS
key c
save-screen $TEST_DIR/claim
type mc-api-prod
key Enter
EOS
	grep -q 'Managed certificate' "$TEST_DIR/claim" || fail "$(cat "$TEST_DIR/claim")"
	grep -q 'claimed' "$TEST_DIR/end" || fail "$(cat "$TEST_DIR/end")"
	api GET '/api/v1/discovered-certificates?per_page=500'
	assert_equal "$(jq -r '.data[] | select(.common_name == "found.t9006.test") |
		[.status, .managed_certificate_id, .discovery_scan_id] | join(" ")' <<<"$HTTP_BODY")" \
		"Managed mc-api-prod $scan"
	# D dismisses the current one; nothing else changes
	jq -r '.data[] | "\(.id) \(.status)"' <<<"$HTTP_BODY" | sort >"$TEST_DIR/before"
	grep -qx 'dc-unmanaged-03 Unmanaged' "$TEST_DIR/before"
	on discovery printer-mgmt <<EOS
key D
EOS
	api GET '/api/v1/discovered-certificates?per_page=500'
	jq -r '.data[] | "\(.id) \(.status)"' <<<"$HTTP_BODY" | sort >"$TEST_DIR/after"
	sed 's/^dc-unmanaged-03 .*/dc-unmanaged-03 Dismissed/' "$TEST_DIR/before" >"$TEST_DIR/want"
	run diff "$TEST_DIR/want" "$TEST_DIR/after"
	assert_success
}

# job_status ID: the job's status on the server
job_status() {
	api GET "/api/v1/jobs/$1"
	jq -r .status <<<"$HTTP_BODY"
}

@test "jobs: f filters by status on the server, c cancels the selected pending jobs" {
	api GET '/api/v1/jobs?status=Pending&per_page=500'
	pending=$(jq -r '[.data[].id] | sort | join(" ")' <<<"$HTTP_BODY")
	[ "$(wc -w <<<"$pending")" -ge 2 ]
	api GET '/api/v1/jobs?per_page=500'
	all=$(jq '.data | length' <<<"$HTTP_BODY")
	# status: Pending is the first choice after the empty one
	on jobs <<EOS
save-screen $TEST_DIR/all
key f Right
save-screen $TEST_DIR/filter
key Enter
save-screen $TEST_DIR/pending
key * c
save-screen $TEST_DIR/ask
key y
EOS
	grep -q "$all/$all shown" "$TEST_DIR/all" || fail "$(cat "$TEST_DIR/all")"
	grep -Eq 'Status +‹ Pending ›' "$TEST_DIR/filter" || fail "$(cat "$TEST_DIR/filter")"
	run cat "$TEST_DIR/pending"
	n=$(wc -w <<<"$pending")
	assert_output --partial 'filter: status=Pending'
	assert_output --partial "$n/$n shown"
	assert_equal "$(grep -c ' Pending ' "$TEST_DIR/pending")" "$n"
	refute_output --partial 'Completed'
	run cat "$TEST_DIR/ask"
	assert_output --partial "Cancel $n jobs?"
	for j in $pending; do
		assert_equal "$j $(job_status "$j")" "$j Cancelled"
	done
	# the filtered list is empty now, and the other jobs were left alone
	grep -q 'no jobs\|0/0 shown' "$TEST_DIR/end" || fail "$(cat "$TEST_DIR/end")"
	assert_equal "$(job_status job-dep-014)" Running
	assert_equal "$(job_status job-ren-015)" AwaitingApproval
}
