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
